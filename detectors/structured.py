"""JSON and XML documents read by their fields, as a form or a table is.

An MIS export in JSON (``{"pupils": [{"upn": ..., "senStatus": "K", "fsmEligible":
true}]}``) or a DfE Common Transfer File in XML (``<Pupil><UPN>..</UPN><SENprovision>K
</SENprovision>``) says what each value is in its key or element name.  Read as prose,
"K" and "true" mean nothing; read by field, they are SEN support and free school meals.

So a document that parses is turned into tables for :class:`~dpscan.detectors.tabular.
TableReader`:

* **records**: a JSON array of objects, or XML sibling elements of one name that hold
  fields (``<Pupil>`` after ``<Pupil>``), become one grid table: a column per field path
  (nested keys joined by spaces, ``contact.email`` -> "contact email"), a row per record;
  repeated values inside a record (a list, several ``<SEN>`` entries) share one cell;
* **fields**: the other scalars become labelled values, one fields table (one form) for the
  document however deep its objects nest, labelled by their last two names ("sen status",
  "Pupil DOB"): one pupil's record with a nested ``"sen": {"status": "K"}`` is one form.

Keys are split into words as a programmer writes them (``dateOfBirth``, ``FSMeligible``,
``sen_status``).  A JSON number (not a string) under a key that names no kind of personal
data is dropped, as :mod:`dpscan.detectors.keyed_numbers` does for prose: ``"maxBytes":
2147483648`` is a size, not an NHS number.  XML is parsed without DTDs, entities or
network access, so an entity bomb or an external entity reads as nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from dpscan.detectors.name_gate import is_plain_word
from dpscan.model.extraction import FIELDS, GRID, TableData

# Columns one records table may have (a hostile or generated document could have more).
MAX_COLUMNS = 200
# Values joined in one cell when a record repeats a field.
MAX_VALUES_PER_CELL = 20
# Nesting followed; deeper values are left out (lxml itself refuses more than 256 levels).
MAX_DEPTH = 64
# Records in one group before it is a table rather than an object: one pupil's CTF is a form.
MIN_RECORDS = 2

# A programmer's key in pieces: a run of capitals with the lower-case letters after it, a
# lower-case run, or digits ("dateOfBirth", "FSMeligible", "sen_status", "UPN").
_KEY_PIECE = re.compile(r"[A-Z]+[a-z]*|[a-z]+|\d+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_XML_START = re.compile(r"^\s*(?:<\?xml|<!--|<[A-Za-z_])")


def key_label(key: str) -> str:
    """A key or element name as words: "dateOfBirth" -> "date Of Birth", "NHSNumber" ->
    "NHS Number", and, as the DfE's CTF writes them, "FSMeligible" -> "FSM eligible".

    Capitals before a lower-case run are an acronym and a word: the last capital starts
    the word ("NHSNumber") unless the lower-case run is a word on its own ("SENprovision").
    """
    words: list[str] = []
    for piece in _KEY_PIECE.findall(key):
        capitals = len(piece) - len(piece.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        if capitals < 2 or capitals == len(piece) or piece[capitals:] == "s":
            words.append(piece)
        elif is_plain_word(piece[capitals:]) and not is_plain_word(piece[capitals - 1:]):
            words.extend((piece[:capitals], piece[capitals:]))
        else:
            words.extend((piece[:capitals - 1], piece[capitals - 1:]))
    return " ".join(words)


@dataclass(slots=True)
class _Records:
    """One table under construction: column order, and per record its cells."""

    name: str
    columns: dict[str, None] = field(default_factory=dict)
    records: list[dict[str, list[str]]] = field(default_factory=list)

    def table(self) -> TableData:
        columns = list(self.columns)[:MAX_COLUMNS]
        rows = [columns]
        rows.extend(["; ".join(record.get(column, ())[:MAX_VALUES_PER_CELL])
                     for column in columns] for record in self.records)
        return TableData(name=self.name, rows=rows, start=0, end=0, layout=GRID)


@dataclass(slots=True)
class _Builder:
    """Collects the tables of one document."""

    names_data: Callable[[str], bool]
    records: list[_Records] = field(default_factory=list)
    fields: list[TableData] = field(default_factory=list)

    def add_fields(self, name: str, pairs: list[list[str]]) -> None:
        if pairs:
            self.fields.append(TableData(name=name, rows=pairs, start=0, end=0, layout=FIELDS))

    def tables(self, end: int) -> list[TableData]:
        tables = [records.table() for records in self.records] + self.fields
        for table in tables:
            table.end = end
        return tables


# ------------------------------------------------------------------------------- JSON


def _json_scalar(value: object, key: str, names_data: Callable[[str], bool]) -> str | None:
    """A JSON scalar as cell text; None for a container or a number whose key names no
    personal data."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value) if names_data(key_label(key)) else None
    if isinstance(value, str):
        return value
    return None


