"""Is a file encrypted or password protected?  One cheap check per kind of file.

Checks read only container metadata (zip flags, the OLE directory, an ODF
manifest), never the content.  PDFs are judged by the PDF extractor, which must
open the document anyway.  To cover a new kind of file, add one function and one
row to :data:`PROTECTION_CHECKS`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import msoffcrypto

from scanner.results import PROTECTION_ENCRYPTED, PROTECTION_NONE, PROTECTION_UNKNOWN
from scanner.sniff import MIME_EMPTY, family_of

# Central-directory flag bit 0: the member is encrypted; method 99: WinZip AES.
_ZIP_FLAG_ENCRYPTED = 0x1
_ZIP_METHOD_AES = 99
# A zip with more members than this is judged on its first ones: enough to see the
# scheme without walking a bomb's million-entry directory.
_ZIP_MEMBERS_CHECKED = 10_000


@dataclass(frozen=True, slots=True)
class ProtectionVerdict:
    """``protection`` ("none", "encrypted", "unknown") and the scheme that decided it."""

    protection: str
    detail: str | None = None


NOT_PROTECTED = ProtectionVerdict(PROTECTION_NONE)
UNKNOWN = ProtectionVerdict(PROTECTION_UNKNOWN)


def check_encrypted_office(handle: BinaryIO) -> ProtectionVerdict:
    """OOXML saved with a password: an OLE container holding EncryptionInfo."""
    try:
        handle.seek(0)
        info = msoffcrypto.OfficeFile(handle)
        kind = getattr(info, "type", None)
        detail = f"ooxml_{kind}" if kind in ("agile", "standard") else "ooxml_encrypted"
    except Exception:  # noqa: BLE001 - libmagic already said "CDFV2 Encrypted"
        detail = "ooxml_encrypted"
    return ProtectionVerdict(PROTECTION_ENCRYPTED, detail)


def check_ole(handle: BinaryIO) -> ProtectionVerdict:
    """Legacy Office (DOC, XLS, PPT): RC4, CryptoAPI or XOR obfuscation, via msoffcrypto-tool."""
    try:
        handle.seek(0)
        office = msoffcrypto.OfficeFile(handle)
        if office.is_encrypted():
            return ProtectionVerdict(PROTECTION_ENCRYPTED, f"{office.format}_encrypted")
        return NOT_PROTECTED
    except Exception:  # noqa: BLE001 - not an Office file msoffcrypto knows (e.g. MSG)
        return UNKNOWN


def check_zip(handle: BinaryIO) -> ProtectionVerdict:
    """ZIP archives: encrypted when any member is (ZipCrypto or AES)."""
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()[:_ZIP_MEMBERS_CHECKED]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return UNKNOWN
    encrypted = [m for m in members if m.flag_bits & _ZIP_FLAG_ENCRYPTED]
    if not encrypted:
        return NOT_PROTECTED
    scheme = "zip_aes" if any(m.compress_type == _ZIP_METHOD_AES for m in encrypted) else (
        "zip_crypto"
    )
    if len(encrypted) < len(members):
        scheme += "_partial"
    return ProtectionVerdict(PROTECTION_ENCRYPTED, scheme)


def check_opendocument(handle: BinaryIO) -> ProtectionVerdict:
    """ODF files: the manifest lists encryption data for each encrypted part."""
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            manifest = archive.open("META-INF/manifest.xml").read(2 * 1024 * 1024)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return UNKNOWN
    if b"encryption-data" in manifest:
        return ProtectionVerdict(PROTECTION_ENCRYPTED, "odf_encrypted")
    return NOT_PROTECTED


def _not_protected(handle: BinaryIO) -> ProtectionVerdict:
    return NOT_PROTECTED


# Family name (scanner.sniff.TYPE_FAMILIES) -> check.  Formats with no encryption
# of their own (text, images) are "none"; a family not listed is "unknown".
PROTECTION_CHECKS: dict[str, Callable[[BinaryIO], ProtectionVerdict]] = {
    "encrypted-office": check_encrypted_office,
    "ole": check_ole,
    "zip": check_zip,
    "opendocument": check_opendocument,
    "word": check_zip,
    "spreadsheet": check_zip,
    "presentation": check_zip,
    "pdf": _not_protected,  # refined by the PDF extractor, which opens the document
    "text": _not_protected,
    "rtf": _not_protected,
    "image": _not_protected,
    "audio-video": _not_protected,
}


def check_protection(mime: str, handle: BinaryIO) -> ProtectionVerdict:
    """Whether the file of type ``mime`` open on ``handle`` is protected, and by what."""
    if mime == MIME_EMPTY:
        return NOT_PROTECTED
    family = family_of(mime)
    check = PROTECTION_CHECKS.get(family) if family else None
    if check is None:
        return UNKNOWN
    try:
        return check(handle)
    finally:
        handle.seek(0)
