"""PDF text: pypdfium2 first (fast), pdfminer.six for what pdfium cannot read.

Both tell a user password (the content cannot be read) from an owner password (anyone
can read it).  pdfium (PDFium, Chrome's PDF engine, through pypdfium2) reads a page's
text about seven times faster than pdfminer.six's layout analysis, and gives the same
words in the same order.  pdfminer.six reads the file instead when pdfium cannot open it
(a damaged file, a security handler pdfium does not know) or fails on a page.
"""

from __future__ import annotations

import io
import threading
from typing import BinaryIO

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.converter import TextConverter
from pdfminer.layout import LAParams
from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from scanner.extract.base import EncryptedContent, ExtractedText, Limits, TextBuffer
from scanner.extract.ocr import ocr_pdf
from scanner.results import Flag

# PDFium is not thread-safe: one document at a time per process (Dask workers may run
# files on threads).
_PDFIUM = threading.Lock()
# pdfium's markers: U+FFFE for a soft hyphen at a line end, \x02 for a hyphen it removed.
_PDFIUM_MARKERS = str.maketrans({"\ufffe": None, "\x02": None, "\r": None})


class _PdfiumCannotRead(Exception):
    """pdfium could not open the file or one of its pages: pdfminer.six reads it instead."""


def extract_pdf(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text of a PDF, page by page, up to ``limits.max_text_chars``.

    Raises :class:`EncryptedContent` when the content needs a user password.  A PDF
    that opens with the empty password (owner password only, or an empty user
    password) is readable by anyone, so it is read and only its scheme is noted.
    """
    try:
        with _PDFIUM:
            result, pages = _read_pdfium(handle, limits)
    except _PdfiumCannotRead:
        handle.seek(0)
        result, pages = _read_pdfminer(handle, limits)
    if pages and not result.text.strip():
        if limits.ocr:
            # Scanned pages are images: read them by OCR, within the per-file budget.
            return ocr_pdf(handle, limits).extracted(
                protection_detail=result.protection_detail)
        # Scanned pages are images: nothing was read, and the DPO must know that.
        result.flags.append(Flag.NO_TEXT_LAYER)
    return result


def _read_pdfium(handle: BinaryIO, limits: Limits) -> tuple[ExtractedText, int]:
    """(text, pages) read by pdfium; raises :class:`_PdfiumCannotRead` to fall back."""
    handle.seek(0)
    try:
        document = pdfium.PdfDocument(handle, autoclose=False)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise EncryptedContent("pdf_user_password") from exc
        raise _PdfiumCannotRead from exc  # damaged, or a scheme only pdfminer knows
    try:
        # -1: no security handler.  Any other: encrypted, yet opened with no password.
        encrypted = pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1
        buffer = TextBuffer(limits.max_text_chars)
        pages = len(document)
        for index in range(pages):
            try:
                page = document[index]
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
                page.close()
            except pdfium.PdfiumError as exc:
                raise _PdfiumCannotRead from exc
            if not buffer.add(text.translate(_PDFIUM_MARKERS)):
                break
    finally:
        document.close()
    detail = "pdf_owner_password_only" if encrypted else None
    return buffer.result(protection_detail=detail), pages


def _read_pdfminer(handle: BinaryIO, limits: Limits) -> tuple[ExtractedText, int]:
    """(text, pages) read by pdfminer.six's layout analysis."""
    parser = PDFParser(handle)
    try:
        document = PDFDocument(parser, password="")
    except PDFPasswordIncorrect as exc:
        raise EncryptedContent("pdf_user_password") from exc
    protection_detail = "pdf_owner_password_only" if document.encryption else None

    resources = PDFResourceManager(caching=True)
    buffer = TextBuffer(limits.max_text_chars)
    pages = 0
    for page in PDFPage.create_pages(document):
        pages += 1
        sink = io.StringIO()
        device = TextConverter(resources, sink, laparams=LAParams())
        try:
            PDFPageInterpreter(resources, device).process_page(page)
        finally:
            device.close()
        if not buffer.add(sink.getvalue()):
            break
    return buffer.result(protection_detail=protection_detail), pages
