"""Deterministic builder of a small synthetic UK primary-school file share.

Used by the test-suite (``tests/conftest.py``) and meant to be reusable by benchmark
scripts::

    from tests.corpus import build_school_share   # repo root on sys.path
    manifest = build_school_share(Path("/tmp/share"), seed=1234, scale=10)

Every planted identifier is synthetic and, where a checksum exists, valid:

* NHS numbers come from the reserved test range 999 000 0000 - 999 999 9999 and pass
  the mod-11 check; they are also chosen to FAIL the ULN check so a checksum-based
  detector cannot confuse the two.
* UPNs carry a correct check letter; ULNs pass the ULN check and fail the NHS check.
* Phone numbers are Ofcom "drama" GEOGRAPHIC numbers (libphonenumber accepts them).
* NINOs are format-valid (allowed prefixes, suffix A-D); they cannot be proven unissued.
* Dates of birth are always labelled (``Date of birth: 03/02/2015`` or a ``DOB`` column)
  and belong to children aged 4-11 in 2026.

The manifest records, per "/"-separated relative path, what a correct scanner must and
must not find, the expected content mime type and the raw planted values (so tests can
check that no raw value leaks into a report).

The builder is deterministic for a given ``seed`` and ``scale``: text files are
byte-identical between builds, and .docx/.xlsx/.pdf files are normalised (fixed zip
timestamps, fixed document dates) so that they are byte-identical too.  File mtimes are
set to fixed dates in 2025.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import random
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from faker import Faker

# Mirrors dpscan.model.records.ENTITY_TYPES (tests/test_corpus.py checks they agree); kept
# local so the builder never imports the package it is used to test.
ENTITY_TYPES: tuple[str, ...] = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "UK_NHS",
    "UK_NINO",
    "UK_UPN",
    "UK_ULN",
    "UK_POSTCODE",
    "DATE_OF_BIRTH",
    "UK_PASSPORT",
    "UK_DRIVING_LICENCE",
    "UK_BANK_ACCOUNT",
    "IBAN_CODE",
    "CREDIT_CARD",
)

MIME_TXT = "text/plain"
MIME_CSV = "text/csv"
MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIME_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIME_PDF = "application/pdf"
MIME_PNG = "image/png"
MIME_BIN = "application/octet-stream"

ALL_TYPES = frozenset(ENTITY_TYPES)
#: For negative controls that contain words: a named-entity recogniser may still see a
#: "person" in ordinary prose, so PERSON is never forbidden there.
ALL_BUT_PERSON = ALL_TYPES - {"PERSON"}
#: Identifier types whose values are checksummed or strictly structured: finding one in a
#: file where none was planted is a false positive whatever the context.
_STRICT = frozenset({"UK_NHS", "UK_ULN", "UK_UPN", "UK_NINO", "CREDIT_CARD", "IBAN_CODE"})

#: Types whose raw values are distinctive enough that finding the raw string (or its
#: compact form) anywhere in a report means the report leaked it.
LEAK_CHECK_TYPES = frozenset(
    {
        "UK_NHS",
        "EMAIL_ADDRESS",
        "UK_NINO",
        "UK_UPN",
        "UK_ULN",
        "PHONE_NUMBER",
        "UK_PASSPORT",
        "UK_DRIVING_LICENCE",
        "UK_BANK_ACCOUNT",
        "IBAN_CODE",
        "CREDIT_CARD",
    }
)

_FIXED_DT = dt.datetime(2025, 1, 6, 9, 0, 0, tzinfo=dt.UTC)
_ZIP_DATE = (2025, 1, 6, 9, 0, 0)
SCHOOL = "Oakfield Primary School"

# --------------------------------------------------------------------------- checksums


def nhs_check_digit(first9: str) -> int | None:
    """NHS mod-11 check digit for 9 digits, or None when the result would be 10."""
    total = sum(int(d) * w for d, w in zip(first9, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_is_valid(value: str) -> bool:
    """True for a 10-digit NHS number (spaces/hyphens allowed) with a good check digit."""
    digits = re.sub(r"[\s-]", "", value)
    if not re.fullmatch(r"\d{10}", digits) or len(set(digits)) == 1:
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_letter(last12: str) -> str:
    """Check letter for the 12 characters after it (all digits here)."""
    total = sum(int(c) * w for c, w in zip(last12, range(2, 14), strict=True))
    return _UPN_LETTERS[total % 23]


def upn_is_valid(value: str) -> bool:
    """True for a permanent 13-character UPN with a correct check letter."""
    if not re.fullmatch(r"[A-HJ-NPQRT-Z]\d{12}", value):
        return False
    return upn_check_letter(value[1:]) == value[0]


def uln_is_valid(value: str) -> bool:
    """True for a 10-digit ULN (first digit non-zero) that passes the ULN check."""
    if not re.fullmatch(r"[1-9]\d{9}", value):
        return False
    r = sum(int(d) * (10 - i) for i, d in enumerate(value[:9])) % 11
    return r != 0 and 10 - r == int(value[9])


def luhn_is_valid(value: str) -> bool:
    """Luhn check on the digits of ``value``."""
    digits = [int(c) for c in value if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def iban_is_valid(value: str) -> bool:
    """ISO 13616 mod-97 check."""
    s = value.replace(" ", "")
    s = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


POSTCODE_STRICT_RE = re.compile(
    r"^(?:[A-PR-UWYZ]\d\d?|[A-PR-UWYZ][A-HK-Y]\d\d?|[A-PR-UWYZ]\d[A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y]\d[ABEHMNPRVWXY]) \d[ABD-HJLNP-UW-Z]{2}$"
)

_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"  # not D F I Q U V
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"  # not D F I O Q U V
_NINO_BAD_PREFIXES = frozenset(
    {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ", "OO", "CR", "FY", "MW", "NC", "PP", "PY", "PZ"}
)
NINO_RE = re.compile(r"^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d\d ?\d\d ?\d\d ?[A-D]$")


def compact(value: str) -> str:
    """``value`` without spaces and hyphens (how identifiers are often re-written)."""
    return re.sub(r"[\s-]", "", value)


# --------------------------------------------------------------------------- manifest


@dataclass(slots=True)
class PlantedFile:
    """What one file of the share holds and what a correct scan must report for it.

    ``mime`` is None when the content type is deliberately not asserted (the corrupt
    and the empty file); tests then skip the mime *and* extension-mismatch checks.
    """

    expect_types: frozenset[str]
    forbid_types: frozenset[str]
    mime: str | None
    extension_mismatch: bool = False
    planted_values: list[str] = field(default_factory=list)
    #: the same raw values grouped by entity type (PERSON holds full names)
    planted: dict[str, list[str]] = field(default_factory=dict)
    #: look-alike values that must NOT be detected (e.g. 10-digit numbers failing mod-11)
    decoy_values: list[str] = field(default_factory=list)
    #: expected findings.json ``status`` (None: not asserted)
    expect_status: str | None = None
    #: flags that must be present on the record
    expect_flags: frozenset[str] = frozenset()
    description: str = ""


@dataclass(slots=True)
class ShareManifest:
    """The planted truth for a built share: ``files`` maps relative path -> PlantedFile."""

    root: Path
    seed: int
    scale: int
    files: dict[str, PlantedFile]

    def __getitem__(self, path: str) -> PlantedFile:
        return self.files[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def __contains__(self, path: object) -> bool:
        return path in self.files

    def items(self):  # noqa: ANN201 - dict_items
        return self.files.items()

    def planted_of_type(self, entity_type: str) -> list[str]:
        """Every raw value of ``entity_type`` planted anywhere in the share."""
        out: list[str] = []
        for planted in self.files.values():
            out.extend(planted.planted.get(entity_type, ()))
        return out

    def planted_types(self) -> set[str]:
        """Entity types planted somewhere in the share."""
        return {t for p in self.files.values() for t, vals in p.planted.items() if vals}

    def leak_values(self) -> set[str]:
        """Distinctive raw identifiers (and their space/hyphen-free forms) that must never
        appear in a report: NHS, email, NINO, UPN, ULN, phone, passport, licence, bank
        account, IBAN and card numbers."""
        out: set[str] = set()
        for entity_type in LEAK_CHECK_TYPES:
            for value in self.planted_of_type(entity_type):
                out.add(value)
                out.add(compact(value))
        return out

    def weak_leak_values(self) -> set[str]:
        """Postcodes and dates of birth (dd/mm/yyyy and ISO forms): raw values that should
        not appear in a report either, but that are less distinctive."""
        out: set[str] = set(self.planted_of_type("UK_POSTCODE"))
        for dob in self.planted_of_type("DATE_OF_BIRTH"):
            out.add(dob)
            day, month, year = dob.split("/")
            out.add(f"{year}-{month}-{day}")
        return out


# --------------------------------------------------------------------------- helpers


def snapshot_tree(root: Path) -> dict[str, tuple[str, int, int, int]]:
    """Map every file under ``root`` ("/"-separated relative path) to
    (sha256, st_mtime_ns, st_size, st_mode), without following symlinks."""
    out: dict[str, tuple[str, int, int, int]] = {}
    for dirpath, _dirnames, filenames in os.walk(root):
        for name in filenames:
            full = Path(dirpath, name)
            st = full.lstat()
            digest = (
                hashlib.sha256(full.read_bytes()).hexdigest() if stat.S_ISREG(st.st_mode) else ""
            )
            rel = full.relative_to(root).as_posix()
            out[rel] = (digest, st.st_mtime_ns, st.st_size, st.st_mode)
    return out


def _latin1(text: str) -> str:
    """Make ``text`` safe for fpdf2's core fonts (latin-1 only)."""
    table = {
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u00a0": " ",
    }
    text = "".join(table.get(c, c) for c in text)
    return text.encode("latin-1", "replace").decode("latin-1")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with fixed timestamps and fixed core-property dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>2025-01-06T09:00:00Z\g<2>",
                    blob,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, blob)
    return out.getvalue()


