"""The catalogue never loses what it knows: an unmounted or emptied root and an excluded
file are not deleted, an error is read again, changes between complete scans are kept,
and an empty, foreign or damaged catalogue is refused in one line."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import dpscan.scanner.catalogue as catalogue_module
import dpscan.scanner.pipeline as pipeline
from dpscan.model.config import ScanConfig
from dpscan.scanner.catalogue import Catalogue, CatalogueError
from dpscan.scanner.cli import EXIT_INCOMPLETE, main
from dpscan.scanner.cli_command import EXIT_CONFIG_ERROR
from dpscan.scanner.executors.worker import scan_entry
from dpscan.scanner.runner import report_from_catalogue, run_scan
from dpscan.scanner.watch import entry_for

NHS = "943 476 5919"


def _letter(path: Path, pupil: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"Dear parent of {pupil},\nNHS number {NHS}.\nDate of birth 02/03/2015.\n")


def _fill(share: Path) -> None:
    _letter(share / "Class 1" / "letter.txt", "Amelia Thornbury")
    _letter(share / "Class 2" / "letter.txt", "Daniel Okafor")
    (share / "Admin").mkdir(parents=True, exist_ok=True)
    (share / "Admin" / "minutes.txt").write_text("Minutes of the site meeting.\n")


def _scan(share: Path, catalogue: Catalogue, **config: object):  # type: ignore[no-untyped-def]
    return run_scan([str(share)], ScanConfig(workers=1, **config), catalogue=catalogue)  # type: ignore[arg-type]


def _current(catalogue: Catalogue) -> set[str]:
    return {r.path for r in catalogue.latest_results()}


# -- 1b: an unmounted or emptied root ---------------------------------------------------

@pytest.fixture()
def mounted_share(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs mounted at tmp_path/share (root only); unmounted at the end if still there."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    share = tmp_path / "share"
    share.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(share)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield share
    finally:
        if os.path.ismount(share):
            subprocess.run(["umount", str(share)], check=False)


def test_a_share_that_failed_to_mount_deletes_nothing(mounted_share: Path,
                                                      tmp_path: Path) -> None:
    share = mounted_share
    _fill(share)
    db = tmp_path / "cat.sqlite"
    with Catalogue.open(db) as catalogue:
        first = _scan(share, catalogue)
        assert first.scan.complete and first.scan.incomplete_reasons == []
    subprocess.run(["umount", str(share)], check=True)
    assert not any(share.iterdir())  # the mount point folder, empty

    result = CliRunner().invoke(main, ["scan", str(share), "--out", str(tmp_path / "out"),
                                       "-w", "1", "-q", "--db", str(db)])
    assert result.exit_code == EXIT_INCOMPLETE, result.output
    summary = json.loads((tmp_path / "out" / "findings.json").read_text())["scan"]
    assert summary["complete"] is False
    assert summary["incomplete_reasons"] == [f"root looks unmounted: {share}"]
    assert summary["files_deleted"] == 0 and summary["changes"] == []

    # Stray files written into the bare folder while the share was away: still not the share.
    (share / "stray.txt").write_text("written while the share was not mounted\n")
    with Catalogue.open(db) as catalogue:
        stray = _scan(share, catalogue)
        assert not stray.scan.complete
        assert stray.scan.incomplete_reasons == [f"root looks unmounted: {share}"]
        assert {"Class 1/letter.txt", "Class 2/letter.txt", "Admin/minutes.txt"} \
            <= _current(catalogue)
        assert not any(c["change"] == "resolved" for c in stray.scan.changes)


def test_a_share_mounted_below_the_root_that_failed_to_mount_deletes_nothing(
        tmp_path: Path) -> None:
    """The usual set-up: /mnt scanned, /mnt/staff a mount of its own that fails one week."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "mnt"
    staff = mnt / "staff"
    staff.mkdir(parents=True)
    (mnt / "readme.txt").write_text("Shares of the school.\n")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(staff)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        _fill(staff)
        db = tmp_path / "cat.sqlite"
        with Catalogue.open(db) as catalogue:
            first = _scan(mnt, catalogue)
            assert first.scan.complete and first.scan.incomplete_reasons == []
        subprocess.run(["umount", str(staff)], check=True)

        result = CliRunner().invoke(main, ["scan", str(mnt), "--out", str(tmp_path / "out"),
                                           "-w", "1", "-q", "--db", str(db)])
        assert result.exit_code == EXIT_INCOMPLETE, result.output
        summary = json.loads((tmp_path / "out" / "findings.json").read_text())["scan"]
        assert summary["incomplete_reasons"] == [f"share looks unmounted: {staff}"]
        assert summary["files_deleted"] == 0
        assert not any(c["change"] == "resolved" for c in summary["changes"])
        with Catalogue.open(db) as catalogue:
            assert {"staff/Class 1/letter.txt", "staff/Class 2/letter.txt"} \
                <= _current(catalogue)
        # Excluding the share says it is left out on purpose: no longer a reason.
        with Catalogue.open(db) as catalogue:
            excluded = _scan(mnt, catalogue, excludes=("staff",))
            assert excluded.scan.complete, excluded.scan.incomplete_reasons
    finally:
        if os.path.ismount(staff):
            subprocess.run(["umount", str(staff)], check=False)


