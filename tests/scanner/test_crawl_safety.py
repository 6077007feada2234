"""Issue 17, the crawl's part: a symlinked root is scanned (1a), a file swapped between the
crawl and the read is never followed (9), folders keep their access times (10), and a
scan never reads its own outputs, nor any dpscan report, as data (12)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dpscan.model.config import ScanConfig
from dpscan.model.ids import Flag, Status
from dpscan.model.records import FileResult, ScanResult, ScanSummary, WalkError
from dpscan.scanner.fileio import FileChangedDuringScan, open_beneath, open_readonly
from dpscan.scanner.person_search import read_again
from dpscan.scanner.sniff import DPSCAN_REPORT_PROPERTY, sniff_handle
from dpscan.scanner.walk import FileEntry, SkipList, root_target, scan_outputs, walk_root

REPO = Path(__file__).resolve().parents[2]
PUPIL = "Pupil: Amelia Jones\nNHS number: 943 476 5919\nDate of birth: 03/04/2012\n"


@pytest.fixture(scope="module")
def detector():  # noqa: ANN201 - a ContentDetector, imported lazily (spaCy)
    from dpscan.scanner.executors.worker import detector_for

    return detector_for(ScanConfig().detection)


def _files(items: list[FileEntry | WalkError]) -> list[FileEntry]:
    return [i for i in items if isinstance(i, FileEntry)]


def _share(tmp_path: Path) -> tuple[Path, Path]:
    """A real folder with a pupil list, and a symlink to it as the share's name."""
    real = tmp_path / "srv" / "staff"
    (real / "SEN").mkdir(parents=True)
    (real / "SEN" / "list.txt").write_text(PUPIL)
    link = tmp_path / "mnt-staff"
    link.symlink_to(real)
    return real, link


# --- 1a: a root that is a symlink -------------------------------------------------------


def test_a_symlinked_root_is_crawled_as_its_folder_under_the_name_given(
        tmp_path: Path) -> None:
    real, link = _share(tmp_path)
    (entry,) = _files(list(walk_root(str(link))))
    assert (entry.root, entry.relpath) == (str(link), "SEN/list.txt")  # catalogue keys stable
    assert entry.is_regular and entry.abspath == str(link / "SEN" / "list.txt")
    assert root_target(str(link)) == str(real)
    assert root_target(str(real)) is None


def test_a_symlinked_file_root_is_read_as_that_file(tmp_path: Path, detector) -> None:  # noqa: ANN001
    from dpscan.scanner.pipeline import scan_file

    real = tmp_path / "real.txt"
    real.write_text(PUPIL)
    link = tmp_path / "given.txt"
    link.symlink_to(real)
    (entry,) = _files(list(walk_root(str(link))))
    assert (entry.root, entry.relpath) == (str(tmp_path), "given.txt") and entry.is_regular
    (record,) = scan_file(entry, ScanConfig(), detector)
    assert record.status == Status.SCANNED and record.has_personal_data
    assert Flag.SPECIAL_FILE not in record.flags


def test_usb_on_a_symlinked_mountpoint_gives_the_true_verdict(tmp_path: Path) -> None:
    _real, link = _share(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "dpscan", "usb", str(link), "--out", str(tmp_path / "out"),
         "--workers", "1", "--no-db", "--format", "json"],
        cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True,
        text=True, timeout=300)
    assert "VERDICT: POLICY BREACH: 1 file with" in proc.stdout, proc.stdout + proc.stderr[-2000:]
    (record,) = json.loads((tmp_path / "out" / "findings.json").read_text())["files"]
    assert (record["root"], record["path"]) == (str(link), "SEN/list.txt")


# --- 9: swapped between the crawl and the read ------------------------------------------


def _swap_for_symlink(path: Path, target: Path) -> None:
    path.unlink()
    path.symlink_to(target)


def test_a_file_swapped_for_a_symlink_after_the_crawl_is_not_followed(
        tmp_path: Path, detector) -> None:  # noqa: ANN001
    from dpscan.scanner.pipeline import scan_file

    share, private = tmp_path / "share", tmp_path / "private.txt"
    share.mkdir()
    private.write_text(PUPIL)
    (share / "notes.txt").write_text("nothing here\n")
    (entry,) = _files(list(walk_root(str(share))))
    _swap_for_symlink(share / "notes.txt", private)
    (record,) = scan_file(entry, ScanConfig(), detector)
    assert record.status == Status.ERROR and not record.entities
    assert record.error is not None and record.error.startswith(
        "changed between listing and reading")
    assert "symbolic link" in record.error and Flag.UNREADABLE in record.flags


