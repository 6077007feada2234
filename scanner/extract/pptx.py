"""PowerPoint presentations (PPTX/PPTM, and slide shows and templates) with python-pptx.

Slide text (every shape with a text frame, inside groups too), tables and speaker
notes: notes are where a teacher writes "ask J. about the safeguarding referral".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from pptx.package import Package
from pptx.parts.presentation import PresentationPart
from pptx.shapes.base import BaseShape
from pptx.shapes.group import GroupShape
from pptx.table import Table

from dpscan.model.extraction import ExtractedText, Limits, TextBuffer, UnreadableContent


def _lines(text: str) -> Iterator[str]:
    # python-pptx renders a soft line break (<a:br/>) as a vertical tab.
    for line in text.replace("\v", "\n").splitlines():
        if line.strip():
            yield line


def _cell_text(text: str) -> str:
    # A cell is one value of a tab-separated row: its own breaks and tabs become spaces.
    return " ".join(text.split())


def _table_rows(table: Table) -> Iterator[list[str]]:
    for row in table.rows:
        # Cells covered by a merge come back empty, which keeps the columns aligned.
        cells = [_cell_text(cell.text) for cell in row.cells]
        if any(cells):
            yield cells


def _walk(shapes: Iterable[BaseShape]) -> Iterator[BaseShape]:
    """Every shape, groups opened depth first, in the slide's z-order."""
    stack = [iter(shapes)]
    while stack:
        shape = next(stack[-1], None)
        if shape is None:
            stack.pop()
            continue
        # isinstance, not shape_type: shape_type raises for shapes python-pptx cannot name.
        if isinstance(shape, GroupShape):
            stack.append(iter(shape.shapes))
        else:
            yield shape


def _add_shapes(buffer: TextBuffer, shapes: Iterable[BaseShape], name: str) -> bool:
    """Add the text and tables of ``shapes``; False once the buffer is full."""
    tables = 0
    for shape in _walk(shapes):
        # has_text_frame and has_table say which shapes have these; hints cannot narrow on them.
        if shape.has_text_frame:
            for line in _lines(shape.text_frame.text):  # type: ignore[attr-defined]
                if not buffer.add(line):
                    return False
        elif shape.has_table:
            tables += 1
            table = shape.table  # type: ignore[attr-defined]
            if not buffer.add_table(f"{name} table {tables}", _table_rows(table)):
                return False
    return True


def extract_pptx(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text of a presentation, slide by slide: shapes, tables, then that slide's notes.

    Tables are recorded as :class:`~dpscan.model.extraction.TableData` too, so a class
    list pasted onto a slide is judged by its columns.  Charts, SmartArt and comments
    are not read (python-pptx does not expose their text).
    """
    # Package.open rather than pptx.Presentation(): the latter refuses slide shows
    # (.ppsx) and templates (.potx), which are the same format with another main type.
    part = Package.open(handle).main_document_part
    if not isinstance(part, PresentationPart):
        # The content type is the file's own text (it can be anything): not quoted.
        raise UnreadableContent("not a PowerPoint package: its main part is not a presentation")
    presentation = part.presentation
    buffer = TextBuffer(limits.max_text_chars)
    for number, slide in enumerate(presentation.slides, start=1):
        if not _add_shapes(buffer, slide.shapes, f"slide {number}"):
            break
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            if notes is not None and not all(buffer.add(line) for line in _lines(notes.text)):
                break
    return buffer.result()
