"""OpenDocument files (ODT, ODS, ODP, ODG and their templates), parsed from the zip with lxml.

``content.xml`` is read as a stream (``iterparse``), so a sheet of a million rows is
never held as one tree.  Paragraphs and headings become lines; tables (ODS sheets, ODT
and ODP tables) are recorded with :meth:`TextBuffer.add_table` so they are read by
column.  ODS writes runs of identical cells and rows once with a repeat count
(``table:number-columns-repeated``, ``table:number-rows-repeated``); a blank sheet
declares 16,384 columns by 1,048,576 rows that way, so repeats are expanded only for
cells that hold something, and never past the text limit.

The XML parser resolves no entities and fetches nothing from the network (no
billion-laughs, no XXE), and libxml2's default depth and node-size limits stay on.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, BinaryIO, TypedDict

from lxml import etree

from dpscan.model.extraction import EncryptedContent, ExtractedText, Limits, TextBuffer

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}


def _q(prefix: str, local: str) -> str:
    return f"{{{_NS[prefix]}}}{local}"


_P, _H = _q("text", "p"), _q("text", "h")
_SPACE, _TAB, _BREAK = _q("text", "s"), _q("text", "tab"), _q("text", "line-break")
_TABLE, _ROW = _q("table", "table"), _q("table", "table-row")
_CELLS = frozenset({_q("table", "table-cell"), _q("table", "covered-table-cell")})
_ANNOTATION = _q("office", "annotation")
_DRAW_NS = f"{{{_NS['draw']}}}"
# Children of a paragraph that are not part of its running text: footnotes and
# comments (their paragraphs are lines of their own; a comment's author and date are
# metadata), and shapes or frames anchored in the paragraph (their text boxes hold
# paragraphs of their own).
_NOT_INLINE = frozenset({_P, _H, _TABLE, _q("text", "note"), _ANNOTATION,
                         _q("office", "annotation-end")})
_HEADERS_FOOTERS = tuple(
    _q("style", f"{part}{variant}")
    for part in ("header", "footer") for variant in ("", "-left", "-first")
)

# The widest row ODF spreadsheets allow (LibreOffice, like Excel, stops at 16,384
# columns); a repeat count past it is malformed or hostile, not data.
MAX_COLUMNS = 16_384
# More spaces than this from one <text:s text:c="..."/> are layout, not text.
_MAX_SPACES = 100
# The manifest and mimetype are tiny; read no more than this of them.
_SMALL_PART_BYTES = 2 * 1024 * 1024

class _ParserOptions(TypedDict):
    resolve_entities: bool
    no_network: bool
    huge_tree: bool
    load_dtd: bool
    remove_comments: bool
    remove_pis: bool


_PARSER_OPTIONS: _ParserOptions = {
    "resolve_entities": False,
    "no_network": True,
    "huge_tree": False,
    "load_dtd": False,
    "remove_comments": True,
    "remove_pis": True,
}


class _CappedReader:
    """A zip member read through a byte cap: past ``cap`` it reports end of file.

    A zip holding a few kilobytes can inflate ``content.xml`` to gigabytes; the cap
    (the ``max_member_bytes`` limit) keeps the parse bounded, and ``hit`` tells the
    caller to report the text as truncated.
    """

    def __init__(self, raw: IO[bytes], cap: int) -> None:
        self._raw = raw
        self._left = cap
        self.hit = False

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            self.hit = True
            return b""
        want = self._left if size is None or size < 0 else min(size, self._left)
        data = self._raw.read(want)
        self._left -= len(data)
        if self._left <= 0 and self._raw.read(1):
            self.hit = True
        return data


def _inline_text(element: etree._Element, parts: list[str], in_cell: bool) -> None:
    """Append the running text of ``element`` to ``parts``.

    libxml2 caps nesting at 256 levels (no ``huge_tree``), so recursion is bounded.
    """
    if element.text:
        parts.append(element.text)
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            pass  # an unexpanded entity reference: its name is not text
        elif tag == _SPACE:
            parts.append(" " * _count(child.get(_q("text", "c")), _MAX_SPACES))
        elif tag == _TAB:
            # In a cell a tab would split the cell into two columns of its row.
            parts.append(" " if in_cell else "\t")
        elif tag == _BREAK:
            parts.append(" " if in_cell else "\n")
        elif tag not in _NOT_INLINE and not tag.startswith(_DRAW_NS):
            _inline_text(child, parts, in_cell)
        if child.tail:
            parts.append(child.tail)


def paragraph_text(paragraph: etree._Element, in_cell: bool = False) -> str:
    """The text of one ``text:p`` or ``text:h`` as a person reads it."""
    parts: list[str] = []
    _inline_text(paragraph, parts, in_cell)
    return "".join(parts)


def _lines(text: str) -> Iterator[str]:
    for line in text.splitlines():
        if line.strip():
            yield line


def _format_value(cell: etree._Element) -> str:
    """A cell's typed value, for cells written without display text (some exporters)."""
    kind = cell.get(_q("office", "value-type"))
    if kind == "date":
        value = cell.get(_q("office", "date-value"), "")
        try:
            return dt.date.fromisoformat(value[:10]).strftime("%d/%m/%Y")
        except ValueError:
            return value
    for attribute in ("value", "boolean-value", "time-value", "string-value"):
        typed = cell.get(_q("office", attribute))
        if typed is not None:
            return typed
    return ""


