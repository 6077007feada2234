"""How a setting is declared: once, as a configuration dataclass field with its metadata.

A field made with :func:`setting` carries a :class:`Setting`: its command-line flag, its
settings-file key, the unit both give it in, the :class:`Check` its values must pass,
whether it changes what is detected in a file, and its help text.  The settings-file
schema, the command-line options, the findings.json summary and the catalogue's
fingerprint are all made from these declarations (:data:`dpscan.model.config.SETTINGS`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

# The metadata key under which a field keeps its Setting.
SETTING = "dpscan.setting"
# The metadata key marking a field the program fills in itself (from the catalogue, from
# the command line's output paths), which no flag and no settings-file key sets: it is not
# a setting, so it is neither listed in findings.json nor part of the fingerprint.
DERIVED = "dpscan.derived"


class Kind(StrEnum):
    """The shape of a setting's value, which decides how its sources are merged."""

    WHOLE = "whole"  # an int
    NUMBER = "number"  # an int or a float, kept as a float
    SWITCH = "switch"  # true or false
    NAME = "name"  # a non-empty string
    LIST = "list"  # strings; the file's and the command line's both count
    MAPPING = "mapping"  # name -> value; the file's entries replace the default's
    DATE = "date"  # a calendar date


MIB = 1024 * 1024
# Units whose outside value (flag and file) is scaled into the field's.
UNIT_SCALE: dict[str, int] = {"MiB": MIB}


class _Absent:
    """No value from this source (None can be a value)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    """The values a setting accepts: as a test, and in words for an error message."""

    kind: Kind
    expected: str
    test: Callable[[Any], bool]
    # For WHOLE and NUMBER: the smallest value allowed (the command line shows it too).
    minimum: float | None = None

    def __call__(self, value: Any) -> bool:
        return self.test(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def whole(minimum: int) -> Check:
    """A whole number, ``minimum`` or more."""
    expected = ("a whole number above 0" if minimum == 1
                else f"a whole number, {minimum} or more")
    return Check(kind=Kind.WHOLE, expected=expected, minimum=minimum,
                 test=lambda v: _is_number(v) and isinstance(v, int) and v >= minimum)


def seconds(minimum: float) -> Check:
    """A number of seconds, ``minimum`` or more."""
    return Check(kind=Kind.NUMBER, expected=f"a number of seconds, {minimum:g} or more",
                 minimum=minimum, test=lambda v: _is_number(v) and v >= minimum)


def score() -> Check:
    """A score from 0 to 1."""
    return Check(kind=Kind.NUMBER, expected="a score from 0 to 1", minimum=0,
                 test=lambda v: _is_number(v) and 0 <= v <= 1)


def switch() -> Check:
    """True or false."""
    return Check(kind=Kind.SWITCH, expected="true or false", test=lambda v: isinstance(v, bool))


def name(what: str) -> Check:
    """A non-empty string, described as ``what``."""
    return Check(kind=Kind.NAME, expected=what, test=lambda v: isinstance(v, str) and bool(v))


def globs() -> Check:
    """A list of glob patterns."""
    return Check(kind=Kind.LIST, expected="a list of glob patterns",
                 test=lambda v: isinstance(v, list) and all(isinstance(s, str) for s in v))


def scores_by(names: Collection[str], what: str) -> Check:
    """A mapping of ``names`` (described as ``what``) to a score from 0 to 1."""
    known = frozenset(names)
    return Check(kind=Kind.MAPPING, expected=f"a mapping of {what} ({', '.join(names)}) to a "
                 "score 0-1",
                 test=lambda v: isinstance(v, dict) and all(
                     k in known and score()(s) for k, s in v.items()))


@dataclass(frozen=True, slots=True, kw_only=True)
class Setting:
    """One declared setting: where it comes from, in what unit, and what it may be."""

    # The command-line flag ("--max-file-mb", "--ocr/--no-ocr"), and a short one ("-w");
    # None: the settings file only.
    flag: str | None
    short: str | None = None
    metavar: str | None = None
    # "section.key" in the settings file; None: the command line only.
    key: str | None
    # The unit of the flag's and the file's value ("MiB": the field holds bytes).
    unit: str | None
    validate: Check
    # Whether it changes what is found in a file: part of the catalogue's fingerprint, so
    # files scanned under another value are read again.
    detection: bool
    # Whether findings.json's scan.settings lists it.
    summary: bool = False
    # Whether --help shows the default (otherwise the help text says it).
    show_default: bool = False
    help: str
    # Filled in by dpscan.model.config.SETTINGS from the field.
    name: str = ""
    # The ScanConfig attribute holding the field's dataclass (None: ScanConfig itself).
    part: str | None = None
    default: Any = ABSENT

    @property
    def scale(self) -> int:
        """What the outside value is multiplied by to give the field's."""
        return UNIT_SCALE.get(self.unit or "", 1)

    def outside(self, value: Any) -> Any:
        """``value`` of the field as the flag and the file give it (e.g. bytes as MiB)."""
        return value // self.scale if self.scale != 1 else value

    def inside(self, value: Any) -> Any:
        """A flag's or the file's ``value`` as the field holds it."""
        kind = self.validate.kind
        if kind is Kind.LIST:
            return tuple(value)
        if kind is Kind.MAPPING:
            return tuple(sorted((dict(self.default) | dict(value)).items()))
        if kind is Kind.NUMBER:
            return float(value) * self.scale
        return value * self.scale if self.scale != 1 else value

    def resolve(self, *, given: Any = ABSENT, in_file: Any = ABSENT) -> Any:
        """The field's value: a flag ``given`` wins over the file, the file over the declared
        default (ABSENT: keep the default).  A list takes the file's values and then the
        command line's."""
        if self.validate.kind is Kind.LIST and given is not ABSENT and in_file is not ABSENT:
            return self.inside([*in_file, *given])
        for value in (given, in_file):
            if value is not ABSENT:
                return self.inside(value)
        return ABSENT


def setting(
    default: Any = dataclasses.MISSING,
    *,
    default_factory: Callable[[], Any] | Any = dataclasses.MISSING,
    flag: str | None = None,
    short: str | None = None,
    metavar: str | None = None,
    key: str | None = None,
    unit: str | None = None,
    validate: Check,
    detection: bool,
    summary: bool = False,
    show_default: bool = False,
    help: str,
) -> Any:
    """A dataclass field declaring a setting (see :class:`Setting`)."""
    declared = Setting(flag=flag, short=short, metavar=metavar, key=key, unit=unit,
                       validate=validate, detection=detection, summary=summary,
                       show_default=show_default, help=help)
    metadata: Mapping[str, Any] = {SETTING: declared}
    if default_factory is not dataclasses.MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def derived(default: Any, *, source: str) -> Any:
    """A configuration field that is not a setting: the program fills it in from ``source``
    (what :data:`DERIVED` keeps, in words)."""
    return dataclasses.field(default=default, metadata={DERIVED: source})


__all__ = ["ABSENT", "DERIVED", "MIB", "SETTING", "Check", "Kind", "Setting", "derived",
           "globs", "name", "score", "scores_by", "seconds", "setting", "switch", "whole"]
