"""Find personal data in text with presidio-analyzer, fully offline.

:class:`PersonalDataDetector` is built once per process (loading the spaCy model
takes seconds) and then applied to each file's text.  It returns counts per
entity type and a few masked examples; the raw values never leave this module.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpEngineProvider

from detectors.masking import mask_value
from detectors.names import recase_for_ner, split_person_span
from detectors.recognizers import RECOGNIZERS, build_recognizers
from detectors.settings import DetectionSettings, ensure_model_installed
from scanner.results import ENTITY_TYPES, Evidence

# spaCy refuses texts over nlp.max_length and its memory grows with the text:
# long texts are analysed in chunks cut at line ends.
CHUNK_CHARS = 100_000



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


def _refine(
    text: str, results: list[RecognizerResult]
) -> list[tuple[RecognizerResult, str]]:
    """Turn presidio's results into (result, value) findings, fixing what it gets wrong.

    - A PERSON span over a line break is one name per line ("Miss S. Nguyen\nNathan").
    - "HARDING, Wayne" in a register is one person, not a surname and a forename.
    - A 3-3-4 digit run inside a phone number ("+44 121 496 0693") is not an NHS number.
    - PERSON spans that are not names (streets, titles, headings) are dropped.
    """
    phones = [(r.start, r.end) for r in results if r.entity_type == "PHONE_NUMBER"]
    people: list[RecognizerResult] = []
    found: list[tuple[RecognizerResult, str]] = []
    for result in sorted(results, key=lambda r: r.start):
        if result.entity_type == "UK_NHS" and any(
            result.start < end and result.end > start for start, end in phones
        ):
            continue
        if result.entity_type != "PERSON":
            found.append((result, text[result.start:result.end]))
            continue
        for start, name in split_person_span(text[result.start:result.end]):
            start += result.start
            part = RecognizerResult("PERSON", start, start + len(name), result.score,
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
        nlp_engine = provider.create_engine()
        for nlp in getattr(nlp_engine, "nlp", {}).values():
            # presidio reads entities, tokens and lemmas; the dependency parser feeds none
            # of them and costs about a quarter of the pipeline's time.
            if "parser" in nlp.pipe_names:
                nlp.disable_pipe("parser")
        registry = RecognizerRegistry(supported_languages=["en"])
        registry.add_nlp_recognizer(nlp_engine)
        for recognizer in build_recognizers():
            registry.add_recognizer(recognizer)
        self.entities = [e for e in ENTITY_TYPES]
        self._min_threshold = min(
            [self.settings.default_threshold, *(t for _, t in self.settings.thresholds)]
        )
        self.analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=nlp_engine, supported_languages=["en"]
        )

    @property
    def recognizer_names(self) -> list[str]:
        """Names of the table rows in use (for provenance)."""
        return [spec.name for spec in RECOGNIZERS]

    def analyze(
        self, text: str, *, names: bool = True
    ) -> list[tuple[RecognizerResult, str]]:
        """Every accepted finding in ``text`` with the matched value (kept in memory only).

        ``names=False`` leaves PERSON out (a table whose columns hold no names).
        """
        entities = self.entities if names else [e for e in self.entities if e != "PERSON"]
        found: list[tuple[RecognizerResult, str]] = []
        for offset, chunk in split_text(text):
            if not chunk.strip():
                continue
            # spaCy reads a recased copy; patterns and context read the original.
            artifacts = self.analyzer.nlp_engine.process_text(recase_for_ner(chunk), "en")
            results = self.analyzer.analyze(
                text=chunk,
                language="en",
                entities=entities,
                score_threshold=self._min_threshold,
                nlp_artifacts=artifacts,
            )
            accepted = [
                r for r in results if r.score >= self.settings.threshold(r.entity_type)
            ]
            for result, value in _refine(chunk, accepted):
                result.start += offset
                result.end += offset
                found.append((result, value))
        return found

    def detect(self, text: str) -> Detection:
        """Counts per entity type and masked evidence for ``text``."""
        found = [(r.entity_type, value, r.score) for r, value in self.analyze(text)]
        return summarise(found, self.settings.evidence_per_type)


def summarise(found: list[tuple[str, str, float]], evidence_per_type: int = 3) -> Detection:
    """Counts per type and up to ``evidence_per_type`` distinct masked examples of each.

    ``found`` holds (entity type, raw value, score); the raw values go no further.
    """
    counts: Counter[str] = Counter()
    best: dict[tuple[str, str], float] = {}
    for entity_type, value, score in found:
        counts[entity_type] += 1
        key = (entity_type, mask_value(entity_type, value))
        best[key] = max(best.get(key, 0.0), score)
    evidence: list[Evidence] = []
    per_type: Counter[str] = Counter()
    rank = {t: i for i, t in enumerate(ENTITY_TYPES)}
    for (entity_type, masked), score in sorted(
        best.items(), key=lambda item: (rank.get(item[0][0], len(rank)), -item[1])
    ):
        if per_type[entity_type] < evidence_per_type:
            per_type[entity_type] += 1
            evidence.append(Evidence(type=entity_type, masked=masked, score=round(score, 2)))
    ordered = {t: counts[t] for t in ENTITY_TYPES if counts[t]}
    ordered.update({t: n for t, n in counts.items() if t not in ordered})
    return Detection(entities=ordered, evidence=evidence)
