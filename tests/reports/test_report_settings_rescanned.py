"""A copy of dpscan's own reports, scanned, holds no identifier (issue 17, item 12).

The settings table printed ``worker_memory_bytes = 2147483648``, which passes as an NHS
number: a report.html or report.xlsx copied into a share came back ``high``.  The real
reports are written with byte-sized settings, copied into a share and scanned by the CLI.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from dpscan.model.ids import Protection, Status
from dpscan.model.records import FileResult, ScanResult, ScanSummary
from dpscan.reports import write_reports

# Byte limits as a scan records them: 2 GiB is a valid NHS number when printed bare.
SETTINGS = {
    "workers": 1,
    "max_file_bytes": 536_870_912,
    "max_total_bytes": 1_073_741_824,
    "worker_memory_bytes": 2_147_483_648,
    "file_seconds": 300.0,
    "excludes": [],
    "show_evidence": False,
}
REPORTS = ("report.html", "report.xlsx")


@pytest.fixture(scope="module")
def rescanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    """The reports of a scan, copied into a share and scanned: the copies' records."""
    base = tmp_path_factory.mktemp("rescan")
    root = str(base / "first")
    summary = ScanSummary(tool="dpscan", version="0.1.0", started="2024-07-01T08:00:00+00:00",
                          finished="2024-07-01T08:05:00+00:00", roots=[root], files_seen=1,
                          files_scanned=1, settings=dict(SETTINGS))
    clean = FileResult(path="minutes.txt", root=root, size=120, mime="text/plain",
                       protection=Protection.NONE, status=Status.SCANNED)
    written = write_reports(ScanResult(scan=summary, files=[clean]), base / "reports",
                            ["html", "xlsx"])
    assert {path.name for path in written} == set(REPORTS)
    share = base / "share"
    share.mkdir()
    for path in written:
        shutil.copy(path, share / path.name)
    out = base / "out"
    run = subprocess.run(
        [sys.executable, "-m", "dpscan", "scan", str(share), "--out", str(out), "--no-db",
         "--format", "json", "--workers", "1", "--quiet"],
        capture_output=True, timeout=600, check=False)
    assert run.returncode in (0, 1), run.stderr.decode(errors="replace")
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return {record["path"]: record for record in findings["files"]}


@pytest.mark.parametrize("name", REPORTS)
def test_a_copied_report_holds_no_identifier_from_its_settings(
    rescanned: dict[str, dict[str, object]], name: str,
) -> None:
    record = rescanned[name]
    assert record["status"] == "scanned", record
    assert "UK_NHS" not in record["entities"], record["evidence"]
    assert record["entities"] == {}, record["evidence"]


def test_settings_are_shown_grouped() -> None:
    from dpscan.reports._summary import setting_text

    assert setting_text(2_147_483_648) == "2,147,483,648"
    assert setting_text(300.0) == "300.0" and setting_text(True) == "True"
    assert setting_text(["uk", 2_147_483_648]) == "['uk', 2,147,483,648]"
