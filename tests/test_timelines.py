"""Timelines: the demo's pages, the "story so far" blocks, precision of dates, merging, and bad input."""

from __future__ import annotations

import pytest

from conftest import BuiltSite, ScratchSite, run_cli
from test_bad_input import GOOD, assert_fails_with
from khabar.timelines import EventDate, parse_event_date

TIMELINE = """title:
  ar: الخط
  en: The line
events:
{events}
"""


def events_of(page):
    return [(e.select_one(".event-date")["datetime"], e.select_one(".event-title").get_text(strip=True))
            for e in page.select(".timeline .event")]


def test_demo_visit_timeline_in_order_with_links_in_each_language(demo: BuiltSite):
    arabic = demo.page("/ar/timelines/visit/")
    dates = [date for date, _ in events_of(arabic)]
    assert dates == ["2023-09-12", "2023-09-13", "2023-09-15", "2023-09-16", "2023-09-17"]
    assert arabic.select_one(".timeline-year-heading").get_text() == "2023"
    first = arabic.select(".timeline .event")[0]
    assert first.select_one(".event-date").get_text() == "12 سبتمبر 2023"
    assert first.select_one(".event-articles a")["href"] == "/ar/2023/09/kim-russia-visit/"
    english = demo.page("/en/timelines/visit/")
    assert events_of(english)[1] == ("2023-09-13", "Putin and Kim meet at the Vostochny space centre")
    assert english.select(".timeline .event")[1].select_one(".event-articles a")["href"] == "/en/2023/09/vostochny-summit/"
    # The last event comes from an Arabic-only article: its English title is given, its link leads to Arabic.
    last = english.select(".timeline .event")[-1]
    assert last.select_one(".event-title").get_text(strip=True) == "Kim ends his visit with a message of thanks to Putin"
    link = last.select_one(".event-articles a")
    assert (link["href"], link["lang"], link["dir"]) == ("/ar/2023/09/kim-thanks-putin/", "ar", "rtl")
    assert {link["hreflang"] for link in english.select('link[rel="alternate"][hreflang]')} == {"ar", "en", "x-default"}


def test_dates_keep_their_precision(demo: BuiltSite):
    arms = demo.page("/ar/timelines/arms/")
    assert [e.select_one(".event-date").get_text() for e in arms.select(".timeline .event")] == [
        "ديسمبر 2022", "سبتمبر 2023", "13 سبتمبر 2023", "13 سبتمبر 2023"]
    english = demo.page("/en/timelines/arms/")
    assert english.select_one(".timeline .event-date").get_text() == "December 2022"
    assert [h.get_text() for h in arms.select(".timeline-year-heading")] == ["2022", "2023"]


def test_index_lists_every_timeline_and_navigation_leads_to_it(demo: BuiltSite):
    index = demo.page("/en/timelines/")
    assert [a["href"] for a in index.select(".card-title a")] == ["/en/timelines/arms/", "/en/timelines/visit/"]
    assert "5 events" in index.get_text()
    assert demo.page("/ar/").select_one('.sections a[href="/ar/timelines/"]').get_text() == "الخط الزمني"


def test_story_so_far_on_articles_and_home(demo: BuiltSite):
    page = demo.page("/en/2023/09/aircraft-plant-visit/")
    story = page.select_one("aside.story")
    assert story.select_one(".story-more a")["href"] == "/en/timelines/visit/"
    assert len(story.select(".event")) == 5
    current = story.select_one('.event[aria-current="true"]')
    assert current.select_one(".event-date")["datetime"] == "2023-09-15"
    home = demo.page("/ar/").select_one("aside.story")
    assert home.select_one(".story-more a")["href"] == "/ar/timelines/visit/"
    assert home.select(".event-date")[-1]["datetime"] == "2023-09-17"
    assert not demo.page("/ar/2023/09/world-press-summit/").select("aside.story")
    # On two timelines, an article shows the site's main one; on another only, that one.
    assert demo.page("/ar/2023/09/vostochny-summit/").select_one(".story-more a")["href"] == "/ar/timelines/visit/"
    assert demo.page("/en/2023/09/western-concerns/").select_one(".story-more a")["href"] == "/en/timelines/arms/"


def test_event_dates_parse_to_their_precision():
    assert parse_event_date(1961) == EventDate(1961)
    assert parse_event_date("2022-12") == EventDate(2022, 12)
    assert parse_event_date("2023-09-13").precision == "day"
    for bad in ("2023-13", "2023-02-30", "September 2023", "", None, True):
        assert parse_event_date(bad) is None


