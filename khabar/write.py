"""Stage 4: every output into the output folder, all or nothing, and never an output path left empty.

Everything is written to a staging folder beside the output (`._site.staging-<pid>`) and swapped
in only once the whole site is there, so a failed build leaves the last good site. Pages are
written as they are rendered, by the render workers themselves, so that no page's bytes travel
between processes.

The swap. A build can be killed at any instant (SIGKILL from a cancelled CI job or the out-of-memory
killer), so at every instant the output path must hold a whole site, and whatever a killed build
leaves must be undone by the next one:
- On Linux the staging folder and the output folder trade places in one system call,
  `renameat2(RENAME_EXCHANGE)`: the path goes from the old site to the new one with no moment in
  between. The old site, now under the staging name, is then deleted; a build killed while deleting
  it leaves a stale staging folder, which the next build removes without ever needing it.
- Where there is no exchange (another system, or a file system without it), the old site is renamed
  to `._site.previous`, then the staging folder to `._site`. A build killed between the two leaves
  no output folder but a whole `.previous`: the next build puts it back before anything else, and a
  `.previous` is deleted only while the output folder stands.
A staging folder named for a process that still runs is another build's (the dev server's beside a
manual one) and is left alone. Killed is not unplugged: nothing is fsynced, which would cost seconds
on a big site, so a power cut may still lose the new site's bytes.
Not chosen: the output as a symbolic link to a versioned folder, swapped by one rename. It is as
atomic, but everything that reads the output then sees a link: `rsync -a _site host:` and `cp -r`
copy the link rather than the site, git records a link, a static server may refuse to follow it, and
the versioned folders pile up beside it. The exchange keeps `_site` a plain folder.

Whose folder. Replacing the output folder deletes what was in it, so a folder is replaced only if it
is empty or holds `.khabar-site`, the marker every build writes (last, so a folder holding it is a
whole site), unless the editor passes --force; and never the project, a folder above it, the home
folder or a source folder, whatever is passed. Leftovers under the names the build keeps for itself
that are links or files are removed as such, never followed.

Where it writes. The writer refuses an output path that is absolute, holds `..` or is empty, and
never follows a link at the file it writes: outputs come from site.yaml and content validated
upstream, and this is the last line of defence. A system error while writing (no space, no
permission, a name too long) is one line naming the file in the output folder.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import json
import os
import shutil
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

from .config import ASSETS_DIR, CONTENT_DIR, LAYOUTS_DIR
from .output import Output

MARKER = ".khabar-site"
MARKER_TEXT = b"This folder is a site built by khabar (build.py build): the next build replaces it, or the files of it that changed.\n"
_BUILD_LINE = b"build "
# In an update's staging folder: the list of its moves and deletions. Once it is there, the update is decided.
JOURNAL = ".khabar-journal"


class UnsafeOutput(Exception):
    """The output folder named is one the build must not replace, or an output would land outside it."""


class OutputFailed(Exception):
    """The system would not let the build write the site: no space, no permission, a name too long…"""


@dataclass(frozen=True)
class OutputFolder:
    """An output folder the build may replace: checked, and recovered from a build killed before."""

    path: Path  # resolved

    def sibling(self, role: str) -> Path:
        """One of the build's own entries beside the output, `._site.previous`, `._site.staging-<pid>`."""
        return self.path.with_name(f".{self.path.name}.{role}")


def claim_output(root: Path, out: Path, force: bool = False) -> OutputFolder:
    """Check that the build may replace `out`, put back the last good site if a killed build left none, clear leftovers."""
    try:
        out = out.resolve()
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of symbolic links
        raise UnsafeOutput(f"cannot use {out} as the output folder: {getattr(error, 'strerror', None) or error}") from None
    folder = OutputFolder(out)
    try:
        _refuse_dangerous_output(root.resolve(), out)
        _restore_previous(folder)
        _refuse_foreign_folder(out, force)
        _clear_leftovers(folder)
    except OSError as error:
        raise _failure(out, error) from None
    return folder


@contextmanager
def staged_output(folder: OutputFolder) -> Iterator[OutputWriter]:
    """A writer into a staging folder beside the output that replaces it whole, only if the block succeeds."""
    staging = _new_staging(folder)
    writer = OutputWriter(staging, folder.path)
    try:
        # Static hosts such as GitHub Pages would otherwise run Jekyll over the site.
        writer.write(".nojekyll", b"")
        yield writer
        writer.write(MARKER, _marker(writer.build_id))
        _swap_in(staging, folder)
    except BaseException:
        _remove(staging, ignore_errors=True)
        raise


@contextmanager
def updated_output(folder: OutputFolder) -> Iterator[Update]:
    """Only the files that changed: written into a staging folder, then moved into the output and the deleted ones
    removed, following a journal that a build killed half-way through leaves for the next one to finish.

    While the moves run, the output holds some new files and some old ones, each of them whole; a killed update is
    finished, never undone, by whichever build or server claims the folder next. A failed build writes nothing."""
    staging = _new_staging(folder)
    update = Update(staging, folder.path)
    try:
        yield update
        if marker_build_id(folder) != update.build_id:
            update.write(MARKER, _marker(update.build_id))
        _write_journal(staging, update.deleted)
    except BaseException:
        _remove(staging, ignore_errors=True)
        raise
    try:
        _finish_update(staging, folder.path)
    except OSError as error:
        raise _failure(folder.path, error) from None


