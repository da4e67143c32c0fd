"""Article bodies: CommonMark plus tables, safe by default, headings linkable."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

from .urls import slugify


@dataclass(frozen=True)
class RenderedBody:
    html: str
    first_paragraph: str  # plain text, the summary when the front matter gives none
    word_count: int
    text: str  # the words of every paragraph and heading, for comparing articles


@lru_cache(maxsize=2)
def _parser(allow_html: bool) -> MarkdownIt:
    # markdown-it's link validation already refuses javascript:, vbscript:, file: and data: URLs.
    parser = MarkdownIt("commonmark", {"html": allow_html, "typographer": False}).enable("table")
    parser.use(anchors_plugin, min_level=2, max_level=6, slug_func=_heading_id)
    return parser


def _heading_id(text: str) -> str:
    return slugify(text) or "section"


def render_markdown(source: str, allow_html: bool = False) -> RenderedBody:
    parser = _parser(allow_html)
    tokens = parser.parse(source)
    first_paragraph = ""
    word_count = 0
    texts = []
    for index, token in enumerate(tokens):
        if token.type != "inline":
            continue
        texts.append(token.content)
        word_count += len(token.content.split())
        if not first_paragraph and index > 0 and tokens[index - 1].type == "paragraph_open":
            first_paragraph = "".join(
                " " if child.type in ("softbreak", "hardbreak") else child.content
                for child in token.children or ()
                if child.type in ("text", "code_inline", "softbreak", "hardbreak")
            ).strip()
    return RenderedBody(parser.renderer.render(tokens, parser.options, {}), first_paragraph, word_count, "\n".join(texts))
