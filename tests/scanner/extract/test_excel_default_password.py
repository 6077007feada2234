"""A macro-enabled workbook (.xlsm) encrypted with Excel's default password
("VelvetSweatshop": what Excel writes for a workbook only write-protected) is read like
any other workbook.  Such workbooks often hold a DDE link, which Excel writes without a
relationships part; openpyxl failed on it with a KeyError, and the file was an error."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from dpscan.detectors.content import ContentDetector
from dpscan.model.config import ScanConfig
from dpscan.model.records import FileResult
from dpscan.scanner.pipeline import scan_file
from dpscan.scanner.protection import EXCEL_DEFAULT_PASSWORD
from dpscan.scanner.walk import FileEntry, walk_root

_MACRO_WORKBOOK = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_PLAIN_WORKBOOK = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_EXTERNAL_LINK = b"application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"
_LINK_RELATIONSHIP = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DDE_LINK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<ddeLink ddeService="Excel" ddeTopic="[Returns.xlsx]Census"><ddeItems>'
             b'<ddeItem name="R1C1" advise="1"/></ddeItems></ddeLink></externalLink>')


def _xlsm_with_dde_link() -> bytes:
    """An openpyxl workbook saved as macro-enabled, with a DDE link as Excel writes it
    (an externalLink part and no relationships part for it) and a #N/A cell (the link's
    value before it is updated)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "DOB", "NHS number", "Census"])
    sheet.append(["Amelia Jones", "02/03/2014", "943 476 5919", "#N/A"])
    plain = io.BytesIO()
    workbook.save(plain)
    package = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(package, "w",
                                                             zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(_PLAIN_WORKBOOK, _MACRO_WORKBOOK).replace(
                    b"</Types>", b'<Override PartName="/xl/externalLinks/externalLink1.xml" '
                                 b'ContentType="' + _EXTERNAL_LINK + b'"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdDde" Type="' + _LINK_RELATIONSHIP
                    + b'/externalLink" Target="externalLinks/externalLink1.xml"/>'
                    b"</Relationships>"))
            elif info.filename == "xl/workbook.xml":
                data = data.replace(b"</sheets>", (
                    b'</sheets><externalReferences><externalReference xmlns:r="'
                    + _LINK_RELATIONSHIP + b'" r:id="rIdDde"/></externalReferences>'))
            target.writestr(info, data)
        target.writestr("xl/externalLinks/externalLink1.xml", _DDE_LINK)
    return package.getvalue()


@pytest.fixture(scope="module")
def detector() -> ContentDetector:
    """One detector for the module: building it loads spaCy."""
    return ContentDetector()


def _scan(path: Path, detector: ContentDetector) -> FileResult:
    (entry,) = [e for e in walk_root(str(path)) if isinstance(e, FileEntry)]
    (record,) = scan_file(entry, ScanConfig(workers=1), detector)
    return record


def test_an_xlsm_with_excels_default_password_is_read(tmp_path: Path,
                                                      detector: ContentDetector) -> None:
    path = tmp_path / "Census return.xlsm"
    with path.open("wb") as encrypted:
        OOXMLFile(io.BytesIO(_xlsm_with_dde_link())).encrypt(EXCEL_DEFAULT_PASSWORD, encrypted)
    record = _scan(path, detector)
    assert (record.status, record.error, record.protection, record.protection_detail) == (
        "scanned", None, "none", "ooxml_agile_default_password")
    assert record.extractor == "xlsx"
    assert {"PERSON", "UK_NHS", "DATE_OF_BIRTH"} <= record.entities.keys()


def test_the_same_xlsm_unencrypted_is_read(tmp_path: Path, detector: ContentDetector) -> None:
    path = tmp_path / "Census return.xlsm"
    path.write_bytes(_xlsm_with_dde_link())
    record = _scan(path, detector)
    assert (record.status, record.error) == ("scanned", None)
    assert "UK_NHS" in record.entities
