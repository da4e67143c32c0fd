"""What tells the dev server that a source changed: the kernel's word for it on Linux (inotify), else a poll.

An editor expects the page a moment after saving: inotify says so within a millisecond and costs
nothing while nobody types, where polling 20,000 articles twice a second would keep a core busy
scanning and still answer a quarter of a second late on average. Both say which files changed, so
that the server can tell a stylesheet-only edit from any other. A few events come together (an
editor writes a temporary file, renames it, sets its mode), so a change is reported once the
events have paused for a moment.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import struct
from pathlib import Path
from typing import Callable

from tornado.ioloop import IOLoop, PeriodicCallback

from ..buildstate import input_snapshot
from ..config import ASSETS_DIR, CONFIG_FILE, CONTENT_DIR, LAYOUTS_DIR

SOURCES = (CONFIG_FILE, CONTENT_DIR, LAYOUTS_DIR, ASSETS_DIR)  # what the build reads; an edit under them rebuilds
POLL_SECONDS = 0.5
SETTLE_SECONDS = 0.01  # how long the events of one save may be apart

Edited = Callable[[set[str]], None]  # told the paths of the sources edited, added or removed


class PollingWatch:
    """Every source's modification time and size, compared twice a second: what every system offers."""

    def __init__(self, root: Path):
        self.root = root
        self._state = input_snapshot(root)  # what the build's own "nothing to do" check compares
        self._poll: PeriodicCallback | None = None

    def edited(self) -> set[str]:
        """The sources edited, added or removed since the last call (or since the watch began)."""
        state = input_snapshot(self.root)
        edited = {str(self.root / path) for path in state.keys() | self._state.keys() if state.get(path) != self._state.get(path)}
        self._state = state
        return edited

    def start(self, on_edit: Edited) -> None:
        """Tell `on_edit` of every edit from now on, in the current event loop."""
        def poll() -> None:
            if edited := self.edited():
                on_edit(edited)

        self._poll = PeriodicCallback(poll, POLL_SECONDS * 1000)
        self._poll.start()

    def stop(self) -> None:
        if self._poll:
            self._poll.stop()


# From <sys/inotify.h>.
_IN_MODIFY, _IN_ATTRIB, _IN_CLOSE_WRITE = 0x2, 0x4, 0x8
_IN_MOVED_FROM, _IN_MOVED_TO, _IN_CREATE, _IN_DELETE = 0x40, 0x80, 0x100, 0x200
_IN_DELETE_SELF, _IN_MOVE_SELF, _IN_Q_OVERFLOW, _IN_IGNORED, _IN_ISDIR = 0x400, 0x800, 0x4000, 0x8000, 0x40000000
_IN_DONT_FOLLOW, _IN_NONBLOCK, _IN_CLOEXEC = 0x02000000, 0o4000, 0o2000000
_EVENTS = (_IN_MODIFY | _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_CREATE | _IN_DELETE
           | _IN_DELETE_SELF | _IN_MOVE_SELF | _IN_DONT_FOLLOW)
_EVENT = struct.Struct("iIII")  # watch, mask, cookie, length of the name that follows


class InotifyWatch:
    """The kernel's events for every folder of the sources, and for the project's folder itself (site.yaml, a source folder replaced)."""

    def __init__(self, root: Path):
        self.root = str(root)
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self._add_watch = libc.inotify_add_watch
        self._add_watch.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32)
        self.fd = libc.inotify_init1(_IN_NONBLOCK | _IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self._folders: dict[int, str] = {}
        self._loop: IOLoop | None = None
        try:
            self._watch(self.root)
            for name in SOURCES[1:]:
                self._watch_tree(os.path.join(self.root, name))
        except OSError:
            os.close(self.fd)
            raise

    def _watch(self, folder: str) -> None:
        watch = self._add_watch(self.fd, os.fsencode(folder), _EVENTS)
        if watch >= 0:
            self._folders[watch] = folder
            return
        number = ctypes.get_errno()
        if number not in (errno.ENOENT, errno.ENOTDIR):  # gone meanwhile; not a folder: nothing to watch
            raise OSError(number, f"inotify_add_watch: {os.strerror(number)}")  # ENOSPC: the user's limit of watches

    def _watch_tree(self, folder: str) -> None:
        if os.path.isdir(folder) and not os.path.islink(folder):
            self._watch(folder)
            for parent, subfolders, _ in os.walk(folder):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                for name in subfolders:
                    self._watch(os.path.join(parent, name))

    def edited(self) -> set[str]:
        """The sources edited, added or removed that the kernel has told of since the last call; the project's folder
        itself if it lost count of them."""
        data = b""
        while True:
            try:
                chunk = os.read(self.fd, 64 * 1024)
            except BlockingIOError:
                break
            if not chunk:
                break
            data += chunk
        edited, offset = set(), 0
        while offset < len(data):
            watch, mask, _, length = _EVENT.unpack_from(data, offset)
            name = os.fsdecode(data[offset + _EVENT.size:offset + _EVENT.size + length].rstrip(b"\0"))
            offset += _EVENT.size + length
            if mask & _IN_Q_OVERFLOW:
                edited.add(self.root)
                continue
            folder = self._folders.get(watch)
            if mask & _IN_IGNORED:
                self._folders.pop(watch, None)
            if folder is None or (folder == self.root and name not in SOURCES) or name.startswith("."):
                continue  # the output folder and anything else beside the sources; dotted names, which the build skips
            path = os.path.join(folder, name) if name else folder
            if mask & _IN_ISDIR and mask & (_IN_CREATE | _IN_MOVED_TO):
                self._watch_tree(path)  # a folder made or moved in: the build reads it whole, so its files need no event
            edited.add(path)
        return edited

    def start(self, on_edit: Edited) -> None:
        """Tell `on_edit` of every edit from now on, in the current event loop, once the events of a save have come."""
        loop, pending, settling = IOLoop.current(), set(), []

        def settled() -> None:
            settling.clear()
            edited = set(pending)
            pending.clear()
            on_edit(edited)

        def readable(fd: int, events: int) -> None:
            pending.update(self.edited())
            if settling:
                loop.remove_timeout(settling.pop())
            if pending:
                settling.append(loop.call_later(SETTLE_SECONDS, settled))

        loop.add_handler(self.fd, readable, IOLoop.READ)
        self._loop = loop

    def stop(self) -> None:
        if self._loop:
            self._loop.remove_handler(self.fd)
        os.close(self.fd)


def watch_sources(root: Path) -> InotifyWatch | PollingWatch:
    """The kernel's events where there are any (Linux, within the user's limit of watches), else a poll."""
    try:
        return InotifyWatch(root)
    except (OSError, AttributeError):  # AttributeError: a C library without inotify_init1
        return PollingWatch(root)
