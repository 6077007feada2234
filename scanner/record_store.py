"""The judged records of one scan, on disk, for the reports (issue 20).

A share of a million files has a million records; held in memory for the reports they took
over 1 GB at 100,000 files.  The scan writes each record here as it is judged, and the
reports read them back as often as they need: in walk order (findings.json, files.csv, the
dashboard's one pass), or as one of the report lists (:class:`~dpscan.model.views.RecordView`)
sorted by SQLite on keys stored beside each record, or one by one by path (changes, copies).
Nothing holds every record at once.

The store is a private SQLite file in a folder of its own (0700) under the system's
temporary folder, removed by :meth:`RecordStore.close`.  It holds what findings.json will
hold (raw evidence only when the scan was asked to show it) and the person-index terms
(keyed hashes), for as long as the reports take to write.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from dpscan.model.records import FileResult
from dpscan.model.views import Key, RecordView, view_key

# Folder names of stores: the prefix, the owning process's id, a dash, mkdtemp's suffix.
STORE_PREFIX = "dpscan-records-"
# Stores, and report.xlsx's scratch folders (reports/xlsx_report.py names them so too).
_STORE_NAME = re.compile(r"dpscan-(?:records|xlsx)-(\d+)-[^/]+")
# Records written in one transaction.
BATCH = 500
# Records read per fetch.
FETCH = 500
# Ints in sort keys are stored as fixed-width hex with this offset, so text order is
# number order for any count a file can have (negative ones included).
_INT_OFFSET = 1 << 47
_VIEWS = tuple(RecordView)
_FILE = "records.sqlite3"
_COLUMNS = ", ".join(f"k_{view.value}" for view in _VIEWS)


def sweep_stale_stores(directory: str | Path | None = None) -> list[Path]:
    """Remove the store folders (ours, under ``directory`` or the temporary folder) whose
    process no longer runs; the folders removed.  A store is removed by its own process
    whenever it can be; this is for the times it could not."""
    base = Path(directory or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        candidates = list(base.iterdir())
    except OSError:
        return removed
    for folder in candidates:
        match = _STORE_NAME.fullmatch(folder.name)
        if match is None or _alive(int(match.group(1))):
            continue
        try:
            if folder.lstat().st_uid != os.getuid() or not folder.is_dir():
                continue
        except OSError:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: not ours to judge
    return True


def _text(value: str) -> str:
    """``value`` as SQLite can store it: a lone surrogate as its backslash escape."""
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _encode(value: object) -> bytes | str:
    """``value`` as JSON: UTF-8 bytes from orjson (several times faster than json, and the
    store is written once and read a dozen times per report set), or, for a value orjson
    refuses (a lone surrogate in a name), json's ASCII text, where the surrogate is JSON's
    escape and SQLite takes it as text."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return json.dumps(value)


def _decode(data: bytes | str) -> Any:
    """What :func:`_encode` stored."""
    return orjson.loads(data) if isinstance(data, bytes) else json.loads(data)


def encode_key(key: Key | None) -> str | None:
    """A view's sort key as text whose order (SQLite's binary collation) is the key's."""
    if key is None:
        return None
    parts = []
    for part in key:
        if isinstance(part, int):
            parts.append(f"{part + _INT_OFFSET:012x}")
        else:
            # \x00 sorts below every character, so a shorter path sorts first as in Python.
            parts.append(_text(part).replace("\x00", "") + "\x00")
    return "".join(parts)


def _open_reader(path: str, count: int, entity_types: frozenset[str]) -> RecordStore:
    """The store at ``path`` opened read-only (see :meth:`RecordStore.opener`); closing
    it leaves the file to the store that made it."""
    store = RecordStore.__new__(RecordStore)
    # The store that made it indexed it before handing it out.
    store._attach(Path(path).parent, sqlite3.connect(
        f"{Path(path).as_uri()}?mode=ro", uri=True, isolation_level=None), None,
        count=count, indexed=True, entity_types=entity_types)
    return store


