"""Nothing raw from a file leaves the worker except through the masker (issue 17, item 2).

Raw values are planted through each path that once let them out: a table with no heading
row, a special-category heading holding a name and a number, headings holding a lower-case
name, a postcode or a date, a parser error quoting the cell it choked on, dpscan's own
error quoting a presentation's content type, and identifiers written with full-width and
Arabic-Indic digits.  The real CLI scans them into every report format, a catalogue and
the ``--json`` stream, and every byte written is searched for each raw value, in ASCII
and in its original digits.
"""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pptx
import pytest

# One person per path, with values found nowhere else in the share.
HEADLESS_ROWS = [
    ["9434765919", "JG103759A", "amelia.quennell@example.org", "QUENNELL", "Amelia"],
    ["4010232137", "JG103760B", "bob.thackeray@example.org", "THACKERAY", "Bob"],
    ["4505577104", "JG103761C", "cara.ibekwe@example.org", "IBEKWE", "Cara"],
    ["9876543210", "JG103762D", "dan.ferreira@example.org", "FERREIRA", "Dan"],
]
HEADLESS_RAW = ["9434765919", "JG103759A", "amelia.quennell@example.org", "QUENNELL"]
# A notes column whose first cell would have been its heading: a name and an NHS number.
NOTES_RAW = ["Notes for Rosalind Featherstonehaugh 485 777 3456 medical",
             "Rosalind Featherstonehaugh", "485 777 3456", "4857773456"]
# A heading of a real heading row that names a pupil.
NAMED_HEADING_RAW = ["Medical notes for Wilhelmina Oyelaran", "Wilhelmina Oyelaran"]
# Headings of real heading rows holding a lower-case name, a date of birth and postcodes.
HEADINGS_RAW = {"needs.csv": "medical needs of ottoline", "born.csv": "Health notes b. 4/5/14",
                "address.csv": "Medical info SW1A 1AA", "ref.csv": "Health notes ref LS1 4AB"}
HEADING_PARTS_RAW = ["ottoline", "4/5/14", "SW1A 1AA", "LS1 4AB"]
# The text openpyxl quotes when a number cell holds it.
PARSER_RAW = ["Ruthven Okafor 9012345675", "Ruthven Okafor", "9012345675"]
# The content type a presentation gives its main part, which dpscan's error once quoted.
PPTX_TYPE_RAW = ["PPTXCONTENT 6123457489 amelia.x@example.org", "PPTXCONTENT", "6123457489",
                 "amelia.x@example.org"]
# Identifiers written with other digits: (as written, in ASCII).
FULL_WIDTH = {
    "dob": ("１２/０３/２０１５", "12/03/2015"),
    "phone": ("０７９１１ １２３４５６", "07911 123456"),
    "sort_code": ("２０-３２-５８", "20-32-58"),
    "account": ("５５７７９９１１", "55779911"),
    "nhs": ("４５０ ５５７ ７１０４", "450 557 7104"),
    "nino": ("ＪＧ１０３７５９Ａ", "JG103759A"),
}
ARABIC_INDIC = {
    "dob": ("٠٣/٠٢/٢٠١٦", "03/02/2016"),
    "phone": ("٠٧٩١١ ١٢٣٤٥٧", "07911 123457"),
    "sort_code": ("٤٠-٤٧-٨٤", "40-47-84"),
    "account": ("٧١٢٣٤٥٦٧", "71234567"),
}


