"""--show-evidence: every evidence item keeps ``masked`` (always masked) and gains
``value``, the raw value, in findings.json and the reports; without it there is no
``value``; and a record stored anywhere else (the catalogue: ``FileResult.to_dict()``)
never holds one."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from dpscan.detectors.personal_data import summarise
from dpscan.model.ids import Status
from dpscan.model.records import FileResult, ScanResult, ScanSummary
from dpscan.reports import write_reports

NHS = "943 476 5919"
FOUND = [("UK_NHS", NHS, 1.0), ("PERSON", "Oliver Brennan", 0.85)]


def _result(show: bool) -> ScanResult:
    detection = summarise(FOUND, show=show)
    record = FileResult(path="referral.txt", root="/srv/share", status=Status.SCANNED,
                        entities=detection.entities, evidence=detection.evidence,
                        data_subjects=1)
    summary = ScanSummary(tool="dpscan", version="test", started="2026-01-05T10:00:00+00:00",
                          finished="2026-01-05T10:01:00+00:00", roots=["/srv/share"],
                          files_seen=1, files_scanned=1, files_with_personal_data=1,
                          settings={"show_evidence": show})
    return ScanResult(scan=summary, files=[record])


def _findings_evidence(out: Path) -> list[dict[str, object]]:
    data = json.loads((out / "findings.json").read_text())
    return [item for record in data["files"] for item in record["evidence"]]


def test_show_evidence_adds_the_raw_value_and_keeps_masked_masked(tmp_path: Path) -> None:
    write_reports(_result(show=True), tmp_path, ["json", "csv", "html"])
    items = {item["type"]: item for item in _findings_evidence(tmp_path)}
    assert items["UK_NHS"]["value"] == NHS
    assert items["UK_NHS"]["masked"] != NHS and "*" in str(items["UK_NHS"]["masked"])
    assert items["PERSON"] == {"type": "PERSON", "masked": "O*** B***", "score": 0.85,
                               "value": "Oliver Brennan"}
    assert NHS in (tmp_path / "report.html").read_text()
    with (tmp_path / "files.csv").open(newline="") as handle:
        assert NHS in next(csv.DictReader(handle))["evidence"]


def test_without_show_evidence_there_is_no_value(tmp_path: Path) -> None:
    write_reports(_result(show=False), tmp_path, ["json", "html"])
    items = _findings_evidence(tmp_path)
    assert items and all("value" not in item for item in items)
    assert NHS not in (tmp_path / "findings.json").read_text()
    assert NHS not in (tmp_path / "report.html").read_text()


def test_a_record_stored_elsewhere_never_holds_the_raw_value() -> None:
    record = _result(show=True).files[0]
    stored = json.dumps(record.to_dict())
    assert NHS not in stored and "Oliver Brennan" not in stored
    assert FileResult.from_dict(json.loads(stored)).evidence[0].value is None
    again = FileResult.from_dict(record.to_dict(evidence_values=True))
    assert again.evidence == record.evidence  # findings.json loads back whole
