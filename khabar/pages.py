"""What the site is made of once modelled: typed pages and the pieces they show.

The model stage makes these; the render stage reads them. Nothing here knows how.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .content import Article, Image
from .timelines import EventDate

ListingKind = str  # "home", "category", "tag" or "author"

# The hreflang of the version for readers whose language the site does not have.
X_DEFAULT = "x-default"


@dataclass(frozen=True)
class Alternate:
    """A version of the page in one language (or X_DEFAULT), for <link rel="alternate" hreflang> and sitemaps."""

    lang: str
    url: str


@dataclass(frozen=True)
class FeedLink:
    """A feed a page announces in its head, for feed readers to discover."""

    title: str
    url: str


@dataclass(frozen=True)
class Feed:
    """An Atom feed: the newest articles of a language, category, author or timeline, beside its page."""

    url: str
    lang: str
    title: str
    subtitle: str
    page_url: str  # the page that shows the same articles
    articles: tuple[Article, ...]  # newest first, at most `feed_size`
    sources: tuple[str, ...]  # content files besides the articles' own (a timeline's file)

    @property
    def link(self) -> FeedLink:
        return FeedLink(self.title, self.url)


@dataclass(frozen=True)
class LanguageSwitch:
    """Where the switcher sends a reader who wants another language."""

    lang: str
    url: str
    is_same_page: bool  # False: no version of this page there, so it leads to that language's home


@dataclass(frozen=True)
class Pagination:
    number: int
    urls: tuple[str, ...]  # every page of the listing, first to last

    @property
    def total(self) -> int:
        return len(self.urls)

    @property
    def previous_url(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.urls[self.number] if self.number < self.total else None


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str


@dataclass(frozen=True, kw_only=True)
class Page:
    """One output file: its address, its template, and the sources it was made from."""

    url: str
    lang: str
    template: str
    title: str
    description: str = ""
    alternates: tuple[Alternate, ...] = ()  # every version, X_DEFAULT included; the same set on each of them
    switches: tuple[LanguageSwitch, ...] = ()
    feeds: tuple[FeedLink, ...] = ()  # its language's feed, and its own where it has one
    modified: dt.date | None = None  # when what it shows last changed (a datetime where known), for sitemaps
    in_sitemap: bool = True  # False for pages that are no one's search result: the 404 page, the root's redirect
    sources: tuple[str, ...] = ()  # content files the page shows; templates and config are added at render


@dataclass(frozen=True, kw_only=True)
class ArticlePage(Page):
    article: Article
    translations: tuple[Article, ...]
    related: tuple[Article, ...] = ()
    story: StorySoFar | None = None


@dataclass(frozen=True, kw_only=True)
class ListingPage(Page):
    kind: ListingKind
    key: str  # the category, tag or author key; the language code for home
    articles: tuple[Article, ...]
    pagination: Pagination
    slider: tuple[Article, ...] = ()
    image: Image | None = None  # the author's photo
    story: StorySoFar | None = None


@dataclass(frozen=True, kw_only=True)
class RedirectPage(Page):
    target: str


@dataclass(frozen=True, kw_only=True)
class SearchPage(Page):
    index_url: str  # the folder of this language's search index, which the page's script loads


@dataclass(frozen=True)
class EventEntry:
    """A timeline event as one language's pages show it."""

    date: EventDate
    title: str
    title_lang: str  # the page's language, or the default one when the title has no translation
    text: str | None
    text_lang: str
    articles: tuple[Article, ...]  # in the page's language where they exist, else in another
    is_current: bool = False  # reported by the article whose page shows it


@dataclass(frozen=True)
class EventGroup:
    month: int  # 0 when the year's events are not split by month
    entries: tuple[EventEntry, ...]


@dataclass(frozen=True)
class YearOfEvents:
    year: int
    groups: tuple[EventGroup, ...]


@dataclass(frozen=True)
class StorySoFar:
    """The compact "story so far" block: a few events of a timeline and a link to all of it."""

    title: str
    url: str
    entries: tuple[EventEntry, ...]
    sources: tuple[str, ...]  # the timeline file and the articles its entries link to


@dataclass(frozen=True)
class TimelineSummary:
    title: str
    intro: str
    url: str
    events: int
    first: EventDate | None
    last: EventDate | None


@dataclass(frozen=True, kw_only=True)
class TimelinePage(Page):
    intro: str
    years: tuple[YearOfEvents, ...]


@dataclass(frozen=True, kw_only=True)
class TimelineIndexPage(Page):
    timelines: tuple[TimelineSummary, ...]
