"""What each page tells search engines and link previews: Open Graph, Twitter card, JSON-LD."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from conftest import BuiltSite, ScratchSite, read_html
from test_bad_input import GOOD

ORIGIN = "https://example.org"


def json_ld(page: BeautifulSoup) -> list[dict]:
    """Every JSON-LD object of a page, parsed (a block may hold one object or a list)."""
    found = []
    for script in page.select('script[type="application/ld+json"]'):
        data = json.loads(script.string)
        found.extend(data if isinstance(data, list) else [data])
    return found


def of_type(page: BeautifulSoup, kind: str) -> dict:
    matches = [item for item in json_ld(page) if item["@type"] == kind]
    assert len(matches) == 1, [item["@type"] for item in json_ld(page)]
    return matches[0]


def meta(page: BeautifulSoup, key: str) -> list[str]:
    return [tag["content"] for tag in page.select(f'meta[property="{key}"], meta[name="{key}"]')]


def article_pages(demo: BuiltSite) -> list[Path]:
    return sorted(demo.out.glob("*/[0-9][0-9][0-9][0-9]/[0-9][0-9]/*/index.html"))


def test_every_article_describes_itself_as_a_news_article_that_agrees_with_the_page(demo: BuiltSite):
    pages = article_pages(demo)
    assert len(pages) == 15
    for path in pages:
        page = read_html(path)
        news = of_type(page, "NewsArticle")
        canonical = page.select_one('link[rel="canonical"]')["href"]
        assert news["@context"] == "https://schema.org"
        assert news["url"] == news["@id"] == news["mainEntityOfPage"]["@id"] == canonical
        assert news["headline"] == page.h1.get_text(strip=True)
        published = page.select_one(".byline time")["datetime"]
        assert news["datePublished"] == published and "+03:00" in published
        assert news["dateModified"] >= news["datePublished"]
        assert news["inLanguage"] == page.html["lang"]
        assert news["description"] == page.select_one('meta[name="description"]')["content"]
        publisher = news["publisher"]
        assert publisher["@type"] == "NewsMediaOrganization" and publisher["name"]
        assert publisher["logo"]["url"].startswith(ORIGIN + "/assets/")
        byline = page.select_one(".byline a")
        assert news["author"] == {
            "@type": "Person", "name": byline.get_text(strip=True), "url": ORIGIN + byline["href"],
        }
        assert news["articleSection"] == page.select_one(".kicker a").get_text(strip=True)
        assert news["keywords"] == [a.get_text(strip=True) for a in page.select('.tags a[rel="tag"]')]
        assert news["image"]["url"] == meta(page, "og:image")[0]


def test_the_seed_report_names_its_author_not_its_byline_word(demo: BuiltSite):
    news = of_type(demo.page("/ar/2023/09/kim-russia-visit/"), "NewsArticle")
    assert news["author"]["name"] == "نسرين طارق"
    assert "متابعة" not in json.dumps(news, ensure_ascii=False)


def test_translations_point_at_each_other(demo: BuiltSite):
    arabic = of_type(demo.page("/ar/2023/09/vostochny-summit/"), "NewsArticle")
    english = of_type(demo.page("/en/2023/09/vostochny-summit/"), "NewsArticle")
    assert [work["@id"] for work in arabic["workTranslation"]] == [english["@id"]]
    assert english["translationOfWork"]["@id"] == arabic["@id"]
    alone = of_type(demo.page("/ar/2023/09/kim-thanks-putin/"), "NewsArticle")
    assert "workTranslation" not in alone and "translationOfWork" not in alone


def test_articles_have_breadcrumbs_from_home_through_their_section(demo: BuiltSite):
    trail = of_type(demo.page("/en/2023/09/vostochny-summit/"), "BreadcrumbList")["itemListElement"]
    assert [(step["position"], step["name"]) for step in trail] == [
        (1, "Home"), (2, "News"), (3, demo.page("/en/2023/09/vostochny-summit/").h1.get_text(strip=True))]
    assert trail[1]["item"] == ORIGIN + "/en/categories/news/"


def test_article_open_graph_and_twitter_card(demo: BuiltSite):
    for path in article_pages(demo):
        page = read_html(path)
        assert meta(page, "og:type") == ["article"]
        assert meta(page, "og:url") == [page.select_one('link[rel="canonical"]')["href"]]
        assert meta(page, "og:title") == [page.h1.get_text(strip=True)]
        assert meta(page, "twitter:card") == ["summary_large_image"]
        assert len(meta(page, "og:image")) == 1 and meta(page, "og:image")[0].startswith(ORIGIN + "/assets/")
        assert int(meta(page, "og:image:width")[0]) >= 1200 and int(meta(page, "og:image:height")[0]) > 0
        assert meta(page, "og:image:alt")[0] and meta(page, "twitter:image") == meta(page, "og:image")
        assert meta(page, "article:published_time") == [page.select_one(".byline time")["datetime"]]
        assert meta(page, "article:modified_time")
        assert meta(page, "article:tag") == [a.get_text(strip=True) for a in page.select('.tags a[rel="tag"]')]
        assert meta(page, "article:author") == [ORIGIN + page.select_one(".byline a")["href"]]
    page = demo.page("/ar/2023/09/vostochny-summit/")
    assert meta(page, "og:locale") == ["ar_EG"] and meta(page, "og:locale:alternate") == ["en_US"]
    assert meta(page, "article:section") == ["أخبار"]
    assert meta(demo.page("/ar/2023/09/kim-thanks-putin/"), "og:locale:alternate") == []


def test_home_is_a_website_with_a_search_action_and_its_publisher(demo: BuiltSite):
    for lang in ("ar", "en"):
        home = demo.page(f"/{lang}/")
        website = of_type(home, "WebSite")
        assert website["url"] == f"{ORIGIN}/{lang}/" and website["inLanguage"] == lang
        action = website["potentialAction"]
        assert action["@type"] == "SearchAction"
        assert action["target"]["urlTemplate"] == f"{ORIGIN}/{lang}/search/?q={{search_term_string}}"
        assert action["query-input"] == "required name=search_term_string"
        assert website["publisher"]["@type"] == "NewsMediaOrganization"
        listed = of_type(home, "CollectionPage")["mainEntity"]["itemListElement"]
        assert [item["url"] for item in listed] == [ORIGIN + a["href"] for a in home.select(".latest .card-title a")]
        assert meta(home, "og:type") == ["website"] and meta(home, "og:image")


def test_listings_are_collections_and_author_pages_are_profiles(demo: BuiltSite):
    category = demo.page("/en/categories/reactions/")
    assert of_type(category, "CollectionPage")["url"] == ORIGIN + "/en/categories/reactions/"
    assert of_type(category, "BreadcrumbList")["itemListElement"][-1]["name"] == "Reactions"
    tag = of_type(demo.page("/ar/tags/روسيا/"), "CollectionPage")
    assert tag["inLanguage"] == "ar" and tag["name"] == "روسيا"
    profile = of_type(demo.page("/ar/authors/monitoring-desk/"), "ProfilePage")
    assert profile["mainEntity"]["@type"] == "Person" and profile["mainEntity"]["name"] == "قسم الرصد"
    assert profile["mainEntity"]["description"].startswith("يرصد")
    timeline = demo.page("/en/timelines/visit/")
    assert of_type(timeline, "CollectionPage")["url"] == ORIGIN + "/en/timelines/visit/"


def test_every_json_ld_block_of_every_page_parses(demo: BuiltSite):
    blocks = 0
    for path in demo.html_files():
        for item in json_ld(read_html(path)):
            blocks += 1
            assert item["@context"] == "https://schema.org" and item["@type"]
            for key in ("url", "@id"):
                if key in item:
                    assert urlsplit(item[key]).netloc == "example.org"
    assert blocks > 60


def test_a_title_cannot_break_out_of_the_json_ld_block(scratch: ScratchSite):
    title = '</script><script>alert(1)</script><!-- & "quoted"'
    scratch.article("ar", "story", GOOD.replace("title: خبر", f"title: '{title}'"))
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    html = (scratch.out / "ar/2023/09/story/index.html").read_text(encoding="utf-8")
    page = read_html(scratch.out / "ar/2023/09/story/index.html")
    assert html.count("</script>") == len(page.select("script")) and "<script>alert" not in html
    assert of_type(page, "NewsArticle")["headline"] == title
    assert meta(page, "og:title") == [title]


def test_not_found_page_asks_not_to_be_indexed(demo: BuiltSite):
    assert demo.page("/404.html").select_one('meta[name="robots"]')["content"] == "noindex"
