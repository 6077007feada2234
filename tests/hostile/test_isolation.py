"""Per-file isolation: a file that hangs, eats memory or kills its worker costs only itself.

The local executor runs stand-in tasks (tests/hostile/tasks.py) that misbehave by file
name, in real spawned workers without models, so each case is exact and quick.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dpscan.model.config import MIB, Limits, ScanConfig
from dpscan.model.ids import Flag, Status
from dpscan.model.records import FileResult, WalkError
from dpscan.scanner.executors import WorkItem
from dpscan.scanner.executors.local import (
    BATCH_FILES,
    IN_FLIGHT_PER_WORKER,
    LocalExecutor,
    crash_message,
)
from dpscan.scanner.executors.serial import SerialExecutor
from dpscan.scanner.walk import FileEntry
from tests.hostile import tasks


def _entry(name: str) -> FileEntry:
    return FileEntry(root="/share", abspath=f"/share/{name}", relpath=name, size=1,
                     mtime_ns=1_700_000_000 * 10**9, inode=1, device=1, mode=0o100644)


def _config(workers: int = 2, seconds: float = 3, memory_mb: int = 400) -> ScanConfig:
    return ScanConfig(workers=workers,
                      limits=Limits(file_seconds=seconds, worker_memory_bytes=memory_mb * MIB))


def _run(names: list[str], config: ScanConfig) -> list[FileResult]:
    executor = LocalExecutor(config, task=tasks.misbehave, warm_up=tasks.no_warm_up)
    return [record for outcome in executor.map([_entry(n) for n in names])
            for record in outcome]


def test_each_misbehaving_file_gets_its_error_and_the_scan_goes_on() -> None:
    names = ["a.txt", "sleep.txt", "b.txt", "spin.pdf", "hog-heap.zip", "c.txt",
             "hog-mapped.bin", "segv.doc", "exit.xls", "kill.msg", "d.txt", "e.txt"]
    started = time.monotonic()
    records = _run(names, _config())
    assert time.monotonic() - started < 60
    assert [r.path for r in records] == names  # crawl order, one record each
    by_name = {r.path: r for r in records}
    for name in ("a.txt", "b.txt", "c.txt", "d.txt", "e.txt"):
        assert by_name[name].status == Status.SCANNED, by_name[name]
    expected = {
        "sleep.txt": (Flag.TIMEOUT, "not read: took longer than the file_seconds limit (3 s)"),
        "spin.pdf": (Flag.TIMEOUT, "not read: took longer than the file_seconds limit (3 s)"),
        "hog-heap.zip": (Flag.MEMORY_LIMIT,
                         "not read: needed more memory than the worker_memory_mb limit (400 MB)"),
        "hog-mapped.bin": (Flag.MEMORY_LIMIT,
                           "not read: needed more memory than the worker_memory_mb limit "
                           "(400 MB)"),
        "segv.doc": (Flag.WORKER_CRASHED, crash_message(-11)),
        "exit.xls": (Flag.WORKER_CRASHED, crash_message(3)),
        "kill.msg": (Flag.WORKER_CRASHED, crash_message(-9)),
    }
    for name, (flag, error) in expected.items():
        record = by_name[name]
        assert (record.status, record.flags, record.error) == (Status.ERROR, [flag], error), name
    assert "SIGSEGV" in crash_message(-11) and "SIGKILL" in crash_message(-9)
    # Workers were replaced, not lost: the last files ran in workers started after the
    # crashes (pids differ from the first file's).
    assert by_name["e.txt"].extractor != by_name["a.txt"].extractor


def test_walk_errors_and_reused_results_pass_through_in_order() -> None:
    from dpscan.scanner.executors import Reused

    reused = [FileResult(path="old.txt", root="/share", status=Status.SCANNED)]
    items: list[WorkItem] = [_entry("a.txt"), WalkError("/share", "locked", "permission denied"),
                             Reused(_entry("old.txt"), reused), _entry("segv.x"),
                             _entry("b.txt")]
    executor = LocalExecutor(_config(), task=tasks.misbehave, warm_up=tasks.no_warm_up)
    outcomes = list(executor.map(items))
    assert isinstance(outcomes[1], WalkError)
    assert outcomes[2] is reused
    assert [o[0].path for o in outcomes if isinstance(o, list)] == [
        "a.txt", "old.txt", "segv.x", "b.txt"]


def test_in_flight_stays_bounded() -> None:
    config = _config()
    limit = config.workers * IN_FLIGHT_PER_WORKER * BATCH_FILES  # small files go in batches
    taken = 0

    def items() -> Iterator[FileEntry]:
        nonlocal taken
        for i in itertools.count():
            taken += 1
            yield _entry(f"f{i:05d}.txt")

    executor = LocalExecutor(config, task=tasks.misbehave, warm_up=tasks.no_warm_up)
    stream = executor.map(items())
    seen = []
    for outcome in stream:
        seen.append(outcome)
        assert taken - len(seen) <= limit
        if len(seen) == 3 * limit:
            break
    stream.close()  # an early stop ends the workers instead of hanging


def test_a_worker_that_cannot_start_stops_the_scan_with_its_error() -> None:
    executor = LocalExecutor(_config(), task=tasks.misbehave, warm_up=tasks.failing_warm_up)
    with pytest.raises(RuntimeError, match="missing_model"):
        list(executor.map([_entry("a.txt"), _entry("b.txt")]))


def test_serial_executor_keeps_the_time_limit() -> None:
    executor = SerialExecutor(_config(workers=1, seconds=1), task=tasks.misbehave)
    started = time.monotonic()
    records = [r for o in executor.map([_entry("spin.txt"), _entry("a.txt")]) for r in o]
    assert time.monotonic() - started < 10
    assert [(r.path, r.status, r.flags) for r in records] == [
        ("spin.txt", Status.ERROR, [Flag.TIMEOUT]), ("a.txt", Status.SCANNED, [])]
    assert records[0].error == "not read: took longer than the file_seconds limit (1 s)"


def test_real_scan_in_workers_matches_serial(tmp_path: Path) -> None:
    """The real scan_entry through the pool gives what the serial executor gives."""
    from dpscan.scanner.walk import walk_root

    (tmp_path / "letter.txt").write_text("Dear parents, the trip is on Friday.\n")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "junk.docx").write_bytes(os.urandom(2048))
    entries = list(walk_root(str(tmp_path)))
    config = ScanConfig(workers=2)

    def run(executor: LocalExecutor | SerialExecutor) -> list[tuple[str, str, list[str]]]:
        return [(r.path, r.status, r.flags) for o in executor.map(entries) for r in o]

    assert run(LocalExecutor(config)) == run(SerialExecutor(config))


@pytest.fixture
def scheduled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The worker functions the executor schedules, one per task."""
    sent: list[str] = []
    schedule = LocalExecutor._schedule

    def counted(self: LocalExecutor, function: object, work: object) -> object:
        sent.append(getattr(function, "__name__", ""))
        return schedule(self, function, work)  # type: ignore[arg-type]

    monkeypatch.setattr(LocalExecutor, "_schedule", counted)
    return sent


def test_small_files_go_to_the_workers_in_batches(scheduled: list[str]) -> None:
    names = [f"f{i:02d}.txt" for i in range(2 * BATCH_FILES + 5)]
    records = _run(names, _config())
    assert [r.path for r in records] == names
    assert all(r.status == Status.SCANNED for r in records)
    # Two full batches and the rest, instead of a task per file.
    assert scheduled == ["_run_batch"] * 3


def test_with_ocr_each_file_goes_alone(scheduled: list[str]) -> None:
    # A small scanned image can take most of the time limit, which a batch would share.
    config = ScanConfig(workers=2, limits=Limits(file_seconds=3, worker_memory_bytes=400 * MIB,
                                                 ocr=True))
    names = [f"scan{i}.png" for i in range(5)]
    assert [r.path for r in _run(names, config)] == names
    assert scheduled == ["_run"] * 5
