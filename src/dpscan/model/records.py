"""Plain dataclasses that carry one scan's data from stage to stage.

Part of the leaf package :mod:`dpscan.model`: every stage (walk, sniff, extract,
detect, report) imports it and it imports nothing outside the leaf.  The field names of
:class:`FileResult` and :class:`ScanSummary` are the public ``findings.json``
contract: add fields, never rename or remove one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, cast

from dpscan.model.entities import ENTITIES
from dpscan.model.ids import Protection, Status

if TYPE_CHECKING:
    from dpscan.model.views import Records

# Entity type names are a public contract (findings.json, users' scripts), in the order
# findings list them: one per row of the entity table.
ENTITY_TYPES: tuple[str, ...] = tuple(row.id for row in ENTITIES)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One example of a detected value: ``masked`` always, and the raw ``value`` only
    when the scan was asked for it (--show-evidence)."""

    type: str
    masked: str
    score: float
    value: str | None = None

    def to_dict(self, *, with_value: bool) -> dict[str, Any]:
        """As findings.json holds it: ``value`` only when there is one and ``with_value``."""
        data: dict[str, Any] = {"type": self.type, "masked": self.masked, "score": self.score}
        if with_value and self.value is not None:
            data["value"] = self.value
        return data


@dataclass(slots=True)
class FileResult:
    """Everything dpscan knows about one scanned file: one record of findings.json."""

    path: str  # relative to root, "/" separators, undecodable bytes as \\xNN
    root: str
    size: int | None = None
    modified: str | None = None  # ISO 8601, UTC
    mime: str | None = None
    extension_mismatch: bool = False
    protection: str = Protection.UNKNOWN
    protection_detail: str | None = None
    entities: dict[str, int] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    special_categories: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    error: str | None = None
    # Extensions to the issue-2 contract.
    status: str = Status.NOT_READ
    extractor: str | None = None
    text_chars: int = 0
    seconds: float = 0.0
    # People the file holds data about: rows with personal data in tables, plus
    # distinct names in the prose (at least 1 when anything personal was found).
    data_subjects: int = 0
    # Per special category, the phrases or column headings that decided it.
    special_category_evidence: dict[str, list[str]] = field(default_factory=dict)
    # Table column headings dpscan recognised, and what it took each to hold.
    columns: dict[str, str] = field(default_factory=dict)
    # Special categories a file without personal data talks about (a policy, a newsletter
    # about Diwali): a subject, not special category data about anyone.
    topics: list[str] = field(default_factory=list)
    # Characters of text that went through spaCy NER.
    ner_chars: int = 0
    # For a file inside another (an archive member, an email attachment): the path of the
    # record that holds it.  Its own path is "<container path>!<name inside>".
    container: str | None = None
    # For an email: external addresses in To and Cc, seen by every recipient (parents'
    # addresses belong in Bcc).  Flag recipients_exposed from 2 up.
    recipients_exposed: int = 0
    # The latest year of birth found (never the date): retention counted from a pupil's
    # date of birth starts at the end of that year.
    latest_birth_year: int | None = None
    # For a container (archive, email with attachments): what the files inside it hold, at
    # every depth, so governance judges the file a DPO acts on (issue 18).  Entity counts
    # and special categories of all members together; how many members hold personal data;
    # the sum of their data subjects (an upper bound: one pupil may be in several members);
    # and the latest year of birth among them.  Empty / 0 / None for any other file.
    members_entities: dict[str, int] = field(default_factory=dict)
    members_special_categories: list[str] = field(default_factory=list)
    members_with_personal_data: int = 0
    members_data_subjects: int = 0
    members_latest_birth_year: int | None = None
    # Governance (retention schedule, asset register, policy): see detectors.governance.
    asset: str | None = None
    retention_rule: str | None = None
    retention_trigger: str | None = None
    retention_due: str | None = None  # ISO date
    action: str | None = None  # dispose | review | archive | permanent
    severity: str | None = None  # low | medium | high | critical; None without personal data
    severity_reasons: list[str] = field(default_factory=list)
    # SHA-256 of the file's bytes (of the member's, inside a container): copies of one
    # pupil list share it.  None when the file was not read.
    sha256: str | None = None
    # The DPO's review of this file's findings ("false_positive" or "accepted", with a
    # reason, who and when), carried over while the file is unchanged: see scanner.reviews.
    review: dict[str, str] | None = None
    # Keyed hashes (HMAC) of the names and identifiers in the file, for find-person, each
    # "<kind>:<hash>" with its number of mentions.
    # Never written to findings.json or reports: only the catalogue stores them.
    index_terms: dict[str, int] = field(default_factory=dict)

    @property
    def has_personal_data(self) -> bool:
        """True when any entity was detected in the file."""
        return bool(self.entities)

    @property
    def holds_personal_data(self) -> bool:
        """True when the file or any file inside it (a container's members) has personal
        data: what governance judges the file by."""
        return bool(self.entities) or self.members_with_personal_data > 0

    def people(self) -> tuple[int, bool]:
        """The people this file (with its members) holds data about, and whether that is a
        count (True) or only an upper bound (False: several records were added up, and the
        same person may be in more than one)."""
        records = bool(self.entities) + self.members_with_personal_data
        return self.data_subjects + self.members_data_subjects, records <= 1

    def add_flag(self, flag: str) -> None:
        """Add ``flag`` once, keeping the order flags were raised in."""
        if flag not in self.flags:
            self.flags.append(flag)

    @property
    def is_reviewed(self) -> bool:
        """True when the DPO has marked the findings false_positive or accepted."""
        return self.review is not None

    def to_dict(self, *, evidence_values: bool = False) -> dict[str, Any]:
        """The record as plain JSON-ready data (without the private index terms).

        Evidence keeps its raw ``value`` only with ``evidence_values`` (findings.json of a
        --show-evidence scan): whatever else stores a record (the catalogue) never gets it.
        A shallow view, fast enough for 100,000 records: lists and dicts are the record's
        own, so serialise it (or copy them) before the record changes."""
        record = {name: getattr(self, name) for name in _JSON_FIELDS}
        record["evidence"] = [e.to_dict(with_value=evidence_values) for e in self.evidence]
        return record

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> FileResult:
        """Rebuild a record from :meth:`to_dict` output (fields it does not know are ignored,
        so older and newer findings both load)."""
        known = {name: record[name] for name in _FILE_FIELDS if name in record}
        known["evidence"] = [Evidence(**e) for e in record.get("evidence") or ()]
        return cls(**known)


