"""Worker processes on this machine (the default with more than one worker).

Each top-level file is scanned in a worker under two limits, and one file's trouble
never stops the scan:

- **time** (``limits.file_seconds``, ``--file-timeout``): counted from when a worker
  takes the file; past it pebble kills the worker and starts a new one.
- **memory** (``limits.worker_memory_bytes``, ``--max-worker-mb``): once its models are
  loaded, each worker runs a watchdog thread that ends it (exit status
  :data:`EXIT_MEMORY`) as soon as its resident size passes the limit.  A hard
  ``RLIMIT_DATA`` (heap and private mappings) at :data:`HARD_LIMIT_FACTOR` times the limit
  backs the watchdog up against an allocation too sudden for it to see: that allocation
  fails (a ``MemoryError``, reported as the memory limit) instead of growing on.  The
  hard limit sits above the watchdog's because a C library that meets a failed
  allocation may abort the process, and an abort cannot be told from a crash.

A worker that dies for any other reason (a segfault in a parser, ``os._exit``, the
kernel's OOM killer) is replaced too.  Each such file gets one record with status
``error``, an error naming the limit or the crash, and the flag ``timeout``,
``memory_limit`` or ``worker_crashed``.  Results stay in crawl order and at most
``workers * IN_FLIGHT_PER_WORKER * BATCH_FILES`` files are in flight.

Small files go to a worker in batches (:data:`BATCH_FILES`): one task's round trip
(pickling, pipes, the pool's threads) cost as much as reading a small text file.  A batch
has one file's time limit; one that fails (that limit, a crash, the memory watchdog) is
read again one file at a time, so each limit still falls on the file that caused it, and
a file that hangs costs at most twice the limit.  With OCR every file goes alone (a small
image can take most of the limit).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import psutil
from pebble import ProcessExpired, ProcessPool

from dpscan.detectors.ner_cache import create_shared_ner_cache, share_in_this_process
from dpscan.model.config import ScanConfig
from dpscan.model.ids import Flag
from dpscan.model.records import FileResult
from dpscan.scanner.executors import Outcome, WorkItem, in_crawl_order
from dpscan.scanner.executors.serial import memory_message, stopped_record, timeout_message
from dpscan.scanner.executors.tempdirs import private_temp_dir
from dpscan.scanner.walk import FileEntry

# Tasks queued per worker: enough to keep workers busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 8
# Small files sent to a worker together: at most this many, each at most this large, and
# at most this many bytes in all.
BATCH_FILES = 16
BATCH_MAX_FILE_BYTES = 256 * 1024
BATCH_BYTES = 2 * 1024 * 1024
# The exit status of a worker that its memory watchdog ended (EX_SOFTWARE is 70; 86 is
# unused by Python and the C libraries we load, so it cannot be mistaken for theirs).
EXIT_MEMORY = 86
# How often the watchdog looks at the worker's resident size.
WATCHDOG_SECONDS = 0.1
# RLIMIT_DATA as a multiple of the memory limit (see the module docstring).
HARD_LIMIT_FACTOR = 1.25

Task = Callable[[FileEntry, ScanConfig], list[FileResult]]
WarmUp = Callable[[ScanConfig], None]


# ---------------------------------------------------------------- in the worker process


# The real work, imported when first called: the pipeline pulls in presidio and spaCy,
# which a worker loads in warm_up anyway, but the parent and test workers need not.
def scan_entry(entry: FileEntry, config: ScanConfig) -> list[FileResult]:
    """:func:`dpscan.scanner.executors.worker.scan_entry`."""
    from dpscan.scanner.executors.worker import scan_entry as scan

    return scan(entry, config)


def warm_up(config: ScanConfig) -> None:
    """:func:`dpscan.scanner.executors.worker.warm_up`."""
    from dpscan.scanner.executors.worker import warm_up as warm

    warm(config)


# Why this worker could not start (the spaCy model is missing ...): every task re-raises
# it, so the scan stops with the real error instead of respawning workers forever.
_start_error: BaseException | None = None


def _start_worker(config: ScanConfig, warm: WarmUp,
                  ner_cache: tuple[str, bytes] | None) -> None:
    """Pool initializer: load the models, then bound this process's memory."""
    global _start_error
    if ner_cache is not None:
        share_in_this_process(*ner_cache)
    try:
        warm(config)
    except BaseException as exc:  # noqa: BLE001 - handed to the parent with the first task
        _start_error = exc
        return
    limit = config.limits.worker_memory_bytes
    data_limit = int(limit * HARD_LIMIT_FACTOR)
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard == resource.RLIM_INFINITY or hard > data_limit:
            resource.setrlimit(resource.RLIMIT_DATA, (data_limit, hard))
    except (ValueError, OSError):  # a platform without RLIMIT_DATA: the watchdog remains
        pass
    threading.Thread(target=_watchdog, args=(limit,), name="dpscan-memory-watchdog",
                     daemon=True).start()


