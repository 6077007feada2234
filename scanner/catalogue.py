"""The catalogue: an embedded SQLite database of scans, files, their latest results, reviews.

What it is for: a weekly scan re-reads only what changed, a stopped scan resumes, reports
are rebuilt without scanning, copies of one file are grouped, the DPO's reviews outlive the
scan they were made on, and find-person searches without re-reading the share.

What it holds: each file's stat identity (size, mtime, inode), its content hash and its
result records as dpscan's detectors left them (evidence already masked), *before*
governance: retention, the register and the policy are applied afresh by every scan and
report, so a changed rules file re-judges every file without reading any.  Names and
identifiers are kept only as keyed hashes (``terms``), never as raw values.

Safety: WAL journal, a transaction per batch of files, ``PRAGMA user_version`` schema
versioning with forward migrations; the file is created readable by its owner only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from dpscan import __version__
from dpscan.model.config import ScanConfig, detection_values
from dpscan.model.ids import REVIEW_STATUSES
from dpscan.model.records import FileResult
from dpscan.scanner.formats import required_distributions
from dpscan.scanner.walk import FileEntry

SCHEMA_VERSION = 1
CATALOGUE_NAME = "catalogue.sqlite"
# Bump when detection changes in a way that should re-read files scanned before (the
# code digest below catches changes to the code and data; this catches anything else).
DETECTOR_VERSION = "2"
# What reads and judges a file's content: a change to any of it re-reads every file.
# The packages and modules whose code and data decide what a file's record says; their
# files are found from the import system, so a new module is covered without a list.
_DETECTION_CODE = ("dpscan.model", "dpscan.detectors", "dpscan.scanner.extract",
                   "dpscan.scanner.pipeline", "dpscan.scanner.sniff", "dpscan.scanner.mailsniff",
                   "dpscan.scanner.protection", "dpscan.scanner.formats")
# Governance is applied afresh to stored records by every scan: no need to re-read.
_GOVERNANCE_CODE = ("dpscan.detectors.governance",)
_GOVERNANCE_DATA = frozenset({"retention_rules.yaml"})
# The libraries the detectors judge text with (the spaCy model is a setting: its version
# is in config_fingerprint); sniffing's and each file format's come from the format table.
_DETECTOR_LIBRARIES = ("presidio-analyzer", "spacy", "thinc", "phonenumbers")
_DETECTION_LIBRARIES = tuple(sorted({*_DETECTOR_LIBRARIES, *required_distributions()}))

# Commit at least this often: a kill loses no more than one batch of work, which the next
# run redoes (a file is written in one transaction with its records, never half).
_BATCH_FILES = 200
_BATCH_SECONDS = 2.0


# change kinds between two scans of the same file
CHANGE_NEW = "new"  # personal data where there was none (or a new file with it)
CHANGE_CHANGED = "changed"  # personal data before and after, but different
CHANGE_RESOLVED = "resolved"  # personal data gone (file deleted or cleaned)

_SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,             -- running | complete | interrupted | incomplete
    roots TEXT NOT NULL,              -- JSON list
    summary TEXT                      -- JSON ScanSummary once finished
);
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    root TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER,
    mtime_ns INTEGER,
    inode INTEGER,
    device INTEGER,
    fingerprint TEXT,                 -- detector version and settings its records came from
    sha256 TEXT,
    personal INTEGER NOT NULL DEFAULT 0,
    signature TEXT,                   -- what was found, to tell changed findings apart
    first_scan INTEGER NOT NULL,
    last_scan INTEGER NOT NULL,
    deleted_scan INTEGER,             -- set when a complete scan no longer finds the file
    UNIQUE (root, path)
);
CREATE INDEX files_sha256 ON files (sha256);
CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,         -- 0: the file itself; then archive members, attachments
    path TEXT NOT NULL,
    sha256 TEXT,
    record TEXT NOT NULL              -- JSON FileResult.to_dict(), evidence masked
);
CREATE INDEX records_file ON records (file_id, ordinal);
CREATE INDEX records_sha256 ON records (sha256);
CREATE TABLE terms (
    record_id INTEGER NOT NULL REFERENCES records (id) ON DELETE CASCADE,
    term TEXT NOT NULL,               -- "<kind>:<keyed hash>", never a raw value
    count INTEGER NOT NULL,
    PRIMARY KEY (record_id, term)
) WITHOUT ROWID;
CREATE INDEX terms_term ON terms (term);
CREATE TABLE changes (
    scan_id INTEGER NOT NULL REFERENCES scans (id),
    root TEXT NOT NULL,
    path TEXT NOT NULL,
    change TEXT NOT NULL,
    PRIMARY KEY (scan_id, root, path)
);
CREATE TABLE reviews (
    root TEXT NOT NULL,
    path TEXT NOT NULL,               -- as in findings.json, members as "a.zip!b.docx"
    status TEXT NOT NULL,             -- false_positive | accepted
    reason TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    reviewed TEXT NOT NULL,           -- ISO time
    sha256 TEXT,                      -- the content the review was made on
    size INTEGER,
    modified TEXT,
    PRIMARY KEY (root, path)
);
"""

