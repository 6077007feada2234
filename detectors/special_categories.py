"""Special-category detector: which sensitive kinds of data a document's text touches.

UK GDPR Art. 9 categories (health, ethnicity, religion, biometric, sex life and sexual
orientation, trade union membership), Art. 10 criminal offence data, and the data
schools guard just as closely (SEN, safeguarding, free school meals / pupil premium,
looked-after children).  The phrases live in ``data/special_categories.yaml``, a file a
DPO can edit; category ids are a public contract (findings.json ``special_categories``).

Matching
    Text and phrases are normalised the same way: every run of characters that are
    not letters or digits (spaces, line breaks, hyphens, apostrophes, punctuation,
    underscores) becomes one space, so "self-harm" == "self harm" and a phrase only
    ever matches whole words.  Phrases match ignoring case, except abbreviations
    (written in capitals in the YAML, at most 4 characters: "EHCP", "CP", "LAC"),
    which must appear in capitals ("cp /tmp" and "lack" never match).  A hit inside a
    longer hit of the same category and at least the same tier is not counted again
    ("foster care" is one weak phrase, not "foster care" + "care").

Decision rule, per category
    The category is reported when the text has

    * at least one ``strong`` phrase, or
    * at least ``min_weak`` *distinct* phrases among the ``weak`` phrases and the
      confirmed ``needs_cue`` phrases.

    A ``needs_cue`` hit is confirmed only when a strong or weak hit of the same
    category starts within :data:`CUE_WINDOW_WORDS` words of it; two ``needs_cue``
    hits never confirm each other, and unconfirmed ones are ignored entirely.

Neutral phrases
    The file's top-level ``neutral`` list holds names that use the categories' words
    about no one: courses ("Mental Health First Aid", "Paediatric First Aid"), services
    ("school nursing team", "NHS 111") and form labels ("GP surgery", "Consent to first
    aid").  A category hit inside a neutral phrase does not count, in prose or in cells.

Results carry, per reported category, up to :data:`EVIDENCE_PER_CATEGORY` distinct
matched phrases (vocabulary words as spelt in the YAML, never text from the document)
and the number of counted hits.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# pyahocorasick rather than spaCy's PhraseMatcher: one C automaton finds every phrase
# in a single pass over the text (5 MB in ~0.1 s against ~0.6 s just to tokenise it
# with a blank spaCy pipeline), it has no max_length limit, and it allocates nothing
# per word.  Word boundaries come from normalising text and phrases alike (below).
import ahocorasick
import yaml

from dpscan.model.configfile import ConfigFile, Fields
from dpscan.model.errors import ConfigError

DEFAULT_VOCABULARY_PATH = Path(__file__).parent / "data" / "special_categories.yaml"

CUE_WINDOW_WORDS = 50  # how near a needs_cue hit must be to a strong/weak hit
EVIDENCE_PER_CATEGORY = 5
DEFAULT_MIN_WEAK = 2
ABBREVIATION_MAX_CHARS = 4  # all-caps phrases up to this length match case-sensitively
SUPPORTED_VERSION = 1

STRONG = "strong"
WEAK = "weak"
NEEDS_CUE = "needs_cue"
# Tier ranks: a hit is absorbed only by a longer hit of the same or a higher rank, so a
# strong phrase inside a weak one still decides its category.
_RANK = {STRONG: 2, WEAK: 1, NEEDS_CUE: 0}

_CATEGORY_FIELDS = ("description", "min_weak", STRONG, WEAK, NEEDS_CUE)
NEUTRAL = "neutral"
_TOP_FIELDS = ("version", "categories", NEUTRAL)
_CATEGORY_ID = re.compile(r"[a-z][a-z0-9_]*")
_SEPARATORS = re.compile(r"[\W_]+")


class VocabularyError(ConfigError):
    """The vocabulary file is invalid: ``problems`` names the file, line and field of each."""


@dataclass(frozen=True, slots=True)
class CategoryVocabulary:
    """One category's phrases, as written in the YAML."""

    id: str
    description: str
    min_weak: int
    strong: tuple[str, ...]
    weak: tuple[str, ...] = ()
    needs_cue: tuple[str, ...] = ()

    def tiers(self) -> Iterator[tuple[str, tuple[str, ...]]]:
        """(tier name, phrases) for the three tiers, strong first."""
        yield STRONG, self.strong
        yield WEAK, self.weak
        yield NEEDS_CUE, self.needs_cue


