#!/usr/bin/env python3
"""Build the demo and a synthetic corpus, and save or compare every output file's digest: a speed-up must not change a byte.

    python3 bench/same_bytes.py --save before.json     # before a change
    python3 bench/same_bytes.py --compare before.json  # after it: lists every file added, removed or changed
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import PROJECT, make_corpus  # noqa: E402

NOW = "2026-01-01T00:00:00+00:00"  # a fixed build time: the News sitemap and the scheduled articles depend on it


def tree_digest(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def built(root: Path, extra: list[str]) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "site"
        subprocess.run([sys.executable, str(PROJECT / "build.py"), "--root", str(root), "build", "--out", str(out), "--now", NOW,
                        *extra], check=True)
        return tree_digest(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=1000, help="the corpus's article pairs [1000]")
    parser.add_argument("--jobs", default=None, help="passed to build --jobs")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--save", type=Path)
    what.add_argument("--compare", type=Path)
    options = parser.parse_args()
    extra = ["--jobs", options.jobs] if options.jobs else []
    sites = {"demo": built(PROJECT, extra),
             f"{options.pairs} pairs": built(make_corpus(PROJECT / "bench" / "corpus", options.pairs), extra)}
    if options.save:
        options.save.write_text(json.dumps(sites, indent=0, sort_keys=True))
        print(f"saved the digests of {sum(map(len, sites.values()))} files to {options.save}")
        return
    before = json.loads(options.compare.read_text())
    differences = [f"{site}: {path}: {'added' if path not in before[site] else 'removed' if path not in now else 'changed'}"
                   for site, now in sites.items()
                   for path in sorted(set(now) | set(before[site])) if now.get(path) != before[site].get(path)]
    print("\n".join(differences[:50]) or f"the same bytes: {sum(map(len, sites.values()))} files")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
