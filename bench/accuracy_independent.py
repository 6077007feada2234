"""A second, independent labelled corpus for the accuracy benchmark (issue 19).

    python bench/accuracy_independent.py OUT_DIR [--files 400] [--seed 19190419]

writes ``OUT_DIR/share/...`` and ``OUT_DIR/truth.json``.  ``bench/accuracy.py --corpus
independent`` (or ``both``, the default) builds it, scans it and scores it with the same
code as the first corpus.

Why a second corpus
    ``bench/accuracy_corpus.py`` is the corpus the detectors were tuned on.  This one shares
    no generator, name list, phrasing or layout with it: it is written the way school data
    reaches a share from elsewhere, and must never be tuned on.

    * MIS exports: CSV, XLSX and HTML tables whose headings vary as real exports do
      ("Legal Surname", "Forename(s)", "D.O.B.", "Unique Pupil No", "SEN Stat", "FSM Ever
      6", "PP", "CLA", "Medical Conditions" ...) with codes as values (SEN K/E/N, WBRI,
      Y/N); JSON (arrays of records, nested objects, camelCase and snake_case keys);
      CTF-like XML (the DfE Common Transfer File: UPN, Surname, Forename, DOB, Ethnicity,
      FSMhistory, SENhistory, InCare, Contacts).
    * Forms with the label and the value apart: Word tables (two and four columns), HTML
      tables, HTML definition lists and label/span blocks, "Label: value" text.
    * Prose about pupils in emails (.eml), some with a CSV or Word attachment.
    * Shapes named in issue 19: accident books, dinner-money sheets, seating plans with
      SEN and PP marks, CPOMS-style incident exports.
    * Identifier layouts other projects write: NINO with hyphens or 3-3 groups, dates of
      birth as 22-Nov-1972 / 22-Nov-72 / ISO with the cue after, driving licences in
      spaced groups or with the issue number, IBANs in groups of four.
    * Negative controls: policies (first aid, SEND, safeguarding, RE, pupil premium,
      looked-after children), lesson plans on world religions, newsletters, blank
      templates that name every category, timetables, placeholder numbers (000 000 0000,
      all-same-digit NHS numbers, a UPN with local authority 000).

    No PDF: the brief asks for reportlab, which is not installed in .venv.

Ground truth (``truth.json``, the format ``bench/accuracy.py`` scores)
    ``{"meta": {..., "counting": "presence"}, "files": [{"path", "kind", "negative",
    "mentions": {TYPE: 1}, "special_categories": [...], "special_categories_optional":
    [...], "data_subjects": null, "values": {TYPE: [first few raw values]}}]}``

    Labels are per FILE: ``mentions`` marks each entity type present with 1 (its count is
    not labelled, so only file-level scores mean anything), and ``data_subjects`` is not
    labelled.  Every planted value goes through :meth:`Sample.put`, so a type is present
    exactly when a value of it was written.  A container (an email) is labelled with the
    union of its body and its attachments: the file a DPO would act on.

    A special category is labelled only when it is attached to an identified person: the
    same row, record or object, a form about the person, or prose about them.  A topic
    (a policy, lesson, newsletter, template) is never a category, whatever its words.  A
    category column whose every value says "no" (all N) is optional: neither required nor
    a false positive.  DATE_OF_BIRTH counts only dates of birth (cued or in a DOB field),
    never review, incident, FSM start or letter dates.
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
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ENTITY_TYPES: tuple[str, ...] = (
    "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "UK_NHS", "UK_NINO", "UK_UPN", "UK_ULN",
    "UK_POSTCODE", "DATE_OF_BIRTH", "UK_PASSPORT", "UK_DRIVING_LICENCE", "UK_BANK_ACCOUNT",
    "IBAN_CODE", "CREDIT_CARD",
)
CATEGORIES: tuple[str, ...] = (
    "health", "sen", "safeguarding", "ethnicity", "religion", "biometric", "fsm",
    "looked_after",
)
DEFAULT_SEED = 19190419
DEFAULT_FILES = 400
VALUES_KEPT = 5
_FIXED = dt.datetime(2024, 6, 17, 14, 30, 0)

# --------------------------------------------------------------------------- check digits


def nhs_check(first9: str) -> int | None:
    """Modulus-11 check digit of an NHS number's first nine digits (None: never issued)."""
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(first9)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else check


_UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_letter(body12: str) -> str:
    """UPN check letter for the twelve digits after it (weights 2..13, mod 23)."""
    return _UPN_ALPHABET[sum(int(c) * (i + 2) for i, c in enumerate(body12)) % 23]


def uln_check(first9: str) -> int | None:
    """ULN check digit (None when the remainder is 0: no valid ULN)."""
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(first9)) % 11
    return None if remainder == 0 else 10 - remainder


def luhn_digit(body: str) -> str:
    """The digit that makes ``body`` + digit pass Luhn."""
    total = 0
    for i, d in enumerate(reversed(body)):
        n = int(d) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def iban_for(bban: str, country: str = "GB") -> str:
    """An IBAN with correct mod-97 check digits."""
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


# --------------------------------------------------------------------------- people and places

_GIRLS = ("Isla", "Freya", "Harper", "Evie", "Poppy", "Maisie", "Ellie-Mae", "Nia", "Ffion",
          "Eilidh", "Kiera", "Layla", "Hania", "Inaya", "Ayesha", "Esme", "Thea", "Rosie",
          "Aoife", "Tegan", "Nevaeh", "Anaya", "Julia", "Lena", "Orla", "Safiya", "Bethan")
_BOYS = ("Alfie", "Harrison", "Reggie", "Theo", "Jenson", "Riley", "Tyler", "Callum",
         "Finlay", "Rhys", "Dylan", "Kai", "Hamish", "Leon", "Oskar", "Musa", "Zayn",
         "Rohan", "Tobias", "Bartosz", "Cillian", "Ezra", "Kofi", "Lewis", "Stanley")
_SURNAMES = ("Pickering", "Bainbridge", "Ashworth", "Cartwright", "Holroyd", "Sutcliffe",
             "Kaczmarek", "Lewandowski", "Haworth", "Marsh", "Hart", "Greenwood",
             "Mahmood", "Chaudhry", "Obi", "Asante", "Quinn", "Doherty", "McAllister",
             "Llewellyn", "Pritchard", "Rowbotham", "Fairclough", "Nwosu", "Bhatti",
             "Szymanski", "Kerr", "Thornton", "Ogunleye", "Varga", "Lindqvist", "Hussein",
             "Fenwick", "Ridley", "Atkinson-Boyd", "Mac an tSaoir", "de Souza", "Rafiq")
_ADULT_F = ("Gemma", "Leanne", "Kirsty", "Stacey", "Rachel", "Nadia", "Agnieszka",
            "Shabana", "Joanne", "Claire", "Folake", "Siân", "Donna", "Helen")
_ADULT_M = ("Darren", "Lee", "Craig", "Imran", "Marek", "Gareth", "Jamal", "Stuart",
            "Neil", "Adeel", "Piotr", "Wayne", "Andrew", "Tunde")
_STREETS = ("Bracken Rise", "Lowther Street", "Canal Side", "Foundry Walk", "Nab Lane",
            "Heather Bank", "Tithe Barn Close", "Sycamore Way", "Moor End Road",
            "Victoria Mews", "Quarry Hill", "Beckside", "Ings Road", "Poplar Grove")
# (outward district, town): districts that exist; the inward part is random.
_DISTRICTS = (("HX1", "Halifax"), ("HX3", "Halifax"), ("HD2", "Huddersfield"),
              ("WF13", "Dewsbury"), ("BB2", "Blackburn"), ("OL9", "Oldham"),
              ("PR1", "Preston"), ("DL3", "Darlington"), ("TS5", "Middlesbrough"),
              ("LN2", "Lincoln"), ("NR3", "Norwich"), ("PL4", "Plymouth"),
              ("SA1", "Swansea"), ("LL57", "Bangor"), ("CV6", "Coventry"),
              ("WV10", "Wolverhampton"), ("SW9", "London"), ("E17", "London"),
              ("N15", "London"), ("EC1V", "London"), ("W1T", "London"), ("M14", "Manchester"))
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Ofcom numbers reserved for drama (geographic ranges phonenumbers accepts).
_PHONE_BLOCKS = (("0113", "496 0"), ("0114", "496 0"), ("0161", "496 0"), ("0117", "496 0"),
                 ("0121", "496 0"), ("020", "7946 0"), ("029", "2018 0"), ("0191", "498 0"),
                 ("0131", "496 0"), ("028", "9649 6"))
_LA = ("380", "381", "382", "383", "384", "341", "343", "344", "350", "351", "352", "354",
       "355", "356", "357", "358", "359", "370", "371", "372", "373", "925", "926", "935")
_NINO_A = "ABCEGHJKLMNPRSTWXYZ"
_NINO_B = "ABCEGHJKLMNPRSTWXYZ"
_NINO_BAD = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ", "CR", "FY", "MW", "NC", "PP", "PY",
             "PZ"}
_BANKS = ("BARC", "LOYD", "NWBK", "HBUK", "MIDL", "YORK", "NAIA")


@dataclass(frozen=True, slots=True)
class Person:
    """A data subject: a pupil, parent, carer or member of staff."""

    first: str
    last: str
    female: bool
    dob: dt.date
    title: str = ""

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass(frozen=True, slots=True)
class School:
    name: str
    street: str
    town: str
    postcode: str
    phone: str
    domain: str


_SCHOOL_NAMES = ("Calder Vale Primary", "St Aidan's CE Primary Academy", "Moorside Junior",
                 "Holme Valley High School", "Ravensknowle Infant and Nursery",
                 "Beechwood Community Primary", "Our Lady of Lourdes RC Primary",
                 "Sowerby Bridge Academy")


