"""PPTX, OpenDocument, RTF, HTML and XLS extraction, and what happens to DOC and PPT.

Files are built here: python-pptx writes presentations, ODF packages are zipped by hand
(``mimetype`` first and stored), RTF and HTML are written as text.  Nothing maintained
writes XLS any more, so XLS is tested on real files from ``../shared/zoo`` (skipped when
absent), as are the encrypted files that ``dpscan.scanner.protection`` must stop before
extraction.  Each format has a positive, an empty, a corrupt and, where it has one, a
protected case; a few cases run through ``scanner.pipeline.scan_file``.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pptx
import pytest
import xlrd
from lxml import etree
from pptx.slide import Slide
from pptx.util import Inches
from striprtf.striprtf import rtf_to_text

from dpscan.detectors.content import ContentDetector
from dpscan.model.config import ScanConfig
from dpscan.model.extraction import EncryptedContent, ExtractedText, Limits
from dpscan.model.ids import Flag, Protection, Status
from dpscan.model.records import FileResult
from dpscan.scanner.extract import extractor_for
from dpscan.scanner.extract.html import extract_html
from dpscan.scanner.extract.odf import MAX_COLUMNS, extract_odf
from dpscan.scanner.extract.pptx import extract_pptx
from dpscan.scanner.extract.rtf import extract_rtf
from dpscan.scanner.extract.xls import cell_text, extract_xls, sheet_rows
from dpscan.scanner.pipeline import scan_file
from dpscan.scanner.protection import check_protection
from dpscan.scanner.sniff import MIME_PPTX, sniff_handle
from dpscan.scanner.walk import FileEntry, walk_root

LIMITS = Limits(max_text_chars=100_000)
ZOO = Path(__file__).resolve().parents[4] / "shared" / "zoo"
NHS = "999 000 0018"  # valid checksum, test range
CLASS_LIST = [["Name", "UPN", "DOB"], ["Amelia Jones", "A123456789012", "02/03/2015"],
              ["Sam Patel", "B987654321098", "14/11/2014"]]


def zoo(relative: str) -> Path:
    """A file of the shared zoo, or skip the test when the zoo (or the file) is absent."""
    path = ZOO / "files" / relative
    if not path.is_file():
        pytest.skip(f"zoo file not present: {relative}")
    return path


def lines(result: ExtractedText) -> list[str]:
    return result.text.splitlines()


def truncated(data: bytes) -> bytes:
    """The first half of a file, as a copy interrupted mid-way leaves it."""
    return data[: len(data) // 2]


def mime_of(path: Path) -> str:
    with path.open("rb") as handle:
        return sniff_handle(handle, path.name, path.stat().st_size).mime


def protection_of(path: Path) -> tuple[str, str | None]:
    with path.open("rb") as handle:
        verdict = check_protection(mime_of(path), handle)
    return verdict.protection, verdict.detail


# --------------------------------------------------------------------------- registry


@pytest.mark.parametrize(
    ("mime", "name"),
    [
        (MIME_PPTX, "pptx"),
        ("application/vnd.ms-powerpoint.presentation.macroenabled.12", "pptx"),
        ("application/vnd.openxmlformats-officedocument.presentationml.slideshow", "pptx"),
        ("application/vnd.oasis.opendocument.text", "odf"),
        ("application/vnd.oasis.opendocument.text-template", "odf"),
        ("application/vnd.oasis.opendocument.spreadsheet", "odf"),
        ("application/vnd.oasis.opendocument.presentation", "odf"),
        ("application/vnd.oasis.opendocument.graphics", "odf"),
        ("text/rtf", "rtf"),  # an exact row beats the "text" prefix row
        ("application/rtf", "rtf"),
        ("text/html", "html"),
        ("application/vnd.ms-excel", "xls"),
        ("application/msword", "doc"),  # Office 97-2003 and Publisher: dpscan's own readers
        ("application/vnd.ms-powerpoint", "ppt"),
        ("application/x-mspublisher", "pub"),
        ("application/vnd.ms-excel.sheet.binary.macroenabled.12", "xlsb"),
        ("text/xml", "text"),  # XML and JSON stay with the text extractor
        ("application/json", "text"),
    ],
)
def test_extractor_rows(mime: str, name: str) -> None:
    extractor = extractor_for(mime)
    assert extractor is not None and extractor.name == name


# --------------------------------------------------------------------------- PPTX


def _pptx(build: Callable[[Slide], None] | None = None, slides: int = 1) -> bytes:
    presentation = pptx.Presentation()
    for _ in range(slides):
        slide = presentation.slides.add_slide(presentation.slide_layouts[5])  # title only
        if build is not None:
            build(slide)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


def _class_slide(slide: Slide) -> None:
    slide.shapes.title.text = "Year 4 medical list"
    group = slide.shapes.add_group_shape()
    box = group.shapes.add_textbox(Inches(1), Inches(1), Inches(3), Inches(1))
    box.text_frame.text = f"Asthma: Amelia Jones, NHS {NHS}"
    box.text_frame.add_paragraph().text = "Inhaler in the office"
    table = slide.shapes.add_table(3, 3, Inches(1), Inches(3), Inches(6), Inches(2)).table
    for r, row in enumerate(CLASS_LIST):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    slide.notes_slide.notes_text_frame.text = "Remind staff: safeguarding referral for S.P."


def test_pptx_reads_slide_text_groups_tables_and_notes() -> None:
    result = extract_pptx(io.BytesIO(_pptx(_class_slide)), LIMITS)
    assert lines(result) == [
        "Year 4 medical list",
        f"Asthma: Amelia Jones, NHS {NHS}",
        "Inhaler in the office",
        "Name\tUPN\tDOB",
        "Amelia Jones\tA123456789012\t02/03/2015",
        "Sam Patel\tB987654321098\t14/11/2014",
        "Remind staff: safeguarding referral for S.P.",
    ]
    (table,) = result.tables
    assert table.name == "slide 1 table 1" and table.rows == CLASS_LIST
    assert result.text[table.start:table.end].splitlines()[0] == "Name\tUPN\tDOB"


def test_pptx_slide_show_is_read_too() -> None:
    # A .ppsx is a .pptx with another main content type; pptx.Presentation() refuses it.
    source = zipfile.ZipFile(io.BytesIO(_pptx(_class_slide)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"presentationml.presentation.main+xml",
                                    b"presentationml.slideshow.main+xml")
                assert b"slideshow.main+xml" in data
            target.writestr(item, data)
    result = extract_pptx(io.BytesIO(out.getvalue()), LIMITS)
    assert "Remind staff: safeguarding referral for S.P." in lines(result)


def test_pptx_text_limit_stops_reading() -> None:
    result = extract_pptx(io.BytesIO(_pptx(_class_slide, slides=20)), Limits(max_text_chars=300))
    assert result.truncated and len(result.text) == 300


def test_pptx_empty_presentation() -> None:
    result = extract_pptx(io.BytesIO(_pptx(slides=0)), LIMITS)
    assert result.text == "" and result.tables == [] and not result.truncated


def test_pptx_corrupt_raises() -> None:
    with pytest.raises(zipfile.BadZipFile):
        extract_pptx(io.BytesIO(truncated(_pptx(_class_slide))), LIMITS)


def test_pptx_zoo_plain_file() -> None:
    result = extract_pptx(zoo("sharepoint-to-text/sharepoint2text/tests/resources/modern_ms/"
                              "sample.pptm").open("rb"), LIMITS)
    assert result.tables[0].rows[1] == ["A", "1", "2", "3"]


@pytest.mark.parametrize("relative", [
    "oletools/tests/test-data/encrypted/encrypted.pptx",
    "oletools/tests/test-data/encrypted/encrypted.pptm",
])
def test_pptx_encrypted_is_stopped_by_protection(relative: str) -> None:
    assert protection_of(zoo(relative)) == (Protection.ENCRYPTED, "ooxml_agile")


# --------------------------------------------------------------------------- ODF

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
)
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
ODG = "application/vnd.oasis.opendocument.graphics"
_BODY = {ODT: "text", ODS: "spreadsheet", ODP: "presentation", ODG: "drawing"}


def _manifest(mimetype: str, encrypted: bool = False) -> str:
    encryption = (
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x">'
        '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" '
        'manifest:initialisation-vector="x"/></manifest:encryption-data>'
    ) if encrypted else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
        '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        f"{encryption}</manifest:file-entry></manifest:manifest>"
    )


def _odf(mimetype: str, body: str, styles: str | None = None, *,
         content: str | bytes | None = None, encrypted: bool = False) -> bytes:
    """A minimal ODF package: mimetype first and stored, as the spec requires."""
    if content is None:
        kind = _BODY[mimetype]
        content = (
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} '
            f'office:version="1.2"><office:body><office:{kind}>{body}</office:{kind}>'
            "</office:body></office:document-content>"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _manifest(mimetype, encrypted))
        archive.writestr("content.xml", content)
        if styles is not None:
            archive.writestr("styles.xml", (
                f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {NS}>'
                f"<office:master-styles>{styles}</office:master-styles>"
                "</office:document-styles>"
            ))
    return buffer.getvalue()


def _row(*cells: str, repeat: int = 1) -> str:
    attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attribute}>{''.join(cells)}</table:table-row>"


def _cell(text: str = "", repeat: int = 1, extra: str = "") -> str:
    attribute = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    paragraph = f"<text:p>{text}</text:p>" if text else ""
    return f"<table:table-cell{attribute}{extra}>{paragraph}</table:table-cell>"


def _table(name: str, *rows: str) -> str:
    return (f'<table:table table:name="{name}"><table:table-column '
            f'table:number-columns-repeated="3"/>{"".join(rows)}</table:table>')


CLASS_TABLE = _table("Class", *(_row(*(_cell(value) for value in row)) for row in CLASS_LIST))

ODT_BODY = (
    '<text:h text:outline-level="1">Pastoral notes</text:h>'
    "<text:p>Pupil:<text:tab/>Amelia<text:s text:c=\"2\"/>Jones<text:line-break/>"
    f'NHS <text:span text:style-name="T1">{NHS}</text:span>'
    '<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
    "<text:note-body><text:p>Footnote: seen by the nurse</text:p></text:note-body></text:note>"
    "<office:annotation><dc:creator>Mrs Head Teacher</dc:creator><dc:date>2024-01-01</dc:date>"
    "<text:p>Comment: check with parents</text:p></office:annotation>.</text:p>"
    f"{CLASS_TABLE}"
    "<text:list><text:list-item><text:p>Reviewed termly</text:p></text:list-item></text:list>"
)
ODT_STYLES = (
    '<style:master-page style:name="Standard"><style:header><text:p>Oakfield Primary '
    "- CONFIDENTIAL</text:p></style:header><style:footer><text:p>Printed by the office"
    "</text:p></style:footer></style:master-page>"
    '<style:master-page style:name="Second"><style:header><text:p>Oakfield Primary '
    "- CONFIDENTIAL</text:p></style:header></style:master-page>"
)


def test_odt_reads_headers_paragraphs_tables_notes_comments_and_footers() -> None:
    result = extract_odf(io.BytesIO(_odf(ODT, ODT_BODY, ODT_STYLES)), LIMITS)
    assert lines(result) == [
        "Oakfield Primary - CONFIDENTIAL",  # once, though two master pages repeat it
        "Pastoral notes",
        "Footnote: seen by the nurse",
        "Comment: check with parents",
        "Pupil:\tAmelia  Jones",
        f"NHS {NHS}.",
        "Name\tUPN\tDOB",
        "Amelia Jones\tA123456789012\t02/03/2015",
        "Sam Patel\tB987654321098\t14/11/2014",
        "Reviewed termly",
        "Printed by the office",
    ]
    assert "Mrs Head Teacher" not in result.text  # a comment's author is metadata
    (table,) = result.tables
    assert table.name == "Class" and table.rows == CLASS_LIST


def test_ods_sheets_repeats_covered_cells_dates_and_cell_comments() -> None:
    covered = "<table:covered-table-cell/>"
    dated = ' office:value-type="date" office:date-value="2015-03-02"'
    comment = ("<office:annotation><dc:creator>Office</dc:creator>"
               "<text:p>Left in July</text:p></office:annotation>")
    body = (
        _table("Pupils",
               _row(_cell("Name"), _cell("FSM"), _cell("EAL"), _cell("SEN")),
               # A run of equal cells is written once with a repeat count.
               _row(_cell("Amelia Jones"), _cell("Y", repeat=3)),
               _row(f'<table:table-cell table:number-columns-spanned="2"><text:p>Sam Patel'
                    f"</text:p>{comment}</table:table-cell>", covered, _cell("N")),
               _row(_cell("", repeat=1024), repeat=1000),  # blank rows: not data
               _row(_cell("Zoë Brontë"), f"<table:table-cell{dated}/>")),
        _table("Staff", _row(_cell("Mr Smith"), _cell("Year 4"))),
    )
    result = extract_odf(io.BytesIO(_odf(ODS, body)), LIMITS)
    assert lines(result) == [
        "Name\tFSM\tEAL\tSEN",
        "Amelia Jones\tY\tY\tY",
        "Sam Patel\t\tN",
        "Zoë Brontë\t02/03/2015",
        "Left in July",
        "",
        "Mr Smith\tYear 4",
    ]
    assert [(t.name, len(t.rows)) for t in result.tables] == [("Pupils", 4), ("Staff", 1)]


def test_odp_reads_slides_tables_and_notes() -> None:
    frame = ('<draw:frame presentation:class="{cls}"><draw:text-box><text:p>{text}</text:p>'
             "</draw:text-box></draw:frame>")
    body = (
        '<draw:page draw:name="page1">'
        + frame.format(cls="title", text="Residential trip")
        + f'<draw:frame draw:name="t">{CLASS_TABLE}</draw:frame>'
        + "<presentation:notes>" + frame.format(cls="notes", text="Check medical forms")
        + "</presentation:notes></draw:page>"
    )
    result = extract_odf(io.BytesIO(_odf(ODP, body)), LIMITS)
    assert lines(result) == ["Residential trip", *("\t".join(r) for r in CLASS_LIST),
                             "Check medical forms"]
    assert result.tables[0].rows == CLASS_LIST


def test_odg_reads_shape_text() -> None:
    body = ('<draw:page draw:name="page1"><draw:custom-shape><text:p>Fire marshal: Mr Smith'
            "</text:p></draw:custom-shape></draw:page>")
    assert lines(extract_odf(io.BytesIO(_odf(ODG, body)), LIMITS)) == ["Fire marshal: Mr Smith"]


@pytest.mark.parametrize("mimetype", [ODT, ODS, ODP, ODG])
def test_odf_empty_document(mimetype: str) -> None:
    result = extract_odf(io.BytesIO(_odf(mimetype, "")), LIMITS)
    assert result.text == "" and result.tables == [] and not result.truncated


def test_odf_truncated_package_raises() -> None:
    with pytest.raises(zipfile.BadZipFile):
        extract_odf(io.BytesIO(truncated(_odf(ODT, ODT_BODY * 20, ODT_STYLES))), LIMITS)


def test_odf_broken_content_xml_raises() -> None:
    content = f'<office:document-content {NS}><office:body><office:text><text:p>Amelia'
    with pytest.raises(etree.XMLSyntaxError):
        extract_odf(io.BytesIO(_odf(ODT, "", content=content)), LIMITS)


def test_odf_without_content_xml_raises() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODT)
    with pytest.raises(ValueError, match="no content.xml"):
        extract_odf(io.BytesIO(buffer.getvalue()), LIMITS)


def test_odf_encrypted_content_is_encrypted_content() -> None:
    data = _odf(ODT, "<text:p>never read</text:p>", encrypted=True)
    with pytest.raises(EncryptedContent) as caught:
        extract_odf(io.BytesIO(data), LIMITS)
    assert caught.value.detail == "odf_encrypted"


def _billion_cells_sheet(value: str) -> bytes:
    """A sheet declaring 16,384 columns by 1,048,576 rows, as LibreOffice writes one."""
    rows = (
        _row(_cell("Name"), _cell("UPN")),
        _row(_cell(value, repeat=MAX_COLUMNS), repeat=1_048_576),
        _row(_cell("Amelia Jones"), _cell("A123456789012")),
    )
    return _odf(ODS, _table("Sheet1", *rows))


def test_ods_billion_blank_cells_are_not_expanded() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = extract_odf(io.BytesIO(_billion_cells_sheet("")), LIMITS)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 2
    assert peak < 20 * 1024 * 1024
    assert lines(result) == ["Name\tUPN", "Amelia Jones\tA123456789012"]


def test_ods_billion_filled_cells_stop_at_the_text_limit() -> None:
    limits = Limits(max_text_chars=200_000)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = extract_odf(io.BytesIO(_billion_cells_sheet("0")), limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5
    assert peak < 100 * 1024 * 1024
    assert result.truncated and len(result.text) == limits.max_text_chars
    rows = result.tables[0].rows
    assert rows[0] == ["Name", "UPN"] and rows[1] == ["0"] * MAX_COLUMNS
    # The header and 6 full rows of 32,768 characters fit in 200,000; a 7th is cut.
    assert len(rows) == 7


def test_ods_long_text_repeated_across_columns_is_not_joined_whole() -> None:
    # 16,384 copies of 50,000 characters would be an 800-million-character line.
    data = _odf(ODS, _table("Sheet1", _row(_cell("x" * 50_000, repeat=MAX_COLUMNS))))
    tracemalloc.start()
    try:
        result = extract_odf(io.BytesIO(data), LIMITS)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024
    assert result.truncated and len(result.text) == LIMITS.max_text_chars


def _with_doctype(doctype: str, paragraphs: str) -> str:
    return (
        f'<?xml version="1.0"?><!DOCTYPE office:document-content [{doctype}]>'
        f"<office:document-content {NS}><office:body><office:text>{paragraphs}"
        "</office:text></office:body></office:document-content>"
    )


def test_odf_entities_are_not_expanded_and_files_not_read() -> None:
    content = _with_doctype(
        '<!ENTITY pupil "Amelia Jones"><!ENTITY xxe SYSTEM "file:///etc/hostname">',
        "<text:p>Dear &pupil;, welcome</text:p><text:p>&xxe;</text:p>",
    )
    result = extract_odf(io.BytesIO(_odf(ODT, "", content=content)), LIMITS)
    assert lines(result) == ["Dear , welcome"]


def test_odf_billion_laughs_is_not_expanded() -> None:
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    content = _with_doctype(entities, "<text:p>Before &l9; after</text:p>")
    tracemalloc.start()
    try:
        # libxml2 refuses the declarations outright (amplification limit) or leaves the
        # reference unexpanded: either way a billion "lol"s are never made.
        result = extract_odf(io.BytesIO(_odf(ODT, "", content=content)), LIMITS)
        assert lines(result) == ["Before  after"]
    except etree.XMLSyntaxError as exc:
        assert "amplification" in str(exc)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < 10 * 1024 * 1024


def test_odf_content_past_max_member_bytes_is_truncated() -> None:
    padding = "<text:p/>" * 200_000  # 1.8 MB of empty paragraphs
    body = f"<text:p>First: Amelia Jones</text:p>{padding}<text:p>Last: Sam Patel</text:p>"
    result = extract_odf(io.BytesIO(_odf(ODT, body)), Limits(max_member_bytes=1024 * 1024))
    assert lines(result) == ["First: Amelia Jones"] and result.truncated


@pytest.mark.parametrize(("relative", "expected"), [
    ("odf-decrypt/odfdecrypt/tests/resources/plain/libre_office_spreadsheet.ods", "hi"),
    ("odf-decrypt/odfdecrypt/tests/resources/plain/libre_office_presentation.odp", "Hello"),
    ("sharepoint-to-text/sharepoint2text/tests/resources/open_office/sample_presentation.odp",
     "Hello World Presentation"),
    ("oletools/tests/test-data/oleobj/embedded-simple-2007.odt",
     "This document contains an embedded file:"),
])
def test_odf_zoo_plain_files(relative: str, expected: str) -> None:
    with zoo(relative).open("rb") as handle:
        assert expected in lines(extract_odf(handle, LIMITS))


@pytest.mark.parametrize("relative", [
    "odf-decrypt/odfdecrypt/tests/resources/password_protected/aoo_document_pw_hello.odt",
    "odf-decrypt/odfdecrypt/tests/resources/password_protected/"
    "libre_office_spreadsheet_pw_hello.ods",
    "odf-decrypt/odfdecrypt/tests/resources/password_protected/"
    "libre_office_presentation_pw_hello.odp",
    "odf-decrypt/odfdecrypt/tests/resources/password_protected/aoo_drawing_pw_hello.odg",
])
def test_odf_zoo_encrypted_is_protected_and_never_read(relative: str) -> None:
    path = zoo(relative)
    assert protection_of(path) == (Protection.ENCRYPTED, "odf_encrypted")
    with path.open("rb") as handle, pytest.raises(EncryptedContent):
        extract_odf(handle, LIMITS)


# --------------------------------------------------------------------------- RTF

RTF = (
    r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss\fcharset0 Arial;}}"
    r"{\*\generator Test 1.0;}\f0\fs22"
    r"{\pict\pngblip\picw10\pich10 89504e470d0a1a0a0000000d494844520000}"
    r"Fee: \'a3 12.50 paid by Ren\u233?e C\u244?t\u233?\par "
    r"Mood: \u-10179?\u-8704? | not a table\par "
    r"{\uc2 Z\u246\'f6\'f6 e\par}"
    r"\trowd\cellx2000\cellx4000\cellx6000 \pard\intbl Name\cell UPN\cell DOB\cell\row "
    r"\trowd\cellx2000\cellx4000\cellx6000 \pard\intbl Amelia Jones\cell A123456789012\cell "
    r"02/03/2015\cell\row "
    r"\trowd\cellx2000\cellx4000\cellx6000 \pard\intbl Sam Patel\cell B987654321098\cell "
    r"14/11/2014\cell\row "
    r"\pard After the table\par }"
)


def test_rtf_decodes_escapes_and_reads_tables() -> None:
    result = extract_rtf(io.BytesIO(RTF.encode("ascii")), LIMITS)
    assert lines(result) == [
        "Fee: £ 12.50 paid by Renée Côté",
        "Mood: \U0001f600 | not a table",
        "Zö e",
        *("\t".join(row) for row in CLASS_LIST),
        "After the table",
    ]
    (table,) = result.tables
    assert table.rows == CLASS_LIST
    assert "89504e47" not in result.text  # picture data is not text


def test_rtf_code_page_from_ansicpg() -> None:
    data = rb"{\rtf1\ansi\ansicpg1251 \'cf\'f0\'e8\'e2\'e5\'f2\par}"
    assert lines(extract_rtf(io.BytesIO(data), LIMITS)) == ["Привет"]


def test_rtf_empty_document() -> None:
    result = extract_rtf(io.BytesIO(rb"{\rtf1\ansi\deff0{\fonttbl{\f0 Arial;}}}"), LIMITS)
    assert result.text == "" and result.tables == []


def test_rtf_truncated_raises() -> None:
    with pytest.raises(ValueError, match="truncated"):
        extract_rtf(io.BytesIO(truncated(RTF.encode("ascii"))), LIMITS)


def test_not_rtf_raises() -> None:
    with pytest.raises(ValueError, match="not an RTF"):
        extract_rtf(io.BytesIO(b"PK\x03\x04 not rtf at all"), LIMITS)


def test_rtf_binary_data_with_braces_is_skipped() -> None:
    blob = b"}}}{{\\"  # raw bytes after \binN may look like markup
    data = rb"{\rtf1\ansi Before{\*\objdata\bin6 " + blob + rb"}After\par}"
    assert lines(extract_rtf(io.BytesIO(data), LIMITS)) == ["BeforeAfter"]


def test_rtf_one_long_line_of_fields_is_fast() -> None:
    # striprtf's hyperlink pattern is cubic on one line: 600 fields take it 10 s or more.
    field = r'{\field{\*\fldinst{HYPERLINK "http://x.example/#" }}}'
    fields = "".join(field.replace("#", str(i)) for i in range(600))
    data = ("{\\rtf1\\ansi " + fields + "Amelia Jones}").encode("ascii")
    started = time.perf_counter()
    result = extract_rtf(io.BytesIO(data), LIMITS)
    assert time.perf_counter() - started < 1.5
    assert lines(result) == ["Amelia Jones"]


def test_rtf_picture_data_is_dropped_before_striprtf() -> None:
    # striprtf reads hex picture data character by character: 8 MB take it seconds.
    picture = "{\\pict\\pngblip " + "89504e47" * 1_000_000 + "}"
    data = ("{\\rtf1\\ansi Photo of Amelia Jones" + picture + "\\par}").encode("ascii")
    started = time.perf_counter()
    result = extract_rtf(io.BytesIO(data), LIMITS)
    assert time.perf_counter() - started < 1.5
    assert lines(result) == ["Photo of Amelia Jones"]


def test_rtf_text_limit() -> None:
    data = ("{\\rtf1\\ansi " + "Amelia Jones\\par " * 10_000 + "}").encode("ascii")
    result = extract_rtf(io.BytesIO(data), Limits(max_text_chars=1000))
    assert result.truncated and len(result.text) == 1000


def test_striprtf_handles_unicode_and_code_page_escapes() -> None:
    # The library contract this module relies on.
    assert rtf_to_text(r"{\rtf1\ansi \'a3\u233?\uc0\u233 x}") == "£ééx"


def test_rtf_zoo_file_with_tables() -> None:
    path = zoo("sharepoint-to-text/sharepoint2text/tests/resources/legacy_ms/"
               "02_dept_transport.rtf")
    result = extract_rtf(path.open("rb"), LIMITS)
    assert lines(result)[0] == "Overview\t1" and len(result.tables) >= 3


# --------------------------------------------------------------------------- HTML

HTML = (
    "<!DOCTYPE html><html><head><meta charset=\"windows-1252\"><title>Class list</title>"
    "<style>td {color: red}</style><script>var pupil = 'HIDDEN-SCRIPT';</script></head>"
    "<body><noscript>HIDDEN-NOSCRIPT</noscript><!-- HIDDEN-COMMENT -->"
    "<h1>Year 4 &amp; 5</h1><p>Trip fee \xa3 12 for <b>Amelia</b> Jones<br>Due Friday</p>"
    "<table><tr><td>Layout cell"
    "<table><tr><th>Name</th><th>UPN</th><th>DOB</th></tr>"
    + "".join(f"<tr>{''.join(f'<td>{v}</td>' for v in row)}</tr>" for row in CLASS_LIST[1:])
    + "</table></td></tr></table>"
    "<table><tr><td colspan=\"2\">Merged</td><td>Last</td></tr></table>"
    "<ul><li>Allergy: nuts</li></ul></body></html>"
)


def test_html_visible_text_and_tables() -> None:
    result = extract_html(io.BytesIO(HTML.encode("cp1252")), LIMITS)
    assert lines(result) == [
        "Class list",
        "Year 4 & 5",
        "Trip fee £ 12 for Amelia Jones",
        "Due Friday",
        "Layout cell",
        *("\t".join(row) for row in CLASS_LIST),
        "Merged\t\tLast",
        "Allergy: nuts",
    ]
    assert "HIDDEN" not in result.text
    assert [t.rows for t in result.tables] == [[["Layout cell"]], CLASS_LIST,
                                               [["Merged", "", "Last"]]]


def test_xhtml_with_xml_declaration_and_utf8() -> None:
    page = ('<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
            "<body><p>Zoë Brontë</p></body></html>")
    assert lines(extract_html(io.BytesIO(page.encode()), LIMITS)) == ["Zoë Brontë"]


@pytest.mark.parametrize("page", [b"", b"  \n ", b"<html><body></body></html>",
                                  b"<!-- only a comment -->"])
def test_html_empty(page: bytes) -> None:
    result = extract_html(io.BytesIO(page), LIMITS)
    assert result.text == "" and result.tables == []


def test_html_truncated_gives_text_up_to_the_cut() -> None:
    # HTML has no corrupt state: like a browser, the parser reads what is there.
    page = HTML.encode("cp1252")
    cut = page[: page.index(b"Sam Patel") + 5]
    result = extract_html(io.BytesIO(cut), LIMITS)
    assert result.tables[-1].rows[-1] == ["Sam P"]
    assert "Allergy" not in result.text


def test_html_is_bounded_by_the_text_limit() -> None:
    page = ("<html><body>" + "<p>Amelia Jones</p>" * 20_000 + "<p>END</p></body></html>")
    result = extract_html(io.BytesIO(page.encode()), Limits(max_text_chars=1000))
    assert result.truncated and len(result.text) == 1000 and "END" not in result.text


# --------------------------------------------------------------------------- XLS

XLS_PLAIN = "sharepoint-to-text/sharepoint2text/tests/resources/legacy_ms/mwe.xls"
XLS_SHEETS = "oletools/tests/test-data/oleobj/embedded-simple-2007.xls"


def test_xls_zoo_file_rows() -> None:
    result = extract_xls(zoo(XLS_PLAIN).open("rb"), LIMITS)
    assert lines(result) == ["colA\tcolB", "1\t2"]
    assert result.tables[0].name == "Sheet1" and result.tables[0].rows == [["colA", "colB"],
                                                                          ["1", "2"]]


def test_xls_zoo_every_sheet() -> None:
    result = extract_xls(zoo(XLS_SHEETS).open("rb"), LIMITS)
    assert [t.name for t in result.tables] == ["Tabelle1"]  # the other two sheets are empty
    assert "Have fun parsing :-)" in lines(result)


def _xls_cell(kind: int, value: object) -> xlrd.sheet.Cell:
    return xlrd.sheet.Cell(kind, value)


@pytest.mark.parametrize(("kind", "value", "datemode", "text"), [
    (xlrd.XL_CELL_DATE, 42065.0, 0, "02/03/2015"),  # 1900 date system
    (xlrd.XL_CELL_DATE, 42065.0 - 1462, 1, "02/03/2015"),  # 1904 (old Mac Excel)
    (xlrd.XL_CELL_DATE, 42065.5, 0, "02/03/2015 12:00"),
    (xlrd.XL_CELL_DATE, 0.375, 0, "09:00"),
    (xlrd.XL_CELL_NUMBER, 4.0, 0, "4"),
    (xlrd.XL_CELL_NUMBER, 4.5, 0, "4.5"),
    (xlrd.XL_CELL_TEXT, "Amelia Jones", 0, "Amelia Jones"),
    (xlrd.XL_CELL_BOOLEAN, 1, 0, "TRUE"),
    (xlrd.XL_CELL_ERROR, 7, 0, "#DIV/0!"),
    (xlrd.XL_CELL_BLANK, "", 0, ""),
])
def test_xls_cell_text(kind: int, value: object, datemode: int, text: str) -> None:
    assert cell_text(_xls_cell(kind, value), datemode) == text


def test_xls_empty_sheet_has_no_rows() -> None:
    # No maintained library writes XLS, so an empty sheet is a stand-in with blank cells.
    blank = [_xls_cell(xlrd.XL_CELL_BLANK, ""), _xls_cell(xlrd.XL_CELL_EMPTY, "")]
    sheet = SimpleNamespace(nrows=3, row=lambda number: blank)
    assert list(sheet_rows(sheet, 0)) == []  # type: ignore[arg-type]


def test_xls_corrupt_raises() -> None:
    data = zoo(XLS_PLAIN).read_bytes()
    # xlrd's error depends on where the cut falls: for this file, its sector index.
    with pytest.raises((IndexError, xlrd.compdoc.CompDocError, xlrd.XLRDError)):
        extract_xls(io.BytesIO(truncated(data)), LIMITS)


def test_xls_not_ole_raises() -> None:
    with pytest.raises(xlrd.XLRDError):
        extract_xls(io.BytesIO(b"Name,UPN\nAmelia,A123\n"), LIMITS)


@pytest.mark.parametrize("relative", [
    "msoffcrypto-tool/tests/inputs/rc4cryptoapi_password.xls",
    "oletools/tests/test-data/encrypted/encrypted.xls",
    "msoffcrypto-tool/tests/inputs/xor_password_123456789012345.xls",
])
def test_xls_zoo_encrypted_is_protected_and_never_read(relative: str) -> None:
    path = zoo(relative)
    assert protection_of(path) == (Protection.ENCRYPTED, "xls97_encrypted")
    with path.open("rb") as handle, pytest.raises(EncryptedContent) as caught:
        extract_xls(handle, LIMITS)
    assert caught.value.detail == "xls_encrypted"


# --------------------------------------------------------------------------- DOC and PPT


@pytest.mark.parametrize(("relative", "detail"), [
    ("msoffcrypto-tool/tests/inputs/rc4cryptoapi_password.ppt", "ppt97_encrypted"),
    ("oletools/tests/test-data/encrypted/encrypted.ppt", "ppt97_encrypted"),
    ("oletools/tests/test-data/encrypted/encrypted.doc", "doc97_encrypted"),
])
def test_legacy_encrypted_is_protected(relative: str, detail: str) -> None:
    assert protection_of(zoo(relative)) == (Protection.ENCRYPTED, detail)


# --------------------------------------------------------------------------- pipeline


@pytest.fixture(scope="module")
def detector() -> ContentDetector:
    """One detector for the module: building it loads spaCy."""
    return ContentDetector()


def _scan(path: Path, detector: ContentDetector) -> FileResult:
    (entry,) = [e for e in walk_root(str(path)) if isinstance(e, FileEntry)]
    (record,) = scan_file(entry, ScanConfig(workers=1, limits=LIMITS), detector)
    return record


@pytest.mark.parametrize(("name", "data", "extractor"), [
    ("notes.rtf", RTF.encode("ascii"), "rtf"),
    ("notes.odt", _odf(ODT, ODT_BODY, ODT_STYLES), "odf"),
    ("slides.pptx", _pptx(_class_slide), "pptx"),
    ("page.html", HTML.encode("cp1252"), "html"),
])
def test_pipeline_reads_each_format_with_its_extractor(
    tmp_path: Path, detector: ContentDetector, name: str, data: bytes, extractor: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    record = _scan(path, detector)
    assert record.extractor == extractor
    assert record.status == Status.SCANNED and record.text_chars and not record.error


@pytest.mark.parametrize(("name", "data", "extractor", "error"), [
    ("slides.pptx", truncated(_pptx(_class_slide)), "pptx", "BadZipFile: "),
    ("notes.odt", truncated(_odf(ODT, ODT_BODY * 20, ODT_STYLES)), "odf", "BadZipFile: "),
    ("notes.rtf", truncated(RTF.encode("ascii")), "rtf", "UnreadableContent: RTF ends inside"),
])
def test_pipeline_corrupt_file_is_an_error_on_its_record(
    tmp_path: Path, detector: ContentDetector, name: str, data: bytes, extractor: str,
    error: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    record = _scan(path, detector)
    assert record.extractor == extractor  # sniffed by content, read by the new extractor
    assert record.status == Status.ERROR and Flag.UNREADABLE in record.flags
    assert record.error is not None and record.error.startswith(error)


def test_pipeline_zoo_encrypted_odt_is_never_extracted(detector: ContentDetector) -> None:
    path = zoo("odf-decrypt/odfdecrypt/tests/resources/password_protected/"
               "aoo_document_pw_hello.odt")
    record = _scan(path, detector)
    assert record.status == Status.ENCRYPTED and record.extractor is None
    assert record.protection_detail == "odf_encrypted"
