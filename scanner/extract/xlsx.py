"""Excel workbooks (XLSX/XLSM) with openpyxl in read-only mode: every sheet, row by row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import BinaryIO

import openpyxl

from scanner.extract.base import ExtractedText, Limits, TextBuffer


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


def _rows(sheet: object) -> Iterator[list[str]]:
    for row in sheet.iter_rows(values_only=True):  # type: ignore[attr-defined]
        cells = [format_cell(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            yield cells


def extract_xlsx(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text of every sheet, sheets separated by a blank line.

    Each row is one line of tab-separated cell values, as a person would read them.
    """
    workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    buffer = TextBuffer(limits.max_text_chars)
    try:
        for sheet in workbook.worksheets:
            # A blank line between sheets ends one table before the next begins.  Sheet
            # titles stay out of the text: spaCy takes "Sheet" or "Budget" for a name.
            if sheet is not workbook.worksheets[0] and not buffer.add(""):
                break
            if not buffer.add_table(sheet.title, _rows(sheet)):
                break
    finally:
        workbook.close()
    return buffer.result()
