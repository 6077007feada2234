"""PowerPoint 97-2003 presentations (PPT, PPS, POT): a pure-Python reader of [MS-PPT].

The "PowerPoint Document" stream of the OLE file is a tree of records, each an 8-byte
header (version and instance, type, length) and a body; a record whose version is 0xF
is a container of further records.  Text sits in three kinds of atom: TextCharsAtom
(UTF-16LE), TextBytesAtom (one byte a character, the low byte of UTF-16, so Latin-1)
and CString (UTF-16LE: comments, headers and footers).

Where the live records are comes from the persist directory: the "Current User"
stream points at the last UserEditAtom, and the chain of edits gives each persist id
its offset (a later edit wins, so text deleted in a fast save is not read).  The
Document's SlideListWithText gives the slides in order, with the text of their
placeholders; each Slide's drawing holds the text of its other shapes (text boxes,
table cells, grouped shapes) and its comments; the slide's Notes follow it, as in the
PPTX extractor.  Masters are not read: their text is template boilerplate ("Click to
edit Master title style").  A file whose persist directory is broken is read record by
record from the start instead.

Bounded: text stops at ``max_text_chars``; a record whose length runs past its parent
raises, nesting deeper than :data:`MAX_DEPTH` raises, and nothing is allocated from a
length the file states (bodies are slices of the stream already in memory).  The work is
linear in the stream's length whatever its offsets point at: each persist directory and
each slide or notes record is read once however many edits or list entries name it, and
the bytes walked (directories, and records) are capped at a multiple of the stream's
length; a stream past the cap is read in file order instead.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import olefile

from dpscan.model.extraction import (
    EncryptedContent,
    ExtractedText,
    Limits,
    TextBuffer,
    UnreadableContent,
)

DOCUMENT_STREAM = "PowerPoint Document"
CURRENT_USER_STREAM = "Current User"
ENCRYPTED_SUMMARY_STREAM = "EncryptedSummary"
ENCRYPTED = "ppt97_encrypted"  # as the protection check (msoffcrypto's format name) says

# Record types of [MS-PPT] 2.13.24 (RecordType) this reader looks at.
RT_DOCUMENT = 0x03E8
RT_SLIDE = 0x03EE
RT_SLIDE_ATOM = 0x03EF
RT_NOTES = 0x03F0
RT_SLIDE_PERSIST_ATOM = 0x03F3
RT_TEXT_CHARS_ATOM = 0x0FA0
RT_TEXT_BYTES_ATOM = 0x0FA8
RT_CSTRING = 0x0FBA
RT_HEADERS_FOOTERS = 0x0FD9
RT_SLIDE_LIST_WITH_TEXT = 0x0FF0
RT_USER_EDIT_ATOM = 0x0FF5
RT_PERSIST_DIRECTORY_ATOM = 0x1772
RT_COMMENT10 = 0x2EE0

# SlideListWithText instances: the slides' list and the notes pages' list.
SLIDES_LIST = 0
NOTES_LIST = 2
# CString instances worth reading: a Comment10's author (0) and text (1); a
# HeadersFooters' header (1) and footer (2).  Other CStrings name fonts, sounds, tags.
COMMENT_STRINGS = {0, 1}
HEADER_FOOTER_STRINGS = {1, 2}
# CurrentUserAtom.headerToken of an encrypted document.
ENCRYPTED_TOKEN = 0xF3D1C4DF

CONTAINER_VERSION = 0xF
MAX_DEPTH = 64  # real files nest a dozen deep (groups in groups); deeper is hostile
MAX_EDITS = 10_000  # UserEditAtoms followed back: one per save
# Bytes of records walked, per byte of the stream: the Document is walked three times (the
# slides' list, the notes' list, headers and footers) and each slide or notes twice (its
# notes reference, its texts); more means records that point into each other.
WALKS_PER_BYTE = 4

_HEADER = struct.Struct("<HHI")
_U32 = struct.Struct("<I")
# A line that is only the slide number field's stand-in ("*" in a footer placeholder).
SLIDE_NUMBER_FIELD = "*"
# Control characters other than tab and newline (Word-style field marks, stray NULs).
_CONTROL = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class Record:
    """One record: its type, instance, whether it is a container, and its body's span."""

    type: int
    instance: int
    container: bool
    start: int
    end: int


