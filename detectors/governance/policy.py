"""Policy flags raised on a file's result once its content has been judged."""

from __future__ import annotations

from dpscan.model.ids import Flag, Protection
from dpscan.model.records import FileResult


def apply_policy_flags(result: FileResult) -> None:
    """Add the flags the school's data protection policy asks for.

    Personal data must be password protected or encrypted when electronic: a file
    holding personal data with protection ``none`` is ``unprotected_personal_data``.
    """
    if result.extension_mismatch:
        result.add_flag(Flag.EXTENSION_MISMATCH)
    if result.has_personal_data and result.protection == Protection.NONE:
        result.add_flag(Flag.UNPROTECTED_PERSONAL_DATA)
