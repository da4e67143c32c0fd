"""Relative dates: "يوم الثلاثاء الماضي", "last Tuesday", "in December" resolved against the article's date.

News copy dates events by the day it was written; a reader who finds the article a year on
cannot tell which Tuesday that was. Each such phrase in a title, summary, caption or body is
noted with the absolute date it means, in the article's language, so the editor can write it out.

How a phrase is read (README "Relative dates"), against the article's day as its page shows it:
- "الثلاثاء الماضي", "last Tuesday": the last Tuesday strictly before that day (Sunday 17 September
  2023 → Tuesday 12 September). Some desks mean "Tuesday of last week"; newsrooms mostly mean this.
- "الثلاثاء المقبل", "next Tuesday": the first Tuesday strictly after it.
- "الثلاثاء", "يوم الثلاثاء", "on Tuesday": the latest Tuesday on or before it (the day itself if it is a
  Tuesday), for news reports what has happened; the note also gives the next Tuesday, in case it is
  still to come ("يلتقي الخميس", "meets on Thursday").
- "ديسمبر الماضي", "last December": the last December before the article's month; "ديسمبر المقبل",
  "next December": the first after it; "في ديسمبر", "in December", "12 ديسمبر": December of the
  article's year (the wire services' rule: a month without a year is this year's).
A weekday followed by a date ("الثلاثاء 12 سبتمبر") or a month followed by a year ("ديسمبر 2022")
is absolute and left alone, as is everything inside code, URLs and raw HTML.

Findings are notes: the copy is not wrong today, and they never fail a run, even a strict one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterator, Sequence

from babel.dates import format_date

from ..localize import Localizer
from ..model import Site
from ..problems import Problems
from ..textnorm import normalize_arabic
from .source import ArticleSource

PAST, FUTURE = "past", "future"

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

# Arabic names as normalize_arabic writes them (أ/إ/آ → ا, ة → ه), without the article.
_ARABIC_WEEKDAYS = {"اثنين": 0, "ثلاثاء": 1, "اربعاء": 2, "خميس": 3, "جمعه": 4, "سبت": 5, "احد": 6}
# "الاثنين" is also "the two": alone, it is a day only with "يوم" before it or "الماضي/المقبل" after it.
_AMBIGUOUS_ARABIC_WEEKDAYS = {"اثنين"}
_ELEVEN = re.compile(r"\s+عشر")  # "الأحد عشر" is "the eleven", not Sunday
_ARABIC_MONTHS = {
    # The Gregorian names of Egypt and the Gulf…
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6, "يوليو": 7, "يوليه": 7,
    "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    # …and the Syriac ones of the Levant and Iraq, often given beside them: "ديسمبر/كانون الأول".
    "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7, "اب": 8, "ايلول": 9,
    "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الاول": 12,
}
# "اب" is also "father" once normalised: August only when written "آب".
_MONTH_NEEDS_SPELLING = {"اب": "آب"}
_ARABIC_PAST = ("الماضي", "الماضيه", "الفائت", "الفائته", "المنصرم", "المنصرمه", "السابق", "السابقه")
_ARABIC_FUTURE = ("المقبل", "المقبله", "القادم", "القادمه")
# Words that make a bare month name a time ("في مارس"), where alone it may be a verb ("مارس الضغط": exerted pressure).
_ARABIC_MONTH_LEADS = (
    "في", "منذ", "حتى", "خلال", "مطلع", "اوائل", "اواخر", "اواسط", "منتصف", "بدايه", "نهايه", "شهر", "قبل", "بعد",
)

_AR = "\u0621-\u064a\u066e-\u06d3"  # Arabic letters: a name must not be part of a longer word
_DIGIT = "[0-9\u0660-\u0669]"


def _alternatives(words) -> str:
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in sorted(words, key=len, reverse=True))


_ARABIC_WEEKDAY = re.compile(
    rf"(?<![{_AR}])(?:(?P<day_word>[وف]?(?:[بل])?يوم)\s+)?(?:[وف]?(?:[بك]?ال|لل))(?P<name>{_alternatives(_ARABIC_WEEKDAYS)})(?![{_AR}])"
    rf"(?:\s+(?P<marker>{_alternatives(_ARABIC_PAST + _ARABIC_FUTURE)})(?![{_AR}]))?"
)
_ARABIC_MONTH = re.compile(
    rf"(?<![{_AR}])(?P<lead>(?:[وف]?(?:{_alternatives(_ARABIC_MONTH_LEADS)})\s+)*)"
    rf"(?:(?P<day>{_DIGIT}{{1,2}})\s+(?:من\s+)?)?[وب]?(?P<name>{_alternatives(_ARABIC_MONTHS)})"
    rf"(?:\s*[/(]\s*(?:{_alternatives(_ARABIC_MONTHS)})\s*\)?)?(?![{_AR}])"
    rf"(?:\s+(?P<marker>{_alternatives(_ARABIC_PAST + _ARABIC_FUTURE)})(?![{_AR}]))?"
)
_ARABIC_DATE_FOLLOWS = re.compile(rf"\s*[,،(]?\s*(?:الموافق\s+)?{_DIGIT}")
_ARABIC_YEAR_FOLLOWS = re.compile(rf"\s*[,،]?\s*(?:(?:من\s+)?(?:عام|العام|سنه)\s+)?{_DIGIT}{{4}}")

_ENGLISH_MARKERS = {"last": PAST, "past": PAST, "this past": PAST, "next": FUTURE, "coming": FUTURE, "this coming": FUTURE}
_ENGLISH_MARKER = rf"(?:(?P<marker>(?i:{_alternatives(_ENGLISH_MARKERS)}))\s+)"
_ENGLISH_MONTH_ABBREVIATIONS = {"Jan.": 1, "Feb.": 2, "Aug.": 8, "Sept.": 9, "Oct.": 10, "Nov.": 11, "Dec.": 12}
_ENGLISH_MONTHS = {**{name: number for number, name in enumerate(MONTH_NAMES, start=1)}, **_ENGLISH_MONTH_ABBREVIATIONS}
_ENGLISH_WEEKDAY = re.compile(rf"\b{_ENGLISH_MARKER}?(?P<name>{_alternatives(WEEKDAY_NAMES)})\b")
_ENGLISH_MONTH = re.compile(
    rf"\b(?:{_ENGLISH_MARKER}|(?P<lead>(?i:in|since|until|by|during|early|late|end\s+of|beginning\s+of)\s+|(?i:mid)-))?"
    rf"(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?P<name>{_alternatives(_ENGLISH_MONTHS)})(?!\w)"
    rf"(?:\s+(?P<day_after>\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d{{4}}))?"
)
_ENGLISH_DATE_FOLLOWS = re.compile(rf",?\s*\(?\s*(?:\d|(?:{_alternatives(_ENGLISH_MONTHS)})(?!\w))")
_ENGLISH_YEAR_FOLLOWS = re.compile(r",?\s*(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?(?:of\s+)?\d{4}\b")  # "December 2022", "December 12, 2022"


@dataclass(frozen=True)
class RelativeDate:
    """A phrase of a text that dates something by the day the text was written."""

    start: int  # where it stands in the text
    end: int
    phrase: str
    weekday: int | None  # 0 Monday … 6 Sunday, for a day of the week
    month: int | None  # 1 … 12, for a month
    direction: str | None  # PAST ("last"), FUTURE ("next") or None (bare)
    day: int | None = None  # the day of the month, when a month is given with one ("12 ديسمبر")


@dataclass(frozen=True)
class Resolved:
    date: dt.date  # the first of the month when only the month is known
    exact_day: bool  # a day, or only a month
    rule: str  # how it was read, in the words of the README
    # A bare weekday says nothing of its tense: "التقى الخميس" (met on Thursday) or "يلتقي الخميس" (meets on
    # Thursday). Past is the reading; the day it would be were it still to come is given beside it.
    if_to_come: dt.date | None = None


def find_relative_dates(text: str) -> list[RelativeDate]:
    """Every relative date of a text, Arabic and English, in the order they stand."""
    found = []
    if _names_arabic(text):
        found.extend(_arabic(text))
    if _names_english(text):
        found.extend(_english(text))
    return sorted(found, key=lambda date: date.start)


# Most paragraphs name no day and no month: a search for the names alone, far quicker than the
# phrases' patterns, leaves those out first. ("اب" is in too many words to look for; "آب" is looked for as written.)
# A weekday always comes with the article (الأحد, للأحد): "احد" alone is in every "واحد".
_ARABIC_NAMES = (
    *(article + name for name in _ARABIC_WEEKDAYS for article in ("ال", "لل")),
    *{name.split()[0] for name in _ARABIC_MONTHS} - set(_MONTH_NEEDS_SPELLING),
)
_ENGLISH_NAMES = (*WEEKDAY_NAMES, *(name.rstrip(".") for name in _ENGLISH_MONTHS))


def _names_arabic(text: str) -> bool:
    if any(spelling in text for spelling in _MONTH_NEEDS_SPELLING.values()):
        return True
    normalised = normalize_arabic(text)
    return any(name in normalised for name in _ARABIC_NAMES)


def _names_english(text: str) -> bool:
    return any(name in text for name in _ENGLISH_NAMES)


def _arabic(text: str) -> Iterator[RelativeDate]:
    # Matched on the normalised text, so that tashkeel and hamza forms do not hide a name; reported
    # from the original, which normalisation only shortens by the marks it drops.
    normalised = normalize_arabic(text)
    if len(normalised) == len(text):  # letters are only ever replaced one for one; marks dropped shorten it
        positions = None
    else:
        positions = [index for index, character in enumerate(text) if normalize_arabic(character)]
        positions.append(len(text))
    for match in _ARABIC_WEEKDAY.finditer(normalised):
        marker, name = match["marker"], match["name"]
        if _ARABIC_DATE_FOLLOWS.match(normalised, match.end()):
            continue
        if name in _AMBIGUOUS_ARABIC_WEEKDAYS and not (match["day_word"] or marker):
            continue
        if name == "احد" and _ELEVEN.match(normalised, match.end("name")):
            continue
        yield _located(text, positions, match, weekday=_ARABIC_WEEKDAYS[name], month=None, direction=_arabic_direction(marker))
    for match in _ARABIC_MONTH.finditer(normalised):
        marker, name, day = match["marker"], match["name"], match["day"]
        if not (match["lead"] or day or marker) or _ARABIC_YEAR_FOLLOWS.match(normalised, match.end()):
            continue
        located = _located(text, positions, match, weekday=None, month=_ARABIC_MONTHS[re.sub(r"\s+", " ", name)],
                           direction=_arabic_direction(marker), day=int(day.translate(_WESTERN_DIGITS)) if day else None)
        spelling = _MONTH_NEEDS_SPELLING.get(name)
        if spelling is None or spelling in located.phrase:
            yield located


_WESTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


def _arabic_direction(marker: str | None) -> str | None:
    if marker is None:
        return None
    return PAST if marker in _ARABIC_PAST else FUTURE


def _located(text: str, positions: list[int] | None, match: re.Match[str], **found) -> RelativeDate:
    start, end = match.start(), match.end()
    if positions is not None:
        start, end = positions[start], positions[end]
    return RelativeDate(start, end, text[start:end], **found)


def _english(text: str) -> Iterator[RelativeDate]:
    for match in _ENGLISH_WEEKDAY.finditer(text):
        if _ENGLISH_DATE_FOLLOWS.match(text, match.end()):
            continue
        yield _located(text, None, match, weekday=WEEKDAY_NAMES.index(match["name"]), month=None,
                       direction=_english_direction(match["marker"]))
    for match in _ENGLISH_MONTH.finditer(text):
        day = match["day"] or match["day_after"]
        if not (match["marker"] or match["lead"] or day) or _ENGLISH_YEAR_FOLLOWS.match(text, match.end()):
            continue
        yield _located(text, None, match, weekday=None, month=_ENGLISH_MONTHS[match["name"]],
                       direction=_english_direction(match["marker"]), day=int(day) if day else None)


def _english_direction(marker: str | None) -> str | None:
    return _ENGLISH_MARKERS[re.sub(r"\s+", " ", marker.lower())] if marker else None


def resolve(found: RelativeDate, day: dt.date) -> Resolved | None:
    """The date a phrase means in a text of `day`; None for a day no month has ("31 سبتمبر")."""
    if found.weekday is not None:
        name = WEEKDAY_NAMES[found.weekday]
        if found.direction == PAST:
            return Resolved(day - dt.timedelta(days=(day.weekday() - found.weekday - 1) % 7 + 1), True,
                            f"the last {name} before the article's day")
        if found.direction == FUTURE:
            return Resolved(day + dt.timedelta(days=(found.weekday - day.weekday() - 1) % 7 + 1), True,
                            f"the first {name} after the article's day")
        days_before = (day.weekday() - found.weekday) % 7
        if not days_before:
            return Resolved(day, True, "the article's own day")
        return Resolved(day - dt.timedelta(days=days_before), True, f"the latest {name} on or before the article's day",
                        if_to_come=day + dt.timedelta(days=7 - days_before))
    month, name = found.month, MONTH_NAMES[found.month - 1]
    if found.direction == PAST:
        year, rule = (day.year if month < day.month else day.year - 1), f"the last {name} before the article's month"
    elif found.direction == FUTURE:
        year, rule = (day.year if month > day.month else day.year + 1), f"the first {name} after the article's month"
    else:
        year, rule = day.year, f"{name} of the article's year"
    try:
        return Resolved(dt.date(year, month, found.day or 1), found.day is not None, rule)
    except ValueError:
        return None


def check_relative_dates(site: Site, sources: Sequence[ArticleSource], problems: Problems) -> None:
    """Note every relative date of every article with the absolute date it means."""
    for source in sources:
        if not (_names_arabic(source.text) or _names_english(source.text)):
            continue  # its body is not even parsed
        article = source.article
        day = article.date.date()  # the day its page shows: its own offset, or the site's time zone when it gives none
        localizer = site.localizers[article.lang]
        for key, line, column, text in _reader_texts(source):
            for found in find_relative_dates(text):
                resolved = resolve(found, day)
                if resolved is None:
                    continue
                if key:  # where it stands is looked up in the file: YAML quoting and folding may move it
                    line, where = source.value_position(key, found.phrase)
                else:
                    where = column + found.start if column else source.column(line, found.phrase)
                meant = _full_date(localizer, resolved.date) if resolved.exact_day else localizer.month(resolved.date.year, resolved.date.month)
                to_come = f"; if still to come, {_full_date(localizer, resolved.if_to_come)}" if resolved.if_to_come else ""
                problems.note(
                    article.source, line,
                    f'"{found.phrase}" means {meant} ({resolved.rule}, {_full_date(localizer, day)}{to_come}):'
                    " write the date out, so that readers later can tell when it was",
                    where,
                )


def _reader_texts(source: ArticleSource) -> Iterator[tuple[str | None, int, int, str]]:
    """(front matter key, line, column, text) of every text of the article a reader sees: its title, summary and
    caption (with their key), and its body (with its line and column)."""
    for key in ("title", "summary", "caption"):
        value = source.front_matter.values.get(key)
        if isinstance(value, str) and value.strip():
            yield key, 0, 0, value
    for piece in source.text_pieces():
        yield None, piece.line, piece.column, piece.text


def _full_date(localizer: Localizer, day: dt.date) -> str:
    """'الثلاثاء، 12 سبتمبر 2023' / 'Tuesday, September 12, 2023'."""
    return localizer.digits(format_date(day, "full", locale=localizer.locale))
