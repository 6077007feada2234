"""The lists reports show, defined once for every store of records.

A report lists the files to act on most urgent first, the overdue ones, the unprotected
ones ...  Each list is a :class:`RecordView`: which records are in it and their order, as a
key.  :class:`RecordList` applies them in memory (tests, a USB stick); the scanner's record
store keeps each record's keys in indexed columns and lets SQLite sort, so a report of a
million files never holds them all (issue 20).  Both take their rules from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Protocol, runtime_checkable

from dpscan.model.ids import Flag, Protection, Status, severity_rank
from dpscan.model.records import FileResult


class RecordView(StrEnum):
    """A list of records a report shows."""

    ACTION = "action"  # open files with a severity: most severe, most people, most entities
    OVERDUE = "overdue"  # personal data past its retention date; open ones first
    UNPROTECTED = "unprotected"  # personal data with no protection at all
    SPECIAL = "special"  # special category data
    UNREGISTERED = "unregistered"  # personal data in no register asset
    REVIEWED = "reviewed"  # what the DPO reviewed: most severe first, then by path
    ERRORS = "errors"  # files that could not be read, in walk order


Key = tuple[int | str, ...]


def total_entities(record: FileResult) -> int:
    """Number of detected entities in one file, all types together."""
    return sum(record.entities.values())


def is_unprotected_personal_data(record: FileResult) -> bool:
    """True for the worst case: personal data in a file with no protection at all."""
    return record.has_personal_data and record.protection == Protection.NONE


def _urgency(record: FileResult) -> Key:
    # Open before reviewed, then the most severe; ties keep walk order.
    return (int(record.is_reviewed), -severity_rank(record.severity))


def view_key(record: FileResult, view: RecordView) -> Key | None:
    """``record``'s sort key in ``view`` (smaller first), or None when it is not in it.
    Equal keys keep walk order."""
    if view is RecordView.ACTION:
        if severity_rank(record.severity) < 0 or record.is_reviewed:
            return None
        return (-severity_rank(record.severity), -record.data_subjects, -total_entities(record))
    if view is RecordView.ERRORS:
        return () if record.status == Status.ERROR else None
    if view is RecordView.REVIEWED:
        if not record.is_reviewed:
            return None
        return (-severity_rank(record.severity), record.root, record.path)
    if not record.has_personal_data:
        return None
    member = {
        RecordView.OVERDUE: Flag.OVERDUE in record.flags,
        RecordView.UNPROTECTED: is_unprotected_personal_data(record),
        RecordView.SPECIAL: bool(record.special_categories),
        RecordView.UNREGISTERED: Flag.UNREGISTERED_PERSONAL_DATA in record.flags,
    }[view]
    return _urgency(record) if member else None


@runtime_checkable
class Records(Protocol):
    """Records of one scan, in walk order, that can be read more than once."""

    def __iter__(self) -> Iterator[FileResult]: ...

    def view(self, view: RecordView) -> Iterable[FileResult]:
        """The records of ``view``, in its order."""
        ...

    def lookup(self, root: str, path: str) -> FileResult | None:
        """The record of one file, or None."""
        ...

    def entity_types(self) -> set[str]:
        """Every entity type some record holds (the reports' count columns)."""
        ...

    def opener(self) -> Callable[[], Records] | None:
        """A picklable way to open these same records in another process (a report
        written beside the others), or None when they live in this process only."""
        ...


class RecordList(list[FileResult]):
    """Records held in memory, for a scan small enough to hold (tests, a USB stick)."""

    _index: dict[tuple[str, str], FileResult] | None = None

    def add(self, record: FileResult) -> None:
        """Keep ``record`` after the others (as a store's ``add``)."""
        self.append(record)

    def view(self, view: RecordView) -> list[FileResult]:
        """The records of ``view``, in its order (sorted is stable: walk order for ties)."""
        keyed = [(key, record) for record in self if (key := view_key(record, view)) is not None]
        keyed.sort(key=lambda pair: pair[0])
        return [record for _, record in keyed]

    def lookup(self, root: str, path: str) -> FileResult | None:
        """The record of one file, or None (an index is built on the first lookup)."""
        if self._index is None or len(self._index) != len(self):
            self._index = {(r.root, r.path): r for r in self}
        return self._index.get((root, path))

    def entity_types(self) -> set[str]:
        """Every entity type some record holds."""
        return {name for record in self for name in record.entities}

    def opener(self) -> None:
        """None: records in memory cannot be opened by another process."""
        return None


def as_records(files: Iterable[FileResult] | Sequence[FileResult]) -> Records:
    """``files`` as :class:`Records`: a store as it is, anything else held in a list."""
    if isinstance(files, Records) and not isinstance(files, list):
        return files
    return files if isinstance(files, RecordList) else RecordList(files)


__all__ = [
    "RecordList",
    "RecordView",
    "Records",
    "as_records",
    "is_unprotected_personal_data",
    "total_entities",
    "view_key",
]
