"""Concurrent writers on one catalogue: two scans at once, a scan while watch records and
forgets files, and a scan ended by an error.  They merge: never an IntegrityError, never
a live file marked deleted, never a scan row left ``running``."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import dpscan.scanner.catalogue as catalogue_module
from dpscan.model.config import ScanConfig
from dpscan.model.records import FileResult, WalkError
from dpscan.scanner.catalogue import Catalogue
from dpscan.scanner.executors.worker import scan_entry
from dpscan.scanner.runner import run_scan
from dpscan.scanner.watch import entry_for

PROJECT = Path(__file__).resolve().parents[2]
NHS = "943 476 5919"


def _letter(path: Path, pupil: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"Dear parent of {pupil},\nNHS number {NHS}.\nDate of birth 02/03/2015.\n")


def _dpscan_scan(share: Path, out: Path, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dpscan", "scan", str(share), "--out", str(out), "-w", "1",
         "-q", "--format", "json", "--db", str(db)],
        cwd=PROJECT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_two_scans_of_one_root_at_once_merge(tmp_path: Path) -> None:
    share = tmp_path / "share"
    total = 200
    for index in range(total):
        _letter(share / f"Year {index % 4 + 1}" / f"letter {index:03d}.txt", f"Pupil {index}")
    db = tmp_path / "cat.sqlite"  # new: both processes create it, one wins
    first = _dpscan_scan(share, tmp_path / "out1", db)
    second = _dpscan_scan(share, tmp_path / "out2", db)
    outcomes = [(proc.wait(timeout=600), proc.stderr.read()) for proc in (first, second)]  # type: ignore[union-attr]
    for code, err in outcomes:
        assert code == 0, err
        assert "IntegrityError" not in err and "Traceback" not in err
    for out in ("out1", "out2"):
        findings = json.loads((tmp_path / out / "findings.json").read_text())
        assert findings["scan"]["complete"] is True
        assert len(findings["files"]) == total
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT COUNT(*), COUNT(deleted_scan) FROM files").fetchone() == \
            (total, 0)
        assert raw.execute("SELECT status FROM scans").fetchall() == [("complete",)] * 2
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_watch_recording_during_a_scan_never_deletes_a_live_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    share = tmp_path / "share"
    for folder in ("A", "B", "C"):
        for name in ("one", "two"):
            _letter(share / folder / f"{name}.txt", f"Pupil {folder} {name}")
    db = tmp_path / "cat.sqlite"
    config = ScanConfig(workers=1)
    # Every file is committed as it is recorded, as a long scan's earlier batches are.
    monkeypatch.setattr(catalogue_module, "_BATCH_FILES", 1)
    edited, added, removed = share / "A" / "one.txt", share / "C" / "added.txt", \
        share / "A" / "two.txt"
    with Catalogue.open(db) as scan_catalogue, Catalogue.open(db) as watch_catalogue:
        run_scan([str(share)], config, catalogue=scan_catalogue)
        # Watch, in its own connection, began before the weekly scan and is still running.
        watch = watch_catalogue.begin_scan([str(share)], config)

        def watch_acts(item: FileResult | WalkError) -> None:
            if not (isinstance(item, FileResult) and item.path == "B/one.txt"):
                return
            # A file the scan has already recorded is edited, and watch reads it again.
            edited.write_text(edited.read_text() + "Postcode LS6 2AB.\n")
            entry = entry_for(str(share), str(edited))
            assert entry is not None
            watch.record(entry, scan_entry(entry, config), reused=False)
            # A file is added where the scan has not listed yet; watch records it first.
            _letter(added, "Pupil new")
            entry = entry_for(str(share), str(added))
            assert entry is not None
            watch.record(entry, scan_entry(entry, config), reused=False)
            # A file is deleted, and watch forgets it.
            removed.unlink()
            assert watch.forget(str(share), "A/two.txt")

        weekly = run_scan([str(share)], config, progress=watch_acts, catalogue=scan_catalogue)
        watch.finish(complete=False, summary={"watch": True}, status="watch")
        current = {r.path: r for r in scan_catalogue.latest_results()}
    assert weekly.scan.complete
    assert "A/one.txt" in current and "UK_POSTCODE" in current["A/one.txt"].entities
    assert "C/added.txt" in current
    assert "A/two.txt" not in current
    changes = {(c["path"], c["change"]) for c in weekly.scan.changes}
    assert ("A/one.txt", "resolved") not in changes
    assert ("C/added.txt", "new") in changes and ("A/two.txt", "resolved") in changes
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT COUNT(*) FROM files WHERE path = 'C/added.txt'"
                           ).fetchone()[0] == 1
        assert raw.execute("SELECT deleted_scan FROM files WHERE path = 'A/one.txt'"
                           ).fetchone()[0] is None


def test_a_file_still_on_disk_is_never_marked_deleted(tmp_path: Path) -> None:
    # Seen by no run (it came back after the crawl passed, say), but there: not deleted.
    share = tmp_path / "share"
    _letter(share / "kept.txt", "Pupil kept")
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        first = run_scan([str(share)], ScanConfig(workers=1), catalogue=catalogue)
        run = catalogue.begin_scan([str(share)], ScanConfig(workers=1))
        run.finish(complete=True, summary=first.scan.to_dict(), folder_roots=[str(share)])
        assert run.deleted_since() == 0
        watch = catalogue.begin_scan([str(share)], ScanConfig(workers=1))
        assert not watch.forget(str(share), "kept.txt")  # a delete event, but it is back
        assert [r.path for r in catalogue.latest_results()] == ["kept.txt"]


def test_a_scan_ended_by_an_error_is_not_left_running(tmp_path: Path) -> None:
    share = tmp_path / "share"
    for index in range(3):
        _letter(share / f"{index}.txt", f"Pupil {index}")

    def fail(_item: object) -> None:
        raise RuntimeError("a report writer bug")

    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        with pytest.raises(RuntimeError):
            run_scan([str(share)], ScanConfig(workers=1), progress=fail, catalogue=catalogue)
        latest = catalogue.latest_scan()
        assert latest is not None and latest["status"] == "interrupted"
        resumed = run_scan([str(share)], ScanConfig(workers=1), catalogue=catalogue,
                           resume=True)
    assert resumed.scan.scan_id == latest["id"] and resumed.scan.complete
    assert resumed.scan.files_reused == 1  # what was read before the error is kept


def test_two_first_opens_share_one_new_catalogue(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    code = ("import sys; from dpscan.scanner.catalogue import Catalogue; "
            "Catalogue.open(sys.argv[1]).close()")
    openers = [subprocess.Popen([sys.executable, "-c", code, str(db)], text=True,
                                stderr=subprocess.PIPE) for _ in range(4)]
    for opener in openers:
        assert opener.wait(timeout=120) == 0, opener.stderr.read()  # type: ignore[union-attr]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".new")] == []
    with Catalogue.open(db) as catalogue:
        assert catalogue.schema_version == catalogue_module.SCHEMA_VERSION
    assert os.stat(db).st_mode & 0o077 == 0


def test_resume_never_takes_over_a_running_watch(tmp_path: Path) -> None:
    share = tmp_path / "share"
    _letter(share / "letter.txt", "Pupil one")
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        watch = catalogue.begin_scan([str(share)], ScanConfig(workers=1), watch=True)
        resumed = run_scan([str(share)], ScanConfig(workers=1), catalogue=catalogue,
                           resume=True)
        assert resumed.scan.scan_id != watch.id and resumed.scan.complete
        statuses = dict(catalogue.db.execute("SELECT id, status FROM scans").fetchall())
    assert statuses == {watch.id: "watching", resumed.scan.scan_id: "complete"}
