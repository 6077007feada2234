"""Files that change under the scan, files the scan may not read, and huge folders.

Tests run as root, and root reads everything (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so
``chmod 000`` alone proves nothing.  The permission test therefore runs the real CLI in
a subprocess started by ``setpriv`` (util-linux) with those two capabilities removed
from its bounding and inheritable sets: it is still root and owns the files, but the
kernel now checks their mode bits, so a folder and a file with mode 000 are refused as
they would be to a technician's service account.  (Dropping to ``nobody`` is not
possible here: the Python interpreter lives under /root, which nobody may not enter.)
Not running as root, the test runs as the current user, whom mode 000 already stops.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dpscan.model.config import ScanConfig
from dpscan.model.ids import Flag, Status
from dpscan.scanner.walk import FileEntry, walk_root

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def detector():  # noqa: ANN201 - a ContentDetector, imported lazily (spaCy)
    from dpscan.scanner.executors.worker import detector_for

    return detector_for(ScanConfig().detection)


def _entry(path: Path) -> FileEntry:
    (entry,) = [e for e in walk_root(str(path)) if isinstance(e, FileEntry)]
    return entry


def test_file_deleted_after_the_crawl_saw_it(tmp_path: Path, detector) -> None:  # noqa: ANN001
    from dpscan.scanner.pipeline import scan_file

    path = tmp_path / "gone.txt"
    path.write_text("Amelia Jones\n")
    entry = _entry(path)
    path.unlink()
    (record,) = scan_file(entry, ScanConfig(), detector)
    assert (record.status, record.error, record.flags) == (
        Status.ERROR, "vanished before it could be read", [Flag.UNREADABLE])


@pytest.mark.parametrize("change", ["grow", "truncate", "delete"])
def test_file_changing_while_it_is_read(tmp_path: Path, detector, change: str) -> None:  # noqa: ANN001
    """A writer appends to, truncates or deletes the file while it is being read."""
    from dpscan.scanner.pipeline import scan_file

    path = tmp_path / "log.csv"
    row = b"Jones,Amelia,02/03/2015,943 476 5919\n"
    path.write_bytes(b"Surname,Forename,DOB,NHS\n" + row * 200_000)  # 7 MB
    entry = _entry(path)
    stop = threading.Event()

    def writer() -> None:
        while not stop.is_set():
            if change == "grow":
                with open(path, "ab") as handle:
                    handle.write(row * 1000)
            elif change == "truncate":
                os.truncate(path, 1000)
            elif path.exists():
                path.unlink()
            time.sleep(0.001)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        records = scan_file(entry, ScanConfig(), detector)
    finally:
        stop.set()
        thread.join()
    assert records[0].path == "log.csv"
    assert records[0].status in {"scanned", "error"}
    assert records[0].status == "scanned" or records[0].error


def test_unreadable_folder_and_file_are_listed_and_the_scan_goes_on(
        tmp_path: Path) -> None:
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv (util-linux) is needed to drop root's file capabilities")
        dropped = "-dac_override,-dac_read_search"
        prefix = [setpriv, f"--bounding-set={dropped}", f"--inh-caps={dropped}", "--"]
    root = tmp_path / "share"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "inside.txt").write_text("Amelia Jones\n")
    (root / "secret.txt").write_text("Amelia Jones, NHS 943 476 5919\n")
    (root / "open.txt").write_text("Amelia Jones, NHS 943 476 5919\n")
    os.chmod(root / "secret.txt", 0o000)
    os.chmod(root / "locked", 0o000)
    out = tmp_path / "out"
    try:
        proc = subprocess.run(
            [*prefix, sys.executable, "-m", "dpscan", "scan", str(root), "--out", str(out),
             "--workers", "1", "--quiet", "--format", "json"],
            cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True,
            text=True, timeout=300)
    finally:
        os.chmod(root / "locked", 0o755)
        os.chmod(root / "secret.txt", 0o644)
    assert proc.returncode == 0, proc.stderr[-2000:]
    findings = json.loads((out / "findings.json").read_text())
    records = {r["path"]: r for r in findings["files"]}
    assert set(records) == {"secret.txt", "open.txt"}
    assert (records["secret.txt"]["status"], records["secret.txt"]["error"]) == (
        "error", "permission denied")
    assert records["open.txt"]["status"] == "scanned" and records["open.txt"]["entities"]
    (walk_error,) = findings["scan"]["walk_errors"]
    assert walk_error["path"] == "locked" and "Permission denied" in walk_error["error"]


def test_twenty_thousand_files_in_one_folder_are_all_crawled(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(20_000):
        (folder / f"f{i:05d}.txt").write_bytes(b"")
    started = time.monotonic()
    entries = [e for e in walk_root(str(tmp_path)) if isinstance(e, FileEntry)]
    assert time.monotonic() - started < 30
    assert [e.relpath for e in entries] == [f"many/f{i:05d}.txt" for i in range(20_000)]


def test_symlink_loop_and_forty_folders_deep(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*(f"level{i:02d}" for i in range(1, 41)))
    deep.mkdir(parents=True)
    (deep / "bottom.txt").write_text("x")
    os.symlink("..", tmp_path / "level01" / "up", target_is_directory=True)
    os.symlink(str(tmp_path), deep / "top", target_is_directory=True)

    def crawl(follow: bool) -> Iterator[str]:
        return (e.relpath for e in walk_root(str(tmp_path), follow_symlinks=follow))

    for follow in (False, True):
        assert list(crawl(follow)) == [str((deep / "bottom.txt").relative_to(tmp_path))]
