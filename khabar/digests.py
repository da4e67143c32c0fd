"""Digests of bytes, texts and files: what the build state compares instead of the things themselves."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable

from .problems import Problems
from .sourcefile import MAX_SOURCE_BYTES, read_file


def digest(*parts: bytes | str) -> bytes:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.digest()


def digests_of(root: Path, relatives: Iterable[str]) -> bytes:
    """One digest of several project files' bytes (the configuration, the string tables, the templates), read through
    the project's one door; a file it refuses counts as missing (the build reports why)."""
    parts: list[bytes | str] = []
    for relative in relatives:
        parts.append(relative)
        parts.append(read_file(root, relative, Problems(), MAX_SOURCE_BYTES) or "missing")
    return digest(*parts)
