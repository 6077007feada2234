"""A labelled corpus of UK primary-school documents for the accuracy benchmark.

    python bench/accuracy_corpus.py OUT_DIR [--files 400] [--seed 20261128]

writes ``OUT_DIR/share/...`` (the documents: .txt, .csv, .docx, .xlsx, .pdf, .json, .xml,
.html and .eml) and ``OUT_DIR/truth.json`` (the ground truth).  ``bench/accuracy.py`` builds it,
scans it and scores the scan.

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
    * JSON and XML (MIS exports, CTF): a JSON object, or an XML element with attributes or
      child elements, is a record and counts like a table row: one PERSON however many name
      fields it holds (a pupil's forename and surname; a contact object is its own record),
      one mention per identifier field.  HTML tables, ``<dl>`` lists and Word form tables
      of label/value cells count like prose (one mention per written value).
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

    In fields (JSON keys, XML elements, form labels, sheet columns) a category is true only
    when a written value reveals it about a named pupil: SEN K or E (not N); FSM true, Y,
    Yes, FSM, "Free (FSM)", or a pupil premium value (Ever 6, PP, Y); a looked-after flag or
    "(LAC)"; a CP or CIN status; a medical condition, allergy, medication, injury or
    treatment; an ethnicity code other than REFU/NOBT; a named religion.  "None", "No",
    "N/A", blanks and UIFSM (universal infant free school meals, every infant's) reveal
    nothing.  A religion field holding only "No religion", "Refused" or "Not known" makes
    religion optional.  A CPOMS-style export reveals safeguarding by its Safeguarding / Child
    protection / Early help rows and health by its Medical / Mental health rows.

Emails (.eml)
    A message is one record, as the scanner reads it: its From/To/Cc names and addresses,
    subject, attachment names and body count like prose.  An attachment is scanned as a
    member of its own, so its values are not the message's mentions or data subjects; the
    categories it reveals are the file's (the roll-up a DPO acts on).  An attachment only
    holds entity types the message itself holds, so file-level scores stay honest.

Harder kinds (issue 19 follow-up) and their truth decisions
    * ``ctf``: DfE Common Transfer Files (versions 20-24, namespaced or not, one pupil or
      many).  FSM: an ``FSMinstance`` is FSM data even when its ``FSMendDate`` is years
      ago (a past eligibility is what "Ever 6" pupil premium rests on); an
      ``FSMhistory`` holding only an ``FSMreviewDate`` reveals nothing.  SEN: an
      ``SENprovision`` of K or E is sen (health optional); an ``SEN`` element saying N,
      or no SEN element, is not.  Health: ``MedicalFlag`` true, or a ``Disability`` code
      other than NONE; ``MedicalFlag`` false reveals nothing; attendance marks holding
      I (illness) or M (medical appointment) make health optional.  ``InCareStatus`` true
      is looked_after (safeguarding optional); false reveals nothing.  Ethnicity: any
      code but REFU/NOBT (refused, not obtained); ``EthnicitySource`` says how it was
      collected.  Home language, ServiceChild (and a service child's concerns), attendance
      counts, results and school history are no category.  Half the files put
      ``FSMhistory``, ``InCare``, the service-child block and ``SENhistory`` beside
      ``BasicDetails``, as the DfE specification does; the others nest them in it.  A
      partial CTF of results only reveals none.  A ``UCI`` (12 digits and a letter) is no
      entity type.
    * ``newsletter_named``: pupils named (star of the week as "Amelia J", sports teams)
      beside paragraphs on FSM sign-up, pupil premium, nut allergies, flu vaccination,
      mental health week, a mosque visit or Ramadan: no category, unless a sentence is
      about a named pupil's health ("get well soon to Oliver, who broke his arm": health)
      or religion (a named pupil's first Ramadan fast: religion).  A named teacher's
      maternity leave makes health optional.  Not negative controls (they name pupils).
    * ``seating_codes``: seating plans with SEN (K/E), PP (Y), EAL, ability group,
      reading age, CLA (Y), Medical ("Asthma", "Epi") and TA initials columns.  SEN K/E:
      sen (health optional); PP Y: fsm; CLA Y: looked_after (safeguarding optional); a
      Medical code: health.  EAL, ability group, reading age and notes such as "Sit near
      board" reveal nothing; staff initials are not names.  Some plans print every code
      column blank (no category), some leave CLA and Medical blank.
    * ``blank_form``: templates with placeholders ("Name: ______", "Pupil: [child's
      name]", "DOB: DD/MM/YYYY", tick boxes of conditions, "FSM: Yes / No", an example row
      "e.g. Joe Bloggs"): no data subject, no category.  A placeholder name is not a
      PERSON; the letterhead's postcode and phone count as usual.
    * ``policy_examples``: training packs and policies with fictional case studies
      ("Child A", "Jamie, aged 7, has asthma", "Ellie Smith (a fictional pupil)") and a
      real contact table (Role | Name | Email).  A fictional example is about no one: no
      PERSON mention and no category (as "Father Christmas").  The staff in the contact
      table are PERSON and EMAIL_ADDRESS mentions and data subjects; no category.
    * ``email_pupil``: staff emails about a pupil: a nosebleed (health), an EHCP annual
      review with a quoted reply (sen, health optional), a concern for the DSL
      (safeguarding, health optional), an FSM approval (fsm), an allergy list attached
      (health, from the attachment, when it lists an allergy) and a reading book with a
      group list attached (none).  ``email_topic``: the office's reminders to all parents
      (FSM forms, flu consent, nut-free school, mental health week, SEND coffee morning)
      from a role address, signed by the office manager: no category.

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
import hashlib
import html
import io
import json
import mimetypes
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.headerregistry import Address as MailAddress
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from xml.etree import ElementTree

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
    # HTML layout: "grid" (first row <th> headings), "form" (label <th> and value <td> cells
    # alternate along a row) or "dl" (rows of [label, value] as <dt>/<dd> pairs).
    html: str = "grid"


class PageBreak:
    pass


@dataclass(slots=True)
class El:
    """An XML element.  Attribute values and text children are a Cell (a typed value), a
    marked str, a bool or a number; an element with element children holds no text."""

    tag: str
    attrs: dict[str, object] = field(default_factory=dict)
    children: list[object] = field(default_factory=list)


def E(tag: str, *children: object, **attrs: object) -> El:  # noqa: N802 - reads like markup
    """An element; None children and attributes are left out (a field the MIS left empty)."""
    return El(tag, {k: v for k, v in attrs.items() if v is not None},
              [c for c in children if c is not None])


@dataclass(slots=True)
class Tree:
    """A structured document: JSON values (dict, list, Cell, marked str, bool, number,
    None) or an XML :class:`El`.  ``indent`` None writes it on one line, as APIs do."""

    root: object
    indent: int | None = 2


@dataclass(slots=True)
class Mail:
    """The envelope of an email (.eml): parties are (marked display name or "", marked
    address); the message body is the document's paragraphs.  Attachments are documents
    rendered by their own suffix; their values are the attachment's, not the message's
    (the scanner counts a member on its own), but their categories are the file's."""

    sender: tuple[str, str]
    to: list[tuple[str, str]]
    subject: str
    sent: dt.datetime
    cc: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[tuple[str, Doc]] = field(default_factory=list)  # (file name, doc)
    html: bool = False  # also send an HTML alternative, as Outlook does

    def header_texts(self) -> list[str]:
        """The marked header values and attachment names the message record shows."""
        parties = [self.sender, *self.to, *self.cc]
        return ([text for party in parties for text in party] + [self.subject]
                + [name for name, _ in self.attachments])


Block = Para | Table | PageBreak | Tree | Mail


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
        elif isinstance(block, Mail):
            # Headers and attachment names count like prose (the message record shows them).
            for text in block.header_texts():
                for etype, sid, value in marks_in(text):
                    add(etype, value)
                    if sid > 0:
                        subjects.add(sid)
        elif isinstance(block, Tree):
            # A JSON object or an XML element is a record, like a table row: one PERSON
            # per record however many name fields it has; marked text counts like prose.
            for record in tree_records(block.root):
                person_counted = False
                for etype, sid, value, in_field in record:
                    if etype == "PERSON" and in_field:
                        if person_counted:
                            continue
                        person_counted = True
                    add(etype, value)
                    if sid > 0:
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


def _leaf_marks(value: object) -> list[tuple[str, int, str, bool]]:
    """(type, subject, value, is a typed field) for a leaf of a tree."""
    if isinstance(value, Cell):
        return [(value.etype, value.sid, value.text, True)] if value.etype else []
    if isinstance(value, str):
        return [(etype, sid, text, False) for etype, sid, text in marks_in(value)]
    return []


def tree_records(root: object) -> list[list[tuple[str, int, str, bool]]]:
    """The marked values of a tree grouped by record.

    A JSON object is a record (scalars in its arrays belong to it).  An XML element with
    attributes or element children is a record holding its attributes and the text of its
    leaf children (elements with text only, as ``<Surname>`` in ``<Pupil>``)."""
    records: list[list[tuple[str, int, str, bool]]] = []

    def walk_json(node: object, record: list[tuple[str, int, str, bool]]) -> None:
        if isinstance(node, dict):
            own: list[tuple[str, int, str, bool]] = []
            records.append(own)
            for value in node.values():
                walk_json(value, own)
        elif isinstance(node, list):
            for value in node:
                walk_json(value, record)
        else:
            record.extend(_leaf_marks(node))

    def walk_xml(node: El) -> None:
        own: list[tuple[str, int, str, bool]] = []
        records.append(own)
        for value in node.attrs.values():
            own.extend(_leaf_marks(value))
        for child in node.children:
            if not isinstance(child, El):
                own.extend(_leaf_marks(child))
            elif child.attrs or any(isinstance(c, El) for c in child.children):
                walk_xml(child)
            else:
                for value in child.children:
                    own.extend(_leaf_marks(value))

    if isinstance(root, El):
        walk_xml(root)
    else:
        walk_json(root, [])
    return records


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


def _only_tree(doc: Doc) -> Tree:
    if len(doc.blocks) != 1 or not isinstance(doc.blocks[0], Tree):
        raise ValueError(f"{doc.path}: a JSON or XML file holds exactly one tree")
    return doc.blocks[0]


def _json_value(node: object) -> object:
    if isinstance(node, Cell):
        return node.xlsx if node.xlsx is not None else node.text
    if isinstance(node, str):
        return plain(node)
    if isinstance(node, dict):
        return {key: _json_value(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_json_value(value) for value in node]
    return node


def render_json(doc: Doc) -> bytes:
    tree = _only_tree(doc)
    return (json.dumps(_json_value(tree.root), indent=tree.indent, ensure_ascii=False)
            + "\n").encode("utf-8")


def _xml_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _cell_text(value)


def _xml_element(node: El) -> ElementTree.Element:
    element = ElementTree.Element(node.tag, {k: _xml_text(v) for k, v in node.attrs.items()})
    text = "".join(_xml_text(c) for c in node.children if not isinstance(c, El))
    if text:
        element.text = text
    for child in node.children:
        if isinstance(child, El):
            element.append(_xml_element(child))
    return element


def render_xml(doc: Doc) -> bytes:
    tree = _only_tree(doc)
    if not isinstance(tree.root, El):
        raise ValueError(f"{doc.path}: an XML file holds an element tree")
    root = _xml_element(tree.root)
    if tree.indent is not None:
        ElementTree.indent(root, space=" " * tree.indent)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + ElementTree.tostring(root, encoding="unicode") + "\n").encode("utf-8")


def _html_text(value: object) -> str:
    return html.escape(_cell_text(value), quote=False).replace("\n", "<br>\n")


def _html_table(table: Table) -> list[str]:
    if table.html == "dl":
        out = ["<dl>"]
        for row in table.rows:
            out.append(f"  <dt>{_html_text(row[0])}</dt><dd>{_html_text(row[1])}</dd>")
        return [*out, "</dl>"]
    out = ["<table>"]
    for index, row in enumerate(table.rows):
        cells = []
        for column, value in enumerate(row):
            header = index == 0 if table.html == "grid" else column % 2 == 0
            tag = "th" if header else "td"
            cells.append(f"<{tag}>{_html_text(value)}</{tag}>")
        out.append(f"  <tr>{''.join(cells)}</tr>")
    return [*out, "</table>"]


def render_html(doc: Doc) -> bytes:
    out = ["<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
           f"<title>{html.escape(doc.title or Path(doc.path).stem, quote=False)}</title>",
           "</head>", "<body>"]
    for block in doc.blocks:
        if isinstance(block, Para):
            tag = "h1" if block.heading else "p"
            out.append(f"<{tag}>{_html_text(block.text)}</{tag}>")
        elif isinstance(block, Table):
            out.extend(_html_table(block))
        elif isinstance(block, PageBreak):
            out.append("<hr>")
        else:
            raise ValueError(f"{doc.path}: an HTML page holds paragraphs and tables")
    out += ["</body>", "</html>"]
    return ("\n".join(out) + "\n").encode("utf-8")


def _mail_address(party: tuple[str, str]) -> MailAddress:
    name, address = party
    user, domain = plain(address).split("@")
    return MailAddress(display_name=plain(name), username=user, domain=domain)


def render_eml(doc: Doc) -> bytes:
    mail = doc.blocks[0]
    if not isinstance(mail, Mail) or not all(isinstance(b, Para) for b in doc.blocks[1:]):
        raise ValueError(f"{doc.path}: an email is a Mail block and paragraphs")
    message = EmailMessage()
    message["From"] = _mail_address(mail.sender)
    message["To"] = [_mail_address(p) for p in mail.to]
    if mail.cc:
        message["Cc"] = [_mail_address(p) for p in mail.cc]
    message["Subject"] = plain(mail.subject)
    message["Date"] = format_datetime(mail.sent.replace(tzinfo=dt.UTC))
    digest = hashlib.sha1(doc.path.encode("utf-8")).hexdigest()[:20]
    message["Message-ID"] = f"<{digest}@oakfield.example.org>"
    paras = [plain(b.text) for b in doc.blocks[1:] if isinstance(b, Para)]
    message.set_content("\n\n".join(paras) + "\n")
    if mail.html:
        message.add_alternative("<html><body>" + "".join(
            f"<p>{html.escape(p, quote=False).replace(chr(10), '<br>')}</p>" for p in paras)
            + "</body></html>\n", subtype="html")
    for name, attachment in mail.attachments:
        data = RENDERERS[Path(attachment.path).suffix](attachment)
        mime = mimetypes.guess_type(attachment.path)[0] or "application/octet-stream"
        maintype, subtype = mime.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype,
                               filename=plain(name))
    # Fixed MIME boundaries: the library draws them at random, and the corpus is seeded.
    for n, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"=={digest}.{n}==")
    return message.as_bytes()


