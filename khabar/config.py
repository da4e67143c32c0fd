"""site.yaml and the per-language string tables, validated into a SiteConfig."""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from .fields import FieldReader, YamlMapping, parse_mapping
from .pictures import Image, Picture, PictureError, is_raster, picture_of
from .problems import BuildFailed, Problems
from .sourcefile import MAX_ASSET_BYTES, Refused, files_under, read_source, regular_file
from .urls import MAX_SEGMENT_BYTES, is_slug, permalink_problem, slugify

CONFIG_FILE = "site.yaml"
CONTENT_DIR = "content"
ASSETS_DIR = "assets"
# The site's mark under assets/: the browser tab's icon, the feeds' logo, the publisher's logo in JSON-LD.
LOGO = "images/favicon.svg"
# The texts khabar itself puts on pages (templates name the rest): every table must have them.
ENGINE_STRINGS = ("home", "timelines", "search", "feed_title", "category_feed_subtitle", "author_heading", "article_moved")
LAYOUTS_DIR = "layouts"
STRINGS_DIR = f"{LAYOUTS_DIR}/strings"
# A language code names folders (content/ar/, layouts/strings/ar.yaml) and URLs (/ar/): a BCP 47 tag, no more.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}")


@dataclass(frozen=True)
class Language:
    code: str  # the folder name under content/ and the first URL segment
    name: str  # the language's own name for itself, shown in the switcher
    locale: str  # a Babel locale identifier for dates and plural rules
    direction: str  # "rtl" or "ltr", from the locale
    arabic_indic_digits: bool


@dataclass(frozen=True)
class Localized:
    """A text given per language; a missing language falls back to the default one."""

    texts: Mapping[str, str]
    fallback: str

    def __call__(self, lang: str) -> str:
        return self.texts[self.language_of(lang)]

    def language_of(self, lang: str) -> str:
        """The language the text shown for `lang` is in: `lang` itself, or the fallback."""
        return lang if self.texts.get(lang) else self.fallback


@dataclass(frozen=True)
class Author:
    key: str
    name: Localized
    bio: Localized | None
    photo: Image | None  # beside the name on the author's page, so its alt text is empty


@dataclass(frozen=True)
class Category:
    key: str
    label: Localized


@dataclass(frozen=True)
class RelatedSettings:
    """How related articles are chosen: how many, and the weight of each kind of evidence."""

    count: int = 4
    timeline: float = 2.0  # both articles report events of one timeline
    tags: float = 1.5  # shared tags, rarer tags counting more, each as far as the texts bear it out
    category: float = 0.5  # the same category
    text: float = 3.0  # the cosine similarity of their words (TF-IDF)
    recency: float = 0.3  # close in time, fading over `recency_days`
    recency_days: int = 30


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: Localized
    description: Localized
    base_url: str  # absolute, ending in "/"
    timezone: ZoneInfo
    languages: tuple[Language, ...]  # the default language first
    permalink: str
    per_page: int
    slider_size: int
    feed_size: int  # entries in each Atom feed, newest first
    words_per_minute: int
    allow_html: bool
    authors: Mapping[str, Author]
    categories: Mapping[str, Category]
    strings: Mapping[str, Mapping[str, Any]]  # language -> key -> text (or plural forms)
    default_timeline: str | None
    timeline_preview: int  # events in the "story so far" block
    related: RelatedSettings
    template_ids: re.Pattern[str]  # matches every id the templates may give an element, which no heading may take
    card_image: Image | None = None  # the link preview of pages without a picture; alt text in the default language
    card_image_alt: Localized | None = None

    @property
    def default_language(self) -> str:
        return self.languages[0].code

    @cached_property  # asked for by every page the model makes
    def language_codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)

    @property
    def files(self) -> tuple[str, ...]:
        """The project files every page and feed is made with: site.yaml and the string tables."""
        return (CONFIG_FILE, *(f"{STRINGS_DIR}/{code}.yaml" for code in self.language_codes))

    def with_base_url(self, base_url: str) -> SiteConfig:
        """The configuration published at another address (`build --base-url`)."""
        if problem := base_url_problem(base_url):
            problems = Problems()
            problems.error("--base-url", 0, problem)
            raise BuildFailed(problems)
        return replace(self, base_url=normalise_base_url(base_url))


def normalise_base_url(url: str) -> str:
    return url.rstrip("/") + "/"


