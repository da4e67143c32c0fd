"""Reader-facing text in one language: string tables, plural forms, dates and digits."""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time

from .config import Language
from .timelines import EventDate

_ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


class Localizer:
    """Formats everything a reader sees in one language; templates call it for every text."""

    def __init__(self, language: Language, strings: Mapping[str, Any]):
        self.language = language
        self.locale = Locale.parse(language.locale)
        self.strings = strings
        self._dates: dict[dt.date, str] = {}
        self._language_names: dict[str, str] = {}

    def language_name(self, code: str) -> str:
        """Another language's name in this one: 'الإنجليزية', 'Arabic'."""
        if code not in self._language_names:  # asked for on every page; Babel parses the locale anew each time
            self._language_names[code] = Locale.parse(code).get_display_name(self.locale)
        return self._language_names[code]

    def digits(self, text: str) -> str:
        """Western digits to Arabic-Indic ones where the site asks for them."""
        return text.translate(_ARABIC_INDIC_DIGITS) if self.language.arabic_indic_digits else text

    def number(self, value: int) -> str:
        return self.digits(str(value))

    def date(self, moment: dt.datetime | dt.date) -> str:
        """'13 سبتمبر 2023' / 'September 13, 2023'."""
        day = moment.date() if isinstance(moment, dt.datetime) else moment
        formatted = self._dates.get(day)
        if formatted is None:  # Babel is slow next to a lookup, and listings repeat the same days
            formatted = self._dates[day] = self.digits(format_date(day, "long", locale=self.locale))
        return formatted

    def time(self, moment: dt.datetime) -> str:
        """'9:00 ص' / '9:00 AM', in the moment's own time zone."""
        return self.digits(format_time(moment, "short", locale=self.locale))

    def event_date(self, date: EventDate) -> str:
        """A date to the precision it is known: '1961', 'ديسمبر 2022', '13 سبتمبر 2023'."""
        if date.precision == "year":
            return self.number(date.year)
        if date.precision == "month":
            return self.month(date.year, date.month)
        return self.date(date.as_date())

    def month(self, year: int, month: int) -> str:
        return self.digits(format_skeleton("yMMMM", dt.date(year, month, 1), locale=self.locale))

    def text(self, key: str, **values: Any) -> str:
        """A string from the table, with {placeholders} filled (numbers in the site's digits)."""
        return self._fill(self.strings[key], values)

    def plural(self, key: str, count: int, **values: Any) -> str:
        """The form of a counted phrase that the language's plural rules pick for `count`."""
        forms = self.strings[key]
        form = forms.get(self.locale.plural_form(count)) or forms["other"]
        return self._fill(form, {"count": count, **values})

    def _fill(self, template: str, values: Mapping[str, Any]) -> str:
        shown = {name: self.number(value) if isinstance(value, int) else value for name, value in values.items()}
        return template.format(**shown) if shown else template