RENDERERS: dict[str, Callable[[Doc], bytes]] = {
    ".txt": render_txt,
    ".csv": render_csv,
    ".docx": render_docx,
    ".xlsx": render_xlsx,
    ".pdf": render_pdf,
    ".json": render_json,
    ".xml": render_xml,
    ".html": render_html,
    ".eml": render_eml,
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


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


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
        "dmon": f"{date.day:02d}-{_MONTHS[date.month - 1]}-{date.year}",
        "dmonyy": f"{date.day:02d}-{_MONTHS[date.month - 1]}-{date.year % 100:02d}",
        "iso_t": f"{date.isoformat()}T00:00:00",
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


# --------------------------------------------------------------------------- structured kinds
# Issue 19: special category data as schools hold it, in fields (JSON keys, XML elements,
# form labels, sheet columns) rather than in prose.  A category is in the truth only when a
# value written in the file reveals it about an identified pupil: an "N" SEN code, FSM
# false, "None" under Allergies, REFU/NOBT ethnicity or UIFSM (universal infant meals) do
# not.  A religion field holding only "No religion"/"Refused"/"Not known" makes religion
# optional (whether a lack of belief is belief data is for the DPO, not the benchmark).

_RELIGIONS = ("Christian", "Muslim", "Sikh", "Hindu", "Jewish", "Buddhist", "Roman Catholic",
              "Church of England", "Pentecostal")
_NO_BELIEF = ("No religion", "Refused", "Not known")
_ETHNIC_UNKNOWN = ("REFU", "NOBT")
_ETHNIC_WORDS = ("White British", "White - Irish", "Any other White background",
                 "Asian or Asian British - Pakistani", "Indian", "Bangladeshi",
                 "Black or Black British - African", "Black Caribbean",
                 "Mixed White and Asian", "Chinese", "Gypsy/Roma")
_ALLERGIES = ("Peanuts", "Tree nuts (EpiPen)", "Egg", "Penicillin", "Dairy", "Sesame",
              "Wasp and bee stings", "Kiwi fruit")
_MEDICATION = ("Salbutamol inhaler (blue)", "Cetirizine 5ml daily", "EpiPen Jr x2",
               "Insulin via pump", "Movicol", "Melatonin (at home)", "Buccal midazolam")
_SEN_NEEDS = ("SPLD", "MLD", "SLCN", "SEMH", "ASD", "PD", "HI", "VI")
_CP_STATUS = ("CP plan", "CIN")


@dataclass(slots=True)
class Facts:
    """What a school's MIS records about one pupil in its special-category fields."""

    sen: str  # "N", "K" (SEN support) or "E" (EHC plan)
    need: str
    fsm: bool
    ever6: bool
    ethnicity: str
    religion: str
    conditions: list[str]
    allergies: list[str]
    medication: list[str]
    looked_after: bool
    cp: str  # "" or one of _CP_STATUS


def _facts(g: Gen, boost: float = 1.0) -> Facts:
    """One pupil's facts; ``boost`` raises the chance of each special category."""
    roll = g.rng.random()
    sen = "E" if roll < 0.05 * boost else "K" if roll < 0.2 * boost else "N"
    fsm = g.chance(0.22 * boost)
    conditions = [g.pick(_MEDICAL)] if g.chance(0.2 * boost) else []
    return Facts(
        sen=sen, need=g.pick(_SEN_NEEDS) if sen != "N" else "",
        fsm=fsm, ever6=fsm or g.chance(0.08 * boost),
        ethnicity=g.pick(_ETHNIC_CODES[:-1]) if g.chance(0.93) else g.pick(_ETHNIC_UNKNOWN),
        religion=g.pick(_RELIGIONS) if g.chance(0.6) else g.pick(_NO_BELIEF),
        conditions=conditions,
        allergies=[g.pick(_ALLERGIES)] if g.chance(0.12 * boost) else [],
        medication=[g.pick(_MEDICATION)] if conditions and g.chance(0.5) else [],
        looked_after=g.chance(0.04 * boost),
        cp=g.pick(_CP_STATUS) if g.chance(0.04 * boost) else "",
    )


# Which special category a written field reveals, given a pupil's facts: one row per field.
_FIELD_CATEGORY: dict[str, tuple[str, Callable[[Facts], bool]]] = {
    "sen": ("sen", lambda f: f.sen != "N"),
    "fsm": ("fsm", lambda f: f.fsm),
    "pp": ("fsm", lambda f: f.ever6),
    "ethnicity": ("ethnicity", lambda f: f.ethnicity not in _ETHNIC_UNKNOWN),
    "religion": ("religion", lambda f: f.religion not in _NO_BELIEF),
    "medical": ("health", lambda f: bool(f.conditions)),
    "allergies": ("health", lambda f: bool(f.allergies)),
    "medication": ("health", lambda f: bool(f.medication)),
    "lac": ("looked_after", lambda f: f.looked_after),
    "cp": ("safeguarding", lambda f: bool(f.cp)),
}


def _categories(facts: Iterable[Facts], fields: Iterable[str]) -> tuple[set[str], set[str]]:
    """(categories, optional categories) that ``fields`` written for ``facts`` reveal."""
    facts, fields = list(facts), set(fields)
    cats = {category for name, (category, reveals) in _FIELD_CATEGORY.items()
            if name in fields for f in facts if reveals(f)}
    optional = {"religion"} if "religion" in fields and "religion" not in cats else set()
    if "lac" in cats:  # a looked-after child's record implies social care involvement
        optional.add("safeguarding")
    if "sen" in cats:
        optional.add("health")
    return cats, optional


def _pick_fields(g: Gen, odds: dict[str, float]) -> set[str]:
    return {name for name, p in odds.items() if g.chance(p)}


# ---- mis_json: MIS / API exports.  Key names per style; a style also decides how values
# are written (booleans, Y/N or Yes/No; ISO dates or UK dates).
_JSON_KEYS: dict[str, dict[str, str]] = {
    "camel": {"upn": "upn", "forename": "legalForename", "surname": "legalSurname",
              "dob": "dateOfBirth", "sex": "gender", "year": "yearGroup",
              "postcode": "postcode", "email": "email", "phone": "mobile", "nhs": "nhsNumber",
              "fsm": "fsmEligible", "pp": "pupilPremium", "ethnicity": "ethnicity",
              "religion": "religion", "lac": "lookedAfter", "cp": "childProtectionStatus",
              "entry": "entryDate"},
    "snake": {"upn": "upn", "forename": "forename", "surname": "surname",
              "dob": "date_of_birth", "sex": "sex", "year": "year_group",
              "postcode": "post_code", "email": "contact_1_email", "phone": "contact_1_mobile",
              "nhs": "nhs_number", "sen": "sen_status", "need": "sen_primary_need",
              "fsm": "fsm_eligible", "pp": "pp_status", "ethnicity": "ethnicity_code",
              "religion": "religion", "medical": "medical_conditions",
              "allergies": "allergies", "medication": "medication", "lac": "in_care",
              "cp": "cp_status", "entry": "admission_date"},
    "title": {"upn": "UPN", "forename": "Legal Forename", "surname": "Legal Surname",
              "dob": "Date of Birth", "sex": "Gender", "year": "Year Group",
              "postcode": "Postcode", "email": "Primary Contact Email",
              "phone": "Primary Contact Phone", "nhs": "NHS Number", "sen": "SEN Status",
              "need": "Primary Need", "fsm": "FSM Eligible", "pp": "Pupil Premium",
              "ethnicity": "Ethnicity", "religion": "Religion",
              "medical": "Medical Conditions", "allergies": "Allergies",
              "medication": "Medication", "lac": "Looked After", "cp": "CP Status",
              "entry": "Date of Admission"},
    "pascal": {"upn": "UPN", "forename": "Forename", "surname": "Surname", "dob": "DOB",
               "sex": "Sex", "year": "NCYearActual", "postcode": "PostCode",
               "email": "ContactEmail", "phone": "ContactTelephone", "nhs": "NHSNumber",
               "sen": "SENProvision", "need": "SENNeed", "fsm": "FSMEligible",
               "pp": "PupilPremiumIndicator", "ethnicity": "Ethnicity",
               "religion": "Religion", "medical": "MedicalConditions",
               "allergies": "Allergies", "medication": "Medication", "lac": "InCare",
               "cp": "ChildProtection", "entry": "EntryDate"},
}
_JSON_DOB_STYLE = {"camel": "iso", "snake": "iso_t", "title": "dmy", "pascal": "iso_t"}
_SEN_WORDS = {"N": "N - No Special Educational Need", "K": "K - SEN Support",
              "E": "E - Education, Health and Care Plan"}


def _json_flag(style: str, value: bool) -> object:
    return {"camel": value, "pascal": value, "snake": "Y" if value else "N",
            "title": "Yes" if value else "No"}[style]


def _json_list(style: str, values: list[str]) -> object:
    if style == "snake":
        return "; ".join(values)
    if style == "pascal":
        return [{"Description": v} for v in values]
    return list(values)


def _json_pupil(g: Gen, style: str, fields: set[str], facts: Facts) -> dict[str, object]:
    """One pupil record of a ``style`` export."""
    parent, child, addr = g.family()
    key = _JSON_KEYS[style]
    dob_text = format_date(child.dob, _JSON_DOB_STYLE[style])
    record: dict[str, object] = {"id" if style != "pascal" else "PersonId":
                                 g.rng.randrange(1000, 99999)}
    if "upn" in fields:
        record[key["upn"]] = C("UK_UPN", child, g.upn())
    record[key["forename"]] = C("PERSON", child, child.first)
    record[key["surname"]] = C("PERSON", child, child.last)
    if style == "snake" and g.chance(0.5):  # Wonde-style date object
        record[key["dob"]] = {"date": C("DATE_OF_BIRTH", child, f"{child.dob} 00:00:00.000000"),
                              "timezone_type": 3, "timezone": "Europe/London"}
    else:
        record[key["dob"]] = C("DATE_OF_BIRTH", child, dob_text)
    record[key["sex"]] = "F" if child.female else "M"
    record[key["year"]] = year_group(child)
    record[key["entry"]] = format_date(dt.date(g.pick((2019, 2020, 2021, 2022)), 9, 4),
                                       _JSON_DOB_STYLE[style])
    if "nhs" in fields:
        record[key["nhs"]] = C("UK_NHS", child, g.nhs())
    if "postcode" in fields:
        if style == "camel":
            record["address"] = {"line1": addr.street, "town": addr.town,
                                 "postcode": C("UK_POSTCODE", child, addr.postcode)}
        else:
            record[key["postcode"]] = C("UK_POSTCODE", child, addr.postcode)
    if "sen" in fields:
        if style == "camel":
            record["sen"] = {"status": facts.sen, "primaryNeed": facts.need or None}
        else:
            record[key["sen"]] = _SEN_WORDS[facts.sen] if style == "title" else facts.sen
            record[key["need"]] = facts.need
    if "fsm" in fields:
        record[key["fsm"]] = _json_flag(style, facts.fsm)
        record[key["pp"]] = ("Ever 6" if facts.ever6 else None) if style != "snake" \
            else ("PP" if facts.ever6 else "")
    if "ethnicity" in fields:
        record[key["ethnicity"]] = facts.ethnicity
    if "religion" in fields:
        record[key["religion"]] = facts.religion
    if "medical" in fields:
        if style == "camel":
            record["medical"] = {"conditions": list(facts.conditions),
                                 "allergies": list(facts.allergies),
                                 "medication": list(facts.medication)}
        else:
            record[key["medical"]] = _json_list(style, facts.conditions)
            record[key["allergies"]] = _json_list(style, facts.allergies)
            record[key["medication"]] = _json_list(style, facts.medication)
    if "lac" in fields:
        record[key["lac"]] = _json_flag(style, facts.looked_after)
    if "cp" in fields:
        record[key["cp"]] = facts.cp or (None if style in ("camel", "pascal") else "")
    contact_email = C("EMAIL_ADDRESS", parent, g.email(parent))
    contact_phone = C("PHONE_NUMBER", parent, g.phone())
    if style == "camel":
        contact = {"title": parent.title, "forename": C("PERSON", parent, parent.first),
                   "surname": C("PERSON", parent, parent.last),
                   "relationship": "Mother" if parent.female else "Father",
                   "parentalResponsibility": True}
        if "email" in fields:
            contact["email"] = contact_email
        if "phone" in fields:
            contact["mobile"] = contact_phone
        return {"pupil": record, "contacts": [contact]}
    if "email" in fields:
        record[key["email"]] = contact_email
    if "phone" in fields:
        record[key["phone"]] = contact_phone
    return record


def k_mis_json(g: Gen, i: int) -> Doc:
    style = ("camel", "snake", "title", "pascal")[i % 4]
    fields = {"upn"} if g.chance(0.9) else set()
    fields |= _pick_fields(g, {"postcode": 0.6, "email": 0.6, "phone": 0.5, "nhs": 0.2,
                               "sen": 0.8, "fsm": 0.8, "ethnicity": 0.6, "religion": 0.4,
                               "medical": 0.5, "lac": 0.35, "cp": 0.2})
    if style == "camel":  # camel records nest SEN and medical as objects, always present
        fields |= {"sen", "medical"}
    if "medical" in fields:  # conditions, allergies and medication are written together
        fields |= {"allergies", "medication"}
    facts = [_facts(g) for _ in range(g.rng.randrange(8, 26))]
    records = [_json_pupil(g, style, fields, f) for f in facts]
    cats, optional = _categories(facts, fields)
    exported = f"{dt.date(2025, 1, g.rng.randrange(6, 28))}T09:00:00Z"
    root: object = {
        "camel": lambda: records,
        "snake": lambda: {"data": records, "meta": {"pagination": {"current_page": 1,
                                                                   "next": None},
                                                    "total": len(records)}},
        "title": lambda: {"results": records, "count": len(records), "exported": exported},
        "pascal": lambda: {"Pupils": {"Pupil": records}},
    }[style]()
    name = g.pick(("pupils", "students", "export", "api_response", "learners"))
    return Doc(f"MIS/API exports/{name}_{i + 1:03d}.json", "mis_json",
               [Tree(root, indent=None if style == "pascal" else g.pick((2, 4)))],
               categories=cats, optional=optional)


# ---- mis_xml: Common Transfer File shape, a census-like return and attribute records.


def _ctf_pupil(g: Gen, fields: set[str], facts: Facts) -> El:
    parent, child, addr = g.family()
    basic = E("BasicDetails",
              E("Ethnicity", facts.ethnicity) if "ethnicity" in fields else None,
              E("EthnicitySource", "P") if "ethnicity" in fields else None,
              E("Languages", E("Type", E("LanguageType", "F"), E("Language", g.pick(_LANGS)))),
              E("MedicalFlag", bool(facts.conditions or facts.allergies))
              if "medical" in fields else None,
              E("NHSnumber", C("UK_NHS", child, g.nhs())) if "nhs" in fields else None,
              E("Religion", facts.religion) if "religion" in fields else None,
              E("InCare", E("InCareStatus", facts.looked_after),
                E("CareAuthority", g.pick(_LA_CODES)) if facts.looked_after else None)
              if "lac" in fields else None)
    fsm = None
    if "fsm" in fields and facts.fsm:  # a CTF carries FSM history only for eligible pupils
        fsm = E("FSMhistory", E("FSMreviewDate", "2024-09-01"),
                E("FSMinstance", E("FSMstartDate", f"{g.pick((2021, 2022, 2023))}-09-01"),
                  E("UKcountry", "ENG")))
    sen = None
    if "sen" in fields and facts.sen != "N":
        sen = E("SENhistory",
                E("SEN", E("StartDate", f"{g.pick((2022, 2023))}-10-01"),
                  E("SENprovision", facts.sen)),
                E("SENneeds", E("SENneed", E("SENtypeRank", 1), E("SENtype", facts.need))))
    elif "sen" in fields:
        sen = E("SENhistory")
    contacts = E("Contacts", E("Contact",
                               E("Order", 1), E("Title", parent.title),
                               E("Surname", C("PERSON", parent, parent.last)),
                               E("Forename", C("PERSON", parent, parent.first)),
                               E("Relationship", "PAR"), E("Responsibility", True),
                               E("Email", C("EMAIL_ADDRESS", parent, g.email(parent)))
                               if "email" in fields else None))
    return E("Pupil",
             E("UPN", C("UK_UPN", child, g.upn())),
             E("Surname", C("PERSON", child, child.last.upper())),
             E("Forename", C("PERSON", child, child.first)),
             E("DOB", C("DATE_OF_BIRTH", child, child.dob.isoformat())),
             E("Sex", "F" if child.female else "M"),
             basic,
             E("SafeguardingStatus", facts.cp) if "cp" in fields and facts.cp else None,
             fsm, sen,
             E("Address", E("BS7666Address", E("PAON", addr.street.split()[0]),
                            E("Street", addr.street.split(" ", 1)[1]), E("Town", addr.town)),
               E("PostCode", C("UK_POSTCODE", child, addr.postcode)))
             if "postcode" in fields else None,
             E("Phones", E("Phone", E("TelephoneType", "H"),
                           E("PhoneNo", C("PHONE_NUMBER", parent, g.phone()))))
             if "phone" in fields else None,
             contacts)


def _census_pupil(g: Gen, fields: set[str], facts: Facts) -> El:
    _parent, child, addr = g.family()
    return E("PupilOnRoll",
             E("UPN", C("UK_UPN", child, g.upn())),
             E("Surname", C("PERSON", child, child.last)),
             E("Forename", C("PERSON", child, child.first)),
             E("DOB", C("DATE_OF_BIRTH", child, child.dob.isoformat())),
             E("Sex", "F" if child.female else "M"),
             E("Ethnicity", facts.ethnicity) if "ethnicity" in fields else None,
             E("FSMeligible", facts.fsm) if "fsm" in fields else None,
             E("SENprovision", facts.sen) if "sen" in fields else None,
             E("SENtype", facts.need) if "sen" in fields and facts.need else None,
             E("InCare", facts.looked_after) if "lac" in fields else None,
             E("PostCode", C("UK_POSTCODE", child, addr.postcode))
             if "postcode" in fields else None)


def _attribute_pupil(g: Gen, fields: set[str], facts: Facts) -> El:
    _parent, child, _addr = g.family()
    conditions = [E("medical", condition=c) for c in facts.conditions + facts.allergies] \
        if "medical" in fields else []
    return E("pupil", *conditions,
             upn=C("UK_UPN", child, g.upn()),
             surname=C("PERSON", child, child.last), forename=C("PERSON", child, child.first),
             dob=C("DATE_OF_BIRTH", child, format_date(child.dob, "dmy")),
             sex="F" if child.female else "M",
             sen=facts.sen if "sen" in fields else None,
             fsm=("Y" if facts.fsm else "N") if "fsm" in fields else None,
             ethnicity=facts.ethnicity if "ethnicity" in fields else None,
             religion=facts.religion if "religion" in fields else None,
             lac=("Y" if facts.looked_after else "N") if "lac" in fields else None)


def k_mis_xml(g: Gen, i: int) -> Doc:
    variant = i % 3
    fields = _pick_fields(g, {"postcode": 0.6, "email": 0.5, "phone": 0.5, "nhs": 0.2,
                              "sen": 0.85, "fsm": 0.85, "ethnicity": 0.7, "religion": 0.3,
                              "medical": 0.5, "lac": 0.4, "cp": 0.2})
    facts = [_facts(g) for _ in range(g.rng.randrange(6, 20))]
    la, estab = g.pick(_LA_CODES), g.rng.randrange(2000, 3999)
    if variant == 0:
        header = E("Header", E("DocumentName", "Common Transfer File"),
                   E("CTFversion", "23.0"), E("DateTime", "2025-07-18T14:02:11"),
                   E("DocumentQualifier", "full"),
                   E("SourceSchool", E("LEA", la), E("Estab", estab), E("SchoolName", SCHOOL),
                     E("AcademicYear", 2024)),
                   E("DestSchool", E("LEA", la), E("Estab", 4000 + g.rng.randrange(999))))
        root = E("CTfile", header, E("CTFpupilData", *[_ctf_pupil(g, fields, f)
                                                        for f in facts]))
        path = f"MIS/CTF/{la}{estab}_CTF_{la}4{g.rng.randrange(100, 999)}_{i + 1:03d}.xml"
    elif variant == 1:
        fields -= {"religion", "cp", "medical"}  # not collected by the census
        root = E("Message",
                 E("Header", E("CollectionDetails", E("Collection", "SC"),
                               E("Term", g.pick(("AUT", "SPR", "SUM"))), E("Year", 2025)),
                   E("Source", E("LEA", la), E("Estab", estab))),
                 E("Pupils", *[_census_pupil(g, fields, f) for f in facts]))
        path = f"MIS/Census/census_return_{i + 1:03d}.xml"
    else:
        fields.discard("cp")
        root = E("pupils", *[_attribute_pupil(g, fields, f) for f in facts],
                 school=SCHOOL, exported="2025-01-06")
        path = f"MIS/Exports/pupil_records_{i + 1:03d}.xml"
    cats, optional = _categories(facts, fields - {"allergies", "medication"})
    if "medical" in fields:  # the MedicalFlag / <medical> element also reveals allergies
        cats |= _categories(facts, {"allergies"})[0]
    return Doc(path, "mis_xml", [Tree(root, indent=g.pick((2, 2, None)))], categories=cats,
               optional=optional)


# ---- forms about one pupil: labels and values (Word tables, HTML tables and <dl>, lines).

# (field, label variants, chance the form has it); "name" is always there.
_FORM_FIELDS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("name", ("Name", "Pupil name", "Child's name", "Full name", "Child's full name"), 1.0),
    ("dob", ("Date of birth", "DOB", "D.O.B", "Date of Birth", "D.O.B."), 0.9),
    ("upn", ("UPN", "Unique Pupil Number"), 0.5),
    ("class", ("Class", "Year group", "Form"), 0.7),
    ("address", ("Address", "Home address"), 0.5),
    ("postcode", ("Postcode", "Post code"), 0.3),
    ("parent", ("Parent/carer", "Contact 1", "Parent or carer name"), 0.7),
    ("phone", ("Contact number", "Tel", "Emergency contact number"), 0.6),
    ("medical", ("Medical conditions", "Medical needs", "Health conditions"), 0.7),
    ("allergies", ("Allergies", "Known allergies"), 0.6),
    ("medication", ("Medication", "Medication in school"), 0.5),
    ("sen", ("SEN status", "SEN", "SEND need", "Special educational needs"), 0.6),
    ("ehcp", ("EHCP", "EHC plan (Yes/No)"), 0.4),
    ("fsm", ("FSM / Pupil Premium", "FSM", "Pupil Premium", "Free school meals"), 0.6),
    ("lac", ("Looked after (Yes/No)", "Looked after child", "CLA"), 0.45),
    ("religion", ("Religion", "Religion or belief"), 0.4),
    ("ethnicity", ("Ethnicity", "Ethnic origin"), 0.4),
    ("social_worker", ("Social worker", "Allocated social worker"), 0.35),
)
_CARE_AUTHORITIES = ("Leeds City Council", "Bradford Children's Services",
                     "Manchester City Council", "Kent County Council",
                     "Birmingham Children's Trust", "London Borough of Lambeth")
