"""Excel binary workbooks (.xlsb) are read with calamine after a check of each sheet's
size and cell span; real files from Apache POI's test data (../shared/zoo/legacy)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from dpscan.model.extraction import Limits, UnreadableContent
from dpscan.scanner.extract.xlsb import extract_xlsb
from dpscan.scanner.formats import MIME_XLSB, format_of

LEGACY = Path(__file__).resolve().parents[4] / "shared" / "zoo" / "legacy" / "files"
SPREADSHEETS = LEGACY / "apache-poi" / "test-data" / "spreadsheet"


def _record(kind: int, body: bytes) -> bytes:
    """One [MS-XLSB] record: type and size as 7-bit varints, then the body."""
    def varint(value: int) -> bytes:
        out = bytearray()
        while True:
            byte, value = value & 0x7F, value >> 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                return bytes(out)
    return varint(kind) + varint(len(body)) + body


def _package(sheet: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.bin", b"")
        package.writestr("xl/worksheets/sheet1.bin", sheet)
    return buffer.getvalue()


def test_the_format_table_reads_xlsb() -> None:
    row = format_of(MIME_XLSB)
    assert row is not None and row.extractor is not None and row.extractor.endswith("extract_xlsb")


def test_a_sheet_spanning_the_whole_grid_is_refused_before_calamine() -> None:
    # Two cells, A1 and XFD1048576: calamine would allocate 17 billion cells.
    sheet = (_record(0x00, (0).to_bytes(4, "little") + bytes(4))
             + _record(0x01, (0).to_bytes(4, "little") + bytes(4))
             + _record(0x00, (1_048_575).to_bytes(4, "little") + bytes(4))
             + _record(0x01, (16_383).to_bytes(4, "little") + bytes(4)))
    with pytest.raises(UnreadableContent, match="span"):
        extract_xlsb(io.BytesIO(_package(sheet)), Limits())


def test_a_record_running_past_its_part_is_an_error() -> None:
    with pytest.raises(UnreadableContent, match="cut short"):
        extract_xlsb(io.BytesIO(_package(_record(0x01, bytes(8))[:-3])), Limits())


@pytest.mark.skipif(not SPREADSHEETS.is_dir(), reason="../shared/zoo/legacy not present")
def test_real_binary_workbooks_give_their_cells() -> None:
    with open(SPREADSHEETS / "51519.xlsb", "rb") as handle:
        found = extract_xlsb(handle, Limits())
    assert found.text.startswith("RecordSpec\tName\tCompanyName\tComment\n1\t豊田")
    assert found.tables and found.tables[0].rows[0] == ["RecordSpec", "Name", "CompanyName",
                                                        "Comment"]
    with open(SPREADSHEETS / "date.xlsb", "rb") as handle:
        assert extract_xlsb(handle, Limits()).text.strip() == "12/01/2013"


def test_a_sheet_under_another_name_is_checked_too() -> None:
    # calamine loads the parts the workbook's relationships name, whatever they are called.
    spanning = (_record(0x00, (0).to_bytes(4, "little") + bytes(4))
                + _record(0x01, (0).to_bytes(4, "little") + bytes(4))
                + _record(0x00, (1_048_575).to_bytes(4, "little") + bytes(4))
                + _record(0x01, (16_383).to_bytes(4, "little") + bytes(4)))
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/Data1.BIN"/>'
            '</Relationships>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.bin", b"")
        package.writestr("xl/_rels/workbook.bin.rels", rels)
        package.writestr("xl/worksheets/Data1.BIN", spanning)
    with pytest.raises(UnreadableContent, match="span"):
        extract_xlsb(io.BytesIO(buffer.getvalue()), Limits())
