"""The one error type a user sees: a problem in a source file, with its line (and column), an error, a warning or a note."""

from __future__ import annotations

from dataclasses import dataclass, field


ERROR = "error"
WARNING = "warning"
# What is right as it stands but worth the editor's eye ("last Tuesday" is 12 September): never fails a run, even a strict one.
NOTE = "note"


@dataclass(frozen=True, order=True)
class Problem:
    """Something wrong in one source file, reported as `path:line:column: level: message`.

    The shape of a compiler's message, so that editors and CI annotate the line (and column) it names.
    """

    path: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    message: str
    column: int = 0  # 1-based; 0 when the problem concerns the whole line
    level: str = ERROR

    def __str__(self) -> str:
        where = ":".join((self.path, *(str(n) for n in (self.line, self.column) if n))) if self.line else self.path
        return one_line(f"{where}: {self.level}: {self.message}")


def one_line(text: str) -> str:
    """The text with its control characters escaped: a file name or value quoted from the input can neither
    break the problem over two lines nor send a terminal its escape sequences."""
    return "".join(character if character.isprintable() else repr(character)[1:-1] for character in text)


@dataclass
class Problems:
    """Collects every problem of a run, so the user sees them all at once."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def error(self, path: str, line: int, message: str, column: int = 0) -> None:
        self.errors.append(Problem(path, line, message, column, ERROR))

    def warn(self, path: str, line: int, message: str, column: int = 0) -> None:
        self.warnings.append(Problem(path, line, message, column, WARNING))

    def note(self, path: str, line: int, message: str, column: int = 0) -> None:
        self.notes.append(Problem(path, line, message, column, NOTE))

    def extend(self, other: Problems) -> None:
        self.errors.extend(other.errors)
        self.warnings.extend(other.warnings)
        self.notes.extend(other.notes)

    def __bool__(self) -> bool:
        return bool(self.errors)


class BuildFailed(Exception):
    """Raised when a stage found errors; carries all of them."""

    def __init__(self, problems: Problems):
        super().__init__(problems)  # as the only argument, so the error survives pickling from a worker
        self.problems = problems

    def __str__(self) -> str:
        return f"{len(self.problems.errors)} problem(s)"
