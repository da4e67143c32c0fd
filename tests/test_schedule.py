"""Scheduled articles (khabar/schedule.py): dated after the build time, out of everything a build makes until a build
after their time; in with --future; marked as scheduled only in serve's preview (tests/test_serve.py)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os

import feedparser
import pytest
from lxml import etree

from conftest import BuiltSite, ScratchSite, run_cli

SOON = "2023-09-20T06:00:00+03:00"  # the scheduled English article's time
BEFORE = "2023-09-20T05:59:59+03:00"
SOON_URL = "/en/2023/09/soon/"
OLD_URL = "/en/2023/09/old/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def queue(tmp_path_factory: pytest.TempPathFactory) -> ScratchSite:
    """A published English story, and one scheduled for SOON whose Arabic translation is already out; a timeline file
    names the scheduled one, which adds an event of its own, and the published one pins it among its related articles."""
    scratch = ScratchSite(tmp_path_factory.mktemp("schedule"))
    byline = "author: nasrin-tarek\ncategory: reports\ntags: [summit]"
    scratch.article("en", "old", f"title: Old story\ndate: 2023-09-13T10:00:00+03:00\n{byline}\nrelated: [soon]",
                    "Kim and Putin meet at the Vostochny summit.")
    scratch.article("en", "soon", f"title: Soon story\ndate: {SOON}\n{byline}\nslider: true\ntimeline:\n"
                                  "  - date: 2023-09-20\n    title: {en: Launch day, ar: يوم الإطلاق}",
                    "Kim and Putin sign at the Vostochny summit.")
    scratch.article("ar", "soon", "title: خبر قريب\ndate: 2023-09-14T10:00:00+03:00", "كيم وبوتين في قمة فوستوتشني.")
    scratch.write("content/timelines/visit.yaml", "title: {ar: الزيارة, en: The visit}\nevents:\n"
                  "  - date: 2023-09-13\n    title: {ar: وصول, en: Arrival}\n    articles: [old]\n"
                  "  - date: 2023-09-19\n    title: {ar: إعلان, en: Announced}\n    articles: [soon]\n")
    return scratch


def built(site: ScratchSite, *options: str, env: dict[str, str] | None = None, out: str = "_site") -> BuiltSite:
    result = run_cli("build", "--out", str(site.root / out), *options, root=site.root, env=env)
    assert result.returncode == 0, result.stderr
    return BuiltSite(site.root / out)


@pytest.fixture(scope="module")
def before(queue: ScratchSite) -> BuiltSite:
    """The queue built a second before the scheduled article's time."""
    return built(queue, "--now", BEFORE, out="before")


@pytest.fixture(scope="module")
def on_time(queue: ScratchSite) -> BuiltSite:
    """The queue built at the scheduled article's time: the first build that publishes it."""
    return built(queue, "--now", SOON, out="on-time")


