"""Where each file's work runs: one table of executors, chosen by name.

An executor takes the crawl's stream of work items and yields, *in the same order*,
each file's result records (``list[FileResult]``) or the crawl error as it came.  Items
whose results are already known (reused from the catalogue) pass through untouched, so
an incremental scan keeps crawl order too.  Each executor bounds how many files are in
flight, so memory does not grow with the size of the share.

Adding an executor: write a module with a class taking a :class:`ScanConfig` and
offering ``map(items)`` and ``running()``, then register it in :data:`EXECUTORS`.
"""

from __future__ import annotations

import importlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol, TypeVar

from dpscan.model.config import ScanConfig
from dpscan.model.records import FileResult, WalkError
from dpscan.scanner.executors.tempdirs import remove_leftovers
from dpscan.scanner.walk import FileEntry


@dataclass(frozen=True, slots=True)
class Reused:
    """A file whose results are already known: passed through in crawl order."""

    entry: FileEntry
    results: list[FileResult]


WorkItem = FileEntry | WalkError | Reused
Outcome = list[FileResult] | WalkError


class Executor(Protocol):
    """Runs :func:`dpscan.scanner.pipeline.scan_file` on each entry; yields outcomes in order."""

    def map(self, items: Iterable[WorkItem]) -> Iterator[Outcome]: ...

    def running(self) -> AbstractContextManager[None]:
        """Keep the workers (and what they loaded) for every ``map()`` inside, as watch
        does between batches; a ``map()`` outside starts and ends its own."""
        ...


Handle = TypeVar("Handle")


def in_crawl_order(
    items: Iterable[WorkItem],
    submit: Callable[[FileEntry], Handle],
    settle: Callable[[FileEntry, Handle], Outcome],
    limit: int,
    on_stop: Callable[[list[Handle]], object] | None = None,
) -> Iterator[Outcome]:
    """The bounded, ordered window every parallel executor runs: ``submit(entry)`` starts a
    file's work and returns its handle, ``settle(entry, handle)`` waits for its outcome.
    Crawl errors and reused results pass through in place; at most ``limit`` items wait.
    When the caller stops early, ``on_stop`` gets the handles still pending."""
    window: deque[tuple[FileEntry, Handle] | Outcome] = deque()

    def pop() -> Outcome:
        item = window.popleft()
        return settle(*item) if isinstance(item, tuple) else item

    finished = False
    try:
        for item in items:
            if isinstance(item, WalkError):
                window.append(item)
            elif isinstance(item, Reused):
                window.append(item.results)
            else:
                window.append((item, submit(item)))
            while len(window) >= limit:
                yield pop()
        while window:
            yield pop()
        finished = True
    finally:
        if not finished and on_stop is not None:
            on_stop([item[1] for item in window if isinstance(item, tuple)])


def _serial(config: ScanConfig) -> Executor:
    from dpscan.scanner.executors.serial import SerialExecutor

    return SerialExecutor(config)


def _local(config: ScanConfig) -> Executor:
    from dpscan.scanner.executors.local import LocalExecutor

    return LocalExecutor(config)


# name -> factory.  Factories import lazily: a missing optional dependency (dask) only
# matters to whoever asks for that executor.
EXECUTORS: dict[str, Callable[[ScanConfig], Executor]] = {
    "serial": _serial,
    "local": _local,
    "dask": lambda c: importlib.import_module(
        "dpscan.scanner.executors.dask_executor").DaskExecutor(c),
}


def make_executor(config: ScanConfig, *, isolate: bool = False) -> Executor:
    """The executor named by ``config.executor``, for a scan or watch that starts now.

    "local" on one worker runs serially, unless ``isolate``: then each file still runs in
    a worker process under the time and memory limits (watch, which must outlive any one
    file).  Temporary folders left by killed runs are cleared here, at every start.
    """
    remove_leftovers()
    name = config.executor
    if name == "local" and config.workers <= 1 and not isolate:
        name = "serial"
    try:
        factory = EXECUTORS[name]
    except KeyError:
        raise ValueError(
            f"unknown executor {name!r}; choose from {', '.join(EXECUTORS)}") from None
    return factory(config)


__all__ = ["EXECUTORS", "Executor", "Outcome", "Reused", "WorkItem", "in_crawl_order",
           "make_executor"]
