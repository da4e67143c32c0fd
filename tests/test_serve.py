"""`build.py serve`: builds, serves on 127.0.0.1 and rebuilds when an article changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

from conftest import PROJECT, ScratchSite
from test_bad_input import GOOD


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, until: str, seconds: float = 20) -> str:
    """The page at url once it contains `until` (the server and the rebuilds take a moment)."""
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                last = response.read().decode("utf-8")
            if until in last:
                return last
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never contained {until!r}; last seen:\n{last[:500]}")


def test_serve_builds_serves_and_rebuilds_on_change(scratch: ScratchSite):
    article = scratch.article("ar", "story", GOOD.replace("title: خبر", "title: العنوان الأول"))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(PROJECT / "build.py"), "--root", str(scratch.root), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        page = fetch(f"{base}/ar/2023/09/story/", until="العنوان الأول")
        assert f'href="{base}/ar/2023/09/story/"' in page  # canonical links point at the local server
        assert "livereload.js" in page  # the live-reload client is injected while serving
        article.write_text(article.read_text(encoding="utf-8").replace("العنوان الأول", "العنوان الثاني"), encoding="utf-8")
        fetch(f"{base}/ar/2023/09/story/", until="العنوان الثاني")
        assert "العنوان الثاني" in (scratch.out / "ar/2023/09/story/index.html").read_text(encoding="utf-8")
    finally:
        server.terminate()
        server.wait(timeout=10)
