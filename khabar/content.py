"""What an article is once its source has been read and validated."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .config import Author, Category
from .pictures import Image, ImageVariant, Picture
from .references import Reference
from .timelines import Event

# Pictures are part of what an article is; they are defined beside their probing so site.yaml can have them too.
__all__ = ["Alias", "Article", "Image", "ImageVariant", "Picture", "Tag"]


@dataclass(frozen=True)
class Tag:
    lang: str
    slug: str
    name: str
    url: str


@dataclass(frozen=True)
class Alias:
    """An old address of an article, which leads readers on to its current one."""

    url: str  # site-relative, as urls.py makes them: "/ar/2023/09/old-slug/", "/old/path.html"
    line: int  # where its front matter names it


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
    body_html: str  # links to published derivatives, never to a raster original; to articles once `link_bodies` ran
    reading_minutes: int
    url: str
    related_pins: tuple[str, ...]  # slugs the editor wants listed first among related articles
    timeline_events: tuple[Event, ...]
    terms: tuple[tuple[str, int], ...]  # the most frequent word stems and their counts, for related articles
    body_pictures: tuple[Picture, ...] = ()  # the raster pictures the body shows, to be encoded with the others
    url_line: int = 1  # the line its URL comes from: its slug's, or 1 when its file's name is the slug
    aliases: tuple[Alias, ...] = ()  # the addresses it had before, each published as a redirect to `url`
    heading_ids: tuple[str, ...] = ()  # the ids of its body's headings, for links to them
    body_links: tuple[Reference, ...] = ()  # its body's links to articles by their file, in order
    scheduled: bool = False  # dated after the build time and shown anyway, marked as such: in serve's preview only
    search_words: str = ""  # what the search index is given: its text's words in search form (textnorm), each once

    @property
    def pictures(self) -> tuple[Picture, ...]:
        """The raster pictures the article shows: its own and its body's."""
        own = (self.image.picture,) if self.image and self.image.picture else ()
        return (*own, *self.body_pictures)

    @property
    def modified(self) -> dt.datetime:
        """When it last changed: its update, else its publication."""
        return self.updated or self.date

    @property
    def sort_key(self) -> tuple[dt.datetime, str]:
        """Newest first when sorted in reverse; the slug breaks ties so order is stable."""
        return (self.date, self.slug)