def test_a_file_replaced_by_another_after_the_crawl_is_an_error(
        tmp_path: Path, detector) -> None:  # noqa: ANN001
    from dpscan.scanner.pipeline import scan_file

    share = tmp_path / "share"
    share.mkdir()
    (share / "notes.txt").write_text("nothing here\n")
    (entry,) = _files(list(walk_root(str(share))))
    replacement = tmp_path / "other.txt"
    replacement.write_text(PUPIL)
    os.replace(replacement, share / "notes.txt")  # a new inode at the same path
    (record,) = scan_file(entry, ScanConfig(), detector)
    assert (record.status, record.entities) == (Status.ERROR, {})
    assert record.error == "changed between listing and reading: another file is at its path now"


def test_a_folder_swapped_for_a_symlink_is_caught_by_the_identity_check(
        tmp_path: Path, detector) -> None:  # noqa: ANN001
    from dpscan.scanner.pipeline import scan_file

    share, elsewhere = tmp_path / "share", tmp_path / "elsewhere"
    (share / "sub").mkdir(parents=True)
    elsewhere.mkdir()
    (share / "sub" / "a.txt").write_text("nothing here\n")
    (elsewhere / "a.txt").write_text(PUPIL)
    (entry,) = _files(list(walk_root(str(share))))
    (share / "sub" / "a.txt").unlink()
    (share / "sub").rmdir()
    (share / "sub").symlink_to(elsewhere)
    (record,) = scan_file(entry, ScanConfig(), detector)
    assert record.status == Status.ERROR and not record.entities


def test_open_readonly_refuses_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "target.txt").write_text("secret")
    (tmp_path / "link.txt").symlink_to(tmp_path / "target.txt")
    with pytest.raises(FileChangedDuringScan, match="symbolic link"):
        open_readonly(tmp_path / "link.txt")
    with open_readonly(tmp_path / "target.txt") as handle:
        assert handle.read() == b"secret"


def test_find_person_rescan_does_not_follow_a_swapped_in_symlink(tmp_path: Path) -> None:
    share, private = tmp_path / "share", tmp_path / "private"
    (share / "sub").mkdir(parents=True)
    private.mkdir()
    (private / "list.txt").write_text(PUPIL)
    (share / "sub" / "list.txt").write_text(PUPIL)
    record = FileResult(path="sub/list.txt", root=str(share), size=1, modified=None)
    assert "Amelia Jones" in read_again(record, ScanConfig().limits).text
    # The file itself becomes a link to a private file ...
    _swap_for_symlink(share / "sub" / "list.txt", private / "list.txt")
    with pytest.raises(FileChangedDuringScan):
        read_again(record, ScanConfig().limits)
    # ... or the folder above it becomes a link to a private folder.
    (share / "sub" / "list.txt").unlink()
    (share / "sub").rmdir()
    (share / "sub").symlink_to(private)
    with pytest.raises(FileChangedDuringScan):
        read_again(record, ScanConfig().limits)


def test_open_beneath_accepts_a_symlinked_root(tmp_path: Path) -> None:
    real, link = _share(tmp_path)
    with open_beneath(str(link), ["SEN", "list.txt"]) as handle:
        assert handle.read().decode() == PUPIL


# --- 10: folders keep their access times -------------------------------------------------


def test_the_crawl_leaves_folders_access_times_as_they_were(tmp_path: Path) -> None:
    share = tmp_path / "share"
    (share / "a" / "b").mkdir(parents=True)
    (share / "a" / "b" / "f.txt").write_text("x")
    # Far in the past, so even relatime would update it on a plain read.
    old = 1_000_000_000
    folders = [share, share / "a", share / "a" / "b"]
    for folder in folders:
        os.utime(folder, (old, folder.stat().st_mtime))
    assert len(_files(list(walk_root(str(share))))) == 1
    assert [int(folder.stat().st_atime) for folder in folders] == [old] * len(folders)


# --- 12: outputs are never inputs ---------------------------------------------------------


