"""A labelled corpus of UK primary-school documents for the accuracy benchmark.

    python bench/accuracy_corpus.py OUT_DIR [--files 400] [--seed 20261128]

writes ``OUT_DIR/share/...`` (the documents) and ``OUT_DIR/truth.json`` (the ground
truth).  ``bench/accuracy.py`` builds it, scans it and scores the scan.

Everything is synthetic and deterministic for a given ``seed`` and ``files``: names come
from Faker('en_GB') plus fixed lists of names common in English schools (O'Neill,
Smith-Jones, Patel, Okafor, Nowak ...); NHS numbers are in the 999 test range and pass
modulus 11; UPNs carry a correct check letter and a real LA code; ULNs pass the ULN check
(and fail the NHS check, and vice versa); phone numbers are Ofcom drama GEOGRAPHIC numbers
in national and +44 forms; IBANs pass mod 97 and card numbers pass Luhn.  Checksum helpers
are imported from ``tests/corpus.py``.

Ground truth (``truth.json``)
    ``{"meta": {...}, "files": [{"path", "kind", "negative", "mentions": {TYPE: n},
    "special_categories": [...], "special_categories_optional": [...],
    "data_subjects": n, "values": {TYPE: [first few raw values]}}]}``

What counts as ONE mention (the way a scanner counts)
    Every planted value is written through a marker, and the truth is counted from the
    markers actually written, so every occurrence is counted and nothing else is.

    * Prose (letters, notes, PDF lines, Word paragraphs, key-value form tables whose cells
      are sentences): one PERSON per written occurrence of a name, whatever its form:
      "Sarah Jones", "Mrs Jones", "Mrs S. Jones", "JONES, Amelia", a bare first name
      ("Amelia has settled well"), a possessive ("Amelia's").  "Mum", "the Headteacher",
      "St Mary's Church" or "Father Christmas" are not names of data subjects: 0.
    * Tables (CSV, sheets, Word tables read by columns): one PERSON per ROW however many
      name columns the row has (Forename + Surname, or a pupil and a contact name), and
      one mention per identifier cell (a UPN cell, a DOB cell, an email cell ...).
      A sort code and an account number in two cells of one row are ONE UK_BANK_ACCOUNT.
      Free-text cells (notes) count like prose.
    * UK_BANK_ACCOUNT in prose: one per sort code + account number pair.
    * DATE_OF_BIRTH: only dates cued as dates of birth ("DOB", "D.O.B.", "Date of birth",
      "born on", "Born:") or in a DOB column.  Letter dates, term dates, meeting dates,
      review dates, baptism dates and passport expiry dates are not.
    * A value counts whoever it belongs to: the school's own postcode and office phone in
      a letterhead are a UK_POSTCODE and a PHONE_NUMBER mention (they belong to no data
      subject).

Special categories
    ``special_categories`` lists the categories the file reveals about identifiable
    people (health, sen, safeguarding, ethnicity, religion, biometric, fsm,
    looked_after).  Documents about no one (policies, newsletters, strategy statements,
    blank templates) have none, even when they use the vocabulary.  A category in
    ``special_categories_optional`` is neither required nor a false positive (an SEN
    review implies health; a PEP review may imply safeguarding).

Data subjects
    The number of distinct people the file holds data about: every distinct person named
    or identified in prose, plus one per table row holding personal data (the pupil or
    member of staff the row is about, even when the row also holds a parent's email); a
    person who appears in prose and in a table, or on two sheets, counts once.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from faker import Faker

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.corpus import (  # noqa: E402
    ENTITY_TYPES,
    POSTCODE_STRICT_RE,
    _latin1,
    _normalise_zip,
    iban_is_valid,
    luhn_is_valid,
    nhs_check_digit,
    nhs_is_valid,
    uln_is_valid,
    upn_check_letter,
    upn_is_valid,
)

CATEGORIES: tuple[str, ...] = (
    "health", "sen", "safeguarding", "ethnicity", "religion", "biometric", "fsm",
    "looked_after",
)
SCHOOL = "Oakfield Primary School"
DEFAULT_SEED = 20261128
DEFAULT_FILES = 400
VALUES_KEPT = 6  # raw values kept per type and file in truth.json, for --explain

# --------------------------------------------------------------------------- markers

_OPEN, _SEP, _CLOSE = "\x02", "\x1f", "\x03"
_MARK_RE = re.compile("\x02([A-Z_]+)\x1f(-?\\d+)\x1f([^\x02\x03]*)\x03")


def mark(entity_type: str, sid: int, value: str) -> str:
    """``value`` wrapped in a marker that records one mention of ``entity_type``.

    ``sid`` is the data subject the value belongs to (0: nobody, e.g. the school)."""
    if entity_type not in ENTITY_TYPES:
        raise ValueError(f"unknown entity type {entity_type}")
    return f"{_OPEN}{entity_type}{_SEP}{sid}{_SEP}{value}{_CLOSE}"


def plain(text: str) -> str:
    """``text`` as written to the file: markers removed, values kept."""
    return _MARK_RE.sub(lambda m: m.group(3), text)


def marks_in(text: str) -> list[tuple[str, int, str]]:
    """(type, subject, value) for every marker in ``text``."""
    return [(m.group(1), int(m.group(2)), m.group(3)) for m in _MARK_RE.finditer(text)]


# --------------------------------------------------------------------------- document model


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell holding one value of ``etype`` (None: a plain cell).

    ``text`` is how it reads in CSV and Word; ``xlsx`` (optional) is the native value a
    spreadsheet stores (a date cell)."""

    etype: str | None
    sid: int
    text: str
    xlsx: object = None


@dataclass(slots=True)
class Para:
    text: str
    heading: bool = False
    where: str = "body"  # "body", "header" or "footer" (Word only)


@dataclass(slots=True)
class Table:
    rows: list[list[object]]  # str (may hold markers), int, float, Cell
    title: str = "Sheet1"  # sheet name in a workbook
    subjects: list[int | None] | None = None  # explicit row subject (else the row's first)
    formats: dict[int, str] = field(default_factory=dict)  # xlsx number format by column


class PageBreak:
    pass


Block = Para | Table | PageBreak


@dataclass(slots=True)
class Doc:
    path: str
    kind: str
    blocks: list[Block]
    categories: set[str] = field(default_factory=set)
    optional: set[str] = field(default_factory=set)
    negative: bool = False
    title: str = ""


# --------------------------------------------------------------------------- truth


def truth_of(doc: Doc) -> dict[str, object]:
    """The ground truth record of ``doc`` (see the module docstring for the rules)."""
    mentions: Counter[str] = Counter()
    values: dict[str, list[str]] = {}
    subjects: set[int] = set()

    def add(etype: str, value: str) -> None:
        mentions[etype] += 1
        kept = values.setdefault(etype, [])
        if len(kept) < VALUES_KEPT:
            kept.append(value)

    for block in doc.blocks:
        if isinstance(block, Para):
            for etype, sid, value in marks_in(block.text):
                add(etype, value)
                if sid > 0:
                    subjects.add(sid)
        elif isinstance(block, Table):
            for index, row in enumerate(block.rows):
                person_counted = False
                row_sid: int | None = None
                sort_code_pending = False
                for cell in row:
                    if isinstance(cell, Cell) and cell.etype:
                        if cell.etype == "PERSON":
                            if person_counted:
                                continue
                            person_counted = True
                        if cell.etype == "UK_BANK_ACCOUNT":
                            # Sort code and account number cells of one row: one pair.
                            if sort_code_pending:
                                continue
                            sort_code_pending = True
                        add(cell.etype, cell.text)
                        if row_sid is None:
                            row_sid = cell.sid
                    elif isinstance(cell, str):
                        for etype, sid, value in marks_in(cell):
                            add(etype, value)
                            if sid > 0:
                                subjects.add(sid)
                explicit = block.subjects[index] if block.subjects else None
                sid = explicit if explicit is not None else row_sid
                if sid:
                    subjects.add(sid)
    return {
        "path": doc.path,
        "kind": doc.kind,
        "negative": doc.negative,
        "mentions": {t: mentions[t] for t in ENTITY_TYPES if mentions[t]},
        "special_categories": sorted(doc.categories, key=CATEGORIES.index),
        "special_categories_optional": sorted(doc.optional - doc.categories,
                                              key=CATEGORIES.index),
        "data_subjects": len(subjects),
        "values": values,
    }


# --------------------------------------------------------------------------- renderers

_FIXED_DT = dt.datetime(2025, 1, 6, 9, 0, 0)


def _cell_text(cell: object) -> str:
    if isinstance(cell, Cell):
        return cell.text
    if isinstance(cell, str):
        return plain(cell)
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:.2f}"
    return str(cell)


def render_txt(doc: Doc) -> bytes:
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Para):
            out.append(plain(block.text))
        elif isinstance(block, Table):
            out.append("\n".join("\t".join(_cell_text(c) for c in row) for row in block.rows))
        else:
            out.append("\f")
    # Paragraphs are separated by a blank line, as people type letters.
    return ("\n\n".join(out) + "\n").encode("utf-8")


def render_csv(doc: Doc) -> bytes:
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    if len(tables) != 1 or len(tables) != len(doc.blocks):
        raise ValueError(f"{doc.path}: a CSV holds exactly one table")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in tables[0].rows:
        writer.writerow([_cell_text(c) for c in row])
    return buf.getvalue().encode("utf-8")


def render_docx(doc: Doc) -> bytes:
    from docx import Document
    from docx.enum.text import WD_BREAK

    document = Document()
    props = document.core_properties
    props.author = SCHOOL
    props.last_modified_by = SCHOOL
    props.created = _FIXED_DT
    props.modified = _FIXED_DT
    props.revision = 1
    props.title = doc.title
    for block in doc.blocks:
        if isinstance(block, Para):
            text = plain(block.text)
            if block.where == "header":
                document.sections[0].header.paragraphs[0].text = text
            elif block.where == "footer":
                document.sections[0].footer.paragraphs[0].text = text
            elif block.heading:
                document.add_heading(text, level=1)
            else:
                document.add_paragraph(text)
        elif isinstance(block, Table):
            width = max(len(r) for r in block.rows)
            table = document.add_table(rows=0, cols=width)
            table.style = "Table Grid"
            for row in block.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, list(row) + [""] * (width - len(row)),
                                       strict=True):
                    cell.text = _cell_text(value)
        else:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    buf = io.BytesIO()
    document.save(buf)
    return _normalise_zip(buf.getvalue())


