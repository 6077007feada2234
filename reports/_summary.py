"""Counts and orderings shared by the human-readable reports (HTML, XLSX).

Kept in one place so the HTML page and the spreadsheet can never disagree
about what a "file with findings" is or how many files hold an entity type.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from dpscan.model.ids import SEVERITIES, Flag, ReviewStatus, Status, severity_rank
from dpscan.model.records import ENTITY_TYPES, FileResult, ScanResult, ScanSummary

# Re-exported: the reports take these from here, as before they moved to the model.
from dpscan.model.views import RecordView
from dpscan.model.views import is_unprotected_personal_data as is_unprotected_personal_data
from dpscan.model.views import total_entities as total_entities
from dpscan.model.wording import plural


def has_findings(record: FileResult) -> bool:
    """True when a file deserves a row in the findings table.

    A file with personal data, any flag, or an error: all three need a
    human to look at it.
    """
    return record.has_personal_data or bool(record.flags) or record.error is not None


def entity_columns(result: ScanResult) -> list[str]:
    """Entity types to show: the public list, then any other type found, sorted.

    Records read back from a catalogue or findings.json written by another version may
    hold a type this one has no row for; its counts are still reported, never dropped.
    """
    known = set(ENTITY_TYPES)
    extra = sorted(result.records.entity_types() - known)
    return [*ENTITY_TYPES, *extra]


@dataclass(frozen=True, slots=True)
class Totals:
    """Summary counts over a whole scan."""

    by_protection: dict[str, int]
    by_status: dict[str, int]
    entity_totals: dict[str, int]  # every column of entity_columns(), zeros included
    entity_files: dict[str, int]  # how many files hold each entity type
    flag_counts: dict[str, int]
    files_with_findings: int
    unprotected_personal_data: int  # every such file, reviewed or not
    # The DPO's view: files that still need action (severity, not reviewed), files the DPO
    # reviewed, and the unprotected and overdue counts without the reviewed files.
    needs_action: int = 0
    reviewed: int = 0
    open_unprotected: int = 0
    open_overdue: int = 0


def compute_totals(result: ScanResult) -> Totals:
    """Count files by protection, status and flag, and entities by type."""
    counter = TotalsCounter()
    for record in result.files:
        counter.add(record)
    return counter.result()


# --- People: how many data subjects, counted or bounded ----------------------------------

# Identifier kinds of the person index (dpscan.detectors.person_index) that name one person
# each: distinct values of one kind are distinct people.
_PERSON_IDENTIFIER_KINDS: tuple[str, ...] = ("upn", "uln", "nhs")


@dataclass(frozen=True, slots=True)
class People:
    """How many people some records hold data about: a count when ``at_least == up_to``,
    otherwise a range (records were added up, and one person may be in several)."""

    at_least: int
    up_to: int

    @property
    def counted(self) -> bool:
        """True when the figure is a count, not a range."""
        return self.at_least == self.up_to

    @property
    def figure(self) -> str:
        """``"27"`` or ``"up to 54"``."""
        return str(self.up_to) if self.counted else f"up to {self.up_to}"

    def __str__(self) -> str:
        return f"{self.figure} {plural(self.up_to, 'person', 'people')}"


def record_people(record: FileResult) -> People:
    """The people one file holds data about; for a container, with its members (a range
    when several of them hold personal data: the average per record is a lower bound)."""
    total, counted = record.people()
    if counted:
        return People(at_least=total, up_to=total)
    records = bool(record.entities) + record.members_with_personal_data
    return People(at_least=-(-total // records), up_to=total)


def people_in(records: Iterable[FileResult]) -> People:
    """The distinct people ``records`` hold data about, as far as they tell.

    Each record counts its own data (a container's members are records of their own), and
    copies (same SHA-256) count once.  When each of those records names every person in it
    by one identifier kind (UPN, ULN or NHS number, from the person index a catalogue scan
    keeps in memory), the distinct identifiers are the count; otherwise the figure is a
    range: at least the largest file's people, up to the sum of all.
    """
    seen: set[str] = set()
    holding: list[FileResult] = []
    for record in records:
        if not record.has_personal_data or (record.sha256 and record.sha256 in seen):
            continue
        if record.sha256:
            seen.add(record.sha256)
        holding.append(record)
    if not holding:
        return People(at_least=0, up_to=0)
    if len(holding) == 1:
        return People(at_least=holding[0].data_subjects, up_to=holding[0].data_subjects)
    for kind in _PERSON_IDENTIFIER_KINDS:
        per_record = [{t for t in r.index_terms if t.startswith(f"{kind}:")} for r in holding]
        if all(len(ids) >= r.data_subjects for ids, r in zip(per_record, holding, strict=True)):
            distinct = len(set().union(*per_record))
            return People(at_least=distinct, up_to=distinct)
    return People(at_least=max(r.data_subjects for r in holding),
                  up_to=sum(r.data_subjects for r in holding))


def evidence_lines(record: FileResult) -> list[str]:
    """Evidence of one file as ``TYPE: example`` strings: masked, or the raw value when the
    scan was asked for it (--show-evidence; the reports then say so)."""
    return [f"{item.type}: {item.masked if item.value is None else item.value}"
            for item in record.evidence]


# --- Governance views: action list, per-rule and per-asset counts, coverage -----------------


# Flags that explain why a file was not (fully) read: the coverage panel counts them.
COVERAGE_FLAGS: tuple[str, ...] = (
    Flag.TOO_LARGE,
    Flag.TEXT_TRUNCATED,
    Flag.ARCHIVE_LIMIT,
    Flag.NO_TEXT_LAYER,
    "ocr_incomplete",
    Flag.NO_TEXT_EXTRACTED,
    Flag.UNREADABLE,
    Flag.EMPTY_FILE,
    Flag.SPECIAL_FILE,
)




def reason_text(record: FileResult) -> str:
    """The severity reasons in words: "special category data (sen), 340 people, ..."."""
    return ", ".join(record.severity_reasons)


def action_list(result: ScanResult) -> Iterable[FileResult]:
    """Files with a severity that the DPO has not reviewed, most urgent first.

    Critical before high before medium before low; within a level, more
    people first, then more entities; ties keep walk order.  Reviewed files
    (false positive or accepted) are not open: see :func:`reviewed_files`.
    (:data:`~dpscan.model.views.RecordView.ACTION`: sorted by the store of records.)
    """
    return result.records.view(RecordView.ACTION)


def modified_year(record: FileResult) -> str | None:
    """The year the file was last modified ("2019"), or None when unknown or unparsable."""
    if not record.modified:
        return None
    try:
        return str(datetime.fromisoformat(record.modified).year)
    except ValueError:
        return None


def parse_date(value: str | None) -> date | None:
    """An ISO date ("2027-08-31") as a date; None when missing or unparsable."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class PersonalDataCounts:
    """Files with personal data counted several ways (the dashboard's charts)."""

    by_flag: dict[str, int]
    by_severity: dict[str, int]  # critical first, every level present
    by_rule: dict[str, int]  # "(no rule)" for files no rule matched
    by_asset: dict[str, int]  # "(no asset)" for files outside the register
    by_year: dict[str, int]  # modified year, oldest first; "unknown" last
    by_special_category: dict[str, int]


NO_RULE = "(no rule)"
NO_ASSET = "(no asset)"
UNKNOWN_YEAR = "unknown"


def personal_data_counts(result: ScanResult) -> PersonalDataCounts:
    """Count the open files holding personal data by flag, severity, rule, asset, year,
    category; files the DPO reviewed (false positive or accepted) are left out."""
    counter = PersonalDataCounter()
    for record in result.files:
        counter.add(record)
    return counter.result()


def totals_and_counts(result: ScanResult) -> tuple[Totals, PersonalDataCounts]:
    """:func:`compute_totals` and :func:`personal_data_counts` in one reading of the
    records (each reading of a large scan's store decodes every record again)."""
    totals, counts = TotalsCounter(), PersonalDataCounter()
    for record in result.files:
        totals.add(record)
        counts.add(record)
    return totals.result(), counts.result()


@dataclass(frozen=True, slots=True)
class RuleRow:
    """One retention rule's files (the per-rule view)."""

    rule: str
    files: int
    personal_data_files: int
    overdue: int
    due_soon: int
    earliest_due: str | None  # ISO date of the earliest due file, None if none is dated


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of the estate was actually read, and why the rest was not."""

    files_seen: int
    scanned: int
    encrypted: int
    failed: int
    not_read: int
    folders_not_read: int
    reasons: dict[str, int]  # coverage flag -> files, only those seen
    reused: int = 0  # unchanged since the last scan: stored results used, not re-read
    deleted: int = 0  # gone since the last complete scan


# Counters: each summary above, counted one record at a time, so the dashboard counts them
# all in its one pass over the records and the workbook uses the same rules.


@dataclass(slots=True)
class TotalsCounter:
    """:class:`Totals` counted one record at a time."""

    by_protection: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    entity_totals: Counter[str] = field(default_factory=Counter)
    entity_files: Counter[str] = field(default_factory=Counter)
    flag_counts: Counter[str] = field(default_factory=Counter)
    findings: int = 0
    unprotected: int = 0
    needs_action: int = 0
    reviewed: int = 0
    open_unprotected: int = 0
    open_overdue: int = 0

    def add(self, record: FileResult) -> None:
        """Count ``record``."""
        self.by_protection[record.protection] += 1
        self.by_status[record.status] += 1
        for name, count in record.entities.items():
            self.entity_totals[name] += count
            self.entity_files[name] += 1
        self.flag_counts.update(set(record.flags))
        self.findings += has_findings(record)
        self.unprotected += is_unprotected_personal_data(record)
        if record.is_reviewed:
            self.reviewed += 1
            return
        self.needs_action += severity_rank(record.severity) >= 0
        self.open_unprotected += is_unprotected_personal_data(record)
        self.open_overdue += record.has_personal_data and Flag.OVERDUE in record.flags

    def result(self) -> Totals:
        """The totals of the records counted."""
        columns = [*ENTITY_TYPES, *sorted(set(self.entity_totals) - set(ENTITY_TYPES))]
        return Totals(
            by_protection=dict(self.by_protection.most_common()),
            by_status=dict(self.by_status.most_common()),
            entity_totals={name: self.entity_totals.get(name, 0) for name in columns},
            entity_files={name: self.entity_files.get(name, 0) for name in columns},
            flag_counts=dict(self.flag_counts.most_common()),
            files_with_findings=self.findings,
            unprotected_personal_data=self.unprotected,
            needs_action=self.needs_action,
            reviewed=self.reviewed,
            open_unprotected=self.open_unprotected,
            open_overdue=self.open_overdue,
        )


@dataclass(slots=True)
class PersonalDataCounter:
    """:class:`PersonalDataCounts` counted one record at a time."""

    by_flag: Counter[str] = field(default_factory=Counter)
    by_severity: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    by_asset: Counter[str] = field(default_factory=Counter)
    by_year: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)

    def add(self, record: FileResult) -> None:
        """Count ``record``."""
        if not record.has_personal_data or record.is_reviewed:
            return
        self.by_flag.update(set(record.flags))
        if record.severity:
            self.by_severity[record.severity] += 1
        self.by_rule[record.retention_rule or NO_RULE] += 1
        self.by_asset[record.asset or NO_ASSET] += 1
        self.by_year[modified_year(record) or UNKNOWN_YEAR] += 1
        self.by_category.update(set(record.special_categories))

    def result(self) -> PersonalDataCounts:
        """The counts of the records counted."""
        years = sorted(year for year in self.by_year if year != UNKNOWN_YEAR)
        if UNKNOWN_YEAR in self.by_year:
            years.append(UNKNOWN_YEAR)
        return PersonalDataCounts(
            by_flag=dict(self.by_flag.most_common()),
            by_severity={level: self.by_severity.get(level, 0) for level in reversed(SEVERITIES)},
            by_rule=dict(self.by_rule.most_common()),
            by_asset=dict(self.by_asset.most_common()),
            by_year={year: self.by_year[year] for year in years},
            by_special_category=dict(self.by_category.most_common()),
        )


@dataclass(slots=True)
class CoverageCounter:
    """:class:`Coverage` counted one record at a time."""

    files: int = 0
    status: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)

    def add(self, record: FileResult) -> None:
        """Count ``record``."""
        self.files += 1
        self.status[record.status] += 1
        self.reasons.update(set(record.flags) & set(COVERAGE_FLAGS))

    def result(self, scan: ScanSummary) -> Coverage:
        """The coverage of the records counted, with the scan's crawl figures."""
        return Coverage(
            files_seen=max(scan.files_seen, self.files),
            scanned=self.status[Status.SCANNED],
            encrypted=self.status[Status.ENCRYPTED],
            failed=self.status[Status.ERROR],
            not_read=self.status[Status.NOT_READ],
            folders_not_read=len(scan.walk_errors),
            reasons={flag: self.reasons[flag] for flag in COVERAGE_FLAGS if self.reasons[flag]},
            reused=scan.files_reused,
            deleted=scan.files_deleted,
        )


@dataclass(slots=True)
class RuleCounter:
    """One retention rule's files (a :class:`RuleRow`) counted one record at a time."""

    files: int = 0
    personal_data: int = 0
    overdue: int = 0
    due_soon: int = 0
    earliest_due: str | None = None

    def add(self, record: FileResult) -> None:
        """Count ``record``."""
        self.files += 1
        self.personal_data += record.has_personal_data
        self.overdue += Flag.OVERDUE in record.flags
        self.due_soon += Flag.DUE_SOON in record.flags
        due = record.retention_due
        if due and (self.earliest_due is None or due < self.earliest_due):
            self.earliest_due = due



# --- The DPO's reviews, changes since the last scan, copies, completeness ------------------

# Review statuses (set by ``dpscan review``; public values).
REVIEW_FALSE_POSITIVE = ReviewStatus.FALSE_POSITIVE
REVIEW_ACCEPTED = ReviewStatus.ACCEPTED


def review_status(record: FileResult) -> str | None:
    """The review status ("false_positive", "accepted"), or None for an open file."""
    if record.review is None:
        return None
    return str(record.review.get("status") or "reviewed")


def reviewed_files(result: ScanResult) -> Iterable[FileResult]:
    """Files the DPO reviewed: most severe first (what the scan said), then by path."""
    return result.records.view(RecordView.REVIEWED)


# Kinds of change since the previous complete scan, in the order they are shown.
CHANGE_KINDS: tuple[str, ...] = ("new", "changed", "resolved")


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """One file whose findings are new, changed or resolved since the last scan."""

    change: str
    root: str
    path: str
    record: FileResult | None  # None when the file is gone (resolved by deletion)


def change_rows(result: ScanResult) -> Iterator[ChangeRow]:
    """The scan's changes: new first, then changed, then resolved; most severe first.

    Sorted on small keys, each record looked up again as its row is given: a first scan
    of a large share has a "new" change for every file with personal data, and they are
    never all held.
    """
    records = result.records
    keys: list[tuple[int, int, str, str, str]] = []
    for item in result.scan.changes:
        change = str(item.get("change", ""))
        root, path = str(item.get("root", "")), str(item.get("path", ""))
        record = records.lookup(root, path)
        kind = CHANGE_KINDS.index(change) if change in CHANGE_KINDS else len(CHANGE_KINDS)
        severity = severity_rank(record.severity) if record else -1
        keys.append((kind, -severity, root, path, change))
    keys.sort()
    for _, _, root, path, change in keys:
        yield ChangeRow(change=change, root=root, path=path, record=records.lookup(root, path))


def change_counts(result: ScanResult) -> dict[str, int]:
    """How many files are new, changed and resolved (every kind present, zeros included)."""
    counts = Counter(str(item.get("change", "")) for item in result.scan.changes)
    known = {kind: counts.pop(kind, 0) for kind in CHANGE_KINDS}
    return {**known, **dict(sorted(counts.items()))}


@dataclass(frozen=True, slots=True)
class CopyGroup:
    """Identical files (same SHA-256): where every copy is, and what the scan found in it."""

    number: int  # 1-based, in display order
    sha256: str
    files: list[tuple[str, str, FileResult | None]]  # (root, path, record)

    @property
    def copies(self) -> int:
        return len(self.files)

    @property
    def personal_data(self) -> bool:
        return any(record and record.has_personal_data for _, _, record in self.files)

    @property
    def severity(self) -> str | None:
        """The most severe of the copies' severities."""
        levels = [record.severity for _, _, record in self.files if record and record.severity]
        return max(levels, key=severity_rank) if levels else None


def copy_groups(result: ScanResult) -> Iterator[CopyGroup]:
    """Groups of identical files: those holding personal data first (most severe, then most
    copies); groups of other files after them, most copies first.  Sorted on small keys,
    each group's records looked up again as it is given (never every copy at once)."""
    records = result.records
    keys: list[tuple[bool, int, int, int]] = []
    paths: list[list[tuple[str, str]]] = []
    for group in result.scan.duplicates:
        files = [(str(item.get("root", "")), str(item.get("path", "")))
                 for item in group.get("files") or ()]
        personal, severity = False, -1
        for root, path in files:
            record = records.lookup(root, path)
            if record is not None:
                personal = personal or record.has_personal_data
                severity = max(severity, severity_rank(record.severity))
        keys.append((not personal, -severity, -len(files), len(paths)))
        paths.append(files)
    keys.sort()
    for number, (_, _, _, index) in enumerate(keys, 1):
        yield CopyGroup(
            number=number,
            sha256=str(result.scan.duplicates[index].get("sha256", "")),
            files=[(root, path, records.lookup(root, path)) for root, path in paths[index]],
        )


def incomplete_reason(result: ScanResult) -> str | None:
    """Why the scan is incomplete, in words; None when it is complete."""
    if result.scan.complete:
        return None
    unreachable = [error for error in result.scan.walk_errors if error.path == ""]
    if unreachable:
        roots = "; ".join(f"{error.root} ({error.error})" for error in unreachable)
        why = f"a root could not be reached: {roots}"
    else:
        why = "it was stopped before it reached the end"
    return (
        f"This scan is incomplete: {why}. Files it did not reach are missing from this "
        "report and no file was marked deleted; run the scan again (dpscan scan --resume) "
        "to finish it."
    )


UNMASKED_EVIDENCE_WARNING = (
    "Evidence shown unmasked: this report contains detected values in full. "
    "Keep it as securely as the data itself."
)


def shows_evidence(result: ScanResult) -> bool:
    """True when the scan was run with --show-evidence (evidence is unmasked)."""
    return bool(result.scan.settings.get("show_evidence"))


def setting_text(value: object) -> str:
    """A scan setting as the reports show it: numbers grouped in thousands ("2,147,483,648"),
    lists and mappings item by item, anything else as ``str()``.

    A bare long number (the 2 GiB worker memory limit, 2147483648) reads as an NHS number
    to a scan of a copied report, which would then be judged high risk.
    """
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_setting_item(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_setting_item(key)}: {_setting_item(item)}"
                               for key, item in value.items()) + "}"
    return str(value)


def _setting_item(value: object) -> str:
    # Text inside a list keeps its quotes, as str() of the list showed it.
    return repr(value) if isinstance(value, str) else setting_text(value)

