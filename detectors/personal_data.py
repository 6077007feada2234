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
from detectors.recognizers import RECOGNIZERS, build_recognizers
from detectors.settings import DetectionSettings, ensure_model_installed
from scanner.results import ENTITY_TYPES, Evidence

# spaCy refuses texts over nlp.max_length and its memory grows with the text:
# long texts are analysed in chunks cut at line ends.
CHUNK_CHARS = 100_000

_DIGIT = re.compile(r"\d")


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


def _plausible_person(value: str) -> bool:
    # spaCy tags stray numbers, codes and addresses as people: a name has letters only.
    stripped = value.strip()
    return (
        len(stripped) >= 3
        and not _DIGIT.search(stripped)
        and "@" not in stripped
        and any(ch.isalpha() for ch in stripped)
    )


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

    def analyze(self, text: str) -> list[tuple[RecognizerResult, str]]:
        """Every accepted finding in ``text`` with the matched value (kept in memory only)."""
        found: list[tuple[RecognizerResult, str]] = []
        for offset, chunk in split_text(text):
            if not chunk.strip():
                continue
            results = self.analyzer.analyze(
                text=chunk,
                language="en",
                entities=self.entities,
                score_threshold=self._min_threshold,
            )
            for result in results:
                if result.score < self.settings.threshold(result.entity_type):
                    continue
                value = chunk[result.start:result.end]
                if result.entity_type == "PERSON" and not _plausible_person(value):
                    continue
                result.start += offset
                result.end += offset
                found.append((result, value))
        return found

    def detect(self, text: str) -> Detection:
        """Counts per entity type and masked evidence for ``text``."""
        counts: Counter[str] = Counter()
        best: dict[tuple[str, str], float] = {}
        for result, value in self.analyze(text):
            counts[result.entity_type] += 1
            key = (result.entity_type, mask_value(result.entity_type, value))
            best[key] = max(best.get(key, 0.0), result.score)
        evidence: list[Evidence] = []
        per_type: Counter[str] = Counter()
        for (entity_type, masked), score in sorted(
            best.items(), key=lambda item: (ENTITY_TYPES.index(item[0][0]), -item[1])
        ):
            if per_type[entity_type] < self.settings.evidence_per_type:
                per_type[entity_type] += 1
                evidence.append(Evidence(type=entity_type, masked=masked, score=round(score, 2)))
        ordered = {t: counts[t] for t in ENTITY_TYPES if counts[t]}
        return Detection(entities=ordered, evidence=evidence)
