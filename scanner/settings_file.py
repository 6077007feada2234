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

from dpscan.detectors.governance import DEFAULT_PUBLIC_LOCATIONS, Policy, SeverityPolicy
from dpscan.model.config import SETTINGS, ScanConfig, config_from
from dpscan.model.configfile import INVALID, ConfigFile, Fields
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
    # Replaces the shipped DEFAULT_PUBLIC_LOCATIONS; [] turns them off.
    "default_public_locations": globs(),
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
    """Read and check a settings file; raise :class:`~dpscan.model.errors.ConfigError`
    naming the line and field of every problem (keys given twice among them)."""
    config = ConfigFile.read(path, what="settings file", name=path.name)
    settings = FileSettings()
    if config.root is None:
        return settings
    if not isinstance(config.root, yaml.MappingNode):
        config.problem(config.root, "", f"expected sections ({', '.join(SCHEMA)})")
    else:
        sections = config.mapping(config.root, "", "the settings file")
        assert sections is not None  # the root is a mapping
        for section in sections:
            _read_section(config, sections, section, settings)
    config.check()
    return settings


def _read_section(config: ConfigFile, sections: Fields, section: str,
                  settings: FileSettings) -> None:
    """Check one section's fields and keep their values in ``settings``."""
    if section not in SCHEMA:
        config.problem(sections.key_node(section), "",
                       f"unknown section {section!r} (known: {', '.join(SCHEMA)})")
        return
    fields_given = sections.mapping(section)
    if fields_given is None:  # not a mapping: recorded
        return
    for key in fields_given:
        check = SCHEMA[section].get(key)
        if check is None:
            config.problem(fields_given.key_node(key), section,
                           f"unknown field {key!r} (known: {', '.join(SCHEMA[section])})")
            continue
        node = fields_given.entries[key][1]
        value = config.value(node, "", f"{section}.{key}")
        if value is INVALID:
            continue
        if not check(value):
            config.problem(node, "", f"{section}.{key} must be {check.expected} (got {value!r})")
        elif section == "policy":
            settings.policy[key] = value
        else:
            settings.values[_BY_KEY[section, key].name] = value


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
    the file; public locations from both count, on top of the shipped defaults
    (:data:`~dpscan.detectors.governance.DEFAULT_PUBLIC_LOCATIONS`) or the file's
    ``default_public_locations`` in their place (an empty list: no defaults)."""
    policy = file.policy
    return Policy(
        due_soon_days=due_soon_days if due_soon_days is not None
        else policy.get("due_soon_days", Policy().due_soon_days),
        public_locations=tuple(policy.get("public_locations", ())) + tuple(public_locations),
        default_public_locations=tuple(policy.get("default_public_locations",
                                                  DEFAULT_PUBLIC_LOCATIONS)),
        removable_media=removable_media,
        closure_date=policy.get("closure_date"),
        severity=SeverityPolicy(**policy.get("severity", {})),
    )
