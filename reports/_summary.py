"""Counts and orderings shared by the human-readable reports (HTML, XLSX).

Kept in one place so the HTML page and the spreadsheet can never disagree
about what a "file with findings" is or how many files hold an entity type.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from scanner.results import ENTITY_TYPES, PROTECTION_NONE, FileResult, ScanResult


def total_entities(record: FileResult) -> int:
    """Number of detected entities in one file, all types together."""
    return sum(record.entities.values())


def has_findings(record: FileResult) -> bool:
    """True when a file deserves a row in the findings table.

    A file with personal data, any flag, or an error: all three need a
    human to look at it.
    """
    return record.has_personal_data or bool(record.flags) or record.error is not None


def findings_sorted(result: ScanResult) -> list[FileResult]:
    """Files with findings, most entities first; ties keep walk order."""
    # sorted() is stable, so equal totals stay in the order the scan saw them.
    return sorted(
        (record for record in result.files if has_findings(record)),
        key=lambda record: -total_entities(record),
    )


def entity_columns(result: ScanResult) -> list[str]:
    """Entity types to show: the public list, then any other type found, sorted.

    Detectors may add a type before ``ENTITY_TYPES`` learns about it; its
    counts must still be reported rather than silently dropped.
    """
    known = set(ENTITY_TYPES)
    extra = sorted({name for record in result.files for name in record.entities} - known)
    return [*ENTITY_TYPES, *extra]


def is_unprotected_personal_data(record: FileResult) -> bool:
    """True for the worst case: personal data in a file with no protection at all."""
    return record.has_personal_data and record.protection == PROTECTION_NONE


@dataclass(frozen=True, slots=True)
class Totals:
    """Summary counts over a whole scan."""

    by_protection: dict[str, int]
    by_status: dict[str, int]
    entity_totals: dict[str, int]  # every column of entity_columns(), zeros included
    entity_files: dict[str, int]  # how many files hold each entity type
    flag_counts: dict[str, int]
    files_with_findings: int
    unprotected_personal_data: int


def compute_totals(result: ScanResult) -> Totals:
    """Count files by protection, status and flag, and entities by type."""
    by_protection: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    entity_totals: Counter[str] = Counter()
    entity_files: Counter[str] = Counter()
    flag_counts: Counter[str] = Counter()
    findings = 0
    unprotected = 0
    for record in result.files:
        by_protection[record.protection] += 1
        by_status[record.status] += 1
        for name, count in record.entities.items():
            entity_totals[name] += count
            entity_files[name] += 1
        # A flag is counted once per file even if a buggy stage added it twice.
        flag_counts.update(set(record.flags))
        findings += has_findings(record)
        unprotected += is_unprotected_personal_data(record)
    columns = entity_columns(result)
    return Totals(
        by_protection=dict(by_protection.most_common()),
        by_status=dict(by_status.most_common()),
        entity_totals={name: entity_totals.get(name, 0) for name in columns},
        entity_files={name: entity_files.get(name, 0) for name in columns},
        flag_counts=dict(flag_counts.most_common()),
        files_with_findings=findings,
        unprotected_personal_data=unprotected,
    )


def evidence_lines(record: FileResult) -> list[str]:
    """Masked evidence of one file as ``TYPE: masked`` strings (never raw values)."""
    return [f"{item.type}: {item.masked}" for item in record.evidence]
