"""Digests of bytes, texts and files: what the build state compares instead of the things themselves."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

from .content import Article
from .problems import Problems
from .sourcefile import MAX_SOURCE_BYTES, read_file


def digest(*parts: bytes | str) -> bytes:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.digest()


def digests_of(root: Path, relatives: Iterable[str]) -> bytes:
    """One digest of several project files' bytes (the configuration, the string tables, the templates), read through
    the project's one door; a file it refuses counts as missing (the build reports why)."""
    parts: list[bytes | str] = []
    for relative in relatives:
        parts.append(relative)
        parts.append(read_file(root, relative, Problems(), MAX_SOURCE_BYTES) or "missing")
    return digest(*parts)


# What a page that lists an article shows of it. An article's field must be named here, or in SHOWN_ON_ITS_OWN_PAGE:
# tests/test_fingerprints.py fails on a field named in neither, so that a new one is never forgotten.
TEASER_FIELDS = (
    "source", "lang", "slug", "translation_key", "title", "date", "updated", "author_url", "category_url",
    "tags", "slider", "draft", "image", "summary", "reading_minutes", "url", "scheduled",
)
# The author's and category's names and bios are site.yaml's, which every fingerprint covers: their keys stand for them.
BY_KEY_FIELDS = ("author", "category")
SHOWN_ON_ITS_OWN_PAGE = (
    "body_html", "related_pins", "timeline_events", "terms", "body_pictures", "url_line", "aliases", "heading_ids",
    "body_links", "search_words",
)


def article_digests(article: Article) -> tuple[bytes, bytes]:
    """Digests of the article as read: of its teaser, which pages listing it show, and of the whole of it."""
    teaser = digest(repr((
        tuple(getattr(article, name) for name in TEASER_FIELDS),
        tuple(getattr(getattr(article, name), "key", None) for name in BY_KEY_FIELDS),
    )))
    whole = digest(teaser, article.body_html, repr(tuple(getattr(article, name) for name in SHOWN_ON_ITS_OWN_PAGE[1:])))
    return teaser, whole
