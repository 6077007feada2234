"""Excel binary workbooks (XLSB): every sheet, row by row, with python-calamine.

An .xlsb is a zip of binary parts ([MS-XLSB]); openpyxl cannot read it, calamine can, and
gives the same text as for an .xlsx (:func:`dpscan.scanner.extract.xlsx.read_calamine`).
calamine holds a whole sheet in memory and allocates the bounding box of its cells before
the first row, so each worksheet part is checked first, without calamine: its size once
decompressed, and the rows and columns its cell records name (a small file with cells in
A1 and XFD1048576 would ask for hundreds of GB).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from dpscan.model.extraction import ExtractedText, Limits, UnreadableContent
from dpscan.scanner.extract.xlsx import (
    CALAMINE_MAX_CELLS,
    CALAMINE_MAX_FILE_BYTES,
    CALAMINE_MAX_XML_BYTES,
    read_calamine,
)

# Record types of [MS-XLSB] 2.3.2 that give a position: a row header (its row) and the
# cell records (their column): BrtCellBlank .. BrtFmlaError, the short cells, BrtCellRString.
_ROW_HEADER = 0x0000
_CELL_RECORDS = frozenset({*range(0x01, 0x13), 0x3E})
# Worksheet parts, as Excel names them (xl/worksheets/ also holds binaryIndexN.bin), in
# lower case; and the relationships that name the parts calamine reads as sheets.
_WORKSHEET = re.compile(r"xl/worksheets/sheet[^/]*\.bin")
_WORKBOOK_RELS = "xl/_rels/workbook.bin.rels"
_SHEET_TYPES = frozenset({"worksheet", "macrosheet", "dialogsheet", "chartsheet"})
_MAX_RELS_BYTES = 4 * 1024 * 1024
_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                       huge_tree=False)


def extract_xlsb(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text of every sheet, sheets separated by a blank line, each sheet a table."""
    size = handle.seek(0, 2)
    if size > CALAMINE_MAX_FILE_BYTES:
        raise UnreadableContent(
            f"binary workbook of {size // (1024 * 1024)} MiB: only workbooks up to "
            f"{CALAMINE_MAX_FILE_BYTES // (1024 * 1024)} MiB are read (its reader holds "
            f"a whole sheet in memory)")
    handle.seek(0)
    with zipfile.ZipFile(handle) as package:
        for part in _sheet_parts(package):
            _check_sheet(package, part)
    return read_calamine(handle, limits)


def _sheet_parts(package: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The parts calamine would load as sheets: those the workbook's relationships name
    (whatever they are called), and any part named like a worksheet."""
    by_name = {part.filename.lower(): part for part in package.infolist()}
    wanted = {name for name in by_name if _WORKSHEET.fullmatch(name)}
    rels = by_name.get(_WORKBOOK_RELS)
    if rels is not None:
        if rels.file_size > _MAX_RELS_BYTES:
            raise UnreadableContent("workbook relationships too large")
        try:
            root = etree.fromstring(package.read(rels), parser=_XML)
        except etree.XMLSyntaxError as exc:
            raise UnreadableContent("workbook relationships are not well-formed XML") from exc
        for relation in root:
            target = str(relation.get("Target") or "")
            if str(relation.get("Type") or "").rsplit("/", 1)[-1].lower() in _SHEET_TYPES:
                wanted.add(posixpath.normpath(
                    target.lstrip("/") if target.startswith("/") else f"xl/{target}").lower())
    return [by_name[name] for name in sorted(wanted) if name in by_name]


def _check_sheet(package: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Raise :class:`UnreadableContent` when the worksheet ``part`` is too large to load."""
    if part.file_size > CALAMINE_MAX_XML_BYTES:
        raise UnreadableContent(f"worksheet part of {part.file_size:,} bytes: too large")
    with package.open(part) as stream:
        data = stream.read(CALAMINE_MAX_XML_BYTES + 1)
    if len(data) > CALAMINE_MAX_XML_BYTES:  # the directory understated it
        raise UnreadableContent("worksheet part larger than its zip entry says: too large")
    rows = columns = None
    for kind, start, end in _records(data):
        if kind == _ROW_HEADER and end - start >= 4:
            row = int.from_bytes(data[start:start + 4], "little")
            rows = (row, row) if rows is None else (min(rows[0], row), max(rows[1], row))
        elif kind in _CELL_RECORDS and end - start >= 4:
            column = int.from_bytes(data[start:start + 4], "little")
            columns = (column, column) if columns is None else (
                min(columns[0], column), max(columns[1], column))
    if rows and columns:
        cells = (rows[1] - rows[0] + 1) * (columns[1] - columns[0] + 1)
        if cells > CALAMINE_MAX_CELLS:
            raise UnreadableContent(
                f"a sheet whose cells span {cells:,} positions: more than "
                f"{CALAMINE_MAX_CELLS:,} are not read")


def _records(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(record type, body start, body end) of each record of a part ([MS-XLSB] 2.1.4:
    a type of one or two 7-bit bytes, a size of one to four, then the body)."""
    position, length = 0, len(data)
    while position < length:
        kind, position = _varint(data, position, 2)
        size, position = _varint(data, position, 4)
        end = position + size
        if end > length:
            raise UnreadableContent("binary workbook part cut short")
        yield kind, position, end
        position = end


def _varint(data: bytes, position: int, most: int) -> tuple[int, int]:
    value = 0
    for index in range(most):
        if position >= len(data):
            raise UnreadableContent("binary workbook part cut short")
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            return value, position
    return value, position
