"""Moved articles: the redirect page at each alias, `_redirects`, aliases kept out of sitemaps, feeds and search,
the aliases the build refuses (each at its line), and aliases that lead a real Chromium to the article."""

from __future__ import annotations

import gzip
import json
import subprocess
from urllib.parse import quote, unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser

from conftest import PROJECT, SUB_PATH_BASE_URL, BuiltSite, ScratchSite, static_host
from khabar.links import Links
from khabar.urls import MAX_SEGMENT_BYTES, alias_problem, alias_url, output_path
from system import nu_html_checker

# The demo's alias: the address the lead article had while permalinks held the day and a longer Arabic slug.
DEMO_ALIAS = "/ar/2023/09/17/كيم-يزور-روسيا-بقطار-مصفح/"
DEMO_ARTICLE = "/ar/2023/09/kim-russia-visit/"
DEMO_TITLE = "زيارة بقطار مصفح وعنوان غير معلن.. زعيم كوريا الشمالية في روسيا"

STORY = "title: A story that moved\ndate: 2023-09-14\nauthor: nasrin-tarek\ncategory: news"


def redirect_of(site: BuiltSite, alias: str) -> dict[str, str]:
    """What a redirect page says: its language, where it sends the reader, its canonical address, robots, its link."""
    page = site.page(alias)
    (link,) = page.select("main a")
    return {
        "lang": page.html["lang"], "dir": page.html["dir"],
        "refresh": page.select_one('meta[http-equiv="refresh"]')["content"],
        "canonical": page.select_one('link[rel="canonical"]')["href"],
        "robots": page.select_one('meta[name="robots"]')["content"],
        "text": page.select_one("main p").get_text(), "link": link["href"], "link_text": link.get_text(),
    }


def test_the_demos_alias_leads_to_its_article(demo: BuiltSite):
    assert redirect_of(demo, DEMO_ALIAS) == {
        "lang": "ar", "dir": "rtl", "refresh": f"0; url={DEMO_ARTICLE}", "canonical": f"https://example.org{DEMO_ARTICLE}",
        "robots": "noindex", "text": "نُقل هذا المقال إلى عنوان جديد:", "link": DEMO_ARTICLE, "link_text": DEMO_TITLE,
    }
    assert (demo.out / "_redirects").read_text(encoding="utf-8") == f"{quote(DEMO_ALIAS)} {DEMO_ARTICLE} 301\n"


def test_under_a_sub_path_the_alias_and_its_target_carry_the_base_path(demo_under_sub_path: BuiltSite):
    redirect = redirect_of(demo_under_sub_path, DEMO_ALIAS)
    assert redirect["refresh"] == f"0; url=/microsite{DEMO_ARTICLE}" and redirect["link"] == f"/microsite{DEMO_ARTICLE}"
    assert redirect["canonical"] == f"https://example.org/microsite{DEMO_ARTICLE}"
    redirects = (demo_under_sub_path.out / "_redirects").read_text(encoding="utf-8")
    assert redirects == f"/microsite{quote(DEMO_ALIAS)} /microsite{DEMO_ARTICLE} 301\n"


