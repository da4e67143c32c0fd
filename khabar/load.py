"""Stage 1: read content/<lang>/**/*.md into validated Articles, collecting every problem."""

from __future__ import annotations

import heapq
import html
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from .buildstate import ParseCache
from .config import CONFIG_FILE, CONTENT_DIR, SiteConfig, locate_image
from .content import Alias, Article, Image, Picture, Tag
from .digests import article_digests, digest, digests_of
from .fields import FieldReader, Suggestions, parse_mapping, suggest
from .glossary import GLOSSARY_FILE
from .markdown import ImageLocator, render_markdown
from .pictures import PictureError
from .pool import Workers
from .problems import Problems
from .references import ArticleFiles, is_source_link, left_out, link_bodies, reference
from .sourcefile import MAX_ARTICLE_BYTES, Refused, files_under, locate, read_source
from .textnorm import search_words, terms
from .timelines import TIMELINES_FOLDER, read_events
from .urls import MAX_SEGMENT_BYTES, alias_problem, alias_url, article_url, author_url, category_url, is_slug, long_segment, slugify, tag_url

FRONT_MATTER_FENCE = "---"
FRONT_MATTER_KEYS = [
    "title", "date", "updated", "author", "category", "tags", "slider", "draft", "image", "image_alt",
    "caption", "summary", "slug", "translation_key",
    "related", "timeline", "aliases",
]
# A summary made from the first paragraph stops after this many words.
SUMMARY_WORDS = 40
# How many of an article's most frequent word stems are kept for finding related articles.
KEPT_TERMS = 48
# Three to ten tags describe an article; past this many they are noise (README "Limits").
MAX_TAGS = 30
_TAG = re.compile(r"<[^>]*>")  # the search index is given an article's text, not its markup
# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400


@dataclass(frozen=True)
class _ReadResult:
    """One file's article (if valid), its problems, and where its identity keys stand."""

    article: Article | None
    problems: Problems
    slug_line: int
    translation_key_line: int
    related_lines: tuple[int, ...]  # each pin's
    pictures: tuple[str, ...] = ()  # the project files of the pictures it shows, which its article depends on
    digests: tuple[bytes, bytes] = (b"", b"")  # of its article's teaser and of the whole of it (khabar/digests.py)


def load_articles(
    config: SiteConfig, problems: Problems, publish: Callable[[list[Article]], list[Article]], cache: ParseCache | None = None,
    workers: Workers = Workers(),
) -> ArticleFiles:
    """Every article under content/, validated, by its file; `publish` chooses (and may mark) those the build shows.
    With a cache, a file unchanged since an earlier build is taken from it, neither read nor parsed again."""
    sources = _discover_sources(config, problems)
    if cache is None:
        results = _read_all(config, sources, workers)
    else:
        results = cache.read(parse_digest(config), sources, lambda unread: _read_all(config, unread, workers))
    articles = []
    for result in results:
        problems.extend(result.problems)
        if result.article is not None:
            articles.append(result)
    _check_unique(articles, problems)
    shown = {article.source: article for article in publish([r.article for r in articles])}
    published = [replace(r, article=shown[r.article.source]) for r in articles if r.article.source in shown]
    files = ArticleFiles({r.article.source: r.article for r in published},
                         {r.article.source: r.article for r in articles if r.article.source not in shown},
                         {r.article.source: r.digests for r in articles})
    return link_bodies(_pin_related(published, files, problems), problems)


def _discover_sources(config: SiteConfig, problems: Problems) -> list[str]:
    content = config.root / CONTENT_DIR
    if not content.is_dir():
        problems.error(CONTENT_DIR, 0, "missing: articles live in content/<lang>/")
        return []
    try:
        locate(config.root, CONTENT_DIR)
    except Refused as refusal:  # a link out of the project: not even its names are listed
        problems.error(CONTENT_DIR, 0, str(refusal))
        return []
    sources = []
    for entry in sorted(content.iterdir()):
        relative = f"{CONTENT_DIR}/{entry.name}"
        if entry.name.startswith(".") or entry.name in (TIMELINES_FOLDER, GLOSSARY_FILE):
            continue
        if not entry.is_dir():
            problems.error(relative, 0, f"not in a language folder: articles live in content/<lang>/ ({', '.join(config.language_codes)})")
        elif entry.name not in config.language_codes:
            problems.error(relative, 0, f"unknown language folder '{entry.name}' {suggest(entry.name, config.language_codes)}")
        else:
            sources.extend(_markdown_files(config.root, relative, problems))
    return sources


