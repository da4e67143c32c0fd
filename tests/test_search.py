"""Search: a Pagefind index per language fed in search form, and the search pages that query it in real Chromium."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
from typing import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from conftest import PHONE, PROJECT, BuiltSite, ScratchSite, read_html, run_cli, static_host
from khabar.config import load_config
from khabar.localize import Localizer
from khabar.textnorm import search_form
from system import ensure_program

CONFIG = load_config(PROJECT)
LOCALIZERS = {language.code: Localizer(language, CONFIG.strings[language.code]) for language in CONFIG.languages}

# Each query of the issue, and the spellings the seed uses for what it must find.
ARABIC_QUERIES = {
    "بوتين": ("بوتين",),
    "وبوتين": ("بوتين",),
    "لبوتين": ("بوتين",),
    "بُوتِين": ("بوتين",),
    "الأقمار": ("أقمار",),
    "الاقمار": ("أقمار",),
    "فوستوتشني": ("فوستوتشني", "فوستوشني"),
    "فوستوشني": ("فوستوتشني", "فوستوشني"),
}
# Words whose spellings must meet, beyond the queries above: letters, digits, marks, other scripts.
AWKWARD_WORDS = [
    "ٱلله", "إلى", "مستشفى", "الكـــبيرة", "للاقمار", "وبالاقمار", "ولبوتين", "بالصَّوَارِيخ", "٢٠٢٣", "۲۰۲۳",
    "وTu-95MS", "ÉCOLE Über", "Москва", "ـ", "َ", "a\u0610b", "بوتين،وكيم", "تشرين", "", "  ",
]


def seed_articles(lang: str, *spellings: str) -> set[str]:
    """The slugs of the seed's articles in `lang` whose source contains one of the spellings."""
    return {path.stem for path in (PROJECT / "content" / lang).glob("*.md")
            if any(spelling in path.read_text(encoding="utf-8") for spelling in spellings)}


def test_each_language_has_its_own_index(demo: BuiltSite):
    for lang, stemmer in (("ar", None), ("en", "en")):
        folder = demo.out / "pagefind" / lang
        (index,) = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"].values()
        articles = len(list((PROJECT / "content" / lang).glob("*.md")))
        assert index["page_count"] == articles and index["wasm"] == stemmer
        assert len(list((folder / "fragment").glob("*.pf_fragment"))) == articles
        assert (folder / "pagefind.js").is_file() and (folder / "pagefind-worker.js").is_file()
        assert not list(folder.glob("pagefind-*ui*")), "Pagefind's ready-made interfaces are not published"


def test_every_page_links_to_the_search_page_of_its_language(demo: BuiltSite):
    pages = [path for path in demo.page_files() if path != demo.out / "index.html"]  # the root only redirects
    for path in pages:
        html = read_html(path)
        lang = html.html["lang"]
        link = html.select_one("header .search-link")
        assert link["href"] == f"/{lang}/search/", path
        assert link.get_text(strip=True) == CONFIG.strings[lang]["search"], path


def test_the_browser_puts_words_in_the_same_search_form_as_the_build(demo: BuiltSite):
    node = ensure_program("node", "nodejs")
    (script,) = (demo.out / "assets" / "js").glob("search.*.js")
    seed = [path.read_text(encoding="utf-8") for path in sorted((PROJECT / "content").glob("*/*.md"))]
    texts = [*ARABIC_QUERIES, "Vostochny", *AWKWARD_WORDS, *seed, *(word for text in seed for word in text.split())]
    module = "data:text/javascript;base64," + base64.b64encode(script.read_bytes()).decode()
    reader = (f"const {{ searchForm }} = await import({json.dumps(module)});"
              "let input = ''; for await (const chunk of process.stdin) input += chunk;"
              "process.stdout.write(JSON.stringify(JSON.parse(input).map(searchForm)));")
    result = subprocess.run([node, "--input-type=module", "-e", reader], input=json.dumps(texts),
                            capture_output=True, text=True, encoding="utf-8", check=True)
    in_browser = json.loads(result.stdout)
    disagreements = [(text[:40], ours, theirs) for text, ours, theirs in zip(texts, map(search_form, texts), in_browser) if ours != theirs]
    assert len(in_browser) == len(texts) and disagreements == []


def typed_search(page: Page, base: str, lang: str, query: str) -> set[str]:
    """Type a query into the search page as a reader would; the slugs of the articles it lists."""
    page.goto(f"{base}/{lang}/search/")
    page.locator("#search-query").press_sequentially(query)
    return listed(page, lang, query)


