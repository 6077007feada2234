"""The optional settings file (``dpscan scan --config FILE``): plain YAML a technician edits.

Its sections and keys are those the settings declare (``key`` in
:data:`dpscan.model.config.SETTINGS`: ``detection``, ``limits``, ``scan``), in the unit each
declares, plus the school's ``policy``; the README shows a full example.  Every key is
optional.  One rule for every setting: a flag given on the command line wins over the file,
the file over the declared default (a list takes the file's entries and the command
line's).  Errors name the file, the line and the field, and stop the run as a
:class:`~dpscan.model.errors.ConfigError`: nothing falls back silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from dpscan.detectors.governance import Policy, SeverityPolicy
from dpscan.model.config import SETTINGS, ScanConfig, config_from
from dpscan.model.errors import ConfigError
from dpscan.model.setting import ABSENT, Check, Kind, Setting, globs, whole


@dataclass(slots=True)
class FileSettings:
    """Values a settings file gave: declared settings by name (in the unit the file gives
    them in), and the policy section's keys."""

    values: dict[str, Any] = field(default_factory=dict)
    policy: dict[str, Any] = field(default_factory=dict)


def _severity_points() -> Check:
    names = [f.name for f in fields(SeverityPolicy)]
    return Check(kind=Kind.MAPPING, expected=f"a mapping of {', '.join(names)} to whole numbers",
                 test=lambda v: isinstance(v, dict) and all(
                     k in names and whole(0)(p) for k, p in v.items()))


# The policy is governance's (dpscan.detectors.governance.Policy), not the scan's.
_POLICY: dict[str, Check] = {
    "due_soon_days": whole(0),
    "public_locations": globs(),
    "closure_date": Check(kind=Kind.DATE, expected="a date (YYYY-MM-DD)",
                          test=lambda v: isinstance(v, dt.date)),
    "severity": _severity_points(),
}


def _by_key() -> dict[tuple[str, str], Setting]:
    by_key = {}
    for declared in SETTINGS:
        if declared.key is not None:
            section, _, key = declared.key.partition(".")
            by_key[section, key] = declared
    return by_key


# (section, key) in the file -> the setting it gives
_BY_KEY = _by_key()


def _schema() -> dict[str, dict[str, Check]]:
    schema: dict[str, dict[str, Check]] = {}
    for (section, key), declared in _BY_KEY.items():
        schema.setdefault(section, {})[key] = declared.validate
    return schema | {"policy": _POLICY}


# section -> key -> what a valid value is
SCHEMA: dict[str, dict[str, Check]] = _schema()


def load_settings(path: Path) -> FileSettings:
    """Read and check a settings file; raise :class:`ConfigError` naming line and field."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or exc
        raise ConfigError(f"{name}{where}: not valid YAML: {problem}") from exc
    settings = FileSettings()
    if root is None:
        return settings
    if not isinstance(root, yaml.MappingNode):
        raise ConfigError(f"{name} line {root.start_mark.line + 1}: expected sections "
                          f"({', '.join(SCHEMA)})")
    problems: list[str] = []
    for key_node, section_node in root.value:
        section = key_node.value
        line = key_node.start_mark.line + 1
        if section not in SCHEMA:
            problems.append(f"{name} line {line}: unknown section {section!r} "
                            f"(known: {', '.join(SCHEMA)})")
            continue
        if not isinstance(section_node, yaml.MappingNode):
            problems.append(f"{name} line {line}: {section} must be a mapping")
            continue
        for field_node, value_node in section_node.value:
            key = field_node.value
            line = field_node.start_mark.line + 1
            check = SCHEMA[section].get(key)
            if check is None:
                problems.append(f"{name} line {line}: {section}: unknown field {key!r} "
                                f"(known: {', '.join(SCHEMA[section])})")
                continue
            value = yaml.safe_load(yaml.serialize(value_node))
            if not check(value):
                problems.append(f"{name} line {line}: {section}.{key} must be "
                                f"{check.expected} (got {value!r})")
                continue
            if section == "policy":
                settings.policy[key] = value
            else:
                settings.values[_BY_KEY[section, key].name] = value
    if problems:
        raise ConfigError(problems)
    return settings


def build_scan_config(file: FileSettings, given: Mapping[str, Any]) -> ScanConfig:
    """The scan's settings from the flags ``given`` on the command line (setting name ->
    value, in the flag's unit) and the settings ``file``, over the declared defaults."""
    values = {}
    for declared in SETTINGS:
        value = declared.resolve(given=given.get(declared.name, ABSENT),
                                 in_file=file.values.get(declared.name, ABSENT))
        if value is not ABSENT:
            values[declared.name] = value
    return config_from(values)


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
