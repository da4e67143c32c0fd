"""Reading a source file as text: binary, unreadable or non-UTF-8 files become problems, not crashes."""

from __future__ import annotations

from pathlib import Path

from .problems import Problems


def read_source(path: Path, relative: str, problems: Problems) -> str | None:
    """The file's text (UTF-8, without a byte-order mark, with Unix line ends), or None after reporting why not."""
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.error(relative, 0, f"cannot read: {error.strerror or error}")
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
    return text.removeprefix("\ufeff").replace("\r\n", "\n")