_NONE_VALUES = ("None", "N/A", "No", "", "None known", "-")
_FORM_TITLES = ("PUPIL INFORMATION SHEET", "Pupil profile", "Transition information - Year 6 "
                "to Year 7", "Admission form - pupil details", "One-page profile",
                "Residential trip - medical and contact form")


def _form_rows(g: Gen, blank: bool = False) -> tuple[list[tuple[str, str]], set[str], set[str]]:
    """(label, marked value) rows of a form about one pupil, with its categories.

    ``blank``: the same form as a template, every value empty (no categories)."""
    parent, child, addr = g.family()
    facts = _facts(g, boost=2.5)
    chosen = [(name, g.pick(labels)) for name, labels, p in _FORM_FIELDS if g.chance(p)]
    names = {name for name, _ in chosen}
    if blank:
        yes_no = {"ehcp", "lac", "fsm"}
        return ([(label, g.pick(("Yes / No", "")) if name in yes_no else g.pick(("", "", "_____")))
                 for name, label in chosen], set(), set())
    social_worker = g.adult()
    values: dict[str, Callable[[], str]] = {
        "name": lambda: N(child, g.pick(("full", "full", "caps_first"))),
        "dob": lambda: M("DATE_OF_BIRTH", child,
                         format_date(child.dob, g.pick(("long", "dmy", "dmon", "dmonyy",
                                                        "iso", "ord")))),
        "upn": lambda: M("UK_UPN", child, g.upn()),
        "class": lambda: f"{year_group(child)} {g.pick(_TREES)}",
        "address": lambda: f"{addr.street}, {addr.town}"
                           + ("" if "postcode" in names
                              else f" {M('UK_POSTCODE', child, addr.postcode)}"),
        "postcode": lambda: M("UK_POSTCODE", child, addr.postcode),
        "parent": lambda: N(parent, g.pick(("formal_full", "full"))),
        "phone": lambda: M("PHONE_NUMBER", parent, g.phone()),
        "medical": lambda: ", ".join(facts.conditions) or g.pick(_NONE_VALUES),
        "allergies": lambda: ", ".join(facts.allergies) or g.pick(_NONE_VALUES),
        "medication": lambda: ", ".join(facts.medication) or g.pick(_NONE_VALUES),
        "sen": lambda: {"N": g.pick(("None", "No", "N", "Not on SEN register")),
                        "K": g.pick(("SEN Support", "K", "K - SEN support")) + (
                            f" ({facts.need})" if g.chance(0.5) else ""),
                        "E": g.pick(("EHCP", "E", "EHC plan"))}[facts.sen],
        "ehcp": lambda: "Yes" if facts.sen == "E" else "No",
        "fsm": lambda: (g.pick(("Yes", "Yes - FSM", "FSM")) if facts.fsm
                        else "PP (Ever 6)" if facts.ever6 else g.pick(("No", "N", ""))),
        "lac": lambda: (f"Yes - {g.pick(_CARE_AUTHORITIES)}" if facts.looked_after
                        else g.pick(("No", "N/A"))),
        "religion": lambda: (facts.religion if facts.religion not in _NO_BELIEF
                             else g.pick(("None", "Prefer not to say", "No religion"))),
        "ethnicity": lambda: (g.pick(_ETHNIC_WORDS + _ETHNIC_CODES[:5])
                              if facts.ethnicity not in _ETHNIC_UNKNOWN
                              else g.pick(("Not obtained", "Refused", "Prefer not to say"))),
        "social_worker": lambda: (
            f"{N(social_worker, 'formal_full')} ({facts.cp or 'LAC'})"
            if facts.cp or facts.looked_after else g.pick(("N/A", "None", ""))),
    }
    rows = [(label, values[name]()) for name, label in chosen]
    fields = names - {"ehcp", "social_worker"} | ({"pp"} if "fsm" in names else set())
    if "social_worker" in names and facts.cp:
        fields.add("cp")
    if "social_worker" in names and facts.looked_after and not facts.cp:
        fields.add("lac")  # "(LAC)" after the social worker's name
    cats, optional = _categories([facts], fields)
    if "ehcp" in names and facts.sen == "E":
        cats.add("sen")
    return rows, cats, optional


def _form_table(rows: list[tuple[str, str]], columns: int, html_layout: str) -> Table:
    """The form's rows as a 2-column or 4-column (label | value | label | value) table."""
    if columns == 2 or html_layout == "dl":
        return Table([[label, value] for label, value in rows], html=html_layout)
    cells = [[label, value] for label, value in rows]
    paired = [cells[n] + (cells[n + 1] if n + 1 < len(cells) else ["", ""])
              for n in range(0, len(cells), 2)]
    return Table(paired, html=html_layout)


def _form_doc(g: Gen, i: int, kind: str, ext: str, blank: bool) -> Doc:
    rows, cats, optional = _form_rows(g, blank)
    title = g.pick(_FORM_TITLES)
    layout = g.pick(("form", "form", "dl")) if ext == ".html" else "form"
    table = _form_table(rows, g.pick((2, 4)), layout)
    blocks: list[Block] = [*letterhead(g, g.chance(0.4)), Para(title, heading=True)]
    if blank:
        blocks.append(Para("Please complete all sections and return to the school office."))
    blocks.append(table)
    if not blank and g.chance(0.5):
        _person, sig = staff_sig(g, "Completed by")
        blocks.append(Para(f"Completed by {sig.splitlines()[0]} on "
                           f"{format_date(g.day_in(2024), 'dmy')}"))
    folder = "Templates/Forms" if blank else "Pupil Records/Forms"
    return Doc(f"{folder}/{title.split(' - ')[0].lower()} {kind} {i + 1:03d}{ext}", kind,
               blocks, categories=cats, optional=optional, negative=blank, title=title)


def k_form_docx(g: Gen, i: int) -> Doc:
    return _form_doc(g, i, "form_docx", ".docx", blank=False)


def k_form_html(g: Gen, i: int) -> Doc:
    return _form_doc(g, i, "form_html", ".html", blank=False)


def k_form_template(g: Gen, i: int) -> Doc:
    return _form_doc(g, i, "form_template", fmt_for(i, (".docx", ".html")), blank=True)


def k_label_lines(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".txt", ".docx", ".txt"))
    rows, cats, optional = _form_rows(g)
    sep = g.pick((": ", ": ", " - ", ":\t"))
    lines = [f"{label}{sep}{value}" for label, value in rows]
    head = g.pick(("Trip consent and medical information", "Club registration",
                   "Information for supply teacher", "Handover notes"))
    blocks: list[Block] = [Para(head, heading=True)]
    if ext == ".txt":
        blocks.append(Para("\n".join(lines)))
    else:
        blocks.extend(Para(line) for line in lines)
    return Doc(f"Pupil Records/Notes/{head.lower()} {i + 1:03d}{ext}", "label_lines", blocks,
               categories=cats, optional=optional, title=head)


# ---- registers kept as sheets: accident book, dinner money, seating plan, CPOMS export.

_INJURIES = (("Bumped head on climbing frame", "Cold compress; head bump letter sent home"),
             ("Graze to left knee", "Cleaned with water, plaster applied"),
             ("Nosebleed", "Sat forward, pressure applied"),
             ("Trapped finger in classroom door", "Ice pack, checked after 20 minutes"),
             ("Stung by a wasp on the arm", "Sting removed, cold compress"),
             ("Fell in playground - grazed both hands", "Cleaned, monitored"),
             ("Asthma attack at lunchtime", "Inhaler given (2 puffs), parent called"),
             ("Twisted ankle in PE", "Ice pack, rest; parent advised to seek advice"))


def k_accident_book(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".xlsx", ".csv"))
    rows: list[list[object]] = [["Date", "Time", "Name", "Class", "Injury", "Treatment",
                                 "First aider", "Parent informed"]]
    for _ in range(g.rng.randrange(8, 28)):
        _parent, child, _addr = g.family()
        day = g.day_in(2024)
        injury, treatment = g.pick(_INJURIES)
        aider = g.pick(g.staff)
        rows.append([dt.datetime(day.year, day.month, day.day) if ext == ".xlsx"
                     else format_date(day, "dmy"),
                     f"{g.rng.randrange(9, 15)}:{g.pick(('05', '20', '35', '50'))}",
                     C("PERSON", child, g.pick((child.full, f"{child.last}, {child.first}"))),
                     g.pick(_TREES), injury, treatment,
                     C("PERSON", aider, f"{aider.title} {aider.last}"),
                     g.pick(("Yes - phone", "Yes - note home", "No"))])
    return Doc(f"Health and Safety/Accident book/accident book {i + 1:03d}{ext}",
               "accident_book", [Table(rows, title="Accidents", formats={0: "DD/MM/YYYY"})],
               categories={"health"})


# UIFSM (universal infant free school meals, every Reception-Year 2 child) reveals nothing
# about a family's means: only an FSM status does.
_MEAL_STATUS = ("Paid", "Paid", "Paid", "Packed lunch", "UIFSM")
_FSM_STATUS = ("FSM", "Free (FSM)")


def k_dinner_money(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".xlsx", ".csv", ".xlsx"))
    with_fsm = g.chance(0.75)
    rows: list[list[object]] = [["Name", "Class", "Meal status", "Balance"]]
    fsm_rows = 0
    for n in range(g.rng.randrange(12, 30)):
        _parent, child, _addr = g.family()
        status = g.pick(_MEAL_STATUS)
        if with_fsm and (g.chance(0.2) or (n == 5 and not fsm_rows)):
            status = g.pick(_FSM_STATUS)
        fsm_rows += status in _FSM_STATUS
        balance = 0.0 if status != "Paid" else g.rng.randrange(-1200, 2500, 5) / 100
        name = g.pick((child.full, f"{child.last.upper()} {child.first}"))
        rows.append([C("PERSON", child, name),
                     f"{year_group(child)}", status,
                     balance if ext == ".xlsx" else f"£{balance:.2f}"])
    return Doc(f"Finance/Dinner money/dinner money {i + 1:03d}{ext}", "dinner_money",
               [Table(rows, title="Dinners", formats={3: "£#,##0.00"})],
               categories={"fsm"} if fsm_rows else set())


