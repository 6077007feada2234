"""What report.html shows, gathered in one pass over the records with bounded memory.

report.html is the DPO's dashboard, not a list of every file: key figures, charts,
coverage, actions grouped by what to do (the most urgent :data:`TOP_FILES` files of each
group), a per-folder summary (the :data:`FOLDER_LIMIT` most urgent folders), changes since
the last scan, reviewed files and copies.  Full lists stay in report.xlsx, files.csv and
findings.json.

:func:`build_dashboard` reads ``records`` once, in order, and keeps only counters,
per-folder and per-rule aggregates and bounded heaps, so ``records`` may be a stream (read
from the catalogue) as well as a list: it is never measured, indexed or sorted whole.  The
only other inputs are what :class:`~dpscan.model.records.ScanSummary` already holds
(changes, groups of copies, walk errors).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

from dpscan.model.ids import SEVERITIES, Flag, severity_rank
from dpscan.model.records import FileResult, ScanSummary
from dpscan.reports._summary import (
    CHANGE_KINDS,
    Coverage,
    CoverageCounter,
    People,
    PersonalDataCounter,
    PersonalDataCounts,
    RuleCounter,
    RuleRow,
    Totals,
    TotalsCounter,
    evidence_lines,
    has_findings,
    is_unprotected_personal_data,
    reason_text,
    record_people,
    review_status,
    total_entities,
)
from dpscan.reports.advice import FLAG_ADVICE, advice_for, flags_by_urgency

# Files listed per action group, changes and reviewed files listed at most.
TOP_FILES = 50
# Folders listed in the per-folder summary at most.
FOLDER_LIMIT = 200
# Levels of folders under each root the per-folder summary adds up to: a staff share's
# "Staff/J Smith" rather than every subfolder of it.
FOLDER_DEPTH = 2
# Groups of copies listed, and copies named per group, at most.
COPY_GROUPS_LIMIT = 50
COPIES_PER_GROUP = 10
# Folders and entries that could not be read, listed at most.
WALK_ERRORS_LIMIT = 200

# Where the full lists are: the page says so under every list it cuts short.
FULL_LISTS = "report.xlsx (Action list), files.csv and findings.json"

# Action groups of files with no flag: personal data alone, or an error alone.
PERSONAL_DATA_GROUP = "personal_data"
ERROR_GROUP = "error"
_GROUP_ADVICE: dict[str, str] = {
    PERSONAL_DATA_GROUP: (
        "Personal data with nothing else flagged: check the file is where it should be, "
        "that the people who can open it need it, and that it is still needed."
    ),
    ERROR_GROUP: "An error stopped dpscan reading this file: open it by hand.",
}
_GROUP_ORDER = {name: index for index, name in enumerate([*FLAG_ADVICE, *_GROUP_ADVICE])}

T = TypeVar("T")


@dataclass(slots=True)
class _Entry(Generic[T]):
    """A heap entry ordered backwards, so the heap's top is the entry shown last."""

    key: tuple[object, ...]
    seen: int  # ties keep the order records came in
    item: T

    def __lt__(self, other: _Entry[T]) -> bool:
        return (self.key, self.seen) > (other.key, other.seen)


