"""Word documents (DOCX) with python-docx: body, tables, headers and footers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from scanner.extract.base import ExtractedText, TextBuffer


def _table_lines(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans: keep one.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(p.text for p in cell.paragraphs).strip())
            for nested in cell.tables:
                yield from _table_lines(nested)
        yield "\t".join(cells)


def _block_lines(container: object) -> Iterator[str]:
    for block in container.iter_inner_content():  # type: ignore[attr-defined]
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            yield from _table_lines(block)


def extract_docx(handle: BinaryIO, max_chars: int) -> ExtractedText:
    """Text of a DOCX: headers, body paragraphs and tables in order, then footers."""
    document = docx.Document(handle)
    buffer = TextBuffer(max_chars)
    seen_parts: set[int] = set()

    def header_footer_lines(kind: str) -> Iterator[str]:
        for section in document.sections:
            for name in (kind, f"first_page_{kind}", f"even_page_{kind}"):
                part = getattr(section, name)
                # Sections linked to the previous one share its header: read it once.
                if part.is_linked_to_previous or id(part.part) in seen_parts:
                    continue
                seen_parts.add(id(part.part))
                yield from _block_lines(part)

    for line in (*header_footer_lines("header"), *_block_lines(document),
                 *header_footer_lines("footer")):
        if line and not buffer.add(line):
            break
    return buffer.result()
