"""What every extractor shares: its output record, its exceptions and a bounded text buffer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TypedDict, Unpack

from dpscan.model.setting import MIB, seconds, setting, switch, whole


@dataclass(frozen=True, slots=True)
class Limits:
    """Named limits; each one hit is reported on the file it stopped, with the limit."""

    max_file_bytes: int = setting(
        512 * MIB, flag="--max-file-mb", key="limits.max_file_mb", unit="MiB",
        validate=whole(1), detection=True, summary=True, show_default=True,
        help="Files larger than this are listed but not read.")
    max_text_chars: int = setting(
        2_000_000, flag="--max-text-chars", key="limits.max_text_chars", unit="chars",
        validate=whole(1000), detection=True, summary=True, show_default=True,
        help="Text analysed per file; the rest is flagged text_truncated.")
    # Containers (archives, emails with attachments): how deep, how many members, and how
    # many bytes may be decompressed from one top-level file in all.
    max_depth: int = setting(
        3, key="limits.max_depth", unit="levels", validate=whole(1), detection=True,
        help="How deep archives and attachments inside each other are opened.")
    max_members: int = setting(
        10_000, key="limits.max_members", unit="files", validate=whole(1), detection=True,
        help="Files read out of one top-level file.")
    max_member_bytes: int = setting(
        256 * MIB, key="limits.max_member_mb", unit="MiB", validate=whole(1), detection=True,
        help="Bytes one member of a container may decompress to.")
    max_total_bytes: int = setting(
        1024 * MIB, key="limits.max_total_mb", unit="MiB", validate=whole(1), detection=True,
        help="Bytes everything decompressed from one top-level file may come to.")
    # OCR needs Tesseract; pages left unread when the time runs out get ocr_incomplete.
    ocr: bool = setting(
        False, flag="--ocr/--no-ocr", key="limits.ocr", unit=None, validate=switch(),
        detection=True,
        help="Read images and PDFs without a text layer by OCR (Debian package "
             "tesseract-ocr). [default: off]")
    ocr_seconds: float = setting(
        60.0, flag="--ocr-seconds", key="limits.ocr_seconds", unit="seconds",
        validate=seconds(1), detection=True, show_default=True,
        help="OCR time per file; pages left unread are flagged ocr_incomplete.")
    # Isolation (enforced by the executor): it decides whether a file finishes, not what is
    # found in it, so it does not change detection.
    file_seconds: float = setting(
        300.0, flag="--file-timeout", key="limits.file_seconds", unit="seconds",
        validate=seconds(1), detection=False, summary=True, show_default=True,
        help="Seconds one file may take; past it the worker is replaced and the file gets "
             "an error naming the limit.")
    worker_memory_bytes: int = setting(
        2048 * MIB, flag="--max-worker-mb", key="limits.worker_memory_mb", unit="MiB",
        validate=whole(256), detection=False, summary=True, show_default=True,
        help="Memory one worker process may use; a file that needs more gets an error.")


class LimitExceeded(Exception):
    """A named limit stopped the work; the message names the limit and its value."""


class UnreadableContent(ValueError):
    """dpscan cannot read the content (a truncated RTF, a package of another kind); the
    message is dpscan's own and quotes nothing of the file, so it is reported as it is."""


class EncryptedContent(Exception):
    """The file's content is encrypted: it cannot be read without a password.

    ``detail`` names the scheme (e.g. ``pdf_user_password``); it ends up as
    ``protection_detail`` on the file's result.
    """

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def is_content_failure(exc: BaseException) -> bool:
    """True for an error a file's content caused, to be recorded on that file: any
    :class:`Exception`, and a Rust parser's panic (pyo3 raises ``PanicException``, which
    derives from BaseException, when python-calamine panics on a malformed workbook)."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


# What a parser's own message is reduced to: parsers quote the content they choke on
# ("could not convert string to float: 'Amelia Jones 9434765919'").
PARSE_FAILURE = "the file's content could not be parsed"
_MAX_ERROR_CHARS = 300


def describe_error(exc: BaseException) -> str:
    """A one-line message for a failure to read a file, quoting none of its content.

    The operating system's messages (strerror and errno) and dpscan's own (a limit, an
    archive member not read) are kept; any other exception is a parser's, whose message
    can quote the file: only its type is kept, with :data:`PARSE_FAILURE`.
    """
    if isinstance(exc, FileNotFoundError):
        return "vanished before it could be read"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} (errno {exc.errno})"
    if type(exc).__module__.startswith("dpscan.") and str(exc).strip():
        return f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:_MAX_ERROR_CHARS]
    return f"{type(exc).__name__}: {PARSE_FAILURE}"


def kept_rows(rows: Iterable[list[str]]) -> Iterator[list[str]]:
    """Table rows without their trailing empty cells; rows left empty are skipped."""
    for cells in rows:
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            yield cells


# TableData layouts: a grid has headings over columns of values (a sheet, a CSV, a class
# list); fields are labelled values, one [label, value] row each (a form about one person,
# an HTML definition list, a JSON object's scalars).
GRID = "grid"
FIELDS = "fields"


@dataclass(slots=True)
class TableData:
    """A table found in a file (a sheet, a CSV, a Word table), cell text row by row.

    ``start``/``end`` locate the table's rendering (one tab-separated line per row)
    in :attr:`ExtractedText.text`, so detectors that handle the table by its columns
    can leave that span out of free-text analysis.  ``layout`` is :data:`GRID` or
    :data:`FIELDS` (rows of ``[label, value]``, rendered as "label: value" lines).
    """

    name: str
    rows: list[list[str]]
    start: int
    end: int
    layout: str = GRID


@dataclass(slots=True)
class Member:
    """A file inside a container (archive member, email attachment), scanned as its own record.

    ``open`` gives the member's bytes as a binary stream; the pipeline calls it while the
    container is still open, and bounds what it reads by the container limits.  A member
    that cannot be read has ``open=None`` and says why in ``error``; an encrypted one names
    its scheme in ``encrypted``.
    """

    name: str  # path inside the container, "/" separators
    open: Callable[[], IO[bytes]] | None
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


class ExtractedExtras(TypedDict, total=False):
    """The :class:`ExtractedText` fields an extractor may set besides its text and tables."""

    flags: list[str]
    members: list[Member]
    recipients_exposed: int
    notice: str | None
    protection_detail: str | None


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

    def add_table(self, name: str, rows: Iterable[list[str]], layout: str = GRID) -> bool:
        """Append a table, one tab-separated line per row (``label: value`` for
        :data:`FIELDS`), and record it; False once full."""
        start = self._size
        kept: list[list[str]] = []
        for row in rows:
            line = ": ".join(row[:2]) if layout == FIELDS else "\t".join(row)
            if not self.add(line):
                break
            kept.append(row)
        if kept:
            self.tables.append(TableData(name=name, rows=kept, start=start, end=self._size,
                                         layout=layout))
        return not self.truncated

    def result(self, **extras: Unpack[ExtractedExtras]) -> ExtractedText:
        """The collected text as an :class:`ExtractedText`, with ``extras`` set on it."""
        return ExtractedText(text="".join(self._parts), truncated=self.truncated,
                             tables=self.tables, **extras)