def _count(value: str | None, cap: int) -> int:
    """A repeat count from an attribute, 1 when absent or malformed, at most ``cap``."""
    if not value or not value.isdigit():
        return 1
    # Past nine digits a count is hostile; int() of thousands of digits even raises.
    return max(1, min(int(value), cap)) if len(value) <= 9 else cap


def _repeat(element: etree._Element, attribute: str, cap: int) -> int:
    return _count(element.get(_q("table", attribute)), cap)


class _TableState:
    """The rows of one top-level table being read, bounded by ``budget`` characters."""

    def __init__(self, name: str, budget: int) -> None:
        self.name = name
        self.rows: list[list[str]] = []
        self.runs: list[tuple[str, int]] = []  # (cell text, repeat) of the current row
        self.budget = budget
        self.used = 0
        self.notes: list[str] = []  # comments on cells: read after the table

    @property
    def full(self) -> bool:
        return self.used >= self.budget

    def add_cell(self, cell: etree._Element) -> None:
        parts: list[str] = []
        # Iterate paragraphs by hand so a comment's paragraphs go to notes, not the cell.
        stack = [iter(cell)]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
                continue
            if child.tag == _ANNOTATION:
                self.notes.extend(paragraph_text(p) for p in child.iter(_P, _H))
            elif child.tag in (_P, _H):
                parts.append(paragraph_text(child, in_cell=True))
                stack.append(iter(child))  # a frame in the paragraph may hold paragraphs
            else:
                stack.append(iter(child))
        text = " ".join(" ".join(parts).split()) or _format_value(cell)
        self.runs.append((text, _repeat(cell, "number-columns-repeated", MAX_COLUMNS)))

    def end_row(self, row: etree._Element) -> None:
        runs, self.runs = self.runs, []
        # Trailing empty cells are the sheet's unused width, however far they repeat.
        while runs and not runs[-1][0]:
            runs.pop()
        if not runs or self.full:
            return
        cells: list[str] = []
        size = 0  # characters of the row's line, with its tabs and newline
        left = self.budget - self.used
        for text, count in runs:
            # A long text repeated across 16,384 columns must not be joined whole:
            # expand only as many copies as the text limit still has room for.
            fit = -(-(left - size) // (len(text) + 1))
            copies = min(count, MAX_COLUMNS - len(cells), fit)
            cells.extend([text] * copies)
            size += copies * (len(text) + 1)
            if len(cells) >= MAX_COLUMNS or size >= left:
                break
        room = -(-(self.budget - self.used) // size)  # ceiling: copies that still fit
        for _ in range(_repeat(row, "number-rows-repeated", room)):
            self.rows.append(list(cells))
            self.used += size


class _ContentReader:
    """Streams ``content.xml`` into a :class:`TextBuffer`: paragraphs, then tables."""

    def __init__(self, buffer: TextBuffer) -> None:
        self.buffer = buffer
        self.table: _TableState | None = None
        self.table_depth = 0
        self.cell_depth = 0
        self.open_paragraphs = 0
        self.tables_seen = 0
        self.last_was_table = False

    def feed(self, source: _CappedReader) -> None:
        """Read the document until its end or until the buffer is full."""
        events = etree.iterparse(source, events=("start", "end"), **_PARSER_OPTIONS)
        for event, element in events:
            if event == "start":
                self._start(element)
            elif not self._end(element):
                return

    def _start(self, element: etree._Element) -> None:
        tag = element.tag
        if tag in (_P, _H):
            self.open_paragraphs += 1
        elif tag in _CELLS:
            self.cell_depth += 1
        elif tag == _TABLE:
            self.table_depth += 1
            if self.table_depth == 1:
                self.tables_seen += 1
                name = element.get(_q("table", "name")) or f"table {self.tables_seen}"
                self.table = _TableState(name, self.buffer.max_chars)

    def _end(self, element: etree._Element) -> bool:
        """Handle one closed element; False once the buffer is full."""
        tag = element.tag
        if tag in (_P, _H):
            self.open_paragraphs -= 1
            if self.cell_depth:
                return True  # read with its cell
            self.last_was_table = False
            for line in _lines(paragraph_text(element)):
                if not self.buffer.add(line):
                    return False
            _discard(element)
            return True
        if self.table_depth == 0:
            if not self.open_paragraphs:
                _discard(element)  # read already: free its memory
            return True
        if tag in _CELLS:
            self.cell_depth -= 1
            if self.table_depth == 1 and self.table is not None:
                self.table.add_cell(element)
                element.clear(keep_tail=True)
            return True
        if tag == _ROW and self.table_depth == 1 and self.table is not None:
            self.table.end_row(element)
            _discard(element)
            # A table that fills the text limit alone ends the read here.
            return not self.table.full or self._flush_table()
        if tag == _TABLE:
            self.table_depth -= 1
            if self.table_depth == 0:
                return self._flush_table() and not self.buffer.full
        return True

    def _flush_table(self) -> bool:
        table, self.table = self.table, None
        if table is None:
            return True
        if table.rows:
            # A blank line between two tables (sheets) ends one before the next begins.
            if self.last_was_table and not self.buffer.add(""):
                return False
            if not self.buffer.add_table(table.name, table.rows):
                return False
            self.last_was_table = True
        for note in table.notes:
            for line in _lines(note):
                if not self.buffer.add(line):
                    return False
        return not table.full


def _discard(element: etree._Element) -> None:
    """Free a read element and its earlier siblings (the iterparse memory idiom)."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        with archive.open(name) as member:
            return member.read(_SMALL_PART_BYTES)
    except KeyError:
        return None


def _encrypted_parts(manifest: bytes | None) -> set[str]:
    """Paths the manifest lists with encryption data (LibreOffice 24.2+ encrypts the
    whole package as one ``encrypted-package`` part, with no ``content.xml`` at all)."""
    if manifest is None:
        return set()
    try:
        root = etree.fromstring(manifest, etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError:
        # A damaged manifest: judge by its bytes, as the protection check does.
        return {"content.xml"} if b"encryption-data" in manifest else set()
    path = _q("manifest", "full-path")
    return {
        item.get(path, "") for item in root.iter(_q("manifest", "file-entry"))
        if item.find(_q("manifest", "encryption-data")) is not None
    }


def _header_footer_lines(source: _CappedReader, max_chars: int) -> tuple[list[str], list[str]]:
    """Lines of the page headers and footers in ``styles.xml`` (ODT), each kept once."""
    headers: dict[str, None] = {}
    footers: dict[str, None] = {}
    size = 0
    events = etree.iterparse(source, events=("end",), tag=_HEADERS_FOOTERS,
                             **_PARSER_OPTIONS)
    for _, element in events:
        into = headers if etree.QName(element).localname.startswith("header") else footers
        for paragraph in element.iter(_P, _H):
            for line in _lines(paragraph_text(paragraph)):
                # Each master page repeats its header: keep the first of identical lines.
                if line not in into:
                    into[line] = None
                    size += len(line) + 1
        element.clear(keep_tail=True)
        if size >= max_chars:
            break
    return list(headers), list(footers)


def _parse_capped(archive: zipfile.ZipFile, name: str, cap: int,
                  parse: Callable[[_CappedReader], None]) -> bool:
    """Run ``parse(reader)`` on member ``name``; True when the cap cut it short."""
    with archive.open(name) as member:
        reader = _CappedReader(member, cap)
        try:
            parse(reader)
        except etree.XMLSyntaxError:
            if not reader.hit:
                raise
            # The cap ended the document mid-element: what was read stands.
        return reader.hit


def extract_odf(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text of an OpenDocument file: headers, body (paragraphs and tables), footers.

    Raises :class:`EncryptedContent` when the manifest says ``content.xml`` is
    encrypted (the protection check normally catches that first), and
    ``ValueError`` when the zip holds no ``content.xml``.
    """
    buffer = TextBuffer(limits.max_text_chars)
    cap = limits.max_member_bytes
    cut = False
    with zipfile.ZipFile(handle) as archive:
        names = set(archive.namelist())
        encrypted = _encrypted_parts(_read_small(archive, "META-INF/manifest.xml"))
        if "content.xml" in encrypted or (encrypted and "content.xml" not in names):
            raise EncryptedContent("odf_encrypted")
        if "content.xml" not in names:
            raise ValueError("not an OpenDocument package: no content.xml")
        mimetype = (_read_small(archive, "mimetype") or b"").decode("ascii", "replace")
        headers: list[str] = []
        footers: list[str] = []
        # Page headers and footers live in styles.xml; only text documents print them
        # with text of their own (a sheet's are "Sheet1", "Page 1").
        if mimetype.startswith("application/vnd.oasis.opendocument.text") and (
            "styles.xml" in names
        ):
            def read_styles(reader: _CappedReader) -> None:
                headers[:], footers[:] = _header_footer_lines(reader, limits.max_text_chars)

            cut = _parse_capped(archive, "styles.xml", cap, read_styles)
        for line in headers:
            if not buffer.add(line):
                break
        if not buffer.full:
            cut = _parse_capped(archive, "content.xml", cap, _ContentReader(buffer).feed) or cut
        for line in footers:
            if not buffer.add(line):
                break
    result = buffer.result()
    # The max_member_bytes cap stopped the XML: the rest of the text was not analysed.
    result.truncated = result.truncated or cut
    return result
