"""On a large scan the workbook is written by a process of its own, beside the other reports
(issue 20): the same workbook as written alone; its errors reach the caller; a stop leaves no
half-written file."""

from __future__ import annotations

import concurrent.futures
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import dpscan.reports as reports
from dpscan.model.ids import Protection
from dpscan.model.records import FileResult, ScanResult, ScanSummary
from dpscan.reports import OWN_PROCESS_MIN_RECORDS, write_reports
from dpscan.scanner.record_store import RecordStore

COUNT = OWN_PROCESS_MIN_RECORDS + 10


def _fill(store: RecordStore) -> ScanResult:
    for number in range(COUNT):
        personal = number % 3 == 0
        store.add(FileResult(
            root="/share", path=f"Year {number % 7}/pupil {number:05d}.txt", size=number,
            modified="2024-01-02T03:04:05+00:00", mime="text/plain", status="scanned",
            protection=Protection.NONE, entities={"PERSON": 2, "UK_UPN": 1} if personal else {},
            data_subjects=2 if personal else 0, severity="high" if personal else None,
            special_categories=["health"] if number % 9 == 0 else []))
    summary = ScanSummary(tool="dpscan", version="test", started="2024-01-01T00:00:00+00:00",
                          finished="2024-01-01T00:10:00+00:00", roots=["/share"], settings={})
    return ScanResult(scan=summary, files=store)


def _cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


@pytest.fixture
def submitted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The report names handed to another process."""
    names: list[str] = []
    original = concurrent.futures.ProcessPoolExecutor.submit

    def spy(self: Any, function: Any, *args: Any, **kwargs: Any) -> Any:
        names.append(args[0])
        return original(self, function, *args, **kwargs)

    monkeypatch.setattr(concurrent.futures.ProcessPoolExecutor, "submit", spy)
    return names


def test_the_workbook_written_apart_is_the_workbook(tmp_path: Path, submitted: list[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: every report is written in this process")
    with RecordStore() as store:
        result = _fill(store)
        written = write_reports(result, tmp_path / "apart", ["json", "xlsx", "csv"])
        assert submitted == ["xlsx"]
        monkeypatch.setattr(reports, "OWN_PROCESS_MIN_RECORDS", COUNT + 1)
        write_reports(result, tmp_path / "alone", ["json", "xlsx"])
        assert submitted == ["xlsx"]  # below the size it is not worth a process
    assert [p.name for p in written] == ["findings.json", "report.xlsx", "files.csv"]
    assert _cells(tmp_path / "apart" / "report.xlsx") == _cells(tmp_path / "alone" / "report.xlsx")
    assert (tmp_path / "apart" / "report.xlsx").stat().st_mode & 0o777 == 0o600


def test_the_childs_error_reaches_the_caller(tmp_path: Path) -> None:
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: every report is written in this process")
    out = tmp_path / "out"
    (out / "report.xlsx").mkdir(parents=True)  # nothing can be written there
    with RecordStore() as store, pytest.raises(OSError) as raised:
        write_reports(_fill(store), out, ["json", "xlsx"])
    assert raised.value.filename is not None and "report.xlsx" in str(raised.value.filename)


def test_a_stop_ends_the_child_and_leaves_no_partial_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: every report is written in this process")

    def stopped(result: ScanResult, path: Path) -> None:
        raise KeyboardInterrupt  # Ctrl-C while this process writes findings.json

    monkeypatch.setitem(reports.REPORT_WRITERS, "json", reports.ReportWriter(
        name="json", filename="findings.json", write=stopped, description="stops"))
    out = tmp_path / "out"
    with RecordStore() as store, pytest.raises(KeyboardInterrupt):
        write_reports(_fill(store), out, ["json", "xlsx"])
    assert sorted(p.name for p in out.iterdir()) in ([], ["report.xlsx"])