def base_url_problem(url: str) -> str | None:
    """Why a site cannot be published at `url`, or None: links, feeds and sitemaps need an http(s) address with a host."""
    try:
        parts = urlsplit(url)
        usable = (parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
                  and parts.username is None and not (parts.query or parts.fragment))
    except ValueError:  # a port that is no number or out of range, a malformed IPv6 host
        usable = False
    if not usable or any(char.isspace() or not char.isprintable() for char in url):
        return f"'{url}' is not an http:// or https:// address with a host, such as https://example.org/"
    return None


def load_config(root: Path) -> SiteConfig:
    """Read and validate site.yaml and the string tables; raise BuildFailed listing every problem."""
    problems = Problems()
    if not os.path.lexists(root / CONFIG_FILE):
        problems.error(CONFIG_FILE, 0, "missing: every site needs a site.yaml at its top")
        raise BuildFailed(problems)
    text = read_source(root, CONFIG_FILE, problems)
    mapping = parse_mapping(text, CONFIG_FILE, problems) if text is not None else None
    if mapping is None:
        raise BuildFailed(problems)
    config = _read_config(root, mapping, problems)
    if problems or config is None:
        raise BuildFailed(problems)
    return config


def _read_config(root: Path, mapping: YamlMapping, problems: Problems) -> SiteConfig | None:
    fields = FieldReader(mapping, problems)
    fields.reject_unknown([
        "title", "description", "base_url", "timezone", "default_language", "languages", "permalink",
        "per_page", "slider_size", "feed_size", "words_per_minute", "allow_html", "authors", "categories",
        "default_timeline", "timeline_preview", "related", "card_image", "card_image_alt",
    ])
    languages = _read_languages(fields, problems)
    if not languages:
        return None
    codes = [language.code for language in languages]
    default = fields.string("default_language", default=codes[0])
    if default not in codes:
        problems.error(mapping.path, mapping.line_of("default_language"), f"default_language '{default}' is not one of the languages ({', '.join(codes)})")
        return None
    languages.sort(key=lambda language: language.code != default)
    codes = [language.code for language in languages]

    zone_name = fields.string("timezone", default="UTC")
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        problems.error(mapping.path, mapping.line_of("timezone"), f"unknown time zone '{zone_name}' (e.g. Asia/Riyadh, Africa/Cairo, UTC)")
        zone = ZoneInfo("UTC")

    permalink = fields.string("permalink", default="/{lang}/{yyyy}/{mm}/{slug}/")
    if problem := permalink_problem(permalink):
        fields.error("permalink", f"permalink '{permalink}' {problem} (e.g. /{{lang}}/{{yyyy}}/{{mm}}/{{slug}}/)")
    permalink = "/" + permalink.strip("/") + "/"
    base_url = fields.string("base_url", default="http://127.0.0.1:8000/")
    if problem := base_url_problem(base_url):
        fields.error("base_url", f"base_url {problem}")

    authors = {}
    for key, author_map in _entries(fields, "authors"):
        if not _is_url_key(key, "author", author_map, problems):
            continue
        author_fields = FieldReader(author_map, problems, f"author '{key}'")
        author_fields.reject_unknown(["name", "bio", "photo"])
        name = read_localized(author_fields, "name", codes, required=True)
        bio = read_localized(author_fields, "bio", codes)
        photo = _read_image(root, author_fields, "photo")
        if name:
            authors[key] = Author(key, name, bio, Image(photo[0], "", None, photo[1]) if photo else None)

    categories = {}
    for key, category_map in _entries(fields, "categories"):
        if not _is_url_key(key, "category", category_map, problems):
            continue
        label = read_localized(FieldReader(category_map, problems, f"category '{key}'"), "label", codes, required=True)
        if label:
            categories[key] = Category(key, label)

    title = read_localized(fields, "title", codes, required=True)
    description = read_localized(fields, "description", codes) or Localized({default: ""}, default)
    strings = _load_strings(root, codes, problems)
    if not (root / ASSETS_DIR / LOGO).is_file():
        problems.error(f"{ASSETS_DIR}/{LOGO}", 0, "missing: the site's logo, shown as its icon, in feeds and to search engines")
    card_image_alt = read_localized(fields, "card_image_alt", codes)
    card_image = None
    if card := _read_image(root, fields, "card_image"):
        url, picture = card
        if not picture:
            fields.error("card_image", "the card image must be a JPEG, PNG or WebP picture under assets/ (link previews do not show SVG)")
        if not card_image_alt:
            fields.error("card_image", "a card image needs 'card_image_alt': a short description per language")
        card_image = Image(url, card_image_alt(codes[0]) if card_image_alt else "", None, picture)
    elif card_image_alt and "card_image" not in mapping.values:
        fields.error("card_image_alt", "'card_image_alt' is given but there is no 'card_image'")
    if title is None:
        return None
    return SiteConfig(
        root=root,
        title=title,
        description=description,
        base_url=normalise_base_url(base_url),
        timezone=zone,
        languages=tuple(languages),
        permalink=permalink,
        per_page=fields.integer("per_page", 10),
        slider_size=fields.integer("slider_size", 5),
        feed_size=fields.integer("feed_size", 20),
        words_per_minute=fields.integer("words_per_minute", 200),
        allow_html=fields.boolean("allow_html", False),
        authors=authors,
        categories=categories,
        strings=strings,
        default_timeline=fields.string("default_timeline"),
        timeline_preview=fields.integer("timeline_preview", 5),
        related=_read_related(fields),
        template_ids=_template_ids(root, problems),
        card_image=card_image,
        card_image_alt=card_image_alt,
    )


