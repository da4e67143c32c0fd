"""Stage 4: every output into the output folder, all or nothing.

Everything is written to a staging folder beside the output and swapped in only
once the whole site is there, so a failed build leaves the last good site. Pages
are written as they are rendered, by the render workers themselves, so that no
page's bytes travel between processes.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .config import ASSETS_DIR, CONTENT_DIR
from .output import Output
from .render import LAYOUTS_DIR


class UnsafeOutput(Exception):
    """The output folder named is one the build must not replace."""


class OutputWriter:
    """Writes outputs under one folder; small enough to be inherited by forked render workers."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __call__(self, output: Output) -> None:
        target = self.folder / output.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output.content)


@contextmanager
def staged_output(root: Path, out: Path) -> Iterator[OutputWriter]:
    """A writer into a staging folder beside `out` that replaces `out` only if the block succeeds."""
    out = out.resolve()
    _refuse_dangerous_output(root.resolve(), out)
    staging = out.with_name(f".{out.name}.staging")
    retired = out.with_name(f".{out.name}.previous")
    for leftover in (staging, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    staging.mkdir(parents=True)
    # Static hosts such as GitHub Pages would otherwise run Jekyll over the site.
    (staging / ".nojekyll").write_bytes(b"")
    try:
        yield OutputWriter(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if out.exists():
        os.rename(out, retired)
    os.rename(staging, out)
    shutil.rmtree(retired, ignore_errors=True)


def _refuse_dangerous_output(root: Path, out: Path) -> None:
    """The output folder is deleted and replaced, so it must never be the project or above it."""
    sources = [root / name for name in (CONTENT_DIR, LAYOUTS_DIR, ASSETS_DIR)]
    inside_sources = any(out == source or source in out.parents for source in sources)
    if out == root or out in root.parents or out == Path.home() or inside_sources:
        raise UnsafeOutput(f"refusing to replace {out}: choose an output folder such as _site/")
    if out.exists() and not out.is_dir():
        raise UnsafeOutput(f"output {out} exists and is not a folder")
