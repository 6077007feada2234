"""Each extractor on files built here: text, encodings, docx parts, xlsx sheets, pdf."""

from __future__ import annotations

import codecs
import datetime as dt
import io

import docx
import openpyxl
import pytest
from fpdf import FPDF

from dpscan.model.extraction import Limits
from dpscan.model.ids import Flag
from dpscan.scanner.extract import EncryptedContent, extractor_for
from dpscan.scanner.extract.docx import extract_docx
from dpscan.scanner.extract.pdf import extract_pdf
from dpscan.scanner.extract.text import detect_encoding, extract_text
from dpscan.scanner.extract.xlsx import extract_xlsx

LIMITS = Limits(max_text_chars=100_000)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Zoë £5".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "Zoë".encode(), "utf-8-sig"),
        ("Zoë £5".encode("utf-16"), "utf-16"),
    ],
)
def test_detect_encoding(data: bytes, encoding: str) -> None:
    assert detect_encoding(data) == encoding


def test_cp1252_csv_decodes_pound_and_accents() -> None:
    data = "Name,Fee\nZoë Brontë,£12.50\nRenée Côté,£3\n".encode("cp1252")
    text = extract_text(io.BytesIO(data), Limits(max_text_chars=10_000)).text
    assert "Zoë Brontë,£12.50" in text and "Renée Côté" in text


def test_text_truncates_at_limit() -> None:
    result = extract_text(io.BytesIO(b"a" * 5000), Limits(max_text_chars=1000))
    assert result.truncated and len(result.text) == 1000


def test_docx_reads_body_tables_headers_and_footers() -> None:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Header: office@school.example"
    document.sections[0].footer.paragraphs[0].text = "Footer: confidential"
    document.add_paragraph("Medical register")
    table = document.add_table(rows=2, cols=3)
    for col, value in enumerate(["Name", "NHS number", "Condition"]):
        table.cell(0, col).text = value
    for col, value in enumerate(["Amelia Jones", "999 000 0018", "Asthma"]):
        table.cell(1, col).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    text = extract_docx(buffer, LIMITS).text
    lines = text.splitlines()
    assert lines[0] == "Header: office@school.example"
    assert "Amelia Jones\t999 000 0018\tAsthma" in lines
    assert lines[-1] == "Footer: confidential"


def _rich_document() -> docx.Document:
    """Runs, tabs, line and page breaks, a hyperlink and a nested table: every piece of a
    paragraph python-docx turns into text."""
    from docx.enum.text import WD_BREAK
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    paragraph = document.add_paragraph("Pupil:\tAmelia ")
    paragraph.add_run("Jones").bold = True
    paragraph.add_run().add_break(WD_BREAK.LINE)
    paragraph.add_run("Class 3").add_break(WD_BREAK.PAGE)
    paragraph.add_run("after\tthe\nbreak")
    paragraph._p.append(parse_xml(
        f'<w:hyperlink {nsdecls("w", "r")} r:id="rId99"><w:r><w:t xml:space="preserve">'
        " linked Oliver Smith</w:t></w:r><w:r><w:tab/><w:t>end</w:t></w:r></w:hyperlink>"))
    paragraph.add_run("tail").add_tab()
    document.add_paragraph("")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "outer"
    table.cell(0, 1).add_table(rows=1, cols=1).cell(0, 0).text = "inner Mia Khan"
    return document


def test_docx_paragraph_text_is_python_docx_paragraph_text_when_no_controls() -> None:
    from dpscan.scanner.extract.docx import paragraph_text

    document = _rich_document()
    paragraphs = [*document.paragraphs, *document.tables[0].cell(0, 1).paragraphs]
    assert any("Oliver Smith" in p.text for p in paragraphs)  # the hyperlink's runs count
    for paragraph in paragraphs:
        assert paragraph_text(paragraph) == paragraph.text