class Forge:
    """Seeded makers of people, places and identifiers (no value repeats in a corpus)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self._taken: set[str] = set()
        self.schools = [self._school(name) for name in _SCHOOL_NAMES]

    # ---- basics
    def choice(self, options):  # noqa: ANN001, ANN201 - any sequence
        return options[self.rng.randrange(len(options))]

    def maybe(self, p: float) -> bool:
        return self.rng.random() < p

    def digits(self, n: int) -> str:
        return "".join(str(self.rng.randrange(10)) for _ in range(n))

    def fresh(self, make: Callable[[], str]) -> str:
        for _ in range(10_000):
            value = make()
            key = re.sub(r"[\s-]", "", value).upper()
            if key not in self._taken:
                self._taken.add(key)
                return value
        raise RuntimeError("ran out of fresh values")

    def _school(self, name: str) -> School:
        slug = re.sub(r"[^a-z]", "", name.lower())[:14]
        return School(name, self.choice(_STREETS), *self._place(),
                      phone=self.phone(style="plain"), domain=f"{slug}.example.sch.uk")

    def _place(self) -> tuple[str, str]:
        district, town = self.choice(_DISTRICTS)
        return town, self.postcode(district)

    # ---- people
    def pupil(self, born_from: int = 2009, born_to: int = 2020) -> Person:
        female = self.maybe(0.5)
        start = dt.date(born_from, 9, 1)
        days = (dt.date(born_to, 8, 31) - start).days
        return Person(self.choice(_GIRLS if female else _BOYS), self.choice(_SURNAMES),
                      female, start + dt.timedelta(days=self.rng.randrange(days)))

    def adult(self, last: str | None = None, female: bool | None = None) -> Person:
        female = self.maybe(0.65) if female is None else female
        start = dt.date(1958, 1, 1)
        dob = start + dt.timedelta(days=self.rng.randrange(365 * 42))
        title = self.choice(("Mrs", "Ms", "Miss")) if female else "Mr"
        return Person(self.choice(_ADULT_F if female else _ADULT_M),
                      last or self.choice(_SURNAMES), female, dob, title)

    # ---- contact details
    def postcode(self, district: str | None = None) -> str:
        district = district or self.choice(_DISTRICTS)[0]
        return self.fresh(lambda: f"{district} {self.rng.randrange(10)}"
                          f"{self.choice(_INWARD_LETTERS)}{self.choice(_INWARD_LETTERS)}")

    def address(self) -> tuple[str, str, str]:
        town, postcode = self._place()
        return f"{self.rng.randrange(1, 220)} {self.choice(_STREETS)}", town, postcode

    def phone(self, style: str | None = None) -> str:
        area, block = self.choice(_PHONE_BLOCKS)
        national = self.fresh(lambda: f"{area} {block}{self.rng.randrange(1000):03d}")
        style = style or self.choice(("plain", "plain", "plain", "intl", "intl0", "packed",
                                      "dotted"))
        rest = national[1:]
        return {"plain": national, "intl": f"+44 {rest}", "intl0": f"+44 (0){rest}",
                "packed": national.replace(" ", ""),
                "dotted": national.replace(" ", ".")}[style]

    def email(self, person: Person, domain: str | None = None) -> str:
        first = re.sub(r"[^a-z]", "", person.first.lower())
        last = re.sub(r"[^a-z]", "", person.last.lower())
        domain = domain or self.choice(("example.com", "example.net", "example.org",
                                        "mail.example.co.uk"))
        return self.fresh(lambda: self.choice((f"{first}.{last}", f"{first[0]}{last}",
                                               f"{last}{first[0]}", f"{first}_{last}"))
                          + (str(self.rng.randrange(2, 99)) if self.maybe(0.5) else "")
                          + f"@{domain}")

    # ---- identifiers
    def nhs(self) -> str:
        def make() -> str:
            while True:
                first9 = "999" + self.digits(6)
                check = nhs_check(first9)
                if check is not None and uln_check(first9) != check:
                    return first9 + str(check)

        raw = self.fresh(make)
        return self.choice((f"{raw[:3]} {raw[3:6]} {raw[6:]}", raw,
                            f"{raw[:3]}-{raw[3:6]}-{raw[6:]}"))

    def upn(self) -> str:
        def make() -> str:
            body = (self.choice(_LA) + self.choice(("2", "3", "4", "5")) + self.digits(3)
                    + f"{self.rng.randrange(10, 24):02d}" + f"{self.rng.randrange(1, 1000):03d}")
            return upn_letter(body) + body

        return self.fresh(make)

    def uln(self) -> str:
        def make() -> str:
            while True:
                first9 = str(self.rng.randrange(1, 10)) + self.digits(8)
                check = uln_check(first9)
                if check is not None and check < 10 and nhs_check(first9) != check:
                    return first9 + str(check)

        return self.fresh(make)

    def nino(self, layout: str | None = None) -> str:
        def make() -> str:
            while True:
                prefix = self.choice(_NINO_A) + self.choice(_NINO_B)
                if prefix not in _NINO_BAD:
                    return prefix + self.digits(6) + self.choice("ABCD")

        raw = self.fresh(make)
        layout = layout or self.choice(("hyphen", "3-3", "2-2-2", "packed"))
        return {"hyphen": f"{raw[:2]}-{raw[2:4]}-{raw[4:6]}-{raw[6:8]}-{raw[8]}",
                "3-3": f"{raw[:2]} {raw[2:5]} {raw[5:8]} {raw[8]}",
                "2-2-2": f"{raw[:2]} {raw[2:4]} {raw[4:6]} {raw[6:8]} {raw[8]}",
                "packed": raw}[layout]

    def passport(self) -> str:
        return self.fresh(lambda: str(self.rng.randrange(1, 10)) + self.digits(8))

    def licence(self, person: Person, layout: str | None = None) -> str:
        """A GB driving licence number built from the person (issue number optional)."""
        letters = re.sub(r"[^A-Z]", "", person.last.upper())
        letters = "MC" + letters[3:] if letters.startswith("MAC") else letters
        month = person.dob.month + (50 if person.female else 0)
        core = (f"{(letters + '99999')[:5]}{str(person.dob.year)[2]}{month:02d}"
                f"{person.dob.day:02d}{str(person.dob.year)[3]}{person.first[0].upper()}9")
        raw = self.fresh(lambda: core + "9" + self.choice("ABCDEFGHJKLMNPRSTVWXYZ")
                         + self.choice("ABCDEFGHJKLMNPRSTVWXYZ"))
        layout = layout or self.choice(("packed", "spaced", "issue"))
        if layout == "spaced":
            return f"{raw[:5]} {raw[5:11]} {raw[11:16]}"
        if layout == "issue":
            return f"{raw} {self.rng.randrange(1, 60):02d}"
        return raw

    def bank(self) -> tuple[str, str]:
        """(sort code, account number)."""
        sort = f"{self.rng.randrange(10, 99)}-{self.digits(2)}-{self.digits(2)}"
        return sort, self.fresh(lambda: str(self.rng.randrange(10**7, 10**8)))

    def iban(self) -> str:
        raw = self.fresh(lambda: iban_for(self.choice(_BANKS) + self.digits(14)))
        return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))

    def card(self) -> str:
        def make() -> str:
            prefix = self.choice(("4", "4", "53", "55"))
            body = prefix + self.digits(15 - len(prefix))
            return body + luhn_digit(body)

        raw = self.fresh(make)
        return self.choice((" ".join(raw[i:i + 4] for i in range(0, 16, 4)), raw))

    def date_in(self, year: int) -> dt.date:
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(364))


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATE_LAYOUTS: dict[str, Callable[[dt.date], str]] = {
    "dd/mm/yyyy": lambda d: d.strftime("%d/%m/%Y"),
    "dd-Mon-yyyy": lambda d: f"{d.day:02d}-{_MONTHS[d.month - 1]}-{d.year}",
    "dd-Mon-yy": lambda d: f"{d.day:02d}-{_MONTHS[d.month - 1]}-{d.year % 100:02d}",
    "iso": lambda d: d.isoformat(),
    "d Month yyyy": lambda d: f"{d.day} {d.strftime('%B')} {d.year}",
    "dd.mm.yy": lambda d: d.strftime("%d.%m.%y"),
    "d/m/yyyy": lambda d: f"{d.day}/{d.month}/{d.year}",
}


def date_text(forge: Forge, date: dt.date, layout: str | None = None) -> str:
    """``date`` in one of the layouts schools and other systems write."""
    return DATE_LAYOUTS[layout or forge.choice(tuple(DATE_LAYOUTS))](date)


# --------------------------------------------------------------------------- sample and truth


@dataclass(slots=True)
class Sample:
    """One file of the corpus: its bytes and what it truly holds."""

    path: str
    kind: str
    negative: bool = False
    present: dict[str, list[str]] = field(default_factory=dict)
    categories: set[str] = field(default_factory=set)
    optional: set[str] = field(default_factory=set)
    data: bytes = b""

    def put(self, entity_type: str, value: str) -> str:
        """Record that ``value`` (of ``entity_type``) is written to the file; return it."""
        if entity_type not in ENTITY_TYPES:
            raise ValueError(f"unknown entity type {entity_type}")
        kept = self.present.setdefault(entity_type, [])
        if len(kept) < VALUES_KEPT:
            kept.append(value)
        return value

    def merge(self, other: Sample) -> None:
        """Take ``other``'s labels (an attachment inside this file)."""
        for etype, values in other.present.items():
            for value in values:
                self.put(etype, value)
        self.categories |= other.categories
        self.optional |= other.optional

    def truth(self) -> dict[str, object]:
        if self.negative and self.categories:
            raise ValueError(f"{self.path}: a negative control with categories")
        return {
            "path": self.path,
            "kind": self.kind,
            "negative": self.negative,
            "mentions": {t: 1 for t in ENTITY_TYPES if t in self.present},
            "special_categories": [c for c in CATEGORIES if c in self.categories],
            "special_categories_optional": [c for c in CATEGORIES
                                            if c in self.optional - self.categories],
            "data_subjects": None,
            "values": self.present,
        }


# --------------------------------------------------------------------------- writers