def render_xlsx(doc: Doc) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.properties.creator = SCHOOL
    workbook.properties.created = _FIXED_DT
    workbook.properties.modified = _FIXED_DT
    first = True
    for block in doc.blocks:
        if not isinstance(block, Table):
            raise ValueError(f"{doc.path}: a workbook holds tables only")
        sheet = workbook.active if first else workbook.create_sheet()
        first = False
        sheet.title = block.title
        for row in block.rows:
            values: list[object] = []
            for cell in row:
                if isinstance(cell, Cell):
                    values.append(cell.xlsx if cell.xlsx is not None else cell.text)
                elif isinstance(cell, str):
                    values.append(plain(cell))
                else:
                    values.append(cell)
            sheet.append(values)
        for column, number_format in block.formats.items():
            for (cell,) in sheet.iter_rows(min_col=column + 1, max_col=column + 1):
                if isinstance(cell.value, dt.date | dt.datetime | int | float):
                    cell.number_format = number_format
    buf = io.BytesIO()
    workbook.save(buf)
    return _normalise_zip(buf.getvalue())


_PDF_WIDTH_MM = 180.0


def _wrap_marked(pdf: object, text: str) -> list[str]:
    """Wrap marked ``text`` to the page width without ever breaking inside a value."""
    protected = _MARK_RE.sub(lambda m: m.group(0).replace(" ", "\x01"), text)
    lines: list[str] = []
    current = ""
    for atom in protected.split(" "):
        candidate = f"{current} {atom}" if current else atom
        width = pdf.get_string_width(_latin1(plain(candidate.replace("\x01", " "))))
        if current and width > _PDF_WIDTH_MM:
            lines.append(current)
            current = atom
        else:
            current = candidate
    lines.append(current)
    return [_latin1(plain(line.replace("\x01", " "))) for line in lines]


def render_pdf(doc: Doc) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(_FIXED_DT.replace(tzinfo=dt.UTC))
    pdf.set_title(_latin1(doc.title or Path(doc.path).stem))
    pdf.set_author(SCHOOL)
    pdf.set_producer("dpscan accuracy corpus")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    for block in doc.blocks:
        if isinstance(block, PageBreak):
            pdf.add_page()
            continue
        if isinstance(block, Table):
            paras = [
                Para(": ".join(c if isinstance(c, str) else _cell_text(c) for c in row)
                     if len(row) == 2 else "   ".join(
                         c if isinstance(c, str) else _cell_text(c) for c in row))
                for row in block.rows
            ]
        else:
            paras = [block]
        for para in paras:
            pdf.set_font("Helvetica", style="B" if para.heading else "", size=11)
            for raw_line in para.text.split("\n"):
                for line in _wrap_marked(pdf, raw_line) if raw_line else [""]:
                    pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


RENDERERS: dict[str, Callable[[Doc], bytes]] = {
    ".txt": render_txt,
    ".csv": render_csv,
    ".docx": render_docx,
    ".xlsx": render_xlsx,
    ".pdf": render_pdf,
}

# --------------------------------------------------------------------------- people and values

_FIRST_F = ("Aisha", "Zainab", "Amara", "Priya", "Wiktoria", "Fatima", "Maryam", "Zofia",
            "Ananya", "Simran", "Ngozi", "Sofia", "Chloé", "Zoë", "Renée", "Oluwaseun",
            "Hafsa", "Niamh", "Siobhan", "Mei")
_FIRST_M = ("Mohammed", "Ayaan", "Kacper", "Yusuf", "Ibrahim", "Chidi", "Arjun", "Aleksander",
            "Hamza", "Mateo", "José", "Kwame", "Oisín", "Ravi", "Tomasz", "Emeka", "Ciarán",
            "Jakub", "Bilal", "Dev")
_LAST = ("Patel", "Khan", "Begum", "Ahmed", "Hussain", "Singh", "Kaur", "Okafor", "Adeyemi",
         "Mensah", "Nowak", "Kowalski", "Wisniewski", "O'Neill", "O'Brien", "O'Connor",
         "McDonald", "McLaughlin", "MacLeod", "Smith-Jones", "Taylor-Reid", "Chen", "Nguyen",
         "Ali", "Popescu", "Silva", "Dimitrov", "Yilmaz", "Rahman", "Islam", "Osei",
         "Ibrahim", "Fitzgerald", "D'Souza", "Van Dijk", "Da Costa")
_STREETS = ("Mill Lane", "Church Road", "Station Road", "High Street", "Victoria Road",
            "Park Avenue", "Queens Road", "Manor Way", "Orchard Close", "Elm Grove",
            "The Crescent", "Meadow View", "Chapel Street", "Westfield Drive", "Beech Avenue",
            "Springfield Road", "Kingsway", "Hollins Lane", "Cross Street", "Brook Close",
            "Farm Road", "Green Lane", "Willow Court", "Oak Tree Road", "Albert Terrace")
_AREAS = (("Leeds", "LS", 1, 29), ("Bradford", "BD", 1, 24), ("Manchester", "M", 1, 40),
          ("Birmingham", "B", 1, 48), ("Bristol", "BS", 1, 16), ("Newcastle upon Tyne", "NE",
          1, 15), ("Cardiff", "CF", 3, 24), ("Belfast", "BT", 1, 17), ("Glasgow", "G", 1, 53),
          ("Edinburgh", "EH", 1, 17), ("Reading", "RG", 1, 31), ("Harrogate", "HG", 1, 5),
          ("York", "YO", 1, 32), ("Sheffield", "S", 1, 14), ("Nottingham", "NG", 1, 16),
          ("Liverpool", "L", 1, 38), ("Oxford", "OX", 1, 4), ("London", "SE", 1, 28),
          ("London", "E", 1, 18), ("London", "N", 1, 22))
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"
_PHONE_RANGES = (("020", "7946 0"), ("0113", "496 0"), ("0161", "496 0"), ("0117", "496 0"),
                 ("0118", "496 0"), ("0121", "496 0"), ("0131", "496 0"), ("0141", "496 0"),
                 ("0191", "498 0"), ("028", "9649 6"), ("029", "2018 0"))
# LA codes known to python-stdnum's list (a UPN with an unknown LA code is not valid there).
_LA_CODES = ("201", "202", "203", "204", "206", "208", "209", "210", "211", "212", "213",
             "330", "331", "332", "335", "336", "341", "350", "352", "380", "383", "390",
             "391", "801", "850", "855", "873", "919", "926", "936")
_EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "example.co.uk")
_TREES = ("Oak", "Ash", "Willow", "Rowan", "Birch", "Hazel", "Elm", "Maple", "Cedar", "Holly")
_YEARS = ("Reception", "Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Year 6")
_BANK_CODES = (("NWBK", "60"), ("BARC", "20"), ("HBUK", "40"), ("LOYD", "30"), ("MIDL", "40"))
_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
# Prefixes never issued (HMRC NIM39110) and administrative non-NINO prefixes.
NINO_NEVER = ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ")
NINO_ADMIN = ("OO", "CR", "FY", "MW", "NC", "PP", "PY", "PZ")


@dataclass(slots=True)
class Person:
    sid: int
    first: str
    last: str
    female: bool
    title: str
    dob: dt.date

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(slots=True)
class Address:
    street: str
    town: str
    postcode: str