def records(data: bytes, start: int, end: int) -> Iterator[Record]:
    """The records laid one after another in ``data[start:end]``.

    Raises ValueError for a header cut short or a length past ``end``.
    """
    offset = start
    while offset < end:
        if offset + _HEADER.size > end:
            raise ValueError("a PowerPoint record header is cut short")
        version_instance, kind, length = _HEADER.unpack_from(data, offset)
        body = offset + _HEADER.size
        if length > end - body:
            raise ValueError("a PowerPoint record runs past its container")
        yield Record(kind, version_instance >> 4, version_instance & 0xF == CONTAINER_VERSION,
                     body, body + length)
        offset = body + length


def record_at(data: bytes, offset: int) -> Record:
    """The record starting at ``offset`` of the stream."""
    if not 0 <= offset <= len(data) - _HEADER.size:
        raise ValueError("a PowerPoint record offset is outside the stream")
    return next(records(data, offset, len(data)))


def _clean(text: str) -> str:
    # \r ends a paragraph and \v is a soft line break inside one.
    return _CONTROL.sub("", text.replace("\r", "\n").replace("\v", "\n"))


def atom_text(data: bytes, record: Record) -> str | None:
    """The text of a text atom or CString, cleaned; None for other records."""
    body = data[record.start:record.end]
    if record.type in (RT_TEXT_CHARS_ATOM, RT_CSTRING):
        return _clean(body.decode("utf-16-le", errors="replace"))
    if record.type == RT_TEXT_BYTES_ATOM:
        return _clean(body.decode("latin-1"))
    return None


def tree_texts(data: bytes, container: Record, depth: int = 0) -> Iterator[str]:
    """Every text inside ``container``, depth first in file order: text atoms anywhere,
    and the CStrings that are comments or headers and footers."""
    if depth > MAX_DEPTH:
        raise ValueError("PowerPoint records nest too deep")
    for record in records(data, container.start, container.end):
        if record.container:
            yield from tree_texts(data, record, depth + 1)
        elif record.type == RT_CSTRING:
            wanted = (COMMENT_STRINGS if container.type == RT_COMMENT10
                      else HEADER_FOOTER_STRINGS if container.type == RT_HEADERS_FOOTERS
                      else set())
            if record.instance in wanted:
                yield atom_text(data, record) or ""
        else:
            text = atom_text(data, record)
            if text is not None:
                yield text


@dataclass(slots=True)
class ListedSlide:
    """A slide or notes page as SlideListWithText lists it."""

    persist_id: int
    slide_id: int
    texts: list[str]


def slide_list(data: bytes, document: Record, instance: int) -> list[ListedSlide]:
    """The slides (or notes pages) of the Document's SlideListWithText ``instance``, in
    order, each with the placeholder text that follows its SlidePersistAtom."""
    listed: list[ListedSlide] = []
    for child in records(data, document.start, document.end):
        if child.type != RT_SLIDE_LIST_WITH_TEXT or child.instance != instance:
            continue
        for record in records(data, child.start, child.end):
            if record.type == RT_SLIDE_PERSIST_ATOM and record.end - record.start >= 16:
                persist_id, _flags, _texts, slide_id = struct.unpack_from(
                    "<IIII", data, record.start)
                listed.append(ListedSlide(persist_id, slide_id, []))
            elif listed:
                text = atom_text(data, record)
                if text is not None:
                    listed[-1].texts.append(text)
    return listed


def _current_edit_offset(ole: olefile.OleFileIO) -> int:
    """CurrentUserAtom.offsetToCurrentEdit; raises EncryptedContent for an encrypted file."""
    current = ole.openstream(CURRENT_USER_STREAM).read(64)
    if len(current) < _HEADER.size + 12:
        raise ValueError("the Current User stream is cut short")
    _size, token, offset = struct.unpack_from("<III", current, _HEADER.size)
    if token == ENCRYPTED_TOKEN:
        raise EncryptedContent(ENCRYPTED)
    return int(offset)