def _write_headless(share: Path) -> None:
    (share / "headless.csv").write_text(
        "\n".join(",".join(row) for row in HEADLESS_ROWS) + "\n", encoding="utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in HEADLESS_ROWS:
        sheet.append(row)
    book.save(share / "headless.xlsx")


def _write_special(share: Path) -> None:
    rows = [["Bob Thackeray", NOTES_RAW[0]], ["Cara Ibekwe", "asthma and an inhaler in the office"],
            ["Dan Ferreira", "none"], ["Ella Marsh", "epipen"]]
    (share / "notes.csv").write_text("\n".join(",".join(r) for r in rows) + "\n",
                                     encoding="utf-8")
    rows = [["Name", NAMED_HEADING_RAW[0]], ["Bob Thackeray", "asthma"],
            ["Cara Ibekwe", "epipen"], ["Dan Ferreira", "diabetes"]]
    (share / "medical.csv").write_text("\n".join(",".join(r) for r in rows) + "\n",
                                       encoding="utf-8")


def _write_headings(share: Path) -> None:
    for name, heading in HEADINGS_RAW.items():
        rows = [["Name", heading], ["Bob Thackeray", "asthma"], ["Cara Ibekwe", "epipen"],
                ["Dan Ferreira", "diabetes"]]
        (share / name).write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")


def _write_parser_error(share: Path) -> None:
    """A workbook whose number cell holds text: openpyxl raises "could not convert string
    to float: 'Ruthven Okafor 9012345675'"."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Score"])
    sheet.append(["Bob", 3])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(share / "broken.xlsx", "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<c r="B2"[^>]*>)<v>3</v>',
                              rb"\1<v>" + PARSER_RAW[0].encode() + rb"</v>", data)
                assert PARSER_RAW[0].encode() in data
            target.writestr(info, data)


def _write_bogus_pptx(share: Path) -> None:
    """A presentation whose [Content_Types].xml gives its main part a made-up type."""
    buffer = io.BytesIO()
    pptx.Presentation().save(buffer)
    source = zipfile.ZipFile(buffer)
    main_type = (b"application/vnd.openxmlformats-officedocument.presentationml"
                 b".presentation.main+xml")
    with zipfile.ZipFile(share / "bogus.pptx", "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                assert main_type in data
                data = data.replace(main_type, PPTX_TYPE_RAW[0].encode())
            target.writestr(info, data)


def _write_digits(share: Path) -> None:
    for name, values in (("full_width.txt", FULL_WIDTH), ("arabic_indic.txt", ARABIC_INDIC)):
        lines = [
            f"Pupil record for Amelia Quennell, date of birth: {values['dob'][0]}",
            f"Mother's mobile phone: {values['phone'][0]}",
            f"Bank details for the refund: sort code {values['sort_code'][0]}, "
            f"account number {values['account'][0]}",
        ]
        if "nhs" in values:
            lines.append(f"NHS number: {values['nhs'][0]}")
            lines.append(f"National Insurance number: {values['nino'][0]}")
        (share / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _variants(value: str) -> set[bytes]:
    """``value`` as each output may hold it: UTF-8, JSON-escaped, HTML-escaped."""
    forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1],
             html.escape(value)}
    return {form.encode("utf-8") for form in forms}


def _outputs(out: Path, db: Path, stdout: bytes) -> dict[str, bytes]:
    """Every byte the scan wrote: report files (an XLSX by its unzipped parts), the
    catalogue and its journal files, and the --json stream."""
    found: dict[str, bytes] = {"--json stdout": stdout}
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for member in book.namelist():
                    found[f"{path.name}!{member}"] = book.read(member)
        else:
            found[path.name] = path.read_bytes()
    for path in sorted(db.parent.iterdir()):
        if path.name.startswith(db.name):
            found[path.name] = path.read_bytes()
    assert "findings.json" in found and "report.html" in found and "files.csv" in found
    assert any(name.startswith("report.xlsx!") for name in found)
    assert db.name in found
    return found


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The planted share scanned once by the CLI: every output's bytes, and the records."""
    base = tmp_path_factory.mktemp("leaks")
    share = base / "share"
    share.mkdir()
    _write_headless(share)
    _write_special(share)
    _write_headings(share)
    _write_parser_error(share)
    _write_bogus_pptx(share)
    _write_digits(share)
    out, db = base / "out", base / "db" / "catalogue.sqlite"
    db.parent.mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "dpscan", "scan", str(share), "--out", str(out), "--db", str(db),
         "--format", "json,html,xlsx,csv", "--workers", "1", "--json", "--quiet"],
        capture_output=True, timeout=600, check=False)
    assert run.returncode in (0, 1), run.stderr.decode(errors="replace")
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    records = {record["path"]: record for record in findings["files"]}
    return _outputs(out, db, run.stdout), records


def _leaks(outputs: dict[str, bytes], raw: list[str]) -> list[str]:
    return [f"{value!r} in {name}" for value in raw for name, data in outputs.items()
            if any(form in data for form in _variants(value))]


@pytest.mark.parametrize("name", ["headless.csv", "headless.xlsx"])
def test_headless_table_first_row_is_data_not_headings(
    scanned: tuple[dict[str, bytes], dict[str, Any]], name: str,
) -> None:
    outputs, records = scanned
    assert not _leaks(outputs, HEADLESS_RAW)
    record = records[name]
    assert all(not set(HEADLESS_RAW) & {column} for column in record["columns"])
    assert all(isinstance(column, str) for column in record["columns"])
    # The first row's person is counted: four NHS numbers and emails, four people.
    assert record["entities"]["UK_NHS"] == 4 and record["entities"]["EMAIL_ADDRESS"] == 4
    assert record["data_subjects"] == 4


def test_special_category_evidence_holds_no_cell_text(
    scanned: tuple[dict[str, bytes], dict[str, Any]],
) -> None:
    outputs, records = scanned
    assert not _leaks(outputs, NOTES_RAW + NAMED_HEADING_RAW)
    assert records["medical.csv"]["special_category_evidence"] == {"health": ["column: health"]}


@pytest.mark.parametrize("name", sorted(HEADINGS_RAW))
def test_headings_holding_a_name_date_or_postcode_are_not_shown(
    scanned: tuple[dict[str, bytes], dict[str, Any]], name: str,
) -> None:
    outputs, records = scanned
    assert not _leaks(outputs, [HEADINGS_RAW[name], *HEADING_PARTS_RAW])
    assert records[name]["columns"] == {"Name": "PERSON", "column 2": "health"}
    assert records[name]["special_category_evidence"] == {"health": ["column: health"]}


def test_parser_error_quotes_no_content(
    scanned: tuple[dict[str, bytes], dict[str, Any]],
) -> None:
    outputs, records = scanned
    assert records["broken.xlsx"]["error"] == "ValueError: the file's content could not be parsed"
    assert not _leaks(outputs, PARSER_RAW)


def test_dpscan_own_error_quotes_no_content(
    scanned: tuple[dict[str, bytes], dict[str, Any]],
) -> None:
    outputs, records = scanned
    assert records["bogus.pptx"]["error"] == (
        "UnreadableContent: not a PowerPoint package: its main part is not a presentation")
    assert not _leaks(outputs, PPTX_TYPE_RAW)


@pytest.mark.parametrize(("name", "values"), [("full_width.txt", FULL_WIDTH),
                                              ("arabic_indic.txt", ARABIC_INDIC)])
def test_other_scripts_digits_are_detected_and_masked(
    scanned: tuple[dict[str, bytes], dict[str, Any]], name: str,
    values: dict[str, tuple[str, str]],
) -> None:
    outputs, records = scanned
    raw = [form for pair in values.values() for form in pair]
    # A value's leading block is kept by design ("079** ******"); the rest never is.
    assert not _leaks(outputs, raw)
    entities = records[name]["entities"]
    expected = {"DATE_OF_BIRTH", "PHONE_NUMBER", "UK_BANK_ACCOUNT"}
    if "nhs" in values:
        expected |= {"UK_NHS", "UK_NINO"}
    assert expected <= set(entities), entities
