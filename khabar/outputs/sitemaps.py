"""Sitemaps (sitemaps.org 0.9) with every page's language versions, a Google News sitemap, and robots.txt naming them.

Which pages a sitemap lists is the model's decision (`Page.in_sitemap`): every page a search may lead to, later pages
of listings included. Not the 404 page, and not the root: it only leads on to the default language's home (a search
engine indexes that home instead), and it appears in the sitemaps as the homes' x-default alternate, whose own head
names the same alternates in return.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from babel import Locale

from .. import urls
from ..content import Article
from ..links import Links
from ..model import Site
from ..output import TEXT, XML, Output
from ..pages import Page
from .xmldoc import child, document

SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
NEWS_NAMESPACE = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_URLS = 50_000  # the protocol's limit for one file
NEWS_WINDOW = dt.timedelta(hours=48)  # Google News takes articles published in the last two days
MAX_NEWS = 1_000  # and reads at most this many from one news sitemap


def sitemap_outputs(site: Site, links: Links, max_urls: int = MAX_URLS) -> list[Output]:
    """Each language's sitemap (split every `max_urls` pages), their index, the news sitemap and robots.txt."""
    sitemaps: list[tuple[str, list[Page]]] = []
    for lang in site.config.language_codes:
        listed = [page for page in site.pages if page.lang == lang and page.in_sitemap]
        for number, start in enumerate(range(0, len(listed), max_urls), start=1):
            sitemaps.append((urls.sitemap_url(lang, number), listed[start:start + max_urls]))
    outputs = [_output(url, XML, _urlset(pages, links), _sources(pages) + site.config.files) for url, pages in sitemaps]
    every_page = [page for _, pages in sitemaps for page in pages]
    outputs.append(_output(urls.SITEMAP_INDEX_URL, XML, _index(sitemaps, site, links), _sources(every_page) + site.config.files))
    news = news_articles(site)
    outputs.append(_output(urls.NEWS_SITEMAP_URL, XML, _news_urlset(news, site, links),
                           _every_article(site) + site.config.files))
    outputs.append(_output(urls.ROBOTS_URL, TEXT, _robots(links), site.config.files))
    return outputs


def _output(url: str, media_type: str, content: bytes, inputs: tuple[str, ...]) -> Output:
    return Output(urls.output_path(url), media_type, content, tuple(dict.fromkeys(inputs)))


def _sources(pages: list[Page]) -> tuple[str, ...]:
    return tuple(source for page in pages for source in page.sources)


def _urlset(pages: list[Page], links: Links) -> bytes:
    root = ET.Element("urlset", {"xmlns": SITEMAP_NAMESPACE, "xmlns:xhtml": XHTML_NAMESPACE})
    for page in pages:
        entry = child(root, "url")
        child(entry, "loc", links.absolute(page.url))
        if page.modified:
            child(entry, "lastmod", page.modified.isoformat())
        for alternate in page.alternates:
            child(entry, "xhtml:link", rel="alternate", hreflang=alternate.lang, href=links.absolute(alternate.url))
    return document(root)


def _index(sitemaps: list[tuple[str, list[Page]]], site: Site, links: Links) -> bytes:
    root = ET.Element("sitemapindex", {"xmlns": SITEMAP_NAMESPACE})
    for url, pages in sitemaps:
        entry = child(root, "sitemap")
        child(entry, "loc", links.absolute(url))
        # Pages know their change to the second, timelines only to the day: compare a day as its first moment.
        moments = [page.modified for page in pages if page.modified]
        if moments:
            newest = max(moments, key=lambda moment: _as_moment(moment, site))
            child(entry, "lastmod", newest.isoformat())
    return document(root)


def _as_moment(day_or_moment: dt.date, site: Site) -> dt.datetime:
    if isinstance(day_or_moment, dt.datetime):
        return day_or_moment
    return dt.datetime.combine(day_or_moment, dt.time(), site.config.timezone)


def _every_article(site: Site) -> tuple[str, ...]:
    """Which articles fall in the news window depends on every article's date, so it is made from them all."""
    return tuple(article.source for articles in site.articles.values() for article in articles)


def news_articles(site: Site) -> list[Article]:
    """The articles published in the two days before the build, newest first."""
    since = site.built_at - NEWS_WINDOW
    recent = [a for articles in site.articles.values() for a in articles if since <= a.date <= site.built_at]
    return sorted(recent, key=lambda article: article.sort_key, reverse=True)[:MAX_NEWS]


def _news_urlset(articles: list[Article], site: Site, links: Links) -> bytes:
    """Google's News sitemap; with no article in the window it is a list of none, not a missing file."""
    root = ET.Element("urlset", {"xmlns": SITEMAP_NAMESPACE, "xmlns:news": NEWS_NAMESPACE})
    languages = {language.code: _news_language(language.locale) for language in site.config.languages}
    for article in articles:
        entry = child(root, "url")
        child(entry, "loc", links.absolute(article.url))
        news = child(entry, "news:news")
        publication = child(news, "news:publication")
        child(publication, "news:name", site.config.title(article.lang))
        child(publication, "news:language", languages[article.lang])
        child(news, "news:publication_date", article.date.isoformat())
        child(news, "news:title", article.title)
    return document(root)


def _news_language(locale_id: str) -> str:
    """The ISO 639 code Google News wants ('ar', 'en'); Chinese alone carries its script, as zh-cn or zh-tw."""
    locale = Locale.parse(locale_id)
    if locale.language == "zh":
        return "zh-tw" if locale.script == "Hant" or locale.territory in ("TW", "HK", "MO") else "zh-cn"
    return locale.language


def _robots(links: Links) -> bytes:
    """Crawlers read robots.txt only at the host's root: a site under a sub-path must have its host publish these lines."""
    lines = ["User-agent: *", "Allow: /", "", f"Sitemap: {links.absolute(urls.SITEMAP_INDEX_URL)}",
             f"Sitemap: {links.absolute(urls.NEWS_SITEMAP_URL)}"]
    return ("\n".join(lines) + "\n").encode("utf-8")
