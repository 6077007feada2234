"""Archives (zip, 7z): the member names as text, and each member as a record of its own.

The text of an archive is its listing, one name a line, because names alone can be
personal data ("Amelia Jones EHCP.pdf").  Each regular file inside becomes a
:class:`~dpscan.model.extraction.Member` that the pipeline scans as its own record
(``trips.zip!2016/consent.docx``), reading it through ``Member.open`` while the archive
is still open and capping the bytes it copies.

Archives are hostile input, so nothing is decompressed here before the limits have
been checked against what the archive declares: too many members, a member declaring
more than ``max_member_bytes``, or an absurd compression ratio all give a member with an
``error`` naming the limit and the ``archive_limit`` flag, before a byte is inflated.
Declared sizes can lie; the pipeline's byte cap covers that for zip members (which
stream), and a capped in-memory buffer covers it for 7z members.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO, cast

from dpscan.model.extraction import (
    MIB,
    EncryptedContent,
    ExtractedText,
    LimitExceeded,
    Limits,
    Member,
    TextBuffer,
    describe_error,
)
from dpscan.model.ids import Flag
from dpscan.model.wording import counted
from dpscan.scanner.protection import ZIP_DIRECTORY_ENCRYPTED, zip_directory_encrypted

# A member declaring more than this many bytes out per byte in is a bomb, not a document:
# text and office files compress 3-20:1, deflate itself cannot beat ~1030:1.  Small
# members are exempt because a tiny member's ratio says nothing and costs nothing.
MAX_COMPRESSION_RATIO = 1000
RATIO_CHECK_MIN_BYTES = 1 * MIB

# Names show up in reports and findings.json; a zip name may be 64 KiB long.
MAX_NAME_CHARS = 1024

# Zip general-purpose flag bits and methods (APPNOTE.TXT 4.4.4, 4.4.5).
_ZIP_FLAG_ENCRYPTED = 0x1
_ZIP_FLAG_STRONG_ENCRYPTION = 0x40
_ZIP_FLAG_UTF8 = 0x800
_ZIP_METHOD_AES = 99
_ZIP_READABLE_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
# Info-ZIP Unicode Path extra field: the UTF-8 name, for archivers that write the main
# name in a DOS code page.  Python 3.11's zipfile ignores it.
_ZIP_EXTRA_UNICODE_PATH = 0x7075
# MS-DOS directory attribute, for directory entries whose name lacks the trailing "/".
_DOS_DIRECTORY = 0x10
_UNIX_FILE_TYPE_MASK = 0o170000
_UNIX_SYMLINK = 0o120000

# Characters that would break a one-name-a-line listing or disguise a name in a
# report: control characters, line and paragraph separators, lone surrogates, and the
# bidirectional overrides used to make "cod.exe" display as "exe.doc".
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_DRIVE = re.compile(r"^[A-Za-z]:(?=/|$)")


# --------------------------------------------------------------------------- shared


class ArchiveMemberError(Exception):
    """A member could not be taken out of its archive; the message says why."""


def printable_member_name(raw: str, index: int) -> str:
    """``raw`` as a safe relative name with "/" separators, fit for a report.

    Backslashes count as separators (old Windows archivers write them); a leading "/"
    or drive letter and "." components are dropped; ".." becomes ``%2E%2E`` so a name
    can never point outside its archive; control, separator and bidi characters become
    ``\\xNN``/``\\uNNNN`` escapes; very long names are cut at :data:`MAX_NAME_CHARS`.
    A name with nothing left is called after its position, ``(unnamed member N)``.
    """
    text = _DRIVE.sub("", raw.replace("\\", "/"))
    parts = []
    for part in text.split("/"):
        if part in ("", "."):
            continue
        parts.append("%2E%2E" if part == ".." else _escape(part))
    name = "/".join(parts)
    if len(name) > MAX_NAME_CHARS:
        name = name[:MAX_NAME_CHARS] + "…"
    return name or f"(unnamed member {index + 1})"


def _escape(text: str) -> str:
    if text.isprintable():  # the common case, fast
        return text
    out = []
    for char in text:
        if char in _BIDI_CONTROLS or unicodedata.category(char) in _ESCAPED_CATEGORIES:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def _iso(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _declared_size_problem(size: int, compressed: int | None, limits: Limits) -> str | None:
    """Why a member must not be decompressed, judged on what the archive declares."""
    if size > limits.max_member_bytes:
        return (f"not read: declares {size} bytes, over the max_member_bytes limit "
                f"({limits.max_member_bytes})")
    if compressed is not None and size > RATIO_CHECK_MIN_BYTES and (
        size > compressed * MAX_COMPRESSION_RATIO
    ):
        return (f"not read: declares {size} bytes from {compressed} compressed, over the "
                f"{MAX_COMPRESSION_RATIO}:1 compression ratio limit")
    return None


@dataclass(slots=True)
class _Listing:
    """The listing text and the members of one archive, kept within ``max_members``."""

    limits: Limits
    buffer: TextBuffer = field(init=False)
    members: list[Member] = field(default_factory=list)
    files: int = 0  # regular files seen, listed or not

    def __post_init__(self) -> None:
        self.buffer = TextBuffer(self.limits.max_text_chars)

    @property
    def full(self) -> bool:
        """True once max_members files are listed: the rest are only counted."""
        return self.files >= self.limits.max_members

    def add_folder(self, name: str) -> None:
        """A directory: its name can be personal data ("Amelia Jones/"), but it has no content."""
        if not self.full:
            self.buffer.add(name + "/")

    def add_other(self, name: str) -> None:
        """An entry listed by name only (a symlink, a device)."""
        if not self.full:
            self.buffer.add(name)

    def add_file(self, make: Callable[[], Member], name: str) -> None:
        """Count a regular file; list it and build its member (``make()``) while there is room."""
        self.files += 1
        if self.files <= self.limits.max_members:
            self.buffer.add(name)
            self.members.append(make())

    def result(self, protection_detail: str | None = None) -> ExtractedText:
        """The :class:`ExtractedText`, with one error member for the files not listed."""
        limits = self.limits
        if self.files > limits.max_members:
            more = self.files - limits.max_members
            self.members.append(Member(
                name=f"({counted(more, 'more member')} not listed)",
                open=None,
                error=(f"not listed: the archive holds {counted(self.files, 'file')}, over "
                       f"the max_members limit ({limits.max_members})"),
                flags=[Flag.ARCHIVE_LIMIT],
            ))
        flags: list[str] = [Flag.ARCHIVE_LIMIT] if any(
            Flag.ARCHIVE_LIMIT in member.flags for member in self.members
        ) else []
        return self.buffer.result(flags=flags, members=self.members,
                                  protection_detail=protection_detail)


def _scheme_summary(schemes: Iterable[str | None]) -> str | None:
    """``scheme`` when every file is encrypted, ``scheme_partial`` when some are."""
    found = list(schemes)
    encrypted = [s for s in found if s]
    if not encrypted:
        return None
    # AES wins when schemes are mixed: it names the strongest lock on the archive.
    scheme = next((s for s in encrypted if s.endswith("aes")), encrypted[0])
    return scheme if len(encrypted) == len(found) else f"{scheme}_partial"


# --------------------------------------------------------------------------- zip


def extract_zip(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """List a zip archive and give each regular file in it as a streaming :class:`Member`.

    Only the central directory is read here.  ``Member.open`` returns
    ``ZipFile.open(info)``, which inflates as it is read, so the archive (and ``handle``)
    must stay open while the members are read.  Encrypted members, unsupported
    compression methods and members over the limits come back with ``open=None`` and
    ``encrypted`` or ``error`` set.  Raises :class:`EncryptedContent` when the file list
    itself is encrypted, ``zipfile.BadZipFile`` for a corrupt archive.
    """
    handle.seek(0)
    # Not closed on purpose: the members' open() read through it after we return.
    # ZipFile never closes a handle it was given, so the caller still owns ``handle``.
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile as exc:
        if zip_directory_encrypted(handle):
            raise EncryptedContent(ZIP_DIRECTORY_ENCRYPTED) from exc
        raise
    listing = _Listing(limits)
    schemes: list[str | None] = []
    for index, info in enumerate(archive.infolist()):
        name = printable_member_name(_zip_name(info), index)
        if info.is_dir() or (info.external_attr & _DOS_DIRECTORY and not info.file_size):
            listing.add_folder(name)
        elif (info.external_attr >> 16) & _UNIX_FILE_TYPE_MASK == _UNIX_SYMLINK:
            listing.add_other(name)  # its "content" is a path, not a document
        else:
            schemes.append(_zip_scheme(info))
            listing.add_file(functools.partial(_zip_member, archive, info, name, limits), name)
    return listing.result(protection_detail=_scheme_summary(schemes))


def _zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                limits: Limits) -> Member:
    size, modified = info.file_size, _zip_modified(info)
    scheme = _zip_scheme(info)
    if scheme:
        return Member(name, None, size, modified, encrypted=scheme)
    if info.compress_type not in _ZIP_READABLE_METHODS:
        # typeshed leaves out zipfile's compressor_names table (undocumented, long-standing).
        method = zipfile.compressor_names.get(  # type: ignore[attr-defined]
            info.compress_type, "unknown")
        return Member(name, None, size, modified,
                      error=(f"not read: compression method {info.compress_type} "
                             f"({method}) is not supported"))
    problem = _declared_size_problem(size, info.compress_size, limits)
    if problem:
        return Member(name, None, size, modified, error=problem, flags=[Flag.ARCHIVE_LIMIT])
    return Member(name, functools.partial(archive.open, info), size, modified)


def _zip_scheme(info: zipfile.ZipInfo) -> str | None:
    if not info.flag_bits & _ZIP_FLAG_ENCRYPTED:
        return None
    if info.compress_type == _ZIP_METHOD_AES:
        return "zip_aes"
    if info.flag_bits & _ZIP_FLAG_STRONG_ENCRYPTION:
        return "zip_pkware_strong"
    return "zip_crypto"


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its archiver meant it.

    zipfile decodes names without the UTF-8 flag as cp437, but many archivers (macOS,
    Linux zip, older 7-Zip) write UTF-8 without setting the flag, and some add the
    UTF-8 name in a Unicode Path extra field: both are preferred when they decode.
    """
    if info.flag_bits & _ZIP_FLAG_UTF8:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:  # not a name zipfile decoded as cp437; leave it be
        return info.filename
    unicode_path = _unicode_path_extra(info.extra, raw)
    if unicode_path is not None:
        return unicode_path
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return info.filename


