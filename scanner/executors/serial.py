"""Everything in this process, one file after another (``--workers 1``, tests).

The per-file time limit (``limits.file_seconds``) is kept with a SIGALRM timer when
the scan runs in the main thread (as the CLI does): the timer interrupts Python code,
so a parser looping in Python stops at the limit, but a parser stuck inside one long
C call is only interrupted when that call returns.  Off the main thread there is no
timer.  The memory limit (``limits.worker_memory_bytes``) is not enforced here: only
the local executor's worker processes, which can be killed and replaced, keep it.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from dpscan.model.config import ScanConfig
from dpscan.model.ids import Flag, Status
from dpscan.model.records import FileResult, WalkError
from dpscan.scanner.executors import Outcome, Reused, WorkItem
from dpscan.scanner.walk import FileEntry


def scan_entry(entry: FileEntry, config: ScanConfig) -> list[FileResult]:
    """:func:`dpscan.scanner.executors.worker.scan_entry`, imported on first use (it loads
    spaCy)."""
    from dpscan.scanner.executors.worker import scan_entry as scan

    return scan(entry, config)


Task = Callable[[FileEntry, ScanConfig], list[FileResult]]


class FileTimedOut(BaseException):
    """Raised by the SIGALRM handler; a BaseException so that the pipeline's
    ``except Exception`` (one bad file's problem) does not swallow it."""


def timeout_message(config: ScanConfig) -> str:
    """The error of a file stopped by the per-file time limit."""
    return (f"not read: took longer than the file_seconds limit "
            f"({config.limits.file_seconds:g} s)")


def memory_message(config: ScanConfig) -> str:
    """The error of a file stopped by the per-worker memory limit."""
    mb = config.limits.worker_memory_bytes / (1024 * 1024)
    return f"not read: needed more memory than the worker_memory_mb limit ({mb:g} MB)"


def stopped_record(entry: FileEntry, message: str, flag: str) -> FileResult:
    """The record of a file whose scan was stopped from outside (a limit, a crash)."""
    modified = dt.datetime.fromtimestamp(entry.mtime_ns / 1e9, tz=dt.UTC)
    result = FileResult(path=entry.relpath, root=entry.root, size=entry.size,
                        modified=modified.replace(microsecond=0).isoformat(),
                        status=Status.ERROR, error=message)
    if entry.non_utf8_name:
        result.add_flag(Flag.NON_UTF8_NAME)
    result.add_flag(flag)
    return result


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`FileTimedOut` in this thread after ``seconds`` (main thread only)."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def _alarm(_signum: int, _frame: Any) -> None:
        raise FileTimedOut

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class SerialExecutor:
    """Scans in the calling process."""

    def __init__(self, config: ScanConfig, task: Task = scan_entry) -> None:
        self.config = config
        self.task = task

    def running(self) -> AbstractContextManager[None]:
        """Nothing to keep: the detector lives in this process anyway."""
        return nullcontext()

    def map(self, items: Iterable[WorkItem]) -> Iterator[Outcome]:
        for item in items:
            if isinstance(item, WalkError):
                yield item
            elif isinstance(item, Reused):
                yield item.results
            else:
                yield self._scan(item)

    def _scan(self, entry: FileEntry) -> list[FileResult]:
        try:
            with time_limit(self.config.limits.file_seconds):
                return self.task(entry, self.config)
        except FileTimedOut:
            return [stopped_record(entry, timeout_message(self.config), Flag.TIMEOUT)]
        except MemoryError:
            return [stopped_record(entry, memory_message(self.config), Flag.MEMORY_LIMIT)]
