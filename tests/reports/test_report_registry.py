"""write_reports and the REPORT_WRITERS table."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from dpscan.model.records import ScanResult
from dpscan.reports import (
    REPORT_WRITERS,
    ReportWriter,
    UnknownReportFormat,
    resolve_formats,
    write_reports,
)

ALL_FORMATS = ["json", "html", "xlsx"]


@pytest.fixture
def umask_022() -> Iterator[None]:
    """Run with the usual umask, restoring whatever was set before."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_registry_table_names_formats_and_files() -> None:
    assert {name: writer.filename for name, writer in REPORT_WRITERS.items()} == {
        "json": "findings.json",
        "html": "report.html",
        "xlsx": "report.xlsx",
        "csv": "files.csv",
    }
    for name, writer in REPORT_WRITERS.items():
        assert writer.name == name
        assert callable(writer.write)
        assert writer.description


def test_report_writer_is_frozen() -> None:
    writer = REPORT_WRITERS["json"]
    assert isinstance(writer, ReportWriter)
    with pytest.raises(dataclasses.FrozenInstanceError):
        writer.filename = "other.json"  # type: ignore[misc]


@pytest.mark.parametrize("umask", [0o022, 0o000, 0o277])
def test_write_reports_writes_private_files_in_private_dir(
    umask: int, hostile_result: ScanResult, tmp_path: Path
) -> None:
    # 0o000 would make naive files world-readable; 0o277 would make a naive
    # directory unwritable and naive files read-only: modes must be exact.
    out_dir = tmp_path / "out"
    old_umask = os.umask(umask)
    try:
        written = write_reports(hostile_result, out_dir, ALL_FORMATS)
    finally:
        os.umask(old_umask)
    assert written == [out_dir / "findings.json", out_dir / "report.html", out_dir / "report.xlsx"]
    assert mode(out_dir) == 0o700
    for path in written:
        assert path.is_file()
        assert path.stat().st_size > 0
        assert mode(path) == 0o600, path
    # Atomic writes leave nothing else behind: no temp files.
    assert sorted(os.listdir(out_dir)) == ["findings.json", "report.html", "report.xlsx"]


def test_missing_parents_are_created(
    umask_022: None, hostile_result: ScanResult, tmp_path: Path
) -> None:
    out_dir = tmp_path / "a" / "b" / "out"
    assert write_reports(hostile_result, out_dir, ["html"]) == [out_dir / "report.html"]
    assert mode(out_dir) == 0o700
    assert mode(out_dir / "report.html") == 0o600


def test_existing_out_dir_mode_is_left_alone(
    umask_022: None, hostile_result: ScanResult, tmp_path: Path
) -> None:
    out_dir = tmp_path / "shared"
    out_dir.mkdir()
    out_dir.chmod(0o750)

    write_reports(hostile_result, out_dir, ["json"])

    assert mode(out_dir) == 0o750
    assert mode(out_dir / "findings.json") == 0o600


def test_existing_reports_are_replaced_and_made_private(
    umask_022: None, hostile_result: ScanResult, tmp_path: Path
) -> None:
    old = tmp_path / "findings.json"
    old.write_text("stale")
    old.chmod(0o644)

    write_reports(hostile_result, tmp_path, ["json"])

    assert json.loads(old.read_text(encoding="utf-8")) == hostile_result.to_dict()
    assert mode(old) == 0o600


@pytest.mark.parametrize("formats", [["pdf"], ["json", "pdf"], ["html", "xlsx", "JSONX"]])
def test_unknown_format_raises_before_anything_is_written(
    formats: list[str], hostile_result: ScanResult, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"

    with pytest.raises(UnknownReportFormat) as caught:
        write_reports(hostile_result, out_dir, formats)

    assert isinstance(caught.value, ValueError)
    message = str(caught.value)
    assert repr(formats[-1]) in message
    assert "csv, html, json, xlsx" in message
    # Not even the directory: a failed call leaves no trace.
    assert not out_dir.exists()
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_leaves_existing_dir_untouched(
    hostile_result: ScanResult, tmp_path: Path
) -> None:
    with pytest.raises(UnknownReportFormat):
        write_reports(hostile_result, tmp_path, ["json", "pdf"])
    assert list(tmp_path.iterdir()) == []


def test_repeated_format_is_written_once(hostile_result: ScanResult, tmp_path: Path) -> None:
    written = write_reports(hostile_result, tmp_path, ["xlsx", "json", "xlsx"])
    assert written == [tmp_path / "report.xlsx", tmp_path / "findings.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.json", "report.xlsx"]


def test_bare_string_is_one_format_not_letters() -> None:
    assert [w.name for w in resolve_formats("json")] == ["json"]


def test_no_formats_writes_nothing_but_creates_dir(
    hostile_result: ScanResult, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    assert write_reports(hostile_result, out_dir, []) == []
    assert out_dir.is_dir()
    assert list(out_dir.iterdir()) == []


def test_out_dir_that_is_a_file_is_an_error(hostile_result: ScanResult, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(NotADirectoryError):
        write_reports(hostile_result, target, ["json"])
    assert target.read_text() == "x"


def test_empty_scan_writes_every_format(empty_result: ScanResult, tmp_path: Path) -> None:
    written = write_reports(empty_result, tmp_path, ALL_FORMATS)
    assert [p.name for p in written] == ["findings.json", "report.html", "report.xlsx"]
    assert json.loads((tmp_path / "findings.json").read_text()) == {
        "scan": empty_result.scan.to_dict(),
        "files": [],
    }