def search_records(site: BuiltSite, lang: str) -> list[dict]:
    """What the search index holds of each article, read back from Pagefind's compressed fragments."""
    fragments = (site.out / "pagefind" / lang / "fragment").glob("*.pf_fragment")
    return [json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")) for path in fragments]


def every_text(site: BuiltSite) -> str:
    """Every file the build wrote, search fragments unpacked, as one text."""
    texts = []
    for path in sorted(site.out.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            texts.append(gzip.decompress(data).decode("utf-8", "replace") if path.suffix == ".pf_fragment" else data.decode("utf-8", "replace"))
    return "\n".join(texts)


def sitemap_locations(site: BuiltSite, name: str) -> list[str]:
    return [element.text for element in etree.parse(str(site.out / name)).iter(f"{SITEMAP}loc")]


def timeline_events(site: BuiltSite, lang: str) -> dict[str, list[str]]:
    """Each event's title on a language's timeline page, and where its article links lead."""
    page = site.page(f"/{lang}/timelines/visit/")
    return {event.select_one(".event-title").get_text(): [a["href"] for a in event.select(".event-articles a")]
            for event in page.select(".events .event")}


def test_a_scheduled_article_is_nowhere_until_a_build_at_its_time(before: BuiltSite, on_time: BuiltSite):
    assert not (before.out / SOON_URL.strip("/")).exists()
    everything = every_text(before)
    assert "Soon story" not in everything and "soon/" not in everything.replace("/ar/2023/09/soon/", "")
    assert "Launch day" not in everything and "يوم الإطلاق" not in everything
    assert "Soon story" in every_text(on_time) and SOON_URL in every_text(on_time)  # the sweep sees it once it is out


def test_listings_home_slider_feeds_sitemaps_and_search_before_and_at_its_time(before: BuiltSite, on_time: BuiltSite):
    for site, out in ((before, False), (on_time, True)):
        now = site.out.name
        for listing in ("/en/", "/en/categories/reports/", "/en/tags/summit/", "/en/authors/nasrin-tarek/"):
            titles = [a.get_text() for a in site.page(listing).select(".card-title a")]
            assert titles == (["Soon story", "Old story"] if out else ["Old story"]), (now, listing)
        assert bool(site.page("/en/").select(".slider .slide")) is out
        for feed in ("en/feed.xml", "en/categories/reports/feed.xml", "en/authors/nasrin-tarek/feed.xml", "en/timelines/visit/feed.xml"):
            parsed = feedparser.parse((site.out / feed).read_bytes())
            assert not parsed.bozo and ("Soon story" in [entry.title for entry in parsed.entries]) is out, (now, feed)
        assert (f"https://example.org{SOON_URL}" in sitemap_locations(site, "sitemap-en.xml")) is out
        # Google News takes the articles of the two days before the build: the scheduled one, once it is out.
        assert sitemap_locations(site, "sitemap-news.xml") == ([f"https://example.org{SOON_URL}"] if out else [])
        assert sorted(record["url"] for record in search_records(site, "en")) == sorted([OLD_URL, *([SOON_URL] if out else [])])


def test_related_lists_timelines_and_translations_before_and_at_its_time(before: BuiltSite, on_time: BuiltSite):
    site = before
    assert [a["href"] for a in site.page(OLD_URL).select(".related a")] == []  # its pin waits for it
    events = timeline_events(site, "en")
    assert "Launch day" not in events  # the event it adds itself comes with it
    assert events["Announced"] == ["/ar/2023/09/soon/"]  # the timeline file's event links the version that is out
    arabic = site.page("/ar/2023/09/soon/")
    assert [link["hreflang"] for link in arabic.select('link[rel="alternate"][hreflang]')] == ["ar", "x-default"]
    assert not arabic.select(".translation")
    assert arabic.select_one('a[hreflang="en"]')["href"] == "/en/"  # the switch leads to the English home

    site = on_time
    assert [a["href"] for a in site.page(OLD_URL).select(".related a")] == [SOON_URL]
    assert OLD_URL in [a["href"] for a in site.page(SOON_URL).select(".related a")]
    events = timeline_events(site, "en")
    assert events["Launch day"] == [SOON_URL] and events["Announced"] == [SOON_URL]
    assert [a["href"] for a in site.page(SOON_URL).select(".story .event-articles a")].count(SOON_URL) == 2
    arabic = site.page("/ar/2023/09/soon/")
    assert [link["hreflang"] for link in arabic.select('link[rel="alternate"][hreflang]')] == ["ar", "en", "x-default"]
    assert arabic.select_one(".translation a")["href"] == SOON_URL


def test_future_builds_it_ahead_of_time_without_a_label(queue: ScratchSite, on_time: BuiltSite):
    early = built(queue, "--now", "2023-09-16T00:00:00+03:00", "--future", out="early")
    for site in (early, on_time):
        assert site.page(SOON_URL).select_one("h1").get_text() == "Soon story"
        assert [a.get_text() for a in site.page("/en/").select(".card-title a")] == ["Soon story", "Old story"]
        assert "Launch day" in timeline_events(site, "en")
        assert 'class="scheduled"' not in every_text(site)
    # Google News is told of an article only once its time has come, whatever the build includes.
    assert sitemap_locations(early, "sitemap-news.xml") == ["https://example.org/ar/2023/09/soon/"]
    assert sitemap_locations(on_time, "sitemap-news.xml") == [f"https://example.org{SOON_URL}"]


def test_source_date_epoch_is_the_build_time_when_no_now_is_given(queue: ScratchSite):
    """Without it the clock, years after SOON, would publish the article."""
    epoch = int(dt.datetime.fromisoformat(BEFORE).timestamp())
    site = built(queue, env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}, out="epoch")
    assert site.page("/en/").select_one(".card-title a").get_text() == "Old story"
    assert not (site.out / SOON_URL.strip("/")).exists()


def test_drafts_keep_their_meaning_beside_scheduled_articles(scratch: ScratchSite):
    scratch.article("en", "draft", "title: Draft\ndate: 2023-09-13\ndraft: true")
    scratch.article("en", "later", "title: Later\ndate: 2023-09-30")
    now = ("--now", "2023-09-20T00:00:00+03:00")
    assert [a.get_text() for a in built(scratch, *now, "--drafts").page("/en/").select(".card-title a")] == ["Draft"]
    assert [a.get_text() for a in built(scratch, *now, "--future").page("/en/").select(".card-title a")] == ["Later"]


def test_check_validates_scheduled_articles_as_the_build_at_their_time_will(scratch: ScratchSite):
    scratch.edit_config("permalink: /{lang}/{yyyy}/{mm}/{slug}/", "permalink: /{lang}/{slug}/")
    scratch.article("en", "search", "title: Search and rescue\ndate: 2999-01-01")
    assert scratch.build().returncode == 0  # not out yet: nothing clashes today
    result = run_cli("check", root=scratch.root)
    assert result.returncode == 1
    assert "content/en/search.md:1: error: its address /en/search/ is also that of the page 'Search': give it another slug" in result.stderr


def test_a_broken_scheduled_article_fails_the_build_before_its_time(scratch: ScratchSite):
    scratch.article("en", "later", "title: Later\ndate: 2999-01-01\nauthor: nobody")
    result = scratch.build()
    assert result.returncode == 1 and "content/en/later.md:4: error: unknown author 'nobody'" in result.stderr
