"""khabar/pool.py: the heavy steps on forked workers give the same site as in one process, and their failures are problems."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PROJECT, ScratchSite, tree_digest
from khabar import fingerprints, load, pool, related, render
from khabar.pipeline import BuildOptions, build
from khabar.pool import Workers
from khabar.problems import BuildFailed

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def pools_started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every step on workers however small the site, and the number of worker pools each build starts."""
    for module in (load, related, fingerprints, render):
        monkeypatch.setattr(module, "PARALLEL_THRESHOLD", 1)
    started: list[int] = []

    class CountedPool(pool.ProcessPoolExecutor):
        def __init__(self, *arguments, **keywords):
            started.append(arguments[0])
            super().__init__(*arguments, **keywords)

    monkeypatch.setattr(pool, "ProcessPoolExecutor", CountedPool)
    return started


def test_jobs_1_and_jobs_2_build_the_same_bytes(tmp_path: Path, pools_started: list[int]):
    build(PROJECT, tmp_path / "one", BuildOptions(now=NOW, jobs=1, clean=True))
    assert pools_started == []
    build(PROJECT, tmp_path / "two", BuildOptions(now=NOW, jobs=2, clean=True))  # every article read again
    assert pools_started == [2, 2, 2, 2]  # reading, related lists, page fingerprints, rendering
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_a_template_error_on_a_worker_is_the_template_line(scratch: ScratchSite, pools_started: list[int]):
    for number in range(4):
        scratch.article("en", f"story-{number}", f"title: Story {number}\ndate: 2023-09-0{number + 1}T10:00:00+03:00")
    article = scratch.root / "layouts" / "article.html"
    lines = article.read_text(encoding="utf-8").split("\n")
    lines[9] += "{{ page.no_such_field }}"
    article.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        build(scratch.root, scratch.out, BuildOptions(now=NOW, jobs=2))
    assert pools_started[-1] == 2
    [problem] = failure.value.problems.errors
    assert (problem.path, problem.line) == ("layouts/article.html", 10)
    assert "no_such_field" in problem.message
    assert not scratch.out.exists()


def _dies_at_three(item: int) -> int:
    if item == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return item


def test_a_worker_that_dies_is_one_problem_not_a_hang():
    with pytest.raises(BuildFailed) as failure:
        Workers(jobs=2).map(_dies_at_three, range(40), least=1, doing="reading", what="articles")
    assert [str(problem) for problem in failure.value.problems.errors] == [
        "khabar: error: a worker process reading articles stopped before it finished (killed, or out of memory?)"]


def _square_slowly(item: int) -> tuple[int, int]:
    time.sleep(0.02)  # long enough that one worker cannot take every task before the other has started
    return item * item, os.getpid()


def test_workers_keep_the_order_and_say_how_far_they_are():
    for jobs in (1, 2):
        reported = []
        results = Workers(jobs=jobs, progress=lambda *step: reported.append(step)).map(
            _square_slowly, range(50), least=10, doing="squaring", what="numbers")
        assert [square for square, _ in results] == [item * item for item in range(50)]
        on_workers = {pid for _, pid in results} - {os.getpid()}
        assert len(on_workers) == (2 if jobs == 2 else 0)
        assert reported[0] == ("squaring", 0, 50, "numbers") and reported[-1] == ("squaring", 50, 50, "numbers")
        assert [done for _, done, _, _ in reported] == sorted(done for _, done, _, _ in reported)
    assert Workers(jobs=2).map(abs, [], least=1, doing="", what="") == []


WORKERS_THAT_WAIT = """
import os, sys, time
sys.path.insert(0, sys.argv[1])
from khabar.pool import Workers
def wait(item):
    os.write(1, f"{os.getpid()}\\n".encode())  # in one piece: the two workers write at once
    time.sleep(60)
Workers(jobs=2).map(wait, range(2), least=1, doing="waiting", what="")
"""


def test_a_killed_build_takes_its_workers_with_it():
    parent = subprocess.Popen([sys.executable, "-c", WORKERS_THAT_WAIT, str(PROJECT)], stdout=subprocess.PIPE, text=True)
    workers = [int(parent.stdout.readline()) for _ in range(2)]
    parent.kill()  # SIGKILL: nothing of the build runs to clean up
    parent.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived its build"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has stopped; only its exit status waits to be collected