_SEATING_NOTES = (("Sit at front - hearing aid", True), ("Near door - medical toilet plan", True),
                  ("Needs movement breaks", False), ("Away from window", False),
                  ("Glasses for the board", False), ("Epilepsy - see care plan", True))


def k_seating_plan(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".xlsx", ".docx", ".csv"))
    notes = g.chance(0.5)
    sen_style = g.pick(("Y", "code"))
    rows: list[list[object]] = [["Table", "Name", "SEN", "PP", "EAL"] + (["Notes"] if notes
                                                                          else [])]
    cats: set[str] = set()
    for n in range(g.rng.randrange(14, 30)):
        _parent, child, _addr = g.family()
        facts = _facts(g)
        sen = "" if facts.sen == "N" else "Y" if sen_style == "Y" else facts.sen
        pp = g.pick(("Y", "PP")) if facts.ever6 else ""
        eal = g.pick(("", "", "", "Y", "POL", "URD"))
        row: list[object] = [f"Table {n // 5 + 1}", C("PERSON", child, child.full), sen, pp, eal]
        if sen:
            cats.add("sen")
        if pp:
            cats.add("fsm")
        if notes:
            note, health = g.pick(_SEATING_NOTES) if g.chance(0.25) else ("", False)
            row.append(note)
            if health:
                cats.add("health")
        rows.append(row)
    title = f"{g.pick(_YEARS[1:])} {g.pick(_TREES)} seating plan"
    blocks: list[Block] = [Table(rows, title="Seating")]
    if ext == ".docx":
        blocks.insert(0, Para(title, heading=True))
    return Doc(f"Classroom/Seating plans/{title} {i + 1:03d}{ext}", "seating_plan", blocks,
               categories=cats, optional={"health"} if cats & {"sen"} else set())


# (CPOMS-style category, special category it reveals or "")
_INCIDENT_CATEGORIES = (("Safeguarding - Neglect", "safeguarding"),
                        ("Safeguarding - Domestic abuse", "safeguarding"),
                        ("Child protection", "safeguarding"), ("Early help", "safeguarding"),
                        ("Bullying", ""), ("Behaviour", ""), ("Attendance", ""),
                        ("Medical", "health"), ("Mental health", "health"))
_ACTIONS = ("Discussed with DSL; parent phoned", "Referral to MASH", "Logged for information",
            "Meeting with parents booked", "Passed to school nurse", "Monitor - check in daily",
            "Early help assessment started")


def k_cpoms_like(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".csv", ".xlsx"))
    rows: list[list[object]] = [["Student", "Year", "Date", "Category", "Action taken",
                                 "Status", "Logged by"]]
    cats: set[str] = set()
    for n in range(g.rng.randrange(6, 22)):
        _parent, child, _addr = g.family()
        category, reveals = g.pick(_INCIDENT_CATEGORIES[:4] if n == 0 else _INCIDENT_CATEGORIES)
        if reveals:
            cats.add(reveals)
        logger = g.pick(g.staff)
        rows.append([C("PERSON", child, g.pick((child.full, f"{child.last}, {child.first}"))),
                     year_group(child), format_date(g.day_in(2024), "dmy"), category,
                     g.pick(_ACTIONS), g.pick(("Open", "Closed", "Awaiting action")),
                     C("PERSON", logger, logger.full)])
    return Doc(f"Safeguarding/CPOMS exports/incidents export {i + 1:03d}{ext}", "cpoms_like",
               [Table(rows, title="Incidents")], categories=cats)


# ---- topic, not data: documents that use every category's vocabulary about no pupil.

_SCHOOL_DOMAIN = "oakfield.example.org"


def _staff_contact(g: Gen, role: str) -> str:
    """A named member of staff with a school email (and sometimes a phone number)."""
    person = g.pick(g.staff)
    text = (f"{N(person, g.pick(('formal_full', 'full', 'initial')))} ({role}), "
            f"{M('EMAIL_ADDRESS', person, g.email(person, _SCHOOL_DOMAIN))}")
    if g.chance(0.5):
        text += f", tel. {M('PHONE_NUMBER', 0, g.school_phone)}"
    return text


_LESSONS = (
    ("RE - World religions: places of worship", (
        "Learning objective: to compare places of worship in Christianity, Islam, Sikhism "
        "and Hinduism.",
        "Starter: sort pictures of a church, a mosque, a gurdwara and a mandir.",
        "Main: pupils research one religion's festivals (Easter, Eid al-Fitr, Vaisakhi, "
        "Diwali) and present to the class.",
        "Vocabulary: Christian, Muslim, Sikh, Hindu, Jewish, Buddhist, worship, prayer.")),
    ("PSHE - Mental health and wellbeing", (
        "Learning objective: to recognise feelings of anxiety and low mood and know who to "
        "ask for help.",
        "Discussion: what does good mental health look like? Introduce the zones of "
        "regulation.",
        "Signpost: the school counsellor, Childline and the class worry box.")),
    ("Science - Keeping healthy: medicines and drugs", (
        "Learning objective: to know that medicines such as inhalers, insulin and "
        "antihistamines help people with asthma, diabetes and allergies.",
        "Activity: sort safe and unsafe household substances; discuss why an EpiPen is "
        "kept in the office.")),
    ("PSHE - Families and relationships", (
        "Learning objective: to understand that families differ: some children live with "
        "foster carers, grandparents or one parent.",
        "Circle time: what makes a family? Link to the anti-bullying week theme.")),
)


def k_lesson_plan_topic(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".docx", ".pdf", ".html"))
    title, lines = _LESSONS[i % len(_LESSONS)]
    teacher = g.pick(g.staff)
    blocks: list[Block] = [Para(title, heading=True),
                           Para(f"Year: {g.pick(_YEARS[2:])}   Teacher: {N(teacher, 'formal')}"),
                           *[Para(line) for line in lines],
                           Para("Differentiation: SEN pupils have word mats; EAL pupils have "
                                "a picture glossary; PP pupils are targeted for questioning.")]
    return Doc(f"Curriculum/Lesson plans/{title.split(' - ')[0]} lesson {i + 1:03d}{ext}",
               "lesson_plan_topic", blocks, negative=True, title=title)


def k_first_aid_policy(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".docx", ".pdf", ".html"))
    title = ("FIRST AID POLICY", "SUPPORTING PUPILS WITH MEDICAL CONDITIONS POLICY",
             "ADMINISTERING MEDICINES POLICY")[i % 3]
    blocks: list[Block] = [
        Para(title, heading=True),
        Para(f"First aid lead: {_staff_contact(g, 'First aid lead')}."),
        Para("Pupils with asthma keep a named inhaler in the classroom; spare inhalers are "
             "in the office. Staff are trained to recognise an asthma attack."),
        Para("Pupils with a severe allergy have two adrenaline auto-injectors (EpiPens) and an "
             "individual healthcare plan. Diabetes and epilepsy care plans are kept in the "
             "medical room."),
        Para("Head injuries are recorded in the accident book and a head bump letter is sent "
             "home the same day."),
        Para("Medicines are only given with written parental consent and are recorded on the "
             "medicines administration record."),
    ]
    return Doc(f"Policies/Health/{title.title()} {i + 1:03d}{ext}", "first_aid_policy",
               blocks, negative=True, title=title)


def k_sen_policy(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".docx", ".pdf", ".html"))
    blocks: list[Block] = [
        Para("SPECIAL EDUCATIONAL NEEDS AND DISABILITIES (SEND) POLICY", heading=True),
        Para(f"Our SENCo is {_staff_contact(g, 'SENCo')}."),
        Para("Pupils identified with special educational needs are placed at SEN support "
             "(code K on the census) or have an Education, Health and Care plan (EHCP, code "
             "E). We follow the graduated approach: assess, plan, do, review."),
        Para("The four broad areas of need are communication and interaction; cognition and "
             "learning; social, emotional and mental health; sensory and/or physical needs."),
        Para("Parents who think their child may have SEN should speak to the class teacher "
             "or the SENCo. Requests for an EHC needs assessment go to the local authority."),
    ]
    return Doc(f"Policies/SEND/SEND policy {i + 1:03d}{ext}", "sen_policy", blocks,
               negative=True, title="SEND policy")


def k_newsletter_fsm(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".txt", ".docx", ".html"))
    blocks: list[Block] = [
        Para(f"{SCHOOL} - newsletter", heading=True),
        Para("Dear Parents and Carers,"),
        Para("Free school meals: if you receive Universal Credit or certain other benefits "
             "your child may be eligible for free school meals. Registering also brings the "
             "school pupil premium funding, even for infants who already get universal "
             "infant free school meals (UIFSM)."),
        Para(f"To apply, or for help with the form, please contact "
             f"{_staff_contact(g, 'Office manager')}. All applications are confidential."),
        Para("Looked-after and previously looked-after children also attract pupil premium "
             "plus; please let us know if this applies to your family."),
        Para("Best wishes,\nThe Headteacher"),
    ]
    return Doc(f"Newsletters/FSM sign-up newsletter {i + 1:03d}{ext}", "newsletter_fsm",
               blocks, negative=True, title="Newsletter")


def k_safeguarding_policy(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".docx", ".pdf", ".html"))
    blocks: list[Block] = [
        Para("CHILD PROTECTION AND SAFEGUARDING POLICY", heading=True),
        Para(f"Designated Safeguarding Lead: {_staff_contact(g, 'DSL')}."),
        Para(f"Deputy DSL: {_staff_contact(g, 'Deputy DSL')}."),
        Para("All concerns are recorded on CPOMS the same day. The DSL decides whether to "
             "make a referral to children's social care (MASH) or to offer early help."),
        Para("The DSL keeps a list of pupils on a child protection plan (CP), children in "
             "need (CIN) and looked-after children (LAC), and works with the virtual school "
             "on each looked-after child's personal education plan (PEP)."),
        Para("Signs of abuse and neglect, domestic abuse, child-on-child abuse and "
             "radicalisation are covered in annual training."),
    ]
    return Doc(f"Policies/Safeguarding/safeguarding policy {i + 1:03d}{ext}",
               "safeguarding_policy", blocks, negative=True, title="Safeguarding policy")


# --------------------------------------------------------------------------- harder kinds
# Issue 19 follow-up: the layouts an unseen corpus caught the detector out on.  Truth
# decisions are in the module docstring ("Harder kinds").

# ---- ctf: DfE Common Transfer Files as MIS suppliers write them (schema around 20-24).

_CTF_NAMESPACE = "http://www.education.gov.uk/ctf"
_CTF_SUPPLIERS = ("SIMS", "Arbor", "Bromcom", "ScholarPack", "RM Integris")
_DISABILITIES = ("MOB", "HAND", "PC", "INC", "COM", "LD", "HEAR", "VIS", "BEH", "CON", "DIAB",
                 "EPIL", "OTH")
_CONTACT_RELATIONSHIPS = (("PAR", True), ("PAR", True), ("CAR", True), ("FAM", False),
                          ("OTH", False), ("CHM", False))
# Attendance codes without illness (I) or medical appointment (M): those make health
# optional (an absence reason is arguably health data; the benchmark does not decide).
_MARKS_PLAIN = "/\\/\\/\\/\\/\\LBCGN#"
_EYFS_ELGS = ("COM01", "COM02", "PSE01", "PHY01", "LIT01", "MAT01")
_KS1_RESULTS = ("EXS", "EXS", "WTS", "GDS", "HNM")


@dataclass(slots=True)
class CtfPupil:
    """What a CTF says about one pupil's special categories (see _ctf_categories)."""

    facts: Facts
    fsm: str  # "none", "review_only", "current" or "ended"
    sen: str  # "none", "N" (an SEN element saying no provision), "K" or "E"
    medical_flag: bool
    disability: str  # "NONE" or a CTF disability code
    in_care: bool
    absence_health: bool  # the attendance marks hold I or M codes
    assessment_only: bool = False  # a partial CTF of results: none of the above written


# A service child's transfer notes (CTF 18 on): the armed forces, no special category.
_SERVICE_CONCERNS = ("Parent deployed overseas until spring; settled well at school.",
                     "Third school move in two years because of a parent's posting.",
                     "No concerns. Family moving with a new posting in September.")


def _ctf_marks(g: Gen, health: bool) -> str:
    marks = [g.pick(_MARKS_PLAIN) if g.chance(0.08) else g.pick("/\\") for _ in range(60)]
    if health:
        for _ in range(g.rng.randrange(1, 6)):
            marks[g.rng.randrange(60)] = g.pick("IIM")
    return "".join(marks)


def _ctf_stage(g: Gen, child: Person) -> El | None:
    year = year_group(child)
    if year in ("Nursery", "Reception"):
        return None
    eyfs_year = child.dob.year + (6 if child.dob.month >= 9 else 5)
    stages = [E("KeyStage", E("Stage", "FSP"),
                *[E("StageAssessment", E("Locale", "ENG"), E("Year", eyfs_year),
                    E("Subject", elg[:3]), E("Method", "TA"), E("Component", elg),
                    E("ResultStatus", "F"), E("ResultQualifier", "EY"),
                    E("Result", g.pick(("2", "2", "1"))),
                    E("ResultDate", f"{eyfs_year}-06-20")) for elg in _EYFS_ELGS[:3]])]
    if year not in ("Year 1",):
        stages.append(E("KeyStage", E("Stage", "KS1"),
                        E("StageAssessment", E("Locale", "ENG"), E("Year", eyfs_year + 1),
                          E("Subject", "PHO"), E("Method", "TT"), E("Component", "PHO"),
                          E("ResultStatus", "F"), E("ResultQualifier", "NV"),
                          E("Result", g.rng.randrange(18, 41)),
                          E("ResultDate", f"{eyfs_year + 1}-06-14"))))
    return E("StageAssessments", *stages)


