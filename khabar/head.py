"""What a page tells search engines, link previews and news aggregators about itself.

Open Graph and Twitter card tags, and schema.org JSON-LD (NewsArticle, BreadcrumbList,
CollectionPage, ProfilePage, WebSite), made from the page model with absolute URLs.
Made here rather than in templates because it is data, not presentation: one page's
graph needs its translations, its author page and the site's publisher.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from babel import Locale
from babel.core import get_global

from . import urls
from .config import LOGO
from .content import Article, Image
from .links import Links
from .model import Site
from .pages import ArticlePage, ListingPage, Page, TimelineIndexPage, TimelinePage

SCHEMA = "https://schema.org"


@dataclass(frozen=True)
class Head:
    meta: tuple[tuple[str, str, str], ...]  # (attribute, its value, content): ("property", "og:title", "…")
    json_ld: str  # one script's worth of JSON, safe inside <script>; "" for none


class HeadMaker:
    """Makes the head of each page; one per build, shared by every page it renders."""

    def __init__(self, site: Site, links: Links):
        self.site = site
        self.config = site.config
        self.links = links
        self.localizers = site.localizers
        self._locales = {language.code: _og_locale(language.locale) for language in self.config.languages}
        self._publishers = {code: self._publisher(code) for code in self.config.language_codes}

    def head(self, page: Page) -> Head:
        if isinstance(page, ArticlePage):
            return self._article(page)
        if isinstance(page, ListingPage):
            return self._listing(page)
        if isinstance(page, (TimelinePage, TimelineIndexPage)):
            return self._collection(page, self._breadcrumbs(page.lang, (page.title, page.url)))
        return Head(self._common(page, "website", None), "")

    # Open Graph and Twitter

    def _common(self, page: Page, kind: str, image: Image | None) -> tuple[tuple[str, str, str], ...]:
        tags = [
            ("property", "og:type", kind),
            ("property", "og:site_name", self.config.title(page.lang)),
            ("property", "og:title", page.title),
            ("property", "og:description", page.description),
            ("property", "og:url", self.links.absolute(page.url)),
            ("property", "og:locale", self._locales[page.lang]),
            *(("property", "og:locale:alternate", self._locales[alternate.lang])
              for alternate in page.alternates if alternate.lang in self._locales and alternate.lang != page.lang),
            ("name", "twitter:card", "summary_large_image"),
            ("name", "twitter:title", page.title),
            ("name", "twitter:description", page.description),
        ]
        card = self._card(image, page.lang)
        if card:
            url, width, height, alt = card
            tags += [
                ("property", "og:image", url),
                ("property", "og:image:width", str(width)),
                ("property", "og:image:height", str(height)),
                ("property", "og:image:alt", alt),
                ("name", "twitter:image", url),
                ("name", "twitter:image:alt", alt),
            ]
        return tuple(tags)

    def _card(self, image: Image | None, lang: str) -> tuple[str, int, int, str] | None:
        """The picture a link preview shows: the page's own raster picture, else the site's card."""
        for candidate in (image, self.site.card_images[lang]):
            if candidate is not None and candidate.picture is not None:
                largest = candidate.picture.largest()
                return self.links.absolute(largest.url), largest.width, largest.height, candidate.alt
        return None

    # JSON-LD

    def _article(self, page: ArticlePage) -> Head:
        article = page.article
        meta = list(self._common(page, "article", article.image))
        meta.append(("property", "article:published_time", article.date.isoformat()))
        meta.append(("property", "article:modified_time", article.modified.isoformat()))
        if article.category:
            meta.append(("property", "article:section", article.category.label(article.lang)))
        meta += [("property", "article:tag", tag.name) for tag in article.tags]
        if article.author_url:
            meta.append(("property", "article:author", self.links.absolute(article.author_url)))

        url = self.links.absolute(article.url)
        news_article: dict[str, Any] = {
            "@context": SCHEMA,
            "@type": "NewsArticle",
            "@id": url,
            "url": url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "headline": article.title,
            "description": article.summary,
            "datePublished": article.date.isoformat(),
            "dateModified": article.modified.isoformat(),
            "inLanguage": article.lang,
            "publisher": self._publishers[article.lang],
        }
        if article.author:
            news_article["author"] = {
                "@type": "Person",
                "name": article.author.name(article.lang),
                "url": self.links.absolute(article.author_url),
            }
        card = self._card(article.image, article.lang)
        if card:
            news_article["image"] = {"@type": "ImageObject", "url": card[0], "width": card[1], "height": card[2]}
        if article.category:
            news_article["articleSection"] = article.category.label(article.lang)
        if article.tags:
            news_article["keywords"] = [tag.name for tag in article.tags]
        news_article.update(self._translation_links(article, page.translations))

        trail = [(article.category.label(article.lang), article.category_url)] if article.category else []
        breadcrumbs = self._breadcrumbs(article.lang, *trail, (article.title, article.url))
        return Head(tuple(meta), _script_json([news_article, breadcrumbs]))

    def _translation_links(self, article: Article, translations: tuple[Article, ...]) -> dict[str, Any]:
        """The default language's version is the original; the others are its translations."""
        default = self.config.default_language

        def reference(other: Article) -> dict[str, str]:
            return {"@type": "NewsArticle", "@id": self.links.absolute(other.url), "inLanguage": other.lang}

        if article.lang == default:
            return {"workTranslation": [reference(other) for other in translations]} if translations else {}
        original = next((other for other in translations if other.lang == default), None)
        return {"translationOfWork": reference(original)} if original else {}

    def _listing(self, page: ListingPage) -> Head:
        meta = self._common(page, "website", None)
        if page.kind == "home":
            return Head(meta, _script_json([self._website(page.lang), self._collection_data(page)]))
        if page.kind == "author":
            author = self.config.authors[page.key]
            person: dict[str, Any] = {
                "@type": "Person",
                "name": author.name(page.lang),
                "url": self.links.absolute(page.pagination.urls[0]),
            }
            if author.bio:
                person["description"] = author.bio(page.lang)
            profile = {**self._page_data(page, "ProfilePage"), "mainEntity": person}
            breadcrumbs = self._breadcrumbs(page.lang, (page.title, page.pagination.urls[0]))
            return Head(meta, _script_json([profile, breadcrumbs]))
        return self._collection(page, self._breadcrumbs(page.lang, (page.title, page.pagination.urls[0])))

    def _collection(self, page: Page, breadcrumbs: dict[str, Any]) -> Head:
        meta = self._common(page, "website", None)
        return Head(meta, _script_json([self._collection_data(page), breadcrumbs]))

    def _collection_data(self, page: Page) -> dict[str, Any]:
        collection = self._page_data(page, "CollectionPage")
        shown = getattr(page, "articles", ())
        if shown:
            collection["mainEntity"] = {
                "@type": "ItemList",
                "itemListElement": [
                    {"@type": "ListItem", "position": position, "url": self.links.absolute(article.url)}
                    for position, article in enumerate(shown, start=1)
                ],
            }
        return collection

    def _page_data(self, page: Page, kind: str) -> dict[str, Any]:
        url = self.links.absolute(page.url)
        return {
            "@context": SCHEMA,
            "@type": kind,
            "@id": url,
            "url": url,
            "name": page.title,
            "description": page.description,
            "inLanguage": page.lang,
            "isPartOf": {"@id": self._website_id(page.lang)},
        }

    def _website_id(self, lang: str) -> str:
        return self.links.absolute(urls.home_url(lang)) + "#website"

    def _website(self, lang: str) -> dict[str, Any]:
        search = self.links.absolute(urls.search_url(lang)) + "?q={search_term_string}"
        return {
            "@context": SCHEMA,
            "@type": "WebSite",
            "@id": self._website_id(lang),
            "url": self.links.absolute(urls.home_url(lang)),
            "name": self.config.title(lang),
            "description": self.config.description(lang),
            "inLanguage": lang,
            "publisher": self._publishers[lang],
            "potentialAction": {
                "@type": "SearchAction",
                "target": {"@type": "EntryPoint", "urlTemplate": search},
                "query-input": "required name=search_term_string",
            },
        }

    def _publisher(self, lang: str) -> dict[str, Any]:
        publisher: dict[str, Any] = {
            "@type": "NewsMediaOrganization",
            "@id": self.links.absolute(urls.ROOT_URL) + "#publisher",
            "name": self.config.title(lang),
            "url": self.links.absolute(urls.home_url(lang)),
            "logo": {"@type": "ImageObject", "url": self.links.absolute(self.links.assets[LOGO].url)},
        }
        return publisher

    def _breadcrumbs(self, lang: str, *trail: tuple[str, str]) -> dict[str, Any]:
        """Home, then each step down to the page itself."""
        steps = [(self.localizers[lang].text("home"), urls.home_url(lang)), *trail]
        return {
            "@context": SCHEMA,
            "@type": "BreadcrumbList",
            "itemListElement": [
                {"@type": "ListItem", "position": position, "name": name, "item": self.links.absolute(url)}
                for position, (name, url) in enumerate(steps, start=1)
            ],
        }


def _og_locale(locale: str) -> str:
    """Open Graph wants language_TERRITORY: 'ar' becomes 'ar_EG', the territory CLDR's likely subtags give."""
    parsed = Locale.parse(locale)
    territory = parsed.territory or Locale.parse(get_global("likely_subtags").get(parsed.language, parsed.language)).territory
    return f"{parsed.language}_{territory}" if territory else parsed.language


def _script_json(data: list[dict[str, Any]]) -> str:
    graph = data[0] if len(data) == 1 else data
    text = json.dumps(graph, ensure_ascii=False, separators=(",", ":"))
    # "<", ">" and "&" as JSON escapes, so no text can close the <script> block or open a comment in it.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
