"""Slips within one article: a body picture without alt text, a summary too long for a meta description,
a heading that skips a level, an empty or repeated tag.

Each is a warning: the page builds and reads, but worse than it should for someone (a reader who
cannot see the picture, a search result cut off mid-sentence, a screen reader's outline with a
gap, a tag listed twice). What the build refuses outright (a front matter image without
`image_alt`, a tag with nothing to make a URL from) is an error of the build, not repeated here.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Iterator, Sequence

from ..model import Site
from ..problems import Problems
from ..textnorm import normalize_arabic
from ..urls import slugify
from .source import ArticleSource

# Search engines show about 155–160 characters of a description before cutting it (README "What `check` finds"):
# an editor's summary longer than this is cut mid-sentence under the article's link.
MAX_SUMMARY_CHARACTERS = 160
# Alt text that is only a picture's file name ("IMG_2041.jpg") tells a listener nothing.
_FILE_NAME = re.compile(r"^\S+\.(?:jpe?g|png|webp|gif|avif|svg)$", re.IGNORECASE)


# A line that may be a heading: ATX ("## …") or a setext underline. Bodies with none are not parsed for headings.
_MAYBE_HEADING = re.compile(r"^ {0,3}(?:#|=+[ \t]*$|-+[ \t]*$)", re.MULTILINE)


def check_articles(site: Site, sources: Sequence[ArticleSource], problems: Problems) -> None:
    for source in sources:
        _image_alt_a_file_name(source, problems)
        _long_summary(source, problems)
        _empty_or_repeated_tags(source, problems)
        # The body is parsed only when it may hold what is looked for: most hold no picture and no heading.
        if "![" in source.body or "<img" in source.body.lower():
            _pictures_without_alt(source, problems)
        if _MAYBE_HEADING.search(source.body):
            _skipped_headings(source, problems)


def _pictures_without_alt(source: ArticleSource, problems: Problems) -> None:
    """`![](x.jpg)` shows readers who cannot see it nothing; `![IMG_2041.jpg](x.jpg)` only its file name."""
    for line, column, src, alt, in_html in _body_pictures(source):
        where = f'<img src="{src}">' if in_html else src
        if not alt:
            fix = 'add alt="what it shows"' if in_html else f"describe it in the brackets, ![what it shows]({src})"
            problems.warn(source.article.source, line, f"the picture {where} has no alt text: {fix}", column)
        elif _is_file_name(alt, src):
            problems.warn(source.article.source, line, f"the alt text of {where} is a file name ({alt}): describe what the picture shows", column)


def _image_alt_a_file_name(source: ArticleSource, problems: Problems) -> None:
    """The front matter's `image_alt:` (the build refuses an image without one) may be a file name too."""
    alt, image = source.front_matter.values.get("image_alt"), source.front_matter.values.get("image")
    if isinstance(alt, str) and isinstance(image, str) and _is_file_name(alt.strip(), image):
        line, column = source.value_position("image_alt", alt.strip())
        problems.warn(source.article.source, line, f"the alt text of {image} is a file name ({alt.strip()}): describe what the picture shows", column)


def _is_file_name(alt: str, src: str) -> bool:
    return bool(_FILE_NAME.match(alt)) or alt == PurePosixPath(src).name


def _body_pictures(source: ArticleSource) -> Iterator[tuple[int, int, str, str, bool]]:
    """(line, column, src, alt, whether in raw HTML) of each picture of the body: Markdown's, and raw HTML's `<img>`
    where the site allows HTML (elsewhere it is shown as text)."""
    for token in source.tokens:
        if token.type == "html_block":
            yield from _html_pictures(source, token.content, source.file_line(token), 0)
        if token.type != "inline" or not token.children:
            continue
        line = source.file_line(token)
        cursor = 0
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line, cursor = line + 1, 0
            elif child.type == "html_inline":
                column = source.column(line, child.content, cursor)
                cursor = column - 1 + len(child.content) if column else cursor
                yield from _html_pictures(source, child.content, line, column - 1 if column else -1)
            elif child.type == "image":
                column = source.column(line, "![", cursor)
                cursor = column + 1 if column else cursor
                alt = "".join(grandchild.content for grandchild in child.children or ()).strip()
                yield line, column, str(child.attrGet("src") or ""), alt, False


def _html_pictures(source: ArticleSource, html: str, first_line: int, first_column: int) -> Iterator[tuple[int, int, str, str, bool]]:
    """The `<img>` of a piece of raw HTML that starts at a line and (0-based) column of the file; -1: not known."""
    images = _ImageTags()
    images.feed(html)
    images.close()
    for line, offset, attributes in images.found:
        column = (first_column if line == 1 else 0) + offset + 1 if first_column >= 0 else 0
        yield first_line + line - 1, column, attributes.get("src") or "", (attributes.get("alt") or "").strip(), True


class _ImageTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, int, dict[str, str | None]]] = []  # 1-based line and 0-based column in the HTML

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.found.append((*self.getpos(), dict(attrs)))


def _long_summary(source: ArticleSource, problems: Problems) -> None:
    """Only the editor's own summary: one cut from the first paragraph was never meant as a description."""
    summary = source.front_matter.values.get("summary")
    if not isinstance(summary, str) or len(summary.strip()) <= MAX_SUMMARY_CHARACTERS:
        return
    line = source.front_matter.line_of("summary")
    problems.warn(
        source.article.source, line,
        f"the summary has {len(summary.strip())} characters: search results and link previews cut it after about"
        f" {MAX_SUMMARY_CHARACTERS}, so say it in fewer",
        source.column(line, summary.strip()[:20]),
    )


def _skipped_headings(source: ArticleSource, problems: Problems) -> None:
    """The title is the page's one level-1 heading; each body heading goes at most one level deeper than the last."""
    previous = 1
    for token in source.tokens:
        if token.type != "heading_open":
            continue
        level, line = int(token.tag[1]), source.file_line(token)
        column = source.column(line, token.markup) if token.markup.startswith("#") else 1
        if level == 1:
            problems.warn(source.article.source, line, "a level-1 heading (#) in the body: the title is the page's only one; use ##", column)
        elif level > previous + 1:
            expected = "##" if previous == 1 else "#" * previous + " or " + "#" * (previous + 1)
            after = "the title" if previous == 1 else f"a level-{previous} heading"
            problems.warn(
                source.article.source, line,
                f"a level-{level} heading ({'#' * level}) after {after} skips a level: use {expected}", column,
            )
        previous = level


def _empty_or_repeated_tags(source: ArticleSource, problems: Problems) -> None:
    """An empty tag is dropped without a word; two spellings of one tag ("بوتين", "بُوتين") make it one tag or two pages."""
    path = source.article.source
    seen: dict[str, str] = {}
    for _, tag, line, column in source.list_items("tags"):
        if isinstance(tag, str) and not tag.strip():
            problems.warn(path, line, "an empty tag: remove it, or write the tag", column)
            continue
        if not isinstance(tag, (str, int, float)) or isinstance(tag, bool):
            continue  # the build has reported it
        name = str(tag).strip()
        key = tag_key(name)
        if key in seen:
            same = "the tag" if seen[key] == name else f"the tag {seen[key]!r}, spelled another way"
            problems.warn(path, line, f"the tag {name!r} repeats {same}: list it once", column)
        else:
            seen[key] = name


def tag_key(name: str) -> str:
    """What two spellings of one tag share: its slug with Arabic letter forms and case made one."""
    return normalize_arabic(slugify(name)).casefold()
