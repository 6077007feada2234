"""Archives: listings, member names, encryption, limits and bombs, unit and end to end.

Every archive is built here (zipfile, pyzipper for real WinZip AES, py7zr), with header
fields patched where a hostile archive lies.  The end-to-end tests run
``scanner.pipeline.scan_file`` with a real detector, so members are checked as the
records a DPO will read.
"""

from __future__ import annotations

import io
import json
import random
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import py7zr
import pytest
import pyzipper

from dpscan.detectors.content import ContentDetector
from dpscan.model.config import ScanConfig
from dpscan.model.extraction import MIB, PARSE_FAILURE, EncryptedContent, Limits, Member
from dpscan.model.ids import Flag
from dpscan.model.records import FileResult
from dpscan.scanner.extract import extractor_for
from dpscan.scanner.extract.archive import (
    MAX_NAME_CHARS,
    extract_7z,
    extract_zip,
    printable_member_name,
)
from dpscan.scanner.pipeline import scan_file
from dpscan.scanner.sniff import MIME_DOCX
from dpscan.scanner.walk import FileEntry, walk_root

NHS_TEXT = "Pupil: Amelia Jones\nNHS number: 999 000 0018\n"
ZOO = Path("/work/shared/zoo")


# --------------------------------------------------------------------------- builders


