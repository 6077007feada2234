"""Watch reads each file in a worker process under the scan's limits: a file that hangs its
parser is recorded as a timeout, and the files after it are still recorded."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from dpscan.model.config import MIB, Limits, ScanConfig
from dpscan.model.ids import Flag, Status
from dpscan.scanner.catalogue import Catalogue
from dpscan.scanner.executors import make_executor
from dpscan.scanner.executors.local import LocalExecutor
from dpscan.scanner.watch import process_settled, watch_paths
from tests.hostile import tasks
from tests.hostile.corpus import pdf_reference_loop

FILE_SECONDS = 3


def _config() -> ScanConfig:
    return ScanConfig(workers=1, limits=Limits(file_seconds=FILE_SECONDS,
                                               worker_memory_bytes=768 * MIB))


def test_watch_isolates_even_on_one_worker() -> None:
    # The CLI runs watch with one worker, which a scan would run in its own process.
    assert isinstance(make_executor(_config(), isolate=True), LocalExecutor)


def test_a_hanging_file_times_out_and_later_batches_reuse_the_workers(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    for name in ("before.txt", "sleep.pdf", "after.txt", "later.txt"):
        (share / name).write_text("text")
    config = _config()
    # Stand-in work that hangs on "sleep*" (tests/hostile/tasks.py), in real workers.
    executor = LocalExecutor(config, task=tasks.misbehave, warm_up=tasks.no_warm_up)
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        run = catalogue.begin_scan([str(share)], config)
        with executor.running():
            started = time.monotonic()
            first = process_settled([str(share / n) for n in ("before.txt", "sleep.pdf",
                                                              "after.txt")],
                                    [], [str(share)], executor, run, None)
            assert time.monotonic() - started < FILE_SECONDS + 20
            second = process_settled([str(share / "later.txt")], [], [str(share)], executor,
                                     run, None)
        records = {r.path: r for r in catalogue.latest_results()}
    assert (first, second) == (3, 1)
    hung = records["sleep.pdf"]
    assert hung.status == Status.ERROR and Flag.TIMEOUT in hung.flags
    assert hung.error == f"not read: took longer than the file_seconds limit ({FILE_SECONDS} s)"
    for name in ("before.txt", "after.txt", "later.txt"):
        assert records[name].status == Status.SCANNED, records[name]
    # One pool for the session: the worker that replaced the hung one read both batches.
    assert records["after.txt"].extractor == records["later.txt"].extractor


def test_watch_records_a_pdf_reference_loop_as_a_timeout_and_goes_on(tmp_path: Path) -> None:
    # The real parser on the hostile corpus's PDF reference loop, through watch_paths with
    # its default executor: in the watch process this stalled it for minutes.
    share = tmp_path / "share"
    share.mkdir()
    db = tmp_path / "cat.sqlite"
    Catalogue.open(db).close()
    stop = threading.Event()

    def watch() -> None:
        # SQLite connections belong to their thread: the watcher opens its own.
        with Catalogue.open(db) as catalogue:
            watch_paths([str(share)], _config(), catalogue, None, settle_seconds=0.3,
                        stop=stop.is_set)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        time.sleep(1.0)
        (share / "loop.pdf").write_bytes(pdf_reference_loop())
        time.sleep(1.0)  # a batch of its own, so the next file comes after it
        (share / "letter.txt").write_text("Dear parent of Oliver Brennan,\n"
                                          "NHS number 943 476 5919\n", encoding="utf-8")
        deadline = time.monotonic() + 120  # the worker loads the spaCy model first
        records: dict[str, object] = {}
        with Catalogue.open(db) as catalogue:
            while time.monotonic() < deadline and len(records) < 2:
                time.sleep(0.5)
                records = {r.path: r for r in catalogue.latest_results()}
            loop, letter = records.get("loop.pdf"), records.get("letter.txt")
        assert loop is not None and letter is not None, records
        assert (loop.status, loop.flags) == (Status.ERROR, [Flag.TIMEOUT])
        assert "UK_NHS" in letter.entities
    finally:
        stop.set()
        watcher.join(timeout=60)
    assert not watcher.is_alive()


def test_watch_leaves_excluded_files_and_its_own_outputs_alone(tmp_path: Path) -> None:
    """As the crawl of a scan would: else every report watch writes into a watched folder
    would be read, recorded, and written again."""
    from dataclasses import replace

    from dpscan.scanner.walk import scan_outputs
    from dpscan.scanner.watch import ignored_paths

    share = tmp_path / "share"
    (share / "reports").mkdir(parents=True)
    for name in ("letter.txt", "~$letter.txt", "reports/findings.json"):
        (share / name).write_text("text")
    config = replace(_config(), excludes=("~$*",),
                     skip_paths=scan_outputs(out=share / "reports"))
    executor = LocalExecutor(config, task=tasks.misbehave, warm_up=tasks.no_warm_up)
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        run = catalogue.begin_scan([str(share)], config)
        with executor.running():
            scanned = process_settled(
                [str(share / n) for n in ("letter.txt", "~$letter.txt", "reports/findings.json")],
                [], [str(share)], executor, run, None, ignored_paths(config))
        paths = sorted(r.path for r in catalogue.latest_results())
    assert (scanned, paths) == (1, ["letter.txt"])


def test_watch_never_reads_its_own_log(tmp_path: Path) -> None:
    """A real `dpscan watch --log` inside the watched folder: each line it logs changes the
    log, which watch would read again (every 1.5 s, without end) and record as a file
    with personal data (it names the files that hold some)."""
    import os
    import signal
    import subprocess
    import sys

    share = tmp_path / "share"
    share.mkdir()
    log, db = share / "watch.log", tmp_path / "cat.sqlite"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    watcher = subprocess.Popen(
        [sys.executable, "-m", "dpscan", "watch", str(share), "--log", str(log), "--db",
         str(db), "--settle-seconds", "0.3", "-q"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120  # the worker loads the spaCy model first
        while time.monotonic() < deadline and not log.exists():
            time.sleep(0.2)
        time.sleep(1.0)
        (share / "letter.txt").write_text("Dear parent of Oliver Brennan,\n"
                                          "NHS number 943 476 5919\n", encoding="utf-8")
        paths: list[str] = []
        while time.monotonic() < deadline and "letter.txt" not in paths:
            time.sleep(0.5)
            with Catalogue.open(db) as catalogue:
                paths = [r.path for r in catalogue.latest_results()]
        assert "letter.txt" in paths, watcher.poll()
        assert "letter.txt" in log.read_text()  # logged: the log changed after the letter
        time.sleep(4.0)  # settled and read again by now, were it not left alone
        with Catalogue.open(db) as catalogue:
            paths = [r.path for r in catalogue.latest_results()]
    finally:
        watcher.send_signal(signal.SIGTERM)
        _, stderr = watcher.communicate(timeout=60)
    assert paths == ["letter.txt"], paths
    assert "Traceback" not in stderr, stderr
    assert "watch.log" not in log.read_text()


def test_media_found_by_watch_are_read_in_isolated_workers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stick mounted while watching is scanned on one worker, and still in a worker
    process under the limits (a serial scan has no memory limit): it may be hostile."""
    from types import SimpleNamespace

    from dpscan.scanner import executors, watch
    from dpscan.scanner.executors.serial import SerialExecutor

    stick = tmp_path / "stick"
    stick.mkdir()
    (stick / "notes.txt").write_text("Shopping list.\n")
    chosen: list[bool] = []

    def spy(config: ScanConfig, *, isolate: bool = False) -> SerialExecutor:
        chosen.append(isolate)
        return SerialExecutor(config)  # the choice is what is tested; serial is quicker

    monkeypatch.setattr("dpscan.scanner.runner.make_executor", spy)
    monkeypatch.setattr(watch, "_removable", lambda: [SimpleNamespace(mountpoint=str(stick))])
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        known = watch._scan_new_media(set(), _config(), catalogue, None)
    assert known == {str(stick)}
    assert chosen == [True]
    assert executors.make_executor(_config(), isolate=True).__class__ is LocalExecutor
