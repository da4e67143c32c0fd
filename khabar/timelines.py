"""Timelines of the story: read from content/timelines/*.yaml and from articles' `timeline:` events.

An event's date may be a year, a month or a day. Events that translations of one
article declare for the same timeline and date are one event, with a title in
each language.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

from .config import CONFIG_FILE, CONTENT_DIR, Localized, SiteConfig, read_localized, read_texts
from .fields import FieldReader, Suggestions, YamlMapping, parse_mapping, suggest
from .problems import Problems
from .references import ArticleFiles, is_source_link, left_out, reference
from .sourcefile import files_under, read_source

TIMELINES_FOLDER = "timelines"  # under content/
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@dataclass(frozen=True, order=True)
class EventDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int = 0  # 0: not known
    day: int = 0

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def as_date(self) -> dt.date:
        """The date itself, or the middle of the month or year it names, for distances in time."""
        return dt.date(self.year, self.month or 7, self.day or (15 if self.month else 1))

    def iso(self) -> str:
        return f"{self.year:04d}" + (f"-{self.month:02d}" if self.month else "") + (f"-{self.day:02d}" if self.day else "")


def parse_event_date(value: object) -> EventDate | None:
    """'1961', '2022-12' or '2023-09-13' (a bare year may also be a YAML number)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    match = _PARTIAL_DATE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    year, month, day = (int(part) if part else 0 for part in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return EventDate(year, month, day)


@dataclass(frozen=True)
class Event:
    """One event as written in one source, before events from translations are merged."""

    timeline: str | None  # None: the site's default timeline
    date: EventDate
    title: dict[str, str]
    text: dict[str, str] | None
    articles: tuple[str, ...]  # the articles that report it, as written: translation keys or files ("../ar/visit.md")
    article_lines: tuple[int, ...]  # the line of each
    source: str
    line: int
    from_article: bool  # declared in an article's front matter rather than in a timeline file


@dataclass(frozen=True)
class TimelineEvent:
    date: EventDate
    title: Localized
    text: Localized | None
    articles: tuple[str, ...]  # translation keys, in the order given


@dataclass(frozen=True)
class Timeline:
    key: str
    title: Localized
    intro: Localized | None
    events: tuple[TimelineEvent, ...]  # in chronological order
    source: str


def read_events(
    fields: FieldReader, languages: list[str], own_language: str | None, own_article: str | None
) -> list[Event]:
    """The `timeline:` events of an article (which report on it), or the `events:` of a timeline file."""
    key = "timeline" if own_article else "events"
    events = []
    for item in fields.list_of_mappings(key):
        event_fields = FieldReader(item, fields.problems)
        allowed = ["date", "title", "text", "timeline"] if own_article else ["date", "title", "text", "articles"]
        event_fields.reject_unknown(allowed)
        raw_date = item.values.get("date")
        date = parse_event_date(raw_date)
        if raw_date is None:
            fields.problems.error(item.path, item.start_line, "timeline event: missing required key 'date'")
        elif date is None:
            event_fields.error("date", f"bad event date {str(raw_date)!r} (expected a year, year-month or date: 1961, 2022-12, 2023-09-13)")
        title = read_texts(event_fields, "title", languages, required=True, own_language=own_language)
        text = read_texts(event_fields, "text", languages, own_language=own_language)
        articles = (own_article,) if own_article else tuple(event_fields.string_list("articles"))
        article_lines = tuple(item.lines.get(f"articles.{index}", item.line_of("articles")) for index in range(len(articles)))
        if date and title:
            timeline = event_fields.string("timeline") if own_article else None
            events.append(Event(timeline, date, title, text, articles, article_lines, item.path, item.start_line, own_article is not None))
    return events


def load_timelines(
    config: SiteConfig, article_events: list[Event], articles: ArticleFiles, problems: Problems
) -> tuple[Timeline, ...]:
    """Every timeline, its file's events and the articles' events merged, in chronological order."""
    files = _read_timeline_files(config, problems)
    events_by_timeline: dict[str, list[Event]] = {key: list(events) for key, (_, _, events, _) in files.items()}
    default = config.default_timeline or (next(iter(files)) if len(files) == 1 else None)
    if config.default_timeline and config.default_timeline not in files:
        problems.error(CONFIG_FILE, 0, f"default_timeline '{default}' has no file {CONTENT_DIR}/{TIMELINES_FOLDER}/{default}.yaml")
    for event in article_events:
        key = event.timeline or default
        if key is None:
            problems.error(event.source, event.line, "timeline event names no timeline, and site.yaml sets no default_timeline")
        elif key not in files:
            problems.error(event.source, event.line, f"unknown timeline '{key}' {suggest(key, list(files))}")
        else:
            events_by_timeline[key].append(event)
    timelines = []
    for key, (title, intro, _, source) in files.items():
        merged = _merge_translations(events_by_timeline[key])
        timelines.append(Timeline(key, title, intro, tuple(_checked(config, merged, articles, problems)), source))
    return tuple(timelines)


def _read_timeline_files(config: SiteConfig, problems: Problems) -> dict[str, tuple[Localized, Localized | None, list[Event], str]]:
    folder = f"{CONTENT_DIR}/{TIMELINES_FOLDER}"
    files = {}
    for relative in files_under(config.root, folder, problems):
        path = Path(relative)
        if path.suffix not in (".yaml", ".yml") or path.parent.as_posix() != folder:
            problems.error(relative, 0, "not a timeline: files under content/timelines/ must be YAML (.yaml)")
            continue
        text = read_source(config.root, relative, problems)
        mapping = parse_mapping(text, relative, problems) if text is not None else None
        if mapping is None:
            continue
        files[path.stem] = _read_timeline_file(config, mapping, problems)
    return files


def _read_timeline_file(config: SiteConfig, mapping: YamlMapping, problems: Problems) -> tuple[Localized, Localized | None, list[Event], str]:
    fields = FieldReader(mapping, problems)
    fields.reject_unknown(["title", "intro", "events"])
    languages = config.language_codes
    # Without a usable title the file's name stands in, so that its other problems still get reported.
    title = read_localized(fields, "title", languages, required=True) or Localized({languages[0]: Path(mapping.path).stem}, languages[0])
    intro = read_localized(fields, "intro", languages)
    events = read_events(fields, languages, own_language=None, own_article=None)
    return title, intro, events, mapping.path


def _merge_translations(events: list[Event]) -> list[Event]:
    """Events that translations of one article give for the same date become one, titled in each language."""
    merged: dict[tuple, Event] = {}
    for event in events:
        identity = (event.articles, event.date) if event.from_article else id(event)
        first = merged.get(identity)
        if first is None:
            merged[identity] = event
            continue
        merged[identity] = replace(first, title={**event.title, **first.title},
                                   text={**(event.text or {}), **(first.text or {})} or None)
    return sorted(merged.values(), key=lambda event: (event.date, event.source, event.line))


_UNTIL_LISTED = "the event does not list it until it is published"


def _checked(config: SiteConfig, events: list[Event], articles: ArticleFiles, problems: Problems) -> list[TimelineEvent]:
    default = config.default_language
    article_keys = {article.translation_key for article in articles.built.values()}
    unpublished = {article.translation_key: article.source for article in articles.left_out.values()}
    hints = Suggestions(sorted(article_keys))
    checked = []
    for event in events:
        keys = []
        for key, line in zip(event.articles, event.article_lines):
            if is_source_link(key):
                found = articles.find(reference(key, event.source, line), problems, "timeline event's article",
                                   _UNTIL_LISTED, public=True)
                if found:
                    keys.append(found[0].translation_key)
            elif key in article_keys:
                keys.append(key)
            elif key in unpublished:
                problems.warn(event.source, line, f"timeline event's article '{key}': "
                                                  + left_out(unpublished[key], _UNTIL_LISTED))
            else:
                problems.error(event.source, line, f"timeline event links to unknown article '{key}' {hints(key, event.source)}")
        if default not in event.title:
            problems.error(event.source, event.line, f"timeline event has no title in the default language '{default}'")
            continue
        for language in config.language_codes:
            if language not in event.title:
                problems.warn(event.source, event.line, f"timeline event has no '{language}' title; the '{default}' one is shown instead")
        checked.append(TimelineEvent(
            event.date,
            Localized(event.title, default),
            Localized(event.text, default if default in event.text else next(iter(event.text))) if event.text else None,
            tuple(dict.fromkeys(keys)),
        ))
    return checked
