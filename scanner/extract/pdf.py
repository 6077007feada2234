"""PDF text with pdfminer.six, telling a user password (unreadable) from an owner password."""

from __future__ import annotations

import io
from typing import BinaryIO

from pdfminer.converter import TextConverter
from pdfminer.layout import LAParams
from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from scanner.extract.base import EncryptedContent, ExtractedText, Limits, TextBuffer
from scanner.extract.ocr import ocr_pdf
from scanner.results import Flag


def extract_pdf(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text of a PDF, page by page, up to ``limits.max_text_chars``.

    Raises :class:`EncryptedContent` when the content needs a user password.  A PDF
    that opens with the empty password (owner password only, or an empty user
    password) is readable by anyone, so it is read and only its scheme is noted.
    """
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
    result = buffer.result(protection_detail=protection_detail)
    if pages and not result.text.strip():
        if limits.ocr:
            # Scanned pages are images: read them by OCR, within the per-file budget.
            return ocr_pdf(handle, limits).extracted(protection_detail=protection_detail)
        # Scanned pages are images: nothing was read, and the DPO must know that.
        result.flags.append(Flag.NO_TEXT_LAYER)
    return result
