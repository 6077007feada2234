"""Read tables (sheets, CSV files, Word tables) by their columns, not by NER over every cell.

A pupil list of 20,000 rows would take minutes through spaCy and still miss the
ALL-CAPS surnames that MIS exports are full of.  Instead each column is classified,
by its heading (``column_headers.yaml``) or, failing that, by a sample of its values,
and then every value of a classified column is checked with the same recognizer that
finds it in prose (a UPN column counts only valid UPNs).  Rows holding personal data
are the file's data subjects.  Columns of free text (notes, comments) go to the full
presidio analysis, as do tables whose shape gives no columns to go by.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import regex
import yaml
from presidio_analyzer import Pattern, PatternRecognizer

from dpscan.detectors.dates import DATE_RE, MONTHS
from dpscan.detectors.name_gate import is_plain_word
from dpscan.detectors.names import is_plausible_name, person_key
from dpscan.detectors.recognizers import build_recognizer
from dpscan.detectors.recognizers.date_of_birth import birth_year, is_date_of_birth_value
from dpscan.detectors.special_categories import is_abbreviation, normalise
from dpscan.model.entities import BIRTH_DATE_TYPES, ENTITIES, ENTITY_BY_ID, NAME_TYPES
from dpscan.model.reference import resolve

COLUMN_HEADERS_FILE = "column_headers.yaml"
# Values sampled to classify a column that has no telling heading.
SAMPLE_VALUES = 50
# The parts of a cell of parts: "Safeguarding - Neglect", "Yes / FSM", "Medical: asthma".
_CELL_PARTS = re.compile(r"\s+[-–—/|]\s+|:\s*|;\s*|,\s*")
# Share of a form's label cells (first and third columns) that the vocabulary knows.
FORM_LABEL_SHARE = 0.4
# Distinct values a column of codes ("Paid", "FSM", "Packed lunch") has at most.
MAX_CODES = 8
# Share of sampled values that must validate for a column to be classified by value.
VALUE_SHARE = 0.8
# Mean length from which an unclassified column is free text (notes, comments).
FREE_TEXT_MEAN_CHARS = 25
# Rows of a table sent to NER to find name columns that have no telling heading.
NER_SAMPLE_ROWS = 20
# Rows searched for the headings (a title row or two may stand above them).
HEADER_SEARCH_ROWS = 10
# Words a cell may have to count as a heading when the headings row is searched for.
MAX_HEADING_WORDS = 6
# Share of sampled values that must fit a column's heading for the heading to be believed.
HEADING_SHARE = 0.3
# Digits from which a cell is a number (phone, account, NHS number), never a heading.
HEADING_MAX_DIGITS = 6
# Digits a heading may hold to be shown as a column's name ("Parent 2 Email", "KS2").
SHOWN_HEADING_DIGITS = 4
# Share of a column's values like its top cell (dates, names) that makes that cell a value.
LIKE_COLUMN_SHARE = 0.5
# A table this long with no recognised column is still read by column: its cells are
# checked for identifiers, but not sent to NER for names (they showed none in the sample).
MIN_PLAIN_ROWS = 3
# Characters of such cells checked per table.
PATTERN_ONLY_CHARS = 200_000
# Types counted once per row however many columns hold them (forename + surname).
ONCE_PER_ROW = frozenset(row.id for row in ENTITIES if row.once_per_row)
# Entity types worth inferring from values alone (with checksums or strict shapes), in the
# order they are tried.
VALUE_TYPES = tuple(row.id for row in sorted(
    (row for row in ENTITIES if row.value_priority is not None),
    key=lambda row: row.value_priority or 0))

_WORD = re.compile(r"[a-z0-9]+")
# A cell of letter words as names are written.
_NAME_WORDS = re.compile(r"[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?")
# The tokens of a heading: runs of letters and digits ("D.O.B" is three, "KS2" one).
_HEADING_TOKEN = re.compile(r"[^\W_]+")
# Token shapes a shown heading may hold besides words: a year ("2021"), a small number
# ("Year 7", "Parent 2"), letters before one (KS2, Q1, Parent2: the letters are checked
# as a word), an ordinal ("1st") or a form ("7B").
_YEAR = re.compile(r"(?:19|20)\d\d")
_SMALL_NUMBER = re.compile(r"\d{1,2}")
_LETTERS_NUMBER = re.compile(r"(?P<letters>[^\W\d_]+)\d{1,2}")
_NUMBER_SUFFIX = re.compile(r"\d{1,2}(?:st|nd|rd|th|[^\W\d_])", re.IGNORECASE)
# The areas of UK postcodes: "LS1" or "SW1A" in a heading is (part of) an address.
POSTCODE_AREAS = frozenset("""
    AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT
    DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA
    LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE
    SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV
    YO ZE
