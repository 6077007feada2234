"""One thing is "1 file", never "1 files": the wording helper, and the lines built with it
(the progress log line, an archive's members over the limit, the report's file count)."""

from __future__ import annotations

import io
import logging
import zipfile

import pytest

from dpscan.model.extraction import Limits
from dpscan.model.ids import Status
from dpscan.model.records import FileResult, ScanResult, ScanSummary
from dpscan.model.wording import counted, plural
from dpscan.reports.html_report import render_html
from dpscan.scanner.extract.archive import extract_zip
from dpscan.scanner.progress import make_progress


@pytest.mark.parametrize(("count", "words"), [
    (0, "0 files"), (1, "1 file"), (2, "2 files"), (1_048_576, "1048576 files"),
])
def test_counted_files(count: int, words: str) -> None:
    assert counted(count, "file") == words


def test_irregular_plurals_and_grouped_numbers() -> None:
    assert counted(1, "person", "people") == "1 person"
    assert counted(3, "person", "people") == "3 people"
    assert counted(1234, "more row", grouped=True) == "1,234 more rows"
    assert plural(1, "rule") == "rule" and plural(2, "rule") == "rules"


def test_the_progress_line_of_one_file(caplog: pytest.LogCaptureFixture,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)  # plain log lines, as under cron
    record = FileResult(path="a.txt", root="/share", status=Status.ERROR)
    with caplog.at_level(logging.INFO, logger="dpscan"), make_progress() as progress:
        progress(record)
    assert "done: 1 file, 0 with personal data, 1 error" in caplog.text


def test_one_member_over_the_limit() -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for index in range(3):
            archive.writestr(f"pupil{index}.txt", "x")
    extracted = extract_zip(data, Limits(max_members=2))
    assert extracted.members[-1].name == "(1 more member not listed)"


def test_the_report_counts_one_file() -> None:
    record = FileResult(path="list.csv", root="/share", status=Status.SCANNED,
                        entities={"PERSON": 1}, data_subjects=1)
    summary = ScanSummary(tool="dpscan", version="test", started="2026-01-05T10:00:00+00:00",
                          finished="2026-01-05T10:01:00+00:00", roots=["/share"],
                          files_seen=1, files_scanned=1, files_with_personal_data=1)
    page = render_html(ScanResult(scan=summary, files=[record]))
    assert '<strong>1 file</strong>' in page
