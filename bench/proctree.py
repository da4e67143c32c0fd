"""Run a command and sample the memory of its whole process tree from /proc (Linux).

The build forks workers and starts Pagefind, so one process's peak is not the machine's: every ~20 ms
this adds up the proportional set size (PSS, /proc/<pid>/smaps_rollup) of the command and all its
descendants, which counts a page shared by forked workers once in all rather than once in each, and
keeps the largest sum. The largest single process is the kernel's own figure: the peak RSS that
wait4() reports for the command's tree, which is exact where sampling can miss a short peak.
"""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
INTERVAL = 0.02


@dataclass(frozen=True)
class TreePeak:
    seconds: float  # wall time, sampling included: not for comparing speed
    tree_pss_mb: float  # the largest sum of PSS over the tree at one sample
    tree_rss_mb: float  # the largest sum of RSS at one sample (counts shared pages once per process)
    processes: int  # the most processes alive at one sample
    largest_mb: float  # the largest single process's peak RSS (wait4)
    largest_name: str  # the process that had the largest RSS in any sample


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in (PROC / str(pid) / "task").iterdir():
            found.extend(int(child) for child in (task / "children").read_text().split())
    except OSError:  # the process ended while we looked
        pass
    return found


def _tree(root: int) -> list[int]:
    pids, index = [root], 0
    while index < len(pids):
        pids.extend(_children(pids[index]))
        index += 1
    return pids


def _memory_kb(pid: int) -> tuple[int, int] | None:
    """(PSS, RSS) in kB, or None for a process gone (or a zombie, which has none)."""
    try:
        text = (PROC / str(pid) / "smaps_rollup").read_text()
    except OSError:
        return None
    fields = {}
    for line in text.splitlines()[1:]:
        name, _, value = line.partition(":")
        if name in ("Pss", "Rss"):
            fields[name] = int(value.split()[0])
    return (fields["Pss"], fields["Rss"]) if len(fields) == 2 else None


def _name(pid: int) -> str:
    try:
        words = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [word.decode(errors="replace") for word in words if word]
    # "python build.py …" names itself by its script, a worker by the module multiprocessing started it with.
    shown = [Path(word).name for word in words[:3] if not word.startswith("-")]
    return " ".join(" ".join(shown).split())[:60] or "?"


def run_sampled(command: list[str], **popen: object) -> TreePeak:
    """Run `command` to its end (raising CalledProcessError if it fails) while sampling its tree's memory."""
    started = time.perf_counter()
    process = subprocess.Popen(command, **popen)
    tree_pss = tree_rss = most = 0
    largest_sampled, largest_name = 0, "?"
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        pss_sum = rss_sum = alive = 0
        for member in _tree(process.pid):
            memory = _memory_kb(member)
            if memory is None:
                continue
            pss, rss = memory
            pss_sum, rss_sum, alive = pss_sum + pss, rss_sum + rss, alive + 1
            if rss > largest_sampled:
                largest_sampled, largest_name = rss, _name(member)
        tree_pss, tree_rss, most = max(tree_pss, pss_sum), max(tree_rss, rss_sum), max(most, alive)
        time.sleep(INTERVAL)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return TreePeak(seconds, tree_pss / 1024, tree_rss / 1024, most, usage.ru_maxrss / 1024, largest_name)
