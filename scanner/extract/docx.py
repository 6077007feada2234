"""Word documents (DOCX) with python-docx: body, tables, headers and footers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import BinaryIO

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part, PartFactory
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.section import _BaseHeaderFooter
from docx.table import Table
from docx.text.paragraph import Paragraph

from dpscan.model.extraction import ExtractedText, Limits, TextBuffer

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


# A paragraph's text, found by tag: python-docx finds a paragraph's runs and a run's
# pieces with XPath expressions compiled afresh on every call (70% of the time to read a
# long document), and its Paragraph.text reads only runs that are direct children of the
# paragraph or of a hyperlink, so it misses the text of content controls (Word's form
# fields: "Child's name: [Amelia Jones]"), tracked insertions, smart tags and simple
# fields.  Deleted text (w:del) stays out, as Word shows it struck through and gone.
_P, _TBL, _RUN = qn("w:p"), qn("w:tbl"), qn("w:r")
_RUN_PIECES = frozenset(qn(f"w:{tag}") for tag in ("br", "cr", "noBreakHyphen", "ptab", "t", "tab"))
# Elements whose runs are the paragraph's text, in order.
_RUN_CONTAINERS = frozenset(qn(f"w:{tag}") for tag in (
    "hyperlink", "ins", "moveTo", "smartTag", "fldSimple", "customXml", "sdt", "sdtContent",
    "dir", "bdo"))
# Elements that hold whole paragraphs and tables: block-level content controls.
_BLOCK_CONTAINERS = frozenset(qn(f"w:{tag}") for tag in ("sdt", "sdtContent", "customXml"))


def _run_text(run: object) -> str:
    # Each piece's own str() is python-docx's: a tab is "\t", a line break "\n".
    return "".join(str(piece) for piece in run if piece.tag in _RUN_PIECES)  # type: ignore[attr-defined]


def _runs(element: object) -> Iterator[object]:
    for child in element:  # type: ignore[attr-defined]
        if child.tag == _RUN:
            yield child
        elif child.tag in _RUN_CONTAINERS:
            yield from _runs(child)


def paragraph_text(paragraph: Paragraph) -> str:
    """The text of ``paragraph``: python-docx's ``paragraph.text`` plus the runs inside
    content controls, tracked insertions, smart tags and simple fields."""
    return "".join(_run_text(run) for run in _runs(paragraph._p))


def _blocks(element: object, parent: object) -> Iterator[Paragraph | Table]:
    """The paragraphs and tables of a body, header, footer or cell in document order,
    including those inside block-level content controls (python-docx skips them)."""
    for child in element:  # type: ignore[attr-defined]
        if child.tag == _P:
            yield Paragraph(child, parent)  # type: ignore[arg-type]
        elif child.tag == _TBL:
            yield Table(child, parent)  # type: ignore[arg-type]
        elif child.tag in _BLOCK_CONTAINERS:
            yield from _blocks(child, parent)


def _cell_text(cell: object) -> str:
    parts: list[str] = []
    for block in _blocks(cell._tc, cell):  # type: ignore[attr-defined]
        if isinstance(block, Paragraph):
            parts.append(paragraph_text(block))
        else:  # a table inside a cell: its text joins the cell's rather than the grid
            parts.extend(" ".join(row) for row in _table_rows(block))
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


def _add_blocks(buffer: TextBuffer, element: object, parent: object, name: str) -> bool:
    """Add a body's or header's paragraphs and tables in document order; False once full."""
    for number, block in enumerate(_blocks(element, parent)):
        if isinstance(block, Paragraph):
            text = paragraph_text(block)
            if text and not buffer.add(text):
                return False
        elif not buffer.add_table(f"{name} table {number + 1}", _table_rows(block)):
            return False
    return True


# Notes and comments: each w:footnote, w:endnote or w:comment holds paragraphs and tables.
_NOTES = (
    (RT.FOOTNOTES, qn("w:footnote"), "footnote"),
    (RT.ENDNOTES, qn("w:endnote"), "endnote"),
    (RT.COMMENTS, qn("w:comment"), "comment"),
)


def _notes(document: object) -> Iterator[tuple[object, str]]:
    """(element, name) of each footnote, endnote and comment, in that order.  Footnote
    separators (Word's lines above the notes) hold no text and are left out."""
    rels = document.part.rels.values()  # type: ignore[attr-defined]
    for reltype, tag, name in _NOTES:
        for rel in rels:
            if rel.reltype != reltype or rel.is_external:
                continue
            part = rel.target_part
            # python-docx parses comments; footnotes and endnotes it keeps as bytes.
            root = getattr(part, "element", None)
            if root is None:
                root = parse_xml(part.blob)
            for note in root.iterchildren(tag):
                if note.get(qn("w:type")) in ("separator", "continuationSeparator",
                                              "continuationNotice"):
                    continue
                yield note, name


def extract_docx(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text of a DOCX: headers, body paragraphs and tables in order, footnotes,
    endnotes and comments, then footers.

    Tables are recorded as :class:`~dpscan.model.extraction.TableData` as well, so a
    register kept as a Word table is judged by its columns.
    """
    token = _TEXT_ONLY.set(True)
    try:
        document = docx.Document(handle)
    finally:
        _TEXT_ONLY.reset(token)
    buffer = TextBuffer(limits.max_text_chars)
    seen_parts: set[int] = set()

    def headers_or_footers(kind: str) -> Iterator[_BaseHeaderFooter]:
        for section in document.sections:
            for name in (kind, f"first_page_{kind}", f"even_page_{kind}"):
                part = getattr(section, name)
                # Sections linked to the previous one share its header: read it once.
                if part.is_linked_to_previous or id(part.part) in seen_parts:
                    continue
                seen_parts.add(id(part.part))
                yield part

    containers = [
        *((part._element, part, "header") for part in headers_or_footers("header")),
        (document.element.body, document, "body"),
        *((note, document, name) for note, name in _notes(document)),
        *((part._element, part, "footer") for part in headers_or_footers("footer")),
    ]
    for element, parent, name in containers:
        if not _add_blocks(buffer, element, parent, name):
            break
    return buffer.result()
