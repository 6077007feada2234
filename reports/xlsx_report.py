"""report.xlsx: the scan as a spreadsheet a DPO can filter, sort and annotate.

Every string that came from the scanned estate (paths, roots, MIME types,
masked evidence, error messages) is attacker-controlled: anyone who can name
a file in a shared drive can name it ``=HYPERLINK(...)``.  Such strings are
stored as text cells with Excel's "quote prefix" so neither Excel nor
LibreOffice ever evaluates them, not even after a user edits the cell.

Sheets: Summary (with a severity chart), Action list, Changes, Overdue,
Unprotected, Special category, Unregistered, Reviewed, Duplicates, Assets,
All files, Errors.  Every list sheet has a frozen, filterable header row;
dates are real date cells.  Files the DPO reviewed are not in the Action
list; the other list sheets keep them, marked in their "review" column.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports._output import write_private_bytes
from reports._summary import (
    UNMASKED_EVIDENCE_WARNING,
    action_list,
    change_counts,
    change_rows,
    compute_totals,
    copy_groups,
    entity_columns,
    incomplete_reason,
    is_unprotected_personal_data,
    personal_data_counts,
    reason_text,
    review_status,
    reviewed_files,
    severity_rank,
    shows_evidence,
    total_entities,
)
from reports._table import (
    all_files_header,
    all_files_row,
    due_date,
    join,
    parse_modified,
)
from reports.advice import FLAG_ADVICE, advice_for, flags_by_urgency
from scanner.results import STATUS_ERROR, FileResult, Flag, ScanResult

# Leading characters that make Excel, LibreOffice or a CSV import treat a
# cell as a formula (OWASP "CSV injection"); tab and CR are included because
# some importers strip them and then see the next character.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Excel's hard limit on characters in one cell; openpyxl would truncate
# silently anyway, doing it here keeps the behaviour explicit.
MAX_CELL_CHARS = 32767

DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"

SHEET_NAMES: tuple[str, ...] = (
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
)

# Fill of a severity cell, so the eye finds critical rows in a long list.
SEVERITY_FILLS: dict[str, PatternFill] = {
    "critical": PatternFill("solid", fgColor="F4B6B0"),
    "high": PatternFill("solid", fgColor="FAD7B5"),
    "medium": PatternFill("solid", fgColor="FFF2C2"),
    "low": PatternFill("solid", fgColor="E4E7EB"),
}

_MIN_WIDTH = 8
_MAX_WIDTH = 60
_BOLD = Font(bold=True)
_HEADING = Font(bold=True, size=12)
_WARNING = Font(bold=True, size=12, color="B42318")
_WARNING_FILL = PatternFill("solid", fgColor="FDECEA")
_TOP = Alignment(vertical="top")
_WRAP_TOP = Alignment(vertical="top", wrap_text=True)
_WARNING_COLUMNS = 10  # a warning line is merged across columns A to J
# Characters of a SHA-256 shown to tell groups of copies apart (the full value is in JSON).
SHA256_PREFIX = 16


def files_header(result: ScanResult) -> list[str]:
    """Column names of the "All files" sheet (and files.csv), entity columns included."""
    return all_files_header(result)


def clean_text(value: str) -> str:
    """Make ``value`` storable: illegal XML control characters become '?'.

    openpyxl raises on them; one odd file name must not cost the whole
    report, and '?' shows a reader that something was there.
    """
    return ILLEGAL_CHARACTERS_RE.sub("?", value)[:MAX_CELL_CHARS]


def set_text(cell: Cell, value: str) -> None:
    """Store ``value`` in ``cell`` as literal text, never as a formula or error code."""
    cell.value = clean_text(value)
    # openpyxl turns "=..." into a formula and "#N/A" into an error value;
    # forcing the type keeps it a plain string in the file.
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_PREFIXES):
        # The quote prefix is what makes Excel keep it text after an edit.
        cell.quotePrefix = True


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write ``value`` to a cell; strings always go through :func:`set_text`."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, datetime):
        cell.value = value
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        cell.value = value
    return cell


def _write_rows(ws: Worksheet, rows: Iterable[Sequence[Any]], start: int = 1) -> int:
    """Write rows from ``start``; return the next free row number."""
    row_number = start
    for row in rows:
        for column, value in enumerate(row, start=1):
            put(ws, row_number, column, value)
        row_number += 1
    return row_number


def _size_columns(ws: Worksheet) -> None:
    """Fit column widths to their content, within readable bounds."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            if isinstance(cell.value, datetime):
                length = 19
            elif isinstance(cell.value, date):
                length = 10
            else:
                # Multi-line values are as wide as their longest line.
                length = max(len(line) for line in str(cell.value).splitlines() or [""])
            widths[cell.column] = max(widths.get(cell.column, 0), length)
    for column, length in widths.items():
        width = min(max(length + 2, _MIN_WIDTH), _MAX_WIDTH)
        ws.column_dimensions[get_column_letter(column)].width = width


