#!/usr/bin/env python3
"""Time `check` on the synthetic corpus with the demo's glossary and without it: what the glossary's findings cost.

    .venv/bin/python bench/glossary_check.py               # 1,000 pairs
    .venv/bin/python bench/glossary_check.py --pairs 5000
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import PROJECT, make_corpus  # noqa: E402

CORPORA = Path(__file__).resolve().parent / "corpus"


def timed_check(folder: Path) -> tuple[float, int]:
    """Seconds of wall time of `build.py check` in a fresh process, and how many glossary findings it printed."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "--root", str(folder), "check"],
                            capture_output=True, text=True, encoding="utf-8")
    return time.perf_counter() - started, result.stderr.count("content/glossary.yaml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=1000, help="article pairs")
    pairs = parser.parse_args().pairs
    folder = make_corpus(CORPORA, pairs)
    glossary = folder / "content" / "glossary.yaml"
    glossary.unlink(missing_ok=True)
    without, _ = timed_check(folder)
    shutil.copyfile(PROJECT / "content" / "glossary.yaml", glossary)
    try:
        with_glossary, findings = timed_check(folder)
    finally:
        glossary.unlink()
    print(f"{pairs:>6} pairs ({2 * pairs} articles): check {without:6.2f} s without a glossary,"
          f" {with_glossary:6.2f} s with the demo's ({findings} findings)")


if __name__ == "__main__":
    main()
