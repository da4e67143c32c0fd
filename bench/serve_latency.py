#!/usr/bin/env python3
"""Save-to-page latency of `build.py serve`, measured in Debian's Chromium.

    python3 bench/serve_latency.py                         # a copy of the demo site
    python3 bench/serve_latency.py bench/corpus/pairs-10000 --runs 5

It serves the site on a free port, opens an English article in Chromium, then, run
after run, writes a new word into the article's body and times from the moment the
file is written until the open page shows the word (the page reloads); then the same
for a rule added to assets/css/site.css, until the page's computed style has it (the
stylesheet is swapped in without a reload). A body edit's search index is made by a
build after the reload; the next edit waits for it. The figures are medians; each run
starts at a random moment of the server's polling, as an editor's save does. The demo
is served from a copy; a folder given is edited in place and put back as it was.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from playwright.sync_api import Page, sync_playwright

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SOURCES = ("site.yaml", "content", "layouts", "assets")
STYLESHEET = "assets/css/site.css"
READY_SECONDS = 1800  # the first build of 10,000 pairs, on a busy machine
EDIT_SECONDS = 900  # one rebuild, on a busy machine


class Server:
    """`build.py serve` on a free port, its output read as it comes."""

    def __init__(self, root: Path, out: Path):
        self.process = subprocess.Popen(
            [sys.executable, str(PROJECT / "build.py"), "--root", str(root), "serve", "--port", "0", "--out", str(out)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, pattern: str, times: int = 1, seconds: float = READY_SECONDS) -> re.Match[str]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = list(re.finditer(pattern, "".join(self.lines), re.MULTILINE))
            if len(found) >= times:
                return found[times - 1]
            if self.process.poll() is not None:
                raise RuntimeError("serve ended:\n" + "".join(self.lines))
            time.sleep(0.02)
        raise TimeoutError(f"serve never printed {pattern!r}:\n" + "".join(self.lines))

    def build_seconds(self) -> list[float]:
        """The time of every build so far, as serve printed it."""
        return [float(seconds) for seconds in re.findall(r"^built .* in ([\d.]+) s$", "".join(self.lines), re.MULTILINE)]

    def edit_build_seconds(self) -> list[float]:
        """The time of every build that showed an edit and left its search index for the next, as serve printed it."""
        shown = r"^built .* in ([\d.]+) s\n(?:(?!built ).*\n)*?search index: "
        return [float(seconds) for seconds in re.findall(shown, "".join(self.lines), re.MULTILINE)]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class LivePage:
    """An open page of the site, how many times the server has taken it (or its reloads) among the open pages, and when
    the last message that was not the state of the build came."""

    def __init__(self, page: Page):
        self.page = page
        self.joined = 0
        self.told_at = 0.0
        page.on("websocket", lambda live: live.on("framereceived", self._message))

    def _message(self, frame: str | bytes) -> None:
        if '"type": "problems"' in str(frame):  # the first message of every page: the state of the build
            self.joined += 1
        else:
            self.told_at = time.perf_counter()

    def wait_joined(self, times: int) -> None:
        deadline = time.monotonic() + EDIT_SECONDS
        while self.joined < times:
            if time.monotonic() > deadline:
                raise TimeoutError("the page never opened its live-reload socket")
            self.page.wait_for_timeout(10)


def measure(project: Path, pairs_label: str, runs: int) -> dict[str, object]:
    """Median milliseconds from writing a body word, and a stylesheet rule, to the open page showing it."""
    article = sorted((project / "content" / "en").glob("*.md"))[0]
    stylesheet = project / STYLESHEET
    originals = {path: path.read_bytes() for path in (article, stylesheet)}
    jitter = random.Random(runs)
    with tempfile.TemporaryDirectory(prefix="serve-latency-") as scratch:
        out = Path(scratch) / "site"
        server = Server(project, out)
        try:
            url = server.wait_for(r"serving .* at (http://\S+/) ").group(1)
            server.wait_for(r"^built ", seconds=READY_SECONDS)
            page_file = next(out.glob(f"en/**/{article.stem}/index.html"))
            with chromium_page() as page:
                live = LivePage(page)
                page.goto(url + page_file.parent.relative_to(out).as_posix() + "/")
                live.wait_joined(1)
                body_ms, told_ms = [], []
                text = originals[article].decode("utf-8")
                for run in range(runs + 1):  # the first adds the word's paragraph, untimed
                    time.sleep(jitter.uniform(0.1, 0.6))
                    word = f"khabarbench{run}"
                    searches_before = len(re.findall(r"^search index made", "".join(server.lines), re.MULTILINE))
                    article.write_text(text.rstrip("\n") + f"\n\n{word}\n", encoding="utf-8")
                    written = time.perf_counter()
                    page.wait_for_function("word => document.body.textContent.includes(word)", arg=word, timeout=EDIT_SECONDS * 1000)
                    if run:
                        body_ms.append((time.perf_counter() - written) * 1000)
                        told_ms.append((live.told_at - written) * 1000)
                    live.wait_joined(run + 2)
                    # The build that shows a body edit leaves the search index to one that follows: the editor's next
                    # save is timed once it is made, on a server doing nothing else.
                    server.wait_for(r"^search index made", times=searches_before + 1, seconds=EDIT_SECONDS)
                builds = server.edit_build_seconds()[1:]
                css_ms = []
                rules = originals[stylesheet].decode("utf-8")
                for run in range(runs):
                    time.sleep(jitter.uniform(0.1, 0.6))
                    colour = f"rgb({run + 1}, 2, 3)"
                    stylesheet.write_text(rules + f"\nh1 {{ text-decoration-color: {colour}; }}\n", encoding="utf-8")
                    written = time.perf_counter()
                    page.wait_for_function("colour => getComputedStyle(document.querySelector('h1')).textDecorationColor === colour",
                                           arg=colour, timeout=EDIT_SECONDS * 1000)
                    css_ms.append((time.perf_counter() - written) * 1000)
                if live.joined != runs + 2:
                    raise RuntimeError("a stylesheet edit reloaded the page")
        except Exception:
            print("".join(server.lines), file=sys.stderr)  # what serve said, to tell a slow build from a broken one
            raise
        finally:
            server.stop()
            for path, content in originals.items():
                path.write_bytes(content)
    return {
        "site": pairs_label, "runs": runs,
        "body_edit_ms": statistics.median(body_ms), "css_edit_ms": statistics.median(css_ms),
        "body_edit_told_ms": statistics.median(told_ms),  # until the page is told to reload: the rest is the reload
        "rebuild_ms": statistics.median(builds) * 1000 if builds else None,  # of the body edits, as serve printed it
        "body_edit_all_ms": [round(ms) for ms in body_ms], "css_edit_all_ms": [round(ms) for ms in css_ms],
    }


@contextmanager
def chromium_page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser.new_page()
        finally:
            browser.close()


@contextmanager
def demo_copy() -> Iterator[Path]:
    """The demo's sources in a temporary folder, so that the edits never touch the project."""
    with tempfile.TemporaryDirectory(prefix="serve-latency-demo-") as folder:
        root = Path(folder)
        for name in SOURCES:
            source = PROJECT / name
            shutil.copytree(source, root / name) if source.is_dir() else shutil.copy2(source, root / name)
        yield root


def report(figures: dict[str, object]) -> str:
    rebuild = f"the rebuild {figures['rebuild_ms']:.0f} ms, " if figures["rebuild_ms"] is not None else ""
    return (f"serve, {figures['site']}: save to reloaded page {figures['body_edit_ms']:.0f} ms ({rebuild}"
            f"page told after {figures['body_edit_told_ms']:.0f} ms);"
            f" stylesheet swapped in {figures['css_edit_ms']:.0f} ms (medians of {figures['runs']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path, help="sites to serve, edited in place (default: a copy of the demo)")
    parser.add_argument("--runs", type=int, default=7, help="edits of each kind [default: 7]")
    options = parser.parse_args()
    if not options.folders:
        with demo_copy() as root:
            print(report(measure(root, "demo", options.runs)))
    for folder in options.folders:
        print(report(measure(folder.resolve(), folder.name, options.runs)))


if __name__ == "__main__":
    main()
