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


# Words spaCy tags as people in school documents that never are on their own.
_NOT_NAMES = frozenset({
    "dear", "regards", "mr", "mrs", "miss", "ms", "mx", "dr", "sir", "madam", "head",
    "headteacher", "teacher", "parent", "parents", "carer", "carers", "pupil", "pupils",
    "child", "children", "class", "year", "reception", "nursery", "governor", "governors",
    "office", "school", "team", "staff", "thanks", "sheet", "dob", "nhs", "upn", "uln",
})
_TITLES = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr", "master", "prof", "rev"})
# School acronyms that stay upper case when ALL-CAPS words are recased for NER.
_ACRONYMS = frozenset({
    "NHS", "UPN", "ULN", "DOB", "SEN", "SEND", "SENCO", "SENDCO", "EHCP", "FSM", "LAC", "CLA",
    "DSL", "MASH", "CAMHS", "DBS", "HMRC", "ADHD", "ASD", "EAL", "CPOMS", "PTA", "ICT", "UK",
    "GDPR", "DPO", "IAR", "PEP", "IHCP", "IHP", "GP", "PE", "RE", "PSHE", "SATS", "KS1", "KS2",
    "EYFS", "MIS", "SIMS", "LA", "DFE", "OFSTED", "CEO", "CIN", "CP", "PP", "TA", "HLTA",
})
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'’-]{2,}\b")


def recase_for_ner(text: str) -> str:
    """``text`` with ALL-CAPS words in Title case, for spaCy only; same length and offsets.

    MIS exports and registers write surnames in capitals ("JONES Amelia"), which the
    small English model does not take for names; headings in capitals ("MEDICAL
    REGISTER") it takes for organisations or names at random.  Title case reads both
    the way a person would.  Known acronyms keep their capitals.
    """
    return _CAPS_WORD.sub(
        lambda m: m.group(0) if m.group(0) in _ACRONYMS else m.group(0).capitalize(), text
    )


def plausible_person(value: str) -> bool:
    """True when a PERSON span from spaCy can be a name: capitalised letters, no digits."""
    stripped = " ".join(value.split())
    words = stripped.split()
    if len(stripped) < 2 or _DIGIT.search(stripped) or "@" in stripped or len(words) > 6:
        return False
    if not any(ch.isupper() for ch in stripped):
        return False  # names are written with capitals; lower-case spans are words
    meaningful = [w for w in words if w.lower().strip(".,") not in _TITLES]
    if not meaningful:
        return False
    return not (len(meaningful) == 1 and meaningful[0].lower().strip(".,'") in _NOT_NAMES)


def person_key(value: str) -> str:
    """A normalised name for counting distinct people ("Mrs S. JONES" -> "s jones")."""
    words = [w.strip(".,'").lower() for w in value.split()]
    return " ".join(w for w in words if w and w not in _TITLES)


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

    def analyze(self, text: str) -> list[tuple[RecognizerResult, str]]:
        """Every accepted finding in ``text`` with the matched value (kept in memory only)."""
        found: list[tuple[RecognizerResult, str]] = []
        for offset, chunk in split_text(text):
            if not chunk.strip():
                continue
            # spaCy reads a recased copy; patterns and context read the original.
            artifacts = self.analyzer.nlp_engine.process_text(recase_for_ner(chunk), "en")
            results = self.analyzer.analyze(
                text=chunk,
                language="en",
                entities=self.entities,
                score_threshold=self._min_threshold,
                nlp_artifacts=artifacts,
            )
            for result in results:
                if result.score < self.settings.threshold(result.entity_type):
                    continue
                value = chunk[result.start:result.end]
                if result.entity_type == "PERSON" and not plausible_person(value):
                    continue
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