def _new_staging(folder: OutputFolder) -> Path:
    staging = folder.sibling(f"staging-{os.getpid()}")
    try:
        _remove(staging)
        staging.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(staging)  # never through a link: mkdir fails on anything already there
    except OSError as error:
        raise _failure(folder.path, error) from None
    return staging


def _marker(build_id: str) -> bytes:
    """The marker, naming the build whose state (in .cache/build/) describes the folder, if one does."""
    return MARKER_TEXT + (_BUILD_LINE + build_id.encode("ascii") + b"\n" if build_id else b"")


def marker_build_id(folder: OutputFolder) -> str | None:
    """The build that last wrote the output folder whole, as its marker says; None if it names none."""
    try:
        if not _is_real_file(folder.path / MARKER):
            return None
        for line in (folder.path / MARKER).read_bytes().splitlines():
            if line.startswith(_BUILD_LINE):
                return line[len(_BUILD_LINE):].decode("ascii", "replace")
    except OSError:
        pass
    return None


def _write_journal(staging: Path, deleted: list[str]) -> None:
    """Every file staged, the marker last, and every file to delete: written under another name, then renamed, so
    that a journal is either whole or not there."""
    written = []
    for directory, _, files in os.walk(staging):
        relative = Path(directory).relative_to(staging)
        written.extend((relative / name).as_posix() for name in files if name != JOURNAL)
    written.sort(key=lambda path: path == MARKER)
    temporary = staging / f"{JOURNAL}.partial"
    temporary.write_text(json.dumps({"write": written, "delete": deleted}), encoding="utf-8")
    os.rename(temporary, staging / JOURNAL)


def _finish_update(staging: Path, out: Path) -> None:
    """Carry out a journal: deletions first (a file may give way to a folder), then the moves, the marker last.
    Each step is done only if still to do, so that finishing a journal twice changes nothing."""
    journal = _read_journal(staging)
    for relative in journal["delete"]:
        target = out / relative
        if os.path.lexists(target) and not _is_real_folder(target):
            os.unlink(target)
        _remove_empty_folders(out, target.parent)
    folders: set[Path] = set()
    for relative in journal["write"]:
        source, target = staging / relative, out / relative
        if not os.path.lexists(source):
            continue  # moved before the build was killed
        _real_folder(out, target.parent, folders)
        if _is_real_folder(target):
            _remove(target)
        os.replace(source, target)
    _remove(staging)


def _read_journal(staging: Path) -> dict[str, list[str]]:
    """The journal as `_write_journal` wrote it; OutputFailed for any other (damaged, or planted to reach outside)."""
    try:
        journal = json.loads((staging / JOURNAL).read_text(encoding="utf-8"))
        paths = [PurePosixPath(relative) for key in ("delete", "write") for relative in journal[key]]
        if all(path.parts and not path.is_absolute() and ".." not in path.parts and "\0" not in str(path) for path in paths):
            return journal
    except (ValueError, KeyError, TypeError):
        pass
    raise OutputFailed(f"{staging / JOURNAL}: not the journal of an update khabar wrote; the site beside it may be half"
                       f" updated: remove {staging.name} and build with --clean")


def _real_folder(out: Path, folder: Path, known: set[Path]) -> None:
    """Make `folder` inside the output, every part of it a real folder: a link or file in its way is removed."""
    if folder in known or folder == out:
        return
    _real_folder(out, folder.parent, known)
    if not _is_real_folder(folder):
        if os.path.lexists(folder):
            os.unlink(folder)
        os.mkdir(folder)
    known.add(folder)


def _remove_empty_folders(out: Path, folder: Path) -> None:
    while folder != out and out in folder.parents:
        try:
            os.rmdir(folder)
        except OSError:  # not empty, or already gone
            return
        folder = folder.parent


# A file of its own, never the target of a link put in its place; the flags a system lacks are left out.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


class OutputWriter:
    """Writes outputs under one folder; small enough to be inherited by forked render workers."""

    def __init__(self, folder: Path, published: Path):
        self.folder = folder  # where the files go now: the staging folder
        self.published = published  # where they will be read, named in errors
        self.builder_pid = os.getpid()
        self.build_id = ""  # what the marker names: the digest of the site's files, which the build state names too

    def __call__(self, output: Output) -> None:
        self.write(output.path, output.content)

    def write(self, relative: str, content: bytes) -> None:
        parts = self._parts(relative)
        if self.builder_pid not in (os.getpid(), os.getppid()):
            # A render worker whose build was killed: its staging folder is about to be cleared.
            raise OutputFailed(f"the build writing {self.published} has stopped")
        target = self.folder.joinpath(*parts)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(target, _NEW_FILE, 0o666)
            with open(descriptor, "wb") as file:
                file.write(content)
        except OSError as error:
            raise OutputFailed(f"cannot write {self.published.joinpath(*parts)}: {error.strerror or error}") from None

    def _parts(self, relative: str) -> tuple[str, ...]:
        path = PurePosixPath(relative)
        if path.is_absolute() or ".." in path.parts or not path.parts or "\0" in relative:
            raise UnsafeOutput(f"refusing to write {relative!r}: every output must stay inside {self.published}")
        return path.parts


