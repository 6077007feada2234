"""Keyed hashes of the people a file mentions, so find-person can search without re-reading.

A subject access (or erasure) request asks for every file about one person.  Re-reading a
school's shares for each request takes hours, so each file's names and identifiers are
kept in the catalogue, but only as keyed hashes: ``"<kind>:<16 hex>"`` where the hex is the
first 64 bits of HMAC-SHA256 with the installation's secret key (:mod:`dpscan.scanner.secret`)
over the kind and the normalised value.  The catalogue can then answer "which files hold
this person's UPN, or "Amelia Jones", or "Amelia Jones" next to 2014-03-02?" and holds no
raw name or identifier.  Hashes of names and dates are only as strong as the key: anyone
with the key file can test guesses, so it is readable by its owner only.

Term kinds (the value inside the hash is normalised: lower case, accents folded):

========== ==============================================================================
kind       value
========== ==============================================================================
name       one name token: a capitalised or ALL-CAPS word in prose, or any word in a
           name column ("O'Brien" -> ``obrien``; "Smith-Jones" -> ``smith`` and ``jones``)
phon       the Metaphone code of a name token (typos and spellings that sound alike)
pair       two name tokens at most two apart in one name run, in either order: "Amelia
           Jones", "JONES Amelia", "Jones, Amelia", "Amelia Rose Jones"; in a table, name
           tokens of different name columns of one row ("JONES" | "Amelia")
phonpair   the same pair as Metaphone codes
initial    an initial beside a name token: "A. Jones", "JONES A"
dob        a date with a date-of-birth cue ("DOB", "born" ...) shortly before it on its
           line, or in a date-of-birth column; ISO ``2014-03-02``
date       any date (the usual UK forms), ISO
upn uln    identifiers with a valid check character, compact upper case
nhs
email      lower case
postcode   upper case without spaces
near       a pair with a DOB, UPN, ULN or NHS number within :data:`NEAR_WORDS` words of it,
           or in the same table row: ``pair|dob:2014-03-02``
dated      a pair with some value of a kind next to it: ``pair|dob``.  With ``near`` it
           tells "this name is next to another date of birth" (a namesake) apart from
           "this name has no date next to it".
========== ==============================================================================

A file keeps at most :data:`MAX_TERMS` distinct terms; past that the strongest kinds win
(identifiers, then names next to identifiers, then pairs ..., see :data:`KIND_PRIORITY`).

The search side (:func:`query_terms`, :func:`rank`) hashes the request the same way, with
name variants (order, initials, ALL CAPS, nicknames from ``data/nicknames.yaml``,
sound-alikes), and scores each file by its evidence.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hmac
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from hashlib import sha256
from importlib import resources
from itertools import combinations
from typing import TYPE_CHECKING

import jellyfish
import yaml
from stdnum.gb import nhs as stdnum_nhs

from dpscan.detectors.dates import CUE_RE, DATE_PATTERN, parse_date
from dpscan.detectors.digits import fold_digits, fold_rows
from dpscan.model.entities import BIRTH_DATE_TYPES, ENTITIES, NAME_TYPES
from dpscan.model.extraction import TableData
from dpscan.model.person import PersonMatch

if TYPE_CHECKING:
    from dpscan.model.records import FileResult


# Hex characters of each keyed hash kept (64 bits: no collisions among a school's values).
HASH_HEX = 16
# Distinct terms kept per file.  A 20,000-row pupil list makes about 120,000; ordinary
# documents a few hundred.  (About 80 bytes each in the catalogue.)
MAX_TERMS = 200_000
# Words (and numbers) between a name and a DOB or identifier for them to count as "next to".
NEAR_WORDS = 12
# Characters before a date, on its line, where a date-of-birth cue may stand.
CUE_CHARS = 40
# Table cells up to this long are analysed once per distinct value.
_CACHED_CELL_CHARS = 200
# Name tokens of one name cell paired with the other name cells of its row.
ROW_CELL_TOKENS = 3

NAME, PHON, PAIR, PHONPAIR, INITIAL = "name", "phon", "pair", "phonpair", "initial"
DOB, DATE, UPN, ULN, NHS, EMAIL, POSTCODE = "dob", "date", "upn", "uln", "nhs", "email", "postcode"
NEAR, DATED = "near", "dated"
# Identifiers that count as "next to" a name (near / dated).
ANCHOR_KINDS = (DOB, UPN, ULN, NHS)
# When a file has more than MAX_TERMS, terms are kept in this order of kinds.
KIND_PRIORITY = (UPN, ULN, NHS, NEAR, PAIR, EMAIL, DOB, DATED, INITIAL, POSTCODE, PHONPAIR,
                 NAME, PHON, DATE)
_PRIORITY = {kind: rank for rank, kind in enumerate(KIND_PRIORITY)}
# The entity type of each kind of value (to mask a query as findings are masked).
_ENTITY_OF_KIND: dict[str, str] = {row.index_kind: row.id for row in ENTITIES if row.index_kind}

# The same date forms as the date-of-birth recognizer (detectors.dates has no presidio).
_DATE = DATE_PATTERN


# The UPN and postcode patterns and the UPN and ULN checks are the recognizers' own
# (detectors.recognizers), imported when first needed: importing a recognizer loads presidio,
# a second that a search from the command line does without.
@lru_cache(maxsize=1)
def _postcode_pattern() -> re.Pattern[str]:
    """The postcode recognizer's pattern, in capitals only (in lower case it is words)."""
    from dpscan.detectors.recognizers.uk_postcode import UkPostcodeRecognizer

    return re.compile("|".join(p.regex for p in UkPostcodeRecognizer.PATTERNS))


