"""findings.json and files.csv are written record by record from any re-iterable source of
records (issue 20): the same bytes as building them whole, without a list or len()."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from dpscan.model.records import FileResult, ScanResult, ScanSummary
from dpscan.model.views import RecordView
from dpscan.reports.csv_report import render_csv, write_csv
from dpscan.reports.json_report import render_json, write_json


class Stream:
    """Records produced afresh on each pass, as a catalogue query gives them; no len()."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.passes = 0

    def __iter__(self) -> Iterator[FileResult]:
        self.passes += 1
        for number in range(self.count):
            yield FileResult(root="/share", path=f"Staff/pupil {number}.txt", size=number,
                             modified="2024-01-02T03:04:05+00:00", mime="text/plain",
                             status="scanned", entities={"PERSON": 1, "UK_UPN": number % 3},
                             special_categories=["health"] if number % 2 else [],
                             data_subjects=1)

    def __len__(self) -> int:
        raise AssertionError("a streaming writer must not ask for the number of records")

    def view(self, view: RecordView) -> Iterator[FileResult]:
        raise AssertionError("findings.json and files.csv need no sorted list")

    def lookup(self, root: str, path: str) -> FileResult | None:
        raise AssertionError("findings.json and files.csv look nothing up")

    def entity_types(self) -> set[str]:
        # As a store answers it: kept while records were added, no reading.
        return {"PERSON", "UK_UPN"} if self.count else set()

    def opener(self) -> None:
        return None  # produced in this process only


def _result(files: Any) -> ScanResult:
    summary = ScanSummary(tool="dpscan", version="test", started="2024-01-01T00:00:00+00:00",
                          finished=None, roots=["/share"], settings={})
    return ScanResult(scan=summary, files=cast(list[FileResult], files))


def test_findings_json_streams_the_same_document(tmp_path: Path) -> None:
    stream = Stream(1_000)
    write_json(_result(stream), tmp_path / "findings.json")
    written = (tmp_path / "findings.json").read_bytes()
    whole = _result(list(iter(Stream(1_000))))
    expected = (json.dumps(whole.to_dict(), indent=2, ensure_ascii=False) + "\n").encode()
    assert written == expected and stream.passes == 1
    assert render_json(_result(Stream(0))) == (
        json.dumps(_result([]).to_dict(), indent=2) + "\n").encode()


def test_files_csv_streams_in_one_pass(tmp_path: Path) -> None:
    stream = Stream(1_000)
    write_csv(_result(stream), tmp_path / "files.csv")
    assert (tmp_path / "files.csv").read_bytes() == render_csv(_result(list(iter(Stream(1_000)))))
    assert stream.passes == 1  # the entity columns come from the store, not a reading
    assert (tmp_path / "files.csv").stat().st_mode & 0o777 == 0o600
