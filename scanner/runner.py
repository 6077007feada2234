"""Run a whole scan: crawl the roots, scan each file (in worker processes), collect results.

Results come back in crawl order whatever the number of workers, and only a
bounded number of files are in flight at once, so memory does not grow with the
size of the share beyond the result records themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from detectors.governance import Governor
from scanner import __version__
from scanner.config import ScanConfig
from scanner.executors import make_executor
from scanner.results import (
    STATUS_ERROR,
    STATUS_SCANNED,
    FileResult,
    ScanResult,
    ScanSummary,
    WalkError,
)
from scanner.walk import walk_roots

ProgressCallback = Callable[[FileResult | WalkError], None]


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def iter_scan(
    roots: list[str], config: ScanConfig
) -> Iterator[FileResult | WalkError]:
    """Yield each file's result (and each crawl error) in crawl order."""
    items = walk_roots(roots, follow_symlinks=config.follow_symlinks, excludes=config.excludes)
    for outcome in make_executor(config).map(items):
        if isinstance(outcome, WalkError):
            yield outcome
        else:
            yield from outcome


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