# Sheets with more columns than this print at their own size (landscape, header row on
# every page); narrower ones are shrunk to one page wide so a printed list or a PDF keeps
# each row on one page.
_FIT_TO_WIDTH_MAX_COLUMNS = 16


def _print_setup(ws: Worksheet, *, landscape: bool, title_row: bool) -> None:
    """How the sheet prints (and converts to PDF): orientation, width, repeated header."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if ws.max_column <= _FIT_TO_WIDTH_MAX_COLUMNS:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as needed
    if title_row:
        ws.print_title_rows = "1:1"


# Points per line of wrapped 11 pt text.
_LINE_HEIGHT = 15


def _fit_wrapped_rows(ws: Worksheet) -> None:
    """Give rows with wrapped text the height their lines need.

    Neither LibreOffice nor Excel reliably grows a row for wrapped text it did not
    lay out itself, so without this long advice overlaps the row below.  The line
    count is estimated from the column width in characters (call after sizing).
    """
    merged = {cell for ranges in ws.merged_cells.ranges for cell in ranges.cells}
    heights: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            if (cell.row, cell.column) in merged:
                continue
            letter = get_column_letter(cell.column)
            width = max(int(ws.column_dimensions[letter].width or _MIN_WIDTH) - 1, 1)
            lines = sum(max(1, -(-len(line) // width)) for line in cell.value.splitlines())
            heights[cell.row] = max(heights.get(cell.row, 1), lines)
    for row_number, lines in heights.items():
        if lines > 1:
            ws.row_dimensions[row_number].height = lines * _LINE_HEIGHT


def _heading(ws: Worksheet, row: int, text: str) -> int:
    put(ws, row, 1, text).font = _HEADING
    return row + 1


def summary_warnings(result: ScanResult) -> list[str]:
    """Lines the Summary sheet opens with: an incomplete scan, unmasked evidence."""
    warnings = []
    incomplete = incomplete_reason(result)
    if incomplete:
        warnings.append(incomplete)
    if shows_evidence(result):
        warnings.append(UNMASKED_EVIDENCE_WARNING)
    return warnings


def _summary_sheet(ws: Worksheet, result: ScanResult) -> None:
    scan = result.scan
    totals = compute_totals(result)
    row = 1
    for warning in summary_warnings(result):
        # Merged across the columns beside it and wrapped: a long line stays readable
        # without widening column A for the whole sheet.
        cell = put(ws, row, 1, warning)
        cell.fill = _WARNING_FILL
        cell.alignment = _WRAP_TOP
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=_WARNING_COLUMNS)
        ws.row_dimensions[row].height = 48
        row += 1
    warning_rows = row - 1
    row = _heading(ws, row + 1 if warning_rows else row, "Scan")
    changes = change_counts(result)
    rows: list[tuple[str, Any]] = [
        ("tool", scan.tool),
        ("version", scan.version),
        ("started", scan.started),
        ("finished", scan.finished),
        ("complete", "yes" if scan.complete else "no"),
        ("roots", join(scan.roots, "\n")),
        ("files seen", scan.files_seen),
        ("files scanned", scan.files_scanned),
        ("errors", scan.errors),
        ("files with personal data", scan.files_with_personal_data),
        ("files that need action", totals.needs_action),
        ("files reviewed (false positive or accepted)", totals.reviewed),
        ("files with findings", totals.files_with_findings),
        ("unprotected files with personal data", totals.unprotected_personal_data),
        ("unprotected files with personal data, not reviewed", totals.open_unprotected),
        ("walk errors", len(scan.walk_errors)),
        ("files past their retention date", totals.flag_counts.get(Flag.OVERDUE, 0)),
        ("files past their retention date, not reviewed", totals.open_overdue),
        ("groups of identical files", len(scan.duplicates)),
        ("retention judged on", scan.as_of),
        *((str(key), str(value)) for key, value in scan.rules.items()),
    ]
    if scan.scan_id is not None:
        rows += [
            ("catalogue scan", scan.scan_id),
            ("files unchanged since the last scan and not re-read", scan.files_reused),
            ("files deleted since the last scan", scan.files_deleted),
            *((f"files {kind} since the last scan", count) for kind, count in changes.items()),
        ]
    row = _write_rows(ws, rows, row)
    for cell in ws["A"]:
        cell.font = _WARNING if cell.row <= warning_rows else _BOLD
    chart_row = row - len(rows)

    row = _heading(ws, row + 1, "Open files with personal data by severity")
    first = row
    by_severity = personal_data_counts(result).by_severity
    row = _write_rows(ws, by_severity.items(), row)
    for cell_row in ws.iter_rows(min_row=first, max_row=row - 1, max_col=1):
        fill = SEVERITY_FILLS.get(str(cell_row[0].value))
        if fill is not None:
            cell_row[0].fill = fill
    _severity_chart(ws, first, row - 1, anchor=f"E{chart_row}")

    sections: list[tuple[str, dict[str, int]]] = [
        ("Files by protection", totals.by_protection),
        ("Files by status", totals.by_status),
        ("Files by flag", totals.flag_counts),
    ]
    for title, counts in sections:
        row = _heading(ws, row + 1, title)
        row = _write_rows(ws, counts.items(), row)

    row = _heading(ws, row + 1, "Entity totals")
    row = _write_rows(ws, [("entity type", "total", "files")], row)
    for cell in ws[row - 1]:
        cell.font = _BOLD
    row = _write_rows(
        ws,
        ((name, total, totals.entity_files[name]) for name, total in totals.entity_totals.items()),
        row,
    )
    row = _heading(ws, row + 1, "What to do about each flag")
    row = _write_rows(ws, [("flag", "files", "what to do")], row)
    for cell in ws[row - 1]:
        cell.font = _BOLD
    row = _write_rows(
        ws,
        ((flag, totals.flag_counts.get(flag, 0), text) for flag, text in FLAG_ADVICE.items()),
        row,
    )
    if scan.settings:
        row = _heading(ws, row + 1, "Settings")
        # Settings are free-form; str() keeps nested values readable.
        _write_rows(
            ws,
            (
                (str(k), v if isinstance(v, int | float) else str(v))
                for k, v in scan.settings.items()
            ),
            row,
        )
    for cell in ws["A"][warning_rows:]:
        cell.alignment = _TOP
    for cell in ws["B"] + ws["C"]:
        cell.alignment = _WRAP_TOP
    _size_columns(ws)
    if warning_rows:
        # Fit column A to the rows below the (merged, wrapped) warnings, not to them.
        widths = [len(str(c.value)) for c in ws["A"][warning_rows:] if c.value is not None]
        width = min(max(max(widths, default=0) + 2, _MIN_WIDTH), _MAX_WIDTH)
        ws.column_dimensions["A"].width = width
    _fit_wrapped_rows(ws)
    _print_setup(ws, landscape=False, title_row=False)


def _severity_chart(ws: Worksheet, first: int, last: int, anchor: str = "E2") -> None:
    """A bar chart of the severity rows ``first``..``last`` (labels in A, counts in B)."""
    chart = BarChart()
    chart.type = "bar"  # horizontal bars: critical on top reads like the action list
    chart.title = "Open files with personal data by severity"
    chart.legend = None
    chart.y_axis.title = "files"
    chart.x_axis.scaling.orientation = "maxMin"
    chart.add_data(Reference(ws, min_col=2, min_row=first, max_row=last), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.height, chart.width = 6.5, 13
    ws.add_chart(chart, anchor)


# A column of a list sheet: its header and how to get its value from a file record.
Column = tuple[str, Callable[[FileResult], Any]]


def _what_to_do(record: FileResult) -> str | None:
    return join((advice_for(flag) for flag in flags_by_urgency(record.flags)), "\n")


COL_PATH: Column = ("path", lambda r: r.path)
COL_ROOT: Column = ("root", lambda r: r.root)
COL_SEVERITY: Column = ("severity", lambda r: r.severity)
COL_WHY: Column = ("why", lambda r: reason_text(r) or None)
COL_TODO: Column = ("what to do", _what_to_do)
COL_ASSET: Column = ("asset", lambda r: r.asset)
COL_RULE: Column = ("retention_rule", lambda r: r.retention_rule)
COL_DUE: Column = ("retention_due", lambda r: due_date(r.retention_due))
COL_ACTION: Column = ("action", lambda r: r.action)
COL_SUBJECTS: Column = ("data_subjects", lambda r: r.data_subjects)
COL_ENTITIES: Column = ("total_entities", total_entities)
COL_PROTECTION: Column = ("protection", lambda r: r.protection)
COL_CATEGORIES: Column = ("special_categories", lambda r: join(r.special_categories))
COL_FLAGS: Column = ("flags", lambda r: join(r.flags))
COL_MODIFIED: Column = ("modified", lambda r: parse_modified(r.modified))
COL_REVIEW: Column = ("review", review_status)

ACTION_COLUMNS: tuple[Column, ...] = (
    COL_SEVERITY, COL_WHY, COL_TODO, COL_PATH, COL_ROOT, COL_ASSET, COL_RULE, COL_DUE,
    COL_ACTION, COL_SUBJECTS, COL_PROTECTION, COL_CATEGORIES, COL_FLAGS,
)  # fmt: skip
OVERDUE_COLUMNS: tuple[Column, ...] = (
    COL_PATH, COL_ROOT, COL_SEVERITY, COL_REVIEW, COL_ASSET, COL_RULE, COL_DUE, COL_ACTION,
    COL_SUBJECTS, COL_MODIFIED, COL_PROTECTION,
)  # fmt: skip
UNPROTECTED_COLUMNS: tuple[Column, ...] = (
    COL_PATH, COL_ROOT, COL_SEVERITY, COL_REVIEW, COL_WHY, COL_SUBJECTS, COL_CATEGORIES,
    COL_ASSET, COL_FLAGS,
)  # fmt: skip
SPECIAL_COLUMNS: tuple[Column, ...] = (
    COL_PATH, COL_ROOT, COL_SEVERITY, COL_REVIEW, COL_CATEGORIES, COL_PROTECTION,
    COL_SUBJECTS, COL_ASSET, COL_FLAGS,
)  # fmt: skip
UNREGISTERED_COLUMNS: tuple[Column, ...] = (
    COL_PATH, COL_ROOT, COL_SEVERITY, COL_REVIEW, COL_SUBJECTS, COL_ENTITIES, COL_PROTECTION,
    COL_FLAGS,
)  # fmt: skip


def _review_field(name: str) -> Callable[[FileResult], Any]:
    def get(record: FileResult) -> Any:
        return (record.review or {}).get(name)

    return get


REVIEWED_COLUMNS: tuple[Column, ...] = (
    ("status", review_status),
    ("reason", _review_field("reason")),
    ("reviewer", _review_field("reviewer")),
    ("reviewed", lambda r: parse_modified(_review_field("reviewed")(r))),
    COL_PATH, COL_ROOT, COL_SEVERITY, COL_WHY, COL_SUBJECTS, COL_ENTITIES, COL_PROTECTION,
    COL_CATEGORIES, COL_FLAGS,
)  # fmt: skip
CHANGES_HEADER: tuple[str, ...] = (
    "change", "path", "root", "severity", "review", "data_subjects", "total_entities",
    "protection", "flags",
)  # fmt: skip
DUPLICATES_HEADER: tuple[str, ...] = (
    "group", "copies", "sha256", "path", "root", "personal_data", "severity", "review",
)  # fmt: skip
ASSET_HEADER: tuple[str, ...] = (
    "asset_id", "name", "owner", "protection_required", "files", "personal_data_files",
    "overdue", "unprotected", "empty",
)  # fmt: skip
ERRORS_HEADER: tuple[str, ...] = ("kind", "root", "path", "error")


def _table_sheet(ws: Worksheet, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A list sheet: bold frozen header, autofilter, severity fills, fitted widths."""
    _write_rows(ws, [header])
    for cell in ws[1]:
        cell.font = _BOLD
    _write_rows(ws, rows, start=2)
    # Keep the header visible and let the DPO filter any column.
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 1)}"
    wrapped = {
        index for index, name in enumerate(header, 1) if name in ("why", "what to do", "reason")
    }
    severity = header.index("severity") + 1 if "severity" in header else None
    # Setting a style object on a cell hashes it against the workbook's style table, which
    # costs more than writing the cell: each distinct style is set once, then copied (as
    # openpyxl's own worksheet copier does).
    styles: dict[tuple[tuple[int, ...], bool, str | None], Any] = {}
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            fill = (str(cell.value) if severity is not None and cell.column == severity
                    and str(cell.value) in SEVERITY_FILLS else None)
            # Keyed by the style the cell has (a date format, a quote prefix) as well.
            key = (tuple(cell._style or ()), cell.column in wrapped, fill)
            style = styles.get(key)
            if style is None:
                # Top-aligned, so a row made tall by wrapped advice still reads across.
                cell.alignment = _WRAP_TOP if key[1] else _TOP
                if fill is not None:
                    cell.fill = SEVERITY_FILLS[fill]
                styles[key] = copy(cell._style)
            else:
                cell._style = copy(style)
    _size_columns(ws)
    _fit_wrapped_rows(ws)
    _print_setup(ws, landscape=True, title_row=True)


