"""Find personal data in text with presidio-analyzer, fully offline, in two tiers.

:class:`PersonalDataDetector` is built once per process (loading the spaCy model
takes seconds) and then applied to each file's text.  It returns counts per
entity type and a few masked examples; the raw values never leave this module.

Two tiers, because spaCy's NER costs fifty times what the patterns do:

1. **Patterns** over all the text: every recognizer but NER (checksummed identifiers,
   emails, phones, postcodes, dates of birth, titled and register names), with context
   words read from spaCy's tokenizer alone (lower-cased words stand in for lemmas:
   presidio matches context words as substrings, so "numbers" still says "number").
2. **NER** (spaCy's ``ner`` pipe only, the rest of the pipeline switched off) where a
   name can be: the lines that hold a name candidate (:mod:`dpscan.detectors.name_gate`: a
   capitalised word that is not a plain English word, a title before a word, two
   capitalised words ...) or a first-tier hit, at most
   :attr:`DetectionSettings.ner_max_chars` per text (a text up to
   :attr:`DetectionSettings.ner_full_chars` goes whole; 0 by default).  How much text
   went through NER is returned with the findings (``FileResult.ner_chars``).
"""

from __future__ import annotations

import logging
import re
import threading
from bisect import bisect_right
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngineProvider, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import use_ops
from threadpoolctl import threadpool_limits

from dpscan.detectors.masking import mask_value
from dpscan.detectors.name_gate import name_candidates
from dpscan.detectors.names import form_words, recase_for_ner, split_person_span
from dpscan.detectors.ner_cache import NameHit, SharedNerCache, cache_for_this_process
from dpscan.detectors.recognizers import build_recognizers
from dpscan.detectors.settings import ensure_model_installed
from dpscan.model.config import DetectionSettings
from dpscan.model.entities import ENTITIES, NAME_TYPES
from dpscan.model.records import ENTITY_TYPES, Evidence

# spaCy refuses texts over nlp.max_length and its memory grows with the text:
# long texts are analysed in chunks cut at line ends.
CHUNK_CHARS = 100_000
# Of a line longer than twice this, NER reads only the words within this many characters
# of a name candidate or a first-tier hit (a paragraph of a .docx is one line).
NER_WINDOW_CHARS = 300
# Pieces of text spaCy's NER takes in one batch.
NER_BATCH = 128
# Pieces whose NER answer a detector keeps (a few MB): see PersonalDataDetector._names.
NER_CACHE_PIECES = 20_000


@dataclass(slots=True)
class Analysis:
    """Every accepted finding in one text, and how many of its characters went through NER."""

    found: list[tuple[RecognizerResult, str]] = field(default_factory=list)
    ner_chars: int = 0


@dataclass(slots=True)
class Detection:
    """Personal data found in one text: counts per type and masked examples."""

    entities: dict[str, int] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)