def test_the_scan_s_own_outputs_are_never_listed(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    share = tmp_path / "share"
    (share / "reports").mkdir(parents=True)
    (share / "reports" / "findings.json").write_text("{}")
    (share / "data.txt").write_text("x")
    (share / "dpscan.db").write_bytes(b"SQLite format 3\0")
    (share / "index.key").write_bytes(b"k" * 32)
    monkeypatch.chdir(share)  # --out given relative to the current folder
    outputs = scan_outputs(out="reports", catalogue=share / "dpscan.db",
                           key=share / "index.key")
    # The catalogue's journal appears after the skip list is made: skipped all the same.
    (share / "dpscan.db-wal").write_bytes(b"wal")
    listed = [e.relpath for e in _files(list(walk_root(str(share), skip=outputs)))]
    assert listed == ["data.txt"]
    assert ScanConfig(skip_paths=outputs).skip_paths == outputs
    # watch hears of single paths: the same list answers for them.
    skipped = SkipList.of(outputs)
    assert skipped.holds_path(str(share / "reports" / "findings.json"))
    assert skipped.holds_path(str(share / "dpscan.db-shm"))  # not there yet
    assert not skipped.holds_path(str(share / "data.txt"))


def _result() -> ScanResult:
    record = FileResult(path="a.txt", root="/share", size=10, modified=None)
    summary = ScanSummary(tool="dpscan", version="0.1.0", started="2026-01-01T00:00:00+00:00",
                          finished="2026-01-01T00:00:01+00:00", roots=["/share"],
                          settings={"max_file_bytes": 2147483648})
    return ScanResult(scan=summary, files=[record])


def _dpscan_reports() -> dict[str, bytes]:
    import xlsxwriter

    from dpscan.reports.csv_report import render_csv
    from dpscan.reports.html_report import render_html
    from dpscan.reports.json_report import render_json

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_custom_property(DPSCAN_REPORT_PROPERTY, "0.1.0")
    workbook.add_worksheet("Summary").write(0, 0, "Personal data scan")
    workbook.close()
    return {"findings.json": render_json(_result()), "report.html": render_html(_result())
            .encode(), "files.csv": render_csv(_result()), "report.xlsx": buffer.getvalue()}


@pytest.mark.parametrize("name", ["findings.json", "report.html", "files.csv", "report.xlsx"])
def test_a_dpscan_report_is_recognised(name: str) -> None:
    data = _dpscan_reports()[name]
    sniffed = sniff_handle(io.BytesIO(data), name, len(data))
    assert sniffed.dpscan_report
    assert not sniffed.extension_mismatch
    assert sniffed.mime != "application/octet-stream"  # still its real type, so it is read


@pytest.mark.parametrize("data", [
    b'{"scan": {"tool": "other", "max": 2147483648}}',
    b"path,size\nreport.txt,3\n",
    b"<!DOCTYPE html><html><head><title>dpscan</title></head></html>",
])
def test_look_alikes_are_not_dpscan_reports(data: bytes) -> None:
    assert not sniff_handle(io.BytesIO(data), "x", len(data)).dpscan_report


def test_a_copied_findings_json_is_flagged_and_its_settings_are_not_identifiers(
        tmp_path: Path, detector) -> None:  # noqa: ANN001
    from dpscan.scanner.pipeline import scan_file

    copy = tmp_path / "old scan" / "findings.json"
    copy.parent.mkdir()
    copy.write_bytes(_dpscan_reports()["findings.json"])
    (entry,) = _files(list(walk_root(str(tmp_path))))
    (record,) = scan_file(entry, ScanConfig(), detector)
    assert record.status == Status.SCANNED
    assert Flag.DPSCAN_REPORT in record.flags
    assert "UK_NHS" not in record.entities  # 2147483648, the byte limit, passes the checksum


def test_a_file_made_to_look_like_a_report_is_still_read(tmp_path: Path, detector) -> None:  # noqa: ANN001
    """Recognising a report must not become a way to hide a pupil list from the scan."""
    from dpscan.scanner.pipeline import scan_file

    disguised = tmp_path / "notes.json"
    disguised.write_text('{"scan": {"tool": "dpscan"}, "pupils": [{"name": "Amelia Jones", '
                         '"nhs_number": "943 476 5919", "email": "amelia.jones@example.com"}]}')
    (entry,) = _files(list(walk_root(str(tmp_path))))
    (record,) = scan_file(entry, ScanConfig(), detector)
    assert Flag.DPSCAN_REPORT in record.flags
    assert {"UK_NHS", "EMAIL_ADDRESS"} <= set(record.entities)


def test_every_report_dpscan_writes_is_recognised(tmp_path: Path) -> None:
    """The real writers, not a look-alike: each report file is known by its content."""
    from dpscan.reports import write_reports

    written = write_reports(_result(), tmp_path / "out", ("json", "html", "xlsx", "csv"))
    assert len(written) == 4
    for path in written:
        data = path.read_bytes()
        assert sniff_handle(io.BytesIO(data), path.name, len(data)).dpscan_report, path.name
