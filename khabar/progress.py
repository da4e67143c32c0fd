"""How far a build is, on one line of a terminal: "reading 12,400/20,000 articles", "search index ar".

The build calls a `Progress` at each step (with counts where it has them); the
command line chooses what it does: nothing when stderr is not a terminal (a log,
a pipe, CI, where a line rewritten in place is noise), with `--quiet`, or when
CI is set (runners that pretend to be a terminal); else `TerminalProgress`.
"""

from __future__ import annotations

import time
from typing import Callable, Mapping, TextIO

# (doing, done, total, what): "rendering", 30000, 54000, "pages"; a step without counts has a total of 0.
Progress = Callable[[str, int, int, str], None]


def silent(doing: str, done: int, total: int, what: str) -> None:
    """The progress of a build nobody watches: nothing."""


def shows_progress(stream: TextIO, quiet: bool, environment: Mapping[str, str]) -> bool:
    """Whether a build's progress is shown on `stream`: a terminal, not --quiet, not in CI."""
    return not quiet and not environment.get("CI") and stream.isatty()


class TerminalProgress:
    """The step the build is at, rewritten in place at most ten times a second, and cleared at the end."""

    INTERVAL = 0.1  # seconds between two redraws: a terminal drawing every page would slow the build

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.shown = ""  # the line on the terminal now
        self.step = ("", "")
        self.drawn_at = 0.0

    def __call__(self, doing: str, done: int, total: int, what: str) -> None:
        now = time.monotonic()
        # A new step is always shown; within a step, a redraw waits for its interval, but its end does not.
        if (doing, what) == self.step and done < total and now - self.drawn_at < self.INTERVAL:
            return
        line = f"{doing} {done:,}/{total:,} {what}" if total else f"{doing} {what}".strip()
        self.stream.write(f"\r\x1b[K{line}")
        self.stream.flush()
        self.shown, self.step, self.drawn_at = line, (doing, what), now

    def clear(self) -> None:
        """Take the line away, so that what the build prints next starts on a clean one."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = ""
