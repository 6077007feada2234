"""Word 97-2003 (.doc) extraction: files LibreOffice converts from .docx written here,
the real samples of ``../shared/zoo/legacy``, and hostile bytes.

The .docx is written with python-docx: paragraphs naming pupils, a table of pupils with
UPNs and NHS numbers (an empty cell, a cell of two paragraphs), a header, a footer and a
comment (python-docx writes no footnotes: those are checked on the zoo's footnote.doc).
LibreOffice (``/usr/bin/soffice``) converts it to .doc; without it those tests skip.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import struct
import subprocess
import time
from pathlib import Path

import docx
import olefile
import pytest

from dpscan.detectors.content import ContentDetector
from dpscan.model.extraction import EncryptedContent, ExtractedText, Limits
from dpscan.scanner.extract import doc
from dpscan.scanner.extract.doc import (
    ENCRYPTED,
    clean,
    extract_doc,
)
from dpscan.scanner.extract.docx import extract_docx

SOFFICE = Path("/usr/bin/soffice")
LEGACY = Path(__file__).resolve().parents[3].parent / "shared" / "zoo" / "legacy"
LIMITS = Limits(max_text_chars=100_000)
PUPILS = [["Name", "UPN", "NHS number", "Notes"],
          ["Amelia Jones", "L201000024001", "999 000 0018", ""],
          ["Sam Patel", "A123456789012", "943 476 5919", "Asthma; carries an inhaler"],
          ["Oliver Smith", "B987654321098", "401 023 2137", "Allergic to nuts"]]
PAGES = 200
# FibRgFcLcb97's fcClx/lcbClx and FibRgLw97's ccpText in a Word 97 FIB.
FIB_FC_CLX, FIB_CCP_TEXT = 0x1A2, 0x4C


def _letter() -> docx.document.Document:
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "St Mary's Primary School - Confidential"
    section.footer.paragraphs[0].text = "Prepared by Mrs Helen Carter"
    intro = document.add_paragraph("Dear parents, the Year 3 trip to the farm is on Friday.")
    document.add_paragraph("Amelia Jones (NHS 999 000 0018) will need her medication.")
    table = document.add_table(rows=len(PUPILS), cols=len(PUPILS[0]))
    for cells, values in zip((row.cells for row in table.rows), PUPILS, strict=True):
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    table.cell(3, 3).add_paragraph("Carries an adrenaline pen")
    document.add_paragraph("Please return the consent form by Monday.")
    document.add_comment(intro.runs, text="Check consent with Sam Patel's mother",
                         author="Helen Carter", initials="HC")
    return document


def _long_document() -> docx.document.Document:
    document = docx.Document()
    line = ("Pupil progress for the autumn term was discussed with the class teacher and "
            "the special educational needs coordinator at the review meeting. ")
    for page in range(PAGES):
        for _ in range(6):
            document.add_paragraph(line * 3)
        table = document.add_table(rows=3, cols=3)
        for number, row in enumerate(table.rows):
            for column, cell in enumerate(row.cells):
                cell.text = f"Pupil {page}-{number}-{column}"
        document.add_page_break()
    return document


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The letter and the 200-page document as .docx and as .doc (LibreOffice)."""
    if not SOFFICE.exists():
        pytest.skip("LibreOffice (/usr/bin/soffice) is not installed")
    folder = tmp_path_factory.mktemp("doc")
    sources = {"letter": _letter(), "long": _long_document()}
    for name, document in sources.items():
        document.save(str(folder / f"{name}.docx"))
    profile = (folder / "profile").as_uri()
    subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation={profile}", "--headless", "--convert-to",
         "doc:MS Word 97", "--outdir", str(folder),
         *(str(folder / f"{name}.docx") for name in sources)],
        check=True, capture_output=True, timeout=300)
    paths = {f"{name}.{kind}": folder / f"{name}.{kind}"
             for name in sources for kind in ("docx", "doc")}
    missing = [name for name, path in paths.items() if not path.is_file()]
    assert not missing, f"LibreOffice did not write {missing}"
    return paths


def _extract(path: Path, limits: Limits = LIMITS) -> ExtractedText:
    with path.open("rb") as handle:
        return extract_doc(handle, limits)