class TopN(Generic[T]):
    """The ``limit`` items with the smallest keys among all added (like ``sorted(...)[:limit]``,
    ties in the order added), in memory bounded by ``limit``; counts every item added."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.total = 0
        self._heap: list[_Entry[T]] = []

    def add(self, key: tuple[object, ...], item: T) -> None:
        """Offer ``item``: kept if it is among the ``limit`` smallest keys so far."""
        self.total += 1
        entry = _Entry(key, self.total, item)
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, entry)
        elif self._heap and self._heap[0] < entry:  # the new entry comes before the last kept
            heapq.heapreplace(self._heap, entry)

    def items(self) -> list[T]:
        """The kept items, smallest key first."""
        return [entry.item for entry in sorted(self._heap, key=lambda e: (e.key, e.seen))]


# --- Views the template shows ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileRow:
    """One listed file, precomputed for the template."""

    record: FileResult
    severity_rank: int  # 3 critical ... 0 low, -1 none
    total: int  # entities, all types
    people: People
    entities: list[tuple[str, int]]  # most frequent first
    evidence: list[str]
    reasons: str  # severity reasons in words
    flags: list[str]  # most urgent first
    danger: bool  # personal data with no protection, not reviewed
    review: str | None


def file_row(record: FileResult) -> FileRow:
    """The row of one file as every list of the page shows it."""
    return FileRow(
        record=record,
        severity_rank=severity_rank(record.severity),
        total=total_entities(record),
        people=record_people(record),
        entities=sorted(record.entities.items(), key=lambda item: (-item[1], item[0])),
        evidence=evidence_lines(record),
        reasons=reason_text(record),
        flags=flags_by_urgency(record.flags),
        danger=is_unprotected_personal_data(record) and not record.is_reviewed,
        review=review_status(record),
    )


@dataclass(frozen=True, slots=True)
class ActionGroup:
    """Open files needing the same action (one flag): one advice, the most urgent files."""

    key: str  # a flag, or PERSONAL_DATA_GROUP / ERROR_GROUP
    advice: str
    total: int  # files in the group
    rows: list[FileRow]  # the most urgent, at most TOP_FILES
    by_severity: dict[str, int]  # files per severity, critical first; only those present

    @property
    def more(self) -> int:
        """Files of the group not listed on the page."""
        return self.total - len(self.rows)


@dataclass(frozen=True, slots=True)
class FolderRow:
    """One folder (``FOLDER_DEPTH`` levels under a root) and what its files hold."""

    root: str
    folder: str  # "" for files directly in the root
    files: int = 0
    personal_data: int = 0  # open files with personal data
    special_category: int = 0
    overdue: int = 0
    unprotected: int = 0
    highest_rank: int = -1  # the most severe open file's severity rank

    @property
    def highest_severity(self) -> str | None:
        """The most severe open file's severity ("critical"), None when none has one."""
        return SEVERITIES[self.highest_rank] if self.highest_rank >= 0 else None

    def sort_key(self) -> tuple[object, ...]:
        """Most urgent first: severity, then unprotected, special, overdue, personal data."""
        return (-self.highest_rank, -self.unprotected, -self.special_category, -self.overdue,
                -self.personal_data, -self.files, self.root, self.folder)


@dataclass(frozen=True, slots=True)
class ChangeView:
    """One row of the changes table: the change, and the file as this scan found it."""

    change: str
    root: str
    path: str
    record: FileResult | None  # None when the file is gone
    severity_rank: int
    total: int


