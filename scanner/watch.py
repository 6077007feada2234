"""Watch mode: scan files as they are created or changed, between scheduled scans.

watchdog reports file system events; a burst of events for one file (an editor saving in
several writes, a copy in progress) is coalesced and the file is read once it has been
quiet for ``settle_seconds``.  Each file is read in a worker process under the scan's time
and memory limits (the local executor, even with one worker; or ``--executor dask``), so a
file that hangs or bloats its parser costs only its own error record.  The workers start
once, when watching starts.  Results go to the catalogue like a scan's, so the next
report and find-person see them.  With ``watch_usb`` newly mounted removable media are
scanned as a USB stick would be by ``dpscan usb``.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dpscan.detectors.governance import Governor
from dpscan.model.config import ScanConfig
from dpscan.scanner.catalogue import Catalogue, ScanRun
from dpscan.scanner.executors import Executor, make_executor
from dpscan.scanner.record_store import RecordStore
from dpscan.scanner.walk import FileEntry, SkipList, file_entry, is_excluded, printable_path

if TYPE_CHECKING:  # watchdog is imported only when watching starts
    from watchdog.events import FileSystemEvent, FileSystemEventHandler

log = logging.getLogger("dpscan")

# How often the loop looks for settled files (and, with --usb, new mounts).
_TICK_SECONDS = 0.5
_USB_POLL_SECONDS = 5.0


class ChangeQueue:
    """Paths with pending changes, each with the time of its last event (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed: dict[str, float] = {}
        self._deleted: set[str] = set()

    def changed(self, path: str) -> None:
        """Note an event on ``path`` now (a new event restarts its quiet period)."""
        with self._lock:
            self._changed[path] = time.monotonic()
            self._deleted.discard(path)

    def deleted(self, path: str) -> None:
        """Note that ``path`` is gone."""
        with self._lock:
            self._changed.pop(path, None)
            self._deleted.add(path)

    def settled(self, quiet_for: float) -> tuple[list[str], list[str]]:
        """Take the paths quiet for ``quiet_for`` seconds, and the deleted ones."""
        now = time.monotonic()
        with self._lock:
            ready = sorted(p for p, at in self._changed.items() if now - at >= quiet_for)
            for path in ready:
                del self._changed[path]
            deleted = sorted(self._deleted)
            self._deleted.clear()
        return ready, deleted


def _handler(queue: ChangeQueue) -> FileSystemEventHandler:
    from watchdog.events import FileSystemEventHandler

    class Handler(FileSystemEventHandler):
        def on_created(self, event: FileSystemEvent) -> None:
            if not event.is_directory:
                queue.changed(os.fsdecode(event.src_path))

        on_modified = on_created
        on_closed = on_created

        def on_moved(self, event: FileSystemEvent) -> None:
            if not event.is_directory:
                queue.deleted(os.fsdecode(event.src_path))
                queue.changed(os.fsdecode(event.dest_path))

        def on_deleted(self, event: FileSystemEvent) -> None:
            if not event.is_directory:
                queue.deleted(os.fsdecode(event.src_path))

    return Handler()


def entry_for(root: str, path: str) -> FileEntry | None:
    """The crawl entry of ``path`` under ``root`` (None when it is gone or not a file)."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return file_entry(printable_path(root)[0], path,
                      os.path.relpath(path, root).replace(os.sep, "/"), st)


def _root_of(path: str, roots: Sequence[str]) -> str | None:
    for root in sorted(roots, key=len, reverse=True):
        if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
            return root
    return None


def ignored_paths(config: ScanConfig) -> Callable[[str, str], bool]:
    """``ignored(root, path)``: true for what a scan's crawl would leave out, the
    ``--exclude`` patterns and the watch's own reports, catalogue and key (else every report
    it writes into a watched folder would be read, recorded and written again)."""
    outputs = SkipList.of(config.skip_paths)

    def ignored(root: str, path: str) -> bool:
        relpath = os.path.relpath(path, root).replace(os.sep, "/")
        return is_excluded(relpath, config.excludes) or outputs.holds_path(path)

    return ignored


def process_settled(ready: Sequence[str], deleted: Sequence[str], roots: Sequence[str],
                    executor: Executor, run: ScanRun, governor: Governor | None,
                    ignored: Callable[[str, str], bool] = lambda _root, _path: False) -> int:
    """Scan the settled files with ``executor`` and forget the deleted ones; returns files
    scanned.  A path for which ``ignored(root, path)`` is true (excluded, or one of the
    watch's own outputs) is left alone, as the crawl of a scan would leave it."""
    for path in deleted:
        root = _root_of(path, roots)
        if root is not None:
            relpath = printable_path(os.path.relpath(path, root).replace(os.sep, "/"))[0]
            if run.forget(printable_path(root)[0], relpath):
                log.info("deleted: %s", path)
    entries = []
    for path in ready:
        root = _root_of(path, roots)
        entry = entry_for(root, path) if root is not None and not ignored(root, path) else None
        if entry is None or run.cached(entry) is not None:
            continue  # gone, or touched but unchanged
        entries.append(entry)
    # Entries in, outcomes out in the same order; each is recorded as it comes back.
    for entry, results in zip(entries, executor.map(entries), strict=True):
        assert isinstance(results, list)  # only files were given: no crawl errors
        run.record(entry, results, reused=False)
        top = results[0]
        if governor is not None:
            governor.govern(top)
        if top.has_personal_data:
            log.warning("personal data: %s (severity %s; %s)", entry.abspath, top.severity,
                        ", ".join(top.flags) or "no flags")
        elif top.error:
            log.warning("not read: %s (%s)", entry.abspath, top.error)
        else:
            log.info("scanned: %s (no personal data)", entry.abspath)
    run.flush()
    return len(entries)


def watch_paths(
    roots: Sequence[str],
    config: ScanConfig,
    catalogue: Catalogue,
    governor: Governor | None,
    *,
    settle_seconds: float = 5.0,
    watch_usb: bool = False,
    out: Path | None = None,
    formats: Sequence[str] = ("json", "html", "xlsx"),
    stop: Callable[[], bool] = lambda: False,
    executor: Executor | None = None,
) -> None:
    """Watch ``roots`` until ``stop()`` is true (or Ctrl-C), scanning settled files.

    ``executor`` runs each file (default: worker processes under ``config``'s limits)."""
    from watchdog.observers import Observer

    if executor is None:
        executor = make_executor(config, isolate=True)
    ignored = ignored_paths(config)

    queue = ChangeQueue()
    observer = Observer()
    handler = _handler(queue)
    for root in roots:
        observer.schedule(handler, root, recursive=True)
    run = catalogue.begin_scan(list(roots), config, watch=True)
    observer.start()
    log.info("watching %s (scan %s)", ", ".join(roots), run.id)
    known_usb = {m.mountpoint for m in _removable()} if watch_usb else set()
    last_usb = time.monotonic()
    try:
        with executor.running():
            while not stop():
                time.sleep(_TICK_SECONDS)
                ready, deleted = queue.settled(settle_seconds)
                if (ready or deleted) and process_settled(
                        ready, deleted, roots, executor, run, governor, ignored) and out:
                    _write_reports(catalogue, governor, out, formats)
                if watch_usb and time.monotonic() - last_usb >= _USB_POLL_SECONDS:
                    last_usb = time.monotonic()
                    known_usb = _scan_new_media(known_usb, config, catalogue, governor)
    finally:
        observer.stop()
        observer.join(timeout=5)
        run.finish(complete=False, summary={"roots": list(roots), "watch": True},
                   status="watch")


def _removable() -> list:
    from dpscan.scanner.usb import find_removable_mounts

    return find_removable_mounts()


def _scan_new_media(known: set[str], config: ScanConfig, catalogue: Catalogue,
                    governor: Governor | None) -> set[str]:
    from dpscan.reports import make_private_dir, write_reports
    from dpscan.scanner.runner import run_scan
    from dpscan.scanner.usb import media_encryption, usb_verdict

    mounts = {m.mountpoint for m in _removable()}
    for mountpoint in sorted(mounts - known):
        encryption = media_encryption(mountpoint)
        usb_governor = governor
        if governor is not None:
            usb_governor = Governor(governor.schedule, governor.register,
                                    dataclasses.replace(governor.policy,
                                                        removable_media=not encryption.encrypted),
                                    today=governor.today)
        log.info("removable media mounted at %s: scanning", mountpoint)
        # One worker, isolated as watch's own files are: a stick may be hostile.
        import platformdirs

        with RecordStore() as store:
            result = run_scan([mountpoint], dataclasses.replace(config, workers=1),
                              governor=usb_governor, catalogue=catalogue, isolate=True,
                              store=store)
            out = (platformdirs.user_data_path("dpscan", appauthor=False) / "reports"
                   / f"usb-{time.strftime('%Y%m%d-%H%M%S')}")
            make_private_dir(out)
            write_reports(result, out, ("json", "html", "xlsx"))
            verdict = usb_verdict(mountpoint, result, encryption)
        for line in verdict.splitlines():
            log.warning("%s", line)
        log.warning("  reports: %s", out)
    return mounts


def _write_reports(catalogue: Catalogue, governor: Governor | None, out: Path,
                   formats: Sequence[str]) -> None:
    from dpscan.reports import write_reports
    from dpscan.scanner.runner import report_from_catalogue

    with RecordStore() as store:
        result = report_from_catalogue(catalogue, governor, store=store)
        if result is not None:
            write_reports(result, out, formats)


__all__ = ["ChangeQueue", "entry_for", "ignored_paths", "process_settled", "watch_paths"]