def _read_directory(data: bytes, directory: Record, offsets: dict[int, int]) -> None:
    """Add a PersistDirectoryAtom's entries to ``offsets`` where the id has none yet (the
    newest edit, read first, wins)."""
    position = directory.start
    while position + 4 <= directory.end:
        (entry,) = _U32.unpack_from(data, position)
        first, count = entry & 0xFFFFF, entry >> 20
        position += 4
        if position + 4 * count > directory.end:
            raise ValueError("a persist directory entry runs past its atom")
        for index in range(count):
            offsets.setdefault(first + index, _U32.unpack_from(data, position + 4 * index)[0])
        position += 4 * count


def persist_directory(data: bytes, edit_offset: int) -> tuple[dict[int, int], int]:
    """The persist id -> stream offset map of the live document, and the Document's
    persist id, following the UserEditAtoms from the current one back to the first.

    Each directory is read once however many edits point at it, and the directories read
    may hold no more bytes than the stream (more means they overlap): linear work.
    """
    offsets: dict[int, int] = {}
    document_ref: int | None = None
    seen: set[int] = set()
    directories_read: set[int] = set()
    directory_bytes_left = len(data)
    while edit_offset and edit_offset not in seen:
        if len(seen) >= MAX_EDITS:
            raise ValueError("too many PowerPoint edits")
        seen.add(edit_offset)
        edit = record_at(data, edit_offset)
        if edit.type != RT_USER_EDIT_ATOM or edit.end - edit.start < 28:
            raise ValueError("the current edit is not a UserEditAtom")
        last_edit, directory_offset, document = struct.unpack_from("<III", data, edit.start + 8)
        if document_ref is None:
            document_ref = document
        if directory_offset not in directories_read:
            directories_read.add(directory_offset)
            directory = record_at(data, directory_offset)
            if directory.type != RT_PERSIST_DIRECTORY_ATOM:
                raise ValueError("the persist directory is not a PersistDirectoryAtom")
            directory_bytes_left -= directory.end - directory.start
            if directory_bytes_left < 0:
                raise ValueError("PowerPoint persist directories overlap")
            _read_directory(data, directory, offsets)
        edit_offset = last_edit
    if document_ref is None:
        raise ValueError("no UserEditAtom")
    return offsets, document_ref


class WalkBudget:
    """The bytes of records the reader may still walk: :data:`WALKS_PER_BYTE` times the
    stream's length, so that records pointing into each other cost linear work at most."""

    def __init__(self, data: bytes) -> None:
        self.left = WALKS_PER_BYTE * len(data)

    def walk(self, record: Record, times: int) -> Record:
        """``record``, charged for walking it ``times``; raises ValueError past the budget."""
        self.left -= times * (_HEADER.size + record.end - record.start)
        if self.left < 0:
            raise ValueError("PowerPoint records are walked too often: they overlap")
        return record


class _Collector:
    """Feeds texts into the buffer one non-blank line at a time."""

    def __init__(self, limits: Limits) -> None:
        self.buffer = TextBuffer(limits.max_text_chars)

    def add(self, texts: list[str] | Iterator[str]) -> bool:
        """Add each text's non-blank lines; False once the buffer is full."""
        for text in texts:
            for line in text.split("\n"):
                kept = line.strip()
                if kept and kept != SLIDE_NUMBER_FIELD and not self.buffer.add(line):
                    return False
        return True


def _slide_texts(data: bytes, slide: Record, listed: list[str]) -> list[str]:
    """A slide's own texts (drawing, comments) other than those already listed."""
    known = set(listed)
    return [text for text in tree_texts(data, slide) if text not in known]


def _notes_ref(data: bytes, slide: Record) -> int:
    """SlideAtom.notesIdRef: the slide id of the slide's notes page (0 for none)."""
    for record in records(data, slide.start, slide.end):
        if record.type == RT_SLIDE_ATOM and record.end - record.start >= 20:
            return int(_U32.unpack_from(data, record.start + 16)[0])
    return 0