def _watchdog(limit: int) -> None:
    process = psutil.Process()
    stop = threading.Event()
    while not stop.wait(WATCHDOG_SECONDS):
        if process.memory_info().rss > limit:
            os._exit(EXIT_MEMORY)  # no cleanup: the parent replaces this worker


def _run(task: Task, entry: FileEntry, config: ScanConfig) -> list[FileResult]:
    """One file in this worker; a MemoryError anywhere becomes the memory-limit error."""
    if _start_error is not None:
        raise _start_error
    try:
        records = task(entry, config)
    except MemoryError:
        return [stopped_record(entry, memory_message(config), Flag.MEMORY_LIMIT)]
    except Exception as exc:  # noqa: BLE001 - a bug met on one file is that file's error
        from dpscan.scanner.pipeline import describe_error

        return [stopped_record(entry, f"not read: {describe_error(exc)}", Flag.UNREADABLE)]
    for record in records:
        # The pipeline records any exception as the file's error; an allocation refused
        # by RLIMIT_DATA is the memory limit, so say so.
        if record.error and record.error.startswith("MemoryError"):
            record.error = memory_message(config)
            record.add_flag(Flag.MEMORY_LIMIT)
    return records


def _run_batch(task: Task, entries: list[FileEntry],
               config: ScanConfig) -> list[list[FileResult]]:
    """Several small files in this worker, one after another (see :func:`_run`)."""
    return [_run(task, entry, config) for entry in entries]


# ---------------------------------------------------------------- in the scan's process


class _Batch:
    """Small files waiting to go to a worker together, then their outcomes."""

    def __init__(self) -> None:
        self.entries: list[FileEntry] = []
        self.size = 0
        self.future: Future[list[list[FileResult]]] | None = None
        self.outcomes: list[list[FileResult]] | None = None
        self.failed = False

    def full(self) -> bool:
        return len(self.entries) >= BATCH_FILES or self.size >= BATCH_BYTES


class _Slot:
    """One file's place: in a batch, or scheduled alone."""

    __slots__ = ("batch", "index", "future")

    def __init__(self, batch: _Batch | None, index: int,
                 future: Future[list[FileResult]] | None) -> None:
        self.batch = batch
        self.index = index
        self.future = future


class _WorkerPool(ProcessPool):
    """pebble's process pool, stopping its workers before it unlinks their semaphores.

    pebble 5 stops a pool by closing the workers' channel, which unlinks its named
    semaphores, and only then stopping the workers.  A worker started in the last moments
    (a replacement for one a time limit ended) is still unpickling that channel then: it
    fails on the vanished semaphore and prints a traceback on the scan's stderr.  Stopping
    the workers first (once the loop that replaces them has ended) closes that window.
    tests/scanner/test_worker.py checks the pebble internals this relies on.
    """

    def _stop_pool(self) -> None:
        if self._pool_manager_loop is not None:
            self._pool_manager_loop.join()
        self._pool_manager.worker_manager.force_stop_workers()
        super()._stop_pool()


