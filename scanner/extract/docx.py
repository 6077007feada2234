"""Word documents (DOCX) with python-docx: body, tables, headers and footers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from scanner.extract.base import ExtractedText, Limits, TextBuffer


def _cell_text(cell: object) -> str:
    parts = [p.text for p in cell.paragraphs]  # type: ignore[attr-defined]
    # A table inside a cell is rare; its text joins the cell's rather than the grid.
    for nested in cell.tables:  # type: ignore[attr-defined]
        parts.extend(" ".join(row) for row in _table_rows(nested))
    return " ".join(" ".join(parts).split())


def _table_rows(table: Table) -> Iterator[list[str]]:
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans: keep one.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(_cell_text(cell))
        if any(cells):
            yield cells


def _add_blocks(buffer: TextBuffer, container: object, name: str) -> bool:
    """Add a body's or header's paragraphs and tables in document order; False once full."""
    for number, block in enumerate(container.iter_inner_content()):  # type: ignore[attr-defined]
        if isinstance(block, Paragraph):
            if block.text and not buffer.add(block.text):
                return False
        elif isinstance(block, Table):
            if not buffer.add_table(f"{name} table {number + 1}", _table_rows(block)):
                return False
    return True


def extract_docx(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text of a DOCX: headers, body paragraphs and tables in order, then footers.

    Tables are recorded as :class:`~scanner.extract.base.TableData` as well, so a
    register kept as a Word table is judged by its columns.
    """
    document = docx.Document(handle)
    buffer = TextBuffer(limits.max_text_chars)
    seen_parts: set[int] = set()

    def headers_or_footers(kind: str) -> Iterator[object]:
        for section in document.sections:
            for name in (kind, f"first_page_{kind}", f"even_page_{kind}"):
                part = getattr(section, name)
                # Sections linked to the previous one share its header: read it once.
                if part.is_linked_to_previous or id(part.part) in seen_parts:
                    continue
                seen_parts.add(id(part.part))
                yield part

    containers = [
        *((part, "header") for part in headers_or_footers("header")),
        (document, "body"),
        *((part, "footer") for part in headers_or_footers("footer")),
    ]
    for container, name in containers:
        if not _add_blocks(buffer, container, name):
            break
    return buffer.result()
