"""Word 97-2003 documents (DOC, DOT): a pure-Python reader of [MS-DOC] over olefile.

The "WordDocument" stream starts with the FIB (File Information Block).  Its FibBase says
which table stream holds the document's tables (``fWhichTblStm``: "0Table" or "1Table")
and whether the file is encrypted or XOR-obfuscated (raised as :class:`EncryptedContent`,
``doc97_encrypted``, as the protection check names it).  FibRgLw97 gives the length in
characters (CPs) of each story, which follow each other in one CP space: the main text,
footnotes, headers and footers, comments (annotations), endnotes, text boxes and header
text boxes.  The CLX in the table stream holds the piece table (PlcPcd): each piece maps a
CP range to a file offset (FC) of the WordDocument stream, as cp1252 bytes at ``fc / 2``
when the FC's fCompressed bit is set, else as UTF-16LE at ``fc``.  Reading through the
piece table is what makes fast-saved (complex) files come out right.

Tables: every cell ends with a cell mark (``\\x07``); a row ends with one more ``\\x07``,
the row mark, whose paragraph carries the ``sprmPFTtp`` property, and paragraphs inside a
cell carry ``sprmPFInTable``.  Both are read from the paragraph properties (PAPX FKPs of
PlcBtePapx), so rows and multi-paragraph cells are told apart exactly; each table becomes a
:class:`~dpscan.model.extraction.TableData` row by row, as the DOCX extractor gives it,
and its rows are also in the text, tab-separated.

Word's special characters are cleaned: a field keeps its result and loses its
instruction (between ``\\x13`` and ``\\x14``; ``\\x15`` ends it), a line, page, section
or column break becomes a newline, a non-breaking hyphen ``-``, and soft hyphens,
pictures, object anchors and note reference marks are dropped.

Word 6 and Word 95 files (nFib below 0xC1) get a simpler path: the same stories from the
same piece table (or, in a file that was never fast-saved, the run of text at ``fcMin``),
all text one byte a character in the Macintosh character set when the FIB's chse says
so, else in the code page of the document's language (FibBase.lid; a Russian text in a
file marked English comes out as cp1252, as the font table that would tell is not
read).  Tables there are recognised from their marks alone (a cell mark right after a
cell mark ends a row).

Bounded: at most twice ``max_text_chars`` characters are decoded in all, over every story
of the document and of the documents embedded in it (field instructions are dropped from
what is read, so some slack is needed), and the text stops at ``max_text_chars``.  A
document decodes no more characters than its WordDocument stream has bytes, as a real
one's characters take a byte each at least: pieces that overlap to say more are read no
further.  Embedded documents are read once per WordDocument stream (storages may share
its sectors), :data:`MAX_EMBEDDED_DOCUMENTS` at most.  A piece table that is out of order
or points past the end of the stream raises :class:`UnreadableContent`, and nothing is
allocated from a size the file states (every structure is a slice of a stream already in
memory, itself bounded by ``max_file_bytes``).
"""

from __future__ import annotations

import bisect
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import olefile

from dpscan.model.extraction import (
    EncryptedContent,
    ExtractedText,
    Limits,
    TextBuffer,
    UnreadableContent,
)

WORD_STREAM = "WordDocument"
OBJECT_POOL = "ObjectPool"  # the storage of embedded objects
MAX_EMBEDDED_DOCUMENTS = 64  # a letter embeds a few; thousands would each cost a read
ENCRYPTED = "doc97_encrypted"  # as the protection check (msoffcrypto's format name) says
WORD_IDENTS = (0xA5EC, 0xA5DC, 0xA697, 0xA699)  # Word 97 and later; Word 6/95 variants
WORD97_NFIB = 0x00C1  # Word 97; Word 6 is 0x65, Word 95 0x68
# FibBase flags ([MS-DOC] 2.5.2).
F_COMPLEX = 0x0004
F_ENCRYPTED = 0x0100
F_WHICH_TABLE_STREAM = 0x0200
F_OBFUSCATED = 0x8000

