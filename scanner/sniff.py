"""Tell a file's type from its content (libmagic via python-magic), not its name.

libmagic names the container; a few cheap refinements name what is inside it
(an OOXML package libmagic saw only as a zip), and :data:`TYPE_FAMILIES` says
which extensions fit which content, so a .docx renamed .jpg is caught.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO

import magic

from dpscan.scanner.mailsniff import looks_like_email, looks_like_msg

# How many leading bytes libmagic sees.  Enough for OOXML's first zip entries.
SNIFF_BYTES = 1024 * 1024

MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
MIME_XLSB = "application/vnd.ms-excel.sheet.binary.macroenabled.12"
MIME_ZIP = "application/zip"
MIME_ENCRYPTED_OFFICE = "application/encrypted"  # libmagic's "CDFV2 Encrypted"
MIME_EMPTY = "inode/x-empty"
MIME_EML = "message/rfc822"
MIME_MSG = "application/vnd.ms-outlook"
# libmagic's names for an OLE file it could not place; an Outlook .msg among them.
_GENERIC_OLE = frozenset({"application/x-ole-storage", "application/CDFV2", "application/cdfv2"})
MIME_UNKNOWN = "application/octet-stream"


@dataclass(frozen=True, slots=True)
class TypeFamily:
    """Content types that are one kind of file, and the extensions that kind goes by."""

    name: str
    mimes: frozenset[str]  # exact mimes, or "type/*" wildcards
    extensions: frozenset[str]


def _family(name: str, mimes: set[str], extensions: set[str]) -> TypeFamily:
    return TypeFamily(name, frozenset(mimes), frozenset(extensions))


_OOXML_WORD_EXT = {".docx", ".docm", ".dotx", ".dotm"}
_OOXML_SHEET_EXT = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xlsb"}
_OOXML_SLIDE_EXT = {".pptx", ".pptm", ".potx", ".ppsx", ".ppsm"}
_OLE_EXT = {".doc", ".dot", ".xls", ".xlt", ".ppt", ".pps", ".pot", ".msg", ".pub", ".vsd"}

# One row per kind of file.  Extension mismatch is judged against this table only:
# an extension or a content type not listed here is never called a mismatch.
TYPE_FAMILIES: tuple[TypeFamily, ...] = (
    _family("word", {MIME_DOCX, "application/vnd.ms-word.document.macroenabled.12"},
            _OOXML_WORD_EXT),
    _family("spreadsheet", {MIME_XLSX, MIME_XLSB, "application/vnd.ms-excel.sheet.macroenabled.12"},
            _OOXML_SHEET_EXT),
    _family("presentation", {MIME_PPTX}, _OOXML_SLIDE_EXT),
    _family("ole", {"application/x-ole-storage", "application/msword",
                    "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
                    "application/vnd.ms-outlook", "application/cdfv2", "application/CDFV2"},
            _OLE_EXT),
    # Encrypted Office files of every generation are OLE containers to libmagic.
    _family("encrypted-office", {MIME_ENCRYPTED_OFFICE},
            _OOXML_WORD_EXT | _OOXML_SHEET_EXT | _OOXML_SLIDE_EXT | _OLE_EXT),
    _family("opendocument", {"application/vnd.oasis.opendocument.*"},
            {".odt", ".ods", ".odp", ".odg", ".odf", ".ott", ".ots", ".otp"}),
    _family("pdf", {"application/pdf"}, {".pdf"}),
    _family("zip", {MIME_ZIP}, {".zip"}),
    _family("7z", {"application/x-7z-compressed"}, {".7z"}),
    _family("rtf", {"text/rtf", "application/rtf"}, {".rtf"}),
    _family("image", {"image/*"}, {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff",
                                   ".webp", ".heic", ".heif", ".wmf", ".emf"}),
    _family("text", {"text/*", "application/json", "application/xml", "application/csv",
                     "message/rfc822"},
            {".txt", ".csv", ".tsv", ".log", ".md", ".ini", ".cfg", ".json", ".xml", ".html",
             ".htm", ".eml", ".ics", ".vcf", ".yaml", ".yml", ".sql"}),
    _family("audio-video", {"audio/*", "video/*"}, {".mp3", ".mp4", ".wav", ".m4a", ".mov",
                                                     ".avi", ".wmv", ".mkv"}),
)


# Types libmagic names from two or three leading bytes, which ordinary text also starts
# with: "PAYROLL GUIDANCE ..." begins with HP-GL's "PA".  Such a file that reads as text
# is text.
WEAK_MAGIC_MIMES = frozenset({"application/vnd.hp-HPGL"})
_TEXT_CONTROL = frozenset(range(32)) - {9, 10, 12, 13}


def _is_text(head: bytes) -> bool:
    """True when ``head`` decodes as UTF-8 or cp1252 text without control characters."""
    for encoding in ("utf-8", "cp1252"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start >= len(head) - 3:
                text = head[:exc.start].decode(encoding)  # a character cut at the end
            else:
                continue
        return not any(ord(ch) in _TEXT_CONTROL for ch in text)
    return False


@dataclass(frozen=True, slots=True)
class SniffResult:
    """What the content says the file is."""

    mime: str
    description: str
    extension_mismatch: bool


@lru_cache(maxsize=1)
def _magic() -> tuple[magic.Magic, magic.Magic]:
    # One libmagic handle per process; python-magic handles are not fork-safe to share.
    return magic.Magic(mime=True), magic.Magic()


def sniff_handle(handle: BinaryIO, filename: str, total_size: int) -> SniffResult:
    """Identify the open file ``handle`` from its content and judge its extension.

    Reads at most :data:`SNIFF_BYTES` for libmagic; a zip is opened by its central
    directory (cheap, and safe for huge archives) to tell OOXML and ODF packages apart.
    """
    handle.seek(0)
    head = handle.read(SNIFF_BYTES)
    if total_size == 0 or not head:
        return SniffResult(MIME_EMPTY, "empty", False)
    mime_magic, text_magic = _magic()
    mime = mime_magic.from_buffer(head) or MIME_UNKNOWN
    description = text_magic.from_buffer(head) or ""
    if mime == MIME_ZIP:
        mime = _refine_zip(handle) or mime
    elif mime in WEAK_MAGIC_MIMES and _is_text(head):
        mime = "text/plain"
    if mime.startswith("text/") and looks_like_email(head):
        mime = MIME_EML  # libmagic often calls an .eml plain text
    elif mime in _GENERIC_OLE and looks_like_msg(handle):
        mime = MIME_MSG  # an Outlook message libmagic saw only as OLE
    return SniffResult(mime, description, extension_mismatch(filename, mime))


def _refine_zip(handle: BinaryIO) -> str | None:
    """Name the package inside a zip (OOXML or OpenDocument) from its entry names."""
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.open("mimetype").read(100).decode("ascii", "replace").strip()
                if declared.startswith("application/vnd.oasis.opendocument."):
                    return declared
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, NotImplementedError, EOFError):
        return None
    finally:
        handle.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "xl/workbook.bin" in names:
        return MIME_XLSB  # binary workbook: a zip of .bin parts openpyxl cannot read
    for prefix, mime in (("word/", MIME_DOCX), ("xl/", MIME_XLSX), ("ppt/", MIME_PPTX)):
        if any(name.startswith(prefix) for name in names):
            return mime
    return None


def family_of(mime: str) -> str | None:
    """The name of the first :data:`TYPE_FAMILIES` row that ``mime`` belongs to, if any."""
    return next((f.name for f in TYPE_FAMILIES if _in_family(f, mime)), None)


def _in_family(family: TypeFamily, mime: str) -> bool:
    major = mime.split("/", 1)[0]
    return any(
        pattern == mime
        or (pattern.endswith("/*") and pattern[:-2] == major)
        or (pattern.endswith(".*") and mime.startswith(pattern[:-1]))
        for pattern in family.mimes
    )


def _families_of_mime(mime: str) -> set[str]:
    return {family.name for family in TYPE_FAMILIES if _in_family(family, mime)}


def _families_of_extension(ext: str) -> set[str]:
    return {family.name for family in TYPE_FAMILIES if ext in family.extensions}


def extension_mismatch(filename: str, mime: str) -> bool:
    """True when the name's extension belongs to a different kind of file than the content."""
    ext = os.path.splitext(filename)[1].lower()
    if not ext or mime in (MIME_EMPTY, MIME_UNKNOWN):
        return False
    by_ext = _families_of_extension(ext)
    by_mime = _families_of_mime(mime)
    return bool(by_ext and by_mime and not by_ext & by_mime)
