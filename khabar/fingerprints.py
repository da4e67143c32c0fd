"""What each output is made from, in 16 bytes: equal fingerprints, equal bytes.

An incremental build renders a page again only when its fingerprint changed, so a
fingerprint must cover everything the page's bytes depend on, and as little else as
it can. A page shows its own article whole, but of every other article it lists
(related, translations, listings, the slider, the story so far) only the teaser:
title, date, summary, picture… never the body. So a body edit renders one page
again, and a title edit the pages that list the article.

The page's own data is walked field by field, with each article replaced by one of
its two digests; what every page shares (templates, configuration, string tables,
the assets' fingerprinted names, the navigation) is one digest of its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from .assets import Asset
from .config import LAYOUTS_DIR
from .content import Article
from .digests import digest, digests_of
from .model import Site
from .outputs.sitemaps import news_articles
from .pages import ArticlePage, Page
from .pool import Workers
from .problems import Problems
from .sourcefile import files_under
from .urls import output_path

class ArticleDigests:
    """Each article's two digests, of its teaser and of the whole of it: those its file was read into, with the four
    fields the stages after reading may change (git's `updated`, `scheduled`, pins made slugs, links made URLs)."""

    def __init__(self, articles: Iterable[Article], read: Mapping[str, tuple[bytes, bytes]]):
        self.teaser: dict[str, str] = {}
        self.whole: dict[str, str] = {}
        for article in articles:
            teaser_read, whole_read = read[article.source]
            teaser = digest(teaser_read, repr(article.updated), repr(article.scheduled))
            self.teaser[article.source] = teaser.hex()
            self.whole[article.source] = digest(
                whole_read, teaser, repr(article.related_pins), article.body_html if article.body_links else "",
            ).hex()


def page_fingerprint(page: Page, shared: bytes, articles: ArticleDigests) -> bytes:
    """The page's data, its own article whole and every other by its teaser, with what all pages share."""
    own = page.article if isinstance(page, ArticlePage) else None
    parts: list[str] = []
    _encode(page, parts, articles, own)
    return digest(shared, "\x1f".join(parts))


# Below this many pages, worker processes cost more than they save.
PARALLEL_THRESHOLD = 2000
_SCALARS = (str, int, float, bool, type(None), dt.date, dt.datetime, dt.time)
_FIELDS: dict[type, tuple[str, ...]] = {}


def _encode(value: Any, parts: list[str], articles: ArticleDigests, own: Article | None) -> None:
    if isinstance(value, _SCALARS):
        parts.append(repr(value))
    elif isinstance(value, Article):
        parts.append(articles.whole[value.source] if value is own else articles.teaser[value.source])
    elif isinstance(value, (tuple, list)):
        parts.append("(")
        for item in value:
            _encode(item, parts, articles, own)
        parts.append(")")
    elif isinstance(value, dict):
        parts.append("{")
        for key, item in value.items():
            parts.append(repr(key))
            _encode(item, parts, articles, own)
        parts.append("}")
    elif dataclasses.is_dataclass(value):
        kind = type(value)
        names = _FIELDS.get(kind)
        if names is None:
            names = _FIELDS[kind] = tuple(field.name for field in dataclasses.fields(kind))
        parts.append(kind.__name__)
        for name in names:
            _encode(getattr(value, name), parts, articles, own)
    else:
        # A value of a kind not walked here could change without changing the fingerprint: refuse to guess.
        raise TypeError(f"no fingerprint for a {type(value).__name__} in a page")


@dataclass(frozen=True)
class OutputPlan:
    """The fingerprint of every page, by output path, and of every group of outputs made together."""

    pages: dict[str, bytes]  # in the order of site.pages (each page has a file of its own)
    groups: dict[str, bytes]  # SITEMAPS, and search_group(lang) for each language


SITEMAPS = "sitemaps"


def search_group(lang: str) -> str:
    return f"search {lang}"


def plan_outputs(
    site: Site, assets: Mapping[str, Asset], read: Mapping[str, tuple[bytes, bytes]], stamp: str,
    workers: Workers = Workers(),
) -> OutputPlan:
    """What each page and group of outputs is made from, before any is made: the build makes again only what changed."""
    root = site.config.root
    configuration = digest(stamp, digests_of(root, site.config.files), site.config.base_url, str(root))
    everywhere = digest(
        configuration,
        repr(sorted((relative, asset.url) for relative, asset in assets.items())),
        repr(site.card_images), repr(site.navigation),
    )
    # Every template, not only those a page uses: finding those means parsing them all, and most pages use most.
    shared = digest(everywhere, digests_of(root, files_under(root, LAYOUTS_DIR, Problems())))
    articles = ArticleDigests((article for language in site.articles.values() for article in language), read)
    fingerprints = workers.map(lambda page: page_fingerprint(page, shared, articles), site.pages,
                               least=PARALLEL_THRESHOLD, doing="comparing", what="pages")
    pages = {output_path(page.url): fingerprint for page, fingerprint in zip(site.pages, fingerprints, strict=True)}
    groups = {
        search_group(lang): digest(configuration, *(articles.whole[article.source] for article in site.articles[lang]))
        for lang in site.config.language_codes
    }
    # A sitemap lists each page's address, its last change and its language versions; the News sitemap the articles
    # of its window, by their titles and dates, which their teasers cover.
    groups[SITEMAPS] = digest(
        configuration, repr([(page.url, page.lang, page.modified, page.alternates) for page in site.pages if page.in_sitemap]),
        *(articles.teaser[article.source] for article in news_articles(site)),
    )
    return OutputPlan(pages, groups)
