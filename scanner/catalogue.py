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
versioning with forward migrations; the file is created readable by its owner only, and
only where no file is: an empty or foreign file at the path is refused, never replaced.

Concurrent writers (two scans, a scan and ``watch``) merge: each file row is upserted in
its own writer's transaction, a change is judged against the row as it is when written,
and a file is marked deleted only when it is absent on disk at that moment.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import importlib.util
import inspect
import json
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from dpscan import __version__
from dpscan.model.config import ScanConfig, detection_values
from dpscan.model.errors import DpscanError
from dpscan.model.ids import REVIEW_STATUSES, Status
from dpscan.model.records import FileResult
from dpscan.scanner.formats import required_distributions
from dpscan.scanner.walk import FileEntry, is_excluded, printable_path

SCHEMA_VERSION = 4
CATALOGUE_NAME = "catalogue.sqlite"
# Bump when detection changes in a way that should re-read files scanned before (the
# code digest below catches changes to the code and data; this catches anything else).
DETECTOR_VERSION = "2"
# What reads and judges a file's content: a change to any of it re-reads every file.
# The packages and modules whose code and data decide what a file's record says; their
# files are found from the import system, so a new module is covered without a list.
_DETECTION_CODE = ("dpscan.model", "dpscan.detectors", "dpscan.scanner.extract",
                   "dpscan.scanner.pipeline", "dpscan.scanner.sniff", "dpscan.scanner.mailsniff",
                   "dpscan.scanner.protection", "dpscan.scanner.formats",
                   # Runs in the worker and writes into the stored records (policy flags,
                   # members folded into their container), although it sits in governance.
                   "dpscan.detectors.governance.policy")
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
    status TEXT NOT NULL,   -- running | complete | interrupted | incomplete | watching | watch
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

# Version 2 (issue 17): the top record's status, so an error is read again without
# parsing records; when each file row was last written (a concurrent scan or watch wrote
# it after this scan started: not deleted); changes as one ordered log, each scan noting
# where its part ends, so a report's changes run from the last complete scan; whether each
# root was a mount point (one that is not any more looks unmounted).
_SCHEMA_V2 = """
ALTER TABLE files ADD COLUMN status TEXT;
ALTER TABLE files ADD COLUMN recorded_ns INTEGER;
UPDATE files SET status = (SELECT json_extract(r.record, '$.status') FROM records r
                           WHERE r.file_id = files.id AND r.ordinal = 0);
ALTER TABLE scans ADD COLUMN last_change INTEGER;
CREATE TABLE change_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    scan_id INTEGER NOT NULL REFERENCES scans (id),
    root TEXT NOT NULL,
    path TEXT NOT NULL,
    change TEXT NOT NULL
);
INSERT INTO change_log (scan_id, root, path, change)
    SELECT scan_id, root, path, change FROM changes ORDER BY scan_id, root, path;
DROP TABLE changes;
ALTER TABLE change_log RENAME TO changes;
UPDATE scans SET last_change = (SELECT COALESCE(MAX(c.seq), 0) FROM changes c
                                WHERE c.scan_id <= scans.id)
    WHERE finished IS NOT NULL;
CREATE TABLE roots (
    root TEXT PRIMARY KEY,
    mount_point INTEGER NOT NULL,     -- 1 once a scan found it a mount point
    scan_id INTEGER NOT NULL REFERENCES scans (id)
);
"""

# Version 3 (issue 18): a file is one row whatever root reached it, keyed by its absolute
# path (``abspath``: root joined with path); the row's root and path are the view of the
# widest root that has reached it.  Reviews follow the file the same way.  Each scan
# records its kind (a scan, or a watch session, which never stands for a scan's coverage)
# and its context (rules, register, public locations, as-of date) for ``report --db``.
_SCHEMA_V3 = """
ALTER TABLE files ADD COLUMN abspath TEXT;
UPDATE files SET abspath = rtrim(root, '/') || '/' || path;
ALTER TABLE scans ADD COLUMN kind TEXT NOT NULL DEFAULT 'scan';
UPDATE scans SET kind = 'watch' WHERE status IN ('watch', 'watching');
ALTER TABLE scans ADD COLUMN context TEXT;
CREATE TABLE reviews_v3 (
    abspath TEXT PRIMARY KEY,         -- root joined with path, members as "/s/a.zip!b.docx"
    root TEXT NOT NULL,               -- the file's root and path when it was reviewed
    path TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    reviewed TEXT NOT NULL,
    sha256 TEXT,
    size INTEGER,
    modified TEXT
);
INSERT OR REPLACE INTO reviews_v3
    SELECT rtrim(root, '/') || '/' || path, root, path, status, reason, reviewer, reviewed,
           sha256, size, modified FROM reviews ORDER BY reviewed;
DROP TABLE reviews;
ALTER TABLE reviews_v3 RENAME TO reviews;
"""


def _merge_duplicate_files(db: sqlite3.Connection) -> None:
    """Fold the rows an older catalogue holds for one file under several roots into one:
    the most recently scanned row and its records are kept, seen from the widest root."""
    groups = db.execute(
        "SELECT abspath FROM files GROUP BY abspath HAVING COUNT(*) > 1").fetchall()
    for (abspath,) in groups:
        rows = db.execute(
            "SELECT id, root, path, first_scan FROM files WHERE abspath = ? "
            "ORDER BY last_scan DESC, COALESCE(recorded_ns, 0) DESC, id DESC",
            (abspath,)).fetchall()
        kept, *dropped = rows
        db.executemany("DELETE FROM files WHERE id = ?", [(row[0],) for row in dropped])
        db.execute("UPDATE files SET first_scan = ? WHERE id = ?",
                   (min(row[3] for row in rows), kept[0]))
        widest = min(rows, key=lambda row: len(row[1]))
        _rebase_row(db, kept[0], (kept[1], kept[2]), (widest[1], widest[2]))