class Gen:
    """Seeded generators for people and identifiers (unique within one corpus)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self._used: set[str] = set()
        self._sid = 0
        self.school_postcode = "HG3 5AB"
        self.school_phone = "0113 496 0999"
        self._used.update({"HG35AB", "01134960999"})
        self.staff = [self.adult(female=f) for f in (True, True, False, True, False, True)]

    # ---- basics
    def pick(self, seq):  # noqa: ANN001, ANN201 - any sequence
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def new_sid(self) -> int:
        self._sid += 1
        return self._sid

    def unique(self, make: Callable[[], str], key: Callable[[str], str] | None = None) -> str:
        for _ in range(20_000):
            value = make()
            k = key(value) if key else value
            if k not in self._used:
                self._used.add(k)
                return value
        raise RuntimeError("could not generate a unique value")

    # ---- people
    def first_name(self, female: bool) -> str:
        if self.chance(0.3):
            return self.pick(_FIRST_F if female else _FIRST_M)
        return self.fake.first_name_female() if female else self.fake.first_name_male()

    def last_name(self) -> str:
        if self.chance(0.3):
            return self.pick(_LAST)
        return self.fake.last_name()

    def child(self, last: str | None = None) -> Person:
        female = self.chance(0.5)
        start = dt.date(2013, 9, 1)
        dob = start + dt.timedelta(days=self.rng.randrange((dt.date(2021, 8, 31) - start).days))
        return Person(self.new_sid(), self.first_name(female), last or self.last_name(), female,
                      "", dob)

    def adult(self, female: bool | None = None, last: str | None = None) -> Person:
        if female is None:
            female = self.chance(0.6)
        title = self.pick(("Mrs", "Mrs", "Ms", "Miss")) if female else "Mr"
        if self.chance(0.05):
            title = "Dr"
        start = dt.date(1962, 1, 1)
        dob = start + dt.timedelta(days=self.rng.randrange((dt.date(2001, 12, 31) - start).days))
        return Person(self.new_sid(), self.first_name(female), last or self.last_name(), female,
                      title, dob)

    def family(self) -> tuple[Person, Person, Address]:
        child = self.child()
        parent = self.adult(last=child.last if self.chance(0.8) else None)
        return parent, child, self.address()

    def address(self) -> Address:
        town, area, low, high = self.pick(_AREAS)
        return Address(f"{self.rng.randrange(1, 180)} {self.pick(_STREETS)}", town,
                       self.postcode(area, low, high))

    # ---- identifiers
    def postcode(self, area: str | None = None, low: int = 1, high: int = 20) -> str:
        if area is None:
            _, area, low, high = self.pick(_AREAS)

        def make() -> str:
            while True:
                value = (f"{area}{self.rng.randrange(low, high + 1)} {self.rng.randrange(10)}"
                         f"{self.pick(_INWARD)}{self.pick(_INWARD)}")
                if POSTCODE_STRICT_RE.match(value):
                    return value

        return self.unique(make, key=lambda v: v.replace(" ", ""))

    def phone(self) -> str:
        area, local = self.pick(_PHONE_RANGES)
        national = self.unique(lambda: f"{area} {local}{self.rng.randrange(1000):03d}",
                               key=lambda v: v.replace(" ", ""))
        style = self.rng.random()
        if style < 0.6:
            return national
        if style < 0.7:
            return national.replace(" ", "")
        if style < 0.9:
            return "+44 " + national[1:]
        return "+44 (0)" + national[1:]

    def email(self, person: Person, domain: str | None = None) -> str:
        def make() -> str:
            first = re.sub(r"[^a-z]", "", _ascii(person.first).lower())
            last = re.sub(r"[^a-z]", "", _ascii(person.last).lower())
            local = self.pick((f"{first}.{last}", f"{first[0]}{last}", f"{first}{last}",
                               f"{last}.{first[0]}"))
            if self.chance(0.6):
                local += str(self.rng.randrange(1, 99))
            return f"{local}@{domain or self.pick(_EMAIL_DOMAINS)}"

        return self.unique(make, key=str.lower)

    def nhs(self) -> str:
        def make() -> str:
            while True:
                first9 = "999" + "".join(self.pick("0123456789") for _ in range(6))
                check = nhs_check_digit(first9)
                if check is None:
                    continue
                value = f"{first9}{check}"
                if nhs_is_valid(value) and not uln_is_valid(value):
                    return value

        value = self.unique(make)
        style = self.rng.random()
        if style < 0.6:
            return f"{value[:3]} {value[3:6]} {value[6:]}"
        if style < 0.85:
            return value
        return f"{value[:3]}-{value[3:6]}-{value[6:]}"

    def upn(self) -> str:
        def make() -> str:
            body = (self.pick(_LA_CODES) + f"{self.pick('2345')}{self.rng.randrange(1000):03d}"
                    + f"{self.rng.randrange(13, 22):02d}" + f"{self.rng.randrange(1, 1000):03d}")
            value = upn_check_letter(body) + body
            assert upn_is_valid(value)
            return value

        return self.unique(make)

    def bad_upn(self) -> str:
        """UPN-shaped (letter, real LA code, 11 more digits) with a WRONG check letter."""
        def make() -> str:
            body = (self.pick(_LA_CODES) + f"{self.rng.randrange(2000, 6000)}"
                    + f"{self.rng.randrange(10**5):05d}")
            good = upn_check_letter(body)
            letter = self.pick([c for c in "ABCDEFGHJKLMNPQRTUVWXYZ" if c != good])
            value = letter + body
            assert not upn_is_valid(value)
            return value

        return self.unique(make)

    def uln(self) -> str:
        def make() -> str:
            while True:
                first9 = str(self.rng.randrange(1, 10)) + "".join(
                    self.pick("0123456789") for _ in range(8))
                r = sum(int(d) * (10 - i) for i, d in enumerate(first9)) % 11
                if r == 0:
                    continue
                value = f"{first9}{10 - r}"
                if len(value) == 10 and uln_is_valid(value) and not nhs_is_valid(value):
                    return value

        return self.unique(make)

    def ten_digit_decoy(self, prefix: str = "") -> str:
        """A 10-digit number that fails both the NHS and the ULN check."""
        def make() -> str:
            while True:
                value = prefix + "".join(self.pick("0123456789") for _ in range(10 - len(prefix)))
                if value[0] != "0" and not nhs_is_valid(value) and not uln_is_valid(value):
                    return value

        return self.unique(make)

    def nino(self) -> str:
        def make() -> str:
            while True:
                prefix = self.pick(_NINO_FIRST) + self.pick(_NINO_SECOND)
                if prefix not in NINO_NEVER and prefix not in NINO_ADMIN:
                    break
            digits = "".join(self.pick("0123456789") for _ in range(6))
            return prefix + digits + self.pick("ABCD")

        value = self.unique(make)
        if self.chance(0.6):
            return f"{value[:2]} {value[2:4]} {value[4:6]} {value[6:8]} {value[8]}"
        return value

    def bad_nino(self) -> str:
        """NINO-shaped, but with a prefix that is never a NINO."""
        style = self.rng.random()
        if style < 0.4:
            prefix = self.pick(NINO_NEVER + ("QQ",))
        elif style < 0.75:
            prefix = self.pick("DFIQUV") + self.pick(_NINO_SECOND)
        elif style < 0.85:
            prefix = self.pick(_NINO_FIRST) + "O"
        else:
            prefix = self.pick(NINO_ADMIN)
        value = self.unique(lambda: prefix + "".join(self.pick("0123456789") for _ in range(6))
                            + self.pick("ABCD"))
        if self.chance(0.6):
            return f"{value[:2]} {value[2:4]} {value[4:6]} {value[6:8]} {value[8]}"
        return value

    def passport(self) -> str:
        return self.unique(lambda: str(self.rng.randrange(1, 10)) + "".join(
            self.pick("0123456789") for _ in range(8)))

    def licence(self, person: Person) -> str:
        letters = re.sub(r"[^A-Z]", "", _ascii(person.last).upper())
        if letters.startswith("MAC"):
            letters = "MC" + letters[3:]
        surname = (letters + "99999")[:5]
        year = f"{person.dob.year:04d}"
        month = person.dob.month + (50 if person.female else 0)
        initials = (_ascii(person.first)[0].upper() + self.pick("ABCDEFGHJKLMNPRSTW9"))
        return self.unique(lambda: f"{surname}{year[2]}{month:02d}{person.dob.day:02d}{year[3]}"
                           f"{initials}9{self.pick('ABCDEFGHJKLMNPRSTUVWXYZ')}"
                           f"{self.pick('ABCDEFGHJKLMNPRSTUVWXYZ')}")

    def bank(self) -> tuple[str, str, str]:
        """(bank code, sort code NN-NN-NN, 8-digit account number)."""
        code, lead = self.pick(_BANK_CODES)
        sort = f"{lead}-{self.rng.randrange(100):02d}-{self.rng.randrange(100):02d}"
        account = self.unique(lambda: f"{self.rng.randrange(10**7, 10**8)}")
        return code, sort, account

    def iban(self) -> str:
        code, sort, account = self.bank()
        bban = code + sort.replace("-", "") + account
        check = 98 - int("".join(str(int(ch, 36)) for ch in bban + "GB00")) % 97
        value = f"GB{check:02d}{bban}"
        assert iban_is_valid(value)
        self._used.add(value)
        if self.chance(0.7):
            return " ".join(value[i:i + 4] for i in range(0, len(value), 4))
        return value

    def card(self) -> str:
        def make() -> str:
            body = self.pick(("4", "51", "52", "53", "54", "55"))
            body += "".join(self.pick("0123456789") for _ in range(15 - len(body)))
            return next(body + d for d in "0123456789" if luhn_is_valid(body + d))

        digits = self.unique(make)
        style = self.rng.random()
        if style < 0.6:
            return " ".join(digits[i:i + 4] for i in range(0, 16, 4))
        if style < 0.8:
            return "-".join(digits[i:i + 4] for i in range(0, 16, 4))
        return digits

    # ---- dates
    def date_text(self, date: dt.date, style: str | None = None) -> str:
        if style is None:
            style = self.pick(("dmy", "dmy", "dmy", "dmy", "d/m/y", "dmy-", "iso", "long",
                               "ord", "dmyy"))
        return format_date(date, style)

    def dob_phrase(self, person: Person) -> str:
        """A cued date of birth, e.g. "DOB: 03/02/2016" (the date is marked)."""
        cue = self.pick(("DOB: ", "DOB ", "D.O.B. ", "Date of birth: ", "Date of Birth: ",
                         "born on ", "Born: "))
        return cue + mark("DATE_OF_BIRTH", person.sid, self.date_text(person.dob))

    def day_in(self, year: int) -> dt.date:
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(360))


def format_date(date: dt.date, style: str) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}
    return {
        "dmy": date.strftime("%d/%m/%Y"),
        "d/m/y": f"{date.day}/{date.month}/{date.year}",
        "dmy-": date.strftime("%d-%m-%Y"),
        "iso": date.isoformat(),
        "long": f"{date.day} {date.strftime('%B %Y')}",
        "ord": f"{date.day}{suffix.get(date.day, 'th')} {date.strftime('%B %Y')}",
        "dmyy": date.strftime("%d.%m.%y"),
    }[style]


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


# --------------------------------------------------------------------------- name forms


def N(p: Person, form: str = "full") -> str:  # noqa: N802 - reads like a template tag
    """A marked PERSON mention of ``p`` in one of its written forms."""
    text = {
        "full": p.full,
        "first": p.first,
        "formal": f"{p.title} {p.last}",
        "formal_full": f"{p.title} {p.full}",
        "initial": f"{p.title} {p.first[0]}. {p.last}",
        "caps": f"{p.last.upper()}, {p.first}",
        "caps_first": f"{p.first} {p.last.upper()}",
    }[form]
    return mark("PERSON", p.sid, text)


def M(etype: str, p: Person | int, value: str) -> str:  # noqa: N802
    return mark(etype, p if isinstance(p, int) else p.sid, value)


def C(etype: str | None, p: Person | int, text: str, xlsx: object = None) -> Cell:  # noqa: N802
    return Cell(etype, p if isinstance(p, int) else p.sid, text, xlsx)


def staff_sig(g: Gen, role: str) -> tuple[Person, str]:
    person = g.pick(g.staff)
    return person, f"{N(person, g.pick(('initial', 'formal', 'formal_full')))}\n{role}"


def letterhead(g: Gen, with_contacts: bool) -> list[Para]:
    if not with_contacts:
        return [Para(SCHOOL, heading=True)]
    return [Para(SCHOOL, heading=True),
            Para(f"Mill Lane, Harrowby, {M('UK_POSTCODE', 0, g.school_postcode)}  "
                 f"Tel: {M('PHONE_NUMBER', 0, g.school_phone)}")]


def letter_date(g: Gen) -> str:
    return format_date(g.day_in(g.pick((2022, 2023, 2024))), "long")


def year_group(child: Person) -> str:
    """The child's year group in 2024-25 (born 1 Sep 2019 - 31 Aug 2020: Reception)."""
    cohort = child.dob.year - (0 if child.dob.month >= 9 else 1)  # Sept-to-Aug birth year
    n = 2019 - cohort
    return "Nursery" if n < 0 else "Reception" if n == 0 else f"Year {n}"


def ay(g: Gen) -> str:
    year = g.pick((2021, 2022, 2023, 2024))
    return f"{year}-{(year + 1) % 100:02d}"


def fmt_for(i: int, options: tuple[str, ...]) -> str:
    return options[i % len(options)]


# --------------------------------------------------------------------------- positive kinds

_TOPICS = ("Parents' evening", "School photographs", "Reading records", "Sports day",
           "Year 6 residential", "After-school clubs", "Harvest assembly", "Attendance",
           "Homework club", "Class assembly")