""".split())
# Abbreviations headings use that are neither English words nor in column_headers.yaml.
HEADING_ABBREVIATIONS = frozenset({"adno", "col", "eal", "ks", "reg", "yr"})
# The words of a date format a heading spells out: "DOB (dd/mm/yyyy)", "ddmmyy".
_DATE_FORMAT_WORD = re.compile(r"(?:dd?|mm{0,3}|yy(?:yy)?)+", re.IGNORECASE)
# A date in a heading ("b. 4/5/14", "2014-05-04", "4 May", "May 4th"); "2021-22" (an
# academic year) is not one.
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_HEADING_DATE = re.compile(
    r"(?<!\d)(?:\d{1,2}[/.\-]\d{1,2}(?:[/.\-]\d{2,4})?|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2})(?!\d)"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s*(?:of\s+)?(?:{_MONTH})\b"
    rf"|\b(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)


class ColumnVocabularyError(ValueError):
    """column_headers.yaml is malformed; the message names the file and the field."""


# Per entity type or category: its heading phrases, each as a tuple of words.
PhraseTable = dict[str, tuple[tuple[str, ...], ...]]


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower()))


@dataclass(frozen=True, slots=True)
class ColumnVocabulary:
    """Heading phrases per entity type and special category (from column_headers.yaml)."""

    entities: PhraseTable
    special_categories: PhraseTable
    not_person: frozenset[str]
    blank_values: frozenset[str]
    # Whole-cell values that reveal a category: normalised value -> (category, as listed).
    # Abbreviations ("CP") are keyed as written, the rest lower-cased.
    special_values: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Phrases naming a member of staff's role, each as a tuple of words (staff_roles).
    staff_roles: tuple[tuple[str, ...], ...] = ()
    # Phrases that mark an example ("case study", "e.g."), each as a tuple of words.
    example_markers: tuple[tuple[str, ...], ...] = ()
    # Words that make a heading name something other than a person's data even when it
    # holds a category phrase ("Medical practice", "Consent to emergency medical treatment",
    # "Designated Safeguarding Lead").
    not_category: frozenset[str] = frozenset()
    # Phrases of a name column's heading that make it a column of staff given a task, not
    # of the people the rows are about ("Staff", "Owner", "Logged by"), as tuples of words.
    staff_columns: tuple[tuple[str, ...], ...] = ()
    # Phrases by their first word: (phrase, listing order, (kind, name)).  A heading is
    # then matched against the few phrases that start with one of its words, not all.
    _by_first_word: dict[str, list[tuple[tuple[str, ...], int, tuple[str, str]]]] = field(
        init=False, repr=False, compare=False)
    _words: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, list[tuple[tuple[str, ...], int, tuple[str, str]]]] = {}
        order = 0
        for kind, table in (("entity", self.entities), ("category", self.special_categories)):
            for name, phrases in table.items():
                for phrase in phrases:
                    order += 1
                    index.setdefault(phrase[0], []).append((phrase, order, (kind, name)))
        object.__setattr__(self, "_by_first_word", index)
        object.__setattr__(self, "_words", frozenset(
            word for table in (self.entities, self.special_categories)
            for phrases in table.values() for phrase in phrases for word in phrase)
            | self.not_person)

    def special_value(self, cell: str) -> tuple[str, str] | None:
        """(category, value as listed) when the whole of ``cell``, or one part of a cell
        of parts ("Safeguarding - Neglect", "Yes / FSM"), is a special value."""
        if len(cell) > 60:
            return None
        for part in (cell, *_CELL_PARTS.split(cell)):
            normal = normalise(part)
            found = normal and (self.special_values.get(normal)
                                or self.special_values.get(normal.lower()))
            if found:
                return found
        return None

    def is_role(self, cell: str) -> bool:
        """True for a short cell that is a staff role ("Designated Safeguarding Lead")."""
        words = _words(cell)
        return 0 < len(words) <= 6 and any(
            words[-len(role):] == role for role in self.staff_roles)

    def names_role(self, words: Sequence[str]) -> bool:
        """True when ``words`` (lower case) hold a staff role phrase ("office manager")."""
        return _holds(words, self.staff_roles)

    def marks_example(self, text: str) -> bool:
        """True when ``text`` holds an example marker ("case study", "e.g.")."""
        return _holds(_words(text), self.example_markers)

    def is_blank(self, cell: str) -> bool:
        """True for a cell that records nothing ("", "No", "N/A", "None known"), or a cell
        of such values that a record repeats ("N; N": an SEN history of two entries, both
        saying no provision)."""
        return all(part.strip().lower() in self.blank_values for part in cell.split(";"))

    def has_word(self, word: str) -> bool:
        """True when ``word`` is in one of the vocabulary's phrases or not_person."""
        return word.lower().strip(".,'’") in self._words

    def classify(self, heading: str) -> tuple[str, str] | None:
        """("entity", type) or ("category", name) for a column heading, or None.

        Among phrases found as whole words in the heading, the one ending at the
        heading's last word wins (English puts the head noun last: "emergency contact
        number" is a number), then the longest, then the first listed.
        """
        words = _words(heading)
        best = self._best_phrase(words)
        if best is None:
            return None
        (kind, name), phrase = best
        if name in NAME_TYPES and self.not_person.intersection(words):
            return None
        if kind == "category" and self._not_category(words, phrase):
            return None
        return kind, name

    def is_form_label(self, heading: str) -> bool:
        """True for a heading :meth:`classify` knows, or one that names a category's
        service, consent or role ("Consent to emergency medical treatment"): a form's
        label either way, though the second reveals nothing."""
        return self.classify(heading) is not None or self.names_no_category(heading)

    def names_no_category(self, heading: str) -> bool:
        """True for a heading holding a category's phrase that names a service, a consent,
        a role, a document or a value's source instead ("GP surgery", "Ethnicity
        source"): its words are not searched for categories beside its values."""
        words = _words(heading)
        best = self._best_phrase(words)
        return best is not None and best[0][0] == "category" and self._not_category(
            words, best[1])

    def _best_phrase(self, words: tuple[str, ...]) -> tuple[tuple[str, str],
                                                            tuple[str, ...]] | None:
        """((kind, name), phrase) of the phrase that names ``words`` (see classify)."""
        best: tuple[tuple[int, int, int], tuple[str, str], tuple[str, ...]] | None = None
        # Each phrase counts at its last occurrence in the heading.
        ends: dict[int, tuple[int, tuple[str, ...], tuple[str, str]]] = {}
        for start, word in enumerate(words):
            for phrase, order, found in self._by_first_word.get(word, ()):
                if words[start:start + len(phrase)] == phrase:
                    ends[order] = (start + len(phrase), phrase, found)
        for order, (end, phrase, found) in ends.items():
            rank = (int(end == len(words)), len(phrase), -order)
            if best is None or rank > best[0]:
                best = (rank, found, phrase)
        return None if best is None else (best[1], best[2])

    def _not_category(self, words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
        """True when a heading holding a category ``phrase`` names a service, a consent, a
        role or a document, by a word of not_category outside the phrase ("Medical
        practice"; not "Biometric consent", whose phrase holds the word)."""
        return any(word in self.not_category and word not in phrase for word in words)

    def is_staff_column(self, heading: str) -> bool:
        """True for a name column's heading that names staff given a task ("Staff",
        "Owner", "Logged by", "DSL on duty") or a staff role ("Designated Safeguarding
        Lead"): its names are contacts, not the people the rows are about."""
        words = _words(heading)
        return self.is_role(heading) or _holds(words, self.staff_columns)


def _holds(words: Sequence[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(tuple(words[i:i + len(phrase)]) == phrase
               for phrase in phrases for i in range(len(words) - len(phrase) + 1))


def load_column_vocabulary(path: Path | None = None) -> ColumnVocabulary:
    """Load heading phrases from ``path`` (default: the shipped column_headers.yaml)."""
    if path is None:
        text = resources.files("dpscan.detectors").joinpath("data", COLUMN_HEADERS_FILE).read_text(
            encoding="utf-8")
        name = COLUMN_HEADERS_FILE
    else:
        text, name = path.read_text(encoding="utf-8"), str(path)
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ColumnVocabularyError(f"{name}: expected a mapping at the top level")
    unknown = set(data) - {"entities", "special_categories", "special_values", "not_person",
                           "blank_values", "staff_roles", "example_markers", "not_category",
                           "staff_columns"}
    if unknown:
        raise ColumnVocabularyError(f"{name}: unknown field(s) {', '.join(sorted(unknown))}")
    entities = _phrase_table(name, "entities", data.get("entities", {}))
    # Every type named must have a row in the entity table (dpscan.model.entities).
    bad = set(entities) - set(ENTITY_BY_ID)
    if bad:
        raise ColumnVocabularyError(f"{name}: entities: unknown entity type(s) {sorted(bad)}")
    special_categories = _phrase_table(name, "special_categories",
                                       data.get("special_categories", {}))
    return ColumnVocabulary(
        entities=entities,
        special_categories=special_categories,
        not_person=frozenset(w for item in data.get("not_person", []) for w in _words(item)),
        blank_values=frozenset(str(v).strip().lower() for v in data.get("blank_values", [])),
        special_values=_special_values(name, data.get("special_values", {}),
                                       set(special_categories)),
        staff_roles=tuple(words for item in data.get("staff_roles", [])
                          if (words := _words(str(item)))),
        example_markers=tuple(words for item in data.get("example_markers", [])
                              if (words := _words(str(item)))),
        not_category=frozenset(w for item in data.get("not_category", [])
                               for w in _words(str(item))),
        staff_columns=tuple(words for item in data.get("staff_columns", [])
                            if (words := _words(str(item)))),
    )


def _special_values(name: str, raw: object, categories: set[str]) -> dict[str, tuple[str, str]]:
    """special_values as a lookup by normalised cell; each category must be one of the
    file's special_categories."""
    if not isinstance(raw, dict):
        raise ColumnVocabularyError(f"{name}: special_values must be a mapping of lists")
    values: dict[str, tuple[str, str]] = {}
    for category, listed in raw.items():
        if category not in categories:
            raise ColumnVocabularyError(
                f"{name}: special_values.{category}: not a category of special_categories")
        if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
            raise ColumnVocabularyError(
                f"{name}: special_values.{category} must be a list of strings")
        for value in listed:
            normal = normalise(value)
            if not normal:
                raise ColumnVocabularyError(
                    f"{name}: special_values.{category}: {value!r} has no letters or digits")
            key = normal if is_abbreviation(value) else normal.lower()
            if key in values and values[key][0] != category:
                raise ColumnVocabularyError(
                    f"{name}: special_values.{category}: {value!r} is already listed under "
                    f"{values[key][0]}")
            values[key] = (category, value)
    return values


def _phrase_table(name: str, field_name: str, raw: object) -> PhraseTable:
    if not isinstance(raw, dict):
        raise ColumnVocabularyError(f"{name}: {field_name} must be a mapping of lists")
    table = {}
    for key, phrases in raw.items():
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise ColumnVocabularyError(f"{name}: {field_name}.{key} must be a list of strings")
        table[str(key)] = tuple(_words(p) for p in phrases if _words(p))
    return table


def _pattern_check(recognizer: PatternRecognizer) -> Callable[[str], bool]:
    """The recognizer's own patterns and checksum applied to one value, without presidio's
    per-call bookkeeping (explanations, de-duplication): a 20,000-row list has 100,000 cells.
    """
    # presidio sets PatternRecognizer.patterns to a bare [] in one branch: mypy cannot type it.
    patterns: list[Pattern] = recognizer.patterns  # type: ignore[has-type]
    compiled = [regex.compile(p.regex, flags=recognizer.global_regex_flags or 0)
                for p in patterns]

    def check(value: str) -> bool:
        for pattern in compiled:
            for match in pattern.finditer(value):
                if match.end() - match.start() >= 0.8 * len(value):
                    return recognizer.validate_result(match.group()) is not False
        return False

    return check


def _cached_for_short_cells(
    check: Callable[[str], bool], *, long_cell: Callable[[str], bool]
) -> Callable[[str], bool]:
    """``check`` on a stripped cell, memoised for cells of up to 64 characters; a longer
    cell goes to ``long_cell`` and is not kept (the cache lives as long as the worker, and
    a notes column's long cells are tried too)."""
    cached = lru_cache(maxsize=4096)(check)

    def cell(value: str) -> bool:
        value = value.strip()
        return cached(value) if len(value) <= 64 else long_cell(value)

    cell.cache_info = cached.cache_info  # type: ignore[attr-defined]
    return cell


@dataclass(slots=True)
class TableDetection:
    """What one table holds."""

    handled: bool  # False: the table gave no columns to go by; analyse it as prose
    entities: Counter[str] = field(default_factory=Counter)
    examples: list[tuple[str, str]] = field(default_factory=list)  # (type, raw value)
    special_categories: dict[str, str] = field(default_factory=dict)  # category -> heading
    free_text: list[str] = field(default_factory=list)  # cells for presidio
    columns: dict[str, str] = field(default_factory=dict)  # heading -> classification
    pattern_text: list[str] = field(default_factory=list)  # cells to check without NER
    # Normalised names of the rows' people, with how many rows carry each: two pupils of
    # the same name in one list are two people.
    people: Counter[str] = field(default_factory=Counter)
    unnamed_subjects: int = 0  # rows with personal data but no name
    # Personal data about someone the table is about: a row's, or a form's under a label
    # that is not a staff role ("Teacher: Mr Evans" on a lesson plan is a contact).
    identifies: bool = False
    latest_birth_year: int | None = None  # for retention counted from date of birth

    @property
    def data_subjects(self) -> int:
        """People in the table: rows with a name, plus rows with personal data and no name."""
        return sum(self.people.values()) + self.unnamed_subjects


class TableReader:
    """Classifies the columns of tables and counts what they hold."""

    def __init__(
        self,
        vocabulary: ColumnVocabulary | None = None,
        ner_sample: Callable[[str], list[tuple[str, int, int]]] | None = None,
    ) -> None:
        self.vocabulary = vocabulary or load_column_vocabulary()
        # ner_sample(text) -> [(entity_type, start, end)]; finds names in columns with
        # no telling heading.  Optional so tables can be read without spaCy.
        self.ner_sample = ner_sample
        # Headings repeat across files and cells are tried as headings row after row:
        # each distinct text is classified once.
        self._kinds: dict[str, tuple[str, str] | None] = {}
        self._validators: dict[str, Callable[[str], bool]] = {}

    def classify(self, heading: str) -> tuple[str, str] | None:
        """:meth:`ColumnVocabulary.classify`, memoised per heading."""
        try:
            return self._kinds[heading]
        except KeyError:
            if len(self._kinds) > 50_000:
                self._kinds.clear()
            kind = self._kinds[heading] = self.vocabulary.classify(heading)
            return kind

    def validator(self, entity_type: str) -> Callable[[str], bool]:
        """A check that a whole cell is a value of ``entity_type`` (memoised per value).

        Built once per type: a column's sample is checked again row by row, and each
        column of every table is tried against every type.
        """
        try:
            return self._validators[entity_type]
        except KeyError:
            check = self._validators[entity_type] = self._build_validator(entity_type)
            return check

    def _build_validator(self, entity_type: str) -> Callable[[str], bool]:
        row = ENTITY_BY_ID[entity_type]
        if row.cell_check is not None:
            cell_check: Callable[[str], bool] = resolve(row.cell_check)
            return _cached_for_short_cells(cell_check, long_cell=cell_check)
        # The type's one recognizer (a type with several has a cell check of its own).
        recognizer = build_recognizer(row, row.recognizers[0])
        if isinstance(recognizer, PatternRecognizer):
            check = _pattern_check(recognizer)
        else:
            def check(value: str) -> bool:
                # A recognizer without NER reads no NLP artifacts (presidio's own
                # recognizers default them to None); presidio's base class annotates them
                # as required.
                results = recognizer.analyze(value, [entity_type], None)  # type: ignore[arg-type]
                return any(r.end - r.start >= 0.8 * len(value) for r in results)
        return _cached_for_short_cells(lambda value: bool(value) and check(value),
                                       long_cell=lambda value: False)

    def read(self, rows: Sequence[Sequence[str]]) -> TableDetection:
        """Classify the columns of ``rows`` and count the values they hold.

        The headings are the row (among the first few) whose cells name the most known
        columns, so a title row above them ("YEAR 3 - CLASS LIST 2021-22") is skipped.
        """
        if len(rows) < 2 or max(len(r) for r in rows) < 2:
            return TableDetection(handled=False)
        pairs = _label_value_pairs(rows, self.classify)
        if pairs is not None:
            return self.read_fields(pairs)
        header_at = self._header_row(rows)
        if header_at is None:
            # No heading row: every row is data (its person is counted), and the columns
            # are named by number, so no cell's text is kept as a heading.
            header, body = [], rows
        else:
            header, body = list(rows[header_at]), rows[header_at + 1:]
        if not body:
            return TableDetection(handled=False)
        width = max(len(r) for r in rows)
        header += [""] * (width - len(header))
        result = TableDetection(handled=True)
        kinds: dict[int, tuple[str, str]] = {}
        for index, heading in enumerate(header):
            values = _column(body, index)
            kind = self.classify(heading) if heading else None
            if kind is not None and kind[0] == "entity" and not self._fits(kind[1], heading,
                                                                            values):
                kind = None  # the heading says one thing, the values another: trust values
            if kind is None:
                kind = self._classify_by_values(values)
            if kind is not None:
                kinds[index] = kind
                result.columns[self.shown_heading(heading, index)] = kind[1]
        self._classify_names_by_ner(header, body, kinds, result)
        if not kinds and not _has_free_text(body, width) and len(body) < MIN_PLAIN_ROWS:
            return TableDetection(handled=False)

        validators = {
            i: self.column_validator(k[1], header[i]) for i, k in kinds.items() if k[0] == "entity"
        }
        categories = {i: k[1] for i, k in kinds.items() if k[0] == "category"}
        ignored = _dated_category_columns(categories, header)
        # Names of staff given a task (a rota's "Staff", a schedule's "Owner") are personal
        # data, but a row holding no one else's is not about them: its words stay topics.
        staff = {i for i, k in kinds.items()
                 if k[1] in NAME_TYPES and self.vocabulary.is_staff_column(header[i])}
        body = [row for row in body if not _is_example_row(row)]
        for row in body:
            personal = False
            subject = False
            counted: set[str] = set()
            for index, (column_kind, name) in kinds.items():
                value = row[index].strip() if index < len(row) else ""
                if column_kind == "category":
                    if index not in ignored and not self.vocabulary.is_blank(value):
                        shown = self.shown_heading(header[index], index)
                        result.special_categories.setdefault(
                            name, shown if shown == header[index] else name)
                    continue
                if not value or not validators[index](value):
                    continue
                personal = True
                subject = subject or index not in staff
                if name in ONCE_PER_ROW:
                    # Forename and surname columns describe one person, sort code and
                    # account number one account: count the row once.
                    if name in counted:
                        continue
                    value = " ".join(
                        row[i].strip() for i, k in kinds.items()
                        if k == ("entity", name) and i < len(row) and row[i].strip()
                    )
                    if name in NAME_TYPES:
                        result.people[person_key(value)] += 1
                counted.add(name)
                if name in BIRTH_DATE_TYPES:
                    year = birth_year(value)
                    if year and (result.latest_birth_year or 0) < year:
                        result.latest_birth_year = year
                result.entities[name] += 1
                if sum(1 for t, _ in result.examples if t == name) < 3:
                    result.examples.append((name, value))
            if personal and counted.isdisjoint(NAME_TYPES):
                result.unnamed_subjects += 1
            result.identifies = result.identifies or subject
        plain: list[int] = []
        for index in range(width):
            if index in kinds:
                continue
            self._special_values_in(_column(body, index), header[index], index, result)
            if _is_free_text(_column(body, index)):
                heading = header[index]
                keep_heading = heading and not self.vocabulary.names_no_category(heading)
                result.free_text.extend(
                    f"{heading}: {value}" if keep_heading else value
                    for value in _column(body, index) if value.strip()
                )
            else:
                plain.append(index)
        # Other short cells (codes, amounts, "Oak class") held no names in the sample that
        # NER saw: they are checked for identifiers by pattern only, within a budget.
        size = 0
        for row in [header, *body]:
            # A staff role ("Designated Safeguarding Lead") names a job, not a pupil's need.
            line = "\t".join(row[i] for i in plain if i < len(row) and row[i].strip()
                             and not self.vocabulary.is_role(row[i])
                             and not (row is header
                                      and self.vocabulary.names_no_category(row[i])))
            if line:
                size += len(line) + 1
                if size > PATTERN_ONLY_CHARS:
                    break
                result.pattern_text.append(line)
        return result

    def _special_values_in(self, values: list[str], heading: str, index: int,
                           result: TableDetection) -> None:
        """Record the categories whose special values fill cells of a column its heading
        did not classify ("Meal status" holding "FSM").

        An abbreviation ("CLA", "LAC") counts only in a column of a few codes: a column of
        many different short capitals is staff initials or room codes, where "CLA" is a
        teacher.
        """
        distinct: dict[str, None] = {}
        for value in values:
            value = value.strip()
            if value and len(distinct) <= SAMPLE_VALUES:
                distinct[value] = None
        codes = len(distinct) <= MAX_CODES
        for value in distinct:
            found = self.vocabulary.special_value(value)
            if found is not None and (codes or not is_abbreviation(found[1])):
                category, listed = found
                where = self.shown_heading(heading, index)
                result.special_categories.setdefault(category, f"{listed} in {where}")

    def read_fields(self, pairs: Sequence[Sequence[str]]) -> TableDetection:
        """Read labelled values: a form about one person, an HTML definition list, the
        scalars of a JSON object or an XML record.

        Each label is classified as a column heading is.  A value under a personal-data
        label counts when the type's check accepts it ("DOB" beside "22 February 2009"),
        a special category label with a value that is not blank ("Allergies: peanuts";
        not "Allergies: none") reveals its category, and so does a special value under
        any label ("Meal status: FSM").  Other values are kept as "label: value" lines,
        for NER when they are prose, else for the identifier patterns, so the label is
        the value's context.  Name parts under one prefix ("Pupil forename", "Pupil
        surname") are one person; other name fields are a person each.
        """
        result = TableDetection(handled=True)
        names: dict[tuple[str, ...], list[str]] = {}
        personal = False
        labels = [pair[0].strip().rstrip(":：").strip() if pair else "" for pair in pairs]
        ignored = _dated_category_columns(
            {i: kind[1] for i, label in enumerate(labels)
             if label and (kind := self.classify(label)) and kind[0] == "category"}, labels)
        for index, pair in enumerate(pairs):
            label = labels[index]
            value = pair[1].strip() if len(pair) > 1 else ""
            if not value or _is_example_value(value):
                continue
            shown = self.shown_heading(label, index) if label else f"field {index + 1}"
            kind = self.classify(label) if label else None
            if kind is not None and kind[0] == "category":
                if index not in ignored and not self.vocabulary.is_blank(value):
                    result.special_categories.setdefault(kind[1], shown)
                if _is_free_text([value]):
                    # "Safeguarding log: concern raised about Daniel Walker ...": the
                    # notes name people too.
                    result.free_text.append(f"{label}: {value}")
                continue
            if kind is not None and self.column_validator(kind[1], label)(value):
                personal = True
                name = kind[1]
                result.identifies = result.identifies or not (
                    self.vocabulary.is_role(label)
                    or (name in NAME_TYPES and self.vocabulary.is_staff_column(label)))
                result.entities[name] += 1
                result.columns[shown] = name
                if name in NAME_TYPES:
                    names.setdefault(_name_prefix(label), []).append(value)
                if name in BIRTH_DATE_TYPES:
                    year = birth_year(value)
                    if year and (result.latest_birth_year or 0) < year:
                        result.latest_birth_year = year
                if sum(1 for t, _ in result.examples if t == name) < 3:
                    result.examples.append((name, value))
                continue
            found = self.vocabulary.special_value(value)
            if found is not None:
                result.special_categories.setdefault(found[0], f"{found[1]} in {shown}")
            # "Ethnicity source: P", "Medical practice: Park Lane": the label names no one's
            # category, so only the value is read on.
            keep_label = label and not self.vocabulary.names_no_category(label)
            line = f"{label}: {value}" if keep_label else value
            if _is_free_text([value]) or (kind is None and _is_name_shaped(value)):
                result.free_text.append(line)
            else:
                result.pattern_text.append(line)
        for parts in names.values():
            result.people[person_key(" ".join(parts))] += 1
        if personal and not names:
            result.unnamed_subjects += 1
        return result

    def shown_heading(self, heading: str, index: int) -> str:
        """``heading`` as a column's name in findings, or "column N" when it could hold
        a value (see :meth:`looks_like_heading`)."""
        return heading if self.looks_like_heading(heading) else f"column {index + 1}"

    def looks_like_heading(self, heading: str) -> bool:
        """True when ``heading`` can be shown as it is: no date, no postcode, no more than
        a few digits, each only in a year, a small number or a known form ("Year 7", "KS2",
        "Q1", "7B"), and no word, whatever its case, that could be a name unless it is an
        English word or the vocabulary's ("Mobile").  So "Medical notes for Amelia Jones",
        "medical needs of amelia", "Health notes b. 4/5/14" and "Medical info SW1A 1AA" are
        not shown."""
        if (not heading.strip() or sum(char.isdigit() for char in heading) > SHOWN_HEADING_DIGITS
                or _HEADING_DATE.search(heading)):
            return False
        return all(self._is_heading_token(token) for token in _HEADING_TOKEN.findall(heading))

    def _is_heading_token(self, token: str) -> bool:
        if not any(char.isdigit() for char in token):
            return not self._could_be_name(token)
        if _YEAR.fullmatch(token) or _SMALL_NUMBER.fullmatch(token):
            return True
        letters_number = _LETTERS_NUMBER.fullmatch(token)
        if letters_number is not None:
            letters = letters_number["letters"]
            # "LS1", "b12": an outward code.  "KS2", "Q1", "Y7" name no postcode area.
            return letters.upper() not in POSTCODE_AREAS and not self._could_be_name(letters)
        return _NUMBER_SUFFIX.fullmatch(token) is not None

    def _could_be_name(self, word: str) -> bool:
        """True for a word, in any case, that is not an acronym (SEN, DOB), an English
        word, a heading abbreviation, a date format's word or a word of the vocabulary."""
        return (len(word) > 1 and not (word.isupper() and len(word) <= 4)
                and not is_plain_word(word) and word.lower() not in HEADING_ABBREVIATIONS
                and not _DATE_FORMAT_WORD.fullmatch(word) and not self.vocabulary.has_word(word))

    def _header_row(self, rows: Sequence[Sequence[str]]) -> int | None:
        """Index of the headings row: the one naming most known columns, else the first;
        None when neither looks like headings (the table has no heading row)."""
        best, best_score = 0, 0
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            # A heading is a few words: a rota's task "Check EpiPen expiry dates in the
            # grab bags" names a category but heads nothing.
            score = sum(1 for cell in row if cell.strip()
                        and len(cell.split()) <= MAX_HEADING_WORDS and self.classify(cell))
            if score > best_score:
                best, best_score = index, score
        # A row of values that names a category ("Supporting pupils with medical
        # conditions | Mr Evans | 14/12/2024") is not the headings: the first row may be.
        for candidate in dict.fromkeys((best, 0)):
            below = rows[candidate + 1:candidate + 1 + SAMPLE_VALUES]
            if not any(self._is_value_cell(cell.strip(), _column(below, index))
                       for index, cell in enumerate(rows[candidate]) if cell.strip()):
                return candidate
        return None

    def _is_value_cell(self, cell: str, below: list[str]) -> bool:
        """True when a would-be heading is a value: a date over a column of dates of birth,
        an identifier (an email, a long number, a value one of the value types' checks
        accepts), or a person's name over a column of names.  A table whose top row has
        one has no heading row: kept as headings, its person's values would be shown raw
        as column names and not counted.
        """
        filled = [value for value in below if value.strip()]

        def like_column(looks_like: Callable[[str], bool]) -> bool:
            return sum(map(looks_like, filled)) >= LIKE_COLUMN_SHARE * len(filled)

        if DATE_RE.fullmatch(cell):
            # An attendance register is headed by dates; a date over dates of birth is one.
            return like_column(is_date_of_birth_value)
        digits = sum(char.isdigit() for char in cell)
        if "@" in cell or digits > HEADING_MAX_DIGITS:
            return True
        # Every value type but email (told by its "@") holds digits.
        if digits and any(self.validator(entity_type)(cell) for entity_type in VALUE_TYPES):
            return True
        # A heading the vocabulary knows ("Forename(s)") is one, whatever its shape.
        return (_is_name_shaped(cell) and self.classify(cell) is None
                and like_column(_is_name_shaped))

    def _fits(self, entity_type: str, heading: str, values: list[str]) -> bool:
        """True when enough of a column's values are what its heading says they are."""
        sample = [v for v in values if v.strip()][:SAMPLE_VALUES]
        if not sample:
            return True
        check = self.column_validator(entity_type, heading)
        return sum(1 for v in sample if check(v)) >= HEADING_SHARE * len(sample)

    def column_validator(self, entity_type: str, heading: str) -> Callable[[str], bool]:
        """The check for one cell of a column of ``entity_type`` headed ``heading``.

        A value split over columns (a sort code beside its account number) has a check per
        part, chosen by the heading.
        """
        part_column_check = ENTITY_BY_ID[entity_type].part_column_check
        if part_column_check is not None:
            check: Callable[[str], bool] | None = resolve(part_column_check)(_words(heading))
            if check is not None:
                return check
        return self.validator(entity_type)

    def _classify_by_values(self, values: list[str]) -> tuple[str, str] | None:
        sample = [v for v in values if v.strip()][:SAMPLE_VALUES]
        if len(sample) < 2:
            return None
        for entity_type in VALUE_TYPES:
            check = self.validator(entity_type)
            if sum(1 for v in sample if check(v)) >= VALUE_SHARE * len(sample):
                return "entity", entity_type
        return None

    def _classify_names_by_ner(
        self,
        header: list[str],
        body: Sequence[Sequence[str]],
        kinds: dict[int, tuple[str, str]],
        result: TableDetection,
    ) -> None:
        """Find name columns whose heading says nothing ("Child", "Contact 1") with NER."""
        if self.ner_sample is None:
            return
        candidates = [
            i for i in range(len(header))
            if i not in kinds and not _is_free_text(_column(body, i))
            and not self.vocabulary.not_person.intersection(_words(header[i]))
            and sum(is_plausible_name(v) for v in _column(body, i)[:NER_SAMPLE_ROWS]) >= 2
        ]
        if not candidates:
            return
        sample = list(body[:NER_SAMPLE_ROWS])
        # One line per row, the candidate cells joined by ", " so spaCy sees a list of names.
        lines: list[str] = []
        spans: list[tuple[int, int, int]] = []  # (column, start, end) in the joined text
        offset = 0
        for row in sample:
            for index in candidates:
                cell = row[index].strip() if index < len(row) else ""
                spans.append((index, offset, offset + len(cell)))
                offset += len(cell) + 2
            lines.append(", ".join(row[i].strip() if i < len(row) else "" for i in candidates))
            offset += -2 + 1  # the last cell has no ", " after it; the line ends with "\n"
        hits: Counter[int] = Counter()
        found: dict[int, str] = {}  # column -> the name type NER found in it
        for entity_type, start, end in self.ner_sample("\n".join(lines)):
            if entity_type not in NAME_TYPES:
                continue
            for index, cell_start, cell_end in spans:
                if start < cell_end and end > cell_start:
                    hits[index] += 1
                    found.setdefault(index, entity_type)
        for index in candidates:
            filled = sum(1 for v in _column(sample, index) if v.strip())
            if filled and hits[index] >= 0.5 * filled:
                kinds[index] = ("entity", found[index])
                result.columns[self.shown_heading(header[index], index)] = found[index]


def _column(rows: Sequence[Sequence[str]], index: int) -> list[str]:
    return [row[index] if index < len(row) else "" for row in rows]


def _is_name_word(word: str) -> bool:
    """A capitalised word that is no English word nor a short acronym ("JONES", "Amelia")."""
    word = word.strip(".,'’")
    return (len(word) > 1 and word[0].isupper() and not (word.isupper() and len(word) <= 4)
            and not is_plain_word(word))


def _is_name_shaped(value: str) -> bool:
    """True for a cell that reads as a person's name: words of letters, each a name word."""
    value = value.strip()
    return (is_plausible_name(value) and _NAME_WORDS.fullmatch(value) is not None
            and all(_is_name_word(word) for word in value.split()))


def _is_free_text(values: list[str]) -> bool:
    filled = [v for v in values if v.strip()]
    if not filled:
        return False
    mean = sum(len(v) for v in filled) / len(filled)
    return mean >= FREE_TEXT_MEAN_CHARS and sum(" " in v.strip() for v in filled) >= len(filled) / 2


def _has_free_text(body: Sequence[Sequence[str]], width: int) -> bool:
    return any(_is_free_text(_column(body, i)) for i in range(width))


# First cells that mark a table row as an example a form gives, not data ("e.g. Joe Bloggs").
_EXAMPLE = re.compile(r"^\s*(?:e\.?\s?g\.?|eg|example|sample)\b[\s:.,-]*", re.IGNORECASE)


def _is_example_value(value: str) -> bool:
    return _EXAMPLE.match(value) is not None


def _is_example_row(row: Sequence[str]) -> bool:
    first = next((cell for cell in row if cell.strip()), "")
    return _is_example_value(first)


def _dated_category_columns(categories: dict[int, str], labels: Sequence[str]) -> set[int]:
    """The category columns (or fields) whose dates say nothing on their own: a review date
    (every pupil's eligibility is reviewed), and a start or end date when the same
    category has a column of values to decide by ("SEN provision: N" beside "SEN start
    date")."""
    dated = {i for i in categories if "date" in _words(labels[i])}
    valued = {name for i, name in categories.items() if i not in dated}
    return {i for i in dated if "review" in _words(labels[i]) or categories[i] in valued}


# Words of a name field's label that say which part of the name it holds: "Pupil forename"
# and "Pupil surname" are one person, "Parent name" another.
_NAME_PART_WORDS = frozenset({"forename", "forenames", "surname", "first", "last", "given",
                              "family", "middle", "legal", "preferred", "name", "names",
                              "full"})


def _name_prefix(label: str) -> tuple[str, ...]:
    return tuple(word for word in _words(label) if word not in _NAME_PART_WORDS)


def _label_value_pairs(
    rows: Sequence[Sequence[str]], classify: Callable[[str], tuple[str, str] | None]
) -> list[list[str]] | None:
    """The [label, value] pairs of a form laid out as a table, else None.

    A form's labels run down its first column ("Name | Amelia", "DOB | 02/03/2015"), or
    down the first and third of four ("Name | Amelia | DOB | 02/03/2015"), so reading
    its first row as headings would be wrong.  It is a form when at least two of those
    cells, in at least two rows, are labels the vocabulary knows.
    """
    width = max(len(r) for r in rows)
    if width not in (2, 4):
        return None
    label_columns = range(0, width, 2)
    cells = [(number, cell) for number, row in enumerate(rows) for i in label_columns
             if i < len(row) and (cell := row[i].strip().rstrip(":："))]
    known = [(number, cell) for number, cell in cells if classify(cell)]
    # Most of a form's label cells are labels, down at least two rows; a list's first
    # column holds values, of which a few may read as labels ("FSM" in a meal status
    # column), and a grid's heading row is one row.
    if (len({number for number, _ in known}) < 2
            or len(known) < FORM_LABEL_SHARE * len(cells)):
        return None
    return [[row[i] if i < len(row) else "", row[i + 1] if i + 1 < len(row) else ""]
            for row in rows for i in label_columns]


__all__ = [
    "ColumnVocabulary",
    "ColumnVocabularyError",
    "TableDetection",
    "TableReader",
    "load_column_vocabulary",
]