_FILE_FIELDS = tuple(FileResult.__dataclass_fields__)
_JSON_FIELDS = tuple(name for name in _FILE_FIELDS if name != "index_terms")


@dataclass(frozen=True, slots=True)
class WalkError:
    """A folder or entry the crawl could not enter or list."""

    root: str
    path: str
    error: str


@dataclass(slots=True)
class ScanSummary:
    """The ``scan`` block of findings.json."""

    tool: str
    version: str
    started: str
    finished: str | None
    roots: list[str]
    files_seen: int = 0
    files_scanned: int = 0
    errors: int = 0
    files_with_personal_data: int = 0
    walk_errors: list[WalkError] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    # Per Information Asset Register asset (when a register was given): files, files with
    # personal data, overdue, unprotected, and whether its locations held no files at all.
    assets: list[dict[str, Any]] = field(default_factory=list)
    # The date retention was judged on, and the provenance of the rules and register.
    as_of: str | None = None
    rules: dict[str, Any] = field(default_factory=dict)
    # Catalogue (issue 7): the scan's id, whether it reached the end (False: stopped, or a
    # root could not be reached; exit status 3), files whose stored results were reused
    # unread, files found deleted since the last complete scan, and files whose findings
    # are new, changed or resolved since then ({"root", "path", "change"}).
    scan_id: int | None = None
    complete: bool = True
    files_reused: int = 0
    files_deleted: int = 0
    changes: list[dict[str, str]] = field(default_factory=list)
    # Identical files (same SHA-256, 1 byte or more): {"sha256", "files": [{"root", "path"}]}.
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    # Issue 17: each root given as a symlink, with the folder it led to ({root: target}); files
    # whose earlier error record was read again rather than reused; and why a scan that ran
    # to the end is still incomplete (e.g. "root looks unmounted: /mnt/staff"), one line each.
    root_targets: dict[str, str] = field(default_factory=dict)
    files_retried: int = 0
    incomplete_reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON-ready data."""
        return asdict(self)


@dataclass(slots=True)
class ScanResult:
    """A whole scan: its summary and one record per file, in walk order.

    ``files`` may be a list (held in memory) or a store that reads them back as often as
    asked (:class:`dpscan.model.views.Records`): reports iterate it and ask
    :attr:`records` for their sorted lists, never for every record at once.
    """

    scan: ScanSummary
    files: Iterable[FileResult]

    def __post_init__(self) -> None:
        from dpscan.model.views import as_records  # views builds on this module

        self.files = as_records(self.files)

    @property
    def records(self) -> Records:
        """:attr:`files` with the report lists (:class:`dpscan.model.views.RecordView`)."""
        return cast("Records", self.files)

    def to_dict(self) -> dict[str, Any]:
        """findings.json as plain data (record views: serialise before changing them)."""
        return {"scan": self.scan.to_dict(),
                "files": [f.to_dict(evidence_values=True) for f in self.files]}