def _markdown_files(root: Path, folder: str, problems: Problems) -> list[str]:
    found = []
    for relative in files_under(root, folder, problems):
        if relative.endswith(".md"):
            found.append(relative)
        else:
            problems.error(relative, 0, "not an article: files under content/<lang>/ must be Markdown (.md)")
    return found


def _read_all(config: SiteConfig, sources: list[str], workers: Workers = Workers()) -> list[_ReadResult]:
    return workers.map(lambda source: read_article(config, source), sources, least=PARALLEL_THRESHOLD,
                       doing="reading", what="articles")


def parse_digest(config: SiteConfig) -> bytes:
    """What of the configuration reading an article depends on: site.yaml and the ids the templates reserve. Not the
    address the site is built for (`--base-url`, serve's own), which only its pages' links take: a build and `serve`
    share the parsed articles."""
    return digest(digests_of(config.root, [CONFIG_FILE]), str(config.root), config.template_ids.pattern)


def read_article(config: SiteConfig, source: str) -> _ReadResult:
    """Read one article file; a pure function of the file, the configuration and the pictures it names."""
    problems = Problems()
    pictures: list[str] = []
    text = read_source(config.root, source, problems, MAX_ARTICLE_BYTES)
    if text is None:
        return _ReadResult(None, problems, 1, 1, ())
    split = split_front_matter(text, source, problems)
    if split is None:
        return _ReadResult(None, problems, 1, 1, ())
    front_matter, body, body_line = split
    mapping = parse_mapping(front_matter, source, problems, first_line=2)
    if mapping is None:
        return _ReadResult(None, problems, 1, 1, ())

    fields = FieldReader(mapping, problems)
    fields.reject_unknown(FRONT_MATTER_KEYS)
    lang = source.split("/")[1]
    file_slug = Path(source).stem
    slug = fields.string("slug", default=file_slug)
    slug_line = mapping.line_of("slug") if "slug" in mapping.values else 1  # else the file's name is the slug
    if not is_slug(slug):
        problems.error(source, slug_line, f"slug '{slug}' is not URL-safe (try '{slugify(slug)}')")
    title = fields.string("title", required=True)
    date = fields.datetime("date", config.timezone, required=True)
    updated = fields.datetime("updated", config.timezone)
    if date and updated and updated < date:
        problems.warn(source, mapping.line_of("updated"), "'updated' is earlier than 'date'")

    author = None
    if (author_key := fields.string("author")) is not None:
        author = config.authors.get(author_key)
        if author is None:
            fields.error("author", f"unknown author '{author_key}' {suggest(author_key, list(config.authors))}")
    category = None
    if (category_key := fields.string("category")) is not None:
        category = config.categories.get(category_key)
        if category is None:
            fields.error("category", f"unknown category '{category_key}' {suggest(category_key, list(config.categories))}")

    tags = []
    names = fields.string_list("tags")
    if len(names) > MAX_TAGS:
        fields.error("tags", f"{len(names)} tags, more than the {MAX_TAGS} an article may have")
        names = []
    for name in names:
        tag_slug = slugify(name)
        if not tag_slug:
            fields.error("tags", f"tag {name!r} has no letters or digits to make a URL from")
        elif (size := len(tag_slug.encode())) > MAX_SEGMENT_BYTES:
            fields.error("tags", f"tag '{name[:40]}…' is too long for a file name: {size} bytes in UTF-8, at most {MAX_SEGMENT_BYTES}")
        elif tag_slug not in (tag.slug for tag in tags):
            tags.append(Tag(lang, tag_slug, name, tag_url(lang, tag_slug)))

    image = _read_image(config, fields, pictures)
    translation_key = fields.string("translation_key", default=slug)
    events = read_events(fields, config.language_codes, own_language=lang, own_article=translation_key)
    related_pins = fields.string_list("related")
    slider, draft, summary = fields.boolean("slider"), fields.boolean("draft"), fields.string("summary")
    aliases = _read_aliases(fields)
    rendered = render_markdown(
        body, config.allow_html, _body_image_locator(config, source, body_line, problems, pictures), eager_first_picture=image is None,
        template_ids=config.template_ids,
    )
    if not rendered.word_count and not problems:
        problems.warn(source, body_line, "the article has no body text")

    url = article_url(config.permalink, lang, slug, date) if date else None
    if url and is_slug(slug) and (segment := long_segment(url)):
        problems.error(source, slug_line, f"slug '{slug[:40]}…' is too long for a file name: its address has a segment"
                                          f" of {len(segment.encode())} bytes in UTF-8, at most {MAX_SEGMENT_BYTES}")
    pin_lines = tuple(mapping.lines.get(f"related.{index}", mapping.line_of("related")) for index in range(len(related_pins)))
    lines = (mapping.line_of("slug"), mapping.line_of("translation_key"), pin_lines)
    if problems or title is None or url is None:
        return _ReadResult(None, problems, *lines, tuple(pictures))
    # A summary of the editor's own adds words; one cut from the first paragraph would count it twice.
    counts = terms(f"{title}\n{summary or ''}\n{rendered.text}")
    summary = summary or _shortened(rendered.first_paragraph)
    searched_text = "\n".join((
        title, " ".join(tag.name for tag in tags), summary, author.name(lang) if author else "",
        category.label(lang) if category else "", html.unescape(_TAG.sub(" ", rendered.html)),
    ))
    article = Article(
        source=source,
        lang=lang,
        slug=slug,
        translation_key=translation_key,
        title=title,
        date=date,
        updated=updated,
        author=author,
        author_url=author_url(lang, author.key) if author else None,
        category=category,
        category_url=category_url(lang, category.key) if category else None,
        tags=tuple(tags),
        slider=slider,
        draft=draft,
        image=image,
        summary=summary,
        body_html=rendered.html,
        reading_minutes=max(1, round(rendered.word_count / config.words_per_minute)),
        url=url,
        url_line=slug_line,
        related_pins=tuple(related_pins),
        timeline_events=tuple(events),
        terms=tuple(heapq.nsmallest(KEPT_TERMS, counts.items(), key=lambda item: (-item[1], item[0]))),
        body_pictures=rendered.pictures,
        aliases=aliases,
        heading_ids=rendered.heading_ids,
        body_links=tuple(reference(link.href, source, body_line + link.line - 1, link.column) for link in rendered.source_links),
        # Each word once: search results are listed newest first, so how often a word occurs does not matter, and
        # Pagefind's time and the reader's download grow with every word it is given.
        search_words=" ".join(search_words(searched_text)),
    )
    return _ReadResult(article, problems, *lines, tuple(dict.fromkeys(pictures)), article_digests(article))