def _ctf_pupil_full(g: Gen, la: str, estab: int, assessment_only: bool,
                    ) -> tuple[El, CtfPupil]:
    """One <Pupil>, and what it reveals.  ``assessment_only``: the pupil of a partial
    CTF that carries results only (identity, year group and stage assessments)."""
    parent, child, addr = g.family()
    facts = _facts(g, boost=1.3)
    fsm = ("current" if facts.fsm else "ended" if facts.ever6 and g.chance(0.7)
           else g.pick(("none", "none", "review_only")))
    sen = facts.sen if facts.sen != "N" else g.pick(("none", "none", "none", "N"))
    state = CtfPupil(facts=facts, fsm=fsm, sen=sen,
                     medical_flag=bool(facts.conditions or facts.allergies),
                     disability=g.pick(_DISABILITIES) if g.chance(0.06) else "NONE",
                     in_care=facts.looked_after, absence_health=g.chance(0.5))
    fsm_el = None
    if fsm != "none":
        instance = None
        if fsm == "current":
            instance = E("FSMinstance", E("FSMstartDate", f"{g.pick((2021, 2022, 2023))}-09-0"
                                                          f"{g.rng.randrange(1, 9)}"),
                         E("UKcountry", "ENG"))
        elif fsm == "ended":
            start = g.pick((2018, 2019, 2020))
            instance = E("FSMinstance", E("FSMstartDate", f"{start}-01-1{g.rng.randrange(10)}"),
                         E("FSMendDate", f"{start + 1}-0{g.rng.randrange(3, 8)}-31"),
                         E("UKcountry", "ENG"))
        fsm_el = E("FSMhistory", E("FSMreviewDate", f"{g.pick((2024, 2025))}-0"
                                                    f"{g.rng.randrange(1, 9)}-01"), instance)
    sen_el = None
    if sen != "none":
        sen_el = E("SENhistory",
                   E("SEN", E("StartDate", f"{g.pick((2021, 2022, 2023))}-10-01"),
                     E("SENprovision", sen)),
                   E("SENneeds", E("SENneed", E("SENtypeRank", 1), E("SENtype", facts.need)),
                     E("SENneed", E("SENtypeRank", 2), E("SENtype", g.pick(_SEN_NEEDS)))
                     if g.chance(0.3) else None) if sen != "N" else None)
    names: list[El | None] = [
        E("FormerUPN", C("UK_UPN", child, g.upn())) if g.chance(0.1) else None,
        E("PreferredSurname", C("PERSON", child, child.last)) if g.chance(0.3) else None,
        E("MiddleNames", C("PERSON", child, g.first_name(child.female)))
        if g.chance(0.3) else None]
    ncyear = year_group(child).replace("Year ", "").replace("Reception", "R")
    in_care = E("InCare", E("InCareStatus", state.in_care),
                E("InCareAuthority", g.pick(_LA_CODES)) if state.in_care else None)
    # The DfE specification puts FSM history, in-care status, service-child details and
    # SEN history beside BasicDetails, not inside it; some writers nest them.
    spec_layout = g.chance(0.5)
    service = (E("ServiceChildren", E("ServiceChild", "Y"),
                 E("ServiceChildConcerns", g.pick(_SERVICE_CONCERNS)))
               if g.chance(0.15) else E("ServiceChild", g.pick(("N", "N", "N", "U"))))
    basic = E("BasicDetails", *names,
              E("NCyearActual", ncyear.replace("Nursery", "N2")),
              E("Ethnicity", facts.ethnicity), E("EthnicitySource", g.pick(("P", "P", "C", "S"))),
              E("Languages", E("Type", E("LanguageType", "F"), E("Language", g.pick(_LANGS)))),
              E("MedicalFlag", state.medical_flag),
              E("Disabilities", E("Disability", state.disability)),
              E("EnrolStatus", "C"),
              *(() if spec_layout else (fsm_el, in_care, service, sen_el)))
    beside_basic = (fsm_el, in_care, service, sen_el) if spec_layout else ()
    contacts = []
    for order in range(1, g.pick((2, 2, 3)) if g.chance(0.7) else 2):
        adult = parent if order == 1 else g.adult(last=child.last if g.chance(0.5) else None)
        relationship, responsibility = _CONTACT_RELATIONSHIPS[0 if order == 1 else
                                                              g.rng.randrange(6)]
        phones = [E("Phone", E("TelephoneType", kind), E("PhoneNo", C("PHONE_NUMBER", adult,
                                                                      g.phone())))
                  for kind in ("M", "H", "W")[:g.pick((1, 1, 2))]]
        contacts.append(E("Contact", E("Order", order), E("Title", adult.title),
                          E("Surname", C("PERSON", adult, adult.last)),
                          E("Forename", C("PERSON", adult, adult.first)),
                          E("Gender", "F" if adult.female else "M"),
                          E("Relationship", relationship),
                          E("Responsibility", responsibility),
                          E("Phones", *phones),
                          E("Email", C("EMAIL_ADDRESS", adult, g.email(adult)))
                          if g.chance(0.7) else None,
                          E("AddressAsPupil", True) if order == 1 else None))
    flat = g.chance(0.15)
    address = E("Address", E("BS7666Address",
                             E("SAON", f"Flat {g.rng.randrange(1, 20)}") if flat else None,
                             E("PAON", addr.street.split()[0]),
                             E("Street", addr.street.split(" ", 1)[1]),
                             E("Town", addr.town.upper()), E("AdministrativeArea", "")),
                E("PostCode", C("UK_POSTCODE", child, addr.postcode)), E("Zip", ""))
    entry = dt.date(child.dob.year + 4 + (child.dob.month >= 9), 9, 4)
    attendance = E("Attendance", *[
        E("YearData", E("Year", year), E("SchoolName", SCHOOL), E("LEA", la),
          E("Estab", estab), E("SessionsPossible", 300 + g.rng.randrange(30)),
          E("SessionsAuthorised", g.rng.randrange(20)),
          E("SessionsUnauthorised", g.rng.randrange(6)),
          E("AttendanceStartDate", f"{year}-09-0{g.rng.randrange(2, 7)}"),
          E("AttendanceMarks", _ctf_marks(g, state.absence_health)))
        for year in (2023, 2024)[:g.pick((1, 2))]])
    history = E("SchoolHistory",
                E("School", E("LEA", la), E("Estab", estab), E("SchoolName", SCHOOL),
                  E("EntryDate", entry.isoformat()), E("LeavingDate", "2025-07-18"),
                  E("LeavingReason", g.pick(("NWSC", "NWSC", "EOS")))),
                E("School", E("LEA", g.pick(_LA_CODES)), E("Estab", g.rng.randrange(2000, 3999)),
                  E("SchoolName", g.pick(("Westfield Infant School", "St Anne's CE Primary",
                                          "Meadow View Nursery"))),
                  E("EntryDate", (entry - dt.timedelta(days=365)).isoformat()),
                  E("LeavingDate", (entry - dt.timedelta(days=40)).isoformat()))
                if g.chance(0.3) else None)
    if assessment_only:
        state.assessment_only = True
        return E("Pupil", E("UPN", C("UK_UPN", child, g.upn())),
                 E("Surname", C("PERSON", child, child.last)),
                 E("Forename", C("PERSON", child, child.first)),
                 E("DOB", C("DATE_OF_BIRTH", child, child.dob.isoformat())),
                 E("Sex", "F" if child.female else "M"),
                 E("BasicDetails", E("NCyearActual", ncyear.replace("Nursery", "N2"))),
                 _ctf_stage(g, child)), state
    uln = E("UniqueLearnerNumber", C("UK_ULN", child, g.uln())) if g.chance(0.15) else None
    uci = E("UCI", f"{estab:05d}{g.rng.randrange(15, 25)}{g.rng.randrange(10**5):05d}"
                   f"{g.pick('ABCDEFGHJKLMNPRTUVWXYZ')}") if g.chance(0.4) else None
    pupil = E("Pupil", E("UPN", C("UK_UPN", child, g.upn())), uln, uci,
              E("Surname", C("PERSON", child, child.last.upper() if g.chance(0.3)
                             else child.last)),
              E("Forename", C("PERSON", child, child.first)),
              E("DOB", C("DATE_OF_BIRTH", child, child.dob.isoformat())),
              E("Sex", "F" if child.female else "M"), basic, *beside_basic, address,
              E("Contacts", *contacts), attendance, _ctf_stage(g, child), history)
    return pupil, state


def _ctf_categories(pupils: list[CtfPupil]) -> tuple[set[str], set[str]]:
    """(categories, optional) of a CTF: see "Harder kinds" in the module docstring."""
    cats: set[str] = set()
    optional: set[str] = set()
    for p in pupils:
        if p.assessment_only:
            continue
        if p.fsm in ("current", "ended"):
            cats.add("fsm")
        if p.sen in ("K", "E"):
            cats.add("sen")
            optional.add("health")
        if p.medical_flag or p.disability != "NONE":
            cats.add("health")
        if p.absence_health:
            optional.add("health")
        if p.in_care:
            cats.add("looked_after")
            optional.add("safeguarding")
        if p.facts.ethnicity not in _ETHNIC_UNKNOWN:
            cats.add("ethnicity")
    return cats, optional


def k_ctf(g: Gen, i: int) -> Doc:
    la, estab = g.pick(_LA_CODES), g.rng.randrange(2000, 3999)
    single = i % 3 == 0
    assessment_only = i % 6 == 5  # "partial": results only, no special-category fields
    pupils = [_ctf_pupil_full(g, la, estab, assessment_only)
              for _ in range(1 if single else g.rng.randrange(4, 16))]
    dest_la, dest_estab = ((g.pick(_LA_CODES), str(4000 + g.rng.randrange(999)))
                           if g.chance(0.7) else ("MMM", "MMMM"))
    version = g.pick(("20.0", "21.0", "22.0", "23.0", "24.0"))
    header = E("Header", E("DocumentName", "Common Transfer File"),
               E("CTFversion", version), E("DateTime", "2025-07-18T14:02:11"),
               E("DocumentQualifier", "partial" if assessment_only else "full"),
               E("SupplierID", g.pick(_CTF_SUPPLIERS)),
               E("SourceSchool", E("LEA", la), E("Estab", estab), E("SchoolName", SCHOOL),
                 E("AcademicYear", "2024/2025")),
               E("DestSchool", E("LEA", dest_la), E("Estab", dest_estab)))
    attrs: dict[str, object] = {}
    style = i % 4
    if style == 1:
        attrs["xmlns"] = _CTF_NAMESPACE
    elif style == 2:
        attrs["xmlns:xsi"] = "http://www.w3.org/2001/XMLSchema-instance"
        attrs["xsi:noNamespaceSchemaLocation"] = f"CTF-{version.split('.')[0]}.xsd"
    root = E("CTfile", header, E("CTFpupilData", *[p for p, _ in pupils]), **attrs)
    cats, optional = _ctf_categories([s for _, s in pupils])
    name = (f"{la}{estab}_CTF_{dest_la}{dest_estab}_{i + 1:03d}.xml" if not single
            else f"{la}{estab}_CTF_{dest_la}{dest_estab}_{i + 1:03d}_single.xml")
    return Doc(f"MIS/CTF/{g.pick(('Out', 'In', 'Archive'))}/{name}", "ctf",
               [Tree(root, indent=g.pick((2, 2, None)))], categories=cats, optional=optional)


# ---- newsletter_named: a newsletter names pupils (star of the week, sport) beside topic
# paragraphs on FSM, allergies, vaccinations or RE; only a sentence about a named
# pupil's health or religion is category data.

_NEWS_TOPICS = (
    "Free school meals: if you receive Universal Credit your child may be eligible for free "
    "school meals. Registering also brings the school pupil premium funding. Forms are in "
    "the office and all applications are confidential.",
    "Pupil premium: this year our pupil premium funding pays for a reading tutor and for "
    "places at breakfast club. Our strategy statement is on the website.",
    "We are a nut-free school. Several children have severe allergies, so please do not "
    "send nuts, peanut butter or chocolate spread in packed lunches.",
    "The school nurse team will give the nasal flu vaccination to Reception to Year 6 on "
    "{d1}. Please return the consent form even if you do not want your child vaccinated.",
    "It is Children's Mental Health Week. Classes will talk about feelings and anxiety, and "
    "our ELSA and the school counsellor are available for any child who needs to talk.",
    "Year 4 visited the local mosque as part of their RE topic on Islam, and Year 2 will "
    "visit St Mary's Church and the gurdwara next half term.",
    "Ramadan begins this week. Eid Mubarak to all our families who will be celebrating Eid "
    "al-Fitr; children may have the day off for Eid with an authorised absence.",
    "Head lice are going round school again. Please check your child's hair and treat it "
    "if needed.",
    "Our SENCo runs a coffee morning for parents of children with SEND on {d1} in the "
    "library. Everyone is welcome.",
    "Attendance matters: children who are unwell with sickness or diarrhoea must stay at "
    "home for 48 hours after the last episode.",
)
_STAR_REASONS = ("for fantastic effort in maths", "for always being kind to others",
                 "for super phonics", "for a brilliant piece of writing about the Romans",
                 "for great listening", "for being a superstar reader")
_SPORTS = ("Our Year 5/6 football team beat Westfield 3-1. Goals from {a} and {b}, and {c} was "
           "player of the match.",
           "Congratulations to {a}, {b} and {c}, who came second in the district cross-country.",
           "Well done to the netball team: {a} and {b} scored 7 goals between them, and {c} was "
           "named captain.")


def _initial_form(child: Person) -> str:
    """"Amelia J", a first name and surname initial, as newsletters print pupils."""
    return mark("PERSON", child.sid, f"{child.first} {child.last[0]}")


def k_newsletter_named(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".docx", ".pdf", ".html", ".txt"))
    cats: set[str] = set()
    optional: set[str] = set()
    blocks: list[Block] = [Para(f"{SCHOOL} - Friday newsletter", heading=True),
                           Para(f"Week ending {format_date(g.day_in(2024), 'long')}"),
                           Para("Dear Parents and Carers,")]
    topics = g.rng.sample(_NEWS_TOPICS, g.rng.randrange(2, 5))
    stars = []
    for year in g.rng.sample(_YEARS, g.rng.randrange(3, 7)):
        child = g.child()
        name = g.pick((_initial_form(child), N(child, "full"), N(child, "first")))
        stars.append(f"{year}: {name} {g.pick(_STAR_REASONS)}")
    star_block = Para("Stars of the week\n" + "\n".join(stars))
    team = [g.child() for _ in range(3)]
    sport = Para(g.pick(_SPORTS).format(
        a=N(team[0], "full"), b=_initial_form(team[1]), c=N(team[2], "first")))
    body: list[Block] = [star_block, sport]
    body += [Para(t.format(d1=format_date(g.day_in(2025), "long"))) for t in topics]
    variant = i % 5
    if variant == 1:  # a named pupil's health: get well soon
        child = g.child()
        body.append(Para(f"Get well soon to {N(child, g.pick(('first', 'full')))} in "
                         f"{year_group(child)}, who broke "
                         f"{'her' if child.female else 'his'} arm at the weekend. We hope "
                         "to see you back soon!"))
        cats.add("health")
    elif variant == 3:  # a named pupil's religion
        child = g.child()
        body.append(Para(f"A special mention for {N(child, 'full')}, who fasted for the "
                         "first time this Ramadan and told her class all about Eid."
                         if child.female else
                         f"A special mention for {N(child, 'full')}, who fasted for the "
                         "first time this Ramadan and told his class all about Eid."))
        cats.add("religion")
    elif variant == 4 and g.chance(0.7):  # a member of staff's leave: pregnancy, optional
        teacher = g.adult(female=True)
        body.append(Para(f"{N(teacher, 'formal')} starts her maternity leave at half term; "
                         f"we wish her all the best. {N(teacher, 'formal')}'s class will be "
                         "taught by a supply teacher until Easter."))
        optional.add("health")
    g.rng.shuffle(body)
    blocks += body
    blocks.append(Para("Have a lovely weekend,\nThe Headteacher"))
    return Doc(f"Newsletters/Weekly/newsletter week {i + 1:03d}{ext}", "newsletter_named",
               blocks, categories=cats, optional=optional, title="Friday newsletter")


# ---- seating_codes: seating plans and group lists with many short code columns.

_MEDICAL_CODES = ("Asthma", "Epi", "Diab", "Nut", "Eczema", "Inhaler", "Coeliac", "Epilepsy")
_ABILITY = ("HA", "MA", "LA", "MA", "")


def k_seating_codes(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".xlsx", ".docx", ".csv", ".html"))
    blank_codes = i % 5 == 2  # the code columns printed but not filled in
    sen_pp_only = i % 3 == 0  # the CLA and Medical columns printed but left blank
    columns = ["Seat", "Name", "SEN", "PP", "EAL", g.pick(("G&T", "HA/MA/LA", "Group")),
               "Reading age", "CLA", "Medical", "Notes", "TA"]
    split_name = g.chance(0.3)
    if split_name:
        columns[1:2] = ["Forename", "Surname"]
    rows: list[list[object]] = [columns]
    cats: set[str] = set()
    optional: set[str] = set()
    tas = [p.first[0] + p.last[0] for p in g.staff[:3]]  # staff initials, not names
    for n in range(g.rng.randrange(16, 31)):
        _parent, child, _addr = g.family()
        facts = _facts(g)
        names: list[object] = ([C("PERSON", child, child.first), C("PERSON", child, child.last)]
                               if split_name else [C("PERSON", child, g.pick((
                                   child.full, f"{child.first} {child.last[0]}",
                                   f"{child.last.upper()} {child.first}")))])
        if blank_codes:
            codes = ["", "", "", "", "", "", "", "", g.pick(tas) if g.chance(0.3) else ""]
        else:
            sen = facts.sen if facts.sen != "N" else ""
            pp = "Y" if facts.ever6 else ""
            cla = "Y" if facts.looked_after and not sen_pp_only else ""
            medical = (g.pick(_MEDICAL_CODES) if (facts.conditions or facts.allergies)
                       and not sen_pp_only else "")
            age = f"{g.rng.randrange(6, 12)}y {g.rng.randrange(12)}m"
            codes = [sen, pp, g.pick(("", "", "", "Y")), g.pick(_ABILITY), age, cla, medical,
                     g.pick(("", "", "", "Sit near board", "Check homework", "New to class")),
                     g.pick(tas) if g.chance(0.3) else ""]
            if sen:
                cats.add("sen")
                optional.add("health")
            if pp:
                cats.add("fsm")
            if cla:
                cats.add("looked_after")
                optional.add("safeguarding")
            if medical:
                cats.add("health")
        rows.append([f"{chr(65 + n // 6)}{n % 6 + 1}", *names, *codes])
    title = f"{g.pick(_YEARS[1:])} {g.pick(_TREES)} seating plan and groups"
    blocks: list[Block] = [Table(rows, title="Plan")]
    if ext in (".docx", ".html"):
        blocks[:0] = [Para(title, heading=True),
                      Para("Key: SEN K = SEN support, E = EHCP; PP = pupil premium; CLA = "
                           "child looked after; Epi = EpiPen/epilepsy (see care plan).")]
    return Doc(f"Classroom/Seating plans/{title} {i + 1:03d}{ext}", "seating_codes", blocks,
               categories=cats, optional=optional, title=title)


