"""The Atom feeds of the demo and of small sites: what exists, what each holds, and that readers can read it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
from bs4 import BeautifulSoup
from lxml import etree

from conftest import DEMO_NEWS_TIME, BuiltSite, ScratchSite, run_cli
from test_bad_input import assert_fails_with, tree_digest

SITE = "https://example.org"
ATOM = "{http://www.w3.org/2005/Atom}"
WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")  # RFC 3339, never a bare local time
DEMO_FEEDS = {
    f"/{lang}/{path}feed.xml"
    for lang in ("ar", "en")
    for path in ("", "categories/news/", "categories/reports/", "categories/world-press/", "categories/reactions/",
                 "authors/nasrin-tarek/", "authors/international-desk/", "authors/monitoring-desk/",
                 "timelines/visit/", "timelines/arms/")
}


def read_feed(site: BuiltSite, url: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse((site.out / url.lstrip("/")).read_bytes())
    assert not feed.bozo, f"{url}: {feed.get('bozo_exception')}"
    assert feed.version == "atom10"
    return feed


def path_of(address: str) -> str:
    assert address.startswith(SITE + "/"), address
    return unquote(urlsplit(address).path)


def announced_feeds(page: BeautifulSoup) -> list[str]:
    return [path_of(link["href"]) for link in page.select('head link[rel="alternate"][type="application/atom+xml"]')]


def test_one_feed_per_language_category_author_and_timeline(demo: BuiltSite):
    built = {"/" + path.relative_to(demo.out).as_posix() for path in demo.out.rglob("feed.xml")}
    assert built == DEMO_FEEDS
    for url in sorted(DEMO_FEEDS):
        lang = url.split("/")[1]
        feed = read_feed(demo, url)
        assert feed.feed.language == lang
        assert feed.feed.title and feed.feed.subtitle
        links = {link.rel: link.href for link in feed.feed.links}
        assert links["self"] == SITE + url and feed.feed.id == SITE + url
        page_url = path_of(links["alternate"])
        assert page_url == url.removesuffix("feed.xml")
        assert url in announced_feeds(demo.page(page_url))  # the page it follows names it in its head
        assert WITH_OFFSET.match(feed.feed.updated)
        assert feed.feed.updated == max(entry.updated for entry in feed.entries)
        assert re.fullmatch(SITE + r"/assets/images/favicon\.[0-9a-f]{10}\.svg", feed.feed.icon)
        assert feed.feed.logo == feed.feed.icon
        assert 1 <= len(feed.entries) <= 20
        assert all(path_of(entry.link).startswith(f"/{lang}/") for entry in feed.entries)  # in its language only


def test_language_feed_holds_every_article_in_full(demo: BuiltSite):
    feed = read_feed(demo, "/ar/feed.xml")
    home = [a["href"] for url in ("/ar/", "/ar/page/2/") for a in demo.page(url).select(".latest .card-title a")]
    assert [path_of(entry.link) for entry in feed.entries] == home  # every article, newest first
    for entry in feed.entries:
        page = demo.page(path_of(entry.link))
        assert entry.title == page.h1.get_text()
        assert entry.published == page.select_one(".byline time")["datetime"] and WITH_OFFSET.match(entry.published)
        updated = page.select_one(".updated time")
        assert entry.updated == (updated["datetime"] if updated else entry.published)
        byline = page.select_one(".byline a")
        assert entry.author_detail.name == byline.get_text()  # the name alone, never a byline word such as "متابعة:"
        assert path_of(entry.author_detail.href) == byline["href"]
        category = page.select_one(".kicker a")
        assert entry.tags[0].label == category.get_text() and category["href"].endswith(f"/{entry.tags[0].term}/")
        assert [tag.label for tag in entry.tags[1:]] == [a.get_text() for a in page.select('.tags a[rel="tag"]')]
        assert entry.summary == page.select_one('meta[name="description"]')["content"]
        assert re.fullmatch(r"tag:example\.org,\d{4}-\d\d-\d\d:/ar/[^/]+", entry.id)
        content = entry.content[0]
        assert content.type == "text/html" and content.language == "ar"
        body = BeautifulSoup(content.value, "html.parser")
        shown = page.select_one(".article-body")
        assert body.get_text(" ", strip=True).endswith(shown.get_text(" ", strip=True))  # the whole text, not an excerpt
        addresses = [a["href"] for a in body.select("a[href]")] + [img["src"] for img in body.select("img")]
        assert all(address.startswith(("https://", "http://", "mailto:", "#")) for address in addresses), addresses
        hero = page.select_one(".hero img")
        if hero:
            assert path_of(body.select_one("figure img")["src"]) == hero["src"]
            assert body.select_one("figure img")["alt"] == hero["alt"]
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)


def test_category_author_and_timeline_feeds_follow_their_pages(demo: BuiltSite):
    for url in ("/en/categories/news/", "/ar/authors/monitoring-desk/", "/en/authors/nasrin-tarek/"):
        cards = [a["href"] for a in demo.page(url).select(".card-title a")]
        assert [path_of(entry.link) for entry in read_feed(demo, url + "feed.xml").entries] == cards
    for lang in ("ar", "en"):
        timeline = demo.page(f"/{lang}/timelines/visit/")
        reported = {a["href"] for a in timeline.select(".event-articles a") if a["href"].startswith(f"/{lang}/")}
        feed = read_feed(demo, f"/{lang}/timelines/visit/feed.xml")
        assert {path_of(entry.link) for entry in feed.entries} == reported
        assert [entry.published for entry in feed.entries] == sorted((e.published for e in feed.entries), reverse=True)
    assert len(read_feed(demo, "/en/timelines/visit/feed.xml").entries) < len(read_feed(demo, "/ar/timelines/visit/feed.xml").entries)


def test_every_page_announces_its_languages_feed_and_its_own(demo: BuiltSite):
    for path in demo.page_files():
        relative = path.relative_to(demo.out).as_posix()
        page = demo.page("/" + relative)
        lang = page.html["lang"]
        url = "/" + relative.removesuffix("index.html")
        first_page = re.sub(r"page/\d+/$", "", url)
        own = first_page + "feed.xml"
        expected = [f"/{lang}/feed.xml"]
        if own in DEMO_FEEDS and own not in expected:
            expected.append(own)
        assert announced_feeds(page) == expected, relative
        assert all(link["title"] for link in page.select('link[type="application/atom+xml"]'))
    titles = {link["href"]: link["title"] for link in demo.page("/ar/categories/reports/").select('link[type="application/atom+xml"]')}
    assert titles == {f"{SITE}/ar/feed.xml": "كيم في روسيا", f"{SITE}/ar/categories/reports/feed.xml": "تقارير | كيم في روسيا"}


def test_feeds_under_a_sub_path(demo_under_sub_path: BuiltSite):
    feed = feedparser.parse((demo_under_sub_path.out / "ar/feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.id == "https://example.org/microsite/ar/feed.xml"
    assert all(entry.link.startswith("https://example.org/microsite/ar/") for entry in feed.entries)
    assert all(entry.id.startswith("tag:example.org,2023-09-") and ":/microsite/ar/" in entry.id for entry in feed.entries)


def test_feed_size_escaping_and_articles_without_author(scratch: ScratchSite):
    scratch.edit_config("feed_size: 20", "feed_size: 2")
    for day in (11, 12, 13):
        scratch.article("en", f"story-{day}", f"title: Day {day}\ndate: 2023-09-{day}T10:00:00+03:00\nauthor: nasrin-tarek")
    scratch.article(
        "ar", "escaped", 'title: "<b>بوتين</b> & كيم ]]> \\u000b!"\ndate: 2023-09-14\nsummary: "a < b && c"\ntags: ["<i>x</i>"]',
        body="[link](/ar/) & <script>alert(1)</script>",
    )
    assert scratch.build().returncode == 0, scratch.build().stderr
    site = scratch.built()
    english = read_feed(site, "/en/feed.xml")
    assert [entry.title for entry in english.entries] == ["Day 13", "Day 12"]  # the newest `feed_size`
    arabic = read_feed(site, "/ar/feed.xml")
    entry = arabic.entries[0]
    assert entry.title == "<b>بوتين</b> & كيم ]]> !"  # the control character XML cannot carry is dropped
    assert entry.summary == "a < b && c" and entry.tags[0].label == "<i>x</i>"
    body = BeautifulSoup(entry.content[0].value, "html.parser")
    assert body.a["href"] == "https://example.org/ar/"
    assert not body.select("script") and "<script>alert(1)</script>" in body.get_text()
    # An article with no author: the publication stands in at the feed's level, so the feed stays valid Atom.
    raw = etree.parse(str(site.out / "ar/feed.xml")).getroot()
    assert [name.text for name in raw.iterfind(f"{ATOM}author/{ATOM}name")] == ["كيم في روسيا"]
    assert raw.find(f"{ATOM}entry/{ATOM}author") is None
    assert [name.text for name in etree.parse(str(site.out / "en/feed.xml")).getroot().iterfind(f"{ATOM}author")] == []


def test_feed_size_must_be_a_positive_whole_number(scratch: ScratchSite):
    scratch.edit_config("feed_size: 20", "feed_size: 0")
    config = (scratch.root / "site.yaml").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(config, 1) if text.startswith("feed_size:"))
    assert_fails_with(scratch, f"site.yaml:{line}: error: 'feed_size' must be a whole number of at least 1, not 0")


def test_two_builds_write_the_same_feeds_and_sitemaps(demo_at_news_time: BuiltSite, tmp_path: Path):
    """The session's build of the demo at that moment, made earlier by the same command, and another one now."""
    assert run_cli("build", "--out", str(tmp_path / "two"), "--now", DEMO_NEWS_TIME).returncode == 0
    digests = [{path: digest for path, digest in tree_digest(out).items() if not path.startswith("assets/")}
               for out in (demo_at_news_time.out, tmp_path / "two")]
    written = {path for path in digests[0] if not path.endswith(".html") and not path.startswith("pagefind/")}
    assert digests[0] == digests[1]
    assert written == {url.lstrip("/") for url in DEMO_FEEDS} | {
        ".nojekyll", ".khabar-site", "_redirects", "robots.txt", "sitemap.xml", "sitemap-ar.xml", "sitemap-en.xml", "sitemap-news.xml"}
