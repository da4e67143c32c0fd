"""One file of the built site, whatever its kind: page, feed, sitemap, asset, image or search index.

Every stage after the model hands the writer `Output`s; each knows where it goes,
what it is, its bytes, and the project files it was made from, so a later build
can tell which outputs an edit touches.
"""

from __future__ import annotations

from dataclasses import dataclass

from .digests import digest

HTML = "text/html"
ATOM = "application/atom+xml"
XML = "application/xml"
TEXT = "text/plain"


@dataclass(frozen=True)
class Output:
    path: str  # relative to the output folder, "ar/feed.xml"
    media_type: str
    content: bytes
    inputs: tuple[str, ...]  # project files it was made from: sources, templates, configuration, assets

    @property
    def digest(self) -> bytes:
        """What its bytes are, in 16 bytes: a later build compares it with its own to leave an unchanged file alone."""
        return digest(self.content)
