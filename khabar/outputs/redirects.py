"""Moved articles: a redirect page at each alias, and `_redirects` for the hosts that read one (Netlify, Cloudflare Pages).

An alias is an address an article had before (`aliases:` in its front matter). Its page sends the reader on at once
(a meta refresh), names the article's address as the canonical one and asks search engines not to index it, so that
links to the old address keep their readers and their weight; a reader whose browser does not follow the refresh sees
a link. Hosts that read `_redirects` answer the old address with a 301 themselves. No alias is a page of the model:
none is in a sitemap, a feed or the search index.
"""

from __future__ import annotations

from html import escape

from ..config import ASSETS_DIR, LOGO
from ..content import Article
from ..links import Links
from ..model import Site
from ..output import HTML, TEXT, Output
from ..urls import REDIRECTS_FILE, output_path

PERMANENT = 301


def redirect_outputs(site: Site, links: Links) -> list[Output]:
    """A redirect page at every alias of every article, and `_redirects` listing them, if any article has one."""
    moved = [article for articles in site.articles.values() for article in articles if article.aliases]
    outputs = [
        Output(output_path(alias.url), HTML, _redirect_page(article, site, links),
               (article.source, *site.config.files, f"{ASSETS_DIR}/{LOGO}"))
        for article in moved for alias in article.aliases
    ]
    if moved:
        outputs.append(Output(REDIRECTS_FILE, TEXT, _redirects(moved, links),
                              tuple(dict.fromkeys((*(article.source for article in moved), *site.config.files)))))
    return outputs


def _redirect_page(article: Article, site: Site, links: Links) -> bytes:
    """A small page in the article's language that leads to it, for every host."""
    t = site.localizers[article.lang]
    target = escape(links.href(article.url))
    title = escape(article.title)
    page = f"""<!doctype html>
<html lang="{t.language.code}" dir="{t.language.direction}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={target}">
<link rel="canonical" href="{escape(links.absolute(article.url))}">
<link rel="icon" href="{escape(links.asset(LOGO))}" type="image/svg+xml">
</head>
<body>
<main>
<p>{escape(t.text("article_moved"))}</p>
<p><a href="{target}">{title}</a></p>
</main>
</body>
</html>
"""
    return page.encode("utf-8")


def _redirects(articles: list[Article], links: Links) -> bytes:
    """One line per alias, `from to 301`, both with the base path and percent-encoded: what these hosts read."""
    lines = [f"{links.href(alias.url)} {links.href(article.url)} {PERMANENT}" for article in articles for alias in article.aliases]
    return ("\n".join(lines) + "\n").encode("utf-8")
