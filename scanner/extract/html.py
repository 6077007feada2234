"""HTML pages (saved web pages, exported reports, emails saved as .htm) with lxml.html.

The text a person sees: scripts, styles and comments are removed, each block element
(paragraph, heading, list item, line break ...) becomes a line, and each table is
recorded with :meth:`TextBuffer.add_table` so it is read by column.  A table inside a
table (old layout pages, HTML emails) is a table of its own, so a data table kept in a
layout cell still has its columns.  A definition list (``<dt>Date of birth</dt>
<dd>22 February 2009</dd>``) is a form: its terms and descriptions are recorded as
labelled fields, so the label is read with its value.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import BinaryIO

import lxml.html
from lxml import etree

from dpscan.model.extraction import FIELDS, ExtractedText, Limits, TextBuffer, kept_rows
from dpscan.scanner.extract.text import detect_encoding

# Not shown to a reader: their content is code, styling or fallback markup.
_HIDDEN = ("script", "style", "noscript", "template")
# Elements that start a new line (the rest run on within their line).
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "legend", "li",
    "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "td", "tfoot", "th", "thead", "title", "tr", "ul",
})
_CELLS = frozenset({"td", "th"})
# Inline elements that stand apart on the page (a label, a field, a styled value): a space
# on each side, so "<span>Date of birth</span><span>22/02/2009</span>" is two words.  Text
# styling (b, i, em, a ...) may split a word and adds none.
_SPACED = frozenset({"span", "label", "input", "select", "option", "textarea", "button",
                     "output", "img", "td", "th"})
# Input types whose value is text a person typed or chose.
_TEXT_INPUTS = frozenset({"", "text", "email", "tel", "date", "datetime-local", "month",
                          "number", "search", "url"})
# HTML caps colspan at 1000; more is a broken or hostile page.
_MAX_COLSPAN = 1000
# Bytes of HTML read per character of the text limit: pages are mostly markup, and a
# page past this (2M chars -> 16 MB by default) is cut, its text flagged truncated.
_BYTES_PER_CHAR = 8
_META_CHARSET = re.compile(rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
                           re.IGNORECASE)
# lxml refuses a str that carries an XML encoding declaration (XHTML pages).
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
# Enough of an undeclared page for charset detection to be sure.
_DETECT_BYTES = 256 * 1024
# Browsers read these labels as windows-1252 (WHATWG Encoding), and so do we.
_WINDOWS_1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii",
                                  "ascii", "l1"})


def _encoding(data: bytes) -> str:
    """BOM, then the page's own <meta charset>, then detection (the text extractor's)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        label = declared.group(1).decode("ascii").lower()
        if label in _WINDOWS_1252_LABELS:
            return "cp1252"
        if label.startswith(("utf-16", "utf-32")):
            # A meta tag readable as ASCII cannot be in UTF-16: browsers take UTF-8.
            return "utf-8"
        try:
            return codecs.lookup(label).name
        except LookupError:
            pass
    return detect_encoding(data[:_DETECT_BYTES])


