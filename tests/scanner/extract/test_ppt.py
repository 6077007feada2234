"""The PowerPoint 97-2003 reader: decks LibreOffice saves as .ppt, the zoo's real files,
and hostile bytes.

LibreOffice (Debian's libreoffice-impress) writes the .ppt files from decks python-pptx
writes; those tests skip where it is absent.  The zoo tests read ../shared/zoo/legacy
(Apache POI's test files) and skip where it is absent.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import time
from pathlib import Path

import olefile
import pytest
from pptx import Presentation
from pptx.util import Inches

from dpscan.model.extraction import EncryptedContent, Limits, UnreadableContent
from dpscan.scanner.extract.ppt import extract_ppt
from tests.scanner.extract.test_doc import ole_file

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CONVERT_SECONDS = 600
LEGACY = Path(__file__).resolve().parents[4] / "shared" / "zoo" / "legacy"
LIMITS = Limits()
# The zoo decks with no text on their slides or notes, as LibreOffice also finds
# (bench/legacy_ppt_pub.py): pictures, sounds, an empty table, text only on the master,
# and date fields only (datetime.ppt, which LibreOffice fills with today's date).
NO_TEXT = {"41384.ppt", "54541_cropped_bitmap2.ppt", "WithMacros.ppt", "bug55732.ppt",
           "bug62591.ppt", "datetime.ppt", "master_text.ppt", "pictures.ppt", "sound.ppt",
           "table_test.ppt"}
HOSTILE_SECONDS = 2.0

needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
needs_zoo = pytest.mark.skipif(not LEGACY.exists(), reason="../shared/zoo not present")


def build_planted_deck(path: Path) -> Path:
    """A two-slide deck with names, NHS numbers, a text box, a table and a notes page."""
    deck = Presentation()
    first = deck.slides.add_slide(deck.slide_layouts[1])
    first.shapes.title.text = "Year 6 residential trip"
    first.placeholders[1].text = "Amelia Jones NHS 943 476 5919\nOliver Smith allergy: peanuts"
    first.notes_slide.notes_text_frame.text = "Ask Mrs Patel about the safeguarding referral"
    second = deck.slides.add_slide(deck.slide_layouts[5])
    second.shapes.title.text = "Class list"
    box = second.shapes.add_textbox(Inches(1), Inches(1.5), Inches(6), Inches(1))
    box.text_frame.text = "Medical: Harry Brown 401 023 2137 has epilepsy"
    table = second.shapes.add_table(2, 2, Inches(1), Inches(3), Inches(6), Inches(1)).table
    for row, cells in enumerate([("Name", "NHS number"), ("Isla Wilson", "450 557 7104")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    deck.save(str(path))
    return path


def build_long_deck(path: Path, slides: int) -> Path:
    """A deck of ``slides`` slides of bullet text, for timing."""
    deck = Presentation()
    for number in range(1, slides + 1):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = f"Slide {number}"
        slide.placeholders[1].text = "\n".join(
            f"Pupil {number}-{line} made good progress in reading and writing"
            for line in range(8))
    deck.save(str(path))
    return path


def soffice_convert(sources: list[Path], target: str, out_dir: Path) -> list[Path]:
    """Save ``sources`` as ``target`` (e.g. "ppt", "odp") with LibreOffice in one batch,
    under a throwaway profile; the converted files that exist."""
    assert SOFFICE is not None
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = out_dir / "profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(out_dir), *map(str, sources)],
        capture_output=True, timeout=CONVERT_SECONDS, check=False)
    converted = [out_dir / f"{source.stem}.{target}" for source in sources]
    return [path for path in converted if path.is_file()]


def _read(path: Path) -> str:
    with path.open("rb") as handle:
        return extract_ppt(handle, LIMITS).text


@pytest.fixture(scope="module")
def planted_ppt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("ppt")
    (converted,) = soffice_convert([build_planted_deck(folder / "planted.pptx")], "ppt", folder)
    return converted


@needs_soffice
def test_slides_text_boxes_tables_and_notes_come_in_slide_order(planted_ppt: Path) -> None:
    lines = _read(planted_ppt).splitlines()
    expected = ["Year 6 residential trip", "Amelia Jones NHS 943 476 5919",
                "Oliver Smith allergy: peanuts", "Ask Mrs Patel about the safeguarding referral",
                "Class list", "Medical: Harry Brown 401 023 2137 has epilepsy", "Name",
                "NHS number", "Isla Wilson", "450 557 7104"]
    assert lines == expected


@needs_soffice
def test_text_stops_at_max_text_chars(planted_ppt: Path) -> None:
    with planted_ppt.open("rb") as handle:
        result = extract_ppt(handle, Limits(max_text_chars=40))
    assert result.truncated and result.text == "Year 6 residential trip\nAmelia Jones NHS"


@needs_soffice
def test_a_200_slide_deck_is_read_fast(tmp_path: Path) -> None:
    (converted,) = soffice_convert([build_long_deck(tmp_path / "long.pptx", 200)], "ppt",
                                   tmp_path)
    start = time.perf_counter()
    text = _read(converted)
    assert time.perf_counter() - start < 2
    assert "Slide 200" in text and "Pupil 200-7 made good progress" in text


def _zoo(extension: str) -> list[dict]:
    return [record for record in json.loads((LEGACY / "legacy-truth.json").read_text())["files"]
            if record["extension"] == extension]


@needs_zoo
def test_text_from_95_percent_of_the_zoo_decks() -> None:
    readable = [r for r in _zoo("ppt") if r["encrypted"] is False]
    with_text = [r for r in readable if _read(LEGACY / r["path"]).strip()]
    share = len(with_text) / len(readable)
    print(f"zoo .ppt with text: {len(with_text)}/{len(readable)} = {share:.3f}")
    assert {Path(r["path"]).name for r in readable} - {Path(r["path"]).name
                                                         for r in with_text} <= NO_TEXT
    assert len(with_text) / (len(readable) - len(NO_TEXT)) >= 0.95


@needs_zoo
def test_encrypted_zoo_decks_raise_encrypted_content() -> None:
    encrypted = [r for r in _zoo("ppt") if r["encrypted"]]
    assert encrypted
    for record in encrypted:
        path = LEGACY / record["path"]
        with pytest.raises(EncryptedContent) as raised, path.open("rb") as handle:
            extract_ppt(handle, LIMITS)
        assert raised.value.detail == "ppt97_encrypted"


@needs_zoo
def test_a_powerpoint_4_file_is_named_unreadable() -> None:
    with pytest.raises(UnreadableContent), (LEGACY / "files/apache-poi/test-data/slideshow/"
                                            "pp40only.ppt").open("rb") as handle:
        extract_ppt(handle, LIMITS)


# Hostile bytes: an OLE file around a hand-made "PowerPoint Document" stream.

def _record(kind: int, body: bytes, container: bool = False, length: int | None = None) -> bytes:
    version = 0xF if container else 0
    return struct.pack("<HHI", version, kind, len(body) if length is None else length) + body


def _ole_with(stream: bytes, tmp_path: Path) -> bytes:
    """A LibreOffice .ppt with its PowerPoint Document replaced by ``stream``: its Current
    User points into the old stream, so the reader falls back to the file's order."""
    template = tmp_path / "template.ppt"
    if not template.exists():
        if SOFFICE is None:
            pytest.skip("LibreOffice (soffice) is not installed")
        (converted,) = soffice_convert([build_planted_deck(tmp_path / "t.pptx")], "ppt", tmp_path)
        converted.rename(template)
    # olefile writes streams of the same size only: pad or cut the stream to fit.
    ole = olefile.OleFileIO(str(template), write_mode=True)
    size = ole.get_size("PowerPoint Document")
    assert len(stream) <= size
    padding = _record(0x0FFF, b"\0" * (size - len(stream) - 8))
    ole.write_stream("PowerPoint Document", stream + padding)
    ole.close()
    return template.read_bytes()


