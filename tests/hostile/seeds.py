"""Small valid files of every type dpscan reads, built in memory, for breaking on purpose.

:func:`seed_files` gives ``{file name: bytes}``; the extension names the type.  XLS, Outlook
MSG and the other Office 97-2003 formats (.doc, .ppt, .pub, .xlsb) cannot be written by any
library we have, so they come from the shared zoo (``../shared/zoo``) when it is present and
are left out when it is not.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

ZOO = Path(__file__).resolve().parents[3] / "shared" / "zoo"
_POI = "legacy/files/apache-poi/test-data"
_ZOO_SEEDS = {
    "seed.xls": "files/sharepoint-to-text/sharepoint2text/tests/resources/legacy_ms/mwe.xls",
    "seed.msg": "files/msg-extractor/example-msg-files/unicode.msg",
    "seed.doc": f"{_POI}/document/Bug60936.doc",
    "seed.ppt": f"{_POI}/slideshow/incorrect_slide_order.ppt",
    "seed.pub": f"{_POI}/publisher/Sample2_2010.pub",
    "seed.xlsb": f"{_POI}/spreadsheet/date.xlsb",
}

TEXT = "Pupil: Amelia Jones, DOB 02/03/2015, NHS 943 476 5919, amelia.parent@example.com"


def _pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(text=TEXT)
    return bytes(pdf.output())


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(TEXT)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Name", "DOB"
    table.cell(1, 0).text, table.cell(1, 1).text = "Amelia Jones", "02/03/2015"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Surname", "Forename", "DOB"])
    sheet.append(["Jones", "Amelia", "02/03/2015"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pptx() -> bytes:
    from pptx import Presentation

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Class list"
    slide.placeholders[1].text = TEXT
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _odt() -> bytes:
    mimetype = "application/vnd.oasis.opendocument.text"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text><text:p>{TEXT}</text:p></office:text></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        package.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        package.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("letters/amelia.txt", TEXT)
        archive.writestr("list.csv", "Name,DOB\nAmelia Jones,02/03/2015\n")
    return out.getvalue()


def _7z() -> bytes:
    import py7zr

    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w") as archive:
        archive.writestr(TEXT, "amelia.txt")
    return out.getvalue()


def _image(kind: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, kind)
    return out.getvalue()


def _eml() -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "office@school.example"
    message["To"] = "parent@example.com, other@example.org"
    message["Subject"] = "Trip consent"
    message.set_content(TEXT)
    message.add_attachment(b"Name,DOB\nAmelia Jones,02/03/2015\n", maintype="text",
                           subtype="csv", filename="list.csv")
    return message.as_bytes()


@cache
def seed_files() -> dict[str, bytes]:
    """One small valid file per readable type, keyed by a name whose extension fits."""
    seeds = {
        "seed.txt": (TEXT + "\n").encode(),
        "seed.csv": b"Surname,Forename,DOB,NHS\nJones,Amelia,02/03/2015,943 476 5919\n",
        "seed.html": f"<html><body><p>{TEXT}</p><script>x()</script></body></html>".encode(),
        "seed.rtf": (r"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard " + TEXT
                     + r"\par}").encode(),
        "seed.eml": _eml(),
        "seed.pdf": _pdf(),
        "seed.docx": _docx(),
        "seed.xlsx": _xlsx(),
        "seed.pptx": _pptx(),
        "seed.odt": _odt(),
        "seed.zip": _zip(),
        "seed.7z": _7z(),
        "seed.png": _image("PNG"),
        "seed.jpg": _image("JPEG"),
    }
    for name, relative in _ZOO_SEEDS.items():
        path = ZOO / relative
        if path.is_file():
            seeds[name] = path.read_bytes()
    return seeds


def truncated(data: bytes) -> bytes:
    """The first half of ``data``: a file cut off by a failed copy."""
    return data[: max(1, len(data) // 2)]