# version reached -> the SQL that reaches it from the one before
_MIGRATIONS: dict[int, str] = {1: _SCHEMA_V1}


class CatalogueError(Exception):
    """The catalogue cannot be opened or used; the message says which file and why."""


def default_db_path() -> Path:
    """Where the catalogue lives unless ``--db`` says otherwise (the user's data folder)."""
    import platformdirs

    return platformdirs.user_data_path("dpscan", appauthor=False) / CATALOGUE_NAME


def _module_files_root(name: str) -> list[Path]:
    """Where module or package ``name`` lives: its folders, or its one file ([] if absent)."""
    spec = importlib.util.find_spec(name)
    if spec is None:
        return []
    if spec.submodule_search_locations:
        return [Path(p) for p in spec.submodule_search_locations]
    return [Path(spec.origin)] if spec.origin else []


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@lru_cache(maxsize=1)
def detection_code_digest() -> str:
    """A digest of dpscan's detection code and data and the versions of the libraries
    and spaCy model it reads files with: an upgrade that changes any of them re-reads
    files scanned before rather than trusting their old results."""
    digest = hashlib.sha256()
    skipped = [Path(p) for name in _GOVERNANCE_CODE for p in _module_files_root(name)]
    for name in _DETECTION_CODE:
        for root in _module_files_root(name):
            files = sorted(root.rglob("*")) if root.is_dir() else [root]
            base = root if root.is_dir() else root.parent
            for file in files:
                if (not file.is_file() or file.suffix not in (".py", ".yaml", ".txt")
                        or file.name in _GOVERNANCE_DATA
                        or any(file.is_relative_to(s) for s in skipped)):
                    continue
                digest.update(f"{name}/{file.relative_to(base).as_posix()}".encode())
                digest.update(file.read_bytes())
    for package in _DETECTION_LIBRARIES:
        try:
            version = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{package}={version};".encode())
    return digest.hexdigest()[:16]


