"""The Publisher reader: the zoo's real publications (Apache POI's test files, with POI's
own expected text for three) and hostile Quill streams.

LibreOffice cannot write Publisher files, so the real files are the test; they are read
from ../shared/zoo/legacy and the tests skip where it is absent.
"""

from __future__ import annotations

import io
import json
import re
import struct
import time
from pathlib import Path

import olefile
import pytest

from dpscan.model.extraction import Limits, UnreadableContent
from dpscan.scanner.extract.pub import QUILL_SIGNATURE, QUILL_STREAM, extract_pub, stories

LEGACY = Path(__file__).resolve().parents[4] / "shared" / "zoo" / "legacy"
PUBLISHER = LEGACY / "files" / "apache-poi" / "test-data" / "publisher"
LIMITS = Limits()
HOSTILE_SECONDS = 2.0
# Where POI's expected text differs from the file: Sample4.pub's second page reads
# "page12" in LibreOffice as in dpscan; POI's Sample4.txt says "page".
POI_DIFFERENCES = {"Sample4.pub": {"page12": "page"}}

needs_zoo = pytest.mark.skipif(not LEGACY.exists(), reason="../shared/zoo not present")


def _read(path: Path, limits: Limits = LIMITS) -> str:
    with path.open("rb") as handle:
        return extract_pub(handle, limits).text


def _publications() -> list[dict]:
    if not LEGACY.exists():
        return []
    return [record for record in json.loads((LEGACY / "legacy-truth.json").read_text())["files"]
            if record["extension"] == "pub"]


@needs_zoo
def test_every_zoo_publication_gives_text() -> None:
    publications = _publications()
    assert len(publications) >= 16
    for record in publications:
        assert _read(LEGACY / record["path"]).strip(), record["path"]


@needs_zoo
@pytest.mark.parametrize("record", [r for r in _publications() if r["expected_text"]],
                         ids=lambda record: Path(record["path"]).name)
def test_the_words_are_apache_pois_expected_text(record: dict) -> None:
    # POI lays a table row out on one line, dpscan one cell a line: compare the words.
    # The "#" Publisher keeps before a hyperlink's text POI drops (LibreOffice shows it).
    expected = (LEGACY / record["expected_text"]).read_text(encoding="utf-8")
    differences = POI_DIFFERENCES.get(Path(record["path"]).name, {})
    words = [word.removeprefix("#") for word in re.findall(r"\S+", _read(LEGACY / record["path"]))]
    assert [differences.get(word, word) for word in words] == re.findall(r"\S+", expected)


@needs_zoo
def test_publisher_98_and_2010_files_are_read() -> None:
    text_98 = _read(PUBLISHER / "Sample98.pub")
    text_2010 = _read(PUBLISHER / "Sample2_2010.pub")
    assert "This is some text on the first page" in text_98.splitlines()
    assert "This is some text on the first page" in text_2010.splitlines()


@needs_zoo
def test_a_newsletter_gives_contact_details_paragraph_by_paragraph() -> None:
    lines = _read(PUBLISHER / "SampleBrochure.pub").splitlines()
    assert "Email: l.baker@contoso.com" in lines
    assert all("\r" not in line and "\x0b" not in line for line in lines)


@needs_zoo
def test_text_stops_at_max_text_chars() -> None:
    with (PUBLISHER / "SampleNewsletter.pub").open("rb") as handle:
        result = extract_pub(handle, Limits(max_text_chars=100))
    assert result.truncated and len(result.text) == 100


def _quill(chunks: list[tuple[bytes, bytes]], next_list: int = 0xFFFFFFFF) -> bytes:
    """A Quill stream: the header, one chunk list at 0x18, then the chunks' bodies."""
    references = b""
    bodies = b""
    start = 0x18 + 8 + 24 * len(chunks)
    for name, body in chunks:
        references += struct.pack("<H4sHI4sII", 0x18, name, 0, 1, name, start + len(bodies),
                                  len(body))
        bodies += body
    header = QUILL_SIGNATURE + b"\0" * (0x18 - len(QUILL_SIGNATURE))
    return header + struct.pack("<HHI", 0, len(chunks), next_list) + references + bodies


def test_stories_split_by_their_strs_lengths() -> None:
    text = "Dear Mrs Jones\r\x0bTrip\r".encode("utf-16-le") + "Second story\r".encode(
        "utf-16-le")
    strs = struct.pack("<II", 2, 4) + struct.pack("<II", 21, 13)
    assert list(stories(_quill([(b"STRS", strs), (b"TEXT", text)]))) == [
        "Dear Mrs Jones\n\nTrip\n", "Second story\n", ""]


@pytest.mark.parametrize("stream", [
    pytest.param(b"CHNKINK " + b"\0" * 8, id="truncated"),
    pytest.param(_quill([(b"TEXT", b"a\0")])[:-10], id="chunk past the end"),
    pytest.param(_quill([(b"TEXT", b"a\0")], next_list=0x7FFFFFF0), id="list past the end"),
    pytest.param(b"NOTQUILL" + b"\0" * 64, id="no signature"),
])
def test_hostile_quill_streams_raise_quickly(stream: bytes) -> None:
    start = time.perf_counter()
    with pytest.raises(ValueError):  # noqa: PT011 - any ValueError, recorded on the file
        list(stories(stream))
    assert time.perf_counter() - start < HOSTILE_SECONDS


def test_a_chunk_list_pointing_at_itself_ends() -> None:
    # The list at 0x18 names itself as the next: read once, not forever.
    assert list(stories(_quill([(b"TEXT", "Hi\r".encode("utf-16-le"))], next_list=0x18))) == [
        "Hi\n"]


@needs_zoo
def test_a_publication_without_a_quill_stream_is_named_unreadable(tmp_path: Path) -> None:
    # An OLE file of another kind stands in for Publisher 97 (no Quill stream).
    ppt = LEGACY / "files" / "apache-poi" / "test-data" / "slideshow" / "with_textbox.ppt"
    with pytest.raises(UnreadableContent, match="Publisher 97"), ppt.open("rb") as handle:
        extract_pub(handle, LIMITS)


@needs_zoo
def test_a_damaged_quill_stream_in_a_real_file_raises_quickly(tmp_path: Path) -> None:
    copy = tmp_path / "damaged.pub"
    copy.write_bytes((PUBLISHER / "Simple.pub").read_bytes())
    with olefile.OleFileIO(str(copy), write_mode=True) as ole:
        size = ole.get_size(QUILL_STREAM)
        hostile = _quill([(b"TEXT", b"a\0")], next_list=0x7FFFFFF0)
        ole.write_stream(QUILL_STREAM, hostile + b"\0" * (size - len(hostile)))
    start = time.perf_counter()
    with pytest.raises(ValueError):  # noqa: PT011
        extract_pub(io.BytesIO(copy.read_bytes()), LIMITS)
    assert time.perf_counter() - start < HOSTILE_SECONDS
