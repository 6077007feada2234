"""Microsoft Publisher 98-2016 publications (PUB): the story text, in pure Python.

A publication is an OLE file.  Publisher 98 and later keep the text of every story
(text box, table, WordArt) in the "Quill/QuillSub/CONTENTS" stream, as libmspub reads
it (LibreOffice's Publisher import, MSPUBParser::parseQuill): the stream starts
"CHNKINK ", and at offset 0x18 a list of 24-byte chunk references (a name such as
"TEXT", "STRS" or "FDPC", an offset and a length), continued by a pointer to the next
list.  The "TEXT" chunk holds all stories as UTF-16LE one after another; "STRS" gives
each story's length in characters.  Paragraphs end with ``\\r``.

Publisher 97 and older keep their text in the "Contents" stream in a layout no public
specification describes; such files raise :class:`UnreadableContent`.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import olefile

from dpscan.model.extraction import ExtractedText, Limits, TextBuffer, UnreadableContent

QUILL_STREAM = "Quill/QuillSub/CONTENTS"
QUILL_SIGNATURE = b"CHNKINK "
FIRST_CHUNK_LIST = 0x18
LAST_CHUNK_LIST = 0xFFFFFFFF
MAX_CHUNK_LISTS = 1_000  # a publication has one or two; more is a loop or hostile

_LIST_HEADER = struct.Struct("<HHI")  # unknown, number of references, next list offset
# unknown (0x18), name, id, unknown, second name, offset, length
_CHUNK_REFERENCE = struct.Struct("<H4sHI4sII")
_U32 = struct.Struct("<I")
# Control characters other than tab and newline (field marks, NULs, page breaks).
_CONTROL = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f\ufffc]")


@dataclass(frozen=True, slots=True)
class Chunk:
    """A chunk of the Quill stream: its four-letter name and its span."""

    name: bytes
    start: int
    end: int


def quill_chunks(data: bytes) -> list[Chunk]:
    """Every chunk the Quill stream's chunk lists name, in order.

    Raises ValueError for a stream that is not a Quill stream or a chunk outside it.
    """
    if not data.startswith(QUILL_SIGNATURE):
        raise UnreadableContent("the Publisher text stream has no CHNKINK header")
    chunks: list[Chunk] = []
    list_offset = FIRST_CHUNK_LIST
    seen: set[int] = set()
    while list_offset != LAST_CHUNK_LIST and list_offset not in seen:
        if len(seen) >= MAX_CHUNK_LISTS:
            raise ValueError("too many Publisher chunk lists")
        seen.add(list_offset)
        if list_offset + _LIST_HEADER.size > len(data):
            raise ValueError("a Publisher chunk list is outside the stream")
        _unknown, count, next_offset = _LIST_HEADER.unpack_from(data, list_offset)
        position = list_offset + _LIST_HEADER.size
        if position + count * _CHUNK_REFERENCE.size > len(data):
            raise ValueError("a Publisher chunk list runs past the stream")
        for _ in range(count):
            _, name, _, _, _, offset, length = _CHUNK_REFERENCE.unpack_from(data, position)
            position += _CHUNK_REFERENCE.size
            if offset + length > len(data):
                raise ValueError("a Publisher chunk runs past the stream")
            chunks.append(Chunk(name, offset, offset + length))
        list_offset = next_offset
    return chunks


def story_lengths(data: bytes, strs: Chunk) -> list[int]:
    """Each story's length in characters, from an STRS chunk."""
    if strs.end - strs.start < 8:
        return []
    count, skip = struct.unpack_from("<II", data, strs.start)
    first = strs.start + 4 + skip
    if count > (strs.end - first) // 4 or first < strs.start:
        raise ValueError("a Publisher STRS chunk runs past its end")
    return [_U32.unpack_from(data, first + 4 * index)[0] for index in range(count)]


def _clean(text: str) -> str:
    # \r ends a paragraph; \v is a line break inside one.
    return _CONTROL.sub("", text.replace("\r", "\n").replace("\v", "\n"))


def stories(data: bytes) -> Iterator[str]:
    """The text of each story of the Quill stream, in the order Publisher stored them."""
    chunks = quill_chunks(data)
    lengths = [length for chunk in chunks if chunk.name == b"STRS"
               for length in story_lengths(data, chunk)]
    for chunk in chunks:
        if chunk.name != b"TEXT":
            continue
        text = data[chunk.start:chunk.end - (chunk.end - chunk.start) % 2].decode(
            "utf-16-le", errors="replace")
        if sum(lengths) > len(text):
            lengths = []  # STRS does not describe this TEXT: read it as one story
        start = 0
        for length in lengths:
            yield _clean(text[start:start + length])
            start += length
        yield _clean(text[start:])


def extract_pub(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text of a Publisher publication, story by story, one line a paragraph.

    Raises :class:`UnreadableContent` for a Publisher 97 or older file (no Quill
    stream) and ValueError for a damaged Quill stream.
    """
    with olefile.OleFileIO(handle) as ole:
        if not ole.exists(QUILL_STREAM):
            raise UnreadableContent(
                "no Quill text stream: Publisher 97 or older, whose text is not read")
        # Bounded by the file, which max_file_bytes bounds.
        data = ole.openstream(QUILL_STREAM).read()
    buffer = TextBuffer(limits.max_text_chars)
    for story in stories(data):
        for line in story.split("\n"):
            if line.strip() and not buffer.add(line):
                return buffer.result()
    return buffer.result()
