"""What an article is once its source has been read and validated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .config import Author, Category
from .timelines import Event


@dataclass(frozen=True)
class ImageVariant:
    url: str
    width: int
    height: int
    media_type: str


@dataclass(frozen=True)
class Picture:
    source: str
    width: int
    height: int
    variants: tuple[ImageVariant, ...]

    def largest(self) -> ImageVariant:
        return max(self.variants, key=lambda variant: variant.width)


@dataclass(frozen=True)
class Image:
    url: str  # site-relative ("/assets/images/x.jpg") or absolute ("https://…")
    alt: str
    caption: str | None
    picture: Picture | None = None


@dataclass(frozen=True)
class Tag:
    lang: str
    slug: str
    name: str
    url: str


@dataclass(frozen=True)
class Article:
    source: str  # relative to the site's root, e.g. "content/ar/kim-russia-visit.md"
    lang: str
    slug: str
    translation_key: str
    title: str
    date: dt.datetime  # time-zone aware
    updated: dt.datetime | None
    author: Author | None
    author_url: str | None
    category: Category | None
    category_url: str | None
    tags: tuple[Tag, ...]
    slider: bool
    draft: bool
    image: Image | None
    summary: str
    body_html: str
    reading_minutes: int
    url: str
    related_pins: tuple[str, ...]  # slugs the editor wants listed first among related articles
    timeline_events: tuple[Event, ...]
    terms: tuple[tuple[str, int], ...]  # the most frequent word stems and their counts, for related articles

    @property
    def modified(self) -> dt.datetime:
        """When it last changed: its update, else its publication."""
        return self.updated or self.date

    @property
    def sort_key(self) -> tuple[dt.datetime, str]:
        """Newest first when sorted in reverse; the slug breaks ties so order is stable."""
        return (self.date, self.slug)