def test_body_header_footer_and_comment(converted: dict[str, Path]) -> None:
    text = _extract(converted["letter.doc"]).text
    for expected in ("Dear parents, the Year 3 trip to the farm is on Friday.",
                     "Amelia Jones (NHS 999 000 0018) will need her medication.",
                     "Please return the consent form by Monday.",
                     "St Mary's Primary School - Confidential",
                     "Prepared by Mrs Helen Carter",
                     "Check consent with Sam Patel's mother"):
        assert expected in text
    assert text.index("Dear parents") < text.index("Amelia Jones (NHS") < text.index(
        "Please return") < text.index("Prepared by")  # body first, then the other stories


def test_tables_are_read_row_by_row_as_docx_gives_them(converted: dict[str, Path]) -> None:
    result = _extract(converted["letter.doc"])
    expected = [row.copy() for row in PUPILS]
    expected[3][3] = "Allergic to nuts Carries an adrenaline pen"  # two paragraphs, one cell
    assert [table.rows for table in result.tables] == [expected]
    table = result.tables[0]
    assert result.text[table.start:table.end].splitlines()[1] == "\t".join(expected[1])
    with converted["letter.docx"].open("rb") as handle:
        assert [t.rows for t in extract_docx(handle, LIMITS).tables] == [expected]


def test_same_findings_as_the_docx(converted: dict[str, Path]) -> None:
    detector = ContentDetector()
    with converted["letter.docx"].open("rb") as handle:
        from_docx = extract_docx(handle, LIMITS)
    from_doc = _extract(converted["letter.doc"])
    docx_found = detector.detect(from_docx.text, from_docx.tables)
    doc_found = detector.detect(from_doc.text, from_doc.tables)
    assert docx_found.entities and doc_found.entities == docx_found.entities


def test_two_hundred_pages_in_under_two_seconds(converted: dict[str, Path]) -> None:
    started = time.perf_counter()
    result = _extract(converted["long.doc"], Limits())
    elapsed = time.perf_counter() - started
    assert elapsed < 2.0, f"{elapsed:.2f} s"
    assert len(result.tables) == PAGES and result.tables[-1].rows[-1][-1] == "Pupil 199-2-2"
    assert not result.truncated


def test_text_stops_at_the_limit(converted: dict[str, Path]) -> None:
    result = _extract(converted["long.doc"], Limits(max_text_chars=5_000))
    assert result.truncated and len(result.text) <= 5_000


def test_field_codes_keep_their_result_and_specials_are_cleaned() -> None:
    raw = ('See \x13 HYPERLINK "http://x" \x14our site\x15.\x0bNext\x1eline\x1f here\x01'
           '\x13 PAGE \x15\x0cEnd \x13 IF \x13 REF a \x14A\x15 = 1 \x14yes\x15')
    assert clean(raw) == "See our site.\nNext-line here\nEnd yes"


# Real files ------------------------------------------------------------------------------

def _legacy_docs() -> list[dict[str, object]]:
    truth = LEGACY / "legacy-truth.json"
    if not truth.is_file():
        pytest.skip("the shared zoo (../shared/zoo) is not present")
    return [record for record in json.loads(truth.read_text())["files"]
            if str(record["extension"]).lower() == "doc"]


def _is_word_document(path: Path) -> bool:
    with olefile.OleFileIO(str(path)) as ole:
        return bool(ole.exists("WordDocument"))  # one sample is a workbook named .doc


def test_text_from_95_percent_of_the_zoo() -> None:
    readable = [LEGACY / str(record["path"]) for record in _legacy_docs()
                if not record["encrypted"]]
    words = [path for path in readable if _is_word_document(path)]
    with_text = [path for path in words if _extract(path).text.strip()]
    share = len(with_text) / len(words)
    print(f"text from {len(with_text)} of {len(words)} .doc files ({share:.1%})")
    assert share >= 0.95


def test_encrypted_zoo_files_raise() -> None:
    encrypted = [LEGACY / str(record["path"]) for record in _legacy_docs()
                 if record["encrypted"]]
    assert encrypted
    for path in encrypted:
        with pytest.raises(EncryptedContent) as caught:
            _extract(path)
        assert caught.value.detail == ENCRYPTED


def _zoo_text(name: str) -> str:
    matches = [LEGACY / str(record["path"]) for record in _legacy_docs()
               if str(record["path"]).endswith("/" + name)]
    return _extract(matches[0]).text


