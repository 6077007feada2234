"""Policy flags raised on a file's result once its content has been judged, and what a
container takes from the files inside it."""

from __future__ import annotations

from collections.abc import Sequence

from dpscan.model.ids import Flag, Protection
from dpscan.model.records import FileResult


def fold_members(container: FileResult, members: Sequence[FileResult]) -> None:
    """Give ``container`` what its ``members`` (every record inside it, at any depth) hold.

    The DPO acts on the archive or the email, not on the files inside it: a zip of old
    registers is the file to delete.  Only each member's own findings are added (a nested
    container's ``members_*`` already count its members, which are in ``members`` too).
    """
    entities: dict[str, int] = {}
    categories: list[str] = []
    for member in members:
        for name, count in member.entities.items():
            entities[name] = entities.get(name, 0) + count
        categories.extend(c for c in member.special_categories if c not in categories)
    years = [m.latest_birth_year for m in members if m.latest_birth_year is not None]
    container.members_entities = entities
    container.members_special_categories = categories
    container.members_with_personal_data = sum(1 for m in members if m.has_personal_data)
    container.members_data_subjects = sum(m.data_subjects for m in members)
    container.members_latest_birth_year = max(years) if years else None


def apply_policy_flags(result: FileResult) -> None:
    """Add the flags the school's data protection policy asks for.

    Personal data must be password protected or encrypted when electronic: a file
    holding personal data (itself, or in the files inside it) with protection ``none`` is
    ``unprotected_personal_data``.
    """
    if result.extension_mismatch:
        result.add_flag(Flag.EXTENSION_MISMATCH)
    if result.holds_personal_data and result.protection == Protection.NONE:
        result.add_flag(Flag.UNPROTECTED_PERSONAL_DATA)
