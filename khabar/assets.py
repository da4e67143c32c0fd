"""The files under assets/, published under names that carry a hash of their content.

A fingerprinted name changes whenever the file does, so hosts may tell browsers
to cache assets for a year. Raster pictures (JPEG, PNG, WebP) are not published
as they are, since they may carry a camera's metadata: only their derivatives are
(khabar/pictures.py). Stylesheets name fonts and pictures through url(),
so those links are rewritten to the fingerprinted names before the stylesheet
itself is hashed.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from .config import ASSETS_DIR
from .output import Output
from .pictures import is_raster
from .problems import Problems
from .sourcefile import MAX_ASSET_BYTES, files_under, read_file

_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
FINGERPRINT_LENGTH = 10  # hexadecimal digits of the content's SHA-256, before the suffix
_FINGERPRINT = re.compile(rf"\.[0-9a-f]{{{FINGERPRINT_LENGTH}}}(?=\.[^./]*$)")
MEDIA_TYPES = {
    ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript", ".woff2": "font/woff2",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".webp": "image/webp", ".txt": "text/plain", ".ico": "image/x-icon",
}


@dataclass(frozen=True)
class Asset:
    relative: str  # "css/site.css", under assets/
    published: str  # "css/site.5f0c2a91d3.css": the name it is published under
    content: bytes
    names: tuple[str, ...] = ()  # the other assets a stylesheet names, whose fingerprints are in its content

    @property
    def source_url(self) -> str:
        return f"/{ASSETS_DIR}/{self.relative}"

    @property
    def url(self) -> str:
        return f"/{ASSETS_DIR}/{self.published}"

    def output(self) -> Output:
        suffix = posixpath.splitext(self.relative)[1].lower()
        media_type = MEDIA_TYPES.get(suffix, "application/octet-stream")
        inputs = tuple(f"{ASSETS_DIR}/{relative}" for relative in (self.relative, *self.names))
        return Output(f"{ASSETS_DIR}/{self.published}", media_type, self.content, inputs)


def collect_assets(root: Path, problems: Problems) -> dict[str, Asset]:
    """Every file under assets/ but raster pictures, by its path there; stylesheets last, so the files they name are already hashed.

    Every file that is not read (a link out of the project, a pipe, a file too large) is reported in `problems`.
    """
    files = sorted(
        (
            project_path.removeprefix(f"{ASSETS_DIR}/") for project_path in files_under(root, ASSETS_DIR, problems)
            if not is_raster(project_path)
        ),
        key=lambda relative: (relative.endswith(".css"), relative),
    )
    assets: dict[str, Asset] = {}
    for relative in files:
        content, names = read_file(root, f"{ASSETS_DIR}/{relative}", problems, MAX_ASSET_BYTES), ()
        if content is None:
            continue
        if relative.endswith(".css"):
            content, names = _point_at_fingerprints(relative, content, assets)
        assets[relative] = Asset(relative, _fingerprinted(relative, content), content, names)
    return assets


def _fingerprinted(relative: str, content: bytes) -> str:
    stem, suffix = posixpath.splitext(relative)
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:FINGERPRINT_LENGTH]}{suffix}"


def source_name(published: str) -> str:
    """A published name without its fingerprint ("/assets/css/site.5f0c2a91d3.css" → "/assets/css/site.css"):
    the name every version of the file shares."""
    return _FINGERPRINT.sub("", published)


def _point_at_fingerprints(relative: str, content: bytes, assets: dict[str, Asset]) -> tuple[bytes, tuple[str, ...]]:
    """The stylesheet with its url()s naming fingerprinted files, and the assets it names."""
    folder = posixpath.dirname(relative)
    names: list[str] = []

    def fingerprinted(match: re.Match[str]) -> str:
        target = match.group(2)
        named = posixpath.normpath(posixpath.join(folder, target))
        if "://" in target or target.startswith(("data:", "/", "#")) or named not in assets:
            return match.group(0)
        names.append(named)
        published = posixpath.relpath(assets[named].published, folder or ".")
        return f'url("{published}")'

    # surrogateescape: a stray byte in a stylesheet passes through untouched rather than failing the build.
    rewritten = _CSS_URL.sub(fingerprinted, content.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
    return rewritten, tuple(dict.fromkeys(names))
