"""The one door to the project's files: only regular files inside the project are read, bounded in size.

A site is often built by CI from a pull request it trusts less than itself, so
a file is what it is on disk, not what its name says: a link that leads out of
the project (to /etc/passwd, to a home folder), a named pipe that blocks forever,
a device that never ends, a file too large to be an article, each becomes one
problem naming the file, checked before the file is opened. Links that stay
inside the project are followed. Text sources must also be UTF-8 without NUL
bytes or over-long lines.
"""

from __future__ import annotations

import errno
import os
import stat
from functools import lru_cache
from pathlib import Path

from .problems import Problems

# Limits on what one file may be; README "Limits" says why each is what it is.
# The longest real long-read, 20,000 words of Arabic, is about 220 KB. Markdown-it needs up to
# 50 µs a character for hostile Markdown (a paragraph of "!["), so this bounds one article at ~13 s.
MAX_ARTICLE_BYTES = 256 * 1024
# site.yaml, string tables, timelines and templates: a timeline of 2,000 events is about 400 KB.
MAX_SOURCE_BYTES = 1024 * 1024
# Fonts, scripts, stylesheets, SVG and pictures under assets/: a camera's JPEG is under 25 MB.
MAX_ASSET_BYTES = 32 * 1024 * 1024
# A 3,000-word paragraph written on one line is about 20,000 characters.
MAX_LINE_CHARS = 20_000

_KINDS = (
    (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
)


class Refused(Exception):
    """Why a project path is not read, in words for the editor."""


def locate(root: Path, relative: str) -> tuple[str, os.stat_result]:
    """Where a project path really is, every link followed, and what is there; Refused if that is outside the project."""
    path = os.path.join(root, relative)
    try:
        real = os.path.realpath(path, strict=True)
        status = os.stat(real)
    except FileNotFoundError:
        raise Refused("a link to a file that does not exist" if os.path.islink(path) else "not found") from None
    except (OSError, ValueError) as error:  # a loop of links, a NUL byte in the name, a folder we may not enter
        if getattr(error, "errno", None) == errno.ELOOP:
            raise Refused("a link that leads back to itself") from None
        raise Refused(f"cannot be read: {getattr(error, 'strerror', None) or error}") from None
    real_root = _real_root(str(root))
    if real != real_root and not real.startswith(real_root + os.sep):
        raise Refused(f"a link to {real}, outside the project: only the project's own files are read")
    # .git/config may hold the token CI checked the project out with; .cache holds what builds made.
    inside = real[len(real_root) + 1:]
    if any(part.startswith(".") for part in inside.split(os.sep)):
        raise Refused(f"leads to {inside}, a hidden file of the project: hidden files are never read into the site")
    return real, status


@lru_cache(maxsize=8)
def _real_root(root: str) -> str:
    # Cached: were the project moved while a dev server runs, its files would be refused, never let out.
    return os.path.realpath(root)


def regular_file(root: Path, relative: str, limit: int) -> tuple[str, int]:
    """The real path and size of a regular file of the project no larger than `limit`; Refused if it is anything else."""
    real, status = locate(root, relative)
    if not stat.S_ISREG(status.st_mode):
        kind = next((name for test, name in _KINDS if test(status.st_mode)), "not a file")
        raise Refused(f"{kind}, not a regular file: only regular files are read")
    if status.st_size > limit:
        raise Refused(f"too large: {status.st_size:,} bytes, more than the {limit:,} a file here may have")
    return real, status.st_size


def read_file(root: Path, relative: str, problems: Problems, limit: int) -> bytes | None:
    """The bytes of a regular file of the project, or None after reporting why it is not read."""
    try:
        real, _ = regular_file(root, relative, limit)
        return _read_regular(real, limit)
    except Refused as refusal:
        problems.error(relative, 0, str(refusal))
    except OSError as error:
        problems.error(relative, 0, f"cannot read: {error.strerror or error}")
    return None


def _read_regular(real: str, limit: int) -> bytes:
    # Opened without blocking and checked again once open: the file may have been swapped for a pipe since it was looked at.
    descriptor = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise Refused("changed into something other than a regular file while being read")
        data = bytearray()
        while len(data) <= limit and (chunk := os.read(descriptor, max(status.st_size + 1 - len(data), 65536))):
            data += chunk
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise Refused(f"too large: more than the {limit:,} bytes a file here may have")
    return bytes(data)


def read_source(root: Path, relative: str, problems: Problems, limit: int = MAX_SOURCE_BYTES) -> str | None:
    """A source's text (UTF-8, without a byte-order mark, with Unix line ends), or None after reporting why not."""
    data = read_file(root, relative, problems, limit)
    if data is None:
        return None
    if b"\x00" in data:
        problems.error(relative, 0, "binary file, not text")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problems.error(relative, line, f"not valid UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8")
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n") if len(text) > MAX_LINE_CHARS else ()  # a shorter text has no longer line
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            problems.error(relative, number, f"line too long: {len(line):,} characters, more than the {MAX_LINE_CHARS:,} a line may have")
            return None
    return text


def files_under(root: Path, folder: str, problems: Problems) -> list[str]:
    """The project path of every file under a folder, in sub-folders too, sorted; names starting with '.' are skipped.

    Links are followed while they stay inside the project; one that leaves it, or loops, is reported instead.
    What the files are (regular or not) is left to the reader: `read_file` refuses what is not. No folder, no files.
    """
    if not os.path.lexists(root / folder):
        return []
    try:
        real, status = locate(root, folder)
    except Refused as refusal:
        problems.error(folder, 0, str(refusal))
        return []
    if not stat.S_ISDIR(status.st_mode):
        return []
    found: list[str] = []
    pending = [(folder, real, (real,))]  # each folder with the real folders it is inside, to catch loops of links
    while pending:
        relative, real, inside = pending.pop()
        try:
            with os.scandir(real) as entries:
                names = [(entry.name, entry.is_symlink(), entry.is_dir(follow_symlinks=False)) for entry in entries]
        except OSError as error:
            problems.error(relative, 0, f"cannot be read: {error.strerror or error}")
            continue
        for name, is_link, is_dir in names:
            if name.startswith("."):
                continue
            child = f"{relative}/{name}"
            if is_link:
                try:
                    target, target_status = locate(root, child)
                except Refused as refusal:
                    problems.error(child, 0, str(refusal))
                    continue
                if stat.S_ISDIR(target_status.st_mode):
                    if target in inside:
                        problems.error(child, 0, "a link to a folder it is in: the folder would never end")
                    else:
                        pending.append((child, target, (*inside, target)))
                    continue
            elif is_dir:
                pending.append((child, os.path.join(real, name), (*inside, os.path.join(real, name))))
                continue
            found.append(child)
    return sorted(found)
