"""Sitemaps, the News sitemap and robots.txt of the demo, checked against the published schemas and the built site."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree

from conftest import PROJECT, BuiltSite, ScratchSite, run_cli

SCHEMAS = PROJECT / "tests" / "schemas"
SITE = "https://example.org"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
URLSET_SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMAS / "sitemap-with-extensions.xsd")))
INDEX_SCHEMA = etree.XMLSchema(etree.parse(str(SCHEMAS / "siteindex.xsd")))


def valid(schema: etree.XMLSchema, path: Path) -> etree._Element:
    document = etree.parse(str(path))
    assert schema.validate(document), f"{path.name}: {schema.error_log}"
    return document.getroot()


def path_of(address: str) -> str:
    assert address.startswith(SITE + "/"), address
    return unquote(urlsplit(address).path)


def entries(site: BuiltSite) -> dict[str, etree._Element]:
    """Every <url> of the language sitemaps the index lists, by its page's path."""
    index = valid(INDEX_SCHEMA, site.out / "sitemap.xml")
    found = {}
    for loc in index.iterfind(f"{SITEMAP}sitemap/{SITEMAP}loc"):
        for url in valid(URLSET_SCHEMA, site.out / path_of(loc.text).lstrip("/")).iterfind(f"{SITEMAP}url"):
            found[path_of(url.findtext(f"{SITEMAP}loc"))] = url
    return found


def alternates_of(url: etree._Element) -> dict[str, str]:
    return {link.get("hreflang"): path_of(link.get("href")) for link in url.iterfind(f"{XHTML}link")}


def head_alternates(site: BuiltSite, url: str) -> dict[str, str]:
    return {link["hreflang"]: path_of(link["href"]) for link in site.page(url).select('link[rel="alternate"][hreflang]')}


def test_index_lists_one_valid_sitemap_per_language(demo: BuiltSite):
    index = valid(INDEX_SCHEMA, demo.out / "sitemap.xml")
    assert [loc.text for loc in index.iterfind(f"{SITEMAP}sitemap/{SITEMAP}loc")] == [
        f"{SITE}/sitemap-ar.xml", f"{SITE}/sitemap-en.xml"]
    for lang, sitemap in zip(("ar", "en"), index.iterfind(f"{SITEMAP}sitemap")):
        pages = valid(URLSET_SCHEMA, demo.out / path_of(sitemap.findtext(f"{SITEMAP}loc")).lstrip("/"))
        assert all(path_of(loc.text).startswith(f"/{lang}/") for loc in pages.iterfind(f"{SITEMAP}url/{SITEMAP}loc"))
        newest = max(pages.iterfind(f"{SITEMAP}url/{SITEMAP}lastmod"), key=lambda lastmod: lastmod.text[:10]).text
        assert sitemap.findtext(f"{SITEMAP}lastmod")[:10] == newest[:10]


def test_every_public_page_is_listed_once_with_an_honest_lastmod(demo: BuiltSite):
    listed = entries(demo)
    pages = {"/" + path.relative_to(demo.out).as_posix().removesuffix("index.html") for path in demo.page_files()}
    # The root only leads on (it is the homes' x-default below); no search result is a search page.
    assert set(listed) == pages - {"/", "/404.html", "/ar/search/", "/en/search/"}
    for url, entry in listed.items():
        lastmod = entry.findtext(f"{SITEMAP}lastmod")
        page = demo.page(url)
        if page.select_one("article.article"):
            assert lastmod == last_change(demo, url), url
        elif shown := page.select("article.card .card-title a, .slide h3 a"):  # a listing: the newest change to an article it shows
            assert lastmod == max((last_change(demo, a["href"]) for a in shown), key=dt.datetime.fromisoformat), url
    # A timeline: its newest event's day, or the day an article it reports last changed (from git, in a full clone).
    visit = demo.page("/en/timelines/visit/")
    reported = [last_change(demo, a["href"])[:10] for a in visit.select(".event-articles a")]
    assert listed["/en/timelines/visit/"].findtext(f"{SITEMAP}lastmod") == max(["2023-09-18", *reported])


