"""Turning the model's site-relative URLs into the addresses a published file links to."""

from __future__ import annotations

import html
import re
from typing import Mapping
from urllib.parse import quote, urlsplit

from .assets import Asset

# A site-relative address in an attribute of HTML the model made (an article body): href="/ar/…", srcset="/a.webp 640w, …".
_SITE_RELATIVE_ATTRIBUTE = re.compile(r'\b(href|src|srcset)="(/(?!/)[^"]*)"')  # not "//host/…": another host


class Links:
    """Site-relative URLs with the base path added and percent-encoded; files under assets/ by their fingerprinted names."""

    def __init__(self, base_url: str, assets: Mapping[str, Asset]):
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.prefix = parts.path.rstrip("/")
        self.assets = assets
        self._published = {asset.source_url: asset.url for asset in assets.values()}
        self._encoded: dict[str, str] = {}

    def href(self, url: str) -> str:
        # Pages link to the same few thousand addresses over and over; encode each once.
        encoded = self._encoded.get(url)
        if encoded is None:
            if url.startswith(("https://", "http://")):
                encoded = url
            else:
                encoded = quote(self.prefix + self._published.get(url, url), safe="/#?=&%:~")
            self._encoded[url] = encoded
        return encoded

    def absolute(self, url: str) -> str:
        return url if url.startswith(("https://", "http://")) else self.origin + self.href(url)

    def asset(self, relative: str) -> str:
        """The link to a file under assets/ ("css/site.css"), by its fingerprinted name."""
        return self.href(self.assets[relative].url)

    def in_html(self, markup: str, *, absolute: bool = False) -> str:
        """HTML whose site-relative links are made published ones: prefixed, encoded, and absolute for feeds."""
        if '="/' not in markup:  # most bodies link nowhere in the site: spare them the scan
            return markup
        address = self.absolute if absolute else self.href

        def published(match: re.Match[str]) -> str:
            attribute, value = match.group(1), html.unescape(match.group(2))
            if attribute == "srcset":
                candidates = (candidate.strip().split(" ", 1) for candidate in value.split(","))
                value = ", ".join(" ".join((address(parts[0]), *parts[1:])) for parts in candidates)
            else:
                value = address(value)
            return f'{attribute}="{html.escape(value)}"'

        return _SITE_RELATIVE_ATTRIBUTE.sub(published, markup)
