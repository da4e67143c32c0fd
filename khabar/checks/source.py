"""An article's source as the checks read it: its lines, its front matter's keys with their lines, its body's tokens.

The loaded `Article` holds what readers see (HTML, a cut summary), not what the editor wrote: a
heading's level, a body picture's alt text or where a phrase stands are in the Markdown. So the
checks read the file again, through the project's one door, and parse its body with the build's
own Markdown parser, so that what is code or a URL here is what is code or a URL on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterator

from markdown_it.token import Token

from ..content import Article
from ..fields import YamlMapping, parse_mapping
from ..load import split_front_matter
from ..markdown import parse_markdown
from ..model import Site
from ..problems import Problems
from ..sourcefile import MAX_ARTICLE_BYTES, read_source


@dataclass(frozen=True)
class TextPiece:
    """A run of reader-visible body text on one line, outside code, URLs and raw HTML."""

    line: int  # of the file
    column: int  # 1-based column of its first character in the file's line, 0 when escapes hide where it is
    text: str


@dataclass(frozen=True)
class ArticleSource:
    article: Article
    lines: tuple[str, ...]  # the file's lines
    front_matter: YamlMapping
    body_line: int  # the file's line the body starts on
    body: str
    allow_html: bool

    @cached_property
    def tokens(self) -> tuple[Token, ...]:
        """The body's block tokens, their maps counting lines from the body's start; parsed only for checks that read the body."""
        return tuple(parse_markdown(self.body, self.allow_html))

    @property
    def text(self) -> str:
        """The whole file."""
        return "\n".join(self.lines)

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def file_line(self, token: Token) -> int:
        """The file's line a block token starts on."""
        return self.body_line + (token.map[0] if token.map else 0)

    def column(self, line: int, text: str, start: int = 0) -> int:
        """The 1-based column where `text` first stands on a line of the file (from character `start`), or 0."""
        found = self.line(line).find(text, start)
        return found + 1 if found >= 0 else 0

    def value_position(self, key: str, text: str) -> tuple[int, int]:
        """The line and column of `text` in a front matter value: on its key's line, or a line the value continues on."""
        first = self.front_matter.line_of(key)
        following = sorted(line for line in self.front_matter.lines.values() if line > first)
        last = following[0] - 1 if following else self.body_line - 2
        for line in range(first, max(first, last) + 1):
            if column := self.column(line, text, len(key) + 1 if line == first else 0):
                return line, column
        return first, 0

    def list_items(self, key: str) -> Iterator[tuple[int, object, int, int]]:
        """(index, value, line, column) of each item of a front matter list, flow (`[a, b]`) or block (`- a`)."""
        items = self.front_matter.values.get(key)
        cursors: dict[int, int] = {}  # per line, where the last item found on it ends
        for index, item in enumerate(items if isinstance(items, list) else ()):
            line = self.front_matter.line_of(f"{key}.{index}")
            text = str(item).strip() if isinstance(item, (str, int, float)) and not isinstance(item, bool) else ""
            start = cursors.get(line, len(key) + 1 if line == self.front_matter.line_of(key) else 0)
            column = self.column(line, text, start) if text else 0
            if not text and item == "":  # an empty string: its quotes
                column = self.column(line, '""', start) or self.column(line, "''", start)
            if column:
                cursors[line] = column - 1 + max(len(text), 2)
            yield index, item, line, column

    def text_pieces(self) -> Iterator[TextPiece]:
        """Every run of text a reader sees in the body, at its line and column: code, autolinked URLs and HTML left out."""
        for token in self.tokens:
            if token.type != "inline" or not token.children:
                continue
            line = self.file_line(token)
            cursor, in_autolink = 0, False
            for child in token.children:
                if child.type in ("softbreak", "hardbreak"):
                    line, cursor = line + 1, 0
                elif child.type == "link_open":
                    in_autolink = child.markup == "autolink"
                elif child.type == "link_close":
                    in_autolink = False
                elif child.type == "text" and child.content and not in_autolink:
                    column = self.column(line, child.content, cursor)
                    if column:
                        cursor = column - 1 + len(child.content)
                    yield TextPiece(line, column, child.content)


def article_sources(site: Site) -> Iterator[ArticleSource]:
    """The source of every article of the site, drafts included, in the order of their files."""
    articles = sorted((article for articles in site.articles.values() for article in articles), key=lambda a: a.source)
    for article in articles:
        if (source := read_article_source(site, article)) is not None:
            yield source


def read_article_source(site: Site, article: Article) -> ArticleSource | None:
    # Problems go nowhere: the file loaded without any a moment ago, so one now means it is being edited,
    # and the next check reads it as it will then be.
    unheard = Problems()
    text = read_source(site.config.root, article.source, unheard, MAX_ARTICLE_BYTES)
    split = split_front_matter(text, article.source, unheard) if text is not None else None
    if split is None:
        return None
    front_matter_text, body, body_line = split
    front_matter = parse_mapping(front_matter_text, article.source, unheard, first_line=2)
    if front_matter is None:
        return None
    return ArticleSource(article, tuple(text.split("\n")), front_matter, body_line, body, site.config.allow_html)