def last_change(site: BuiltSite, url: str) -> str:
    """When an article page says it last changed: its update, else its publication."""
    page = site.page(url)
    found = page.select_one(".updated time") or page.select_one(".byline time")
    assert found, url
    return found["datetime"]


def test_hreflang_alternates_are_reciprocal_with_x_default_in_heads_and_sitemaps(demo: BuiltSite):
    listed = entries(demo)
    sets = 0
    for url, entry in listed.items():
        alternates = alternates_of(entry)
        assert alternates == head_alternates(demo, url), url  # the sitemap says what the page says
        if not alternates:
            assert "/page/" in url  # later pages of a listing translate nothing
            continue
        sets += 1
        assert url in alternates.values() and "x-default" in alternates
        assert alternates[url.split("/")[1]] == url
        for lang, other in alternates.items():
            # Every version names the same set: in the sitemaps, and (the root, which is not listed) in its head.
            assert (alternates_of(listed[other]) if other in listed else head_alternates(demo, other)) == alternates, (url, lang)
    assert sets > 50
    assert alternates_of(listed["/ar/"]) == {"ar": "/ar/", "en": "/en/", "x-default": "/"}
    assert alternates_of(listed["/en/2023/09/vostochny-summit/"])["x-default"] == "/ar/2023/09/vostochny-summit/"


def test_a_sitemap_past_its_limit_is_split_and_indexed():
    from khabar.links import Links
    from khabar.outputs.sitemaps import sitemap_outputs
    from khabar.pipeline import load_site

    site, assets, _ = load_site(PROJECT)
    links = Links(site.config.base_url, assets)
    whole = {output.path: output.content for output in sitemap_outputs(site, links)}
    split = {output.path: output.content for output in sitemap_outputs(site, links, max_urls=10)}
    arabic = sorted((path for path in split if re.fullmatch(r"sitemap-ar(-\d+)?\.xml", path)), key=len)
    assert arabic[:3] == ["sitemap-ar.xml", "sitemap-ar-2.xml", "sitemap-ar-3.xml"]

    def locs(content: bytes) -> list[str]:
        document = etree.fromstring(content)
        assert URLSET_SCHEMA.validate(document) or INDEX_SCHEMA.validate(document), URLSET_SCHEMA.error_log
        return [loc.text for loc in document.iter(f"{SITEMAP}loc")]

    parts = [locs(split[path]) for path in sorted(arabic, key=lambda path: int(re.sub(r"\D", "", path) or 1))]
    assert all(len(part) == 10 for part in parts[:-1]) and 1 <= len(parts[-1]) <= 10
    assert [loc for part in parts for loc in part] == locs(whole["sitemap-ar.xml"])
    indexed = locs(split["sitemap.xml"])
    assert len(indexed) == len(arabic) + len([path for path in split if path.startswith("sitemap-en")])
    assert {path_of(loc).lstrip("/") for loc in indexed} == {path for path in split if re.fullmatch(r"sitemap-(ar|en)(-\d+)?\.xml", path)}


def news(out: Path) -> list[tuple[str, str, str, str, str]]:
    document = etree.parse(str(out / "sitemap-news.xml")).getroot()
    return [
        (path_of(url.findtext(f"{SITEMAP}loc")), url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}name"),
         url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}language"), url.findtext(f"{NEWS}news/{NEWS}publication_date"),
         url.findtext(f"{NEWS}news/{NEWS}title"))
        for url in document.iterfind(f"{SITEMAP}url")
    ]


def test_news_sitemap_lists_the_last_two_days_before_now(demo_at_news_time: BuiltSite):
    out = demo_at_news_time.out
    valid(URLSET_SCHEMA, out / "sitemap-news.xml")
    listed = news(out)
    # Published from 2023-09-16T12:00 to 2023-09-18T12:00 (+03:00), newest first, each in its language.
    assert [(url, language, date) for url, _, language, date, _ in listed] == [
        ("/ar/2023/09/kim-thanks-putin/", "ar", "2023-09-18T09:00:00+03:00"),
        ("/ar/2023/09/kim-russia-visit/", "ar", "2023-09-17T12:00:00+03:00"),
        ("/en/2023/09/kim-russia-visit/", "en", "2023-09-17T12:00:00+03:00"),
        ("/ar/2023/09/gifts-no-agreement/", "ar", "2023-09-17T10:00:00+03:00"),
        ("/en/2023/09/gifts-no-agreement/", "en", "2023-09-17T10:00:00+03:00"),
        ("/ar/2023/09/vladivostok-pacific-fleet/", "ar", "2023-09-16T19:00:00+03:00"),
        ("/en/2023/09/vladivostok-pacific-fleet/", "en", "2023-09-16T19:00:00+03:00"),
    ]
    for url, name, language, _, title in listed:
        assert name == {"ar": "كيم في روسيا", "en": "Kim in Russia"}[language]
        assert title == demo_at_news_time.page(url).h1.get_text()