def test_docx_reads_content_controls_and_tracked_insertions() -> None:
    """Word's form fields (content controls), inline and around whole paragraphs and
    tables, and tracked insertions hold text python-docx's Paragraph.text leaves out."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    w = nsdecls("w")
    document = docx.Document()
    form = document.add_paragraph("Child's name: ")
    form._p.append(parse_xml(
        f"<w:sdt {w}><w:sdtPr><w:alias w:val='Name'/></w:sdtPr><w:sdtContent>"
        "<w:r><w:t>Amelia Jones</w:t></w:r></w:sdtContent></w:sdt>"))
    edited = document.add_paragraph("Collected by ")
    edited._p.append(parse_xml(
        f"<w:ins {w} w:id='1' w:author='Office' w:date='2024-01-01T00:00:00Z'>"
        "<w:r><w:t>her grandmother, Mrs Okafor</w:t></w:r></w:ins>"))
    edited._p.append(parse_xml(
        f"<w:del {w} w:id='2' w:author='Office' w:date='2024-01-01T00:00:00Z'>"
        "<w:r><w:delText>her old address</w:delText></w:r></w:del>"))
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Name", "NHS number"
    table.cell(1, 0).text = "Oliver Smith"
    table.cell(1, 1)._tc.append(parse_xml(
        f"<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>999 000 0018</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"))
    document.element.body.insert(0, parse_xml(
        f"<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>Pupil referral form</w:t></w:r></w:p>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Referrer</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>Mr Patel</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "</w:sdtContent></w:sdt>"))
    buffer = io.BytesIO()
    document.save(buffer)
    result = extract_docx(io.BytesIO(buffer.getvalue()), LIMITS)
    lines = result.text.splitlines()
    assert lines[0] == "Pupil referral form"  # a block-level control, in document order
    assert "Child's name: Amelia Jones" in lines
    assert "Collected by her grandmother, Mrs Okafor" in lines
    assert "her old address" not in result.text  # deleted: gone from what Word shows
    assert [t.rows for t in result.tables] == [
        [["Referrer", "Mr Patel"]],
        [["Name", "NHS number"], ["Oliver Smith", "999 000 0018"]],
    ]


def test_docx_reads_footnotes_endnotes_and_comments() -> None:
    """A note or a reviewer's comment is text the file holds ("Check with Jade's mum")."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    paragraph = document.add_paragraph("Attendance meeting notes")
    document.add_comment(paragraph.runs, text="Check with Jade Wells's mum first", author="DSL")
    for uri, content_type, reltype, root, note in (
        ("/word/footnotes.xml", CT.WML_FOOTNOTES, RT.FOOTNOTES, "footnotes", "footnote"),
        ("/word/endnotes.xml", CT.WML_ENDNOTES, RT.ENDNOTES, "endnotes", "endnote"),
    ):
        xml = (f'<w:{root} {nsdecls("w")}>'
               f'<w:{note} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
               f'</w:{note}><w:{note} w:id="1"><w:p><w:r><w:t>{note.title()}: seen by '
               f'Dr Amina Yusuf, NHS number 999 000 0018</w:t></w:r></w:p></w:{note}></w:{root}>')
        part = Part(PackURI(uri), content_type, xml.encode(), document.part.package)
        document.part.relate_to(part, reltype)
    buffer = io.BytesIO()
    document.save(buffer)
    lines = extract_docx(io.BytesIO(buffer.getvalue()), LIMITS).text.splitlines()
    assert lines[0] == "Attendance meeting notes"
    assert lines[1:] == [
        "Footnote: seen by Dr Amina Yusuf, NHS number 999 000 0018",
        "Endnote: seen by Dr Amina Yusuf, NHS number 999 000 0018",
        "Check with Jade Wells's mum first",
    ]


def test_docx_opened_for_text_leaves_styles_unparsed_for_extraction_only() -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.part import Part
    from docx.parts.styles import StylesPart

    import dpscan.scanner.extract.docx as docx_extractor

    buffer = io.BytesIO()
    _rich_document().save(buffer)
    opened: list[object] = []
    real_open = docx.Document

    def styles_part(document: object) -> object:
        return document.part.part_related_by(RT.STYLES)  # type: ignore[attr-defined]

    def remember(handle: object) -> object:
        document = real_open(handle)
        opened.append(styles_part(document))
        return document

    docx_extractor.docx.Document = remember  # type: ignore[assignment]
    try:
        text = extract_docx(io.BytesIO(buffer.getvalue()), LIMITS).text
    finally:
        docx_extractor.docx.Document = real_open  # type: ignore[assignment]
    assert "Jones" in text and "inner Mia Khan" in text
    # Read for text: the styles are raw bytes, never parsed.
    assert type(opened[0]) is Part
    # Anyone else in the process still gets python-docx's parsed styles.
    assert isinstance(styles_part(real_open(io.BytesIO(buffer.getvalue()))), StylesPart)


def test_xlsx_reads_every_sheet_with_uk_dates() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Surname", "DOB", "Year"])
    sheet.append(["JONES", dt.datetime(2015, 3, 2), 4.0])
    staff = workbook.create_sheet("Staff")
    staff.append(["Name", "NI number"])
    staff.append(["Sam Patel", "JZ 49 01 27 B"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    text = extract_xlsx(buffer, LIMITS).text
    assert text.splitlines() == [
        "Surname\tDOB\tYear",
        "JONES\t02/03/2015\t4",
        "",
        "Name\tNI number",
        "Sam Patel\tJZ 49 01 27 B",
    ]


def _pdf(text: str, **encryption: str) -> io.BytesIO:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 10, text)
    if encryption:
        pdf.set_encryption(**encryption)
    return io.BytesIO(bytes(pdf.output()))


def test_pdf_text() -> None:
    result = extract_pdf(_pdf("Consent form for Oliver Smith, DOB 03/02/2016"), LIMITS)
    assert "Consent form for Oliver Smith, DOB 03/02/2016" in result.text
    assert result.protection_detail is None


def test_pdf_with_user_password_is_encrypted_content() -> None:
    with pytest.raises(EncryptedContent) as caught:
        extract_pdf(_pdf("secret", owner_password="owner", user_password="user"), LIMITS)
    assert caught.value.detail == "pdf_user_password"


def test_pdf_with_owner_password_only_is_readable() -> None:
    result = extract_pdf(_pdf("Readable by all", owner_password="owner"), LIMITS)
    assert "Readable by all" in result.text
    assert result.protection_detail == "pdf_owner_password_only"


def test_pdf_without_text_layer_is_flagged() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)
    result = extract_pdf(io.BytesIO(bytes(pdf.output())), LIMITS)
    assert result.text.strip() == "" and Flag.NO_TEXT_LAYER in result.flags


