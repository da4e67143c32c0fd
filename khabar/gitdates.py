"""When each file under a folder was last changed, as the site's git history tells it.

An article without `updated` takes its update from git: the author date (with its offset) of the newest commit that
modified its file. The commit that added a file is its publication, not an update. Only history counts, never the
working tree, so an edit not yet committed changes nothing; and the newest date among the commits of a history does
not depend on the order they are walked in, so one commit always gives the same dates. Without git, outside a
repository, in a repository without commits, or in a shallow clone (whose oldest commit seems to add every file at
once), there are no dates: never an error.

One `git log` reads the whole folder's history (a site may have 20,000 articles; a process per file would take
minutes). Even so, a long history of a large flat folder takes a while to diff, so what it found is kept in
.cache/ with the commit it was read at, and the next build reads only the commits since (bench/gitdates_speed.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

CACHE_FILE = ".cache/gitdates.json"
# Written before each commit's author date; git writes this byte where the format asks for %x1e.
_RECORD = "\x1e"
_MODIFIED = ("M", "T")  # --name-status: modified, or its type changed; A is an addition, D a deletion
# Variables git obeys to work on another repository than the one the site is in (a hook sets them, for one).
_ELSEWHERE = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
              "GIT_NAMESPACE", "GIT_COMMON_DIR")


def history_mark(root: Path) -> str | None:
    """The commit the site's history stands at (and whether the clone is shallow): the dates depend on nothing else."""
    return _git(root, "rev-parse", "--is-shallow-repository", "HEAD")


def last_changes(root: Path, folder: str) -> dict[str, dt.datetime]:
    """Each file under root/folder that a commit modified after adding it: its path from root -> the newest such commit's author date."""
    state = history_mark(root)  # None: no git, no repository, no commit
    if state is None or state.split("\n")[0] != "false":
        return {}
    head = state.split("\n")[1]
    since, known = _read_cache(root, folder)
    if since == head:  # read at this very commit: every rebuild between commits (serve's) asks git no more
        return known
    if since and _git(root, "merge-base", "--is-ancestor", since, head) is not None:
        commits = f"{since}..{head}"
    else:
        known, commits = {}, head
    log = _git(root, "log", "--no-show-signature", "--no-renames", "--relative", "-z", f"--format={_RECORD}%aI",
               "--name-status", commits, "--", folder)
    if log is None:
        return {}
    modified = _newest_modifications(log, known)
    _write_cache(root, {"folder": folder, "commit": head, "modified": {path: when.isoformat() for path, when in modified.items()}})
    return modified


def _newest_modifications(log: str, known: dict[str, dt.datetime]) -> dict[str, dt.datetime]:
    """From `git log -z --format=<RS>%aI --name-status`: each path's newest modification date, `known` ones included."""
    newest = dict(known)
    for record in log.split(_RECORD)[1:]:
        date, _, changes = record.partition("\0")
        when = dt.datetime.fromisoformat(date)
        fields = changes.lstrip("\n").split("\0")
        for status, path in zip(fields[0::2], fields[1::2]):
            if status in _MODIFIED and (path not in newest or when > newest[path]):
                newest[path] = when
    return dict(sorted(newest.items()))


def _read_cache(root: Path, folder: str) -> tuple[str | None, dict[str, dt.datetime]]:
    """The commit an earlier build read the history at, and what it found; nothing if there is no usable cache."""
    try:
        cached = json.loads((root / CACHE_FILE).read_text(encoding="utf-8"))
        if cached["folder"] != folder or not isinstance(cached["commit"], str):
            return None, {}
        return cached["commit"], {path: dt.datetime.fromisoformat(when) for path, when in cached["modified"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):  # none yet, or not one this module wrote
        return None, {}


def _write_cache(root: Path, content: dict) -> None:
    """Written whole under another name first: two builds at once leave one cache or the other, never half of one."""
    path = root / CACHE_FILE
    partial = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(exist_ok=True)
        partial.write_text(json.dumps(content), encoding="utf-8")
        os.replace(partial, path)
    except OSError:  # a read-only checkout builds as well, only without the cache
        partial.unlink(missing_ok=True)


def _git(root: Path, *arguments: str) -> str | None:
    """What git prints for these arguments, run in root; None if it cannot run there or fails."""
    environment = {name: value for name, value in os.environ.items() if name not in _ELSEWHERE}
    try:
        completed = subprocess.run(
            ["git", *arguments], cwd=root, env=environment, capture_output=True, encoding="utf-8", errors="surrogateescape",
            stdin=subprocess.DEVNULL,
        )
    except OSError:  # no git installed
        return None
    return completed.stdout.strip("\n") if completed.returncode == 0 else None
