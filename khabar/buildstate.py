"""What the last build knew, kept under .cache/build/ so the next one redoes only what an edit changed.

Two things are kept:
- **Parsed articles**, shared by every output folder: each file's read result, with the size and
  modification time it had, the configuration it was read with and the pictures it named. A file
  whose size and time are unchanged is neither read nor parsed again; one changed too close to
  when it was read for its time to vouch for it (git's "racily clean") is not kept.
- **The output folder's state**, one per output folder: the build id written in its `.khabar-site`
  (a folder another build replaced is not the one the state describes), each page's fingerprint,
  each language's search fingerprint, each written file's digest, and a snapshot of every input
  file with the interval of build times over which nothing depends on the clock; a build that
  finds all of those as they were has nothing to do.

Everything is dropped when khabar's code, the Python version or a dependency changes. State files
are pickles, so each is sealed with a key kept outside the project (in the user's cache folder): a
state file someone committed into a repository, or one that is truncated or garbled, fails its seal
and is ignored, and the build is a full one. Never a crash: any problem reading the state means
starting from nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import importlib.metadata
import os
import pickle
import secrets
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import jinja2
import jinja2.bccache

from .config import ASSETS_DIR, CONFIG_FILE, CONTENT_DIR, LAYOUTS_DIR
from .heap import cycle_collector_paused

STATE_DIR = ".cache/build"
_PARSED_SHARDS = 64
_SEAL_BYTES = 32
# A file modified this close to the moment its cache entry was written may have changed again within the same tick
# of the file system's clock without its time changing: it is read again to be sure.
_RACY_NANOSECONDS = 2_000_000_000
# The distributions whose versions a build's bytes depend on (requirements.txt).
_DEPENDENCIES = ("babel", "click", "jinja2", "markdown-it-py", "markupsafe", "mdurl", "pyyaml", "numpy", "scipy", "pillow", "pagefind", "pagefind-bin")


@functools.cache
def code_stamp() -> str:
    """khabar's own code, the Python that runs it and its dependencies' versions: a change to any drops every state."""
    package = Path(__file__).resolve().parent
    hasher = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".js") and path.is_file():
            hasher.update(path.relative_to(package).as_posix().encode())
            hasher.update(path.read_bytes())
    hasher.update(sys.version.encode())
    for name in _DEPENDENCIES:
        try:
            hasher.update(f"{name}=={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            hasher.update(f"{name} missing".encode())
    return hasher.hexdigest()


def _seal_key() -> bytes | None:
    """This user's key for sealing state files, made on first use; None where it cannot be kept (no state then)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "khabar"
    path = base / "state-key"
    try:
        key = path.read_bytes()
        if len(key) == _SEAL_BYTES:
            return key
    except OSError:
        pass
    try:
        base.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(_SEAL_BYTES)
        temporary = path.with_name(f"{path.name}.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "wb") as file:
            file.write(key)
        try:
            os.link(temporary, path)  # not a rename: of two builds making the first key at once, the first one's stands
        except FileExistsError:
            theirs = path.read_bytes()
            if len(theirs) == _SEAL_BYTES:
                key = theirs
            else:  # not a key this module made: ours takes its place
                os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return key
    except OSError:
        return None


def _seal(key: bytes, *parts: bytes) -> bytes:
    sealing = hmac.new(key, digestmod=hashlib.blake2b)
    for part in parts:
        sealing.update(part)
    return sealing.digest()[:_SEAL_BYTES]


def read_sealed(path: Path, stamp: str) -> Any | None:
    """A state file's content, or None if it is missing, unsealed, from other code, truncated or garbled."""
    key = _seal_key()
    if key is None:
        return None
    header = _stamp_header(stamp)
    try:
        with open(path, "rb") as file:
            seal, written_by = file.read(_SEAL_BYTES), file.read(len(header))
            if written_by != header:
                return None  # another version of khabar's: not worth reading, let alone unpickling
            body = file.read()
    except OSError:
        return None
    if len(seal) < _SEAL_BYTES or not hmac.compare_digest(seal, _seal(key, header, body)):
        return None
    try:
        return pickle.loads(body)
    except Exception:  # sealed by us, yet unreadable: a class that changed shape; start from nothing
        return None


def _stamp_header(stamp: str) -> bytes:
    """What a state file holds between its seal and its content: the code stamp it was written by."""
    return stamp.encode() + b"\n"


def write_sealed(path: Path, stamp: str, content: Any) -> None:
    """Written whole under another name first, so a killed build leaves the old file or the new one. A state that
    cannot be written (a full disk, a read-only .cache/) costs the next build its speed, never this one its site."""
    key = _seal_key()
    if key is None:
        return
    header, body = _stamp_header(stamp), pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL)
    temporary = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "wb") as file:
            file.writelines((_seal(key, header, body), header, body))
        os.replace(temporary, path)
    except OSError:
        try:
            path.unlink()  # not an older state standing for a site it no longer describes
        except OSError:
            pass


