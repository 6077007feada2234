"""Is a file encrypted or password protected?  One cheap check per kind of file.

Checks read only container metadata (zip flags, the OLE directory, an ODF
manifest), never the content.  PDFs are judged by the PDF extractor, which must
open the document anyway.  To cover a new kind of file, add one function and one
row to :data:`PROTECTION_CHECKS`.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import msoffcrypto
import msoffcrypto.exceptions

from dpscan.model.ids import Protection
from dpscan.scanner.sniff import MIME_EMPTY, MIME_MSG, family_of

# Central-directory flag bit 0: the member is encrypted; method 99: WinZip AES.
_ZIP_FLAG_ENCRYPTED = 0x1
_ZIP_METHOD_AES = 99
_ZIP_FLAG_STRONG = 0x40  # PKWARE strong encryption
# A zip with more members than this is judged on its first ones: enough to see the
# scheme without walking a bomb's million-entry directory.
_ZIP_MEMBERS_CHECKED = 10_000


@dataclass(frozen=True, slots=True)
class ProtectionVerdict:
    """``protection`` ("none", "encrypted", "unknown") and the scheme that decided it.

    ``password`` is set when the file is encrypted with a password anyone has (Excel's
    built-in default): it protects nothing, and the pipeline decrypts and reads it.
    """

    protection: str
    detail: str | None = None
    password: str | None = None


# Excel encrypts with this built-in password when a workbook is only write-protected or
# marked read-only recommended; every reader opens it without asking (MS-OFFCRYPTO 2.3.7.1).
EXCEL_DEFAULT_PASSWORD = "VelvetSweatshop"


def _opens_with_default_password(office: object) -> bool:
    try:
        try:
            office.load_key(  # type: ignore[attr-defined]
                password=EXCEL_DEFAULT_PASSWORD, verify_password=True)
            return True
        except TypeError:  # formats whose load_key verifies without being asked
            office.load_key(password=EXCEL_DEFAULT_PASSWORD)  # type: ignore[attr-defined]
            return True
        except msoffcrypto.exceptions.InvalidKeyError:
            # msoffcrypto's agile verifier rejects the default password on workbooks Excel
            # itself opens; decrypting and finding a zip package is the real test.
            office.load_key(password=EXCEL_DEFAULT_PASSWORD)  # type: ignore[attr-defined]
            with tempfile.SpooledTemporaryFile(16 * 1024 * 1024) as plain:
                office.decrypt(plain)  # type: ignore[attr-defined]
                return zipfile.is_zipfile(plain)
    except Exception:  # noqa: BLE001 - any failure means the password is not the default
        return False


def _office_verdict(office: object, detail: str) -> ProtectionVerdict:
    if _opens_with_default_password(office):
        return ProtectionVerdict(Protection.NONE, f"{detail}_default_password",
                                 password=EXCEL_DEFAULT_PASSWORD)
    return ProtectionVerdict(Protection.ENCRYPTED, detail)


def decrypt_office(handle: BinaryIO, password: str, out: BinaryIO) -> None:
    """Write the decrypted content of the Office file on ``handle`` to ``out``."""
    handle.seek(0)
    office = msoffcrypto.OfficeFile(handle)
    office.load_key(password=password)
    office.decrypt(out)


NOT_PROTECTED = ProtectionVerdict(Protection.NONE)
UNKNOWN = ProtectionVerdict(Protection.UNKNOWN)


def check_encrypted_office(handle: BinaryIO) -> ProtectionVerdict:
    """OOXML saved with a password: an OLE container holding EncryptionInfo."""
    try:
        handle.seek(0)
        info = msoffcrypto.OfficeFile(handle)
        kind = getattr(info, "type", None)
        detail = f"ooxml_{kind}" if kind in ("agile", "standard") else "ooxml_encrypted"
        return _office_verdict(info, detail)
    except Exception:  # noqa: BLE001 - libmagic already said "CDFV2 Encrypted"
        return ProtectionVerdict(Protection.ENCRYPTED, "ooxml_encrypted")


def check_ole(handle: BinaryIO) -> ProtectionVerdict:
    """Legacy Office (DOC, XLS, PPT): RC4, CryptoAPI or XOR obfuscation, via msoffcrypto-tool."""
    try:
        handle.seek(0)
        office = msoffcrypto.OfficeFile(handle)
        if office.is_encrypted():
            return _office_verdict(office, f"{office.format}_encrypted")
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
    if any(m.compress_type == _ZIP_METHOD_AES for m in encrypted):
        scheme = "zip_aes"
    elif any(m.flag_bits & _ZIP_FLAG_STRONG for m in encrypted):
        scheme = "zip_pkware_strong"
    else:
        scheme = "zip_crypto"
    if len(encrypted) < len(members):
        scheme += "_partial"
    return ProtectionVerdict(Protection.ENCRYPTED, scheme)


def check_7z(handle: BinaryIO) -> ProtectionVerdict:
    """7z archives: encrypted when the header or any content needs a password (AES-256)."""
    import py7zr  # only 7z files pay for the import

    handle.seek(0)
    try:
        with py7zr.SevenZipFile(handle, mode="r") as archive:
            encrypted = archive.needs_password()
    except py7zr.exceptions.PasswordRequired:
        encrypted = True  # the header itself is encrypted: even the names are hidden
    except Exception:  # noqa: BLE001 - corrupt: the extractor will say what is wrong
        return UNKNOWN
    return ProtectionVerdict(Protection.ENCRYPTED, "7z_aes") if encrypted else NOT_PROTECTED


def check_opendocument(handle: BinaryIO) -> ProtectionVerdict:
    """ODF files: the manifest lists encryption data for each encrypted part."""
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            manifest = archive.open("META-INF/manifest.xml").read(2 * 1024 * 1024)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return UNKNOWN
    if b"encryption-data" in manifest:
        return ProtectionVerdict(Protection.ENCRYPTED, "odf_encrypted")
    return NOT_PROTECTED


def _not_protected(handle: BinaryIO) -> ProtectionVerdict:
    return NOT_PROTECTED


# Family name (scanner.sniff.TYPE_FAMILIES) -> check.  Formats with no encryption
# of their own (text, images) are "none"; a family not listed is "unknown".
PROTECTION_CHECKS: dict[str, Callable[[BinaryIO], ProtectionVerdict]] = {
    "encrypted-office": check_encrypted_office,
    "ole": check_ole,
    "zip": check_zip,
    "7z": check_7z,
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


# Checks for one content type, before its family's: an Outlook message is an OLE file
# that msoffcrypto cannot open, and has no password protection of its own.
PROTECTION_CHECKS_BY_MIME: dict[str, Callable[[BinaryIO], ProtectionVerdict]] = {
    MIME_MSG: _not_protected,
}


def check_protection(mime: str, handle: BinaryIO) -> ProtectionVerdict:
    """Whether the file of type ``mime`` open on ``handle`` is protected, and by what."""
    if mime == MIME_EMPTY:
        return NOT_PROTECTED
    family = family_of(mime)
    check = PROTECTION_CHECKS_BY_MIME.get(mime)
    if check is None and family:
        check = PROTECTION_CHECKS.get(family)
    if check is None:
        return UNKNOWN
    try:
        return check(handle)
    finally:
        handle.seek(0)
