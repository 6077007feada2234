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

Written with XlsxWriter (five times faster than building the sheets as openpyxl
cell objects); openpyxl stays for :func:`put`, which the subject access report
builds with.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO, cast

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet as SheetWriter

from dpscan import __version__
from dpscan.model.ids import FORMULA_PREFIXES, Flag
from dpscan.model.records import FileResult, ScanResult
from dpscan.model.views import RecordView
from dpscan.model.wording import counted
from dpscan.reports._output import open_private
from dpscan.reports._summary import (
    UNMASKED_EVIDENCE_WARNING,
    People,
    action_list,
    change_counts,
    change_rows,
    copy_groups,
    entity_columns,
    incomplete_reason,
    reason_text,
    record_people,
    review_status,
    reviewed_files,
    setting_text,
    shows_evidence,
    total_entities,
    totals_and_counts,
)
from dpscan.reports._table import (
    ALL_FILES_FIXED,
    all_files_header,
    all_files_row,
    due_date,
    join,
    parse_modified,
)
from dpscan.reports.advice import FLAG_ADVICE, advice_for, flags_by_urgency

# Leading characters that make Excel, LibreOffice or a CSV import treat a
# cell as a formula (OWASP "CSV injection"); tab and CR are included because
# some importers strip them and then see the next character.

# Excel's last row; a list sheet holds its header and this many rows below it.
EXCEL_MAX_ROWS = 1_048_576
MAX_BODY_ROWS = EXCEL_MAX_ROWS - 1
# Rows of a list sheet its column widths are fitted to.
WIDTH_SAMPLE_ROWS = 2_000

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
SEVERITY_COLOURS: dict[str, str] = {
    "critical": "#F4B6B0",
    "high": "#FAD7B5",
    "medium": "#FFF2C2",
    "low": "#E4E7EB",
}

_MIN_WIDTH = 8
_MAX_WIDTH = 60
_WARNING_COLUMNS = 10  # a warning line is merged across columns A to J
# Characters of a SHA-256 shown to tell groups of copies apart (the full value is in JSON).
SHA256_PREFIX = 16
# Points per line of wrapped 11 pt text.
_LINE_HEIGHT = 15
# Sheets with more columns than this print at their own size (landscape, header row on
# every page); narrower ones are shrunk to one page wide so a printed list or a PDF keeps
# each row on one page.
_FIT_TO_WIDTH_MAX_COLUMNS = 16
# Cell styles, as XlsxWriter format properties.
_BOLD = {"bold": True}
_HEADING = {"bold": True, "font_size": 12}
_TOP = {"valign": "top"}
_WRAP_TOP = {"valign": "top", "text_wrap": True}
_WARNING = {"bold": True, "font_size": 12, "font_color": "#B42318", "pattern": 1,
            "bg_color": "#FDECEA", "valign": "top", "text_wrap": True}


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
    # The sheets written here merge no cells, so this is never a read-only MergedCell.
    cell = cast(Cell, ws.cell(row=row, column=column))
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


@dataclass(frozen=True, slots=True)
class CellFormats:
    """One cell style's Formats: as it is, with Excel's quote prefix (text that starts like
    a formula), and for a timestamp or a date."""

    plain: Format
    quoted: Format
    timestamp: Format
    day: Format


