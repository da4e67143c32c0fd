"""Digests of bytes, texts and files: what the build state compares instead of the things themselves."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Iterable


def digest(*parts: bytes | str) -> bytes:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.digest()


def digests_of(paths: Iterable[Path]) -> bytes:
    """One digest of several files' bytes (the configuration, the string tables, the templates)."""
    parts: list[bytes | str] = []
    for path in paths:
        parts.append(str(path))
        try:
            parts.append(path.read_bytes())
        except OSError:
            parts.append("missing")
    return digest(*parts)