@pytest.mark.parametrize(
    ("mime", "name"),
    [
        ("application/pdf", "pdf"),
        ("text/plain", "text"),
        ("text/csv", "text"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ],
)
def test_extractor_table(mime: str, name: str) -> None:
    extractor = extractor_for(mime)
    assert extractor is not None and extractor.name == name


def test_images_go_to_the_image_extractor_and_wmf_to_none() -> None:
    assert extractor_for("image/png").name == "image"
    assert extractor_for("image/wmf") is None


@pytest.mark.parametrize(
    ("mime", "name"),
    [
        ("text/rtf", "rtf"),  # a named content type beats the "text/" prefix
        ("text/html", "html"),
        ("application/xhtml+xml", "html"),  # read as HTML
        ("application/x-zip-compressed", "zip"),  # read as zip
        ("text/x-python", "text"),
        ("message/rfc822", "eml"),
        ("application/msword", "doc"),  # Word 97-2003: dpscan's own reader
        ("application/vnd.ms-powerpoint", "ppt"),
        ("application/x-ole-storage", None),  # an OLE file sniffing could not place
        ("application/encrypted", None),
        ("audio/mpeg", None),
        ("inode/x-empty", None),
        ("application/octet-stream", None),
    ],
)
def test_extractor_lookup_rules(mime: str, name: str | None) -> None:
    extractor = extractor_for(mime)
    assert (extractor.name if extractor is not None else None) == name


def test_archives_read_encrypted_files() -> None:
    assert {mime: extractor_for(mime).reads_encrypted for mime in (
        "application/zip", "application/x-zip-compressed", "application/x-7z-compressed",
        "application/pdf")} == {"application/zip": True, "application/x-zip-compressed": True,
                                "application/x-7z-compressed": True, "application/pdf": False}


def test_cyrillic_cp1251_is_not_forced_to_cp1252() -> None:
    data = ("Привет, это письмо родителям ученика. " * 20).encode("cp1251")
    assert "Привет" in extract_text(io.BytesIO(data), LIMITS).text


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("UPN,Surname,DOB\nA1,JONES,02/03/2015\nB2,SMITH,04/05/2016\n",
         [["UPN", "Surname", "DOB"], ["A1", "JONES", "02/03/2015"], ["B2", "SMITH", "04/05/2016"]]),
        ('Name\tNotes\nAmy\t"said, hello"\nBen\tok\n',
         [["Name", "Notes"], ["Amy", "said, hello"], ["Ben", "ok"]]),
        ('Name;Town\n"Smith, J";Leeds\nAmy;York\n', [["Name", "Town"], ["Smith, J", "Leeds"],
                                                    ["Amy", "York"]]),
        # A space after each comma, and cells quoted after it.
        ('Pupil, Address, SEN need\n"Smith, John", "1 High St, Leeds", "Autism, EHCP"\n'
         '"Khan, Aisha", "2 Low Rd, York", K\n',
         [["Pupil", "Address", "SEN need"], ["Smith, John", "1 High St, Leeds", "Autism, EHCP"],
          ["Khan, Aisha", "2 Low Rd, York", "K"]]),
    ],
)
def test_delimited_text_becomes_a_table(text: str, rows: list[list[str]]) -> None:
    result = extract_text(io.BytesIO(text.encode()), LIMITS)
    assert result.text == text
    (table,) = result.tables
    assert table.rows == rows and (table.start, table.end) == (0, len(text))


@pytest.mark.parametrize(
    "text",
    [
        "Dear parents,\nThe fair is on Saturday, and we hope to see you there.\nThanks, all.\n",
        "one line only, with, commas\n",
        "",
    ],
)
def test_prose_is_not_a_table(text: str) -> None:
    assert extract_text(io.BytesIO(text.encode()), LIMITS).tables == []


def test_docx_and_xlsx_tables_are_recorded_with_their_spans() -> None:
    document = docx.Document()
    document.add_paragraph("Register")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Name", "DOB"
    table.cell(1, 0).text, table.cell(1, 1).text = "Amy Smith", "01/02/2016"
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    result = extract_docx(buffer, LIMITS)
    (found,) = result.tables
    assert found.rows == [["Name", "DOB"], ["Amy Smith", "01/02/2016"]]
    assert result.text[found.start:found.end] == "Name\tDOB\nAmy Smith\t01/02/2016\n"

    workbook = openpyxl.Workbook()
    workbook.active.append(["a", "b"])
    workbook.create_sheet("Two").append(["c"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = extract_xlsx(buffer, LIMITS)
    assert [(t.name, t.rows) for t in result.tables] == [("Sheet", [["a", "b"]]),
                                                         ("Two", [["c"]])]
    assert [result.text[t.start:t.end] for t in result.tables] == ["a\tb\n", "c\n"]