# Word 97 and later: FibBase is 32 bytes, then csw, FibRgW97, cslw, FibRgLw97, cbRgFcLcb,
# FibRgFcLcb97.  The ccp* fields start at FibRgLw97's fourth long.
FIB_BASE_SIZE = 32
RG_LW_CCP_FIRST = 3
# FibRgFcLcb97 pairs (fc, lcb) this reader uses, by index.
FC_LCB_PLCF_BTE_PAPX = 13
FC_LCB_CLX = 33
# Word 6/95 FIB: chse (the text's character set: 256 is the Macintosh one) at 0x14,
# fcMin/fcMac at 0x18, the ccp* longs from 0x34, fcClx/lcbClx at 0x160.
WORD6_CHSE = 0x14
WORD6_CHSE_MACINTOSH = 256
WORD6_FC_MIN = 0x18
WORD6_CCP_FIRST = 0x34
WORD6_FC_CLX = 0x160

# The stories after the main text, in the order of their CP ranges, each with its
# ccp field's place among the ccp longs (0 is ccpText; 3, ccpMcr, is unused).
MAIN_STORY = ("body", 0)
STORIES_AFTER_MAIN = (
    ("footnote", 1),
    ("header", 2),
    ("comment", 4),
    ("endnote", 5),
    ("text box", 6),
    ("header text box", 7),
)
CCP_FIELDS = 8

# The piece table: Pcd.fc's bit 30 says the piece is compressed (8-bit).
FC_COMPRESSED = 0x40000000
FC_MASK = 0x3FFFFFFF
CLX_PRC = 0x01
CLX_PCDT = 0x02
PCD_SIZE = 8

# Paragraph properties: a PAPX FKP is a 512-byte page of the WordDocument stream.
FKP_SIZE = 512
BX_PAP_SIZE = 13
PN_MASK = 0x3FFFFF
SPRM_P_F_IN_TABLE = 0x2416
SPRM_P_F_TTP = 0x2417
SPRM_P_ITAP = 0x6649
SPRM_T_DEF_TABLE = 0xD608
SPRM_P_HUGE_PAPX = 0xC645
SPRM_P_CHG_TABS = 0xC615
# Operand size by the sprm's spra bits ([MS-DOC] 2.2.5.1); 6 is variable.
SPRA_OPERAND_SIZE = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}
SPRA_VARIABLE = 6

# Word 6/95 text is one byte a character in the code page of the document's language
# (FibBase.lid); languages not listed are Western (cp1252).
CODE_PAGE_BY_PRIMARY_LANGUAGE = {
    0x01: "cp1256",  # Arabic
    0x02: "cp1251", 0x19: "cp1251", 0x22: "cp1251", 0x23: "cp1251", 0x2F: "cp1251",
    0x05: "cp1250", 0x0E: "cp1250", 0x15: "cp1250", 0x18: "cp1250", 0x1A: "cp1250",
    0x1B: "cp1250", 0x1C: "cp1250", 0x24: "cp1250",
    0x08: "cp1253",  # Greek
    0x0D: "cp1255",  # Hebrew
    0x1F: "cp1254",  # Turkish
    0x25: "cp1257", 0x26: "cp1257", 0x27: "cp1257",  # Baltic
    0x1E: "cp874",  # Thai
    0x2A: "cp1258",  # Vietnamese
    0x11: "cp932",  # Japanese
    0x12: "cp949",  # Korean
}
CHINESE = 0x04
CHINESE_TRADITIONAL_SUBLANGUAGES = {0x01, 0x03, 0x05}  # Taiwan, Hong Kong, Macao

# Marks in the text.  Row ends and in-cell paragraph ends are rewritten to ROW_END and
# CELL_PARAGRAPH (control characters Word does not use) once the PAPX has told them apart.
PARAGRAPH_END = "\r"
CELL_END = "\x07"
ROW_END = "\x06"
CELL_PARAGRAPH = "\x10"
FIELD_BEGIN, FIELD_SEPARATOR, FIELD_END = "\x13", "\x14", "\x15"
_FIELD_MARK = re.compile("[\x13\x14\x15]")
_STRUCTURE_MARK = re.compile("([\r\x07\x06\x10])")
_LONE_CELL_ROW_END = re.compile("(?<=\x07)\x07")
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
# Line break, page or section break and column break: a newline; non-breaking hyphen:
# "-"; every other control character (soft hyphen, picture and object anchors, note
# reference marks, separators) is dropped.  Tab, newline and the structure marks stay.
_KEEP = {"\t", "\n", PARAGRAPH_END, CELL_END, ROW_END, CELL_PARAGRAPH}
_SPECIAL_CHARACTERS: dict[int, str | None] = {
    code: None for code in range(0x20) if chr(code) not in _KEEP}
