#!/usr/bin/env python3
"""Time computing every related list of one language, on one core, for the synthetic corpus.

    python3 dev.py bench --related   (or: .venv/bin/python bench/related_speed.py 10000)

The articles are loaded first (not timed); then `related_articles` runs for each
language in this one process, which is what the model stage does.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_corpus  # noqa: E402

from khabar.config import load_config  # noqa: E402
from khabar.load import load_articles  # noqa: E402
from khabar.problems import Problems  # noqa: E402
from khabar.related import related_articles  # noqa: E402

CORPORA = Path(__file__).resolve().parent / "corpus"


def main(pairs: int) -> None:
    folder = make_corpus(CORPORA, pairs)
    config = load_config(folder)
    articles = list(load_articles(config, Problems(), lambda every: every).built.values())
    for lang in config.language_codes:
        mine = [article for article in articles if article.lang == lang]
        started = time.perf_counter()
        lists = related_articles(mine, {}, config.related)
        seconds = time.perf_counter() - started
        shortest = min(len(found) for found in lists.values())
        print(f"{lang}: related lists for {len(mine)} articles in {seconds:.2f} s on one core (every list has at least {shortest})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