@dataclass(frozen=True, slots=True)
class CopyView:
    """A group of identical files: the first copies by name, and what was found in them."""

    number: int  # 1-based, in display order
    sha256: str
    copies: int
    files: list[tuple[str, str, str | None]]  # (root, path, review), the first copies
    personal_data: bool
    severity: str | None

    @property
    def more(self) -> int:
        return self.copies - len(self.files)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything report.html shows about the files, from one pass over them."""

    files_total: int
    totals: Totals
    counts: PersonalDataCounts
    coverage: Coverage
    actions: list[ActionGroup]  # most urgent action first
    actions_total: int  # open files in any group (a file is in one group per flag)
    folders: list[FolderRow]  # most urgent first, at most FOLDER_LIMIT
    folders_total: int
    rules: list[RuleRow]
    changes: list[ChangeView]
    changes_total: int
    reviewed: list[FileRow]
    reviewed_total: int
    copies: list[CopyView]
    copies_total: int

    def limited(self, rows: int) -> Dashboard:
        """The same dashboard listing at most ``rows`` files per list (the page's size guard)."""
        return replace(
            self,
            actions=[replace(g, rows=g.rows[:rows]) for g in self.actions],
            changes=self.changes[:rows],
            reviewed=self.reviewed[:rows],
            copies=self.copies[:rows],
        )


# --- Accumulators: each sees every record once ---------------------------------------------


@dataclass(slots=True)
class _FolderCounter:
    files: int = 0
    personal_data: int = 0
    special_category: int = 0
    overdue: int = 0
    unprotected: int = 0
    highest_rank: int = -1

    def add(self, record: FileResult) -> None:
        self.files += 1
        if record.is_reviewed:
            return
        self.personal_data += record.has_personal_data
        self.special_category += record.has_personal_data and bool(record.special_categories)
        self.overdue += record.has_personal_data and Flag.OVERDUE in record.flags
        self.unprotected += is_unprotected_personal_data(record)
        self.highest_rank = max(self.highest_rank, severity_rank(record.severity))


@dataclass(slots=True)
class _CopyGroupCounter:
    sha256: str
    members: list[tuple[str, str]]
    personal_data: bool = False
    highest_rank: int = -1
    reviews: dict[tuple[str, str], str] = field(default_factory=dict)  # shown members only


def folder_of(record: FileResult) -> str:
    """The folder a file is counted in: the first :data:`FOLDER_DEPTH` folders of its path
    ("" for a file directly in its root); a file inside an archive counts in the archive's."""
    path = record.path
    if record.container:
        path = path.split("!", 1)[0]  # the outermost archive, whose folder it is in
    folders = path.split("/")[:-1]
    return "/".join(folders[:FOLDER_DEPTH])


def action_groups(record: FileResult) -> list[str]:
    """The action groups an open file is listed in: one per flag, most urgent first
    (personal data or an error with no flag: a group of its own); none for a reviewed file
    or one with nothing to do."""
    if record.is_reviewed or not has_findings(record):
        return []
    if record.flags:
        return flags_by_urgency(record.flags)
    return [PERSONAL_DATA_GROUP if record.has_personal_data else ERROR_GROUP]


def _urgency(record: FileResult) -> tuple[int, int, int]:
    # sorted() order of the action list: critical first, then more people, more entities.
    return (-severity_rank(record.severity), -record_people(record).up_to,
            -total_entities(record))


def build_dashboard(records: Iterable[FileResult], scan: ScanSummary,
                    *, top: int = TOP_FILES) -> Dashboard:
    """Read ``records`` once and gather what report.html shows (see the module docstring)."""
    totals = TotalsCounter()
    charts = PersonalDataCounter()
    cover = CoverageCounter()
    rules: dict[str, RuleCounter] = {}
    folders: dict[tuple[str, str], _FolderCounter] = {}
    groups: dict[str, TopN[FileResult]] = {}
    group_severities: dict[str, Counter[str]] = {}
    reviewed: TopN[FileResult] = TopN(top)
    actions_total = 0

    # Changes and copies name files by (root, path); the summary already holds them all.
    pending_changes = {(str(c.get("root", "")), str(c.get("path", ""))): str(c.get("change", ""))
                       for c in scan.changes}
    changes: TopN[ChangeView] = TopN(top)
    copy_groups = [
        _CopyGroupCounter(
            sha256=str(group.get("sha256", "")),
            members=[(str(item.get("root", "")), str(item.get("path", "")))
                     for item in group.get("files") or ()],
        )
        for group in scan.duplicates
    ]
    copy_of = {member: (group, position) for group in copy_groups
               for position, member in enumerate(group.members)}

    for record in records:
        totals.add(record)
        charts.add(record)
        cover.add(record)
        if record.retention_rule:
            rules.setdefault(record.retention_rule, RuleCounter()).add(record)
        folders.setdefault((record.root, folder_of(record)), _FolderCounter()).add(record)
        needs_action = False
        for group in action_groups(record):
            needs_action = True
            groups.setdefault(group, TopN(top)).add(_urgency(record), record)
            if record.severity:
                group_severities.setdefault(group, Counter())[record.severity] += 1
        actions_total += needs_action
        if record.is_reviewed:
            reviewed.add((-severity_rank(record.severity), record.root, record.path), record)
        key = (record.root, record.path)
        kind = pending_changes.pop(key, None)
        if kind is not None:
            changes.add(_change_key(kind, record, key), _change_view(kind, key, record))
        if key in copy_of:
            copy, position = copy_of[key]
            copy.personal_data |= record.has_personal_data
            copy.highest_rank = max(copy.highest_rank, severity_rank(record.severity))
            if record.is_reviewed and position < COPIES_PER_GROUP:
                copy.reviews[key] = review_status(record) or ""
    for key, kind in pending_changes.items():  # no record: the file is gone
        changes.add(_change_key(kind, None, key), _change_view(kind, key, None))

    actions = [
        ActionGroup(key=name, advice=_GROUP_ADVICE.get(name) or advice_for(name),
                    total=kept.total, rows=[file_row(r) for r in kept.items()],
                    by_severity={level: group_severities[name][level]
                                 for level in reversed(SEVERITIES)
                                 if group_severities.get(name, Counter())[level]})
        for name, kept in sorted(groups.items(),
                                 key=lambda item: (_GROUP_ORDER.get(item[0], len(FLAG_ADVICE)),
                                                   item[0]))
    ]
    folder_rows = heapq.nsmallest(
        FOLDER_LIMIT,
        (FolderRow(root=root, folder=folder, files=c.files, personal_data=c.personal_data,
                   special_category=c.special_category, overdue=c.overdue,
                   unprotected=c.unprotected, highest_rank=c.highest_rank)
         for (root, folder), c in folders.items()),
        key=FolderRow.sort_key,
    )
    copy_groups.sort(key=lambda g: (not g.personal_data, -g.highest_rank, -len(g.members)))
    return Dashboard(
        files_total=cover.files,
        totals=totals.result(),
        counts=charts.result(),
        coverage=cover.result(scan),
        actions=actions,
        actions_total=actions_total,
        folders=folder_rows,
        folders_total=len(folders),
        rules=sorted(
            (RuleRow(rule=rule, files=c.files, personal_data_files=c.personal_data,
                     overdue=c.overdue, due_soon=c.due_soon, earliest_due=c.earliest_due)
             for rule, c in rules.items()),
            key=lambda row: (-row.overdue, -row.personal_data_files, row.rule),
        ),
        changes=changes.items(),
        changes_total=changes.total,
        reviewed=[file_row(r) for r in reviewed.items()],
        reviewed_total=reviewed.total,
        copies=[
            CopyView(
                number=number,
                sha256=group.sha256,
                copies=len(group.members),
                files=[(root, path, group.reviews.get((root, path)))
                       for root, path in group.members[:COPIES_PER_GROUP]],
                personal_data=group.personal_data,
                severity=SEVERITIES[group.highest_rank] if group.highest_rank >= 0 else None,
            )
            for number, group in enumerate(copy_groups[:COPY_GROUPS_LIMIT], 1)
        ],
        copies_total=len(copy_groups),
    )


def _change_key(kind: str, record: FileResult | None,
                key: tuple[str, str]) -> tuple[object, ...]:
    # New first, then changed, then resolved; most severe first; then by name.
    order = CHANGE_KINDS.index(kind) if kind in CHANGE_KINDS else len(CHANGE_KINDS)
    return (order, -severity_rank(record.severity if record else None), *key)


def _change_view(kind: str, key: tuple[str, str], record: FileResult | None) -> ChangeView:
    return ChangeView(
        change=kind, root=key[0], path=key[1], record=record,
        severity_rank=severity_rank(record.severity) if record else -1,
        total=total_entities(record) if record else 0,
    )