_SPECIAL_CHARACTERS.update({0x0B: "\n", 0x0C: "\n", 0x0E: "\n", 0x1E: "-"})

_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")


@dataclass(frozen=True, slots=True)
class Piece:
    """CPs ``[start, end)`` of the text, at byte ``offset`` of the WordDocument stream,
    ``width`` bytes a character in ``codec``."""

    start: int
    end: int
    offset: int
    width: int
    codec: str


@dataclass(frozen=True, slots=True)
class ParagraphMarks:
    """File offsets (FC) just after the paragraph marks that end a table row, and after
    those of paragraphs inside a table cell (``sprmPFTtp`` / ``sprmPFInTable``)."""

    row_ends: frozenset[int]
    in_table: frozenset[int]

    @property
    def known(self) -> bool:
        """True when the properties named any row end (else rows are found by marks)."""
        return bool(self.row_ends)


NO_PARAGRAPH_MARKS = ParagraphMarks(frozenset(), frozenset())


def _u16(data: bytes, at: int) -> int:
    if at < 0 or at + 2 > len(data):
        raise UnreadableContent("Word document: a structure runs past the end of its stream")
    return int(_U16.unpack_from(data, at)[0])


def _u32(data: bytes, at: int) -> int:
    if at < 0 or at + 4 > len(data):
        raise UnreadableContent("Word document: a structure runs past the end of its stream")
    return int(_U32.unpack_from(data, at)[0])


def _slice(data: bytes, at: int, size: int, what: str) -> bytes:
    if at < 0 or size < 0 or at + size > len(data):
        raise UnreadableContent(f"Word document: the {what} runs past the end of its stream")
    return data[at: at + size]


def _word6_codec(lid: int, chse: int) -> str:
    if chse == WORD6_CHSE_MACINTOSH:
        return "mac_roman"
    primary, sub = lid & 0x3FF, lid >> 10
    if primary == CHINESE:
        return "cp950" if sub in CHINESE_TRADITIONAL_SUBLANGUAGES else "cp936"
    return CODE_PAGE_BY_PRIMARY_LANGUAGE.get(primary, "cp1252")


def parse_piece_table(clx: bytes, stream_size: int, word6_codec: str | None = None
                      ) -> list[Piece]:
    """The pieces of a CLX (RgPrc, then Pcdt holding the PlcPcd), in CP order.

    ``word6_codec`` is set for a Word 6/95 file, whose pieces are all one byte a character.
    Raises :class:`UnreadableContent` for a CLX without a piece table, CPs out of order,
    or a piece that starts past the end of the WordDocument stream.
    """
    at = 0
    while at < len(clx) and clx[at] == CLX_PRC:  # property modifiers: skipped
        at += 3 + _u16(clx, at + 1)
    if at >= len(clx) or clx[at] != CLX_PCDT:
        raise UnreadableContent("Word document: no piece table")
    size = _u32(clx, at + 1)
    plc = _slice(clx, at + 5, size, "piece table")
    count, rest = divmod(size - 4, 4 + PCD_SIZE)
    if count < 1 or rest:
        raise UnreadableContent("Word document: the piece table has a wrong size")
    cps = struct.unpack_from(f"<{count + 1}I", plc)
    pieces: list[Piece] = []
    for index in range(count):
        start, end = cps[index], cps[index + 1]
        if end < start or (pieces and start < pieces[-1].end):
            raise UnreadableContent("Word document: the piece table is out of order")
        fc = _u32(plc, 4 * (count + 1) + PCD_SIZE * index + 2)
        if word6_codec is not None:
            offset, width, codec = fc, 1, word6_codec
        elif fc & FC_COMPRESSED:
            offset, width, codec = (fc & FC_MASK) // 2, 1, "cp1252"
        else:
            offset, width, codec = fc & FC_MASK, 2, "utf-16-le"
        if offset >= stream_size and end > start:
            raise UnreadableContent("Word document: a piece points past the end of the text")
        pieces.append(Piece(start, end, offset, width, codec))
    return pieces