def _record_sheet(ws: Worksheet, columns: Sequence[Column], records: Iterable[FileResult]) -> None:
    _table_sheet(
        ws,
        [name for name, _ in columns],
        ([get(record) for _, get in columns] for record in records),
    )


def _by_urgency(records: Iterable[FileResult]) -> list[FileResult]:
    """Open files most severe first, then reviewed ones (stable), so every list sheet opens
    on what matters most."""
    return sorted(records, key=lambda r: (r.is_reviewed, -severity_rank(r.severity)))


def _change_rows(result: ScanResult) -> Iterable[list[Any]]:
    for change in change_rows(result):
        record = change.record
        yield [
            change.change,
            change.path,
            change.root,
            record.severity if record else None,
            review_status(record) if record else None,
            record.data_subjects if record else None,
            total_entities(record) if record else None,
            record.protection if record else None,
            join(record.flags) if record else "file no longer found",
        ]


def _duplicate_rows(result: ScanResult) -> Iterable[list[Any]]:
    for group in copy_groups(result):
        for root, path, record in group.files:
            yield [
                group.number,
                group.copies,
                group.sha256[:SHA256_PREFIX],
                path,
                root,
                ("yes" if record.has_personal_data else "no") if record else None,
                record.severity if record else None,
                review_status(record) if record else None,
            ]