def k_letter(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".txt", ".docx", ".txt", ".pdf", ".docx"))
    parent, child, addr = g.family()
    topic = _TOPICS[i % len(_TOPICS)]
    year, tree = year_group(child), g.pick(_TREES)
    blocks = letterhead(g, g.chance(0.5))
    blocks += [
        Para(letter_date(g)),
        Para(f"{N(parent, 'formal_full')}\n{addr.street}\n{addr.town}\n"
             f"{M('UK_POSTCODE', parent, addr.postcode)}"),
        Para(f"Dear {N(parent, 'formal')},"),
    ]
    re_line = f"Re: {N(child)} ({year}, {tree} class)"
    if g.chance(0.5):
        re_line += f", {g.dob_phrase(child)}"
    blocks.append(Para(re_line))
    body = {
        "Attendance": f"{N(child, 'first')}'s attendance this term is 91%, below the school "
                      "target of 96%. We would like to meet you to talk about how we can help.",
        "Year 6 residential": f"{N(child, 'first')} has a place on the Year 6 residential in "
                              "June. The balance of £145 is due by the end of half term.",
    }.get(topic, f"I am writing about {topic.lower()} arrangements for {N(child, 'first')} "
                 "this term. Please return the reply slip by Friday.")
    blocks.append(Para(body))
    contact = (f"We hold the following contact details for you; please tell the office if "
               f"they change. Email: {M('EMAIL_ADDRESS', parent, g.email(parent))}. "
               f"Telephone: {M('PHONE_NUMBER', parent, g.phone())}.")
    if g.chance(0.7):
        blocks.append(Para(contact))
    if g.chance(0.3):
        blocks.append(Para(f"If you have any questions, {N(child, 'first')}'s class teacher "
                           "is happy to help."))
    _, sig = staff_sig(g, g.pick(("Headteacher", "Class teacher", "Deputy Headteacher")))
    blocks.append(Para(f"Yours sincerely,\n{sig}"))
    return Doc(f"Admin/Letters home/{ay(g)}/{topic} letter {i + 1:03d}{ext}", "letter", blocks,
               title=f"{topic} letter")


_SURNAME_H = ("Surname", "Legal Surname", "SURNAME", "Last Name", "Preferred Surname")
_FORENAME_H = ("Forename", "Pupil Forename", "First Name", "Legal Forename", "Forename(s)")
_DOB_H = ("DOB", "D.O.B", "Date of Birth", "Birth Date", "DOB (dd/mm/yyyy)")
_UPN_H = ("UPN", "Unique Pupil Number", "UPN No.")
_POSTCODE_H = ("Postcode", "Post Code", "Home Postcode")
_EMAIL_H = ("Parent Email", "Contact 1 Email", "Email Address", "Primary Contact Email")
_PHONE_H = ("Contact 1 Mobile", "Phone", "Home Telephone", "Contact 1 Phone", "Tel")
_SEN_H = ("SEN Status", "SEN Provision", "SEN")
_FSM_H = ("FSM", "FSM Eligible", "Free School Meals")
_ETH_H = ("Ethnicity", "Ethnic Code")
_MED_H = ("Medical", "Medical Conditions", "Medical Notes")
_ETHNIC_CODES = ("WBRI", "WBRI", "WBRI", "WOTH", "WPOL", "APKN", "AIND", "ABAN", "BAFR",
                 "BCRB", "MWBC", "MWAS", "CHNE", "WIRT", "OOTH", "REFU")
_MEDICAL = ("Asthma", "Nut allergy (EpiPen in office)", "Eczema", "Type 1 diabetes",
            "Epilepsy", "Hay fever", "Coeliac disease", "Dairy allergy")
_BLANK = ("", "N", "No", "None", "-", "n/a")


def _dob_cell(g: Gen, p: Person, xlsx: bool, style: str) -> Cell:
    if xlsx and style == "date":
        return C("DATE_OF_BIRTH", p, format_date(p.dob, "dmy"),
                 dt.datetime(p.dob.year, p.dob.month, p.dob.day))
    return C("DATE_OF_BIRTH", p, format_date(p.dob, "dmy" if style == "date" else style))


def _class_table(g: Gen, rows_n: int, xlsx: bool, cats: set[str],
                 families: list[tuple[Person, Person, str, str]] | None = None) -> Table:
    """A pupil list; ``families`` (if given) receives (parent, child, email, phone)."""
    cols = ["upn"] if g.chance(0.8) else []
    cols += ["surname", "forename"]
    cols += [c for c, p in (("dob", 0.85), ("gender", 0.5), ("postcode", 0.6),
                            ("email", 0.6), ("phone", 0.6), ("sen", 0.35), ("fsm", 0.35),
                            ("ethnicity", 0.25), ("medical", 0.3)) if g.chance(p)]
    heads = {"upn": g.pick(_UPN_H), "surname": g.pick(_SURNAME_H),
             "forename": g.pick(_FORENAME_H), "dob": g.pick(_DOB_H), "gender": "Gender",
             "postcode": g.pick(_POSTCODE_H), "email": g.pick(_EMAIL_H),
             "phone": g.pick(_PHONE_H), "sen": g.pick(_SEN_H), "fsm": g.pick(_FSM_H),
             "ethnicity": g.pick(_ETH_H), "medical": g.pick(_MED_H)}
    caps = g.chance(0.7)
    dob_style = g.pick(("date", "date", "iso", "dmy-"))
    rows: list[list[object]] = [[heads[c] for c in cols]]
    flags = Counter()
    for _ in range(rows_n):
        parent, child, addr = g.family()
        email, phone = g.email(parent), g.phone()
        if families is not None:
            families.append((parent, child, email, phone))
        row: list[object] = []
        for c in cols:
            if c == "upn":
                row.append(C("UK_UPN", child, g.upn()))
            elif c == "surname":
                row.append(C("PERSON", child, child.last.upper() if caps else child.last))
            elif c == "forename":
                row.append(C("PERSON", child, child.first))
            elif c == "dob":
                row.append(_dob_cell(g, child, xlsx, dob_style))
            elif c == "gender":
                row.append("F" if child.female else "M")
            elif c == "postcode":
                row.append(C("UK_POSTCODE", child, addr.postcode))
            elif c == "email":
                row.append(C("EMAIL_ADDRESS", child, email))
            elif c == "phone":
                row.append(C("PHONE_NUMBER", child, phone))
            elif c == "sen":
                value = g.pick(("N", "N", "N", "N", "K", "K", "E"))
                flags["sen"] += value in "KE"
                row.append(value)
            elif c == "fsm":
                value = g.pick(("N", "N", "N", "Y", "")) if g.chance(0.9) else "Yes"
                flags["fsm"] += value in ("Y", "Yes")
                row.append(value)
            elif c == "ethnicity":
                value = g.pick(_ETHNIC_CODES)
                flags["ethnicity"] += value != "REFU"
                row.append(value)
            elif c == "medical":
                value = g.pick(_MEDICAL) if g.chance(0.25) else g.pick(_BLANK)
                flags["health"] += value not in _BLANK
                row.append(value)
        rows.append(row)
    cats.update(k for k, v in flags.items() if v)
    formats = {cols.index("dob"): "DD/MM/YYYY"} if "dob" in cols else {}
    return Table(rows, title="Pupils", formats=formats)


def k_class_list(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".csv", ".xlsx"))
    year, tree = _YEARS[i % 7], _TREES[i % len(_TREES)]
    cats: set[str] = set()
    rows_n = 180 if i == 0 else g.rng.randrange(18, 32)
    families: list[tuple[Person, Person, str, str]] = []
    table = _class_table(g, rows_n, ext == ".xlsx", cats, families)
    name = "Whole school" if i == 0 else f"{year} {tree}"
    blocks: list[Block] = [table]
    if ext == ".xlsx":
        table.title = name[:31]
        if g.chance(0.3):  # a report title above the headings, as SIMS prints them
            table.rows[:0] = [[f"{name.upper()} - CLASS LIST {ay(g)}"], []]
        if g.chance(0.5):
            blocks.append(_contacts_sheet(g, families))
        if g.chance(0.5):
            blocks.append(Table([["Group", "Boys", "Girls", "Total"],
                                 [name, 14, 15, 29], ["", "", "Total", 29]], title="Summary"))
    return Doc(f"Class Lists/{ay(g)}/{name}{ext}", "class_list", blocks, categories=cats,
               title=f"{name} class list")


def _contacts_sheet(g: Gen, families: list[tuple[Person, Person, str, str]]) -> Table:
    """A sheet of contacts for the first pupils of the class sheet: the pupil's name, the
    named contact (a new data subject), relationship, phone and email."""
    rows: list[list[object]] = [["Pupil", "Contact Name", "Relationship", "Mobile", "Email"]]
    subjects: list[int | None] = [None]
    for parent, child, email, phone in families[:12]:
        rows.append([C("PERSON", child, child.full), C("PERSON", parent, parent.full),
                     "Mother" if parent.female else "Father",
                     C("PHONE_NUMBER", parent, phone), C("EMAIL_ADDRESS", parent, email)])
        subjects.append(parent.sid)
    return Table(rows, title="Contacts", subjects=subjects)


def k_export_unhelpful(g: Gen, i: int) -> Doc:
    """An export whose name columns are headed "Child", "Contact 1", "" or "Field 2"."""
    ext = fmt_for(i, (".csv", ".xlsx"))
    name_head = g.pick(("Child", "Contact 1", "", "Field 2", "Col B"))
    form = g.pick(("caps_last_first", "first_caps", "last_comma_first", "full"))
    rows: list[list[object]] = [[name_head, "Reg Group", "Year", "Contact 1",
                                 "Contact 1 Mobile", "Contact 1 Email"]]
    subjects: list[int | None] = [None]
    for _ in range(g.rng.randrange(15, 30)):
        parent, child, _addr = g.family()
        text = {"caps_last_first": f"{child.last.upper()} {child.first}",
                "first_caps": f"{child.first} {child.last.upper()}",
                "last_comma_first": f"{child.last}, {child.first}",
                "full": child.full}[form]
        rows.append([C("PERSON", child, text), f"{g.pick('3456')}{g.pick('ABC')}",
                     g.pick(_YEARS[3:]), C("PERSON", parent, f"{parent.title} {parent.full}"),
                     C("PHONE_NUMBER", parent, g.phone()),
                     C("EMAIL_ADDRESS", parent, g.email(parent))])
        subjects.append(child.sid)
    return Doc(f"Admin/Exports/contact export {i + 1:03d}{ext}", "export_unhelpful",
               [Table(rows, title="Export", subjects=subjects)])


_REG_NOTES = ("present all week", "late Tuesday (8:55)", "absent Thursday - family holiday",
              "present", "left early Friday for a dental appointment", "late Monday (9:05)",
              "present all week, walked home alone with permission", "absent Wednesday")


def k_register(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".txt", ".docx", ".pdf"))
    year, tree = g.pick(_YEARS[1:]), g.pick(_TREES)
    monday = dt.date(2024, 9, 2) + dt.timedelta(days=7 * g.rng.randrange(12))
    blocks: list[Block] = [
        Para(f"REGISTER NOTES - {year.upper()} {tree.upper()}", heading=True),
        Para(f"Week beginning {format_date(monday, 'long')}"),
    ]
    lines = []
    for _ in range(g.rng.randrange(10, 24)):
        parent, child, _addr = g.family()
        line = f"{N(child, 'caps')} - {g.pick(_REG_NOTES)}"
        if g.chance(0.2):
            line += f"; collected by {N(parent, 'formal')}"
        lines.append(line)
    if ext == ".txt":
        blocks.append(Para("\n".join(lines)))
    else:
        blocks.extend(Para(line) for line in lines)
    _, sig = staff_sig(g, "Class teacher")
    blocks.append(Para(f"Checked by {sig.splitlines()[0]}"))
    dirname = "Class Lists/Registers" if ext != ".pdf" else "Attendance/Registers"
    return Doc(f"{dirname}/register notes {i + 1:03d}{ext}", "register", blocks)


