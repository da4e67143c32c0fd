"""The one error type a user sees: a problem in a source file, with its line."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in one source file, reported as `path:line: message`."""

    path: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return _one_line(f"{where}: {self.message}")


def _one_line(text: str) -> str:
    """The text with its control characters escaped: a file name or value quoted from the input can neither
    break the problem over two lines nor send a terminal its escape sequences."""
    return "".join(character if character.isprintable() else repr(character)[1:-1] for character in text)


@dataclass
class Problems:
    """Collects every problem of a run, so the user sees them all at once."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, message: str) -> None:
        self.errors.append(Problem(path, line, message))

    def warn(self, path: str, line: int, message: str) -> None:
        self.warnings.append(Problem(path, line, message))

    def extend(self, other: Problems) -> None:
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)

    def __bool__(self) -> bool:
        return bool(self.errors)


class BuildFailed(Exception):
    """Raised when a stage found errors; carries all of them."""

    def __init__(self, problems: Problems):
        super().__init__(problems)  # as the only argument, so the error survives pickling from a worker
        self.problems = problems

    def __str__(self) -> str:
        return f"{len(self.problems.errors)} problem(s)"