def test_zoo_notes_headers_and_old_versions() -> None:
    assert {"Test text", "TestFootnote", "TestComment", "TestEndnote"} <= {
        line.strip() for line in _zoo_text("footnote.doc").splitlines()}
    assert "This is a simple header, with a € euro symbol in it." in _zoo_text(
        "HeaderFooterUnicode.doc")
    assert "Before text; Hyperlink text; after text" in _zoo_text("hyperlink.doc")
    assert _zoo_text("Word95.doc").strip()  # Word 6/95, not fast-saved
    assert "ВЫСШАЯ КОММЕРЧЕСКАЯ ШКОЛА" in _zoo_text("o_kurs.doc")  # fast-saved Word 97
    assert "la stratégie" in _zoo_text("TestInvertedClassID.doc")  # Word 95 for the Mac


# Hostile bytes ---------------------------------------------------------------------------

def _patched(path: Path, tmp_path: Path, stream: str, at: int, value: int) -> Path:
    """A copy of ``path`` with the 32-bit ``value`` written at ``at`` of ``stream``."""
    copy = tmp_path / f"patched-{stream}-{at}.doc"
    shutil.copy(path, copy)
    with olefile.OleFileIO(str(copy), write_mode=True) as ole:
        data = bytearray(ole.openstream(stream).read())
        struct.pack_into("<I", data, at, value)
        ole.write_stream(stream, bytes(data))
    return copy


def _piece_table_at(path: Path) -> tuple[str, int, int]:
    """(table stream, offset of the PlcPcd, number of pieces) of a Word 97 file."""
    with olefile.OleFileIO(str(path)) as ole:
        word = ole.openstream("WordDocument").read()
        table_name = "1Table" if struct.unpack_from("<H", word, 0x0A)[0] & 0x0200 else "0Table"
        table = ole.openstream(table_name).read()
    clx_at, _ = struct.unpack_from("<II", word, FIB_FC_CLX)
    while table[clx_at] == 1:
        clx_at += 3 + struct.unpack_from("<H", table, clx_at + 1)[0]
    size = struct.unpack_from("<I", table, clx_at + 1)[0]
    return table_name, clx_at + 5, (size - 4) // 12


