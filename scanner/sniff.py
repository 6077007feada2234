"""Tell a file's type from its content (libmagic via python-magic), not its name.

libmagic names the container; a few cheap refinements name what is inside it
(an OOXML package libmagic saw only as a zip), and the format table
(:mod:`dpscan.scanner.formats`) says which extensions fit which content, so a .docx
renamed .jpg is caught.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO

import magic
import olefile

from dpscan.scanner.formats import (
    MIME_DOCX,
    MIME_EML,
    MIME_EMPTY,
    MIME_MSG,
    MIME_PPTX,
    MIME_PUB,
    MIME_UNKNOWN,
    MIME_XLSB,
    MIME_XLSX,
    MIME_ZIP,
    format_of,
    formats_matching,
    formats_with_extension,
)
from dpscan.scanner.mailsniff import is_msg_layout, looks_like_email

# How many leading bytes libmagic sees.  Enough for OOXML's first zip entries.
SNIFF_BYTES = 1024 * 1024

# libmagic's names for an OLE file it could not place (an Outlook .msg, a Word or
# PowerPoint file without the summary it looks for, Publisher).
_GENERIC_OLE = frozenset({"application/x-ole-storage", "application/CDFV2", "application/cdfv2",
                          "application/vnd.ms-office"})
# What an OLE file holds, told by the stream that carries its content (the first found).
_OLE_CONTENT_STREAMS = (
    ("WordDocument", "application/msword"),
    ("PowerPoint Document", "application/vnd.ms-powerpoint"),
    ("Workbook", "application/vnd.ms-excel"),
    ("Book", "application/vnd.ms-excel"),
    ("Quill/QuillSub/CONTENTS", MIME_PUB),
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


# dpscan's own reports, known by how they start: a copy in a share is flagged as a report
# (it maps where personal data lives) and still read like any file, so a file made to start
# like one cannot hide what follows.
# findings.json and person.json by their tool block, report.html and person.html by their
# generator meta, files.csv by its header (after the BOM it is written with).
_BOM = rb"(?:\xef\xbb\xbf)?"
_DPSCAN_REPORT_HEADS = (
    re.compile(_BOM + rb'\s*\{\s*"scan"\s*:\s*\{\s*"tool"\s*:\s*"dpscan"'),
    re.compile(_BOM + rb'\s*\{\s*"query"\s*:\s*\{[^{}]{0,4000}\},\s*"search"\s*:\s*\{\s*'
               rb'"tool"\s*:\s*"dpscan"'),
    re.compile(_BOM + rb'\s*(?:<!DOCTYPE html>\s*)?<html[^>]*>\s*<head>\s*(?:<meta [^>]*>\s*){0,8}'
               rb'<meta name="generator" content="dpscan[ "]', re.IGNORECASE),
    re.compile(_BOM + rb"path,root,container,size,modified,mime,protection,"),
)
# report.xlsx and person.xlsx carry a custom document property of this name.
DPSCAN_REPORT_PROPERTY = "dpscan_report"
_CUSTOM_PROPERTIES = "docProps/custom.xml"
_PROPERTIES_BYTES = 64 * 1024


def is_dpscan_report(head: bytes) -> bool:
    """True when ``head`` (a file's first bytes) starts a text report dpscan wrote."""
    return any(pattern.match(head) for pattern in _DPSCAN_REPORT_HEADS)


@dataclass(frozen=True, slots=True)
class SniffResult:
    """What the content says the file is."""

    mime: str
    extension_mismatch: bool
    # A report dpscan wrote (findings.json, report.html, files.csv, report.xlsx ...).
    dpscan_report: bool = False


@lru_cache(maxsize=1)
def _magic() -> magic.Magic:
    # One libmagic handle per process; python-magic handles are not fork-safe to share.
    # Only the MIME type: libmagic's text description took as long again and was unused.
    return magic.Magic(mime=True)


def sniff_handle(handle: BinaryIO, filename: str, total_size: int) -> SniffResult:
    """Identify the open file ``handle`` from its content and judge its extension.

    Reads at most :data:`SNIFF_BYTES` for libmagic; a zip is opened by its central
    directory (cheap, and safe for huge archives) to tell OOXML and ODF packages apart.
    """
    handle.seek(0)
    head = handle.read(SNIFF_BYTES)
    if total_size == 0 or not head:
        return SniffResult(MIME_EMPTY, False)
    mime = _magic().from_buffer(head) or MIME_UNKNOWN
    report = is_dpscan_report(head)
    if mime in (MIME_ZIP, MIME_XLSX):
        package = _read_package(handle)  # one read of the central directory for both
        if mime == MIME_ZIP or package.mime == MIME_XLSB:  # libmagic calls an .xlsb XLSX
            mime = package.mime or mime
        report = report or (mime == MIME_XLSX and package.dpscan_workbook)
    if mime in WEAK_MAGIC_MIMES and _is_text(head):
        mime = "text/plain"
    if mime.startswith("text/") and looks_like_email(head):
        mime = MIME_EML  # libmagic often calls an .eml plain text
    elif mime in _GENERIC_OLE:
        mime = _ole_content(handle) or mime
    return SniffResult(mime, extension_mismatch(filename, mime), report)


def _ole_content(handle: BinaryIO) -> str | None:
    """The content type of an OLE file libmagic could not place, read from its directory
    once: an Outlook message by its layout, else by the stream holding its content
    (:data:`_OLE_CONTENT_STREAMS`); None when neither."""
    try:
        handle.seek(0)
        with olefile.OleFileIO(handle) as ole:
            if is_msg_layout(ole):
                return MIME_MSG  # an Outlook message libmagic saw only as OLE
            for stream, mime in _OLE_CONTENT_STREAMS:
                if ole.exists(stream):
                    return mime
    except Exception:  # noqa: BLE001 - a file olefile cannot read stays as libmagic named it
        return None
    finally:
        handle.seek(0)
    return None


@dataclass(frozen=True, slots=True)
class _Package:
    """What a zip's central directory says: the package inside (OOXML or OpenDocument),
    and whether it is a workbook dpscan wrote (report.xlsx, person.xlsx: their custom
    property)."""

    mime: str | None = None
    dpscan_workbook: bool = False


def _read_package(handle: BinaryIO) -> _Package:
    """Name the package inside a zip from its entry names, and look for dpscan's custom
    property, in one opening of the archive."""
    properties = b""
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                declared = archive.open("mimetype").read(100).decode("ascii", "replace").strip()
                if declared.startswith("application/vnd.oasis.opendocument."):
                    return _Package(mime=declared)
            mime = _ooxml_mime(names)
            if mime == MIME_XLSX and _CUSTOM_PROPERTIES in names:
                properties = archive.open(_CUSTOM_PROPERTIES).read(_PROPERTIES_BYTES)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, NotImplementedError, EOFError):
        return _Package()
    finally:
        handle.seek(0)
    return _Package(mime=mime,
                    dpscan_workbook=f'name="{DPSCAN_REPORT_PROPERTY}"'.encode() in properties)


def _ooxml_mime(names: list[str]) -> str | None:
    """The OOXML package a zip's entry names show (None: none)."""
    if "[Content_Types].xml" not in names:
        return None
    if "xl/workbook.bin" in names:
        return MIME_XLSB  # binary workbook: a zip of .bin parts openpyxl cannot read
    for prefix, mime in (("word/", MIME_DOCX), ("xl/", MIME_XLSX), ("ppt/", MIME_PPTX)):
        if any(name.startswith(prefix) for name in names):
            return mime
    return None


def family_of(mime: str) -> str | None:
    """The family (kind of file) content type ``mime`` belongs to, if any."""
    row = format_of(mime)
    return row.family if row is not None else None


def extension_mismatch(filename: str, mime: str) -> bool:
    """True when the name's extension belongs to a different kind of file than the content.

    An extension or a content type with no family in the format table is never called a
    mismatch.
    """
    ext = os.path.splitext(filename)[1].lower()
    if not ext:
        return False
    by_ext = {row.family for row in formats_with_extension(ext) if row.family is not None}
    by_mime = {row.family for row in formats_matching(mime) if row.family is not None}
    return bool(by_ext and by_mime and not by_ext & by_mime)
