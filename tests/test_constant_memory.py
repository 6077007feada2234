"""Reports of a large scan take the same memory as reports of a small one (issue 20).

The changes since the last scan and the groups of copies are listed too (a first scan's
"new" change for every file with personal data), as report.xlsx lists them.

Each case runs in a process of its own: records are written to a RecordStore, as a scan
writes them, and every report is written from it; the process's peak RSS is compared
between 5,000 and 50,000 records.  Held in memory, 50,000 records took some 300 MB more.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROGRAM = r'''
import json, resource, sys
from pathlib import Path
from dpscan.model.records import Evidence, FileResult, ScanResult, ScanSummary
from dpscan.reports import write_reports
from dpscan.scanner.record_store import RecordStore

count, out = int(sys.argv[1]), Path(sys.argv[2])
severities = [None, "low", "medium", "high", "critical"]
with RecordStore() as store:
    for n in range(count):
        personal = n % 3 != 0
        store.add(FileResult(
            root="/srv/share", path=f"Staff/Teacher {n % 300}/Year {n % 7}/letter {n:06d}.docx",
            size=1000 + n, modified="2023-05-06T07:08:09+00:00", mime="text/plain",
            status="scanned", protection="none", sha256=f"{n % 40000:064x}",
            entities={"PERSON": 1 + n % 4, "EMAIL_ADDRESS": n % 2} if personal else {},
            data_subjects=1 + n % 30 if personal else 0,
            special_categories=["health"] if n % 11 == 0 else [],
            severity=severities[n % 5] if personal else None,
            severity_reasons=["personal data, not encrypted"] if personal else [],
            flags=["overdue", "unprotected_personal_data"] if n % 7 == 0 else [],
            evidence=[Evidence(type="PERSON", masked="A*** J***", score=0.9)] if personal
            else []))
    summary = ScanSummary(tool="dpscan", version="test", started="2024-01-01T00:00:00+00:00",
                          finished="2024-01-01T01:00:00+00:00", roots=["/srv/share"],
                          settings={})
    summary.files_seen = count
    # As a first scan with a catalogue: every file with personal data is a "new" change,
    # and a file in four has a copy.
    summary.changes = [{"change": "new", "root": "/srv/share",
                        "path": f"Staff/Teacher {n % 300}/Year {n % 7}/letter {n:06d}.docx"}
                       for n in range(count) if n % 3 != 0]
    summary.duplicates = store.duplicates()
    result = ScanResult(scan=summary, files=store)
    write_reports(result, out, ["json", "csv", "html", "xlsx"])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps({"peak_mb": peak,
                  "sizes": {p.name: p.stat().st_size for p in out.iterdir()}}))
'''


def _report(count: int, out: Path) -> dict[str, object]:
    run = subprocess.run([sys.executable, "-c", PROGRAM, str(count), str(out)],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr
    figures: dict[str, object] = json.loads(run.stdout.strip().splitlines()[-1])
    return figures


def test_memory_does_not_grow_with_the_records(tmp_path: Path) -> None:
    small = _report(5_000, tmp_path / "small")
    large = _report(50_000, tmp_path / "large")
    growth = int(large["peak_mb"]) - int(small["peak_mb"])  # type: ignore[call-overload]
    assert growth < 60, (small, large)
    sizes = large["sizes"]
    assert isinstance(sizes, dict)
    assert sizes["report.html"] < 5_000_000
    # Every record is in findings.json, however little memory writing it took.
    findings = json.loads((tmp_path / "large" / "findings.json").read_text(encoding="utf-8"))
    assert len(findings["files"]) == 50_000
