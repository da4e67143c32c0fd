"""The site's URL scheme, in one place: every page's address is made here.

URLs are site-relative paths ("/ar/tags/روسيا/"); the render stage adds the
base path and percent-encodes them for links.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from urllib.parse import unquote

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


# Characters no file may have in its name on one of the systems a site is built on (Windows refuses these), and those
# that end a path in a request: a static host serves a file by its path alone.
_NOT_IN_FILE_NAMES = frozenset('<>:"|*')
_NOT_IN_PATHS = frozenset("?#")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def alias_problem(written: str) -> str | None:
    """What is wrong with an old address an editor gives for an article, or None: it must be a path inside the site
    that a static file can be published at. Percent-escapes are read as a browser's address bar shows them."""
    if written.startswith("//") or _SCHEME.match(written):
        return "is the address of another site: an alias is a path inside this one, such as /ar/2023/09/old-slug/"
    if not written.startswith("/"):
        return "does not start with '/': an alias is a path inside the site, such as /ar/2023/09/old-slug/"
    try:
        path = unquote(written, errors="strict")
    except UnicodeDecodeError:
        return "has percent-escapes that are not UTF-8 text"
    if "\\" in path:
        return "has a backslash: the parts of a path are separated by '/'"
    if found := next((char for char in path if char in _NOT_IN_PATHS), None):
        return f"has a '{found}': a static host serves a file by its path alone, without a query or fragment"
    if "%" in path:  # a stray one, or one written %25: links keep a '%' as it is, so it would start an escape
        return "has a '%' of its own, not a percent-escape such as %D9%83"
    if found := next((char for char in path if char in _NOT_IN_FILE_NAMES or not char.isprintable()), None):
        return f"has {found!r}, which a file name may not hold"
    segments = path.strip("/").split("/")
    if any(segment in (".", "..") for segment in segments):
        return "has a '.' or '..' segment, which would lead out of its folder"
    if path != "/" and any(not segment for segment in segments):
        return "has an empty segment ('//')"
    if any(segment.startswith(".") or segment.endswith((".", " ")) for segment in segments):
        return "has a segment that starts with '.' or ends with '.' or a space, which a file name may not"
    if segment := long_segment(path):
        return f"has a segment of {len(segment.encode())} bytes in UTF-8, more than a file name may have ({MAX_SEGMENT_BYTES})"
    return None


def alias_url(written: str) -> str:
    """The site-relative URL of an alias alias_problem accepts: decoded, and a folder's with its trailing slash, as a
    static host serves it ("/ar/old-slug" is the folder /ar/old-slug/; "/old/path.html" a file)."""
    path = unquote(written)
    is_file = "." in path.rpartition("/")[2]
    return path if is_file or path.endswith("/") else path + "/"


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
# The redirects of the articles' aliases, for hosts that read them (Netlify, Cloudflare Pages): a file with no
# extension, at the output's root, so a path rather than an address.
REDIRECTS_FILE = "_redirects"


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
