"""Worker processes on this machine (the default with more than one worker)."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from scanner.config import ScanConfig
from scanner.executors import Outcome, Reused, WorkItem
from scanner.executors.worker import scan_entry, warm_up
from scanner.results import FileResult, WalkError

# Files queued per worker: enough to keep workers busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 8


class LocalExecutor:
    """A pool of spawned processes, each loading the models once."""

    def __init__(self, config: ScanConfig) -> None:
        self.config = config

    def map(self, items: Iterable[WorkItem]) -> Iterator[Outcome]:
        # spawn, not fork: forking a process that runs threads (progress display, BLAS)
        # can deadlock, and spawn behaves the same on Linux, macOS and Windows.
        context = multiprocessing.get_context("spawn")
        window: deque[Future[list[FileResult]] | Outcome] = deque()
        limit = self.config.workers * IN_FLIGHT_PER_WORKER
        with ProcessPoolExecutor(
            max_workers=self.config.workers, mp_context=context,
            initializer=warm_up, initargs=(self.config,),
        ) as pool:
            for item in items:
                if isinstance(item, WalkError):
                    window.append(item)
                elif isinstance(item, Reused):
                    window.append(item.results)
                else:
                    window.append(pool.submit(scan_entry, item, self.config))
                while len(window) >= limit:
                    yield _settle(window.popleft())
            while window:
                yield _settle(window.popleft())


def _settle(item: Future[list[FileResult]] | Outcome) -> Outcome:
    return item.result() if isinstance(item, Future) else item
