"""Findings for people and for machines: the formats `check` and `build` print them in, and the files a check is limited to.

Three readers: an editor's terminal and editor (`text`, one `path:line:column: level: message` line each, the
compiler's shape that editors jump from), a program (`json`, one document), and a pull request on GitHub
(`github`, workflow commands the Actions runner turns into annotations on the lines they name).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable, Sequence

from .problems import ERROR, NOTE, Problem, Problems, one_line

FORMATS = ("text", "json", "github")


def in_order(problems: Iterable[Problem]) -> list[Problem]:
    """By file, line and column, then level and message: the same findings print in the same order every run."""
    return sorted(problems, key=lambda problem: (problem.path, problem.line, problem.column, problem.level, problem.message))


def render(problems: Problems, output_format: str, workspace: str = "") -> str:
    """The findings as one text in `output_format`; `workspace` is the project's folder as the GitHub runner
    names files, relative to its workspace ("" when the project is the repository)."""
    every = problems.notes + problems.warnings + problems.errors
    if output_format == "json":
        return as_json(every)
    if output_format == "github":
        return "\n".join(as_workflow_command(problem, workspace) for problem in in_order(every))
    # Errors last, beside the summary, where a terminal leaves them in view; notes first, the least pressing.
    return "\n".join(str(problem) for problem in (*sorted(problems.notes), *sorted(problems.warnings), *sorted(problems.errors)))


def as_json(problems: Sequence[Problem]) -> str:
    """A list of findings, each with path, line and column (null when it concerns the whole file or line), level and message."""
    return json.dumps(
        [
            {"path": problem.path, "line": problem.line or None, "column": problem.column or None,
             "level": problem.level, "message": problem.message}
            for problem in in_order(problems)
        ],
        ensure_ascii=False, indent=2,
    )


def as_workflow_command(problem: Problem, workspace: str = "") -> str:
    """`::error file=…,line=…,col=…,title=…::message` (or `::warning`, `::notice`), escaped as the Actions runner reads it."""
    properties = {"file": f"{workspace}/{problem.path}" if workspace else problem.path}
    if problem.line:
        properties["line"] = str(problem.line)
    if problem.column:
        properties["col"] = str(problem.column)
    properties["title"] = "khabar check"
    listed = ",".join(f"{name}={_escape_property(value)}" for name, value in properties.items())
    command = {ERROR: "error", NOTE: "notice"}.get(problem.level, "warning")
    return f"::{command} {listed}::{_escape_data(problem.message)}"


def _escape_data(text: str) -> str:
    # '%' first, so that the escapes it introduces are not escaped again; any other control character is
    # written out as Python would, so nothing quoted from a file can end the command or reach the log raw.
    return one_line(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def summary(problems: Problems, strict: bool = False, others: int = 0) -> str:
    """What a check found, in a line: "no problems found", "2 warnings found", "1 error, 3 warnings and 2 notes found"."""
    counts = [count for count in (_count(len(problems.errors), "error"), _count(len(problems.warnings), "warning"),
                                  _count(len(problems.notes), "note")) if count]
    found = " and ".join(counts) if len(counts) < 3 else f"{counts[0]}, {counts[1]} and {counts[2]}"
    line = f"{found} found" if found else "no problems found"
    if strict and problems.warnings:
        line += " (--strict: warnings fail the check)"
    if others:
        line += f"; {_count(others, 'warning or note', 'warnings or notes')} in other files not shown"
    return line


def _count(number: int, noun: str, plural: str = "") -> str:
    return "" if not number else f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


def project_paths(root: Path, given: Iterable[str], here: Path) -> tuple[str, ...]:
    """The project paths ("content/ar/x.md", "content/en") of files or folders given relative to `here` (the current
    folder, as pre-commit passes them) or else to the project's root; ValueError naming one that is neither."""
    found = []
    for name in given:
        candidates = [Path(os.path.normpath(base / name)) for base in (here, root)]
        existing = [path for path in candidates if path.exists()]
        inside = [path for path in existing if path.is_relative_to(root)]
        if not inside:
            problem = f"not in the project ({root})" if existing else "no such file or folder, here or in the project"
            raise ValueError(f"{name}: {problem}")
        relative = inside[0].relative_to(root).as_posix()
        found.append("" if relative == "." else relative)
    return tuple(found)


def limited_to(problems: Problems, paths: Sequence[str]) -> tuple[Problems, int]:
    """The findings in the files or folders of `paths` and every error elsewhere (an error anywhere stops the build,
    whichever files a commit changed), and the number of warnings and notes left out."""
    def concerns(problem: Problem) -> bool:
        return any(not path or problem.path == path or problem.path.startswith(path + "/") for path in paths)

    shown = Problems(list(problems.errors), [warning for warning in problems.warnings if concerns(warning)],
                     [note for note in problems.notes if concerns(note)])
    return shown, len(problems.warnings) + len(problems.notes) - len(shown.warnings) - len(shown.notes)
