"""Is a file encrypted or password protected?  One cheap check per kind of file.

Checks read only container metadata (zip flags, the OLE directory, an ODF
manifest), never the content.  PDFs are judged by the PDF extractor, which must
open the document anyway.  Each format's row in :mod:`dpscan.scanner.formats` names
its check; to cover a new kind of file, write one function here and name it there.
"""

from __future__ import annotations

import struct
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, BinaryIO

import msoffcrypto
import msoffcrypto.exceptions

from dpscan.model.ids import Protection
from dpscan.model.reference import resolve
from dpscan.scanner.formats import format_of

# Central-directory flag bit 0: the member is encrypted; method 99: WinZip AES.
_ZIP_FLAG_ENCRYPTED = 0x1
_ZIP_METHOD_AES = 99
_ZIP_FLAG_STRONG = 0x40  # PKWARE strong encryption
# A zip with more members than this is judged on its first ones: enough to see the
# scheme without walking a bomb's million-entry directory.
_ZIP_MEMBERS_CHECKED = 10_000
# A zip whose central directory (its file list) is encrypted (PKWARE SecureZIP, APPNOTE
# 6.2+): the local headers are masked and say so with flag bit 13, beside bits 0
# (encrypted) and 6 (strong encryption), and need version 6.2 or later to extract.
_ZIP_LOCAL_HEADER = struct.Struct("<4sHH")  # signature, version needed, flags
_ZIP_FLAGS_DIRECTORY_ENCRYPTED = 0x2000 | _ZIP_FLAG_STRONG | _ZIP_FLAG_ENCRYPTED
_ZIP_VERSION_DIRECTORY_ENCRYPTION = 62
ZIP_DIRECTORY_ENCRYPTED = "zip_pkware_strong_directory"  # its protection detail


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


def decrypt_office(handle: IO[bytes], password: str, out: IO[bytes]) -> None:
    """Write the decrypted content of the Office file on ``handle`` to ``out``."""
    handle.seek(0)
    office = msoffcrypto.OfficeFile(handle)
    office.load_key(password=password)
    office.decrypt(out)


def zip_directory_encrypted(handle: BinaryIO) -> bool:
    """True when the zip on ``handle`` has its file list (central directory) encrypted,
    as its first local header says."""
    handle.seek(0)
    head = handle.read(_ZIP_LOCAL_HEADER.size)
    handle.seek(0)
    if len(head) < _ZIP_LOCAL_HEADER.size:
        return False
    signature, version, flags = _ZIP_LOCAL_HEADER.unpack(head)
    return (signature == b"PK\x03\x04"
            and version & 0xFF >= _ZIP_VERSION_DIRECTORY_ENCRYPTION
            and flags & _ZIP_FLAGS_DIRECTORY_ENCRYPTED == _ZIP_FLAGS_DIRECTORY_ENCRYPTED)


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
        if zip_directory_encrypted(handle):
            return ProtectionVerdict(Protection.ENCRYPTED, ZIP_DIRECTORY_ENCRYPTED)
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


# RAR 1.5-4.x: the marker block, then the main header (CRC 2, type 1, flags 2, size 2)
# whose flag 0x80 says every later header is encrypted.  RAR 5: the signature, then an
# "archive encryption header" (type 4) before anything else when headers are encrypted.
_RAR4_SIGNATURE = b"Rar!\x1a\x07\x00"
_RAR4_MAIN_HEADER = 0x73
_RAR4_HEADERS_ENCRYPTED = 0x80
_RAR5_SIGNATURE = b"Rar!\x1a\x07\x01\x00"
_RAR5_ENCRYPTION_HEADER = 4


def _vint(data: bytes, at: int) -> tuple[int, int]:
    """RAR 5's variable-length integer at ``at``: its value and where the next field starts."""
    value = shift = 0
    for offset in range(at, min(at + 10, len(data))):
        value |= (data[offset] & 0x7F) << shift
        shift += 7
        if not data[offset] & 0x80:
            return value, offset + 1
    raise ValueError("truncated RAR header")


def check_rar(handle: BinaryIO) -> ProtectionVerdict:
    """RAR archives: encrypted when the headers are, so not even the names can be read.
    RAR is never read (no extractor), so an archive with its names in the clear stays
    "unknown"."""
    handle.seek(0)
    head = handle.read(64)
    try:
        if head.startswith(_RAR5_SIGNATURE):
            at = len(_RAR5_SIGNATURE) + 4  # the header's CRC32
            _size, at = _vint(head, at)
            kind, _ = _vint(head, at)
            if kind == _RAR5_ENCRYPTION_HEADER:
                return ProtectionVerdict(Protection.ENCRYPTED, "rar5_headers")
        elif head.startswith(_RAR4_SIGNATURE):
            main = head[len(_RAR4_SIGNATURE):]
            if (len(main) >= 5 and main[2] == _RAR4_MAIN_HEADER
                    and int.from_bytes(main[3:5], "little") & _RAR4_HEADERS_ENCRYPTED):
                return ProtectionVerdict(Protection.ENCRYPTED, "rar_headers")
    except ValueError:
        pass  # a damaged header: not judged
    return UNKNOWN


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


def assume_not_protected(handle: BinaryIO) -> ProtectionVerdict:
    """Formats with no encryption of their own (text, images), or whose extractor judges
    it (PDF)."""
    return NOT_PROTECTED


def check_protection(mime: str, handle: BinaryIO) -> ProtectionVerdict:
    """Whether the file of type ``mime`` open on ``handle`` is protected, and by what.

    "unknown" when the format has no check (or no row in the format table).
    """
    row = format_of(mime)
    if row is None or row.protection is None:
        return UNKNOWN
    check = resolve(row.protection)
    try:
        verdict: ProtectionVerdict = check(handle)
        return verdict
    finally:
        handle.seek(0)
