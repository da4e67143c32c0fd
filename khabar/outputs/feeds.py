"""Atom feeds (RFC 4287): the newest articles of each language, category, author and timeline, in full."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlsplit

from ..config import ASSETS_DIR, LOGO
from ..content import Article
from ..links import Links
from ..model import Site
from ..output import ATOM, Output
from ..pages import Feed
from ..urls import home_url, output_path
from .xmldoc import child, document

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
# The site's logo, as the browser tab shows it.


def feed_outputs(site: Site, links: Links) -> list[Output]:
    """One Atom document per feed of the model."""
    # An article is in its language's feed, its category's, its author's and its timelines': make its HTML once.
    full_texts: dict[str, str] = {}
    outputs = []
    for feed in site.feeds:
        pictures = (picture.source for article in feed.articles for picture in article.pictures)
        inputs = (*(article.source for article in feed.articles), *feed.sources, *pictures, *site.config.files, f"{ASSETS_DIR}/{LOGO}")
        content = atom_feed(feed, site, links, full_texts)
        outputs.append(Output(output_path(feed.url), ATOM, content, tuple(dict.fromkeys(inputs))))
    return outputs


def atom_feed(feed: Feed, site: Site, links: Links, full_texts: dict[str, str]) -> bytes:
    root = ET.Element("feed", {"xmlns": ATOM_NAMESPACE, "xml:lang": feed.lang})
    # A feed is known by its address; an entry by a tag URI that survives a change of permalink pattern or scheme.
    child(root, "id", links.absolute(feed.url))
    child(root, "title", feed.title)
    child(root, "subtitle", feed.subtitle)
    child(root, "link", rel="self", type=ATOM, href=links.absolute(feed.url))
    child(root, "link", rel="alternate", type="text/html", hreflang=feed.lang, href=links.absolute(feed.page_url))
    child(root, "updated", max(article.modified for article in feed.articles).isoformat())
    if not all(article.author for article in feed.articles):
        # Atom wants an author for every entry; the publication itself stands in where the article names none.
        publisher = child(root, "author")
        child(publisher, "name", site.config.title(feed.lang))
        child(publisher, "uri", links.absolute(home_url(feed.lang)))
    logo = links.absolute(links.assets[LOGO].url)
    child(root, "icon", logo)
    child(root, "logo", logo)
    for article in feed.articles:
        if article.source not in full_texts:
            full_texts[article.source] = _full_text(article, links)
        _entry(root, article, links, full_texts[article.source])
    return document(root)


def _entry(root: ET.Element, article: Article, links: Links, full_text: str) -> None:
    entry = child(root, "entry")
    child(entry, "id", _entry_id(article, links))
    child(entry, "title", article.title)
    child(entry, "link", rel="alternate", type="text/html", hreflang=article.lang, href=links.absolute(article.url))
    child(entry, "published", article.date.isoformat())
    child(entry, "updated", article.modified.isoformat())
    if article.author and article.author_url:
        author = child(entry, "author")
        child(author, "name", article.author.name(article.lang))
        child(author, "uri", links.absolute(article.author_url))
    if article.category:
        child(entry, "category", term=article.category.key, label=article.category.label(article.lang))
    for tag in article.tags:
        child(entry, "category", term=tag.slug, label=tag.name)
    child(entry, "summary", article.summary)
    child(entry, "content", full_text, type="html")


def _entry_id(article: Article, links: Links) -> str:
    """tag:example.org,2023-09-13:/ar/kim-russia-visit (RFC 4151): the site's host and path, the day of publication,
    and what identifies the article for good, its language and translation key."""
    host = urlsplit(links.origin).hostname or "localhost"
    specific = quote(f"{links.prefix}/{article.lang}/{article.translation_key}", safe="/")
    return f"tag:{host},{article.date.date().isoformat()}:{specific}"


def _full_text(article: Article, links: Links) -> str:
    """The article as its page shows it, picture first, with every link absolute so it works inside a feed reader."""
    body = links.in_html(article.body_html, absolute=True)
    image = article.image
    if image is None:
        return body
    caption = f"<figcaption>{html.escape(image.caption)}</figcaption>" if image.caption else ""
    # Feed readers take any format and scale pictures themselves: the largest derivative in the original's format.
    shown = image.picture.largest() if image.picture else None
    source = links.absolute(shown.url if shown else image.url)
    size = f' width="{shown.width}" height="{shown.height}"' if shown else ""
    figure = f'<figure><img src="{html.escape(source)}"{size} alt="{html.escape(image.alt)}">{caption}</figure>'
    return f"{figure}\n{body}"
