"""One row per file format: how dpscan recognises, judges, checks and reads it.

Sniffing names a file's content type (:mod:`dpscan.scanner.sniff`); everything that
depends on that type reads this table: whether the extension fits the content, which
protection check runs (:mod:`dpscan.scanner.protection`), which extractor reads the text
(:mod:`dpscan.scanner.extract`), and which libraries the catalogue's "detection code
changed" digest covers.

How to add a format
-------------------
1. Write ``scanner/extract/<module>.py`` with a function
   ``extract_<name>(handle: BinaryIO, limits: Limits) -> ExtractedText`` (skip this for
   a format dpscan only lists, like Word 97-2003).
2. Add one :class:`FileFormat` row to :data:`FORMATS`: the content types libmagic (or
   sniffing's refinements) give it, its extensions, the family its extensions are judged
   against, ``extractor="dpscan.scanner.extract.<module>:extract_<name>"``, the
   protection check (a function in :mod:`dpscan.scanner.protection`, or a new one there)
   and the PyPI distributions the extractor and check import.

Nothing else: the extractor is imported the first time a file of the format is read.

How a content type finds its row: the row that names it in ``mimes`` wins; otherwise the
row with a ``mime_prefixes`` entry it starts with (``"text/"`` reads every text type no
other row names).  An extension mismatch is judged on families only: it is one when the
content's families (its exact row's and its prefix row's) share none with the families
of the rows listing the extension; an extension or content type with no family is never
a mismatch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from dpscan.model.extraction import ExtractedText, Limits
from dpscan.model.reference import resolve

MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
MIME_XLSB = "application/vnd.ms-excel.sheet.binary.macroenabled.12"
MIME_PUB = "application/x-mspublisher"
MIME_ZIP = "application/zip"
MIME_ENCRYPTED_OFFICE = "application/encrypted"  # libmagic's "CDFV2 Encrypted"
MIME_EMPTY = "inode/x-empty"
MIME_EML = "message/rfc822"
MIME_MSG = "application/vnd.ms-outlook"
MIME_UNKNOWN = "application/octet-stream"
MIME_ODF_PREFIX = "application/vnd.oasis.opendocument."

# What sniffing itself imports (libmagic's binding; olefile to tell an Outlook message).
SNIFFING_REQUIRES = ("python-magic", "olefile")

_EXTRACT = "dpscan.scanner.extract"
_CHECK = "dpscan.scanner.protection"


@dataclass(frozen=True, kw_only=True, slots=True)
class FileFormat:
    """One file format: its content types and extensions, and what reads and checks it."""

    name: str  # what a record's ``extractor`` says when this row's extractor read the file
    # The kind of file whose extensions this format's content fits (None: never judged).
    family: str | None
    mimes: tuple[str, ...] = ()  # exact content types
    mime_prefixes: tuple[str, ...] = ()  # content types starting so, when none names them
    extensions: tuple[str, ...] = ()  # lower case, with the dot
    extractor: str | None = None  # "module:function", imported when first used
    read_as: str | None = None  # the name of another row whose extractor reads this format
    # Archives stay readable when encrypted: names are in the clear, and the members that
    # are not encrypted can still be scanned.
    reads_encrypted: bool = False
    protection: str | None = None  # "module:function"; None: protection "unknown"
    requires: tuple[str, ...] = ()  # PyPI distributions the extractor and check import

    def extract(self, handle: BinaryIO, limits: Limits) -> ExtractedText:
        """Read the text of the file open on ``handle`` with this format's extractor."""
        if self.extractor is None:
            raise LookupError(f"no extractor for {self.name}")
        extract: Callable[[BinaryIO, Limits], ExtractedText] = resolve(self.extractor)
        return extract(handle, limits)