def csv_bytes(header: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig" if delimiter == ";" else "utf-8")


def xlsx_bytes(sheets: list[tuple[str, list[str], list[list[object]]]],
               date_format: str = "dd/mm/yyyy") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.properties.creator = "MIS export"
    book.properties.created = _FIXED
    book.properties.modified = _FIXED
    for index, (title, header, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                if isinstance(cell.value, dt.date):
                    cell.number_format = date_format
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _docx() -> object:
    from docx import Document

    document = Document()
    props = document.core_properties
    props.created = props.modified = _FIXED
    props.author = props.last_modified_by = "Office"
    props.revision = 1
    return document


def _docx_save(document: object) -> bytes:
    buf = io.BytesIO()
    document.save(buf)  # type: ignore[attr-defined]
    return buf.getvalue()


@dataclass(slots=True)
class Form:
    """A form about someone: a title, label/value fields and free paragraphs."""

    title: str
    fields: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)


FORM_LAYOUTS = ("docx2", "docx4", "html_table", "html_dl", "html_div", "lines")


def render_form(form: Form, layout: str) -> tuple[str, bytes]:
    """(file extension, bytes) of ``form`` in ``layout``."""
    if layout.startswith("docx"):
        document = _docx()
        document.add_heading(form.title, level=1)  # type: ignore[attr-defined]
        width = 4 if layout == "docx4" else 2
        pairs = form.fields
        table = document.add_table(rows=0, cols=width)  # type: ignore[attr-defined]
        table.style = "Table Grid"
        step = width // 2
        for i in range(0, len(pairs), step):
            cells = table.add_row().cells
            for j, (label, value) in enumerate(pairs[i:i + step]):
                cells[2 * j].text = label
                cells[2 * j + 1].text = value
        for note in form.notes:
            document.add_paragraph(note)  # type: ignore[attr-defined]
        return ".docx", _docx_save(document)
    if layout == "lines":
        lines = [form.title, "=" * len(form.title), ""]
        lines += [f"{label}: {value}" for label, value in form.fields]
        lines += ["", *form.notes]
        return ".txt", ("\n".join(lines) + "\n").encode("utf-8")
    if layout == "html_table":
        body = "<table class=\"form\">\n" + "".join(
            f"<tr><th scope=\"row\">{escape(label)}</th><td>{escape(value)}</td></tr>\n"
            for label, value in form.fields) + "</table>\n"
    elif layout == "html_dl":
        body = "<dl>\n" + "".join(f"  <dt>{escape(label)}</dt>\n  <dd>{escape(value)}</dd>\n"
                                  for label, value in form.fields) + "</dl>\n"
    else:
        body = "".join(f"<div class=\"field\"><label>{escape(label)}</label>"
                       f"<span class=\"value\">{escape(value)}</span></div>\n"
                       for label, value in form.fields)
    notes = "".join(f"<p>{escape(n)}</p>\n" for n in form.notes)
    return ".html", html_page(form.title, body + notes)


def html_page(title: str, body: str) -> bytes:
    return (f"<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title></head>\n<body>\n<h1>{escape(title)}</h1>\n"
            f"{body}</body></html>\n").encode()


def html_table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>\n"
                   for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"


def docx_paragraphs(title: str, paragraphs: list[str]) -> bytes:
    document = _docx()
    document.add_heading(title, level=1)  # type: ignore[attr-defined]
    for text in paragraphs:
        document.add_paragraph(text)  # type: ignore[attr-defined]
    return _docx_save(document)


def docx_grid(title: str, grid: list[list[str]], notes: list[str]) -> bytes:
    document = _docx()
    document.add_heading(title, level=1)  # type: ignore[attr-defined]
    table = document.add_table(rows=0, cols=len(grid[0]))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for line in grid:
        for cell, text in zip(table.add_row().cells, line, strict=True):
            cell.text = text
    for note in notes:
        document.add_paragraph(note)  # type: ignore[attr-defined]
    return _docx_save(document)


# --------------------------------------------------------------------------- MIS exports

# One row per column kind: heading variants (exports, then JSON keys), and which category
# or entity type its values are.  Values are made by _MIS_VALUES.
@dataclass(frozen=True, slots=True)
class Column:
    kind: str
    headings: tuple[str, ...]
    keys: tuple[str, ...]
    entity: str | None = None
    category: str | None = None


COLUMNS: tuple[Column, ...] = (
    Column("surname", ("Legal Surname", "Surname", "SURNAME", "Pupil Surname", "Last name"),
           ("legalSurname", "surname", "last_name"), "PERSON"),
    Column("forename", ("Forename(s)", "Forename", "First Name", "Legal Forename",
                        "FORENAME"), ("forename", "firstName", "first_name"), "PERSON"),
    Column("dob", ("D.O.B.", "Date Of Birth", "DoB", "Birth Date", "DOB"),
           ("dateOfBirth", "dob", "birth_date"), "DATE_OF_BIRTH"),
    Column("upn", ("UPN", "Unique Pupil No", "Unique Pupil Number", "upn"),
           ("upn", "UPN", "uniquePupilNumber"), "UK_UPN"),
    Column("year", ("Year", "NC Yr", "Yr Grp", "Year Group"), ("ncYear", "year_group")),
    Column("reg", ("Reg", "Reg Group", "Form", "Class"), ("regGroup", "class")),
    Column("gender", ("Gender", "Sex", "M/F"), ("gender", "sex")),
    Column("sen", ("SEN Stat", "SEN status", "SEN Provision", "SEND", "SEN Code"),
           ("senStatus", "sen_provision", "SENprovision"), category="sen"),
    Column("need", ("Primary Need", "SEN Need 1", "Need Type"),
           ("primaryNeed", "sen_need"), category="sen"),
    Column("fsm", ("FSM", "FSM Elig", "eFSM", "Free Meals"),
           ("fsmEligible", "fsm", "free_school_meals"), category="fsm"),
    Column("ever6", ("FSM Ever 6", "Ever6", "FSM6"), ("fsmEver6", "ever_6"), category="fsm"),
    Column("pp", ("PP", "Pupil Premium", "PP Elig"), ("pupilPremium", "pp"), category="fsm"),
    Column("ethnicity", ("Ethnicity", "Ethnic Code", "Ethnicity Code", "ETHNICITY"),
           ("ethnicity", "ethnicCode"), category="ethnicity"),
    Column("religion", ("Religion", "Religion/Faith", "Faith"),
           ("religion", "faith"), category="religion"),
    Column("lac", ("LAC", "CLA", "In Care", "Looked After"),
           ("lookedAfter", "inCare", "cla"), category="looked_after"),
    Column("medical", ("Medical Conditions", "Med Conds", "Medical Notes", "Medical"),
           ("medicalConditions", "medical"), category="health"),
    Column("allergies", ("Allergies", "Allergy", "Allergy Details"),
           ("allergies", "allergy"), category="health"),
    Column("postcode", ("Postcode", "Post Code", "Home Postcode", "PostCode"),
           ("postcode", "postCode"), "UK_POSTCODE"),
    Column("email", ("Priority Contact Email", "Contact1 Email", "Parent Email", "Email"),
           ("contactEmail", "email"), "EMAIL_ADDRESS"),
    Column("phone", ("Contact1 Tel", "Priority Contact Mobile", "Home Tel", "Telephone"),
           ("contactPhone", "phone"), "PHONE_NUMBER"),
    Column("nhs", ("NHS No", "NHS Number", "NHS_No"), ("nhsNumber", "nhs_no"), "UK_NHS"),
    Column("uln", ("ULN", "Unique Learner No"), ("uln", "ULN"), "UK_ULN"),
    Column("attendance", ("Att %", "Attendance", "% Attendance"), ("attendancePct",)),
    Column("eal", ("EAL", "First Language", "Home Lang"), ("eal", "firstLanguage")),
)
_BY_KIND = {c.kind: c for c in COLUMNS}
_ETHNIC = ("WBRI", "WBRI", "WBRI", "WIRI", "WOTH", "WROM", "MWBC", "MWAS", "AIND", "APKN",
           "ABAN", "CHNE", "BAFR", "BCRB", "AOTH", "REFU")
_RELIGIONS = ("Christian", "Muslim", "No religion", "Roman Catholic", "Sikh", "Hindu",
              "Jewish", "Church of England", "Buddhist", "Not given", "Muslim")
_CONDITIONS = ("Asthma", "Asthma - blue inhaler in class", "Epilepsy", "Type 1 Diabetes",
               "Eczema", "Coeliac disease", "ADHD (medicated)", "Hearing impairment",
               "Sickle cell")
_ALLERGENS = ("Peanuts - EpiPen", "Tree nuts", "Egg", "Dairy", "Penicillin", "Sesame",
              "Kiwi fruit", "Bee stings")
_NEEDS = ("SLCN", "SEMH", "SPLD", "MLD", "ASD", "HI", "VI", "PD")


def _flag(forge: Forge, yes: bool) -> str:
    return forge.choice(("Y", "Yes", "TRUE", "1")) if yes else forge.choice(("N", "No", "", "0"))


class MisTable:
    """A pupil table: chosen columns, one row per pupil, truth recorded on the sample."""

    def __init__(self, forge: Forge, sample: Sample, kinds: list[str], rows: int,
                 native_dates: bool = False) -> None:
        self.forge, self.sample = forge, sample
        self.columns = [_BY_KIND[k] for k in kinds]
        self.pupils = [forge.pupil() for _ in range(rows)]
        self.native_dates = native_dates
        # A category column is all "no" sometimes (then the category is optional).
        self.positive_row = {c.kind: forge.rng.randrange(rows) for c in self.columns}
        self.all_no = {c.kind for c in self.columns
                       if c.kind in ("sen", "fsm", "ever6", "pp", "lac") and forge.maybe(0.1)}
        self.dob_layout = forge.choice(tuple(DATE_LAYOUTS))
        self.rows: list[list[object]] = [self._row(i, p) for i, p in enumerate(self.pupils)]
        for column in self.columns:
            if column.category is None:
                continue
            if column.kind in self.all_no:
                sample.optional.add(column.category)
            else:
                sample.categories.add(column.category)

    def headings(self) -> list[str]:
        return [self.forge.choice(c.headings) for c in self.columns]

    def keys(self) -> list[str]:
        return [self.forge.choice(c.keys) for c in self.columns]

    def _row(self, index: int, pupil: Person) -> list[object]:
        return [self._value(c, index, pupil) for c in self.columns]

    def _value(self, column: Column, index: int, pupil: Person) -> object:  # noqa: PLR0911
        f, s = self.forge, self.sample
        forced = self.positive_row[column.kind] == index and column.kind not in self.all_no
        yes = forced or (column.kind not in self.all_no and f.maybe(0.2))
        match column.kind:
            case "surname":
                return s.put("PERSON", pupil.last.upper() if f.maybe(0.3) else pupil.last)
            case "forename":
                return s.put("PERSON", pupil.first)
            case "dob":
                s.put("DATE_OF_BIRTH", pupil.dob.isoformat())
                return pupil.dob if self.native_dates else DATE_LAYOUTS[self.dob_layout](pupil.dob)
            case "upn":
                return s.put("UK_UPN", f.upn())
            case "uln":
                return s.put("UK_ULN", f.uln())
            case "nhs":
                return s.put("UK_NHS", f.nhs())
            case "postcode":
                return s.put("UK_POSTCODE", f.postcode())
            case "email":
                return s.put("EMAIL_ADDRESS", f.email(f.adult(last=pupil.last)))
            case "phone":
                return s.put("PHONE_NUMBER", f.phone())
            case "year":
                return str(max(0, 2023 - pupil.dob.year - (0 if pupil.dob.month >= 9 else 1) - 4))
            case "reg":
                return f.choice(("3H", "4W", "5P", "R1", "6AB", "10Y2", "8C"))
            case "gender":
                return "F" if pupil.female else "M"
            case "sen":
                return f.choice(("K", "K", "E")) if yes else f.choice(("N", "N", ""))
            case "need":
                return f.choice(_NEEDS) if yes else ""
            case "fsm" | "lac":
                return _flag(f, yes)
            case "ever6":
                return f.choice(("Y", "Ever 6", "TRUE")) if yes else f.choice(("N", ""))
            case "pp":
                return f.choice(("PP", "Y", "PP+")) if yes else ""
            case "ethnicity":
                return f.choice(_ETHNIC[:-1] if forced else _ETHNIC)
            case "religion":
                return f.choice(("Muslim", "Sikh", "Roman Catholic")) if forced \
                    else f.choice(_RELIGIONS)
            case "medical":
                return f.choice(_CONDITIONS) if yes else f.choice(("", "None", "NKMC"))
            case "allergies":
                return f.choice(_ALLERGENS) if yes else f.choice(("", "None known", "NKA"))
            case "attendance":
                return f"{f.rng.uniform(78, 100):.1f}"
            case "eal":
                return f.choice(("N", "N", "Y", "English", "Polish", "Urdu"))
        raise ValueError(column.kind)

    def text_rows(self) -> list[list[str]]:
        return [[DATE_LAYOUTS[self.dob_layout](v) if isinstance(v, dt.date) else str(v)
                 for v in row] for row in self.rows]


_MIS_SETS = (
    ["upn", "surname", "forename", "dob", "gender", "year", "sen", "need", "fsm", "ever6",
     "ethnicity"],
    ["surname", "forename", "reg", "dob", "pp", "sen", "eal", "attendance"],
    ["upn", "forename", "surname", "dob", "religion", "ethnicity", "lac"],
    ["forename", "surname", "reg", "medical", "allergies", "nhs"],
    ["surname", "forename", "dob", "postcode", "email", "phone"],
    ["upn", "uln", "surname", "forename", "dob", "sen", "pp", "lac", "medical"],
    ["forename", "surname", "year", "gender", "ever6", "pp", "attendance"],
    ["upn", "surname", "forename", "dob", "ethnicity", "religion", "eal", "fsm"],
)


def _mis_kinds(forge: Forge) -> list[str]:
    kinds = list(forge.choice(_MIS_SETS))
    if forge.maybe(0.3):
        forge.rng.shuffle(kinds)
    return kinds


def k_mis_csv(forge: Forge, i: int) -> Sample:
    s = Sample(f"mis/exports/pupil_export_{i:03d}.csv", "mis_csv")
    table = MisTable(forge, s, _mis_kinds(forge), forge.rng.randrange(6, 30))
    s.data = csv_bytes(table.headings(), table.text_rows(), forge.choice((",", ",", ";")))
    return s


def k_mis_xlsx(forge: Forge, i: int) -> Sample:
    s = Sample(f"mis/reports/Pupil Report {i:03d}.xlsx", "mis_xlsx")
    table = MisTable(forge, s, _mis_kinds(forge), forge.rng.randrange(6, 30),
                     native_dates=True)
    sheets = [(forge.choice(("Students", "Export", "Sheet1", "Cohort")), table.headings(),
               table.rows)]
    if forge.maybe(0.3):
        second = MisTable(forge, s, ["surname", "forename", "email", "phone"], 5)
        sheets.append(("Contacts", second.headings(), second.rows))
    s.data = xlsx_bytes(sheets, forge.choice(("dd/mm/yyyy", "d-mmm-yyyy", "yyyy-mm-dd")))
    return s


def k_mis_html(forge: Forge, i: int) -> Sample:
    s = Sample(f"mis/saved_reports/cohort_{i:03d}.html", "mis_html")
    table = MisTable(forge, s, _mis_kinds(forge), forge.rng.randrange(5, 20))
    s.data = html_page(f"Cohort report {2023 + i % 2}",
                       html_table(table.headings(), table.text_rows()))
    return s


def k_mis_json(forge: Forge, i: int) -> Sample:
    s = Sample(f"integrations/api_dump_{i:03d}.json", "mis_json")
    table = MisTable(forge, s, _mis_kinds(forge), forge.rng.randrange(4, 15))
    keys = table.keys()
    nested = forge.maybe(0.6)
    records: list[dict[str, object]] = []
    for row in table.text_rows():
        flat = dict(zip(keys, row, strict=True))
        if not nested:
            records.append(flat)
            continue
        groups: dict[str, dict[str, object]] = {"pupil": {}, "send": {}, "welfare": {},
                                                "contact": {}}
        for column, key, value in zip(table.columns, keys, row, strict=True):
            group = ("send" if column.kind in ("sen", "need") else
                     "welfare" if column.category else
                     "contact" if column.kind in ("email", "phone", "postcode") else "pupil")
            groups[group][key] = _json_value(value)
        records.append({g: v for g, v in groups.items() if v})
    wrapper = forge.choice(("students", "data", "pupils", None))
    document: object = records if wrapper is None else {
        "exported": "2024-06-17T14:30:00Z", "count": len(records), wrapper: records}
    s.data = (json.dumps(document, indent=forge.choice((2, None)), ensure_ascii=False)
              + "\n").encode("utf-8")
    return s


def _json_value(text: str) -> object:
    return {"TRUE": True, "Y": True, "Yes": True, "N": False, "No": False}.get(text, text)


# --------------------------------------------------------------------------- CTF (XML)


def k_ctf(forge: Forge, i: int) -> Sample:
    s = Sample(f"mis/ctf/{forge.choice(_LA)}{2000 + i:04d}_CTF_{i:03d}.xml", "ctf_xml")
    school = forge.choice(forge.schools)
    pupils = [forge.pupil(2011, 2013) for _ in range(forge.rng.randrange(2, 12))]
    ever_fsm = forge.rng.randrange(len(pupils))
    ever_sen = forge.rng.randrange(len(pupils))
    in_care = forge.rng.randrange(len(pupils)) if forge.maybe(0.4) else -1
    x: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>', "<CTfile>", "  <Header>",
                    "    <DocumentName>Common Transfer File</DocumentName>",
                    "    <CTFversion>23.0</CTFversion>",
                    "    <DateTime>2024-07-18T16:02:11</DateTime>",
                    "    <DocumentQualifier>full</DocumentQualifier>",
                    "    <SupplierID>SIMS</SupplierID>",
                    "    <SourceSchool>",
                    f"      <LEA>{forge.choice(_LA)}</LEA><Estab>2{forge.digits(3)}</Estab>",
                    f"      <SchoolName>{xml_escape(school.name)}</SchoolName>",
                    "      <AcademicYear>2023</AcademicYear>", "    </SourceSchool>",
                    f"    <DestSchool><LEA>{forge.choice(_LA)}</LEA>"
                    f"<Estab>4{forge.digits(3)}</Estab></DestSchool>",
                    "  </Header>", "  <CTFpupilData>"]
    s.categories.add("ethnicity")
    for n, pupil in enumerate(pupils):
        x += ["    <Pupil>",
              f"      <UPN>{s.put('UK_UPN', forge.upn())}</UPN>",
              f"      <Surname>{xml_escape(s.put('PERSON', pupil.last))}</Surname>",
              f"      <Forename>{xml_escape(pupil.first)}</Forename>",
              f"      <DOB>{s.put('DATE_OF_BIRTH', pupil.dob.isoformat())}</DOB>",
              f"      <Gender>{'F' if pupil.female else 'M'}</Gender>",
              "      <BasicDetails>",
              f"        <NCyearActual>{forge.choice(('5', '6'))}</NCyearActual>",
              f"        <Ethnicity>{forge.choice(_ETHNIC)}</Ethnicity>",
              "        <EthnicitySource>P</EthnicitySource>",
              "        <Languages><Type><LanguageType>F</LanguageType>"
              f"<Language>{forge.choice(('ENG', 'POL', 'URD', 'PNJ'))}</Language></Type>"
              "</Languages>",
              f"        <MedicalFlag>{'true' if forge.maybe(0.2) else 'false'}</MedicalFlag>",
              "      </BasicDetails>"]
        if n == ever_fsm or forge.maybe(0.2):
            start = forge.date_in(2021)
            x += ["      <FSMhistory>", "        <FSMinstance>",
                  f"          <FSMstartDate>{start.isoformat()}</FSMstartDate>",
                  "          <UKcountry>ENG</UKcountry>", "        </FSMinstance>",
                  "      </FSMhistory>"]
            s.categories.add("fsm")
        if n == ever_sen or forge.maybe(0.2):
            x += ["      <SENhistory>", "        <SEN>",
                  f"          <StartDate>{forge.date_in(2022).isoformat()}</StartDate>",
                  f"          <SENprovision>{forge.choice(('K', 'E'))}</SENprovision>",
                  "        </SEN>",
                  f"        <SENneeds><SENneed><Type>{forge.choice(_NEEDS)}</Type>"
                  "<Rank>1</Rank></SENneed></SENneeds>",
                  "      </SENhistory>"]
            s.categories.add("sen")
        if n == in_care:
            x += ["      <InCare>", "        <InCare>true</InCare>",
                  f"        <CareAuthority>{forge.choice(_LA)}</CareAuthority>",
                  "      </InCare>"]
            s.categories.add("looked_after")
        street, town, postcode = forge.address()
        parent = forge.adult(last=pupil.last)
        x += ["      <Address>", "        <BS7666Address>",
              f"          <PAON>{street.split()[0]}</PAON>",
              f"          <Street>{' '.join(street.split()[1:])}</Street>",
              f"          <Town>{town}</Town>", "        </BS7666Address>",
              f"        <Postcode>{s.put('UK_POSTCODE', postcode)}</Postcode>",
              "      </Address>",
              "      <Contacts>", "        <Contact>", "          <Order>1</Order>",
              f"          <Title>{parent.title}</Title>",
              f"          <Surname>{xml_escape(s.put('PERSON', parent.last))}</Surname>",
              f"          <Forename>{xml_escape(parent.first)}</Forename>",
              "          <Relationship>PAR</Relationship>",
              "          <Responsibility>true</Responsibility>",
              "          <Phones><Phone><TelephoneType>M</TelephoneType>"
              f"<PhoneNo>{s.put('PHONE_NUMBER', forge.phone('packed'))}</PhoneNo></Phone>"
              "</Phones>",
              f"          <Email>{s.put('EMAIL_ADDRESS', forge.email(parent))}</Email>",
              "        </Contact>", "      </Contacts>", "    </Pupil>"]
    x += ["  </CTFpupilData>", "</CTfile>"]
    s.data = ("\n".join(x) + "\n").encode("utf-8")
    return s


