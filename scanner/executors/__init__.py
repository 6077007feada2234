"""Where each file's work runs: one table of executors, chosen by name.

An executor takes the crawl's stream of work items and yields, *in the same order*,
each file's result records (``list[FileResult]``) or the crawl error as it came.  Items
whose results are already known (reused from the catalogue) pass through untouched, so
an incremental scan keeps crawl order too.  Each executor bounds how many files are in
flight, so memory does not grow with the size of the share.

Adding an executor: write a module with a class taking a :class:`ScanConfig` and
offering ``map(items)``, then register it in :data:`EXECUTORS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from scanner.config import ScanConfig
from scanner.results import FileResult, WalkError
from scanner.walk import FileEntry


@dataclass(frozen=True, slots=True)
class Reused:
    """A file whose results are already known: passed through in crawl order."""

    entry: FileEntry
    results: list[FileResult]


WorkItem = FileEntry | WalkError | Reused
Outcome = list[FileResult] | WalkError


class Executor(Protocol):
    """Runs :func:`scanner.pipeline.scan_file` on each entry; yields outcomes in order."""

    def map(self, items: Iterable[WorkItem]) -> Iterator[Outcome]: ...


def _serial(config: ScanConfig) -> Executor:
    from scanner.executors.serial import SerialExecutor

    return SerialExecutor(config)


def _local(config: ScanConfig) -> Executor:
    from scanner.executors.local import LocalExecutor

    return LocalExecutor(config)


# name -> factory.  Factories import lazily: a missing optional dependency (dask) only
# matters to whoever asks for that executor.
EXECUTORS: dict[str, Callable[[ScanConfig], Executor]] = {
    "serial": _serial,
    "local": _local,
    "dask": lambda c: __import__("scanner.executors.dask_executor", fromlist=["*"]).DaskExecutor(c),
}


def make_executor(config: ScanConfig) -> Executor:
    """The executor named by ``config.executor`` ("local" on one worker runs serially)."""
    name = config.executor
    if name == "local" and config.workers <= 1:
        name = "serial"
    try:
        factory = EXECUTORS[name]
    except KeyError:
        raise ValueError(
            f"unknown executor {name!r}; choose from {', '.join(EXECUTORS)}") from None
    return factory(config)


__all__ = ["EXECUTORS", "Executor", "Outcome", "Reused", "WorkItem", "make_executor"]
