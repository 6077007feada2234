"""find-person end to end: one pupil planted across letters, a class list, a medical
register, a PDF and an email, beside a sibling and a namesake and Faker's other pupils;
scanned into a catalogue, then searched from the index and with --rescan."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from faker import Faker
from fpdf import FPDF
from openpyxl import Workbook, load_workbook

from dpscan.scanner.cli import main
from dpscan.scanner.cli_person import find_person

PERSON = {"name": "Amelia Jones", "dob": "02/03/2014", "iso": "2014-03-02",
          "upn": "L201000024001", "nhs": "999 000 0018", "postcode": "B33 8TH"}
SIBLING = {"name": "Oliver Jones", "dob": "12/09/2016", "upn": "Q801000024123"}
NAMESAKE = {"name": "Amelia Jones", "dob": "20/11/2013", "upn": "A201000024002"}

# Files about the person (the truth), the sibling's, and the namesake's.
ABOUT = {
    "Letters/2024-25/Amelia Jones attendance letter.docx",
    "Letters/2024-25/report Millie.docx",
    "Classes/5H class list.xlsx",
    "Medical/medical register.csv",
    "Trips/consent form.pdf",
    "Mail/absence.eml",
    "Letters/typo letter.txt",
}
SIBLING_FILES = {"Letters/2024-25/Oliver late letter.docx", "Classes/3B class list.xlsx"}
NAMESAKE_FILES = {"Archive/2019/class list 2019.xlsx", "Archive/2019/welcome letter.docx",
                  "Archive/2019/poetry prize.txt"}


def _people(fake: Faker, n: int) -> list[tuple[str, str, str]]:
    people = []
    while len(people) < n:
        first, last = fake.first_name(), fake.last_name()
        if last in ("Jones",) or first in ("Amelia", "Millie", "Oliver"):
            continue
        dob = fake.date_of_birth(minimum_age=5, maximum_age=11).strftime("%d/%m/%Y")
        people.append((first, last, dob))
    return people


def _docx(path: Path, paragraphs: list[str]) -> None:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(path)


def _class_list(path: Path, rows: list[list[str]]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Surname", "Forename", "DOB", "UPN", "Class"])
    for row in rows:
        sheet.append(row)
    book.save(path)


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("share")
    fake = Faker("en_GB")
    Faker.seed(2024)
    others = _people(fake, 40)
    for folder in ("Letters/2024-25", "Classes", "Medical", "Trips", "Mail", "Archive/2019",
                   "Letters"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    address = f"14 Oak Road, Birmingham {PERSON['postcode']}"
    _docx(root / "Letters/2024-25/Amelia Jones attendance letter.docx", [
        "Dear Mr and Mrs Jones,", address,
        f"Re: Amelia Jones (DOB {PERSON['dob']})",
        "Amelia's attendance this term is 89%. Please contact the office.",
    ])
    _docx(root / "Letters/2024-25/report Millie.docx", [
        "End of year report", "Pupil: Millie Jones", "Date of birth: 2 March 2014",
        "Millie has worked hard in maths.",
    ])
    rows = [[last.upper(), first, dob, "", "5H"] for first, last, dob in others[:25]]
    rows.insert(7, ["JONES", "Amelia", PERSON["dob"], PERSON["upn"], "5H"])
    _class_list(root / "Classes/5H class list.xlsx", rows)
    rows = [[last.upper(), first, dob, "", "3B"] for first, last, dob in others[25:]]
    rows.insert(3, ["JONES", "Oliver", SIBLING["dob"], SIBLING["upn"], "3B"])
    _class_list(root / "Classes/3B class list.xlsx", rows)
    lines = ["Name,DOB,NHS number,Condition,Medication"]
    for i, (first, last, dob) in enumerate(others[:12]):
        lines.append(f'"{last}, {first}",{dob},,eczema,cream')
        if i == 5:
            lines.append(f'"Jones, Amelia",{PERSON["dob"]},{PERSON["nhs"]},asthma,inhaler')
            lines.append(f'"Jones, Oliver",{SIBLING["dob"]},,nut allergy,EpiPen')
    (root / "Medical/medical register.csv").write_text("\n".join(lines) + "\n")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for text in ("School trip consent form", f"Pupil: AMELIA JONES   UPN: {PERSON['upn']}",
                 "I give permission for my child to attend the trip to the museum."):
        pdf.cell(0, 10, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(root / "Trips/consent form.pdf"))
    (root / "Mail/absence.eml").write_text(
        "From: parent@example.org\nTo: office@school.example.org\nSubject: absence\n"
        "Date: Mon, 3 Mar 2025 08:00:00 +0000\nContent-Type: text/plain\n\n"
        f"Hello, Amelia Jones in 5H has a temperature and will stay at home today.\n"
        f"Sarah Jones\n{address}\n")
    (root / "Letters/typo letter.txt").write_text(
        f"Dear parent,\nThis is to confirm Amelia Jnoes (DOB {PERSON['dob']}) will attend "
        "the after-school club.\n")
    _docx(root / "Letters/2024-25/Oliver late letter.docx", [
        "Dear Mr and Mrs Jones,", f"Re: Oliver Jones (DOB {SIBLING['dob']})",
        "Oliver has been late four times this term.",
    ])
    rows = [[last.upper(), first, dob, "", "2B"] for first, last, dob in others[5:30]]
    rows.insert(11, ["JONES", "Amelia", NAMESAKE["dob"], NAMESAKE["upn"], "2B"])
    _class_list(root / "Archive/2019/class list 2019.xlsx", rows)
    _docx(root / "Archive/2019/welcome letter.docx", [
        "Welcome to Reception!", f"Amelia Jones, date of birth {NAMESAKE['dob']}, joins 2B.",
    ])
    (root / "Archive/2019/poetry prize.txt").write_text(
        "Congratulations to Amelia Jones, who won the poetry prize.\n")
    for i, (first, last, dob) in enumerate(others[30:36]):
        _docx(root / f"Letters/other {i}.docx",
              [f"Dear parent of {first} {last},", f"{first} {last} (DOB {dob}) was late."])
    return root


@pytest.fixture(scope="module")
def catalogue(share: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("data")
    db = data / "catalogue.sqlite"
    out = tmp_path_factory.mktemp("scan")
    result = CliRunner().invoke(main, ["scan", str(share), "--out", str(out), "--db", str(db),
                                       "--executor", "serial", "--quiet"])
    assert result.exit_code == 0, result.output
    return db


def _search(db: Path, out: Path, *extra: str) -> dict:
    args = ["--name", "Amelia Jones", "--dob", "2014-03-02", "--db", str(db),
            "--out", str(out), *extra]
    result = CliRunner().invoke(find_person, args)
    assert result.exit_code == 0, result.output
    return json.loads((out / "person.json").read_text())


def _measure(found: list[str]) -> tuple[float, float]:
    hits = len(set(found) & ABOUT)
    return hits / len(ABOUT), hits / len(found)


@pytest.mark.parametrize("extra", [(), ("--rescan",)])
def test_every_file_about_the_person_is_found(catalogue: Path, tmp_path: Path,
                                              extra: tuple[str, ...]) -> None:
    report = _search(catalogue, tmp_path, "--upn", PERSON["upn"], "--postcode",
                     PERSON["postcode"], *extra)
    files = [f["path"] for f in report["files"]]
    aside = [f["path"] for f in report["set_aside"]]
    recall, precision = _measure(files)
    print(f"find-person {' '.join(extra) or '(index)'}: recall {recall:.2f}, "
          f"precision {precision:.2f} ({len(files)} files listed)")
    assert recall == 1.0, sorted(ABOUT - set(files))
    # Siblings are not the person; the namesake's files with their own DOB / UPN are set
    # aside; the namesake's name-only file ranks below every file about the person.
    assert not SIBLING_FILES & set(files) and not SIBLING_FILES & set(aside)
    assert {"Archive/2019/class list 2019.xlsx", "Archive/2019/welcome letter.docx"} <= set(aside)
    assert max(files.index(p) for p in ABOUT) < min(
        [files.index(p) for p in NAMESAKE_FILES if p in files] or [len(files)])
    assert precision >= 7 / 8
    by_path = {f["path"]: f for f in report["files"]}
    assert {"kind": "upn", "count": 1} in by_path["Trips/consent form.pdf"]["matches"]
    assert "DOB next to name" in by_path["Classes/5H class list.xlsx"]["reasons"]
    assert any("nickname" in r for r in by_path["Letters/2024-25/report Millie.docx"]["reasons"])
    assert by_path["Medical/medical register.csv"]["retention_rule"]
    for entry in report["files"]:
        assert {"path", "root", "score", "matches", "retention_rule", "retention_due", "action",
                "flags"} <= set(entry)
    if extra:
        assert all(f["confirmed"] for f in report["files"])
        assert report["search"]["rescan_errors"] == []


def test_the_reports_leak_nothing(catalogue: Path, tmp_path: Path) -> None:
    _search(catalogue, tmp_path, "--upn", PERSON["upn"], "--nhs", PERSON["nhs"],
            "--postcode", PERSON["postcode"])
    html = (tmp_path / "person.html").read_text()
    assert "Content-Security-Policy" in html and "<script" not in html
    book = load_workbook(tmp_path / "person.xlsx")
    assert book["Files"].freeze_panes == "A2" and book["Files"].auto_filter.ref
    query = json.loads((tmp_path / "person.json").read_text())["query"]
    assert query["name"] == "A*** J***"
    for path in tmp_path.iterdir():
        assert path.stat().st_mode & 0o077 == 0
    blob = json.dumps(query) + html
    for raw in (PERSON["upn"], "2014-03-02", PERSON["dob"], "999 000 0018", "B33 8TH"):
        assert raw not in blob


def test_the_catalogue_holds_no_raw_name_or_identifier(catalogue: Path) -> None:
    with sqlite3.connect(catalogue) as db:
        terms = [t for (t,) in db.execute("SELECT term FROM terms")]
    assert terms and all(t.split(":")[0].isalpha() and len(t.split(":")[1]) == 16
                         for t in terms)
    stored = b"".join(p.read_bytes() for p in catalogue.parent.iterdir()
                      if p.name.startswith("catalogue.sqlite")).lower()
    # The term table is the index; the records keep masked evidence only.  Names also
    # appear in the catalogue as file paths ("Amelia Jones attendance letter.docx"), which
    # the catalogue must keep: check the identifiers and the dates of birth.
    for raw in (PERSON["upn"], "9990000018", "999 000 0018", PERSON["dob"], "2014-03-02",
                SIBLING["upn"], NAMESAKE["upn"], "b33 8th"):
        assert raw.lower().encode() not in stored, raw


def test_bad_requests_stop_with_status_2(catalogue: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    bad_upn = runner.invoke(find_person, ["--name", "Amelia Jones", "--upn", "M201000024001",
                                          "--db", str(catalogue), "--out", str(tmp_path)])
    assert bad_upn.exit_code == 2 and "check letter" in bad_upn.output
    missing = runner.invoke(find_person, ["--name", "Amelia Jones", "--db",
                                          str(tmp_path / "none.sqlite"), "--out",
                                          str(tmp_path)])
    assert missing.exit_code == 2 and "no catalogue" in missing.output