@dataclass(frozen=True, slots=True)
class SpecialCategoryVocabulary:
    """A validated vocabulary: categories in file order, plus provenance."""

    categories: tuple[CategoryVocabulary, ...]
    source: str  # the file it was read from
    digest: str  # sha256 of the file's bytes, recorded so a scan can say which list it used
    # Course, service and form-label names whose words reveal nothing (see "Neutral
    # phrases" in the module's docstring).
    neutral: tuple[str, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        """Category ids in file order (the order results list them in)."""
        return tuple(c.id for c in self.categories)


@dataclass(frozen=True, slots=True)
class SpecialCategoryResult:
    """What :meth:`SpecialCategoryDetector.detect` found in one text.

    ``categories`` is in vocabulary order; ``evidence`` and ``counts`` have one entry per
    reported category: up to five distinct vocabulary phrases (strong ones first) and the
    number of hits that counted.
    """

    categories: list[str]
    evidence: dict[str, list[str]]
    counts: dict[str, int]


def normalise(text: str) -> str:
    """``text`` with every run of non-alphanumeric characters turned into one space."""
    return _SEPARATORS.sub(" ", text).strip()


def is_abbreviation(phrase: str) -> bool:
    """True when ``phrase`` must match case-sensitively: all capitals, at most 4 chars."""
    phrase = phrase.strip()
    return len(phrase) <= ABBREVIATION_MAX_CHARS and phrase.isupper()


# --------------------------------------------------------------------------- loading


def load_vocabulary(path: Path | None = None) -> SpecialCategoryVocabulary:
    """Read and validate a vocabulary file (default: the one shipped with dpscan).

    Raises :class:`VocabularyError` naming the file, line and field of every problem:
    unknown fields, missing or empty phrase lists, phrases that are not text, duplicate
    categories or phrases, bad ``min_weak`` values, or YAML syntax errors.
    """
    path = DEFAULT_VOCABULARY_PATH if path is None else Path(path)
    config = ConfigFile.read(path, what="vocabulary file", error=VocabularyError)
    categories, neutral = _read_vocabulary(config)
    config.check()
    return SpecialCategoryVocabulary(
        categories=tuple(categories),
        source=str(path),
        digest=hashlib.sha256(config.raw).hexdigest(),
        neutral=neutral,
    )


def _read_vocabulary(config: ConfigFile) -> tuple[list[CategoryVocabulary], tuple[str, ...]]:
    """The valid categories and neutral phrases of the file; problems are recorded on
    ``config``."""
    if config.root is None:
        config.problem(
            None, "", "the vocabulary file is empty (it must be a mapping with a categories field)"
        )
        return [], ()
    top = config.mapping(config.root, "", "the vocabulary file", allowed=_TOP_FIELDS)
    if top is None:
        return [], ()
    version = top.integer("version", required=False)
    if version is not None and version != SUPPORTED_VERSION:
        config.problem(
            top.get("version"),
            "",
            f"version must be {SUPPORTED_VERSION} (got {version})",
        )
    neutral = _read_phrases(top, NEUTRAL, {}) if NEUTRAL in top else ()
    listed = top.required("categories")
    if listed is None:
        return [], neutral
    if not isinstance(listed, yaml.MappingNode) or not listed.value:
        config.problem(
            listed, "", "categories must be a non-empty mapping of category id: fields"
        )
        return [], neutral
    by_id = config.mapping(listed, "", "categories", prefix="categories.")
    assert by_id is not None  # a mapping node, checked above
    categories: list[CategoryVocabulary] = []
    for category_id, (key_node, node) in by_id.entries.items():
        if not _CATEGORY_ID.fullmatch(category_id):
            config.problem(
                key_node,
                f"category '{category_id}'",
                "id must be lower case letters, digits and underscores, starting with a letter",
            )
            continue
        category = _read_category(config, category_id, node)
        if category is not None:
            categories.append(category)
    return categories, neutral


def _read_category(
    config: ConfigFile, category_id: str, node: yaml.Node
) -> CategoryVocabulary | None:
    """One category, or None when it has problems (they are recorded on ``config``)."""
    before = config.count
    where = f"category '{category_id}'"
    fields = config.mapping(node, where, "a category", allowed=_CATEGORY_FIELDS)
    if fields is None:
        return None
    description = fields.text("description", required=False, empty_ok=True) or ""
    min_weak = fields.integer("min_weak", required=False, minimum=1)
    fields.required(STRONG)
    lists: dict[str, tuple[str, ...]] = {}
    seen: dict[str, str] = {}  # normalised, case-folded phrase -> tier it is in
    for tier in (STRONG, WEAK, NEEDS_CUE):
        if tier in fields:
            lists[tier] = _read_phrases(fields, tier, seen)
    countable = len(lists.get(WEAK, ())) + len(lists.get(NEEDS_CUE, ()))
    # Only worth saying once the phrases themselves are right: a bad phrase is not counted.
    if min_weak is not None and min_weak > countable and config.count == before:
        config.problem(
            fields.get("min_weak"),
            where,
            f"min_weak: {min_weak} is more than the {countable} {WEAK} and {NEEDS_CUE} "
            "phrases listed, so they could never count",
        )
    if config.count > before:
        return None
    return CategoryVocabulary(
        id=category_id,
        description=description,
        min_weak=DEFAULT_MIN_WEAK if min_weak is None else min_weak,
        strong=lists[STRONG],
        weak=lists.get(WEAK, ()),
        needs_cue=lists.get(NEEDS_CUE, ()),
    )


def _read_phrases(fields: Fields, tier: str, seen: dict[str, str]) -> tuple[str, ...]:
    phrases: list[str] = []
    for item, phrase in fields.text_list(tier):
        key = normalise(phrase).lower()
        if not key:
            fields.config.problem(
                item, fields.where, f"{tier}: phrase {phrase!r} has no letters or digits"
            )
            continue
        # Compared ignoring case and punctuation: "self-harm" and "Self harm" would
        # match the same words and inflate the count of distinct phrases.
        if key in seen:
            fields.config.problem(
                item, fields.where, f"{tier}: phrase {phrase!r} is already listed in {seen[key]}"
            )
            continue
        seen[key] = tier
        phrases.append(phrase)
    return tuple(phrases)


# -------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class _Entry:
    """What one automaton key stands for in one category."""

    category: int  # index into the vocabulary's categories
    rank: int
    phrase: str  # as written in the YAML: shown as evidence
    words: int  # words in the normalised phrase


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int  # word index of the first word
    end: int  # word index one past the last word
    rank: int
    phrase: str


def _build_automaton(keys: dict[str, list[_Entry]]) -> ahocorasick.Automaton | None:
    if not keys:
        return None  # pyahocorasick refuses to search with an empty automaton
    automaton = ahocorasick.Automaton()
    for key, entries in keys.items():
        automaton.add_word(key, tuple(entries))
    automaton.make_automaton()
    return automaton


def _scan(automaton: ahocorasick.Automaton | None, text: str, hits: list[list[_Hit]]) -> None:
    """Append every hit of ``automaton`` in ``text`` (normalised, space-padded)."""
    if automaton is None:
        return
    # Keys are " phrase " padded with spaces, and normalised text has exactly one space
    # between words, so a key can only match whole words and the word index of a hit
    # is the number of spaces before it.  Hits come in order of their end, so the spaces
    # are counted incrementally: one pass over the text however many hits there are.
    spaces = 0
    counted_to = 0
    for end, entries in automaton.iter(text):
        spaces += text.count(" ", counted_to, end)
        counted_to = end
        for entry in entries:
            start = spaces - entry.words
            hits[entry.category].append(_Hit(start, start + entry.words, entry.rank, entry.phrase))


def _drop_contained(hits: list[_Hit]) -> list[_Hit]:
    """``hits`` less those inside a longer hit of the same or a higher rank."""
    contained: set[int] = set()
    for rank in _RANK.values():
        candidates = sorted(
            (i for i, h in enumerate(hits) if h.rank >= rank),
            key=lambda i: (hits[i].start, -hits[i].end),
        )
        furthest = -1  # the furthest end among candidates starting at or before this one
        for i in candidates:
            hit = hits[i]
            if hit.rank == rank and furthest >= hit.end:
                contained.add(i)
            furthest = max(furthest, hit.end)
    return [h for i, h in enumerate(hits) if i not in contained]


class SpecialCategoryDetector:
    """Finds special categories in text; build once and reuse (the automata are built here)."""

    def __init__(self, vocabulary: SpecialCategoryVocabulary | None = None) -> None:
        """Use ``vocabulary``, or load the shipped one (raises :class:`VocabularyError`)."""
        self.vocabulary = load_vocabulary() if vocabulary is None else vocabulary
        folded: dict[str, list[_Entry]] = {}
        exact: dict[str, list[_Entry]] = {}
        for index, category in enumerate(self.vocabulary.categories):
            for tier, phrases in category.tiers():
                for phrase in phrases:
                    normal = normalise(phrase)
                    entry = _Entry(index, _RANK[tier], phrase, normal.count(" ") + 1)
                    if is_abbreviation(phrase):
                        exact.setdefault(f" {normal} ", []).append(entry)
                    else:
                        folded.setdefault(f" {normal.lower()} ", []).append(entry)
        self._folded = _build_automaton(folded)
        self._exact = _build_automaton(exact)
        neutral_folded: dict[str, list[_Entry]] = {}
        neutral_exact: dict[str, list[_Entry]] = {}
        for phrase in self.vocabulary.neutral:
            normal = normalise(phrase)
            entry = _Entry(0, 0, phrase, normal.count(" ") + 1)
            if is_abbreviation(phrase):
                neutral_exact.setdefault(f" {normal} ", []).append(entry)
            else:
                neutral_folded.setdefault(f" {normal.lower()} ", []).append(entry)
        self._neutral_folded = _build_automaton(neutral_folded)
        self._neutral_exact = _build_automaton(neutral_exact)

    def detect(self, text: str) -> SpecialCategoryResult:
        """The categories ``text`` touches, with vocabulary phrases as evidence."""
        normal = f" {normalise(text)} "
        hits: list[list[_Hit]] = [[] for _ in self.vocabulary.categories]
        # Normalise before lower-casing: lower() can lengthen a word ("İ" -> "i̇") but never
        # adds or removes a space, so word indices agree between the two passes.
        _scan(self._folded, normal.lower(), hits)
        _scan(self._exact, normal, hits)
        neutral: list[list[_Hit]] = [[]]
        _scan(self._neutral_folded, normal.lower(), neutral)
        _scan(self._neutral_exact, normal, neutral)
        hits = _drop_inside_other_strong(_drop_inside_neutral(hits, neutral[0]))
        categories: list[str] = []
        evidence: dict[str, list[str]] = {}
        counts: dict[str, int] = {}
        for category, category_hits in zip(self.vocabulary.categories, hits, strict=True):
            counted = self._counted_hits(category, category_hits)
            if counted is None:
                continue
            categories.append(category.id)
            counts[category.id] = len(counted)
            evidence[category.id] = _evidence(counted)
        return SpecialCategoryResult(categories=categories, evidence=evidence, counts=counts)

    @staticmethod
    def _counted_hits(category: CategoryVocabulary, hits: list[_Hit]) -> list[_Hit] | None:
        """The hits that count when the category is decided, else None."""
        if not hits:
            return None
        hits = _drop_contained(hits)
        anchors = sorted(h.start for h in hits if h.rank > _RANK[NEEDS_CUE])
        counted = [h for h in hits if h.rank > _RANK[NEEDS_CUE] or _near(anchors, h.start)]
        if any(h.rank == _RANK[STRONG] for h in counted):
            return counted
        distinct = {h.phrase for h in counted}
        return counted if len(distinct) >= category.min_weak else None

    def __repr__(self) -> str:
        return f"SpecialCategoryDetector(source={self.vocabulary.source!r})"


def _drop_inside_neutral(hits: list[list[_Hit]], neutral: list[_Hit]) -> list[list[_Hit]]:
    """Per category, its hits less those inside a neutral phrase ("mental health" in
    "Mental Health First Aid", a course's name)."""
    if not neutral:
        return hits
    spans = sorted((h.start, h.end) for h in neutral)
    starts = [start for start, _ in spans]

    def inside(h: _Hit) -> bool:
        # Only the neutral phrases starting at or before the hit can hold it.
        return any(end >= h.end for _, end in spans[:bisect_left(starts, h.start + 1)])

    return [[h for h in category_hits if not inside(h)] for category_hits in hits]


def _drop_inside_other_strong(hits: list[list[_Hit]]) -> list[list[_Hit]]:
    """Per category, its hits less those inside a longer strong hit of another category:
    the longer phrase says what the words are about ("pupil premium plus" is for
    looked-after children, not free school meals; the "care plan" of an "education health
    and care plan" is SEN)."""
    # Strong hits by their first word: a hit is checked against the few that start at most
    # one phrase length before it, not against all of them.
    by_start: dict[int, list[tuple[int, int]]] = {}
    longest = 0
    for index, category_hits in enumerate(hits):
        for h in category_hits:
            if h.rank == _RANK[STRONG]:
                by_start.setdefault(h.start, []).append((h.end, index))
                longest = max(longest, h.end - h.start)
    if not by_start:
        return hits

    def inside_other(h: _Hit, index: int) -> bool:
        return any(other != index and h.end <= end and end - start > h.end - h.start
                   for start in range(h.start - longest, h.start + 1)
                   for end, other in by_start.get(start, ()))

    return [[h for h in category_hits if not inside_other(h, index)]
            for index, category_hits in enumerate(hits)]


def _near(anchors: list[int], position: int) -> bool:
    """True when some anchor word index is within CUE_WINDOW_WORDS of ``position``."""
    i = bisect_left(anchors, position - CUE_WINDOW_WORDS)
    return i < len(anchors) and anchors[i] <= position + CUE_WINDOW_WORDS


def _evidence(hits: list[_Hit]) -> list[str]:
    """Up to EVIDENCE_PER_CATEGORY distinct phrases: strong first, then by first position."""
    ordered = sorted(hits, key=lambda h: (h.rank != _RANK[STRONG], h.start))
    phrases: list[str] = []
    for hit in ordered:
        if hit.phrase not in phrases:
            phrases.append(hit.phrase)
            if len(phrases) == EVIDENCE_PER_CATEGORY:
                break
    return phrases


__all__ = [
    "CUE_WINDOW_WORDS",
    "DEFAULT_VOCABULARY_PATH",
    "EVIDENCE_PER_CATEGORY",
    "CategoryVocabulary",
    "SpecialCategoryDetector",
    "SpecialCategoryResult",
    "SpecialCategoryVocabulary",
    "VocabularyError",
    "is_abbreviation",
    "load_vocabulary",
]
