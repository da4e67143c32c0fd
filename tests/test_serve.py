"""`build.py serve` (khabar/tools/serve.py): a real server on a free port, asked by real HTTP and WebSocket clients.

It serves the built site and nothing else, answers odd requests with the site's 404,
holds up under bursts and clients that hang up, tells only pages of its own origin
what a rebuild changed (by site URL), shows a failed build's problems over the open
pages and swaps an edited stylesheet in without a reload (in Chromium), and stops with
the signal that stops dev.py.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import gzip
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page
from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClosedError, websocket_connect

from conftest import PROJECT, ScratchSite, run_cli
from khabar.problems import Problems
from khabar.textnorm import search_form
from khabar.tools.serve import (
    LIVE_SCRIPT_URL, LIVE_SOCKET_URL, NOT_IN_A_SOURCE, LivePages, Redirect, media_type, only_stylesheets, own_hosts,
    problem_lines, replaced_stylesheets, site_file, with_live_script,
)

STORY = "title: العنوان الأول\ndate: 2023-09-13\nauthor: nasrin-tarek\ncategory: reports\ntags: [كوريا الشمالية]"
STORY_URL = "/ar/2023/09/story/"


class ServeProcess:
    """A `serve` command running in its own process, its output gathered as it comes."""

    def __init__(self, command: list[str], cwd: Path = PROJECT):
        self.process = subprocess.Popen(
            command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, times: int = 1, seconds: float = 30) -> re.Match[str]:
        """The `times`-th match of pattern in the output, once it has come."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = list(re.finditer(pattern, self.output))
            if len(found) >= times:
                return found[times - 1]
            assert self.process.poll() is None, f"serve ended early:\n{self.output}"
            time.sleep(0.05)
        raise AssertionError(f"serve never printed {pattern!r}:\n{self.output}")

    def url(self) -> str:
        return self.wait_for(r"serving .* at (http://\S+/) ").group(1)

    def stop(self, signal_number: int) -> int:
        self.process.send_signal(signal_number)
        try:
            return self.process.wait(timeout=15)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self._reader.join(timeout=5)


def serve_command(root: Path, *options: str) -> list[str]:
    return [sys.executable, str(PROJECT / "build.py"), "--root", str(root), "serve", "--port", "0", *options]


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].strip("/"))


def fetch(port: int, path: str, until: str, seconds: float = 30) -> str:
    """The page at path once it contains `until` (the first build and rebuilds take a moment)."""
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            status, _, body = request(port, b"GET", path.encode())
            last = body.decode("utf-8")
            if status == 200 and until in last:
                return last
        except OSError as error:
            last = repr(error)
        time.sleep(0.2)
    raise AssertionError(f"{path} never contained {until!r}; last seen:\n{last[:500]}")