def split_text(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """Cut ``text`` into (offset, chunk) pieces of at most ``size`` chars, at line ends."""
    chunks: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = text.rfind("\n", start, end)
            if cut > start:
                end = cut + 1
        chunks.append((start, text[start:end]))
        start = end
    return chunks


_SURNAME_COMMA = re.compile(r",\s?$")
# Per type, the types a match of it is not one inside (see Entity.dropped_inside).
_DROPPED_INSIDE: dict[str, tuple[str, ...]] = {
    row.id: row.dropped_inside for row in ENTITIES if row.dropped_inside}


def _refine(
    text: str, results: list[RecognizerResult]
) -> list[tuple[RecognizerResult, str]]:
    """Turn presidio's results into (result, value) findings, fixing what it gets wrong.

    - A name span over a line break is one name per line ("Miss S. Nguyen\nNathan").
    - "HARDING, Wayne" in a register is one person, not a surname and a forename.
    - A match overlapping a match of a type its row lists in ``dropped_inside`` is not one
      (a 3-3-4 digit run inside a phone number "+44 121 496 0693" is not an NHS number).
    - Name spans that are not names (streets, titles, headings) are dropped.
    """
    spans: dict[str, list[tuple[int, int]]] = {}
    for result in results:
        spans.setdefault(result.entity_type, []).append((result.start, result.end))
    people: list[RecognizerResult] = []
    found: list[tuple[RecognizerResult, str]] = []
    for result in sorted(results, key=lambda r: r.start):
        if any(result.start < end and result.end > start
               for outer in _DROPPED_INSIDE.get(result.entity_type, ())
               for start, end in spans.get(outer, ())):
            continue
        if result.entity_type not in NAME_TYPES:
            found.append((result, text[result.start:result.end]))
            continue
        for start, name in split_person_span(text[result.start:result.end]):
            start += result.start
            part = RecognizerResult(result.entity_type, start, start + len(name), result.score,
                                    analysis_explanation=result.analysis_explanation)
            previous = people[-1] if people else None
            if previous is not None and part.start < previous.end:
                previous.end = max(previous.end, part.end)  # spaCy and a pattern: one name
                continue
            between = text[previous.end:start] if previous else ""
            if (previous is not None and _SURNAME_COMMA.fullmatch(between)
                    and text[previous.start:previous.end].isupper()):
                previous.end = part.end  # "HARDING, Wayne": extend the surname's span
                continue
            people.append(part)
    found.extend((p, text[p.start:p.end]) for p in people)
    return found


# presidio logs every recognizer it loads and every spaCy label it does not map, per
# process: noise in a technician's cron log.  Only its errors are shown.
logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)


def ner_only(nlp: Language) -> None:
    """Switch off every pipe of ``nlp`` that spaCy's ``ner`` does not need.

    presidio reads entities from spaCy; dpscan reads context words from the tokenizer
    (see :func:`token_artifacts`), so tagger, parser, attribute ruler and lemmatizer do
    nothing for it.  A model whose ``ner`` listens to a shared ``tok2vec`` or transformer
    keeps that pipe on (``en_core_web_sm``'s ``ner`` has its own, so it runs alone).
    """
    keep = {"ner", "entity_ruler", "span_ruler"}
    config = nlp.config.get("components", {})
    for name in list(keep):
        tok2vec = config.get(name, {}).get("model", {}).get("tok2vec", {})
        if "Listener" in str(tok2vec.get("@architectures", "")):
            upstream = tok2vec.get("upstream", "*")
            keep.update(nlp.pipe_names if upstream == "*" else [upstream])
    for name in nlp.pipe_names:
        if name not in keep:
            nlp.disable_pipe(name)


# Words for context: runs of letters and digits (with inner dots and apostrophes, so
# "D.O.B" and "O'Neill" stay whole), and single punctuation marks.
_TOKEN = re.compile(r"\w+(?:[.'’]\w+)*|[^\w\s]")


def token_artifacts(text: str, stop_words: frozenset[str]) -> NlpArtifacts:
    """presidio's NLP artifacts for the pattern tier: words found by a regular expression,
    lower-cased words for lemmas (presidio matches context words as substrings, so
    "numbers" still says "number"), no entities.  spaCy is not run at all."""
    matches = list(_TOKEN.finditer(text))
    tokens = [m.group() for m in matches]
    lemmas = [t.lower() for t in tokens]
    # presidio annotates tokens as a spaCy Doc but only iterates, counts and zips them.
    artifacts = NlpArtifacts(entities=[], tokens=tokens,  # type: ignore[arg-type]
                             tokens_indices=[m.start() for m in matches], lemmas=lemmas,
                             nlp_engine=None, language="en")
    # What presidio's set_keywords keeps: no stop words, no punctuation, no "be".
    artifacts.keywords = [w for w in lemmas if w not in stop_words and w != "be"
                          and (w[0].isalnum() or w[0] == "_")]
    return artifacts


class _Owned(list[RecognizerResult]):
    """Results no one else holds: presidio's enhancer may change them where they are."""

    def __deepcopy__(self, memo: dict[int, object]) -> _Owned:
        return self