def k_medical(g: Gen, i: int) -> Doc:
    variant = i % 4
    if variant == 0:  # Word table medical register
        rows: list[list[object]] = [["Pupil name", "Class", "DOB", "NHS Number", "Condition",
                                     "Medication", "Emergency contact"]]
        for _ in range(g.rng.randrange(8, 18)):
            parent, child, _addr = g.family()
            rows.append([C("PERSON", child, child.full), g.pick(_TREES),
                         C("DATE_OF_BIRTH", child, format_date(child.dob, "dmy")),
                         C("UK_NHS", child, g.nhs()), g.pick(_MEDICAL),
                         g.pick(("Inhaler in classroom", "EpiPen x2 in office", "None in school",
                                 "Insulin pump, see care plan", "Buccal midazolam in office")),
                         C("PHONE_NUMBER", child, g.phone())])
        blocks: list[Block] = [
            Para(f"{SCHOOL} - CONFIDENTIAL", where="header"),
            Para(f"MEDICAL REGISTER {ay(g)}", heading=True),
            Para("Pupils with medical conditions. Keep a copy in the first aid room."),
            Table(rows),
        ]
        return Doc(f"Medical/Medical register {i + 1:03d}.docx", "medical", blocks,
                   categories={"health"})
    parent, child, addr = g.family()
    gp = g.adult()
    gp.title = "Dr"
    condition = g.pick(("Type 1 diabetes", "Epilepsy", "Severe nut allergy (anaphylaxis)",
                        "Asthma"))
    kv: list[list[object]] = [
        ["Child's name", N(child)],
        ["Date of birth", M("DATE_OF_BIRTH", child, g.date_text(child.dob))],
        ["Class", f"{year_group(child)} {g.pick(_TREES)}"],
        ["Address", f"{addr.street}, {addr.town} {M('UK_POSTCODE', parent, addr.postcode)}"],
        ["NHS number", M("UK_NHS", child, g.nhs())],
        ["Medical diagnosis or condition", condition],
        ["Family contact 1",
         f"{N(parent, 'formal_full')} ({'Mother' if parent.female else 'Father'})"],
        ["Contact telephone", M("PHONE_NUMBER", parent, g.phone())],
        ["GP", f"{N(gp, 'initial')}, Meadow Surgery"],
        ["GP telephone", M("PHONE_NUMBER", gp, g.phone())],
    ]
    text = [
        Para(f"Describe the symptoms: {N(child, 'first')} may become pale and shaky and "
             "may need to sit down. Follow the emergency procedure below."),
        Para("Daily care requirements: medication is kept in the office and given by trained "
             "staff. Staff training was completed in September."),
    ]
    if variant in (1, 3):
        blocks = [Para("INDIVIDUAL HEALTHCARE PLAN", heading=True), Table(kv), *text]
        ext = ".docx" if variant == 1 else ".pdf"
    else:
        blocks = [Para("Individual healthcare plan (IHCP)", heading=True),
                  *[Para(f"{k}: {v}") for k, v in kv], *text]
        ext = ".pdf"
    return Doc(f"Medical/IHCPs/IHCP {i + 1:03d}{ext}", "medical", blocks,
               categories={"health"}, title="Individual healthcare plan")


_NEEDS = ("SPLD", "MLD", "SLCN", "SEMH")
_OUTCOMES = (
    "{c} will read and understand age-appropriate texts with support",
    "{c} will use a visual timetable to manage transitions independently",
    "{c} will join in group work for 20 minutes with adult prompting",
    "{c} will write three connected sentences using a word bank",
)


def k_sen(g: Gen, i: int) -> Doc:
    parent, child, addr = g.family()
    senco = g.pick(g.staff)
    ep = g.adult()
    variant = i % 3
    if variant == 0:  # EHCP annual review (docx: paragraphs and an outcomes table)
        outcomes: list[list[object]] = [["Outcome", "Progress", "Next steps"]]
        for template in g.rng.sample(_OUTCOMES, 3):
            outcomes.append([template.format(c=N(child, "first")),
                             g.pick(("Achieved", "Partly achieved", "Not yet achieved")),
                             "Continue small-group support three times a week"])
        blocks: list[Block] = [
            Para("EHCP ANNUAL REVIEW", heading=True),
            Para(f"Name: {N(child)}    {g.dob_phrase(child)}    UPN: "
                 f"{M('UK_UPN', child, g.upn())}"),
            Para(f"Attendees: {N(parent, 'formal_full')} (parent), {N(senco, 'initial')} "
                 f"(SENCo), {N(ep, 'formal_full')} (Educational Psychologist)"),
            Para(f"Primary need: {g.pick(_NEEDS)}. {N(child, 'first')} receives 20 hours of "
                 "support a week as set out in the Education, Health and Care plan."),
            Table(outcomes),
            Para(f"Parent's views: {N(parent, 'formal')} is pleased with progress and asked "
                 "for more support with spelling at home."),
        ]
        ext = ".docx"
        path = f"SEN/EHCP reviews/EHCP annual review {i + 1:03d}.docx"
    else:
        blocks = [
            Para("SEN Support Plan (assess, plan, do, review)", heading=True),
            Para(f"Pupil: {N(child)}   Class: {g.pick(_TREES)}   {g.dob_phrase(child)}"),
            Para("Area of need: " + g.pick(("cognition and learning (dyslexia)",
                                            "communication and interaction",
                                            "social, emotional and mental health"))),
            Para(f"Parent/carer: {N(parent, 'formal_full')}, "
                 f"{M('EMAIL_ADDRESS', parent, g.email(parent))}"),
            Para(f"Address: {addr.street}, {addr.town}, "
                 f"{M('UK_POSTCODE', parent, addr.postcode)}"),
            Para(f"{N(child, 'first')} is on the SEN register at SEN support. Targets this "
                 "term: to blend CVC words and to recognise 20 high-frequency words."),
            Para(f"Review meeting held with {N(senco, 'formal')} (SENCo) on "
                 f"{format_date(g.day_in(2024), 'long')}."),
        ]
        ext = ".pdf" if variant == 1 else ".docx"
        path = f"SEN/Support plans/SEN support plan {i + 1:03d}{ext}"
    return Doc(path, "sen", blocks, categories={"sen"}, optional={"health"})


_CONCERNS = (
    "{c} told the class teacher that there was shouting at home last night and that "
    "{pf} had to leave the house.",
    "{c} arrived without a coat in heavy rain for the third day running and said there "
    "was no food for breakfast. Possible neglect.",
    "{c} had a bruise on the left forearm; when asked, said a door had closed on it. Body "
    "map completed.",
    "Operation Encompass notification received: police attended a domestic abuse incident "
    "at the family home overnight. {c} was present.",
    "{c} disclosed that an older child at the park had asked for photos. DSL informed.",
)


def k_safeguarding(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".txt", ".docx"))
    parent, child, _addr = g.family()
    dsl = g.pick(g.staff)
    blocks: list[Block] = [
        Para("CPOMS CHRONOLOGY - CONFIDENTIAL", heading=True),
        Para(f"Pupil: {N(child)}   {g.dob_phrase(child)}   UPN: {M('UK_UPN', child, g.upn())}"),
        Para("Category: Child protection / welfare concern"),
    ]
    when = dt.datetime(2024, 9, 9, 8, 40) + dt.timedelta(days=g.rng.randrange(60))
    for n in range(g.rng.randrange(2, 5)):
        when += dt.timedelta(days=g.rng.randrange(1, 14), minutes=g.rng.randrange(200))
        logger = g.pick(g.staff)
        concern = g.pick(_CONCERNS).format(c=N(child, "first" if n else "full"),
                                           pf=N(parent, "formal"))
        blocks.append(Para(f"{when:%d/%m/%Y %H:%M}  Logged by: {N(logger, 'initial')}\n{concern}"))
    blocks.append(Para(f"Action: reviewed by {N(dsl, 'formal')} (DSL). {N(parent, 'formal_full')} "
                       f"contacted on {M('PHONE_NUMBER', parent, g.phone())}. Early help "
                       "assessment offered; referral to MASH to be considered if concerns "
                       "continue."))
    return Doc(f"Safeguarding/CPOMS exports/chronology {i + 1:03d}{ext}", "safeguarding", blocks,
               categories={"safeguarding"}, optional={"health"})


def k_fsm(g: Gen, i: int) -> Doc:
    variant = i % 3
    if variant < 2:
        ext = ".xlsx" if variant == 0 else ".csv"
        rows: list[list[object]] = [["Surname", "Forename", "Year", "UPN", "FSM", "Ever 6 FSM",
                                     "PP Funding", "Intervention"]]
        for _ in range(g.rng.randrange(12, 30)):
            _p, child, _a = g.family()
            rows.append([C("PERSON", child, child.last.upper()), C("PERSON", child, child.first),
                         g.pick(_YEARS), C("UK_UPN", child, g.upn()), g.pick(("Y", "N", "Y")),
                         "Y", 1480 if ext == ".xlsx" else "1480.00",
                         g.pick(("Reading catch-up", "Breakfast club", "Maths tuition", ""))])
        blocks: list[Block] = []
        if ext == ".xlsx" and g.chance(0.5):
            rows[:0] = [["PUPIL PREMIUM REGISTER " + ay(g)], []]
        blocks.append(Table(rows, title="PP register"))
        return Doc(f"Finance/Pupil Premium/PP register {i + 1:03d}{ext}", "fsm", blocks,
                   categories={"fsm"})
    parent, child, addr = g.family()
    blocks = [
        *letterhead(g, True),
        Para("Free school meals - confirmation of eligibility", heading=True),
        Para(f"Dear {N(parent, 'formal')},"),
        Para(f"Thank you for your application. We have checked the details below with the "
             f"local authority and {N(child)} is eligible for free school meals from "
             f"{format_date(g.day_in(2024), 'long')}. The school will also receive pupil premium "
             "funding to support your child's learning."),
        Para(f"Applicant: {N(parent, 'formal_full')}   Applicant {g.dob_phrase(parent)}\n"
             f"National Insurance number: {M('UK_NINO', parent, g.nino())}\n"
             f"Address: {addr.street}, {addr.town}, {M('UK_POSTCODE', parent, addr.postcode)}"),
        Para("Yours sincerely,\nSchool Business Manager"),
    ]
    return Doc(f"Finance/Pupil Premium/FSM confirmation {i + 1:03d}.docx", "fsm", blocks,
               categories={"fsm"})