def _is_url_key(key: str, what: str, entry: YamlMapping, problems: Problems) -> bool:
    """Whether a key of site.yaml can be a segment of its pages' URLs and a folder's name; if not, why not is reported."""
    if not is_slug(key):
        hint = f"try '{slugify(key)}'" if slugify(key) else "use lowercase letters, digits and hyphens"
        problems.error(entry.path, entry.start_line, f"{what} key '{key}' is not URL-safe ({hint})")
        return False
    if (size := len(key.encode())) > MAX_SEGMENT_BYTES:
        problems.error(entry.path, entry.start_line,
                       f"{what} key is too long for a file name: {size} bytes in UTF-8, at most {MAX_SEGMENT_BYTES}")
        return False
    return True


def locate_image(root: Path, reference: str) -> tuple[str, Picture | None]:
    """An image's site-relative URL and, for a raster file, its picture; PictureError says what is wrong.

    `reference` is a file under assets/ ("images/x.jpg", "/assets/images/x.jpg") or a full https:// address.
    """
    if reference.startswith(("https://", "http://")):
        return reference, None
    # Judged as written, before any link is followed: 'images/../../site.yaml' names no file of assets/.
    relative = posixpath.normpath(reference.lstrip("/").removeprefix(f"{ASSETS_DIR}/"))
    if relative == ".." or relative.startswith("../") or relative == ".":
        raise PictureError(f"image '{reference}' is outside {ASSETS_DIR}/")
    project_path = f"{ASSETS_DIR}/{relative}"
    if not os.path.lexists(root / project_path):
        raise PictureError(f"image '{reference}' not found under {ASSETS_DIR}/")
    try:
        regular_file(root, project_path, MAX_ASSET_BYTES)
    except Refused as refusal:
        raise PictureError(f"image '{reference}': {refusal}") from None
    if not (is_raster(project_path) or project_path.lower().endswith(".svg")):
        raise PictureError(f"image '{reference}' is not a JPEG, PNG, WebP or SVG picture")
    try:
        return f"/{project_path}", picture_of(root, project_path)
    except PictureError as error:
        raise PictureError(f"image '{reference}' {error}") from None


def _read_image(root: Path, fields: FieldReader, key: str) -> tuple[str, Picture | None] | None:
    """The URL and picture of the image a key names; None, with the problem reported, if it has none or a bad one."""
    reference = fields.string(key)
    if reference is None:
        return None
    try:
        return locate_image(root, reference)
    except PictureError as error:
        fields.error(key, str(error))
        return None


def _read_related(fields: FieldReader) -> RelatedSettings:
    related = fields.mapping_of("related")
    if related is None:
        return RelatedSettings()
    related_fields = FieldReader(related, fields.problems, "related")
    related_fields.reject_unknown(["count", "weights", "recency_days"])
    defaults = RelatedSettings()
    weights = {}
    weights_map = related_fields.mapping_of("weights")
    if weights_map is not None:
        weight_fields = FieldReader(weights_map, fields.problems, "related weights")
        names = ["timeline", "tags", "category", "text", "recency"]
        weight_fields.reject_unknown(names)
        weights = {name: weight_fields.number(name, getattr(defaults, name)) for name in names}
    return RelatedSettings(
        count=related_fields.integer("count", defaults.count, minimum=0),
        recency_days=related_fields.integer("recency_days", defaults.recency_days),
        **weights,
    )


