"""Article bodies: CommonMark plus tables, safe by default, headings linkable, pictures responsive."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Callable, Sequence
from urllib.parse import quote, unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .pictures import WEBP, ImageVariant, Picture
from .urls import slugify

# A body picture is as wide as the article's column: the whole screen on phones, 42rem from tablets on.
BODY_PICTURE_SIZES = "(min-width: 48rem) 42rem, 100vw"

# Given an image's address as written and its line in the Markdown: its URL and picture, or None if it is
# unusable (the locator has reported why).
ImageLocator = Callable[[str, int], "tuple[str, Picture | None] | None"]


@dataclass(frozen=True)
class RenderedBody:
    html: str
    first_paragraph: str  # plain text, the summary when the front matter gives none
    word_count: int
    text: str  # the words of every paragraph and heading, for comparing articles
    pictures: tuple[Picture, ...] = ()  # the raster pictures it shows
    heading_ids: tuple[str, ...] = ()  # in the order of the headings
    source_links: tuple[SourceLink, ...] = ()  # its links to articles by their file, in order; see `fill_source_links`


@dataclass(frozen=True)
class SourceLink:
    """A link to an article by its Markdown file ("../en/other.md#heading"), or to a heading of its own ("#heading")."""

    href: str  # as Markdown normalised it: percent-encoded
    line: int  # in the Markdown text, 1-based
    column: int  # of its destination on that line, 1-based; 0 when it is not written there (a reference-style link)


# Where the n-th source link opens and closes in the rendered HTML, until `fill_source_links` knows its URL. Markdown
# turns every NUL of its input into U+FFFD, so no text of the editor's can look like one; attribute values are
# escaped, so the opening tag ends at the first ">".
_SOURCE_LINK = re.compile('<a href="\x00(\\d+)\x00"[^>]*>|</a\x00(\\d+)\x00>')


@lru_cache(maxsize=2)
def _parser(allow_html: bool) -> MarkdownIt:
    # markdown-it's link validation already refuses javascript:, vbscript:, file: and data: URLs.
    parser = MarkdownIt("commonmark", {"html": allow_html, "typographer": False}).enable("table")
    parser.core.ruler.push("heading_ids", _give_heading_ids)
    parser.core.ruler.push("source_links", _mark_source_links)
    parser.add_render_rule("image", _render_image)
    parser.add_render_rule("link_close", _render_link_close)
    return parser


def _give_heading_ids(state: StateCore) -> None:
    """Each heading below the title an id made from its text, to link to; one no other element of its page has."""
    template_ids: re.Pattern[str] | None = state.env.get("template_ids")
    taken: dict[str, None] = {}  # a set that keeps the headings' order
    state.env["heading_ids"] = taken
    for index, token in enumerate(state.tokens):
        if token.type == "heading_open" and token.tag != "h1":
            text = "".join(child.content for child in state.tokens[index + 1].children or () if child.type in ("text", "code_inline"))
            heading_id = _free_id(slugify(text) or "section", taken, template_ids)
            taken[heading_id] = None
            token.attrSet("id", heading_id)


def _free_id(wanted: str, taken: dict[str, None], template_ids: re.Pattern[str] | None) -> str:
    """`wanted`, else it numbered: "main-1" for a heading "Main", "same-1" for the second heading "Same".

    An id a template may give ("slide-{{ loop.index }}") matches only ids with as many hyphens as its own; numbering
    one such ("slide-2" -> "slide-2-1") adds a hyphen, so the search always ends.
    """
    base, candidate, number = wanted, wanted, 0
    while candidate in taken or (template_ids and template_ids.fullmatch(candidate)):
        if template_ids and template_ids.fullmatch(candidate):
            base, number = candidate, 0
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def is_source_link(href: str) -> bool:
    """Whether a link names an article by its Markdown file, or a heading of the article itself."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return False
    return parts.path.endswith(".md") or (not parts.path and not parts.query and bool(parts.fragment))


def _mark_source_links(state: StateCore) -> None:
    """Note each link to an article by its file, where it is written, and leave a placeholder for its URL."""
    links: list[SourceLink] = []
    state.env["source_links"] = links
    lines: list[str] | None = None
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] if token.map else 0
        searched_from = 0  # two links on one line: the second is found after the first
        open_number: int | None = None
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line, searched_from = line + 1, 0
            elif child.type == "link_open" and is_source_link(href := str(child.attrGet("href"))):
                lines = lines if lines is not None else state.src.split("\n")
                column, searched_from = _destination_column(lines[line] if line < len(lines) else "", href, searched_from)
                open_number = len(links)
                child.attrSet("href", f"\x00{open_number}\x00")
                links.append(SourceLink(href, line + 1, column))
            elif child.type == "link_close" and open_number is not None:
                child.meta["source_link"] = open_number  # links do not nest: this closes the one just opened
                open_number = None


def _destination_column(line: str, href: str, start: int) -> tuple[int, int]:
    """The 1-based column of a link's destination on its line, 0 if not there, and where to look for the next one."""
    for written in (unquote(href), href):
        for opening in ("(", "(<"):  # [text](destination) or [text](<destination>)
            found = line.find(opening + written, start)
            if found >= 0:
                return found + len(opening) + 1, found + len(opening) + len(written)
    return 0, start