def _unicode_path_extra(extra: bytes, raw_name: bytes) -> str | None:
    """The UTF-8 name from an Info-ZIP Unicode Path field, if it matches ``raw_name``."""
    position = 0
    while position + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, position)
        body = extra[position + 4:position + 4 + size]
        position += 4 + size
        # Version 1, then the CRC-32 of the name it replaces: a stale field (the entry
        # was renamed by a tool that did not know the field) must be ignored.
        if tag != _ZIP_EXTRA_UNICODE_PATH or len(body) < 5 or body[0] != 1:
            continue
        if struct.unpack_from("<I", body, 1)[0] != zlib.crc32(raw_name):
            continue
        try:
            return body[5:].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def _zip_modified(info: zipfile.ZipInfo) -> str | None:
    # DOS timestamps carry no zone: taken as UTC.  Month 0 and the like are common
    # in archives written by buggy tools.
    try:
        return _iso(dt.datetime(*info.date_time, tzinfo=dt.UTC))
    except (ValueError, TypeError, OverflowError):
        return None


# --------------------------------------------------------------------------- 7z


def extract_7z(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """List a 7z archive and give each regular file in it as a :class:`Member`.

    Raises :class:`EncryptedContent` (``7z_aes``) when the header is encrypted, since
    then not even the names can be read.  With the names visible but the content
    encrypted, the members carry ``encrypted="7z_aes"``.

    Nothing is written to disk.  Members are decompressed into memory when the pipeline
    first opens one, a 7z block (a "folder": one file, or many in a solid archive) at a
    time, because a solid block can only be decompressed from its start.  What may be
    decompressed is planned up front from the declared sizes: at most
    ``max_member_bytes`` per member, and at most ``max_total_bytes`` for the whole
    archive counting the bytes of a solid block that must be decompressed to reach a
    member; members beyond get an error naming the limit.  So memory holds at most one
    block's selected members, never more than ``max_total_bytes``.
    """
    py7zr = _py7zr()
    handle.seek(0)
    try:
        archive = py7zr.SevenZipFile(handle, mode="r")
    except py7zr.PasswordRequired as exc:
        raise EncryptedContent("7z_aes") from exc
    reader = _SevenZipReader(archive, limits)
    listing = _Listing(limits)
    schemes: list[str | None] = []
    for index, entry in enumerate(getattr(archive, "files", None) or ()):
        name = printable_member_name(entry.filename, index)
        if entry.is_directory:
            listing.add_folder(name)
        elif entry.is_symlink or getattr(entry, "is_socket", False):
            listing.add_other(name)
        else:
            schemes.append("7z_aes" if reader.encrypted(entry) else None)
            listing.add_file(functools.partial(reader.member, entry, name), name)
    return listing.result(protection_detail=_scheme_summary(schemes))


def _py7zr() -> Any:
    # Imported on first use: 7z support should not cost every worker process the import
    # of py7zr's codecs, and a missing package then fails the 7z files with a message
    # that says what to install, not the whole scan.
    try:
        import py7zr
    except ImportError as exc:
        raise ImportError("reading 7z archives needs the py7zr package: "
                          "pip install 'py7zr>=1.1,<2'") from exc
    return py7zr


class _CappedBuffer:
    """Receives one member from py7zr (its ``Py7zIO`` protocol) in memory, up to ``cap``.

    py7zr decompresses exactly the size a member declares, so the cap should never be
    reached; it is there so a lying header cannot make one member outgrow its limit.
    """

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.stream = io.BytesIO()
        self.written = 0
        self.complete = False  # set by close(), which py7zr calls only on success

    def write(self, data: bytes | bytearray) -> int:
        self.written += len(data)
        if self.written > self.cap:
            raise LimitExceeded(f"not read: expands past the max_member_bytes limit "
                                f"({self.cap} bytes)")
        return self.stream.write(data)

    def read(self, size: int | None = None) -> bytes:
        return self.stream.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.stream.seek(offset, whence)

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.written

    def close(self) -> None:
        self.complete = True


class _CappedFactory:
    """py7zr ``WriterFactory``: one :class:`_CappedBuffer` per member, keyed by our key."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.products: dict[str, _CappedBuffer] = {}

    def create(self, filename: str) -> _CappedBuffer:
        product = _CappedBuffer(self.cap)
        self.products[filename] = product
        return product


class _SevenZipReader:
    """Plans which members of one 7z archive may be decompressed, and decompresses them
    block by block when the pipeline asks for them."""

    def __init__(self, archive: Any, limits: Limits) -> None:
        from py7zr.compressor import SupportedMethods

        self._archive = archive
        self._limits = limits
        self._needs_password = SupportedMethods.needs_password
        # Planning state: bytes of the archive planned for decompression so far, and
        # how far into the current block that reaches.
        self._planned_total = 0
        self._block: int | None = None
        self._block_offset = 0  # bytes of the block before the current file
        self._block_planned = 0  # bytes of the block decompressed to reach the last target
        self._targets: dict[int, list[int]] = {}  # block key -> file ids, archive order
        self._work: dict[int, int] = {}  # block key -> bytes to decompress for its targets
        self._block_of: dict[int, int] = {}  # file id -> block key
        self._ready: dict[int, _CappedBuffer] = {}
        self._failed: dict[int, BaseException] = {}
        self._handed_over: set[int] = set()

    def encrypted(self, entry: Any) -> bool:
        """True when the member's block is encrypted (7zAES)."""
        folder = entry.folder
        return folder is not None and bool(self._needs_password(folder.coders))

    def member(self, entry: Any, name: str) -> Member:
        """The :class:`Member` for ``entry``, planned (or refused) against the limits."""
        limits = self._limits
        size = int(entry.uncompressed or 0)
        modified = self._modified(entry)
        folder = entry.folder
        if folder is None:  # an empty file lives in no block: nothing to decompress
            return Member(name, io.BytesIO, size, modified)
        key = id(folder)
        if key != self._block:
            self._block, self._block_offset, self._block_planned = key, 0, 0
        start = self._block_offset
        self._block_offset += size
        if self.encrypted(entry):
            return Member(name, None, size, modified, encrypted="7z_aes")
        # The ratio says something only for a block of one file; a solid block of many
        # copies of one form legitimately compresses far beyond it.
        solid = bool(getattr(folder, "solid", False))
        problem = _declared_size_problem(size, None if solid else entry.compressed, limits)
        if problem is None:
            # Reaching this file means decompressing its block from where the last
            # planned target ended up to this file's end.
            extra = start + size - self._block_planned
            if self._planned_total + extra > limits.max_total_bytes:
                problem = (f"not read: reaching it means decompressing past the "
                           f"max_total_bytes limit ({limits.max_total_bytes})")
            else:
                self._planned_total += extra
                self._block_planned = start + size
                self._work[key] = self._block_planned
                self._targets.setdefault(key, []).append(entry.id)
                self._block_of[entry.id] = key
        if problem:
            return Member(name, None, size, modified, error=problem, flags=[Flag.ARCHIVE_LIMIT])
        return Member(name, functools.partial(self.open, entry.id), size, modified)

    @staticmethod
    def _modified(entry: Any) -> str | None:
        stamp = entry.lastwritetime
        if stamp is None:
            return None
        try:
            return _iso(dt.datetime.fromtimestamp(stamp.totimestamp(), tz=dt.UTC))
        except (OverflowError, OSError, ValueError):
            return None

    def open(self, file_id: int) -> BinaryIO:
        """The decompressed member; its whole block is decompressed on first use."""
        if file_id not in self._ready and file_id not in self._failed:
            self._decompress_block(self._block_of[file_id], file_id)
        if file_id in self._failed:
            raise self._failed.pop(file_id)
        # Handed over, not kept: the pipeline reads a member once, and its memory is
        # freed as soon as it has.  A second open() decompresses the block again.
        buffer = self._ready.pop(file_id)
        self._handed_over.add(file_id)
        buffer.stream.seek(0)
        return buffer.stream

    def _decompress_block(self, key: int, wanted: int) -> None:
        from py7zr.exceptions import DecompressionBombError
        from py7zr.io import MemIO, WriterFactory

        archive = self._archive
        targets = self._targets[key]
        factory = _CappedFactory(self._limits.max_member_bytes)
        # py7zr's public extract(factory=...) keys its writers by a sanitized output
        # path, refuses a whole batch over one name it dislikes (".." or "C:"), and
        # judges names against the current directory.  Its Worker, which extract() itself
        # drives, takes writers by member id: no names, no paths, no disk.
        archive.reset()
        # _CappedFactory has WriterFactory's one method; it cannot subclass it while py7zr
        # is imported only when a 7z file is read.
        writers = cast(WriterFactory, factory)
        for file_id in targets:
            archive.worker.register_filelike(file_id, MemIO(str(file_id), writers))
        # py7zr's own bomb guard, as a second line behind the plan: this block may not
        # decompress more than was planned for it.
        archive.worker.max_extract_size = self._work[key]
        failure: BaseException | None = None
        try:
            archive.worker.extract(archive.fp, None, parallel=False)
        except DecompressionBombError:
            failure = LimitExceeded(f"not read: decompressing its block went past the "
                                    f"max_total_bytes limit ({self._limits.max_total_bytes})")
        except Exception as exc:  # noqa: BLE001 - corrupt data is the members' problem
            failure = exc
        for file_id in targets:
            if file_id in self._handed_over and file_id != wanted:
                continue  # read already; keeping it again would only hold memory
            product = factory.products.get(str(file_id))
            if product is not None and product.complete:
                self._ready[file_id] = product
            elif product is not None and failure is not None:
                self._failed[file_id] = failure  # this member is where it went wrong
            else:
                # Decompression stopped at an earlier member of the block: a solid
                # block cannot be resumed past a fault.
                why = f": {describe_error(failure)}" if failure is not None else ""
                self._failed[file_id] = ArchiveMemberError(
                    f"not read: its 7z block could not be decompressed up to it{why}"
                )


__all__ = [
    "MAX_COMPRESSION_RATIO",
    "ArchiveMemberError",
    "MAX_NAME_CHARS",
    "RATIO_CHECK_MIN_BYTES",
    "extract_7z",
    "extract_zip",
    "printable_member_name",
]