def _read_aliases(fields: FieldReader) -> tuple[Alias, ...]:
    """The article's old addresses, each a path inside the site; where they may not be published is the model's to say."""
    aliases = []
    for written, line in fields.string_items("aliases"):
        if problem := alias_problem(written):
            shown = written if len(written) <= 60 else written[:60] + "…"
            fields.problems.error(fields.mapping.path, line, f"alias '{shown}' {problem}")
        else:
            aliases.append(Alias(alias_url(written), line))
    return tuple(aliases)


def _shortened(paragraph: str) -> str:
    """A first paragraph cut to a standfirst's length, at a word."""
    words = paragraph.split()
    return paragraph if len(words) <= SUMMARY_WORDS else " ".join(words[:SUMMARY_WORDS]) + "…"


def split_front_matter(text: str, source: str, problems: Problems) -> tuple[str, str, int] | None:
    """(front matter, body, line the body starts on) of an article."""
    lines = text.split("\n")
    if lines[0].rstrip() != FRONT_MATTER_FENCE:
        problems.error(source, 1, "missing front matter: an article starts with a line '---', then title: and date:")
        return None
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() == FRONT_MATTER_FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    problems.error(source, 1, "front matter is not closed: add a line '---' after it")
    return None


def _read_image(config: SiteConfig, fields: FieldReader, pictures: list[str]) -> Image | None:
    src = fields.string("image")
    alt = fields.string("image_alt")
    caption = fields.string("caption")
    if src is None:
        for orphan in ("image_alt", "caption"):
            if orphan in fields.mapping.values:
                fields.error(orphan, f"'{orphan}' is given but there is no 'image'")
        return None
    if alt is None:
        fields.error("image", "an image needs 'image_alt': a short description for readers who cannot see it")
    try:
        url, picture = locate_image(config.root, src)
    except PictureError as error:
        fields.error("image", str(error))
        return None
    _note_local(url, pictures)
    return Image(url, alt or "", caption, picture)