def listed(page: Page, lang: str, query: str) -> set[str]:
    """Once the search for `query` has run: the articles listed, checked against the count announced."""
    page.wait_for_function("query => new URLSearchParams(location.search).get('q') === query", arg=query)
    links = page.locator("#search-results li h2 a")
    expect(links.first).to_be_visible()
    count = len(set(link.get_attribute("href") for link in links.all()))
    expect(page.locator("#search-status")).to_have_text(LOCALIZERS[lang].plural("search_results", count))
    return {href.rstrip("/").rsplit("/", 1)[-1] for href in (link.get_attribute("href") for link in links.all())}


@pytest.mark.parametrize("query", ARABIC_QUERIES)
def test_each_spelling_finds_every_article_the_seed_spells_it_in(phone: Page, server: str, query: str):
    expected = seed_articles("ar", *ARABIC_QUERIES[query])
    assert expected, "the seed has articles for every query"
    assert typed_search(phone, server, "ar", query) == expected


def test_a_half_typed_arabic_word_finds_the_whole_one(phone: Page, server: str):
    """Pagefind's own Arabic stemmer, were it on, would cut "الفضائ" to a stem no longer the start of "الفضائية"."""
    assert typed_search(phone, server, "ar", "الفضائ") == seed_articles("ar", "فضائ")


def test_english_search_finds_vostochny(phone: Page, server: str):
    assert typed_search(phone, server, "en", "Vostochny") == seed_articles("en", "Vostochny")


@pytest.mark.parametrize("query, count", [("مقابل", 1), ("كينجال", 2), ("بوتين", 6)])
def test_the_count_is_announced_with_arabic_plural_forms(phone: Page, server: str, query: str, count: int):
    assert len(typed_search(phone, server, "ar", query)) == count == len(seed_articles("ar", query))
    expect(phone.locator("#search-status")).to_have_attribute("role", "status")


def test_a_search_that_finds_nothing_says_so(phone: Page, server: str):
    phone.goto(server + "/en/search/?q=zzzzqqq")
    expect(phone.locator("#search-status")).to_have_text(CONFIG.strings["en"]["search_no_results"])
    expect(phone.locator("#search-results li")).to_have_count(0)


def test_the_query_in_the_address_runs_on_load(phone: Page, server: str):
    phone.goto(server + "/ar/search/?q=" + "فوستوشني")
    assert listed(phone, "ar", "فوستوشني") == seed_articles("ar", "فوستوتشني", "فوستوشني")
    assert phone.locator("#search-query").input_value() == "فوستوشني"


def test_search_by_keyboard_alone(phone: Page, server: str):
    phone.goto(server + "/en/search/")
    for _ in range(30):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.id") == "search-query":
            break
    phone.keyboard.type("Kinzhal")
    phone.keyboard.press("Enter")
    assert listed(phone, "en", "Kinzhal") == seed_articles("en", "Kinzhal")
    phone.keyboard.press("Tab")  # the search button
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.closest('#search-results') !== null && document.activeElement.tagName") == "A"


@pytest.mark.parametrize("lang, query", [("ar", "بوتين"), ("en", "Putin")])
def test_no_accessibility_violations_with_results_shown(phone: Page, server: str, lang: str, query: str):
    phone.goto(f"{server}/{lang}/search/?q={query}")
    listed(phone, lang, query)
    assert phone.evaluate("document.documentElement.dir") == LOCALIZERS[lang].language.direction
    results = Axe().run(phone)
    assert [(v["id"], v["impact"]) for v in results.response["violations"]] == [], results.generate_report()