class IndexedContextEnhancer(LemmaContextAwareEnhancer):
    """presidio's context enhancer with its two linear searches made logarithmic.

    presidio looks up a match's token by walking every token from the start and tests
    each context word against a list of every keyword: on a long text with many hits
    that is quadratic (seconds for one spreadsheet).  Same rules, bisect and a set.
    """

    def enhance_using_context(  # noqa: D102
        self, text: str, raw_results: list[RecognizerResult], nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer], context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        # presidio deep-copies the results before raising scores; AnalyzerEngine drops the
        # originals right after, and the copy cost a twentieth of the whole scan.
        return list(super().enhance_using_context(
            text, _Owned(raw_results), nlp_artifacts, recognizers, context))

    def _extract_surrounding_words(
        self, nlp_artifacts: NlpArtifacts, word: str, start: int
    ) -> list[str]:
        if not nlp_artifacts.tokens:
            return [""]
        index: tuple[list[int], frozenset[str]] | None = getattr(
            nlp_artifacts, "dpscan_index", None)
        if index is None:
            ends = [i + len(t) for i, t in zip(nlp_artifacts.tokens_indices,
                                               nlp_artifacts.tokens, strict=True)]
            index = (ends, frozenset(nlp_artifacts.keywords))
            # NlpArtifacts declares no such attribute but takes it (no __slots__; the
            # presidio canary test checks): the index lives as long as its artifacts.
            setattr(nlp_artifacts, "dpscan_index", index)  # noqa: B010
        ends, keywords = index
        # The first token that ends after the match starts (presidio's own rule).
        token = bisect_right(ends, start)
        if token >= len(ends):
            return [""]
        # presidio annotates the keywords as a list but only tests membership in them.
        context = self._add_n_words_backward(
            token, self.context_prefix_count, nlp_artifacts.lemmas,
            keywords)  # type: ignore[arg-type]
        context += self._add_n_words_forward(
            token, self.context_suffix_count, nlp_artifacts.lemmas,
            keywords)  # type: ignore[arg-type]
        return list(set(context))


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` sorted, overlapping ones merged."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


_LINE_END = re.compile("\n")


def ner_regions(
    text: str, hits: list[tuple[int, int]], full_chars: int, max_chars: int,
    window: int = NER_WINDOW_CHARS,
) -> list[tuple[int, int]]:
    """The (start, end) ranges of ``text`` that go through NER, in order.

    All of a text of up to ``full_chars``; otherwise the lines that hold a name candidate
    (:func:`dpscan.detectors.name_gate.name_candidates`) or a first-tier hit (``hits``: a name
    sits next to its email, phone or DOB), and of a line longer than twice ``window``
    only the words within ``window`` characters of them; at most ``max_chars`` in all,
    the earliest first.
    """
    if not text.strip():
        return []
    if len(text) <= full_chars:
        return [(0, len(text))]
    line_starts = [0, *(m.end() for m in _LINE_END.finditer(text))]
    spans = []
    for start, end in hits + name_candidates(text):
        line = bisect_right(line_starts, start) - 1
        line_start = line_starts[line]
        line_end = line_starts[line + 1] if line + 1 < len(line_starts) else len(text)
        if line_end - line_start > 2 * window:
            # A long paragraph: the words around the anchor, cut at spaces.
            cut = text.rfind(" ", line_start, max(line_start, start - window))
            line_start = cut + 1 if cut >= 0 else line_start
            cut = text.find(" ", min(line_end, end + window), line_end)
            line_end = cut if cut >= 0 else line_end
        spans.append((line_start, line_end))
    regions, used = [], 0
    for start, end in merge_spans(spans):
        if used + (end - start) > max_chars:
            end = start + max(0, max_chars - used)
            cut = text.rfind("\n", start, end)
            if cut > start:
                end = cut + 1
            else:  # never hand NER half a word (half a name would be the evidence)
                cut = text.rfind(" ", start, end)
                end = cut if cut > start else start
        if end > start:
            regions.append((start, end))
            used += end - start
        if used >= max_chars:
            break
    return regions


class PersonalDataDetector:
    """presidio's AnalyzerEngine with dpscan's UK recognizer set and the spaCy model."""

    def __init__(self, settings: DetectionSettings | None = None) -> None:
        self.settings = settings or DetectionSettings()
        model = self.settings.spacy_model
        ensure_model_installed(model)  # presidio would otherwise try to download it
        provider = NlpEngineProvider(
            nlp_configuration={
                "nlp_engine_name": "spacy",
                "models": [{"lang_code": "en", "model_name": model}],
            }
        )
        # thinc multiplies matrices with BLIS by default; numpy's BLAS is several times
        # faster on some CPUs (measured: 16% less NER time here) and gives the same
        # entities.  One BLAS thread: dpscan runs one worker process per core.
        threadpool_limits(limits=1, user_api="blas")
        with use_ops("numpy", use_blis=False):
            # nlp_engine_name "spacy" makes a SpacyNlpEngine; create_engine is typed as
            # returning its base class.
            nlp_engine = cast(SpacyNlpEngine, provider.create_engine())
        self._engine = nlp_engine
        self._nlp: Language = nlp_engine.get_nlp("en")
        self._stop_words = frozenset(self._nlp.Defaults.stop_words)
        # NER's answer for a piece of text depends on that text alone: a piece met before
        # (a letterhead, a signature block, a template's paragraph, a copied document) is
        # answered from here.  Least recently used pieces go first.
        self._ner_cache: OrderedDict[str, list[NameHit]] = OrderedDict()
        self._ner_lock = threading.Lock()
        # In a local executor's worker: answers shared with the scan's other workers.
        self.shared_cache: SharedNerCache | None = cache_for_this_process()
        ner_only(self._nlp)
        form_words()  # a malformed form_words.yaml stops the scan here, not at a file's names
        registry = RecognizerRegistry(supported_languages=["en"])
        registry.add_nlp_recognizer(nlp_engine)
        for recognizer in build_recognizers():
            registry.add_recognizer(recognizer)
        self._spacy = next(r for r in registry.recognizers if isinstance(r, SpacyRecognizer))
        self.entities = list(ENTITY_TYPES)
        self._min_threshold = min(
            [self.settings.default_threshold, *(t for _, t in self.settings.thresholds)]
        )
        self.analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=nlp_engine, supported_languages=["en"],
            context_aware_enhancer=IndexedContextEnhancer(),
        )

    def _names(self, chunks: list[str]) -> dict[str, list[NameHit]]:
        """spaCy's names in each of ``chunks``: from this detector's cache, else
        from the scan's shared cache, else from one batch through NER."""
        answers: dict[str, list[NameHit]] = {}
        with self._ner_lock:  # a Dask worker may run several files on one detector
            for chunk in chunks:
                found = self._ner_cache.get(chunk)
                if found is not None:
                    self._ner_cache.move_to_end(chunk)
                    answers[chunk] = found
        missing = [c for c in dict.fromkeys(chunks) if c not in answers]
        if self.shared_cache and missing:
            answers.update(self.shared_cache.get_many(missing))
            missing = [c for c in missing if c not in answers]
        docs = self._nlp.pipe((recase_for_ner(c) for c in missing), batch_size=NER_BATCH)
        computed = {
            text: [(r.entity_type, r.start, r.end, r.score)
                   for r in self._spacy.analyze(text, list(NAME_TYPES),
                                                self._entity_artifacts(doc))]
            for text, doc in zip(missing, docs, strict=True)
        }
        if self.shared_cache and computed:
            self.shared_cache.put_many(computed)
        answers.update(computed)
        with self._ner_lock:
            for chunk in dict.fromkeys(chunks):
                self._ner_cache[chunk] = answers[chunk]
                self._ner_cache.move_to_end(chunk)
            while len(self._ner_cache) > NER_CACHE_PIECES:
                self._ner_cache.popitem(last=False)
        return answers

    def _entity_artifacts(self, doc: Doc) -> NlpArtifacts:
        """The entities of ``doc`` as presidio's SpacyRecognizer reads them: presidio's own
        artifacts also list every token's lemma and keywords, which NER does not need."""
        engine = self._engine
        entities, scores = engine._get_updated_entities(
            engine._get_entities(doc), engine._get_scores_for_entities(doc))
        return NlpArtifacts(entities=entities, tokens=doc, tokens_indices=[], lemmas=[],
                            nlp_engine=None, language="en", scores=scores)

    def analyze(
        self, text: str, *, names: bool = True
    ) -> list[tuple[RecognizerResult, str]]:
        """Every accepted finding in ``text`` with the matched value (kept in memory only).

        ``names=False`` leaves names out (a table whose columns hold no names).
        """
        return self.analyze_text(text, names=names).found

    def analyze_text(self, text: str, *, names: bool = True) -> Analysis:
        """:meth:`analyze`, with the number of characters that went through NER."""
        entities = self.entities if names else [e for e in self.entities if e not in NAME_TYPES]
        results: list[RecognizerResult] = []
        for offset, chunk in split_text(text):
            if not chunk.strip():
                continue
            # Tier 1: every recognizer but NER over all the text.
            for result in self.analyzer.analyze(
                text=chunk, language="en", entities=entities,
                score_threshold=self._min_threshold,
                nlp_artifacts=token_artifacts(chunk, self._stop_words),
            ):
                result.start += offset
                result.end += offset
                results.append(result)
        ner_chars = 0
        if names:
            # Tier 2: NER where names can be; spaCy reads a recased copy.  The pieces go
            # through spaCy in batches: one call per line would cost more than the NER.
            hits = [(r.start, r.end) for r in results]
            pieces = [
                (start + offset, chunk)
                for start, end in ner_regions(text, hits, self.settings.ner_full_chars,
                                              self.settings.ner_max_chars)
                for offset, chunk in split_text(text[start:end]) if chunk.strip()
            ]
            ner_chars = sum(len(chunk) for _, chunk in pieces)
            people = self._names([chunk for _, chunk in pieces])
            for offset, chunk in pieces:
                for entity_type, start, end, score in people[chunk]:
                    results.append(RecognizerResult(entity_type, start + offset, end + offset,
                                                    score))
            results = EntityRecognizer.remove_duplicates(results)
        accepted = [r for r in results if r.score >= self.settings.threshold(r.entity_type)]
        return Analysis(found=_refine(text, accepted), ner_chars=ner_chars)

    def detect(self, text: str) -> Detection:
        """Counts per entity type and masked evidence for ``text``."""
        found = [(r.entity_type, value, r.score) for r, value in self.analyze(text)]
        return summarise(found, self.settings.evidence_per_type,
                         show=self.settings.show_evidence)


def summarise(found: list[tuple[str, str, float]], evidence_per_type: int = 3,
              *, show: bool = False) -> Detection:
    """Counts per type and up to ``evidence_per_type`` distinct masked examples of each.

    ``found`` holds (entity type, raw value, score); the raw values go no further, unless
    ``show`` (``--show-evidence``, asked for explicitly) keeps each example's raw value
    beside its masked form (examples are then distinct raw values).
    """
    counts: Counter[str] = Counter()
    best: dict[tuple[str, str], float] = {}
    for entity_type, value, score in found:
        counts[entity_type] += 1
        key = (entity_type, value if show else mask_value(entity_type, value))
        best[key] = max(best.get(key, 0.0), score)
    evidence: list[Evidence] = []
    per_type: Counter[str] = Counter()
    rank = {t: i for i, t in enumerate(ENTITY_TYPES)}
    for (entity_type, example), score in sorted(
        best.items(), key=lambda item: (rank.get(item[0][0], len(rank)), -item[1])
    ):
        if per_type[entity_type] < evidence_per_type:
            per_type[entity_type] += 1
            evidence.append(Evidence(
                type=entity_type, score=round(score, 2),
                masked=mask_value(entity_type, example) if show else example,
                value=example if show else None))
    ordered = {t: counts[t] for t in ENTITY_TYPES if counts[t]}
    ordered.update({t: n for t, n in counts.items() if t not in ordered})
    return Detection(entities=ordered, evidence=evidence)
