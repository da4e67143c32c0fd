"""The demo site, built by the real command line, checked page by page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from conftest import PROJECT, BuiltSite

CONTENT = PROJECT / "content"


def article_sources(lang: str) -> list[Path]:
    return sorted((CONTENT / lang).rglob("*.md"))


def url_path(href: str) -> str:
    return unquote(urlsplit(href).path)


def test_every_article_has_a_page_and_every_listing_exists(demo: BuiltSite):
    article_pages = list(demo.out.glob("*/[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))
    assert len(article_pages) == len(article_sources("ar")) + len(article_sources("en"))
    for url in ("/", "/ar/", "/en/", "/404.html", "/ar/categories/reports/", "/en/categories/world-press/",
                "/ar/authors/nasrin-tarek/", "/en/authors/monitoring-desk/", "/ar/tags/روسيا/", "/en/tags/sanctions/"):
        demo.page(url)
    assert len(list(demo.out.glob("assets/css/site.*.css"))) == 1
    assert len(list(demo.out.glob("assets/fonts/noto-naskh-arabic-400.*.woff2"))) == 1


def test_arabic_pages_are_right_to_left_and_english_left_to_right(demo: BuiltSite):
    for path in demo.html_files():
        html = demo.page("/" + path.relative_to(demo.out).as_posix()).html
        relative = path.relative_to(demo.out).as_posix()
        expected = ("en", "ltr") if relative.startswith("en/") else ("ar", "rtl")
        assert (html["lang"], html["dir"]) == expected, relative


def test_seed_report_keeps_its_byline_category_subheadings_and_slider_place(demo: BuiltSite):
    page = demo.page("/ar/2023/09/kim-russia-visit/")
    assert page.h1.get_text(strip=True) == "زيارة بقطار مصفح وعنوان غير معلن.. زعيم كوريا الشمالية في روسيا"
    assert page.select_one(".byline a").get_text(strip=True) == "نسرين طارق"
    assert page.select_one(".byline a")["href"] == "/ar/authors/nasrin-tarek/"
    assert page.select_one(".kicker a").get_text(strip=True) == "تقارير"
    subheadings = [h.get_text(strip=True) for h in page.select(".article-body h2")]
    assert subheadings == ["قمة بوتين- كيم في الصحف العالمية", "مخاوف الغرب من الزيارة"]
    assert all(h.get("id") for h in page.select(".article-body h2"))
    body = page.select_one(".article-body").get_text()
    for chrome in ("fbpx", "مقالات ذات صلة", "زر الذهاب إلى الأعلى", "متابعة:"):
        assert chrome not in body
    slider_links = [a["href"] for a in demo.page("/ar/").select(".slider .slide h3 a")]
    assert "/ar/2023/09/kim-russia-visit/" in slider_links


def test_translations_link_each_other_with_reciprocal_hreflang(demo: BuiltSite):
    pairs = 0
    for source in article_sources("ar"):
        page = demo.page(_url_of(demo, "ar", source.stem))
        alternates = {link["hreflang"]: url_path(link["href"]) for link in page.select('link[rel="alternate"][hreflang]')}
        if "en" not in alternates:
            continue
        pairs += 1
        english = demo.page(alternates["en"])
        back = {link["hreflang"]: url_path(link["href"]) for link in english.select('link[rel="alternate"][hreflang]')}
        assert back == alternates
        switch = page.select_one(".language-switch a[hreflang=en]")
        assert url_path(switch["href"]) == alternates["en"]
        assert english.select_one(".translation a[hreflang=ar]")["href"] == alternates["ar"]
    assert pairs == len(article_sources("en")) == 7


def test_article_without_translation_switches_to_the_other_home_and_says_so(demo: BuiltSite):
    page = demo.page("/ar/2023/09/kim-thanks-putin/")
    switch = page.select_one(".language-switch a[hreflang=en]")
    assert switch["href"] == "/en/"
    note = page.select_one("#" + switch["aria-describedby"]).get_text(strip=True)
    assert "الإنجليزية" in note
    alternates = [(link["hreflang"], link["href"]) for link in page.select('link[rel="alternate"][hreflang]')]
    own = "https://example.org/ar/2023/09/kim-thanks-putin/"
    assert alternates == [("ar", own), ("x-default", own)]  # its only version is also the one for everyone else
    assert not page.select(".translation")


def test_dates_are_localised(demo: BuiltSite):
    arabic = demo.page("/ar/2023/09/vostochny-summit/").select_one(".byline time")
    english = demo.page("/en/2023/09/vostochny-summit/").select_one(".byline time")
    assert arabic.get_text(strip=True) == "13 سبتمبر 2023"
    assert english.get_text(strip=True) == "September 13, 2023"
    assert arabic["datetime"] == "2023-09-13T18:00:00+03:00"


def test_reading_time_uses_arabic_plural_forms(demo: BuiltSite):
    long_read = demo.page("/ar/2023/09/kim-russia-visit/").select(".byline span")[-1].get_text(strip=True)
    short_read = demo.page("/ar/2023/09/aircraft-plant-visit/").select(".byline span")[-1].get_text(strip=True)
    assert long_read == "5 دقائق قراءة"
    assert short_read == "دقيقة قراءة واحدة"


def test_home_slider_holds_the_slider_articles_newest_first(demo: BuiltSite):
    slides = demo.page("/ar/").select(".slider .slide h3 a")
    assert [url_path(a["href"]) for a in slides] == [
        "/ar/2023/09/kim-russia-visit/",
        "/ar/2023/09/vladivostok-pacific-fleet/",
        "/ar/2023/09/world-press-summit/",
        "/ar/2023/09/vostochny-summit/",
    ]
    dots = demo.page("/ar/").select(".slider-dots a")
    assert [a["href"] for a in dots] == ["#slide-1", "#slide-2", "#slide-3", "#slide-4"]
    assert not demo.page("/ar/page/2/").select(".slider")


def test_home_is_paginated(demo: BuiltSite):
    first, second = demo.page("/ar/"), demo.page("/ar/page/2/")
    assert len(first.select(".latest .card")) == 6
    assert len(second.select(".latest .card")) == 2
    assert first.select_one('.pagination a[rel="next"]')["href"] == "/ar/page/2/"
    assert second.select_one('.pagination a[rel="prev"]')["href"] == "/ar/"
    newest = first.select_one(".latest .card-title a")["href"]
    assert newest == "/ar/2023/09/kim-thanks-putin/"


def test_listings_show_their_articles(demo: BuiltSite):
    reactions = demo.page("/en/categories/reactions/")
    assert [a["href"] for a in reactions.select(".card-title a")] == ["/en/2023/09/western-concerns/"]
    author = demo.page("/ar/authors/monitoring-desk/")
    assert author.select_one(".bio").get_text(strip=True).startswith("يرصد")
    assert len(author.select(".card")) == 2
    tag = demo.page("/ar/tags/فلاديفوستوك/")
    assert {a["href"] for a in tag.select(".card-title a")} == {
        "/ar/2023/09/kim-russia-visit/", "/ar/2023/09/vladivostok-pacific-fleet/"}
    tag_link = demo.page("/ar/2023/09/kim-russia-visit/").select_one('.tags a[rel="tag"]')
    assert tag_link["href"].startswith("/ar/tags/%D9%83")  # Arabic tag slugs are percent-encoded in links


def test_category_pages_switch_to_the_same_category(demo: BuiltSite):
    page = demo.page("/ar/categories/world-press/")
    assert page.select_one(".language-switch a")["href"] == "/en/categories/world-press/"
    hreflangs = {link["hreflang"]: url_path(link["href"]) for link in page.select('link[rel="alternate"][hreflang]')}
    assert hreflangs == {"ar": "/ar/categories/world-press/", "en": "/en/categories/world-press/",
                         "x-default": "/ar/categories/world-press/"}


def test_root_leads_to_the_default_language_and_is_the_homes_x_default(demo: BuiltSite):
    root = demo.page("/")
    assert root.select_one('meta[http-equiv="refresh"]')["content"].endswith("url=/ar/")
    assert [a["href"] for a in root.select("main a[hreflang]")] == ["/ar/", "/en/"]
    expected = {"ar": "/ar/", "en": "/en/", "x-default": "/"}
    for url in ("/", "/ar/", "/en/"):
        page = demo.page(url)
        assert {link["hreflang"]: url_path(link["href"]) for link in page.select('link[rel="alternate"][hreflang]')} == expected
    assert url_path(root.select_one('link[rel="canonical"]')["href"]) == "/"


def test_not_found_page_speaks_both_languages(demo: BuiltSite):
    page = demo.page("/404.html")
    sections = page.select(".not-found")
    assert [(s["lang"], s["dir"]) for s in sections] == [("ar", "rtl"), ("en", "ltr")]
    assert sections[1].a["href"] == "/en/"


def test_article_page_has_share_links_back_to_top_and_tables(demo: BuiltSite):
    page = demo.page("/en/2023/09/world-press-summit/")
    shares = [a["href"] for a in page.select(".share a")]
    assert any(href.startswith("https://wa.me/?text=") and "example.org%2Fen%2F2023" in href.replace("/", "%2F") for href in shares)
    assert page.select_one('.back-to-top a')["href"] == "#top"
    assert page.select_one("#top")
    assert page.select(".article-body table th")[0].get_text() == "Weapon"


def _url_of(demo: BuiltSite, lang: str, slug: str) -> str:
    matches = list(demo.out.glob(f"{lang}/*/*/{slug}/index.html"))
    assert len(matches) == 1, slug
    return "/" + matches[0].parent.relative_to(demo.out).as_posix() + "/"
