"""Everything dpscan finds in one file's content: personal data, data subjects, special categories.

Tables are read by their columns (:mod:`dpscan.detectors.tabular`); the rest of the text,
with the free-text cells of those tables, goes through presidio
(:mod:`dpscan.detectors.personal_data`) and the special category phrase matcher
(:mod:`dpscan.detectors.special_categories`).
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from presidio_analyzer import RecognizerResult

from dpscan.detectors.digits import fold_digits, fold_rows
from dpscan.detectors.keyed_numbers import blank_unkeyed_numbers
from dpscan.detectors.names import count_people, person_key
from dpscan.detectors.personal_data import PersonalDataDetector, merge_spans, summarise
from dpscan.detectors.recognizers.date_of_birth import birth_year
from dpscan.detectors.special_categories import SpecialCategoryDetector
from dpscan.detectors.structured import label_lines, structured_tables
from dpscan.detectors.tabular import TableReader
from dpscan.model.config import DetectionSettings
from dpscan.model.entities import (
    BIRTH_DATE_TYPES,
    NAME_TYPES,
    PERSON_IDENTIFYING_TYPES,
    entity,
)
from dpscan.model.extraction import FIELDS, TableData
from dpscan.model.records import ENTITY_TYPES, Evidence

# The least text around a name or personal identifier within which a special category
# phrase in prose is about that person: its paragraph, grown by whole lines to this many
# characters when its lines are short (see _split_near).
ATTACHED_CHARS = 300
# The longest neighbouring line (or run of lines making one sentence) that a paragraph of
# short lines is grown by: a longer one is a paragraph of its own.
GROWN_LINE_CHARS = 100
# Characters that end a sentence: a line ending in one does not run on to the next.
_SENTENCE_ENDS = frozenset(".!?:;)]”\"")
# A letter's salutation and sign-off (see _letter_body).
_SALUTATION = re.compile(r"[ \t]*(?:dear|hi|hello)\b", re.IGNORECASE)
_SIGN_OFF = re.compile(r"(?im)^[ \t]*(?:kind(?:est)? regards|best wishes|yours "
                       r"(?:sincerely|faithfully)|many thanks|regards|thanks|with thanks)\b")
MAX_LETTER_CHARS = 5_000
# The longest paragraph a sentence's run of lines may make.
MAX_PARAGRAPH_CHARS = 2_000
# Characters either side of a name read for an example marker ("case study", "e.g.").
EXAMPLE_REACH_CHARS = 1_000
# Words either side of a name searched for a staff role.
ROLE_REACH_WORDS = 4
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(slots=True)
class ContentFindings:
    """What one file's content holds (no raw values: evidence is masked)."""

    entities: dict[str, int] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    data_subjects: int = 0
    special_categories: list[str] = field(default_factory=list)
    special_category_evidence: dict[str, list[str]] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    ner_chars: int = 0
    topics: list[str] = field(default_factory=list)
    latest_birth_year: int | None = None


