"""Text extractors, one module per format, dispatched from one table.

To read a new format: write ``scanner/extract/<format>.py`` with a function
``extract_<format>(handle, limits) -> ExtractedText`` and add one
:class:`Extractor` row to :data:`EXTRACTORS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from scanner.extract.archive import extract_7z, extract_zip
from scanner.extract.base import EncryptedContent, ExtractedText, Limits
from scanner.extract.docx import extract_docx
from scanner.extract.email import MIME_EML, MIME_MSG, extract_eml, extract_msg
from scanner.extract.pdf import extract_pdf
from scanner.extract.text import extract_text
from scanner.extract.xlsx import extract_xlsx
from scanner.sniff import MIME_DOCX, MIME_XLSX

ExtractFunction = Callable[[BinaryIO, Limits], ExtractedText]


@dataclass(frozen=True, slots=True)
class Extractor:
    """One row of the extractor table: which content types a function reads."""

    name: str
    mimes: frozenset[str]
    extract: ExtractFunction
    # Matched on the top-level type ("text") when no exact mime matched.
    mime_prefixes: frozenset[str] = frozenset()


EXTRACTORS: tuple[Extractor, ...] = (
    Extractor("pdf", frozenset({"application/pdf"}), extract_pdf),
    Extractor("docx", frozenset({MIME_DOCX, "application/vnd.ms-word.document.macroenabled.12"}),
              extract_docx),
    Extractor("xlsx", frozenset({MIME_XLSX, "application/vnd.ms-excel.sheet.macroenabled.12"}),
              extract_xlsx),
    Extractor("eml", frozenset({MIME_EML}), extract_eml),
    Extractor("msg", frozenset({MIME_MSG}), extract_msg),
    Extractor("text", frozenset({"application/csv", "application/json", "application/xml"}),
              extract_text, mime_prefixes=frozenset({"text"})),
    # Only plain zips: OOXML and ODF packages were told apart by sniffing already.
    Extractor("zip", frozenset({"application/zip", "application/x-zip-compressed"}),
              extract_zip),
    Extractor("7z", frozenset({"application/x-7z-compressed"}), extract_7z),
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
