"""Permanent ids: the names users' reports, scripts and JSON consumers depend on.

Each enumeration is a :class:`~enum.StrEnum`, so a member *is* its string: it compares
equal to it, serialises to it in JSON, CSV and SQL, and formats as it.  Renaming or
removing a member is a breaking change; add members, never rename one.  Entity types live
in :mod:`dpscan.model.entities` with the rest of their row.
"""

from __future__ import annotations

from enum import StrEnum


class Flag(StrEnum):
    """Flag names set on file records."""

    EXTENSION_MISMATCH = "extension_mismatch"
    UNREADABLE = "unreadable"
    UNPROTECTED_PERSONAL_DATA = "unprotected_personal_data"
    NO_TEXT_EXTRACTED = "no_text_extracted"
    TOO_LARGE = "too_large"
    TEXT_TRUNCATED = "text_truncated"
    NON_UTF8_NAME = "non_utf8_name"
    EMPTY_FILE = "empty_file"
    ARCHIVE_LIMIT = "archive_limit"
    RECIPIENTS_EXPOSED = "recipients_exposed"
    OCR_INCOMPLETE = "ocr_incomplete"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UNREGISTERED_PERSONAL_DATA = "unregistered_personal_data"
    SPECIAL_CATEGORY_UNPROTECTED = "special_category_unprotected"
    REMOVABLE_MEDIA = "removable_media"
    PUBLIC_LOCATION = "public_location"
    NO_TEXT_LAYER = "no_text_layer"
    SPECIAL_FILE = "special_file"
    # Isolation (dpscan.scanner.executors): the file's worker was stopped and replaced.
    TIMEOUT = "timeout"
    MEMORY_LIMIT = "memory_limit"
    WORKER_CRASHED = "worker_crashed"
    # A report dpscan wrote (findings.json, report.html, files.csv, report.xlsx...) found in
    # a scanned folder (dpscan.scanner.sniff); still read like any other file.
    DPSCAN_REPORT = "dpscan_report"
    # Personal data that no rule of the retention schedule covers: nobody has said how long
    # it is kept (issue 18).
    NO_RETENTION_RULE = "no_retention_rule"


class Status(StrEnum):
    """What dpscan managed to do with a file (``FileResult.status``)."""

    SCANNED = "scanned"  # text extracted and analysed
    NOT_READ = "not_read"  # listed with its type; no text extractor, or skipped by a limit
    ENCRYPTED = "encrypted"  # content is encrypted, so it could not be read
    ERROR = "error"  # reading failed; `error` says why


class Protection(StrEnum):
    """Whether a file's content is protected (``FileResult.protection``)."""

    NONE = "none"
    ENCRYPTED = "encrypted"
    UNKNOWN = "unknown"


class Severity(StrEnum):
    """How urgent a file's findings are, lowest first (``FileResult.severity``)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for low up to 3 for critical."""
        return _SEVERITY_ORDER.index(self)


_SEVERITY_ORDER: tuple[Severity, ...] = tuple(Severity)
# Lowest first, as plain strings (click choices, report columns).
SEVERITIES: tuple[str, ...] = tuple(s.value for s in Severity)


def severity_rank(severity: str | None) -> int:
    """0 (low) to 3 (critical); -1 for no severity or an unknown one."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else -1


class ReviewStatus(StrEnum):
    """The DPO's decision on a file's findings (``FileResult.review["status"]``)."""

    FALSE_POSITIVE = "false_positive"
    ACCEPTED = "accepted"


REVIEW_STATUSES: tuple[str, ...] = tuple(s.value for s in ReviewStatus)


class Action(StrEnum):
    """What to do with a record: what the retention schedule says at the end of its period,
    or ``classify`` for personal data no rule covers."""

    DISPOSE = "dispose"
    REVIEW = "review"
    ARCHIVE = "archive"
    PERMANENT = "permanent"
    # Not a rule's action: a file with personal data that no rule covers must first be
    # given a record series (a rule, or a place in one) before its retention can be judged.
    CLASSIFY = "classify"


ACTIONS: tuple[str, ...] = tuple(a.value for a in Action)
# The actions a retention rule may give (``classify`` is governance's, never a rule's).
RULE_ACTIONS: tuple[str, ...] = tuple(a.value for a in Action if a != Action.CLASSIFY)

# Characters that make a spreadsheet cell a formula (CSV injection): a cell taken from a
# file that starts with one is written as text.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