_WORD_EXTENSIONS = (".docx", ".docm", ".dotx", ".dotm")
_SHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xltx", ".xltm")
_SLIDE_EXTENSIONS = (".pptx", ".pptm", ".potx", ".ppsx", ".ppsm")
_DOC_EXTENSIONS = (".doc", ".dot")
_XLS_EXTENSIONS = (".xls", ".xlt")
_PPT_EXTENSIONS = (".ppt", ".pps", ".pot")
_OTHER_OLE_EXTENSIONS = (".vsd",)
_OFFICE_EXTENSIONS = (*_WORD_EXTENSIONS, *_SHEET_EXTENSIONS, ".xlsb", *_SLIDE_EXTENSIONS,
                      *_DOC_EXTENSIONS, *_XLS_EXTENSIONS, *_PPT_EXTENSIONS, ".msg",
                      *_OTHER_OLE_EXTENSIONS)

FORMATS: tuple[FileFormat, ...] = (
    # Office 2007+ (OOXML): zip packages, told apart by sniffing's zip refinement.
    FileFormat(name="docx", family="word",
               mimes=(MIME_DOCX, "application/vnd.ms-word.document.macroenabled.12"),
               extensions=_WORD_EXTENSIONS, extractor=f"{_EXTRACT}.docx:extract_docx",
               protection=f"{_CHECK}:check_zip", requires=("python-docx",)),
    FileFormat(name="xlsx", family="spreadsheet",
               mimes=(MIME_XLSX, "application/vnd.ms-excel.sheet.macroenabled.12"),
               extensions=_SHEET_EXTENSIONS, extractor=f"{_EXTRACT}.xlsx:extract_xlsx",
               protection=f"{_CHECK}:check_zip", requires=("openpyxl", "python-calamine")),
    # Binary workbook: a zip of .bin parts, which calamine reads (openpyxl cannot).
    FileFormat(name="xlsb", family="spreadsheet", mimes=(MIME_XLSB,), extensions=(".xlsb",),
               extractor=f"{_EXTRACT}.xlsb:extract_xlsb", protection=f"{_CHECK}:check_zip",
               requires=("python-calamine",)),
    FileFormat(name="pptx", family="presentation", mimes=(MIME_PPTX,),
               extensions=_SLIDE_EXTENSIONS, extractor=f"{_EXTRACT}.pptx:extract_pptx",
               protection=f"{_CHECK}:check_zip", requires=("python-pptx",)),
    # Names libmagic does not give (it calls every PowerPoint package MIME_PPTX): read,
    # but with no family, so neither judged for mismatch nor checked for protection.
    FileFormat(name="pptx-other-names", family=None, read_as="pptx", mimes=(
        "application/vnd.ms-powerpoint.presentation.macroenabled.12",
        "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
        "application/vnd.ms-powerpoint.slideshow.macroenabled.12",
        "application/vnd.openxmlformats-officedocument.presentationml.template",
        "application/vnd.ms-powerpoint.template.macroenabled.12",
    )),
    # Office 97-2003, Publisher and Outlook: OLE compound files.  Word, PowerPoint and
    # Publisher are read by dpscan's own readers of Microsoft's published formats
    # ([MS-DOC], [MS-PPT]; Publisher's text stream as LibreOffice's libmspub reads it).
    FileFormat(name="doc", family="ole", mimes=("application/msword",),
               extensions=_DOC_EXTENSIONS, extractor=f"{_EXTRACT}.doc:extract_doc",
               protection=f"{_CHECK}:check_ole", requires=("olefile", "msoffcrypto-tool")),
    FileFormat(name="xls", family="ole", mimes=("application/vnd.ms-excel",),
               extensions=_XLS_EXTENSIONS, extractor=f"{_EXTRACT}.xls:extract_xls",
               protection=f"{_CHECK}:check_ole",
               requires=("xlrd", "openpyxl", "python-calamine", "msoffcrypto-tool")),
    FileFormat(name="ppt", family="ole", mimes=("application/vnd.ms-powerpoint",),
               extensions=_PPT_EXTENSIONS, extractor=f"{_EXTRACT}.ppt:extract_ppt",
               protection=f"{_CHECK}:check_ole", requires=("olefile", "msoffcrypto-tool")),
    # Publisher: libmagic says only "Microsoft Office"; sniffing finds its text stream.
    FileFormat(name="pub", family="ole", mimes=(MIME_PUB, "application/vnd.ms-publisher"),
               extensions=(".pub",), extractor=f"{_EXTRACT}.pub:extract_pub",
               protection=f"{_CHECK}:check_ole", requires=("olefile", "msoffcrypto-tool")),
    # An Outlook message is an OLE file msoffcrypto cannot open, with no password of its own.
    FileFormat(name="msg", family="ole", mimes=(MIME_MSG,), extensions=(".msg",),
               extractor=f"{_EXTRACT}.email:extract_msg",
               protection=f"{_CHECK}:assume_not_protected",
               requires=("olefile", "lxml", "charset-normalizer")),
    # An OLE file libmagic could not place (Publisher, Visio, an unrecognised message).
    FileFormat(name="ole", family="ole",
               mimes=("application/x-ole-storage", "application/cdfv2", "application/CDFV2"),
               extensions=_OTHER_OLE_EXTENSIONS, protection=f"{_CHECK}:check_ole",
               requires=("msoffcrypto-tool",)),
    # Office files of every generation saved with a password are OLE containers to libmagic.
    FileFormat(name="encrypted-office", family="encrypted-office",
               mimes=(MIME_ENCRYPTED_OFFICE,), extensions=_OFFICE_EXTENSIONS,
               protection=f"{_CHECK}:check_encrypted_office", requires=("msoffcrypto-tool",)),
    # OpenDocument: the zip's "mimetype" entry names the kind.
    FileFormat(name="odf", family="opendocument", mimes=tuple(
        f"{MIME_ODF_PREFIX}{kind}"
        for kind in ("text", "text-template", "text-master", "spreadsheet",
                     "spreadsheet-template", "presentation", "presentation-template",
                     "graphics", "graphics-template")),
        extensions=(".odt", ".ods", ".odp", ".odg", ".ott", ".ots", ".otp"),
        extractor=f"{_EXTRACT}.odf:extract_odf", protection=f"{_CHECK}:check_opendocument",
        requires=("lxml",)),
    FileFormat(name="odf-other", family="opendocument", mime_prefixes=(MIME_ODF_PREFIX,),
               extensions=(".odf",), protection=f"{_CHECK}:check_opendocument"),
    # Encryption is judged by the extractor, which must open the document anyway.
    FileFormat(name="pdf", family="pdf", mimes=("application/pdf",), extensions=(".pdf",),
               extractor=f"{_EXTRACT}.pdf:extract_pdf",
               protection=f"{_CHECK}:assume_not_protected",
               requires=("pdfminer.six", "pypdfium2", "pillow", "pytesseract")),
    # Only plain zips: OOXML and ODF packages were told apart by sniffing already.
    FileFormat(name="zip", family="zip", mimes=(MIME_ZIP,), extensions=(".zip",),
               extractor=f"{_EXTRACT}.archive:extract_zip", reads_encrypted=True,
               protection=f"{_CHECK}:check_zip"),
    # Windows' name for a zip, which libmagic does not give: read, never judged.
    FileFormat(name="zip-windows-name", family=None, read_as="zip",
               mimes=("application/x-zip-compressed",)),
    FileFormat(name="7z", family="7z", mimes=("application/x-7z-compressed",),
               extensions=(".7z",), extractor=f"{_EXTRACT}.archive:extract_7z",
               reads_encrypted=True, protection=f"{_CHECK}:check_7z", requires=("py7zr",)),
    # No library we have reads RAR: listed with no_text_extracted, or encrypted when even
    # its file list is.
    FileFormat(name="rar", family="rar",
               mimes=("application/x-rar", "application/vnd.rar", "application/x-rar-compressed"),
               extensions=(".rar",), protection=f"{_CHECK}:check_rar"),
    # An exact mime beats the "text/" prefix, which would read RTF as plain text.
    FileFormat(name="rtf", family="rtf", mimes=("text/rtf", "application/rtf"),
               extensions=(".rtf",), extractor=f"{_EXTRACT}.rtf:extract_rtf",
               protection=f"{_CHECK}:assume_not_protected", requires=("striprtf",)),
    # Text only by OCR (--ocr); otherwise listed with the no_text_layer flag.
    FileFormat(name="image", family="image",
               mimes=("image/png", "image/jpeg", "image/tiff", "image/bmp", "image/x-ms-bmp",
                      "image/gif", "image/webp"),
               extensions=(".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"),
               extractor=f"{_EXTRACT}.image:extract_image",
               protection=f"{_CHECK}:assume_not_protected", requires=("pillow", "pytesseract")),
    FileFormat(name="image-other", family="image", mime_prefixes=("image/",),
               extensions=(".heic", ".heif", ".wmf", ".emf"),
               protection=f"{_CHECK}:assume_not_protected"),
    FileFormat(name="html", family="text", mimes=("text/html",), extensions=(".html", ".htm"),
               extractor=f"{_EXTRACT}.html:extract_html",
               protection=f"{_CHECK}:assume_not_protected",
               requires=("lxml", "charset-normalizer")),
    # XHTML has no family (as before): read as HTML, never judged.
    FileFormat(name="xhtml", family=None, read_as="html", mimes=("application/xhtml+xml",)),
    FileFormat(name="eml", family="text", mimes=(MIME_EML,), extensions=(".eml",),
               extractor=f"{_EXTRACT}.email:extract_eml",
               protection=f"{_CHECK}:assume_not_protected",
               requires=("lxml", "charset-normalizer")),
    FileFormat(name="text", family="text",
               mimes=("application/csv", "application/json", "application/xml"),
               mime_prefixes=("text/",),
               extensions=(".txt", ".csv", ".tsv", ".log", ".md", ".ini", ".cfg", ".json",
                           ".xml", ".ics", ".vcf", ".yaml", ".yml", ".sql"),
               extractor=f"{_EXTRACT}.text:extract_text",
               protection=f"{_CHECK}:assume_not_protected", requires=("charset-normalizer",)),
    FileFormat(name="audio", family="audio-video", mime_prefixes=("audio/",),
               extensions=(".mp3", ".wav", ".m4a"), protection=f"{_CHECK}:assume_not_protected"),
    FileFormat(name="video", family="audio-video", mime_prefixes=("video/",),
               extensions=(".mp4", ".mov", ".avi", ".wmv", ".mkv"),
               protection=f"{_CHECK}:assume_not_protected"),
    # Sniffing's name for a file with no bytes: nothing to protect, read or judge.
    FileFormat(name="empty", family=None, mimes=(MIME_EMPTY,),
               protection=f"{_CHECK}:assume_not_protected"),
)

