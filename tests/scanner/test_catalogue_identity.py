"""A file is one entry of the catalogue whatever root reached it (issue 18): a catalogue
made before, holding one file twice (once per root), is merged when it is opened."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import dpscan.scanner.catalogue as catalogue_module
from dpscan.model.records import FileResult
from dpscan.scanner.catalogue import Catalogue
from dpscan.scanner.runner import report_from_catalogue


def _records(root: str, path: str, people: int) -> list[FileResult]:
    """An archive's record and its member's, as a scan of ``root`` stored them."""
    return [FileResult(path=path, root=root, size=10, sha256="zip", entities={"PERSON": people}),
            FileResult(path=f"{path}!in.docx", root=root, container=path, size=5,
                       sha256="doc", entities={"PERSON": people},
                       index_terms={f"name:{people}": 1})]


def _version_2_catalogue(db: Path) -> None:
    """Scan 1 of /s, then scan 2 of /s/school, each with its own row for school/b.zip
    (as dpscan before issue 18 kept them), and a review made on the subfolder's row."""
    with sqlite3.connect(db, isolation_level=None) as raw:
        for version in (1, 2):
            for step in catalogue_module._MIGRATIONS[version]:
                assert isinstance(step, str)
                for statement in catalogue_module._statements(step):
                    raw.execute(statement)
        raw.execute("PRAGMA user_version = 2")
        raw.execute("INSERT INTO meta VALUES ('created_by', 'dpscan 0.9')")
        for scan_id, roots in ((1, ["/s"]), (2, ["/s/school"])):
            raw.execute("INSERT INTO scans (id, started, finished, status, roots, summary) "
                        "VALUES (?, 'then', 'then', 'complete', ?, '{}')",
                        (scan_id, json.dumps(roots)))
        for file_id, root, path, scan_id, people in ((1, "/s", "school/b.zip", 1, 1),
                                                     (2, "/s/school", "b.zip", 2, 3)):
            raw.execute("INSERT INTO files (id, root, path, size, personal, first_scan, "
                        "last_scan) VALUES (?, ?, ?, 10, 1, ?, ?)",
                        (file_id, root, path, scan_id, scan_id))
            for ordinal, record in enumerate(_records(root, path, people)):
                record_id = raw.execute(
                    "INSERT INTO records (file_id, ordinal, path, sha256, record) "
                    "VALUES (?, ?, ?, ?, ?)", (file_id, ordinal, record.path, record.sha256,
                                               json.dumps(record.to_dict()))).lastrowid
                for term, count in record.index_terms.items():
                    raw.execute("INSERT INTO terms VALUES (?, ?, ?)", (record_id, term, count))
        raw.execute("INSERT INTO reviews VALUES ('/s/school', 'b.zip', 'accepted', 'locked', "
                    "'DPO', '2026-01-01T00:00:00+00:00', 'zip', 10, NULL)")
    raw.close()


def test_duplicates_of_an_older_catalogue_are_merged(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    _version_2_catalogue(db)
    with Catalogue.open(db) as catalogue:
        assert catalogue.schema_version == catalogue_module.SCHEMA_VERSION == 4
        records = list(catalogue.latest_results())
        # Once, with the records of the most recent scan, seen from the widest root.
        assert [(r.root, r.path, r.container, r.entities) for r in records] == [
            ("/s", "school/b.zip", None, {"PERSON": 3}),
            ("/s", "school/b.zip!in.docx", "school/b.zip", {"PERSON": 3})]
        assert [t for (t,) in catalogue.db.execute("SELECT term FROM terms")] == ["name:3"]
        assert list(catalogue.reviews()) == ["/s/school/b.zip"]
        result = report_from_catalogue(catalogue, None)
        assert result is not None
        top = result.files[0]
        assert top.review is not None and top.review["status"] == "accepted"
        assert catalogue.find_records("/s/school/b.zip!in.docx")[0].path == "school/b.zip!in.docx"
        # The absolute path is the key: a second row for the file cannot be made.
        assert catalogue.db.execute(
            "SELECT COUNT(*) FROM files WHERE abspath = '/s/school/b.zip'").fetchone()[0] == 1