class Update(OutputWriter):
    """The files of an update, written into a staging folder; and the files it deletes."""

    def __init__(self, folder: Path, published: Path):
        super().__init__(folder, published)
        self.deleted: list[str] = []

    def remove(self, paths: list[str]) -> None:
        for path in paths:
            self._parts(path)  # the same refusals as for a file written
        self.deleted.extend(paths)


def _refuse_dangerous_output(root: Path, out: Path) -> None:
    """The output folder is deleted and replaced, so it must never be the project or above it."""
    sources = [root / name for name in (CONTENT_DIR, LAYOUTS_DIR, ASSETS_DIR)]
    inside_sources = any(out == source or source in out.parents for source in sources)
    if out == root or out in root.parents or out == Path.home() or inside_sources:
        raise UnsafeOutput(f"refusing to replace {out}: choose an output folder such as _site/")
    if out.exists() and not out.is_dir():
        raise UnsafeOutput(f"output {out} exists and is not a folder")
    nearest = next(folder for folder in out.parents if folder.exists())
    if not nearest.is_dir():
        raise UnsafeOutput(f"cannot write the site to {out}: {nearest} is a file, not a folder")


def _restore_previous(folder: OutputFolder) -> None:
    """A build killed between the two renames of the fallback swap left no output but the last good site: put it back."""
    previous = folder.sibling("previous")
    if not os.path.lexists(folder.path) and _is_real_folder(previous):
        os.rename(previous, folder.path)


def _refuse_foreign_folder(out: Path, force: bool) -> None:
    if force or not out.is_dir() or is_khabar_site(out):
        return
    with os.scandir(out) as entries:
        if next(entries, None) is None:
            return
    raise UnsafeOutput(f"refusing to replace {out}: it is not empty and not a site khabar built (no {MARKER} in it); "
                       "choose another output folder, or pass --force to replace it and delete what it holds")


def _clear_leftovers(folder: OutputFolder) -> None:
    """Remove what killed builds left: staging folders (whole or not) and, while the output stands, `.previous`."""
    staging = folder.sibling("staging")
    if not folder.path.parent.is_dir():
        return  # a first build into a folder yet to be made
    with os.scandir(folder.path.parent) as entries:
        leftovers = [Path(entry.path) for entry in entries if entry.name.startswith(staging.name)]
    for leftover in leftovers:
        if _written_by_a_running_build(leftover.name):
            continue
        if _is_real_folder(leftover) and _is_real_file(leftover / JOURNAL) and _is_real_folder(folder.path):
            _finish_update(leftover, folder.path)  # a killed update had decided: its files go in
        else:
            _remove(leftover, ignore_errors=True)  # a killed build's forked workers may still be writing into it
    previous = folder.sibling("previous")
    if os.path.isdir(folder.path) or not _is_real_folder(previous):
        _remove(previous)


def _written_by_a_running_build(staging_name: str) -> bool:
    """A staging folder named for a process that still runs, not this one: another build, left alone."""
    pid = staging_name.rpartition("-")[2]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as someone else
        return True
    return True


def _swap_in(staging: Path, folder: OutputFolder) -> None:
    out = folder.path
    try:
        if not os.path.lexists(out):
            os.rename(staging, out)
        elif _exchange(staging, out):
            _remove(staging, ignore_errors=True)  # the old site now; a later build clears what is left of it
        else:
            previous = folder.sibling("previous")
            os.rename(out, previous)
            try:
                os.rename(staging, out)
            except OSError:
                os.rename(previous, out)
                raise
            _remove(previous, ignore_errors=True)
    except OSError as error:
        raise _failure(out, error) from None


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step; False where the system or the file system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # a kernel or file system without the exchange
        return False
    raise OSError(code, os.strerror(code), str(second))


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """glibc's renameat2 (2.28 and later), or None on systems without it."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _remove(path: Path, ignore_errors: bool = False) -> None:
    """Delete a folder with what it holds, or a file or link itself; a link is never followed."""
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISDIR(mode):
            shutil.rmtree(path)
        else:
            os.unlink(path)
    except (FileNotFoundError, NotADirectoryError):
        pass
    except OSError:
        if not ignore_errors:
            raise


def _is_real_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def is_khabar_site(folder: Path) -> bool:
    """Whether a folder holds a whole site a khabar build wrote (its marker is written last)."""
    return _is_real_file(folder / MARKER)


def _is_real_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _failure(out: Path, error: OSError) -> OutputFailed:
    """One line naming the output folder and, when it is another, the file the system refused."""
    file = f"{error.filename}: " if error.filename and str(error.filename) != str(out) else ""
    return OutputFailed(f"cannot write the site to {out}: {file}{error.strerror or error}")
