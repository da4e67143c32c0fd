#!/usr/bin/env python3
"""Time reading every article's last change from git (khabar/gitdates.py) in a newsroom-sized history.

    .venv/bin/python bench/gitdates_speed.py [FILES] [EDITS]   # default: 20,000 articles, 20,000 later commits

The repository is made once with `git fast-import` (deterministic: fixed names, dates and seed): the
articles added a thousand to a commit, then EDITS commits each changing one to three of them.
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from khabar.gitdates import last_changes  # noqa: E402

REPOSITORIES = Path(__file__).resolve().parent / "corpus"
START = 1_600_000_000  # 2020-09-13, the first commit's time


def make_history(folder: Path, files: int, edits: int) -> None:
    """A repository of `files` articles and `edits` later commits, unless it is there already."""
    if (folder / ".git").is_dir():
        return
    folder.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=folder, check=True)
    names = [f"content/{'ar' if n % 2 else 'en'}/story-{n}.md" for n in range(files)]
    chosen = random.Random(8)
    stream = []
    moment = START

    def commit(changed: list[str], text: str) -> None:
        nonlocal moment
        moment += 600
        message = f"{text}\n".encode()
        stream.append(f"commit refs/heads/main\ncommitter Desk <desk@example.org> {moment} +0300\n".encode())
        stream.append(f"data {len(message)}\n".encode() + message)
        for name in changed:
            body = f"---\ntitle: {name}\ndate: 2020-09-13\n---\n\nEdited at {moment}.\n".encode()
            stream.append(f"M 644 inline {name}\ndata {len(body)}\n".encode() + body)

    for start in range(0, files, 1000):
        commit(names[start:start + 1000], "New articles")
    for _ in range(edits):
        commit(chosen.sample(names, chosen.randint(1, 3)), "A correction")
    subprocess.run(["git", "fast-import", "--quiet"], cwd=folder, input=b"".join(stream), check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=folder, check=True)


def main(files: int = 20_000, edits: int = 20_000) -> None:
    folder = REPOSITORIES / f"git-{files}-{edits}"
    make_history(folder, files, edits)
    started = time.perf_counter()
    changes = last_changes(folder, "content")
    seconds = time.perf_counter() - started
    print(f"{files} articles, {edits + files // 1000} commits: last changes of {len(changes)} read in {seconds:.2f} s (one git log)")


if __name__ == "__main__":
    main(*(int(argument) for argument in sys.argv[1:3]))