@lru_cache(maxsize=1)
def _id_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Identifiers, found by one small pattern each (one big alternation is several times
    slower in Python's re), then merged with the words by position."""
    from dpscan.detectors.recognizers.uk_upn import UkUpnRecognizer

    return (
        ("email", re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")),
        ("date", re.compile(rf"\b(?:{_DATE})\b", re.IGNORECASE)),
        # In either case, as presidio reads it.
        ("upn", re.compile("|".join(p.regex for p in UkUpnRecognizer.PATTERNS), re.IGNORECASE)),
        ("num", re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b")),
        ("postcode", _postcode_pattern()),
    )


_ID_HINT = re.compile(r"[\d@]")
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+")
_DATE_ONLY = re.compile(rf"\s*(?:{_DATE})\s*", re.IGNORECASE)
_CUE = CUE_RE
# What may stand between two words of one name: spaces and a comma ("Jones, Amelia"),
# or the full stop of an initial ("A. Jones").
_JOIN = re.compile(r"[ \u00a0]*,?[ \u00a0]*")
_JOIN_AFTER_INITIAL = re.compile(r"\.?[ \u00a0]*,?[ \u00a0]*")

# Capitalised words that are never names: they end a name run instead of joining it.
_NOT_NAMES = frozenset("""
a an and the this that these those there their they them then than we our us you your it
its he she his her him i me my mine of for to from in on at by with without as is are was
were be been being have has had do does did not no yes if or but so all any each every
some please thank thanks dear regards yours sincerely faithfully kind best re fw fwd subject
mr mrs miss ms mx dr prof rev sir madam master mister lady lord
date dob name names surname forename forenames address tel telephone mobile email phone
upn uln nhs no ref number year class form group set term week day today tomorrow
monday tuesday wednesday thursday friday saturday sunday
january february march april june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
school academy primary secondary college nursery reception pupil pupils student students
parent parents carer carers child children teacher head headteacher office team staff
governor governors trust council street road lane avenue close drive
report letter note notes meeting plan review summary total page sheet attached
""".split())

_PERSON_HEADINGS_FILE = "column_headers.yaml"
_NICKNAMES_FILE = "nicknames.yaml"


# --- normalisation -----------------------------------------------------------------


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case with accents folded and apostrophes dropped ("Zoë" -> "zoe", "O'Brien"
    -> "obrien"); a possessive "'s" is dropped too."""
    word = re.sub(r"['’][sS]$", "", word)
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if ch.isalpha()).lower()


@lru_cache(maxsize=65536)
def name_parts(word: str) -> tuple[str, ...]:
    """The name tokens of one written word: hyphenated names give each part."""
    return tuple(p for p in (fold(part) for part in re.split(r"[-‐]", word)) if p)


@lru_cache(maxsize=65536)
def phonetic(token: str) -> str:
    """The Metaphone code of a name token ("" for tokens it cannot code)."""
    return jellyfish.metaphone(token) if token.isascii() else jellyfish.metaphone(fold(token))


def pair_value(a: str, b: str) -> str:
    """Two name tokens as one value, whatever their order."""
    return f"{a} {b}" if a <= b else f"{b} {a}"


def parse_dob(value: str) -> dt.date:
    """A date of birth as typed in a request (``2014-03-02``, ``02/03/2014``, ``2 March
    2014``); raises :class:`QueryError` when it is not one date."""
    match = _DATE_ONLY.fullmatch(value)
    date = parse_date(match) if match else None
    if date is None:
        raise QueryError(f"not a date: {value!r} (use 2014-03-02 or 02/03/2014)")
    return date


def is_valid_upn(value: str) -> bool:
    """A UPN with the right DfE check letter (the recognizer's check)."""
    from dpscan.detectors.recognizers.uk_upn import is_valid_upn as check

    return check(value)


def is_valid_uln(digits: str) -> bool:
    """A ULN of digits only, with the right check digit (the recognizer's check)."""
    from dpscan.detectors.recognizers.uk_uln import is_valid_uln as check

    return digits.isdigit() and check(digits)


def is_valid_nhs(digits: str) -> bool:
    """An NHS number with a valid modulus 11 check digit."""
    return len(digits) == 10 and stdnum_nhs.is_valid(digits)


def compact(value: str) -> str:
    """Upper case without spaces or dashes (identifiers and postcodes)."""
    return re.sub(r"[\s\-]", "", value).upper()


def hash_term(key: bytes, kind: str, value: str) -> str:
    """``"<kind>:<hex>"``: the keyed hash of one normalised value of one kind."""
    digest = hmac.digest(key, f"{kind}\x1f{value}".encode(), sha256)
    return f"{kind}:{digest.hex()[:HASH_HEX]}"


# --- the index side ------------------------------------------------------------------


@dataclass(slots=True)
class _Segment:
    """What one stretch of text (prose, or one table cell) held."""

    terms: list[tuple[str, str]] = field(default_factory=list)  # (kind, value), repeats kept
    pairs: list[tuple[int, int, str]] = field(default_factory=list)  # (run first, last, pair)
    anchors: list[tuple[int, str, str]] = field(default_factory=list)  # (position, kind, value)
    names: list[str] = field(default_factory=list)

    def add(self, kind: str, value: str) -> None:
        self.terms.append((kind, value))

    def name(self, token: str) -> None:
        self.terms.append((NAME, token))
        code = phonetic(token)
        if code:
            self.terms.append((PHON, code))

    def pair(self, a: str, b: str) -> str:
        value = pair_value(a, b)
        self.terms.append((PAIR, value))
        pa, pb = phonetic(a), phonetic(b)
        if pa and pb:
            self.terms.append((PHONPAIR, pair_value(pa, pb)))
        return value


class _Collector:
    """Counts (kind, value) terms in memory; only hashes leave it."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()

    def take(self, segment: _Segment) -> None:
        self.counts.update(segment.terms)

    def pair(self, a: str, b: str) -> str:
        value = pair_value(a, b)
        self.counts[(PAIR, value)] += 1
        pa, pb = phonetic(a), phonetic(b)
        if pa and pb:
            self.counts[(PHONPAIR, pair_value(pa, pb))] += 1
        return value

    def near(self, pairs: Sequence[tuple[int, int, str]],
             anchors: Sequence[tuple[int, str, str]], window: int | None) -> None:
        """Record pairs with a DOB or identifier next to them.

        ``pairs`` are (first, last word position of the name run, pair).  With ``window``
        None (a table row) every anchor goes with every pair.  In prose, for each kind, the
        nearest anchor after the name (within ``window`` words and before the next name)
        counts, or failing that the nearest one before it (after the previous name): in
        "Amelia Jones DOB 02/03/2014. Oliver Smith DOB 05/06/2014" each DOB goes with its
        own name, and in "Amelia Jones, Oliver Smith DOB 05/06/2014" the DOB is Oliver's.
        """
        if not pairs or not anchors:
            return
        if window is None:
            chosen = {(kind, value) for _, kind, value in anchors}
            for _, _, pair in pairs:
                self._near(pair, chosen)
            return
        ordered = sorted(anchors)
        positions = [a[0] for a in ordered]
        runs = sorted({(first, last) for first, last, _ in pairs})
        run_at = {run: index for index, run in enumerate(runs)}
        for first, last, pair in pairs:
            at_run = run_at[(first, last)]
            next_first = runs[at_run + 1][0] if at_run + 1 < len(runs) else first + 10**9
            prev_last = runs[at_run - 1][1] if at_run > 0 else -(10**9)
            after = ordered[bisect.bisect_right(positions, last):
                            bisect.bisect_left(positions, min(next_first, last + window + 1))]
            before = ordered[bisect.bisect_right(positions, max(prev_last, first - window - 1)):
                             bisect.bisect_left(positions, first)]
            best: dict[str, str] = {}
            for _, kind, value in after:
                best.setdefault(kind, value)
            for _, kind, value in reversed(before):
                best.setdefault(kind, value)
            self._near(pair, set(best.items()))

    def _near(self, pair: str, chosen: set[tuple[str, str]]) -> None:
        for kind, value in chosen:
            self.counts[(NEAR, f"{pair}|{kind}:{value}")] += 1
        for kind in {kind for kind, _ in chosen}:
            self.counts[(DATED, f"{pair}|{kind}")] += 1


def _tokens(text: str) -> list[tuple[int, int, str, re.Match[str]]]:
    """Identifiers and words of ``text`` in order, as (start, end, kind, match); a word
    inside an identifier ("March" in a date, the parts of an email) is not a word."""
    found: list[tuple[int, int, str, re.Match[str]]] = []
    if _ID_HINT.search(text):  # every identifier has a digit or an @
        for group, pattern in _id_patterns():
            found.extend((m.start(), m.end(), group, m) for m in pattern.finditer(text))
    found.sort(key=lambda t: (t[0], -t[1]))
    ids: list[tuple[int, int, str, re.Match[str]]] = []
    for item in found:
        if not ids or item[0] >= ids[-1][1]:
            ids.append(item)
    tokens: list[tuple[int, int, str, re.Match[str]]] = []
    at = 0
    for match in _WORD.finditer(text):
        start = match.start()
        while at < len(ids) and ids[at][1] <= start:
            tokens.append(ids[at])
            at += 1
        if at < len(ids) and ids[at][0] < match.end():
            continue  # inside an identifier
        tokens.append((start, match.end(), "word" if not match.group()[0].isdigit()
                       else "other", match))
    tokens.extend(ids[at:])
    return tokens


@lru_cache(maxsize=65536)
def _cell(text: str, name_cell: bool, dob_column: bool) -> _Segment:
    """:func:`_analyse` of one table cell, remembered: columns repeat their values."""
    return _analyse(text, name_cell=name_cell, dob_column=dob_column)


def _analyse(text: str, *, name_cell: bool = False, dob_column: bool = False) -> _Segment:
    """Terms of one stretch of text, with its pairs and anchors for the caller's rows.

    ``name_cell``: the text is a cell of a name column, so lower-case words count as names
    and the whole cell is one name run.  ``dob_column``: every date is a date of birth.
    """
    segment = _Segment()
    run: list[tuple[int, str, bool]] = []  # (position, token, is_initial)
    last_end = 0
    position = 0
    run_words = 0  # words in the run: a comma joins only "Surname, Forename"
    run_comma = False

    def flush() -> None:
        nonlocal run_words, run_comma
        if run:
            _name_run(run, segment)
            run.clear()
        run_words, run_comma = 0, False

    out = segment
    for start, _end, group, match in _tokens(text):
        position += 1
        if group == "word":
            word = match.group()
            is_initial = len(word) == 1 and word.isupper()
            named = name_cell or is_initial or (
                word[0].isupper() and fold(word) not in _NOT_NAMES)
            if not named or (len(word) == 1 and not is_initial):
                flush()
                continue
            parts = (word.upper(),) if is_initial else name_parts(word)
            if not parts:
                flush()
                continue
            if run and not name_cell:
                gap = text[last_end:start]
                joined = (_JOIN_AFTER_INITIAL if run[-1][2] else _JOIN).fullmatch(gap)
                if joined is None or ("," in gap and (run_words > 1 or run_comma)):
                    flush()
                elif "," in gap:
                    run_comma = True
            run_words += 1
            for part in parts:
                run.append((position, part.lower() if is_initial else part, is_initial))
            last_end = match.end()
            continue
        flush()
        value = match.group()
        if group == "email":
            out.add(EMAIL, value.lower().strip(".'"))
        elif group == "date":
            date = parse_date(match)
            if date is None or not 1900 <= date.year <= 2100:
                continue
            iso = date.isoformat()
            out.add(DATE, iso)
            line_start = text.rfind("\n", 0, start) + 1
            before = text[max(line_start, start - CUE_CHARS):start]
            if dob_column or _CUE.search(before):
                out.add(DOB, iso)
                segment.anchors.append((position, DOB, iso))
        elif group == "upn":
            upn = value.upper()
            if is_valid_upn(upn):
                out.add(UPN, upn)
                segment.anchors.append((position, UPN, upn))
        elif group == "num":
            digits = compact(value)
            if is_valid_nhs(digits):
                out.add(NHS, digits)
                segment.anchors.append((position, NHS, digits))
            if value.isdigit() and is_valid_uln(digits):
                out.add(ULN, digits)
                segment.anchors.append((position, ULN, digits))
        elif group == "postcode":
            out.add(POSTCODE, compact(value))
    flush()
    return segment


def _name_run(run: Sequence[tuple[int, str, bool]], segment: _Segment) -> None:
    """Terms of one run of name words: each name, pairs up to two apart, initials."""
    first, last = run[0][0], run[-1][0]
    for index, (_, token, is_initial) in enumerate(run):
        if is_initial:
            for neighbour in (index - 1, index + 1):
                if 0 <= neighbour < len(run) and not run[neighbour][2]:
                    segment.add(INITIAL, f"{token} {run[neighbour][1]}")
            continue
        if len(token) < 2:
            continue
        segment.name(token)
        segment.names.append(token)
        for back in (1, 2):
            if index - back < 0:
                break
            _, other, other_initial = run[index - back]
            if other_initial or len(other) < 2 or other == token:
                continue
            segment.pairs.append((first, last, segment.pair(other, token)))


@lru_cache(maxsize=1)
def _headings() -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """Column heading phrases for names and dates of birth, and words that make a heading
    not a person's ("Class name"), from the shared ``column_headers.yaml``."""
    data = yaml.safe_load(
        resources.files("dpscan.detectors").joinpath("data", _PERSON_HEADINGS_FILE)
        .read_text("utf-8"))
    entities = data["entities"]
    return (tuple(p for t in NAME_TYPES for p in entities[t]),
            tuple(p for t in BIRTH_DATE_TYPES for p in entities[t]),
            frozenset(data.get("not_person") or ()))


def _heading_role(cell: str) -> str | None:
    words = " ".join(re.findall(r"[a-z0-9]+", cell.lower()))
    if not words or len(words) > 40:
        return None
    person, dob, not_person = _headings()
    padded = f" {words} "
    if any(f" {p} " in padded for p in dob):
        return DOB
    if any(f" {p} " in padded for p in person) and not (set(words.split()) & not_person):
        return NAME
    return None


def _looks_like_name_cell(cell: str) -> bool:
    words = cell.split()
    return 0 < len(words) <= 4 and all(w[:1].isupper() and w.replace("-", "").replace(
        "'", "").replace(".", "").replace(",", "").isalpha() for w in words)


def _scan_table(table: TableData, out: _Collector) -> None:
    """Terms of a table read by rows: names in name columns paired across the row, and the
    row's DOB and identifiers next to each of them."""
    rows = table.rows
    header_at, roles = None, {}
    for index, row in enumerate(rows[:10]):
        found = {col: role for col, cell in enumerate(row) if (role := _heading_role(cell))}
        if found:
            header_at, roles = index, found
            break
    for row in rows if header_at is None else rows[header_at + 1:]:
        anchors: list[tuple[int, str, str]] = []
        pairs: list[tuple[int, int, str]] = []
        name_cells: list[list[str]] = []
        for col, cell in enumerate(row):
            if not cell or not cell.strip():
                continue
            role = roles.get(col)
            is_name = role == NAME or (header_at is None and _looks_like_name_cell(cell))
            segment = (_cell(cell, is_name, role == DOB) if len(cell) <= _CACHED_CELL_CHARS
                       else _analyse(cell, name_cell=is_name, dob_column=role == DOB))
            out.take(segment)
            anchors.extend(segment.anchors)
            pairs.extend(segment.pairs)
            if is_name and segment.names:
                name_cells.append(segment.names[:ROW_CELL_TOKENS])
        for first, second in combinations(name_cells, 2):
            for a in first:
                for b in second:
                    if a != b:
                        pairs.append((0, 0, out.pair(a, b)))
        out.near(pairs, anchors, None)


def index_terms(text: str, tables: Sequence[TableData], key: bytes) -> dict[str, int]:
    """The keyed-hash terms of one file's text and tables, each with its count.

    Tables of three or more columns are read by rows (their rendering in ``text`` is left
    out of the prose); narrower ones ("Name | Amelia Jones") are read as prose.  At most
    :data:`MAX_TERMS` terms are returned, the strongest kinds first.  No raw value is in the
    result: every key is ``"<kind>:<hash>"``.  Unicode digits are read as ASCII
    (:func:`dpscan.detectors.digits.fold_digits`), as detection reads them.
    """
    text = fold_digits(text)
    tables = [TableData(name=t.name, rows=fold_rows(t.rows), start=t.start, end=t.end)
              for t in tables]
    out = _Collector()
    skip: list[tuple[int, int]] = []
    for table in tables:
        if table.rows and max(len(r) for r in table.rows) >= 3:
            _scan_table(table, out)
            if 0 <= table.start < table.end:
                skip.append((table.start, table.end))
    position = 0
    for start, end in sorted(skip):
        if start > position:
            _prose(text[position:start], out)
        position = max(position, end)
    _prose(text[position:], out)
    counts = out.counts
    if len(counts) > MAX_TERMS:
        kept = sorted(counts.items(), key=lambda kv: (_PRIORITY[kv[0][0]], -kv[1]))[:MAX_TERMS]
        counts = Counter(dict(kept))
    return {hash_term(key, kind, value): n for (kind, value), n in counts.items()}


def _prose(text: str, out: _Collector) -> None:
    if text.strip():
        segment = _analyse(text)
        out.take(segment)
        out.near(segment.pairs, segment.anchors, NEAR_WORDS)


# --- the search side -----------------------------------------------------------------


class QueryError(ValueError):
    """A request that cannot be searched (no name, a malformed DOB, a UPN with a wrong
    check letter ...); the message says which value and why."""


@dataclass(frozen=True, slots=True)
class PersonQuery:
    """Who to look for: a name and whatever identifiers the request gives."""

    name: str
    dob: dt.date | None = None
    upn: str | None = None
    uln: str | None = None
    nhs: str | None = None
    email: str | None = None
    postcode: str | None = None

    @classmethod
    def build(cls, name: str, *, dob: str | dt.date | None = None, upn: str | None = None,
              uln: str | None = None, nhs: str | None = None, email: str | None = None,
              postcode: str | None = None) -> PersonQuery:
        """A query from typed values, normalised and checked; raises :class:`QueryError`."""
        forenames, surnames = parse_name(name)
        if not forenames or not surnames:
            raise QueryError(f"{name!r} is not a forename and a surname")
        if isinstance(dob, str):
            dob = parse_dob(dob)
        if upn is not None:
            upn = compact(upn)
            if not is_valid_upn(upn):
                raise QueryError("the UPN's check letter is wrong (or it is not 13 characters)")
        if uln is not None:
            uln = compact(uln)
            if not is_valid_uln(uln):
                raise QueryError("the ULN's check digit is wrong (or it is not 10 digits)")
        if nhs is not None:
            nhs = compact(nhs)
            if not is_valid_nhs(nhs):
                raise QueryError("the NHS number's check digit is wrong (or not 10 digits)")
        if email is not None:
            email = email.strip().lower()
            if "@" not in email:
                raise QueryError("the email address has no @")
        if postcode is not None:
            postcode = compact(postcode)
            if not _postcode_pattern().fullmatch(postcode):
                raise QueryError("not a UK postcode")
        return cls(" ".join(name.split()), dob, upn, uln, nhs, email, postcode)

    def masked(self) -> dict[str, str | None]:
        """The query for reports: every value masked."""
        from dpscan.detectors.masking import mask_value

        def mask(kind: str, value: object) -> str | None:
            return None if value is None else mask_value(_ENTITY_OF_KIND[kind], str(value))

        return {
            "name": mask(NAME, self.name),
            "dob": None if self.dob is None else "****-**-**",
            "upn": mask(UPN, self.upn),
            "uln": mask(ULN, self.uln),
            "nhs": mask(NHS, self.nhs),
            "email": mask(EMAIL, self.email),
            "postcode": mask(POSTCODE, self.postcode),
        }

    def identifiers(self) -> dict[str, str]:
        """The anchor identifiers given (kind -> normalised value)."""
        values = {DOB: self.dob.isoformat() if self.dob else None, UPN: self.upn,
                  ULN: self.uln, NHS: self.nhs}
        return {k: v for k, v in values.items() if v}


def parse_name(name: str) -> tuple[list[str], list[str]]:
    """(forename tokens, surname tokens) of a typed name: "Amelia Rose Jones", "JONES
    Amelia" (capitals mark the surname), "Jones, Amelia"."""
    if "," in name:
        surname_text, _, forename_text = name.partition(",")
        words, sur = forename_text.split(), surname_text.split()
    else:
        words = name.split()
        caps = [w for w in words if w.isupper() and len(w) > 1]
        if caps and len(caps) < len(words):
            sur = caps
            words = [w for w in words if w not in caps]
        else:
            sur, words = words[-1:], words[:-1]
    forenames = [t for w in words for t in name_parts(w)]
    surnames = [t for w in sur for t in name_parts(w)]
    return forenames, surnames


@lru_cache(maxsize=1)
def nickname_groups() -> tuple[frozenset[str], ...]:
    """The groups of ``data/nicknames.yaml``."""
    data = yaml.safe_load(
        resources.files("dpscan.detectors").joinpath("data", _NICKNAMES_FILE).read_text("utf-8")
    )
    return tuple(frozenset(fold(n) for n in group) for group in data["groups"])


def nicknames(forename: str) -> set[str]:
    """Other names of every group ``forename`` belongs to (not the name itself)."""
    token = fold(forename)
    found: set[str] = set()
    for group in nickname_groups():
        if token in group:
            found |= group
    found.discard(token)
    return found


@dataclass(frozen=True, slots=True)
class TermSpec:
    """What a hashed query term stands for: its kind and the name variant behind it."""

    kind: str
    variant: str = ""  # exact | nickname | middle for name terms; the anchor kind for near
    anchor: str = ""


def query_terms(query: PersonQuery, key: bytes) -> dict[str, TermSpec]:
    """Every hashed term that would show ``query``'s person in a file's index terms.

    Name variants: the forename (and middle names, and nicknames of the forename) with each
    surname part in either order, ALL CAPS and accents folded; the forename's initial with
    the surname; the same pairs as sound codes; the surname alone.  Identifiers exactly,
    and each name variant next to each identifier given.
    """
    forenames, surnames = parse_name(query.name)
    terms: dict[str, TermSpec] = {}

    def put(kind: str, value: str, variant: str = "", anchor: str = "") -> None:
        term = hash_term(key, kind, value)
        terms.setdefault(term, TermSpec(kind, variant, anchor))

    variants: list[tuple[str, str]] = []
    if forenames:
        first = forenames[0]
        variants.append((first, "exact"))
        variants.extend((m, "middle") for m in forenames[1:])
        variants.extend((n, "nickname") for n in sorted(nicknames(first) - set(forenames)))
    identifiers = query.identifiers()
    for surname in surnames:
        put(NAME, surname, "surname")
        for forename, variant in variants:
            if forename == surname:
                continue
            pair = pair_value(forename, surname)
            put(PAIR, pair, variant)
            for kind, value in identifiers.items():
                put(NEAR, f"{pair}|{kind}:{value}", variant, kind)
                put(DATED, f"{pair}|{kind}", variant, kind)
            pf, ps = phonetic(forename), phonetic(surname)
            if pf and ps and variant != "middle":
                put(PHONPAIR, pair_value(pf, ps), variant)
        if forenames:
            put(INITIAL, f"{forenames[0][0]} {surname}", "exact")
    for kind, value in identifiers.items():
        put(kind, value)
        if kind == DOB:
            put(DATE, value)
    if query.email:
        put(EMAIL, query.email)
    if query.postcode:
        put(POSTCODE, query.postcode)
    return terms


# --- ranking -------------------------------------------------------------------------

# Points per kind of evidence (first occurrence; repeats of a name add REPEAT_POINTS each).
POINTS: dict[str, int] = {
    "upn": 100, "uln": 100, "nhs": 100, "near": 80, "email": 60, "name": 30, "nickname": 24,
    "middle": 20, "sounds_like": 15, "fuzzy_name": 15, "initial": 10, "dob": 8,
    "postcode": 10, "date": 2, "surname": 3,
}
REPEAT_POINTS = 2
# The pseudo-term a rescan counts misspelt mentions under (never in an index).
FUZZY_TERM = "fuzzy:rescan"
MAX_REPEATS = 4
# Points taken off a file where the name stands next to another DOB or identifier.
CONFLICT_POINTS = 60

_ANCHOR_LABEL = {DOB: "DOB", UPN: "UPN", ULN: "ULN", NHS: "NHS number"}
_ID_LABEL = {UPN: "UPN", ULN: "ULN", NHS: "NHS number", EMAIL: "email address"}

# Confidence of a match (public: person.json).
STRONG = "strong"  # an identifier, or the name next to the DOB / an identifier
LIKELY = "likely"  # the name with supporting evidence (postcode, DOB elsewhere in the file)
POSSIBLE = "possible"  # the name (or a variant) alone
OTHER_PERSON = "other_person"  # the name next to a different DOB or identifier


def _times(label: str, n: int) -> str:
    return label if n == 1 else f"{label} x{n}"


def score_terms(query_spec: Mapping[str, TermSpec], counts: Mapping[str, int],
                query: PersonQuery) -> tuple[int, str | None, dict[str, int], list[str]]:
    """(score, confidence or None when the file is not about the person, match counts by
    kind, reasons) for one file's matching term counts."""
    by: dict[str, int] = Counter()
    near_kinds: Counter[str] = Counter()
    dated_kinds: set[str] = set()
    for term, n in counts.items():
        spec = query_spec.get(term)
        if spec is None or n <= 0:
            continue
        if spec.kind == PAIR:
            by[{"exact": "name", "nickname": "nickname", "middle": "middle"}[spec.variant]] += n
        elif spec.kind == PHONPAIR:
            by["sounds_like"] += n
        elif spec.kind == "fuzzy":
            by["fuzzy_name"] += n
        elif spec.kind == NAME:
            by["surname"] += n
        elif spec.kind == NEAR:
            near_kinds[spec.anchor] += n
        elif spec.kind == DATED:
            dated_kinds.add(spec.anchor)
        else:
            by[spec.kind] += n
    score = 0
    reasons: list[str] = []
    for kind in (UPN, ULN, NHS, EMAIL):
        if by[kind]:
            score += POINTS[kind]
            reasons.append(_times(_ID_LABEL[kind], by[kind]))
    for anchor in ANCHOR_KINDS:
        if near_kinds[anchor]:
            score += POINTS["near"]
            reasons.append(_times(f"{_ANCHOR_LABEL[anchor]} next to name", near_kinds[anchor]))
    # Identifier next to a name variant, but not the request's value: another person's.
    conflicts = [a for a in ANCHOR_KINDS if a in dated_kinds and not near_kinds[a]]
    name_kind = next((k for k in ("name", "nickname", "middle", "sounds_like", "fuzzy_name")
                      if by[k]), None)
    if name_kind is None and by["initial"]:
        name_kind = "initial"
    labels = {"name": "full name", "nickname": "nickname and surname",
              "middle": "middle name and surname", "sounds_like": "a name that sounds alike",
              "fuzzy_name": "the name misspelt (read again)",
              "initial": "initial and surname"}
    if name_kind:
        n = by[name_kind]
        score += POINTS[name_kind] + REPEAT_POINTS * min(n - 1, MAX_REPEATS)
        reasons.append(_times(labels[name_kind], n))
    elif by["surname"]:
        score += POINTS["surname"]
        reasons.append(_times("surname only", by["surname"]))
    if by[DOB]:
        score += POINTS["dob"]
        if not near_kinds[DOB]:
            reasons.append(_times("DOB", by[DOB]))
    elif by[DATE]:
        score += POINTS["date"]
        reasons.append(_times("a date equal to the DOB", by[DATE]))
    if by[POSTCODE]:
        score += POINTS["postcode"]
        reasons.append(_times("postcode", by[POSTCODE]))
    strong = any(by[k] for k in (UPN, ULN, NHS, EMAIL)) or any(near_kinds.values())
    matches = {k: v for k, v in by.items() if v}
    for anchor, n in near_kinds.items():
        if n:
            matches[f"{anchor}_near_name"] = n
    if strong:
        confidence = STRONG
    elif name_kind and conflicts:
        score = max(1, score - CONFLICT_POINTS)
        reasons.append("name next to another " + " and ".join(
            _ANCHOR_LABEL[a] for a in conflicts) + ": probably someone else of that name")
        confidence = OTHER_PERSON
    elif name_kind and (by[DOB] or by[POSTCODE] or by[DATE]):
        confidence = LIKELY
    elif name_kind:
        confidence = POSSIBLE
    else:
        confidence = None
    return score, confidence, matches, reasons


def rank(query: PersonQuery, candidates: Iterable[tuple[FileResult, Mapping[str, int]]],
         key: bytes, *, spec: Mapping[str, TermSpec] | None = None) -> list[PersonMatch]:
    """Score each candidate file and return those about the person (and those set aside
    as probably another person of the same name, confidence ``other_person``), best first.

    Files that only share the surname, a date or a postcode are left out: siblings and
    classmates are not the person.
    """
    spec = query_terms(query, key) if spec is None else spec
    found: list[PersonMatch] = []
    for record, counts in candidates:
        score, confidence, matches, reasons = score_terms(spec, counts, query)
        if confidence is not None:
            found.append(PersonMatch(record, score, confidence, matches, reasons))
    order = {STRONG: 0, LIKELY: 1, POSSIBLE: 2, OTHER_PERSON: 3}
    # Tiers first: the DOB next to the name beats the name alone, however often repeated.
    found.sort(key=lambda m: (order[m.confidence], -m.score, m.file.root, m.file.path))
    return found


def lookup_terms(spec: Mapping[str, TermSpec]) -> list[str]:
    """The hashed terms to ask the catalogue for (sound codes of single names and lone
    forenames are never asked: they would return most of the share)."""
    return sorted(spec)


__all__ = [
    "HASH_HEX",
    "MAX_TERMS",
    "NEAR_WORDS",
    "PersonMatch",
    "PersonQuery",
    "FUZZY_TERM",
    "QueryError",
    "TermSpec",
    "hash_term",
    "index_terms",
    "lookup_terms",
    "query_terms",
    "rank",
]