# --------------------------------------------------------------------------- forms


def _dob_field(forge: Forge, s: Sample, person: Person) -> tuple[str, str]:
    label = forge.choice(("Date of birth", "Date Of Birth", "D.O.B.", "DoB", "Birth date",
                          "Child's date of birth"))
    return label, s.put("DATE_OF_BIRTH", date_text(forge, person.dob))


def _child_fields(forge: Forge, s: Sample, child: Person) -> list[tuple[str, str]]:
    name_label = forge.choice(("Child's full name", "Pupil name", "Name of pupil",
                               "Legal name", "Student"))
    return [(name_label, s.put("PERSON", child.name)), _dob_field(forge, s, child),
            (forge.choice(("Class", "Year/Class", "Tutor group")),
             forge.choice(("Hawthorn", "Year 3 Kestrels", "5PR", "Otters", "9X1")))]


def _contact_fields(forge: Forge, s: Sample, parent: Person) -> list[tuple[str, str]]:
    return [(forge.choice(("Parent/carer name", "Main contact", "Emergency contact 1")),
             s.put("PERSON", f"{parent.title} {parent.name}")),
            ("Relationship to child", forge.choice(("Mother", "Father", "Grandparent",
                                                    "Step-parent"))),
            (forge.choice(("Mobile", "Contact number", "Tel")), s.put("PHONE_NUMBER",
                                                                       forge.phone())),
            (forge.choice(("Email", "E-mail address")), s.put("EMAIL_ADDRESS",
                                                              forge.email(parent)))]