def test_an_emptied_root_deletes_nothing(tmp_path: Path) -> None:
    share = tmp_path / "share"
    _fill(share)
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        _scan(share, catalogue)
        for folder in list(share.iterdir()):
            for file in folder.iterdir():
                file.unlink()
            folder.rmdir()
        emptied = _scan(share, catalogue)
        assert not emptied.scan.complete
        assert emptied.scan.incomplete_reasons == [f"root looks unmounted: {share}"]
        assert emptied.scan.files_deleted == 0
        assert catalogue.latest_scan()["status"] == "incomplete"  # ran to the end
        assert _current(catalogue) == {"Class 1/letter.txt", "Class 2/letter.txt",
                                       "Admin/minutes.txt"}


def test_a_root_recorded_as_a_mount_point_that_is_not_one_now(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    share = tmp_path / "share"
    _fill(share)
    real_ismount = os.path.ismount
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        # The first scan found the folder a mount point (as a share mounted there is).
        monkeypatch.setattr(os.path, "ismount",
                            lambda p: os.fspath(p) == str(share) or real_ismount(p))
        _scan(share, catalogue)
        monkeypatch.setattr(os.path, "ismount", real_ismount)
        # Now it is a plain folder that still holds something (left there by someone).
        (share / "Class 1" / "letter.txt").unlink()
        bare = _scan(share, catalogue)
        assert not bare.scan.complete
        assert bare.scan.incomplete_reasons == [f"root looks unmounted: {share}"]
        assert "Class 1/letter.txt" in _current(catalogue)  # not marked deleted
        rebuilt = report_from_catalogue(catalogue, None)
    assert rebuilt is not None and rebuilt.scan.incomplete_reasons == bare.scan.incomplete_reasons


# -- 1c: excluding is not deleting ----------------------------------------------------------

def test_excluded_files_are_not_deleted(tmp_path: Path) -> None:
    share = tmp_path / "share"
    _fill(share)
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        _scan(share, catalogue)
        narrowed = _scan(share, catalogue, excludes=("Class 2", "minutes.txt"))
        assert narrowed.scan.complete
        assert narrowed.scan.files_deleted == 0 and narrowed.scan.changes == []
        assert {f.path for f in narrowed.files} == {"Class 1/letter.txt"}
        # Left out of this scan, kept as last seen.
        assert "Class 2/letter.txt" in _current(catalogue)
        (share / "Class 1" / "letter.txt").unlink()
        gone = _scan(share, catalogue, excludes=("Class 2",))
        assert gone.scan.files_deleted == 1  # a file not excluded is still deleted
        assert _current(catalogue) == {"Class 2/letter.txt", "Admin/minutes.txt"}


# -- 4: errors are retried ------------------------------------------------------------------

def test_an_error_record_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    share = tmp_path / "share"
    _fill(share)
    sen = share / "Class 1" / "letter.txt"
    real_open = pipeline.open_readonly

    def refuse(path: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if path == str(sen):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        monkeypatch.setattr(pipeline, "open_readonly", refuse)
        first = _scan(share, catalogue)
        failed = next(f for f in first.files if f.path == "Class 1/letter.txt")
        assert failed.status == "error" and not failed.entities
        monkeypatch.setattr(pipeline, "open_readonly", real_open)
        second = _scan(share, catalogue)  # the file itself is unchanged
        assert second.scan.files_retried == 1
        assert second.scan.files_reused == 2
        read = next(f for f in second.files if f.path == "Class 1/letter.txt")
        assert read.status == "scanned" and "UK_NHS" in read.entities
        assert {"root": str(share), "path": "Class 1/letter.txt", "change": "new"} \
            in second.scan.changes
        third = _scan(share, catalogue)
        assert third.scan.files_retried == 0 and third.scan.files_reused == 3


# -- 7: changes are never lost --------------------------------------------------------------

def test_a_stopped_scans_changes_reach_the_next_complete_scan(tmp_path: Path) -> None:
    share = tmp_path / "share"
    _fill(share)
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        _scan(share, catalogue)
        for index in range(4):
            _letter(share / "New" / f"{index}.txt", f"Pupil {index}")
        seen: list[object] = []

        def stop_after_two_new(item: object) -> None:
            seen.append(item)
            if len(seen) == 5:  # Admin, Class 1, Class 2, then two of the new
                raise KeyboardInterrupt

        stopped = run_scan([str(share)], ScanConfig(workers=1), progress=stop_after_two_new,
                           catalogue=catalogue)
        assert not stopped.scan.complete
        # A stopped scan says why it is incomplete, as an unmounted root does.
        assert [r.split(" (")[0] for r in stopped.scan.incomplete_reasons] == [
            "stopped before the end"]
        again = _scan(share, catalogue)  # a plain rescan, not --resume
        assert again.scan.files_reused == 5
    assert sorted(c["path"] for c in again.scan.changes if c["change"] == "new") == \
        [f"New/{index}.txt" for index in range(4)]


def test_watch_recorded_changes_reach_the_next_scan(tmp_path: Path) -> None:
    share = tmp_path / "share"
    _fill(share)
    config = ScanConfig(workers=1)
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        _scan(share, catalogue)
        watch = catalogue.begin_scan([str(share)], config)
        for name in ("kept.txt", "brief.txt"):
            _letter(share / "Inbox" / name, f"Pupil {name}")
            entry = entry_for(str(share), str(share / "Inbox" / name))
            assert entry is not None
            watch.record(entry, scan_entry(entry, config), reused=False)
        # Here a moment: new then gone is no change at all.
        (share / "Inbox" / "brief.txt").unlink()
        assert watch.forget(str(share), "Inbox/brief.txt")
        (share / "Class 2" / "letter.txt").unlink()
        assert watch.forget(str(share), "Class 2/letter.txt")
        watch.finish(complete=False, summary={"watch": True}, status="watch")
        weekly = _scan(share, catalogue)
        assert weekly.scan.files_reused == 3
        later = _scan(share, catalogue)
    assert sorted((c["path"], c["change"]) for c in weekly.scan.changes) == [
        ("Class 2/letter.txt", "resolved"), ("Inbox/kept.txt", "new")]
    assert later.scan.changes == []  # reported once


def test_changes_fold_per_file() -> None:
    fold = catalogue_module._fold
    assert fold(["new"]) == "new"
    assert fold(["new", "resolved"]) is None
    assert fold(["new", "changed"]) == "new"
    assert fold(["changed", "resolved"]) == "resolved"
    assert fold(["resolved", "new"]) == "changed"
    assert fold(["changed", "changed"]) == "changed"


# -- 8: an empty, foreign or damaged catalogue is refused -----------------------------------

def test_an_empty_catalogue_file_is_refused_not_replaced(tmp_path: Path) -> None:
    db = tmp_path / "cat.sqlite"
    db.write_bytes(b"")
    with pytest.raises(CatalogueError, match="empty") as refused:
        Catalogue.open(db)
    assert str(db) in str(refused.value) and "\n" not in str(refused.value)
    assert db.stat().st_size == 0


def test_another_programs_database_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "accounts.sqlite"
    with sqlite3.connect(db) as raw:
        raw.execute("CREATE TABLE customers (name TEXT)")
        raw.execute("INSERT INTO customers VALUES ('Amelia')")
    raw.close()
    before = db.read_bytes()
    with pytest.raises(CatalogueError, match="not a dpscan catalogue"):
        Catalogue.open(db)
    assert db.read_bytes() == before
    # Another program's database that happens to set user_version, with a meta table too.
    with sqlite3.connect(db) as raw:
        raw.execute("PRAGMA user_version = 1")
        raw.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    raw.close()
    with pytest.raises(CatalogueError, match="not a dpscan catalogue"):
        Catalogue.open(db)


def test_damaged_pages_are_one_line_not_a_traceback(tmp_path: Path) -> None:
    share = tmp_path / "share"
    for index in range(60):
        _letter(share / f"{index:02d}.txt", f"Pupil {index} " + "x" * 2000)
    db = tmp_path / "cat.sqlite"
    with Catalogue.open(db) as catalogue:
        _scan(share, catalogue)
        catalogue.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    # Garbage over every page but the first (the schema): the records' pages among them.
    data[page * 2:] = bytes([0xA5]) * (len(data) - page * 2)
    db.write_bytes(bytes(data))
    with pytest.raises(CatalogueError) as failed:
        with Catalogue.open(db) as catalogue:
            list(catalogue.latest_results())
    message = str(failed.value)
    assert str(db) in message and "\n" not in message
    report = CliRunner().invoke(main, ["report", "--db", str(db), "--out", str(tmp_path / "r")])
    assert report.exit_code == EXIT_CONFIG_ERROR
    assert "Traceback" not in report.output and str(db) in report.output


def test_a_version_1_catalogue_opens_and_its_errors_are_retried(tmp_path: Path) -> None:
    share = tmp_path / "share"
    _letter(share / "letter.txt", "Amelia Thornbury")
    entry = entry_for(str(share), str(share / "letter.txt"))
    assert entry is not None
    error = scan_entry(entry, ScanConfig(workers=1))[0]
    error.status, error.error, error.entities = "error", "timed out", {}
    db = tmp_path / "old.sqlite"
    with sqlite3.connect(db, isolation_level=None) as raw:
        for statement in catalogue_module._statements(catalogue_module._SCHEMA_V1):
            raw.execute(statement)
        raw.execute("PRAGMA user_version = 1")
        raw.execute("INSERT INTO meta VALUES ('created_by', 'dpscan 0.9')")
        raw.execute("INSERT INTO scans VALUES (1, 'then', 'then', 'complete', ?, '{}')",
                    (json.dumps([str(share)]),))
        fingerprint = catalogue_module.config_fingerprint(ScanConfig(workers=1))
        raw.execute("INSERT INTO files (id, root, path, size, mtime_ns, inode, device, "
                    "fingerprint, personal, signature, first_scan, last_scan) "
                    "VALUES (1, ?, 'letter.txt', ?, ?, ?, ?, ?, 0, 'x', 1, 1)",
                    (str(share), entry.size, entry.mtime_ns, entry.inode, entry.device,
                     fingerprint))
        raw.execute("INSERT INTO records (file_id, ordinal, path, record) "
                    "VALUES (1, 0, 'letter.txt', ?)", (json.dumps(error.to_dict()),))
        raw.execute("INSERT INTO changes VALUES (1, ?, 'gone.txt', 'resolved')", (str(share),))
    raw.close()
    with Catalogue.open(db) as catalogue:
        assert catalogue.schema_version == catalogue_module.SCHEMA_VERSION
        assert [c.path for c in catalogue.changes(1)] == ["gone.txt"]
        rescanned = _scan(share, catalogue)
    assert rescanned.scan.files_retried == 1
    assert "UK_NHS" in rescanned.files[0].entities