_FILES_BY_ABSPATH = "CREATE UNIQUE INDEX files_abspath ON files (abspath);"

# Version 4 (issue 20): each record's judgement (the fields governance set) and a digest of
# what judged it, so a rescan applies it again instead of judging an unchanged file anew.
_SCHEMA_V4 = """
CREATE TABLE judgements (
    record_id INTEGER PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
    context TEXT NOT NULL,            -- digest: rules, register, policy, as-of date, code, view
    judged TEXT NOT NULL              -- JSON: the fields governance set
);
"""

# One migration step: SQL statements, or a function given the connection.
_Step = str | Callable[[sqlite3.Connection], None]
# version reached -> the steps that reach it from the one before
_MIGRATIONS: dict[int, tuple[_Step, ...]] = {
    1: (_SCHEMA_V1,),
    2: (_SCHEMA_V2,),
    3: (_SCHEMA_V3, _merge_duplicate_files, _FILES_BY_ABSPATH),
    4: (_SCHEMA_V4,),
}
_CREATED_BY = "dpscan"


class CatalogueError(DpscanError):
    """The catalogue cannot be opened or used; the message (one line) says which file and
    why.  The command line ends with it in one line and exit status 2."""


_Params = ParamSpec("_Params")
_Returns = TypeVar("_Returns")