def k_looked_after(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".docx", ".pdf"))
    carer, child, addr = g.family()
    vsh, dt_teacher = g.adult(), g.pick(g.staff)
    blocks: list[Block] = [
        Para("PERSONAL EDUCATION PLAN (PEP) REVIEW", heading=True),
        Para(f"Child: {N(child)}   {g.dob_phrase(child)}   UPN: {M('UK_UPN', child, g.upn())}"),
        Para(f"Looked after since {format_date(g.day_in(2022), 'long')} (care order). "
             f"Foster carer: {N(carer, 'formal_full')}, {addr.street}, {addr.town} "
             f"{M('UK_POSTCODE', carer, addr.postcode)}, telephone "
             f"{M('PHONE_NUMBER', carer, g.phone())}."),
        Para(f"Virtual School Head: {N(vsh, 'formal_full')}. Designated teacher: "
             f"{N(dt_teacher, 'initial')}."),
        Para(f"Progress: {N(child, 'first')} has settled well in the foster placement and "
             "attendance is 98%. Pupil premium plus funding will pay for weekly one-to-one "
             "reading tuition."),
        Para(f"Targets: {N(child, 'first')} to complete the Year 4 times tables check; to "
             "join an after-school club."),
    ]
    return Doc(f"Looked After/PEP reviews/PEP review {i + 1:03d}{ext}", "looked_after", blocks,
               categories={"looked_after"}, optional={"fsm", "safeguarding"})


_LANGS = ("ENG", "ENG", "ENG", "POL", "URD", "PNJ", "BEN", "ARA", "ROM", "YOR")


def k_ethnicity(g: Gen, i: int) -> Doc:
    variant = i % 3
    if variant < 2:
        ext = ".csv" if variant == 0 else ".xlsx"
        rows: list[list[object]] = [["UPN", "Surname", "Forename", "DOB", "Gender", "Ethnicity",
                                     "First Language", "Postcode"]]
        for _ in range(g.rng.randrange(20, 35)):
            _p, child, addr = g.family()
            rows.append([C("UK_UPN", child, g.upn()), C("PERSON", child, child.last.upper()),
                         C("PERSON", child, child.first),
                         _dob_cell(g, child, ext == ".xlsx", "date"),
                         "F" if child.female else "M", g.pick(_ETHNIC_CODES[:-1]),
                         g.pick(_LANGS), C("UK_POSTCODE", child, addr.postcode)])
        table = Table(rows, title="Census", formats={3: "DD/MM/YYYY"})
        return Doc(f"Admin/Census/census extract {i + 1:03d}{ext}", "ethnicity", [table],
                   categories={"ethnicity"})
    parent, child, addr = g.family()
    kv: list[list[object]] = [
        ["Pupil name", N(child)],
        ["Date of birth", M("DATE_OF_BIRTH", child, g.date_text(child.dob))],
        ["Ethnic background", g.pick(("White British", "Pakistani", "Black African",
                                      "Mixed White and Black Caribbean", "Indian", "Polish"))],
        ["Home language", g.pick(("English", "Urdu", "Polish", "Yoruba", "Punjabi"))],
        ["Parent/carer", N(parent, "formal_full")],
        ["Postcode", M("UK_POSTCODE", parent, addr.postcode)],
    ]
    return Doc(f"Admin/Data collection/data collection sheet {i + 1:03d}.docx", "ethnicity",
               [Para("DATA COLLECTION SHEET", heading=True),
                Para("Please check the details we hold and correct any errors."), Table(kv)],
               categories={"ethnicity"})


def k_religion(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".docx", ".pdf"))
    parent, child, addr = g.family()
    priest = g.adult(female=False)
    baptism = child.dob + dt.timedelta(days=g.rng.randrange(60, 400))
    kv: list[list[object]] = [
        ["Child's full name", mark("PERSON", child.sid, f"{child.first} {child.last.upper()}")],
        ["Date of birth", M("DATE_OF_BIRTH", child, g.date_text(child.dob))],
        ["Parent/carer name", N(parent, "formal_full")],
        ["Home address", f"{addr.street}, {addr.town}, {M('UK_POSTCODE', parent, addr.postcode)}"],
        ["Religion", g.pick(("Catholic", "Roman Catholic", "Church of England", "Orthodox"))],
        ["Parish", f"{g.pick(('St Mary', 'St Joseph', 'Holy Family', 'St Patrick'))}, "
                   f"{addr.town}"],
        ["Date of baptism", format_date(baptism, "dmy")],
        ["Baptism certificate attached", "Yes"],
        ["Priest's name", f"Father {N(priest, 'full')}"],
    ]
    blocks: list[Block] = [
        Para("St Mary's Catholic Primary School (federation partner)", heading=True),
        Para("SUPPLEMENTARY INFORMATION FORM - Admissions", heading=True),
        Para("Complete this form if you wish your application to be considered under the "
             "faith criteria."),
        Table(kv),
    ]
    return Doc(f"Admissions/Supplementary forms/SIF {i + 1:03d}{ext}", "religion", blocks,
               categories={"religion"})


def k_biometric(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".txt", ".docx", ".pdf", ".xlsx"))
    if ext == ".xlsx":
        rows: list[list[object]] = [["Surname", "Forename", "Class", "Biometric consent",
                                     "Date returned"]]
        for _ in range(g.rng.randrange(15, 30)):
            _p, child, _a = g.family()
            rows.append([C("PERSON", child, child.last.upper()), C("PERSON", child, child.first),
                         g.pick(_TREES), g.pick(("Y", "Y", "N")),
                         dt.datetime(2024, 9, g.rng.randrange(2, 28))])
        return Doc(f"Admin/Catering/biometric consent register {i + 1:03d}.xlsx", "biometric",
                   [Table(rows, title="Consent", formats={4: "DD/MM/YYYY"})],
                   categories={"biometric"})
    parent, child, _addr = g.family()
    blocks: list[Block] = [
        Para("Cashless catering - biometric consent", heading=True),
        Para("Under the Protection of Freedoms Act 2012 the school must have written consent "
             "before it takes and uses a child's biometric information."),
        Para(f"I give consent for the school to take a finger scan of my child "
             f"{N(child)} ({year_group(child)}) for use with the cashless catering system."),
        Para(f"Parent/carer name: {N(parent, 'formal_full')}\nSigned: {N(parent, 'full')}\n"
             f"Contact email: {M('EMAIL_ADDRESS', parent, g.email(parent))}\n"
             f"Date: {format_date(g.day_in(2024), 'dmy')}"),
    ]
    return Doc(f"Admin/Catering/biometric consent {i + 1:03d}{ext}", "biometric", blocks,
               categories={"biometric"})


_ROLES = ("Class teacher", "Teaching assistant", "Office manager", "Caretaker", "Cook",
          "Midday supervisor", "HLTA", "Business manager")


