"""Everything in this process, one file after another (``--workers 1``, tests)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from scanner.config import ScanConfig
from scanner.executors import Outcome, Reused, WorkItem
from scanner.executors.worker import scan_entry
from scanner.results import WalkError


class SerialExecutor:
    """Scans in the calling process."""

    def __init__(self, config: ScanConfig) -> None:
        self.config = config

    def map(self, items: Iterable[WorkItem]) -> Iterator[Outcome]:
        for item in items:
            if isinstance(item, WalkError):
                yield item
            elif isinstance(item, Reused):
                yield item.results
            else:
                yield scan_entry(item, self.config)
