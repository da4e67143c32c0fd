"""The small pieces on their own: slugs, YAML lines, Markdown, localisation, the paused cycle collector."""

from __future__ import annotations

import datetime as dt
import gc
from zoneinfo import ZoneInfo

import pytest

from khabar.config import Language
from khabar.fields import FieldReader, parse_datetime, parse_mapping
from khabar.heap import cycle_collector_paused
from khabar.localize import Localizer
from khabar.markdown import render_markdown
from khabar.problems import Problems
from khabar.urls import output_path, output_url, paginated_url, slugify

ARABIC = Language("ar", "العربية", "ar", "rtl", arabic_indic_digits=False)
STRINGS = {"reading_time": {"one": "دقيقة", "two": "دقيقتان", "few": "{count} دقائق", "many": "{count} دقيقة", "other": "{count} دقيقة"}}


def test_slugify_keeps_arabic_letters_and_drops_marks_and_tatweel():
    assert slugify("قمة بوتين - كيم") == "قمة-بوتين-كيم"
    assert slugify("الصُّحُف العـــالمية") == "الصحف-العالمية"
    assert slugify("Su-35 & Su-57!") == "su-35-su-57"
    assert slugify("  ...  ") == ""


def test_urls_become_folders_with_an_index():
    assert output_path("/ar/2023/09/x/") == "ar/2023/09/x/index.html"
    assert output_path("/404.html") == "404.html"
    assert output_path("/ar/feed.xml") == "ar/feed.xml" and output_path("/robots.txt") == "robots.txt"
    assert paginated_url("/ar/", 1) == "/ar/" and paginated_url("/ar/", 3) == "/ar/page/3/"


def test_output_urls_are_the_inverse_of_output_paths():
    for url in ("/", "/ar/", "/ar/2023/09/x/", "/404.html", "/ar/feed.xml", "/assets/css/site.5f0c2a91d3.css"):
        assert output_url(output_path(url)) == url


def test_yaml_keys_know_their_lines_nested_too():
    problems = Problems()
    mapping = parse_mapping("title: x\nauthors:\n  nasrin:\n    name: n\n", "site.yaml", problems)
    assert mapping.lines == {"title": 1, "authors": 2, "authors.nasrin": 3, "authors.nasrin.name": 4}
    nested = FieldReader(mapping, problems).mapping_of("authors")
    assert nested.line_of("nasrin") == 3 and not problems


def test_dates_without_offset_take_the_site_zone():
    riyadh = ZoneInfo("Asia/Riyadh")
    assert parse_datetime("2023-09-13", riyadh) == dt.datetime(2023, 9, 13, tzinfo=riyadh)
    assert parse_datetime("2023-09-13T10:00:00Z", riyadh).utcoffset() == dt.timedelta(0)
    assert parse_datetime("2023-09-31", riyadh) is None
    assert parse_datetime("September 13", riyadh) is None


def test_markdown_summary_words_and_safety():
    body = render_markdown("First *line*\nwraps here.\n\n## عنوان فرعي\n\n<b>raw</b> [x](javascript:alert(1))")
    assert body.first_paragraph == "First line wraps here."
    assert body.word_count == 8
    assert '<h2 id="عنوان-فرعي">' in body.html
    assert "&lt;b&gt;raw&lt;/b&gt;" in body.html and "href" not in body.html


def test_arabic_plural_forms_and_digits():
    localizer = Localizer(ARABIC, STRINGS)
    assert [localizer.plural("reading_time", n) for n in (1, 2, 3, 11, 100)] == [
        "دقيقة", "دقيقتان", "3 دقائق", "11 دقيقة", "100 دقيقة"]
    indic = Localizer(Language("ar", "العربية", "ar", "rtl", arabic_indic_digits=True), STRINGS)
    assert indic.plural("reading_time", 5) == "٥ دقائق"
    assert indic.date(dt.date(2023, 9, 13)) == "١٣ سبتمبر ٢٠٢٣"
    assert localizer.language_name("en") == "الإنجليزية"


def test_each_rendered_page_lists_its_inputs():
    from conftest import PROJECT
    from khabar.pipeline import load_site
    from khabar.links import Links
    from khabar.render import Renderer

    site, assets, _ = load_site(PROJECT)
    renderer = Renderer(site, Links(site.config.base_url, assets))
    page = next(p for p in site.pages if p.url == "/en/2023/09/vostochny-summit/")
    rendered = renderer.render(page)
    assert rendered.path == "en/2023/09/vostochny-summit/index.html"
    assert rendered.inputs[:2] == ("content/en/vostochny-summit.md", "content/ar/vostochny-summit.md")
    assert {"layouts/article.html", "layouts/base.html", "layouts/_macros.html"} <= set(rendered.inputs)
    assert {"site.yaml", "layouts/strings/ar.yaml", "layouts/strings/en.yaml"} <= set(rendered.inputs)
    related_sources = {f"content/en/{other.slug}.md" for other in page.related}
    assert related_sources <= set(rendered.inputs)
    assert "content/timelines/visit.yaml" in rendered.inputs  # its "story so far" block


def test_the_cycle_collector_is_paused_only_inside_and_left_as_it_was_found():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cycle_collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("a build that fails")
    assert gc.isenabled()
    gc.disable()
    try:
        with cycle_collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # paused by someone else: theirs to start again
    finally:
        gc.enable()
