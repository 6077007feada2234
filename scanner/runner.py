"""Run a whole scan: crawl the roots, scan each file (in worker processes), collect results.

Results come back in crawl order whatever the number of workers, and only a
bounded number of files are in flight at once, so memory does not grow with the
size of the share beyond the result records themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import asdict
from typing import Any

from dpscan import __version__
from dpscan.detectors.governance import Governor, judgement
from dpscan.model.config import ScanConfig, settings_summary
from dpscan.model.ids import Status
from dpscan.model.records import FileResult, ScanResult, ScanSummary, WalkError
from dpscan.model.views import RecordList
from dpscan.scanner.catalogue import (
    Catalogue,
    Review,
    RootSeen,
    ScanRun,
    absolute_path,
    governance_code_digest,
    root_key,
)
from dpscan.scanner.executors import Reused, make_executor
from dpscan.scanner.record_store import RecordStore
from dpscan.scanner.walk import FileEntry, printable_path, root_target, walk_roots

# Set by a stop signal (SIGTERM, Ctrl-C).  The signal handler also raises KeyboardInterrupt to
# cut a wait short, but an exception raised while Python runs a __del__ or a callback is
# printed and dropped: the scan loop checks this after every file, so no stop is lost.  A
# plain flag, not a threading.Event, whose lock a signal handler could wait on forever.
_stop_requested = False


def request_stop() -> None:
    """Ask the running scan to stop after the file in hand (safe in a signal handler)."""
    global _stop_requested
    _stop_requested = True


def clear_stop() -> None:
    """Forget a stop asked for before: call before installing the signal handlers."""
    global _stop_requested
    _stop_requested = False


ProgressCallback = Callable[[FileResult | WalkError], None]
log = logging.getLogger("dpscan")


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def iter_scan(
    roots: list[str], config: ScanConfig, run: ScanRun | None = None, *, isolate: bool = False
) -> Generator[FileResult | WalkError, None, None]:
    """Yield each file's result (and each crawl error) in crawl order.

    With a catalogue ``run``, unchanged files are not read: their stored results are
    yielded instead, and every file's results are recorded in the catalogue.
    """
    items = walk_roots(roots, follow_symlinks=config.follow_symlinks, excludes=config.excludes,
                       skip=config.skip_paths)
    if run is None:
        for outcome in make_executor(config, isolate=isolate).map(items):
            if isinstance(outcome, WalkError):
                yield outcome
            else:
                yield from outcome
        return
    # The executor yields outcomes in input order: entries wait here to be paired with them.
    waiting: deque[FileEntry | Reused] = deque()

    def work() -> Iterator[FileEntry | WalkError | Reused]:
        for item in items:
            if isinstance(item, FileEntry):
                cached = run.cached(item)
                queued: FileEntry | Reused = item if cached is None else Reused(item, cached)
                waiting.append(queued)
                yield queued
            else:
                yield item

    for outcome in make_executor(config, isolate=isolate).map(work()):
        if isinstance(outcome, WalkError):
            yield outcome
            continue
        item = waiting.popleft()
        if isinstance(item, Reused):
            run.record(item.entry, outcome, reused=True)
        else:
            run.record(item, outcome, reused=False)
        yield from outcome


def run_scan(
    roots: list[str],
    config: ScanConfig,
    progress: ProgressCallback | None = None,
    governor: Governor | None = None,
    catalogue: Catalogue | None = None,
    *,
    full: bool = False,
    resume: bool = False,
    isolate: bool = False,
    store: RecordStore | None = None,
) -> ScanResult:
    """Scan ``roots`` and return the whole :class:`ScanResult`.

    With a ``store`` (:class:`~dpscan.scanner.record_store.RecordStore`), each judged record
    is written there as it comes and the result reads them back from it: memory stays flat
    however many files the share holds.  Without one they are kept in a list.

    ``governor`` (retention, asset register, policy) is applied to each result here, in
    the main process: it reads only results, so it never costs a worker's time.  With a
    ``catalogue``, unchanged files are reused (all re-read with ``full``), results and
    changes are recorded, the DPO's reviews are applied, and a stopped scan (Ctrl-C,
    SIGTERM) is recorded as interrupted so that ``resume`` continues it.  With
    ``isolate``, files are read in worker processes under the time and memory limits even
    on one worker (media found by watch: a stick may be hostile).
    """
    summary = ScanSummary(
        tool="dpscan",
        version=__version__,
        started=_now(),
        finished=None,
        roots=list(roots),
        settings=settings_summary(config),
    )
    for root in roots:
        if (target := root_target(root)) is not None:
            # Scanned where it leads; results keep the name given, so catalogue keys hold.
            summary.root_targets[printable_path(root)[0]] = target
            log.info("root %s is a symlink to %s: scanning its target", root, target)
    run = (catalogue.begin_scan(roots, config, resume=resume, full=full,
                                context=scan_context(governor))
           if catalogue else None)
    if run is not None and governor is not None:
        run.judge_with(governance_fingerprint(governor))
    try:
        return _scan_into(roots, config, summary, progress, governor, catalogue, run,
                          isolate=isolate, store=store)
    except BaseException:
        # Whatever ended the scan (a damaged catalogue, a full disk, a bug), its row is
        # not left "running": it is interrupted, and --resume continues it.
        if run is not None:
            run.abandon()
        raise


def _scan_into(roots: list[str], config: ScanConfig, summary: ScanSummary,
               progress: ProgressCallback | None, governor: Governor | None,
               catalogue: Catalogue | None, run: ScanRun | None, *,
               isolate: bool = False, store: RecordStore | None = None) -> ScanResult:
    reviews = catalogue.reviews() if catalogue else {}
    folder_roots = [r for r in roots if os.path.isdir(r)]
    mounted_at_start = {r: _is_mount_point(r) for r in folder_roots}
    # Shares mounted below a root (/mnt scanned, /mnt/staff a mount): one that fails to
    # mount next time must not read as every file under it deleted.
    mounts_at_start = _mount_points_beneath(folder_roots)
    files: RecordList | RecordStore = RecordList() if store is None else store
    tally = _Tally()
    stopped = False
    items = iter_scan(roots, config, run, isolate=isolate)
    try:
        for item in items:
            if isinstance(item, WalkError):
                summary.walk_errors.append(item)
            else:
                files.add(tally.add(_judge(item, governor, reviews, run)))
            if progress is not None:
                progress(item)
            if _stop_requested:
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        summary.complete = False
        stopped = True
        summary.incomplete_reasons.append("stopped before the end (Ctrl-C, SIGTERM or the "
                                          "reader of --json went away): --resume continues it")
    finally:
        items.close()  # an early stop ends the executor's workers now
    unreachable = [e for e in summary.walk_errors if e.path == ""]
    if unreachable:
        summary.complete = False
        summary.incomplete_reasons.extend(f"root could not be read: {e.root} ({e.error})"
                                          for e in unreachable)
    summary_roots = tally.fill(summary, files, governor)
    summary.finished = _now()
    if run is None:
        return ScanResult(scan=summary, files=files)
    # A crawl that ran to the end of a root that failed to mount finds nothing: that is
    # not every file deleted.  (A stopped crawl proves nothing either way.)
    with_content = summary_roots | {e.root for e in summary.walk_errors}
    roots_seen = [RootSeen(root=r, found_anything=root_key(r) in with_content,
                           mount_point=mounted_at_start[r] and _is_mount_point(r))
                  for r in folder_roots]
    below = mounts_at_start & _mount_points_beneath(folder_roots)
    roots_seen += [RootSeen(root=point, found_anything=True, mount_point=True)
                   for point in sorted(below - {root_key(r) for r in folder_roots})]
    if not stopped:
        summary.incomplete_reasons += run.unmounted(roots_seen, config.excludes)
    for reason in summary.incomplete_reasons:
        log.warning("%s: nothing under it is marked deleted", reason)
    if summary.incomplete_reasons:
        summary.complete = False
    summary.scan_id = run.id
    summary.files_reused = run.reused
    summary.files_retried = run.retried
    # Deleted files are only known when every folder was walked to the end.
    unlisted = [(e.root, e.path) for e in summary.walk_errors]
    # Stopped: --resume continues it; ran to the end but incomplete: nothing to continue.
    status = "complete" if summary.complete else "interrupted" if stopped else "incomplete"
    changes = run.finish(complete=summary.complete, summary=summary.to_dict(),
                         folder_roots=folder_roots, unlisted=unlisted,
                         excludes=config.excludes, roots_seen=roots_seen, status=status)
    summary.files_deleted = run.deleted_since()
    summary.changes = [asdict(c) for c in changes]
    return ScanResult(scan=summary, files=files)


def _is_mount_point(root: str) -> bool:
    """Whether the folder a root leads to (through a symlink too) is a mount point."""
    return os.path.ismount(os.path.realpath(root))


def _mount_points_beneath(roots: list[str]) -> set[str]:
    """The mount points strictly below ``roots`` (from the OS's mount table), named as the
    catalogue names paths: through the root as given, even when it is a symlink."""
    import psutil

    real = {root_key(r): os.path.realpath(r) for r in roots}
    points = set()
    for partition in psutil.disk_partitions(all=True):
        for key, target in real.items():
            rel = os.path.relpath(partition.mountpoint, target)
            if rel != "." and not rel.startswith(".."):
                points.add(f"{key.rstrip('/')}/{rel}")
    return points


def governance_fingerprint(governor: Governor) -> str:
    """What judges the files: ``governor``'s rules, register, policy and as-of date, and
    the governance code (a new dpscan that judges differently judges again)."""
    return hashlib.sha256(
        f"{governor.fingerprint()}:{governance_code_digest()}".encode()).hexdigest()


def scan_context(governor: Governor | None) -> dict[str, Any] | None:
    """What judged a scan's files, for ``report --db`` to judge them the same way: the
    rules file (None: the shipped schedule) and register, each with the SHA-256 of its
    bytes, the public locations, and the as-of date when one was set (None: the scan
    judged as of the day it ran, and a report judges as of the day it runs)."""
    if governor is None:
        return None
    from dpscan.detectors.governance.retention import default_rules_path

    schedule, register = governor.schedule, governor.register
    shipped = schedule is not None and _same_file(schedule.source, default_rules_path())
    return {
        "rules_file": None if schedule is None or shipped else os.path.abspath(schedule.source),
        "rules_sha256": None if schedule is None or shipped else schedule.sha256,
        "register_file": os.path.abspath(register.source) if register is not None else None,
        "register_sha256": register.sha256 if register is not None else None,
        "public_locations": list(governor.policy.public_locations),
        "as_of": (governor.today.isoformat() if governor.today != dt.date.today()
                  else None),
    }


def _same_file(a: object, b: object) -> bool:
    try:
        return os.path.samefile(str(a), str(b))
    except OSError:
        return False


def report_from_catalogue(
    catalogue: Catalogue, governor: Governor | None, roots: list[str] | None = None,
    store: RecordStore | None = None,
) -> ScanResult | None:
    """The latest results in ``catalogue`` as a :class:`ScanResult`, judged afresh by
    ``governor`` with the DPO's reviews, without reading any scanned file.  The summary
    (roots, settings, crawl errors, completeness) is the last scan's, complete or not;
    watch sessions are not scans, but the files and changes they recorded are included.
    Each file is listed once, whichever roots reached it.  None when no scan is recorded.
    The records go into ``store`` when one is given (see :func:`run_scan`)."""
    latest = catalogue.latest_scan()
    if latest is None:
        return None
    stored = latest["summary"] or {}
    summary = ScanSummary(
        tool="dpscan", version=__version__, started=latest["started"],
        finished=latest["finished"], roots=roots or stored.get("roots") or latest["roots"],
        settings=dict(stored.get("settings") or {}),
        walk_errors=[WalkError(**e) for e in stored.get("walk_errors") or ()],
    )
    # The catalogue keeps evidence masked, whatever the scan showed.
    summary.settings.pop("show_evidence", None)
    summary.scan_id = latest["id"]
    summary.complete = latest["status"] == "complete"
    summary.files_reused = int(stored.get("files_reused") or 0)
    summary.files_retried = int(stored.get("files_retried") or 0)
    summary.files_deleted = int(stored.get("files_deleted") or 0)
    summary.incomplete_reasons = list(stored.get("incomplete_reasons") or ())
    summary.changes = [asdict(c) for c in catalogue.changes(latest["id"], through_now=True)]
    summary.settings["regenerated"] = _now()
    reviews = catalogue.reviews()
    files: RecordList | RecordStore = RecordList() if store is None else store
    tally = _Tally()
    for item in catalogue.latest_results(roots):
        files.add(tally.add(_judge(item, governor, reviews)))
    tally.fill(summary, files, governor)
    return ScanResult(scan=summary, files=files)


def _judge(item: FileResult, governor: Governor | None,
           reviews: dict[str, Review], run: ScanRun | None = None) -> FileResult:
    """Apply retention, register and policy, then the DPO's review while it holds (by
    the file's absolute path: a review follows the file whichever root reached it).

    With a catalogue ``run``, the judgement kept for an unchanged file by an earlier scan
    under the same rules, register, policy, as-of date and governance code is applied
    instead, and a new judgement is kept for the next scan."""
    if governor is not None:
        kept = run.kept_judgement(item) if run is not None else None
        if kept is not None:
            governor.apply(item, kept)
            run.judged(item)  # type: ignore[union-attr]
        else:
            governor.govern(item)
            if run is not None:
                run.keep_judgement(item, judgement(item))
    review = reviews.get(absolute_path(item.root, item.path))
    if review is not None and review.holds_for(item):
        item.review = review.as_record()
    return item


class _Tally:
    """The summary's counts, kept as each judged record is stored (one more reading of a
    large scan's store would decode every record again)."""

    def __init__(self) -> None:
        self.seen = self.scanned = self.errors = self.personal = 0
        self.roots: set[str] = set()

    def add(self, record: FileResult) -> FileResult:
        """Count ``record``; return it."""
        self.seen += 1
        self.scanned += record.status == Status.SCANNED
        self.errors += record.status == Status.ERROR
        self.personal += record.has_personal_data
        self.roots.add(record.root)
        return record

    def fill(self, summary: ScanSummary, files: Iterable[FileResult],
             governor: Governor | None) -> set[str]:
        """Fill the summary's counts (``files``: the records counted); the roots that had
        files."""
        summary.files_seen = self.seen
        summary.files_scanned = self.scanned
        summary.errors = self.errors + len(summary.walk_errors)
        summary.files_with_personal_data = self.personal
        summary.duplicates = (files.duplicates() if isinstance(files, RecordStore)
                              else find_duplicates(files))
        if governor is not None:
            summary.as_of = governor.today.isoformat()
            summary.rules = governor.provenance()
            summary.assets = governor.asset_summary(files)
        return self.roots


def find_duplicates(files: Iterable[FileResult]) -> list[dict[str, object]]:
    """Groups of records with identical content (same SHA-256, non-empty), largest first."""
    groups: dict[str, list[FileResult]] = {}
    for result in files:
        if result.sha256 and result.size:
            groups.setdefault(result.sha256, []).append(result)
    shared = sorted((item for item in groups.items() if len(item[1]) > 1),
                    key=lambda item: len(item[1]), reverse=True)
    return [{"sha256": sha, "files": [{"root": r.root, "path": r.path} for r in group]}
            for sha, group in shared]