def _is_records(items: list[object]) -> bool:
    objects = sum(1 for item in items if isinstance(item, dict))
    return objects >= 1 and objects >= 0.8 * len(items)


def _flatten_record(value: object, path: tuple[str, ...], key: str, builder: _Builder,
                    cells: dict[str, list[str]], depth: int) -> None:
    """Every scalar under ``value`` into ``cells``, keyed by its path inside the record."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        for child_key, child in value.items():
            _flatten_record(child, (*path, key_label(str(child_key))), str(child_key), builder,
                            cells, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _flatten_record(item, path, key, builder, cells, depth + 1)
    else:
        text = _json_scalar(value, key, builder.names_data)
        if text is not None:
            cells.setdefault(" ".join(path), []).append(text)


def _walk_json(value: object, path: tuple[str, ...], key: str, builder: _Builder,
               pairs: list[list[str]], depth: int) -> None:
    """Arrays of objects become tables; every other scalar is a labelled value in ``pairs``
    (one form for the document, however deep its objects: a pupil's nested "sen" object
    is about the same pupil as the name beside it)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        if _is_records(value) and len(value) >= MIN_RECORDS:
            records = _Records(name=" ".join(path) or "records")
            for item in value:
                cells: dict[str, list[str]] = {}
                _flatten_record(item, (), key, builder, cells, depth + 1)
                records.columns.update(dict.fromkeys(cells))
                records.records.append(cells)
            builder.records.append(records)
            return
        scalars = [text for item in value
                   if (text := _json_scalar(item, key, builder.names_data))]
        if scalars:
            pairs.append([" ".join(path[-2:]), "; ".join(scalars)])
        for item in value:
            if isinstance(item, dict | list):
                _walk_json(item, path, key, builder, pairs, depth + 1)
        return
    if not isinstance(value, dict):
        return
    for child_key, child in value.items():
        label = key_label(str(child_key))
        if isinstance(child, dict | list):
            _walk_json(child, (*path, label), str(child_key), builder, pairs, depth + 1)
            continue
        text = _json_scalar(child, str(child_key), builder.names_data)
        if text is not None:
            pairs.append([" ".join((*path[-1:], label)), text])


def json_tables(text: str, names_data: Callable[[str], bool]) -> list[TableData] | None:
    """The tables of a JSON document (see the module's docstring), or None when ``text``
    is not a JSON object or array."""
    if text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    builder = _Builder(names_data=names_data)
    pairs: list[list[str]] = []
    _walk_json(document, (), "", builder, pairs, 0)
    builder.add_fields("document", pairs)
    return builder.tables(len(text))


# -------------------------------------------------------------------------------- XML



def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _is_mixed(element: etree._Element) -> bool:
    """True for text with markup in it ("Seen by <b>the nurse</b>: he has epilepsy"): one
    value, not fields."""
    children = list(_children(element))
    return bool(children) and (bool((element.text or "").strip())
                               or any((child.tail or "").strip() for child in children))


def _own_text(element: etree._Element) -> str:
    """The element's text; all of it, tails included, for mixed content."""
    text = "".join(element.itertext()) if _is_mixed(element) else element.text or ""
    return " ".join(text.split())


def _children(element: etree._Element) -> Iterator[etree._Element]:
    return (child for child in element if isinstance(child.tag, str))


def _has_fields(element: etree._Element) -> bool:
    return bool(element.attrib) or (next(_children(element), None) is not None
                                    and not _is_mixed(element))


def _flatten_element(element: etree._Element, path: tuple[str, ...],
                     cells: dict[str, list[str]], depth: int) -> None:
    if depth > MAX_DEPTH:
        return
    for name, value in element.attrib.items():
        label = " ".join((*path, key_label(etree.QName(name).localname)))
        cells.setdefault(label, []).append(value)
    mixed = _is_mixed(element)
    children = [] if mixed else list(_children(element))
    text = _own_text(element)
    if text and (not children or path):
        cells.setdefault(" ".join(path) or "value", []).append(text)
    for child in children:
        _flatten_element(child, (*path, key_label(_local(child))), cells, depth + 1)