class RecordStore:
    """Records of one scan in a private temporary SQLite file; use as a context manager.

    Implements :class:`~dpscan.model.views.Records`: iterate it for walk order, ask
    :meth:`view` for a report list, :meth:`lookup` for one file.
    """

    def __init__(self, directory: str | Path | None = None) -> None:
        # mkdtemp makes the folder 0700, and the file is made 0600 before SQLite opens it:
        # the records are personal data.  Its name carries this process's id, so a later
        # store can remove one whose process was killed outright (SIGKILL, power loss).
        sweep_stale_stores(directory)
        self.folder = Path(tempfile.mkdtemp(prefix=f"{STORE_PREFIX}{os.getpid()}-",
                                            dir=directory))
        # Removed at exit even if a caller forgets to close the store (not after SIGKILL).
        cleanup = weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)
        path = self.folder / _FILE
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode = OFF")  # a scratch file: no crash recovery
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA temp_store = FILE")
        db.execute("CREATE TABLE records (seq INTEGER PRIMARY KEY, root TEXT, path TEXT, "
                   f"sha256 TEXT, record TEXT, terms TEXT, {_COLUMNS})")
        self._attach(self.folder, db, cleanup)

    def _attach(self, folder: Path, db: sqlite3.Connection,
                cleanup: weakref.finalize[Any, Any] | None, *, count: int = 0,
                indexed: bool = False, entity_types: Iterable[str] = ()) -> None:
        """The state of a store over ``db``: a new one (``__init__``) or one opened to read
        (:func:`_open_reader`, no ``cleanup``: the file is its maker's)."""
        self.folder = folder
        self._cleanup = cleanup
        self._db = db
        self._pending: list[tuple[Any, ...]] = []
        self._count = count
        self._indexed = indexed
        self._entity_types: set[str] = set(entity_types)

    # ------------------------------------------------------------------------- writing

    def add(self, record: FileResult) -> None:
        """Keep ``record`` (as findings.json will show it), after the ones added before."""
        data = _encode(record.to_dict(evidence_values=True))
        terms = _encode(record.index_terms) if record.index_terms else None
        # Copies are found by content; an empty file's hash says nothing.
        sha256 = record.sha256 if record.sha256 and record.size else None
        self._pending.append((self._count, _text(record.root), _text(record.path), sha256,
                              data, terms,
                              *(encode_key(view_key(record, view)) for view in _VIEWS)))
        self._count += 1
        self._entity_types.update(record.entities)
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        marks = ", ".join("?" * (6 + len(_VIEWS)))
        self._db.execute("BEGIN")
        self._db.executemany(f"INSERT INTO records VALUES ({marks})", self._pending)
        self._db.execute("COMMIT")
        self._pending.clear()

    def _ready(self) -> None:
        """Write what is pending and index the lists' keys before the first read."""
        self._flush()
        if not self._indexed:
            self._db.execute("CREATE INDEX by_path ON records (root, path)")
            self._db.execute("CREATE INDEX by_content ON records (sha256) "
                             "WHERE sha256 IS NOT NULL")
            for view in _VIEWS:
                self._db.execute(f"CREATE INDEX by_{view.value} ON records "
                                 f"(k_{view.value}, seq) WHERE k_{view.value} IS NOT NULL")
            self._indexed = True

    # ------------------------------------------------------------------------- reading

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[FileResult]:
        """Every record, in the order added (walk order)."""
        return self._read("SELECT record, terms FROM records ORDER BY seq")

    def view(self, view: RecordView) -> Iterator[FileResult]:
        """The records of ``view``, in its order; ties in walk order."""
        column = f"k_{RecordView(view).value}"
        return self._read(f"SELECT record, terms FROM records WHERE {column} IS NOT NULL "
                          f"ORDER BY {column}, seq")

    def lookup(self, root: str, path: str) -> FileResult | None:
        """The record of one file, or None."""
        return next(self._read("SELECT record, terms FROM records WHERE root = ? AND path = ? "
                               "ORDER BY seq LIMIT 1", (_text(root), _text(path))), None)

    def entity_types(self) -> set[str]:
        """Every entity type some record holds (kept as records are added: no read)."""
        return set(self._entity_types)

    def duplicates(self) -> list[dict[str, object]]:
        """Groups of records with identical content (same SHA-256, non-empty), largest
        first, in the form of ``ScanSummary.duplicates`` (as runner.find_duplicates)."""
        self._ready()
        groups = self._db.execute(
            "SELECT sha256, COUNT(*) AS copies, MIN(seq) FROM records "
            "WHERE sha256 IS NOT NULL GROUP BY sha256 HAVING copies > 1 "
            "ORDER BY copies DESC, MIN(seq)").fetchall()
        return [{"sha256": sha256,
                 "files": [{"root": root, "path": path} for root, path in self._db.execute(
                     "SELECT root, path FROM records WHERE sha256 = ? ORDER BY seq",
                     (sha256,))]}
                for sha256, _, _ in groups]

    def _read(self, query: str, parameters: tuple[Any, ...] = ()) -> Iterator[FileResult]:
        self._ready()
        cursor = self._db.execute(query, parameters)
        try:
            while rows := cursor.fetchmany(FETCH):
                for data, terms in rows:
                    record = FileResult.from_dict(_decode(data))
                    if terms:
                        record.index_terms = _decode(terms)
                    yield record
        finally:
            cursor.close()

    # --------------------------------------------------------------------------- closing

    def close(self) -> None:
        """Remove the store and its folder (a reader opened by :meth:`opener`: close it)."""
        self._db.close()
        if self._cleanup is not None:
            self._cleanup()

    def opener(self) -> Callable[[], RecordStore]:
        """A picklable function that opens this store read-only, in another process: a
        report written there reads the same records (this store must stay open, and take
        no more records, until that reader is closed)."""
        self._ready()
        return partial(_open_reader, str(self.folder / _FILE), self._count,
                       frozenset(self._entity_types))

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


__all__ = ["STORE_PREFIX", "RecordStore", "encode_key", "sweep_stale_stores"]