def _address_field(forge: Forge, s: Sample) -> tuple[str, str]:
    street, town, postcode = forge.address()
    return "Home address", f"{street}, {town} {s.put('UK_POSTCODE', postcode)}"


def form_admission(forge: Forge, s: Sample) -> Form:
    child, parent = forge.pupil(2017, 2020), forge.adult()
    fields = [*_child_fields(forge, s, child), _address_field(forge, s),
              *_contact_fields(forge, s, parent)]
    if forge.maybe(0.5):
        fields.append(("Religion", forge.choice(("Roman Catholic", "Muslim", "Sikh",
                                                  "Church of England", "Hindu"))))
        s.categories.add("religion")
    if forge.maybe(0.5):
        fields.append(("Ethnic origin", forge.choice(("White - British", "Pakistani",
                                                       "Black - African", "WBRI", "ABAN"))))
        s.categories.add("ethnicity")
    if forge.maybe(0.5):
        fields.append(("Medical conditions / allergies", forge.choice(_CONDITIONS)))
        s.categories.add("health")
    else:
        fields.append(("Medical conditions / allergies", forge.choice(("None", "N/A", "No"))))
    ehcp = forge.maybe(0.3)
    fields.append(("Does your child have an EHC plan?", "Yes" if ehcp else "No"))
    if ehcp:
        s.categories.add("sen")
    fields.append(("Is your child looked after by a local authority?", "No"))
    if forge.maybe(0.4):
        gp = forge.adult()
        fields.append(("GP", f"Dr {s.put('PERSON', gp.name)}, {forge.choice(_STREETS)} "
                             "Surgery"))
    if forge.maybe(0.4):
        fields.append(("NHS number", s.put("UK_NHS", forge.nhs())))
    return Form(forge.choice(("Application for a school place", "New Starter Data Collection",
                              "In-year admission form")), fields)


def form_medical(forge: Forge, s: Sample) -> Form:
    child, parent = forge.pupil(), forge.adult()
    condition = forge.choice(("Asthma", "Epilepsy", "Type 1 diabetes", "Anaphylaxis (nuts)",
                              "Sickle cell disease"))
    s.categories.add("health")
    fields = [*_child_fields(forge, s, child),
              ("Medical condition", condition),
              ("Medication", forge.choice(("Salbutamol inhaler, 2 puffs as needed",
                                           "Buccal midazolam 5 mg", "Insulin via pump",
                                           "EpiPen 0.3 mg x2 (office and bag)"))),
              ("Triggers / symptoms", forge.choice(("Cold air, exercise", "Flashing lights",
                                                    "Low blood sugar: shaky, pale"))),
              ("NHS No.", s.put("UK_NHS", forge.nhs())),
              *_contact_fields(forge, s, parent),
              ("Review date", date_text(forge, forge.date_in(2025)))]
    return Form(forge.choice(("Individual Healthcare Plan", "Request to administer medicine",
                              "Medical information form")), fields,
                [forge.choice(("Signed by parent/carer.",
                               "Copy held in the medical room and in the class red folder."))])


def form_access(forge: Forge, s: Sample) -> Form:
    candidate = forge.pupil(2007, 2009)
    s.categories.add("sen")
    s.optional.add("health")
    fields = [("Candidate name", s.put("PERSON", candidate.name)),
              ("Candidate number", f"{forge.rng.randrange(1000, 9999)}"),
              _dob_field(forge, s, candidate),
              ("UPN", s.put("UK_UPN", forge.upn())),
              ("Arrangements", forge.choice(("25% extra time, reader", "Scribe, rest breaks",
                                             "Word processor, separate room",
                                             "Extra time (25%)"))),
              ("Evidence of need", forge.choice(("Form 8 completed by specialist assessor",
                                                 "EHCP section F", "SpLD assessment"))),
              ("Assessor", s.put("PERSON", forge.adult().name))]
    return Form("Access arrangements: candidate record", fields)


def form_fsm(forge: Forge, s: Sample) -> Form:
    parent = forge.adult()
    children = [forge.pupil(2012, 2020) for _ in range(forge.rng.randrange(1, 4))]
    s.categories.add("fsm")
    dob_cue = forge.choice(("Applicant's date of birth", "DOB", "Date of Birth"))
    fields = [("Applicant name", s.put("PERSON", parent.name)),
              (dob_cue, s.put("DATE_OF_BIRTH", date_text(
                  forge, parent.dob, forge.choice(("dd-Mon-yyyy", "dd-Mon-yy", "iso"))))),
              ("National Insurance number", s.put("UK_NINO", forge.nino())),
              _address_field(forge, s),
              ("Benefit received", forge.choice(("Universal Credit", "Income Support",
                                                 "Income-based JSA")))]
    for n, child in enumerate(children, 1):
        fields += [(f"Child {n} name", s.put("PERSON", child.name)),
                   (f"Child {n} date of birth",
                    s.put("DATE_OF_BIRTH", date_text(forge, child.dob)))]
    return Form(forge.choice(("Free School Meals application", "Application: free meals and "
                              "pupil premium")), fields)


def form_pep(forge: Forge, s: Sample) -> Form:
    child = forge.pupil()
    worker = forge.adult()
    s.categories.add("looked_after")
    s.optional |= {"safeguarding", "sen", "health"}
    fields = [*_child_fields(forge, s, child),
              ("UPN", s.put("UK_UPN", forge.upn())),
              ("Legal status", forge.choice(("Section 20", "Full care order (s31)",
                                             "Interim care order"))),
              ("Placement", forge.choice(("Foster placement (LA carers)",
                                          "Kinship foster care", "Residential children's home"))),
              ("Social worker", s.put("PERSON", worker.name)),
              ("Social worker tel", s.put("PHONE_NUMBER", forge.phone())),
              ("Virtual School contact", forge.choice(("VSH duty line", "Education adviser"))),
              ("Date of PEP meeting", date_text(forge, forge.date_in(2024)))]
    return Form(forge.choice(("Personal Education Plan", "ePEP summary")), fields)


def form_referral(forge: Forge, s: Sample) -> Form:
    child = forge.pupil()
    s.categories.add("safeguarding")
    s.optional.add("health")
    dsl = forge.adult()
    fields = [*_child_fields(forge, s, child), _address_field(forge, s),
              ("Nature of concern", forge.choice((
                  "Disclosed that an adult at home hit her with a belt; bruising to upper arm",
                  "Arrived hungry and unkempt for the third week; neglect indicators",
                  "Older males collecting him in a car; possible CCE",
                  "Disclosure of domestic abuse witnessed at home (Operation Encompass)"))),
              ("Action taken", forge.choice(("Referral to MASH", "Strategy discussion with "
                                             "children's social care", "Body map completed, "
                                             "DSL informed"))),
              ("Reported by", s.put("PERSON", f"{dsl.title} {dsl.last}")),
              ("Date and time", f"{date_text(forge, forge.date_in(2024))} 10:40")]
    return Form(forge.choice(("Child protection: record of concern", "Safeguarding referral")),
                fields)


def form_trip(forge: Forge, s: Sample) -> Form:
    child, parent = forge.pupil(2008, 2012), forge.adult()
    fields = [*_child_fields(forge, s, child),
              ("Passport number", s.put("UK_PASSPORT", forge.passport())),
              *_contact_fields(forge, s, parent)]
    diet = forge.choice(("None", "Vegetarian", "Halal", "No pork"))
    fields.append(("Dietary requirements", diet))
    if diet in ("Halal", "No pork"):
        s.optional.add("religion")
    if forge.maybe(0.5):
        fields.append(("Medical information", forge.choice(("Hay fever (cetirizine)",
                                                            "Travel sickness", "Asthma"))))
        s.categories.add("health")
    return Form(forge.choice(("Residential visit consent: Normandy", "Overseas trip form")),
                fields)


def form_biometric(forge: Forge, s: Sample) -> Form:
    child, parent = forge.pupil(), forge.adult()
    s.categories.add("biometric")
    fields = [("Pupil", s.put("PERSON", child.name)),
              ("Form", forge.choice(("7C", "8H", "Year 5"))),
              ("Parent/carer", s.put("PERSON", parent.name)),
              ("Consent to finger image for cashless catering", "I consent"),
              ("Signed", parent.first[0] + ". " + parent.last),
              ("Date", date_text(forge, forge.date_in(2024)))]
    return Form("Biometric consent (catering and library)", fields,
                ["The school stores a template of your child's fingerprint, not the image."])


