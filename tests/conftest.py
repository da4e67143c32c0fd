"""Shared fixtures: the demo site built once, small throw-away sites for bad-input cases, and a browser to read them."""

from __future__ import annotations

import fcntl
import functools
import hashlib
import http.server
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Iterator
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from hypothesis import settings
from playwright.sync_api import Browser, Page, sync_playwright

from system import ensure_program

PROJECT = Path(__file__).resolve().parent.parent

# Every property test sees the same examples on every run and writes no example database: CI must not flake,
# and a failure seen once is seen again.
settings.register_profile("khabar", derandomize=True, database=None)
settings.load_profile("khabar")


# The tests run on every core at once (pytest.ini). A test whose measure a busy machine would spoil runs `alone`.
# Every test holds the run's lock shared, from its fixtures' set-up to their tear-down (a module's built site or
# browser is work too); `alone` turns its own process's hold into the whole lock. It passes the gate first, and
# keeps it, so that tests starting meanwhile wait rather than keep the lock shared forever.
_LOCKS = PROJECT / ".cache" / "tests"
_this_process_holds: list[IO[str]] = []


def _lock_file(name: str) -> IO[str]:
    _LOCKS.mkdir(parents=True, exist_ok=True)
    return open(_LOCKS / name, "a")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    with _lock_file("gate.lock") as gate, _lock_file("run.lock") as run:
        fcntl.flock(gate, fcntl.LOCK_SH)
        fcntl.flock(run, fcntl.LOCK_SH)
        fcntl.flock(gate, fcntl.LOCK_UN)
        _this_process_holds.append(run)
        try:
            return (yield)
        finally:
            _this_process_holds.pop()  # closing the file lets go


@contextmanager
def alone() -> Iterator[None]:
    """Held while no other test of the run goes on: for a measurement in a test's fixture, taken once (not nested)."""
    assert _this_process_holds, "alone() is for a test's fixtures, which hold the lock shared already"
    run = _this_process_holds[-1]
    with _lock_file("gate.lock") as gate:
        fcntl.flock(run, fcntl.LOCK_UN)  # waiting at the gate holding nothing: two such tests cannot wait on each other
        fcntl.flock(gate, fcntl.LOCK_EX)
        fcntl.flock(run, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(run, fcntl.LOCK_SH)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*arguments: str, root: Path = PROJECT, env: dict[str, str] | None = None) -> Run:
    """The real command line, in a fresh interpreter, as an editor would run it (in `env` if given)."""
    completed = subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), "--root", str(root), *arguments],
        capture_output=True, text=True, encoding="utf-8", env=env,
        timeout=300,  # a build that hangs fails its test instead of the whole run
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file of a folder by its path, as a hash of its bytes: equal digests, byte-identical folders."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def read_html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


class BuiltSite:
    """A built output folder, read as a reader's browser would see it."""

    def __init__(self, out: Path):
        self.out = out

    def page(self, url: str) -> BeautifulSoup:
        relative = url.strip("/")
        path = self.out / relative if relative.endswith(".html") else self.out / relative / "index.html"
        assert path.is_file(), f"no page at {url}"
        return read_html(path)

    def html_files(self) -> list[Path]:
        return sorted(self.out.rglob("*.html"))

    def page_files(self) -> list[Path]:
        """Every HTML page but the redirects at moved articles' old addresses, which `_redirects` lists (a site at the root)."""
        listed = self.out / "_redirects"
        old = {unquote(line.split()[0]).strip("/") for line in listed.read_text(encoding="utf-8").splitlines()} if listed.is_file() else set()
        redirects = {self.out / (path if path.endswith(".html") else f"{path}/index.html") for path in old}
        return [path for path in self.html_files() if path not in redirects]


def _built_demo(tmp_path_factory: pytest.TempPathFactory, name: str, *options: str) -> BuiltSite:
    """The demo built by the real command line with these options, into a folder of its own."""
    out = tmp_path_factory.mktemp(name) / "site"
    result = run_cli("build", "--out", str(out), *options)
    assert result.returncode == 0, result.stderr
    return BuiltSite(out)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return _built_demo(tmp_path_factory, "demo")


# The demo served from a folder of a host rather than its root.
SUB_PATH_BASE_URL = "https://example.org/microsite/"


