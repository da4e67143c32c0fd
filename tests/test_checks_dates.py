"""Relative dates: the resolver's rules, the phrases it finds in Arabic and English, and `check`'s notes at line and column."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ScratchSite, run_cli
from khabar.checks.dates import FUTURE, PAST, RelativeDate, find_relative_dates, resolve

SUNDAY = dt.date(2023, 9, 17)  # the seed report's day


def resolved(text: str, day: dt.date = SUNDAY) -> list[tuple[str, dt.date, bool]]:
    """Each phrase found in `text`, the date it means in an article of `day`, and whether the day is known."""
    return [(found.phrase, (r := resolve(found, day)).date, r.exact_day) for found in find_relative_dates(text)]


def test_the_seed_reports_last_tuesday_as_the_twelfth_of_september():
    text = "بدأ زعيم كوريا الشمالية كيم جونج أون، زيارة لروسيا بعنوان غير معلن من الطرفين، يوم الثلاثاء الماضي ولمدة 6 أيام"
    assert resolved(text) == [("يوم الثلاثاء الماضي", dt.date(2023, 9, 12), True)]


@pytest.mark.parametrize(("text", "meant"), [
    # last <weekday>: strictly before the article's day, a full week back on the same weekday
    ("الأربعاء الماضي", dt.date(2023, 9, 13)), ("last Wednesday", dt.date(2023, 9, 13)),
    ("الأحد الماضي", dt.date(2023, 9, 10)), ("last Sunday", dt.date(2023, 9, 10)),
    ("الجمعة الماضية", dt.date(2023, 9, 15)), ("السبت الفائت", dt.date(2023, 9, 16)),
    # next <weekday>: strictly after it
    ("الخميس المقبل", dt.date(2023, 9, 21)), ("next Thursday", dt.date(2023, 9, 21)),
    ("الأحد القادم", dt.date(2023, 9, 24)), ("next Sunday", dt.date(2023, 9, 24)),
    ("الجمعة المقبلة", dt.date(2023, 9, 22)), ("this coming Monday", dt.date(2023, 9, 18)),
    # a bare weekday: on or before it, the day itself included
    ("قالت الوزارة، الأربعاء، إن", dt.date(2023, 9, 13)), ("said on Wednesday that", dt.date(2023, 9, 13)),
    ("التقى الأحد", dt.date(2023, 9, 17)), ("met on Sunday", dt.date(2023, 9, 17)), ("Tuesday's talks", dt.date(2023, 9, 12)),
])
def test_weekdays_resolve_by_the_documented_rules(text: str, meant: dt.date):
    assert [(date, exact) for _, date, exact in resolved(text)] == [(meant, True)]


@pytest.mark.parametrize(("text", "meant"), [
    ("في ديسمبر الماضي", dt.date(2022, 12, 1)), ("last December", dt.date(2022, 12, 1)),  # wraps back a year
    ("أغسطس الماضي", dt.date(2023, 8, 1)), ("last August", dt.date(2023, 8, 1)),
    ("سبتمبر الماضي", dt.date(2022, 9, 1)), ("last September", dt.date(2022, 9, 1)),  # the article's own month: a year back
    ("يناير المقبل", dt.date(2024, 1, 1)), ("next January", dt.date(2024, 1, 1)),  # wraps forward a year
    ("ديسمبر المقبل", dt.date(2023, 12, 1)), ("next December", dt.date(2023, 12, 1)),
    ("في ديسمبر", dt.date(2023, 12, 1)), ("in December", dt.date(2023, 12, 1)),  # bare: the article's year
    ("منذ مارس", dt.date(2023, 3, 1)), ("since March", dt.date(2023, 3, 1)),
    ("في كانون الأول الماضي", dt.date(2022, 12, 1)), ("في أيلول", dt.date(2023, 9, 1)),  # the Levant's names
    ("في ديسمبر/كانون الأول الماضي", dt.date(2022, 12, 1)), ("في آب الماضي", dt.date(2023, 8, 1)),
])
def test_months_resolve_by_the_documented_rules(text: str, meant: dt.date):
    assert [(date, exact) for _, date, exact in resolved(text)] == [(meant, False)]


def test_a_bare_weekday_gives_the_day_it_would_be_were_it_still_to_come():
    assert resolve(find_relative_dates("يلتقي الخميس")[0], SUNDAY).if_to_come == dt.date(2023, 9, 21)
    assert resolve(find_relative_dates("met on Saturday")[0], SUNDAY).if_to_come == dt.date(2023, 9, 23)
    assert resolve(find_relative_dates("met on Sunday")[0], SUNDAY).if_to_come is None  # the article's own day
    assert resolve(find_relative_dates("last Saturday")[0], SUNDAY).if_to_come is None  # its tense is said


def test_a_month_with_a_day_resolves_to_that_day():
    assert resolved("في 12 ديسمبر الماضي") == [("في 12 ديسمبر الماضي", dt.date(2022, 12, 12), True)]
    assert resolved("on December 12") == [("December 12", dt.date(2023, 12, 12), True)]
    assert resolved("on 3 January next") == [("3 January", dt.date(2023, 1, 3), True)]
    assert [found.phrase for found in find_relative_dates("on 31 September")] == ["31 September"]
    assert resolve(find_relative_dates("on 31 September")[0], SUNDAY) is None  # no such day: nothing to note


def test_a_year_end_article_wraps_both_ways():
    new_year = dt.date(2024, 1, 2)  # a Tuesday
    assert resolved("last Friday", new_year) == [("last Friday", dt.date(2023, 12, 29), True)]
    assert resolved("ديسمبر الماضي", new_year) == [("ديسمبر الماضي", dt.date(2023, 12, 1), False)]
    assert resolved("next January", dt.date(2023, 12, 30)) == [("next January", dt.date(2024, 1, 1), False)]


def test_arabic_spellings_clitics_and_tashkeel_do_not_hide_a_day():
    assert [phrase for phrase, _, _ in resolved("والثلاثاء الماضي، وبالخميس، ويوم الإثنين، يوم الثُّلاثاء القادم")] == [
        "والثلاثاء الماضي", "وبالخميس", "ويوم الإثنين", "يوم الثُّلاثاء القادم",
    ]
    found = find_relative_dates("يوم الثُّلاثاء القادم")[0]
    assert (found.weekday, found.direction) == (1, FUTURE)
    assert find_relative_dates("الأربعاء الماضي")[0].direction == PAST


@pytest.mark.parametrize("text", [
    "الثلاثاء 12 سبتمبر 2023", "الثلاثاء، 12 سبتمبر 2023", "Tuesday, September 12, 2023", "Tuesday 12 September 2023",
    "ديسمبر 2022", "في ديسمبر من عام 2022", "in December 2022", "December 12, 2022", "since December 12, 2022",
    "في 12 ديسمبر 2022",
    "مارس الضغط على الحكومة",  # "exerted pressure": a verb, not March
    "كلا الاثنين وافقا",  # "both of the two"
    "اللاعبين الأحد عشر",  # "the eleven players"
    "قال أبوه",  "أب وابنه",  # father, not August (آب)
    "It may rain; a march began", "The Tuesdays of old",
])
def test_absolute_dates_and_look_alikes_are_left_alone(text: str):
    assert find_relative_dates(text) == []


def test_check_notes_each_phrase_at_its_line_and_column_in_the_articles_language(scratch: ScratchSite):
    scratch.article(
        "ar", "visit", "title: زيارة كيم الأربعاء الماضي\ndate: 2023-09-17T12:00:00+03:00\ntranslation_key: visit",
        "بدأ الزعيم زيارته يوم الثلاثاء الماضي.\n\nوفي ديسمبر الماضي أرسلت شحنة.\n\n`الخميس المقبل` في الشيفرة و<https://example.org/الخميس-المقبل>",
    )
    scratch.article(
        "en", "visit", "title: Kim visits\ndate: 2023-09-17T12:00:00+03:00\ntranslation_key: visit\nsummary: He met Putin on Wednesday.",
        "The visit began last Tuesday.\n\n```\nnext Friday\n```\n\nSee [the report](https://example.org/last-Tuesday).",
    )
    result = run_cli("check", root=scratch.root)
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if ": note: " in line]
    assert notes == [
        "content/ar/visit.md:2:18: note: \"الأربعاء الماضي\" means الأربعاء، 13 سبتمبر 2023 (the last Wednesday before the"
        " article's day, الأحد، 17 سبتمبر 2023): write the date out, so that readers later can tell when it was",
        "content/ar/visit.md:7:19: note: \"يوم الثلاثاء الماضي\" means الثلاثاء، 12 سبتمبر 2023 (the last Tuesday before the"
        " article's day, الأحد، 17 سبتمبر 2023): write the date out, so that readers later can tell when it was",
        "content/ar/visit.md:9:1: note: \"وفي ديسمبر الماضي\" means ديسمبر 2022 (the last December before the article's month,"
        " الأحد، 17 سبتمبر 2023): write the date out, so that readers later can tell when it was",
        "content/en/visit.md:5:26: note: \"Wednesday\" means Wednesday, September 13, 2023 (the latest Wednesday on or before"
        " the article's day, Sunday, September 17, 2023; if still to come, Wednesday, September 20, 2023): write the date out,"
        " so that readers later can tell when it was",
        "content/en/visit.md:8:17: note: \"last Tuesday\" means Tuesday, September 12, 2023 (the last Tuesday before the"
        " article's day, Sunday, September 17, 2023): write the date out, so that readers later can tell when it was",
    ]


def test_the_articles_own_offset_decides_its_day(scratch: ScratchSite):
    # 23:30 in New York on Saturday the 16th is already Sunday in Riyadh, the site's zone: the page shows the 16th.
    scratch.article("en", "late", "title: Late\ndate: 2023-09-16T23:30:00-04:00", "They met last Saturday.")
    result = run_cli("check", root=scratch.root)
    assert 'content/en/late.md:6:10: note: "last Saturday" means Saturday, September 9, 2023' in result.stderr


@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)), weekday=st.integers(0, 6))
def test_every_weekday_rule_lands_on_that_weekday_within_a_week(day: dt.date, weekday: int):
    last, next_, bare = (resolve(RelativeDate(0, 0, "", weekday, None, direction), day).date for direction in (PAST, FUTURE, None))
    assert last.weekday() == next_.weekday() == bare.weekday() == weekday
    assert 1 <= (day - last).days <= 7 and 1 <= (next_ - day).days <= 7 and 0 <= (day - bare).days <= 6


@given(day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)), month=st.integers(1, 12))
def test_every_month_rule_lands_in_that_month_within_a_year(day: dt.date, month: int):
    last, next_, bare = (resolve(RelativeDate(0, 0, "", None, month, direction), day).date for direction in (PAST, FUTURE, None))
    assert last.month == next_.month == bare.month == month and bare.year == day.year
    assert 1 <= _months(day) - _months(last) <= 12 and 1 <= _months(next_) - _months(day) <= 12


def _months(date: dt.date) -> int:
    """Months since year 0: the distance between two dates' months is a subtraction."""
    return date.year * 12 + date.month
