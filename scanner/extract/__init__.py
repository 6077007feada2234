"""Text extractors, one module per format, dispatched from one table.

To read a new format: write ``scanner/extract/<format>.py`` with a function
``extract_<format>(handle, limits) -> ExtractedText`` and add one
:class:`Extractor` row to :data:`EXTRACTORS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from dpscan.model.extraction import EncryptedContent, ExtractedText, Limits
from dpscan.scanner.extract.archive import extract_7z, extract_zip
from dpscan.scanner.extract.docx import extract_docx
from dpscan.scanner.extract.email import MIME_EML, MIME_MSG, extract_eml, extract_msg
from dpscan.scanner.extract.html import extract_html
from dpscan.scanner.extract.image import extract_image
from dpscan.scanner.extract.odf import extract_odf
from dpscan.scanner.extract.pdf import extract_pdf
from dpscan.scanner.extract.pptx import extract_pptx
from dpscan.scanner.extract.rtf import extract_rtf
from dpscan.scanner.extract.text import extract_text
from dpscan.scanner.extract.xls import extract_xls
from dpscan.scanner.extract.xlsx import extract_xlsx
from dpscan.scanner.sniff import MIME_DOCX, MIME_PPTX, MIME_XLSX

ExtractFunction = Callable[[BinaryIO, Limits], ExtractedText]


@dataclass(frozen=True, slots=True)
class Extractor:
    """One row of the extractor table: which content types a function reads."""

    name: str
    mimes: frozenset[str]
    extract: ExtractFunction
    # Matched on the top-level type ("text") when no exact mime matched.
    mime_prefixes: frozenset[str] = frozenset()
    # Archives stay readable when encrypted: names are in the clear, and the members that
    # are not encrypted can still be scanned.
    reads_encrypted: bool = False


EXTRACTORS: tuple[Extractor, ...] = (
    Extractor("pdf", frozenset({"application/pdf"}), extract_pdf),
    Extractor("docx", frozenset({MIME_DOCX, "application/vnd.ms-word.document.macroenabled.12"}),
              extract_docx),
    Extractor("xlsx", frozenset({MIME_XLSX, "application/vnd.ms-excel.sheet.macroenabled.12"}),
              extract_xlsx),
    Extractor("eml", frozenset({MIME_EML}), extract_eml),
    Extractor("msg", frozenset({MIME_MSG}), extract_msg),
    Extractor("pptx", frozenset({
        MIME_PPTX,
        "application/vnd.ms-powerpoint.presentation.macroenabled.12",
        "application/vnd.openxmlformats-officedocument.presentationml.slideshow",
        "application/vnd.ms-powerpoint.slideshow.macroenabled.12",
        "application/vnd.openxmlformats-officedocument.presentationml.template",
        "application/vnd.ms-powerpoint.template.macroenabled.12",
    }), extract_pptx),
    Extractor("odf", frozenset({
        f"application/vnd.oasis.opendocument.{kind}"
        for kind in ("text", "text-template", "text-master", "spreadsheet",
                     "spreadsheet-template", "presentation", "presentation-template",
                     "graphics", "graphics-template")
    }), extract_odf),
    Extractor("xls", frozenset({"application/vnd.ms-excel"}), extract_xls),
    # An exact mime beats the "text" prefix row below, which would read RTF as markup.
    Extractor("rtf", frozenset({"text/rtf", "application/rtf"}), extract_rtf),
    Extractor("html", frozenset({"text/html", "application/xhtml+xml"}), extract_html),
    # DOC and PPT (Word/PowerPoint 97-2003) have no row: no maintained library reads
    # their text yet, so they are listed with the no_text_extracted flag.
    Extractor("text", frozenset({"application/csv", "application/json", "application/xml"}),
              extract_text, mime_prefixes=frozenset({"text"})),
    # Only plain zips: OOXML and ODF packages were told apart by sniffing already.
    Extractor("zip", frozenset({"application/zip", "application/x-zip-compressed"}),
              extract_zip, reads_encrypted=True),
    Extractor("7z", frozenset({"application/x-7z-compressed"}), extract_7z,
              reads_encrypted=True),
    # Text only by OCR (--ocr); otherwise listed with the no_text_layer flag.
    Extractor("image", frozenset({"image/png", "image/jpeg", "image/tiff", "image/bmp",
                                  "image/x-ms-bmp", "image/gif", "image/webp"}), extract_image),
)

_BY_MIME = {mime: extractor for extractor in EXTRACTORS for mime in extractor.mimes}
_BY_PREFIX = {prefix: extractor for extractor in EXTRACTORS for prefix in extractor.mime_prefixes}


def extractor_for(mime: str) -> Extractor | None:
    """The extractor that reads ``mime``, or None when dpscan cannot read its text yet."""
    found = _BY_MIME.get(mime)
    if found is None:
        found = _BY_PREFIX.get(mime.split("/", 1)[0])
    return found


__all__ = ["EXTRACTORS", "EncryptedContent", "ExtractedText", "Extractor", "extractor_for"]
