"""report.xlsx: the scan as a spreadsheet a DPO can filter, sort and annotate.

Every string that came from the scanned estate (paths, roots, MIME types,
masked evidence, error messages) is attacker-controlled: anyone who can name
a file in a shared drive can name it ``=HYPERLINK(...)``.  Such strings are
stored as text cells with Excel's "quote prefix" so neither Excel nor
LibreOffice ever evaluates them, not even after a user edits the cell.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports._output import write_private_bytes
from reports._summary import compute_totals, entity_columns, evidence_lines, total_entities
from scanner.results import FileResult, ScanResult

# Leading characters that make Excel, LibreOffice or a CSV import treat a
# cell as a formula (OWASP "CSV injection"); tab and CR are included because
# some importers strip them and then see the next character.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Excel's hard limit on characters in one cell; openpyxl would truncate
# silently anyway, doing it here keeps the behaviour explicit.
MAX_CELL_CHARS = 32767

DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
FILES_HEADER_FIXED = (
    "path",
    "root",
    "size",
    "modified",
    "mime",
    "protection",
    "protection_detail",
    "status",
)
FILES_HEADER_TAIL = ("total_entities", "special_categories", "flags", "evidence", "error")

_MIN_WIDTH = 8
_MAX_WIDTH = 60
_BOLD = Font(bold=True)
_HEADING = Font(bold=True, size=12)


def files_header(result: ScanResult) -> list[str]:
    """Column names of the Files sheet, entity type columns included."""
    return [*FILES_HEADER_FIXED, *entity_columns(result), *FILES_HEADER_TAIL]


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
    else:
        cell.value = value
    return cell


def parse_modified(value: str | None) -> datetime | str | None:
    """ISO 8601 timestamp -> naive UTC datetime (Excel has no time zones).

    Returns the original string if it does not parse, so the value is still
    shown (as text) rather than lost.
    """
    if not value:
        return None
    try:
        # fromisoformat in 3.11 accepts a trailing "Z" and offsets.
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _join(items: Iterable[str], sep: str = "; ") -> str | None:
    joined = sep.join(items)
    return joined or None


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
            else:
                # Multi-line values are as wide as their longest line.
                length = max(len(line) for line in str(cell.value).splitlines() or [""])
            widths[cell.column] = max(widths.get(cell.column, 0), length)
    for column, length in widths.items():
        width = min(max(length + 2, _MIN_WIDTH), _MAX_WIDTH)
        ws.column_dimensions[get_column_letter(column)].width = width


def _heading(ws: Worksheet, row: int, text: str) -> int:
    put(ws, row, 1, text).font = _HEADING
    return row + 1


def _summary_sheet(ws: Worksheet, result: ScanResult) -> None:
    scan = result.scan
    totals = compute_totals(result)
    row = _heading(ws, 1, "Scan")
    rows: list[tuple[str, Any]] = [
        ("tool", scan.tool),
        ("version", scan.version),
        ("started", scan.started),
        ("finished", scan.finished),
        ("roots", _join(scan.roots, "\n")),
        ("files seen", scan.files_seen),
        ("files scanned", scan.files_scanned),
        ("errors", scan.errors),
        ("files with personal data", scan.files_with_personal_data),
        ("files with findings", totals.files_with_findings),
        ("unprotected files with personal data", totals.unprotected_personal_data),
        ("walk errors", len(scan.walk_errors)),
    ]
    row = _write_rows(ws, rows, row)
    for cell in ws["A"]:
        cell.font = _BOLD

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
    for cell in ws["B"]:
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    _size_columns(ws)


def _file_row(record: FileResult, columns: Sequence[str]) -> list[Any]:
    return [
        record.path,
        record.root,
        record.size,
        parse_modified(record.modified),
        record.mime,
        record.protection,
        record.protection_detail,
        record.status,
        *(record.entities.get(name, 0) for name in columns),
        total_entities(record),
        _join(record.special_categories),
        _join(record.flags),
        _join(evidence_lines(record)),
        record.error,
    ]


def _files_sheet(ws: Worksheet, result: ScanResult) -> None:
    columns = entity_columns(result)
    header = files_header(result)
    _write_rows(ws, [header])
    for cell in ws[1]:
        cell.font = _BOLD
    _write_rows(ws, (_file_row(record, columns) for record in result.files), start=2)
    # Keep the header visible and let the DPO filter any column.
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 1)}"
    _size_columns(ws)


def _walk_errors_sheet(ws: Worksheet, result: ScanResult) -> None:
    _write_rows(ws, [("root", "path", "error")])
    for cell in ws[1]:
        cell.font = _BOLD
    _write_rows(ws, ((e.root, e.path, e.error) for e in result.scan.walk_errors), start=2)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:C{max(ws.max_row, 1)}"
    _size_columns(ws)


def render_xlsx(result: ScanResult) -> bytes:
    """Return report.xlsx as bytes: sheets Summary, Files and Walk errors."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    _summary_sheet(summary, result)
    _files_sheet(workbook.create_sheet("Files"), result)
    _walk_errors_sheet(workbook.create_sheet("Walk errors"), result)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(result: ScanResult, path: Path) -> None:
    """Write report.xlsx for ``result`` to ``path`` (private, atomic)."""
    write_private_bytes(path, render_xlsx(result))
