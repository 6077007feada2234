"""Excel workbooks (XLSX/XLSM): every sheet, row by row.

Two readers give the same text:

- :func:`read_calamine` (python-calamine, Rust) is about 15 times faster, but it loads
  a whole sheet into memory, so it reads only workbooks of at most
  :data:`CALAMINE_MAX_FILE_BYTES` on disk in which :func:`_calamine_unsafe` found
  nothing it would show differently or could not hold;
- :func:`_read_openpyxl` (openpyxl in read-only mode) streams row by row: it reads the
  rest, and any workbook calamine fails on.  Its exception is the file's error when it
  fails too.

Where the two still differ (the text given is calamine's; none of these comes from
Excel, LibreOffice or openpyxl writing in the ordinary way):

- an integer of more than 15 digits above 2**53 (Excel keeps 15): calamine reads it as
  a float, ``12345678901234567890`` gives ``12345678901234567168``;
- a date-formatted serial that is negative, after 31/12/9999, or less than half a
  millisecond short of a whole day within the epoch's first day: openpyxl gives an
  earlier date or ``#VALUE!``, calamine a time of day or the number;
- the number format ``*d0`` (``*`` repeats the next character): a date to openpyxl
  only;
- a damaged or non-conforming package that openpyxl rejects (a part it reads and
  calamine does not, such as the theme, with a bad checksum; XML that is not well
  formed; an invalid style) or misreads (a wrong namespace, an unknown cell type, rows
  out of order): calamine, which is lenient, often gives text where openpyxl gave an
  error or less text.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from typing import IO, BinaryIO

import openpyxl
import python_calamine
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from dpscan.model.extraction import (
    MIB,
    ExtractedText,
    Limits,
    TextBuffer,
    is_content_failure,
    kept_rows,
)

# Larger workbooks go to openpyxl, which streams: calamine holds a whole sheet in memory.
CALAMINE_MAX_FILE_BYTES = 20 * MIB
# calamine allocates every cell of a sheet's bounding box (about 32 bytes each) before
# giving the first row: a small file with cells in A1 and XFD1048576 would ask for
# hundreds of GB, and a failed allocation in Rust aborts the process.
CALAMINE_MAX_CELLS = 10_000_000
# Decompressed XML (worksheets, shared strings, styles) beyond which openpyxl streams.
CALAMINE_MAX_XML_BYTES = 256 * MIB

_CHUNK = 1 * MIB
_HEAD = 4096
# The root element of a package part, and the parts the check reads.
_ROOT = re.compile(rb"<(?![?!])(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_SCANNED = {b"worksheet", b"dialogsheet", b"macrosheet", b"chartsheet", b"sst", b"styleSheet"}
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix (x:c, x:t)
# What calamine shows differently from openpyxl, in the XML of a sheet or of the shared
# strings.  The fast forms start with a literal and fit the way Excel, LibreOffice and
# openpyxl write; a namespace prefix (<x:c>, <x:t>) takes the slower general forms.
_PREFIXED = re.compile(rb":[ct][\s/>]")
# - an error cell (t="e"): calamine gives an empty cell, openpyxl the code (#N/A);
_ERROR_CELL = re.compile(rb"""t=["']e["']""")
# - an _xHHHH_ escape: calamine decodes it (_x000D_ is a carriage return), openpyxl not;
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")
# - text in a <t> without xml:space="preserve" that starts or ends with white space:
#   calamine trims it, openpyxl keeps it.
_TRIMMED = re.compile(rb"<t(?:\s(?![^>]*preserve)[^>]*)?>(?:\s|[^<]*+(?<=\s)</t>)")
_TRIMMED_PREFIXED = re.compile(
    rb"<" + _PREFIX + rb"t(?:\s(?![^>]*preserve)[^>]*)?>(?:\s|[^<]*+(?<=\s)</)"
)
# A cell and its reference (A1 style, in capitals as Excel writes them): the fast forms
# (the reference first: its column, its row), a cell not in that form, and any form
# (a cell without a reference gives empty groups).
_COLUMN_FAST = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_ROW_FAST = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_CELL_NOT_FAST = re.compile(rb'<c(?! r="[A-Z])[\s/>]')
_CELL = re.compile(
    rb"<" + _PREFIX + rb"""c(?=[\s/>])(?:[^>]*?\sr\s*=\s*["']([A-Z]{1,3})([0-9]{1,7})["'])?"""
)
_DIMENSION = re.compile(rb"<" + _PREFIX + rb"""dimension\s[^>]*?\bref\s*=\s*["']([^"']*)["']""")
_SHEET_DATA = re.compile(rb"<" + _PREFIX + rb"sheetData[\s/>]")
# Built-in East Asian date formats: dates to calamine (and Excel), numbers to openpyxl.
_ASIAN_DATE_FORMAT = re.compile(rb"""numFmtId\s*=\s*["'](?:2[7-9]|3[0-6]|5[0-8])["']""")


def format_cell(value: object) -> str:
    """A cell value as a person would read it (UK dates: day first)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def extract_xlsx(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text of every sheet, sheets separated by a blank line.

    Each row is one line of tab-separated cell values, as a person would read them.
    """
    size = handle.seek(0, io.SEEK_END)
    handle.seek(0)
    if size <= CALAMINE_MAX_FILE_BYTES:
        data = handle.read()
        handle.seek(0)
        if _calamine_unsafe(data) is None:
            try:
                return read_calamine(io.BytesIO(data), limits)
            except BaseException as exc:  # noqa: BLE001 - a panic too: openpyxl reads it or fails
                if not is_content_failure(exc):
                    raise
                handle.seek(0)
    return _read_openpyxl(handle, limits)


def _read_openpyxl(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Every sheet with openpyxl in read-only mode, streamed row by row."""
    # keep_links=False: links to other workbooks hold no text of this one, and openpyxl
    # fails (KeyError) on a DDE link, which Excel writes without a relationships part.
    workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_links=False)
    buffer = TextBuffer(limits.max_text_chars)
    try:
        for sheet in workbook.worksheets:
            # A blank line between sheets ends one table before the next begins.  Sheet
            # titles stay out of the text: spaCy takes "Sheet" or "Budget" for a name.
            if sheet is not workbook.worksheets[0] and not buffer.add(""):
                break
            if not buffer.add_table(sheet.title, _openpyxl_rows(sheet)):
                break
    finally:
        workbook.close()
    return buffer.result()


def _openpyxl_rows(sheet: ReadOnlyWorksheet) -> Iterator[list[str]]:
    # The stubs give ReadOnlyWorksheet Worksheet's iter_rows with a Worksheet self.
    rows = sheet.iter_rows(values_only=True)  # type: ignore[misc]
    return kept_rows([format_cell(v) for v in row] for row in rows)


def read_calamine(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Every sheet with python-calamine: the same text as :func:`_read_openpyxl`.

    Hidden and very hidden sheets are read, as openpyxl reads them; chart sheets have no
    cells, and openpyxl does not list them among the worksheets.  One sheet is in memory
    at a time, and a sheet after the one that fills the text buffer is not loaded.
    """
    handle.seek(0)
    workbook = python_calamine.CalamineWorkbook.from_filelike(handle)
    buffer = TextBuffer(limits.max_text_chars)
    try:
        first = True
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.typ == python_calamine.SheetTypeEnum.ChartSheet:
                continue
            # A blank line between sheets, as _read_openpyxl writes.
            if not first and not buffer.add(""):
                break
            first = False
            sheet = workbook.get_sheet_by_index(index)
            if not buffer.add_table(meta.name, _calamine_rows(sheet)):
                break
            del sheet  # one sheet in memory at a time
    finally:
        workbook.close()
    return buffer.result()


def _calamine_rows(sheet: python_calamine.CalamineSheet) -> Iterator[list[str]]:
    # calamine leaves out the empty rows and columns before the first cell; openpyxl
    # starts every row at column A (leading empty rows are dropped anyway).  Values, as
    # format_cell shows them, are openpyxl's: a number is a float (a whole one shows
    # without ".0", as openpyxl's int), a date-formatted serial a date (at midnight),
    # datetime, time or timedelta, a boolean a bool, a formula its cached value, and an
    # empty cell or a formula without a cached value "".  An error cell is "" too
    # (openpyxl: "#N/A"): _calamine_unsafe sends those workbooks to openpyxl.
    start = sheet.start
    pad = [""] * start[1] if start else []
    # Rows are converted one at a time; text (most cells, and "" for an empty one) needs
    # no formatting.
    return kept_rows(pad + [v if v.__class__ is str else format_cell(v) for v in row]
                     for row in sheet.iter_rows())


def _calamine_unsafe(data: bytes) -> str | None:
    """Why calamine should not read this workbook, or None when it gives openpyxl's text.

    Reads the package's worksheets, shared strings and styles (told by their root
    element, wherever they are) and stops at the first reason: something calamine shows
    differently (an error cell, an ``_xHHHH_`` escape, white space it trims, an East
    Asian date format), cells outside a sheet's ``<dimension>`` (openpyxl in read-only
    mode leaves them out) or without a reference, a sheet's bounding box of more than
    :data:`CALAMINE_MAX_CELLS` cells, more than :data:`CALAMINE_MAX_XML_BYTES` of XML,
    or a package zipfile cannot read (openpyxl then gives the error).
    """
    if not data.startswith(b"PK"):
        return "not a zip package"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget = CALAMINE_MAX_XML_BYTES
            for info in archive.infolist():
                if not info.filename.lower().endswith(".xml"):
                    continue
                with archive.open(info) as part:
                    head = part.read(_HEAD)
                    root = _ROOT.search(head)
                    if root is None and head.strip():
                        # UTF-16, or a root element after 4 KB: not told apart here.
                        return f"{info.filename}: no root element in its first bytes"
                    if root is None or root.group(1) not in _SCANNED:
                        continue
                    kind = root.group(1)
                    reason, budget = _scan_part(part, head, budget, kind)
                if reason:
                    return f"{info.filename}: {reason}"
    except Exception as exc:  # noqa: BLE001 - a broken package: openpyxl names the error
        return f"unreadable package: {exc!r}"
    return None


def _scan_part(part: IO[bytes], head: bytes, budget: int,
               kind: bytes) -> tuple[str | None, int]:
    """Scan one XML part in chunks; the reason found (or None) and the budget left."""
    sheet = _SheetCheck() if kind not in (b"sst", b"styleSheet") else None
    carry = b""
    chunk = head
    while True:
        budget -= len(chunk)
        if budget < 0:
            return "xml too large", budget
        buffer = carry + chunk
        if chunk:
            # Keep the last two tags for the next round: a match may span one "<".
            cut = max(buffer.rfind(b"<", 0, max(buffer.rfind(b"<"), 0)), 0)
            text, carry = buffer[:cut], buffer[cut:]
        else:
            text, carry = buffer, b""
        if kind == b"styleSheet":
            reason = "east asian date format" if _ASIAN_DATE_FORMAT.search(text) else None
        else:
            prefixed = _PREFIXED.search(text) is not None
            reason = _differs(text, prefixed) or (sheet.add(text, prefixed) if sheet else None)
        if reason or not chunk:
            return reason, budget
        chunk = part.read(_CHUNK)


def _differs(text: bytes, prefixed: bool) -> str | None:
    """What calamine would show differently from openpyxl in this text, if anything."""
    if _ERROR_CELL.search(text):
        return "error cell"
    if b"_x" in text and _ESCAPE.search(text):
        return "escaped character"
    if (_TRIMMED_PREFIXED if prefixed else _TRIMMED).search(text):
        return "white space calamine trims"
    return None


class _SheetCheck:
    """Where a sheet's cells are, chunk by chunk.

    openpyxl (read-only) leaves out the cells outside the ``<dimension>`` that comes
    before ``<sheetData>``; calamine allocates the cells' whole bounding box.  With a
    dimension of at most :data:`CALAMINE_MAX_CELLS`, a search for a reference outside it
    is enough (fast); without one, or with a larger one, every reference is read.
    """

    def __init__(self) -> None:
        self.in_data = False
        self.dimension: tuple[int, int] | None = None
        self.outside: re.Pattern[bytes] | None = None
        self.min_row = self.max_row = 0
        self.min_col = self.max_col = 0
        self._columns: dict[bytes, int] = {}

    def add(self, text: bytes, prefixed: bool) -> str | None:
        if not self.in_data:
            data_tag = _SHEET_DATA.search(text)
            found = _DIMENSION.search(text, 0, data_tag.start() if data_tag else len(text))
            if found and self.dimension is None:
                try:
                    _, _, max_col, max_row = range_boundaries(found.group(1).decode())
                except Exception:  # noqa: BLE001 - openpyxl makes of it what it can
                    return "bad dimension"
                if max_col is None or max_row is None:
                    return "bad dimension"
                self.dimension = (max_row, max_col)
                if max_row * max_col <= CALAMINE_MAX_CELLS:
                    self.outside = _outside(max_row, max_col)
            self.in_data = data_tag is not None
        if not prefixed and self.outside is not None:
            # One search finds a cell outside the dimension or one not in the fast form.
            found = self.outside.search(text)
            if found is None:
                return None
            if found.group().startswith(b'<c r="'):
                return "cells outside the dimension"
        if not prefixed and _CELL_NOT_FAST.search(text) is None:
            return self._add(_COLUMN_FAST.findall(text), _ROW_FAST.findall(text))
        refs = _CELL.findall(text)
        return self._add(*zip(*refs, strict=True)) if refs else None

    def _add(self, columns: Sequence[bytes], row_numbers: Sequence[bytes]) -> str | None:
        if not row_numbers:
            return None
        if b"" in row_numbers or len(columns) != len(row_numbers):
            return "cell without a reference"
        rows = list(map(int, row_numbers))
        self.max_row = max(self.max_row, max(rows))
        self.min_row = min(self.min_row or rows[0], min(rows))
        for col in set(columns) - self._columns.keys():
            number = self._columns[col] = column_index_from_string(col.decode())
            self.min_col = min(self.min_col or number, number)
            self.max_col = max(self.max_col, number)
        if self.dimension is not None and (self.max_row > self.dimension[0]
                                           or self.max_col > self.dimension[1]):
            return "cells outside the dimension"
        area = (self.max_row - self.min_row + 1) * (self.max_col - self.min_col + 1)
        if area > CALAMINE_MAX_CELLS:
            return "too many cells"
        return None


@functools.lru_cache(maxsize=256)
def _outside(max_row: int, max_col: int) -> re.Pattern[bytes]:
    """A search for a <c r="..."> past row ``max_row`` or column ``max_col``, or for a
    cell not written <c r="A1"> (as ``_CELL_NOT_FAST``)."""
    column = _greater(get_column_letter(max_col), "A", "Z")
    row = _greater(str(max_row), "0", "9")
    return re.compile(rf'<c(?:(?! r="[A-Z])[\s/>]| r="(?:{column}[0-9]|[A-Z]+{row}"))'.encode())


def _greater(value: str, low: str, high: str) -> str:
    """A pattern for the strings over ``low``-``high`` after ``value`` (longer, or as long
    and later in order): columns after "C", rows after "9"."""
    options = [f"[{low}-{high}]{{{len(value) + 1},}}"]
    for index, char in enumerate(value):
        if char < high:
            rest = len(value) - index - 1
            options.append(re.escape(value[:index]) + f"[{chr(ord(char) + 1)}-{high}]"
                           + (f"[{low}-{high}]{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(options) + ")"
