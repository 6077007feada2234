"""report.xlsx: hostile strings stay text, real dates, usable sheets."""

from __future__ import annotations

import io
import re
import stat
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from dpscan.model.records import ENTITY_TYPES, FileResult, ScanResult
from dpscan.reports.xlsx_report import (
    MAX_CELL_CHARS,
    clean_text,
    parse_modified,
    render_xlsx,
    set_text,
    write_xlsx,
)

FIXED = [
    "path",
    "root",
    "container",
    "size",
    "modified",
    "mime",
    "protection",
    "protection_detail",
    "status",
    "severity",
    "review",
    "severity_reasons",
    "asset",
    "retention_rule",
    "retention_due",
    "action",
    "data_subjects",
]
SHEETS = [
    "Summary",
    "Action list",
    "Changes",
    "Overdue",
    "Unprotected",
    "Special category",
    "Unregistered",
    "Reviewed",
    "Duplicates",
    "Assets",
    "All files",
    "Errors",
]
TAIL = ["total_entities", "special_categories", "flags", "evidence", "error"]


@pytest.fixture
def xlsx_bytes(hostile_result: ScanResult) -> bytes:
    return render_xlsx(hostile_result)


@pytest.fixture
def workbook(xlsx_bytes: bytes) -> Workbook:
    return load_workbook(io.BytesIO(xlsx_bytes))


def header(ws: Worksheet) -> list[Any]:
    return [cell.value for cell in ws[1]]


def rows_by_path(ws: Worksheet) -> dict[str, dict[str, Any]]:
    names = header(ws)
    rows = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        record = dict(zip(names, row, strict=True))
        rows[record["path"]] = record
    return rows


def test_sheets(workbook: Workbook) -> None:
    assert workbook.sheetnames == SHEETS


def test_files_header_layout(workbook: Workbook, names: SimpleNamespace) -> None:
    ws = workbook["All files"]
    assert header(ws) == [*FIXED, *ENTITY_TYPES, names.extra_type, *TAIL]
    assert all(cell.font.bold for cell in ws[1])
    assert ws.freeze_panes == "A2"
    last_column = ws.cell(row=1, column=len(header(ws))).column_letter
    assert ws.auto_filter.ref == f"A1:{last_column}12"  # header + 11 files
    assert ws.max_row == 12
    assert ws.column_dimensions["A"].width >= 20  # sized, not the default 13


def test_no_formulas_anywhere(workbook: Workbook, xlsx_bytes: bytes) -> None:
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert cell.data_type != "e", (ws.title, cell.coordinate, cell.value)
    # And in the file itself: no <f> formula element in any sheet.
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == len(SHEETS)
        for name in sheets:
            assert not re.search(rb"<f[ >]", archive.read(name)), name


def test_hostile_names_read_back_as_exact_text(
    workbook: Workbook, hostile_result: ScanResult, names: SimpleNamespace
) -> None:
    ws = workbook["All files"]
    paths = [cell.value for cell in ws["A"][1:]]
    expected = [f.path for f in hostile_result.files]
    # The one control character openpyxl cannot store becomes "?".
    expected[expected.index(names.control)] = "ctrl?char.txt"
    assert paths == expected
    for cell in ws["A"][1:]:
        assert cell.data_type == "s"
    assert names.hyperlink in paths
    assert names.newline in paths  # newline kept
    assert names.error_code in paths  # text, not an error value


@pytest.mark.parametrize(
    ("attribute", "prefixed"),
    [
        ("hyperlink", True),
        ("plus", True),
        ("at", True),
        ("minus", True),
        ("tab", True),
        ("script", False),
        ("clean", False),
        ("error_code", False),
    ],
)
def test_formula_like_strings_get_quote_prefix(
    workbook: Workbook, names: SimpleNamespace, attribute: str, prefixed: bool
) -> None:
    ws = workbook["All files"]
    (cell,) = [c for c in ws["A"][1:] if c.value == getattr(names, attribute)]
    assert cell.quotePrefix is prefixed
    assert cell.data_type == "s"


def test_hostile_evidence_and_walk_errors_are_text(workbook: Workbook) -> None:
    files = workbook["All files"]
    evidence = next(c for c in files[1] if c.value == "evidence").column_letter
    (cell,) = [c for c in files[evidence] if c.value and "=1+1" in c.value]
    assert cell.value == "UK_NHS: 943 *** 5919; DATE_OF_BIRTH: =1+1"
    errors = workbook["Errors"]
    assert [c.value for c in errors[1]] == ["kind", "root", "path", "error"]
    assert [c.value for c in errors["A"][1:]] == ["file", "folder", "folder"]
    assert errors["D2"].value == "<img src=x onerror=alert(1)> permission denied"
    assert errors["C4"].value == "=cmd|' /C calc'!A0"
    assert errors["C4"].data_type == "s"
    assert errors["C4"].quotePrefix is True


