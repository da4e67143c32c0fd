"""Safety of what editors write, build options, determinism, and the other commands."""

from __future__ import annotations

import datetime as dt
import re

from conftest import PROJECT, BuiltSite, ScratchSite, run_cli
from test_bad_input import GOOD, tree_digest


def test_raw_html_and_script_in_front_matter_are_escaped(scratch: ScratchSite):
    scratch.article(
        "ar", "story",
        'title: "<script>alert(1)</script> عنوان"\ndate: 2023-09-13\ntags: ["<b>bold</b>"]\nsummary: "<img src=x onerror=alert(1)>"',
        body='<script>alert("body")</script>\n\n<iframe src="https://evil.example"></iframe>\n\n'
             "[click](javascript:alert(1)) and [data](data:text/html;base64,PHNjcmlwdD4=) and <javascript:alert(2)>",
    )
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    page = scratch.built().page("/ar/2023/09/story/")
    html = (scratch.out / "ar/2023/09/story/index.html").read_text(encoding="utf-8")
    html = re.sub(r'<script type="application/ld\+json">[^<]*</script>', "", html)  # data, proved safe in test_head.py
    assert "<script" not in html and "<iframe" not in html and "<img src=x" not in html and "<b>" not in html
    assert page.h1.get_text() == "<script>alert(1)</script> عنوان"
    assert "&lt;script&gt;alert(&quot;body&quot;)&lt;/script&gt;" in html
    assert not [a for a in page.select("a[href]") if a["href"].lower().startswith(("javascript:", "data:"))]
    assert "[click](javascript:alert(1))" in page.select_one(".article-body").get_text()


def test_raw_html_is_kept_when_the_site_allows_it(scratch: ScratchSite):
    scratch.edit_config("allow_html: false", "allow_html: true")
    scratch.article("en", "story", "title: Story\ndate: 2023-09-13", body='<aside class="box">Box</aside>')
    assert scratch.build().returncode == 0
    assert scratch.built().page("/en/2023/09/story/").select_one(".article-body aside.box")


def test_headings_get_stable_ids_in_both_scripts(scratch: ScratchSite):
    scratch.article("ar", "story", GOOD, body="## قمة بوتين- كيم في الصُّحف\n\ntext\n\n## Su-35 and Su-57\n\ntext\n\n## Su-35 and Su-57\n")
    assert scratch.build().returncode == 0
    ids = [h["id"] for h in scratch.built().page("/ar/2023/09/story/").select(".article-body h2")]
    assert ids == ["قمة-بوتين-كيم-في-الصحف", "su-35-and-su-57", "su-35-and-su-57-1"]


def test_two_builds_give_the_same_bytes(demo: BuiltSite, tmp_path):
    """The session's build of the demo, made earlier by the same command, and another one now."""
    second = tmp_path / "two"
    assert run_cli("build", "--out", str(second)).returncode == 0
    assert tree_digest(demo.out) == tree_digest(second)
    assert len(tree_digest(second)) > 50


def test_arabic_indic_digits_switch(scratch: ScratchSite):
    scratch.edit_config("arabic_indic_digits: false", "arabic_indic_digits: true")
    scratch.article("ar", "story", GOOD)
    scratch.article("en", "story", "title: Story\ndate: 2023-09-13")
    assert scratch.build().returncode == 0
    site = scratch.built()
    assert site.page("/ar/2023/09/story/").select_one(".byline time").get_text() == "١٣ سبتمبر ٢٠٢٣"
    assert site.page("/en/2023/09/story/").select_one(".byline time").get_text() == "September 13, 2023"


def test_base_url_with_a_path_prefixes_every_link(scratch: ScratchSite):
    scratch.article("ar", "story", GOOD)
    assert scratch.build("--base-url", "https://news.example/summit").returncode == 0
    page = scratch.built().page("/ar/2023/09/story/")
    assert page.select_one('link[rel="canonical"]')["href"] == "https://news.example/summit/ar/2023/09/story/"
    assert page.select_one(".site-title")["href"] == "/summit/ar/"
    assert page.select_one('link[rel="stylesheet"]')["href"].startswith("/summit/assets/css/site.")