def form_staff(forge: Forge, s: Sample) -> Form:
    """A new-starter / volunteer form with identifiers laid out as other systems write them."""
    person = forge.adult()
    sort, account = forge.bank()
    fields = [("Full name", s.put("PERSON", person.name)),
              (forge.choice(("Date of birth", "DOB")),
               s.put("DATE_OF_BIRTH", date_text(forge, person.dob,
                                                forge.choice(("dd-Mon-yyyy", "dd-Mon-yy",
                                                              "iso", "d Month yyyy"))))),
              (forge.choice(("NI number", "National Insurance No.", "NINO")),
               s.put("UK_NINO", forge.nino())),
              _address_field(forge, s),
              ("Mobile", s.put("PHONE_NUMBER", forge.phone())),
              ("Personal email", s.put("EMAIL_ADDRESS", forge.email(person)))]
    if forge.maybe(0.5):
        fields.append(("Driving licence number",
                       s.put("UK_DRIVING_LICENCE", forge.licence(person))))
    if forge.maybe(0.5):
        s.put("UK_BANK_ACCOUNT", f"{sort} {account}")
        fields += [("Sort code", sort), ("Account number", account)]
    else:
        fields.append(("IBAN (overseas account)", s.put("IBAN_CODE", forge.iban())))
    if forge.maybe(0.3):
        fields.append(("Disability or health condition we should know about",
                       forge.choice(("Type 2 diabetes", "Hearing impairment (aids)",
                                     "Dyslexia"))))
        s.categories.add("health")
    return Form(forge.choice(("New starter details", "Volunteer registration", "Supply staff "
                              "onboarding")), fields)


def form_enrolment(forge: Forge, s: Sample) -> Form:
    """A sixth-form / college enrolment form (learners of 16+ have a ULN and a NINO)."""
    student = forge.pupil(2006, 2008)
    fields = [("Learner name", s.put("PERSON", student.name)), _dob_field(forge, s, student),
              ("ULN", s.put("UK_ULN", forge.uln())),
              (forge.choice(("NI No", "National Insurance")), s.put("UK_NINO", forge.nino())),
              _address_field(forge, s),
              ("Learner mobile", s.put("PHONE_NUMBER", forge.phone())),
              ("Learner email", s.put("EMAIL_ADDRESS", forge.email(student))),
              ("Course", forge.choice(("A level Biology", "BTEC Sport L3", "T Level Health")))]
    if forge.maybe(0.4):
        fields.append(("Learning difficulty or disability", forge.choice((
            "Dyslexia - extra time in exams", "Autism (ASC), EHCP", "ADHD"))))
        s.categories.add("sen")
        s.optional.add("health")
    return Form(forge.choice(("Enrolment form 2024/25", "Sixth form application")), fields)


def form_payment(forge: Forge, s: Sample) -> Form:
    """A parent's card payment slip for a trip or a club."""
    child, parent = forge.pupil(), forge.adult()
    return Form(forge.choice(("Trip payment slip", "Breakfast club payment")), [
        ("Child", s.put("PERSON", child.name)),
        ("Cardholder name", s.put("PERSON", f"{parent.title} {parent.first[0]} {parent.last}")),
        ("Card number", s.put("CREDIT_CARD", forge.card())),
        ("Expiry", f"{forge.rng.randrange(1, 13):02d}/{forge.rng.randrange(25, 30)}"),
        ("Amount", f"£{forge.rng.randrange(5, 300)}.00")])


def form_supplier(forge: Forge, s: Sample) -> Form:
    """A supplier's change of bank details (a company, but a named contact)."""
    contact = forge.adult()
    sort, account = forge.bank()
    fields = [("Supplier", forge.choice(("Dales Coaches Ltd", "Brightstart Catering",
                                         "Kestrel IT Services"))),
              ("Contact", s.put("PERSON", contact.name)),
              ("Telephone", s.put("PHONE_NUMBER", forge.phone()))]
    if forge.maybe(0.5):
        s.put("UK_BANK_ACCOUNT", f"{sort} {account}")
        fields += [("New sort code", sort), ("New account no.", account)]
    fields.append(("IBAN", s.put("IBAN_CODE", forge.iban())))
    return Form("Change of bank details", fields,
                ["Verified by phone call-back before the change was made."])


FORMS: tuple[tuple[str, Callable[[Forge, Sample], Form], int], ...] = (
    ("admission", form_admission, 4),
    ("medical", form_medical, 3),
    ("access_arrangements", form_access, 2),
    ("fsm_application", form_fsm, 3),
    ("pep", form_pep, 2),
    ("cp_referral", form_referral, 3),
    ("trip", form_trip, 2),
    ("biometric", form_biometric, 2),
    ("new_starter", form_staff, 3),
    ("enrolment", form_enrolment, 2),
    ("payment", form_payment, 2),
    ("supplier_bank", form_supplier, 1),
)


def _form_kind(forge: Forge, layouts: tuple[str, ...], i: int, folder: str,
               kind: str) -> Sample:
    weights = [w for _, _, w in FORMS]
    name, build, _ = forge.rng.choices(FORMS, weights=weights)[0]
    s = Sample("", kind)
    form = build(forge, s)
    suffix, s.data = render_form(form, forge.choice(layouts))
    s.path = f"{folder}/{name}_{i:03d}{suffix}"
    return s


def k_form_docx(forge: Forge, i: int) -> Sample:
    return _form_kind(forge, ("docx2", "docx4"), i, "office/forms", "form_docx")


def k_form_html(forge: Forge, i: int) -> Sample:
    return _form_kind(forge, ("html_table", "html_dl", "html_div"), i, "portal/submissions",
                      "form_html")


def k_form_lines(forge: Forge, i: int) -> Sample:
    return _form_kind(forge, ("lines",), i, "portal/exports", "form_lines")


# --------------------------------------------------------------------------- emails


def _email_body(forge: Forge, s: Sample, school: School) -> tuple[str, str]:
    """(subject, body) of a message about a pupil; categories recorded on ``s``."""
    child = forge.pupil()
    name = s.put("PERSON", child.name)
    first = child.first
    parent = forge.adult(last=child.last)
    topic = forge.choice(("sen", "health", "safeguarding", "fsm", "looked_after", "religion",
                          "plain", "plain", "card", "dob_after"))
    if topic == "sen":
        s.categories.add("sen")
        return (f"{first} - support plan", f"Hi all,\n\nQuick update on {name}: after the "
                f"educational psychologist's visit {first} has been added to the SEN register at "
                "SEN support (K), primary need SLCN. The one-page profile is on the shared "
                f"drive. {s.put('PERSON', parent.title + ' ' + parent.last)} would prefer a "
                f"call on {s.put('PHONE_NUMBER', forge.phone())} after 3pm.\n")
    if topic == "health":
        s.categories.add("health")
        return (f"Re: {first} today", f"Morning,\n\nMum rang to say {name} was taken to A&E "
                f"last night with a severe asthma attack and has a new preventer inhaler "
                f"(beclometasone, two puffs morning and night). Please make sure {first} "
                "keeps the blue reliever in class. DOB for the care plan is "
                f"{s.put('DATE_OF_BIRTH', date_text(forge, child.dob))}.\n")
    if topic == "safeguarding":
        s.categories.add("safeguarding")
        s.optional.add("health")
        return ("Confidential - for DSL", f"Logging this so it is on record. At 10:40 today "
                f"{name} told me that {forge.choice(('her', 'his'))} stepdad had locked "
                f"{forge.choice(('her', 'him'))} out overnight. There is a bruise on the left "
                "wrist; I have completed a body map. I have not asked leading questions. "
                "Please can we discuss a referral to children's social care.\n")
    if topic == "fsm":
        s.categories.add("fsm")
        return (f"Meals - {child.last}", f"Hi,\n\n{s.put('PERSON', parent.name)} has "
                f"sent evidence of Universal Credit, so {name} is eligible for free school "
                "meals from Monday. Can you mark the dinner register and add the pupil "
                "premium flag in the MIS?\n")
    if topic == "looked_after":
        s.categories.add("looked_after")
        s.optional.add("safeguarding")
        return ("PEP booking", f"Dear colleagues,\n\nThe PEP for {name}, who is in foster "
                f"care with {s.put('PERSON', forge.adult().name)}, is booked for "
                f"{date_text(forge, forge.date_in(2024), 'd Month yyyy')}. The Virtual School "
                "adviser will join online. Please bring the latest attainment data.\n")
    if topic == "religion":
        s.categories.add("religion")
        return ("Absence request", f"Dear {school.name},\n\n{name} will be absent on Friday "
                "for Eid prayers with the family at the mosque; as practising Muslims we also "
                f"ask that {first} is excused from the Christmas service.\n\nThank you,\n"
                f"{s.put('PERSON', parent.name)}\n")
    if topic == "card":
        return ("Trip payment", f"Hello, please take the balance for {name}'s trip from my "
                f"card {s.put('CREDIT_CARD', forge.card())} expiry 09/27. Thanks, "
                f"{s.put('PERSON', parent.name)}\n")
    if topic == "dob_after":
        adult = forge.adult()
        return ("Payroll correction", f"Hi, my record is wrong: "
                f"{s.put('DATE_OF_BIRTH', date_text(forge, adult.dob, 'iso'))} is my date of "
                f"birth, not the one on the payslip. Regards, {s.put('PERSON', adult.name)}\n")
    reader = s.put("PERSON", f"{parent.title} {parent.last}")
    return (f"{first}'s reading", f"Hi,\n\n{name} has moved up to the turquoise book band - "
            f"great progress this half term. Please thank {reader} for hearing reading every "
            "night.\n")


