"""Archives whose file list itself is encrypted are `encrypted` records, never errors:
a zip with its central directory encrypted (PKWARE SecureZIP), RAR 4 and RAR 5 with
encrypted headers, and a 7z made by 7-Zip with -mhe=on.  The zip and RAR files are
written byte by byte as their formats lay them out (nothing free writes them); the
7z needs 7-Zip's command line (skipped without it)."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from dpscan.detectors.content import ContentDetector
from dpscan.model.config import ScanConfig
from dpscan.model.records import FileResult
from dpscan.scanner.pipeline import scan_file
from dpscan.scanner.walk import FileEntry, walk_root


@pytest.fixture(scope="module")
def detector() -> ContentDetector:
    """One detector for the module: building it loads spaCy."""
    return ContentDetector()


def _scan(path: Path, detector: ContentDetector) -> list[FileResult]:
    (entry,) = [e for e in walk_root(str(path)) if isinstance(e, FileEntry)]
    return scan_file(entry, ScanConfig(workers=1), detector)


def _zip_with_encrypted_directory(path: Path) -> Path:
    """A zip as SecureZIP writes it with central directory encryption: the local header
    masked (flag bit 13, with bits 0 and 6: encrypted, strong encryption), the archive
    extra data record, then the encrypted directory the end record points at."""
    name = b"0001"  # the real name is masked
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 62, 0x2041, 0, 0, 0, 0, 0, 0,
                        len(name), 0) + name
    content = os.urandom(64)
    extra_record = b"PK\x06\x08" + struct.pack("<I", 16) + os.urandom(16)
    directory = os.urandom(80)
    offset = len(local) + len(content) + len(extra_record)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(directory), offset, 0)
    path.write_bytes(local + content + extra_record + directory + end)
    return path


def _vint(value: int) -> bytes:
    out = bytearray()
    while True:
        out.append((value & 0x7F) | (0x80 if value > 0x7F else 0))
        value >>= 7
        if not value:
            return bytes(out)


def _rar5_with_encrypted_headers(path: Path) -> Path:
    """RAR 5 with headers encrypted (rar a -hp): the archive encryption header (type 4:
    version 0, flags 1 = password check present, KDF count, salt, check value) comes
    first, then encrypted headers."""
    body = (_vint(4) + _vint(0) + _vint(0) + _vint(1) + bytes([15]) + os.urandom(16)
            + os.urandom(12))
    header = _vint(len(body)) + body
    path.write_bytes(b"Rar!\x1a\x07\x01\x00" + struct.pack("<I", zlib.crc32(header)) + header
                     + os.urandom(256))
    return path


def _rar4(path: Path, flags: int) -> Path:
    """RAR 1.5-4.x: the marker block and a main header (type 0x73) with ``flags``."""
    main = struct.pack("<HBHH", 0, 0x73, flags, 13) + bytes(6)
    path.write_bytes(b"Rar!\x1a\x07\x00" + main + os.urandom(256))
    return path


def _verdict(record: FileResult) -> tuple[str, str, str | None, str | None]:
    return record.status, record.protection, record.protection_detail, record.error


def test_a_zip_whose_file_list_is_encrypted_is_encrypted(tmp_path: Path,
                                                         detector: ContentDetector) -> None:
    (record,) = _scan(_zip_with_encrypted_directory(tmp_path / "Pupils 2014.zip"), detector)
    assert _verdict(record) == ("encrypted", "encrypted", "zip_pkware_strong_directory", None)


def test_a_rar5_with_encrypted_headers_is_encrypted(tmp_path: Path,
                                                    detector: ContentDetector) -> None:
    (record,) = _scan(_rar5_with_encrypted_headers(tmp_path / "SEN.rar"), detector)
    assert _verdict(record) == ("encrypted", "encrypted", "rar5_headers", None)


def test_a_rar4_with_encrypted_headers_is_encrypted(tmp_path: Path,
                                                    detector: ContentDetector) -> None:
    (record,) = _scan(_rar4(tmp_path / "SEN.rar", flags=0x80), detector)
    assert _verdict(record) == ("encrypted", "encrypted", "rar_headers", None)


def test_a_rar_with_its_names_in_the_clear_is_listed_not_judged(
        tmp_path: Path, detector: ContentDetector) -> None:
    (record,) = _scan(_rar4(tmp_path / "trip.rar", flags=0), detector)
    assert _verdict(record) == ("not_read", "unknown", None, None)
    assert "no_text_extracted" in record.flags


@pytest.mark.skipif(shutil.which("7zz") is None and shutil.which("7z") is None,
                    reason="7-Zip's command line is not installed")
def test_a_7z_made_by_7zip_with_encrypted_headers_is_encrypted(
        tmp_path: Path, detector: ContentDetector) -> None:
    source = tmp_path / "pupils.csv"
    source.write_text("Name,DOB\nAmelia Jones,02/03/2014\n")
    archive = tmp_path / "out" / "pupils.7z"
    archive.parent.mkdir()
    seven_zip = shutil.which("7zz") or shutil.which("7z")
    subprocess.run([str(seven_zip), "a", "-pschool", "-mhe=on", str(archive), str(source)],
                   check=True, capture_output=True)
    (record,) = _scan(archive, detector)
    assert _verdict(record) == ("encrypted", "encrypted", "7z_aes", None)