# ---- blank_form: templates with placeholders and tick boxes (no one's data).

_PLACEHOLDER_LINES = (
    "Child's name: ______________________", "Pupil: [child's name]",
    "Name of pupil: <<Forename>> <<Surname>>", "Date of birth: DD/MM/YYYY",
    "DOB: __/__/____", "Class: ________   Year group: ____",
    "Address: ______________________________  Postcode: ________",
    "Parent/carer name: ____________________", "Contact number: ________________",
    "Email: ______________@______________",
    "Medical conditions: \u2610 Asthma \u2610 Diabetes \u2610 Epilepsy \u2610 Allergy "
    "\u2610 Other: ________",
    "Does your child have any allergies? Yes / No  If yes, give details: ____________",
    "Medication (name, dose, time): ____________________",
    "FSM: Yes / No", "Pupil premium: Y / N", "Is your child looked after by a local "
    "authority? Yes / No", "SEN status: N / K / E", "Does your child have an EHCP? Yes / No",
    "Religion: ______________ (optional)",
    "Ethnicity (please tick): \u2610 White British \u2610 White Irish \u2610 Pakistani "
    "\u2610 Indian \u2610 Black African \u2610 Mixed \u2610 Other \u2610 Prefer not to say",
    "GP name and surgery: ____________________", "NHS number: ___ ___ ____",
    "Signed: ____________________ (Parent/Carer)   Date: __/__/____",
)
_BLANK_TITLES = ("Data collection sheet", "Medical information form", "Admission form",
                 "Residential trip consent form", "Request to administer medicine",
                 "Individual healthcare plan - template")


def k_blank_form(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".docx", ".html", ".txt", ".docx"))
    title = _BLANK_TITLES[i % len(_BLANK_TITLES)]
    lines = g.rng.sample(_PLACEHOLDER_LINES, g.rng.randrange(9, 16))
    blocks: list[Block] = [*letterhead(g, g.chance(0.5)), Para(title.upper(), heading=True),
                           Para("Please complete in BLOCK CAPITALS and return to the school "
                                "office. The information is kept confidential.")]
    if i % 3 == 1:  # a grid template with an example row of placeholder names
        blocks.append(Table([["Pupil name", "DOB", "Condition", "Medication", "FSM"],
                             ["e.g. Joe Bloggs", "DD/MM/YYYY", "e.g. Asthma",
                              "e.g. Inhaler", "Y / N"],
                             *[["", "", "", "", ""] for _ in range(5)]]))
    elif ext == ".txt":
        blocks.append(Para("\n".join(lines)))
    else:
        blocks += [Para(line) for line in lines]
    return Doc(f"Templates/Blank forms/{title} {i + 1:03d}{ext}", "blank_form", blocks,
               negative=True, title=title)


# ---- policy_examples: policies and training with fictional case studies and a real
# contact table.  A fictional example ("Jamie, aged 7") is about no one: no PERSON, no
# category.  The contact table's staff are real: PERSON and EMAIL_ADDRESS, no category.

_CASE_STUDIES = (
    "Case study: Child A (Year 4) tells a teaching assistant that things are difficult at "
    "home and asks her not to tell anyone. What should the TA do?",
    "Example: Jamie, aged 7, has asthma and keeps his inhaler in the classroom. On a trip, "
    "the inhaler goes with the group leader.",
    "Scenario 2: Priya's mum tells you at the gate that Priya has been diagnosed with type 1 "
    "diabetes. Who needs to know, and where is the care plan kept?",
    "For example, a pupil with an EHCP (such as Tom in our training video) may need a "
    "personal evacuation plan.",
    "Case study B: a Year 6 boy, Child B, arrives hungry most days and his uniform is dirty. "
    "Record the concern on CPOMS and speak to the DSL.",
    "Worked example: if Ellie Smith (a fictional pupil) is eligible for free school meals, "
    "the MIS shows FSM = Y and she attracts pupil premium.",
)
_POLICY_TITLES = ("Safeguarding training - INSET pack", "Supporting pupils with medical "
                  "conditions", "SEND information report", "Pupil premium and FSM guidance for "
                  "staff", "Child protection policy")


def k_policy_examples(g: Gen, i: int) -> Doc:
    ext = fmt_for(i, (".docx", ".pdf", ".html"))
    title = _POLICY_TITLES[i % len(_POLICY_TITLES)]
    blocks: list[Block] = [Para(title.upper(), heading=True),
                           Para("This document applies to all staff, volunteers and "
                                "governors. It should be read with Keeping Children Safe in "
                                "Education.")]
    blocks += [Para(text) for text in g.rng.sample(_CASE_STUDIES, g.rng.randrange(2, 4))]
    rows: list[list[object]] = [["Role", "Name", "Email"]]
    for role in ("Designated Safeguarding Lead", "Deputy DSL", "SENCo", "First aid lead")[
            :g.rng.randrange(2, 5)]:
        person = g.adult()
        rows.append([role, C("PERSON", person, g.pick((person.full,
                                                       f"{person.title} {person.full}"))),
                     C("EMAIL_ADDRESS", person, g.email(person, _SCHOOL_DOMAIN))])
    blocks.append(Para("Key contacts", heading=True))
    blocks.append(Table(rows, html="grid"))
    blocks.append(Para("Staff must never use a real pupil's name in training materials."))
    return Doc(f"Policies/Training/{title} {i + 1:03d}{ext}", "policy_examples", blocks,
               negative=True, title=title)


# ---- email_pupil and email_topic: .eml messages.

_DISCLAIMER = ("This email and any attachments are confidential and intended only for the "
               "addressee. If you have received it in error, please tell the sender and "
               "delete it.")


def _school_address(person: Person) -> str:
    first = re.sub(r"[^a-z]", "", _ascii(person.first).lower())
    last = re.sub(r"[^a-z]", "", _ascii(person.last).lower())
    return f"{first[0]}{last}@{_SCHOOL_DOMAIN}"


def _staff_party(g: Gen, person: Person | None = None) -> tuple[Person, tuple[str, str]]:
    person = person or g.pick(g.staff)
    return person, (N(person, "full"), M("EMAIL_ADDRESS", person, _school_address(person)))


def _mail_signature(g: Gen, person: Person, role: str) -> str:
    """A staff email signature: name, role, school and the school's phone number."""
    form = g.pick(("full", "formal_full", "initial"))
    return (f"{N(person, form)}\n{role}\n{SCHOOL}\n"
            f"Tel: {M('PHONE_NUMBER', 0, g.school_phone)}")


def _attachment_list(g: Gen, kind: str) -> tuple[Doc, set[str]]:
    """A small CSV or DOCX attachment holding pupils' names and, maybe, a category."""
    rows: list[list[object]] = [["Name", "Class", kind.title()]]
    cats: set[str] = set()
    for _ in range(g.rng.randrange(4, 10)):
        child = g.child()
        value = {"allergies": g.pick(_ALLERGIES) if g.chance(0.6) else "",
                 "groups": g.pick(("Phonics group 1", "Phonics group 2", "Booster maths"))}[kind]
        if kind == "allergies" and value:
            cats.add("health")
        rows.append([C("PERSON", child, child.full), g.pick(_TREES), value])
    ext = g.pick((".csv", ".docx"))
    return Doc(f"attachment{ext}", "attachment", [Table(rows)]), cats


def k_email_pupil(g: Gen, i: int) -> Doc:
    variant = i % 6
    parent, child, _addr = g.family()
    staff, staff_party = _staff_party(g)
    cats: set[str] = set()
    optional: set[str] = set()
    attachments: list[tuple[str, Doc]] = []
    parent_party = (N(parent, "full"), M("EMAIL_ADDRESS", parent, g.email(parent)))
    pronoun = "she" if child.female else "he"
    if variant == 0:  # staff to parent: health
        to, subject = [parent_party], f"{N(child, 'first')} - nosebleed at lunch"
        body = [f"Hi {N(parent, 'first')},",
                f"Just to let you know {N(child, 'first')} had a nosebleed at lunch today. "
                f"{pronoun.capitalize()} sat with the first aider for ten minutes and was fine "
                "afterwards, but it was quite a heavy one so we thought you should know.",
                "Kind regards,"]
        cats.add("health")
    elif variant == 1:  # staff to SENCo: EHCP review, with a quoted reply
        senco, senco_party = _staff_party(g, g.staff[-1] if g.staff[-1] is not staff
                                          else g.staff[0])
        to, subject = [senco_party], f"Re: EHCP annual review for {N(child, 'full')}"
        body = [f"Hi {N(senco, 'first')},",
                f"I've added my comments on {N(child, 'first')}'s outcomes to the draft. "
                f"{pronoun.capitalize()} has made good progress with the speech and language "
                "targets but still needs adult support for writing.",
                "Thanks,",
                f"On {format_date(g.day_in(2024), 'long')}, {N(senco, 'full')} wrote:\n"
                f"> The annual review of {N(child, 'full')}'s EHCP is booked for next "
                "Thursday.\n> Please send me your outcomes by Monday."]
        cats.add("sen")
        optional.add("health")
    elif variant == 2:  # to the DSL: a concern
        dsl, dsl_party = _staff_party(g, g.staff[0] if g.staff[0] is not staff
                                      else g.staff[1])
        to, subject = [dsl_party], "Concern - please see CPOMS"
        body = [f"Hi {N(dsl, 'first')},",
                f"I've logged a concern on CPOMS about {N(child, 'full')} ({year_group(child)})."
                f" {pronoun.capitalize()} had a bruise on {'her' if child.female else 'his'} "
                f"upper arm and said {N(parent, 'formal')}'s boyfriend grabbed "
                f"{'her' if child.female else 'him'}. Can we talk at break?",
                "Thanks,"]
        cats.add("safeguarding")
        optional.add("health")
    elif variant == 3:  # office to parent: FSM approved
        to, subject = [parent_party], "Free school meals application"
        body = [f"Dear {N(parent, 'formal')},",
                f"I am pleased to confirm that {N(child, 'first')}'s application for free "
                "school meals has been approved by the local authority, from Monday.",
                "Kind regards,"]
        cats.add("fsm")
    elif variant == 4:  # allergy list attached
        colleague, colleague_party = _staff_party(g, g.staff[2])
        to, subject = [colleague_party], "Updated allergy list for the trip"
        attachment, att_cats = _attachment_list(g, "allergies")
        attachments.append(("Year 3 trip allergies" + Path(attachment.path).suffix,
                            attachment))
        cats |= att_cats
        body = [f"Hi {N(colleague, 'first')},",
                "Please find attached the updated allergy list for the trip. The kitchen has "
                "a copy too.",
                f"{N(child, 'full')} will be collected early by {N(parent, 'formal')}.",
                "Thanks,"]
    else:  # staff to parent: no category (a reading book, a group list attached)
        to, subject = [parent_party], f"{N(child, 'first')}'s reading book"
        attachment, att_cats = _attachment_list(g, "groups")
        attachments.append(("phonics groups" + Path(attachment.path).suffix, attachment))
        body = [f"Dear {N(parent, 'first')},",
                f"{N(child, 'first')} left {'her' if child.female else 'his'} reading book "
                "in the hall after PE. It's in the office. I've also attached the new phonics "
                "groups as promised.",
                "Best wishes,"]
    body.append(_mail_signature(g, staff, g.pick(("Class teacher", "Teaching assistant",
                                               "Office manager"))))
    if g.chance(0.5):
        body.append(_DISCLAIMER)
    cc = [(("", M("EMAIL_ADDRESS", 0, f"office@{_SCHOOL_DOMAIN}")))] if g.chance(0.3) else []
    mail = Mail(sender=staff_party, to=to, cc=cc, subject=subject,
                sent=dt.datetime(2024, 1, 8) + dt.timedelta(hours=g.rng.randrange(2000)),
                attachments=attachments, html=g.chance(0.4))
    return Doc(f"Staff/{staff.first} {staff.last}/Mail/message {i + 1:03d}.eml", "email_pupil",
               [mail, *[Para(text) for text in body]], categories=cats, optional=optional,
               title=plain(subject))


_TOPIC_MAILS = (
    ("Reminder: free school meals applications", (
        "If your circumstances have changed, your child may now be eligible for free school "
        "meals. Applications take five minutes online and are confidential.",
        "Every registration also brings the school pupil premium funding.")),
    ("Flu vaccination consent - deadline Friday", (
        "The school nurse team will give the nasal flu vaccine in school next week. Please "
        "complete the online consent form by Friday, even if you are saying no.",
        "Children with egg allergy or severe asthma can still have the vaccine; the nurses "
        "will check.")),
    ("Nut-free school reminder", (
        "We have several pupils with severe nut allergies. Please do not send nuts, peanut "
        "butter or cereal bars containing nuts into school.",
        "Thank you for helping to keep everyone safe.")),
    ("Mental Health Awareness Week", (
        "Next week is Mental Health Awareness Week. Children can wear something green on "
        "Friday.",
        "If you are worried about your child's wellbeing, our ELSA and the DSL are here to "
        "help; just ring the office.")),
    ("SEND coffee morning", (
        "Our SENCo is holding a coffee morning for parents and carers of children with SEND "
        "or an EHCP on Wednesday in the library.",
        "No need to book.")),
)


def k_email_topic(g: Gen, i: int) -> Doc:
    subject, paras = _TOPIC_MAILS[i % len(_TOPIC_MAILS)]
    office = g.staff[3]
    sender = ("", M("EMAIL_ADDRESS", 0, f"office@{_SCHOOL_DOMAIN}"))
    to = [("", M("EMAIL_ADDRESS", 0, f"{g.pick(('allparents', 'year3parents', 'parents'))}@"
                                     f"{_SCHOOL_DOMAIN}"))]
    body = ["Dear Parents and Carers,", *paras, "Kind regards,",
            _mail_signature(g, office, "Office Manager")]
    mail = Mail(sender=sender, to=to, subject=subject,
                sent=dt.datetime(2024, 9, 9) + dt.timedelta(hours=g.rng.randrange(2000)),
                html=g.chance(0.5))
    return Doc(f"Office/Sent items/{subject.split(' - ')[0]} {i + 1:03d}.eml", "email_topic",
               [mail, *[Para(text) for text in body]], negative=True, title=subject)


# ---- issue 19, third pass: staff and admin files that use the vocabulary about no pupil
# (training, rotas, supplies, posters, menus, biometric catering admin), CTF files written
# another way, newsletters in headed sections, desk-grid seating plans, and forms whose
# consent, doctor and "none" fields reveal nothing.

def _for_format(blocks: list[Block], ext: str) -> list[Block]:
    """``blocks`` as a sheet or CSV holds them: its tables only (a title is the sheet's)."""
    return [b for b in blocks if isinstance(b, Table)] if ext in (".xlsx", ".csv") else blocks