def _walk_xml(element: etree._Element, path: tuple[str, ...], builder: _Builder,
              pairs: list[list[str]], depth: int) -> None:
    """Groups of sibling records become tables; every other value, attributes included,
    is a labelled value in ``pairs`` (one form for the document, as in JSON)."""
    if depth > MAX_DEPTH:
        return
    if _is_mixed(element):
        pairs.append([" ".join(path[-2:]), _own_text(element)])
        return
    children = list(_children(element))
    groups: dict[str, list[etree._Element]] = {}
    for child in children:
        groups.setdefault(_local(child), []).append(child)
    own = key_label(_local(element))
    for name, value in element.attrib.items():
        pairs.append([f"{own} {key_label(etree.QName(name).localname)}", value])
    for name, members in groups.items():
        label = key_label(name)
        if len(members) >= MIN_RECORDS and all(_has_fields(m) for m in members):
            records = _Records(name=label)
            for member in members:
                cells: dict[str, list[str]] = {}
                _flatten_element(member, (), cells, depth + 1)
                records.columns.update(dict.fromkeys(cells))
                records.records.append(cells)
            builder.records.append(records)
            continue
        for member in members:
            if _has_fields(member):
                _walk_xml(member, (*path, label), builder, pairs, depth + 1)
            elif text := _own_text(member):
                pairs.append([f"{own} {label}", text])
    if not children and (text := _own_text(element)):
        pairs.append([own, text])


def xml_tables(text: str) -> list[TableData] | None:
    """The tables of an XML document (see the module's docstring), or None when ``text``
    is not well-formed XML."""
    if not _XML_START.match(text):
        return None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True,
                             remove_pis=True, recover=False)
    try:
        root = etree.fromstring(_XML_DECLARATION.sub("", text, count=1).encode("utf-8"),
                                parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    builder = _Builder(names_data=lambda key: True)
    pairs: list[list[str]] = []
    _walk_xml(root, (key_label(_local(root)),), builder, pairs, 0)
    builder.add_fields("document", pairs)
    return builder.tables(len(text))


# A "Label: value" line: a short label of words, a separator (a colon, a dash between
# spaces, or a tab) and the value, perhaps blank, on the same line.  A colon between digits
# is a time ("at 10:30"), not a separator.
_LABEL_LINE = re.compile(
    r"(?m)^[ \t]*(?P<label>[^\W\d_][\w '’()/&.-]{0,38}?)"
    r"(?:[ \t]*(?:(?<!\d)[:：]|[:：](?!\d))[ \t]*|[ \t]+[-–—][ \t]+|\t+)"
    r"(?P<value>[^\n]*)")
# Where a line's value gives way to the next field: two or more spaces or a tab, then a
# short label and a colon.
_NEXT_FIELD = re.compile(
    r"(?<![ \t])(?:[ ]{2,}+|\t++)(?=[^\W\d_][\w '’()/&.-]{0,38}?[ \t]*[:：])")
_FIELD_PART = re.compile(r"(?P<label>[^\W\d_][\w '’()/&.-]{0,38}?)[ \t]*[:：][ \t]*"
                         r"(?P<value>.*)", re.DOTALL)
# Words a label may have; a longer run before a colon is a sentence ("Please note: ...").
# A label the vocabulary does not know must be shorter still to join a form's run.
MAX_LABEL_WORDS = 6
MAX_OTHER_LABEL_WORDS = 4


def label_lines(text: str, is_label: Callable[[str], bool]) -> list[TableData]:
    """The runs of "Label: value" lines in ``text`` that hold a label ``is_label`` accepts,
    each run a fields table that locates its lines ("Child's name: ...", "D.O.B:
    22-Nov-2012", "Home address - ...", "Religion:<tab>Catholic", "FSM:" left blank).
    A run is broken by any other line but a blank one; its other labels are kept, as a
    form's are.
    """
    tables: list[TableData] = []
    run: list[list[str]] = []
    known = False
    start = end = 0

    def close() -> None:
        if run and known:
            tables.append(TableData(name="labelled lines", rows=run, start=start, end=end,
                                    layout=FIELDS))

    for match in _LABEL_LINE.finditer(text):
        label, value = match["label"].strip(), match["value"].strip()
        words = len(label.split())
        is_known = words <= MAX_LABEL_WORDS and is_label(label)
        if not is_known and words > MAX_OTHER_LABEL_WORDS:
            continue
        if run and text[end:match.start()].strip():
            close()
            run, known = [], False
        if not run:
            start = match.start()
        # Several fields on one line: "Pupil: Sofia Kowalski   Class: Oak   DOB: 4/8/2014".
        parts = _NEXT_FIELD.split(value)
        run.append([label, parts[0]])
        for part in parts[1:]:
            more = _FIELD_PART.match(part)
            if more is not None:
                run.append([more["label"].strip(), more["value"].strip()])
                is_known = is_known or is_label(more["label"].strip())
            else:
                run[-1][1] += f" {part}"
        known = known or is_known
        end = match.end()
    close()
    return tables


def structured_tables(text: str, names_data: Callable[[str], bool]) -> list[TableData] | None:
    """The tables of ``text`` when it is a JSON or XML document, else None.

    ``names_data(words)`` says whether a key (as words) names a kind of personal data.
    """
    return json_tables(text, names_data) or xml_tables(text)


__all__ = ["json_tables", "key_label", "label_lines", "structured_tables", "xml_tables"]
