#!/usr/bin/env python3
"""Time the demo site's build with a cold picture cache, then again with the cache its first build left.

    .venv/bin/python bench/pictures.py

The demo is copied to a temporary folder so its cache starts empty; the project's own
.cache is not touched. The difference between the two builds is the encoding.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def timed_build(root: Path) -> tuple[float, str]:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), "--root", str(root), "build", "--out", str(root / "_site")],
        capture_output=True, text=True, check=True,
    )
    pictures = re.search(r"pictures: .*", completed.stdout)
    return time.perf_counter() - started, pictures.group(0) if pictures else "no pictures"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name in ("content", "layouts", "assets"):
            shutil.copytree(PROJECT / name, root / name)
        shutil.copy(PROJECT / "site.yaml", root / "site.yaml")
        cold, cold_pictures = timed_build(root)
        warm, warm_pictures = timed_build(root)
    print(f"cold cache: {cold:.2f} s ({cold_pictures})")
    print(f"warm cache: {warm:.2f} s ({warm_pictures})")
    print(f"encoding:   {cold - warm:.2f} s")


if __name__ == "__main__":
    main()
