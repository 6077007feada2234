"""What every extractor shares: its output record, its exceptions and a bounded text buffer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Named limits; each one hit is reported on the file it stopped, with the limit."""

    # Files larger than this are listed with their type but not read.
    max_file_bytes: int = 512 * MIB
    # Text kept per file for detection; the rest is not analysed (flag text_truncated).
    max_text_chars: int = 2_000_000
    # Containers (archives, emails with attachments): how deep, how many members, and how
    # many bytes may be decompressed from one top-level file in all.
    max_depth: int = 3
    max_members: int = 10_000
    max_member_bytes: int = 256 * MIB
    max_total_bytes: int = 1024 * MIB
    # OCR of images and of PDFs without a text layer (--ocr; needs Tesseract), and the
    # wall-clock seconds it may spend on one file (flag ocr_incomplete when it runs out).
    ocr: bool = False
    ocr_seconds: float = 60.0
    # Isolation (enforced by the executor): wall-clock seconds one top-level file may take
    # and the memory one worker process may use; past either the worker is replaced and
    # the file gets an error naming the limit.
    file_seconds: float = 300.0
    worker_memory_bytes: int = 2048 * MIB


class LimitExceeded(Exception):
    """A named limit stopped the work; the message names the limit and its value."""


class EncryptedContent(Exception):
    """The file's content is encrypted: it cannot be read without a password.

    ``detail`` names the scheme (e.g. ``pdf_user_password``); it ends up as
    ``protection_detail`` on the file's result.
    """

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def kept_rows(rows: Iterable[list[str]]) -> Iterator[list[str]]:
    """Table rows without their trailing empty cells; rows left empty are skipped."""
    for cells in rows:
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            yield cells


@dataclass(slots=True)
class TableData:
    """A table found in a file (a sheet, a CSV, a Word table), cell text row by row.

    ``start``/``end`` locate the table's rendering (one tab-separated line per row)
    in :attr:`ExtractedText.text`, so detectors that handle the table by its columns
    can leave that span out of free-text analysis.
    """

    name: str
    rows: list[list[str]]
    start: int
    end: int


@dataclass(slots=True)
class Member:
    """A file inside a container (archive member, email attachment), scanned as its own record.

    ``open`` gives the member's bytes as a binary stream; the pipeline calls it while the
    container is still open, and bounds what it reads by the container limits.  A member
    that cannot be read has ``open=None`` and says why in ``error``; an encrypted one names
    its scheme in ``encrypted``.
    """

    name: str  # path inside the container, "/" separators
    open: Callable[[], BinaryIO] | None
    size: int | None = None  # as the container declares it
    modified: str | None = None  # ISO 8601, when the container records it
    encrypted: str | None = None
    error: str | None = None
    flags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ExtractedText:
    """Text taken from one file, and what the extractor noticed on the way."""

    text: str
    truncated: bool = False
    flags: list[str] = field(default_factory=list)
    tables: list[TableData] = field(default_factory=list)
    # Files inside this one (archive members, attachments), each scanned as its own record.
    members: list[Member] = field(default_factory=list)
    # Emails: external addresses visible in To and Cc.
    recipients_exposed: int = 0
    # A limit that stopped reading part way (OCR's ocr_seconds), with the limit's value.
    notice: str | None = None
    # Set when the file is encrypted but readable anyway (e.g. a PDF with only an
    # owner password): protection stays "none" and this names the scheme.
    protection_detail: str | None = None


class TextBuffer:
    """Collects text parts up to ``max_chars``, so a huge file cannot exhaust memory."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self._parts: list[str] = []
        self._size = 0
        self.truncated = False
        self.tables: list[TableData] = []

    @property
    def full(self) -> bool:
        """True once the limit is reached; extractors stop reading then."""
        return self.truncated

    def add(self, part: str) -> bool:
        """Append ``part`` and a newline; return False once the buffer is full."""
        if self.truncated:
            return False
        room = self.max_chars - self._size
        if len(part) + 1 > room:
            self._parts.append(part[: max(room, 0)])
            self._size = self.max_chars
            self.truncated = True
            return False
        self._parts.append(part)
        self._parts.append("\n")
        self._size += len(part) + 1
        return True

    def add_table(self, name: str, rows: Iterable[list[str]]) -> bool:
        """Append a table, one tab-separated line per row, and record it; False once full."""
        start = self._size
        kept: list[list[str]] = []
        for row in rows:
            if not self.add("\t".join(row)):
                break
            kept.append(row)
        if kept:
            self.tables.append(TableData(name=name, rows=kept, start=start, end=self._size))
        return not self.truncated

    def result(self, **kwargs: object) -> ExtractedText:
        """The collected text as an :class:`ExtractedText`."""
        return ExtractedText(text="".join(self._parts), truncated=self.truncated,
                             tables=self.tables, **kwargs)