def _operand_size(grpprl: bytes, at: int, sprm: int) -> int | None:
    """Bytes of the operand at ``at`` of ``sprm``; None where it cannot be told."""
    spra = sprm >> 13
    if spra != SPRA_VARIABLE:
        return SPRA_OPERAND_SIZE[spra]
    if sprm in (SPRM_T_DEF_TABLE, SPRM_P_HUGE_PAPX):
        return _u16(grpprl, at) + 1 if at + 2 <= len(grpprl) else None
    if at >= len(grpprl) or (sprm == SPRM_P_CHG_TABS and grpprl[at] == 0xFF):
        return None  # sprmPChgTabs' long form: its size is spread over its parts
    return grpprl[at] + 1


def _table_properties(grpprl: bytes) -> tuple[bool, bool]:
    """(ends a table row, is inside a table) from a paragraph's property list."""
    row_end = in_table = False
    at = 0
    while at + 2 <= len(grpprl):
        sprm = _U16.unpack_from(grpprl, at)[0]
        at += 2
        if at < len(grpprl):
            if sprm == SPRM_P_F_TTP:
                row_end = grpprl[at] == 1
            elif sprm == SPRM_P_F_IN_TABLE:
                in_table = in_table or grpprl[at] == 1
            elif sprm == SPRM_P_ITAP and at + 4 <= len(grpprl):
                in_table = in_table or _U32.unpack_from(grpprl, at)[0] > 0
        size = _operand_size(grpprl, at, sprm)
        if size is None:
            break
        at += size
    return row_end, in_table


def read_paragraph_marks(word: bytes, table: bytes, bte_at: int, bte_size: int
                         ) -> ParagraphMarks:
    """Which paragraph marks end table rows or sit in cells, from the PAPX FKPs that
    PlcBtePapx (``bte_size`` bytes at ``bte_at`` of the table stream) points to."""
    if bte_size < 12:
        return NO_PARAGRAPH_MARKS
    count = (bte_size - 4) // 8
    plc = _slice(table, bte_at, bte_size, "paragraph property index")
    pages = {_u32(plc, 4 * (count + 1) + 4 * index) & PN_MASK for index in range(count)}
    row_ends: set[int] = set()
    in_table: set[int] = set()
    for page_number in sorted(pages):  # each page once: a hostile index may repeat them
        page = _slice(word, page_number * FKP_SIZE, FKP_SIZE, "paragraph properties")
        runs = page[FKP_SIZE - 1]
        if 4 * (runs + 1) + BX_PAP_SIZE * runs > FKP_SIZE - 1:
            raise UnreadableContent("Word document: a paragraph property page is malformed")
        ends = struct.unpack_from(f"<{runs + 1}I", page)
        for run in range(runs):
            at = 2 * page[4 * (runs + 1) + BX_PAP_SIZE * run]
            if not at:
                continue  # default properties: not in a table
            size = 2 * page[at] - 1
            at += 1
            if size < 0:  # cb of 0: the size is in the next byte, in words
                size = 2 * page[at]
                at += 1
            # GrpPrlAndIstd: the style (2 bytes), then the properties.
            row_end, in_cell = _table_properties(page[at + 2: at + size])
            if row_end:
                row_ends.add(ends[run + 1])
            elif in_cell:
                in_table.add(ends[run + 1])
    return ParagraphMarks(frozenset(row_ends), frozenset(in_table))


