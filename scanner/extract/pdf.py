"""PDF text: pypdfium2 first (fast), pdfminer.six for what pdfium cannot read.

Both tell a user password (the content cannot be read) from an owner password (anyone
can read it).  pdfium (PDFium, Chrome's PDF engine, through pypdfium2) reads a page's
text about seven times faster than pdfminer.six's layout analysis, and gives the same
words in the same order.  pdfminer.six reads the file instead when pdfium cannot open it
(a damaged file, a security handler pdfium does not know) or fails on a page.
"""

from __future__ import annotations

import ctypes
import io
import threading
from collections.abc import Callable
from typing import BinaryIO

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pdfminer.converter import TextConverter
from pdfminer.layout import LAParams
from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser

from dpscan.model.extraction import EncryptedContent, ExtractedText, Limits, TextBuffer
from dpscan.model.ids import Flag
from dpscan.scanner.extract.ocr import ocr_pdf

# A gap this many space widths wide is a column gap, not a word space: written as three
# spaces, as pdfminer.six does, so that "Siobhan Ahmed   Class: Cedar" stays apart.
COLUMN_GAP_SPACES = 2.5
# PDFium is not thread-safe: one document at a time per process (Dask workers may run
# files on threads).
_PDFIUM = threading.Lock()
# pdfium's markers: U+FFFE for a soft hyphen at a line end, \x02 for a hyphen it removed.
# Its line ends (\r\n) become a blank line, as pdfminer.six's layout analysis writes
# lines of separate boxes: spaCy then reads each line apart, as it did, instead of
# running a name on one line into the words on the next.
_PDFIUM_MARKERS = str.maketrans({"\ufffe": None, "\x02": None, "\r": "\n"})


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
        # Damaged, a scheme only pdfminer knows, or a password: pdfium tries the empty
        # password as the user password only, while an AES-256 (R6) file whose *owner*
        # password is empty opens for anyone; pdfminer.six tells the two apart.
        raise _PdfiumCannotRead from exc
    try:
        # -1: no security handler.  Any other: encrypted, yet opened with no password.
        encrypted = pdfium_c.FPDF_GetSecurityHandlerRevision(document.raw) != -1
        buffer = TextBuffer(limits.max_text_chars)
        pages = len(document)
        for index in range(pages):
            try:
                page = document[index]
                textpage = page.get_textpage()
                text = _spaced_text(textpage)
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


def _char_box_function() -> Callable[..., int] | None:
    """pdfium's FPDFText_GetCharBox called with plain addresses.

    pypdfium2's typed binding converts each argument on every call; a page has one call
    per character beside a space, and the conversions took most of the time of reading a
    PDF.  Same C function, same values.  None if the binding is not there (then
    pypdfium2's own ``get_charbox`` is used).
    """
    function = getattr(pdfium_c, "FPDFText_GetCharBox", None)
    # FPDF_BOOL FPDFText_GetCharBox(FPDF_TEXTPAGE, int, double* left, double* right,
    # double* bottom, double* top): used only if pypdfium2 still binds it so.
    if function is None or len(getattr(function, "argtypes", None) or ()) != 6:
        return None
    prototype = ctypes.CFUNCTYPE(
        ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
        ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
    address = ctypes.cast(function, ctypes.c_void_p).value
    if address is None:  # a NULL pointer: no function to call
        return None
    try:
        return prototype(address)
    except (TypeError, ValueError, ctypes.ArgumentError):
        return None


_CHAR_BOX = _char_box_function()


def _char_boxes(textpage: pdfium.PdfTextPage) -> Callable[[int], tuple[float, float, float, float]]:
    """A function from a character's index to its (left, bottom, right, top) box, for
    use while ``textpage`` is open (it holds pdfium's raw handle, not the page)."""
    if _CHAR_BOX is None:
        return textpage.get_charbox
    call, page = _CHAR_BOX, ctypes.cast(textpage.raw, ctypes.c_void_p).value
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    # FPDFText_GetCharBox takes left, right, bottom, top (in that order).
    addresses = tuple(ctypes.addressof(v) for v in (left, right, bottom, top))

    def box(index: int) -> tuple[float, float, float, float]:
        if not call(page, index, *addresses):
            raise pdfium.PdfiumError("Failed to get charbox.")
        return left.value, bottom.value, right.value, top.value

    return box


def _spaced_text(textpage: pdfium.PdfTextPage) -> str:
    """The page's text, with spaces that stand for wide gaps (table columns) widened."""
    text = textpage.get_text_range()
    if len(text) != textpage.count_chars() or " " not in text:
        return text  # no one-to-one map from characters to boxes: leave it as it is
    get_charbox = _char_boxes(textpage)
    parts: list[str] = []
    start = 0
    position = text.find(" ", 1)
    while 0 < position < len(text) - 1:
        left = get_charbox(position - 1)
        right = get_charbox(position + 1)
        space = get_charbox(position)
        width = space[2] - space[0]
        if width < 0.5:  # a space pdfium inserted has no box: a third of the glyph height
            width = (left[3] - left[1]) / 3
        if width > 0 and right[0] - left[2] > COLUMN_GAP_SPACES * width:
            parts.append(text[start:position])
            parts.append("  ")
            start = position
        position = text.find(" ", position + 1)
    parts.append(text[start:])
    return "".join(parts)


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
