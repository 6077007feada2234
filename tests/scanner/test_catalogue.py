"""The catalogue: incremental rescans, deletions, changes, reviews, duplicates, safety.

Scans run in this process with one worker (the serial executor), so the tests can count
what the pipeline opens and extracts.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import docx
import openpyxl
import pytest

import dpscan.scanner.catalogue as catalogue_module
import dpscan.scanner.pipeline as pipeline
from dpscan.detectors.governance import Governor, Policy
from dpscan.detectors.governance.retention import default_rules_path, load_schedule
from dpscan.model.config import ScanConfig
from dpscan.scanner.catalogue import (
    SCHEMA_VERSION,
    Catalogue,
    CatalogueError,
    config_fingerprint,
)
from dpscan.scanner.runner import clear_stop, report_from_catalogue, request_stop, run_scan

NHS = "943 476 5919"  # valid mod-11 check digit
PUPIL = "Amelia Thornbury"


def _config(**changes: object) -> ScanConfig:
    return ScanConfig(workers=1, **changes)  # type: ignore[arg-type]


def _write_letter(path: Path, name: str = PUPIL, nhs: str = NHS) -> None:
    document = docx.Document()
    document.add_paragraph("Dear Parent,")
    document.add_paragraph(f"Pupil: {name}. Date of birth: 02/03/2015. NHS number: {nhs}.")
    document.add_paragraph("Her asthma inhaler is kept in the school office.")
    document.save(path)


def _write_class_list(path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Surname", "Forename", "DOB", "Postcode"])
    for surname, forename, dob, postcode in [
        ("THORNBURY", "Amelia", "02/03/2015", "LS6 2AB"),
        ("OKAFOR", "Daniel", "11/07/2015", "LS6 3CD"),
        ("NOWAK", "Zofia", "23/01/2015", "LS7 1EF"),
    ]:
        sheet.append([surname, forename, dob, postcode])
    workbook.save(path)


@pytest.fixture()
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    (root / "Class 3").mkdir(parents=True)
    (root / "Admin").mkdir()
    _write_letter(root / "Class 3" / "letter.docx")
    _write_class_list(root / "Class 3" / "class list.xlsx")
    (root / "Admin" / "minutes.txt").write_text("Minutes of the site meeting. Roof repairs.\n")
    (root / "Admin" / "contacts.txt").write_text(
        f"Emergency contact for {PUPIL}: 07700 900123, NHS {NHS}\n")
    return root


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count every file the pipeline opens and every extractor call."""
    counts = {"opened": 0, "extracted": 0}
    real_open, real_extractor_for = pipeline.open_readonly, pipeline.extractor_for

    def counting_open(path: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        counts["opened"] += 1
        return real_open(path, *args, **kwargs)

    class CountingExtractor:
        def __init__(self, inner):  # type: ignore[no-untyped-def]
            self.inner = inner

        def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
            return getattr(self.inner, name)

        def extract(self, handle, limits):  # type: ignore[no-untyped-def]
            counts["extracted"] += 1
            return self.inner.extract(handle, limits)

    def counting_extractor_for(mime: str):  # type: ignore[no-untyped-def]
        found = real_extractor_for(mime)
        return CountingExtractor(found) if found is not None else None

    monkeypatch.setattr(pipeline, "open_readonly", counting_open)
    monkeypatch.setattr(pipeline, "extractor_for", counting_extractor_for)
    return counts


def _scan(share: Path, catalogue: Catalogue, **kwargs: object):  # type: ignore[no-untyped-def]
    return run_scan([str(share)], _config(), catalogue=catalogue, **kwargs)  # type: ignore[arg-type]


def _comparable(result) -> list[dict]:  # type: ignore[no-untyped-def]
    records = []
    for record in result.files:
        data = record.to_dict()
        data.pop("seconds")
        records.append(data)
    return records


def test_unchanged_rescan_reads_no_file(share: Path, tmp_path: Path,
                                        counted: dict[str, int]) -> None:
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        first = _scan(share, catalogue)
        assert counted["opened"] == 4 and counted["extracted"] == 4
        counted.update(opened=0, extracted=0)
        second = _scan(share, catalogue)
    assert counted == {"opened": 0, "extracted": 0}
    assert second.scan.files_reused == 4
    assert _comparable(second) == _comparable(first)
    assert second.scan.changes == []  # nothing changed since the first scan


def test_full_rescan_reads_everything(share: Path, tmp_path: Path,
                                      counted: dict[str, int]) -> None:
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        _scan(share, catalogue)
        counted.update(opened=0, extracted=0)
        again = _scan(share, catalogue, full=True)
    assert counted["opened"] == 4
    assert again.scan.files_reused == 0


def test_modified_file_is_read_again(share: Path, tmp_path: Path,
                                     counted: dict[str, int]) -> None:
    contacts = share / "Admin" / "contacts.txt"
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        first = _scan(share, catalogue)
        before = next(f for f in first.files if f.path == "Admin/contacts.txt")
        counted.update(opened=0, extracted=0)
        contacts.write_text(f"Emergency contact for {PUPIL}: home postcode LS6 2AB\n")
        os.utime(contacts, ns=(before_ns := 1_700_000_000_000_000_000, before_ns))
        second = _scan(share, catalogue)
    assert counted["opened"] == 1
    after = next(f for f in second.files if f.path == "Admin/contacts.txt")
    assert "UK_NHS" in before.entities and "UK_NHS" not in after.entities
    assert "UK_POSTCODE" in after.entities
    assert {"root": str(share), "path": "Admin/contacts.txt", "change": "changed"} \
        in second.scan.changes


def test_changed_settings_reread_files(share: Path, tmp_path: Path,
                                       counted: dict[str, int]) -> None:
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        _scan(share, catalogue)
        counted.update(opened=0)
        other = _config(limits=_config().limits.__class__(max_text_chars=5000))
        assert config_fingerprint(other) != config_fingerprint(_config())
        run_scan([str(share)], other, catalogue=catalogue)
    assert counted["opened"] == 4


def test_new_detection_code_rereads_files(share: Path, tmp_path: Path, counted: dict[str, int],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # An upgrade that changes detection code, its data or a library re-reads every file.
    digest = catalogue_module.detection_code_digest()
    assert len(digest) == 16 and digest == catalogue_module.detection_code_digest()
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        _scan(share, catalogue)
        counted.update(opened=0)
        monkeypatch.setattr(catalogue_module, "detection_code_digest", lambda: "0" * 16)
        _scan(share, catalogue)
    assert counted["opened"] == 4


def test_the_digest_covers_governance_code_that_runs_in_the_worker(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # governance/policy.py writes into the stored records (policy flags, members folded into
    # their container): a change to it re-reads files; the rest of governance is re-applied.
    detectors = tmp_path / "detectors"
    (detectors / "governance").mkdir(parents=True)
    for name in ("names.py", "governance/__init__.py", "governance/policy.py",
                 "governance/retention.py"):
        (detectors / name).write_text("x = 1\n")
    modules = {"dpscan.detectors": [detectors],
               "dpscan.detectors.governance": [detectors / "governance"],
               "dpscan.detectors.governance.policy": [detectors / "governance" / "policy.py"]}
    monkeypatch.setattr(catalogue_module, "_module_files_root",
                        lambda name: modules.get(name, []))
    digest = catalogue_module.detection_code_digest.__wrapped__
    before = digest()
    (detectors / "governance" / "retention.py").write_text("x = 2\n")
    assert digest() == before
    (detectors / "governance" / "policy.py").write_text("x = 2\n")
    assert digest() != before


def test_rules_change_rejudges_without_reading(share: Path, tmp_path: Path,
                                               counted: dict[str, int]) -> None:
    schedule = load_schedule(default_rules_path())
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        _scan(share, catalogue, governor=Governor(schedule, None, Policy()))
        counted.update(opened=0)
        usb = _scan(share, catalogue,
                    governor=Governor(schedule, None, Policy(removable_media=True)))
    assert counted["opened"] == 0
    personal = [f for f in usb.files if f.has_personal_data]
    assert personal and all("removable_media" in f.flags for f in personal)


def test_deleted_file_is_marked_not_forgotten(share: Path, tmp_path: Path) -> None:
    db = tmp_path / "cat.sqlite"
    with Catalogue.open(db) as catalogue:
        _scan(share, catalogue)
        (share / "Admin" / "contacts.txt").unlink()
        second = _scan(share, catalogue)
        assert second.scan.files_deleted == 1
        assert {"root": str(share), "path": "Admin/contacts.txt", "change": "resolved"} \
            in second.scan.changes
        current = {r.path for r in catalogue.latest_results()}
    assert "Admin/contacts.txt" not in current
    with sqlite3.connect(db) as raw:
        row = raw.execute("SELECT deleted_scan FROM files WHERE path = 'Admin/contacts.txt'")
        assert row.fetchone()[0] == second.scan.scan_id


def test_unlistable_folder_does_not_mark_its_files_deleted(share: Path, tmp_path: Path) -> None:
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        first = _scan(share, catalogue)
        run = catalogue.begin_scan([str(share)], _config())
        (share / "Admin" / "minutes.txt").unlink()
        (share / "Class 3" / "class list.xlsx").unlink()
        # A scan that could not list "Class 3" (a dropped share, permissions) ends complete
        # but must not call the files it could not see deleted.
        run.finish(complete=True, summary=first.scan.to_dict(), folder_roots=[str(share)],
                   unlisted=[(str(share), "Class 3")])
        current = {r.path for r in catalogue.latest_results() if r.container is None}
    assert {"Class 3/letter.docx", "Class 3/class list.xlsx"} <= current
    assert "Admin/minutes.txt" not in current  # not seen, folder listed, gone: deleted
    assert "Admin/contacts.txt" in current  # not seen by this run, but still on disk


def test_interrupted_scan_is_recorded_and_resumed(share: Path, tmp_path: Path,
                                                  counted: dict[str, int]) -> None:
    seen = []

    def stop_after_two(item: object) -> None:
        seen.append(item)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        stopped = run_scan([str(share)], _config(), progress=stop_after_two,
                           catalogue=catalogue)
        assert not stopped.scan.complete and stopped.scan.files_deleted == 0
        assert catalogue.latest_scan()["status"] == "interrupted"
        counted.update(opened=0)
        resumed = _scan(share, catalogue, resume=True)
    assert resumed.scan.scan_id == stopped.scan.scan_id
    assert resumed.scan.complete
    assert counted["opened"] == 2  # the two files recorded before the stop are not re-read
    assert len({f.path for f in resumed.files}) == len(resumed.files)


def test_a_stop_request_is_never_lost(share: Path, tmp_path: Path) -> None:
    # A signal's KeyboardInterrupt can land in a __del__, where Python drops it; the stop
    # it asked for is still kept, and the scan ends after the file in hand.
    seen = []

    def ask_to_stop(item: object) -> None:
        seen.append(item)
        if len(seen) == 1:
            request_stop()

    try:
        with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
            stopped = run_scan([str(share)], _config(), progress=ask_to_stop,
                               catalogue=catalogue)
            assert not stopped.scan.complete and len(stopped.files) == 1
            assert catalogue.latest_scan()["status"] == "interrupted"
            clear_stop()  # what the CLI does before it installs its signal handlers
            again = _scan(share, catalogue, resume=True)
    finally:
        clear_stop()
    assert again.scan.complete and len(again.files) > 1


def test_review_holds_until_the_file_changes(share: Path, tmp_path: Path) -> None:
    contacts = share / "Admin" / "contacts.txt"
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        _scan(share, catalogue)
        record = catalogue.find_records(str(contacts))[0]
        catalogue.set_review(record, "accepted", "kept in the locked office folder", "dpo")
        again = _scan(share, catalogue)
        reviewed = next(f for f in again.files if f.path == "Admin/contacts.txt")
        assert reviewed.review is not None
        assert reviewed.review["status"] == "accepted"
        assert reviewed.review["reason"] == "kept in the locked office folder"
        contacts.write_text(contacts.read_text() + f"Also: NHS {NHS}\n")
        changed = _scan(share, catalogue)
    reopened = next(f for f in changed.files if f.path == "Admin/contacts.txt")
    assert reopened.review is None


def test_review_rejects_unknown_status(share: Path, tmp_path: Path) -> None:
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        result = _scan(share, catalogue)
        with pytest.raises(ValueError):
            catalogue.set_review(result.files[0], "ignore", "because", "dpo")


def test_duplicates_grouped_by_content(share: Path, tmp_path: Path) -> None:
    copy = share / "Admin" / "copy of class list.xlsx"
    copy.write_bytes((share / "Class 3" / "class list.xlsx").read_bytes())
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        result = _scan(share, catalogue)
        groups = catalogue.duplicate_groups()
    paths = [{f["path"] for f in group["files"]} for group in result.scan.duplicates]
    assert {"Class 3/class list.xlsx", "Admin/copy of class list.xlsx"} in paths
    assert [(str(share), "Admin/copy of class list.xlsx"),
            (str(share), "Class 3/class list.xlsx")] in groups


def test_report_from_catalogue_needs_no_scan(share: Path, tmp_path: Path,
                                             counted: dict[str, int]) -> None:
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        scanned = _scan(share, catalogue)
        counted.update(opened=0)
        rebuilt = report_from_catalogue(catalogue, None)
    assert counted["opened"] == 0
    assert rebuilt is not None
    assert rebuilt.scan.scan_id == scanned.scan.scan_id
    assert _comparable(rebuilt) == sorted(_comparable(scanned),
                                          key=lambda r: (r["root"], r["path"]))


def test_catalogue_is_private_wal_and_versioned(tmp_path: Path) -> None:
    db = tmp_path / "new" / "cat.sqlite"
    with Catalogue.open(db) as catalogue:
        assert catalogue.schema_version == SCHEMA_VERSION
        mode = catalogue.db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "cat.sqlite"
    Catalogue.open(db).close()
    with sqlite3.connect(db) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(CatalogueError, match="newer than this dpscan"):
        Catalogue.open(db)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "cat.sqlite"
    db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CatalogueError, match=str(db)):
        Catalogue.open(db)


def test_catalogue_holds_no_raw_personal_data(share: Path, tmp_path: Path) -> None:
    db = tmp_path / "cat.sqlite"
    with Catalogue.open(db) as catalogue:
        result = _scan(share, catalogue)
        catalogue.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert any("UK_NHS" in f.entities for f in result.files)
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("cat.sqlite*"))
    for raw in (NHS, NHS.replace(" ", ""), "07700 900123", "LS6 2AB", "02/03/2015"):
        assert raw.encode() not in stored, raw
    records = [json.loads(r) for (r,) in sqlite3.connect(db).execute("SELECT record FROM records")]
    assert any(r["evidence"] for r in records)  # masked evidence is there