class WordText:
    """The CP space of one document: its pieces over the WordDocument stream."""

    def __init__(self, word: bytes, pieces: list[Piece], marks: ParagraphMarks) -> None:
        self.word = word
        self.pieces = pieces
        self.starts = [piece.start for piece in pieces]
        self.marks = marks
        self.end = pieces[-1].end if pieces else 0

    def read(self, start: int, end: int) -> str:
        """The characters of CPs ``[start, end)`` with row marks and in-cell paragraph
        marks rewritten to :data:`ROW_END` and :data:`CELL_PARAGRAPH`."""
        parts: list[str] = []
        index = max(bisect.bisect_right(self.starts, start) - 1, 0)
        for piece in self.pieces[index:]:
            if piece.start >= end:
                break
            low, high = max(start, piece.start), min(end, piece.end)
            if low >= high:
                continue
            offset = piece.offset + (low - piece.start) * piece.width
            size = (high - low) * piece.width
            if offset + size > len(self.word):
                raise UnreadableContent(
                    "Word document: a piece points past the end of the text")
            text = self.word[offset: offset + size].decode(piece.codec, errors="replace")
            parts.append(self._mark_tables(text, offset, piece.width))
        return "".join(parts)

    def _mark_tables(self, text: str, offset: int, width: int) -> str:
        if not self.marks.known or CELL_END not in text:
            return text
        # A character outside the BMP is two UTF-16 units: the FCs after it shift.
        astral = [match.start() for match in _ASTRAL.finditer(text)] if width == 2 else []
        # Word never writes these two control characters: free to stand for the marks.
        characters = list(text.replace(ROW_END, " ").replace(CELL_PARAGRAPH, " "))
        for match in _STRUCTURE_MARK.finditer(text):
            at = match.start()
            units = at + bisect.bisect_left(astral, at) if astral else at
            after = offset + (units + 1) * width  # the FC just after the mark
            if characters[at] == CELL_END and after in self.marks.row_ends:
                characters[at] = ROW_END
            elif characters[at] == PARAGRAPH_END and after in self.marks.in_table:
                characters[at] = CELL_PARAGRAPH
        return "".join(characters)


def drop_field_codes(text: str) -> str:
    """``text`` with each field's instruction and marks removed and its result kept."""
    if FIELD_BEGIN not in text:
        return text
    kept: list[str] = []
    open_fields: list[bool] = []  # per open field: still in its instruction
    in_instruction = 0  # how many open fields are in their instruction
    since = 0
    for match in _FIELD_MARK.finditer(text):
        at, mark = match.start(), match.group()
        if not in_instruction:
            kept.append(text[since:at])
        since = at + 1
        if mark == FIELD_BEGIN:
            open_fields.append(True)
            in_instruction += 1
        elif open_fields and mark == FIELD_SEPARATOR and open_fields[-1]:
            open_fields[-1] = False
            in_instruction -= 1
        elif open_fields and mark == FIELD_END:
            in_instruction -= open_fields.pop()
    if not in_instruction:
        kept.append(text[since:])
    return "".join(kept)


def clean(text: str) -> str:
    """Word's special characters cleaned out of ``text``; the structure marks stay."""
    return drop_field_codes(text).translate(_SPECIAL_CHARACTERS)


def _cell_text(parts: list[str]) -> str:
    return " ".join(" ".join(parts).split())


def blocks(text: str) -> Iterator[str | list[list[str]]]:
    """A cleaned story's paragraphs (str) and tables (rows of cells), in order."""
    rows: list[list[str]] = []
    cells: list[str] = []
    cell_parts: list[str] = []
    pieces = _STRUCTURE_MARK.split(text)
    for number in range(0, len(pieces), 2):
        part = pieces[number]
        mark = pieces[number + 1] if number + 1 < len(pieces) else PARAGRAPH_END
        if mark == CELL_END:
            cells.append(_cell_text([*cell_parts, part]))
            cell_parts = []
        elif mark == ROW_END:  # the row mark's own paragraph holds no text
            if any(cells):
                rows.append(cells)
            cells, cell_parts = [], []
        elif mark == CELL_PARAGRAPH or cells:  # a paragraph inside a cell
            cell_parts.append(part)
        else:
            if rows:
                yield rows
                rows = []
            if cell_parts:  # a cell never closed: its paragraphs are text
                yield from cell_parts
                cell_parts = []
            if part.strip():
                yield part
    if cells:
        rows.append(cells)
    if rows:
        yield rows
    yield from (part for part in cell_parts if part.strip())


def _add_story(buffer: TextBuffer, text: str, name: str, marks_known: bool) -> bool:
    """Add one story's paragraphs and tables; False once the buffer is full."""
    if not marks_known:  # no row marks read: a cell mark right after one ends the row
        text = _LONE_CELL_ROW_END.sub(ROW_END, text)
    tables = 0
    for block in blocks(clean(text)):
        if isinstance(block, str):
            added = buffer.add(block.rstrip())
        else:
            tables += 1
            added = buffer.add_table(f"{name} table {tables}", block)
        if not added:
            return False
    return True


