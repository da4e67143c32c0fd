"""The dev server: the built site on this machine, rebuilt as its sources change and reloaded in the browser.

It runs beside a browser full of other sites, so it answers no more than a static
host would: regular files inside the output folder, never a dotfile (the output
marker, .nojekyll) nor anything reached through a symlink that leaves the folder,
and a 404 for any request path that is odd in any way. It binds the loopback
address unless told otherwise, answers only requests addressed to itself (a page
of another site that renames itself to 127.0.0.1 through DNS, "DNS rebinding",
gets a 403), and tells only pages of its own origin what a rebuild changed, by
their site URLs: never a path on this machine.

Pages learn of rebuilds through a small script (live.js) the server adds to every
HTML page it sends, the files on disk staying as the build wrote them, and a
WebSocket. `LivePages` is the one place that speaks to them; every message is a
JSON object with a "type": reload (the URLs a rebuild changed), css (stylesheets
to swap in place when only stylesheets were edited) and problems (the lines the
terminal printed for a failed build, shown over the page until a build succeeds).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import os
import re
import signal
import socket
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping
from urllib.parse import unquote_to_bytes

from tornado import web
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from ..assets import MEDIA_TYPES as ASSET_MEDIA_TYPES, source_name
from ..config import ASSETS_DIR
from ..output import HTML, XML
from ..problems import Problems
from ..report import render
from ..urls import NOT_FOUND_URL, output_url
from ..write import is_khabar_site
from .watch import InotifyWatch, PollingWatch, watch_sources

LIVE_SOCKET_URL = "/_khabar/live"  # outside the site's URLs, which all start with a language, assets/ or pagefind/
LIVE_SCRIPT_URL = "/_khabar/live.js"
_LIVE_SCRIPT = Path(__file__).with_name("live.js").read_bytes()
_LIVE_SCRIPT_TAG = f'<script src="{LIVE_SCRIPT_URL}" defer></script>'.encode()

MEDIA_TYPES = {**ASSET_MEDIA_TYPES, ".html": HTML, ".xml": XML, ".json": "application/json"}
_UTF8_TYPES = (XML, "application/json", "image/svg+xml")  # and every text/ type
# What the overlay shows when a build failed outside the sources (an output folder refused, a disk full): the
# terminal's line names paths on this machine, which pages are never told.
NOT_IN_A_SOURCE = "error: the site could not be built or written; the terminal says why"

# A burst of a thousand page loads must wait in the kernel's queue, not be refused (the default is 128).
BACKLOG = 1024
MAX_PATH = 2048  # characters of a request path; the site's own are far shorter
MAX_NAME = 255  # bytes of one file name, the limit of common file systems
_PRINTABLE_ASCII = re.compile(r"[!-~]*")  # browsers percent-encode everything else
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_NOT_IN_A_NAME = re.compile(r"[\x00-\x1f\x7f/\\:]")  # controls (NUL), an encoded slash, a Windows drive or stream


@dataclass(frozen=True)
class Redirect:
    location: str  # a folder asked for without its slash: "/ar" → "/ar/"


def site_file(out: Path, request_path: str) -> Path | Redirect | None:
    """The regular file inside `out` a request path names (a folder's index.html for "/ar/"), or None for anything else."""
    names = _names(request_path)
    if names is None:
        return None
    asks_for_folder = names[-1] == ""
    if asks_for_folder:
        names = (*names[:-1], "index.html")
    site = Path(os.path.realpath(out))  # resolved on every request: a build may swap the folder
    file = Path(os.path.realpath(site.joinpath(*names)))
    if not file.is_relative_to(site) or any(name.startswith(".") for name in file.relative_to(site).parts):
        return None  # a symlink out of the site, or to a dotfile in it
    try:
        mode = os.stat(file).st_mode
    except OSError:
        return None
    if stat.S_ISDIR(mode) and not asks_for_folder:
        return Redirect(request_path + "/")
    return file if stat.S_ISREG(mode) else None  # never a FIFO or a device, which would hang or never end


def _names(request_path: str) -> tuple[str, ...] | None:
    """The decoded names of a plain request path ("/ar/x/" → "ar", "x", ""), or None if it is odd in any way."""
    if len(request_path) > MAX_PATH or not request_path.startswith("/") or not _PRINTABLE_ASCII.fullmatch(request_path):
        return None
    if _BAD_PERCENT.search(request_path):
        return None
    encoded = request_path[1:].split("/")
    names = []
    for position, part in enumerate(encoded, start=1):
        try:
            name = unquote_to_bytes(part).decode("utf-8")
        except UnicodeDecodeError:
            return None
        if name == "" and position < len(encoded):  # "//etc/passwd"
            return None
        if name.startswith(".") or len(name.encode("utf-8")) > MAX_NAME or _NOT_IN_A_NAME.search(name):
            return None
        names.append(name)
    return tuple(names)


def media_type(name: str) -> str:
    """The Content-Type of a file of the site, by its extension."""
    kind = MEDIA_TYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")
    return f"{kind}; charset=utf-8" if kind.startswith("text/") or kind in _UTF8_TYPES else kind


def with_live_script(page: bytes) -> bytes:
    """The page with the live-reload script at the end of its head (valid HTML, fetched without delaying the page)."""
    end = page.find(b"</head>")
    if end < 0:
        return page + _LIVE_SCRIPT_TAG
    return page[:end] + _LIVE_SCRIPT_TAG + page[end:]


def own_hosts(local_address: tuple, host_name: str | None) -> frozenset[str]:
    """The Host values a request that reached `local_address` may carry: that address, localhost on loopback, the --host name."""
    address, port = local_address[0], local_address[1]
    ip = ipaddress.ip_address(address.partition("%")[0])
    if ip.version == 6 and ip.ipv4_mapped:  # a dual-stack socket reached over IPv4
        ip = ip.ipv4_mapped
    names = {f"[{ip}]" if ip.version == 6 else str(ip)}
    if ip.is_loopback:
        names.add("localhost")
    if host_name and not _is_ip(host_name):
        names.add(host_name.lower())
    with_port = {f"{name}:{port}" for name in names}
    return frozenset(with_port | names if port == 80 else with_port)  # browsers leave out the default port


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def problem_lines(problems: Problems) -> list[str]:
    """A failed build's problems as the terminal printed them, one `path:line[:column]: level: message` each."""
    return render(problems, "text").splitlines() or [NOT_IN_A_SOURCE]


def replaced_stylesheets(before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, str]:
    """The site URL of each stylesheet a rebuild replaced, and the URL of its replacement (fingerprinted names differ)."""
    def stylesheets(site: dict[str, bytes]) -> dict[str, str]:
        return {source_name(url): url for url in site if url.endswith(".css")}

    old, new = stylesheets(before), stylesheets(after)
    return {old[name]: new[name] for name in old.keys() & new.keys() if old[name] != new[name]}


def only_stylesheets(edited: set[str], root: Path) -> bool:
    """Whether every source edited, added or removed is a stylesheet under assets/."""
    assets = os.path.join(root, ASSETS_DIR, "")
    return bool(edited) and all(file.startswith(assets) and file.endswith(".css") for file in edited)


class LivePages:
    """The pages open in browsers, and the one place that tells them something."""

    def __init__(self) -> None:
        self._sockets: set[LiveSocket] = set()
        self._problems: list[str] = []  # the last build's, while it failed: shown on every page, even one opened meanwhile

    def join(self, page: LiveSocket) -> None:
        """A page opened: its first message is the state of the build, its problems if it failed (none if not)."""
        self._sockets.add(page)
        self._send(self._problems_message(), [page])

    def leave(self, page: LiveSocket) -> None:
        self._sockets.discard(page)

    def reload(self, urls: list[str]) -> None:
        """A rebuild changed the files at these site URLs: pages reload."""
        self._send({"type": "reload", "urls": urls})

    def restyle(self, stylesheets: dict[str, str]) -> None:
        """Only stylesheets changed: pages swap each old stylesheet's URL for its new one, without reloading."""
        self._send({"type": "css", "stylesheets": stylesheets})

    def show_problems(self, lines: list[str]) -> None:
        """A build failed: pages show these lines over themselves until a build succeeds."""
        self._problems = lines
        self._send(self._problems_message())

    def clear_problems(self) -> None:
        """A build succeeded: pages that show the problems of an earlier one take them away."""
        if self._problems:
            self._problems = []
            self._send(self._problems_message())

    def _problems_message(self) -> dict[str, object]:
        return {"type": "problems", "lines": self._problems}

    def _send(self, message: dict[str, object], pages: list[LiveSocket] | None = None) -> None:
        text = json.dumps(message, ensure_ascii=False)
        for page in list(self._sockets) if pages is None else pages:
            try:
                sending = page.write_message(text)
            except WebSocketClosedError:
                self.leave(page)
                continue
            # A page that closes while its message is on the way (it is reloading) fails the sending later.
            sending.add_done_callback(lambda sent, page=page: self._sent(sent, page))

    def _sent(self, sending: asyncio.Future, page: LiveSocket) -> None:
        if not sending.cancelled() and sending.exception() is not None:
            self.leave(page)


# A build: None if it succeeded, else the problems it printed (none when the failure was not in a source file). Given
# True, it may leave a search index an edit changed for the next build, so that the page shows the edit sooner.
Build = Callable[[bool], Problems | None]
# The digest of each file of the site served, by its path in the output folder, as the last good build left it.
BuiltFiles = Callable[[], Mapping[str, bytes]]
# Whether the last build left a search index for the next one.
SearchBehind = Callable[[], bool]
# How long after a rebuild's pages are told the search index it left is made: the build runs on the server's
# thread, and the reloaded page's files come first.
SEARCH_AFTER_SECONDS = 0.5


class Rebuilder:
    """Builds the site, then again whenever sources are edited, and tells the open pages what came of it."""

    def __init__(self, root: Path, out: Path, build: Build, built_files: BuiltFiles, search_behind: SearchBehind,
                 pages: LivePages):
        self.root, self.out, self.pages = root, out, pages
        self.build, self.built_files, self.search_behind = build, built_files, search_behind
        self._site: dict[str, bytes] = {}  # by site URL; empty until a build succeeds (the next good one then reloads every page)
        # The sources edited since the last good build made the site served; None when that site is an earlier run's.
        self._edited: set[str] | None = set()
        self._search_later: object | None = None  # the IOLoop's handle of the build that makes what the last one left

    def first_build(self) -> bool:
        """The first build, whole; False if it failed and there is no earlier site to serve meanwhile.

        Only a folder holding a whole site a build wrote (its marker) is ever served: never an
        unmarked older folder, nor one the build refused to replace (the project, a home folder).
        """
        problems = self.build(False)
        if problems is not None:
            if not is_khabar_site(self.out):
                return False
            self._edited = None
            self.pages.show_problems(problem_lines(problems))
        else:
            self._site = self._site_now()
        return True

    def rebuild(self, edited: set[str]) -> None:
        """Build again after these sources were edited; the pages reload, swap stylesheets or show the problems; then
        the search index, if the build left it."""
        if self._search_later is not None:
            IOLoop.current().remove_timeout(self._search_later)  # this build makes it, or leaves it again
            self._search_later = None
        if self._edited is not None:
            self._edited |= edited
        problems = self.build(True)
        if problems is not None:
            self.pages.show_problems(problem_lines(problems))  # over the last good site, which stays
            return
        self.pages.clear_problems()
        site = self._site_now()
        changed = sorted(url for url in site.keys() | self._site.keys() if site.get(url) != self._site.get(url))
        stylesheets = replaced_stylesheets(self._site, site)
        restyle = self._edited is not None and only_stylesheets(self._edited, self.root) and bool(stylesheets)
        self._site, self._edited = site, set()
        if restyle:
            self.pages.restyle(stylesheets)
        elif changed:
            self.pages.reload(changed)
        if self.search_behind():
            self._search_later = IOLoop.current().call_later(SEARCH_AFTER_SECONDS, self._make_search_index)

    def _make_search_index(self) -> None:
        """The build that makes what the last one left. The pages already show the edit, so they are not told: what
        the site served was is kept as it is, so that an edit this build took in too, before the watch told of it,
        still reloads them when it does."""
        self._search_later = None
        problems = self.build(False)
        if problems is not None:
            self.pages.show_problems(problem_lines(problems))

    def _site_now(self) -> dict[str, bytes]:
        return {output_url(path): content for path, content in self.built_files().items()}


class DevServer:
    """The site in `out` served over HTTP on the sockets it listens on, with live reload."""

    def __init__(self, root: Path, out: Path, host: str, sockets: list[socket.socket]):
        self.root, self.out, self.host = root, out, host
        self.sockets = sockets
        self.pages = LivePages()

    @classmethod
    def listen(cls, root: Path, out: Path, host: str, port: int) -> DevServer:
        """Listen on host:port (port 0: any free one), OSError if that cannot be done; from then on SIGTERM stops it as Ctrl-C does."""
        sockets = bind_sockets(port, host, backlog=BACKLOG)
        # KeyboardInterrupt, wherever it comes: a build under way is abandoned and its staging folder removed.
        signal.signal(signal.SIGTERM, _stop)
        return cls(root, out, host, sockets)

    @property
    def local(self) -> bool:
        """Whether only this machine can reach the server."""
        return all(ipaddress.ip_address(listening.getsockname()[0].partition("%")[0]).is_loopback for listening in self.sockets)

    @property
    def url(self) -> str:
        """The address of the site's home, as a browser on this machine reaches it."""
        address, port = self.sockets[0].getsockname()[:2]
        if not _is_ip(self.host):
            name = self.host  # a name given to --host, such as localhost
        elif ipaddress.ip_address(address).is_unspecified:
            name = "127.0.0.1" if ":" not in address else "[::1]"  # every address: this machine's own will do
        else:
            name = f"[{address}]" if ":" in address else address
        return f"http://{name}:{port}/"

    def run(self, build: Build, built_files: BuiltFiles, search_behind: SearchBehind) -> bool:
        """Build, then serve and rebuild on every change until KeyboardInterrupt; False if the first build failed."""
        rebuilder = Rebuilder(self.root, self.out, build, built_files, search_behind, self.pages)
        sources = watch_sources(self.root)  # before the first build: an edit made during it is seen
        try:
            return rebuilder.first_build() and self._serve(rebuilder, sources)
        finally:
            sources.stop()

    def _serve(self, rebuilder: Rebuilder, sources: InotifyWatch | PollingWatch) -> bool:
        asyncio.set_event_loop(asyncio.new_event_loop())
        application = web.Application(
            [
                (re.escape(LIVE_SOCKET_URL), LiveSocket, {"server": self}),
                (re.escape(LIVE_SCRIPT_URL), LiveScript, {"server": self}),
            ],
            default_handler_class=SiteFiles,
            default_handler_args={"server": self},
            log_function=lambda handler: None,  # a dev server's terminal is for the build's messages
            websocket_max_message_size=1024,  # pages send nothing
            websocket_ping_interval=30,  # a page whose laptop slept, or whose network went, is let go
        )
        http = HTTPServer(application, max_body_size=64 * 1024, idle_connection_timeout=60, body_timeout=60)
        http.add_sockets(self.sockets)
        sources.start(rebuilder.rebuild)
        try:
            asyncio.get_event_loop().run_forever()
        finally:
            http.stop()
        return True


def _stop(signal_number: int, frame: object) -> None:
    raise KeyboardInterrupt


class _OwnHostOnly(web.RequestHandler):
    """A request is answered only if addressed to this server, by the address it reached or a name of it."""

    def initialize(self, server: DevServer) -> None:
        self.server = server

    def hosts(self) -> frozenset[str]:
        stream = self.request.connection.stream  # type: ignore[union-attr]
        return own_hosts(stream.socket.getsockname(), self.server.host) if stream.socket else frozenset()

    def prepare(self) -> None:
        if self.request.host.lower() not in self.hosts():
            raise web.HTTPError(403)

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-cache")  # always asked again, so a rebuild is always seen
        self.set_header("X-Content-Type-Options", "nosniff")

    def write_error(self, status_code: int, **kwargs: object) -> None:
        if status_code == 405:
            self.set_header("Allow", "GET, HEAD")
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")


class SiteFiles(_OwnHostOnly):
    """The files of the built site, as a static host serves them."""

    SUPPORTED_METHODS = ("GET", "HEAD")

    def get(self) -> None:
        found = site_file(self.server.out, self.request.path)
        if isinstance(found, Redirect):
            query = self.request.query
            self.redirect(found.location + (f"?{query}" if query and _PRINTABLE_ASCII.fullmatch(query) else ""), permanent=True)
        elif found is None or not self._send(found):
            raise web.HTTPError(404)

    head = get

    def write_error(self, status_code: int, **kwargs: object) -> None:
        page = site_file(self.server.out, NOT_FOUND_URL) if status_code == 404 else None
        if not (isinstance(page, Path) and self._send(page)):
            super().write_error(status_code, **kwargs)

    def _send(self, file: Path) -> bool:
        """Send the file, the live-reload script added to a page; False if it could not be read (a swap took it away)."""
        try:
            content = file.read_bytes()
        except OSError:
            return False
        kind = media_type(file.name)
        if kind.startswith(HTML):
            content = with_live_script(content)
        self.set_header("Content-Type", kind)
        self.finish(content)
        return True


class LiveScript(_OwnHostOnly):
    def get(self) -> None:
        self.set_header("Content-Type", "text/javascript; charset=utf-8")
        self.finish(_LIVE_SCRIPT)


class LiveSocket(_OwnHostOnly, WebSocketHandler):
    """A page's line to the server, open only to pages of the server's own origin."""

    def prepare(self) -> None:
        super().prepare()
        # Browsers let any page open a WebSocket to any address and say whose page it is only in Origin.
        if self.request.headers.get("Origin", "").lower() not in {f"http://{host}" for host in self.hosts()}:
            raise web.HTTPError(403)

    def check_origin(self, origin: str) -> bool:
        return True  # prepare() has checked it, and refused a request without one

    def open(self) -> None:
        self.server.pages.join(self)

    def on_close(self) -> None:
        self.server.pages.leave(self)

    def on_message(self, message: str | bytes) -> None:
        pass  # pages only listen