def _asset_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def render_xlsx(result: ScanResult) -> bytes:
    """Return report.xlsx as bytes, with the sheets named in :data:`SHEET_NAMES`."""
    files = result.files
    personal = [r for r in files if r.has_personal_data]
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    _summary_sheet(summary, result)
    _record_sheet(workbook.create_sheet("Action list"), ACTION_COLUMNS, action_list(result))
    _table_sheet(workbook.create_sheet("Changes"), CHANGES_HEADER, _change_rows(result))
    _record_sheet(
        workbook.create_sheet("Overdue"),
        OVERDUE_COLUMNS,
        _by_urgency(r for r in personal if Flag.OVERDUE in r.flags),
    )
    _record_sheet(
        workbook.create_sheet("Unprotected"),
        UNPROTECTED_COLUMNS,
        _by_urgency(r for r in personal if is_unprotected_personal_data(r)),
    )
    _record_sheet(
        workbook.create_sheet("Special category"),
        SPECIAL_COLUMNS,
        _by_urgency(r for r in personal if r.special_categories),
    )
    _record_sheet(
        workbook.create_sheet("Unregistered"),
        UNREGISTERED_COLUMNS,
        _by_urgency(r for r in personal if Flag.UNREGISTERED_PERSONAL_DATA in r.flags),
    )
    _record_sheet(workbook.create_sheet("Reviewed"), REVIEWED_COLUMNS, reviewed_files(result))
    _table_sheet(workbook.create_sheet("Duplicates"), DUPLICATES_HEADER, _duplicate_rows(result))
    _table_sheet(
        workbook.create_sheet("Assets"),
        ASSET_HEADER,
        ([_asset_value(asset.get(name)) for name in ASSET_HEADER] for asset in result.scan.assets),
    )
    columns = entity_columns(result)
    _table_sheet(
        workbook.create_sheet("All files"),
        files_header(result),
        (all_files_row(record, columns) for record in files),
    )
    errors: list[tuple[str, str, str, str | None]] = [
        ("file", r.root, r.path, r.error) for r in files if r.status == STATUS_ERROR
    ]
    errors += [("folder", e.root, e.path, e.error) for e in result.scan.walk_errors]
    _table_sheet(workbook.create_sheet("Errors"), ERRORS_HEADER, errors)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(result: ScanResult, path: Path) -> None:
    """Write report.xlsx for ``result`` to ``path`` (private, atomic)."""
    write_private_bytes(path, render_xlsx(result))
