"""The glossary's findings: names spelled other than the house way, descriptors that contradict a name; and the fix.

What readers read is searched, where they read it: an article's title, summary, caption, alt text,
tags and timeline events, its body (picture alt texts and captions too) but never its code, its link
and picture addresses or a bare URL; a timeline file's titles, intros and events. Each finding is
at the line and column of the words as written in the file, so an editor's tool jumps to them.
"""

from __future__ import annotations

import bisect
import os
import re
import tempfile
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Callable, Sequence

import yaml
from markdown_it import MarkdownIt

from ..config import CONTENT_DIR, SiteConfig
from ..glossary import GLOSSARY_PATH, Contradiction, NameFinder, Variant, read_glossary, respelled
from ..load import split_front_matter
from ..model import Site
from ..problems import Problems
from ..sourcefile import MAX_ARTICLE_BYTES, files_under, locate, read_file, read_source
from ..timelines import TIMELINES_FOLDER
from .source import ArticleSource

_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The front-matter keys whose text readers read; a timeline event's title and text, in an article or a timeline file.
ARTICLE_TEXT_KEYS = ("title", "summary", "caption", "image_alt", "tags")
TIMELINE_TEXT_KEYS = ("title", "intro")
EVENT_TEXT_KEYS = ("title", "text")
# What is never prose, wherever it stands.
_URL = r"(?:https?|ftp)://[^\s<>]+|www\.[^\s<>]+"
# ...and in Markdown: link and picture addresses, reference definitions, autolinks, HTML tags and comments.
_MARKDOWN_NOT_PROSE = re.compile("|".join((
    _URL,
    r"\]\(\s*(?:<[^>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)",
    r"^ {0,3}\[[^\]\n]+\]:[^\n]*",
    r"<!--.{0,4000}?-->",  # bounded, as below: a text of many "<" never closed must not take quadratic time
    r"</?[A-Za-z][^<>]{0,2000}>",
)), re.MULTILINE | re.DOTALL)
_URL_ONLY = re.compile(_URL)
_BACKTICKS = re.compile(r"(?<![`\\])`+(?!`)")
_PARAGRAPH_END = re.compile(r"\n[^\S\n]*\n")
_CODE_BLOCKS = ("fence", "code_block", "html_block")
_BLOCKS = MarkdownIt("commonmark").enable("table")  # blocks as the build's parser reads them


# The language of the text at a key path of a YAML file ("timeline", "0", "title", "en"), or None if readers never read it.
_LanguageOf = Callable[[tuple[str, ...], list[str], str], "str | None"]


@dataclass(frozen=True)
class _Passage:
    """A stretch of a source file that readers read, in one language."""

    start: int
    end: int
    lang: str
    markdown: bool


@dataclass(frozen=True)
class Respelling:
    """A variant check --fix rewrote: where it stood before, what it was, what it is now."""

    path: str
    line: int
    column: int
    found: str
    canonical: str

    def __str__(self) -> str:
        return f'{self.path}:{self.line}:{self.column}: fixed: "{_one_line(self.found)}" → "{self.canonical}"'


def check_glossary(site: Site, sources: Sequence[ArticleSource], problems: Problems) -> None:
    """Every variant spelling and every contradiction of the glossary in the site's sources, as warnings."""
    finders = read_glossary(site.config, problems)
    for source in _sources(site, finders):
        text, variants, contradictions = _findings(site.config, source, finders, problems)
        starts = _line_starts(text)
        for variant in variants:
            line, column = _place(starts, variant.start)
            spelling = variant.spelling
            problems.warn(source, line, f'"{_one_line(variant.found)}" is not the house spelling: write "{spelling.canonical}"'
                                        f" ({GLOSSARY_PATH}: '{spelling.entry}')", column)
        for contradiction in contradictions:
            line, column = _place(starts, contradiction.start)
            descriptor = contradiction.descriptor
            problems.warn(source, line, f'"{_one_line(contradiction.found)}" beside "{_one_line(contradiction.name)}" contradicts the glossary:'
                                        f" it is not said of {descriptor.canonical} ({GLOSSARY_PATH}: '{descriptor.entry}')", column)