@pytest.fixture(scope="module")
def microsite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo built for a sub-path and served there, as on a shared host."""
    out = tmp_path_factory.mktemp("microsite") / "site"
    result = run_cli("build", "--out", str(out), "--base-url", "https://example.org/microsite/")
    assert result.returncode == 0, result.stderr
    with static_host(out, "/microsite") as url:
        yield url


def test_search_works_under_a_sub_path_and_asks_no_other_host(browser: Browser, microsite: str):
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    failures: list[str] = []
    page.on("response", lambda response: response.status >= 400 and failures.append(response.url))
    assert typed_search(page, microsite, "ar", "وبوتين") == seed_articles("ar", "بوتين")
    hrefs = page.eval_on_selector_all("#search-results a", "links => links.map(link => link.getAttribute('href'))")
    context.close()
    assert all(href.startswith("/microsite/ar/") for href in hrefs)
    assert any("/microsite/pagefind/ar/" in url for url in requests)
    assert [url for url in requests if not url.startswith(microsite + "/")] == [] and failures == []


def test_what_the_index_returns_is_shown_as_text_never_as_markup(scratch: ScratchSite, browser: Browser):
    title = 'بوتين <img src="x" onerror="window.injected = true"> & <b>كيم</b>'
    scratch.article("ar", "markup-title", f"title: '{title}'\ndate: 2023-09-13T10:00:00+03:00", "نص عن بوتين.")
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    with static_host(scratch.out) as base:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        assert typed_search(page, base, "ar", "بوتين") == {"markup-title"}
        assert page.locator("#search-results h2 a").inner_text() == title
        assert page.evaluate("document.querySelectorAll('#search-results img, #search-results b').length") == 0
        assert page.evaluate("window.injected") is None
        context.close()


def test_more_results_come_twenty_at_a_time_and_take_the_focus(scratch: ScratchSite, browser: Browser):
    for number in range(25):
        scratch.article("ar", f"story-{number:02d}", f"title: خبر {number} عن بوتين\ndate: 2023-09-{1 + number:02d}T10:00:00+03:00")
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    with static_host(scratch.out) as base:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        page.goto(base + "/ar/search/?q=بوتين")
        expect(page.locator("#search-status")).to_have_text(LOCALIZERS["ar"].plural("search_results", 25))
        expect(page.locator("#search-results li")).to_have_count(20)
        assert page.locator("#search-results li h2 a").first.inner_text() == "خبر 24 عن بوتين"  # newest first
        page.locator("#search-more").click()
        expect(page.locator("#search-results li")).to_have_count(25)
        expect(page.locator("#search-more")).to_be_hidden()
        assert page.evaluate("document.activeElement.textContent") == "خبر 4 عن بوتين"
        context.close()


def test_a_search_that_cannot_load_says_so(phone: Page, server: str):
    phone.route("**/pagefind/**", lambda route: route.abort())
    phone.goto(server + "/en/search/?q=Putin")
    expect(phone.locator("#search-status")).to_have_text(CONFIG.strings["en"]["search_failed"])


def test_a_site_without_articles_still_builds_its_search_index(scratch: ScratchSite):
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    for lang in ("ar", "en"):
        entry = json.loads((scratch.out / "pagefind" / lang / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert re.fullmatch(r"\d+\.\d+\.\d+", entry["version"])
        assert all(index["page_count"] == 0 for index in entry["languages"].values())


def test_a_missing_pagefind_program_is_one_clear_line(scratch: ScratchSite):
    missing = scratch.root / "no-pagefind-here"
    result = run_cli("build", "--out", str(scratch.out), root=scratch.root, env={**os.environ, "PAGEFIND_BINARY_PATH": str(missing)})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"pagefind: error: Pagefind could not build the search index: cannot run {missing}: No such file or directory" in result.stderr
    assert not scratch.out.exists()


@pytest.mark.parametrize("behaviour", ["exit 3", "echo 'not an answer,'; sleep 1"], ids=["dies", "speaks-garbage"])
def test_a_pagefind_that_stops_answering_fails_the_build_instead_of_hanging_it(scratch: ScratchSite, behaviour: str):
    scratch.article("ar", "story", "title: خبر\ndate: 2023-09-13")
    broken = scratch.write("broken-pagefind", f"#!/bin/sh\n{behaviour}\n")
    broken.chmod(0o755)
    result = run_cli("build", "--out", str(scratch.out), root=scratch.root, env={**os.environ, "PAGEFIND_BINARY_PATH": str(broken)})
    problem, summary = result.stderr.splitlines()  # nothing else: no traceback, no warning from asyncio at exit
    assert result.returncode == 1 and summary == "1 problem(s) found; nothing was written."
    assert problem.startswith("pagefind: error: Pagefind could not build the search index: the Pagefind service stopped answering (")
    assert not scratch.out.exists()


def test_pages_of_the_search_are_listed_as_translations(demo: BuiltSite):
    for lang, other in (("ar", "en"), ("en", "ar")):
        html = demo.page(f"/{lang}/search/")
        assert html.select_one(f'link[rel=alternate][hreflang="{other}"]')["href"].endswith(f"/{other}/search/")
        assert html.select_one(".language-switch a")["href"] == f"/{other}/search/"
        assert html.select_one("form.search-form")["action"] == f"/{lang}/search/"
        assert html.select_one("form.search-form input[name=q]")["id"] == html.select_one("form.search-form label")["for"]
