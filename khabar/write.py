"""Stage 4: the rendered pages and the assets into the output folder, all or nothing.

Everything is written to a staging folder beside the output and swapped in only
once the whole site is there, so a failed build leaves the last good site.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterable

from .assets import Asset
from .config import ASSETS_DIR
from .render import LAYOUTS_DIR, RenderedPage


def write_site(root: Path, out: Path, pages: Iterable[RenderedPage], assets: dict[str, Asset]) -> int:
    """Write every page and asset, then replace `out` with them; return the number of pages."""
    out = out.resolve()
    _refuse_dangerous_output(root.resolve(), out)
    staging = out.with_name(f".{out.name}.staging")
    retired = out.with_name(f".{out.name}.previous")
    for leftover in (staging, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    staging.mkdir(parents=True)
    try:
        count = 0
        made_folders: set[Path] = set()
        for page in pages:
            target = staging / page.path
            if target.parent not in made_folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                made_folders.add(target.parent)
            target.write_bytes(page.content)
            count += 1
        for asset in assets.values():
            target = staging / ASSETS_DIR / asset.relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / ASSETS_DIR / asset.relative, target)
        # Static hosts such as GitHub Pages would otherwise run Jekyll over the site.
        (staging / ".nojekyll").write_bytes(b"")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if out.exists():
        os.rename(out, retired)
    os.rename(staging, out)
    shutil.rmtree(retired, ignore_errors=True)
    return count


def _refuse_dangerous_output(root: Path, out: Path) -> None:
    """The output folder is deleted and replaced, so it must never be the project or above it."""
    sources = [root / name for name in ("content", LAYOUTS_DIR, ASSETS_DIR)]
    inside_sources = any(out == source or source in out.parents for source in sources)
    if out == root or out in root.parents or out == Path.home() or inside_sources:
        raise ValueError(f"refusing to replace {out}: choose an output folder such as _site/")
    if out.exists() and not out.is_dir():
        raise ValueError(f"output {out} exists and is not a folder")