def _png_bytes(width: int = 4, height: int = 4) -> bytes:
    """A tiny valid RGB PNG, made by hand."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (
            struct.pack(">I", len(payload))
            + kind
            + payload
            + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
        )

    raw = b"".join(
        b"\x00" + b"".join(bytes((40 * x + 20, 120, 200 - 30 * y)) for x in range(width))
        for y in range(height)
    )
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


# --------------------------------------------------------------------------- people


@dataclass(slots=True)
class _Family:
    title: str
    parent_first: str
    parent_last: str
    child_first: str
    child_last: str
    child_dob: dt.date
    street: str
    town: str
    postcode: str
    email: str
    phone: str

    @property
    def parent(self) -> str:
        return f"{self.parent_first} {self.parent_last}"

    @property
    def child(self) -> str:
        return f"{self.child_first} {self.child_last}"

    @property
    def dob(self) -> str:
        return self.child_dob.strftime("%d/%m/%Y")


class _Builder:
    """Holds the seeded generators, the uniqueness pools and the manifest under way."""

    def __init__(self, root: Path, seed: int, scale: int) -> None:
        self.root = root
        self.seed = seed
        self.scale = scale
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.files: dict[str, PlantedFile] = {}
        self._used: set[str] = set()
        self._surnames: set[str] = set()
        self._mtime_index = 0

    # ---- unique synthetic values -------------------------------------------------

    def _unique(self, make) -> str:  # noqa: ANN001 - zero-arg callable
        for _ in range(10_000):
            value = make()
            if value not in self._used:
                self._used.add(value)
                return value
        raise RuntimeError("could not generate a unique value")

    def nhs(self, spaced: bool = True) -> str:
        def make() -> str:
            while True:
                first9 = "999" + "".join(self.rng.choice("0123456789") for _ in range(6))
                check = nhs_check_digit(first9)
                if check is None:
                    continue
                value = f"{first9}{check}"
                if uln_is_valid(value):  # keep NHS and ULN checksums disjoint
                    continue
                return value

        value = self._unique(make)
        return f"{value[:3]} {value[3:6]} {value[6:]}" if spaced else value

    def upn(self) -> str:
        def make() -> str:
            la = self.rng.choice(("201", "330", "380", "850", "919"))
            estab = f"2{self.rng.randrange(1000):03d}"
            year = f"{self.rng.randrange(15, 22):02d}"
            serial = f"{self.rng.randrange(1, 1000):03d}"
            body = la + estab + year + serial
            return upn_check_letter(body) + body

        return self._unique(make)

    def uln(self) -> str:
        def make() -> str:
            while True:
                first9 = str(self.rng.randrange(1, 9)) + "".join(
                    self.rng.choice("0123456789") for _ in range(8)
                )
                r = sum(int(d) * (10 - i) for i, d in enumerate(first9)) % 11
                if r == 0:
                    continue
                value = f"{first9}{10 - r}"
                if len(value) != 10 or nhs_is_valid(value):
                    continue
                return value

        return self._unique(make)

    def nino(self, spaced: bool = True) -> str:
        def make() -> str:
            while True:
                prefix = self.rng.choice(_NINO_FIRST) + self.rng.choice(_NINO_SECOND)
                if prefix not in _NINO_BAD_PREFIXES:
                    break
            digits = "".join(self.rng.choice("0123456789") for _ in range(6))
            return prefix + digits + self.rng.choice("ABCD")

        v = self._unique(make)
        return f"{v[:2]} {v[2:4]} {v[4:6]} {v[6:8]} {v[8]}" if spaced else v

    def phone(self) -> str:
        prefixes = ("020 7946 0", "0113 496 0", "0161 496 0")
        return self._unique(lambda: self.rng.choice(prefixes) + f"{self.rng.randrange(1000):03d}")

    def postcode(self) -> str:
        def make() -> str:
            while True:
                value = self.fake.postcode()
                # Keep to the common outward forms (A9, A99, AA9, AA99): the A9A/AA9A
                # forms only exist in central London and Faker invents them elsewhere.
                if POSTCODE_STRICT_RE.match(value) and re.match(r"[A-Z]{1,2}\d{1,2} ", value):
                    return value

        return self._unique(make)

    def email(self, first: str, last: str) -> str:
        def make() -> str:
            local = re.sub(r"[^a-z.]", "", _ascii(f"{first}.{last}").lower())
            n = self.rng.randrange(1, 99)
            return f"{local}{n}@{self.fake.safe_domain_name()}"

        return self._unique(make)

    def child_dob(self) -> dt.date:
        """A date of birth for a child aged 4-11 in 2026."""
        start = dt.date(2015, 1, 1)
        return start + dt.timedelta(days=self.rng.randrange((dt.date(2021, 12, 31) - start).days))

    def surname(self) -> str:
        for _ in range(200):
            name = self.fake.last_name()
            if name not in self._surnames and "-" not in name and " " not in name:
                self._surnames.add(name)
                return name
        return self.fake.last_name()

    def family(self) -> _Family:
        last = self.surname()
        female = self.rng.random() < 0.6
        title = self.rng.choice(("Mrs", "Ms", "Miss")) if female else "Mr"
        parent_first = self.fake.first_name_female() if female else self.fake.first_name_male()
        child_first = self.fake.first_name()
        return _Family(
            title=title,
            parent_first=parent_first,
            parent_last=last,
            child_first=child_first,
            child_last=last,
            child_dob=self.child_dob(),
            street=self.fake.street_address().replace("\n", ", "),
            town=self.fake.city(),
            postcode=self.postcode(),
            email=self.email(parent_first, last),
            phone=self.phone(),
        )

    # ---- writing -------------------------------------------------------------------

    def _path(self, rel: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def add(
        self,
        rel: str,
        data: bytes,
        *,
        expect: set[str] | frozenset[str],
        forbid: set[str] | frozenset[str] = frozenset(),
        mime: str | None,
        planted: dict[str, list[str]] | None = None,
        decoys: list[str] | None = None,
        extension_mismatch: bool = False,
        expect_status: str | None = "scanned",
        expect_flags: set[str] | frozenset[str] = frozenset(),
        description: str = "",
    ) -> None:
        if rel in self.files:
            raise ValueError(f"duplicate corpus path {rel}")
        expect, forbid = frozenset(expect), frozenset(forbid)
        if expect & forbid:
            raise ValueError(f"{rel}: type both expected and forbidden: {expect & forbid}")
        planted = {k: list(v) for k, v in (planted or {}).items() if v}
        if not expect <= set(planted):
            raise ValueError(f"{rel}: expected types not planted: {expect - set(planted)}")
        path = self._path(rel)
        path.write_bytes(data)
        when = _FIXED_DT + dt.timedelta(days=self._mtime_index * 3 % 330, hours=self._mtime_index)
        self._mtime_index += 1
        ts = int(when.timestamp())
        os.utime(path, ns=(ts * 1_000_000_000, ts * 1_000_000_000))
        values = [v for vals in planted.values() for v in vals]
        self.files[rel] = PlantedFile(
            expect_types=expect,
            forbid_types=forbid,
            mime=mime,
            extension_mismatch=extension_mismatch,
            planted_values=values,
            planted=planted,
            decoy_values=list(decoys or ()),
            expect_status=expect_status,
            expect_flags=frozenset(expect_flags),
            description=description,
        )


# --------------------------------------------------------------------------- documents


def _docx_bytes(
    paragraphs: list[str],
    *,
    heading: str | None = None,
    table: list[list[str]] | None = None,
    header: str | None = None,
    footer: str | None = None,
    after_table: list[str] | None = None,
) -> bytes:
    from docx import Document

    doc = Document()
    props = doc.core_properties
    props.author = SCHOOL
    props.last_modified_by = SCHOOL
    props.created = _FIXED_DT.replace(tzinfo=None)
    props.modified = _FIXED_DT.replace(tzinfo=None)
    props.revision = 1
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    if footer is not None:
        doc.sections[0].footer.paragraphs[0].text = footer
    if heading:
        doc.add_heading(heading, level=1)
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        t = doc.add_table(rows=0, cols=len(table[0]))
        t.style = "Table Grid"
        for row in table:
            cells = t.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
    for text in after_table or ():
        doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue())


def _xlsx_bytes(sheets: list[tuple[str, list[list[object]], dict[int, str]]]) -> bytes:
    """``sheets``: (title, rows, {column index: number format}) in order."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = SCHOOL
    wb.properties.created = _FIXED_DT.replace(tzinfo=None)
    first = True
    for title, rows, formats in sheets:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = title
        for row in rows:
            ws.append(row)
        for col, fmt in formats.items():
            for (cell,) in ws.iter_rows(min_row=2, min_col=col + 1, max_col=col + 1):
                cell.number_format = fmt
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