def config_fingerprint(config: ScanConfig) -> str:
    """What makes two scans read a file the same way: a file scanned under another
    fingerprint is read again.  Governance settings are not part of it (applied afresh)."""
    key = (hashlib.sha256(config.index_key).hexdigest()[:16]
           if config.index_key is not None else None)
    # The settings declared to change detection (dpscan.model.config.SETTINGS).
    material = json.dumps(
        {"version": __version__, "detector": DETECTOR_VERSION,
         "code": detection_code_digest(), "model": _model_version(config),
         **detection_values(config), "index_key": key},
        sort_keys=True, default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def _model_version(config: ScanConfig) -> str:
    model = config.detection.spacy_model
    try:
        return f"{model}={importlib.metadata.version(model.replace('_', '-'))}"
    except importlib.metadata.PackageNotFoundError:
        return model


def findings_signature(results: Sequence[FileResult]) -> tuple[bool, str]:
    """Whether ``results`` hold personal data, and a digest of what was found (entity
    counts and special categories per record) to tell a changed finding apart."""
    found = [
        (r.path, sorted(r.entities.items()), sorted(r.special_categories))
        for r in results if r.entities
    ]
    digest = hashlib.sha256(json.dumps(found).encode()).hexdigest()[:32]
    return bool(found), digest


@dataclass(slots=True)
class Review:
    """The DPO's decision on one file's findings."""

    root: str
    path: str
    status: str
    reason: str
    reviewer: str
    reviewed: str
    sha256: str | None = None
    size: int | None = None
    modified: str | None = None

    def holds_for(self, result: FileResult) -> bool:
        """True while the file is the one that was reviewed (same content)."""
        if self.sha256 and result.sha256:
            return self.sha256 == result.sha256
        return (self.size, self.modified) == (result.size, result.modified)

    def as_record(self) -> dict[str, str]:
        """The ``review`` field of a reviewed FileResult."""
        return {"status": self.status, "reason": self.reason, "reviewer": self.reviewer,
                "reviewed": self.reviewed}


@dataclass(slots=True)
class Change:
    """A file whose findings changed between the previous scan and this one."""

    root: str
    path: str
    change: str


@dataclass(slots=True)
class _Known:
    file_id: int
    size: int | None
    mtime_ns: int | None
    inode: int | None
    fingerprint: str | None
    personal: bool
    signature: str | None
    deleted: bool


class Catalogue:
    """One catalogue database.  Use :meth:`open`; close it (or use ``with``) when done."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.db = connection
        self.path = path

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str | None = None) -> Catalogue:
        """Open (creating, owner-only, if missing) and migrate the catalogue at ``path``."""
        path = Path(path) if path is not None else default_db_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                # Created owner-only before SQLite writes a byte to it.
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise CatalogueError(f"cannot open catalogue {path}: {exc}") from exc
        catalogue = cls(connection, path)
        try:
            catalogue._prepare()
        except sqlite3.DatabaseError as exc:
            connection.close()
            raise CatalogueError(f"cannot use catalogue {path}: {exc}") from exc
        return catalogue

    def _prepare(self) -> None:
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise CatalogueError(
                f"catalogue {self.path} has schema version {version}, newer than this "
                f"dpscan ({SCHEMA_VERSION}); upgrade dpscan or use another --db")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                for statement in _statements(_MIGRATIONS[target]):
                    self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {target}")
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('created_by', ?)",
                                (f"dpscan {__version__}",))

    def close(self) -> None:
        """Close the database (WAL content is checkpointed by SQLite)."""
        self.db.close()

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    class _Transaction:
        def __init__(self, db: sqlite3.Connection) -> None:
            self.db = db

        def __enter__(self) -> None:
            self.db.execute("BEGIN IMMEDIATE")

        def __exit__(self, exc_type: object, *_rest: object) -> None:
            self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")

    def transaction(self) -> Catalogue._Transaction:
        """``with catalogue.transaction():`` all or nothing."""
        return Catalogue._Transaction(self.db)

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    # -- scans -------------------------------------------------------------------------

    def begin_scan(self, roots: Sequence[str], config: ScanConfig, *,
                   resume: bool = False, full: bool = False) -> ScanRun:
        """Start recording a scan of ``roots`` (or, with ``resume``, continue the last
        unfinished scan of the same roots)."""
        scan_id = None
        roots_json = json.dumps(sorted(roots))
        if resume:
            row = self.db.execute(
                "SELECT id FROM scans WHERE roots = ? AND status IN ('running', 'interrupted')"
                " ORDER BY id DESC LIMIT 1", (roots_json,)).fetchone()
            scan_id = row[0] if row else None
        with self.transaction():
            if scan_id is None:
                scan_id = self.db.execute(
                    "INSERT INTO scans (started, status, roots) VALUES (?, 'running', ?)",
                    (_now(), roots_json)).lastrowid
            else:
                self.db.execute("UPDATE scans SET status = 'running' WHERE id = ?", (scan_id,))
        if scan_id is None:  # sqlite3 gives a rowid after every INSERT into a rowid table
            raise CatalogueError(f"{self.path}: the scan could not be recorded")
        return ScanRun(self, int(scan_id), list(roots), config_fingerprint(config), full=full,
                       mask_evidence=config.detection.show_evidence)

    def previous_scan_id(self, before: int) -> int | None:
        """The last finished scan before ``before``."""
        row = self.db.execute(
            "SELECT id FROM scans WHERE id < ? AND status = 'complete' ORDER BY id DESC LIMIT 1",
            (before,)).fetchone()
        return row[0] if row else None

    def latest_scan(self) -> dict[str, Any] | None:
        """The newest scan row (id, started, finished, status, roots, summary)."""
        row = self.db.execute(
            "SELECT id, started, finished, status, roots, summary FROM scans "
            "ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        return {"id": row[0], "started": row[1], "finished": row[2], "status": row[3],
                "roots": json.loads(row[4]), "summary": json.loads(row[5]) if row[5] else None}

    def changes(self, scan_id: int) -> list[Change]:
        """Files whose findings were new, changed or resolved in scan ``scan_id``."""
        return [Change(*row) for row in self.db.execute(
            "SELECT root, path, change FROM changes WHERE scan_id = ? ORDER BY root, path",
            (scan_id,))]

    # -- results -----------------------------------------------------------------------

    def latest_results(self, roots: Sequence[str] | None = None) -> Iterator[FileResult]:
        """Every record of every file not deleted (under ``roots`` when given), in path order."""
        query = ("SELECT r.record FROM records r JOIN files f ON f.id = r.file_id "
                 "WHERE f.deleted_scan IS NULL")
        params: list[Any] = []
        if roots:
            query += f" AND f.root IN ({','.join('?' * len(roots))})"
            params.extend(roots)
        query += " ORDER BY f.root, f.path, r.ordinal"
        for (record,) in self.db.execute(query, params):
            yield FileResult.from_dict(json.loads(record))

    def files_with_terms(
        self, terms: Collection[str]
    ) -> Iterator[tuple[FileResult, dict[str, int]]]:
        """Each current record holding any of ``terms`` (keyed hashes), with the counts of
        the terms it holds: the index find-person searches."""
        terms = list(dict.fromkeys(terms))
        hits: dict[int, dict[str, int]] = {}
        for start in range(0, len(terms), 500):
            chunk = terms[start:start + 500]
            for record_id, term, count in self.db.execute(
                f"SELECT record_id, term, count FROM terms WHERE term IN "
                f"({','.join('?' * len(chunk))})", chunk):
                hits.setdefault(record_id, {})[term] = count
        ids = list(hits)
        for start in range(0, len(ids), 500):
            chunk_ids = ids[start:start + 500]
            for record_id, record in self.db.execute(
                "SELECT r.id, r.record FROM records r JOIN files f ON f.id = r.file_id "
                f"WHERE r.id IN ({','.join('?' * len(chunk_ids))}) "
                "AND f.deleted_scan IS NULL", chunk_ids):
                yield FileResult.from_dict(json.loads(record)), hits[record_id]

    def duplicate_groups(self, min_size: int = 1) -> list[list[tuple[str, str]]]:
        """Groups of (root, path) whose content is identical (same SHA-256), largest first;
        archive members count too.  Files smaller than ``min_size`` bytes are left out
        (every empty file is a "copy" of every other)."""
        rows = self.db.execute(
            "SELECT r.sha256, f.root, r.path FROM records r JOIN files f ON f.id = r.file_id "
            "WHERE f.deleted_scan IS NULL AND r.sha256 IN ("
            "  SELECT r2.sha256 FROM records r2 JOIN files f2 ON f2.id = r2.file_id"
            "  WHERE f2.deleted_scan IS NULL AND r2.sha256 IS NOT NULL"
            "  AND json_extract(r2.record, '$.size') >= ?"
            "  GROUP BY r2.sha256 HAVING COUNT(*) > 1)"
            "ORDER BY r.sha256, f.root, r.path", (min_size,))
        groups: dict[str, list[tuple[str, str]]] = {}
        for sha, root, path in rows:
            groups.setdefault(sha, []).append((root, path))
        return sorted(groups.values(), key=len, reverse=True)

    # -- reviews -----------------------------------------------------------------------

    def find_records(self, full_path: str) -> list[FileResult]:
        """Current records whose root joined with path is ``full_path`` (a member as
        ``/share/a.zip!b.docx``)."""
        found = []
        for (record,) in self.db.execute(
            "SELECT r.record FROM records r JOIN files f ON f.id = r.file_id "
            "WHERE f.deleted_scan IS NULL AND ? IN (f.root || '/' || r.path, r.path)",
            (full_path,)):
            found.append(FileResult.from_dict(json.loads(record)))
        return found

    def set_review(self, result: FileResult, status: str, reason: str, reviewer: str) -> Review:
        """Record the DPO's review of ``result``'s findings (replacing an earlier one)."""
        if status not in REVIEW_STATUSES:
            raise ValueError(f"status must be one of {', '.join(REVIEW_STATUSES)}")
        review = Review(result.root, result.path, status, reason, reviewer, _now(),
                        result.sha256, result.size, result.modified)
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (review.root, review.path, review.status, review.reason, review.reviewer,
                 review.reviewed, review.sha256, review.size, review.modified))
        return review

    def clear_review(self, root: str, path: str) -> bool:
        """Remove the review of one file; True when there was one."""
        with self.transaction():
            cursor = self.db.execute("DELETE FROM reviews WHERE root = ? AND path = ?",
                                     (root, path))
        return cursor.rowcount > 0

    def reviews(self) -> dict[tuple[str, str], Review]:
        """Every review, by (root, path)."""
        return {(row[0], row[1]): Review(*row) for row in self.db.execute(
            "SELECT root, path, status, reason, reviewer, reviewed, sha256, size, modified "
            "FROM reviews ORDER BY root, path")}


class ScanRun:
    """One scan being recorded: answers "is this file unchanged?" and stores results."""

    def __init__(self, catalogue: Catalogue, scan_id: int, roots: list[str],
                 fingerprint: str, *, full: bool = False, mask_evidence: bool = False) -> None:
        self.catalogue = catalogue
        self.db = catalogue.db
        self.id = scan_id
        self.roots = roots
        self.fingerprint = fingerprint
        self.full = full
        # --show-evidence results hold raw values: masked before they are stored.
        self.mask_evidence = mask_evidence
        self.reused = 0
        self.read = 0
        self._pending: list[tuple[FileEntry, _Frozen | None]] = []
        self._last_commit = time.monotonic()
        # One query per root: a no-change rescan of 100,000 files must not make 100,000.
        self._known: dict[tuple[str, str], _Known] = {}
        self._loaded_roots: set[str] = set()

    def _load_root(self, root: str) -> None:
        self._loaded_roots.add(root)
        for row in self.db.execute(
            "SELECT root, path, id, size, mtime_ns, inode, fingerprint, personal, "
            "signature, deleted_scan FROM files WHERE root = ?", (root,)):
            self._known[(row[0], row[1])] = _Known(
                row[2], row[3], row[4], row[5], row[6], bool(row[7]), row[8],
                row[9] is not None)

    def _lookup(self, entry: FileEntry) -> _Known | None:
        if entry.root not in self._loaded_roots:
            self._load_root(entry.root)
        return self._known.get((entry.root, entry.relpath))

    def cached(self, entry: FileEntry) -> list[FileResult] | None:
        """The stored records of ``entry`` when it is unchanged since they were made
        (same size, mtime, file id and fingerprint), else None: the file must be read."""
        if self.full:
            return None
        known = self._lookup(entry)
        if (known is None or known.deleted or known.fingerprint != self.fingerprint
                or (known.size, known.mtime_ns, known.inode)
                != (entry.size, entry.mtime_ns, entry.inode)):
            return None
        records = [FileResult.from_dict(json.loads(record)) for (record,) in self.db.execute(
            "SELECT record FROM records WHERE file_id = ? ORDER BY ordinal", (known.file_id,))]
        return records or None

    def record(self, entry: FileEntry, results: list[FileResult], *, reused: bool) -> None:
        """Note ``entry`` as seen in this scan with its (ungoverned) ``results``."""
        if reused:
            self.reused += 1
            self._pending.append((entry, None))
        else:
            self.read += 1
            self._pending.append((entry, _freeze(results, self.mask_evidence)))
        if (len(self._pending) >= _BATCH_FILES
                or time.monotonic() - self._last_commit >= _BATCH_SECONDS):
            self.flush()

    def flush(self) -> None:
        """Commit what has been recorded so far."""
        if not self._pending:
            return
        with self.catalogue.transaction():
            for entry, results in self._pending:
                if results is None:
                    self.db.execute("UPDATE files SET last_scan = ? WHERE root = ? AND path = ?",
                                    (self.id, entry.root, entry.relpath))
                else:
                    self._store(entry, results)
        self._pending.clear()
        self._last_commit = time.monotonic()

    def _store(self, entry: FileEntry, frozen: _Frozen) -> None:
        personal, signature = frozen.personal, frozen.signature
        known = self._lookup(entry)
        change = _change(known, personal, signature)
        values = (entry.size, entry.mtime_ns, entry.inode, entry.device, self.fingerprint,
                  frozen.records[0][1], int(personal), signature, self.id)
        file_id: int | None
        if known is None:
            file_id = self.db.execute(
                "INSERT INTO files (size, mtime_ns, inode, device, fingerprint, sha256, "
                "personal, signature, last_scan, root, path, first_scan) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, entry.root, entry.relpath, self.id)).lastrowid
        else:
            file_id = known.file_id
            self.db.execute(
                "UPDATE files SET size = ?, mtime_ns = ?, inode = ?, device = ?, "
                "fingerprint = ?, sha256 = ?, personal = ?, signature = ?, last_scan = ?, "
                "deleted_scan = NULL WHERE id = ?", (*values, file_id))
            self.db.execute("DELETE FROM records WHERE file_id = ?", (file_id,))
        if file_id is None:  # sqlite3 gives a rowid after every INSERT into a rowid table
            raise CatalogueError(f"{self.catalogue.path}: {entry.relpath} could not be recorded")
        self._known[(entry.root, entry.relpath)] = _Known(
            file_id, entry.size, entry.mtime_ns, entry.inode, self.fingerprint, personal,
            signature, False)
        for ordinal, (path, sha256, record, terms) in enumerate(frozen.records):
            record_id = self.db.execute(
                "INSERT INTO records (file_id, ordinal, path, sha256, record) "
                "VALUES (?, ?, ?, ?, ?)", (file_id, ordinal, path, sha256, record)).lastrowid
            if terms:
                self.db.executemany("INSERT OR REPLACE INTO terms VALUES (?, ?, ?)",
                                    [(record_id, term, count) for term, count in terms])
        if change is not None:
            self.db.execute("INSERT OR REPLACE INTO changes VALUES (?, ?, ?, ?)",
                            (self.id, entry.root, entry.relpath, change))

    def forget(self, root: str, relpath: str) -> bool:
        """Mark one file deleted now (watch mode saw it go); True when it was known."""
        self.flush()
        known = self._known.get((root, relpath))
        with self.catalogue.transaction():
            cursor = self.db.execute(
                "UPDATE files SET deleted_scan = ? WHERE root = ? AND path = ? "
                "AND deleted_scan IS NULL", (self.id, root, relpath))
            if cursor.rowcount and known is not None and known.personal:
                self.db.execute("INSERT OR REPLACE INTO changes VALUES (?, ?, ?, ?)",
                                (self.id, root, relpath, CHANGE_RESOLVED))
        if known is not None:
            known.deleted = True
        return cursor.rowcount > 0

    def finish(self, *, complete: bool, summary: dict[str, Any],
               folder_roots: Collection[str] = (),
               unlisted: Collection[tuple[str, str]] = (),
               status: str | None = None) -> list[Change]:
        """Close the scan.  A complete scan marks files under ``folder_roots`` that it no
        longer found as deleted, except beneath folders it could not list (``unlisted``:
        (root, relative folder), "" for the root itself: a share that went away has not
        lost its files).  An incomplete scan marks nothing; ``--resume`` continues it.
        Returns this scan's changes."""
        self.flush()
        status = status or ("complete" if complete else "interrupted")
        with self.catalogue.transaction():
            if complete:
                self._mark_deleted(folder_roots, unlisted)
            self.db.execute(
                "UPDATE scans SET finished = ?, status = ?, summary = ? WHERE id = ?",
                (_now(), status, json.dumps(summary, ensure_ascii=False, default=str), self.id))
        return self.catalogue.changes(self.id)

    def _mark_deleted(self, folder_roots: Collection[str],
                      unlisted: Collection[tuple[str, str]]) -> None:
        for root in folder_roots:
            blocked = [folder for r, folder in unlisted if r == root]
            if "" in blocked:
                continue
            gone = [
                (file_id, path, personal) for file_id, path, personal in self.db.execute(
                    "SELECT id, path, personal FROM files WHERE root = ? AND last_scan < ? "
                    "AND deleted_scan IS NULL", (root, self.id))
                if not any(path.startswith(folder + "/") for folder in blocked)
            ]
            self.db.executemany("UPDATE files SET deleted_scan = ? WHERE id = ?",
                                [(self.id, file_id) for file_id, _, _ in gone])
            self.db.executemany(
                "INSERT OR REPLACE INTO changes VALUES (?, ?, ?, ?)",
                [(self.id, root, path, CHANGE_RESOLVED) for _, path, personal in gone
                 if personal])

    def deleted_since(self) -> int:
        """How many files this scan marked deleted."""
        return self.db.execute("SELECT COUNT(*) FROM files WHERE deleted_scan = ?",
                               (self.id,)).fetchone()[0]


def _change(known: _Known | None, personal: bool, signature: str) -> str | None:
    was = known is not None and known.personal and not known.deleted
    if personal and not was:
        return CHANGE_NEW
    if was and not personal:
        return CHANGE_RESOLVED
    if personal and known is not None and known.signature != signature:
        return CHANGE_CHANGED
    return None


@dataclass(frozen=True, slots=True)
class _Frozen:
    """One file's records as detected, serialised at once: the runner governs the live
    objects right after they are recorded, and the catalogue must keep them as detected."""

    personal: bool
    signature: str
    records: list[tuple[str, str | None, str, list[tuple[str, int]]]]  # path, sha, json, terms


def _freeze(results: list[FileResult], mask_evidence: bool = False) -> _Frozen:
    personal, signature = findings_signature(results)
    records = []
    for result in results:
        data = result.to_dict()
        if mask_evidence:
            from dpscan.detectors.masking import mask_value

            data["evidence"] = [e | {"masked": mask_value(e["type"], e["masked"])}
                                for e in data["evidence"]]
        records.append((result.path, result.sha256, json.dumps(data, ensure_ascii=False),
                        list(result.index_terms.items())))
    return _Frozen(personal, signature, records)


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _statements(script: str) -> list[str]:
    # executescript() commits on its own; running statements one by one keeps a
    # migration inside our transaction (all or nothing).
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


__all__ = [
    "CATALOGUE_NAME",
    "CHANGE_CHANGED",
    "CHANGE_NEW",
    "CHANGE_RESOLVED",
    "SCHEMA_VERSION",
    "Catalogue",
    "CatalogueError",
    "Change",
    "Review",
    "ScanRun",
    "config_fingerprint",
    "default_db_path",
    "findings_signature",
]
