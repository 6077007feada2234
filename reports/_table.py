"""The "All files" table shared by report.xlsx and files.csv: one header, one row builder.

Values keep their types (int, datetime, date, str, None) so the spreadsheet
can store real numbers and dates; the CSV writer turns them into text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from dpscan.model.records import FileResult, ScanResult
from dpscan.reports._summary import (
    entity_columns,
    evidence_lines,
    parse_date,
    review_status,
    total_entities,
)

ALL_FILES_FIXED: tuple[str, ...] = (
    "path",
    "root",
    "container",
    "size",
    "modified",
    "mime",
    "protection",
    "protection_detail",
    "status",
    "severity",
    "review",  # the DPO's review: false_positive, accepted, or empty while open
    "severity_reasons",
    "asset",
    "retention_rule",
    "retention_due",
    "action",
    "data_subjects",
)
ALL_FILES_TAIL: tuple[str, ...] = (
    "total_entities",
    "special_categories",
    "flags",
    "evidence",
    "error",
)


def all_files_header(result: ScanResult, columns: Sequence[str] | None = None) -> list[str]:
    """Column names of "All files" (and files.csv), entity type columns included
    (``columns``, when the caller has them: finding them reads every record)."""
    columns = entity_columns(result) if columns is None else columns
    return [*ALL_FILES_FIXED, *columns, *ALL_FILES_TAIL]


def parse_modified(value: str | None) -> datetime | str | None:
    """ISO 8601 timestamp -> naive UTC datetime (Excel has no time zones).

    Returns the original string if it does not parse, so the value is still
    shown (as text) rather than lost.
    """
    if not value:
        return None
    try:
        # fromisoformat in 3.11 accepts a trailing "Z" and offsets.
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def due_date(value: str | None) -> date | str | None:
    """retention_due as a date; an unparsable value stays text rather than being lost."""
    return parse_date(value) or value or None


def join(items: Iterable[str], sep: str = "; ") -> str | None:
    """``items`` joined by ``sep``; None (an empty cell) when there are none."""
    joined = sep.join(items)
    return joined or None


def all_files_row(record: FileResult, columns: Sequence[str]) -> list[Any]:
    """One record as a row of :func:`all_files_header` (``columns`` = entity columns)."""
    return [
        record.path,
        record.root,
        record.container,
        record.size,
        parse_modified(record.modified),
        record.mime,
        record.protection,
        record.protection_detail,
        record.status,
        record.severity,
        review_status(record),
        join(record.severity_reasons, ", "),
        record.asset,
        record.retention_rule,
        due_date(record.retention_due),
        record.action,
        record.data_subjects,
        *(record.entities.get(name, 0) for name in columns),
        total_entities(record),
        join(record.special_categories),
        join(record.flags),
        join(evidence_lines(record)),
        record.error,
    ]