def k_staff(g: Gen, i: int) -> Doc:
    variant = i % 5
    if variant == 0:  # workbook: staff list + payroll
        staff_rows: list[list[object]] = [["Staff ID", "Surname", "Forename", "Role", "DOB",
                                           "NI Number", "Mobile", "Personal Email", "Postcode"]]
        pay_rows: list[list[object]] = [["Employee Name", "Sort Code", "Account Number",
                                         "IBAN", "Salary point"]]
        for n in range(g.rng.randrange(8, 20)):
            p = g.adult()
            staff_rows.append([f"S{1000 + n}", C("PERSON", p, p.last), C("PERSON", p, p.first),
                               g.pick(_ROLES), _dob_cell(g, p, True, "date"),
                               C("UK_NINO", p, g.nino()), C("PHONE_NUMBER", p, g.phone()),
                               C("EMAIL_ADDRESS", p, g.email(p)),
                               C("UK_POSTCODE", p, g.postcode())])
            _code, sort, account = g.bank()
            iban = C("IBAN_CODE", p, g.iban()) if g.chance(0.2) else ""
            pay_rows.append([C("PERSON", p, p.full), C("UK_BANK_ACCOUNT", p, sort),
                             C("UK_BANK_ACCOUNT", p, account), iban,
                             f"M{g.rng.randrange(1, 7)}"])
        return Doc(f"HR/Staff records {i + 1:03d}.xlsx", "staff",
                   [Table(staff_rows, title="Staff", formats={4: "DD/MM/YYYY"}),
                    Table(pay_rows, title="Payroll")])
    p = g.adult()
    addr = g.address()
    _code, sort, account = g.bank()
    if variant == 1:  # new starter form, key-value Word table
        contact = g.adult()
        kv: list[list[object]] = [
            ["Full name", N(p, "formal_full")],
            ["Date of birth", M("DATE_OF_BIRTH", p, g.date_text(p.dob))],
            ["Home address", f"{addr.street}, {addr.town}, "
                             f"{M('UK_POSTCODE', p, addr.postcode)}"],
            ["National Insurance number", M("UK_NINO", p, g.nino())],
            ["Bank details", M("UK_BANK_ACCOUNT", p,
                               f"Sort code: {sort}, account number: {account}")],
            ["Passport number (right to work)", M("UK_PASSPORT", p, g.passport())],
            ["Driving licence number", M("UK_DRIVING_LICENCE", p, g.licence(p))],
            ["Emergency contact", f"{N(contact, 'full')}, {M('PHONE_NUMBER', contact, g.phone())}"],
        ]
        return Doc(f"HR/New starters/new starter form {i + 1:03d}.docx", "staff",
                   [Para("NEW STARTER FORM - SUPPORT STAFF", heading=True), Table(kv)])
    if variant == 2:  # payroll / right to work letter
        text = (
            f"Dear {N(p, 'formal')},\n\n"
            f"Thank you for bringing in your documents. We have taken a copy of your passport "
            f"(passport number {M('UK_PASSPORT', p, g.passport())}) for the right to work check.\n"
            f"Your National Insurance number is recorded as {M('UK_NINO', p, g.nino())}.\n"
            f"Your salary will be paid to sort code "
            f"{M('UK_BANK_ACCOUNT', p, f'{sort}, account number {account}')}.\n"
        )
        if g.chance(0.4):
            text += (f"For the overseas part of your pay we hold the IBAN "
                     f"{M('IBAN_CODE', p, g.iban())}.\n")
        text += "\nYours sincerely,\nSchool Business Manager\n"
        return Doc(f"HR/Payroll/payroll letter {i + 1:03d}.txt", "staff",
                   [Para(f"{SCHOOL} - payroll", heading=True), Para(text)])
    if variant == 3:  # minibus drivers
        rows: list[list[object]] = [["Driver", "Driving Licence Number", "Licence expiry",
                                     "D1 entitlement", "Mobile"]]
        for _ in range(g.rng.randrange(4, 10)):
            d = g.adult()
            rows.append([C("PERSON", d, f"{d.title} {d.full}"),
                         C("UK_DRIVING_LICENCE", d, g.licence(d)),
                         format_date(g.day_in(g.pick((2026, 2027, 2028))), "dmy"),
                         g.pick(("Yes", "No")), C("PHONE_NUMBER", d, g.phone())])
        return Doc(f"HR/Minibus/minibus drivers {i + 1:03d}.csv", "staff", [Table(rows)])
    # purchase card / expenses note
    text = (
        f"Expenses claim - {N(p, 'full')} ({g.pick(_ROLES)})\n"
        f"Items bought for the science week were paid with the school purchase card.\n"
        f"Card number: {M('CREDIT_CARD', p, g.card())}  Cardholder: {N(p, 'initial')}\n"
        "Please reimburse the personal items to "
        f"{M('UK_BANK_ACCOUNT', p, f'sort code {sort}, account {account}')}.\n"
    )
    ext = fmt_for(i // 5, (".txt", ".docx"))
    return Doc(f"Finance/Expenses/expenses claim {i + 1:03d}{ext}", "staff", [Para(text)])


def k_uln(g: Gen, i: int) -> Doc:
    variant = i % 3
    if variant == 0:
        p = g.adult()
        text = (
            "Apprenticeship progress record\n\n"
            f"This record is for {N(p, 'full')}, Level 3 Teaching Assistant apprentice.\n"
            f"Unique Learner Number (ULN): {M('UK_ULN', p, g.uln())}\n"
            f"Contact email: {M('EMAIL_ADDRESS', p, g.email(p))}\n\n"
            f"{N(p, 'first')} has completed the first aid and literacy units and is on track for "
            "the end-point assessment in the summer term.\n"
        )
        return Doc(f"HR/Apprentices/apprenticeship record {i + 1:03d}.txt", "uln", [Para(text)])
    if variant == 1:
        rows: list[list[object]] = [["Learner Name", "ULN", "DOB", "Course", "College"]]
        for _ in range(g.rng.randrange(5, 15)):
            p = g.adult()
            rows.append([C("PERSON", p, p.full), C("UK_ULN", p, g.uln()),
                         C("DATE_OF_BIRTH", p, format_date(p.dob, "dmy")),
                         g.pick(("Level 2 TA", "Level 3 TA", "Level 3 Early Years",
                                 "Level 2 Business Admin")),
                         g.pick(("Harrowby College", "Northern FE College"))])
        return Doc(f"HR/Apprentices/apprentice learners {i + 1:03d}.csv", "uln", [Table(rows)])
    p, assessor = g.adult(), g.adult()
    blocks: list[Block] = [
        Para("APPRENTICESHIP PROGRESS REVIEW", heading=True),
        Para(f"Apprentice: {N(p, 'full')}    ULN {M('UK_ULN', p, g.uln())}"),
        Para(f"Assessor: {N(assessor, 'formal_full')}. Review date: "
             f"{format_date(g.day_in(2024), 'dmy')}."),
        Para(f"{N(p, 'first')} is making good progress and has two units left to complete."),
    ]
    return Doc(f"HR/Apprentices/progress review {i + 1:03d}.docx", "uln", blocks)


def k_trip(g: Gen, i: int) -> Doc:
    variant = i % 2
    if variant == 0:
        parent, child, _addr = g.family()
        text = (
            "Year 6 visit to Boulogne - passports and payments\n\n"
            f"Dear {N(parent, 'formal_full')},\n\n"
            f"Thank you for sending a copy of the passport for {N(child)}.\n"
            f"Passport number: {M('UK_PASSPORT', child, g.passport())}\n"
            f"Passport expiry: {format_date(g.day_in(2029), 'dmy')}\n\n"
            "The balance for the visit was taken over the telephone.\n"
            f"Card number: {M('CREDIT_CARD', parent, g.card())}\n\n"
            "Yours sincerely,\nTrip leader\n"
        )
        ext = fmt_for(i // 2, (".txt", ".docx"))
        return Doc(f"Trips/Boulogne/passports and payments {i + 1:03d}{ext}", "trip",
                   [Para(text)])
    rows: list[list[object]] = [["Pupil", "Passport Number", "Passport Expiry", "DOB",
                                 "Emergency Contact Phone"]]
    for _ in range(g.rng.randrange(10, 25)):
        _p, child, _a = g.family()
        rows.append([C("PERSON", child, child.full), C("UK_PASSPORT", child, g.passport()),
                     format_date(g.day_in(g.pick((2027, 2028, 2029))), "dmy"),
                     C("DATE_OF_BIRTH", child, format_date(child.dob, "dmy")),
                     C("PHONE_NUMBER", child, g.phone())])
    return Doc(f"Trips/Boulogne/trip list {i + 1:03d}.csv", "trip", [Table(rows)])


# --------------------------------------------------------------------------- negative kinds

_NEWS_PARAS = (
    "Dates for your diary: sports day is on {d1}; the last day of term is {d2}.",
    "Our wraparound care club runs from 7.45am and after school until 6pm. Please book "
    "places through the office.",
    "The harvest festival will be held at St Mary's Church on {d1}. Donations for the food "
    "bank are welcome.",
    "If you have any concern about your child's reading, please speak to the class teacher.",
    "Homework this week: Maths Frameworks workbook PP 12-15, and spellings on PP 4-5 of the "
    "reading log.",
    "Science homework is in the curriculum pack, CP 4 to CP 7.",
    "Father Christmas will visit the PTA winter fair on {d2}. Tickets for the grotto are £3.",
    "We celebrated Diwali and Eid in assembly, and Year 2 visited the local church and the "
    "mosque as part of their RE topic.",
    "The school nurse will be in school on {d1} for the Reception flu vaccination programme. "
    "Consent forms went home last week.",
    "Thank you to everyone who came to the summer fair. Together we raised £1,245 for new "
    "playground equipment.",
    "Term dates: autumn term ends on {d1}; spring term starts on {d2}.",
    "Attendance this half term was 96.1%. Well done to Willow class, who had the best "
    "attendance of the whole school.",
)


def k_newsletter(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".txt", ".docx", ".pdf"))
    season = g.pick(("AUTUMN", "SPRING", "SUMMER"))
    blocks: list[Block] = [Para(f"{SCHOOL.upper()} - {season} TERM NEWSLETTER", heading=True),
                           Para("Dear Parents and Carers,")]
    for template in g.rng.sample(_NEWS_PARAS, g.rng.randrange(4, 8)):
        blocks.append(Para(template.format(d1=format_date(g.day_in(2024), "long"),
                                           d2=format_date(g.day_in(2025), "dmy"))))
    blocks.append(Para("Best wishes,\nThe Headteacher"))
    return Doc(f"Newsletters/{season.title()} newsletter {i + 1:03d}{ext}", "newsletter",
               blocks, negative=True)


def k_invoice(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".csv", ".xlsx", ".pdf"))
    items = ("copier paper", "exercise books", "whiteboard pens", "laminating pouches",
             "pencils", "poster paint", "glue sticks", "PE bibs", "reading books")
    rows: list[list[object]] = [["Invoice No", "Invoice date", "Supplier", "Item", "Qty",
                                 "Net", "VAT"]]
    for n in range(g.rng.randrange(8, 20)):
        number = g.ten_digit_decoy("999" if n % 3 == 0 else g.pick(("4", "6", "1", "7")))
        qty, price = g.rng.randrange(1, 40), g.rng.randrange(50, 2500) / 100
        rows.append([number, format_date(g.day_in(2024), "dmy"),
                     g.pick(("Harrowby Stationers Ltd", "EduSupplies plc", "Northern Books")),
                     g.pick(items), qty, round(qty * price, 2), round(qty * price * 0.2, 2)])
    if ext == ".pdf":
        blocks: list[Block] = [Para("INVOICE SUMMARY - SPRING TERM", heading=True)]
        blocks += [Para("   ".join(_cell_text(c) for c in row)) for row in rows]
    else:
        blocks = [Table(rows, title="Invoices")]
    return Doc(f"Finance/Invoices/invoices {i + 1:03d}{ext}", "invoice", blocks, negative=True)


def k_nino_decoys(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".txt", ".csv", ".docx"))
    if ext == ".csv":
        rows: list[list[object]] = [["Reference", "Scheme", "Status"]]
        for _ in range(g.rng.randrange(8, 16)):
            rows.append([g.bad_nino(), g.pick(("Temporary ref", "Test record", "Dummy")),
                         g.pick(("Void", "Cancelled", "Test"))])
        return Doc(f"Finance/Payroll guidance/test references {i + 1:03d}.csv", "nino_decoys",
                   [Table(rows)], negative=True)
    lines = [
        "PAYROLL GUIDANCE - NATIONAL INSURANCE NUMBERS",
        "Enter National Insurance numbers in the format QQ 12 34 56 A (HMRC's example, never a "
        "real number).",
        "The following prefixes are never issued and indicate a data entry error:",
    ]
    lines += [f"  example {g.bad_nino()}" for _ in range(g.rng.randrange(4, 9))]
    lines.append("Temporary reference numbers must not be used for pension returns.")
    blocks = [Para(line, heading=n == 0) for n, line in enumerate(lines)]
    return Doc(f"Finance/Payroll guidance/NI number guidance {i + 1:03d}{ext}", "nino_decoys",
               blocks, negative=True)


def k_upn_decoys(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".csv", ".xlsx"))
    rows: list[list[object]] = [["Asset tag", "Item", "Location", "Purchased", "Value"]]
    for _ in range(g.rng.randrange(10, 25)):
        rows.append([g.bad_upn(), g.pick(("iPad", "Chromebook", "Laptop", "Visualiser",
                                          "Projector")),
                     f"{g.pick(_TREES)} class", format_date(g.day_in(2023), "dmy"),
                     g.rng.randrange(150, 900)])
    return Doc(f"Admin/ICT/asset register {i + 1:03d}{ext}", "upn_decoys",
               [Table(rows, title="Assets")], negative=True)


def _bad_postcode(g: Gen) -> str:
    while True:
        style = g.rng.random()
        digit = g.rng.randrange(1, 30)
        if style < 0.35:
            outward = g.pick("QVX") + (g.pick("ABDEGHLMNRST") if g.chance(0.5) else "")
        elif style < 0.6:
            outward = g.pick("BDLMNS") + g.pick("IJZ")
        else:
            outward = g.pick(("LS", "BD", "M", "B", "SE", "HG"))
        inward = f"{g.rng.randrange(10)}{g.pick('ABDEFGH')}{g.pick('CIKMOV')}"
        if style < 0.6:
            inward = f"{g.rng.randrange(10)}{g.pick(_INWARD)}{g.pick(_INWARD)}"
        value = f"{outward}{digit} {inward}"
        if not POSTCODE_STRICT_RE.match(value):
            return value