def test_aliases_are_in_no_sitemap_feed_or_search_index(demo: BuiltSite):
    """Each is searched for as published (percent-encoded) and as text; the article itself is found, so the search works."""
    def holds(text: str, url: str) -> bool:
        return quote(url) in text or url in text

    sitemaps_and_feeds = [path.read_text(encoding="utf-8") for path in (*demo.out.glob("*.xml"), *demo.out.rglob("feed.xml"))]
    search = [gzip.decompress(path.read_bytes()).decode("utf-8") for path in demo.out.glob("pagefind/*/fragment/*.pf_fragment")]
    records = [json.loads(text.removeprefix("pagefind_dcd")) for text in search]
    for texts in (sitemaps_and_feeds, search):
        assert any(holds(text, DEMO_ARTICLE) for text in texts)
        assert not any(holds(text, DEMO_ALIAS) for text in texts)
    assert DEMO_ARTICLE in {record["url"] for record in records}
    assert "robots.txt" not in (demo.out / "_redirects").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def moved(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """A site with an English article under three old addresses, written three ways, and a draft with one of its own."""
    site = ScratchSite(tmp_path_factory.mktemp("moved"))
    site.article("en", "story", STORY + "\naliases:\n  - /old/path.html\n  - /en/2023/09/old-slug\n  - /en/%C3%A9t%C3%A9/")
    site.article("en", "unfinished", "title: Unfinished\ndate: 2023-09-13\ndraft: true\naliases: [/en/draft-old/]")
    result = site.build()
    assert result.returncode == 0, result.stderr
    return site.built()


def test_every_alias_is_published_as_a_file_of_its_own(moved: BuiltSite):
    """A folder's alias gets its trailing slash, a file's keeps its name; percent-escapes are read as an address bar shows them."""
    for alias in ("/old/path.html", "/en/2023/09/old-slug/", "/en/été/"):
        assert redirect_of(moved, alias) == {
            "lang": "en", "dir": "ltr", "refresh": "0; url=/en/2023/09/story/", "canonical": "https://example.org/en/2023/09/story/",
            "robots": "noindex", "text": "This article has moved to a new address:", "link": "/en/2023/09/story/",
            "link_text": "A story that moved",
        }
    assert (moved.out / "_redirects").read_text(encoding="utf-8").splitlines() == [
        "/old/path.html /en/2023/09/story/ 301",
        "/en/2023/09/old-slug/ /en/2023/09/story/ 301",
        "/en/%C3%A9t%C3%A9/ /en/2023/09/story/ 301",
    ]


def test_a_drafts_aliases_are_left_out_with_it(moved: BuiltSite):
    assert not (moved.out / "en" / "draft-old").exists()
    assert "draft-old" not in (moved.out / "_redirects").read_text(encoding="utf-8")


def test_redirect_pages_pass_the_nu_html_checker(demo: BuiltSite, moved: BuiltSite):
    pages = [demo.out / DEMO_ALIAS.strip("/") / "index.html", moved.out / "old" / "path.html", moved.out / "en/été/index.html"]
    result = subprocess.run([*nu_html_checker(PROJECT / ".cache"), "--format", "gnu", *map(str, pages)], capture_output=True, text=True)
    messages = (result.stdout + result.stderr).strip()
    assert all(page.is_file() for page in pages)
    assert result.returncode == 0 and messages == "", messages


def assert_refused(site: ScratchSite, expected: list[str]) -> None:
    """Exit status 1, exactly these lines (and the count), no traceback and nothing written."""
    result = site.build()
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert sorted(lines[:-1]) == sorted(expected), result.stderr
    assert lines[-1] == f"{len(expected)} problem(s) found; nothing was written."
    assert not site.out.exists()


LONG = "x" * 256


def test_aliases_that_leave_the_site_or_cannot_be_a_file_are_refused_at_their_line(scratch: ScratchSite):
    written = ["../outside/", "https://old.example.org/story/", "//old.example.org/story/", "/old\\story/", "/ar/../../etc/",
               "/old/story/?page=2", "/old/<story>/", "/old//story/", "/.khabar-site", f"/{LONG}/", "/%FF/", "/old/story. /",
               "/100%25/"]
    scratch.article("en", "story", STORY + "\naliases:\n" + "".join(f"  - '{alias}'\n" for alias in written))
    scratch.article("en", "other", "title: Another\ndate: 2023-09-13\naliases: [old/story/]")
    inside = "an alias is a path inside the site, such as /ar/2023/09/old-slug/"
    elsewhere = "an alias is a path inside this one, such as /ar/2023/09/old-slug/"
    assert_refused(scratch, [
        f"content/en/story.md:{line}: error: alias '{alias}' {message}" for line, alias, message in (
            (7, "../outside/", f"does not start with '/': {inside}"),
            (8, "https://old.example.org/story/", f"is the address of another site: {elsewhere}"),
            (9, "//old.example.org/story/", f"is the address of another site: {elsewhere}"),
            (10, "/old\\story/", "has a backslash: the parts of a path are separated by '/'"),
            (11, "/ar/../../etc/", "has a '.' or '..' segment, which would lead out of its folder"),
            (12, "/old/story/?page=2", "has a '?': a static host serves a file by its path alone, without a query or fragment"),
            (13, "/old/<story>/", "has '<', which a file name may not hold"),
            (14, "/old//story/", "has an empty segment ('//')"),
            (15, "/.khabar-site", "has a segment that starts with '.' or ends with '.' or a space, which a file name may not"),
            (16, f"/{LONG[:59]}…", "has a segment of 256 bytes in UTF-8, more than a file name may have (255)"),
            (17, "/%FF/", "has percent-escapes that are not UTF-8 text"),
            (18, "/old/story. /", "has a segment that starts with '.' or ends with '.' or a space, which a file name may not"),
            (19, "/100%25/", "has a '%' of its own, not a percent-escape such as %D9%83"),
        )
    ] + [f"content/en/other.md:4: error: alias 'old/story/' does not start with '/': {inside}"])


def test_aliases_that_meet_another_file_of_the_site_are_refused_at_their_line(scratch: ScratchSite):
    scratch.article("en", "story", STORY + "\naliases:\n" + "".join(f"  - {alias}\n" for alias in (
        "/en/2023/09/story/", "/en/2023/09/Story", "/old/", "/old", "/en/search/", "/en/feed.xml", "/404.html/old/",
        "/assets/old.html", "/_redirects", "/sitemap.xml")))
    scratch.article("en", "earlier", "title: Earlier\ndate: 2023-09-13\naliases: [/OLD/, /en/2023/09/story/]")
    refused = "content/en/story.md:{}: error: alias {}"
    assert_refused(scratch, [
        refused.format(7, "/en/2023/09/story/ is the article's own address"),
        refused.format(8, "/en/2023/09/Story/ is the article's own address"),
        refused.format(10, "/old/ is listed twice (first at line 9)"),
        refused.format(11, "/en/search/ is also the address of the page 'Search'"),
        refused.format(12, "/en/feed.xml is also the address of the feed 'Kim in Russia'"),
        refused.format(13, "/404.html/old/ is inside 404.html, which is already a file: the page '404'"),
        refused.format(14, "/assets/old.html is in assets/, where the site's own files are written"),
        refused.format(15, "/_redirects/ is inside _redirects, which is already a file: the redirects file for hosts (_redirects)"),
        refused.format(16, "/sitemap.xml is also the address of sitemap.xml"),
        "content/en/earlier.md:4: error: alias /OLD/ is also the address of an alias of content/en/story.md:9"
        " on a disk that ignores case (macOS, Windows)",
        "content/en/earlier.md:4: error: alias /en/2023/09/story/ is also the address of the article 'A story that moved'"
        " (content/en/story.md)",
    ])


@settings(max_examples=600, derandomize=True, deadline=None, database=None)
@given(written=st.text(st.sampled_from("/.%\\?#:<> \tabc٠كيم-_~&=") | st.characters(blacklist_categories=("Cs",)), max_size=40)
               .map(lambda text: "/" + text))
def test_an_alias_that_is_accepted_is_a_file_inside_the_output_folder_and_one_redirects_line(written: str):
    """Whatever an editor writes, an alias the build accepts names a file below the output folder, and its line in
    `_redirects` has its three fields."""
    if alias_problem(written) is not None:
        return
    path = output_path(alias_url(written))
    segments = path.split("/")
    assert not path.startswith("/") and "\\" not in path
    assert all(segment and segment not in (".", "..") and len(segment.encode()) <= MAX_SEGMENT_BYTES for segment in segments)
    link = Links("https://example.org/microsite/", {}).href(alias_url(written))
    assert len(f"{link} /microsite/en/story/ 301".split()) == 3 and link.isascii()
    assert unquote(link) == "/microsite" + alias_url(written)  # it is the address of that file, as a browser asks for it


@pytest.mark.parametrize("where", ["root", "sub-path"])
def test_an_alias_leads_chromium_to_the_article(browser: Browser, where: str, request: pytest.FixtureRequest):
    """The old address, percent-encoded as a link to it would be, on a plain static server: the browser ends on the article."""
    site = request.getfixturevalue("demo" if where == "root" else "demo_under_sub_path")
    prefix = "/microsite" if where == "sub-path" else ""
    assert where == "root" or SUB_PATH_BASE_URL.endswith(prefix + "/")
    context = browser.new_context()
    page = context.new_page()
    failed: list[str] = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    try:
        with static_host(site.out, prefix) as host:
            page.goto(host + quote(DEMO_ALIAS))
            page.wait_for_url(host + DEMO_ARTICLE)
            page.wait_for_load_state("load")
            assert page.locator("h1").first.inner_text() == DEMO_TITLE
            assert unquote(page.evaluate("location.pathname")) == prefix + DEMO_ARTICLE
    finally:
        context.close()
    assert failed == []
