"""Overlapping scans end to end (issue 18): a share scanned whole, one folder of it scanned
and watched with the same catalogue, a file deleted and the share scanned again.  Each file
is in the catalogue once, the deleted one is gone, a watch session leaves the catalogue
complete, and `report --db` judges with the register the scan used without being told."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpscan.model.config import ScanConfig
from dpscan.scanner.catalogue import Catalogue
from dpscan.scanner.cli import main
from dpscan.scanner.watch import watch_paths
from tests.test_containers_governance_e2e import _register_rows, _xlsx_bytes

AMELIA = ("Amelia Thornbury", "02/03/2015")
DANIEL = ("Daniel Okafor", "14/11/2014")


def _letter(path: Path, pupil: tuple[str, str], extra: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"Dear parent of {pupil[0]},\nDate of birth: {pupil[1]}\n"
                    f"NHS number 943 476 5919.\n{extra}Yours sincerely, Mrs Patel\n")


@pytest.fixture()
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    (root / "office").mkdir(parents=True)
    (root / "office" / "minutes.txt").write_text("Minutes of the site meeting.\n")
    _letter(root / "office" / "admissions.txt", DANIEL)
    _letter(root / "school" / "Year 7" / "letter.txt", AMELIA)
    _letter(root / "school" / "Year 7" / "report.txt", AMELIA, "Amelia has worked hard.\n")
    _letter(root / "school" / "Year 8" / "letter.txt", DANIEL)
    _letter(root / "school" / "Year 8" / "old list.txt", AMELIA, f"{DANIEL[0]}\n")
    return root


def _register(path: Path) -> Path:
    path.write_text("Ref,Information Asset,IAO,Where stored,Special?\n"
                    "A1,Pupil letters,Office manager,**/Year */**,no\n")
    return path


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _scan(path: Path, db: Path, out: Path, *extra: str) -> None:
    code, output = _cli("scan", str(path), "--out", str(out), "-w", "1", "-q", "--format",
                        "json", "--db", str(db), *extra)
    assert code == 0, output


def _report(db: Path, out: Path, *extra: str) -> tuple[int, str, dict]:
    code, output = _cli("report", "--db", str(db), "--out", str(out), "--format", "json",
                        *extra)
    return code, output, json.loads((out / "findings.json").read_text())


def _absolute(record: dict) -> str:
    return f"{record['root'].rstrip('/')}/{record['path']}"


def _watch_until(db: Path, folder: Path, recorded: Path) -> None:
    """Watch ``folder`` (a real watch session, in a thread of its own) until ``recorded``
    is in the catalogue, then stop it."""
    stop = threading.Event()

    def watch() -> None:
        with Catalogue.open(db) as catalogue:
            watch_paths([str(folder)], ScanConfig(workers=1), catalogue, None,
                        settle_seconds=0.3, stop=stop.is_set)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        time.sleep(1.0)
        _letter(recorded, ("Oliver Brennan", "01/09/2015"))
        deadline = time.monotonic() + 60
        with Catalogue.open(db) as catalogue:
            while time.monotonic() < deadline:
                if any(_absolute({"root": r.root, "path": r.path}) == str(recorded)
                       for r in catalogue.latest_results()):
                    break
                time.sleep(0.3)
            else:
                pytest.fail("the watch session did not record the new letter")
    finally:
        stop.set()
        watcher.join(timeout=30)


def test_overlapping_scans_a_watch_and_a_deletion(share: Path, tmp_path: Path) -> None:
    """The issue's whole story: an old attendance zip and a pupil list no rule covers, in a
    share scanned whole and in part, watched, with a file deleted in between."""
    db, register = tmp_path / "cat.sqlite", _register(tmp_path / "register.csv")
    school = share / "school"
    attendance = share / "office" / "Attendance 2012-13.zip"
    with zipfile.ZipFile(attendance, "w") as archive:
        archive.writestr("Autumn/Register.xlsx", _xlsx_bytes(_register_rows()))
    old = dt.datetime(2013, 9, 1).timestamp()
    os.utime(attendance, (old, old))
    entries = share / "office" / "Exams" / "2015" / "Entries summer 2015.xlsx"
    entries.parent.mkdir(parents=True)
    entries.write_bytes(_xlsx_bytes([row[:4] for row in _register_rows()]))
    _scan(share, db, tmp_path / "o1", "--register", str(register))
    _scan(school, db, tmp_path / "o2", "--register", str(register))
    new_letter = school / "Year 9" / "new letter.txt"
    _watch_until(db, school, new_letter)

    # The watch session is not a scan: the catalogue is as complete as the last scan was.
    code, output, after_watch = _report(db, tmp_path / "r1")
    assert code == 0, output
    assert after_watch["scan"]["complete"] and "INCOMPLETE" not in output
    assert str(new_letter) in {_absolute(f) for f in after_watch["files"]}

    deleted = school / "Year 8" / "old list.txt"
    deleted.unlink()
    _scan(share, db, tmp_path / "o3", "--register", str(register))

    code, output, findings = _report(db, tmp_path / "r2")
    assert code == 0, output
    on_disk = sorted(str(p) for p in share.rglob("*") if p.is_file())
    listed = [_absolute(f) for f in findings["files"] if f["container"] is None]
    assert sorted(listed) == on_disk  # each file once, the deleted one gone
    assert findings["scan"]["files_seen"] == len(on_disk) + 1  # and the zip's one member
    # Records with personal data of their own: every file but the minutes and the zip,
    # and the zip's member.
    assert findings["scan"]["files_with_personal_data"] == len(on_disk) - 2 + 1
    by_path = {_absolute(f): f for f in findings["files"]}
    # The container is judged with what it holds: overdue, with a severity.
    zipped = by_path[str(attendance)]
    assert zipped["retention_rule"] == "attendance-registers"
    assert "overdue" in zipped["flags"] and zipped["severity"] is not None
    # The pupil list no rule covers says so.
    unclassified = by_path[str(entries)]
    assert "no_retention_rule" in unclassified["flags"]
    assert unclassified["action"] == "classify"
    # Every file shown from the widest root that reached it: one view of the share.
    assert {f["root"] for f in findings["files"]} == {str(share)}
    # The register the scans used, without --register given again, and said so.
    assert findings["scan"]["rules"]["register_file"] == str(register)
    assert {a["asset_id"] for a in findings["scan"]["assets"]} == {"A1"}
    assert f"register: {register} (as scan" in output
    assert findings["scan"]["rules"]["context"].startswith("rules: the shipped rules")

    code, output = _cli("find-person", "--name", AMELIA[0], "--dob", AMELIA[1], "--db",
                        str(db), "--out", str(tmp_path / "person"))
    assert code == 0, output
    person = json.loads((tmp_path / "person" / "person.json").read_text())
    found = [_absolute(f) for f in person["files"]]
    assert sorted(found) == sorted(str(school / "Year 7" / name)
                                   for name in ("letter.txt", "report.txt"))


def test_a_subfolder_scan_updates_the_same_entries(share: Path, tmp_path: Path) -> None:
    db = tmp_path / "cat.sqlite"
    _scan(share, db, tmp_path / "o1")
    with Catalogue.open(db) as catalogue:
        rows_before = catalogue.db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    _letter(share / "school" / "Year 7" / "letter.txt", AMELIA, "A changed letter.\n")
    _scan(share / "school", db, tmp_path / "o2")
    with Catalogue.open(db) as catalogue:
        rows = catalogue.db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
        assert rows == rows_before == 6
        changed = [r for r in catalogue.latest_results() if r.path.endswith("Year 7/letter.txt")]
    assert [(r.root, r.path) for r in changed] == [(str(share), "school/Year 7/letter.txt")]
    # The subfolder scan's own report shows the files from its own root.
    sub = json.loads((tmp_path / "o2" / "findings.json").read_text())
    assert {f["path"] for f in sub["files"]} == {"Year 7/letter.txt", "Year 7/report.txt",
                                                 "Year 8/letter.txt", "Year 8/old list.txt"}
    assert {f["root"] for f in sub["files"]} == {str(share / "school")}


def test_a_parent_scan_marks_deletions_a_subfolder_scan_recorded(tmp_path: Path) -> None:
    share = tmp_path / "share"
    _letter(share / "school" / "a.txt", AMELIA)
    _letter(share / "b.txt", DANIEL)
    db = tmp_path / "cat.sqlite"
    # Only the subfolder scan ever saw a.txt: its row was recorded from /share/school.
    _scan(share / "school", db, tmp_path / "o1")
    _scan(share, db, tmp_path / "o2")
    (share / "school" / "a.txt").unlink()
    _scan(share, db, tmp_path / "o3")
    code, output, findings = _report(db, tmp_path / "r")
    assert code == 0, output
    assert [_absolute(f) for f in findings["files"]] == [str(share / "b.txt")]
    assert findings["scan"]["files_deleted"] == 1


def test_report_uses_the_last_scans_context_and_says_when_it_changed(share: Path,
                                                                    tmp_path: Path) -> None:
    db, register = tmp_path / "cat.sqlite", _register(tmp_path / "register.csv")
    _scan(share, db, tmp_path / "o", "--register", str(register), "--public-location",
          "office/**", "--as-of", "2026-07-31")
    code, output, findings = _report(db, tmp_path / "r1")
    assert code == 0, output
    assert findings["scan"]["as_of"] == "2026-07-31"
    assert findings["scan"]["rules"]["register_file"] == str(register)
    admissions = next(f for f in findings["files"] if f["path"] == "office/admissions.txt")
    assert "public_location" in admissions["flags"]
    context = findings["scan"]["rules"]["context"]
    assert "public locations besides the defaults: office/**" in context
    # Given again, an option wins over what the scan used.
    code, output, findings = _report(db, tmp_path / "r2", "--as-of", "2030-01-01")
    assert findings["scan"]["as_of"] == "2030-01-01" and "as of: 2030-01-01 (given)" in output
    # A register changed since the scan is used as it is now, and said.
    register.write_text(register.read_text() + "A2,Minutes,Clerk,office/**,no\n")
    code, output, findings = _report(db, tmp_path / "r3")
    assert code == 0 and "has changed since scan" in output
    assert {a["asset_id"] for a in findings["scan"]["assets"]} == {"A1", "A2"}
    # A register gone: no register, and said (in the output and in the report).
    register.unlink()
    code, output, findings = _report(db, tmp_path / "r4")
    assert code == 0 and "no longer exists" in output
    assert "register_file" not in findings["scan"]["rules"] and not findings["scan"]["assets"]
    assert "no longer exists" in findings["scan"]["rules"]["context_warnings"]


def test_review_takes_the_path_as_the_report_shows_it(share: Path, tmp_path: Path) -> None:
    db = tmp_path / "cat.sqlite"
    _scan(share, db, tmp_path / "o1")
    letter = share / "school" / "Year 7" / "letter.txt"
    # As the report of the scan of /share shows it: relative to its root.
    code, output = _cli("review", "school/Year 7/letter.txt", "--status", "false_positive",
                        "--reason", "sample letter", "--db", str(db))
    assert code == 0, output
    assert str(letter) in output
    # As a scan of the subfolder shows it, with its root; and in full.
    code, output = _cli("review", "Year 7/report.txt", "--root", str(share / "school"),
                        "--status", "accepted", "--reason", "kept in a locked folder",
                        "--db", str(db))
    assert code == 0 and str(share / "school" / "Year 7" / "report.txt") in output
    code, output = _cli("review", str(share / "office" / "admissions.txt"), "--status",
                        "accepted", "--reason", "office only", "--db", str(db))
    assert code == 0 and str(share / "office" / "admissions.txt") in output
    # Under a root that does not hold it: the message names the path.
    code, output = _cli("review", "Year 8/letter.txt", "--root", str(share), "--status",
                        "accepted", "--reason", "x", "--db", str(db))
    assert code == 2 and "Year 8/letter.txt" in output and "not in the catalogue" in output
    code, output = _cli("review", "nowhere.txt", "--status", "accepted", "--reason", "x",
                        "--db", str(db))
    assert code == 2 and "nowhere.txt" in output and "not in the catalogue" in output

    # A review follows the file: a later scan of the subfolder keeps applying it.
    _scan(share / "school", db, tmp_path / "o2")
    sub = json.loads((tmp_path / "o2" / "findings.json").read_text())
    reviewed = {f["path"]: f["review"] for f in sub["files"]}
    assert reviewed["Year 7/letter.txt"]["status"] == "false_positive"

    # --list says which reviews still hold: a changed file's review has lapsed.
    _letter(letter, AMELIA, "A new paragraph.\n")
    _scan(share, db, tmp_path / "o3")
    code, output = _cli("review", "--list", "--db", str(db))
    lines = {line.split("\t")[4]: line.split("\t")[1] for line in output.splitlines()}
    assert lines[str(letter)].startswith("lapsed")
    assert lines[str(share / "office" / "admissions.txt")] == "holds"

    code, output = _cli("review", "school/Year 7/letter.txt", "--clear", "--db", str(db))
    assert code == 0 and output.strip() == f"review removed: {letter}"
    code, output = _cli("review", "school/Year 7/letter.txt", "--clear", "--db", str(db))
    assert code == 0 and output.strip() == f"no review of {letter} to remove"


def test_review_names_every_file_a_relative_path_may_be(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _letter(first / "letter.txt", AMELIA)
    _letter(second / "letter.txt", DANIEL)
    db = tmp_path / "cat.sqlite"
    _scan(first, db, tmp_path / "o1")
    _scan(second, db, tmp_path / "o2")
    code, output = _cli("review", "letter.txt", "--status", "accepted", "--reason", "x",
                        "--db", str(db))
    assert code == 2
    assert str(first / "letter.txt") in output and str(second / "letter.txt") in output
    assert "--root" in output