def _pdf_bytes(pages: list[list[str]], title: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(_FIXED_DT)
    pdf.set_title(_latin1(title))
    pdf.set_author(SCHOOL)
    pdf.set_producer("dpscan test corpus")
    pdf.set_auto_page_break(auto=True, margin=15)
    for lines in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        for line in lines:
            if len(line) > 95:
                raise ValueError(f"pdf line too long to fit on one line: {line!r}")
            pdf.cell(0, 7, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _csv_text(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(rows)
    return buf.getvalue()


# --------------------------------------------------------------------------- files

_TREES = ("Oak", "Ash", "Willow", "Rowan", "Birch", "Hazel", "Elm", "Maple")
_TOPICS = (
    "Parents evening",
    "School photographs",
    "Reading records",
    "Swimming lessons",
    "Harvest assembly",
    "After-school clubs",
    "Flu vaccinations",
    "Sports day",
)
_CONDITIONS = (
    "Asthma (blue inhaler in class)",
    "Epilepsy - care plan on file",
    "Type 1 diabetes",
    "Severe nut allergy (adrenaline pen)",
    "Eczema",
    "Coeliac disease",
    "Hay fever",
    "Sickle cell trait",
)


def _letter_txt(b: _Builder, n: int) -> None:
    f = b.family()
    topic = _TOPICS[n % len(_TOPICS)]
    with_dob = n % 2 == 0
    letter_date = dt.date(2019, 9, 2) + dt.timedelta(days=7 * n)
    lines = [
        SCHOOL,
        "Mill Lane, Harrowby",
        "",
        letter_date.strftime("%d %B %Y").lstrip("0"),
        "",
        f"{f.title} {f.parent}",
        f.street,
        f.town,
        f.postcode,
        "",
        f"Dear {f.title} {f.parent},",
        "",
        f"Re: {f.child} ({topic})",
    ]
    if with_dob:
        lines.append(f"Date of birth: {f.dob}")
    lines += [
        "",
        f"I am writing to let you know about {topic.lower()} arrangements for {f.child_first}",
        "this term. Please return the slip at the bottom of this letter by Friday.",
        "",
        "We hold the following contact details for you. Please tell the office if they",
        "have changed:",
        f"Email: {f.email}",
        f"Telephone: {f.phone}",
        "",
        "Yours sincerely,",
        "",
        "The School Office",
        "",
    ]
    planted = {
        "PERSON": [f.parent, f.child],
        "UK_POSTCODE": [f.postcode],
        "EMAIL_ADDRESS": [f.email],
        "PHONE_NUMBER": [f.phone],
    }
    if with_dob:
        planted["DATE_OF_BIRTH"] = [f.dob]
    ay = 2019 + n // 10
    b.add(
        f"Admin/Letters home/{ay}-{(ay + 1) % 100:02d}/{topic} letter {n + 1:03d}.txt",
        "\n".join(lines).encode("utf-8"),
        expect=set(planted),
        forbid=_STRICT,
        mime=MIME_TXT,
        planted=planted,
        description="letter to parents (prose, address, email, phone)",
    )


def _pupil_list_csv(b: _Builder, n: int) -> None:
    rows = [["UPN", "Surname", "Forename", "DOB", "Postcode", "Parent Email"]]
    planted: dict[str, list[str]] = {
        "UK_UPN": [],
        "DATE_OF_BIRTH": [],
        "UK_POSTCODE": [],
        "EMAIL_ADDRESS": [],
    }
    for _ in range(20):
        f = b.family()
        upn = b.upn()
        rows.append([upn, f.child_last, f.child_first, f.dob, f.postcode, f.email])
        planted["UK_UPN"].append(upn)
        planted["DATE_OF_BIRTH"].append(f.dob)
        planted["UK_POSTCODE"].append(f.postcode)
        planted["EMAIL_ADDRESS"].append(f.email)
    ay = 2019 + n // 6
    year, tree = n % 6 + 1, _TREES[n % len(_TREES)]
    b.add(
        f"Class Lists/{ay}-{(ay + 1) % 100:02d}/Year {year} {tree}.csv",
        _csv_text(rows).encode("utf-8"),
        expect=set(planted),
        forbid=_STRICT - {"UK_UPN"},
        mime=MIME_CSV,
        planted=planted,
        description="pupil list export (UPN, DOB column, postcode, parent email)",
    )


def _review_letter_docx(b: _Builder, n: int) -> None:
    f = b.family()
    upn = b.upn()
    senco_email = b.email("Helen", "Carter")
    phone = b.phone()
    paras = [
        SCHOOL,
        "",
        f"Dear {f.title} {f.parent},",
        f"Annual review of the Education, Health and Care Plan for {f.child}",
        f"Date of birth: {f.dob}",
        f"UPN: {upn}",
        (
            f"I would like to invite you to the annual review meeting for {f.child_first}. "
            "The meeting will be held in the school library after school. We will look at "
            "progress towards the outcomes in the plan and the views of everyone involved."
        ),
        (
            f"Please confirm that you can attend by emailing {senco_email} or by calling "
            f"the office on {phone}."
        ),
        "Yours sincerely,",
        "SENCo",
    ]
    planted = {
        "PERSON": [f.parent, f.child],
        "DATE_OF_BIRTH": [f.dob],
        "UK_UPN": [upn],
        "EMAIL_ADDRESS": [senco_email],
        "PHONE_NUMBER": [phone],
    }
    b.add(
        f"SEN/Letters/annual review invitation {n + 1:03d}.docx",
        _docx_bytes(paras),
        expect=set(planted),
        forbid=_STRICT - {"UK_UPN"},
        mime=MIME_DOCX,
        planted=planted,
        description="docx letter with paragraphs (EHCP review)",
    )


def _consent_pdf(b: _Builder, n: int) -> None:
    f = b.family()
    nhs = b.nhs(spaced=n % 2 == 0)
    lines = [
        f"{SCHOOL} - Educational visit consent form",
        "",
        "Visit: Year 4 trip to the Natural History Museum",
        "",
        f"I, {f.parent}, give permission for my child {f.child}",
        "to take part in the visit described above.",
        "",
        f"Date of birth: {f.dob}",
        f"NHS number: {nhs}",
        "Medical needs or allergies: none known",
        "",
        f"Parent/carer contact telephone: {f.phone}",
        "",
        f"Signed: {f.parent}",
    ]
    planted = {
        "PERSON": [f.parent, f.child],
        "DATE_OF_BIRTH": [f.dob],
        "UK_NHS": [nhs],
        "PHONE_NUMBER": [f.phone],
    }
    b.add(
        f"Trips/2016/Consent forms/consent form {n + 1:03d}.pdf",
        _pdf_bytes([lines], "Trip consent form"),
        expect=set(planted),
        forbid=_STRICT - {"UK_NHS"},
        mime=MIME_PDF,
        planted=planted,
        description="pdf trip consent form (child name, DOB, NHS number, parent phone)",
    )


def _absence_note_txt(b: _Builder, n: int) -> None:
    f = b.family()
    text = (
        f"To the class teacher,\n\n"
        f"My daughter {f.child} (DOB {f.dob}) was absent from school on Monday and\n"
        f"Tuesday with a high temperature. She is feeling much better now.\n\n"
        f"If you need to contact me please ring {f.phone}.\n\n"
        f"Thank you,\n{f.parent}\n"
    )
    planted = {
        "PERSON": [f.child, f.parent],
        "DATE_OF_BIRTH": [f.dob],
        "PHONE_NUMBER": [f.phone],
    }
    b.add(
        f"Admin/Attendance/absence note {n + 1:03d}.txt",
        text.encode("utf-8"),
        expect=set(planted),
        forbid=_STRICT,
        mime=MIME_TXT,
        planted=planted,
        description="parent's absence note (child name, DOB label, phone)",
    )


def _apprentice_txt(b: _Builder, n: int) -> None:
    first, last = b.fake.first_name_female(), b.surname()
    uln = b.uln()
    email = b.email(first, last)
    text = (
        "Apprenticeship progress record\n\n"
        f"This record is for {first} {last}, Level 3 Teaching Assistant apprentice.\n"
        f"Unique Learner Number (ULN): {uln}\n"
        f"Contact email: {email}\n\n"
        f"{first} has completed the safeguarding and first aid units and is on track\n"
        "for the end-point assessment in the summer term.\n"
    )
    planted = {"PERSON": [f"{first} {last}"], "UK_ULN": [uln], "EMAIL_ADDRESS": [email]}
    b.add(
        f"Staff/Training/apprenticeship record {n + 1:03d}.txt",
        text.encode("utf-8"),
        expect=set(planted),
        forbid=_STRICT - {"UK_ULN"},
        mime=MIME_TXT,
        planted=planted,
        description="staff apprenticeship record with a ULN",
    )


def _medical_register_docx(b: _Builder) -> None:
    rows = [["Pupil name", "NHS number", "DOB", "Condition"]]
    planted: dict[str, list[str]] = {"PERSON": [], "UK_NHS": [], "DATE_OF_BIRTH": []}
    for i in range(8):
        f = b.family()
        nhs = b.nhs(spaced=True)
        rows.append([f.child, nhs, f.dob, _CONDITIONS[i % len(_CONDITIONS)]])
        planted["PERSON"].append(f.child)
        planted["UK_NHS"].append(nhs)
        planted["DATE_OF_BIRTH"].append(f.dob)
    nurse = b.email("Janet", "Okafor")
    planted["EMAIL_ADDRESS"] = [nurse]
    b.add(
        "SEN/Medical register 2019-20.docx",
        _docx_bytes(
            ["Pupils with medical conditions. Keep in the locked cabinet in the office."],
            heading="Medical conditions register 2019-20",
            table=rows,
            header=f"{SCHOOL} - CONFIDENTIAL",
            footer=f"Queries to the school nurse: {nurse}",
        ),
        expect=set(planted),
        forbid={"UK_ULN"},
        mime=MIME_DOCX,
        planted=planted,
        description="docx medical register: table (name, NHS, DOB, condition), email in footer",
    )


def _class_and_staff_xlsx(b: _Builder) -> None:
    class_rows: list[list[object]] = [["Forename", "Surname", "DOB", "UPN"]]
    planted: dict[str, list[str]] = {
        "UK_UPN": [],
        "DATE_OF_BIRTH": [],
        "PERSON": [],
        "EMAIL_ADDRESS": [],
        "PHONE_NUMBER": [],
        "UK_NINO": [],
    }
    for _ in range(12):
        f = b.family()
        upn = b.upn()
        class_rows.append([f.child_first, f.child_last, f.child_dob, upn])
        planted["UK_UPN"].append(upn)
        planted["DATE_OF_BIRTH"].append(f.dob)
    staff_rows: list[list[object]] = [["Name", "Role", "Email", "Phone", "NI number"]]
    roles = ("Class teacher", "Teaching assistant", "Office manager", "Caretaker", "SENCo")
    for i in range(6):
        first, last = b.fake.first_name(), b.surname()
        email, phone, nino = b.email(first, last), b.phone(), b.nino(spaced=i % 2 == 0)
        staff_rows.append([f"{first} {last}", roles[i % len(roles)], email, phone, nino])
        planted["PERSON"].append(f"{first} {last}")
        planted["EMAIL_ADDRESS"].append(email)
        planted["PHONE_NUMBER"].append(phone)
        planted["UK_NINO"].append(nino)
    b.add(
        "Class Lists/2019-20/Class lists and staff contacts.xlsx",
        _xlsx_bytes(
            [("Year 5 Willow", class_rows, {2: "DD/MM/YYYY"}), ("Staff contacts", staff_rows, {})]
        ),
        expect=set(planted),
        forbid={"UK_NHS", "UK_ULN"},
        mime=MIME_XLSX,
        planted=planted,
        description="xlsx: class list (DOB as date cells, UPN) + staff contacts with NINO",
    )


def _cp1252_csv(b: _Builder) -> None:
    accented = ("Zoë", "Chloé", "Renée", "José", "Anaïs", "Björn")
    rows = [["Name", "DOB", "Balance", "Parent Email", "Postcode"]]
    planted: dict[str, list[str]] = {"DATE_OF_BIRTH": [], "EMAIL_ADDRESS": [], "UK_POSTCODE": []}
    names: list[str] = []
    for i in range(12):
        f = b.family()
        first = accented[i] if i < len(accented) else f.child_first
        balance = f"£{b.rng.randrange(0, 2500) / 100:.2f}"
        email = f.email
        rows.append([f"{first} {f.child_last}", f.dob, balance, email, f.postcode])
        names.append(f"{first} {f.child_last}")
        planted["DATE_OF_BIRTH"].append(f.dob)
        planted["EMAIL_ADDRESS"].append(email)
        planted["UK_POSTCODE"].append(f.postcode)
    planted["PERSON"] = names  # planted, not expected: names sit in a CSV column
    b.add(
        "Admin/Dinner money/balances (Windows export).csv",
        _csv_text(rows).encode("cp1252"),
        expect={"DATE_OF_BIRTH", "EMAIL_ADDRESS", "UK_POSTCODE"},
        forbid=_STRICT,
        mime=MIME_CSV,
        planted=planted,
        description="cp1252 csv with a pound sign and accented names (encoding detection)",
    )


def _multipage_pdf(b: _Builder) -> None:
    a, c = b.family(), b.family()
    upn = b.upn()
    nhs = b.nhs(spaced=True)
    page1 = [
        "SEN review summaries 2019-20",
        "",
        "This document summarises the termly reviews of pupils on the SEN register.",
        "Each summary records the outcomes agreed with families and the support in place.",
        "Summaries are shared with the class teacher and the SENCo only.",
    ] + ["Provision is reviewed each term against the agreed outcomes."] * 10
    page2 = [
        "Review 1",
        "",
        f"This review concerns {a.child}, who joined the school in Reception.",
        f"Date of birth: {a.dob}",
        f"UPN: {upn}",
        "Outcome: reading age has improved by eight months since the last review.",
    ]
    page3 = [
        "Review 2",
        "",
        f"This review concerns {c.child}. Mother: {c.title} {c.parent}.",
        f"NHS number: {nhs}",
        f"Parent email for correspondence: {c.email}",
        "Outcome: speech and language therapy to continue weekly.",
    ]
    planted = {
        "PERSON": [a.child, c.child, c.parent],
        "DATE_OF_BIRTH": [a.dob],
        "UK_UPN": [upn],
        "UK_NHS": [nhs],
        "EMAIL_ADDRESS": [c.email],
    }
    b.add(
        "SEN/Reviews/SEN review summaries 2019-20.pdf",
        _pdf_bytes([page1, page2, page3], "SEN review summaries"),
        expect=set(planted),
        forbid={"UK_ULN", "CREDIT_CARD", "IBAN_CODE"},
        mime=MIME_PDF,
        planted=planted,
        description="3-page pdf: identifiers only on pages 2 and 3",
    )


def _new_starter_txt(b: _Builder) -> None:
    first, last = "James", b.surname()
    birth = dt.date(1978, 11, 23)
    initials = first[0] + "9"
    surname5 = (last.upper().replace("MAC", "MC") + "99999")[:5]
    licence = (
        f"{surname5}{str(birth.year)[2]}{birth.month:02d}{birth.day:02d}"
        f"{str(birth.year)[3]}{initials}9{b.rng.choice('ABCDEFGHJK')}{b.rng.choice('LMNPRSTW')}"
    )
    sort_code, account = "08-99-99", "66374958"  # Vocalink modulus-check test case
    bban = "NWBK" + sort_code.replace("-", "") + account
    check = 98 - int("".join(str(int(ch, 36)) for ch in bban + "GB00")) % 97
    iban_compact = f"GB{check:02d}{bban}"
    iban = " ".join(iban_compact[i : i + 4] for i in range(0, len(iban_compact), 4))
    nino = b.nino(spaced=True)
    postcode = b.postcode()
    email = b.email(first, last)
    phone = b.phone()
    text = (
        f"{SCHOOL} - new starter details (payroll)\n\n"
        f"Dear Mr {first} {last},\n\n"
        "Welcome to the school. We have recorded the details below for payroll and\n"
        "for the minibus insurance. Please check them and tell the office of any error.\n\n"
        f"National Insurance number: {nino}\n"
        f"Bank sort code: {sort_code}  Account number: {account}\n"
        f"IBAN: {iban}\n"
        f"Driving licence number: {licence}\n"
        f"Home postcode: {postcode}\n"
        f"Personal email: {email}\n"
        f"Home telephone: {phone}\n\n"
        "Kind regards,\nSchool Business Manager\n"
    )
    planted = {
        "PERSON": [f"{first} {last}"],
        "UK_NINO": [nino],
        "UK_BANK_ACCOUNT": [account],
        "IBAN_CODE": [iban],
        "UK_DRIVING_LICENCE": [licence],
        "UK_POSTCODE": [postcode],
        "EMAIL_ADDRESS": [email],
        "PHONE_NUMBER": [phone],
    }
    b.add(
        "Staff/New starters/new starter details.txt",
        text.encode("utf-8"),
        expect=set(planted),
        forbid={"UK_NHS", "UK_ULN", "UK_UPN", "CREDIT_CARD"},
        mime=MIME_TXT,
        planted=planted,
        description="staff payroll note: NINO, sort code + account, IBAN, driving licence",
    )


def _trip_passports_txt(b: _Builder) -> None:
    f = b.family()
    passport = str(b.rng.randrange(5, 9)) + "".join(b.rng.choice("0123456789") for _ in range(8))
    while True:
        body = "4" + "".join(b.rng.choice("0123456789") for _ in range(14))
        card_digits = next(body + d for d in "0123456789" if luhn_is_valid(body + d))
        if card_digits not in b._used:
            b._used.add(card_digits)
            break
    card = " ".join(card_digits[i : i + 4] for i in range(0, 16, 4))
    text = (
        "Year 6 visit to Boulogne - passports and payments\n\n"
        f"Dear {f.title} {f.parent},\n\n"
        f"Thank you for sending a copy of the passport for {f.child}.\n"
        f"Passport number: {passport}\n\n"
        "The balance for the visit was taken over the telephone.\n"
        f"Card number: {card}\n\n"
        "Yours sincerely,\nTrip leader\n"
    )
    planted = {"PERSON": [f.parent, f.child], "UK_PASSPORT": [passport], "CREDIT_CARD": [card]}
    b.add(
        "Trips/2016/Boulogne visit passports and payments.txt",
        text.encode("utf-8"),
        expect=set(planted),
        forbid={"UK_NHS", "UK_ULN", "UK_UPN", "UK_NINO"},
        mime=MIME_TXT,
        planted=planted,
        description="trip letter with a passport number and a payment card number",
    )


def _photo_jpg_docx(b: _Builder) -> None:
    f = b.family()
    paras = [
        f"Dear {f.title} {f.parent},",
        f"Thank you for agreeing that photographs of {f.child} may be used on the school",
        f"website. We will send a copy of the final page to {f.email} before it goes live.",
    ]
    planted = {"PERSON": [f.parent, f.child], "EMAIL_ADDRESS": [f.email]}
    b.add(
        "Admin/Photos/photo.jpg",
        _docx_bytes(paras),
        expect=set(planted),
        forbid=_STRICT,
        mime=MIME_DOCX,
        planted=planted,
        extension_mismatch=True,
        expect_flags={"extension_mismatch"},
        description="a .docx letter saved with a .jpg name",
    )


def _negative_controls(b: _Builder) -> None:
    newsletter = (
        f"{SCHOOL} newsletter - Summer term\n\n"
        "Dear Parents and Carers,\n\n"
        "Our summer fair takes place on Saturday afternoon on the school field. There will\n"
        "be a tombola, a cake stall, face painting, a bouncy castle and a barbecue. Entry\n"
        "is £1 for adults and free for children. Tickets for the grand raffle cost 50p\n"
        "each and are on sale at the gate every morning next week.\n\n"
        "We are still looking for volunteers to help run the stalls. If you can spare an\n"
        "hour, please put your name on the list in the entrance hall.\n\n"
        "All money raised will go towards new playground equipment and books for the\n"
        "library. Thank you for your continued support.\n"
    )
    b.add(
        "Newsletters/Summer fair 2019.txt",
        newsletter.encode("utf-8"),
        expect=set(),
        forbid=ALL_BUT_PERSON,
        mime=MIME_TXT,
        description="negative control: newsletter with no names or contact details",
    )

    rows = [["Invoice No", "Stock code", "Item", "Qty", "Unit price", "Total"]]
    items = (
        "copier paper",
        "exercise books",
        "whiteboard pens",
        "laminating pouches",
        "pencils",
        "poster paint",
        "glue sticks",
        "sugar paper",
    )
    bad: list[str] = []
    while len(bad) < 15:
        first = b.rng.choice("46")
        value = first + "".join(b.rng.choice("0123456789") for _ in range(9))
        if not nhs_is_valid(value) and not uln_is_valid(value) and value not in bad:
            bad.append(value)
    for i, invoice in enumerate(bad):
        qty = b.rng.randrange(1, 40)
        price = b.rng.randrange(50, 2500) / 100
        rows.append(
            [
                invoice,
                f"ST{4000 + i * 7}",
                items[i % len(items)],
                str(qty),
                f"{price:.2f}",
                f"{qty * price:.2f}",
            ]
        )
    b.add(
        "Finance/stock and invoices 2019.csv",
        _csv_text(rows).encode("utf-8"),
        expect=set(),
        forbid=ALL_TYPES,
        mime=MIME_CSV,
        decoys=bad,
        description="negative control: 10-digit invoice numbers failing NHS and ULN checks",
    )

    policy = [
        "This policy sets out how the school collects, stores and shares personal data in "
        "line with the UK GDPR and the Data Protection Act 2018.",
        "The school is the data controller for the personal data it holds about pupils, "
        "parents and staff. Examples include contact details, dates of birth, NHS numbers "
        "and National Insurance numbers, which must only be stored on the school network.",
        "Paper records are kept in locked cabinets. Electronic records are protected by "
        "passwords and are backed up every night. Personal data is not taken off site on "
        "unencrypted memory sticks.",
        "Records are kept in line with the retention schedule and destroyed securely when "
        "they are no longer needed. This policy is reviewed every two years by the "
        "governing body.",
    ]
    b.add(
        "Policies/Data protection policy.docx",
        _docx_bytes(policy, heading="Data protection policy"),
        expect=set(),
        forbid=ALL_BUT_PERSON,
        mime=MIME_DOCX,
        description="negative control: policy document without names",
    )

    budget: list[list[object]] = [["Cost centre", "Budget", "Committed", "Spent", "Remaining"]]
    for code in (1001, 1002, 1100, 2001, 2100, 3001, 3200, 4000, 4100, 5000):
        total = b.rng.randrange(2_000, 400_000)
        committed = b.rng.randrange(0, total // 4)
        spent = b.rng.randrange(0, total // 2)
        budget.append([code, total, committed, spent, total - committed - spent])
    b.add(
        "Finance/Budget 2019-20.xlsx",
        _xlsx_bytes(
            [("Budget", budget, {1: "#,##0.00", 2: "#,##0.00", 3: "#,##0.00", 4: "#,##0.00"})]
        ),
        expect=set(),
        forbid=ALL_TYPES,
        mime=MIME_XLSX,
        description="negative control: budget sheet with numbers only",
    )

    b.add(
        "Newsletters/draft.txt",
        b"",
        expect=set(),
        forbid=ALL_BUT_PERSON,
        mime=None,
        expect_status=None,
        expect_flags={"empty_file"},
        description="empty file (0 bytes)",
    )


def _binary_files(b: _Builder) -> None:
    b.add(
        "Admin/Photos/school logo.png",
        _png_bytes(),
        expect=set(),
        forbid=ALL_BUT_PERSON,
        mime=MIME_PNG,
        expect_status=None,
        description="a real 4x4 PNG, no text",
    )
    # Bytes with no printable ASCII at all, so no decoding can produce identifiers.
    pool = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x20)) + bytes(range(0x80, 0x100))
    blob = b"\x00\x00\x01\x9c" + bytes(b.rng.choice(pool) for _ in range(4092))
    b.add(
        "Admin/Backups/sims export.dat",
        blob,
        expect=set(),
        forbid=ALL_BUT_PERSON,
        mime=MIME_BIN,
        expect_status=None,
        description="binary blob",
    )
    whole = _docx_bytes([f"Dear {b.fake.name()},", "This file was cut short."])
    b.add(
        "Admin/broken.docx",
        whole[: len(whole) // 3],
        expect=set(),
        forbid=frozenset(),
        mime=None,
        expect_status="error",
        expect_flags={"unreadable"},
        description="corrupt: truncated zip bytes with a .docx name",
    )


def build_school_share(root: Path, *, seed: int = 1234, scale: int = 1) -> ShareManifest:
    """Write a synthetic school share under ``root`` (created if needed) and return its
    manifest.  ``scale`` multiplies the generated letters and lists: scale=1 writes 35
    files, each extra unit of scale adds 20."""
    if scale < 1:
        raise ValueError("scale must be >= 1")
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    b = _Builder(root, seed, scale)

    _medical_register_docx(b)
    _class_and_staff_xlsx(b)
    _cp1252_csv(b)
    _multipage_pdf(b)
    _new_starter_txt(b)
    _trip_passports_txt(b)
    _photo_jpg_docx(b)
    _negative_controls(b)
    _binary_files(b)
    for n in range(10 * scale):
        _letter_txt(b, n)
    for n in range(3 * scale):
        _pupil_list_csv(b, n)
    for n in range(3 * scale):
        _review_letter_docx(b, n)
    for n in range(2 * scale):
        _consent_pdf(b, n)
    for n in range(scale):
        _absence_note_txt(b, n)
    for n in range(scale):
        _apprentice_txt(b, n)

    return ShareManifest(root=root, seed=seed, scale=scale, files=dict(sorted(b.files.items())))