def _stat_key(info: os.stat_result) -> tuple[int, int]:
    return info.st_size, info.st_mtime_ns


def _stat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


@dataclass
class _Parsed:
    """One article file's read result, and what it was made from."""

    size: int  # as the file was just before it was read
    mtime_ns: int
    config: bytes  # the digest of the configuration it was read with
    pictures: tuple[tuple[str, int, int], ...]  # each picture file it named: path, size, modification time
    result: Any  # load._ReadResult


class ParseCache:
    """Read results of article files, by path, in shards so that an edit rewrites one shard, not all of them."""

    def __init__(self, root: Path, stamp: str, fresh: bool = False):
        self.root = root
        self.folder = root / STATE_DIR / "articles"
        self.stamp = stamp
        self._entries: dict[str, _Parsed] = {}
        self._dirty: set[int] = set(range(_PARSED_SHARDS)) if fresh else set()
        self._loaded = fresh  # fresh: what is on disk is neither read nor kept (a clean build)
        self.reused = 0  # files taken from the cache by the last `read`

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        with cycle_collector_paused():
            for shard in range(_PARSED_SHARDS):
                entries = read_sealed(self.folder / f"{shard:02d}.pickle", self.stamp)
                if isinstance(entries, dict):
                    self._entries.update(entries)

    def read(self, config_digest: bytes, sources: list[str], read_all: Callable[[list[str]], list[Any]]) -> list[Any]:
        """Each source's read result: the cached one where the file and what it named are unchanged, else read_all's."""
        self._load()
        results: dict[str, Any] = {}
        unread: dict[str, os.stat_result | None] = {}
        for source in sources:
            entry = self._entries.get(source)
            if entry is not None and entry.config == config_digest and self._still_valid(source, entry):
                results[source] = entry.result
            else:
                unread[source] = _stat_or_none(self.root / source)  # before reading: a later change shows next time
        self.reused = len(results)
        for (source, before), result in zip(unread.items(), read_all(list(unread))):
            results[source] = result
            self._remember(source, before, result, config_digest)
        for gone in set(self._entries) - set(sources):
            self._forget(gone)
        return [results[source] for source in sources]

    def _still_valid(self, source: str, entry: _Parsed) -> bool:
        try:
            if _stat_key(os.stat(self.root / source)) != (entry.size, entry.mtime_ns):
                return False
            return all(_stat_key(os.stat(self.root / path)) == (size, mtime) for path, size, mtime in entry.pictures)
        except OSError:
            return False

    def _remember(self, source: str, before: os.stat_result | None, result: Any, config_digest: bytes) -> None:
        """Only whole articles are kept: a file with an error is read again until it is mended."""
        if before is None or result.article is None or result.problems.errors:
            self._forget(source)
            return
        try:
            pictures = tuple((path, *_stat_key(os.stat(self.root / path))) for path in result.pictures)
        except OSError:
            self._forget(source)
            return
        now = dt.datetime.now().timestamp() * 1e9
        if any(now - mtime < _RACY_NANOSECONDS for mtime in (before.st_mtime_ns, *(p[2] for p in pictures))):
            self._forget(source)  # a change in the same tick of the clock would not show in the time
            return
        self._entries[source] = _Parsed(*_stat_key(before), config_digest, pictures, result)
        self._dirty.add(self._shard(source))

    def _forget(self, source: str) -> None:
        if self._entries.pop(source, None) is not None:
            self._dirty.add(self._shard(source))

    @staticmethod
    def _shard(source: str) -> int:
        return hashlib.blake2b(source.encode(), digest_size=2).digest()[0] % _PARSED_SHARDS

    def save(self) -> None:
        if not self._dirty:
            return
        shards: dict[int, dict[str, _Parsed]] = {shard: {} for shard in self._dirty}
        for source, entry in self._entries.items():
            shard = self._shard(source)
            if shard in shards:
                shards[shard][source] = entry
        for shard, entries in shards.items():
            write_sealed(self.folder / f"{shard:02d}.pickle", self.stamp, entries)
        self._dirty.clear()


