"""Articles named by their source file — in body links, `related:` pins and timeline events — found once all are read.

An editor names another article as Markdown editors and GitHub resolve a link: by the path of its file relative to
the file naming it (`other.md`, `../en/other.md`, `sub/other.md`; a leading `/` starts at the project's root),
optionally with one of its headings (`other.md#heading`, or `#heading` alone for the article's own). Articles are
read one file at a time, in parallel, so what a name points at is only known once every file has been read.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Callable, Mapping
from urllib.parse import unquote, urlsplit

from .config import CONTENT_DIR
from .fields import Suggestions
from .markdown import fill_source_links, is_source_link
from .problems import Problems
from .urls import slugify

if TYPE_CHECKING:  # an Article holds its body's references, so content imports this module
    from .content import Article

__all__ = ["ArticleFiles", "Reference", "is_source_link", "left_out", "reference"]


@dataclass(frozen=True)
class Reference:
    """An article named by its file, as written at a place in another file."""

    written: str  # as the editor wrote it, for messages: "../en/other.md#heading"
    target: str | None  # the project path it names, "content/en/other.md"; None when the path leaves the project
    heading: str  # the heading after "#", "" for the whole article
    source: str  # the file naming it
    line: int
    column: int = 0


def reference(written: str, source: str, line: int, column: int = 0) -> Reference:
    """What `written` (a path as in a Markdown link, percent-encoded or not) names, seen from the file `source`."""
    parts = urlsplit(written)
    path = unquote(parts.path)
    if not path:
        target: str | None = source
    else:
        joined = posixpath.normpath(path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(source), path))
        target = None if joined == ".." or joined.startswith("../") else joined
    return Reference(unquote(written), target, unquote(parts.fragment), source, line, column)


@dataclass(frozen=True)
class ArticleFiles:
    """The articles read, by their source file: those in this build, and those it leaves out (drafts, scheduled)."""

    built: Mapping[str, Article]  # in the order they were read
    left_out: Mapping[str, Article]
    digests: Mapping[str, tuple[bytes, bytes]] = field(default_factory=dict)  # of each as read: khabar/digests.py

    def find(self, named: Reference, problems: Problems, what: str, until_published: str, public: bool) -> tuple[Article, str] | None:
        """The built article `named` names and the id of its heading ("" for none), or None, with the reason reported.

        `what` names the kind of reference ("link to"), `until_published` what happens while its article is left out,
        `public` whether the file naming it is published: a draft it names then gets a warning even in a preview.
        """

        def report(level: Callable[[str, int, str, int], None], message: str) -> None:
            level(named.source, named.line, f"{what} {named.written}: {message}", named.column)

        target = named.target
        if target is None:
            report(problems.error, "the path leaves the project")
            return None
        article = self.built.get(target)
        if article is None:
            if target in self.left_out:
                report(problems.warn, left_out(target, until_published))
            elif not _in_language_folder(target):
                report(problems.error, f"{target} is not an article: articles are the .md files under {CONTENT_DIR}/<lang>/")
            else:
                report(problems.error, f"no article at {target} {self._suggestions(target, named.source)}")
            return None
        if public and article.draft:
            report(problems.warn, f"{target} is a draft: in the public build {until_published}")
        if not named.heading:
            return article, ""
        heading = _heading_id(named.heading, article.heading_ids)
        if heading is None:
            report(problems.error, f"{target} has no heading '{named.heading}' (its headings: {', '.join(article.heading_ids) or 'none'})")
        return (article, heading) if heading is not None else None

    @cached_property
    def _suggestions(self) -> Suggestions:
        return Suggestions(sorted((*self.built, *self.left_out)))


def left_out(source: str, until_published: str) -> str:
    """Why an article named is not linked to: the build leaves it out."""
    return f"{source} is left out of this build (a draft, or scheduled for later), so {until_published}"


def _in_language_folder(path: str) -> bool:
    parts = path.split("/")
    return len(parts) > 2 and parts[0] == CONTENT_DIR and path.endswith(".md")


def _heading_id(wanted: str, heading_ids: tuple[str, ...]) -> str | None:
    """The id of the heading `wanted` names: its id itself, or an anchor another tool made from the same words.

    GitHub's preview keeps the apostrophes and doubled hyphens khabar's ids drop ("the-wests-concerns" beside
    "the-west-s-concerns", "قمة-بوتين--كيم" beside "قمة-بوتين-كيم"): without hyphens, both spell the same letters.
    """
    if wanted in heading_ids:
        return wanted
    letters = slugify(wanted).replace("-", "")
    return next((heading_id for heading_id in heading_ids if heading_id.replace("-", "") == letters), None) if letters else None


def link_bodies(files: ArticleFiles, problems: Problems) -> ArticleFiles:
    """The articles with each built body's links to articles by their file pointing at their URLs."""
    linked = {}
    for source, article in files.built.items():
        if article.body_links:
            hrefs = []
            for named in article.body_links:
                found = files.find(named, problems, "link to", "its link shows as plain text until it is published", public=not article.draft)
                hrefs.append(None if found is None else found[0].url + (f"#{found[1]}" if found[1] else ""))
            article = replace(article, body_html=fill_source_links(article.body_html, hrefs))
        linked[source] = article
    return replace(files, built=linked)
