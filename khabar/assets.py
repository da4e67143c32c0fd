"""The files under assets/, each with a content hash so browsers may cache them for good."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .config import ASSETS_DIR


@dataclass(frozen=True)
class Asset:
    relative: str  # "css/site.css", under assets/
    digest: str  # a short content hash, appended to links as ?v=…

    @property
    def url(self) -> str:
        return f"/{ASSETS_DIR}/{self.relative}"


def collect_assets(root: Path) -> dict[str, Asset]:
    folder = root / ASSETS_DIR
    assets = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if path.is_file() and not path.name.startswith("."):
            relative = path.relative_to(folder).as_posix()
            assets[relative] = Asset(relative, hashlib.sha256(path.read_bytes()).hexdigest()[:10])
    return assets
