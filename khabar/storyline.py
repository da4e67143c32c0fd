"""Timelines as each language's pages show them: grouped by year (and month where dense), and in brief."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools

from . import urls
from .content import Article
from .pages import EventEntry, EventGroup, StorySoFar, TimelineIndexPage, TimelinePage, TimelineSummary, YearOfEvents
from .timelines import Timeline, TimelineEvent

# A year with more events than this is split into months on the timeline page.
DENSE_YEAR = 6

Translations = dict[str, dict[str, Article]]  # translation key -> language -> article


def event_entry(event: TimelineEvent, lang: str, translations: Translations, current: str | None = None) -> EventEntry:
    """An event in `lang`: its texts (or their fallback) and the articles that report it, preferably in `lang`."""
    articles = []
    for key in event.articles:
        versions = translations.get(key, {})
        if versions:
            articles.append(versions.get(lang) or next(iter(versions.values())))
    return EventEntry(
        date=event.date,
        title=event.title(lang),
        title_lang=event.title.language_of(lang),
        text=event.text(lang) if event.text else None,
        text_lang=event.text.language_of(lang) if event.text else lang,
        articles=tuple(articles),
        is_current=current in event.articles,
    )


def timeline_page(timeline: Timeline, lang: str, translations: Translations) -> TimelinePage:
    years: list[YearOfEvents] = []
    for year, grouped in itertools.groupby(timeline.events, key=lambda event: event.date.year):
        events = list(grouped)
        if len(events) > DENSE_YEAR:
            months = sorted({event.date.month for event in events})
            groups = tuple(
                EventGroup(month, tuple(event_entry(e, lang, translations) for e in events if e.date.month == month))
                for month in months
            )
        else:
            groups = (EventGroup(0, tuple(event_entry(e, lang, translations) for e in events)),)
        years.append(YearOfEvents(year, groups))
    sources = {timeline.source} | {
        article.source for event in timeline.events for key in event.articles for article in translations.get(key, {}).values()
    }
    return TimelinePage(
        url=urls.timeline_url(lang, timeline.key),
        lang=lang,
        template="timeline.html",
        title=timeline.title(lang),
        description=timeline.intro(lang) if timeline.intro else "",
        modified=timeline_modified(timeline, translations),
        sources=tuple(sorted(sources)),
        intro=timeline.intro(lang) if timeline.intro else "",
        years=tuple(years),
    )


def timeline_modified(timeline: Timeline, translations: Translations) -> dt.date | None:
    """The day a timeline last changed, as far as can be told: its newest event known to the day, or the newest change
    to an article it reports. (The timeline file's own edits leave no date; file times do not survive a checkout.)"""
    days = [event.date.as_date() for event in timeline.events if event.date.precision == "day"]
    days += [article.modified.date() for event in timeline.events
             for key in event.articles for article in translations.get(key, {}).values()]
    return max(days, default=None)


def timelines_index_page(timelines: tuple[Timeline, ...], lang: str, title: str, translations: Translations) -> TimelineIndexPage:
    summaries = tuple(
        TimelineSummary(
            title=timeline.title(lang),
            intro=timeline.intro(lang) if timeline.intro else "",
            url=urls.timeline_url(lang, timeline.key),
            events=len(timeline.events),
            first=timeline.events[0].date if timeline.events else None,
            last=timeline.events[-1].date if timeline.events else None,
        )
        for timeline in timelines
    )
    return TimelineIndexPage(
        url=urls.timelines_url(lang),
        lang=lang,
        template="timelines.html",
        title=title,
        modified=max(filter(None, (timeline_modified(timeline, translations) for timeline in timelines)), default=None),
        sources=tuple(timeline.source for timeline in timelines),
        timelines=summaries,
    )


class Storyline:
    """The site's timelines, indexed once so that every article's "story so far" is found quickly."""

    def __init__(self, timelines: tuple[Timeline, ...], translations: Translations, size: int, main: str | None):
        self.timelines = timelines
        self.translations = translations
        self.size = size
        self.main = next((t for t in timelines if t.key == main), timelines[0] if timelines else None)
        self._dates = {t.key: [event.date.as_date() for event in t.events] for t in timelines}
        self.timelines_of: dict[str, list[Timeline]] = {}  # translation key -> the timelines reporting it, main first
        for timeline in sorted(timelines, key=lambda t: t is not self.main):
            for key in {key for event in timeline.events for key in event.articles}:
                self.timelines_of.setdefault(key, []).append(timeline)

    def for_article(self, article: Article) -> StorySoFar | None:
        """The events nearest the article's date on the first timeline it reports on."""
        timelines = self.timelines_of.get(article.translation_key)
        if not timelines or self.size == 0:
            return None
        timeline = timelines[0]
        position = bisect.bisect_right(self._dates[timeline.key], article.date.date())
        start = max(0, min(position - (self.size + 1) // 2, len(timeline.events) - self.size))
        entries = tuple(event_entry(e, article.lang, self.translations, article.translation_key)
                        for e in timeline.events[start:start + self.size])
        return StorySoFar(timeline.title(article.lang), urls.timeline_url(article.lang, timeline.key), entries,
                          _sources(timeline, entries))

    def latest(self, lang: str) -> StorySoFar | None:
        """The newest events of the site's main timeline, for the home page."""
        if self.main is None or not self.main.events or self.size == 0:
            return None
        entries = tuple(event_entry(e, lang, self.translations) for e in self.main.events[-self.size:])
        return StorySoFar(self.main.title(lang), urls.timeline_url(lang, self.main.key), entries, _sources(self.main, entries))


def _sources(timeline: Timeline, entries: tuple[EventEntry, ...]) -> tuple[str, ...]:
    return (timeline.source, *sorted({article.source for entry in entries for article in entry.articles}))