def k_postcode_decoys(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".txt", ".csv"))
    rows: list[list[object]] = [["Kit code", "Description", "Qty"]]
    for _ in range(g.rng.randrange(8, 16)):
        rows.append([_bad_postcode(g), g.pick(("Football kit", "Netball bibs", "Cones",
                                               "Hoops", "Tag rugby belts")),
                     g.rng.randrange(1, 30)])
    if ext == ".csv":
        return Doc(f"PE/Kit store/kit codes {i + 1:03d}.csv", "postcode_decoys", [Table(rows)],
                   negative=True)
    lines = ["PE KIT STORE - LOCKER CODES", "Each bag is labelled with its store code:"]
    lines += [f"{_cell_text(r[0])}  {_cell_text(r[1])}" for r in rows[1:]]
    return Doc(f"PE/Kit store/locker codes {i + 1:03d}.txt", "postcode_decoys",
               [Para("\n".join(lines))], negative=True)


def k_dates(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".txt", ".docx", ".xlsx"))
    if ext == ".xlsx":
        rows: list[list[object]] = [["Event", "Date", "Time"]]
        for event in ("Term starts", "INSET day", "Half term starts", "Parents' evening",
                      "Bank holiday", "Term ends", "Fire drill", "Governors' meeting"):
            d = g.day_in(2025)
            rows.append([event, dt.datetime(d.year, d.month, d.day), "09:00"])
        return Doc(f"Admin/Calendar/school calendar {i + 1:03d}.xlsx", "dates",
                   [Table(rows, title="Calendar", formats={1: "DD/MM/YYYY"})], negative=True)
    d = [g.day_in(2024) for _ in range(4)]
    text = (
        "MINUTES OF THE PREMISES COMMITTEE\n"
        f"Meeting held on {format_date(d[0], 'dmy')} at 6pm in the school library.\n"
        "Present: five governors and the Headteacher.\n"
        f"1. The roof repairs were completed on {format_date(d[1], 'long')}.\n"
        f"2. The fire risk assessment was reviewed on {format_date(d[2], 'dmy')}; no actions.\n"
        "3. The school was born out of the merger of two infant schools in 1974, and the "
        "original building needs new windows.\n"
        f"Date of next meeting: {format_date(d[3], 'dmy')}.\n"
    )
    return Doc(f"Governors/Premises/minutes {i + 1:03d}{ext}", "dates", [Para(text)],
               negative=True)


_POLICIES = (
    ("DATA PROTECTION POLICY", (
        "This policy sets out how the school collects, stores and shares personal data in "
        "line with the UK GDPR and the Data Protection Act 2018.",
        "Examples of personal data include names, dates of birth, NHS numbers and National "
        "Insurance numbers, which must only be stored on the school network.",
        "Personal data is not taken off site on unencrypted memory sticks.")),
    ("BEHAVIOUR POLICY", (
        "We expect pupils to be ready, respectful and safe.",
        "Good behaviour is recognised with house points and certificates in the weekly "
        "celebration assembly.",
        "Serious incidents are recorded and parents are informed the same day.")),
    ("UNIFORM POLICY", (
        "Pupils wear a green sweatshirt, a white polo shirt and grey trousers or skirt.",
        "Second-hand uniform is available from the PTA free of charge.")),
    ("CHARGING AND REMISSIONS POLICY", (
        "The school does not charge for education provided during school hours.",
        "Voluntary contributions may be requested for trips; no child is left out because "
        "parents cannot pay.")),
    ("SAFEGUARDING AND CHILD PROTECTION POLICY", (
        "The Designated Safeguarding Lead (DSL) is responsible for child protection in school.",
        "All staff must report a safeguarding concern to the DSL the same day and record it on "
        "CPOMS.",
        "Staff are trained to recognise signs of neglect, physical abuse and emotional abuse.")),
    ("SEND INFORMATION REPORT", (
        "The SENCO coordinates support for pupils with special educational needs.",
        "Pupils may receive SEN support or have an Education, Health and Care plan (EHCP).")),
)


def k_policy(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".docx", ".pdf", ".docx"))
    title, paras = _POLICIES[i % len(_POLICIES)]
    blocks: list[Block] = [Para(title, heading=True)]
    blocks += [Para(p) for p in paras]
    blocks.append(Para(f"Approved by the governing body: {format_date(g.day_in(2024), 'long')}. "
                       "Review date: every two years."))
    return Doc(f"Policies/{title.title()} {i + 1:03d}{ext}", "policy", blocks, negative=True)


def k_template(g: Gen, i: int) -> Doc:
    variant = i % 2
    if variant == 0:
        header = ["Pupil name", "Class", "DOB", "NHS Number", "Condition", "Medication"]
        rows: list[list[object]] = [header] + [[""] * len(header) for _ in range(6)]
        blocks: list[Block] = [Para("MEDICAL REGISTER - TEMPLATE", heading=True),
                               Para("Copy this template for each class. Do not fill in this "
                                    "master copy."), Table(rows)]
        return Doc(f"Templates/medical register template {i + 1:03d}.docx", "template", blocks,
                   negative=True)
    blocks = [
        Para("PUPIL PREMIUM STRATEGY STATEMENT", heading=True),
        Para(f"Number of pupils in school: {g.rng.randrange(180, 420)}. Proportion of "
             f"disadvantaged pupils: {g.rng.randrange(12, 40)}%."),
        Para(f"Pupil premium funding allocation this academic year: £{g.rng.randrange(40, 140)},"
             f"{g.rng.randrange(100, 999)}."),
        Para("Intended outcomes: improved phonics outcomes for disadvantaged pupils; improved "
             "attendance."),
    ]
    return Doc(f"Templates/PP strategy statement {i + 1:03d}.docx", "template", blocks,
               negative=True)


def k_budget(g: Gen, i: int) -> Doc:
    rows: list[list[object]] = [["Cost centre", "Budget", "Committed", "Spent", "Remaining"]]
    for code in (1001, 1002, 1100, 2001, 2100, 3001, 3200, 4000, 4100, 5000):
        total = g.rng.randrange(2_000, 400_000)
        committed, spent = g.rng.randrange(0, total // 4), g.rng.randrange(0, total // 2)
        rows.append([code, total, committed, spent, total - committed - spent])
    monthly: list[list[object]] = [["Month", "Income", "Expenditure"]]
    for month in ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"):
        monthly.append([month, g.rng.randrange(50_000, 90_000), g.rng.randrange(50_000, 90_000)])
    return Doc(f"Finance/Budgets/budget {i + 1:03d}.xlsx", "budget",
               [Table(rows, title="Budget", formats={c: "#,##0.00" for c in range(1, 5)}),
                Table(monthly, title="Monthly")], negative=True)


# (kind, builder, weight): weights are files per 400.
KINDS: tuple[tuple[str, Callable[[Gen, int], Doc], int], ...] = (
    ("letter", k_letter, 60),
    ("class_list", k_class_list, 34),
    ("export_unhelpful", k_export_unhelpful, 12),
    ("register", k_register, 16),
    ("medical", k_medical, 22),
    ("sen", k_sen, 22),
    ("safeguarding", k_safeguarding, 18),
    ("fsm", k_fsm, 14),
    ("looked_after", k_looked_after, 12),
    ("ethnicity", k_ethnicity, 12),
    ("religion", k_religion, 12),
    ("biometric", k_biometric, 12),
    ("staff", k_staff, 26),
    ("uln", k_uln, 12),
    ("trip", k_trip, 8),
    ("newsletter", k_newsletter, 26),
    ("invoice", k_invoice, 14),
    ("nino_decoys", k_nino_decoys, 10),
    ("upn_decoys", k_upn_decoys, 10),
    ("postcode_decoys", k_postcode_decoys, 10),
    ("dates", k_dates, 10),
    ("policy", k_policy, 12),
    ("template", k_template, 8),
    ("budget", k_budget, 8),
)


def allocate(files: int) -> list[tuple[str, int]]:
    """Files per kind for a corpus of ``files`` (largest remainders; every kind >= 1)."""
    total = sum(w for _, _, w in KINDS)
    exact = [(name, files * w / total) for name, _, w in KINDS]
    counts = {name: max(1, int(x)) for name, x in exact}
    order = sorted(exact, key=lambda item: item[1] - int(item[1]), reverse=True)
    n = 0
    while sum(counts.values()) < files:
        counts[order[n % len(order)][0]] += 1
        n += 1
    while sum(counts.values()) > files:
        name = max(counts, key=counts.get)  # type: ignore[arg-type]
        counts[name] -= 1
    return [(name, counts[name]) for name, _, _ in KINDS]


def generate(files: int = DEFAULT_FILES, seed: int = DEFAULT_SEED) -> list[Doc]:
    """The documents of a corpus (not written yet), in a fixed order."""
    g = Gen(seed)
    builders = {name: build for name, build, _ in KINDS}
    docs: list[Doc] = []
    for name, count in allocate(files):
        for i in range(count):
            docs.append(builders[name](g, i))
    seen: set[str] = set()
    for doc in docs:
        if doc.path in seen:
            raise ValueError(f"duplicate path {doc.path}")
        seen.add(doc.path)
    return docs


def build_corpus(out: Path, files: int = DEFAULT_FILES, seed: int = DEFAULT_SEED,
                 ) -> dict[str, object]:
    """Write ``out/share/...`` and ``out/truth.json``; return the truth."""
    share = out / "share"
    share.mkdir(parents=True, exist_ok=True)
    records = []
    for doc in generate(files, seed):
        path = share / doc.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(RENDERERS[Path(doc.path).suffix](doc))
        records.append(truth_of(doc))
    truth = {"meta": {"files": files, "seed": seed, "entity_types": list(ENTITY_TYPES),
                      "special_categories": list(CATEGORIES)},
             "files": records}
    (out / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    return truth


def summarise(truth: dict[str, object]) -> Iterable[str]:
    """Lines describing a built corpus (files per format, mentions per type)."""
    files = truth["files"]
    formats = Counter(Path(f["path"]).suffix for f in files)
    mentions: Counter[str] = Counter()
    holders: Counter[str] = Counter()
    for f in files:
        mentions.update(f["mentions"])
        holders.update(f["mentions"].keys())
    yield f"files: {len(files)} ({', '.join(f'{k} {v}' for k, v in sorted(formats.items()))})"
    yield f"negative controls: {sum(1 for f in files if f['negative'])}"
    for t in ENTITY_TYPES:
        yield f"  {t}: {mentions[t]} mentions in {holders[t]} files"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    truth = build_corpus(args.out, args.files, args.seed)
    for line in summarise(truth):
        print(line)


if __name__ == "__main__":
    main()
