"""Rich Text Format (RTF) with striprtf, after a bounded clean-up pass of our own.

striprtf turns RTF into text, decoding ``\\uN`` (Unicode) and ``\\'hh`` (code page)
escapes by the document's ``\\ansicpg`` and font charsets.  Before it runs, one linear
pass over the RTF's tokens:

* drops picture and embedded-object data (``\\pict``, ``\\objdata``, ``\\bin``): often
  most of the file, never text, and slow for striprtf, which reads it character by
  character;
* marks table cells and rows (``\\cell``, ``\\row``, ``\\trowd``) with private-use
  characters, so tables are recorded with :meth:`TextBuffer.add_table` and read by
  column (striprtf would join them with ``|``, which text may contain too);
* starts each group on a new line.  RTF ignores line ends, but striprtf's hyperlink
  pattern is unbounded within a line: an RTF written as one long line with unclosed
  ``HYPERLINK`` fields takes it minutes (100 KB: over three minutes).  On short lines
  it is linear;
* checks the file is RTF and is not cut short (groups left open at the end).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from striprtf.striprtf import rtf_to_text

from dpscan.model.extraction import ExtractedText, Limits, TextBuffer, UnreadableContent

# Control words, control symbols (\\, \{, \', \*, ...) and group braces.  Plain text and
# hex data never match, so the search jumps over them at C speed.
_TOKEN = re.compile(r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\[^a-zA-Z]|[{}]")
# Groups whose content is binary or hex data, never text: dropped whole.
_DATA_GROUP = re.compile(
    r"\s*(?:\\\*\s*)?\\(?:pict|nonshppict|objdata|themedata|colorschememapping|datastore"
    r"|fontemb|fontfile|blipuid|passwordhash|latentstyles)(?![a-zA-Z])"
)
_HEADER = re.compile(r"\s*\{\s*\\rtf")

# Private-use characters standing for table structure in striprtf's output; written as
# negative \uN, RTF's form for code points past 32767, in a group of their own so the
# "?" fallback after them is skipped whatever \ucN the document set.
_CELL, _ROW, _ROW_START = "\ue000", "\ue001", "\ue002"
_MARKS = {
    "cell": "{\\uc1\\u-8192?}",
    "nestcell": "{\\uc1\\u-8192?}",
    "row": "{\\uc1\\u-8191?}",
    "trowd": "{\\uc1\\u-8190?}\\trowd ",
}
_STRIP_MARKS = str.maketrans("", "", _CELL + _ROW + _ROW_START)

# RTF markup per character of text, generously: an RTF past max_text_chars times this
# (after picture data is dropped) would be cut by the text limit anyway.
_MARKUP_PER_CHAR = 16


def _clean(rtf: str, max_chars: int) -> tuple[str, bool]:
    """The RTF without data groups, with table marks and a line per group.

    Returns the cleaned RTF and whether it was cut at ``max_chars``.  Raises
    ``ValueError`` when the text is not RTF or ends inside open groups.
    """
    if not _HEADER.match(rtf):
        raise ValueError("not an RTF document: it does not start with {\\rtf")
    out: list[str] = []
    size = 0
    depth = 0
    dropping_at = 0  # depth of the data group being dropped; 0 when none
    pos = 0
    while True:
        match = _TOKEN.search(rtf, pos)
        if match is None:
            break
        kept = "" if dropping_at else rtf[pos:match.start()]
        pos = match.end()
        token, word = match.group(0), match.group(1)
        if token == "{":
            depth += 1
            if not dropping_at and _DATA_GROUP.match(rtf, pos):
                dropping_at = depth
            elif not dropping_at:
                kept += "\n{"
        elif token == "}":
            if dropping_at == depth:
                dropping_at = 0
            elif not dropping_at:
                kept += "}"
            depth -= 1
            if depth == 0:
                out.append(kept)
                break  # the document group closed: readers ignore what follows
        elif word == "bin":
            # \binN: N raw bytes follow, which may hold braces or backslashes.
            pos += max(int(match.group(2) or 0), 0)
        elif not dropping_at:
            kept += _MARKS.get(word, token)
        out.append(kept)
        size += len(kept)
        if size > max_chars:
            return "".join(out), True
    if depth > 0:
        raise UnreadableContent(f"RTF ends inside {depth} open group(s): the file is truncated")
    return "".join(out), False


def _rows_and_text(text: str) -> Iterator[str | list[str]]:
    """Split striprtf's output into lines (str) and table rows (a list of cells), in order."""
    segments = text.split(_ROW)
    for number, segment in enumerate(segments):
        is_row = number < len(segments) - 1 and _CELL in segment
        before, row = segment, ""
        if is_row:
            # The row begins at its first \trowd; without one (some writers), at the
            # line the first cell is on.
            start = segment.find(_ROW_START)
            if start == -1 or start > segment.index(_CELL):
                start = segment.rfind("\n", 0, segment.index(_CELL))
            before, row = segment[:max(start, 0)], segment[max(start, 0):]
        for line in before.translate(_STRIP_MARKS).splitlines():
            if line.strip():
                yield line
        if is_row:
            cells = row.replace(_ROW_START, "").split(_CELL)
            if not cells[-1].strip():
                cells.pop()  # the row's end mark follows the last cell's mark
            yield [" ".join(cell.split()) for cell in cells]


def extract_rtf(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text of an RTF document; its tables are recorded row by row.

    Raises ``ValueError`` for a file that is not RTF or is truncated.
    """
    # RTF is 7-bit by definition; stray 8-bit bytes come from Windows writers, so read
    # them as cp1252 (a one-to-one mapping, which keeps \binN byte counts right).
    rtf = handle.read().decode("cp1252", errors="replace")
    cleaned, cut = _clean(rtf, limits.max_text_chars * _MARKUP_PER_CHAR)
    del rtf
    text = rtf_to_text(cleaned, encoding="cp1252", errors="replace")
    # \uN escapes give UTF-16 code units: join surrogate pairs (emoji), replace strays.
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    buffer = TextBuffer(limits.max_text_chars)
    rows: list[list[str]] = []
    tables = 0

    def flush_table() -> bool:
        nonlocal tables
        if not rows:
            return True
        tables += 1
        done = buffer.add_table(f"table {tables}", [row for row in rows if any(row)])
        rows.clear()
        return done

    for item in _rows_and_text(text):
        if isinstance(item, list):
            rows.append(item)
        elif not flush_table() or not buffer.add(item):
            break
    else:
        flush_table()
    result = buffer.result()
    result.truncated = result.truncated or cut
    return result
