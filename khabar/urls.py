"""The site's URL scheme, in one place: every page's address is made here.

URLs are site-relative paths ("/ar/tags/روسيا/"); the render stage adds the
base path and percent-encodes them for links.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata

_NOT_SLUG = re.compile(r"[^\w\-]+")
_DASHES = re.compile(r"-{2,}")
_TATWEEL = "\u0640"


def slugify(text: str) -> str:
    """A readable URL segment that keeps Arabic letters: 'قمة بوتين - كيم' -> 'قمة-بوتين-كيم'."""
    text = unicodedata.normalize("NFC", text).replace(_TATWEEL, "").lower()
    # Dropping combining marks removes Arabic tashkeel, so vowelled and bare spellings share a slug.
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _NOT_SLUG.sub("-", text.replace("_", "-"))
    return _DASHES.sub("-", text).strip("-")


def is_slug(text: str) -> bool:
    return bool(text) and slugify(text) == text


# The longest name a file or folder may have on the file systems a site is built on (ext4, APFS, NTFS: 255 bytes,
# or UTF-16 units, a component); an address segment is a folder's name as it is, in UTF-8, never percent-encoded.
MAX_SEGMENT_BYTES = 255

PERMALINK_TOKENS = ("lang", "yyyy", "mm", "dd", "slug")


def permalink_problem(pattern: str) -> str | None:
    """What is wrong with an article URL pattern, or None: it must stay a plain path of slug-like segments inside
    the site, so that no article can be written outside the output folder or under a name no other page could have."""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        return "has a '{' or '}' that opens or closes no token"
    tokens = [name for _, name, _, _ in parts if name is not None]
    for _, name, spec, conversion in parts:
        if name is not None and (name not in PERMALINK_TOKENS or spec or conversion):
            return f"has the unknown token {{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}"
    if "slug" not in tokens or "lang" not in tokens:
        return "must use both {lang} and {slug}"
    if len(set(tokens)) < len(tokens):
        return "uses a token twice"
    text = "".join(literal for literal, _, _, _ in parts)
    if "{" in text or "}" in text:
        return "has a '{' or '}' that opens or closes no token"
    if pattern.startswith("//") or "://" in text or "\\" in text:
        return "is not a path inside the site (one leading '/', no scheme, host or backslash)"
    # Tokens stand in as one letter each, so that only the editor's own text is judged.
    segments = "".join(literal + ("x" if name else "") for literal, name, _, _ in parts).strip("/").split("/")
    if any(segment in (".", "..") for segment in segments):
        return "has a '.' or '..' segment, which would lead out of its folder"
    if any(not segment for segment in segments):
        return "has an empty segment ('//')"
    if not all(char == "-" or (char.isalnum() and not char.isupper()) for segment in segments for char in segment):
        return "may only have lowercase letters, digits and hyphens beside its tokens and slashes"
    # With each token once and its text this short, an article's path stays far below any system's limit (4,096 bytes).
    if len(text.encode()) > MAX_SEGMENT_BYTES:
        return f"has more text besides its tokens than a file name may have ({MAX_SEGMENT_BYTES} bytes)"
    return None


def long_segment(url: str) -> str | None:
    """The first segment of a URL too long to be the name of a file or folder, or None."""
    return next((segment for segment in url.split("/") if len(segment.encode()) > MAX_SEGMENT_BYTES), None)


def article_url(pattern: str, lang: str, slug: str, date: dt.datetime) -> str:
    return pattern.format(lang=lang, slug=slug, yyyy=f"{date.year:04d}", mm=f"{date.month:02d}", dd=f"{date.day:02d}")


def home_url(lang: str) -> str:
    return f"/{lang}/"


def category_url(lang: str, key: str) -> str:
    return f"/{lang}/categories/{key}/"


def tag_url(lang: str, slug: str) -> str:
    return f"/{lang}/tags/{slug}/"


def author_url(lang: str, key: str) -> str:
    return f"/{lang}/authors/{key}/"


def timelines_url(lang: str) -> str:
    return f"/{lang}/timelines/"


def timeline_url(lang: str, key: str) -> str:
    return f"/{lang}/timelines/{key}/"


def search_url(lang: str) -> str:
    return f"/{lang}/search/"


def search_index_url(lang: str) -> str:
    """The folder of a language's search index: pagefind.js and the files it loads beside it."""
    return f"/pagefind/{lang}/"


def feed_url(page_url: str) -> str:
    """The Atom feed of a listing or timeline page: beside it, as feed.xml."""
    return f"{page_url}feed.xml"


def paginated_url(first_page_url: str, number: int) -> str:
    return first_page_url if number == 1 else f"{first_page_url}page/{number}/"


def sitemap_url(lang: str, number: int) -> str:
    """A language's sitemap; past the protocol's 50,000 addresses a file, the next ones are numbered from 2."""
    return f"/sitemap-{lang}.xml" if number == 1 else f"/sitemap-{lang}-{number}.xml"


ROOT_URL = "/"
NOT_FOUND_URL = "/404.html"
ROBOTS_URL = "/robots.txt"
SITEMAP_INDEX_URL = "/sitemap.xml"
NEWS_SITEMAP_URL = "/sitemap-news.xml"


def output_path(url: str) -> str:
    """The file a URL is served from: a file name as it is ("/ar/feed.xml"), a pretty URL as a folder's index.html."""
    relative = url.lstrip("/")
    is_file = "." in relative.rpartition("/")[2]
    return relative if is_file else relative + "index.html"


def output_url(path: str) -> str:
    """The URL a file of the built site is served at, the inverse of output_path: "ar/index.html" is "/ar/"."""
    if path == "index.html" or path.endswith("/index.html"):
        return "/" + path.removesuffix("index.html")
    return "/" + path