def request(port: int, method: bytes, path: bytes, headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request sent byte for byte as given (no client tidies the path), and its response."""
    headers = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    lines = [method + b" " + path + b" HTTP/1.1", *(f"{name}: {value}".encode() for name, value in headers.items())]
    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        connection.sendall(b"\r\n".join(lines) + b"\r\nConnection: close\r\n\r\n")
        response = http.client.HTTPResponse(connection, method=method.decode())
        response.begin()
        return response.status, response.headers, response.read()


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as any server would
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return refuses_connections(port)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> ScratchSite:
    site = ScratchSite(tmp_path_factory.mktemp("serve"))
    site.article("ar", "story", STORY)
    site.article("en", "story", STORY.replace("العنوان الأول", "The first headline"))
    return site


@pytest.fixture(scope="module")
def serving(site: ScratchSite) -> Iterator[ServeProcess]:
    """The scratch site served by `build.py serve` on a free port; stopped with Ctrl-C's signal at the end."""
    serving = ServeProcess(serve_command(site.root))
    url = serving.url()
    fetch(port_of(url), STORY_URL, until="العنوان الأول")
    yield serving
    assert serving.stop(signal.SIGINT) == 0, serving.output
    assert "stopped" in serving.output and "Traceback" not in serving.output, serving.output
    assert port_is_free(port_of(url))


@pytest.fixture(scope="module")
def served(serving: ServeProcess) -> str:
    return serving.url()


# The server's pieces, one by one.

def test_request_paths_find_only_regular_files_inside_the_site(tmp_path: Path):
    out = tmp_path / "site"
    (out / "ar").mkdir(parents=True)
    for name in ("index.html", "ar/index.html", "404.html", ".khabar-site", ".nojekyll"):
        (out / name).write_text("x")
    (tmp_path / "secret.txt").write_text("secret")
    (out / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (out / "outside").symlink_to(tmp_path)
    (out / "marker").symlink_to(out / ".khabar-site")
    os.mkfifo(out / "pipe")
    assert site_file(out, "/") == out.resolve() / "index.html"
    assert site_file(out, "/ar/") == site_file(out, "/ar/index.html") == out.resolve() / "ar/index.html"
    assert site_file(out, "/ar") == Redirect("/ar/")
    odd = ["/%00", "/ar/%00", "/%2e%2e/", "/..%2f", "/ar/..", "/ar/../index.html", "/.khabar-site", "/.nojekyll", "/%2ekhabar-site",
           "/%ff", "/%c3%28", "/%", "/%zz", "/ar%2findex.html", "//etc/passwd", "/%2fetc/passwd", "/ar%5c..%5cindex.html",
           "/C:%5cWindows", "/c:", "/ü", "/a b", "/" + "a" * 256, "/a/" * 1000, "", "*", "http://evil.example/",
           "/leak.txt", "/outside/secret.txt", "/marker", "/pipe", "/index.html/", "/missing.html"]
    for path in odd:
        assert site_file(out, path) is None, path


def test_a_swapped_output_symlink_is_followed_anew_on_every_request(tmp_path: Path):
    first, second, out = tmp_path / ".v1", tmp_path / ".v2", tmp_path / "site"
    first.mkdir()
    second.mkdir()
    (second / "new.html").write_text("x")
    out.symlink_to(first)
    assert site_file(out, "/new.html") is None
    out.unlink()
    out.symlink_to(second)
    assert site_file(out, "/new.html") == second.resolve() / "new.html"


def test_pages_get_the_live_script_at_the_end_of_their_head():
    script = f'<script src="{LIVE_SCRIPT_URL}" defer></script>'.encode()
    assert with_live_script(b"<html><head><title>x</title></head><body></body></html>") == (
        b"<html><head><title>x</title>" + script + b"</head><body></body></html>")
    assert with_live_script(b"<p>a fragment") == b"<p>a fragment" + script


def test_media_types_by_extension():
    assert media_type("index.html") == "text/html; charset=utf-8"
    assert media_type("site.5f0c2a91d3.css") == "text/css; charset=utf-8"
    assert media_type("search.js") == "text/javascript; charset=utf-8"
    assert media_type("feed.xml") == "application/xml; charset=utf-8"
    assert media_type("pagefind-entry.json") == "application/json; charset=utf-8"
    assert media_type("x.woff2") == "font/woff2" and media_type("x.webp") == "image/webp"
    assert media_type("favicon.svg") == "image/svg+xml; charset=utf-8"
    assert media_type("wasm.ar.pagefind") == media_type("pagefind.ar_1.pf_meta") == "application/octet-stream"


def test_own_hosts_are_the_address_reached_and_its_names():
    assert own_hosts(("127.0.0.1", 8000), "127.0.0.1") == {"127.0.0.1:8000", "localhost:8000"}
    assert own_hosts(("::1", 8000, 0, 0), "::1") == {"[::1]:8000", "localhost:8000"}
    assert own_hosts(("::ffff:127.0.0.1", 8000, 0, 0), "::") == {"127.0.0.1:8000", "localhost:8000"}
    assert own_hosts(("192.168.1.5", 8000), "0.0.0.0") == {"192.168.1.5:8000"}
    assert own_hosts(("192.168.1.5", 8000), "Laptop.local") == {"192.168.1.5:8000", "laptop.local:8000"}
    assert own_hosts(("127.0.0.1", 80), "127.0.0.1") == {"127.0.0.1:80", "localhost:80", "127.0.0.1", "localhost"}


def test_stylesheets_are_matched_across_a_rebuild_by_their_name_without_the_fingerprint():
    before = {"/assets/css/site.5f0c2a91d3.css": b"1", "/assets/css/print.0123456789.css": b"2", "/ar/": b"3"}
    after = {"/assets/css/site.a1b2c3d4e5.css": b"4", "/assets/css/print.0123456789.css": b"2", "/ar/": b"5",
             "/assets/css/new.ffffffffff.css": b"6"}
    assert replaced_stylesheets(before, after) == {"/assets/css/site.5f0c2a91d3.css": "/assets/css/site.a1b2c3d4e5.css"}


def test_only_edits_of_stylesheets_under_assets_swap_stylesheets(tmp_path: Path):
    css, other = str(tmp_path / "assets/css/site.css"), str(tmp_path / "assets/css/print.css")
    assert only_stylesheets({css, other}, tmp_path)
    for edited in (set(), {css, str(tmp_path / "content/ar/x.md")}, {str(tmp_path / "layouts/base.html")},
                   {str(tmp_path / "assets/js/search.js")}, {str(tmp_path / "content/x.css")}, {str(tmp_path)}):
        assert not only_stylesheets(edited, tmp_path), edited


def test_a_page_that_closes_while_it_is_told_something_is_let_go_quietly():
    """A reloading page's socket may close with a message on the way: its failure is taken, never left to be logged."""
    loop = asyncio.new_event_loop()
    unretrieved: list[dict] = []
    loop.set_exception_handler(lambda _, context: unretrieved.append(context))

    class ClosingPage:
        told = 0

        def write_message(self, text: str) -> asyncio.Future:
            self.told += 1
            sending = loop.create_future()
            loop.call_soon(sending.set_exception, WebSocketClosedError())
            return sending

    pages, page = LivePages(), ClosingPage()
    pages.join(page)  # told the state of the build at once
    loop.run_until_complete(asyncio.sleep(0.01))
    pages.reload(["/ar/"])  # not told: it has left
    loop.close()
    gc.collect()  # a future whose failure nobody took says so as it goes
    assert page.told == 1 and unretrieved == []


def test_a_failure_outside_the_sources_is_shown_without_the_paths_of_this_machine():
    assert problem_lines(Problems()) == [NOT_IN_A_SOURCE]


# The server itself.

def test_serves_pages_assets_and_folders_as_a_static_host_does(served: str, site: ScratchSite):
    port = port_of(served)
    status, headers, page = request(port, b"GET", STORY_URL.encode())
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert f'href="{served}ar/2023/09/story/"'.encode() in page  # canonical links point at the local server
    assert page == with_live_script((site.out / "ar/2023/09/story/index.html").read_bytes())
    assert page.count(LIVE_SCRIPT_URL.encode()) == 1
    stylesheet = re.search(rb'href="(/assets/css/site\.\w+\.css)"', page).group(1)
    status, headers, css = request(port, b"GET", stylesheet)
    assert status == 200 and headers["Content-Type"] == "text/css; charset=utf-8"
    assert css == (site.out / stylesheet.decode().lstrip("/")).read_bytes()
    status, headers, body = request(port, b"HEAD", STORY_URL.encode())
    assert status == 200 and body == b"" and int(headers["Content-Length"]) == len(page)
    status, headers, _ = request(port, b"GET", b"/ar?x=1")
    assert status == 301 and headers["Location"] == "/ar/?x=1"
    tag_page = quote("/ar/tags/كوريا-الشمالية/").encode()  # Arabic addresses, percent-encoded as browsers send them
    assert request(port, b"GET", tag_page)[2] == with_live_script((site.out / "ar/tags/كوريا-الشمالية/index.html").read_bytes())
    status, headers, script = request(port, b"GET", LIVE_SCRIPT_URL.encode())
    assert status == 200 and headers["Content-Type"] == "text/javascript; charset=utf-8" and LIVE_SOCKET_URL.encode() in script


ODD_PATHS = [
    b"/%00", b"/ar/%00/", b"/%2e%2e/", b"/..%2f", b"/..%2f..%2f..%2fetc%2fpasswd", b"/ar/../../../etc/passwd", b"/../",
    b"/.khabar-site", b"/.nojekyll", b"/%2enojekyll", b"/%ff", b"/ar/%c3%28/", b"/%", b"/%zz", b"//etc/passwd",
    b"/%2fetc%2fpasswd", b"/ar%5c..%5c..%5cetc", b"/C:%5cWindows", b"/\xd8\xb9", b"/\xff", b"/" + b"a" * 3000,
    b"/" + b"a/" * 1000, b"/" + b"a" * 300 + b"/", b"*", b"http://evil.example/", b"/leak.txt", b"/outside/", b"/pipe",
    b"/robots.txt/", b"/missing/",
]


def test_odd_paths_get_the_sites_404(served: str, site: ScratchSite, tmp_path: Path):
    (site.out / ".khabar-site").write_text("")
    (tmp_path / "secret.txt").write_text("secret")
    (site.out / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (site.out / "outside").symlink_to(tmp_path)
    os.mkfifo(site.out / "pipe")
    not_found = with_live_script((site.out / "404.html").read_bytes())
    for path in ODD_PATHS:
        status, headers, body = request(port_of(served), b"GET", path)
        assert (status, body) == (404, not_found), path
        assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_methods_other_than_get_and_head_get_405(served: str):
    for method in (b"POST", b"PUT", b"DELETE", b"PATCH", b"OPTIONS", b"TRACE", b"BREW"):
        status, headers, _ = request(port_of(served), method, STORY_URL.encode(), {"Content-Length": "0"})
        assert status == 405 and headers["Allow"] == "GET, HEAD", method


def test_requests_addressed_to_another_host_are_refused(served: str):
    """A page of another site that renames itself to 127.0.0.1 (DNS rebinding) still names itself in Host."""
    port = port_of(served)
    assert request(port, b"GET", STORY_URL.encode(), {"Host": f"localhost:{port}"})[0] == 200
    for host in (f"evil.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}", f"127.0.0.1.evil.example:{port}"):
        assert request(port, b"GET", STORY_URL.encode(), {"Host": host})[0] == 403, host


def test_a_burst_of_a_thousand_concurrent_requests_all_succeed(served: str, site: ScratchSite):
    port = port_of(served)
    paths = [STORY_URL, "/ar/", "/en/", "/", "/robots.txt", "/sitemap.xml", LIVE_SCRIPT_URL]
    start = threading.Barrier(1000)
    statuses: list[object] = []

    def one(number: int) -> None:
        start.wait()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", paths[number % len(paths)])
            response = connection.getresponse()
            response.read()
            connection.close()
            statuses.append(response.status)
        except Exception as error:  # every failure counted and shown, not just the first
            statuses.append(repr(error))

    threads = [threading.Thread(target=one, args=(number,)) for number in range(1000)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failures = [status for status in statuses if status != 200]
    assert len(statuses) == 1000 and failures == []


def test_clients_that_hang_up_mid_response_do_not_stop_the_server(served: str, site: ScratchSite):
    port = port_of(served)
    (site.out / "big.bin").write_bytes(os.urandom(16 * 1024 * 1024))  # more than the kernel's buffers hold
    for number in range(16):
        client = socket.socket()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.connect(("127.0.0.1", port))
        if number % 4 == 3:
            client.sendall(b"GET /big.b")  # hangs up halfway through the request
        else:
            client.sendall(f"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            client.recv(1024)
        if number % 2:
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # a reset, not a close
        client.close()
    assert request(port, b"GET", STORY_URL.encode())[0] == 200


def websocket_handshake(port: int, headers: dict[str, str]) -> int:
    """The status of a raw WebSocket opening handshake with these headers."""
    key = base64.b64encode(os.urandom(16)).decode()
    status, _, _ = request(port, b"GET", LIVE_SOCKET_URL.encode(), {
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": key, **headers})
    return status


def test_live_reload_refuses_pages_of_any_other_origin(served: str):
    port = port_of(served)
    foreign = [
        {"Origin": "http://evil.example"}, {"Origin": "null"}, {"Origin": f"http://evil.example:{port}"},
        {"Origin": f"http://127.0.0.1:{port + 1}"}, {"Origin": f"https://127.0.0.1:{port}"}, {},
        {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
        {"Origin": f"http://evil.example:{port}", "Host": f"evil.example:{port}", "Sec-Fetch-Site": "same-origin"},
    ]
    for headers in foreign:
        assert websocket_handshake(port, headers) == 403, headers
    assert websocket_handshake(port, {"Origin": f"http://127.0.0.1:{port}"}) == 101
    assert websocket_handshake(port, {"Origin": f"http://localhost:{port}", "Host": f"localhost:{port}"}) == 101


def test_pages_of_its_own_origin_are_told_the_urls_a_rebuild_changed(served: str, site: ScratchSite):
    port = port_of(served)

    async def listen_across_an_edit() -> str:
        socket_url = f"ws://127.0.0.1:{port}{LIVE_SOCKET_URL}"
        connection = await websocket_connect(HTTPRequest(socket_url, headers={"Origin": f"http://127.0.0.1:{port}"}))
        state = json.loads(await asyncio.wait_for(connection.read_message(), timeout=30))
        assert state == {"type": "problems", "lines": []}  # the first message: the last build succeeded
        article = site.root / "content/ar/story.md"
        article.write_text(article.read_text(encoding="utf-8").replace("العنوان الأول", "العنوان الثاني"), encoding="utf-8")
        message = await asyncio.wait_for(connection.read_message(), timeout=30)
        connection.close()
        return message

    text = asyncio.run(listen_across_an_edit())
    message = json.loads(text)
    assert message["type"] == "reload"
    assert STORY_URL in message["urls"] and "/robots.txt" not in message["urls"]  # only what changed
    assert all(url.startswith("/") and not url.startswith("//") for url in message["urls"])
    for machine_path in (str(site.root), str(site.out), str(Path.home()), "/tmp/", "\\"):
        assert machine_path not in text
    fetch(port, STORY_URL, until="العنوان الثاني")


def indexed_words(out: Path, lang: str) -> str:
    """The words a language's search index holds, read back from Pagefind's compressed fragments ("" while they move)."""
    try:
        fragments = (out / "pagefind" / lang / "fragment").glob("*.pf_fragment")
        return " ".join(json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))["content"] for path in fragments)
    except OSError:
        return ""


def test_an_edit_shows_before_its_search_index_is_made_and_the_index_follows(serving: ServeProcess, site: ScratchSite):
    port = port_of(serving.url())
    article = site.root / "content/en/story.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n\nZanzibar, in a paragraph of its own.\n", encoding="utf-8")
    fetch(port, "/en/2023/09/story/", until="Zanzibar")
    serving.wait_for(r"search index: (?:\w+, )*en(?:, \w+)* left for the next build")
    deadline = time.monotonic() + 30
    while search_form("Zanzibar") not in indexed_words(site.out, "en"):
        assert time.monotonic() < deadline, serving.output
        time.sleep(0.1)
    serving.wait_for(r"search index made in [\d.]+ s")


def test_a_failed_rebuild_keeps_the_last_good_site_until_the_next_good_one(serving: ServeProcess, site: ScratchSite):
    port = port_of(serving.url())
    article = site.article("ar", "other", STORY.replace("العنوان الأول", "خبر آخر"))
    fetch(port, "/ar/2023/09/other/", until="خبر آخر")
    failed_builds = serving.output.count("nothing was written")
    article.write_text(article.read_text(encoding="utf-8").replace("date: 2023-09-13", "date: not a date"), encoding="utf-8")
    serving.wait_for("nothing was written", times=failed_builds + 1)
    assert re.search(r"content/ar/other\.md:\d+: ", serving.output)
    assert "خبر آخر" in fetch(port, "/ar/2023/09/other/", until="خبر آخر")
    article.write_text(STORY.replace("العنوان الأول", "خبر مصحح").join(["---\n", "\n---\n\nText.\n"]), encoding="utf-8")
    fetch(port, "/ar/2023/09/other/", until="خبر مصحح")


def test_a_failed_first_build_serves_only_a_site_a_build_wrote(scratch: ScratchSite):
    """Not an unmarked older folder, and above all not a folder the build refused to replace: here the project itself."""
    scratch.article("ar", "story", STORY)
    scratch.write("_site/index.html", "an older site")
    broken = scratch.article("ar", "broken", "title: x\ndate: not a date")
    for out, expected in ((scratch.root, "refusing to replace"), (scratch.out, "refusing to replace")):
        run = subprocess.run(serve_command(scratch.root, "--out", str(out)), capture_output=True, text=True, timeout=60)
        assert run.returncode == 1 and expected in run.stderr and "Traceback" not in run.stderr, run.stderr
    broken.unlink()
    assert run_cli("build", "--force", root=scratch.root).returncode == 0
    scratch.article("ar", "broken", "title: x\ndate: not a date")
    serving = ServeProcess(serve_command(scratch.root))
    try:
        port = port_of(serving.url())
        serving.wait_for("content/ar/broken.md:")
        fetch(port, STORY_URL, until="العنوان الأول")  # the last good site, while the editor mends the file
        scratch.article("ar", "broken", STORY.replace("العنوان الأول", "خبر مصلح"))
        fetch(port, "/ar/2023/09/broken/", until="خبر مصلح")
    finally:
        serving.stop(signal.SIGINT)


def test_scheduled_articles_are_served_marked_as_scheduled(scratch: ScratchSite):
    """The desk sees what is queued, and when it goes out, on the article and in the listings; `build` shows neither."""
    scratch.article("ar", "story", STORY)
    scratch.article("ar", "queued", STORY.replace("العنوان الأول", "خبر مجدول").replace("2023-09-13", "2999-01-02T06:30:00+03:00"))
    scratch.article("en", "queued", "title: A queued story\ndate: 2999-01-02T06:30:00+03:00")
    serving = ServeProcess(serve_command(scratch.root))
    try:
        port = port_of(serving.url())
        arabic_label = "مجدول للنشر في 2 يناير 2999 الساعة 6:30 ص"
        article = fetch(port, "/ar/2999/01/queued/", until="خبر مجدول")
        assert f'<p class="scheduled">{arabic_label}</p>' in article
        assert fetch(port, "/ar/", until="خبر مجدول").count('<p class="scheduled">') == 1  # the queued one's card, not the story's
        assert '<p class="scheduled">Scheduled for January 2, 2999 at 6:30\u202fAM</p>' in fetch(port, "/en/", until="A queued story")
    finally:
        serving.stop(signal.SIGINT)
    assert scratch.build().returncode == 0
    assert not (scratch.out / "ar/2999").exists() and "خبر مجدول" not in (scratch.out / "ar/index.html").read_text(encoding="utf-8")


def test_a_port_in_use_or_an_unknown_host_is_one_line(scratch: ScratchSite):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for options, expected in ((["--port", str(port)], f"error: cannot listen on 127.0.0.1 port {port}: "),
                                  (["--host", "no such host.invalid"], "error: cannot listen on no such host.invalid port 0: ")):
            run = subprocess.run([*serve_command(scratch.root), *options], capture_output=True, text=True, timeout=60)
            assert run.returncode == 1 and run.stderr.startswith(expected) and run.stderr.count("\n") == 1, run.stderr


def test_it_listens_on_loopback_only_by_default(served: str):
    """The kernel's table of listening sockets: 127.0.0.1 (0100007F) on the port, nothing else."""
    port = port_of(served)
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, _, hex_port = local.partition(":")
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                listening.add(address)
    assert listening == {"0100007F"}


def test_listening_elsewhere_warns_and_sigterm_stops_a_build_under_way(site: ScratchSite, tmp_path: Path):
    serving = ServeProcess(serve_command(site.root, "--host", "0.0.0.0", "--out", str(tmp_path / "site")))
    serving.wait_for(r"warning: listening on 0\.0\.0\.0: other machines can read the site, drafts included")
    port = port_of(serving.url())
    assert serving.stop(signal.SIGTERM) == 0, serving.output
    assert "Traceback" not in serving.output
    assert port_is_free(port)


def test_sigterm_to_dev_py_serve_stops_the_server(tmp_path: Path):
    serving = ServeProcess([sys.executable, str(PROJECT / "dev.py"), "serve", "--port", "0", "--out", str(tmp_path / "site")])
    url = serving.url()
    fetch(port_of(url), "/", until="<html")
    assert serving.stop(signal.SIGTERM) == 0, serving.output
    assert port_is_free(port_of(url))


def test_an_open_page_reloads_itself_after_an_edit_in_chromium(served: str, site: ScratchSite, browser: Browser):
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type in ("error", "warning") and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(served + "en/2023/09/story/")
    page.wait_for_function("document.querySelector('h1').textContent.includes('The first headline')")
    page.wait_for_timeout(500)  # the live-reload socket is open
    article = site.root / "content/en/story.md"
    article.write_text(article.read_text(encoding="utf-8").replace("The first headline", "The second headline"), encoding="utf-8")
    page.wait_for_function("document.querySelector('h1').textContent.includes('The second headline')", timeout=30_000)
    page.close()
    assert problems == []


# What an open page shows of a rebuild, in Chromium: the build's problems over the page, a stylesheet swapped in place.

OVERLAY = "dialog[role=alertdialog]"  # in the live script's shadow root, which Playwright's locators enter


def open_live_page(browser: Browser, url: str) -> tuple[Page, list[dict[str, object]]]:
    """A page at url, once the server has taken it among the open pages, and every message the server sent it."""
    page = browser.new_page()
    messages: list[dict[str, object]] = []
    page.on("websocket", lambda live: live.on("framereceived", lambda frame: messages.append(json.loads(frame))))
    page.goto(url)
    deadline = time.monotonic() + 30
    while not messages:  # the first message, the state of the build, comes once the server has the page
        assert time.monotonic() < deadline, "the live-reload socket never opened"
        page.wait_for_timeout(20)
    return page, messages


def test_a_failed_rebuild_shows_the_terminals_problem_lines_over_every_page_until_it_is_fixed(
        serving: ServeProcess, site: ScratchSite, browser: Browser):
    served, port = serving.url(), port_of(serving.url())
    article = site.article("en", "overlay", "title: An overlay story\ndate: 2023-09-14\nauthor: nasrin-tarek\ncategory: reports")
    fetch(port, "/en/2023/09/overlay/", until="An overlay story")
    page, messages = open_live_page(browser, served + "en/2023/09/overlay/")
    failed_builds = serving.output.count("nothing was written")
    article.write_text(article.read_text(encoding="utf-8").replace("date: 2023-09-14", "date: not a date"), encoding="utf-8")
    broken = site.article("ar", "broken", STORY.replace("category: reports", "category: no-such-category"))
    serving.wait_for("nothing was written", times=failed_builds + 1)
    # The same lines the command line prints for the same sources, every one of them.
    cli = run_cli("build", "--out", str(site.root / "_elsewhere"), root=site.root)
    expected = cli.stderr.strip().splitlines()[:-1]
    assert cli.returncode == 1 and len(expected) == 2 and cli.stderr.strip().endswith("nothing was written."), cli.stderr
    overlay = page.locator(OVERLAY)
    overlay.wait_for(state="visible", timeout=30_000)
    assert overlay.locator("li").all_text_contents() == expected
    assert overlay.get_attribute("dir") == overlay.locator("ul").get_attribute("dir") == "ltr"  # on an Arabic page too
    results = Axe().run(page)
    assert results.response["violations"] == [], results.generate_report()
    page.keyboard.press("Escape")  # dismissed from the keyboard; the page under it is the last good site
    overlay.wait_for(state="hidden")
    assert page.locator("h1").text_content() == "An overlay story"
    assert "An overlay story" in fetch(port, "/en/2023/09/overlay/", until="An overlay story")
    # A page opened while the build is failing shows the problems at once, on an Arabic page too.
    arabic, _ = open_live_page(browser, served + STORY_URL.lstrip("/"))
    arabic.locator(OVERLAY).wait_for(state="visible")
    assert arabic.locator(f"{OVERLAY} li").all_text_contents() == expected
    # Mended: the problems go away and the pages reload, the server still the same.
    broken.unlink()
    article.write_text(article.read_text(encoding="utf-8").replace("title: An overlay story", "title: A mended story")
                       .replace("date: not a date", "date: 2023-09-14"), encoding="utf-8")
    page.wait_for_function("document.querySelector('h1').textContent === 'A mended story'", timeout=30_000)
    assert page.locator(OVERLAY).count() == 0
    arabic.wait_for_function("!document.querySelector('[data-khabar-live]')", timeout=30_000)
    problems = [message for message in messages if message["type"] == "problems"]
    assert problems[0]["lines"] == [] and problems[1]["lines"] == expected and problems[-1]["lines"] == []
    for machine_path in (str(site.root), str(site.out), str(Path.home()), "/tmp/"):
        assert machine_path not in json.dumps(messages, ensure_ascii=False)
    page.close()
    arabic.close()


def test_a_stylesheet_edit_is_swapped_in_without_a_reload_and_a_body_edit_reloads(served: str, site: ScratchSite, browser: Browser):
    page, messages = open_live_page(browser, served + "en/2023/09/story/")
    page.evaluate("window.loadedBeforeTheEdit = true")  # gone if the page reloads
    stylesheet = page.locator("link[rel=stylesheet]").get_attribute("href")
    css = site.root / "assets/css/site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh1 { text-decoration-color: rgb(1, 2, 3); }\n", encoding="utf-8")
    page.wait_for_function("getComputedStyle(document.querySelector('h1')).textDecorationColor === 'rgb(1, 2, 3)'", timeout=30_000)
    assert page.evaluate("window.loadedBeforeTheEdit") is True
    swapped = page.locator("link[rel=stylesheet]")
    assert swapped.count() == 1 and swapped.get_attribute("href") not in (None, stylesheet)
    assert messages[-1] == {"type": "css", "stylesheets": {stylesheet: swapped.get_attribute("href")}}
    article = site.root / "content/en/story.md"
    article.write_text(article.read_text(encoding="utf-8").replace("A paragraph of text.", "A paragraph edited."), encoding="utf-8")
    page.wait_for_function("document.body.textContent.includes('A paragraph edited.')", timeout=30_000)
    assert page.evaluate("window.loadedBeforeTheEdit") is None
    page.close()
