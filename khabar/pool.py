"""The heavy steps of a build (reading articles, related lists, rendering pages) spread over processes.

One helper for all of them, so that each step says only what one item's work is:
`Workers.map(work, items, …)` returns `[work(item) for item in items]`, done on
`jobs` forked processes when there are enough items to pay for starting them, else
here, in order either way.

Forked, the workers inherit `work` with everything it reaches (the configuration,
the site model, the templates, the writer) instead of receiving it pickled: only
the items (paths, page numbers) go out and the results come back. Where there is
no fork (Windows), the work is done in this process.

A worker's `BuildFailed` (or the writer's refusal) arrives here as itself, not as
a traceback from another process; a worker that dies (killed, out of memory) is
one problem, and the build stops rather than wait for it. A build that is killed
takes its workers with it: each asks the kernel for SIGKILL when its parent
dies, so none is left behind writing into a folder the next build clears.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Callable, Sequence, TypeVar

from .problems import BuildFailed, Problems
from .progress import Progress, silent

Item = TypeVar("Item")
Result = TypeVar("Result")

# At most this many items a task: workers report back often enough for the progress display, and the last
# tasks are short, so no core waits long for another to finish.
MAX_ITEMS_PER_TASK = 200
# Tasks per worker at least, so that a slow stretch of items is shared.
TASKS_PER_WORKER = 4


def available_cores() -> int:
    """The cores this process may run on (a container's or `taskset`'s share, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Workers:
    """How many processes the heavy steps may use (`build --jobs`), and where they say how far they are."""

    jobs: int = field(default_factory=available_cores)
    progress: Progress = silent

    def map(self, work: Callable[[Item], Result], items: Sequence[Item], *, least: int, doing: str, what: str,
            weight: int | None = None) -> list[Result]:
        """`work` of each item, in order: on forked workers when `weight` (the number of items unless given)
        reaches `least`, below which starting them costs more than they save. The display reads
        "{doing} {done}/{total} {what}"."""
        size = len(items)
        per_task = max(1, min(MAX_ITEMS_PER_TASK, size // (self.jobs * TASKS_PER_WORKER)))
        tasks = [range(start, min(start + per_task, size)) for start in range(0, size, per_task)]
        self.progress(doing, 0, size, what)
        if self.jobs < 2 or len(tasks) < 2 or (size if weight is None else weight) < least or not _can_fork():
            results: list[Result] = []
            for task in tasks:
                results.extend(work(items[index]) for index in task)
                self.progress(doing, len(results), size, what)
            return results
        return self._map_forked(work, items, tasks, doing, what)

    def _map_forked(self, work: Callable[[Item], Result], items: Sequence[Item], tasks: list[range],
                    doing: str, what: str) -> list[Result]:
        global _inherited
        _inherited = (work, items)
        done: list[list[Result] | None] = [None] * len(tasks)
        finished = 0
        try:
            with ProcessPoolExecutor(min(self.jobs, len(tasks)), multiprocessing.get_context("fork"),
                                     _die_with_parent, (os.getpid(),)) as pool:
                pending = {pool.submit(_run_task, task): number for number, task in enumerate(tasks)}
                while pending:
                    ready, _ = wait(pending, return_when=FIRST_EXCEPTION)
                    for future in ready:
                        number = pending.pop(future)
                        if future.exception() is not None:
                            for other in pending:
                                other.cancel()
                            raise future.exception()
                        done[number] = future.result()
                        finished += len(tasks[number])
                    self.progress(doing, finished, len(items), what)
        except BrokenProcessPool:
            problems = Problems()
            problems.error("khabar", 0, f"a worker process {doing} {what} stopped before it finished (killed, or out of memory?)")
            raise BuildFailed(problems) from None
        finally:
            _inherited = None
        return [result for task in done for result in task]


# What the forked workers inherit: the work and the items, set only while a map runs.
_inherited: tuple[Callable, Sequence] | None = None


def _run_task(indexes: range) -> list:
    work, items = _inherited
    return [work(items[index]) for index in indexes]


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Ask for SIGKILL when the build dies, where the system can (Linux); and go now if it already has."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # elsewhere the writer's own check stops a worker whose build is gone (write.OutputWriter)
    if os.getppid() != parent:
        os._exit(1)
