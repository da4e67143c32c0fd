"""The site's URL scheme, in one place: every page's address is made here.

URLs are site-relative paths ("/ar/tags/روسيا/"); the render stage adds the
base path and percent-encodes them for links.
"""

from __future__ import annotations

import datetime as dt
import re
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
