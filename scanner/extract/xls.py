"""Legacy Excel workbooks (XLS, BIFF5/BIFF8) with xlrd: every sheet, row by row.

xlrd 2.x reads only .xls, which is what this module is for (XLSX goes to openpyxl).
Cells are written as a person reads them, with the house's UK date format; an XLS
date is a number whose epoch depends on the workbook's ``datemode`` (1900 or 1904).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import BinaryIO, Literal, cast

import xlrd
from xlrd.sheet import Cell, Sheet

from dpscan.model.extraction import EncryptedContent, ExtractedText, Limits, TextBuffer, kept_rows
from dpscan.scanner.extract.xlsx import format_cell


def cell_text(cell: Cell, datemode: Literal[0, 1]) -> str:
    """One cell as a person would read it: dates day first, whole numbers without ".0"."""
    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if kind == xlrd.XL_CELL_DATE:
        serial = cast(float, value)  # a date cell holds its serial number
        try:
            moment = xlrd.xldate.xldate_as_datetime(serial, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return format_cell(serial)  # out of any calendar: show the number
        if 0 <= serial < 1:
            return moment.strftime("%H:%M")  # a time of day with no date
        return format_cell(moment)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if kind == xlrd.XL_CELL_ERROR:
        # An error cell holds its error code.
        return xlrd.error_text_from_code.get(cast(int, value), "#ERROR")
    if isinstance(value, str):
        return value
    return format_cell(value)


def sheet_rows(sheet: Sheet, datemode: Literal[0, 1]) -> Iterator[list[str]]:
    """Rows with something in them, trailing blank cells dropped."""
    return kept_rows([cell_text(cell, datemode) for cell in sheet.row(number)]
                     for number in range(sheet.nrows))


class _Discard(io.StringIO):
    """xlrd writes its warnings to a log file (stdout by default); only the CLI prints."""

    def write(self, text: str) -> int:
        return len(text)


def extract_xls(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text of every sheet, sheets separated by a blank line, each sheet a table.

    Raises :class:`EncryptedContent` (``xls_encrypted``) for a password-protected
    workbook; the protection check (msoffcrypto) normally catches it first.
    """
    try:
        # An XLS is at most 65,536 rows by 256 columns per sheet and is bounded by
        # max_file_bytes: xlrd reads it from memory, sheet by sheet (on_demand).
        book = xlrd.open_workbook(file_contents=handle.read(), on_demand=True,
                                  logfile=_Discard(), ragged_rows=True)
    except xlrd.biffh.XLRDError as exc:  # xlrd.XLRDError, which the stubs leave out
        if "encrypted" in str(exc).lower():
            raise EncryptedContent("xls_encrypted") from exc
        raise
    buffer = TextBuffer(limits.max_text_chars)
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            # A blank line ends one table before the next; sheet names stay out of the
            # text (spaCy takes "Sheet" or "Budget" for a name).
            if index and not buffer.add(""):
                break
            if not buffer.add_table(sheet.name, sheet_rows(sheet, book.datemode)):
                break
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return buffer.result()