def _read_languages(fields: FieldReader, problems: Problems) -> list[Language]:
    languages = []
    for code, language_map in _entries(fields, "languages", required=True):
        if not LANGUAGE_CODE.fullmatch(code):
            problems.error(language_map.path, language_map.start_line,
                           f"'{code}' is not a language code such as ar, en or pt-BR (it names the language's folders and URLs)")
            continue
        language_fields = FieldReader(language_map, problems, f"language '{code}'")
        language_fields.reject_unknown(["name", "locale", "arabic_indic_digits"])
        locale_id = language_fields.string("locale", default=code)
        try:
            locale = Locale.parse(locale_id)
        except (UnknownLocaleError, ValueError):
            problems.error(language_map.path, language_map.line_of("locale"), f"language '{code}': unknown locale '{locale_id}'")
            continue
        languages.append(Language(
            code=code,
            name=language_fields.string("name", default=locale.get_display_name(locale)),
            locale=str(locale),
            direction="rtl" if locale.text_direction == "rtl" else "ltr",
            arabic_indic_digits=language_fields.boolean("arabic_indic_digits", False),
        ))
    return languages


def _entries(fields: FieldReader, key: str, required: bool = False) -> list[tuple[str, YamlMapping]]:
    """The entries of a mapping of mappings (authors, categories, languages)."""
    outer = fields.mapping_of(key, required)
    if outer is None:
        return []
    entries = []
    for entry_key in outer.values:
        inner = FieldReader(outer, fields.problems).mapping_of(entry_key, required=True)
        if inner is not None:
            entries.append((entry_key, inner))
    return entries


def read_localized(fields: FieldReader, key: str, languages: list[str], required: bool = False) -> Localized | None:
    """A text every language falls back on, so it must be given in the default language."""
    texts = read_texts(fields, key, languages, required=required)
    if texts is None:
        return None
    if languages[0] not in texts:
        fields.error(key, f"'{key}' needs a text in the default language '{languages[0]}'")
        return None
    return Localized(texts, languages[0])


def read_texts(
    fields: FieldReader, key: str, languages: list[str], required: bool = False, own_language: str | None = None
) -> dict[str, str] | None:
    """A text given either per language (`{ar: …, en: …}`) or once, in `own_language` (default: the site's)."""
    value = fields.mapping.values.get(key)
    if isinstance(value, dict):
        nested = FieldReader(fields.mapping_of(key), fields.problems, fields.what)
        nested.reject_unknown(languages)
        texts = {code: nested.string(code) for code in languages}
        return {code: text for code, text in texts.items() if text} or None
    text = fields.string(key, required=required)
    return {own_language or languages[0]: text} if text else None


# An id attribute in a template, and a Jinja expression or statement within its value.
_ID_ATTRIBUTE = re.compile(r"""(?<![\w-])id\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_JINJA = re.compile(r"{{.*?}}|{%.*?%}", re.DOTALL)


def _template_ids(root: Path, problems: Problems) -> re.Pattern[str]:
    """Every id the templates may give an element, as one pattern, read from the templates themselves.

    An expression in an id ("slide-{{ loop.index }}") stands for one word: a number, a year, a language code.
    An id that is nothing but an expression could be anything, and is left out.
    """
    patterns = set()
    # What cannot be listed is reported where it is read: string tables here, templates as they are loaded.
    for relative in files_under(root, LAYOUTS_DIR, Problems()):
        text = read_source(root, relative, problems) if relative.endswith(".html") else None
        for match in _ID_ATTRIBUTE.finditer(text or ""):
            pieces = _JINJA.split(match.group(1) if match.group(1) is not None else match.group(2))
            if any(pieces):
                patterns.add(r"[^\W_]+".join(re.escape(piece) for piece in pieces))
    return re.compile("|".join(sorted(patterns)) or "(?!)")


def _load_strings(root: Path, languages: list[str], problems: Problems) -> dict[str, Mapping[str, Any]]:
    """Each language's table of reader-facing texts; every table must have the default's keys."""
    tables: dict[str, Mapping[str, Any]] = {}
    for code in languages:
        relative = f"{STRINGS_DIR}/{code}.yaml"
        if not os.path.lexists(root / relative):
            problems.error(relative, 0, f"missing string table for language '{code}'")
            continue
        text = read_source(root, relative, problems)
        mapping = parse_mapping(text, relative, problems) if text is not None else None
        if mapping is not None:
            tables[code] = mapping.values
    reference = tables.get(languages[0], {})
    for code, table in tables.items():
        for key in reference:
            if key not in table:
                problems.error(f"{STRINGS_DIR}/{code}.yaml", 0, f"missing string '{key}' (defined in {languages[0]}.yaml)")
        for key in ENGINE_STRINGS:
            if key not in table and key not in reference:
                problems.error(f"{STRINGS_DIR}/{code}.yaml", 0, f"missing string '{key}': khabar puts it on pages itself")
    return tables