def k_email(forge: Forge, i: int) -> Sample:
    s = Sample(f"mail/{forge.choice(('inbox', 'sent', 'archive'))}/message_{i:03d}.eml",
               "email")
    school = forge.choice(forge.schools)
    staff, colleague = forge.adult(), forge.adult()
    message = EmailMessage()
    message["From"] = (f"{s.put('PERSON', staff.name)} "
                       f"<{s.put('EMAIL_ADDRESS', forge.email(staff, school.domain))}>")
    message["To"] = (f"{s.put('PERSON', colleague.name)} "
                     f"<{s.put('EMAIL_ADDRESS', forge.email(colleague, school.domain))}>")
    message["Date"] = format_datetime(dt.datetime(2024, 3, 1 + i % 27, 8, 15,
                                                  tzinfo=dt.UTC))
    message["Message-ID"] = f"<bench19.{i}@{school.domain}>"
    subject, body = _email_body(forge, s, school)
    message["Subject"] = subject
    signature = (f"\n--\n{staff.first} {staff.last[0]}.\n{school.name}\n"
                 f"Tel {s.put('PHONE_NUMBER', school.phone)}\n")
    message.set_content(body + signature)
    if forge.maybe(0.35):
        attachment = Sample("", "attachment")
        if forge.maybe(0.5):
            table = MisTable(forge, attachment, _mis_kinds(forge), forge.rng.randrange(3, 10))
            data = csv_bytes(table.headings(), table.text_rows())
            message.add_attachment(data, maintype="text", subtype="csv", filename="list.csv")
        else:
            form = forge.rng.choices([b for _, b, _ in FORMS], weights=[w for *_, w in FORMS])[0]
            _, data = render_form(form(forge, attachment), "docx2")
            message.add_attachment(
                data, maintype="application",
                subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                filename="form.docx")
        s.merge(attachment)
        message.set_boundary(f"==bench19-{i}==")
    s.data = message.as_bytes()
    return s


# --------------------------------------------------------------------------- other shapes


def k_accident_book(forge: Forge, i: int) -> Sample:
    s = Sample(f"office/first_aid/accident_book_{i:03d}.csv", "accident_book")
    s.categories.add("health")
    header = ["Date", "Time", "Name", "Class", "Location", "Injury", "Treatment",
              "Parent informed", "First aider"]
    aider = forge.adult()
    rows = []
    for _ in range(forge.rng.randrange(4, 15)):
        pupil = forge.pupil(2014, 2019)
        rows.append([date_text(forge, forge.date_in(2024), "dd/mm/yyyy"),
                     f"{forge.rng.randrange(9, 15)}:{forge.rng.randrange(60):02d}",
                     s.put("PERSON", pupil.name), forge.choice(("2B", "3H", "Y4", "R")),
                     forge.choice(("Playground", "Field", "Hall", "Classroom")),
                     forge.choice(("Graze to knee", "Bumped head", "Nosebleed",
                                   "Cut finger", "Twisted ankle")),
                     forge.choice(("Cold compress", "Cleaned, plaster", "Ice pack, head bump "
                                   "letter", "Monitored 20 mins")),
                     forge.choice(("Y", "Phone call", "Note")),
                     f"{aider.first[0]}. {s.put('PERSON', aider.last)}"])
    if forge.maybe(0.5):
        s.path = s.path.replace(".csv", ".xlsx")
        s.data = xlsx_bytes([("Accidents", header, rows)])
    else:
        s.data = csv_bytes(header, rows)
    return s


def k_dinner_money(forge: Forge, i: int) -> Sample:
    s = Sample(f"office/kitchen/dinner_register_wk{i:02d}.xlsx", "dinner_money")
    s.categories.add("fsm")
    header = ["Pupil", "Class", "Meal status", "Mon", "Tue", "Wed", "Thu", "Fri", "Balance"]
    rows: list[list[object]] = []
    n = forge.rng.randrange(8, 25)
    fsm_row = forge.rng.randrange(n)
    for r in range(n):
        pupil = forge.pupil(2015, 2019)
        status = "FSM" if r == fsm_row else forge.choice(("Paid", "Paid", "UIFSM", "FSM",
                                                          "Packed"))
        rows.append([s.put("PERSON", pupil.name), forge.choice(("Owls", "Foxes", "Y3")),
                     status, *[forge.choice(("D", "D", "P", "")) for _ in range(5)],
                     0.0 if status != "Paid" else round(forge.rng.uniform(-12, 20), 2)])
    s.data = xlsx_bytes([("Week", header, rows)])
    return s


def k_seating_plan(forge: Forge, i: int) -> Sample:
    s = Sample(f"staff/classes/seating_plan_{i:03d}.docx", "seating_plan")
    grid = []
    marks = {"SEN": "sen", "PP": "fsm", "EAL": None, "": None}
    forced = [("SEN", "sen"), ("PP", "fsm")]
    for r in range(4):
        line = []
        for c in range(5):
            pupil = forge.pupil(2008, 2011)
            tag = forced.pop()[0] if forced and (r, c) in ((0, 1), (2, 3)) else \
                forge.choice(tuple(marks))
            if marks.get(tag):
                s.categories.add(marks[tag])
            line.append(f"{s.put('PERSON', pupil.name)} {f'({tag})' if tag else ''}".strip())
        grid.append(line)
    s.data = docx_grid(f"Seating plan {forge.choice(('8X2', '9Y1', '10A', '7C'))}", grid,
                       ["Key: SEN = on SEN register; PP = pupil premium; EAL = English as an "
                        "additional language."])
    return s


def k_cpoms(forge: Forge, i: int) -> Sample:
    s = Sample(f"safeguarding/exports/incidents_{i:03d}.csv", "cpoms_export")
    s.categories.add("safeguarding")
    header = ["Student", "Year", "Incident Date", "Category", "Incident", "Action Taken",
              "Assigned To"]
    rows = []
    for r in range(forge.rng.randrange(3, 10)):
        pupil = forge.pupil(2009, 2016)
        category = "Safeguarding; Child Protection" if r == 0 else forge.choice((
            "Behaviour", "Attendance", "Medical", "Safeguarding", "Bullying"))
        text = {"Medical": "Complained of chest pain, inhaler given, mum collected",
                "Behaviour": "Refused to follow instructions in science",
                "Attendance": "Late 4 times this week",
                "Bullying": "Name-calling on the bus reported by friend"}.get(
            category, "Disclosed that dad hits mum when drunk; body map completed")
        if category == "Medical":
            s.categories.add("health")
        staff = forge.adult()
        rows.append([s.put("PERSON", pupil.name), str(forge.rng.randrange(3, 11)),
                     date_text(forge, forge.date_in(2024), "iso"), category, text,
                     forge.choice(("Logged", "DSL informed", "Referred to MASH",
                                   "Parents contacted")),
                     s.put("PERSON", staff.name)])
    s.data = csv_bytes(header, rows)
    return s


# --------------------------------------------------------------------------- negative controls

_POLICY_TEXT = {
    "First Aid Policy": [
        "Pupils with asthma keep their reliever inhaler in class; spare inhalers are held in "
        "the medical room. Staff trained in paediatric first aid are listed on the noticeboard.",
        "Adrenaline auto-injectors (EpiPen, Jext) for pupils with anaphylaxis are stored "
        "unlocked. Head bumps are reported to parents the same day.",
        "Individual healthcare plans are reviewed annually with parents and the school nurse."],
    "SEND Information Report": [
        "Pupils on the SEN register receive SEN support (code K) or have an Education, "
        "Health and Care plan (code E). Needs are grouped as communication and interaction, "
        "cognition and learning, SEMH, and sensory and/or physical.",
        "The SENCO coordinates provision maps and the graduated approach (assess, plan, do, "
        "review). Access arrangements such as 25% extra time follow JCQ rules."],
    "Child Protection and Safeguarding Policy": [
        "Any member of staff with a concern about a child must record it on CPOMS the same day "
        "and speak to the designated safeguarding lead (DSL).",
        "Concerns may relate to physical, emotional or sexual abuse, neglect, FGM, county "
        "lines or radicalisation (Prevent). The DSL decides on referral to MASH or early help."],
    "Religious Education Policy": [
        "RE follows the locally agreed syllabus: Christianity, Islam, Judaism, Sikhism, "
        "Hinduism and Buddhism, with non-religious worldviews such as humanism.",
        "Parents may withdraw their child from RE or collective worship."],
    "Pupil Premium Strategy Statement": [
        "31% of pupils are eligible for pupil premium (FSM Ever 6, service children, "
        "previously looked-after children). Funding supports tutoring and attendance.",
        "Families receiving Universal Credit should apply for free school meals online."],
    "Looked-After and Previously Looked-After Children Policy": [
        "The designated teacher works with the Virtual School Head to make sure every child "
        "in care has an effective personal education plan (PEP).",
        "Pupil Premium Plus is used to meet needs identified in the PEP."],
    "Biometric Data Policy": [
        "Under the Protection of Freedoms Act 2012 the school needs written consent from a "
        "parent before using a pupil's fingerprint for cashless catering."],
}


def _letterhead(forge: Forge, s: Sample, school: School) -> str:
    return (f"{school.name}, {school.street}, {school.town} "
            f"{s.put('UK_POSTCODE', school.postcode)} · Tel "
            f"{s.put('PHONE_NUMBER', school.phone)}")


def k_policy(forge: Forge, i: int) -> Sample:
    title = forge.choice(tuple(_POLICY_TEXT))
    slug = re.sub(r"[^a-z]+", "_", title.lower()).strip("_")
    s = Sample("", "policy", negative=True)
    school = forge.choice(forge.schools)
    paras = [_letterhead(forge, s, school), *_POLICY_TEXT[title]]
    if forge.maybe(0.5):
        lead = forge.adult()
        paras.append(f"Policy owner: {s.put('PERSON', f'{lead.title} {lead.name}')} "
                     f"(approved by governors {date_text(forge, forge.date_in(2024))}).")
    else:
        paras.append("Review cycle: every two years, or sooner if legislation changes.")
    if forge.maybe(0.5):
        s.path = f"governance/policies/{slug}_{i:03d}.docx"
        s.data = docx_paragraphs(title, paras)
    else:
        s.path = f"website/policies/{slug}_{i:03d}.html"
        s.data = html_page(title, "".join(f"<p>{escape(p)}</p>\n" for p in paras))
    return s