class LocalExecutor:
    """A pool of spawned processes, each loading the models once.

    ``task`` and ``warm_up`` are what each worker runs (module-level functions, since
    spawned workers import them by name); tests replace them.
    """

    # Set by running(): the workers' shared NER cache (None when no temp folder could
    # hold it) and the pool.
    _ner_cache: tuple[str, bytes] | None
    _active: _WorkerPool
    # The batch of small files still filling, in the map() running now.
    _open: _Batch | None = None

    def __init__(self, config: ScanConfig, task: Task = scan_entry,
                 warm_up: WarmUp = warm_up) -> None:
        self.config = config
        self.task = task
        self.warm_up = warm_up
        self._running = False

    def _pool(self) -> _WorkerPool:
        # spawn, not fork: forking a process that runs threads (progress display, BLAS,
        # pebble's own) can deadlock, and spawn behaves the same on Linux and macOS.
        return _WorkerPool(
            max_workers=self.config.workers,
            initializer=_start_worker,
            initargs=(self.config, self.warm_up, self._ner_cache),
            context=multiprocessing.get_context("spawn"),
        )

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """One pool of workers, and their shared NER cache (detectors.ner_cache, in a
        private folder), for every ``map()`` inside: the models load once."""
        if self._running:  # an outer running() owns the pool
            yield
            return
        with contextlib.ExitStack() as stack:
            try:
                folder = stack.enter_context(private_temp_dir())
                self._ner_cache = create_shared_ner_cache(Path(folder))
            except (OSError, sqlite3.Error):  # no usable temp folder: each worker its own
                self._ner_cache = None
            self._active = self._pool()
            self._running = True
            finished = False
            try:
                yield
                self._active.close()
                finished = True
            finally:
                self._running = False
                # An early stop (an error, the caller closing the generator) kills the
                # workers; after a normal end close() lets them finish.
                if not finished:
                    self._active.stop()
                self._active.join()

    def map(self, items: Iterable[WorkItem]) -> Iterator[Outcome]:
        # Inside a longer running(), an early stop cancels this map's files (pebble kills
        # the workers busy with them) and the pool lives on; otherwise the pool just stops.
        shared = self._running
        with self.running():
            self._open = None
            yield from in_crawl_order(
                items, self._submit, self._settle,
                self.config.workers * IN_FLIGHT_PER_WORKER * BATCH_FILES,
                on_stop=_cancel_all if shared else None)

    def _submit(self, entry: FileEntry) -> _Slot:
        # With OCR a small image can take most of the time limit, and a batch shares one:
        # each file then goes alone.
        if entry.size > BATCH_MAX_FILE_BYTES or self.config.limits.ocr:
            return _Slot(None, 0, self._schedule(_run, entry))
        batch = self._open
        if batch is None:
            batch = self._open = _Batch()
        batch.entries.append(entry)
        batch.size += entry.size
        if batch.full():
            self._send(batch)
        return _Slot(batch, len(batch.entries) - 1, None)

    def _send(self, batch: _Batch) -> None:
        batch.future = self._schedule(_run_batch, batch.entries)
        if batch is self._open:
            self._open = None

    def _schedule(self, function: Callable[..., object], work: object) -> Future[Any]:
        if not self._active.active:  # broken by a fault pebble could not pin on a file
            # Joined before it is dropped: its semaphores are unlinked when it is collected,
            # and a worker it was still starting would fail on them with a traceback.
            self._active.stop()
            self._active.join()
            self._active = self._pool()
        return self._active.schedule(function, args=(self.task, work, self.config),
                                     timeout=self.config.limits.file_seconds or None)

    def _settle(self, entry: FileEntry, slot: _Slot) -> Outcome:
        batch = slot.batch
        if batch is None:
            assert slot.future is not None
            return self._settle_alone(entry, slot.future)
        if batch.future is None:  # the crawl moved on before the batch filled
            self._send(batch)
        if batch.outcomes is None and not batch.failed:
            assert batch.future is not None
            try:
                batch.outcomes = batch.future.result()
            except (FutureTimeout, ProcessExpired, BrokenProcessPool, CancelledError):
                batch.failed = True
        if batch.outcomes is not None:
            return batch.outcomes[slot.index]
        # A limit or a crash ended the batch: each of its files is read again alone, so
        # the limit falls on the file that caused it.
        return self._settle_alone(entry, self._schedule(_run, entry))

    def _settle_alone(self, entry: FileEntry, future: Future[list[FileResult]]) -> Outcome:
        config = self.config
        try:
            return future.result()
        except FutureTimeout:
            return [stopped_record(entry, timeout_message(config), Flag.TIMEOUT)]
        except ProcessExpired as exc:
            if exc.exitcode == EXIT_MEMORY:
                return [stopped_record(entry, memory_message(config), Flag.MEMORY_LIMIT)]
            return [stopped_record(entry, crash_message(exc.exitcode), Flag.WORKER_CRASHED)]
        except (BrokenProcessPool, CancelledError) as exc:
            message = f"not read: the worker pool failed ({exc or 'no detail'})"
            return [stopped_record(entry, message, Flag.WORKER_CRASHED)]


def _cancel_all(slots: list[_Slot]) -> None:
    for slot in slots:
        future = slot.batch.future if slot.batch is not None else slot.future
        if future is not None:
            future.cancel()


def crash_message(exitcode: int | None) -> str:
    """The error of a file whose worker died: how it died, by signal name when it was one."""
    if exitcode is not None and exitcode < 0:
        try:
            how = f"killed by signal {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"killed by signal {-exitcode}"
        if exitcode == -signal.SIGKILL:
            how += ", perhaps by the system for want of memory"
    else:
        how = f"exited with status {exitcode}"
    return f"not read: the worker process scanning it stopped ({how})"
