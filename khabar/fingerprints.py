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
from .content import Article
from .digests import digest, digests_of
from .links import Links
from .model import Site
from .pages import ArticlePage, Page
from .render import Renderer
from .urls import output_path

# What a page that lists an article shows of it. An article's field must be named here, or in SHOWN_ON_ITS_OWN_PAGE:
# tests/test_fingerprints.py fails on a field named in neither, so that a new one is never forgotten.
TEASER_FIELDS = (
    "source", "lang", "slug", "translation_key", "title", "date", "updated", "author_url", "category_url",
    "tags", "slider", "draft", "image", "summary", "reading_minutes", "url", "scheduled",
)
# The author's and category's names and bios are site.yaml's, which every fingerprint covers: their keys stand for them.
BY_KEY_FIELDS = ("author", "category")
SHOWN_ON_ITS_OWN_PAGE = (
    "body_html", "related_pins", "timeline_events", "terms", "body_pictures", "url_line", "aliases", "heading_ids",
    "body_links",
)


class ArticleDigests:
    """Each article's two digests: of its teaser, and of the whole of it."""

    def __init__(self, articles: Iterable[Article]):
        self.teaser: dict[str, str] = {}
        self.whole: dict[str, str] = {}
        for article in articles:
            teaser = digest(repr((
                tuple(getattr(article, name) for name in TEASER_FIELDS),
                tuple(getattr(getattr(article, name), "key", None) for name in BY_KEY_FIELDS),
            )))
            self.teaser[article.source] = teaser.hex()
            self.whole[article.source] = digest(
                teaser, article.body_html, repr(tuple(getattr(article, name) for name in SHOWN_ON_ITS_OWN_PAGE[1:])),
            ).hex()


def page_fingerprint(page: Page, shared: bytes, articles: ArticleDigests) -> bytes:
    """The page's data, its own article whole and every other by its teaser, with what all pages share."""
    own = page.article if isinstance(page, ArticlePage) else None
    parts: list[str] = []
    _encode(page, parts, articles, own)
    return digest(shared, "\x1f".join(parts))


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
    """The fingerprint of every page, by output path, and of every language's search bundle."""

    pages: dict[str, bytes]
    search: dict[str, bytes]


def plan_outputs(site: Site, links: Links, assets: Mapping[str, Asset], stamp: str) -> OutputPlan:
    """What each page and search bundle is made from, before any is made: the build makes again only what changed."""
    root = site.config.root
    configuration = digest(stamp, digests_of(root / path for path in site.config.files), site.config.base_url, str(root))
    everywhere = digest(
        configuration,
        repr(sorted((relative, asset.url) for relative, asset in assets.items())),
        repr(site.card_images), repr(site.navigation),
    )
    renderer = Renderer(site, links)
    shared = {}
    for template in {page.template for page in site.pages}:
        shared[template] = digest(everywhere, digests_of(root / path for path in renderer.templates_used(template)))
    articles = ArticleDigests(article for language in site.articles.values() for article in language)
    pages = {output_path(page.url): page_fingerprint(page, shared[page.template], articles) for page in site.pages}
    search = {
        lang: digest(configuration, *(articles.whole[article.source] for article in site.articles[lang]))
        for lang in site.config.language_codes
    }
    return OutputPlan(pages, search)
