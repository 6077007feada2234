"""Type by content, and extension mismatch."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
import pytest

from dpscan.scanner.sniff import (
    MIME_DOCX,
    MIME_EMPTY,
    MIME_XLSX,
    extension_mismatch,
    family_of,
    sniff_handle,
)


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("hello")
    document.save(buffer)
    return buffer.getvalue()


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "x"
    workbook.save(buffer)
    return buffer.getvalue()


def _sniff(data: bytes, name: str):
    return sniff_handle(io.BytesIO(data), name, len(data))


def test_docx_named_jpg_is_a_mismatch() -> None:
    result = _sniff(_docx_bytes(), "photo.jpg")
    assert result.mime == MIME_DOCX and result.extension_mismatch


def test_xlsx_is_recognised_even_when_libmagic_says_zip() -> None:
    data = _xlsx_bytes()
    result = _sniff(data, "list.xlsx")
    assert result.mime == MIME_XLSX and not result.extension_mismatch


def test_plain_zip_stays_zip() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    result = _sniff(buffer.getvalue(), "a.zip")
    assert result.mime == "application/zip" and not result.extension_mismatch


def test_empty_file() -> None:
    result = _sniff(b"", "empty.docx")
    assert result.mime == MIME_EMPTY and not result.extension_mismatch


@pytest.mark.parametrize(
    ("name", "mime", "expected"),
    [
        ("list.csv", "text/plain", False),
        ("list.csv", "text/csv", False),
        ("notes.txt", "application/pdf", True),
        ("report.pdf", "text/plain", True),
        ("secret.docx", "application/encrypted", False),
        ("secret.xls", "application/encrypted", False),
        ("pupil.doc", "application/msword", False),
        ("pupil.docx", "application/msword", True),
        ("blob.dat", "application/pdf", False),  # unknown extension: no verdict
        ("noext", "application/pdf", False),
        ("image.JPG", "image/jpeg", False),
        ("image.png", "image/jpeg", False),  # both images: same family
        ("data.txt", "application/octet-stream", False),
        ("book.ods", "application/vnd.oasis.opendocument.spreadsheet", False),
        ("formula.odf", "application/vnd.oasis.opendocument.formula", False),
        ("notes.txt", "text/rtf", False),  # RTF is text too
        ("notes.rtf", "text/plain", True),
        ("deck.pptx", "application/encrypted", False),
        ("deck.pptx", "application/vnd.ms-powerpoint.presentation.macroenabled.12", False),
        ("page.pdf", "application/xhtml+xml", False),  # no family: never judged
        ("clip.mp4", "audio/mpeg", False),
        ("mail.eml", "message/rfc822", False),
        ("empty.pdf", MIME_EMPTY, False),
    ],
)
def test_extension_mismatch_table(name: str, mime: str, expected: bool) -> None:
    assert extension_mismatch(name, mime) is expected


def test_family_of() -> None:
    assert family_of("text/csv") == "text"
    assert family_of(MIME_DOCX) == "word"
    assert family_of("application/x-weird") is None
    assert family_of("text/rtf") == "rtf"  # the row naming it beats the "text/" prefix
    assert family_of("application/vnd.oasis.opendocument.formula") == "opendocument"
    assert family_of("application/vnd.ms-outlook") == "ole"


def test_text_starting_like_hpgl_is_text() -> None:
    data = b"PAYROLL GUIDANCE\nNI numbers must be checked against HMRC records.\n"
    result = _sniff(data, "guidance.txt")
    assert result.mime == "text/plain" and not result.extension_mismatch