@dataclass(frozen=True, slots=True)
class Fib:
    """What the reader takes from the FIB."""

    flags: int
    word6_codec: str | None  # set for Word 6/95
    ccps: tuple[int, ...]  # ccpText, ccpFtn, ccpHdd, ccpMcr, ccpAtn, ccpEdn, ccpTxbx, ...
    fc_lcb: tuple[int, ...]  # FibRgFcLcb (fc, lcb) flattened; empty for Word 6/95
    fc_min: int = 0


def read_fib(word: bytes) -> Fib:
    """The FIB at the start of the WordDocument stream; raises :class:`EncryptedContent`
    for an encrypted or obfuscated file."""
    if _u16(word, 0) not in WORD_IDENTS:
        raise UnreadableContent("Word document: the WordDocument stream has no FIB")
    nfib, flags = _u16(word, 2), _u16(word, 0x0A)
    if flags & (F_ENCRYPTED | F_OBFUSCATED):  # the FIB past FibBase is encrypted too
        raise EncryptedContent(ENCRYPTED)
    if nfib < WORD97_NFIB:
        lid = _u16(word, 6)
        ccps = struct.unpack_from(f"<{CCP_FIELDS}I",
                                  _slice(word, WORD6_CCP_FIRST, 4 * CCP_FIELDS, "FIB"))
        codec = _word6_codec(lid, _u16(word, WORD6_CHSE))
        return Fib(flags, codec, ccps, (), _u32(word, WORD6_FC_MIN))
    at = FIB_BASE_SIZE
    at += 2 + 2 * _u16(word, at)  # csw, FibRgW97
    cslw = _u16(word, at)
    if cslw < RG_LW_CCP_FIRST + CCP_FIELDS:
        raise UnreadableContent("Word document: the FIB is too short")
    ccps = struct.unpack_from(f"<{CCP_FIELDS}I",
                              _slice(word, at + 2 + 4 * RG_LW_CCP_FIRST, 4 * CCP_FIELDS, "FIB"))
    at += 2 + 4 * cslw
    pairs = _u16(word, at)
    if pairs <= FC_LCB_CLX:
        raise UnreadableContent("Word document: the FIB is too short")
    fc_lcb = struct.unpack_from(f"<{2 * pairs}I", _slice(word, at + 2, 8 * pairs, "FIB"))
    return Fib(flags, None, ccps, fc_lcb)


def _word6_text(word: bytes, fib: Fib) -> WordText:
    """A Word 6/95 file's text: through its piece table when fast-saved, else the run of
    one-byte characters from fcMin."""
    codec = fib.word6_codec or "cp1252"
    if fib.flags & F_COMPLEX:
        clx_at, clx_size = _u32(word, WORD6_FC_CLX), _u32(word, WORD6_FC_CLX + 4)
        clx = _slice(word, clx_at, clx_size, "piece table")
        return WordText(word, parse_piece_table(clx, len(word), codec), NO_PARAGRAPH_MARKS)
    length = min(sum(fib.ccps), max(len(word) - fib.fc_min, 0))
    return WordText(word, [Piece(0, length, fib.fc_min, 1, codec)], NO_PARAGRAPH_MARKS)


def _word97_text(ole: olefile.OleFileIO, storage: list[str], word: bytes, fib: Fib
                 ) -> WordText:
    name = "1Table" if fib.flags & F_WHICH_TABLE_STREAM else "0Table"
    if not ole.exists([*storage, name]):
        raise UnreadableContent(f"Word document: its table stream ({name}) is missing")
    table = ole.openstream([*storage, name]).read()
    clx_at, clx_size = fib.fc_lcb[2 * FC_LCB_CLX: 2 * FC_LCB_CLX + 2]
    pieces = parse_piece_table(_slice(table, clx_at, clx_size, "piece table"), len(word))
    bte_at, bte_size = fib.fc_lcb[2 * FC_LCB_PLCF_BTE_PAPX: 2 * FC_LCB_PLCF_BTE_PAPX + 2]
    return WordText(word, pieces, read_paragraph_marks(word, table, bte_at, bte_size))