def test_modified_is_a_naive_utc_datetime(workbook: Workbook, names: SimpleNamespace) -> None:
    rows = rows_by_path(workbook["All files"])
    assert rows[names.script]["modified"] == datetime(2024, 3, 1, 12, 34, 56)
    assert rows[names.hyperlink]["modified"] == datetime(2024, 6, 1, 9, 0, 0)  # from +01:00
    assert rows[names.plus]["modified"] == datetime(2023, 12, 31, 23, 59, 59)  # from "Z"
    assert rows[names.at]["modified"] is None
    ws = workbook["All files"]
    dated = [c for c in ws["E"][1:] if c.value is not None]
    assert len(dated) == 6
    for cell in dated:
        assert cell.is_date
        assert isinstance(cell.value, datetime)
        assert cell.value.tzinfo is None


def test_file_row_values(workbook: Workbook, names: SimpleNamespace) -> None:
    rows = rows_by_path(workbook["All files"])
    hyperlink = rows[names.hyperlink]
    assert hyperlink["root"] == "/srv/<share>/staff"
    assert hyperlink["size"] == 2048
    assert hyperlink["protection"] == "none"
    assert hyperlink["status"] == "scanned"
    assert hyperlink["UK_NHS"] == 4
    assert hyperlink["DATE_OF_BIRTH"] == 1
    assert hyperlink["PERSON"] is None  # a count of 0 is left blank: most cells of a big sheet
    assert hyperlink["total_entities"] == 5
    assert hyperlink["special_categories"] == "health"
    assert hyperlink["flags"] == (
        "unprotected_personal_data; overdue; unregistered_personal_data; "
        "special_category_unprotected"
    )
    assert hyperlink["severity"] == "critical"
    assert hyperlink["data_subjects"] == 340
    assert hyperlink["retention_rule"] == "pupil-medical"
    assert hyperlink["severity_reasons"] == (
        "special category data (health), 340 people, not encrypted, 4 years past its retention date"
    )
    assert hyperlink["error"] is None

    script = rows[names.script]
    assert (script["PERSON"], script["EMAIL_ADDRESS"], script["total_entities"]) == (2, 1, 3)
    assert script["evidence"] == "PERSON: J*** S****; EMAIL_ADDRESS: j***@school.org"

    assert rows["ctrl?char.txt"][names.extra_type] == 1
    assert rows[names.plus]["protection_detail"] == "ECMA-376 agile encryption"
    assert rows[names.at]["error"] == names.img_error
    assert rows[names.newline]["flags"] == "empty_file; no_text_extracted"


def summary_values(ws: Worksheet) -> dict[str, Any]:
    return {row[0]: row[1:] for row in ws.iter_rows(values_only=True) if row[0] is not None}


def test_summary_sheet(workbook: Workbook) -> None:
    ws = workbook["Summary"]
    values = summary_values(ws)
    assert values["tool"][0] == "dpscan"
    assert values["version"][0] == "0.1.0"
    assert values["started"][0] == "2024-07-01T08:00:00+00:00"
    assert values["roots"][0] == "/srv/<share>/staff"
    assert values["files seen"][0] == 11
    assert values["files scanned"][0] == 7
    assert values["errors"][0] == 1
    assert values["files with personal data"][0] == 3
    assert values["unprotected files with personal data"][0] == 2
    assert values["walk errors"][0] == 2
    # Entity totals: every known type listed, zeros included, with file counts.
    assert values["UK_NHS"][:2] == (4, 1)
    assert values["DATE_OF_BIRTH"][:2] == (2, 2)
    assert values["UK_PASSPORT"][:2] == (0, 0)
    # Section rows: protection, status and flag counts.
    assert values["none"][0] == 7
    assert values["encrypted"][0] == 1  # both a protection and a status row; 1 each
    assert values["unprotected_personal_data"][0] == 2
    first_column = [c.value for c in ws["A"]]
    for heading in ("Files by protection", "Files by status", "Files by flag", "Entity totals"):
        assert heading in first_column
    for cell in ws["A"] + ws["B"]:
        assert cell.data_type != "f"


