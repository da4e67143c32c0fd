"""Articles named by their source file: body links (`other.md`, `../en/other.md#heading`, `#heading`), `related:`
pins and timeline events become the named articles' URLs under any base path; what names nothing is an error at
its file, line and column, and an article left out of the build is named in a warning and never linked to."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SUB_PATH_BASE_URL, BuiltSite, ScratchSite, run_cli
from khabar.markdown import fill_source_links, render_markdown
from khabar.references import reference

FRONT = "date: 2023-09-17T12:00:00+03:00\nauthor: nasrin-tarek\ncategory: reports"


def newsroom(scratch: ScratchSite) -> None:
    """A report linking to its follow-up, its translation, a piece in a sub-folder and its own heading."""
    scratch.write("content/ar/report.md", (
        "---\n"
        f"title: تقرير الزيارة\n{FRONT}\n"
        "related:\n"
        "  - follow-up.md\n"
        "  - sub/analysis.md\n"
        "---\n"
        "\n"
        "## الأقمار الاصطناعية أولًا\n"
        "\n"
        "تابع [الرد البريطاني](follow-up.md#رد-لندن) و[النسخة الإنجليزية](../en/report.md#the-wests-concerns).\n"
        "وانظر [أعلاه](#الأقمار-الاصطناعية-أولا) و[التحليل](sub/analysis.md \"تحليل\").\n"
    ))  # its links on lines 13 and 14; the English heading's anchor as GitHub's preview makes it
    scratch.article("ar", "follow-up", f"title: المتابعة\n{FRONT}", "## رد لندن\n\nنص المتابعة.")
    scratch.write("content/ar/sub/analysis.md", f"---\ntitle: التحليل\n{FRONT}\n---\n\nعودة إلى [التقرير](../report.md).\n")
    scratch.article("en", "report", f"title: The visit\n{FRONT}",
                    "## The West's concerns\n\nSee [the Arabic report](../ar/report.md#الأقمار-الاصطناعية-أولا).")
    scratch.write("content/timelines/visit.yaml", (
        "title:\n  ar: الزيارة\n  en: The visit\n"
        "events:\n"
        "  - date: 2023-09-17\n"
        "    title:\n      ar: التقرير\n      en: The report\n"
        "    articles:\n"
        "      - ../ar/report.md\n"
        "      - ../en/report.md\n"  # the same story in English: one article, listed once
        "      - ../ar/follow-up.md\n"
    ))


def body_links(site: BuiltSite, url: str) -> list[str]:
    return [a["href"] for a in site.page(url).select(".article-body a")]


@pytest.mark.parametrize("base_url", ["https://example.org/", SUB_PATH_BASE_URL])
def test_links_by_file_lead_to_the_articles_and_their_headings(scratch: ScratchSite, base_url: str):
    newsroom(scratch)
    result = scratch.build("--base-url", base_url)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr
    site = scratch.built()
    prefix = urlsplit(base_url).path.rstrip("/")
    arabic = [f"{prefix}/ar/2023/09/follow-up/#{quote('رد-لندن')}", f"{prefix}/en/2023/09/report/#the-west-s-concerns",
              f"{prefix}/ar/2023/09/report/#{quote('الأقمار-الاصطناعية-أولا')}", f"{prefix}/ar/2023/09/analysis/"]
    assert body_links(site, "/ar/2023/09/report/") == arabic
    assert site.page("/ar/2023/09/report/").select(".article-body a")[3]["title"] == "تحليل"
    assert body_links(site, "/ar/2023/09/analysis/") == [f"{prefix}/ar/2023/09/report/"]
    assert body_links(site, "/en/2023/09/report/") == [f"{prefix}/ar/2023/09/report/#{quote('الأقمار-الاصطناعية-أولا')}"]
    for href in arabic:  # every heading linked to is there, by that id
        address = urlsplit(href)
        target = site.page(address.path[len(prefix):])
        assert not address.fragment or target.find(id=unquote(address.fragment)), href
    # In feeds, whose readers have no page to resolve against, the same links are absolute.
    feed = feedparser.parse((site.out / "ar/feed.xml").read_bytes())
    entry = next(entry for entry in feed.entries if entry.title == "تقرير الزيارة")
    origin = base_url.rstrip("/")
    for href in arabic:
        assert f'href="{origin}{href[len(prefix):]}"' in entry.content[0].value


def test_related_pins_and_timeline_events_name_articles_by_file(scratch: ScratchSite):
    newsroom(scratch)
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    site = scratch.built()
    related = [a["href"] for a in site.page("/ar/2023/09/report/").select(".related a")]
    assert related[:2] == ["/ar/2023/09/follow-up/", "/ar/2023/09/analysis/"]
    for lang in ("ar", "en"):
        event = site.page(f"/{lang}/timelines/visit/").select_one(".timeline .event")
        assert [a["href"] for a in event.select(".event-articles a")] == [f"/{lang}/2023/09/report/", "/ar/2023/09/follow-up/"]


def test_an_article_left_out_of_the_build_is_named_and_never_linked_to(scratch: ScratchSite):
    newsroom(scratch)
    scratch.write("content/ar/follow-up.md", scratch.root.joinpath("content/ar/follow-up.md").read_text().replace(
        "reports\n", "reports\ndraft: true\n"))
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    problems = result.stderr.splitlines()
    assert problems == [
        "content/ar/report.md:7: warning: related article follow-up.md: content/ar/follow-up.md is left out of this build"
        " (a draft, or scheduled for later), so it is not pinned until it is published",
        "content/ar/report.md:13:23: warning: link to follow-up.md#رد-لندن: content/ar/follow-up.md is left out of this build"
        " (a draft, or scheduled for later), so its link shows as plain text until it is published",
        "content/timelines/visit.yaml:12: warning: timeline event's article ../ar/follow-up.md: content/ar/follow-up.md is left"
        " out of this build (a draft, or scheduled for later), so the event does not list it until it is published",
    ]
    site = scratch.built()
    body = site.page("/ar/2023/09/report/").select_one(".article-body")
    assert "تابع الرد البريطاني و" in body.get_text()  # the text stays, without its link
    assert len(body.select("a")) == 3
    assert "follow-up" not in "".join(a["href"] for a in site.page("/ar/2023/09/report/").select(".related a"))

    # A preview with drafts links it, and still says what the public build will do.
    preview = scratch.build("--drafts")
    assert preview.returncode == 0, preview.stderr
    assert ("content/ar/report.md:13:23: warning: link to follow-up.md#رد-لندن: content/ar/follow-up.md is a draft:"
            " in the public build its link shows as plain text until it is published") in preview.stderr.splitlines()
    assert body_links(scratch.built(), "/ar/2023/09/report/")[0] == f"/ar/2023/09/follow-up/#{quote('رد-لندن')}"


def test_a_slug_or_translation_key_naming_a_draft_gets_the_same_warning(scratch: ScratchSite):
    scratch.article("ar", "story", f"title: خبر\n{FRONT}\nrelated: [plan]")
    scratch.article("ar", "plan", f"title: خطة\n{FRONT}\ndraft: true")
    scratch.write("content/timelines/line.yaml", "title: {ar: الخط, en: The line}\nevents:\n"
                                                 "  - {date: 2023, title: {ar: حدث, en: Event}, articles: [story, plan]}\n")
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "content/ar/story.md:6: warning: related article 'plan': content/ar/plan.md is left out of this build"
        " (a draft, or scheduled for later), so it is not pinned until it is published",
        "content/timelines/line.yaml:3: warning: timeline event's article 'plan': content/ar/plan.md is left out of this"
        " build (a draft, or scheduled for later), so the event does not list it until it is published",
    ]
    event = scratch.built().page("/ar/timelines/line/").select_one(".timeline .event")
    assert [a["href"] for a in event.select(".event-articles a")] == ["/ar/2023/09/story/"]


def test_every_reference_to_nothing_is_an_error_at_its_line_and_column(scratch: ScratchSite):
    newsroom(scratch)
    scratch.write("content/ar/broken.md", (
        "---\n"
        f"title: روابط مكسورة\n{FRONT}\n"
        "related: [report.md, ../en/report.md, gone.md, broken.md]\n"
        "---\n"
        "\n"
        "## قسم\n"
        "\n"
        "[مفقود](missing.md) و[عنوان مفقود](report.md#لا-يوجد) و[خارج](../../../etc/passwd.md)\n"
        "و[ليس مقالا](../../README.md) و[هنا](#لا-قسم)\n"
        "| جدول |\n|---|\n| [خلية](../en/nowhere.md) |\n"
        "\n"
        "[مرجع][r]\n"
        "\n"
        "[r]: ../en/missing-too.md\n"
    ))
    scratch.write("content/timelines/arms.yaml", (
        "title:\n  ar: السلاح\n  en: Arms\n"
        "events:\n"
        "  - date: 2023-09\n"
        "    title:\n      ar: حدث\n      en: An event\n"
        "    articles:\n"
        "      - ../ar/report.md\n"
        "      - ../ar/nothing.md\n"
    ))
    result = scratch.build()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert not scratch.out.exists()  # nothing written
    known = "(known: content/ar/broken.md, content/ar/follow-up.md, content/ar/report.md, content/ar/sub/analysis.md, content/en/report.md)"
    known_en = "(known: content/en/report.md, content/ar/broken.md, content/ar/follow-up.md, content/ar/report.md, content/ar/sub/analysis.md)"
    assert sorted(result.stderr.splitlines()[:-1]) == sorted([
        "content/ar/broken.md:6: error: related article ../en/report.md: content/en/report.md is in 'en';"
        " related articles are in the article's own language 'ar'",
        f"content/ar/broken.md:6: error: related article gone.md: no article at content/ar/gone.md {known}",
        "content/ar/broken.md:6: error: 'related' lists the article itself ('broken')",
        f"content/ar/broken.md:11:9: error: link to missing.md: no article at content/ar/missing.md {known}",
        "content/ar/broken.md:11:36: error: link to report.md#لا-يوجد: content/ar/report.md has no heading 'لا-يوجد'"
        " (its headings: الأقمار-الاصطناعية-أولا)",
        "content/ar/broken.md:11:63: error: link to ../../../etc/passwd.md: the path leaves the project",
        "content/ar/broken.md:12:14: error: link to ../../README.md: README.md is not an article: articles are the .md files"
        " under content/<lang>/",
        "content/ar/broken.md:12:38: error: link to #لا-قسم: content/ar/broken.md has no heading 'لا-قسم' (its headings: قسم)",
        f"content/ar/broken.md:15:10: error: link to ../en/nowhere.md: no article at content/en/nowhere.md {known_en}",
        # A reference-style link: at the line of the link, whose definition may be anywhere.
        f"content/ar/broken.md:17: error: link to ../en/missing-too.md: no article at content/en/missing-too.md {known_en}",
        "content/timelines/arms.yaml:11: error: timeline event's article ../ar/nothing.md: no article at content/ar/nothing.md"
        " (known: content/ar/report.md, content/ar/broken.md, content/ar/follow-up.md, content/ar/sub/analysis.md, content/en/report.md)",
    ])
    assert result.stderr.splitlines()[-1] == "11 problem(s) found; nothing was written."


def test_check_finds_a_drafts_broken_links_the_public_build_leaves_out(scratch: ScratchSite):
    scratch.article("ar", "draft", f"title: مسودة\n{FRONT}\ndraft: true", "[المتابعة](follow-up.md)")
    scratch.article("ar", "story", f"title: خبر\n{FRONT}")
    assert scratch.build().returncode == 0
    result = run_cli("check", root=scratch.root)
    assert result.returncode == 1
    assert "content/ar/draft.md:9:12: error: link to follow-up.md: no article at content/ar/follow-up.md" in result.stderr


def test_the_demo_report_links_to_its_follow_ups(demo: BuiltSite, demo_under_sub_path: BuiltSite):
    assert body_links(demo, "/ar/2023/09/kim-russia-visit/") == [
        "/ar/2023/09/kim-thanks-putin/", "/ar/2023/09/gifts-no-agreement/", "/ar/2023/09/aircraft-plant-visit/",
        "/ar/2023/09/world-press-summit/", "/ar/2023/09/western-concerns/"]
    assert body_links(demo_under_sub_path, "/en/2023/09/kim-russia-visit/") == [
        "/microsite/en/2023/09/kim-russia-visit/#the-putin-kim-summit-in-the-world-s-newspapers",
        "/microsite/ar/2023/09/kim-thanks-putin/", "/microsite/en/2023/09/vostochny-summit/#satellites-first"]
    heading = quote("مخاوف-الغرب-من-الزيارة")
    assert body_links(demo, "/ar/2023/09/western-concerns/") == [f"/ar/2023/09/kim-russia-visit/#{heading}"]
    assert demo.page("/ar/2023/09/kim-russia-visit/").find(id="مخاوف-الغرب-من-الزيارة")


@pytest.mark.parametrize(("written", "source", "target", "heading"), [
    ("other.md", "content/ar/report.md", "content/ar/other.md", ""),
    ("../en/other.md#the-heading", "content/ar/report.md", "content/en/other.md", "the-heading"),
    ("./sub/../other.md", "content/ar/sub/deep.md", "content/ar/sub/other.md", ""),
    ("/content/en/other.md", "content/ar/sub/deep.md", "content/en/other.md", ""),  # from the project's root, as on GitHub
    ("%D9%85%D9%82%D8%A7%D9%84.md#%D9%82%D8%B3%D9%85", "content/ar/report.md", "content/ar/مقال.md", "قسم"),
    ("#قسم", "content/ar/report.md", "content/ar/report.md", "قسم"),
    ("../ar/report.md", "content/timelines/visit.yaml", "content/ar/report.md", ""),
    ("../../../outside.md", "content/ar/report.md", None, ""),
])
def test_a_path_is_read_relative_to_the_file_naming_it(written: str, source: str, target: str | None, heading: str):
    named = reference(written, source, 3)
    assert (named.target, named.heading, named.line) == (target, heading, 3)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["[a](", "b.md", "#h", ")", "</a", "\x00", "0", ">", "\n", " ", '"', "<a href=", "x"])).map("".join))
def test_no_text_an_editor_writes_is_taken_for_a_link_to_fill(text: str):
    rendered = render_markdown(text)
    filled = fill_source_links(rendered.html, ["/filled/"] * len(rendered.source_links))
    assert "\x00" not in filled
    assert filled.count('href="/filled/"') == len(rendered.source_links)