_COURSES = (("Level 2 Safeguarding and Child Protection", "safeguarding"),
            ("Keeping Children Safe in Education (KCSIE) annual update", "safeguarding"),
            ("Prevent duty awareness", "safeguarding"),
            ("Designated Safeguarding Lead refresher (Level 3)", "safeguarding"),
            ("Paediatric First Aid (12 hours)", "health"),
            ("Emergency First Aid at Work", "health"),
            ("Anaphylaxis and adrenaline auto-injector (EpiPen) training", "health"),
            ("Asthma awareness for school staff", "health"),
            ("Epilepsy awareness and buccal midazolam administration", "health"),
            ("Mental Health First Aid", "health"))
_COURSE_COVERS = {
    "safeguarding": "Topics covered: recognising signs of abuse and neglect, responding to a "
                    "disclosure, recording concerns on CPOMS, referral to children's social "
                    "care, the role of the DSL and the LADO, child-on-child abuse and county "
                    "lines.",
    "health": "Topics covered: managing head injuries, choking, seizures, asthma attacks, "
              "anaphylaxis, diabetes emergencies, bleeding, fractures and burns, and when to "
              "call 999.",
}
_TICKS = ("\u2713", "Yes", "Completed", "Due", "Expired", "Booked", "")


def k_staff_training(g: Gen, i: int) -> Doc:
    """Training certificates, matrices, DSL rotas and INSET sign-in sheets: staff named
    beside safeguarding and first-aid words, revealing nothing about anyone's health or
    welfare (no category)."""
    variant = i % 5
    if variant == 0:  # a certificate
        ext = g.pick((".pdf", ".docx", ".txt"))
        person = g.pick(g.staff)
        course, about = g.pick(_COURSES)
        trainer = g.adult()
        blocks: list[Block] = [
            Para("Certificate of Completion", heading=True),
            Para(f"This is to certify that {N(person, g.pick(('full', 'formal_full')))} "
                 f"has successfully completed {course} on "
                 f"{format_date(g.day_in(2024), 'long')}."),
            Para(_COURSE_COVERS[about]),
            Para(f"Trainer: {N(trainer, 'full')}\nCertificate valid for "
                 f"{g.pick(('one year', 'two years', 'three years'))}."),
        ]
        return Doc(f"Staff/Training/{person.first} {person.last}/certificate {i + 1:03d}{ext}",
                   "staff_training", blocks, negative=True, title="Certificate")
    if variant == 1:  # a training matrix
        ext = g.pick((".xlsx", ".csv"))
        courses = ["Safeguarding L2", "Prevent", "Paediatric First Aid", "EpiPen",
                   "Asthma", "Online safety", "DBS checked"]
        g.rng.shuffle(courses)
        courses = courses[:g.rng.randrange(4, 8)]
        rows: list[list[object]] = [["Staff name", "Role", *courses]]
        for _ in range(g.rng.randrange(8, 20)):
            person = g.adult()
            rows.append([C("PERSON", person, g.pick((person.full,
                                                     f"{person.last}, {person.first}"))),
                         g.pick(_ROLES),
                         *[format_date(g.day_in(g.pick((2023, 2024))), "dmy")
                           if g.chance(0.6) else g.pick(_TICKS) for _ in courses]])
        return Doc(f"Staff/Training/training matrix {ay(g)} {i + 1:03d}{ext}",
                   "staff_training", [Table(rows, title="Matrix")], negative=True)
    if variant == 2:  # the DSL rota
        ext = g.pick((".docx", ".xlsx", ".html"))
        rows = [["Day", g.pick(("DSL on duty", "Designated Safeguarding Lead",
                                "Safeguarding lead")),
                 g.pick(("Deputy DSL", "Back-up DSL")), "Location"]]
        for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
            a, b = g.rng.sample(g.staff, 2)
            rows.append([day, C("PERSON", a, f"{a.title} {a.last}"),
                         C("PERSON", b, f"{b.title} {b.last}"),
                         g.pick(("Office", "Room 4", "Headteacher's office"))])
        blocks = [Para(f"Safeguarding duty rota {ay(g)}", heading=True),
                  Table(rows, title="Rota"),
                  Para("If you have a safeguarding concern about a child, record it on CPOMS "
                       "straight away and speak to the DSL on duty. If a child is at immediate "
                       "risk of harm, call 999 and children's social care.")]
        return Doc(f"Safeguarding/DSL rota {i + 1:03d}{ext}", "staff_training",
                   _for_format(blocks, ext),
                   negative=True)
    if variant == 3:  # an INSET sign-in sheet
        ext = g.pick((".docx", ".pdf", ".xlsx"))
        course, _about = g.pick(_COURSES)
        rows = [["Name", "Role", "Signature", "Time"]]
        for _ in range(g.rng.randrange(8, 22)):
            person = g.adult()
            rows.append([C("PERSON", person, person.full), g.pick(_ROLES), "",
                         f"{g.pick((8, 9, 13))}:{g.pick(('00', '15', '30'))}"])
        blocks = [Para(f"INSET day {format_date(g.day_in(2024), 'long')} - sign-in sheet",
                       heading=True),
                  Para(f"Session: {course}"), Table(rows, title="Sign in")]
        return Doc(f"Staff/Training/INSET sign in {i + 1:03d}{ext}", "staff_training",
                   _for_format(blocks, ext),
                   negative=True)
    # a policy review schedule
    ext = g.pick((".xlsx", ".docx", ".csv"))
    policies = ("Safeguarding and Child Protection", "Supporting Pupils with Medical Conditions",
                "First Aid", "SEND Policy and Information Report", "Intimate Care",
                "Administration of Medicines", "Online Safety", "Pupil Premium Strategy",
                "Biometric Data (cashless catering)", "Attendance", "Behaviour",
                "Relationships and Sex Education", "Looked After Children")
    rows = [["Policy", "Owner", "Last reviewed", "Next review", "Approved by"]]
    for policy_name in g.rng.sample(policies, g.rng.randrange(6, 12)):
        owner = g.pick(g.staff)
        rows.append([policy_name, C("PERSON", owner, g.pick((owner.full,
                                                             f"{owner.title} {owner.last}"))),
                     format_date(g.day_in(2024), "dmy"), format_date(g.day_in(2025), "dmy"),
                     g.pick(("FGB", "Curriculum committee", "Headteacher"))])
    blocks = [Para("Policy review schedule", heading=True), Table(rows, title="Policies")]
    return Doc(f"Governance/policy review schedule {i + 1:03d}{ext}", "staff_training",
               _for_format(blocks, ext),
               negative=True)


_SUPPLIES = ("Instant ice packs (box of 24)", "Hypoallergenic plasters, assorted", "Eye wash pods",
             "Burns dressings", "Sick bags", "Sterile cleansing wipes", "Triangular bandages",
             "Disposable gloves (nitrile, M)", "EpiPen trainer pens", "Spare inhaler spacers",
             "Foil blankets", "First aid kit refill - HSE 20 person", "Head bump letters (pad)")


def k_health_admin(g: Gen, i: int) -> Doc:
    """First-aid supply orders, school nurse posters, medical room cleaning rotas and
    allergy-aware menus: the health vocabulary beside staff names, no one's health."""
    variant = i % 4
    if variant == 0:  # a supplies order (its requester is in a paragraph a sheet drops)
        ext = g.pick((".docx", ".pdf", ".pdf"))
        buyer = g.pick(g.staff)
        rows: list[list[object]] = [["Item", "Code", "Qty", "Unit price", "Total"]]
        for item in g.rng.sample(_SUPPLIES, g.rng.randrange(5, 10)):
            qty, price = g.rng.randrange(1, 12), g.rng.randrange(150, 2500) / 100
            rows.append([item, f"FA{g.rng.randrange(1000, 9999)}", qty, f"£{price:.2f}",
                         f"£{qty * price:.2f}"])
        blocks: list[Block] = [
            Para("Purchase order - first aid supplies", heading=True),
            Para(f"Requested by: {N(buyer, g.pick(('full', 'formal_full')))}\n"
                 f"Date: {format_date(g.day_in(2024), 'dmy')}\nBudget code: 4100 "
                 "Medical and first aid"),
            Table(rows, title="Order"),
            Para("Please deliver to the school office. Restock the first aid boxes in each "
                 "classroom and the medical room, and the trip bags."),
        ]
        return Doc(f"Finance/Orders/first aid order {i + 1:03d}{ext}", "health_admin",
                   _for_format(blocks, ext),
                   negative=True)
    if variant == 1:  # a school nurse drop-in poster
        ext = g.pick((".pdf", ".docx", ".html"))
        nurse = g.adult(female=True)
        blocks = [Para("School Nurse Drop-in", heading=True),
                  Para(f"Every {g.pick(('Tuesday', 'Thursday'))}, 1.30 - 3pm in the medical room."),
                  Para(f"{N(nurse, g.pick(('full', 'formal')))} from the school nursing team "
                       "can talk to parents about sleep, bedwetting, healthy eating, worries "
                       "and anxiety, asthma reviews, immunisations and toileting."),
                  Para(f"No appointment needed. To book a phone call email "
                       f"{M('EMAIL_ADDRESS', nurse, g.email(nurse, 'nhs.example.net'))}.")]
        return Doc(f"Office/Posters/school nurse drop-in {i + 1:03d}{ext}", "health_admin",
                   blocks, negative=True)
    if variant == 2:  # a medical room cleaning rota
        ext = g.pick((".xlsx", ".docx"))
        tasks = ("Wipe down couch and surfaces", "Restock first aid boxes and ice packs",
                 "Empty sharps bin if over half full", "Check EpiPen and inhaler expiry dates in "
                 "grab bags", "Wash sick bowls", "Check medicines fridge temperature")
        rows = [["Week beginning", "Staff", "Tasks", "Initials"]]
        for week in range(g.rng.randrange(5, 12)):
            person = g.pick(g.staff)
            rows.append([format_date(dt.date(2024, 9, 2) + dt.timedelta(weeks=week), "dmy"),
                         C("PERSON", person, person.full), g.pick(tasks), ""])
        return Doc(f"Health and Safety/medical room cleaning rota {i + 1:03d}{ext}",
                   "health_admin", _for_format([Para("Medical room cleaning rota", heading=True),
                                                Table(rows, title="Rota")], ext),
                   negative=True)
    ext = g.pick((".docx", ".pdf", ".html"))  # an allergy-aware menu
    cook = g.adult()
    blocks = [Para(f"Autumn menu - week {g.rng.randrange(1, 4)}", heading=True),
              Para("Monday: Chicken curry with rice (contains milk) / Vegetable korma\n"
                   "Tuesday: Fish fingers, chips and peas (contains fish, gluten)\n"
                   "Wednesday: Roast dinner / Quorn roast (contains egg)\n"
                   "Thursday: Pasta bolognese (contains gluten, celery)\n"
                   "Friday: Pizza (contains milk, gluten) / Jacket potato"),
              Para("We are a nut-free kitchen. Allergen information for every dish is "
                   "available from the kitchen. If your child has a food allergy, intolerance "
                   "or coeliac disease, please complete a special diet form with a letter "
                   "from your GP."),
              Para(f"Catering manager: {N(cook, g.pick(('full', 'formal_full')))}")]
    return Doc(f"Catering/Menus/menu week {i + 1:03d}{ext}", "health_admin", blocks,
               negative=True)


def k_biometric_admin(g: Gen, i: int) -> Doc:
    """Cashless catering: letters to all parents and staff guides about the fingerprint
    system (no one's biometric data), and enrolment exports that hold a finger template
    reference per pupil (biometric)."""
    variant = i % 3
    if variant == 0:  # a letter to all parents
        ext = g.pick((".docx", ".pdf", ".txt"))
        head = g.staff[0]
        blocks: list[Block] = [
            *letterhead(g, g.chance(0.5)), Para(letter_date(g)),
            Para("Dear Parents and Carers,"),
            Para("From after half term our kitchen will use a biometric cashless catering "
                 "system. Children will pay for lunch by placing a finger on a scanner; the "
                 "system stores a template made from the fingerprint, never an image of it."),
            Para("Under the Protection of Freedoms Act 2012 we need the written consent of a "
                 "parent before we register your child. Children without consent will be "
                 "given a PIN instead. Please return the consent slip by Friday."),
            Para(f"Yours faithfully,\n{N(head, g.pick(('formal_full', 'initial')))}\n"
                 "Headteacher"),
        ]
        return Doc(f"Admin/Catering/cashless catering letter {i + 1:03d}{ext}",
                   "biometric_admin", blocks, negative=True)
    if variant == 1:  # a staff guide to enrolment
        ext = g.pick((".docx", ".pdf"))
        manager = g.adult()
        blocks = [Para("Enrolling pupils on the fingerprint till - staff guide", heading=True),
                  Para("Check the consent list before you enrol a child: never scan a "
                       "fingerprint without consent. Ask the child to place their index finger "
                       "on the reader three times; the till stores a biometric template only."),
                  Para(f"Problems? Contact {N(manager, 'full')}, catering manager, on "
                       f"{M('PHONE_NUMBER', 0, g.school_phone)}.")]
        return Doc(f"Admin/Catering/fingerprint enrolment guide {i + 1:03d}{ext}",
                   "biometric_admin", blocks, negative=True)
    ext = g.pick((".csv", ".xlsx"))  # an enrolment export: biometric when anyone is enrolled
    enrolled_any = g.chance(0.7)
    template_h = g.pick(("Finger template ID", "Biometric ID", "Fingerprint registered"))
    rows: list[list[object]] = [["Adno", "Surname", "Forename", "Year", template_h, "Balance"]]
    enrolled = 0
    for _ in range(g.rng.randrange(10, 25)):
        child = g.child()
        on = enrolled_any and g.chance(0.7)
        enrolled += on
        value = ((f"T{g.rng.randrange(10**7):07d}" if "ID" in template_h else "Y") if on
                 else g.pick(("", "N", "No consent")) if "registered" in template_h
                 else g.pick(("", "PIN only")))
        rows.append([str(g.rng.randrange(1000, 9999)), C("PERSON", child, child.last),
                     C("PERSON", child, child.first), year_group(child), value,
                     f"£{g.rng.randrange(0, 2500) / 100:.2f}"])
    return Doc(f"Admin/Catering/till export {i + 1:03d}{ext}", "biometric_admin",
               [Table(rows, title="Accounts")],
               categories={"biometric"} if enrolled else set())


def _naw_details(g: Gen, sen: str) -> El:
    """A CTF's Welsh block (NAWdetails): language, identity and SEN teaching codes, which
    hold a value for every pupil ("N" or "0" when the pupil has no SEN)."""
    none = sen == "N"
    return E("NAWdetails", E("SpeakWelsh", g.pick(("N", "N", "F", "W"))),
             E("HomeWelsh", g.pick(("N", "N", "W"))),
             E("NationalIdentity", g.pick(("WEL", "BRI", "ENG", "OTH"))),
             E("WelshSource", "P"), E("EALAcquisition", g.pick(("0", "A", "B"))),
             E("SENCurrAndTeaching", "N" if none else g.pick(("A", "B", "C"))),
             E("SENGroupingAndSupport", "N" if none else g.pick(("A", "B"))),
             E("SENSpecialisedResources", "N" if none else g.pick(("A", "B"))))