def test_translations_declare_one_event_and_dense_years_split_by_month(scratch: ScratchSite):
    scratch.write("content/timelines/line.yaml", TIMELINE.format(events="\n".join(
        f"  - {{date: 2023-{month:02d}, title: {{ar: حدث {month}, en: Event {month}}}}}" for month in range(1, 8)
    ) + "\n  - {date: 1961, title: معاهدة}"))
    scratch.article("ar", "story", GOOD + "\ntimeline:\n  - date: 2023-09-13\n    title: قمة")
    scratch.article("en", "story", "title: Story\ndate: 2023-09-13\ntimeline:\n  - date: 2023-09-13\n    title: A summit")
    result = scratch.build()
    assert result.returncode == 0, result.stderr
    assert "content/timelines/line.yaml:12: warning: timeline event has no 'en' title; the 'ar' one is shown instead" in result.stderr
    english = scratch.built().page("/en/timelines/line/")
    assert [h.get_text() for h in english.select(".timeline-year-heading")] == ["1961", "2023"]
    assert english.select(".timeline-month")[0].get_text() == "January 2023"
    assert len(english.select(".timeline-month")) == 8
    titles = [t.get_text(strip=True) for t in english.select(".event-title")]
    assert titles.count("A summit") == 1 and "قمة" not in titles
    treaty = english.select(".event-title")[0]
    assert (treaty.get_text(), treaty["lang"], treaty["dir"]) == ("معاهدة", "ar", "rtl")


def test_arabic_indic_digits_in_timelines(scratch: ScratchSite):
    scratch.edit_config("arabic_indic_digits: false", "arabic_indic_digits: true")
    scratch.write("content/timelines/line.yaml", TIMELINE.format(events="  - {date: 2022-12, title: حدث}"))
    scratch.article("ar", "story", GOOD)
    assert scratch.build().returncode == 0
    page = scratch.built().page("/ar/timelines/line/")
    assert page.select_one(".event-date").get_text() == "ديسمبر ٢٠٢٢"
    assert page.select_one(".timeline-year-heading").get_text() == "٢٠٢٢"


@pytest.mark.parametrize(
    ("timeline_file", "front_matter", "expected"),
    [
        ("  - {date: 2023-19, title: حدث}", GOOD,
         "content/timelines/line.yaml:5: error: bad event date '2023-19' (expected a year, year-month or date: 1961, 2022-12, 2023-09-13)"),
        ("  - {date: 2023, title: حدث, articles: [no-such-story]}", GOOD,
         "content/timelines/line.yaml:5: error: timeline event links to unknown article 'no-such-story' (known: story)"),
        ("  - {date: 2023, title: {en: Only English}}", GOOD,
         "content/timelines/line.yaml:5: error: timeline event has no title in the default language 'ar'"),
        ("  - {date: 2023}", GOOD, "content/timelines/line.yaml:5: error: missing required key 'title'"),
        ("  - {date: 2023, title: حدث}", GOOD + "\ntimeline:\n  - date: 2023-09-13\n    timeline: lines\n    title: قمة",
         "content/ar/story.md:7: error: unknown timeline 'lines' (known: line)"),
        ("  - {date: 2023, title: حدث}", GOOD + "\ntimeline:\n  - date: yesterday\n    title: قمة",
         "content/ar/story.md:7: error: bad event date 'yesterday' (expected a year, year-month or date: 1961, 2022-12, 2023-09-13)"),
    ],
)
def test_bad_timeline_input_names_file_and_line(scratch: ScratchSite, timeline_file: str, front_matter: str, expected: str):
    scratch.write("content/timelines/line.yaml", TIMELINE.format(events=timeline_file))
    scratch.article("ar", "story", front_matter)
    assert_fails_with(scratch, expected)


def test_english_only_event_needs_a_default_language_title(scratch: ScratchSite):
    scratch.write("content/timelines/line.yaml", TIMELINE.format(events="  - {date: 2023, title: حدث}"))
    scratch.article("en", "solo", "title: Solo\ndate: 2023-09-13\ntimeline:\n  - date: 2023-09-13\n    title: Only in English")
    assert_fails_with(scratch, "content/en/solo.md:5: error: timeline event has no title in the default language 'ar'")


def test_events_need_a_timeline_when_there_is_no_default(scratch: ScratchSite):
    scratch.write("content/timelines/one.yaml", TIMELINE.format(events="  - {date: 2023, title: حدث}"))
    scratch.write("content/timelines/two.yaml", TIMELINE.format(events="  - {date: 2023, title: حدث}"))
    scratch.write("content/timelines/notes.txt", "not a timeline")
    scratch.article("ar", "story", GOOD + "\ntimeline:\n  - date: 2023-09-13\n    title: قمة")
    assert_fails_with(
        scratch,
        "content/ar/story.md:7: error: timeline event names no timeline, and site.yaml sets no default_timeline",
        "content/timelines/notes.txt: error: not a timeline: files under content/timelines/ must be YAML (.yaml)",
    )


def test_default_timeline_must_exist(scratch: ScratchSite):
    scratch.edit_config("timeline_preview: 5", "timeline_preview: 5\ndefault_timeline: nowhere")
    scratch.article("ar", "story", GOOD)
    assert_fails_with(scratch, "site.yaml: error: default_timeline 'nowhere' has no file content/timelines/nowhere.yaml")


def test_check_warns_about_untranslated_event_titles(scratch: ScratchSite):
    scratch.write("content/timelines/line.yaml", TIMELINE.format(events="  - {date: 2023, title: حدث}"))
    scratch.article("ar", "story", GOOD)
    result = run_cli("check", root=scratch.root)
    assert result.returncode == 0
    assert "content/timelines/line.yaml:5: warning: timeline event has no 'en' title; the 'ar' one is shown instead" in result.stderr
