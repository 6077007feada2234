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
data has no severity.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from dpscan.detectors.governance.retention import (
    RetentionSchedule,
    decide,
    glob_to_regex,
    match_rule,
)
from dpscan.model.entities import ENTITIES
from dpscan.model.ids import Flag, Protection
from dpscan.model.records import FileResult

if TYPE_CHECKING:  # register.py is imported only when a register is given (it loads openpyxl)
    from dpscan.detectors.governance.register import AssetRegister

# Identifiers that say a file is about children (their rows in the entity table say so).
CHILD_IDENTIFIERS = frozenset(row.id for row in ENTITIES if row.child_identifier)


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
    # Folders widely readable (a pupil shared drive), as globs on "<root>/<path>" or the
    # path relative to the root.
    public_locations: tuple[str, ...] = ()
    # Every file of this scan is on removable media (the USB profile sets it).
    removable_media: bool = False
    closure_date: dt.date | None = None
    severity: SeverityPolicy = field(default_factory=SeverityPolicy)


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
                        for g in self.policy.public_locations]

    def govern(self, result: FileResult) -> None:
        """Set asset, retention fields, policy flags and severity on ``result``."""
        personal = result.has_personal_data
        if self.register is not None:
            from dpscan.detectors.governance.register import match_asset

            asset = match_asset(self.register, result.root, result.path)
            result.asset = asset.id if asset is not None else None
            if personal and asset is None:
                result.add_flag(Flag.UNREGISTERED_PERSONAL_DATA)
        if self.schedule is not None:
            self._retention(result)
        if personal and result.special_categories and result.protection == Protection.NONE:
            result.add_flag(Flag.SPECIAL_CATEGORY_UNPROTECTED)
        if personal and self.policy.removable_media:
            result.add_flag(Flag.REMOVABLE_MEDIA)
        if personal and self._in_public_location(result):
            result.add_flag(Flag.PUBLIC_LOCATION)
        result.severity, result.severity_reasons = self._severity(result)

    def provenance(self) -> dict[str, object]:
        """Which rules and register judged the files (paths and sha256 of their bytes)."""
        found: dict[str, object] = {}
        if self.schedule is not None:
            found["rules_file"] = str(self.schedule.source)
            found["rules_sha256"] = self.schedule.sha256
        if self.register is not None:
            found["register_file"] = str(self.register.source)
            found["register_sha256"] = self.register.sha256
        return found

    def asset_summary(self, results: Sequence[FileResult]) -> list[dict[str, object]]:
        """Per register asset: files, with personal data, overdue, unprotected, empty."""
        if self.register is None:
            return []
        from dpscan.detectors.governance.register import asset_summary

        return [asdict(row) for row in asset_summary(self.register, results)]

    def _retention(self, result: FileResult) -> None:
        assert self.schedule is not None
        rule = match_rule(self.schedule, result.path, result.entities, result.special_categories)
        if rule is None:
            return
        modified = (dt.datetime.fromisoformat(result.modified).date()
                    if result.modified else self.today)
        # Only the year of birth is kept: the clock starts at the end of that year.
        dob = dt.date(result.latest_birth_year, 12, 31) if result.latest_birth_year else None
        decision = decide(rule, modified=modified, path=result.path, dob=dob,
                          closure=self.policy.closure_date, today=self.today,
                          due_soon_days=self.policy.due_soon_days)
        result.retention_rule = decision.rule_id
        result.retention_trigger = decision.trigger
        result.retention_due = decision.due.isoformat() if decision.due else None
        result.action = decision.action
        # Every file gets its rule and due date; only personal data is flagged: storage
        # limitation is about personal data, and a 2012 newsletter is not the DPO's risk.
        if not result.has_personal_data:
            return
        if decision.overdue:
            result.add_flag(Flag.OVERDUE)
        elif decision.due_soon:
            result.add_flag(Flag.DUE_SOON)

    def _in_public_location(self, result: FileResult) -> bool:
        full = f"{result.root.rstrip('/')}/{result.path}"
        return any(p.fullmatch(result.path) or p.fullmatch(full) for p in self._public)

    def _severity(self, result: FileResult) -> tuple[str | None, list[str]]:
        if not result.has_personal_data:
            return None, []
        points = self.policy.severity
        score, reasons = 0, []
        if result.special_categories:
            score += points.special_category
            reasons.append(f"special category data ({', '.join(result.special_categories)})")
        if CHILD_IDENTIFIERS & set(result.entities):
            score += points.child_identifiers
            reasons.append("children's identifiers")
        if result.data_subjects >= 100:
            score += points.subjects_100
        elif result.data_subjects >= 10:
            score += points.subjects_10
        if result.data_subjects > 1:
            reasons.append(f"{result.data_subjects} people")
        if result.protection == Protection.NONE:
            score += points.unprotected
            if result.special_categories:
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
        return level, reasons


def _age(due: str, today: dt.date) -> str:
    """How long ago ``due`` was, in words: "4 years", "7 months", "12 days"."""
    days = (today - dt.date.fromisoformat(due)).days
    if days >= 365:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    if days >= 31:
        months = days // 30
        return f"{months} month{'s' if months != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"




__all__ = ["CHILD_IDENTIFIERS", "Governor", "Policy", "SeverityPolicy"]