def _render_link_close(self: RendererHTML, tokens: Sequence[Token], index: int, options, env) -> str:
    number = tokens[index].meta.get("source_link")
    return "</a>" if number is None else f"</a\x00{number}\x00>"


def fill_source_links(html: str, hrefs: Sequence[str | None]) -> str:
    """The body's HTML with its n-th source link pointing at `hrefs[n]`, or reduced to its text where that is None."""

    def filled(match: re.Match[str]) -> str:
        opening, closing = match.group(1), match.group(2)
        href = hrefs[int(opening if opening is not None else closing)]
        if href is None:
            return ""
        if closing is not None:
            return "</a>"
        return match.group(0).replace(f"\x00{opening}\x00", escape(href), 1)

    return _SOURCE_LINK.sub(filled, html)


def render_markdown(
    source: str, allow_html: bool = False, locate_image: ImageLocator | None = None, eager_first_picture: bool = False,
    template_ids: re.Pattern[str] | None = None,
) -> RenderedBody:
    """The body's HTML and words; `eager_first_picture` when no picture above the body comes first on the page,
    `template_ids` the ids its page's templates use, which its headings' ids must not repeat."""
    parser = _parser(allow_html)
    parse_env = {"template_ids": template_ids}
    tokens = parser.parse(source, parse_env)
    pictures = _locate_images(tokens, locate_image) if locate_image else ()
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
    env = {"eager_pictures": 1 if eager_first_picture else 0}
    return RenderedBody(
        parser.renderer.render(tokens, parser.options, env), first_paragraph, word_count, "\n".join(texts), pictures,
        tuple(parse_env["heading_ids"]), tuple(parse_env["source_links"]),
    )


def _locate_images(tokens: list[Token], locate_image: ImageLocator) -> tuple[Picture, ...]:
    """Resolve every image's address and picture; an image alone in its paragraph with a title becomes a figure."""
    pictures = []
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] + 1 if token.map else 1
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "image" and (located := locate_image(str(child.attrGet("src")), line)):
                url, picture = located
                child.attrSet("src", url)
                child.meta["located"] = True
                if picture:
                    child.meta["picture"] = picture
                    pictures.append(picture)
        only = token.children[0]
        paragraph = tokens[index - 1]
        if len(token.children) == 1 and only.type == "image" and only.attrGet("title") and paragraph.type == "paragraph_open" and not paragraph.hidden:
            paragraph.tag = tokens[index + 1].tag = "figure"
            only.meta["caption"] = True
    return tuple(dict.fromkeys(pictures))


def _render_image(self: RendererHTML, tokens: Sequence[Token], index: int, options, env) -> str:
    """A located raster image as a <picture>, any other located one lazily loaded, and a figure's title as its caption."""
    token = tokens[index]
    if not token.meta.get("located"):
        return RendererHTML.image(self, tokens, index, options, env)
    caption = ""
    if token.meta.get("caption"):
        caption = f"<figcaption>{escape(str(token.attrGet('title')))}</figcaption>"
        token.attrs.pop("title")
    eager = env.get("eager_pictures", 0) > 0
    env["eager_pictures"] = env.get("eager_pictures", 0) - 1
    picture = token.meta.get("picture")
    if picture is None:
        if not eager:
            token.attrSet("loading", "lazy")
            token.attrSet("decoding", "async")
        return RendererHTML.image(self, tokens, index, options, env) + caption
    alt = self.renderInlineAsText(token.children or [], options, env)
    return picture_html(picture, alt, BODY_PICTURE_SIZES, eager) + caption


def picture_html(picture: Picture, alt: str, sizes: str, eager: bool, css_class: str | None = None) -> str:
    """A raster picture as WebP beside its own format at every width, with the real size of its fallback.

    Its URLs are site-relative, as in every article body: pages pass it through `Links.in_html`.
    The first picture of a page is fetched first (`eager`); the others wait until they come near the screen.
    """
    fallback = picture.largest()
    webp = f'<source type="image/webp" srcset="{_srcset(picture.in_format(WEBP))}" sizes="{sizes}">' if picture.media_type != WEBP else ""
    loading = 'fetchpriority="high"' if eager else 'loading="lazy" decoding="async"'
    class_attribute = f' class="{escape(css_class)}"' if css_class else ""
    return (
        f'<picture>{webp}<img{class_attribute} src="{quote(fallback.url)}" srcset="{_srcset(picture.in_format(picture.media_type))}"'
        f' sizes="{sizes}" width="{fallback.width}" height="{fallback.height}" alt="{escape(alt)}" {loading}></picture>'
    )


def _srcset(variants: tuple[ImageVariant, ...]) -> str:
    # Percent-encoded, so that a space or comma in a file name cannot split a candidate.
    return ", ".join(f"{quote(variant.url)} {variant.width}w" for variant in variants)


def parse_markdown(source: str, allow_html: bool = False) -> list[Token]:
    """A body's block tokens, as the build parses it, for reading what the HTML no longer shows (heading levels, where text stands)."""
    return _parser(allow_html).parse(source, {})
