"""Govern each file's result: retention schedule, asset register, policy flags, severity.

Governance reads only a :class:`~dpscan.model.records.FileResult` (never the file), so it is
cheap and runs in the main process as results arrive.  A changed rules file or register
re-governs old results without reading any file again.

Severity is a score, documented here and configurable (:class:`SeverityPolicy`):

============================================  ======
what the file holds or how it is kept         points
============================================  ======
special category data                         3
children's identifiers (UPN, ULN, DOB, NHS)   1
10 or more data subjects                      1
100 or more data subjects                     2 (instead of 1)
not protected (protection "none")             1
special category data not protected           1 (more)
on removable media                            2
in a public location                          2
past its retention date                       1
============================================  ======

critical from 7 points, high from 5, medium from 3, low below; a file without personal
data has no severity.  Whatever the points, unprotected special category data about
children is critical when it is safeguarding, SEN or health data, or when it sits in a
public location (see :data:`CRITICAL_CATEGORIES`).

A container (an archive, an email with attachments) is judged as one file with what its
members hold (``members_*`` fields, filled by
:func:`~dpscan.detectors.governance.policy.fold_members`): it is the file the DPO deletes or
moves.  A member that no rule covers takes its container's rule.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from dpscan.detectors.governance.retention import (
    RetentionRule,
    RetentionSchedule,
    decide,
    glob_to_regex,
    match_rule,
)
from dpscan.model.entities import ENTITIES
from dpscan.model.ids import Action, Flag, Protection, Severity
from dpscan.model.records import FileResult

# ``counted`` is a local name in the severity scoring below.
from dpscan.model.wording import counted as counted_words

if TYPE_CHECKING:  # register.py is imported only when a register is given (it loads openpyxl)
    from dpscan.detectors.governance.register import AssetRegister

# Identifiers that say a file is about children (their rows in the entity table say so).
CHILD_IDENTIFIERS = frozenset(row.id for row in ENTITIES if row.child_identifier)
# Special categories that in a school are about children whoever the file names.  (Health
# is not among them: staff sickness records are health data about adults.)
CHILDREN_CATEGORIES = frozenset({"sen", "safeguarding", "looked_after"})
# Unprotected special category data about children in these categories (safeguarding, SEN
# and medical records) is critical, whatever its points; in a public location, any category.
CRITICAL_CATEGORIES = frozenset({"safeguarding", "sen", "health"})
# Folders whose names say everyone, or pupils, can read them (globs, capitals ignored, on
# the path below the scanned folder or with the scanned folder's own name in front).
# Shipped defaults: the settings file's `policy.default_public_locations` replaces them
# (`[]` turns them off) and `policy.public_locations` / --public-location add to them.
# "Students" counts only at the top of a share: deeper down (SEN/Students/...) it is more
# often staff's folder about students.
DEFAULT_PUBLIC_LOCATIONS: tuple[str, ...] = (
    "**/pupil* shared/**",
    "**/student* shared/**",
    "**/public/**",
    "**/everyone/**",
    "students/**",
)


@dataclass(frozen=True, slots=True)
class SeverityPolicy:
    """Points per risk and the thresholds of each severity (see the module docstring)."""

    special_category: int = 3
    child_identifiers: int = 1
    subjects_10: int = 1
    subjects_100: int = 2
    unprotected: int = 1
    special_category_unprotected: int = 1
    removable_media: int = 2
    public_location: int = 2
    overdue: int = 1
    medium_from: int = 3
    high_from: int = 5
    critical_from: int = 7


@dataclass(frozen=True, slots=True)
class Policy:
    """The school's choices that governance applies."""

    due_soon_days: int = 90
    # Folders widely readable (a pupil shared drive), as globs on the path relative to the
    # root, on "<root>/<path>", or on "<root's own name>/<path>": the school's own, and
    # the shipped defaults (DEFAULT_PUBLIC_LOCATIONS) unless the settings file replaced them.
    public_locations: tuple[str, ...] = ()
    default_public_locations: tuple[str, ...] = DEFAULT_PUBLIC_LOCATIONS
    # Every file of this scan is on removable media (the USB profile sets it).
    removable_media: bool = False
    closure_date: dt.date | None = None
    severity: SeverityPolicy = field(default_factory=SeverityPolicy)


# What governance sets on a record: a judgement is these fields, kept and applied again
# while what judged the file is unchanged (issue 20: a rescan does not judge again).
GOVERNED_FIELDS = ("asset", "retention_rule", "retention_trigger", "retention_due", "action",
                   "flags", "severity", "severity_reasons")


def judgement(result: FileResult) -> dict[str, object]:
    """The fields governance set on ``result`` (:data:`GOVERNED_FIELDS`), to keep."""
    judged = {name: getattr(result, name) for name in GOVERNED_FIELDS}
    judged["flags"] = [str(flag) for flag in result.flags]
    judged["severity_reasons"] = list(result.severity_reasons)
    return judged


