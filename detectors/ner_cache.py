"""spaCy's NER answers shared by the worker processes of one scan.

Each detector keeps the answers for pieces of text it has met (letterheads, signature
blocks, template paragraphs, copies of a document) in memory.  With several workers each
would meet, and read, every such piece once: this cache lets the first worker's answer
serve the others.  It is a SQLite file in a private temporary folder that the executor
creates for one scan and removes after it.

No text is stored: a piece is known by its HMAC-SHA256 under a random key that exists
only in the scan's processes, and its answer is the offsets, types and scores of the
names found in it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import sqlite3
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

# A name NER found in a piece of text: (entity type, start, end, score).
NameHit = tuple[str, int, int, float]


# The scan's shared cache for detectors built in this process (set by a worker's start).
_this_process: tuple[str, bytes] | None = None


def share_in_this_process(path: str, key: bytes) -> None:
    """Make detectors built from now on in this process use the cache at ``path``."""
    global _this_process
    _this_process = (path, key)


def cache_for_this_process() -> SharedNerCache | None:
    """A connection to this process's shared cache, if it has one."""
    if _this_process is None:
        return None
    try:
        return SharedNerCache(*_this_process)
    except sqlite3.Error as exc:
        log.debug("no shared NER cache: %s", exc)
        return None


def create_shared_ner_cache(folder: Path) -> tuple[str, bytes]:
    """Create the cache's database in ``folder`` (private, made by the caller); return its
    path and a new random key for :class:`SharedNerCache`."""
    path = folder / "ner-cache.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS ner (piece BLOB PRIMARY KEY, hits TEXT) "
                   "WITHOUT ROWID")
    db.close()
    return str(path), secrets.token_bytes(32)


class SharedNerCache:
    """One process's connection to a scan's shared NER cache.

    Errors (a full disk, a locked database past the timeout) never fail a file: the
    cache is then skipped and NER runs as it would without it.
    """

    def __init__(self, path: str, key: bytes) -> None:
        self._key = key
        self._db: sqlite3.Connection | None = sqlite3.connect(
            path, timeout=10, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA synchronous=OFF")  # a cache: losing it costs only time

    def _digest(self, text: str) -> bytes:
        return hmac.new(self._key, text.encode("utf-8", "surrogatepass"),
                        hashlib.sha256).digest()[:16]

    def get_many(self, texts: Iterable[str]) -> dict[str, list[NameHit]]:
        """The answers known for any of ``texts``."""
        if self._db is None:
            return {}
        by_digest = {self._digest(text): text for text in texts}
        found: dict[str, list[NameHit]] = {}
        digests = list(by_digest)
        try:
            for start in range(0, len(digests), 500):  # SQLite's limit on parameters
                chunk = digests[start:start + 500]
                rows = self._db.execute(
                    f"SELECT piece, hits FROM ner WHERE piece IN ({','.join('?' * len(chunk))})",
                    chunk).fetchall()
                for digest, hits in rows:
                    found[by_digest[digest]] = [tuple(hit) for hit in json.loads(hits)]
        except sqlite3.Error as exc:
            self._give_up(exc)
        return found

    def put_many(self, answers: dict[str, list[NameHit]]) -> None:
        """Share ``answers`` (piece text -> names found in it)."""
        if self._db is None or not answers:
            return
        rows = [(self._digest(text), json.dumps(hits)) for text, hits in answers.items()]
        try:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT OR IGNORE INTO ner (piece, hits) VALUES (?, ?)", rows)
            self._db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._give_up(exc)

    def _give_up(self, exc: sqlite3.Error) -> None:
        log.debug("shared NER cache off in this worker: %s", exc)
        if self._db is not None:
            self._db.close()
        self._db = None