def _fails_quickly(path: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(Exception):  # noqa: B017,PT011 - any ordinary exception is the contract
        _extract(path)
    assert time.perf_counter() - started < 2.0


def test_a_truncated_file_raises(converted: dict[str, Path], tmp_path: Path) -> None:
    data = converted["letter.doc"].read_bytes()
    cut = tmp_path / "cut.doc"
    cut.write_bytes(data[: len(data) // 2])
    _fails_quickly(cut)


def test_a_piece_pointing_past_the_end_raises(converted: dict[str, Path],
                                              tmp_path: Path) -> None:
    table, plc_at, pieces = _piece_table_at(converted["letter.doc"])
    first_fc = plc_at + 4 * (pieces + 1) + 2
    _fails_quickly(_patched(converted["letter.doc"], tmp_path, table, first_fc, 0x3FFFFFF0))


def test_a_piece_of_absurd_length_raises(converted: dict[str, Path], tmp_path: Path) -> None:
    source = _patched(converted["letter.doc"], tmp_path, "WordDocument", FIB_CCP_TEXT,
                      0x7FFFFFFF)
    table, plc_at, pieces = _piece_table_at(source)
    _fails_quickly(_patched(source, tmp_path, table, plc_at + 4 * pieces, 0x7FFFFFFF))


def test_a_huge_ccp_text_reads_only_what_the_pieces_hold(converted: dict[str, Path],
                                                         tmp_path: Path) -> None:
    huge = _patched(converted["letter.doc"], tmp_path, "WordDocument", FIB_CCP_TEXT,
                    0x7FFFFFFF)
    started = time.perf_counter()
    result = _extract(huge)
    assert time.perf_counter() - started < 2.0
    assert "Amelia Jones (NHS 999 000 0018)" in result.text and len(result.text) < 10_000


def test_an_absurd_piece_table_size_raises(converted: dict[str, Path], tmp_path: Path) -> None:
    _fails_quickly(_patched(converted["letter.doc"], tmp_path, "WordDocument",
                            FIB_FC_CLX + 4, 0xFFFFFFF0))


def test_mutated_files_return_or_raise_quickly(converted: dict[str, Path]) -> None:
    seed = converted["letter.doc"].read_bytes()
    with olefile.OleFileIO(io.BytesIO(seed)) as ole:  # mutate the streams the reader parses
        word_size = len(ole.openstream("WordDocument").read())
    chance = random.Random(21)
    started = time.perf_counter()
    for _ in range(300):
        data = bytearray(seed)
        for _ in range(chance.randint(1, 8)):
            data[chance.randrange(512, min(len(data), 512 + 4 * word_size))] = chance.randrange(256)
        try:
            extract_doc(io.BytesIO(bytes(data)), LIMITS)
        except Exception:  # noqa: BLE001,S112 - an ordinary exception is the contract
            continue
    assert time.perf_counter() - started < 20.0


# Hostile structure in a file built here ---------------------------------------------------

# A Compound File Binary ([MS-CFB] version 3) writer, just enough for olefile: every stream
# is padded to 4096 bytes so that none goes in the mini stream, and a stream given as a
# path (a tuple) shares the sectors of the stream at that path, as a hostile file's may.
_FREE_SECTOR, _END_OF_CHAIN, _FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_NO_ENTRY = 0xFFFFFFFF
_SECTOR = 512
_STORAGE, _STREAM, _ROOT = 1, 2, 5

OleTree = dict[str, "bytes | tuple[str, ...] | OleTree"]


def ole_file(tree: OleTree) -> bytes:
    """A CFB file holding ``tree``: a dict is a storage, bytes a stream, a tuple the path
    of another stream whose sectors this one shares."""
    names, kinds, children = ["Root Entry"], [_ROOT], [[]]
    spans: list[tuple[int, int]] = [(_END_OF_CHAIN, 0)]  # (first sector, size) per entry
    index_of: dict[tuple[str, ...], int] = {}
    aliases: list[tuple[int, tuple[str, ...]]] = []
    sectors: list[bytes] = []
    fat: list[int] = []

    def allocate(blob: bytes) -> int:
        first = len(sectors)
        for at in range(0, len(blob), _SECTOR):
            sectors.append(blob[at: at + _SECTOR].ljust(_SECTOR, b"\0"))
            fat.append(len(sectors))
        fat[-1] = _END_OF_CHAIN
        return first

    def add(parent: int, path: tuple[str, ...], node: bytes | tuple[str, ...] | OleTree) -> None:
        index = len(names)
        names.append(path[-1])
        children.append([])
        children[parent].append(index)
        index_of[path] = index
        kinds.append(_STORAGE if isinstance(node, dict) else _STREAM)
        spans.append((0, 0))
        if isinstance(node, dict):
            for name, child in node.items():
                add(index, (*path, name), child)
        elif isinstance(node, tuple):
            aliases.append((index, node))
        else:
            blob = node.ljust(4096, b"\0")
            spans[index] = (allocate(blob), len(blob))

    for name, node in tree.items():
        add(0, (name,), node)
    for index, target in aliases:
        spans[index] = spans[index_of[target]]
    right = {kid: after for kids in children for kid, after in zip(kids, kids[1:], strict=False)}
    directory = bytearray()
    for index, name in enumerate(names):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\0\0"
        entry[: len(encoded)] = encoded
        struct.pack_into("<HBBIII", entry, 64, len(encoded), kinds[index], 1, _NO_ENTRY,
                         right.get(index, _NO_ENTRY),
                         children[index][0] if children[index] else _NO_ENTRY)
        struct.pack_into("<II", entry, 116, *spans[index])
        directory += entry
    directory_first = allocate(bytes(directory))
    fat_sectors = 1
    while len(sectors) + fat_sectors > fat_sectors * (_SECTOR // 4):
        fat_sectors += 1
    fat_first = len(sectors)
    fat += [_FAT_SECTOR] * fat_sectors
    fat += [_FREE_SECTOR] * (fat_sectors * (_SECTOR // 4) - len(fat))
    header = bytearray(_SECTOR)
    header[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 44, fat_sectors, directory_first, 0, 4096,
                     _END_OF_CHAIN, 0, _END_OF_CHAIN, 0)
    difat = [fat_first + number for number in range(fat_sectors)]
    struct.pack_into("<109I", header, 76, *difat, *[_FREE_SECTOR] * (109 - len(difat)))
    return bytes(header) + b"".join(sectors) + struct.pack(f"<{len(fat)}I", *fat)


def _word_streams(text: bytes, pieces: int = 1, stories: int = 1) -> OleTree:
    """A Word 97 document's WordDocument and 1Table streams: ``text`` (cp1252) read by
    ``pieces`` pieces that each point at all of it (a real file's never overlap), the CPs
    shared evenly by the first ``stories`` stories."""
    fib = bytearray(32)
    struct.pack_into("<HH", fib, 0, 0xA5EC, 0xC1)
    struct.pack_into("<H", fib, 0x0A, 0x0200)  # fWhichTblStm: 1Table
    fib += struct.pack("<H", 14) + bytes(28)  # csw, FibRgW97
    ccps = [pieces * len(text) // stories] * stories + [0] * (8 - stories)
    fib += struct.pack("<H3I8I11I", 22, 0, 0, 0, *ccps, *[0] * 11)  # cslw, FibRgLw97
    fc_lcb = [0] * (2 * 93)
    text_at = len(fib) + 2 + 4 * len(fc_lcb)
    cps = struct.pack(f"<{pieces + 1}I", *(number * len(text) for number in range(pieces + 1)))
    pcd = struct.pack("<HIH", 0, (2 * text_at) | 0x40000000, 0)  # compressed: cp1252
    plc = cps + pcd * pieces
    fc_lcb[2 * 33: 2 * 33 + 2] = [0, 5 + len(plc)]  # fcClx, lcbClx
    fib += struct.pack(f"<H{len(fc_lcb)}I", 93, *fc_lcb)
    return {"WordDocument": bytes(fib) + text,
            "1Table": bytes([2]) + struct.pack("<I", len(plc)) + plc}


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The characters each WordText.read decodes, as the extractor reads."""
    counts: list[int] = []
    read = doc.WordText.read

    def counted(self: doc.WordText, start: int, end: int) -> str:
        text = read(self, start, end)
        counts.append(len(text))
        return text

    monkeypatch.setattr(doc.WordText, "read", counted)
    return counts


def test_the_built_document_is_read() -> None:
    data = ole_file(_word_streams(b"Amelia Jones (NHS 999 000 0018) is in Year 3.\r"))
    result = extract_doc(io.BytesIO(data), LIMITS)
    assert result.text == "Amelia Jones (NHS 999 000 0018) is in Year 3.\n"


def test_pieces_over_the_same_bytes_decode_no_more_than_the_stream(decoded: list[int]
                                                                   ) -> None:
    # 4,000 pieces each over the same 8,000 field-begin marks, in all eight stories: 32
    # million characters by the piece table, in a 60 KB file.
    streams = _word_streams(b"\x13" * 8000, pieces=4000, stories=8)
    started = time.perf_counter()
    result = extract_doc(io.BytesIO(ole_file(streams)), Limits())
    assert time.perf_counter() - started < 1.0
    assert result.text == "" and result.truncated
    word = streams["WordDocument"]
    assert isinstance(word, bytes) and sum(decoded) <= len(word)


def test_embedded_documents_sharing_sectors_are_read_once() -> None:
    tree = _word_streams(b"Amelia Jones (NHS 999 000 0018) is in Year 3.\r")
    pool: OleTree = {f"_{number}": {"WordDocument": ("WordDocument",), "1Table": ("1Table",)}
                     for number in range(3)}  # the file's own document, three times over
    pool["_3"] = _word_streams(b"Sam Patel carries an inhaler.\r")
    pool["_4"] = {"WordDocument": ("ObjectPool", "_3", "WordDocument"),
                  "1Table": ("ObjectPool", "_3", "1Table")}
    tree["ObjectPool"] = pool
    result = extract_doc(io.BytesIO(ole_file(tree)), LIMITS)
    assert result.text == ("Amelia Jones (NHS 999 000 0018) is in Year 3.\n"
                           "Sam Patel carries an inhaler.\n")


def test_one_decode_budget_for_the_file_and_its_embedded_documents(decoded: list[int]
                                                                    ) -> None:
    # Each document is one field instruction of 1,500 characters: nothing of it is kept,
    # so only the decode budget (twice max_text_chars) stops the reading.
    instruction = b"\x13" + b" PAGE" * 299 + b"\x15"
    tree = _word_streams(instruction)
    tree["ObjectPool"] = {f"_{number}": _word_streams(instruction) for number in range(10)}
    result = extract_doc(io.BytesIO(ole_file(tree)), Limits(max_text_chars=1_000))
    assert result.truncated and result.text == ""
    assert sum(decoded) == 2_000


def test_at_most_64_embedded_documents_are_read() -> None:
    tree = _word_streams(b"Staff list\r")
    tree["ObjectPool"] = {f"_{number:03d}": _word_streams(f"Embedded {number:03d}\r".encode())
                          for number in range(70)}
    lines = extract_doc(io.BytesIO(ole_file(tree)), LIMITS).text.splitlines()
    assert lines == ["Staff list", *(f"Embedded {number:03d}" for number in range(64))]