@pytest.fixture(scope="session")
def demo_under_sub_path(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return _built_demo(tmp_path_factory, "demo-sub-path", "--base-url", SUB_PATH_BASE_URL)


# A moment two days into the demo's news, for what depends on the build time (feeds, the News sitemap).
DEMO_NEWS_TIME = "2023-09-18T12:00:00+03:00"


@pytest.fixture(scope="session")
def demo_at_news_time(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return _built_demo(tmp_path_factory, "demo-at-news-time", "--now", DEMO_NEWS_TIME)


class ScratchSite:
    """A small site in a temporary folder, with the project's layouts and assets, to break on purpose."""

    def __init__(self, root: Path):
        self.root = root
        # The demo's configuration, less its main timeline, which names a file of the demo's own,
        # and its card image, which every build of every scratch site would otherwise encode.
        config = (PROJECT / "site.yaml").read_text(encoding="utf-8").replace("default_timeline: visit\n", "")
        config = re.sub(r"^card_image:.*\n|^card_image_alt:\n(?:  .*\n)+", "", config, flags=re.MULTILINE)
        (root / "site.yaml").write_text(config, encoding="utf-8")
        shutil.copytree(PROJECT / "layouts", root / "layouts")
        shutil.copytree(PROJECT / "assets", root / "assets")
        (root / "content" / "ar").mkdir(parents=True)
        (root / "content" / "en").mkdir(parents=True)
        self.out = root / "_site"

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def article(self, lang: str, slug: str, front_matter: str, body: str = "A paragraph of text.") -> Path:
        return self.write(f"content/{lang}/{slug}.md", f"---\n{front_matter.strip()}\n---\n\n{body}\n")

    def edit_config(self, old: str, new: str) -> None:
        path = self.root / "site.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in site.yaml"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def build(self, *options: str) -> Run:
        return run_cli("build", "--out", str(self.out), *options, root=self.root)

    def built(self) -> BuiltSite:
        return BuiltSite(self.out)


@pytest.fixture
def scratch(tmp_path: Path) -> ScratchSite:
    return ScratchSite(tmp_path)


# Builds killed on purpose: a site of a few hundred articles, and its build started and killed as CI would.

MANY_ARTICLES = 300  # enough pages (576) for the render workers to write in parallel
BUILD_TIME = "2023-10-01T00:00:00+00:00"
WORDS = "قمة روسيا كوريا قطار صواريخ فضاء ميناء اتفاق زيارة سلاح".split()


def many_articles(scratch: ScratchSite, numbers: range = range(MANY_ARTICLES), title: str = "خبر رقم {number}") -> None:
    """Articles story-<number> in both languages, titled `title`; the same number always makes the same article."""
    for number in numbers:
        lang = ("ar", "en")[number % 2]
        body = " ".join(WORDS[(number * word) % len(WORDS)] for word in range(60))
        scratch.article(lang, f"story-{number}", f"title: {title.format(number=number)}\n"
                        f"date: 2023-09-{1 + number % 28:02d}T{number % 24:02d}:00:00+03:00\n"
                        f"author: nasrin-tarek\ncategory: reports\ntags: [t{number % 7}, u{number % 11}]", body)


def start_build(scratch: ScratchSite, *options: str) -> subprocess.Popen:
    """The build, in a process group of its own with its render workers, to be killed."""
    command = [sys.executable, str(PROJECT / "build.py"), "--root", str(scratch.root), "build", "--out", str(scratch.out),
               "--now", BUILD_TIME, *options]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def kill_group(build: subprocess.Popen) -> None:
    """SIGKILL the build with its render workers, as a cancelled CI job would; or what its own death left of them."""
    try:
        os.killpg(build.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    build.wait()


def kill_later(build: subprocess.Popen, seconds: float, build_alone_first: bool, until: Callable[[], None] | None = None) -> None:
    """SIGKILL a running build `seconds` after `until` returns (or now): first the build alone, if asked, as the
    out-of-memory killer would (its render workers live on a moment), then whatever is left of its group."""
    try:
        if until:
            until()
        time.sleep(seconds)
        if build_alone_first:
            build.kill()
            build.wait()
            time.sleep(0.3)
    finally:
        kill_group(build)


@contextmanager
def static_host(folder: Path, prefix: str = "") -> Iterator[str]:
    """A built site behind a plain static file server, as a static host would serve it, under `prefix` ("/microsite")."""
    handler = functools.partial(_StaticFiles, prefix, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}{prefix}"
    finally:
        httpd.shutdown()


class _StaticFiles(http.server.SimpleHTTPRequestHandler):
    def __init__(self, prefix: str, *arguments, **keywords):
        self.prefix = prefix
        super().__init__(*arguments, **keywords)

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix + "/"):
            return str(Path(self.directory) / "no such file")  # outside the site's sub-path: 404
        return super().translate_path(path[len(self.prefix):])

    def log_message(self, *arguments: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(demo: BuiltSite) -> Iterator[str]:
    with static_host(demo.out) as url:
        yield url


PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, asking nothing of the network but what a page asks."""
    chromium = ensure_program("chromium", "chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield launched
        launched.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()
