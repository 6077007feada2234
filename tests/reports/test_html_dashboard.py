"""report.html is a bounded dashboard: top files per action group, per-folder summary, and
a page that stays under 5 MB however many files the scan holds (issue 20)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from dpscan.model.ids import Flag, Protection, Status
from dpscan.model.records import Evidence, FileResult, ScanResult, ScanSummary
from dpscan.reports.advice import advice_for
from dpscan.reports.dashboard import (
    FOLDER_LIMIT,
    TOP_FILES,
    TopN,
    build_dashboard,
    folder_of,
)
from dpscan.reports.html_report import HTML_SIZE_LIMIT, render_html

RECORDS = 50_000
ROOT = "/srv/staff"
HOSTILE = "<script>alert(1)</script>"


def _record(index: int) -> FileResult:
    """A realistic mix: a third with personal data, a fifth of those with special category
    data, some overdue, most unprotected, spread over 300 staff folders of 3 subfolders."""
    path = f"Staff/teacher{index % 300:03d}/year{index % 3}/notes {index}.docx"
    record = FileResult(path=path, root=ROOT, size=1000, modified="2019-05-01T10:00:00+00:00",
                        mime="text/plain", status=Status.SCANNED, protection=Protection.NONE)
    if index % 5000 == 7:  # a hostile name among the most urgent files
        record.path = f"Staff/{HOSTILE}/{HOSTILE} {index}.txt"
        record.entities = {"PERSON": 50}
        record.data_subjects = 50
        record.special_categories = ["health"]
        record.flags = [Flag.SPECIAL_CATEGORY_UNPROTECTED]
        record.severity = "critical"
        return record
    if index % 3:
        return record  # no personal data
    people = index % 40 + 1
    record.entities = {"PERSON": people, "EMAIL_ADDRESS": 1}
    record.evidence = [Evidence("PERSON", "J*** S****", 0.9)]
    record.data_subjects = people
    record.flags = [Flag.UNPROTECTED_PERSONAL_DATA]
    record.severity = "low"
    record.severity_reasons = [f"{people} people", "not encrypted"]
    if index % 15 == 0:
        record.special_categories = ["health"]
        record.flags.insert(0, Flag.SPECIAL_CATEGORY_UNPROTECTED)
        record.severity = "critical"
    if index % 7 == 0:
        record.flags.append(Flag.OVERDUE)
        record.retention_rule = "staff-records"
        record.retention_due = "2020-01-01"
        record.severity = record.severity if record.severity == "critical" else "medium"
    if index % 11 == 0:
        record.protection = Protection.ENCRYPTED
        record.flags.remove(Flag.UNPROTECTED_PERSONAL_DATA)
        if Flag.SPECIAL_CATEGORY_UNPROTECTED in record.flags:
            record.flags.remove(Flag.SPECIAL_CATEGORY_UNPROTECTED)
    return record


def _large_result(count: int = RECORDS) -> ScanResult:
    scan = ScanSummary(tool="dpscan", version="test", started="2026-01-01T00:00:00+00:00",
                       finished="2026-01-01T01:00:00+00:00", roots=[ROOT], files_seen=count,
                       files_scanned=count)
    return ScanResult(scan=scan, files=[_record(index) for index in range(count)])


class OnePass:
    """An iterable that can be read once, like rows streamed from the catalogue."""

    def __init__(self, records: list[FileResult]) -> None:
        self._records = records
        self.reads = 0

    def __iter__(self) -> Iterator[FileResult]:
        self.reads += 1
        if self.reads > 1:
            raise AssertionError("the records were read twice")
        return iter(self._records)


@pytest.fixture(scope="module")
def large() -> ScanResult:
    return _large_result()


@pytest.fixture(scope="module")
def large_page(large: ScanResult) -> str:
    started = time.perf_counter()
    page = render_html(large)
    print(f"\n50k records: {len(page.encode())} bytes in {time.perf_counter() - started:.1f} s")
    return page


def _section(page: str, anchor: str) -> str:
    start = page.index(f'<h2 id="{anchor}">')
    end = page.find("<h2 ", start + 1)
    return page[start:end]


def test_large_report_stays_small_and_lists_the_top_actions(
    large: ScanResult, large_page: str
) -> None:
    assert len(large_page.encode("utf-8")) < HTML_SIZE_LIMIT
    actions = _section(large_page, "actions")
    special = [r for r in large.files if Flag.SPECIAL_CATEGORY_UNPROTECTED in r.flags]
    group = actions[actions.index('id="action-special_category_unprotected"'):]
    group = group[: group.index("</details>\n")]
    # The most urgent files: critical, most people first.
    rows = re.findall(r'<tr data-severity="(\w+)"', group)
    assert rows == ["critical"] * TOP_FILES
    most_people = max(r.data_subjects for r in special)
    numbers = re.findall(r'<td class="num">(\d+)</td>', group)  # (#, people) of each row
    assert numbers[:2] == ["1", str(most_people)]
    assert f"{len(special) - TOP_FILES} more files: see report.xlsx (Action list), files.csv " \
           "and findings.json." in group
    # One advice text per group, not per row.
    advice = advice_for(Flag.UNPROTECTED_PERSONAL_DATA)
    assert actions.count(advice) == 1
    overdue = sum(Flag.OVERDUE in r.flags for r in large.files)
    assert re.search(rf'<strong>{overdue} files</strong>', actions)
    # Full lists are gone: no page lists every file.
    assert large_page.count("notes ") < 20 * TOP_FILES


def test_large_report_folder_table(large: ScanResult, large_page: str) -> None:
    folders = _section(large_page, "folders")
    rows = re.findall(r"<tr>\s*<td class=\"path mono\"", folders)
    assert len(rows) == FOLDER_LIMIT
    distinct = {(r.root, folder_of(r)) for r in large.files}
    assert len(distinct) > FOLDER_LIMIT
    assert f"{len(distinct) - FOLDER_LIMIT} more folders" in folders
    assert "sortable" in folders and 'data-sort="num"' in folders
    # Most urgent first: the first folder has a critical file.
    first = folders[folders.index("<tbody>"):]
    first = first[: first.index("</tr>")]
    assert '<span class="sev critical">critical</span>' in first


def test_large_report_escapes_hostile_names(large_page: str) -> None:
    assert "<script>alert" not in large_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in large_page
    assert large_page.count("<script") <= 1  # the page's own sort script only


def test_large_report_page_parses(large_page: str) -> None:
    parser = HTMLParser()
    parser.feed(large_page)
    parser.close()


def test_folder_counts_and_depth() -> None:
    records = [
        FileResult(path="Staff/Smith/2020/Lists/pupils.csv", root=ROOT,
                   entities={"PERSON": 3}, severity="high", special_categories=["sen"],
                   flags=[Flag.OVERDUE], protection=Protection.NONE),
        FileResult(path="Staff/Smith/notes.txt", root=ROOT, entities={"PERSON": 1},
                   severity="low", protection=Protection.ENCRYPTED),
        FileResult(path="Staff/Smith/old.zip!inner/list.csv", root=ROOT,
                   container="Staff/Smith/old.zip", entities={"PERSON": 1}, severity="medium",
                   review={"status": "accepted"}),
        FileResult(path="top.txt", root=ROOT),
    ]
    scan = ScanSummary(tool="dpscan", version="t", started="s", finished=None, roots=[ROOT])
    board = build_dashboard(OnePass(records), scan)
    by_folder = {row.folder: row for row in board.folders}
    smith = by_folder["Staff/Smith"]
    assert (smith.files, smith.personal_data, smith.special_category, smith.overdue,
            smith.unprotected, smith.highest_severity) == (3, 2, 1, 1, 1, "high")
    assert by_folder[""].files == 1
    assert [row.folder for row in board.folders] == ["Staff/Smith", ""]


def test_dashboard_reads_the_records_once(large: ScanResult) -> None:
    stream = OnePass(large.files)
    board = build_dashboard(stream, large.scan)
    assert stream.reads == 1
    assert board.files_total == RECORDS
    assert board.totals.files_with_findings == sum(bool(r.entities) for r in large.files)


def test_top_n_keeps_the_smallest_in_order() -> None:
    top: TopN[str] = TopN(3)
    for key, item in [(5, "e"), (1, "a"), (3, "c"), (1, "a2"), (4, "d"), (0, "z")]:
        top.add((key,), item)
    assert top.items() == ["z", "a", "a2"]
    assert top.total == 6


def test_size_guard_lists_fewer_rows_for_very_long_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = _large_result(3000)
    for record in result.files:
        record.path = f"{'deep/' * 2}{'x' * 3000} {record.path}"
    monkeypatch.setattr("dpscan.reports.html_report.HTML_SIZE_LIMIT", 400_000)
    page = render_html(result)
    assert len(page.encode("utf-8")) <= 400_000
    assert "At most 50 files" not in page