_LESSONS = (
    ("Sikhism: the Five Ks", ["Learning objective: explain the meaning of the Five Ks (kesh, "
     "kara, kanga, kachera, kirpan) for Khalsa Sikhs.", "Starter: picture of a gurdwara. "
     "Main: card sort matching each K to its meaning. Plenary: why might a Sikh wear a kara?"]),
    ("Islam: the Five Pillars", ["Objective: describe shahadah, salah, zakat, sawm and hajj.",
     "Discuss how Muslims fast during Ramadan and celebrate Eid al-Fitr."]),
    ("Judaism: Shabbat", ["Objective: know how Jewish families mark Shabbat.",
     "Activity: sequence the Friday evening meal; compare with Christian Sunday worship."]),
    ("Hinduism: Diwali", ["Objective: retell the story of Rama and Sita.",
     "Make diva lamps; discuss what light means in Hindu and Sikh festivals."]),
    ("PSHE: allergies and first aid", ["Objective: know what anaphylaxis looks like and how "
     "an EpiPen is used.", "Role play calling 999; discuss asthma and inhalers."]),
    ("PSHE: keeping safe", ["Objective: name trusted adults and know that worries can be "
     "shared with the DSL.", "Discuss NSPCC PANTS rule; Childline number on the board."]),
)


def k_lesson_plan(forge: Forge, i: int) -> Sample:
    title, lines = forge.choice(_LESSONS)
    s = Sample("", "lesson_plan", negative=True)
    paras = [f"Year {forge.rng.randrange(2, 10)} · {title}", *lines,
             "Resources: slides, artefact box, mini whiteboards."]
    if forge.maybe(0.4):
        teacher = forge.adult()
        paras.append(f"Planned by {s.put('PERSON', f'{teacher.title} {teacher.last}')}")
    if forge.maybe(0.5):
        s.path = f"curriculum/RE_PSHE/lesson_{i:03d}.docx"
        s.data = docx_paragraphs(title, paras)
    else:
        s.path = f"curriculum/RE_PSHE/lesson_{i:03d}.txt"
        s.data = ("\n\n".join([title, *paras]) + "\n").encode("utf-8")
    return s


_NEWS_ITEMS = (
    "Eid Mubarak to all our families celebrating this week, and thank you for the "
    "delicious food shared at the Ramadan iftar evening.",
    "Flu vaccinations for Reception to Year 6 take place on Tuesday; consent is online.",
    "If you receive Universal Credit your child may be entitled to free school meals, "
    "which also brings pupil premium funding to school. Ask the office in confidence.",
    "Our SEND coffee morning with the SENCO is on Thursday in the library.",
    "Please remember we are a nut-free school: several children have severe allergies.",
    "Harvest festival donations go to the local food bank.",
    "Diwali assembly: thank you to the families who lent diyas and rangoli patterns.",
    "Our Operation Encompass and safeguarding information is on the website.",
)


def k_newsletter(forge: Forge, i: int) -> Sample:
    s = Sample("", "newsletter", negative=True)
    school = forge.choice(forge.schools)
    items = forge.rng.sample(_NEWS_ITEMS, 4)
    head = forge.adult()
    paras = [_letterhead(forge, s, school), *items]
    if forge.maybe(0.5):
        star = forge.pupil()
        paras.append(f"Star of the week: {s.put('PERSON', star.name)} for kindness at lunchtime.")
    paras.append(f"{s.put('PERSON', f'{head.title} {head.last}')}, Headteacher")
    if forge.maybe(0.5):
        s.path = f"website/newsletters/newsletter_{i:03d}.html"
        s.data = html_page("Newsletter", "".join(f"<p>{escape(p)}</p>\n" for p in paras))
    else:
        s.path = f"office/newsletters/newsletter_{i:03d}.docx"
        s.data = docx_paragraphs("Newsletter", paras)
    return s


_TEMPLATE_LABELS = (
    "Pupil name", "Date of birth", "UPN", "NHS number", "Home address", "Postcode",
    "Parent/carer", "Mobile", "Email", "Ethnicity", "Religion", "First language",
    "SEN status (K/E/N)", "EHC plan?", "Free school meals (Y/N)", "Pupil premium",
    "Looked after (CLA)?", "Medical conditions", "Allergies", "Medication",
    "Safeguarding concerns / CP plan", "Biometric consent", "Social worker",
)


def k_blank_template(forge: Forge, i: int) -> Sample:
    s = Sample("", "blank_template", negative=True)
    labels = list(_TEMPLATE_LABELS)
    layout = forge.choice(("docx2", "html_dl", "html_table", "lines", "csv"))
    if layout == "csv":
        s.path = f"templates/import_template_{i:03d}.csv"
        s.data = csv_bytes(labels, [])
        return s
    blank = forge.choice(("", "", "________", "[  ]"))
    suffix, s.data = render_form(Form("Pupil information form (blank)",
                                      [(label, blank) for label in labels],
                                      ["Please return to the school office."]), layout)
    s.path = f"templates/pupil_form_template_{i:03d}{suffix}"
    return s


def k_timetable(forge: Forge, i: int) -> Sample:
    s = Sample("", "timetable", negative=True)
    header = ["Period", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    subjects = ("Maths", "English", "Science", "RE", "PSHE", "PE", "History", "Music",
                "Computing", "French")
    rows = [[f"P{p}"] + [f"{forge.choice(subjects)} {forge.choice(('S12', 'H4', 'Gym', 'L2'))}"
                         f" {''.join(forge.choice('BCDGHJKMPRSTW') for _ in range(3))}"
                         for _ in range(5)] for p in range(1, 7)]
    if forge.maybe(0.5):
        s.path = f"staff/timetables/timetable_{i:03d}.xlsx"
        s.data = xlsx_bytes([("Timetable", header, rows)])
    else:
        s.path = f"staff/timetables/timetable_{i:03d}.html"
        s.data = html_page("Timetable", html_table(header, rows))
    return s


def _upn_la000(forge: Forge) -> str:
    body = "000" + forge.digits(9)
    return upn_letter(body) + body


def _ten_digits_no_check(forge: Forge) -> str:
    """A 10-digit number that is neither an NHS number nor a ULN."""
    while True:
        value = str(forge.rng.randrange(10**9, 10**10))
        if nhs_check(value[:9]) != int(value[9]) and uln_check(value[:9]) != int(value[9]):
            return value


def k_placeholders(forge: Forge, i: int) -> Sample:
    s = Sample(f"office/templates/sample_record_{i:03d}.txt", "placeholders", negative=True)
    digit = forge.choice("0123456789")
    lines = [
        "SAMPLE RECORD - for training only",
        "Phone: 000 000 0000",
        f"NHS number: {digit * 3} {digit * 3} {digit * 4}",
        "NHS number: 000 000 0000",
        f"UPN: {_upn_la000(forge)} (example only)",
        "NI number: QQ 12 34 56 C",
        "Sort code: 00-00-00  Account: 00000000",
        f"Order ref: {_ten_digits_no_check(forge)}-{forge.digits(4)}",
        f"Invoice date: {date_text(forge, forge.date_in(2024))}",
        f"Room {forge.rng.randrange(1, 30)}, building B{forge.rng.randrange(1, 9)}",
    ]
    forge.rng.shuffle(lines[1:])
    s.data = ("\n".join(lines) + "\n").encode("utf-8")
    return s


# --------------------------------------------------------------------------- the corpus

KINDS: tuple[tuple[str, Callable[[Forge, int], Sample], int], ...] = (
    ("mis_csv", k_mis_csv, 9),
    ("mis_xlsx", k_mis_xlsx, 7),
    ("mis_html", k_mis_html, 4),
    ("mis_json", k_mis_json, 7),
    ("ctf_xml", k_ctf, 5),
    ("form_docx", k_form_docx, 9),
    ("form_html", k_form_html, 9),
    ("form_lines", k_form_lines, 5),
    ("email", k_email, 12),
    ("accident_book", k_accident_book, 3),
    ("dinner_money", k_dinner_money, 3),
    ("seating_plan", k_seating_plan, 3),
    ("cpoms_export", k_cpoms, 4),
    ("policy", k_policy, 6),
    ("lesson_plan", k_lesson_plan, 4),
    ("newsletter", k_newsletter, 4),
    ("blank_template", k_blank_template, 4),
    ("timetable", k_timetable, 3),
    ("placeholders", k_placeholders, 3),
)


def allocate(files: int) -> list[tuple[str, int]]:
    """Files per kind (largest remainders; every kind at least one)."""
    total = sum(w for *_, w in KINDS)
    shares = {name: files * w / total for name, _, w in KINDS}
    counts = {name: max(1, int(x)) for name, x in shares.items()}
    by_remainder = sorted(shares, key=lambda n: shares[n] - int(shares[n]), reverse=True)
    step = 0
    while sum(counts.values()) < files:
        counts[by_remainder[step % len(by_remainder)]] += 1
        step += 1
    while sum(counts.values()) > files:
        counts[max(counts, key=counts.__getitem__)] -= 1
    return [(name, counts[name]) for name, *_ in KINDS]


def generate(files: int = DEFAULT_FILES, seed: int = DEFAULT_SEED) -> list[Sample]:
    """The samples of a corpus, in a fixed order (bytes made, nothing written)."""
    forge = Forge(seed)
    builders = {name: build for name, build, _ in KINDS}
    samples = [builders[name](forge, i) for name, count in allocate(files)
               for i in range(count)]
    paths = Counter(s.path for s in samples)
    if duplicated := [p for p, n in paths.items() if n > 1]:
        raise ValueError(f"duplicate paths: {duplicated[:3]}")
    return samples


def build_corpus(out: Path, files: int = DEFAULT_FILES, seed: int = DEFAULT_SEED,
                 ) -> dict[str, object]:
    """Write ``out/share/...`` and ``out/truth.json``; return the truth."""
    share = out / "share"
    records = []
    for sample in generate(files, seed):
        path = share / sample.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(sample.data)
        records.append(sample.truth())
    truth = {"meta": {"corpus": "independent", "files": files, "seed": seed,
                      "counting": "presence", "entity_types": list(ENTITY_TYPES),
                      "special_categories": list(CATEGORIES)},
             "files": records}
    (out / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    return truth


def summarise(truth: dict[str, object]) -> Iterable[str]:
    """Lines describing a built corpus: files per format, files per type and category."""
    files = truth["files"]
    formats = Counter(Path(f["path"]).suffix for f in files)
    types = Counter(t for f in files for t in f["mentions"])
    cats = Counter(c for f in files for c in f["special_categories"])
    yield f"files: {len(files)} ({', '.join(f'{k} {v}' for k, v in sorted(formats.items()))})"
    yield f"negative controls: {sum(1 for f in files if f['negative'])}"
    for t in ENTITY_TYPES:
        yield f"  {t}: in {types[t]} files"
    for c in CATEGORIES:
        yield f"  {c}: in {cats[c]} files"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    for line in summarise(build_corpus(args.out, args.files, args.seed)):
        print(line)


if __name__ == "__main__":
    main()