class _Book:
    """An XlsxWriter workbook with one shared Format per distinct set of properties."""

    def __init__(self, target: BinaryIO, scratch: str) -> None:
        self.workbook = xlsxwriter.Workbook(target, {
            # Each row goes to its sheet's temporary file as it is written, so a workbook of
            # a million files is never held whole.  Those files hold the sheets' rows: they
            # go in ``scratch``, a private folder the caller removes whatever happens.
            "constant_memory": True,
            "tmpdir": scratch,
            # Text is text: never turned into a formula, a number or a link.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        })
        # Marks the workbook as dpscan's, so a copy found in a share is flagged as a report.
        self.workbook.set_custom_property("dpscan_report", __version__)
        self._formats: dict[tuple[tuple[str, Any], ...], Format] = {}
        self._cell_formats: dict[tuple[tuple[str, Any], ...], CellFormats] = {}

    def format(self, **properties: Any) -> Format:
        """The workbook's Format for ``properties`` (created once)."""
        key = tuple(sorted(properties.items()))
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = self.workbook.add_format(properties)
        return found

    def cell_formats(self, style: dict[str, Any]) -> CellFormats:
        """The Formats a cell of ``style`` may need, made once (a list sheet writes a
        million cells with a few styles)."""
        key = tuple(sorted(style.items()))
        found = self._cell_formats.get(key)
        if found is None:
            found = self._cell_formats[key] = CellFormats(
                plain=self.format(**style),
                quoted=self.format(**style, quote_prefix=True),
                timestamp=self.format(**style, num_format=DATETIME_FORMAT),
                day=self.format(**style, num_format=DATE_FORMAT),
            )
        return found

    def write_cell(self, ws: SheetWriter, row: int, column: int, value: Any,
                   formats: CellFormats) -> None:
        """:meth:`write` with the cell's Formats made beforehand (:meth:`cell_formats`).

        An empty value writes nothing: a list sheet's blank cells (most of the entity
        columns) would be half of a large workbook, and an empty cell looks the same.
        """
        if isinstance(value, str):
            text = clean_text(value)
            if not text:
                return
            if text.startswith(FORMULA_PREFIXES):
                ws.write_string(row, column, text, formats.quoted)
            else:
                ws.write_string(row, column, text, formats.plain)
        elif isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(UTC).replace(tzinfo=None)
            ws.write_datetime(row, column, value, formats.timestamp)
        elif isinstance(value, date):
            ws.write_datetime(row, column, value, formats.day)
        elif isinstance(value, bool):
            ws.write_boolean(row, column, value, formats.plain)
        elif isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
            ws.write_number(row, column, value, formats.plain)
        elif value is None:
            return
        else:
            self.write_cell(ws, row, column, str(value), formats)

    def write(self, ws: SheetWriter, row: int, column: int, value: Any,
              style: dict[str, Any] | None = None) -> None:
        """Write ``value`` to the cell at zero-based ``row``, ``column``.

        Strings go in as literal text (:func:`clean_text`), with Excel's quote prefix
        when they start like a formula; dates and times as real date cells.
        """
        properties = dict(style or {})
        if isinstance(value, str):
            text = clean_text(value)
            if not text:  # an empty cell, as filters and COUNTA see it
                if properties:
                    ws.write_blank(row, column, None, self.format(**properties))
                return
            if text.startswith(FORMULA_PREFIXES):
                # The quote prefix is what makes Excel keep it text after an edit.
                properties["quote_prefix"] = True
            ws.write_string(row, column, text, self.format(**properties))
        elif isinstance(value, datetime):
            properties["num_format"] = DATETIME_FORMAT
            if value.tzinfo is not None:  # Excel has no time zones: UTC, as parse_modified
                value = value.astimezone(UTC).replace(tzinfo=None)
            ws.write_datetime(row, column, value, self.format(**properties))
        elif isinstance(value, date):
            properties["num_format"] = DATE_FORMAT
            ws.write_datetime(row, column, value, self.format(**properties))
        elif isinstance(value, bool):
            ws.write_boolean(row, column, value, self.format(**properties))
        elif isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
            ws.write_number(row, column, value, self.format(**properties))
        elif value is None:
            if properties:
                ws.write_blank(row, column, None, self.format(**properties))
        else:
            self.write(ws, row, column, str(value), style)


def _cell_length(value: Any) -> int:
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    # Multi-line values are as wide as their longest line.
    return max((len(line) for line in clean_text(str(value)).splitlines()), default=0)


def _column_widths(rows: Iterable[Sequence[Any]]) -> dict[int, int]:
    """Zero-based column -> width fitted to the content, within readable bounds."""
    lengths: dict[int, int] = {}
    for row in rows:
        for column, value in enumerate(row):
            if value is not None:
                lengths[column] = max(lengths.get(column, 0), _cell_length(value))
    return {c: min(max(n + 2, _MIN_WIDTH), _MAX_WIDTH) for c, n in lengths.items()}


def _wrapped_height(row: Sequence[Any], wrapped: Iterable[int],
                    widths: dict[int, int]) -> int | None:
    """Points a row needs for its wrapped text, None when one line does.

    Neither LibreOffice nor Excel reliably grows a row for wrapped text it did not
    lay out itself, so without this long advice overlaps the row below.  The line
    count is estimated from the column width in characters.
    """
    lines = 1
    for column in wrapped:
        value = row[column] if column < len(row) else None
        if isinstance(value, str):
            width = max(widths.get(column, _MIN_WIDTH) - 1, 1)
            lines = max(lines, sum(max(1, -(-len(line) // width))
                                   for line in clean_text(value).splitlines()))
    return lines * _LINE_HEIGHT if lines > 1 else None


def _print_setup(ws: SheetWriter, columns: int, *, landscape: bool, title_row: bool) -> None:
    """How the sheet prints (and converts to PDF): orientation, width, repeated header."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(9)  # A4
    if columns <= _FIT_TO_WIDTH_MAX_COLUMNS:
        ws.fit_to_pages(1, 0)  # one page wide, as many pages down as needed
    if title_row:
        ws.repeat_rows(0)


def summary_warnings(result: ScanResult) -> list[str]:
    """Lines the Summary sheet opens with: an incomplete scan, unmasked evidence."""
    warnings = []
    incomplete = incomplete_reason(result)
    if incomplete:
        warnings.append(incomplete)
    if shows_evidence(result):
        warnings.append(UNMASKED_EVIDENCE_WARNING)
    return warnings


class _SummaryLayout:
    """The Summary sheet's cells, laid out first so widths and heights can be fitted."""

    def __init__(self) -> None:
        self.rows: list[list[tuple[Any, dict[str, Any]]]] = []

    @property
    def next_row(self) -> int:
        return len(self.rows)

    def add(self, *cells: tuple[Any, dict[str, Any]]) -> int:
        """Add a row; return its zero-based number."""
        self.rows.append(list(cells))
        return len(self.rows) - 1

    def blank(self) -> None:
        self.rows.append([])

    def heading(self, text: str) -> None:
        self.add((text, {**_HEADING, **_TOP}))

    def pairs(self, rows: Iterable[Sequence[Any]], *, bold_label: bool = False,
              bold: bool = False) -> tuple[int, int]:
        """Label in A, values in B, C...: (first, last) zero-based rows written."""
        first = self.next_row
        label_style = {**(_BOLD if bold_label or bold else {}), **_TOP}
        value_style = {**(_BOLD if bold else {}), **_WRAP_TOP}
        for values in rows:
            self.add((values[0], label_style), *((v, value_style) for v in values[1:]))
        return first, self.next_row - 1


def _summary_sheet(book: _Book, ws: SheetWriter, result: ScanResult) -> None:
    scan = result.scan
    totals, personal = totals_and_counts(result)
    layout = _SummaryLayout()
    warnings = summary_warnings(result)
    for warning in warnings:
        layout.add((warning, _WARNING))
    if warnings:
        layout.blank()
    layout.heading("Scan")
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
        *((str(key), _provenance_cell(value)) for key, value in scan.rules.items()),
    ]
    if scan.scan_id is not None:
        rows += [
            ("catalogue scan", scan.scan_id),
            ("files unchanged since the last scan and not re-read", scan.files_reused),
            ("files deleted since the last scan", scan.files_deleted),
            *((f"files {kind} since the last scan", count) for kind, count in changes.items()),
        ]
    chart_row, _ = layout.pairs(rows, bold_label=True)

    layout.blank()
    layout.heading("Open files with personal data by severity")
    first = layout.next_row
    for severity, count in personal.by_severity.items():
        fill = SEVERITY_COLOURS.get(str(severity))
        label = {**_TOP, **({"pattern": 1, "bg_color": fill} if fill else {})}
        layout.add((severity, label), (count, _WRAP_TOP))
    last = layout.next_row - 1

    sections: list[tuple[str, dict[str, int]]] = [
        ("Files by protection", totals.by_protection),
        ("Files by status", totals.by_status),
        ("Files by flag", totals.flag_counts),
    ]
    for title, counts in sections:
        layout.blank()
        layout.heading(title)
        layout.pairs(counts.items())

    layout.blank()
    layout.heading("Entity totals")
    layout.pairs([("entity type", "total", "files")], bold=True)
    layout.pairs((name, total, totals.entity_files[name])
                 for name, total in totals.entity_totals.items())
    layout.blank()
    layout.heading("What to do about each flag")
    layout.pairs([("flag", "files", "what to do")], bold=True)
    layout.pairs((flag, totals.flag_counts.get(flag, 0), text)
                 for flag, text in FLAG_ADVICE.items())
    if scan.settings:
        layout.blank()
        layout.heading("Settings")
        # As text, numbers grouped: a bare 2147483648 would read as an NHS number.
        layout.pairs((str(k), setting_text(v)) for k, v in scan.settings.items())

    # Fitted to the rows below the (merged, wrapped) warnings, not to them.
    widths = _column_widths([value for value, _ in row] for row in layout.rows[len(warnings):])
    for column, width in widths.items():
        ws.set_column(column, column, width)
    for number, row in enumerate(layout.rows):
        if number < len(warnings):
            (text, style), = row
            ws.set_row(number, 48)
            ws.merge_range(number, 0, number, _WARNING_COLUMNS - 1, "", book.format(**style))
            book.write(ws, number, 0, text, style)
            continue
        height = _wrapped_height([value for value, _ in row], (1, 2), widths)
        if height:
            ws.set_row(number, height)
        for column, (value, style) in enumerate(row):
            book.write(ws, number, column, value, style)
    if last >= first:
        _severity_chart(book, ws, first, last, anchor_row=chart_row)
    _print_setup(ws, _WARNING_COLUMNS if warnings else 3, landscape=False, title_row=False)


def _severity_chart(book: _Book, ws: SheetWriter, first: int, last: int, anchor_row: int) -> None:
    """A bar chart of the Summary's severity rows ``first``..``last`` (labels in A,
    counts in B), beside the scan figures."""
    chart = book.workbook.add_chart({"type": "bar"})  # horizontal bars
    chart.add_series({
        "categories": [ws.name, first, 0, last, 0],
        "values": [ws.name, first, 1, last, 1],
    })
    chart.set_title({"name": "Open files with personal data by severity"})
    chart.set_legend({"none": True})
    # In a bar chart the value axis runs across: "files"; categories read down,
    # critical on top like the action list.
    chart.set_x_axis({"name": "files"})
    chart.set_y_axis({"reverse": True})
    chart.set_size({"width": 491, "height": 246})  # 13 x 6.5 cm
    ws.insert_chart(anchor_row, 4, chart)


# A column of a list sheet: its header and how to get its value from a file record.
Column = tuple[str, Callable[[FileResult], Any]]


def _people_cell(people: People) -> int | str:
    """A number when the people were counted (sortable), "up to N" when added up."""
    return people.up_to if people.counted else people.figure


def _provenance_cell(value: Any) -> str:
    """A provenance value (a path, a hash, a list of folder patterns) as one cell."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    return str(value)


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
# A container's people with its members: a number when counted, "up to N" when added up.
COL_SUBJECTS: Column = ("data_subjects", lambda r: _people_cell(record_people(r)))
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


def _table_sheet(book: _Book, name: str, header: Sequence[str],
                 rows: Iterable[Sequence[Any]]) -> None:
    """A list sheet: bold frozen header, autofilter, severity fills, fitted widths.

    Rows are written as they come (the workbook is in constant-memory mode): the widths
    are fitted to the first :data:`WIDTH_SAMPLE_ROWS` rows, and past Excel's last row the
    rest are counted, not held.
    """
    ws = book.workbook.add_worksheet(name)
    source = iter(rows)
    sample = [list(row) for row in itertools.islice(source, WIDTH_SAMPLE_ROWS)]
    widths = _column_widths([header, *sample])
    for column, width in widths.items():
        ws.set_column(column, column, width)
    # Keep the header visible and let the DPO filter any column.
    ws.freeze_panes(1, 0)
    for column, heading in enumerate(header):
        book.write(ws, 0, column, heading, _BOLD)
    wrapped = [i for i, h in enumerate(header) if h in ("why", "what to do", "reason")]
    severity = header.index("severity") if "severity" in header else None
    # Top-aligned, so a row made tall by wrapped advice still reads across.
    styles = [book.cell_formats(_WRAP_TOP if i in wrapped else _TOP)
              for i in range(len(header))]
    plain = book.cell_formats(_TOP)
    filled = {name: book.cell_formats({**_TOP, "pattern": 1, "bg_color": colour})
              for name, colour in SEVERITY_COLOURS.items()}
    number = 0
    body = itertools.chain(sample, (list(row) for row in source))
    for row in body:
        if number == MAX_BODY_ROWS - 1:
            # Past Excel's last row nothing would be written: say so in the last one.
            left_out = 1 + sum(1 for _ in body)
            number += 1
            book.write(ws, number, 0,
                       f"{counted(left_out, 'more row', grouped=True)} not shown: a sheet "
                       f"holds {EXCEL_MAX_ROWS:,} rows; every file is in findings.json")
            break
        number += 1
        height = _wrapped_height(row, wrapped, widths)
        if height:
            ws.set_row(number, height)
        for column, value in enumerate(row):
            formats = styles[column] if column < len(styles) else plain
            if column == severity and value in filled:
                formats = filled[value]
            book.write_cell(ws, number, column, value, formats)
    ws.autofilter(0, 0, number, max(len(header) - 1, 0))
    _print_setup(ws, len(header), landscape=True, title_row=True)


def _record_sheet(book: _Book, name: str, columns: Sequence[Column],
                  records: Iterable[FileResult]) -> None:
    _table_sheet(
        book,
        name,
        [heading for heading, _ in columns],
        ([get(record) for _, get in columns] for record in records),
    )


# Where the entity type columns start in an "All files" row.
_FIRST_COUNT = len(ALL_FILES_FIXED)


def _without_zero_counts(row: list[Any], counts: int) -> list[Any]:
    """``row`` with its entity counts of 0 left blank: a file holds a few of the twenty
    types, and writing the rest as zeros made most of a large workbook's cells (an empty
    count cell reads, sorts and filters as none)."""
    for column in range(_FIRST_COUNT, _FIRST_COUNT + counts):
        if row[column] == 0:
            row[column] = None
    return row


def _change_rows(result: ScanResult) -> Iterable[list[Any]]:
    for change in change_rows(result):
        record = change.record
        yield [
            change.change,
            change.path,
            change.root,
            record.severity if record else None,
            review_status(record) if record else None,
            _people_cell(record_people(record)) if record else None,
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
    buffer = io.BytesIO()
    write_xlsx_to(result, buffer)
    return buffer.getvalue()


def write_xlsx_to(result: ScanResult, target: BinaryIO) -> None:
    """Write report.xlsx to a binary stream, sheet by sheet and row by row."""
    # mkdtemp: a 0700 folder for XlsxWriter's per-sheet row files, removed even when
    # writing fails part way (Ctrl-C, a full disk) and the workbook is never closed.
    # Named with this process's id, like the record store, so that a folder left by a
    # killed process is swept by the next scan (scanner.record_store.sweep_stale_stores).
    scratch = tempfile.mkdtemp(prefix=f"dpscan-xlsx-{os.getpid()}-")
    try:
        _write_book(result, _Book(target, scratch))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _write_book(result: ScanResult, book: _Book) -> None:
    files = result.files
    records = result.records
    _summary_sheet(book, book.workbook.add_worksheet("Summary"), result)
    _record_sheet(book, "Action list", ACTION_COLUMNS, action_list(result))
    _table_sheet(book, "Changes", CHANGES_HEADER, _change_rows(result))
    # Open files most severe first, then reviewed ones, so every list sheet opens on what
    # matters most (the views of dpscan.model.views).
    _record_sheet(book, "Overdue", OVERDUE_COLUMNS, records.view(RecordView.OVERDUE))
    _record_sheet(book, "Unprotected", UNPROTECTED_COLUMNS,
                  records.view(RecordView.UNPROTECTED))
    _record_sheet(book, "Special category", SPECIAL_COLUMNS, records.view(RecordView.SPECIAL))
    _record_sheet(book, "Unregistered", UNREGISTERED_COLUMNS,
                  records.view(RecordView.UNREGISTERED))
    _record_sheet(book, "Reviewed", REVIEWED_COLUMNS, reviewed_files(result))
    _table_sheet(book, "Duplicates", DUPLICATES_HEADER, _duplicate_rows(result))
    _table_sheet(
        book,
        "Assets",
        ASSET_HEADER,
        ([_asset_value(asset.get(name)) for name in ASSET_HEADER] for asset in result.scan.assets),
    )
    columns = entity_columns(result)
    _table_sheet(book, "All files", files_header(result),
                 (_without_zero_counts(all_files_row(record, columns), len(columns))
                  for record in files))
    errors = itertools.chain(
        (("file", r.root, r.path, r.error) for r in records.view(RecordView.ERRORS)),
        (("folder", e.root, e.path, e.error) for e in result.scan.walk_errors))
    _table_sheet(book, "Errors", ERRORS_HEADER, errors)
    book.workbook.close()


def write_xlsx(result: ScanResult, path: Path) -> None:
    """Write report.xlsx for ``result`` to ``path`` (private, atomic), streaming."""
    with open_private(path) as handle:
        write_xlsx_to(result, handle)