class RememberedValues:
    """Results the model's stages keep from one build for the next, by a digest of what they were made from
    (related lists: `related.related_by_language`); sealed in one file, written only when they changed."""

    def __init__(self, root: Path, name: str, stamp: str, fresh: bool = False):
        self.path = root / STATE_DIR / f"{name}.pickle"
        self.stamp = stamp
        read = None if fresh else read_sealed(self.path, stamp)
        self.values: dict[bytes, Any] = read if isinstance(read, dict) else {}
        self._saved = set(self.values)

    def save(self) -> None:
        if set(self.values) != self._saved:
            write_sealed(self.path, self.stamp, self.values)
            self._saved = set(self.values)


def input_snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file a build may read: site.yaml, content/, layouts/, assets/, but for
    dotted names."""
    snapshot: dict[str, tuple[int, int]] = {}
    try:
        snapshot[CONFIG_FILE] = _stat_key(os.stat(root / CONFIG_FILE))
    except OSError:
        pass
    for folder in (CONTENT_DIR, LAYOUTS_DIR, ASSETS_DIR):
        seen: set[tuple[int, int]] = set()
        for directory, folders, files in os.walk(root / folder, followlinks=True):
            try:
                info = os.stat(directory)
            except OSError:
                continue
            if (info.st_dev, info.st_ino) in seen:  # a link loop: the build reports it; the snapshot just stops
                folders.clear()
                continue
            seen.add((info.st_dev, info.st_ino))
            # No dotted names, which the build skips too: an editor's swap file beside an article is no edit.
            folders[:] = sorted(name for name in folders if not name.startswith("."))
            relative = Path(directory).relative_to(root).as_posix()
            for name in sorted(name for name in files if not name.startswith(".")):
                try:
                    info = os.stat(os.path.join(directory, name))
                except OSError:
                    snapshot[f"{relative}/{name}"] = (-1, -1)
                    continue
                snapshot[f"{relative}/{name}"] = _stat_key(info) if stat.S_ISREG(info.st_mode) else (-1, info.st_mode)
    return snapshot


@dataclass
class OutputState:
    """What the output folder holds, as the build that wrote it left it."""

    build_id: str
    files: dict[str, bytes]  # every file written (but the marker): its digest
    pages: dict[str, bytes]  # each page's output path: its fingerprint
    groups: dict[str, tuple[bytes, tuple[str, ...]]]  # each group of outputs made together: its fingerprint, its files
    report: Any  # pipeline.BuildReport: what the build said, which a build with nothing to do says again
    unchanged_if: tuple[Any, ...]  # the options, git's history and khabar's code: a build must find them as they were
    snapshot: dict[str, tuple[int, int]]  # every input file's size and modification time
    snapshot_at_ns: int  # when the snapshot was taken, before the build read anything
    stable_from: dt.datetime  # the build time it stood at
    stable_until: dt.datetime | None  # the first moment an article enters or leaves what the clock decides


def output_state_path(root: Path, out: Path) -> Path:
    name = hashlib.blake2b(str(out).encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    return root / STATE_DIR / f"output-{name}.pickle"


def unchanged_snapshot(state: OutputState, snapshot: dict[str, tuple[int, int]]) -> bool:
    """Whether every input is as the state saw it, and none so new that its time cannot be trusted."""
    if snapshot != state.snapshot:
        return False
    return all(state.snapshot_at_ns - mtime >= _RACY_NANOSECONDS for _, mtime in snapshot.values())



class TemplateCache(jinja2.BytecodeCache):
    """Compiled templates, so that a build compiles only the templates edited since the last one (compiling them all
    takes longer than rendering a page). Jinja's own file cache would run whatever code a file in it held: these
    are sealed like the rest of the state."""

    def __init__(self, root: Path):
        self.folder = root / STATE_DIR / "templates"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = read_sealed(self.folder / f"{bucket.key}.pickle", code_stamp())
        if isinstance(code, bytes):
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        write_sealed(self.folder / f"{bucket.key}.pickle", code_stamp(), bucket.bytecode_to_string())
