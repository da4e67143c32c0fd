#!/usr/bin/env python3
"""Time the search index of the synthetic corpus, and weigh it against the whole build it is part of.

    .venv/bin/python bench/search_index.py                # N = 1,000 and 10,000 pairs
    .venv/bin/python bench/search_index.py --pairs 2000   # one size

For each size: a clean `build.py build` in a fresh process (search included), then, on the
site model of the same corpus, the index alone as the build makes it, khabar's records (its
Python) timed apart and Pagefind's binaries' CPU, the files and bytes it publishes, and what
it adds to the build without it.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from run import clean_build  # noqa: E402

from khabar.links import Links  # noqa: E402
from khabar.outputs.search import search_outputs, search_records  # noqa: E402
from khabar.pipeline import load_site  # noqa: E402


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, action="append", help="article pairs (repeatable)")
    options = parser.parse_args()
    for pairs in options.pairs or [1000, 10000]:
        folder, out, build_seconds, _ = clean_build(pairs)
        published = [path for path in (out / "pagefind").rglob("*") if path.is_file()]

        site, assets, _ = load_site(folder)
        links = Links(site.config.base_url, assets)
        started = time.perf_counter()
        for made in search_records(site, links).values():
            for _ in made:
                pass
        records_seconds = time.perf_counter() - started
        started, binary_before = time.perf_counter(), cpu_seconds(resource.RUSAGE_CHILDREN)
        search_outputs(site, links)
        search_seconds = time.perf_counter() - started
        binary_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - binary_before

        print(f"{pairs:>6} pairs: clean build {build_seconds:6.2f} s, of which the search index {search_seconds:5.2f} s"
              f" (+{100 * search_seconds / (build_seconds - search_seconds):.0f}% on the build without it)")
        print(f"{'':>14}khabar's records {records_seconds:5.2f} s (made while Pagefind indexes the ones before);"
              f" Pagefind's binaries {binary_cpu:5.2f} s of CPU (one per language, side by side)")
        print(f"{'':>14}published: {len(published)} files, {sum(path.stat().st_size for path in published) / 1e6:.1f} MB under pagefind/")

if __name__ == "__main__":
    main()