def test_drafts_are_left_out_unless_asked_for(scratch: ScratchSite):
    scratch.article("ar", "published", GOOD)
    scratch.article("ar", "unfinished", GOOD + "\ndraft: true")
    assert scratch.build().returncode == 0
    assert not (scratch.out / "ar/2023/09/unfinished").exists()
    assert scratch.build("--drafts").returncode == 0
    assert (scratch.out / "ar/2023/09/unfinished/index.html").is_file()


def test_updated_date_and_hero_image_with_caption(scratch: ScratchSite):
    scratch.write("assets/images/train.svg", '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9"/>')
    scratch.article(
        "en", "story",
        "title: Story\ndate: 2023-09-13T10:00\nupdated: 2023-09-14T08:30\nimage: images/train.svg\n"
        "image_alt: An armoured train\ncaption: The train, in a drawing",
    )
    assert scratch.build().returncode == 0
    page = scratch.built().page("/en/2023/09/story/")
    assert re.fullmatch(r"/assets/images/train\.[0-9a-f]{10}\.svg", page.select_one(".hero img")["src"])
    assert page.select_one(".hero img")["alt"] == "An armoured train"
    assert page.select_one(".hero figcaption").get_text() == "The train, in a drawing"
    assert page.select_one(".updated time")["datetime"] == "2023-09-14T08:30:00+03:00"
    assert page.select_one(".byline time")["datetime"] == "2023-09-13T10:00:00+03:00"  # the site's time zone


def test_check_reports_problems_without_writing(scratch: ScratchSite):
    scratch.article("ar", "story", "title: x\ndate: 2023-09-13\nauthor: nobody")
    result = run_cli("check", root=scratch.root)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith("content/ar/story.md:4: error: unknown author 'nobody'")
    assert not scratch.out.exists()
    scratch.article("ar", "story", GOOD)
    assert run_cli("check", root=scratch.root).returncode == 0


def test_check_passes_on_the_demo_content():
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ notes found", result.stdout.strip())  # relative dates and an untranslated article
    assert all(": note: " in line for line in result.stderr.splitlines()), result.stderr


def test_new_scaffolds_an_article_that_builds(scratch: ScratchSite):
    result = run_cli("new", "--lang", "ar", "قمة جديدة في موسكو", root=scratch.root)
    assert result.returncode == 0, result.stderr
    path = scratch.root / "content/ar/قمة-جديدة-في-موسكو.md"
    text = path.read_text(encoding="utf-8")
    assert "title: قمة جديدة في موسكو" in text
    assert f"date: '{dt.date.today().year}" in text or f"date: {dt.date.today().year}" in text
    assert "draft: true" in text
    assert scratch.build("--drafts").returncode == 0
    again = run_cli("new", "--lang", "ar", "قمة جديدة في موسكو", root=scratch.root)
    assert again.returncode == 1 and "already exists" in again.stderr
    unknown = run_cli("new", "--lang", "fr", "Sommet", root=scratch.root)
    assert unknown.returncode == 1 and "unknown language 'fr'" in unknown.stderr


def test_output_folder_must_not_be_a_source_folder(scratch: ScratchSite):
    result = run_cli("build", "--out", str(scratch.root / "content"), root=scratch.root)
    assert result.returncode == 1 and "refusing to replace" in result.stderr
    assert (scratch.root / "content" / "ar").is_dir()


def test_help_lists_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("build", "check", "new", "serve"):
        assert command in result.stdout
    assert (PROJECT / "build.py").is_file()


def test_a_build_time_that_is_not_a_date_is_refused_before_anything_is_written(scratch: ScratchSite):
    scratch.article("ar", "story", GOOD)
    result = scratch.build("--now", "next tuesday")
    assert result.returncode == 2 and "'next tuesday' is not an ISO 8601 date and time" in result.stderr
    assert "Traceback" not in result.stderr and not scratch.out.exists()


def test_a_malformed_source_date_epoch_is_one_clear_error(scratch: ScratchSite, monkeypatch):
    scratch.article("ar", "story", GOOD)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = scratch.build()
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "SOURCE_DATE_EPOCH: error: not a number of seconds since 1970: 'yesterday'"
    assert not scratch.out.exists()
