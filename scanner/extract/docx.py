"""Word documents (DOCX) with python-docx: body, tables, headers and footers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import BinaryIO

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.part import Part, PartFactory
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from scanner.extract.base import ExtractedText, Limits, TextBuffer

# Parts python-docx parses on opening that the text does not need.  Word's styles.xml
# alone is often hundreds of kilobytes (python-docx's own template: 349 kB), and parsing
# it took half of the time to read a small document.  Left as raw bytes, unparsed.
_PARTS_NOT_READ = frozenset({CT.WML_STYLES, CT.WML_NUMBERING, CT.WML_SETTINGS})
# Set only while extract_docx opens a file, so other users of python-docx in the process
# (tests building documents) keep the full parts.
_TEXT_ONLY: ContextVar[bool] = ContextVar("dpscan_docx_text_only", default=False)
_DOCX_SELECTOR: Callable[[str, str], type[Part] | None] | None = getattr(
    PartFactory, "part_class_selector", None)


def _part_class(content_type: str, reltype: str) -> type[Part] | None:
    """python-docx's part class hook: raw bytes for the unneeded parts in text-only mode."""
    if _TEXT_ONLY.get() and content_type in _PARTS_NOT_READ:
        return Part
    return _DOCX_SELECTOR(content_type, reltype) if _DOCX_SELECTOR else None


PartFactory.part_class_selector = _part_class


# python-docx's Paragraph.text, without its cost: python-docx finds a paragraph's runs and
# a run's pieces with XPath expressions compiled afresh on every call (70% of the time to
# read a long document).  The same children, in the same order, found by tag.
_RUN, _HYPERLINK = qn("w:r"), qn("w:hyperlink")
_RUN_PIECES = frozenset(qn(f"w:{tag}") for tag in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab"))


def _run_text(run: object) -> str:
    # Each piece's own str() is python-docx's: a tab is "\t", a line break "\n".
    return "".join(str(piece) for piece in run if piece.tag in _RUN_PIECES)  # type: ignore[attr-defined]


def paragraph_text(paragraph: Paragraph) -> str:
    """``paragraph.text``, as python-docx gives it (runs and hyperlinks' runs in order)."""
    parts: list[str] = []
    for child in paragraph._p:
        if child.tag == _RUN:
            parts.append(_run_text(child))
        elif child.tag == _HYPERLINK:
            parts.extend(_run_text(run) for run in child if run.tag == _RUN)
    return "".join(parts)


def _cell_text(cell: object) -> str:
    parts = [paragraph_text(p) for p in cell.paragraphs]  # type: ignore[attr-defined]
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
            text = paragraph_text(block)
            if text and not buffer.add(text):
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
    token = _TEXT_ONLY.set(True)
    try:
        document = docx.Document(handle)
    finally:
        _TEXT_ONLY.reset(token)
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