def test_news_sitemap_honours_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    moment = dt.datetime(2023, 9, 14, 12, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))
    assert run_cli("build", "--out", str(tmp_path / "site")).returncode == 0
    assert {url for url, *_ in news(tmp_path / "site")} == {
        f"/{lang}/2023/09/{slug}/" for lang in ("ar", "en") for slug in ("world-press-summit", "western-concerns", "vostochny-summit")}


def test_news_sitemap_is_empty_outside_the_window(tmp_path: Path):
    out = tmp_path / "site"
    # Two days and a second after the newest article; and before any article was published.
    for now in ("2023-09-20T09:00:01+03:00", "2023-09-01T00:00:00+03:00"):
        assert run_cli("build", "--out", str(out), "--now", now).returncode == 0
        document = etree.parse(str(out / "sitemap-news.xml"))
        root = document.getroot()
        assert (root.tag, root.nsmap) == (f"{SITEMAP}urlset", {None: SITEMAP[1:-1], "news": NEWS[1:-1]}) and len(root) == 0
        # The protocol's schema wants at least one <url>: that is the only thing an empty list lacks.
        assert not URLSET_SCHEMA.validate(document)
        assert [error.message for error in URLSET_SCHEMA.error_log] == [
            f"Element '{SITEMAP}urlset': Missing child element(s). Expected is one of ( ##other{SITEMAP}*, {SITEMAP}url )."]
    assert run_cli("build", "--out", str(out), "--now", "2023-09-20T09:00:00+03:00").returncode == 0
    assert [url for url, *_ in news(out)] == ["/ar/2023/09/kim-thanks-putin/"]  # exactly 48 hours old: still in


def test_robots_txt_allows_all_and_names_the_sitemaps(demo: BuiltSite, demo_under_sub_path: BuiltSite):
    assert (demo.out / "robots.txt").read_text(encoding="utf-8") == (
        "User-agent: *\nAllow: /\n\nSitemap: https://example.org/sitemap.xml\nSitemap: https://example.org/sitemap-news.xml\n")
    robots = (demo_under_sub_path.out / "robots.txt").read_text(encoding="utf-8")
    assert re.findall(r"^Sitemap: (.*)$", robots, re.MULTILINE) == [
        "https://example.org/microsite/sitemap.xml", "https://example.org/microsite/sitemap-news.xml"]
    sub_path_index = etree.parse(str(demo_under_sub_path.out / "sitemap.xml")).getroot()
    assert all(loc.text.startswith("https://example.org/microsite/sitemap-") for loc in sub_path_index.iter(f"{SITEMAP}loc"))


def test_a_page_without_a_default_language_version_is_its_own_x_default(scratch: ScratchSite):
    scratch.article("en", "only-english", "title: Only in English\ndate: 2023-09-13")
    assert scratch.build().returncode == 0
    page = scratch.built().page("/en/2023/09/only-english/")
    own = f"{SITE}/en/2023/09/only-english/"
    assert [(link["hreflang"], link["href"]) for link in page.select('link[rel="alternate"][hreflang]')] == [
        ("en", own), ("x-default", own)]
    sitemap = valid(URLSET_SCHEMA, scratch.out / "sitemap-en.xml")
    entry = next(url for url in sitemap.iterfind(f"{SITEMAP}url") if url.findtext(f"{SITEMAP}loc") == own)
    assert alternates_of(entry) == {"en": "/en/2023/09/only-english/", "x-default": "/en/2023/09/only-english/"}