def _zip(entries: list[tuple[str | zipfile.ZipInfo, bytes | str]],
         compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def _central_entries(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(offset, name) of each central-directory header in ``data``."""
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        yield at, data[at + 46:at + 46 + name_len]
        at = data.find(b"PK\x01\x02", at + 46 + name_len)


# Field offsets in a central-directory header (APPNOTE 4.3.12).
_CENTRAL_FIELDS = {"flags": (8, "<H"), "method": (10, "<H"), "compressed": (20, "<I"),
                   "size": (24, "<I")}


def _patch_central(data: bytes, name: bytes, **values: int) -> bytes:
    """Overwrite fields of ``name``'s central-directory header: what a hostile zip declares."""
    patched = bytearray(data)
    for at, found in _central_entries(data):
        if found == name:
            for key, value in values.items():
                offset, fmt = _CENTRAL_FIELDS[key]
                struct.pack_into(fmt, patched, at + offset, value)
            return bytes(patched)
    raise AssertionError(f"{name!r} not in the central directory")


def _set_encrypted_bit(data: bytes) -> bytes:
    """Set bit 0 (encrypted) in every local and central header, as ZipCrypto does."""
    patched = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = patched.find(signature)
        while at != -1:
            patched[at + offset] |= 0x1
            at = patched.find(signature, at + 4)
    return bytes(patched)


def _aes_zip(entries: list[tuple[str, bytes]], plain: list[tuple[str, bytes]] = ()) -> bytes:
    """A real WinZip AES-256 zip (pyzipper), after any ``plain`` unencrypted members."""
    buffer = io.BytesIO(_zip(list(plain)))
    with pyzipper.AESZipFile(buffer, "a", compression=pyzipper.ZIP_DEFLATED,
                             encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(b"correct horse")
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def _docx(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _write_zeros_member(archive: zipfile.ZipFile, name: str, mib: int) -> None:
    # Streamed in 1 MiB chunks: the test itself must not hold the bomb in memory.
    chunk = bytes(MIB)
    with archive.open(name, "w") as member:
        for _ in range(mib):
            member.write(chunk)


def _7z(path: Path, entries: list[tuple[str, bytes]], password: str | None = None,
        header_encryption: bool = False, append: bool = False) -> Path:
    """A 7z archive; each call in append mode adds a new block (folder)."""
    mode = "a" if append else "w"
    with py7zr.SevenZipFile(path, mode, password=password,
                            header_encryption=header_encryption) as archive:
        for name, data in entries:
            archive.writestr(data, name)
    return path


def _7z_rename(path: Path, old: str, new: str) -> None:
    """Rename a member in place, past py7zr's refusal to write names like "../x".

    The archive must have a plain (not LZMA-encoded) header; the header CRCs are
    recomputed so the archive stays valid.
    """
    data = bytearray(path.read_bytes())
    old_raw, new_raw = old.encode("utf-16-le"), new.encode("utf-16-le")
    assert len(old_raw) == len(new_raw) and data.count(old_raw) == 1
    at = data.find(old_raw)
    data[at:at + len(old_raw)] = new_raw
    next_offset, next_size = struct.unpack_from("<QQ", data, 12)
    header_at = 32 + next_offset
    struct.pack_into("<I", data, 28, zlib.crc32(data[header_at:header_at + next_size]))
    struct.pack_into("<I", data, 8, zlib.crc32(data[12:32]))
    path.write_bytes(bytes(data))


def _read(member: Member) -> bytes:
    assert member.open is not None, member
    with member.open() as stream:
        return stream.read()


def _by_name(members: list[Member]) -> dict[str, Member]:
    return {member.name: member for member in members}


# --------------------------------------------------------------------------- registry


@pytest.mark.parametrize(
    ("mime", "name"),
    [
        ("application/zip", "zip"),
        ("application/x-zip-compressed", "zip"),
        ("application/x-7z-compressed", "7z"),
        (MIME_DOCX, "docx"),  # an OOXML package is a zip, but never read as one
    ],
)
def test_extractor_table_routes_archives(mime: str, name: str) -> None:
    extractor = extractor_for(mime)
    assert extractor is not None and extractor.name == name


# --------------------------------------------------------------------------- zip listing


def test_zip_lists_every_name_and_gives_files_as_members_in_order() -> None:
    trip = zipfile.ZipInfo("2016/consent.docx", date_time=(2016, 5, 4, 10, 30, 12))
    data = _zip([
        ("2016/", b""),
        (trip, b"consent form"),
        ("Amelia Jones EHCP.pdf", b"%PDF-1.4 not really"),
        ("notes.txt", NHS_TEXT),
    ])
    extracted = extract_zip(io.BytesIO(data), Limits())
    assert extracted.text.splitlines() == [
        "2016/", "2016/consent.docx", "Amelia Jones EHCP.pdf", "notes.txt",
    ]
    assert [m.name for m in extracted.members] == [
        "2016/consent.docx", "Amelia Jones EHCP.pdf", "notes.txt",
    ]
    consent = extracted.members[0]
    assert (consent.size, consent.modified) == (12, "2016-05-04T10:30:12+00:00")
    assert (consent.encrypted, consent.error, consent.flags) == (None, None, [])
    assert _read(consent) == b"consent form"
    assert _read(extracted.members[2]) == NHS_TEXT.encode()
    assert extracted.flags == [] and extracted.protection_detail is None


def test_zip_member_streams_from_the_open_archive() -> None:
    # open() must hand out a stream over the archive, not a copy made up front.
    extracted = extract_zip(io.BytesIO(_zip([("a.txt", "x" * 5000)])), Limits())
    stream = extracted.members[0].open()
    assert isinstance(stream, zipfile.ZipExtFile)
    assert stream.read(10) == b"x" * 10


def test_zip_member_with_impossible_date_has_no_modified() -> None:
    info = zipfile.ZipInfo("odd.txt", date_time=(1980, 0, 0, 0, 0, 0))
    member = extract_zip(io.BytesIO(_zip([(info, "x")])), Limits()).members[0]
    assert member.modified is None and _read(member) == b"x"


def test_empty_zip_has_no_members() -> None:
    extracted = extract_zip(io.BytesIO(_zip([])), Limits())
    assert (extracted.text, extracted.members, extracted.flags) == ("", [], [])


def test_nested_zip_member_is_itself_a_zip() -> None:
    inner = _zip([("deep/b.txt", NHS_TEXT)])
    outer = extract_zip(io.BytesIO(_zip([("inner.zip", inner)])), Limits())
    assert [m.name for m in outer.members] == ["inner.zip"]
    nested = extract_zip(io.BytesIO(_read(outer.members[0])), Limits())
    assert [m.name for m in nested.members] == ["deep/b.txt"]
    assert _read(nested.members[0]) == NHS_TEXT.encode()


def test_corrupt_zip_raises_for_the_pipeline_to_record() -> None:
    with pytest.raises(zipfile.BadZipFile):
        extract_zip(io.BytesIO(b"PK\x03\x04" + b"\x00garbage" * 40), Limits())


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2016/consent.docx", "2016/consent.docx"),
        ("../evil.txt", "%2E%2E/evil.txt"),
        ("a/../../b.txt", "a/%2E%2E/%2E%2E/b.txt"),
        ("/abs.txt", "abs.txt"),
        ("//server/share.txt", "server/share.txt"),
        ("C:\\Users\\head\\pupils.csv", "Users/head/pupils.csv"),
        ("./a//b/./c.txt", "a/b/c.txt"),
        ("line\nbreak.txt", "line\\x0abreak.txt"),
        ("tab\there\r.txt", "tab\\x09here\\x0d.txt"),
        ("nul\x00.txt", "nul\\x00.txt"),
        ("sep\u2028par\u2029.txt", "sep\\u2028par\\u2029.txt"),
        ("report\u202etxt.exe", "report\\u202etxt.exe"),  # right-to-left override
        ("lone\udcff.txt", "lone\\udcff.txt"),
        ("Zoë Brontë £5 日本.txt", "Zoë Brontë £5 日本.txt"),
        ("a:b.txt", "a:b.txt"),  # a colon is only a drive when a path follows
        ("", "(unnamed member 4)"),
        ("/", "(unnamed member 4)"),
        ("..", "%2E%2E"),
    ],
)
def test_printable_member_name(raw: str, expected: str) -> None:
    assert printable_member_name(raw, 3) == expected


def test_printable_member_name_cuts_very_long_names() -> None:
    name = printable_member_name("x" * 70_000, 0)
    assert len(name) == MAX_NAME_CHARS + 1 and name.endswith("…")


def test_zip_with_hostile_names_lists_one_safe_name_a_line() -> None:
    data = _zip([("../evil.txt", "a"), ("/abs.txt", "b"), ("two\nlines.txt", "c"),
                 ("ok.txt", "d")])
    extracted = extract_zip(io.BytesIO(data), Limits())
    assert extracted.text.splitlines() == [
        "%2E%2E/evil.txt", "abs.txt", "two\\x0alines.txt", "ok.txt",
    ]
    assert [_read(m) for m in extracted.members] == [b"a", b"b", b"c", b"d"]


def test_zip_name_in_cp437_is_decoded() -> None:
    # Windows' "Send to > Compressed folder" writes names in the OEM code page with no
    # UTF-8 flag; ë is 0x89 in cp437.  The stdlib only writes ASCII or flagged UTF-8,
    # so the name bytes are swapped in afterwards (same length).
    data = _zip([("Zoe Bronte.txt", "x")]).replace(b"Zoe Bronte", b"Zo\x89 Bront\x89")
    extracted = extract_zip(io.BytesIO(data), Limits())
    assert extracted.text == "Zoë Brontë.txt\n"
    assert _read(extracted.members[0]) == b"x"


def test_zip_name_in_unflagged_utf8_is_decoded() -> None:
    # macOS and Linux zip write UTF-8 without the flag; cp437 would show "ZoÃ½".
    data = _zip([("Zoee.txt", "x")]).replace(b"Zoee", "Zoë".encode())
    assert extract_zip(io.BytesIO(data), Limits()).members[0].name == "Zoë.txt"


@pytest.mark.parametrize(("crc_of", "expected"), [(b"Zo_.txt", "Zoë.txt"),
                                                   (b"stale.txt", "Zo_.txt")])
def test_zip_unicode_path_extra_field_is_used_when_its_crc_matches(
    crc_of: bytes, expected: str
) -> None:
    utf8 = "Zoë.txt".encode()
    body = b"\x01" + struct.pack("<I", zlib.crc32(crc_of)) + utf8
    info = zipfile.ZipInfo("Zo_.txt")
    info.extra = struct.pack("<HH", 0x7075, len(body)) + body
    member = extract_zip(io.BytesIO(_zip([(info, "x")])), Limits()).members[0]
    assert member.name == expected


# --------------------------------------------------------------------------- encryption


def test_zip_aes_member_is_encrypted_and_not_opened() -> None:
    data = _aes_zip([("Amelia Jones EHCP.pdf", b"%PDF-1.7 " + b"x" * 500)])
    extracted = extract_zip(io.BytesIO(data), Limits())
    (member,) = extracted.members
    assert (member.name, member.encrypted, member.open, member.error) == (
        "Amelia Jones EHCP.pdf", "zip_aes", None, None,
    )
    # The name is still listed: it is personal data even when the content is locked.
    assert extracted.text == "Amelia Jones EHCP.pdf\n"
    assert extracted.protection_detail == "zip_aes"


def test_zip_partly_encrypted_keeps_the_plain_member_readable() -> None:
    data = _aes_zip([("secret.txt", b"locked")], plain=[("plain.txt", b"open")])
    extracted = extract_zip(io.BytesIO(data), Limits())
    members = _by_name(extracted.members)
    assert members["secret.txt"].encrypted == "zip_aes"
    assert members["plain.txt"].encrypted is None and _read(members["plain.txt"]) == b"open"
    assert extracted.protection_detail == "zip_aes_partial"


def test_zipcrypto_member_is_encrypted() -> None:
    data = _set_encrypted_bit(_zip([("consent.txt", "hello")]))
    (member,) = extract_zip(io.BytesIO(data), Limits()).members
    assert (member.encrypted, member.open) == ("zip_crypto", None)


def test_pkware_strong_encryption_is_named() -> None:
    # Bit 6 (strong encryption) comes with bit 0; the stdlib cannot open these at all.
    data = _patch_central(_zip([("consent.txt", "hello")]), b"consent.txt", flags=0x41)
    (member,) = extract_zip(io.BytesIO(data), Limits()).members
    assert (member.encrypted, member.open) == ("zip_pkware_strong", None)


@pytest.mark.parametrize(("method", "label"), [(9, "deflate64"), (98, "ppmd"),
                                               (93, "unknown")])
def test_zip_member_with_unsupported_method_is_an_error(method: int, label: str) -> None:
    data = _patch_central(_zip([("big.csv", "a,b\n" * 100), ("ok.txt", "fine")]),
                          b"big.csv", method=method)
    members = extract_zip(io.BytesIO(data), Limits()).members
    assert members[0].open is None
    assert members[0].error == (
        f"not read: compression method {method} ({label}) is not supported"
    )
    assert _read(members[1]) == b"fine"


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_zip_members_in_every_supported_method_are_read(method: int) -> None:
    data = _zip([("a.txt", NHS_TEXT)], compression=method)
    assert _read(extract_zip(io.BytesIO(data), Limits()).members[0]) == NHS_TEXT.encode()


# --------------------------------------------------------------------------- limits


def test_too_many_members_are_cut_at_max_members_with_one_error_member() -> None:
    entries: list[tuple[str | zipfile.ZipInfo, bytes | str]] = [("folder/", b"")]
    entries += [(f"folder/pupil{i}.txt", f"{i}") for i in range(8)]
    extracted = extract_zip(io.BytesIO(_zip(entries)), Limits(max_members=5))
    names = [m.name for m in extracted.members]
    assert names == [f"folder/pupil{i}.txt" for i in range(5)] + [
        "(3 more members not listed)"
    ]
    extra = extracted.members[-1]
    assert extra.open is None and extra.flags == [Flag.ARCHIVE_LIMIT]
    assert extra.error == (
        "not listed: the archive holds 8 files, over the max_members limit (5)"
    )
    assert extracted.flags == [Flag.ARCHIVE_LIMIT]
    assert extracted.text.splitlines() == ["folder/"] + names[:5]


def test_exactly_max_members_is_not_cut() -> None:
    entries: list[tuple[str | zipfile.ZipInfo, bytes | str]] = [
        (f"p{i}.txt", "x") for i in range(5)
    ]
    extracted = extract_zip(io.BytesIO(_zip(entries)), Limits(max_members=5))
    assert len(extracted.members) == 5 and extracted.flags == []


def test_member_declaring_more_than_max_member_bytes_is_not_opened() -> None:
    data = _patch_central(_zip([("huge.bin", b"x" * 100), ("small.txt", "ok")]),
                          b"huge.bin", size=3_000_000_000)
    extracted = extract_zip(io.BytesIO(data), Limits(max_member_bytes=256 * MIB))
    huge, small = extracted.members
    assert huge.open is None and huge.size == 3_000_000_000
    assert huge.error == (
        "not read: declares 3000000000 bytes, over the max_member_bytes limit (268435456)"
    )
    assert huge.flags == [Flag.ARCHIVE_LIMIT] and extracted.flags == [Flag.ARCHIVE_LIMIT]
    assert small.error is None and _read(small) == b"ok"


def test_member_declaring_an_absurd_compression_ratio_is_not_opened() -> None:
    # 200 MB declared from ~100 compressed bytes: under max_member_bytes, still a bomb.
    data = _patch_central(_zip([("bomb.bin", b"\0" * 100)]), b"bomb.bin", size=200_000_000)
    (member,) = extract_zip(io.BytesIO(data), Limits()).members
    assert member.open is None and member.flags == [Flag.ARCHIVE_LIMIT]
    assert member.error is not None
    assert member.error.startswith("not read: declares 200000000 bytes from ")
    assert member.error.endswith("over the 1000:1 compression ratio limit")


@pytest.mark.parametrize(
    ("data", "flagged"),
    [
        (bytes(8 * MIB), True),  # deflate packs zeros ~1030:1
        (bytes(900 * 1024), False),  # same ratio, but under 1 MiB: not worth a verdict
        (b"".join(b"pupil %d present\n" % i for i in range(200_000)), False),  # 3.6 MB text
    ],
)
def test_real_compression_ratio_limit(data: bytes, flagged: bool) -> None:
    (member,) = extract_zip(io.BytesIO(_zip([("m.bin", data)])), Limits()).members
    assert (Flag.ARCHIVE_LIMIT in member.flags) is flagged
    assert (member.open is None) is flagged


@pytest.fixture(scope="module")
def zip_bomb_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``x.zip``: a 200 MB member of zeros (~200 KB packed), a lying member, and documents.

    ``lying.bin`` holds 200 MB of zeros too, but its central-directory entry declares
    only 8 MiB: under every limit and a plausible ratio, so it is opened and streamed.
    """
    path = tmp_path_factory.mktemp("bomb") / "x.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("a/b.txt", "NHS number: 999 000 0018\n")
        z.writestr("2016/consent.docx", _docx("Consent form\nPupil: Amelia Jones\n"
                                              "NHS number: 943 476 5919"))
        _write_zeros_member(z, "bomb.bin", 200)
        _write_zeros_member(z, "lying.bin", 200)
    path.write_bytes(_patch_central(path.read_bytes(), b"lying.bin", size=8 * MIB))
    assert path.stat().st_size < 1 * MIB
    return path


def test_real_zip_bomb_is_refused_before_any_byte_is_inflated(zip_bomb_path: Path) -> None:
    with zip_bomb_path.open("rb") as handle:
        extracted = extract_zip(handle, Limits(max_member_bytes=10 * MIB))
        bomb = _by_name(extracted.members)["bomb.bin"]
    assert bomb.open is None and bomb.size == 200 * MIB
    assert bomb.error == (
        f"not read: declares {200 * MIB} bytes, over the max_member_bytes limit ({10 * MIB})"
    )
    # With room for 200 MB per member, the ratio still gives the bomb away.
    with zip_bomb_path.open("rb") as handle:
        roomy = _by_name(extract_zip(handle, Limits()).members)["bomb.bin"]
    assert roomy.open is None and roomy.error is not None and "1000:1" in roomy.error


def test_lying_member_never_yields_more_than_it_declares(zip_bomb_path: Path) -> None:
    with zip_bomb_path.open("rb") as handle:
        lying = _by_name(extract_zip(handle, Limits()).members)["lying.bin"]
        assert lying.open is not None and lying.size == 8 * MIB
        read = 0
        with pytest.raises(zipfile.BadZipFile, match="CRC"), lying.open() as stream:
            while chunk := stream.read(MIB):
                read += len(chunk)
    assert read <= 8 * MIB


# --------------------------------------------------------------------------- 7z


def test_7z_lists_names_and_reads_members(tmp_path: Path) -> None:
    path = _7z(tmp_path / "trip.7z", [("2016/consent.txt", NHS_TEXT.encode()),
                                      ("Amelia Jones EHCP.pdf", b"%PDF-1.4 x"),
                                      ("empty.txt", b"")])
    with path.open("rb") as handle:
        extracted = extract_7z(handle, Limits())
        assert extracted.text.splitlines() == [
            "2016/consent.txt", "Amelia Jones EHCP.pdf", "empty.txt",
        ]
        members = _by_name(extracted.members)
        assert _read(members["2016/consent.txt"]) == NHS_TEXT.encode()
        assert _read(members["Amelia Jones EHCP.pdf"]) == b"%PDF-1.4 x"
        assert _read(members["empty.txt"]) == b""
    consent = members["2016/consent.txt"]
    assert consent.size == len(NHS_TEXT) and consent.modified is not None
    assert consent.modified.endswith("+00:00")
    assert extracted.flags == [] and extracted.protection_detail is None


def test_7z_members_in_separate_blocks_are_read_in_any_order(tmp_path: Path) -> None:
    path = _7z(tmp_path / "blocks.7z", [("a.txt", b"a" * 100)])
    _7z(path, [("b.txt", b"b" * 100), ("c.txt", b"c" * 100)], append=True)
    with path.open("rb") as handle:
        members = _by_name(extract_7z(handle, Limits()).members)
        assert _read(members["c.txt"]) == b"c" * 100
        assert _read(members["a.txt"]) == b"a" * 100
        assert _read(members["b.txt"]) == b"b" * 100
        # A second read decompresses again rather than failing.
        assert _read(members["b.txt"]) == b"b" * 100


def test_7z_hostile_name_does_not_spoil_its_block(tmp_path: Path) -> None:
    # py7zr's own extract() refuses a whole batch over one ".." name; this archive
    # shares one solid block between that name and a document.
    path = tmp_path / "evil.7z"
    with py7zr.SevenZipFile(path, "w") as archive:
        archive.set_encoded_header_mode(False)  # a plain header, so names can be patched
        archive.writestr(b"evil", "xx/evil.txt")
        archive.writestr(NHS_TEXT.encode(), "notes.txt")
    _7z_rename(path, "xx/evil.txt", "../evil.txt")
    with path.open("rb") as handle:
        extracted = extract_7z(handle, Limits())
        assert extracted.text.splitlines() == ["%2E%2E/evil.txt", "notes.txt"]
        assert [_read(m) for m in extracted.members] == [b"evil", NHS_TEXT.encode()]


def test_7z_header_encrypted_raises_encrypted_content(tmp_path: Path) -> None:
    path = _7z(tmp_path / "hidden.7z", [("Amelia Jones EHCP.pdf", b"x")], password="pw",
               header_encryption=True)
    with path.open("rb") as handle, pytest.raises(EncryptedContent) as caught:
        extract_7z(handle, Limits())
    assert caught.value.detail == "7z_aes"


def test_7z_content_encrypted_lists_names_and_marks_members(tmp_path: Path) -> None:
    path = _7z(tmp_path / "locked.7z", [("SEN/Amelia Jones EHCP.pdf", b"x" * 50),
                                        ("SEN/notes.txt", b"y")], password="pw")
    with path.open("rb") as handle:
        extracted = extract_7z(handle, Limits())
    assert extracted.text.splitlines() == ["SEN/Amelia Jones EHCP.pdf", "SEN/notes.txt"]
    assert [(m.encrypted, m.open, m.error) for m in extracted.members] == [
        ("7z_aes", None, None), ("7z_aes", None, None),
    ]
    assert extracted.protection_detail == "7z_aes"


def test_7z_partly_encrypted(tmp_path: Path) -> None:
    path = _7z(tmp_path / "mixed.7z", [("open.txt", b"plain")])
    _7z(path, [("locked.txt", b"secret")], password="pw", append=True)
    with path.open("rb") as handle:
        extracted = extract_7z(handle, Limits())
        members = _by_name(extracted.members)
        assert members["locked.txt"].encrypted == "7z_aes"
        assert members["open.txt"].encrypted is None and _read(members["open.txt"]) == b"plain"
    assert extracted.protection_detail == "7z_aes_partial"


def test_7z_member_over_max_member_bytes_is_not_decompressed(tmp_path: Path) -> None:
    path = _7z(tmp_path / "big.7z", [("zeros.bin", bytes(3 * MIB))])
    _7z(path, [("small.txt", b"ok")], append=True)
    with path.open("rb") as handle:
        extracted = extract_7z(handle, Limits(max_member_bytes=2 * MIB))
        members = _by_name(extracted.members)
        assert members["zeros.bin"].open is None
        assert members["zeros.bin"].error == (
            f"not read: declares {3 * MIB} bytes, over the max_member_bytes limit ({2 * MIB})"
        )
        assert _read(members["small.txt"]) == b"ok"
    assert extracted.flags == [Flag.ARCHIVE_LIMIT]


def test_7z_bomb_is_refused_by_its_ratio(tmp_path: Path) -> None:
    path = _7z(tmp_path / "bomb.7z", [("zeros.bin", bytes(20 * MIB))])
    assert path.stat().st_size < 20 * 1024  # LZMA packs zeros far beyond 1000:1
    with path.open("rb") as handle:
        (member,) = extract_7z(handle, Limits()).members
    assert member.open is None and member.error is not None
    assert member.error.endswith("over the 1000:1 compression ratio limit")


@pytest.mark.parametrize(("solid", "small_readable"), [(True, False), (False, True)])
def test_7z_max_total_bytes_counts_what_a_solid_block_must_decompress(
    tmp_path: Path, solid: bool, small_readable: bool
) -> None:
    # A 1.5 MiB file, then a small one.  In one solid block, reaching the small file
    # means decompressing the 1.5 MiB first: over a 1 MiB max_total_bytes.  In its own
    # block it is cheap.  Random bytes, so the ratio check stays out of it.
    big = random.Random(7).randbytes(3 * MIB // 2)
    path = tmp_path / "total.7z"
    if solid:
        _7z(path, [("big.bin", big), ("small.txt", b"ok")])
    else:
        _7z(path, [("big.bin", big)])
        _7z(path, [("small.txt", b"ok")], append=True)
    limits = Limits(max_member_bytes=2 * MIB, max_total_bytes=1 * MIB)
    with path.open("rb") as handle:
        members = _by_name(extract_7z(handle, limits).members)
        assert members["big.bin"].error == (
            f"not read: reaching it means decompressing past the max_total_bytes limit "
            f"({1 * MIB})"
        )
        small = members["small.txt"]
        assert (small.open is not None) is small_readable
        if small_readable:
            assert _read(small) == b"ok"
        else:
            assert small.error is not None and "max_total_bytes" in small.error


def test_corrupt_7z_data_is_an_error_on_the_member_not_the_archive(tmp_path: Path) -> None:
    path = _7z(tmp_path / "rot.7z", [("a.txt", NHS_TEXT.encode() * 50)])
    data = bytearray(path.read_bytes())
    data[40] ^= 0xFF  # inside the packed stream, after the 32-byte signature header
    path.write_bytes(bytes(data))
    with path.open("rb") as handle:
        (member,) = extract_7z(handle, Limits()).members
        with pytest.raises(Exception) as caught:  # noqa: B017 - which codec error varies
            _read(member)
    assert not isinstance(caught.value, AssertionError)


def test_not_a_7z_raises() -> None:
    with pytest.raises(py7zr.Bad7zFile):
        extract_7z(io.BytesIO(b"7z\xbc\xaf\x27\x1c" + b"\x00" * 10), Limits())


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def detector() -> ContentDetector:
    """One detector for the module: building it loads spaCy."""
    return ContentDetector()


def _entry(path: Path) -> FileEntry:
    entries = [e for e in walk_root(str(path)) if isinstance(e, FileEntry)]
    assert len(entries) == 1, entries
    return entries[0]


def _scan(path: Path, detector: ContentDetector, **limits: int) -> dict[str, FileResult]:
    config = ScanConfig(workers=1, limits=Limits(**limits))
    records = scan_file(_entry(path), config, detector)
    by_path = {record.path: record for record in records}
    assert len(by_path) == len(records), [r.path for r in records]
    return by_path


@pytest.fixture(scope="module")
def bomb_scan(zip_bomb_path: Path, detector: ContentDetector
              ) -> tuple[dict[str, FileResult], int]:
    """The records of scanning ``x.zip``, and the peak of Python allocations meanwhile."""
    tracemalloc.start()
    try:
        records = _scan(zip_bomb_path, detector, max_member_bytes=10 * MIB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return records, peak


def test_e2e_zip_bomb_member_hits_the_limit(bomb_scan: tuple[dict[str, FileResult], int]
                                           ) -> None:
    records, _ = bomb_scan
    bomb = records["x.zip!bomb.bin"]
    assert Flag.ARCHIVE_LIMIT in bomb.flags
    assert bomb.error is not None and f"max_member_bytes limit ({10 * MIB})" in bomb.error
    assert bomb.container == "x.zip" and not bomb.entities
    assert Flag.ARCHIVE_LIMIT in records["x.zip"].flags


def test_e2e_lying_member_is_cut_at_its_declared_size(
    bomb_scan: tuple[dict[str, FileResult], int]
) -> None:
    lying = bomb_scan[0]["x.zip!lying.bin"]
    # zipfile's message names the member ("Bad CRC-32 for file ..."): only its type is kept.
    assert lying.status == "error" and lying.error == f"BadZipFile: {PARSE_FAILURE}"


def test_e2e_members_with_personal_data_get_their_own_records(
    bomb_scan: tuple[dict[str, FileResult], int]
) -> None:
    records, _ = bomb_scan
    assert list(records) == ["x.zip", "x.zip!a/b.txt", "x.zip!2016/consent.docx",
                             "x.zip!bomb.bin", "x.zip!lying.bin"]
    container = records["x.zip"]
    assert (container.status, container.extractor, container.container) == (
        "scanned", "zip", None,
    )
    text = records["x.zip!a/b.txt"]
    assert (text.status, text.container, text.extractor) == ("scanned", "x.zip", "text")
    assert text.entities.get("UK_NHS") == 1
    consent = records["x.zip!2016/consent.docx"]
    assert (consent.status, consent.mime) == ("scanned", MIME_DOCX)
    assert consent.entities.get("UK_NHS") == 1
    # Only the members hold the numbers; the container's own text is its listing.
    assert "UK_NHS" not in container.entities
    # Every record survives the trip to findings.json.
    json.dumps([r.to_dict() for r in records.values()])


def test_e2e_scanning_the_bomb_does_not_balloon_memory(
    bomb_scan: tuple[dict[str, FileResult], int]
) -> None:
    _, peak = bomb_scan
    assert peak < 50 * MIB, f"peak Python allocations {peak / MIB:.1f} MiB"


def test_e2e_max_total_bytes_stops_reading_across_members(
    tmp_path: Path, detector: ContentDetector
) -> None:
    lines = b"".join(b"register line %d\n" % i for i in range(250_000))  # ~5 MB text
    path = tmp_path / "t.zip"
    path.write_bytes(_zip([("one.txt", lines), ("two.txt", lines), ("three.txt", lines)]))
    records = _scan(path, detector, max_total_bytes=12 * MIB, max_text_chars=2_000)
    assert records["t.zip!one.txt"].status == records["t.zip!two.txt"].status == "scanned"
    third = records["t.zip!three.txt"]
    assert Flag.ARCHIVE_LIMIT in third.flags and third.status != "scanned"
    assert third.error == f"not read: expands past the max_total_bytes limit ({12 * MIB} bytes)"
    assert Flag.ARCHIVE_LIMIT in records["t.zip"].flags


def _nest(depth: int) -> bytes:
    data = _zip([("deep.txt", NHS_TEXT)])
    for level in range(depth, 0, -1):
        data = _zip([(f"l{level}.zip", data)], compression=zipfile.ZIP_STORED)
    return data


@pytest.mark.parametrize("max_depth", [2, 4])
def test_e2e_nesting_deeper_than_max_depth_is_flagged(
    tmp_path: Path, detector: ContentDetector, max_depth: int
) -> None:
    # n.zip > l1.zip > l2.zip > l3.zip > deep.txt: depths 0 to 4.
    path = tmp_path / "n.zip"
    path.write_bytes(_nest(3))
    records = _scan(path, detector, max_depth=max_depth)
    chain = ["n.zip", "n.zip!l1.zip", "n.zip!l1.zip!l2.zip", "n.zip!l1.zip!l2.zip!l3.zip",
             "n.zip!l1.zip!l2.zip!l3.zip!deep.txt"]
    expected = chain[:max_depth + 2]
    assert list(records) == expected
    deepest = records[expected[-1]]
    limited = Flag.ARCHIVE_LIMIT in deepest.flags
    if max_depth == 2:
        assert limited and deepest.error == "not read: nested deeper than the max_depth limit (2)"
        assert Flag.ARCHIVE_LIMIT in records[expected[-2]].flags
    else:
        assert not limited and deepest.entities.get("UK_NHS") == 1


def _bad_central_directory() -> bytes:
    data = _zip([("a.txt", NHS_TEXT)])
    return data.replace(b"PK\x01\x02", b"XX\x01\x02")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # Still a zip to libmagic (it reads the local header), but the directory is junk.
        (_bad_central_directory(), "BadZipFile"),
        (_zip([("a.txt", NHS_TEXT)])[:-10], "BadZipFile"),  # truncated end record
        # Flagged UTF-8, but the name is not: the stdlib refuses the whole directory.
        (_patch_central(_zip([("abc.txt", "x")]), b"abc.txt", flags=0x800).replace(
            b"abc.txt", b"a\xffc.txt"), "UnicodeDecodeError"),
    ],
)
def test_e2e_corrupt_zip_is_an_error_on_its_record(
    tmp_path: Path, detector: ContentDetector, data: bytes, message: str
) -> None:
    path = tmp_path / "broken.zip"
    path.write_bytes(data)
    records = _scan(path, detector)
    record = records["broken.zip"]
    assert record.status == "error" and Flag.UNREADABLE in record.flags
    assert record.error is not None and message in record.error
    assert list(records) == ["broken.zip"]


def test_e2e_corrupt_member_is_an_error_on_the_member_only(
    tmp_path: Path, detector: ContentDetector
) -> None:
    data = _zip([("bad.txt", "x" * 1000), ("good.txt", NHS_TEXT)], compression=zipfile.ZIP_STORED)
    at = data.find(b"x" * 1000)
    data = data[:at] + b"y" + data[at + 1:]  # CRC no longer matches
    path = tmp_path / "m.zip"
    path.write_bytes(data)
    records = _scan(path, detector)
    assert records["m.zip"].status == "scanned"
    bad = records["m.zip!bad.txt"]
    # zipfile's message names the member ("Bad CRC-32 for file ..."): only its type is kept.
    assert bad.status == "error" and bad.error == f"BadZipFile: {PARSE_FAILURE}"
    assert records["m.zip!good.txt"].entities.get("UK_NHS") == 1


def test_e2e_7z_members_are_scanned(tmp_path: Path, detector: ContentDetector) -> None:
    path = _7z(tmp_path / "s.7z", [("SEN/notes.txt", NHS_TEXT.encode()),
                                   ("SEN/plan.docx", _docx(NHS_TEXT))])
    records = _scan(path, detector)
    assert list(records) == ["s.7z", "s.7z!SEN/notes.txt", "s.7z!SEN/plan.docx"]
    assert (records["s.7z"].status, records["s.7z"].extractor) == ("scanned", "7z")
    for member in ("s.7z!SEN/notes.txt", "s.7z!SEN/plan.docx"):
        assert records[member].container == "s.7z"
        assert records[member].entities.get("UK_NHS") == 1


def test_e2e_7z_header_encrypted_is_an_encrypted_record(
    tmp_path: Path, detector: ContentDetector
) -> None:
    path = _7z(tmp_path / "h.7z", [("notes.txt", NHS_TEXT.encode())], password="pw",
               header_encryption=True)
    record = _scan(path, detector)["h.7z"]
    assert (record.status, record.protection, record.protection_detail) == (
        "encrypted", "encrypted", "7z_aes",
    )


def test_e2e_7z_encrypted_member_is_an_encrypted_record(
    tmp_path: Path, detector: ContentDetector
) -> None:
    path = _7z(tmp_path / "c.7z", [("Amelia Jones EHCP.txt", NHS_TEXT.encode())],
               password="pw")
    records = _scan(path, detector)
    assert records["c.7z"].protection_detail == "7z_aes"
    member = records["c.7z!Amelia Jones EHCP.txt"]
    assert (member.status, member.protection, member.protection_detail) == (
        "encrypted", "encrypted", "7z_aes",
    )


def test_e2e_encrypted_zip_record_says_so(tmp_path: Path, detector: ContentDetector) -> None:
    path = tmp_path / "locked.zip"
    path.write_bytes(_aes_zip([("Amelia Jones EHCP.txt", NHS_TEXT.encode())]))
    record = _scan(path, detector)["locked.zip"]
    assert (record.protection, record.protection_detail) == ("encrypted", "zip_aes")


# --------------------------------------------------------------------------- the zoo


def _zoo_archives() -> list[dict[str, Any]]:
    truth = ZOO / "truth.json"
    if not truth.is_file():
        return []
    files = json.loads(truth.read_text(encoding="utf-8"))["files"]
    return [f for f in files if f["true_format"] in ("zip", "7z")]


@pytest.fixture(scope="module")
def zoo_archives() -> list[dict[str, Any]]:
    """truth.json records of the zoo's zip and 7z files; skips when the zoo is absent."""
    archives = _zoo_archives()
    if not archives:
        pytest.skip(f"no file zoo at {ZOO}")
    return archives


def test_zoo_archives_scan_without_escaping_exceptions(
    zoo_archives: list[dict[str, Any]], detector: ContentDetector
) -> None:
    problems = []
    for fact in zoo_archives:
        path = ZOO / fact["path"]
        records = _scan(path, detector)
        record = records[path.name]
        protected = fact["encrypted"] and not fact["opens_without_password"]
        member_errors = [r.error for r in records.values() if r.container and r.error]
        if fact["true_format"] == "7z" and fact["metadata_encrypted"]:
            got = (record.status, record.protection, record.protection_detail)
            if got != ("encrypted", "encrypted", "7z_aes"):
                problems.append(f"{fact['path']}: header-encrypted 7z gave {got}")
        elif fact["true_format"] == "zip" and protected and record.protection != "encrypted":
            problems.append(f"{fact['path']}: encrypted zip has protection {record.protection}")
        elif fact["true_format"] == "7z" and protected and not (
            record.protection_detail or "").startswith("7z_aes"):
            problems.append(f"{fact['path']}: encrypted 7z has detail "
                            f"{record.protection_detail}")
        elif not fact["encrypted"] and not fact["corrupt"]:
            if record.status != "scanned" or member_errors:
                problems.append(f"{fact['path']}: {record.status} {record.error} "
                                f"{member_errors}")
        elif fact["corrupt"] and record.status != "error" and not member_errors:
            problems.append(f"{fact['path']}: corrupt but no error on it or its members")
    assert not problems, "\n".join(problems)


def test_zoo_member_encryption_matches_truth(zoo_archives: list[dict[str, Any]]) -> None:
    problems = []
    for fact in zoo_archives:
        if not fact["encrypted"] or fact["metadata_encrypted"]:
            continue
        extract = extract_7z if fact["true_format"] == "7z" else extract_zip
        with (ZOO / fact["path"]).open("rb") as handle:
            members = extract(handle, Limits()).members
        kinds = {m.encrypted for m in members}
        expected = {fact["encryption_kind"], None} if fact["partially_encrypted"] else {
            fact["encryption_kind"]
        }
        if kinds != expected:
            problems.append(f"{fact['path']}: members {kinds}, truth {expected}")
    assert not problems, "\n".join(problems)