def _squash(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


def _cell_text(cell: etree._Element) -> str:
    """A cell's text without the tables nested in it (those are tables of their own)."""
    parts: list[str] = []
    walker = etree.iterwalk(cell, events=("start", "end"))
    for event, element in walker:
        if event == "start":
            if element is not cell and element.tag == "table":
                walker.skip_subtree()
                continue
            if element.tag in _BLOCKS or element.tag in _SPACED:
                parts.append(" ")
            if element.text:
                parts.append(element.text)
        else:
            if element.tag in _BLOCKS or element.tag in _SPACED:
                parts.append(" ")
            if element is not cell and element.tail:
                parts.append(element.tail)
    return _squash(parts)


def _own(table: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Descendants ``tag`` of ``table`` that are not inside a table nested in it."""
    for element in table.iterdescendants(tag):
        if next(element.iterancestors("table"), None) is table:
            yield element


def _rows(table: etree._Element) -> Iterator[list[str]]:
    return kept_rows(_row_cells(row) for row in _own(table, "tr"))


def _row_cells(row: etree._Element) -> list[str]:
    cells: list[str] = []
    for cell in row:
        if cell.tag not in _CELLS:
            continue
        cells.append(_cell_text(cell))
        span = cell.get("colspan", "1").strip()
        # A merged cell keeps the columns after it in line: pad with blanks.
        extra = min(int(span), _MAX_COLSPAN) - 1 if span.isdigit() else 0
        cells.extend([""] * max(extra, 0))
    return cells


def _definitions(dl: etree._Element) -> list[list[str]]:
    """A definition list's [term, description] pairs (HTML5 lets a <div> wrap each group);
    several descriptions of one term are joined, a term with none is kept with ''."""
    pairs: list[list[str]] = []
    for element in dl.iter("dt", "dd"):
        if next(element.iterancestors("dl"), None) is not dl:
            continue  # a list nested in a description is read with that description
        text = _cell_text(element)
        if element.tag == "dt":
            pairs.append([text, ""])
        elif pairs:
            pairs[-1][1] = f"{pairs[-1][1]}; {text}" if pairs[-1][1] else text
        elif text:
            pairs.append(["", text])
    return [pair for pair in pairs if any(pair)]


# Characters XML 1.0 does not allow, which lxml refuses in an element's text.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _keep_tail(element: etree._Element) -> None:
    """Give ``element``'s tail to what precedes it, so removing the element keeps the text
    after it."""
    if not element.tail:
        return
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + element.tail
    else:
        parent = element.getparent()
        if parent is not None:
            parent.text = (parent.text or "") + element.tail


def _show_controls(root: etree._Element) -> None:
    """Give a saved form's controls the text a person sees in them: a text field's value,
    the option marked as chosen in a list, if any (not every option: a blank form's list
    of ethnicities is no one's ethnicity), a box as "[x]" or "[ ]".  A label before its
    field ends with a colon, so "Child's name" and the value after it read as a "Label:
    value" line."""
    for select in root.iter("select"):
        # With none marked selected nothing was chosen: a blank form's default shows.
        for option in [o for o in select.iter("option") if o.get("selected") is None]:
            parent = option.getparent()
            if parent is not None:
                _keep_tail(option)
                parent.remove(option)
    for control in root.iter("input"):
        kind = (control.get("type") or "").strip().lower()
        if kind in ("checkbox", "radio"):
            control.text = "[x]" if control.get("checked") is not None else "[ ]"
        elif kind in _TEXT_INPUTS:
            # A control character in a value is no reason to lose the page: lxml takes
            # only XML-compatible text.
            control.text = _XML_ILLEGAL.sub("?", control.get("value", ""))
    for label in root.iter("label"):
        if next(label.iter("input", "select", "textarea"), None) is not None:
            continue  # a label around its field: the value follows the words
        words = "".join(label.itertext()).strip()
        if words and words[-1] not in ":?：":
            label.tail = ": " + (label.tail or "")


class _Walker:
    """Document-order text of the page into a :class:`TextBuffer`."""

    def __init__(self, buffer: TextBuffer) -> None:
        self.buffer = buffer
        self.pending: list[str] = []
        self.tables = 0

    def flush(self) -> bool:
        line, self.pending = _squash(self.pending), []
        return not line or self.buffer.add(line)

    def add_tables(self, table: etree._Element) -> bool:
        """Add ``table`` and, after it, the tables nested in its cells."""
        stack = [table]
        while stack:
            current = stack.pop()
            self.tables += 1
            if not self.buffer.add_table(f"table {self.tables}", _rows(current)):
                return False
            stack.extend(reversed(list(_own(current, "table"))))
        return True

    def walk(self, root: etree._Element) -> None:
        walker = etree.iterwalk(root, events=("start", "end"))
        for event, element in walker:
            tag = element.tag
            if event == "start":
                if tag in _BLOCKS and not self.flush():
                    return
                if tag == "table":
                    walker.skip_subtree()  # its "end" still comes, for the tail
                    if not self.add_tables(element):
                        return
                elif tag == "dl":
                    walker.skip_subtree()
                    self.tables += 1
                    if not self.buffer.add_table(f"definition list {self.tables}",
                                                 _definitions(element), layout=FIELDS):
                        return
                else:
                    if tag in _SPACED:
                        self.pending.append(" ")
                    if element.text:
                        self.pending.append(element.text)
            else:
                if tag in _BLOCKS and not self.flush():
                    return
                if tag in _SPACED:
                    self.pending.append(" ")
                if element.tail:
                    self.pending.append(element.tail)
        self.flush()


def extract_html(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Visible text of an HTML page, tables recorded row by row.

    HTML has no corrupt state: like a browser, lxml reads whatever is there, so a
    truncated page gives the text up to the cut.
    """
    cap = limits.max_text_chars * _BYTES_PER_CHAR
    data = handle.read(cap + 1)
    cut = len(data) > cap
    data = data[:cap]
    markup = _XML_DECLARATION.sub("", data.decode(_encoding(data), errors="replace"), count=1)
    buffer = TextBuffer(limits.max_text_chars)
    if markup.strip():
        parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True,
                                      no_network=True)
        try:
            root = lxml.html.document_fromstring(markup, parser=parser)
        except etree.ParserError:
            root = None  # lxml's word for a page with no elements (only comments)
        if root is not None:
            etree.strip_elements(root, *_HIDDEN, with_tail=False)
            _show_controls(root)
            _Walker(buffer).walk(root)
    result = buffer.result()
    result.truncated = result.truncated or cut
    return result