def read_document(ole: olefile.OleFileIO, storage: list[str]) -> tuple[Fib, WordText]:
    """The FIB and the text of the Word document in ``storage`` ([] for the file's own)."""
    word = ole.openstream([*storage, WORD_STREAM]).read()
    fib = read_fib(word)
    if fib.word6_codec:
        return fib, _word6_text(word, fib)
    return fib, _word97_text(ole, storage, word, fib)


class DecodeBudget:
    """The characters the file may still decode, shared by all its stories and all the
    documents embedded in it."""

    def __init__(self, characters: int) -> None:
        self.left = characters


def _add_document(buffer: TextBuffer, fib: Fib, text: WordText, budget: DecodeBudget,
                  prefix: str = "") -> bool:
    """Add a document's stories in CP order, as far as ``budget`` and the document's own
    size allow; False once the buffer is full or a story could not be read to its end."""
    # A real document's characters take a byte of its stream each at least: pieces that
    # say more overlap, and are read no further than the stream's length.
    document_left = len(text.word)
    for name, field in (MAIN_STORY, *STORIES_AFTER_MAIN):
        start = sum(fib.ccps[:field])
        end = min(start + fib.ccps[field], text.end)
        if start >= end:
            continue
        read_to = min(end, start + min(budget.left, document_left))
        budget.left -= read_to - start
        document_left -= read_to - start
        if not _add_story(buffer, text.read(start, read_to), prefix + name, text.marks.known):
            return False
        if read_to < end:
            buffer.truncated = True  # a story longer than can be read
            return False
    return True


def _stream_place(ole: olefile.OleFileIO, path: list[str]) -> tuple[bool, int]:
    """Where the stream ``openstream(path)`` opens starts: (in the mini stream, first
    sector).  Found as olefile finds it: each storage's first child of that name, case aside."""
    entry: Any = ole.root  # types-olefile leaves out the entries' children and sectors
    for name in path:
        entry = next(kid for kid in entry.kids if kid.name.lower() == name.lower())
    return bool(entry.is_minifat), int(entry.isectStart)


def _embedded_documents(ole: olefile.OleFileIO) -> list[list[str]]:
    """Storages of Word documents embedded as objects (ObjectPool), nested ones too, each
    WordDocument stream once (storages may point at the same sectors, the file's own
    included) and :data:`MAX_EMBEDDED_DOCUMENTS` at most."""
    seen = {_stream_place(ole, [WORD_STREAM])}
    storages: list[list[str]] = []
    for entry in ole.listdir():
        if len(entry) > 2 and entry[0] == OBJECT_POOL and entry[-1] == WORD_STREAM:
            place = _stream_place(ole, entry)
            if place not in seen:
                seen.add(place)
                storages.append(entry[:-1])
                if len(storages) == MAX_EMBEDDED_DOCUMENTS:
                    break
    return storages


def extract_doc(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text of a Word 97-2003 document: the body with its tables, then footnotes, headers
    and footers, comments, endnotes and text boxes, each from its CP range; then the
    same of each Word document embedded in it as an object.

    Tables are recorded as :class:`~dpscan.model.extraction.TableData` as well, cell by
    cell as the DOCX extractor gives them.  Word 6 and Word 95 files are read by the
    simpler path of the module's docstring.  Raises :class:`EncryptedContent`
    (``doc97_encrypted``) for an encrypted or obfuscated file, and
    :class:`UnreadableContent` for a file whose structure is broken (an embedded
    document that is broken or encrypted is left out).
    """
    buffer = TextBuffer(limits.max_text_chars)
    budget = DecodeBudget(2 * limits.max_text_chars)
    ole = olefile.OleFileIO(handle)
    try:
        if not ole.exists(WORD_STREAM):
            raise UnreadableContent("Word document: no WordDocument stream")
        if not _add_document(buffer, *read_document(ole, []), budget):
            return buffer.result()
        for storage in _embedded_documents(ole):
            try:
                fib, text = read_document(ole, storage)
            except (UnreadableContent, EncryptedContent):
                continue
            if not _add_document(buffer, fib, text, budget, "embedded document "):
                break
    finally:
        ole.close()
    return buffer.result()