def respell(site: Site) -> list[Respelling]:
    """Rewrite every variant spelling to the glossary's own, in place, changing no other byte of any file."""
    problems = Problems()  # what cannot be read or fixed here, check reports
    finders = read_glossary(site.config, problems)
    changes = []
    for source in _sources(site, finders):
        text, variants, _ = _findings(site.config, source, finders, problems)
        if variants and rewrite(site.config.root, source, variants):
            starts = _line_starts(text)
            changes.extend(Respelling(source, *_place(starts, v.start), v.found, v.spelling.canonical) for v in variants)
    return changes


def _one_line(found: str) -> str:
    """Words as found, a name wrapped over two lines on one."""
    return " ".join(found.split())


def _sources(site: Site, finders: dict[str, NameFinder]) -> list[str]:
    """The articles' files and the timeline files, or none when there is no glossary to read them with."""
    if not finders:
        return []
    articles = sorted(article.source for article in chain.from_iterable(site.articles.values()))
    folder = f"{CONTENT_DIR}/{TIMELINES_FOLDER}"
    timelines = [path for path in files_under(site.config.root, folder, Problems())
                 if path.endswith((".yaml", ".yml")) and path.count("/") == folder.count("/") + 1]
    return articles + timelines


def _findings(config: SiteConfig, source: str, finders: dict[str, NameFinder], problems: Problems) -> tuple[str, list[Variant], list[Contradiction]]:
    """A source's text (as read_source gives it) and the variants and contradictions in what readers read of it."""
    text = read_source(config.root, source, problems, MAX_ARTICLE_BYTES) or ""
    variants: list[Variant] = []
    contradictions: list[Contradiction] = []
    for passage in _passages(config, source, text):
        finder = finders.get(passage.lang)
        if finder is None:
            continue
        found_variants, found_contradictions = finder.find(text, passage.start, passage.end)
        if not found_variants and not found_contradictions:
            continue
        not_prose = _not_prose(text, passage)
        variants.extend(v for v in found_variants if not _overlaps(v.start, v.end, not_prose))
        contradictions.extend(c for c in found_contradictions if not _overlaps(c.start, c.end, not_prose))
    return text, variants, contradictions


def _passages(config: SiteConfig, source: str, text: str) -> list[_Passage]:
    """What readers read of a source: an article's texts in its front matter and its body, a timeline file's texts."""
    if not text:
        return []
    if not source.endswith(".md"):
        return _yaml_passages(text, 0, config.language_codes, config.default_language, _timeline_text_language)
    split = split_front_matter(text, source, Problems())
    if split is None:
        return []
    front_matter, _, body_line = split
    lang = source.split("/")[1]
    front_start = text.index("\n") + 1
    body_start = _line_starts(text)[body_line - 1] if body_line <= text.count("\n") + 1 else len(text)
    passages = _yaml_passages(front_matter, front_start, config.language_codes, lang, _article_text_language)
    return [*passages, _Passage(body_start, len(text), lang, markdown=True)]


def _article_text_language(path: tuple[str, ...], languages: list[str], own: str) -> str | None:
    if path[0] in ARTICLE_TEXT_KEYS:
        return own
    return _event_text_language(path, "timeline", languages, own)


def _timeline_text_language(path: tuple[str, ...], languages: list[str], default: str) -> str | None:
    if path[0] in TIMELINE_TEXT_KEYS:
        return path[1] if len(path) == 2 and path[1] in languages else default if len(path) == 1 else None
    return _event_text_language(path, "events", languages, default)


def _event_text_language(path: tuple[str, ...], key: str, languages: list[str], own: str) -> str | None:
    if len(path) < 3 or path[0] != key or path[2] not in EVENT_TEXT_KEYS:
        return None
    return own if len(path) == 3 else path[3] if len(path) == 4 and path[3] in languages else None


