"""The catalogue in the reports: reviewed files, changes, copies, incomplete scans, unmasked
evidence, in report.html, report.xlsx, files.csv and findings.json."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from dpscan.model.records import ScanResult, WalkError
from dpscan.reports._summary import (
    action_list,
    change_counts,
    compute_totals,
    copy_groups,
    incomplete_reason,
    personal_data_counts,
    reviewed_files,
)
from dpscan.reports.csv_report import render_csv
from dpscan.reports.html_report import render_html
from dpscan.reports.json_report import render_json
from dpscan.reports.xlsx_report import (
    CHANGES_HEADER,
    DUPLICATES_HEADER,
    REVIEWED_COLUMNS,
    render_xlsx,
)


def section(page: str, anchor: str) -> str:
    """The HTML of one section: from its <h2 id=...> to the next <h2."""
    start = page.index(f'<h2 id="{anchor}">')
    end = page.find("<h2 ", start + 1)
    return page[start : end if end != -1 else len(page)]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def page(catalogued_result: ScanResult) -> str:
    return render_html(catalogued_result)


@pytest.fixture
def book(catalogued_result: ScanResult) -> Workbook:
    return load_workbook(io.BytesIO(render_xlsx(catalogued_result)))


def sheet_rows(ws: Worksheet) -> list[dict[str, Any]]:
    header = [c.value for c in ws[1]]
    return [
        dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)
    ]


def summary_values(ws: Worksheet) -> dict[Any, tuple[Any, ...]]:
    return {row[0]: row[1:] for row in ws.iter_rows(values_only=True) if row[0] is not None}


# --- shared counts ---------------------------------------------------------------------------


def test_reviewed_files_are_not_open(catalogued_result: ScanResult, names: SimpleNamespace) -> None:
    assert [r.path for r in action_list(catalogued_result)] == [names.hyperlink]
    assert [r.path for r in reviewed_files(catalogued_result)] == [names.script, names.control]
    totals = compute_totals(catalogued_result)
    assert (totals.needs_action, totals.reviewed) == (1, 2)
    assert (totals.unprotected_personal_data, totals.open_unprotected) == (2, 1)
    assert totals.open_overdue == 1
    # The charts count open files only.
    counts = personal_data_counts(catalogued_result)
    assert counts.by_severity == {"critical": 1, "high": 0, "medium": 0, "low": 0}


def test_change_counts_and_copy_groups(catalogued_result: ScanResult) -> None:
    assert change_counts(catalogued_result) == {"new": 1, "changed": 1, "resolved": 2}
    groups = list(copy_groups(catalogued_result))
    # The group with personal data first, though it has fewer copies.
    assert [(g.number, g.copies, g.personal_data, g.severity) for g in groups] == [
        (1, 2, True, "critical"),
        (2, 3, False, None),
    ]
    assert groups[0].files[1][2] is None  # the copy on the stick was not in this scan


# --- report.html -----------------------------------------------------------------------------


def test_html_action_list_leaves_reviewed_files_out(page: str, names: SimpleNamespace) -> None:
    actions = section(page, "actions")
    # Only the open critical file has a severity; the others listed have a flag only.
    assert set(re.findall(r'<tr data-severity="(\w+)"', actions)) == {"critical"}
    assert "=HYPERLINK(" in actions
    assert "&lt;script&gt;alert" not in actions
    assert "Files you have reviewed (2) are not listed here" in actions


def test_html_key_figures_count_open_and_reviewed(page: str) -> None:
    flat = text(page)
    assert (
        '<div class="card danger" id="needs-action"><div class="value">1</div>'
        '<div class="label">files need action</div></div>' in flat
    )
    assert (
        '<div class="card ok" id="reviewed-count"><div class="value">2</div>'
        '<div class="label">files reviewed</div></div>' in flat
    )
    assert (
        '<div class="value">1</div><div class="label">unprotected files with personal data</div>'
        '<div class="note">and 1 reviewed</div>' in flat
    )
    assert "The charts count open files: the 2 reviewed files are left out." in flat


def test_html_reviewed_section(page: str, names: SimpleNamespace) -> None:
    reviewed = section(page, "reviewed")
    rows = re.findall(r'<tr data-review="(\w+)">', reviewed)
    assert rows == ["accepted", "false_positive"]
    # Reason and reviewer come from the catalogue: escaped like everything else.
    assert "&lt;b&gt;kept&lt;/b&gt; on purpose =SUM(1)" in reviewed
    assert "<b>kept" not in page
    assert f"<td>{names.reviewer}</td>" in reviewed
    assert "2024-07-02T10:00:00+00:00" in reviewed
    assert "dates of school events, not births" in reviewed


def test_html_folder_table_leaves_reviewed_files_out_of_the_risk_counts(page: str) -> None:
    folders = section(page, "folders")
    staff = folders[folders.index("/srv/&lt;share&gt;/staff"):]
    staff = staff[: staff.index("</tr>")]
    cells = re.findall(r'<td class="num" data-value="(\d+)">', staff)
    # files, personal data, special category, overdue, unprotected: the accepted
    # unprotected file and the false positive are counted as files only.
    assert cells[1:] == ["1", "1", "1", "1"]
    assert '<span class="sev critical">critical</span>' in staff


def test_html_changes_section(page: str, names: SimpleNamespace) -> None:
    changes = section(page, "changes")
    assert re.findall(r'<tr data-change="(\w+)">', changes) == [
        "new",
        "changed",
        "resolved",
        "resolved",
    ]
    flat = text(changes)
    for kind, count in (("new", 1), ("changed", 1), ("resolved", 2)):
        assert f'<span class="badge change-{kind}">{kind}</span> {count}</span>' in flat
    assert "gone &lt;script&gt;x&lt;/script&gt;.csv" in changes
    assert "<script>x" not in page
    assert "file no longer found" in changes
    assert "no personal data now" in changes  # resolved, still there
    # The actions section ends where the changes begin, before the dashboard.
    assert page.index('id="actions"') < page.index('id="changes"') < page.index('id="dashboard"')


def test_html_changes_empty_and_without_catalogue(catalogued_result: ScanResult) -> None:
    catalogued_result.scan.changes = []
    assert "No changes: no file" in section(render_html(catalogued_result), "changes")
    catalogued_result.scan.scan_id = None
    changes = section(render_html(catalogued_result), "changes")
    assert "No earlier scan to compare with" in changes


def test_html_copies_section(page: str, names: SimpleNamespace) -> None:
    copies = section(page, "copies")
    rows = re.findall(r'<td class="num">(\d+)</td>\s*<td class="num">(\d+)</td>', copies)
    assert rows == [("1", "2"), ("2", "3")]
    assert copies.index("=HYPERLINK(") < copies.index("clean.txt")
    assert "copies/=HYPERLINK(copy).csv" in copies
    assert "/media/&lt;stick&gt;" in copies
    assert "a" * 16 + "…" in copies
    assert "a" * 17 not in copies


def test_html_coverage_reused_and_deleted(page: str, hostile_result: ScanResult) -> None:
    flat = text(page)
    assert (
        "<td>unchanged since the last scan and not re-read (results kept)</td>"
        '<td class="num">5</td>' in flat
    )
    assert '<td>deleted since the last scan</td><td class="num">1</td>' in flat
    # A scan without a catalogue has nothing to say about either.
    assert "deleted since the last scan" not in render_html(hostile_result)


def test_html_incomplete_banner(catalogued_result: ScanResult) -> None:
    assert 'id="incomplete"' not in render_html(catalogued_result)
    catalogued_result.scan.complete = False
    page = render_html(catalogued_result)
    assert page.index('id="incomplete"') < page.index("<h1>")
    assert "This scan is incomplete: it was stopped before it reached the end." in page
    catalogued_result.scan.walk_errors.append(
        WalkError(root="/mnt/<gone>", path="", error="[Errno 2] No such file")
    )
    page = render_html(catalogued_result)
    assert (
        "This scan is incomplete: a root could not be reached: "
        "/mnt/&lt;gone&gt; ([Errno 2] No such file)." in page
    )


def test_html_empty_scan_new_sections(empty_result: ScanResult) -> None:
    page = render_html(empty_result)
    assert "No earlier scan to compare with" in page
    assert "No file has been reviewed" in page
    assert "No two files have the same content." in page
    assert "<script" not in page  # no table to sort, so no script


# --- report.xlsx -----------------------------------------------------------------------------


def test_xlsx_action_list_leaves_reviewed_files_out(book: Workbook, names: SimpleNamespace) -> None:
    assert [r["path"] for r in sheet_rows(book["Action list"])] == [names.hyperlink]


def test_xlsx_reviewed_sheet(book: Workbook, names: SimpleNamespace) -> None:
    ws = book["Reviewed"]
    assert [c.value for c in ws[1]] == [name for name, _ in REVIEWED_COLUMNS]
    rows = sheet_rows(ws)
    assert [(r["status"], r["path"]) for r in rows] == [
        ("accepted", names.script),
        ("false_positive", "ctrl?char.txt"),
    ]
    assert rows[0]["reason"] == names.review_reason
    assert rows[0]["reviewer"] == names.reviewer
    assert ws["C2"].quotePrefix is True  # "=dpo@school" stays text
    assert rows[0]["reviewed"] == datetime(2024, 7, 2, 10, 0)
    assert ws["D2"].is_date
    assert ws.freeze_panes == "A2"


def test_xlsx_list_sheets_mark_reviewed_files(book: Workbook, names: SimpleNamespace) -> None:
    rows = sheet_rows(book["Unprotected"])
    assert [(r["path"], r["review"]) for r in rows] == [
        (names.hyperlink, None),
        (names.script, "accepted"),  # open files first
    ]
    files = {r["path"]: r["review"] for r in sheet_rows(book["All files"])}
    assert files[names.script] == "accepted"
    assert files["ctrl?char.txt"] == "false_positive"
    assert files[names.hyperlink] is None


def test_xlsx_changes_sheet(book: Workbook, names: SimpleNamespace) -> None:
    ws = book["Changes"]
    assert [c.value for c in ws[1]] == list(CHANGES_HEADER)
    rows = sheet_rows(ws)
    assert [(r["change"], r["path"]) for r in rows] == [
        ("new", names.hyperlink),
        ("changed", names.script),
        ("resolved", names.gone),
        ("resolved", names.newline),
    ]
    assert rows[0]["severity"] == "critical"
    assert rows[1]["review"] == "accepted"
    assert rows[2]["severity"] is None
    assert rows[2]["flags"] == "file no longer found"
    assert ws["B2"].quotePrefix is True
    assert ws.auto_filter.ref == "A1:I5"


def test_xlsx_duplicates_sheet(book: Workbook, names: SimpleNamespace) -> None:
    ws = book["Duplicates"]
    assert [c.value for c in ws[1]] == list(DUPLICATES_HEADER)
    rows = sheet_rows(ws)
    assert [(r["group"], r["copies"], r["path"], r["personal_data"]) for r in rows] == [
        (1, 2, names.hyperlink, "yes"),
        (1, 2, names.copy, None),  # not in this scan's records
        (2, 3, names.clean, "no"),
        (2, 3, "old/" + names.clean, None),
        (2, 3, names.clean, None),  # on /media/stick
    ]
    assert rows[0]["sha256"] == "a" * 16
    assert rows[0]["severity"] == "critical"
    assert ws["D2"].quotePrefix is True  # =HYPERLINK(...) stays text


def test_xlsx_summary_counts(book: Workbook) -> None:
    values = summary_values(book["Summary"])
    assert values["complete"][0] == "yes"
    assert values["files that need action"][0] == 1
    assert values["files reviewed (false positive or accepted)"][0] == 2
    assert values["unprotected files with personal data"][0] == 2
    assert values["unprotected files with personal data, not reviewed"][0] == 1
    assert values["files unchanged since the last scan and not re-read"][0] == 5
    assert values["files deleted since the last scan"][0] == 1
    assert values["files new since the last scan"][0] == 1
    assert values["files resolved since the last scan"][0] == 2
    assert values["groups of identical files"][0] == 2
    assert values["critical"][0] == 1
    assert values["high"][0] == 0  # the accepted high file is not open
    assert book["Summary"]["A1"].value == "Scan"  # no warning line


def test_xlsx_summary_warns_incomplete_and_unmasked(catalogued_result: ScanResult) -> None:
    catalogued_result.scan.complete = False
    catalogued_result.scan.settings["show_evidence"] = True
    ws = load_workbook(io.BytesIO(render_xlsx(catalogued_result)))["Summary"]
    assert ws["A1"].value == incomplete_reason(catalogued_result)
    assert ws["A1"].value.startswith("This scan is incomplete: it was stopped")
    assert ws["A2"].value.startswith("Evidence shown unmasked")
    assert ws["A1"].font.bold and ws["A1"].font.color.rgb.endswith("B42318")
    assert "A1:J1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A4"].value == "Scan"
    assert summary_values(ws)["complete"][0] == "no"
    # Column A fits the labels below, not the long warning lines.
    assert ws.column_dimensions["A"].width <= 60


def test_xlsx_unmasked_line_only_when_asked(hostile_result: ScanResult) -> None:
    ws = load_workbook(io.BytesIO(render_xlsx(hostile_result)))["Summary"]
    assert not any(str(c.value).startswith("Evidence shown unmasked") for c in ws["A"] if c.value)
    hostile_result.scan.settings["show_evidence"] = True
    ws = load_workbook(io.BytesIO(render_xlsx(hostile_result)))["Summary"]
    assert ws["A1"].value.startswith("Evidence shown unmasked")
    page = render_html(hostile_result)
    assert page.index("Evidence shown unmasked") < page.index("<h1>")


def test_xlsx_no_formulas_from_catalogue_data(catalogued_result: ScanResult) -> None:
    catalogued_result.scan.complete = False
    book = load_workbook(io.BytesIO(render_xlsx(catalogued_result)))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type not in ("f", "e"), (ws.title, cell.coordinate)


# --- files.csv and findings.json -------------------------------------------------------------


def test_csv_review_column(catalogued_result: ScanResult, names: SimpleNamespace) -> None:
    data = render_csv(catalogued_result).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data, newline="")))
    header = list(rows[0])
    assert header.index("review") == header.index("severity") + 1
    reviews = {row["path"]: row["review"] for row in rows}
    assert reviews[names.script] == "accepted"
    assert reviews["ctrl\x01char.txt"] == "false_positive"
    assert reviews["'" + names.hyperlink] == ""


def test_json_keeps_reviews_changes_and_copies(catalogued_result: ScanResult) -> None:
    data = json.loads(render_json(catalogued_result))
    assert data["scan"]["changes"] == catalogued_result.scan.changes
    assert data["scan"]["duplicates"] == catalogued_result.scan.duplicates
    assert data["scan"]["scan_id"] == 7
    assert data["scan"]["complete"] is True
    assert (data["scan"]["files_reused"], data["scan"]["files_deleted"]) == (5, 1)
    reviews = [f["review"] for f in data["files"] if f["review"]]
    assert [r["status"] for r in reviews] == ["accepted", "false_positive"]
    assert all("index_terms" not in f for f in data["files"])


def test_html_one_reviewed_file_in_the_singular(catalogued_result: ScanResult) -> None:
    catalogued_result.files[5].review = None  # the control-character file: open again
    page = render_html(catalogued_result)
    assert "The charts count open files: the reviewed file is left out." in page