class Governor:
    """Applies the schedule, the register (optional) and the policy to file results."""

    def __init__(
        self,
        schedule: RetentionSchedule | None,
        register: AssetRegister | None = None,
        policy: Policy | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.schedule = schedule
        self.register = register
        self.policy = policy or Policy()
        self.today = today or dt.date.today()
        self._public = [re.compile(glob_to_regex(g), re.IGNORECASE)
                        for g in (*self.policy.default_public_locations,
                                  *self.policy.public_locations)]
        # The rules given to the containers of the top-level file judged last, by path:
        # records arrive container first, so its members can take its rule.
        self._container_rules: dict[str, RetentionRule | None] = {}

    def govern(self, result: FileResult) -> None:
        """Set asset, retention fields, policy flags and severity on ``result``.

        A container is judged with what its members hold; a member no rule covers takes
        the rule its container was given (judge the container first, as scans and reports
        do; a member judged alone takes the rule its container's path selects)."""
        personal = result.holds_personal_data
        if self.register is not None:
            from dpscan.detectors.governance.register import match_asset

            asset = match_asset(self.register, result.root, result.path)
            result.asset = asset.id if asset is not None else None
            if personal and asset is None:
                result.add_flag(Flag.UNREGISTERED_PERSONAL_DATA)
        if self.schedule is not None:
            self._retention(result)
        if personal and _categories(result) and result.protection == Protection.NONE:
            result.add_flag(Flag.SPECIAL_CATEGORY_UNPROTECTED)
        if personal and self.policy.removable_media:
            result.add_flag(Flag.REMOVABLE_MEDIA)
        if personal and self._in_public_location(result):
            result.add_flag(Flag.PUBLIC_LOCATION)
        result.severity, result.severity_reasons = self._severity(result)

    def apply(self, result: FileResult, judged: dict[str, object]) -> None:
        """Set a kept :func:`judgement` on ``result`` instead of judging it again, and note
        its rule as :meth:`govern` does, for a member of it judged afresh next."""
        for name in GOVERNED_FIELDS:
            setattr(result, name, judged.get(name))
        result.flags = list(judged.get("flags") or [])  # type: ignore[call-overload]
        result.severity_reasons = list(
            judged.get("severity_reasons") or [])  # type: ignore[call-overload]
        if self.schedule is not None:
            if result.container is None:
                self._container_rules = {}
            self._container_rules[result.path] = self.schedule.get(str(result.retention_rule))

    def fingerprint(self) -> str:
        """A digest of everything this governor judges a file by apart from the file and
        the code: the rules file's and the register's bytes, the policy, the as-of date.
        Two governors with the same fingerprint give a record the same judgement."""
        parts = (
            self.schedule.sha256 if self.schedule is not None else "-",
            self.register.sha256 if self.register is not None else "-",
            repr(self.policy),
            self.today.isoformat(),
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def provenance(self) -> dict[str, object]:
        """Which rules and register judged the files (paths and sha256 of their bytes)."""
        found: dict[str, object] = {}
        if self.schedule is not None:
            found["rules_file"] = str(self.schedule.source)
            found["rules_sha256"] = self.schedule.sha256
        if self.register is not None:
            found["register_file"] = str(self.register.source)
            found["register_sha256"] = self.register.sha256
        found["default_public_locations"] = list(self.policy.default_public_locations)
        found["public_locations"] = list(self.policy.public_locations)
        return found

    def asset_summary(self, results: Iterable[FileResult]) -> list[dict[str, object]]:
        """Per register asset: files, with personal data, overdue, unprotected, empty."""
        if self.register is None:
            return []
        from dpscan.detectors.governance.register import asset_summary

        return [asdict(row) for row in asset_summary(self.register, results)]

    def _rule_for(self, result: FileResult) -> RetentionRule | None:
        """The file's own rule; for a member without one, its container's."""
        assert self.schedule is not None
        rule = match_rule(self.schedule, result.path, _entities(result), _categories(result))
        if result.container is None:
            self._container_rules = {}
        elif rule is None:
            if result.container in self._container_rules:
                rule = self._container_rules[result.container]
            else:  # judged without its container first: the rule its path selects
                rule = match_rule(self.schedule, result.container, _entities(result),
                                  _categories(result))
        # Any record may be a container: its members come next.  (A nested container's
        # entry holds what it inherited, so its members inherit that in turn.)
        self._container_rules[result.path] = rule
        return rule

    def _retention(self, result: FileResult) -> None:
        rule = self._rule_for(result)
        if rule is None:
            # Nobody has said how long this personal data is kept: it needs a record series.
            if result.holds_personal_data:
                result.action = Action.CLASSIFY
                result.add_flag(Flag.NO_RETENTION_RULE)
            return
        modified = (dt.datetime.fromisoformat(result.modified).date()
                    if result.modified else self.today)
        # Only the year of birth is kept: the clock starts at the end of that year.
        years = [y for y in (result.latest_birth_year, result.members_latest_birth_year) if y]
        dob = dt.date(max(years), 12, 31) if years else None
        decision = decide(rule, modified=modified, path=result.path, dob=dob,
                          closure=self.policy.closure_date, today=self.today,
                          due_soon_days=self.policy.due_soon_days)
        result.retention_rule = decision.rule_id
        result.retention_trigger = decision.trigger
        result.retention_due = decision.due.isoformat() if decision.due else None
        result.action = decision.action
        # Every file gets its rule and due date; only personal data is flagged: storage
        # limitation is about personal data, and a 2012 newsletter is not the DPO's risk.
        if not result.holds_personal_data:
            return
        if decision.overdue:
            result.add_flag(Flag.OVERDUE)
        elif decision.due_soon:
            result.add_flag(Flag.DUE_SOON)

    def _in_public_location(self, result: FileResult) -> bool:
        root = result.root.rstrip("/")
        forms = (result.path, f"{root}/{result.path}", f"{root.lstrip('/')}/{result.path}",
                 f"{root.rsplit('/', 1)[-1]}/{result.path}")
        return any(p.fullmatch(form) for p in self._public for form in forms)

    def _severity(self, result: FileResult) -> tuple[str | None, list[str]]:
        if not result.holds_personal_data:
            return None, []
        points = self.policy.severity
        score, reasons = 0, []
        categories = _categories(result)
        children = bool(CHILD_IDENTIFIERS & set(_entities(result))
                        or CHILDREN_CATEGORIES & set(categories))
        if categories:
            score += points.special_category
            reasons.append(f"special category data ({', '.join(categories)})")
        if CHILD_IDENTIFIERS & set(_entities(result)):
            score += points.child_identifiers
            reasons.append("children's identifiers")
        # Points on the upper bound for a container: severity errs towards a look.
        people, counted = result.people()
        if people >= 100:
            score += points.subjects_100
        elif people >= 10:
            score += points.subjects_10
        if not counted:
            reasons.append(f"up to {counted_words(people, 'person', 'people')}")
        elif people > 1:
            reasons.append(counted_words(people, "person", "people"))
        if result.protection == Protection.NONE:
            score += points.unprotected
            if categories:
                score += points.special_category_unprotected
            reasons.append("not encrypted")
        if Flag.REMOVABLE_MEDIA in result.flags:
            score += points.removable_media
            reasons.append("on removable media")
        if Flag.PUBLIC_LOCATION in result.flags:
            score += points.public_location
            reasons.append("in a widely readable folder")
        if Flag.OVERDUE in result.flags and result.retention_due:
            score += points.overdue
            reasons.append(f"{_age(result.retention_due, self.today)} past its retention date")
        level = ("critical" if score >= points.critical_from else "high"
                 if score >= points.high_from else "medium"
                 if score >= points.medium_from else "low")
        if level != Severity.CRITICAL and children and result.protection == Protection.NONE:
            # Whatever the points: the worst a school's file share can hold.
            critical = sorted(CRITICAL_CATEGORIES.intersection(categories))
            if critical:
                level = Severity.CRITICAL
                reasons.insert(0, f"unprotected {', '.join(critical)} data about children")
            elif categories and Flag.PUBLIC_LOCATION in result.flags:
                level = Severity.CRITICAL
                reasons.insert(0, "unprotected special category data about children in a "
                                  "widely readable folder")
        return level, reasons


def _entities(result: FileResult) -> dict[str, int]:
    """The entity counts of the file and of the files inside it."""
    if not result.members_entities:
        return result.entities
    combined = dict(result.entities)
    for name, count in result.members_entities.items():
        combined[name] = combined.get(name, 0) + count
    return combined


def _categories(result: FileResult) -> list[str]:
    """The special categories of the file and of the files inside it, in order found."""
    return [*result.special_categories,
            *(c for c in result.members_special_categories
              if c not in result.special_categories)]


def _age(due: str, today: dt.date) -> str:
    """How long ago ``due`` was, in words: "4 years", "7 months", "12 days"."""
    days = (today - dt.date.fromisoformat(due)).days
    if days >= 365:
        return counted_words(days // 365, "year")
    if days >= 31:
        return counted_words(days // 30, "month")
    return counted_words(days, "day")


__all__ = ["CHILD_IDENTIFIERS", "CHILDREN_CATEGORIES", "CRITICAL_CATEGORIES",
           "DEFAULT_PUBLIC_LOCATIONS", "GOVERNED_FIELDS", "Governor", "Policy", "SeverityPolicy",
           "judgement"]