def prose_outside(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` without the character ranges in ``spans`` (sorted, not overlapping)."""
    parts, position = [], 0
    for start, end in spans:
        parts.append(text[position:start])
        position = end
    parts.append(text[position:])
    return "".join(parts)


class ContentDetector:
    """Built once per process; :meth:`detect` is then applied to each file's text."""

    def __init__(self, settings: DetectionSettings | None = None) -> None:
        self.settings = settings or DetectionSettings()
        self.personal = PersonalDataDetector(self.settings)
        self.tables = TableReader(ner_sample=self._ner_spans)
        self.special = SpecialCategoryDetector()
        # Characters sent to NER for the file being detected, per thread (a Dask worker
        # may run several files at once on one detector).
        self._ner = threading.local()

    def _ner_spans(self, text: str) -> list[tuple[str, int, int]]:
        analysis = self.personal.analyze_text(text)
        self._ner.chars = getattr(self._ner, "chars", 0) + analysis.ner_chars
        return [(r.entity_type, r.start, r.end) for r, _ in analysis.found]

    def _names_personal_data(self, key: str) -> bool:
        """True when a key or heading names a kind of personal data ("nhs number")."""
        kind = self.tables.classify(key)
        return kind is not None and kind[0] == "entity"

    def detect(self, text: str, tables: Sequence[TableData] = ()) -> ContentFindings:
        """Analyse a file's text and the tables found in it.

        Unicode digits and full-width forms are read as ASCII (:mod:`dpscan.detectors.digits`:
        one character for one, so the tables' spans still locate them in the text).  A JSON
        or XML document is read by its fields (:mod:`dpscan.detectors.structured`); in
        other text, settings numbers count only under a key naming personal data
        (:mod:`dpscan.detectors.keyed_numbers`), and runs of "Label: value" lines with a
        known label are read as a form.

        A special category is data when it is attached to someone the file identifies: a
        table row or form that holds personal data, or the paragraph of a name or a
        personal identifier (at least :data:`ATTACHED_CHARS` around it).  Elsewhere it is only a
        topic of the file (a policy, a lesson plan, a newsletter).
        """
        text = fold_digits(text)
        if not tables:
            structured = structured_tables(text, self._names_personal_data)
            if structured:
                tables = structured
            else:
                text = blank_unkeyed_numbers(text, self._names_personal_data)
        if not _covers(tables, text):
            spans = merge_spans((t.start, t.end) for t in tables)
            tables = [*tables, *(lines for lines in label_lines(text, self._is_label)
                                 if not _overlaps(spans, lines.start, lines.end))]
        findings = ContentFindings()
        self._ner.chars = 0
        found: list[tuple[str, str, float]] = []
        handled: list[tuple[int, int]] = []
        identified: list[tuple[int, int]] = []  # spans of forms naming someone
        free_text: list[str] = []
        pattern_text: list[str] = []
        # Category evidence, attached to a person or not.
        attached: dict[str, list[str]] = {}
        detached: dict[str, list[str]] = {}
        near_cells: list[str] = []
        far_cells: list[str] = []
        # Each name with its number of rows, across tables the largest (the same pupils on
        # two sheets are the same people); prose adds names once each.
        people: Counter[str] = Counter()
        unnamed = 0
        years: list[int | None] = []
        for table in tables:
            rows = fold_rows(table.rows)
            read = (self.tables.read_fields(rows) if table.layout == FIELDS
                    else self.tables.read(rows))
            if not read.handled:
                continue
            handled.append((table.start, table.end))
            if read.identifies and table.layout == FIELDS:
                identified.append((table.start, table.end))
            found.extend((t, value, 1.0) for t, value in read.examples)
            # Counts beyond the examples are kept as bare counts: no value is held.
            for entity_type, count in read.entities.items():
                shown = sum(1 for t, _ in read.examples if t == entity_type)
                found.extend((entity_type, "", 1.0) for _ in range(count - shown))
            people |= read.people  # Counter union: the maximum per name
            years.append(read.latest_birth_year)
            unnamed += read.unnamed_subjects
            free_text.extend(read.free_text)
            pattern_text.extend(read.pattern_text)
            evidence = attached if read.identifies else detached
            # A row's or a form's own words are about its person; a table about no one
            # gives only topics.
            (near_cells if read.identifies else far_cells).extend(
                [*read.free_text, *read.pattern_text])
            for category, heading in read.special_categories.items():
                shown_as = heading if table.layout == FIELDS or heading.startswith(
                    ("column ",)) or " in " in heading else f"column: {heading}"
                evidence.setdefault(category, []).append(shown_as)
            findings.columns.update(read.columns)

        carved = merge_spans(handled)
        prose = prose_outside(text, carved) if handled else text
        # Where a form naming someone was taken out of the prose, the prose after it (a
        # plan's narrative under its "Pupil: ..." lines) is about that person.
        form_ends = _carved_positions(carved, identified)
        if free_text:
            prose = prose + "\n" + "\n".join(free_text)
        analysis = self.personal.analyze_text(prose)
        prose_found = [(r.entity_type, v, r.score) for r, v in analysis.found]
        findings.ner_chars = self._ner.chars + analysis.ner_chars
        if pattern_text:
            found.extend((r.entity_type, v, r.score) for r, v in
                         self.personal.analyze("\n".join(pattern_text), names=False))
        found.extend(prose_found)

        years.extend(birth_year(v) for t, v, _ in found if t in BIRTH_DATE_TYPES and v)
        findings.latest_birth_year = max((y for y in years if y), default=None)
        counts = Counter(entity_type for entity_type, _, _ in found)
        for entity_type in counts:
            entity(entity_type)  # a type with no row would be lost: EntityTableError
        findings.entities = {t: counts[t] for t in ENTITY_TYPES if counts[t]}
        findings.evidence = summarise(
            [f for f in found if f[1]], self.settings.evidence_per_type,
            show=self.settings.show_evidence).evidence

        people |= Counter({person_key(v) for t, v, _ in prose_found if t in NAME_TYPES})
        findings.data_subjects = count_people(people) + unnamed
        if findings.entities and not findings.data_subjects:
            findings.data_subjects = 1  # identifiers with no name still belong to someone

        # Prose near someone the file identifies is about them; the cells of a table's
        # rows (codes such as "Safeguarding - neglect") belong to their rows.
        examples: dict[tuple[int, int], bool] = {}
        staff = self._staff_mentions(prose, [r for r, _ in analysis.found
                                             if r.entity_type in NAME_TYPES])
        anchors = [r.start for r, _ in analysis.found
                   if r.entity_type in PERSON_IDENTIFYING_TYPES
                   and (r.start, r.end) not in staff
                   and not self._in_example(prose, r.start, examples)]
        near, far = _split_near(prose, anchors + form_ends, ATTACHED_CHARS)
        near = "\n".join([near, *near_cells])
        far = "\n".join([far, *far_cells])
        for category, terms in self.special.detect(near).evidence.items():
            attached.setdefault(category, []).extend(terms)
        for category, terms in self.special.detect(far).evidence.items():
            detached.setdefault(category, []).extend(terms)
        order = list(self.special.vocabulary.ids)

        def ordered(categories: Iterable[str]) -> list[str]:
            return sorted(categories, key=lambda c: order.index(c) if c in order else 99)

        # Special category data is personal data revealing health, religion ...: a policy
        # or a newsletter about Diwali reveals nothing about anyone.  Without personal data
        # the categories are only topics of the file.
        if findings.entities:
            findings.special_categories = ordered(attached)
            findings.special_category_evidence = {c: attached[c]
                                                  for c in findings.special_categories}
            findings.topics = ordered(c for c in detached if c not in attached)
        else:
            findings.topics = ordered(set(attached) | set(detached))
        return findings

    def _is_role_holder(self, text: str, name: RecognizerResult) -> bool:
        """True for a name given as a contact for a role: a staff role within
        :data:`ROLE_REACH_WORDS` words of it on its line ("Our SENCo is Ms Patel", "Mr Evans
        (Office manager)").  A possessive is never one: "Amelia's teacher" is about Amelia.
        """
        line_start = text.rfind("\n", 0, name.start) + 1
        line_end = text.find("\n", name.end)
        line_end = len(text) if line_end < 0 else line_end
        after = text[name.end:line_end]
        if after[:2] in ("'s", "’s"):
            return False
        before_words = _WORD.findall(text[line_start:name.start].lower())[-ROLE_REACH_WORDS:]
        after_words = _WORD.findall(after.lower())[:ROLE_REACH_WORDS]
        if not after_words and len(before_words) <= 1:
            # A name alone on its line, as a signature ends: its role is the next line.
            next_end = text.find("\n", line_end + 1)
            next_line = text[line_end + 1:len(text) if next_end < 0 else next_end]
            after_words = _WORD.findall(next_line.lower())[:ROLE_REACH_WORDS]
        roles = self.tables.vocabulary
        return roles.names_role(before_words) or roles.names_role(after_words)

    def _staff_mentions(self, text: str,
                        names: list[RecognizerResult]) -> set[tuple[int, int]]:
        """Spans of the names that are staff holding a role (:meth:`_is_role_holder`), and
        of the later "Mr Fielding" of a "Designated Safeguarding Lead: Mr Tom Fielding":
        a policy goes on about its role holders' duties to every child.  Only a title and
        a surname are taken for the role holder: a pupil of that surname is named in full."""
        holders = [r for r in names if self._is_role_holder(text, r)]
        surnames = {_surname(text, r) for r in holders}
        return {(r.start, r.end) for r in names
                if r in holders or (_titled_surname_only(text, r)
                                    and _surname(text, r) in surnames
                                    and text[r.end:r.end + 2] not in ("'s", "’s"))}

    def _in_example(self, text: str, position: int, seen: dict[tuple[int, int], bool]) -> bool:
        """True when the paragraph at ``position`` is an example ("Case study: Jamie ...").
        Only :data:`EXAMPLE_REACH_CHARS` either side are read, and each paragraph once
        (``seen``): a 2 MB line of identifiers has thousands of anchors."""
        start, end = _paragraph(text, position, 0)
        start = max(start, position - EXAMPLE_REACH_CHARS)
        end = min(end, position + EXAMPLE_REACH_CHARS)
        key = (text.rfind("\n", 0, position) + 1, start // EXAMPLE_REACH_CHARS)
        if key not in seen:
            seen[key] = self.tables.vocabulary.marks_example(text[start:end])
        return seen[key]

    def _is_label(self, label: str) -> bool:
        """True when a "Label: value" line's label names a field the vocabulary knows."""
        return self.tables.vocabulary.is_form_label(label)


_TITLE = re.compile(r"(?:mr|mrs|ms|miss|mx|dr|prof|rev)\.?", re.IGNORECASE)


def _surname(text: str, name: RecognizerResult) -> str:
    """The last word of a name as written, lower case."""
    words = text[name.start:name.end].split()
    return words[-1].strip(".,'’").lower() if words else ""


def _titled_surname_only(text: str, name: RecognizerResult) -> bool:
    """True for a name written as a title and a surname ("Mrs Ward"), the title inside the
    span or just before it."""
    words = text[name.start:name.end].split()
    if len(words) == 2 and _TITLE.fullmatch(words[0]):
        return True
    before = text[max(0, name.start - 6):name.start].split()
    return len(words) == 1 and bool(before) and bool(_TITLE.fullmatch(before[-1]))


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in spans)


def _covers(tables: Sequence[TableData], text: str) -> bool:
    """True when one table spans the whole text (a JSON or XML document read by field)."""
    return any(t.start == 0 and t.end >= len(text) for t in tables)


def _paragraph(text: str, position: int, reach: int) -> tuple[int, int]:
    """The span of the paragraph holding ``position``: its line, joined to the lines before
    and after while the sentence runs on (a line that does not end a sentence continues
    on the next, as a PDF's or a plain-text letter's wrapped lines do), then grown by
    whole short neighbours (lines, or runs of lines making one sentence, of at most
    :data:`GROWN_LINE_CHARS`) to at least ``reach`` characters without crossing a blank
    line."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    end = len(text) if end < 0 else end

    def runs_on(line_end: int) -> bool:
        line = text[text.rfind("\n", 0, line_end) + 1:line_end].rstrip()
        return bool(line) and line[-1] not in _SENTENCE_ENDS

    def next_line_end(after: int) -> int:
        following = text.find("\n", after + 1)
        return len(text) if following < 0 else following

    def sentence_start(start: int) -> int:
        """The start of the run of lines that ``start``'s line continues."""
        while start > 0 and runs_on(start - 1) and end - start < MAX_PARAGRAPH_CHARS:
            start = text.rfind("\n", 0, start - 1) + 1
        return start

    def sentence_end(end: int) -> int:
        """The end of the run of lines that continues from the line ending at ``end``."""
        limit = end + MAX_PARAGRAPH_CHARS
        while (end < len(text) and runs_on(end) and text[end + 1:next_line_end(end)].strip()
               and end < limit):
            end = next_line_end(end)
        return end

    start, end = sentence_start(start), sentence_end(end)
    # Grown only by short neighbours (form lines, a list, a heading): a neighbour that is
    # a paragraph of its own (a newsletter's next item in a Word file or a web page, where
    # no blank line parts them) is about its own subject.
    while end - start < reach:
        grown = False
        if start > 0 and text[text.rfind("\n", 0, start - 1) + 1:start - 1].strip():
            before = sentence_start(text.rfind("\n", 0, start - 1) + 1)
            if start - before <= GROWN_LINE_CHARS:
                start, grown = before, True
        if end < len(text) and end - start < reach and text[end + 1:next_line_end(end)].strip():
            after = sentence_end(next_line_end(end))
            if after - end <= GROWN_LINE_CHARS:
                end, grown = after, True
        if not grown:
            break
    return start, end


def _carved_positions(carved: list[tuple[int, int]],
                      identified: list[tuple[int, int]]) -> list[int]:
    """Where each carved span that holds an ``identified`` span ends up in the prose
    (:func:`prose_outside` of ``carved``)."""
    positions: list[int] = []
    removed = 0
    for start, end in carved:
        if any(start <= a and b <= end for a, b in identified):
            positions.append(start - removed)
        removed += end - start
    return positions


def _letter_body(text: str, position: int) -> tuple[int, int] | None:
    """The body of a letter or email whose salutation ("Dear Mr Nowak,") holds
    ``position``: from the salutation to the sign-off, at most MAX_LETTER_CHARS.  A letter
    to a named person is about them and their child ("Gemma's application for free
    school meals")."""
    start = text.rfind("\n", 0, position) + 1
    if not _SALUTATION.match(text, start):
        return None
    sign_off = _SIGN_OFF.search(text, position, start + MAX_LETTER_CHARS)
    return start, sign_off.start() if sign_off else min(len(text), start + MAX_LETTER_CHARS)


def _split_near(text: str, anchors: list[int], reach: int) -> tuple[str, str]:
    """``text`` split into the paragraphs around each anchor offset (see
    :func:`_paragraph`) and the rest, each joined by newlines."""
    if not anchors:
        return "", text
    # One window per line: a line of many identifiers has one paragraph.
    by_line: dict[int, tuple[int, int]] = {}
    for anchor in sorted(anchors):
        line = text.rfind("\n", 0, anchor) + 1
        if line not in by_line:
            by_line[line] = _letter_body(text, anchor) or _paragraph(text, anchor, reach)
    windows = merge_spans(by_line.values())
    # A window's sentences said of anyone ("If your child has asthma ...") are not about
    # the person it is around: they stay topics, unless the sentence names them.
    ordered = sorted(anchors)
    generic = [(start, end) for a, b in windows for start, end in _generic_sentences(text, a, b)
               if not _holds_anchor(ordered, start, end)]
    about = _without(windows, generic)
    near = "\n".join(text[a:b] for a, b in about)
    return near, prose_outside(text, about)


def _holds_anchor(anchors: list[int], start: int, end: int) -> bool:
    """True when one of the sorted ``anchors`` lies in [start, end)."""
    index = bisect_left(anchors, start)
    return index < len(anchors) and anchors[index] < end


# A sentence ends at ". ", "! ", "? " or a line end.  Possessive: a "." inside a word
# ("www.example.org", "2.5") must not make the search start again a character later.
_SENTENCE = re.compile(r"(?:[^.!?\n]++|[.!?]++(?!\s|$))*+(?:[.!?]+(?=\s|$)|\n|$)")
# A sentence said of anyone opens with its group or hypothetical subject: a condition on
# any child, a group of children, parents or staff, or a request to parents to fill
# something in.  ("Diagnosed with ADHD; any changes to medication ..." is about the child
# named above it: its "any" comes after what it says.)
_GENERIC_OPENING = re.compile(
    r"[\s\W]*(?:if|should|where|when|unless) (?:your|a|any|the) (?:child|pupil|student|young "
    r"person)\b"
    r"|[\s\W]*(?:all |any |every |most |some )?(?:children|pupils|students|parents|carers|"
    r"families|staff|young people|anyone|those|sufferers)\b(?: \w+){0,3}? (?:with|who|whose|"
    r"that|should|must|may|can|use|using|are|will|need)\b"
    r"|[\s\W]*(?:anyone|any child|any pupil|any student|every child|every pupil)\b"
    r"|[\s\W]*please (?:complete|list|tell us|let us know|return|sign|send|inform)\b",
    re.IGNORECASE)
# A pronoun for one person: the sentence goes on about someone the window names.
_ONE_PERSON = re.compile(r"\b(?:he|she|his|her|hers|him|himself|herself)\b", re.IGNORECASE)


def _generic_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text[start:end]`` said of anyone (they open with a
    group or hypothetical subject, :data:`_GENERIC_OPENING`) that name no single person by
    pronoun."""
    found = []
    for match in _SENTENCE.finditer(text, start, end):
        sentence = match.group()
        if (sentence.strip() and _GENERIC_OPENING.match(sentence)
                and not _ONE_PERSON.search(sentence)):
            found.append((match.start(), match.end()))
    return found


def _without(spans: list[tuple[int, int]], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` (sorted, apart) with the ``holes`` (sorted, each inside one span) cut out."""
    kept: list[tuple[int, int]] = []
    holes_left = iter(holes)
    hole = next(holes_left, None)
    for start, end in spans:
        while hole is not None and hole[0] < end:
            if hole[0] > start:
                kept.append((start, hole[0]))
            start = max(start, hole[1])
            hole = next(holes_left, None)
        if end > start:
            kept.append((start, end))
    return kept
