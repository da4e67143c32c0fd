#!/usr/bin/env python3
"""Time a clean build of the synthetic corpus, and the floor of the stack beside it.

    python3 dev.py bench                 # N = 1,000 and 10,000 pairs
    python3 dev.py bench --pairs 2000    # one size

The figure reported is wall time of `build.py build` in a fresh process and the
peak memory (max RSS) of the largest process in it.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import PROJECT, make_corpus  # noqa: E402

BENCH = Path(__file__).resolve().parent
CORPORA = BENCH / "corpus"


def timed(command: list[str]) -> tuple[float, float]:
    """Seconds of wall time, and the largest child's peak memory in MB."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak_kb / 1024


def clean_build(pairs: int) -> tuple[Path, Path, float, float]:
    """The corpus of `pairs` pairs built from nothing: its folder, the output folder, seconds and peak MB."""
    folder = make_corpus(CORPORA, pairs)
    out = CORPORA / f"out-{pairs}"
    shutil.rmtree(out, ignore_errors=True)
    seconds, peak = timed([sys.executable, str(PROJECT / "build.py"), "--root", str(folder), "build", "--out", str(out)])
    return folder, out, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, action="append", help="article pairs (repeatable)")
    parser.add_argument("--floor", action="store_true", help="also time the stack's floor (bench/floor.py)")
    options = parser.parse_args()
    for pairs in options.pairs or [1000, 10000]:
        folder, out, seconds, peak = clean_build(pairs)
        pages = sum(1 for _ in out.rglob("*.html"))
        print(f"{pairs:>6} pairs ({2 * pairs} articles, {pages} pages): clean build {seconds:6.2f} s, peak RSS {peak:6.0f} MB")
        check_seconds, _ = timed([sys.executable, str(PROJECT / "build.py"), "--root", str(folder), "check"])
        print(f"{'':>6} check (load with drafts, then every finding of khabar/checks): {check_seconds:6.2f} s")
        if options.floor:
            floor_seconds, _ = timed([sys.executable, str(BENCH / "floor.py"), str(folder)])
            print(f"{'':>6} floor of the stack (read, front matter, Markdown, one template, write; 2 processes): {floor_seconds:6.2f} s"
                  f" -> ratio {seconds / floor_seconds:.2f}")


if __name__ == "__main__":
    main()
