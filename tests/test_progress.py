"""The progress line: on a terminal only, never in CI or with --quiet; --quiet keeps only the problems."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

from conftest import PROJECT, ScratchSite
from khabar.progress import TerminalProgress, shows_progress


class _Stream(io.StringIO):
    def __init__(self, terminal: bool):
        super().__init__()
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


def test_progress_shows_on_a_terminal_only_outside_ci_and_without_quiet():
    assert shows_progress(_Stream(terminal=True), quiet=False, environment={})
    assert not shows_progress(_Stream(terminal=False), quiet=False, environment={})
    assert not shows_progress(_Stream(terminal=True), quiet=True, environment={})
    assert not shows_progress(_Stream(terminal=True), quiet=False, environment={"CI": "true"})
    assert shows_progress(_Stream(terminal=True), quiet=False, environment={"CI": ""})


def test_the_line_is_rewritten_in_place_and_cleared():
    stream = _Stream(terminal=True)
    progress = TerminalProgress(stream)
    progress("reading", 0, 20_000, "articles")
    progress("reading", 12_400, 20_000, "articles")  # within the interval: not drawn
    progress("reading", 20_000, 20_000, "articles")  # the end of a step always is
    progress("search index", 0, 0, "ar")
    progress.clear()
    assert stream.getvalue().split("\r\x1b[K") == ["", "reading 0/20,000 articles", "reading 20,000/20,000 articles",
                                                    "search index ar", ""]


def _build_on_a_terminal(scratch: ScratchSite, *options: str, environment: dict[str, str] | None = None) -> tuple[str, str]:
    """stdout, and what a terminal standing for stderr received."""
    controller, terminal = pty.openpty()
    command = [sys.executable, str(PROJECT / "build.py"), "--root", str(scratch.root), "build", "--out", str(scratch.out), *options]
    environment = {key: value for key, value in os.environ.items() if key != "CI"} | (environment or {})
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=terminal, env=environment) as build:
        os.close(terminal)
        received = b""
        try:
            while chunk := os.read(controller, 65536):
                received += chunk
        except OSError:  # EIO: the build has closed its end
            pass
        stdout = build.stdout.read().decode()
    os.close(controller)
    assert build.returncode == 0, received
    return stdout, received.decode()


def test_a_build_on_a_terminal_shows_its_steps_and_in_ci_or_quiet_it_does_not(scratch: ScratchSite):
    scratch.article("en", "story", "title: A story\ndate: 2023-09-13T10:00:00+03:00")
    stdout, terminal = _build_on_a_terminal(scratch)
    assert "\r\x1b[Kreading 1/1 articles" in terminal and "\r\x1b[Krendering" in terminal
    assert terminal.endswith("\r\x1b[K")  # cleared before the summary, which is on stdout
    assert stdout.startswith("built ")
    for options, environment in (((), {"CI": "true"}), (("--quiet",), {})):
        stdout, terminal = _build_on_a_terminal(scratch, *options, environment=environment)
        assert "\x1b" not in terminal
        assert bool(stdout) is not bool(options)  # --quiet: not even the summary


def test_quiet_keeps_the_problems(scratch: ScratchSite):
    scratch.article("en", "story", "title: A story\ndate: 2023-09-13T10:00:00+03:00\nupdated: 2023-09-12T10:00:00+03:00")
    result = scratch.build("--quiet")
    assert result.returncode == 0
    assert result.stdout == "" and result.stderr.strip().endswith("warning: 'updated' is earlier than 'date'")
