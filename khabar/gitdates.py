"""When each file under a folder was last changed, as the site's git history tells it.

An article without `updated` takes its update from git: the author date (with its offset) of the last commit that
changed its file. Only history counts, never the working tree, so one commit always gives the same dates, and an
edit not yet committed changes nothing. Without git, outside a repository, in a repository without commits, or in a
shallow clone (whose oldest commit seems to add every file at once), there are no dates: never an error.

One `git log` reads the whole folder's history (a site may have 20,000 articles; a process per file would take
minutes). The commit that added a file is its publication, not an update, so a file changed by one commit only
has no date here.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

# Read before each record's author date; git writes this byte where the format asks for %x1e.
_RECORD = "\x1e"
# Variables git obeys to work on another repository than the one the site is in (a hook sets them, for one).
_ELSEWHERE = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
              "GIT_NAMESPACE", "GIT_COMMON_DIR")


def last_changes(root: Path, folder: str) -> dict[str, dt.datetime]:
    """Each file under root/folder that a commit after the one adding it changed: its path from root -> that commit's author date."""
    if _git(root, "rev-parse", "--is-shallow-repository") != "false":  # None: no git, no repository
        return {}
    log = _git(root, "log", "--no-show-signature", "--no-renames", "--relative", "-z", f"--format={_RECORD}%aI",
               "--name-only", "--", folder)
    return _changed_after_adding(log) if log else {}


def _changed_after_adding(log: str) -> dict[str, dt.datetime]:
    """From `git log -z --format=<RS>%aI --name-only`, newest commit first: each path's newest date, if it has an older one."""
    newest: dict[str, dt.datetime] = {}
    changed_again: set[str] = set()
    for record in log.split(_RECORD)[1:]:
        date, _, names = record.partition("\0")
        when = dt.datetime.fromisoformat(date)
        for name in names.lstrip("\n").split("\0"):
            if not name:
                continue
            if name in newest:
                changed_again.add(name)
            else:
                newest[name] = when
    return {name: when for name, when in newest.items() if name in changed_again}


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
