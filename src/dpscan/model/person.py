"""What a subject access search hands on: per-file matches and the search's result.

The query itself is built and checked by :mod:`dpscan.detectors.person_index`; records here
only need it to be able to show itself masked, so reports never see a raw value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from dpscan.model.records import FileResult


class MaskableQuery(Protocol):
    """A person query that can show itself with every value masked."""

    def masked(self) -> dict[str, str | None]:
        """The query for reports: every value masked."""
        ...


@dataclass(slots=True)
class PersonMatch:
    """One file's evidence about the person: score, counts by kind, reasons in words."""

    file: FileResult
    score: int
    confidence: str
    matches: dict[str, int]
    reasons: list[str]
    confirmed: bool | None = None  # --rescan: the name or an identifier was read again


@dataclass(slots=True)
class PersonSearchResult:
    """What a search found: files about the person (best first), files set aside as
    probably another person of the same name, and how the search went."""

    query: MaskableQuery
    matches: list[PersonMatch]
    set_aside: list[PersonMatch]
    candidates: int  # files the index returned (including surname-only ones)
    weak: int  # candidates left out: only the surname, a date or the postcode
    seconds: float
    rescan: bool = False
    rescan_errors: list[tuple[str, str, str]] = field(default_factory=list)  # root, path, why