def _guarded(method: Callable[_Params, _Returns]) -> Callable[_Params, _Returns]:
    """Turn an SQLite failure inside ``method`` (damaged pages, a full disk, a lock held
    too long) into a CatalogueError naming the catalogue, instead of a traceback."""
    def failure(owner: Any, exc: sqlite3.Error) -> CatalogueError:
        path = owner.path if isinstance(owner, Catalogue) else owner.catalogue.path
        hint = (": the file is damaged; restore it from a backup, or move it aside to "
                "start a new catalogue" if "malformed" in str(exc) else "")
        return CatalogueError(f"catalogue {path}: {exc}{hint}")

    if inspect.isgeneratorfunction(method):
        @functools.wraps(method)
        def generator(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from method(*args, **kwargs)
            except sqlite3.Error as exc:
                raise failure(args[0], exc) from exc
        return generator

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise failure(args[0], exc) from exc
    return wrapper


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


def _code_files(names: Iterable[str], suffixes: tuple[str, ...],
                skip: Callable[[Path, Path], bool] = lambda file, root: False,
                ) -> Iterator[tuple[str, Path]]:
    """(``"<module>/<relative path>"``, file) for each file of the modules or packages
    ``names`` with one of ``suffixes``, in a stable order, but those ``skip(file, root)``
    leaves out."""
    for name in names:
        for root in _module_files_root(name):
            files = sorted(root.rglob("*")) if root.is_dir() else [root]
            base = root if root.is_dir() else root.parent
            for file in files:
                if file.is_file() and file.suffix in suffixes and not skip(file, root):
                    yield f"{name}/{file.relative_to(base).as_posix()}", file


@lru_cache(maxsize=1)
def detection_code_digest() -> str:
    """A digest of dpscan's detection code and data and the versions of the libraries
    and spaCy model it reads files with: an upgrade that changes any of them re-reads
    files scanned before rather than trusting their old results."""
    digest = hashlib.sha256()
    skipped = [Path(p) for name in _GOVERNANCE_CODE for p in _module_files_root(name)]

    def governance(file: Path, root: Path) -> bool:
        return file.name in _GOVERNANCE_DATA or (
            root.is_dir() and any(file.is_relative_to(s) for s in skipped))

    for key, file in _code_files(_DETECTION_CODE, (".py", ".yaml", ".txt"), governance):
        digest.update(key.encode())
        digest.update(file.read_bytes())
    for package in _DETECTION_LIBRARIES:
        try:
            version = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{package}={version};".encode())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def governance_code_digest() -> str:
    """A digest of dpscan's governance code (the rules file is the governor's own part of
    a judgement's context): a dpscan that judges differently judges kept files again."""
    digest = hashlib.sha256()
    for key, file in _code_files(_GOVERNANCE_CODE, (".py",)):
        digest.update(key.encode())
        digest.update(file.read_bytes())
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

    @property
    def absolute_path(self) -> str:
        """The reviewed file's identity (its root joined with its path)."""
        return absolute_path(self.root, self.path)

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
    """A file whose findings changed since the last complete scan."""

    root: str
    path: str
    change: str


@dataclass(frozen=True, slots=True)
class RootSeen:
    """What a scan saw of one folder it was given: whether it is a mount point (at the
    start and at the end of the scan) and whether the crawl found anything in it."""

    root: str
    mount_point: bool
    found_anything: bool


@dataclass(slots=True)
class _Known:
    file_id: int
    root: str  # the row's view of the file (the widest root that reached it)
    path: str
    size: int | None
    mtime_ns: int | None
    inode: int | None
    fingerprint: str | None
    status: str | None
    deleted: bool


@dataclass(slots=True)
class _Origin:
    """Where a record of this scan is kept: its row (None until a read file is stored),
    its file and position there, a digest of the record as detected, and its kept
    judgement when still good.  ``usable`` is False when two records of one file share a
    path (an archive listing a name twice): neither is then kept nor reused."""

    record_id: int | None
    abspath: str
    ordinal: int
    content: str
    judged: dict[str, Any] | None = None
    usable: bool = True


def judgement_context(fingerprint: str, root: str, path: str, content: str) -> str:
    """The digest a judgement is kept under: what judged the file (``fingerprint``:
    governor and governance code), the view it was judged in (rules match the path
    relative to the root) and the record it judged (``content``: a digest of the record
    as detected, so a judgement never lands on records another scan stored meanwhile)."""
    return hashlib.sha256(f"{fingerprint}\x1f{root}\x1f{path}\x1f{content}".encode(
        "utf-8", "surrogatepass")).hexdigest()[:32]


def _digest(record_json: str) -> str:
    return hashlib.sha256(record_json.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def root_key(root: str) -> str:
    """A root as the catalogue's rows name it (as the crawl prints it)."""
    return printable_path(os.path.abspath(root))[0]


def _on_disk(root: str, relpath: str) -> bool:
    """Whether a file the crawl would list is at ``root``/``relpath`` now.  Only a clear
    "no such file" is absence: a file that cannot be looked at is not called deleted."""
    try:
        st = os.lstat(os.path.join(root, *relpath.split("/")))
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return not (stat.S_ISDIR(st.st_mode) or stat.S_ISLNK(st.st_mode))


def absolute_path(root: str, path: str) -> str:
    """A file's identity in the catalogue, whichever root reached it: its root joined with
    its path (``/share`` and ``school/a.docx``, or ``/share/school`` and ``a.docx``: both
    ``/share/school/a.docx``; a member as ``/share/a.zip!b.docx``)."""
    return f"{root.rstrip('/')}/{path}"


def _beneath(folder: str) -> tuple[str, str]:
    """The bounds (from, inclusive; to, exclusive) of the absolute paths beneath ``folder``:
    an index range, with no LIKE wildcards to escape in the names."""
    low = folder.rstrip("/") + "/"
    return low, low[:-1] + "0"  # "0" follows "/": every path starting with low is before


def _rebased(record: dict[str, Any], old: tuple[str, str],
             new: tuple[str, str]) -> dict[str, Any]:
    """A stored record (a file's, or one of its members') as seen from another root: the
    file at ``old`` (root, path) is the one at ``new``."""
    old_path, new_path = old[1], new[1]
    record["root"] = new[0]
    for name in ("path", "container"):
        value = record.get(name)
        if value is not None and (value == old_path or value.startswith(old_path + "!")):
            record[name] = new_path + value[len(old_path):]
    return record


def _rebase_row(db: sqlite3.Connection, file_id: int, old: tuple[str, str],
                new: tuple[str, str]) -> None:
    """Show one file row and its records from another root (the widest that reached it)."""
    if old == new:
        return
    db.execute("UPDATE files SET root = ?, path = ? WHERE id = ?", (*new, file_id))
    for record_id, record in db.execute(
            "SELECT id, record FROM records WHERE file_id = ?", (file_id,)).fetchall():
        data = _rebased(json.loads(record), old, new)
        db.execute("UPDATE records SET path = ?, record = ? WHERE id = ?",
                   (data["path"], json.dumps(data, ensure_ascii=False), record_id))


def _fold(kinds: Sequence[str]) -> str | None:
    """One file's successive changes as one: personal data before the first and after the
    last decide it (new then resolved is nothing; resolved then new is changed)."""
    before = kinds[0] != CHANGE_NEW
    after = kinds[-1] != CHANGE_RESOLVED
    if before and after:
        return CHANGE_CHANGED
    if after:
        return CHANGE_NEW
    return CHANGE_RESOLVED if before else None


def _containers(full_path: str) -> list[str]:
    """Where the file row of ``full_path`` may be: the path itself, or (for a member,
    ``a.zip!b.docx``) each prefix before a "!" (a "!" may also be part of a real name)."""
    parts = full_path.split("!")
    return ["!".join(parts[:cut]) for cut in range(1, len(parts) + 1)]


def _covers(roots: Iterable[str], root: str) -> bool:
    return any(root == r or root.startswith(r.rstrip("/") + "/") for r in roots)


class Catalogue:
    """One catalogue database.  Use :meth:`open`; close it (or use ``with``) when done."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.db = connection
        self.path = path

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str | None = None) -> Catalogue:
        """Open and migrate the dpscan catalogue at ``path``, creating it (owner-only) only
        where no file is.  An existing file that is empty or not a dpscan catalogue is
        refused with a CatalogueError: it is never initialised over."""
        path = Path(path) if path is not None else default_db_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if not path.exists():
                cls._create(path)
            elif path.is_file() and path.stat().st_size == 0:
                raise CatalogueError(
                    f"catalogue {path} is empty (0 bytes), not a dpscan catalogue: restore "
                    "it from a backup, or move it aside to start a new one")
            connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise CatalogueError(f"cannot open catalogue {path}: {exc}") from exc
        catalogue = cls(connection, path)
        try:
            catalogue._prepare()
        except CatalogueError:
            connection.close()
            raise
        except sqlite3.DatabaseError as exc:
            connection.close()
            raise CatalogueError(f"{path} is not a usable dpscan catalogue: {exc}") from exc
        return catalogue

    @classmethod
    def _create(cls, path: Path) -> None:
        """Build a new catalogue beside ``path`` and link it into place only if still no
        file is there: two first scans starting together share one catalogue, and no
        half-made (empty) file is ever left at ``path``."""
        draft = path.with_name(f".{path.name}.{os.getpid()}.{time.monotonic_ns()}.new")
        os.close(os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        try:
            connection = sqlite3.connect(draft, isolation_level=None)
            try:
                cls(connection, draft)._migrate()
            finally:
                connection.close()
            try:
                os.link(draft, path)
            except FileExistsError:
                pass  # another dpscan made it first: use theirs
            except OSError:
                if not path.exists():  # a file system without hard links
                    os.rename(draft, path)
        finally:
            draft.unlink(missing_ok=True)

    def _prepare(self) -> None:
        self.db.execute("PRAGMA foreign_keys=ON")
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        self._check_is_catalogue(version)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        if version < SCHEMA_VERSION:
            self._migrate()

    def _check_is_catalogue(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise CatalogueError(
                f"catalogue {self.path} has schema version {version}, newer than this "
                f"dpscan ({SCHEMA_VERSION}); upgrade dpscan or use another --db")
        try:
            row = self.db.execute(
                "SELECT value FROM meta WHERE key = 'created_by'").fetchone() if version else None
        except sqlite3.OperationalError:  # no meta table, or another program's
            row = None
        if row is None or not str(row[0]).startswith(_CREATED_BY):
            raise CatalogueError(
                f"{self.path} is not a dpscan catalogue (another program's database?): "
                "give another --db")

    def _migrate(self) -> None:
        """Bring the schema to SCHEMA_VERSION, each step all or nothing.  The version is
        read inside the write lock: two dpscans opening an old catalogue migrate it once."""
        with self.transaction():
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for step in _MIGRATIONS[target]:
                    if callable(step):
                        step(self.db)
                        continue
                    for statement in _statements(step):
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {target}")
            if version < SCHEMA_VERSION:
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('created_by', ?)",
                                (f"{_CREATED_BY} {__version__}",))

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
            if exc_type is None:
                self.db.execute("COMMIT")
            elif self.db.in_transaction:  # SQLite may have rolled back itself (a full disk)
                self.db.execute("ROLLBACK")

    def transaction(self) -> Catalogue._Transaction:
        """``with catalogue.transaction():`` all or nothing."""
        return Catalogue._Transaction(self.db)

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    # -- scans -------------------------------------------------------------------------

    @_guarded
    def begin_scan(self, roots: Sequence[str], config: ScanConfig, *,
                   resume: bool = False, full: bool = False, watch: bool = False,
                   context: dict[str, Any] | None = None) -> ScanRun:
        """Start recording a scan of ``roots`` (or, with ``resume``, continue the last
        unfinished scan of the same roots).  A ``watch`` session is of kind "watch" and
        recorded as "watching", so that a ``--resume`` never takes it over and a report
        never takes it for a scan.  ``context`` (the rules, register, public locations and
        as-of date that judged the files) is kept for ``report --db``."""
        scan_id = None
        roots_json = json.dumps(sorted(roots))
        context_json = json.dumps(context, ensure_ascii=False) if context is not None else None
        if resume:
            row = self.db.execute(
                "SELECT id FROM scans WHERE roots = ? AND kind = 'scan' "
                "AND status IN ('running', 'interrupted') ORDER BY id DESC LIMIT 1",
                (roots_json,)).fetchone()
            scan_id = row[0] if row else None
        with self.transaction():
            if scan_id is None:
                scan_id = self.db.execute(
                    "INSERT INTO scans (started, status, roots, kind, context) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (_now(), "watching" if watch else "running", roots_json,
                     "watch" if watch else "scan", context_json)).lastrowid
            else:
                self.db.execute("UPDATE scans SET status = 'running', "
                                "context = COALESCE(?, context) WHERE id = ?",
                                (context_json, scan_id))
        if scan_id is None:  # sqlite3 gives a rowid after every INSERT into a rowid table
            raise CatalogueError(f"{self.path}: the scan could not be recorded")
        return ScanRun(self, int(scan_id), list(roots), config_fingerprint(config), full=full)

    @_guarded
    def previous_scan_id(self, before: int) -> int | None:
        """The last finished scan before ``before``."""
        row = self.db.execute(
            "SELECT id FROM scans WHERE id < ? AND status = 'complete' ORDER BY id DESC LIMIT 1",
            (before,)).fetchone()
        return row[0] if row else None

    @_guarded
    def latest_scan(self) -> dict[str, Any] | None:
        """The newest scan's row (id, started, finished, status, roots, summary, kind,
        context), complete or not; watch sessions are not scans and are passed over."""
        row = self.db.execute(
            "SELECT id, started, finished, status, roots, summary, kind, context FROM scans "
            "WHERE kind = 'scan' ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return None
        return {"id": row[0], "started": row[1], "finished": row[2], "status": row[3],
                "roots": json.loads(row[4]), "summary": json.loads(row[5]) if row[5] else None,
                "kind": row[6], "context": json.loads(row[7]) if row[7] else None}

    @_guarded
    def changes(self, scan_id: int, *, through_now: bool = False) -> list[Change]:
        """Files whose findings are new, changed or resolved, as scan ``scan_id`` found
        them, since the last complete scan before it: what a stopped scan, a watch session
        or this scan recorded in between, each file's changes folded into one.  With
        ``through_now``, what was recorded after the scan (a watch session) counts too.
        A file is named as its row shows it now, whichever root recorded each change."""
        row = self.db.execute("SELECT roots, last_change FROM scans WHERE id = ?",
                              (scan_id,)).fetchone()
        if row is None:
            return []
        roots, end = json.loads(row[0]), row[1]
        latest = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]
        # The complete scans that finished before this one (in a tie, the one begun first).
        if end is None:  # still running: everything recorded so far
            end = latest
            before = "last_change <= :end"
        else:
            before = "(last_change < :end OR (last_change = :end AND id < :scan))"
        complete = [(json.loads(scan_roots), last) for scan_roots, last in self.db.execute(
            f"SELECT roots, last_change FROM scans WHERE status = 'complete' AND id != :scan "
            f"AND {before}", {"scan": scan_id, "end": end})]
        # Per root, where the last complete scan that covered it left off.
        starts = {root: max((last for scan_roots, last in complete
                             if _covers(scan_roots, root)), default=0) for root in roots}
        if through_now:
            end = latest
        kinds: dict[str, list[str]] = {}
        named: dict[str, tuple[str, str]] = {}
        for seq, change_root, path, change in self.db.execute(
                "SELECT seq, root, path, change FROM changes WHERE seq > ? AND seq <= ? "
                "ORDER BY seq", (min(starts.values(), default=end), end)):
            full_path = absolute_path(change_root, path)
            covering = [start for root, start in starts.items() if _covers([root], full_path)]
            if covering and seq > max(covering):
                kinds.setdefault(full_path, []).append(change)
                named[full_path] = (change_root, path)
        for full_path in kinds:
            row = self.db.execute("SELECT root, path FROM files WHERE abspath = ?",
                                  (full_path,)).fetchone()
            if row is not None:
                named[full_path] = (row[0], row[1])
        folded = [Change(*named[full_path], kind) for full_path, found in kinds.items()
                  if (kind := _fold(found)) is not None]
        return sorted(folded, key=lambda c: (c.root, c.path))

    # -- results -----------------------------------------------------------------------

    @_guarded
    def latest_results(self, roots: Sequence[str] | None = None) -> Iterator[FileResult]:
        """Every record of every file not deleted (beneath ``roots`` when given, whichever
        root reached it), each file once, in path order."""
        query = ("SELECT r.record FROM records r JOIN files f ON f.id = r.file_id "
                 "WHERE f.deleted_scan IS NULL")
        params: list[Any] = []
        if roots:
            query += " AND (" + " OR ".join(
                "f.abspath >= ? AND f.abspath < ?" for _ in roots) + ")"
            params.extend(bound for root in roots for bound in _beneath(root_key(root)))
        query += " ORDER BY f.root, f.path, r.ordinal"
        for (record,) in self.db.execute(query, params):
            yield FileResult.from_dict(json.loads(record))

    @_guarded
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

    @_guarded
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

    @_guarded
    def find_records(self, full_path: str) -> list[FileResult]:
        """The current record whose absolute path (its root joined with its path, a member
        as ``/share/a.zip!b.docx``) is ``full_path``, whichever root reached it ([] if none)."""
        # The file's own row holds it: the longest prefix of full_path that is a file row.
        found = []
        for (record,) in self.db.execute(
            "SELECT r.record FROM records r JOIN files f ON f.id = r.file_id "
            "WHERE f.deleted_scan IS NULL AND f.abspath IN "
            f"({','.join('?' * len(_containers(full_path)))}) "
            "AND rtrim(f.root, '/') || '/' || r.path = ?",
            (*_containers(full_path), full_path)):
            found.append(FileResult.from_dict(json.loads(record)))
        return found

    @_guarded
    def known_roots(self) -> list[str]:
        """Every folder a scan was given and every root a file is shown from: where a
        path as the reports show it (relative to its root) may be."""
        roots = {root for (root,) in self.db.execute("SELECT DISTINCT root FROM files")}
        for (scan_roots,) in self.db.execute("SELECT DISTINCT roots FROM scans"):
            roots.update(root_key(r) for r in json.loads(scan_roots))
        return sorted(roots)

    @_guarded
    def set_review(self, result: FileResult, status: str, reason: str, reviewer: str) -> Review:
        """Record the DPO's review of ``result``'s findings (replacing an earlier one of
        the same file, whichever root it was reviewed under)."""
        if status not in REVIEW_STATUSES:
            raise ValueError(f"status must be one of {', '.join(REVIEW_STATUSES)}")
        review = Review(result.root, result.path, status, reason, reviewer, _now(),
                        result.sha256, result.size, result.modified)
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO reviews (abspath, root, path, status, reason, "
                "reviewer, reviewed, sha256, size, modified) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (review.absolute_path, review.root, review.path, review.status, review.reason,
                 review.reviewer, review.reviewed, review.sha256, review.size, review.modified))
        return review

    @_guarded
    def clear_review(self, full_path: str) -> bool:
        """Remove the review of the file at absolute path ``full_path``; True when there
        was one."""
        with self.transaction():
            cursor = self.db.execute("DELETE FROM reviews WHERE abspath = ?", (full_path,))
        return cursor.rowcount > 0

    @_guarded
    def reviews(self) -> dict[str, Review]:
        """Every review, by the absolute path of the file (or member) reviewed."""
        return {row[0]: Review(*row[1:]) for row in self.db.execute(
            "SELECT abspath, root, path, status, reason, reviewer, reviewed, sha256, size, "
            "modified FROM reviews ORDER BY abspath")}


class ScanRun:
    """One scan being recorded: answers "is this file unchanged?" and stores results.

    Another scan or a watch session may write to the catalogue at the same time: what this
    run remembers of the files only says which to look up, every record reused is checked
    against its row as it is then, and every write judges its change against the row as
    it is inside the write's transaction.
    """

    def __init__(self, catalogue: Catalogue, scan_id: int, roots: list[str],
                 fingerprint: str, *, full: bool = False) -> None:
        self.catalogue = catalogue
        self.db = catalogue.db
        self.id = scan_id
        self.roots = roots
        self.fingerprint = fingerprint
        self.full = full
        self.reused = 0
        self.read = 0
        self.retried = 0
        # A row written after this (by another scan or watch) is not this run's to delete.
        self.started_ns = time.time_ns()
        self.finished = False
        self._pending: list[tuple[FileEntry, _Frozen | None]] = []
        self._last_commit = time.monotonic()
        # One query per root: a no-change rescan of 100,000 files must not make 100,000.
        # By absolute path: the rows beneath a root, whichever root recorded them.
        self._known: dict[str, _Known] = {}
        self._loaded_roots: set[str] = set()
        # Judgements (issue 20): while a governance fingerprint is set, each record this
        # run hands out is noted by (root, path) until the runner judges it, and the
        # judgements it makes are written with the next batch.
        self._judging: str | None = None
        self._origins: dict[tuple[str, str], _Origin] = {}
        self._judgements: list[tuple[_Origin, str, str]] = []

    def _load_root(self, root: str) -> None:
        self._loaded_roots.add(root)
        for row in self.db.execute(
            "SELECT abspath, id, root, path, size, mtime_ns, inode, fingerprint, status, "
            "deleted_scan FROM files WHERE abspath >= ? AND abspath < ?", _beneath(root)):
            file_id, root_, path, size, mtime_ns, inode, fingerprint, status = row[1:9]
            self._known[row[0]] = _Known(file_id, root_, path, size, mtime_ns, inode,
                                         fingerprint, status, deleted=row[9] is not None)

    def _lookup(self, entry: FileEntry) -> _Known | None:
        if entry.root not in self._loaded_roots:
            self._load_root(entry.root)
        return self._known.get(absolute_path(entry.root, entry.relpath))

    @_guarded
    def cached(self, entry: FileEntry) -> list[FileResult] | None:
        """The stored records of ``entry`` when it is unchanged since they were made
        (same size, mtime, file id and fingerprint), else None: the file must be read.
        A stored error (a timeout, a crashed worker, a file that could not be opened) is
        never reused: the file is read again, and counted in ``retried``."""
        known = self._lookup(entry)
        if known is None or known.deleted:
            return None
        if known.status == Status.ERROR:
            self.retried += 1
            return None
        if (self.full or known.fingerprint != self.fingerprint
                or (known.size, known.mtime_ns, known.inode)
                != (entry.size, entry.mtime_ns, entry.inode)):
            return None
        # The row as it is now: another writer may have changed it since it was loaded.
        rows = self.db.execute(
            "SELECT f.root, f.path, r.record, r.id, r.ordinal, j.context, j.judged "
            "FROM records r JOIN files f ON f.id = r.file_id "
            "LEFT JOIN judgements j ON j.record_id = r.id "
            "WHERE f.id = ? AND f.size = ? AND f.mtime_ns = ? AND f.inode = ? "
            "AND f.fingerprint = ? AND f.deleted_scan IS NULL AND f.status IS NOT 'error' "
            "ORDER BY r.ordinal",
            (known.file_id, entry.size, entry.mtime_ns, entry.inode, self.fingerprint))
        # Stored as the widest root sees the file; this scan shows it from its own root.
        view = (entry.root, entry.relpath)
        results = []
        for root, path, record, record_id, ordinal, context, judged in rows:
            result = FileResult.from_dict(_rebased(json.loads(record), (root, path), view))
            results.append(result)
            if self._judging is not None:
                content = _digest(record)
                good = context == judgement_context(self._judging, result.root, result.path,
                                                    content)
                self._note_origin(result, _Origin(
                    record_id, absolute_path(entry.root, entry.relpath), ordinal, content,
                    json.loads(judged) if good and judged else None))
        return results or None

    def _note_origin(self, result: FileResult, origin: _Origin) -> None:
        key = (result.root, result.path)
        if key in self._origins:  # two records of one path: which is which is unknown
            self._origins[key].usable = origin.usable = False
            origin.judged = None
        self._origins[key] = origin

    def judge_with(self, fingerprint: str | None) -> None:
        """Keep judgements under ``fingerprint`` (what judges the files: the governor's
        fingerprint and the governance code), and hand out those kept under it; None keeps
        none."""
        self._judging = fingerprint

    def kept_judgement(self, record: FileResult) -> dict[str, Any] | None:
        """The judgement kept for ``record`` (handed out by this run) when what judged it
        is unchanged, else None: judge it and :meth:`keep_judgement`."""
        origin = self._origins.get((record.root, record.path))
        return origin.judged if origin is not None and origin.usable else None

    def keep_judgement(self, record: FileResult, judged: dict[str, Any]) -> None:
        """Keep ``judged`` (the fields governance set) for ``record``, written with the
        next batch."""
        origin = self._origins.pop((record.root, record.path), None)
        if origin is not None and origin.usable and self._judging is not None:
            context = judgement_context(self._judging, record.root, record.path,
                                        origin.content)
            self._judgements.append((origin, context, json.dumps(judged, ensure_ascii=False)))

    def judged(self, record: FileResult) -> None:
        """Forget ``record``: it was judged (with a kept judgement or afresh)."""
        self._origins.pop((record.root, record.path), None)

    def record(self, entry: FileEntry, results: list[FileResult], *, reused: bool) -> None:
        """Note ``entry`` as seen in this scan with its (ungoverned) ``results``."""
        if reused:
            self.reused += 1
            self._pending.append((entry, None))
        else:
            self.read += 1
            self._pending.append((entry, _freeze(results)))
            if self._judging is not None:
                key = absolute_path(entry.root, entry.relpath)
                frozen = self._pending[-1][1]
                assert frozen is not None
                for ordinal, result in enumerate(results):
                    self._note_origin(result, _Origin(None, key, ordinal,
                                                      _digest(frozen.records[ordinal][2])))
        if (len(self._pending) >= _BATCH_FILES
                or time.monotonic() - self._last_commit >= _BATCH_SECONDS):
            self.flush()

    @_guarded
    def flush(self) -> None:
        """Commit what has been recorded so far."""
        if not self._pending and not self._judgements:
            return
        with self.catalogue.transaction():
            for entry, results in self._pending:
                if results is None:
                    # MAX: a scan that started after this one may have seen it already.
                    row = self.db.execute(
                        "UPDATE files SET last_scan = MAX(last_scan, ?) WHERE abspath = ? "
                        "RETURNING id, root, path",
                        (self.id, absolute_path(entry.root, entry.relpath))).fetchone()
                    if row is not None and len(entry.root) < len(row[1]):
                        _rebase_row(self.db, row[0], (row[1], row[2]),
                                    (entry.root, entry.relpath))
                else:
                    self._store(entry, results)
            self._write_judgements()
        self._pending.clear()
        self._judgements.clear()
        self._last_commit = time.monotonic()

    def _write_judgements(self) -> None:
        rows = []
        for origin, context, judged in self._judgements:
            record_id = origin.record_id
            if record_id is None:  # a file read in this run: its records are stored now
                found = self.db.execute(
                    "SELECT r.id FROM records r JOIN files f ON f.id = r.file_id "
                    "WHERE f.abspath = ? AND r.ordinal = ?",
                    (origin.abspath, origin.ordinal)).fetchone()
                if found is None:
                    continue
                record_id = found[0]
            rows.append((record_id, context, judged))
        self.db.executemany(
            "INSERT OR REPLACE INTO judgements (record_id, context, judged) VALUES (?, ?, ?)",
            rows)

    def _store(self, entry: FileEntry, frozen: _Frozen) -> None:
        personal, signature = frozen.personal, frozen.signature
        key = absolute_path(entry.root, entry.relpath)
        # The change is judged against the row as it is now, whoever wrote it last.
        row = self.db.execute(
            "SELECT personal, signature, deleted_scan, root, path FROM files WHERE abspath = ?",
            (key,)).fetchone()
        was_personal = row is not None and bool(row[0]) and row[2] is None
        change = _change(was_personal, row[1] if row else None, personal, signature)
        top_status = frozen.status
        # The row keeps the view of the widest root that reached the file, so a report
        # shows it the same way whichever scan (of the share or of a folder in it) ran last.
        seen = view = (entry.root, entry.relpath)
        if row is not None and len(row[3]) < len(entry.root):
            view = (row[3], row[4])
        records = frozen.records
        if view != seen:
            rebased = [(_rebased(json.loads(record), seen, view), sha256, terms)
                       for _path, sha256, record, terms in records]
            records = [(data["path"], sha256, json.dumps(data, ensure_ascii=False), terms)
                       for data, sha256, terms in rebased]
        # An upsert: another writer may have added the row since this run looked.
        ((file_id,),) = self.db.execute(
            "INSERT INTO files (abspath, root, path, size, mtime_ns, inode, device, "
            "fingerprint, sha256, personal, signature, status, first_scan, last_scan, "
            "recorded_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (abspath) DO UPDATE SET root = excluded.root, path = excluded.path, "
            "size = excluded.size, "
            "mtime_ns = excluded.mtime_ns, inode = excluded.inode, device = excluded.device, "
            "fingerprint = excluded.fingerprint, sha256 = excluded.sha256, "
            "personal = excluded.personal, signature = excluded.signature, "
            "status = excluded.status, last_scan = MAX(last_scan, excluded.last_scan), "
            "deleted_scan = NULL, recorded_ns = excluded.recorded_ns RETURNING id",
            (key, *view, entry.size, entry.mtime_ns, entry.inode, entry.device,
             self.fingerprint, records[0][1], int(personal), signature, top_status,
             self.id, self.id, time.time_ns())).fetchall()
        self.db.execute("DELETE FROM records WHERE file_id = ?", (file_id,))
        self._known[key] = _Known(file_id, *view, entry.size, entry.mtime_ns, entry.inode,
                                  self.fingerprint, top_status, False)
        for ordinal, (path, sha256, record, terms) in enumerate(records):
            record_id = self.db.execute(
                "INSERT INTO records (file_id, ordinal, path, sha256, record) "
                "VALUES (?, ?, ?, ?, ?)", (file_id, ordinal, path, sha256, record)).lastrowid
            if terms:
                self.db.executemany("INSERT OR REPLACE INTO terms VALUES (?, ?, ?)",
                                    [(record_id, term, count) for term, count in terms])
        if change is not None:
            self._log_change(entry.root, entry.relpath, change)

    def _log_change(self, root: str, path: str, change: str) -> None:
        self.db.execute("INSERT INTO changes (scan_id, root, path, change) VALUES (?, ?, ?, ?)",
                        (self.id, root, path, change))

    @_guarded
    def forget(self, root: str, relpath: str) -> bool:
        """Mark one file deleted now (watch mode saw it go); True when it was known.  A
        file that is on disk again by now (moved back, re-created) is not marked."""
        self.flush()
        if _on_disk(root, relpath):
            return False
        key = absolute_path(root, relpath)
        with self.catalogue.transaction():
            rows = self.db.execute(
                "UPDATE files SET deleted_scan = ?, recorded_ns = ? WHERE abspath = ? "
                "AND deleted_scan IS NULL RETURNING personal",
                (self.id, time.time_ns(), key)).fetchall()
            if rows and rows[0][0]:
                self._log_change(root, relpath, CHANGE_RESOLVED)
        known = self._known.get(key)
        if known is not None:
            known.deleted = True
        return bool(rows)

    @_guarded
    def unmounted(self, seen: Iterable[RootSeen], excludes: Collection[str] = ()) -> list[str]:
        """One line for each root that looks unmounted: recorded as a mount point and not
        one now, or holding files in the catalogue (not excluded ones) while the crawl
        found nothing in it.  A scan that finds one is incomplete: deleting under it would
        lose every file of a share that failed to mount."""
        seen = list(seen)
        mounted_now = {root_key(root.root) for root in seen if root.mount_point}
        reasons = []
        for root in seen:
            key = root_key(root.root)
            row = self.db.execute("SELECT mount_point FROM roots WHERE root = ?",
                                  (key,)).fetchone()
            lost_mount = bool(row and row[0]) and not root.mount_point
            low, high = _beneath(key)
            emptied = not root.found_anything and any(
                not is_excluded(path[len(low):], excludes) for (path,) in self.db.execute(
                    "SELECT abspath FROM files WHERE abspath >= ? AND abspath < ? "
                    "AND deleted_scan IS NULL", (low, high)))
            if lost_mount or emptied:
                reasons.append(f"root looks unmounted: {root.root}")
            # A share mounted below this folder at an earlier scan and not mounted now.
            reasons += [f"share looks unmounted: {point}" for (point,) in self.db.execute(
                "SELECT root FROM roots WHERE mount_point = 1 AND root >= ? AND root < ?",
                (low, high))
                if point not in mounted_now and not is_excluded(point[len(low):], excludes)]
        return list(dict.fromkeys(reasons))

    @_guarded
    def finish(self, *, complete: bool, summary: dict[str, Any],
               folder_roots: Collection[str] = (),
               unlisted: Collection[tuple[str, str]] = (),
               excludes: Collection[str] = (),
               roots_seen: Collection[RootSeen] = (),
               status: str | None = None) -> list[Change]:
        """Close the scan.  A complete scan marks as deleted the files under
        ``folder_roots`` that it no longer found and that are absent on disk now, except:
        beneath folders it could not list (``unlisted``: (root, relative path), "" for the
        root itself: a share that went away has not lost its files); matching ``excludes``
        (left out, not deleted: they stay as last seen); written by another scan or watch
        since this one started.  An incomplete scan marks nothing; ``--resume`` continues
        it.  ``roots_seen`` records which roots are mount points.  Returns the changes
        since the last complete scan (:meth:`Catalogue.changes`)."""
        self.flush()
        status = status or ("complete" if complete else "interrupted")
        gone = self._gone(folder_roots, unlisted, excludes) if complete else []
        with self.catalogue.transaction():
            for file_id, root, path in gone:
                # Checked again under the write lock: a writer may have touched it since.
                rows = self.db.execute(
                    "UPDATE files SET deleted_scan = ?, recorded_ns = ? WHERE id = ? "
                    "AND deleted_scan IS NULL AND last_scan < ? AND COALESCE(recorded_ns, 0) < ? "
                    "RETURNING personal",
                    (self.id, time.time_ns(), file_id, self.id, self.started_ns)).fetchall()
                if rows and rows[0][0]:
                    self._log_change(root, path, CHANGE_RESOLVED)
            self.db.executemany(
                "INSERT INTO roots (root, mount_point, scan_id) VALUES (?, ?, ?) "
                "ON CONFLICT (root) DO UPDATE SET scan_id = excluded.scan_id, "
                "mount_point = MAX(mount_point, excluded.mount_point)",
                [(root_key(seen.root), int(seen.mount_point), self.id) for seen in roots_seen])
            summary = summary | {"files_deleted": self._deleted_count()}
            self.db.execute(
                "UPDATE scans SET finished = ?, status = ?, summary = ?, "
                "last_change = (SELECT COALESCE(MAX(seq), 0) FROM changes) WHERE id = ?",
                (_now(), status, json.dumps(summary, ensure_ascii=False, default=str), self.id))
        self.finished = True
        return self.catalogue.changes(self.id)

    def _gone(self, folder_roots: Collection[str], unlisted: Collection[tuple[str, str]],
              excludes: Collection[str]) -> list[tuple[int, str, str]]:
        """The files under ``folder_roots`` not seen by this scan that are really gone:
        every file whose absolute path is beneath a root this scan listed, whichever root
        recorded it (a scan of /share settles what a scan of /share/school saw)."""
        gone = []
        for folder_root in folder_roots:
            root = root_key(folder_root)
            blocked = [folder for r, folder in unlisted if r == root]
            if "" in blocked:
                continue
            low, high = _beneath(root)
            for file_id, abspath, recorded_ns in self.db.execute(
                    "SELECT id, abspath, recorded_ns FROM files WHERE abspath >= ? "
                    "AND abspath < ? AND last_scan < ? AND deleted_scan IS NULL",
                    (low, high, self.id)).fetchall():
                path = abspath[len(low):]
                if (any(path == f or path.startswith(f + "/") for f in blocked)
                        or is_excluded(path, excludes)
                        or (recorded_ns or 0) >= self.started_ns
                        or _on_disk(folder_root, path)):
                    continue
                gone.append((file_id, root, path))
        return gone

    def abandon(self) -> None:
        """Record a scan that ended on an error as interrupted (``--resume`` continues it),
        keeping what it had read.  Best effort: the catalogue may be what failed, and the
        error that ended the scan is the one to report."""
        if self.finished:
            return
        self.finished = True
        try:
            self.flush()
        except CatalogueError:
            pass
        try:
            with self.catalogue.transaction():
                self.db.execute(
                    "UPDATE scans SET finished = ?, status = 'interrupted' "
                    "WHERE id = ? AND status IN ('running', 'watching')", (_now(), self.id))
        except sqlite3.Error:
            pass

    def _deleted_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM files WHERE deleted_scan = ?",
                               (self.id,)).fetchone()[0]

    @_guarded
    def deleted_since(self) -> int:
        """How many files this scan marked deleted."""
        return self._deleted_count()


def _change(was_personal: bool, old_signature: str | None, personal: bool,
            signature: str) -> str | None:
    if personal and not was_personal:
        return CHANGE_NEW
    if was_personal and not personal:
        return CHANGE_RESOLVED
    if personal and old_signature != signature:
        return CHANGE_CHANGED
    return None


@dataclass(frozen=True, slots=True)
class _Frozen:
    """One file's records as detected, serialised at once: the runner governs the live
    objects right after they are recorded, and the catalogue must keep them as detected."""

    personal: bool
    signature: str
    status: str  # the top record's: an error is read again next time
    records: list[tuple[str, str | None, str, list[tuple[str, int]]]]  # path, sha, json, terms


def _freeze(results: list[FileResult]) -> _Frozen:
    personal, signature = findings_signature(results)
    records = []
    for result in results:
        data = result.to_dict()
        # A record's dict carries no raw value (``value`` is only written into findings.json
        # under --show-evidence); dropped here too, so the catalogue can never hold one.
        data["evidence"] = [{k: v for k, v in e.items() if k != "value"}
                            for e in data["evidence"]]
        records.append((result.path, result.sha256, json.dumps(data, ensure_ascii=False),
                        list(result.index_terms.items())))
    return _Frozen(personal, signature, str(results[0].status), records)


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
    "RootSeen",
    "ScanRun",
    "config_fingerprint",
    "default_db_path",
    "findings_signature",
    "absolute_path",
    "root_key",
]
