"""Protection verdicts from container metadata."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from dpscan.scanner.protection import check_protection
from dpscan.scanner.sniff import MIME_DOCX


def _zip(encrypted_flag: bool) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("consent.txt", "hello")
    data = bytearray(buffer.getvalue())
    if encrypted_flag:
        # Set general-purpose bit 0 (encrypted) in the local and central headers, as
        # ZipCrypto does; the stdlib cannot write encrypted archives.
        for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            at = data.find(signature)
            data[at + offset] |= 0x1
    return io.BytesIO(bytes(data))


def test_plain_zip_is_not_protected() -> None:
    verdict = check_protection("application/zip", _zip(False))
    assert (verdict.protection, verdict.detail) == ("none", None)


def test_zipcrypto_member_is_encrypted() -> None:
    verdict = check_protection("application/zip", _zip(True))
    assert (verdict.protection, verdict.detail) == ("encrypted", "zip_crypto")


def test_plain_docx_is_not_protected() -> None:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    assert check_protection(MIME_DOCX, buffer).protection == "none"


def test_text_is_not_protected_and_unknown_binary_is_unknown() -> None:
    assert check_protection("text/plain", io.BytesIO(b"x")).protection == "none"
    assert check_protection("application/x-unknown", io.BytesIO(b"x")).protection == "unknown"


def test_garbage_claiming_to_be_ole_is_unknown() -> None:
    verdict = check_protection("application/msword", io.BytesIO(b"\xd0\xcf\x11\xe0garbage"))
    assert verdict.protection == "unknown"


@pytest.mark.parametrize(
    ("mime", "expected"),
    [
        ("application/vnd.ms-outlook", "none"),  # OLE, but msoffcrypto cannot open a message
        ("inode/x-empty", "none"),
        ("image/wmf", "none"),
        ("audio/mpeg", "none"),
        ("application/encrypted", "encrypted"),
        ("application/vnd.oasis.opendocument.formula", "unknown"),  # no manifest in b"x"
        ("application/xhtml+xml", "unknown"),  # no family, no check
    ],
)
def test_check_comes_from_the_format_row(mime: str, expected: str) -> None:
    assert check_protection(mime, io.BytesIO(b"x")).protection == expected