def test_written_file_is_private(hostile_result: ScanResult, tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    write_xlsx(hostile_result, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert load_workbook(target).sheetnames == SHEETS
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_empty_scan_has_header_only(empty_result: ScanResult) -> None:
    workbook = load_workbook(io.BytesIO(render_xlsx(empty_result)))
    files = workbook["All files"]
    assert files.max_row == 1
    assert header(files) == [*FIXED, *ENTITY_TYPES, *TAIL]
    assert (
        files.auto_filter.ref == f"A1:{files.cell(row=1, column=files.max_column).column_letter}1"
    )


def test_clean_text_replaces_illegal_characters_and_truncates() -> None:
    assert clean_text("a\x00b\x08c\x0bd\x1fe\tf\ng\rh") == "a?b?c?d?e\tf\ng\rh"
    assert len(clean_text("x" * (MAX_CELL_CHARS + 10))) == MAX_CELL_CHARS


def test_set_text_on_a_fresh_cell() -> None:
    ws = Workbook().active
    set_text(ws["A1"], "=1+1")
    set_text(ws["A2"], "#REF!")
    set_text(ws["A3"], "plain")
    assert [c.data_type for c in (ws["A1"], ws["A2"], ws["A3"])] == ["s", "s", "s"]
    assert [c.quotePrefix for c in (ws["A1"], ws["A2"], ws["A3"])] == [True, False, False]


def test_parse_modified() -> None:
    assert parse_modified(None) is None
    assert parse_modified("") is None
    assert parse_modified("2024-01-01T00:30:00-02:00") == datetime(2024, 1, 1, 2, 30)
    assert parse_modified("2024-01-01T00:30:00") == datetime(2024, 1, 1, 0, 30)
    assert parse_modified("yesterday") == "yesterday"


def test_wrapped_rows_are_tall_enough_and_sheets_print_readably(workbook: Workbook) -> None:
    actions = workbook["Action list"]
    # The critical file's four pieces of advice wrap onto several lines: its row grows
    # so the text does not run over the next row in LibreOffice or Excel.
    assert actions.row_dimensions[2].height >= 4 * 15
    assert actions["B2"].alignment.wrap_text and actions["B2"].alignment.vertical == "top"
    assert actions["D2"].alignment.vertical == "top"  # the path sits beside its advice
    assert actions.page_setup.orientation == "landscape"
    assert actions.print_title_rows == "$1:$1"
    assert actions.sheet_properties.pageSetUpPr.fitToPage is True
    files = workbook["All files"]  # too wide to shrink to one page
    assert not files.sheet_properties.pageSetUpPr.fitToPage
    summary = workbook["Summary"]
    advice = next(c for c in summary["C"] if c.value and "MIS" in str(c.value))
    assert summary.row_dimensions[advice.row].height >= 2 * 15


def test_odd_values_still_give_a_workbook(hostile_result: ScanResult) -> None:
    """A non-finite setting (``--file-timeout inf``), an empty string and an aware datetime
    are written as text, a blank and UTC: XlsxWriter refuses NaN and infinity as numbers."""
    minus_two = timezone(timedelta(hours=-2))
    hostile_result.scan.settings.update(file_seconds=float("inf"), odd=float("nan"), empty="",
                                        when=datetime(2024, 1, 1, 0, 30, tzinfo=minus_two))
    workbook = load_workbook(io.BytesIO(render_xlsx(hostile_result)))
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True) if row[0]}
    assert summary["file_seconds"] == "inf" and summary["odd"] == "nan"
    assert summary["empty"] is None  # a blank cell, not an empty string
    assert summary["when"] == "2024-01-01 00:30:00-02:00"  # settings are shown as text


def test_aware_datetime_cells_are_utc(tmp_path: Path) -> None:
    import xlsxwriter

    from dpscan.reports.xlsx_report import _Book

    buffer = io.BytesIO()
    book = _Book(buffer, str(tmp_path))
    ws = book.workbook.add_worksheet("t")
    book.write(ws, 0, 0, datetime(2024, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=-2))))
    book.write(ws, 1, 0, "")
    book.write(ws, 2, 0, float("-inf"))
    book.workbook.close()
    assert isinstance(book.workbook, xlsxwriter.Workbook)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["t"]
    assert sheet["A1"].value == datetime(2024, 1, 1, 2, 30)
    assert sheet["A2"].value is None
    assert sheet["A3"].value == "-inf" and sheet["A3"].data_type == "s"


def test_rows_past_excels_last_row_are_counted_not_lost(
    hostile_result: ScanResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dpscan.reports.xlsx_report as xlsx_report

    monkeypatch.setattr(xlsx_report, "MAX_BODY_ROWS", 5)
    files = load_workbook(io.BytesIO(render_xlsx(hostile_result)))["All files"]
    assert len(hostile_result.files) > 5
    assert files.max_row == 6  # the header and five rows: four files and the note
    note = files.cell(row=6, column=1).value
    assert note.startswith(f"{len(hostile_result.files) - 4:,} more rows not shown")
    assert files.auto_filter.ref.endswith("6")


def test_a_workbook_stopped_part_way_leaves_no_rows_behind(
    hostile_result: ScanResult, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import tempfile

    import dpscan.reports.xlsx_report as xlsx_report

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    calls = 0

    def stop_on_the_third(record: FileResult, columns: list[str]) -> list[object]:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return real(record, columns)

    real = xlsx_report.all_files_row
    monkeypatch.setattr(xlsx_report, "all_files_row", stop_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        xlsx_report.write_xlsx(hostile_result, tmp_path / "report.xlsx")
    # XlsxWriter's per-sheet row files held the sheets' rows: all gone, and no report.
    assert list(scratch.iterdir()) == [] and not (tmp_path / "report.xlsx").exists()