def k_ctf_variant(g: Gen, i: int) -> Doc:
    """CTF-like files written the way other suppliers do: flags as true/false, 1/0 or Y/N,
    SEN histories with several entries (a past "K" is SEN data, "N"s are not), FSM
    histories with several instances, an in-care block that says false with an empty
    authority, medical flags absent or present, disability lists, NAW details."""
    flag_style = g.pick((("true", "false"), ("1", "0"), ("Y", "N")))
    cats: set[str] = set()
    optional: set[str] = set()
    pupils: list[El] = []
    for _ in range(g.rng.randrange(3, 25)):
        parent, child, addr = g.family()
        facts = _facts(g, boost=1.2)
        history = g.pick(((facts.sen,), ("N", facts.sen), (facts.sen, "N")))
        if facts.sen == "N" and g.chance(0.2):
            history = ("K", "N")  # support ended: still SEN data
        if any(s != "N" for s in history):
            cats.add("sen")
            optional.add("health")
        sen_el = E("SENhistory", *[E("SEN", E("StartDate", f"{2019 + n}-09-01"),
                                         E("SENprovision", s)) for n, s in enumerate(history)])
        fsm_el = None
        if facts.fsm or g.chance(0.3):
            instances = [E("FSMinstance", E("FSMstartDate", f"{2020 + n}-04-01"),
                           E("FSMendDate", f"{2021 + n}-03-31") if n or not facts.fsm else None,
                           E("UKcountry", "ENG")) for n in range(g.pick((1, 2)))]
            fsm_el = E("FSMhistory", E("FSMreviewDate", "2025-04-01"),
                       *(instances if facts.fsm else []))
            if facts.fsm:
                cats.add("fsm")
        medical = bool(facts.conditions or facts.allergies)
        medical_el = (None if g.chance(0.3) else
                      E("MedicalFlag", flag_style[0] if medical else flag_style[1]))
        if medical and medical_el is not None:
            cats.add("health")
        disabilities = ["NONE"] if g.chance(0.9) else [g.pick(_DISABILITIES)]
        if disabilities != ["NONE"]:
            cats.add("health")
        in_care = facts.looked_after
        care_el = E("InCare", E("InCareStatus", flag_style[0] if in_care else flag_style[1]),
                    E("InCareAuthority", g.pick(_LA_CODES) if in_care else ""))
        if in_care:
            cats.add("looked_after")
            optional.add("safeguarding")
        if facts.ethnicity not in _ETHNIC_UNKNOWN:
            cats.add("ethnicity")
        basic = E("BasicDetails", E("NCyearActual", year_group(child).replace("Year ", "")
                                    .replace("Reception", "R").replace("Nursery", "N2")),
                  E("Ethnicity", facts.ethnicity),
                  E("EthnicitySource", g.pick(("P", "C", "S"))),
                  E("Languages", E("Type", E("LanguageType", "F"),
                                   E("Language", g.pick(_LANGS)))),
                  medical_el,
                  E("Disabilities", *[E("Disability", d) for d in disabilities]),
                  E("EnrolStatus", "C"), fsm_el, care_el,
                  E("ServiceChild", g.pick(("N", "N", "U"))),
                  _naw_details(g, history[-1]) if g.chance(0.4) else None, sen_el)
        contact = E("Contact", E("Order", 1), E("Title", parent.title),
                    E("Surname", C("PERSON", parent, parent.last)),
                    E("Forename", C("PERSON", parent, parent.first)),
                    E("Relationship", "PAR"), E("Responsibility", flag_style[0]),
                    E("Phones", E("Phone", E("TelephoneType", "M"),
                                  E("PhoneNo", C("PHONE_NUMBER", parent, g.phone())))))
        pupils.append(E("Pupil", E("UPN", C("UK_UPN", child, g.upn())),
                        E("Surname", C("PERSON", child, child.last)),
                        E("Forename", C("PERSON", child, child.first)),
                        E("DOB", C("DATE_OF_BIRTH", child, child.dob.isoformat())),
                        E("Gender", "F" if child.female else "M"), basic,
                        E("Address", E("BS7666Address", E("PAON", addr.street.split()[0]),
                                       E("Street", addr.street.split(" ", 1)[1]),
                                       E("Town", addr.town)),
                          E("PostCode", C("UK_POSTCODE", child, addr.postcode))),
                        E("Contacts", contact)))
    la, estab = g.pick(_LA_CODES), g.rng.randrange(2000, 3999)
    root = E("CTfile", E("Header", E("DocumentName", "Common Transfer File"),
                         E("CTFversion", g.pick(("19.0", "22.0", "24.0"))),
                         E("DocumentQualifier", "full"),
                         E("SourceSchool", E("LEA", la), E("Estab", estab),
                           E("SchoolName", SCHOOL))),
             E("CTFpupilData", *pupils))
    return Doc(f"MIS/CTF/Supplier exports/{la}{estab}_CTF_{i + 1:03d}.xml", "ctf_variant",
               [Tree(root, indent=g.pick((2, None)))], categories=cats, optional=optional)


_SECTION_TOPICS = (
    ("Flu vaccinations", "The school immunisation team will be in on {d1} to give the nasal "
     "flu vaccine. If your child has asthma or an egg allergy the nurses will check before "
     "vaccinating. Please complete the online consent form."),
    ("Head lice", "We have had reports of head lice in several classes. Please check your "
     "child's hair this weekend and treat if necessary."),
    ("Keeping children safe", "Safeguarding is everyone's responsibility. If you are worried "
     "about a child, please speak to our Designated Safeguarding Lead or any member of staff. "
     "Our safeguarding policy is on the website."),
    ("Online safety", "Please talk to your child about who they talk to online. Grooming and "
     "sharing of nudes are covered in our PSHE lessons this half term."),
    ("Cashless catering", "Our new fingerprint cashless catering system starts after half "
     "term. Thank you to everyone who has returned the biometric consent form."),
    ("Free school meals", "If you receive Universal Credit your child may be entitled to free "
     "school meals, which also brings pupil premium funding to the school."),
    ("Wellbeing", "Our ELSA runs lunchtime sessions for children feeling anxious. Talk to your "
     "child's class teacher if you think your child would benefit."),
    ("Medicines in school", "If your child needs medicine in school, such as an inhaler or "
     "antibiotics, please complete a medicine form at the office. We cannot give "
     "medicines without one."),
)


def k_newsletter_sections(g: Gen, i: int) -> Doc:
    """A newsletter in headed sections, as Word and web newsletters are laid out (no blank
    lines between paragraphs): a house points table, named pupils' achievements and sports
    results, a named member of staff's news, and topic sections on health, safeguarding,
    biometric catering and FSM.  No category about anyone, unless a pupil's own health is
    written (a "get well soon" line)."""
    ext = fmt_for(i, (".docx", ".html", ".pdf", ".docx"))
    cats: set[str] = set()
    blocks: list[Block] = [Para(f"{SCHOOL} newsletter - {format_date(g.day_in(2024), 'long')}",
                                heading=True)]
    sections: list[list[Block]] = []
    houses = [["House", "Points"]] + [[h, str(g.rng.randrange(120, 480))]
                                      for h in ("Oak", "Ash", "Willow", "Rowan")]
    sections.append([Para("House points", heading=True), Table(houses, title="Houses")])
    achievers = [g.child() for _ in range(g.rng.randrange(2, 5))]
    sections.append([Para("Celebrations", heading=True),
                     Para("Well done to " + ", ".join(N(c, g.pick(("full", "first")))
                                                     for c in achievers)
                          + " for reaching 100 reads at home this term.")])
    team = [g.child() for _ in range(3)]
    sections.append([Para("Sport", heading=True),
                     Para(g.pick(_SPORTS).format(a=N(team[0], "full"), b=_initial_form(team[1]),
                                                 c=N(team[2], "first")))])
    for title, text in g.rng.sample(_SECTION_TOPICS, g.rng.randrange(3, 6)):
        sections.append([Para(title, heading=True),
                         Para(text.format(d1=format_date(g.day_in(2025), "long")))])
    teacher = g.adult(female=g.chance(0.5))
    sections.append([Para("Staff news", heading=True),
                     Para(f"We welcome {N(teacher, 'formal')}, who joins Year "
                          f"{g.rng.randrange(1, 7)} after half term.")])
    if i % 4 == 1:
        child = g.child()
        sections.append([Para(f"Get well soon to {N(child, 'full')}, who is in hospital "
                              "after an operation on "
                              f"{'her' if child.female else 'his'} leg.")])
        cats.add("health")
    g.rng.shuffle(sections)
    for section in sections:
        blocks.extend(section)
    blocks.append(Para(f"{N(g.staff[0], 'formal')}\nHeadteacher"))
    return Doc(f"Newsletters/{ay(g)}/newsletter {i + 1:03d}{ext}", "newsletter_sections", blocks,
               categories=cats, title="Newsletter")


_GRID_CODES = (("PP", "fsm"), ("SEN", "sen"), ("EAL", ""), ("G&T", ""), ("Med", "health"),
               ("EHCP", "sen"))


def k_seating_grid(g: Gen, i: int) -> Doc:
    """A seating plan drawn as desks: a grid of cells, each a pupil with codes after the
    name ("Amelia J (PP, SEN)"), and a key.  A pupil's code reveals its category; EAL and
    G&T reveal none.  Some plans print names only."""
    ext = fmt_for(i, (".docx", ".xlsx", ".html"))
    width = g.rng.randrange(4, 7)
    coded = i % 3 != 2
    cats: set[str] = set()
    optional: set[str] = set()
    rows: list[list[object]] = []
    for _ in range(g.rng.randrange(4, 7)):
        row: list[object] = []
        for _ in range(width):
            if g.chance(0.15):
                row.append("")
                continue
            child = g.child()
            name = g.pick((child.full, f"{child.first} {child.last[0]}", child.first))
            codes = [code for code, _ in _GRID_CODES if g.chance(0.12)] if coded else []
            for code, category in _GRID_CODES:
                if code in codes and category:
                    cats.add(category)
                    if category == "sen":
                        optional.add("health")
            text = mark("PERSON", child.sid, name) + (f" ({', '.join(codes)})" if codes else "")
            row.append(text)
        rows.append(row)
    title = f"{g.pick(_YEARS[1:])} {g.pick(_TREES)} seating plan"
    blocks: list[Block] = [Para(title, heading=True), Para("FRONT OF CLASS / WHITEBOARD"),
                           Table(rows, title="Plan")]
    if coded:
        blocks.append(Para("Key: PP = pupil premium; SEN = SEN support; EHCP = EHC plan; EAL = "
                           "English as an additional language; G&T = more able; Med = medical "
                           "needs (see care plans in the medical room)."))
    return Doc(f"Classroom/Seating plans/{title} grid {i + 1:03d}{ext}", "seating_grid",
               _for_format(blocks, ext),
               categories=cats, optional=optional, title=title)


_CONSENT_LABELS = ("Consent to emergency medical treatment", "Photo consent",
                   "Permission to administer Calpol", "Consent for sun cream",
                   "Biometric consent (cashless catering)", "Consent to first aid")


def k_form_consents(g: Gen, i: int) -> Doc:
    """Admission and trip forms with consent ticks, the family doctor and practice, and
    health fields answered "none": a consent or a GP reveals nothing; only a written
    condition, allergy or medicine is health (biometric consent is left optional)."""
    ext = fmt_for(i, (".docx", ".html", ".txt"))
    parent, child, addr = g.family()
    gp = g.adult()
    facts = _facts(g, boost=1.5)
    cats: set[str] = set()
    optional: set[str] = set()
    rows: list[tuple[str, str]] = [
        (g.pick(("Child's name", "Pupil name", "Name of child")), N(child, "full")),
        (g.pick(("Date of birth", "DOB")), M("DATE_OF_BIRTH", child,
                                             format_date(child.dob, g.pick(("dmy", "long"))))),
        (g.pick(("Parent/carer", "Parent name")), N(parent, "full")),
        (g.pick(("Contact number", "Mobile")), M("PHONE_NUMBER", parent, g.phone())),
        (g.pick(("Doctor", "GP name", "Family doctor")), N(gp, "formal")),
        (g.pick(("Medical practice", "GP surgery", "Doctor's surgery", "Health centre")),
         f"{g.pick(('Riverside', 'Park Lane', 'Moorside', 'Church View'))} "
         f"{g.pick(('Surgery', 'Medical Centre', 'Health Centre'))}"),
        (g.pick(("Surgery telephone", "GP phone")), M("PHONE_NUMBER", 0, g.phone())),
    ]
    for label in g.rng.sample(_CONSENT_LABELS, g.rng.randrange(2, 5)):
        rows.append((label, g.pick(("Yes", "Yes", "No", "Y"))))
        if label.startswith("Biometric"):
            optional.add("biometric")
    condition = facts.conditions or facts.allergies
    rows.append((g.pick(("Medical conditions", "Allergies", "Any medical needs?")),
                 ", ".join(condition) if condition else g.pick(_NONE_VALUES)))
    if condition:
        cats.add("health")
    rows.append(("Dietary requirements", g.pick(("Vegetarian", "Halal", "None", "No pork"))))
    optional.add("religion")  # a halal diet may hint at faith
    title = g.pick(("Admission form", "Residential trip consent form", "Club registration"))
    blocks: list[Block] = [*letterhead(g, g.chance(0.4)), Para(title, heading=True)]
    if ext == ".txt":
        blocks.append(Para("\n".join(f"{label}: {value}" for label, value in rows)))
    else:
        blocks.append(_form_table(rows, g.pick((2, 4)), "form"))
    return Doc(f"Pupil Records/Forms/{title.lower()} {i + 1:03d}{ext}", "form_consents", blocks,
               categories=cats, optional=optional, title=title)


# (kind, builder, weight): weights are files per 400.
KINDS: tuple[tuple[str, Callable[[Gen, int], Doc], int], ...] = (
    ("letter", k_letter, 25),
    ("class_list", k_class_list, 19),
    ("export_unhelpful", k_export_unhelpful, 6),
    ("register", k_register, 6),
    ("medical", k_medical, 11),
    ("sen", k_sen, 11),
    ("safeguarding", k_safeguarding, 10),
    ("fsm", k_fsm, 8),
    ("looked_after", k_looked_after, 7),
    ("ethnicity", k_ethnicity, 7),
    ("religion", k_religion, 7),
    ("biometric", k_biometric, 6),
    ("staff", k_staff, 15),
    ("uln", k_uln, 5),
    ("trip", k_trip, 5),
    ("newsletter", k_newsletter, 11),
    ("invoice", k_invoice, 6),
    ("nino_decoys", k_nino_decoys, 5),
    ("upn_decoys", k_upn_decoys, 5),
    ("postcode_decoys", k_postcode_decoys, 5),
    ("dates", k_dates, 5),
    ("policy", k_policy, 8),
    ("template", k_template, 4),
    ("budget", k_budget, 4),
    # issue 19: special categories in fields, and topic-only controls
    ("mis_json", k_mis_json, 9),
    ("mis_xml", k_mis_xml, 8),
    ("form_docx", k_form_docx, 9),
    ("form_html", k_form_html, 9),
    ("label_lines", k_label_lines, 7),
    ("accident_book", k_accident_book, 7),
    ("dinner_money", k_dinner_money, 7),
    ("seating_plan", k_seating_plan, 6),
    ("cpoms_like", k_cpoms_like, 7),
    ("lesson_plan_topic", k_lesson_plan_topic, 4),
    ("first_aid_policy", k_first_aid_policy, 4),
    ("sen_policy", k_sen_policy, 4),
    ("newsletter_fsm", k_newsletter_fsm, 4),
    ("form_template", k_form_template, 5),
    ("safeguarding_policy", k_safeguarding_policy, 4),
    # issue 19 follow-up: harder layouts (CTF, named newsletters, code columns, blank
    # forms, fictional case studies, emails)
    ("ctf", k_ctf, 12),
    ("newsletter_named", k_newsletter_named, 10),
    ("seating_codes", k_seating_codes, 10),
    ("blank_form", k_blank_form, 8),
    ("email_pupil", k_email_pupil, 12),
    ("email_topic", k_email_topic, 5),
    ("policy_examples", k_policy_examples, 8),
    # issue 19, third pass: staff and admin files, other CTF writers, sectioned newsletters,
    # desk-grid seating plans, consent forms
    ("staff_training", k_staff_training, 8),
    ("health_admin", k_health_admin, 6),
    ("biometric_admin", k_biometric_admin, 5),
    ("ctf_variant", k_ctf_variant, 6),
    ("newsletter_sections", k_newsletter_sections, 6),
    ("seating_grid", k_seating_grid, 4),
    ("form_consents", k_form_consents, 5),
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
