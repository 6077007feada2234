"""Plain text and CSV, in whatever encoding the school's software wrote them."""

from __future__ import annotations

import codecs
import csv
import io
from typing import BinaryIO

from charset_normalizer import from_bytes

from dpscan.model.extraction import ExtractedText, Limits, TableData

# Enough bytes for charset detection to be sure; detection over the whole of a
# large file is slow and tells no more.
_DETECT_BYTES = 256 * 1024

# charset-normalizer's names for single-byte Latin code pages.
_LATIN_SINGLE_BYTE = frozenset({
    "cp1250", "cp1252", "cp1254", "cp1257", "cp437", "cp850", "cp858", "latin_1",
    "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13",
    "iso8859_14", "iso8859_15", "iso8859_16", "mac_roman", "mac_latin2", "mac_iceland",
    "mac_turkish",
})

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(sample: bytes) -> str:
    """Best guess at the encoding of ``sample``: BOM, then strict UTF-8, then charset-normalizer."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
    best = from_bytes(sample).best()
    if best is None or best.encoding in _LATIN_SINGLE_BYTE:
        # Short Western text is ambiguous among the Latin code pages (a "£" reads as
        # "Ł" in cp1250).  Windows in a UK school writes cp1252, so it wins among them.
        try:
            sample.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return best.encoding if best is not None else "cp1252"


def extract_text(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Decode a text file (TXT, CSV, TSV, logs ...) up to ``limits.max_text_chars``."""
    max_chars = limits.max_text_chars
    sample = handle.read(_DETECT_BYTES)
    encoding = detect_encoding(sample)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    parts = [decoder.decode(sample)]
    size = len(parts[0])
    truncated = False
    while size <= max_chars:
        block = handle.read(1024 * 1024)
        if not block:
            parts.append(decoder.decode(b"", final=True))
            break
        parts.append(decoder.decode(block))
        size += len(parts[-1])
    text = "".join(parts)
    if len(text) > max_chars or size > max_chars:
        text, truncated = text[:max_chars], True
    table = delimited_table(text)
    tables = [TableData(name="table", rows=table, start=0, end=len(text))] if table else []
    return ExtractedText(text=text, truncated=truncated, tables=tables)


# Lines looked at to decide whether a text file is a delimited table.
_SNIFF_LINES = 30
_MAX_HEADER_CHARS = 60


def delimited_table(text: str) -> list[list[str]] | None:
    """Rows of ``text`` when it is a delimited table (CSV, TSV, ...), else None.

    Decided by content, not name: exports saved as .txt are tables too, and a .csv
    holding a letter is not.  Each of the delimiters in :data:`_DELIMITERS` that the first
    line holds is tried by parsing the first lines (``csv`` with its usual double quotes);
    the table must have two or more columns and keep its column count on most lines.
    """
    lines = [line for line in text.splitlines()[:_SNIFF_LINES] if line.strip()]
    if len(lines) < 2:
        return None
    delimiter = _steadiest_delimiter(lines)
    if delimiter is None:
        return None
    try:
        return [
            [cell.strip() for cell in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                                  skipinitialspace=True)
            if any(cell.strip() for cell in row)
        ]
    except csv.Error:
        return None


# Delimiters of the tables schools export: comma, tab, semicolon (European Excel), pipe.
_DELIMITERS = ",\t;|"


def _steadiest_delimiter(lines: list[str]) -> str | None:
    """The delimiter that splits ``lines`` into the steadiest table with a header, or None.

    csv.Sniffer did this before, but it counts every ASCII character on every line: it was
    a third of the time of a small text file's whole scan.
    """
    best: tuple[tuple[int, int], str] | None = None
    for delimiter in _DELIMITERS:
        if delimiter not in lines[0]:
            continue  # a header names its columns, so it holds the delimiter
        try:
            # skipinitialspace: `Name, Address` exports quote a cell after the space.
            rows = list(csv.reader(lines, delimiter=delimiter, skipinitialspace=True))
        except csv.Error:
            continue
        header = [cell.strip() for cell in rows[0]]
        steady = sum(1 for row in rows if len(row) == len(header))
        if len(header) < 2 or steady < 0.8 * len(rows) or not _is_header(header):
            continue
        if best is None or (steady, len(header)) > best[0]:
            best = ((steady, len(header)), delimiter)
    return best[1] if best else None


def _is_header(cells: list[str]) -> bool:
    """True when ``cells`` read as column names.  A header names its columns briefly;
    prose with a comma per line ("Dear parents,") has blank or sentence-long "headings"."""
    named = [cell for cell in cells if cell]
    return len(named) >= 0.8 * len(cells) and max(len(cell) for cell in named) <= _MAX_HEADER_CHARS