_BY_NAME = {row.name: row for row in FORMATS}
_BY_MIME = {mime: row for row in FORMATS for mime in row.mimes}
_BY_PREFIX = tuple((prefix, row) for row in FORMATS for prefix in row.mime_prefixes)


def _prefix_row(mime: str) -> FileFormat | None:
    # A bare top-level type ("text") is of that type ("text/").
    return next((row for prefix, row in _BY_PREFIX
                 if mime.startswith(prefix) or f"{mime}/" == prefix), None)


def format_of(mime: str) -> FileFormat | None:
    """The row for content type ``mime``: the one naming it, else the one with its prefix."""
    return _BY_MIME.get(mime) or _prefix_row(mime)


def format_named(name: str) -> FileFormat:
    """The row called ``name``."""
    return _BY_NAME[name]


def formats_matching(mime: str) -> list[FileFormat]:
    """Every row ``mime`` fits: the one naming it and the one with its prefix (``text/rtf``
    is RTF, and text)."""
    return [row for row in (_BY_MIME.get(mime), _prefix_row(mime)) if row is not None]


def formats_with_extension(extension: str) -> list[FileFormat]:
    """Every row listing ``extension`` (".docx" is Word, or an encrypted Office file)."""
    return [row for row in FORMATS if extension in row.extensions]


def required_distributions() -> tuple[str, ...]:
    """The PyPI distributions sniffing and every format's extractor and check import."""
    names = set(SNIFFING_REQUIRES)
    for row in FORMATS:
        names.update(row.requires)
    return tuple(sorted(names))
