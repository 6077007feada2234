"""Run a whole scan: crawl the roots, scan each file (in worker processes), collect results.

Results come back in crawl order whatever the number of workers, and only a
bounded number of files are in flight at once, so memory does not grow with the
size of the share beyond the result records themselves.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from detectors.content import ContentDetector
from detectors.governance import Governor
from scanner import __version__
from scanner.config import ScanConfig
from scanner.pipeline import scan_file
from scanner.results import (
    STATUS_ERROR,
    STATUS_SCANNED,
    FileResult,
    ScanResult,
    ScanSummary,
    WalkError,
)
from scanner.walk import FileEntry, walk_roots

# Files queued per worker: enough to keep workers busy, few enough to bound memory.
_IN_FLIGHT_PER_WORKER = 8

ProgressCallback = Callable[[FileResult | WalkError], None]

_worker_state: dict[str, object] = {}


def _init_worker(config: ScanConfig) -> None:
    # Each worker loads the spaCy model once and keeps it for every file it scans.
    _worker_state["config"] = config
    _worker_state["detector"] = ContentDetector(config.detection)


def _scan_in_worker(entry: FileEntry) -> list[FileResult]:
    return scan_file(entry, _worker_state["config"], _worker_state["detector"])  # type: ignore[arg-type]


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _scan_serial(
    items: Iterable[FileEntry | WalkError], config: ScanConfig
) -> Iterator[FileResult | WalkError]:
    detector = ContentDetector(config.detection)
    for item in items:
        if isinstance(item, WalkError):
            yield item
        else:
            yield from scan_file(item, config, detector)


def _scan_parallel(
    items: Iterable[FileEntry | WalkError], config: ScanConfig
) -> Iterator[FileResult | WalkError]:
    # spawn, not fork: forking a process that runs threads (progress display, BLAS)
    # can deadlock, and spawn behaves the same on Linux, macOS and Windows.
    context = multiprocessing.get_context("spawn")
    window: deque[Future[list[FileResult]] | WalkError] = deque()
    limit = config.workers * _IN_FLIGHT_PER_WORKER
    with ProcessPoolExecutor(
        max_workers=config.workers, mp_context=context,
        initializer=_init_worker, initargs=(config,),
    ) as pool:
        for item in items:
            if isinstance(item, WalkError):
                window.append(item)
            else:
                window.append(pool.submit(_scan_in_worker, item))
            while len(window) >= limit:
                yield from _settle(window.popleft())
        while window:
            yield from _settle(window.popleft())


def _settle(item: Future[list[FileResult]] | WalkError) -> list[FileResult] | list[WalkError]:
    return [item] if isinstance(item, WalkError) else item.result()


def iter_scan(
    roots: list[str], config: ScanConfig
) -> Iterator[FileResult | WalkError]:
    """Yield each file's result (and each crawl error) in crawl order."""
    items = walk_roots(roots, follow_symlinks=config.follow_symlinks, excludes=config.excludes)
    if config.workers <= 1:
        return _scan_serial(items, config)
    return _scan_parallel(items, config)


def run_scan(
    roots: list[str],
    config: ScanConfig,
    progress: ProgressCallback | None = None,
    governor: Governor | None = None,
) -> ScanResult:
    """Scan ``roots`` and return the whole :class:`ScanResult`.

    ``governor`` (retention, asset register, policy) is applied to each result here, in
    the main process: it reads only results, so it never costs a worker's time.
    """
    summary = ScanSummary(
        tool="dpscan",
        version=__version__,
        started=_now(),
        finished=None,
        roots=list(roots),
        settings={
            "workers": config.workers,
            "follow_symlinks": config.follow_symlinks,
            "excludes": list(config.excludes),
            "max_file_bytes": config.limits.max_file_bytes,
            "max_text_chars": config.limits.max_text_chars,
            "spacy_model": config.detection.spacy_model,
        },
    )
    files: list[FileResult] = []
    for item in iter_scan(roots, config):
        if isinstance(item, WalkError):
            summary.walk_errors.append(item)
        else:
            if governor is not None:
                governor.govern(item)
            files.append(item)
        if progress is not None:
            progress(item)
    summary.files_seen = len(files)
    summary.files_scanned = sum(1 for f in files if f.status == STATUS_SCANNED)
    summary.errors = sum(1 for f in files if f.status == STATUS_ERROR) + len(summary.walk_errors)
    summary.files_with_personal_data = sum(1 for f in files if f.has_personal_data)
    if governor is not None:
        summary.as_of = governor.today.isoformat()
        summary.rules = governor.provenance()
        summary.assets = governor.asset_summary(files)
    summary.finished = _now()
    return ScanResult(scan=summary, files=files)