def _read_by_persist(data: bytes, edit_offset: int, out: _Collector) -> None:
    """Slides in order, each followed by its notes, then headers and footers."""
    offsets, document_ref = persist_directory(data, edit_offset)
    budget = WalkBudget(data)
    walked: set[int] = set()

    def resolve_once(persist_id: int, kind: int) -> Record | None:
        """The record of ``persist_id`` if it is a ``kind`` not walked yet: many list
        entries (or persist ids) naming one slide walk it once."""
        offset = offsets.get(persist_id)
        if offset is None or offset in walked:
            return None
        record = record_at(data, offset)
        if record.type != kind:
            return None
        walked.add(offset)
        return budget.walk(record, 2)  # twice: a slide's notes reference, then its texts

    document = resolve_once(document_ref, RT_DOCUMENT)
    if document is None:
        raise ValueError("the persist directory does not lead to the Document")
    budget.walk(document, 2)  # four walks in all: the two lists, headers and footers
    notes_pages = {page.slide_id: page for page in slide_list(data, document, NOTES_LIST)}
    for listed in slide_list(data, document, SLIDES_LIST):
        slide = resolve_once(listed.persist_id, RT_SLIDE)
        texts = listed.texts + (_slide_texts(data, slide, listed.texts) if slide else [])
        page = notes_pages.pop(_notes_ref(data, slide), None) if slide else None
        if page is not None:
            notes = resolve_once(page.persist_id, RT_NOTES)
            texts += page.texts + (_slide_texts(data, notes, page.texts) if notes else [])
        if not out.add(texts):
            return
    for page in notes_pages.values():  # notes pages no slide points at
        notes = resolve_once(page.persist_id, RT_NOTES)
        if not out.add(page.texts + (_slide_texts(data, notes, page.texts) if notes else [])):
            return
    for child in records(data, document.start, document.end):
        if child.type == RT_HEADERS_FOOTERS and not out.add(tree_texts(data, child)):
            return


def _read_in_file_order(data: bytes, out: _Collector) -> None:
    """The fallback when the persist directory is broken: every Document's slide list,
    Slide and Notes in the order they were written, each text once."""
    seen: set[str] = set()

    def fresh(texts: list[str] | Iterator[str]) -> list[str]:
        kept = [text for text in texts if text not in seen]
        seen.update(kept)
        return kept

    for record in records(data, 0, len(data)):
        if record.type == RT_DOCUMENT:
            texts = [text for instance in (SLIDES_LIST, NOTES_LIST)
                     for listed in slide_list(data, record, instance) for text in listed.texts]
        elif record.type in (RT_SLIDE, RT_NOTES):
            texts = list(tree_texts(data, record))
        else:
            continue
        if not out.add(fresh(texts)):
            return


def extract_ppt(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text of a PowerPoint 97-2003 file, slide by slide: placeholders, other shapes
    (tables are groups of shapes: their cells come as lines), comments, then that
    slide's notes; headers and footers last.

    Raises :class:`EncryptedContent` (``ppt97_encrypted``) for a password-protected
    file and :class:`UnreadableContent` for an OLE file without a PowerPoint 97
    document (PowerPoint 4.0 and 95 files).
    """
    with olefile.OleFileIO(handle) as ole:
        if ole.exists(ENCRYPTED_SUMMARY_STREAM):
            raise EncryptedContent(ENCRYPTED)
        if not ole.exists(DOCUMENT_STREAM):
            raise UnreadableContent(
                "no PowerPoint 97-2003 document stream (PowerPoint 95 or older?)")
        # The stream is bounded by the file, which max_file_bytes bounds.
        data = ole.openstream(DOCUMENT_STREAM).read()
        edit_offset = (_current_edit_offset(ole) if ole.exists(CURRENT_USER_STREAM)
                       else None)
    out = _Collector(limits)
    if edit_offset is not None:
        try:
            _read_by_persist(data, edit_offset, out)
            return out.buffer.result()
        except ValueError:
            out = _Collector(limits)  # start again from the file's own order
    _read_in_file_order(data, out)
    return out.buffer.result()