def _yaml_passages(text: str, offset: int, languages: list[str], own: str, language_of: _LanguageOf) -> list[_Passage]:
    """Each text value of a YAML mapping whose key readers read, where it is written (its quotes included)."""
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.YAMLError:  # the build reports it
        return []
    passages = {}
    pending: list[tuple[yaml.Node, tuple[str, ...]]] = [(node, ())] if node is not None else []
    while pending:
        node, path = pending.pop()
        if isinstance(node, yaml.MappingNode):
            pending.extend((value, (*path, str(key.value))) for key, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend((item, (*path, str(index))) for index, item in enumerate(node.value))
        elif path and (lang := language_of(path, languages, own)) is not None:
            start, end = offset + node.start_mark.index, offset + node.end_mark.index
            passages[start] = _Passage(start, end, lang, markdown=False)  # an alias repeats its anchor's place
    return sorted(passages.values(), key=lambda passage: passage.start)


def _not_prose(text: str, passage: _Passage) -> list[tuple[int, int]]:
    """The stretches of a passage that are not prose: URLs; in Markdown, code and addresses too. Sorted by start."""
    if not passage.markdown:
        return [match.span() for match in _URL_ONLY.finditer(text, passage.start, passage.end)]
    body = text[passage.start:passage.end]
    starts = _line_starts(body)
    spans = []
    for token in _BLOCKS.parse(body):
        if token.type in _CODE_BLOCKS and token.map:
            first, last = token.map
            spans.append((starts[first], starts[last] if last < len(starts) else len(body)))
    spans.extend(_code_spans(body))
    spans.extend(match.span() for match in _MARKDOWN_NOT_PROSE.finditer(body))
    return sorted((passage.start + start, passage.start + end) for start, end in spans)


def _code_spans(body: str) -> list[tuple[int, int]]:
    """Inline code: a run of backticks to the next run as long, within a paragraph."""
    spans = []
    position = 0
    paragraph_ends = [*(match.start() for match in _PARAGRAPH_END.finditer(body)), len(body)]
    while (opening := _BACKTICKS.search(body, position)) is not None:
        paragraph_end = paragraph_ends[bisect.bisect_left(paragraph_ends, opening.end())]
        closing = re.compile(rf"(?<!`){opening.group()}(?!`)").search(body, opening.end(), paragraph_end)
        if closing is None:
            position = opening.end()
            continue
        spans.append((opening.start(), closing.end()))
        position = closing.end()
    return spans


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(span_start < end and start < span_end for span_start, span_end in spans)


def _line_starts(text: str) -> list[int]:
    return [0, *(match.end() for match in re.finditer("\n", text))]


def _place(starts: list[int], offset: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of an offset in a text whose lines start at `starts`."""
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


def rewrite(root: Path, source: str, variants: list[Variant]) -> bool:
    """Put the canonical spellings in place of the variants in the file as it is on disk, byte order mark and
    CRLF line ends kept; the file replaced whole, so a reader never sees it half written. False if it cannot be."""
    data = read_file(root, source, Problems(), MAX_ARTICLE_BYTES)
    if data is None:
        return False
    raw = data.decode("utf-8")
    # read_source's text has no byte order mark and \n for \r\n: its offsets move by one for each taken out before them.
    bom = 1 if raw.startswith("\ufeff") else 0
    carriage_returns = [match.start() - index - bom for index, match in enumerate(re.finditer("\r\n", raw))]

    def in_raw(offset: int) -> int:
        return offset + bom + bisect.bisect_right(carriage_returns, offset - 1)

    for variant in sorted(variants, key=lambda v: v.start, reverse=True):
        start, end = in_raw(variant.start), in_raw(variant.end)
        raw = raw[:start] + respelled(raw[start:end], variant.spelling.canonical) + raw[end:]
    real, _ = locate(root, source)
    folder = os.path.dirname(real)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".khabar-fix-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(raw.encode("utf-8"))
        os.chmod(temporary, os.stat(real).st_mode & 0o7777)
        os.replace(temporary, real)
    except OSError:
        os.unlink(temporary)
        return False
    return True
