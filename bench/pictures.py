#!/usr/bin/env python3
"""Time the demo site's build with a cold picture cache, then again with the cache its first build left.

    .venv/bin/python bench/pictures.py

The demo is copied to a temporary folder so its cache starts empty; the project's own
.cache is not touched. The difference between the two builds is the encoding. Beside
wall time it reports the CPU time of the build and its workers, which other work on
the machine disturbs less.
"""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def timed_build(root: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (the build and its workers), and the build's line about pictures."""
    started, cpu_before = time.perf_counter(), _children_cpu()
    completed = subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), "--root", str(root), "build", "--out", str(root / "_site")],
        capture_output=True, text=True, check=True,
    )
    pictures = re.search(r"pictures: .*", completed.stdout)
    return time.perf_counter() - started, _children_cpu() - cpu_before, pictures.group(0) if pictures else "no pictures"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name in ("content", "layouts", "assets"):
            shutil.copytree(PROJECT / name, root / name)
        shutil.copy(PROJECT / "site.yaml", root / "site.yaml")
        cold, cold_cpu, cold_pictures = timed_build(root)
        warm, warm_cpu, warm_pictures = timed_build(root)
    print(f"cold cache: {cold:.2f} s, {cold_cpu:.2f} s of CPU ({cold_pictures})")
    print(f"warm cache: {warm:.2f} s, {warm_cpu:.2f} s of CPU ({warm_pictures})")
    print(f"encoding:   {cold - warm:.2f} s, {cold_cpu - warm_cpu:.2f} s of CPU")


if __name__ == "__main__":
    main()