def _raises_quickly(data: bytes) -> None:
    start = time.perf_counter()
    with pytest.raises(Exception):  # noqa: B017, PT011 - any Exception, recorded on the file
        extract_ppt(io.BytesIO(data), LIMITS)
    assert time.perf_counter() - start < HOSTILE_SECONDS


def test_a_truncated_file_raises() -> None:
    _raises_quickly(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)


@needs_soffice
def test_a_truncated_ppt_raises_or_reads_what_is_there(planted_ppt: Path) -> None:
    data = planted_ppt.read_bytes()
    for cut in (len(data) // 2, len(data) - 513, 4096):
        start = time.perf_counter()
        try:
            extract_ppt(io.BytesIO(data[:cut]), LIMITS)
        except Exception:  # noqa: BLE001, S110 - an Exception is the right outcome too
            pass
        assert time.perf_counter() - start < HOSTILE_SECONDS


def test_record_parsing_rejects_a_length_past_the_end() -> None:
    from dpscan.scanner.extract.ppt import records
    data = _record(0x03EE, b"", container=True, length=0x7FFFFFFF)
    start = time.perf_counter()
    with pytest.raises(ValueError, match="runs past"):
        list(records(data, 0, len(data)))
    assert time.perf_counter() - start < HOSTILE_SECONDS


def test_deep_nesting_raises() -> None:
    from dpscan.scanner.extract.ppt import record_at, tree_texts
    data = _record(0x0FA0, "deep".encode("utf-16-le"))
    for _ in range(10_000):
        data = _record(0x03EE, data, container=True)
    with pytest.raises(ValueError, match="nest too deep"):
        list(tree_texts(data, record_at(data, 0)))


@needs_soffice
def test_hostile_streams_in_a_real_ole_file_raise_quickly(tmp_path: Path) -> None:
    chars = _record(0x0FA0, "Amelia Jones".encode("utf-16-le"))
    nested = chars
    for _ in range(2_000):
        nested = _record(0x03EE, nested, container=True)
    past_the_end = _record(0x03EE, chars, container=True, length=0x7FFFFFF0)
    for stream in (nested, past_the_end):
        _raises_quickly(_ole_with(stream, tmp_path))
    readable = _ole_with(_record(0x03EE, chars, container=True), tmp_path)
    assert extract_ppt(io.BytesIO(readable), LIMITS).text == "Amelia Jones\n"


# Hostile persist structures in a file built here: offsets that name one record many times.

TEXT_CHARS, SLIDE, DOCUMENT, SLIDE_LIST, SLIDE_PERSIST = 0x0FA0, 0x03EE, 0x03E8, 0x0FF0, 0x03F3
USER_EDIT, PERSIST_DIRECTORY = 0x0FF5, 0x1772
AMELIA = _record(TEXT_CHARS, "Amelia Jones".encode("utf-16-le"))


def _ppt_file(stream: bytes, edit_offset: int) -> bytes:
    """An OLE file of ``stream`` as its PowerPoint Document (a filler record after it, so
    the writer's padding is a record too) and a Current User naming ``edit_offset``."""
    current_user = (struct.pack("<HHI", 0, 0x0FF6, 20)
                    + struct.pack("<III", 20, 0xE391C05F, edit_offset))
    filler = _record(0x0FFF, bytes(max(0, 4096 - len(stream) - 8)))
    return ole_file({"PowerPoint Document": stream + filler, "Current User": current_user})


def _document(persist_ids: list[int]) -> bytes:
    """A Document whose slide list names ``persist_ids`` in order."""
    entries = b"".join(_record(SLIDE_PERSIST, struct.pack("<5I", persist_id, 0, 0, 256, 0))
                       for persist_id in persist_ids)
    return _record(DOCUMENT, _record(SLIDE_LIST, entries, container=True), container=True)


def _directory(offsets: list[int]) -> bytes:
    """A PersistDirectoryAtom giving persist ids 1, 2, ... the ``offsets``."""
    body = b""
    for first in range(0, len(offsets), 4095):  # 12 bits of count an entry
        chunk = offsets[first: first + 4095]
        body += struct.pack(f"<I{len(chunk)}I", (first + 1) | (len(chunk) << 20), *chunk)
    return _record(PERSIST_DIRECTORY, body)


def _edit(last_edit: int, directory: int, document_id: int) -> bytes:
    """A UserEditAtom: the edit before, the persist directory, the Document's persist id."""
    return _record(USER_EDIT, struct.pack("<IHBBIIII", 0, 0, 0, 3, last_edit, directory,
                                          document_id, 0) + bytes(8))


def _read_timed(data: bytes) -> tuple[str, float]:
    started = time.perf_counter()
    text = extract_ppt(io.BytesIO(data), LIMITS).text
    return text, time.perf_counter() - started


def test_slide_list_entries_naming_one_slide_walk_it_once() -> None:
    # 400 list entries name one slide of 10,000 empty text atoms: 4 million records to
    # walk (13 s) if each entry walked it, in a 100 KB file.
    slide = _record(SLIDE, AMELIA + _record(TEXT_CHARS, b"") * 10_000, container=True)
    document = _document([1] * 400)
    directory = _directory([0, len(slide)])
    directory_at = len(slide) + len(document)
    stream = slide + document + directory + _edit(0, directory_at, 2)
    text, seconds = _read_timed(_ppt_file(stream, directory_at + len(directory)))
    assert text == "Amelia Jones\n"
    assert seconds < 1.0


def test_edits_naming_one_persist_directory_read_it_once() -> None:
    # 1,300 edits name one directory of 12,500 entries: 16 million entries to read (3 s)
    # if each edit read it, in a 100 KB file.
    slide = _record(SLIDE, AMELIA, container=True)
    document = _document([2])
    directory = _directory([len(slide), 0] + [0] * 12_498)
    directory_at = len(slide) + len(document)
    stream = bytearray(slide + document + directory)
    last_edit = 0
    for _ in range(1_300):
        edit_at = len(stream)
        stream += _edit(last_edit, directory_at, 1)
        last_edit = edit_at
    text, seconds = _read_timed(_ppt_file(bytes(stream), last_edit))
    assert text == "Amelia Jones\n"
    assert seconds < 1.0


def test_slides_nested_in_each_other_are_read_in_file_order() -> None:
    # Sixty persist ids name sixty slides each inside the one before: walking every one
    # would read the innermost text sixty times.  Past the walk budget the stream is read
    # in file order, each text once.
    nested = AMELIA
    for _ in range(60):
        nested = _record(SLIDE, nested, container=True)
    offsets = [8 * level for level in range(60)]  # each slide's header in the one before
    document = _document(list(range(2, 62)))
    directory = _directory([len(nested), *offsets])
    directory_at = len(nested) + len(document)
    stream = nested + document + directory + _edit(0, directory_at, 1)
    text, _seconds = _read_timed(_ppt_file(stream, directory_at + len(directory)))
    assert text == "Amelia Jones\n"


def test_persist_directories_nested_in_each_other_cost_linear_time() -> None:
    # 4,000 directories, each starting inside the one before and running to the same end
    # (each reads the next one's header as two offsets): 96 MB of entries to read if each
    # were read whole, in a 200 KB file.  The stream then falls back to file order.
    slide = _record(SLIDE, AMELIA, container=True)
    document = _document([2])
    base = len(slide) + len(document)
    levels = 4_000
    end = base + 12 * levels + 12
    chain = bytearray()
    for level in range(levels):
        at = base + 12 * level
        chain += struct.pack("<HHI", 0, PERSIST_DIRECTORY, end - at - 8)  # header
        chain += struct.pack("<I", 1 | (2 << 20))  # an entry of two offsets: the next header
    chain += struct.pack("<III", 1 | (2 << 20), 0, 0)
    stream = bytearray(slide + document + chain)
    last_edit = 0
    for level in range(levels):
        edit_at = len(stream)
        stream += _edit(last_edit, base + 12 * level, 1)
        last_edit = edit_at
    text, seconds = _read_timed(_ppt_file(bytes(stream), last_edit))
    assert text == "Amelia Jones\n"
    assert seconds < 1.0