def _note_local(url: str, pictures: list[str]) -> None:
    if url.startswith("/"):
        pictures.append(url.lstrip("/"))


def _body_image_locator(config: SiteConfig, source: str, body_line: int, problems: Problems, pictures: list[str]) -> ImageLocator:
    """Finds the images of an article's body, reporting an unusable one at its line of the article."""

    def locate(src: str, line: int) -> tuple[str, Picture | None] | None:
        if "://" in src or src.startswith("data:"):
            return src, None
        try:
            url, picture = locate_image(config.root, unquote(src))  # markdown-it percent-encodes what it parses
        except PictureError as error:
            problems.error(source, body_line + line - 1, str(error))
            return None
        _note_local(url, pictures)
        return url, picture

    return locate


def _check_unique(results: list[_ReadResult], problems: Problems) -> None:
    """Slugs, translation keys and URLs must each name one article per language."""
    seen_slugs: dict[tuple[str, str], str] = {}
    seen_keys: dict[tuple[str, str], str] = {}
    seen_urls: dict[str, str] = {}
    for result in results:
        article = result.article
        slug_owner = seen_slugs.setdefault((article.lang, article.slug), article.source)
        if slug_owner != article.source:
            problems.error(article.source, result.slug_line, f"duplicate slug '{article.slug}' in '{article.lang}' (also {slug_owner})")
            continue
        key_owner = seen_keys.setdefault((article.lang, article.translation_key), article.source)
        if key_owner != article.source:
            problems.error(
                article.source, result.translation_key_line,
                f"translation_key '{article.translation_key}' is already claimed in '{article.lang}' by {key_owner}",
            )
        url_owner = seen_urls.setdefault(article.url, article.source)
        if url_owner != article.source:
            problems.error(article.source, result.slug_line, f"same URL {article.url} as {url_owner}")


_UNTIL_PINNED = "it is not pinned until it is published"


def _pin_related(results: list[_ReadResult], files: ArticleFiles, problems: Problems) -> ArticleFiles:
    """Pinned related articles must be other built articles of the same language, named by slug or by file."""
    slugs = {(r.article.lang, r.article.slug) for r in results}
    hints = {lang: Suggestions(sorted(slug for slug_lang, slug in slugs if slug_lang == lang)) for lang in {lang for lang, _ in slugs}}
    unpublished = {(article.lang, article.slug): article.source for article in files.left_out.values()}
    pinned = dict(files.built)
    for result in results:
        article = result.article
        pins = []
        for pin, line in zip(article.related_pins, result.related_lines):
            if is_source_link(pin):
                found = files.find(reference(pin, article.source, line), problems, "related article",
                                   _UNTIL_PINNED, public=not article.draft)
                if found is None:
                    continue
                if found[0].lang != article.lang:
                    problems.error(article.source, line, f"related article {pin}: {found[0].source} is in '{found[0].lang}';"
                                                         f" related articles are in the article's own language '{article.lang}'")
                    continue
                pin = found[0].slug
            if pin == article.slug:
                problems.error(article.source, line, f"'related' lists the article itself ('{pin}')")
            elif (article.lang, pin) in unpublished:
                problems.warn(article.source, line, f"related article '{pin}': "
                                                    + left_out(unpublished[article.lang, pin], _UNTIL_PINNED))
            elif (article.lang, pin) not in slugs:
                hint = hints[article.lang](pin, article.source)
                problems.error(article.source, line, f"related article '{pin}' not found in '{article.lang}' {hint}")
            else:
                pins.append(pin)
        if tuple(pins) != article.related_pins:
            pinned[article.source] = replace(article, related_pins=tuple(pins))
    return replace(files, built=pinned)
