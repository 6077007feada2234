"""End-to-end: run the real ``dpscan scan`` over the synthetic school share.

The share and its manifest come from tests/corpus.py; ``scanned_share`` (conftest.py)
runs the CLI once in-process.  Each test checks every file and reports all failures at
once, so one run shows the whole picture.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.corpus import ENTITY_TYPES, ShareManifest, snapshot_tree

if TYPE_CHECKING:  # a plain import could pick up another folder's conftest module
    from conftest import ScannedShare

REPO_ROOT = Path(__file__).resolve().parents[1]
REPORT_FILES = ("findings.json", "report.html", "report.xlsx")


def _records(findings: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rec["path"]: rec for rec in findings.get("files", [])}


def _fail_if(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture(scope="session")
def scan(scanned_share: ScannedShare) -> ScannedShare:
    """``scanned_share``, failing early (with the CLI's output) if the scan itself failed."""
    result = scanned_share.result
    if result.exit_code != 0 or not scanned_share.findings:
        detail = result.output
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            import traceback

            detail += "".join(traceback.format_exception(result.exception))
        pytest.fail(f"scan failed (exit {result.exit_code}):\n{detail}", pytrace=False)
    return scanned_share


# ------------------------------------------------------------------ the scan itself


def test_scan_exits_zero(scanned_share: ScannedShare) -> None:
    result = scanned_share.result
    assert result.exit_code == 0, result.output + repr(result.exception)


def test_every_file_listed_exactly_once(scan: ScannedShare) -> None:
    on_disk = snapshot_tree(scan.share_root)
    assert scan.findings["scan"]["files_seen"] == len(on_disk)
    counts = Counter(rec["path"] for rec in scan.findings["files"])
    problems = [f"{p}: listed {counts[p]} times" for p in scan.manifest if counts[p] != 1]
    problems += [f"{p}: not in the share" for p in counts if p not in scan.manifest]
    _fail_if(problems, "path problems")


def test_expected_entity_types_found(scan: ScannedShare) -> None:
    records = _records(scan.findings)
    problems = []
    for rel, planted in scan.manifest.items():
        rec = records.get(rel)
        if rec is None:
            continue  # reported by test_every_file_listed_exactly_once
        found = set(rec["entities"])
        missing = planted.expect_types - found
        if missing:
            problems.append(
                f"{rel}: missing {sorted(missing)}; expected {sorted(planted.expect_types)}, "
                f"found {sorted(found)} (status={rec['status']}, error={rec['error']})"
            )
    _fail_if(problems, "files lack expected entity types")


def test_forbidden_entity_types_absent(scan: ScannedShare) -> None:
    records = _records(scan.findings)
    problems = []
    for rel, planted in scan.manifest.items():
        rec = records.get(rel)
        if rec is None:
            continue
        wrong = planted.forbid_types & set(rec["entities"])
        if wrong:
            ev = [e for e in rec["evidence"] if e["type"] in wrong]
            problems.append(f"{rel}: false positives {sorted(wrong)}; evidence {ev}")
    _fail_if(problems, "files with forbidden entity types")


def test_mime_and_extension_mismatch(scan: ScannedShare) -> None:
    records = _records(scan.findings)
    problems = []
    for rel, planted in scan.manifest.items():
        rec = records.get(rel)
        if rec is None or planted.mime is None:
            continue
        if rec["mime"] != planted.mime:
            problems.append(f"{rel}: mime {rec['mime']!r}, expected {planted.mime!r}")
        if rec["extension_mismatch"] != planted.extension_mismatch:
            problems.append(
                f"{rel}: extension_mismatch {rec['extension_mismatch']}, "
                f"expected {planted.extension_mismatch} (mime {rec['mime']!r})"
            )
        has_flag = "extension_mismatch" in rec["flags"]
        if has_flag != planted.extension_mismatch:
            problems.append(f"{rel}: flags {rec['flags']} vs mismatch {planted.extension_mismatch}")
    _fail_if(problems, "type-sniffing problems")


def test_expected_status_and_flags(scan: ScannedShare) -> None:
    records = _records(scan.findings)
    problems = []
    for rel, planted in scan.manifest.items():
        rec = records.get(rel)
        if rec is None:
            continue
        if planted.expect_status is not None and rec["status"] != planted.expect_status:
            problems.append(
                f"{rel}: status {rec['status']!r}, expected {planted.expect_status!r} "
                f"(error={rec['error']!r}, extractor={rec['extractor']!r})"
            )
        missing = planted.expect_flags - set(rec["flags"])
        if missing:
            problems.append(f"{rel}: flags {rec['flags']} lack {sorted(missing)}")
    _fail_if(problems, "status/flag problems")


def test_empty_and_broken_files(scan: ScannedShare) -> None:
    records = _records(scan.findings)
    empty = records["Newsletters/draft.txt"]
    assert "empty_file" in empty["flags"], empty
    assert empty["size"] == 0
    broken = records["Admin/broken.docx"]
    assert broken["status"] == "error", broken
    assert broken["error"], broken
    assert "unreadable" in broken["flags"], broken
    assert scan.findings["scan"]["errors"] >= 1


def test_unprotected_personal_data_flag(scan: ScannedShare) -> None:
    problems = []
    for rec in scan.findings["files"]:
        unprotected = rec["entities"] and rec["protection"] == "none"
        if unprotected and "unprotected_personal_data" not in rec["flags"]:
            problems.append(f"{rec['path']}: flags {rec['flags']}")
        if not rec["entities"] and "unprotected_personal_data" in rec["flags"]:
            problems.append(f"{rec['path']}: flagged without entities")
    _fail_if(problems, "unprotected_personal_data flag problems")
    summary = scan.findings["scan"]
    with_pd = sum(1 for rec in scan.findings["files"] if rec["entities"])
    assert summary["files_with_personal_data"] == with_pd


def test_evidence_entries_are_masked_and_well_formed(scan: ScannedShare) -> None:
    problems = []
    for rec in scan.findings["files"]:
        for ev in rec["evidence"]:
            if not {"type", "masked", "score"} <= set(ev):
                problems.append(f"{rec['path']}: evidence keys {sorted(ev)}")
                continue
            if ev["type"] not in ENTITY_TYPES or not isinstance(ev["score"], int | float):
                problems.append(f"{rec['path']}: evidence {ev}")
        for entity_type, count in rec["entities"].items():
            if entity_type not in ENTITY_TYPES or not isinstance(count, int) or count < 1:
                problems.append(f"{rec['path']}: entities {rec['entities']}")
    _fail_if(problems, "malformed evidence/entities")


# ------------------------------------------------------------------ read-only, outputs


def test_share_unchanged_by_scan(
    scan: ScannedShare, share_snapshot: dict[str, tuple[str, int, int, int]]
) -> None:
    after = snapshot_tree(scan.share_root)
    assert set(after) == set(share_snapshot), "files were added to or removed from the share"
    labels = ("sha256", "mtime_ns", "size", "mode")
    problems = [
        f"{rel}: {label} changed"
        for rel, before in share_snapshot.items()
        for label, b, a in zip(labels, before, after[rel], strict=True)
        if a != b
    ]
    _fail_if(problems, "changes to the share")


def test_reports_exist_owner_only(scan: ScannedShare) -> None:
    for name in REPORT_FILES:
        path = scan.out_dir / name
        assert path.is_file(), f"{name} missing from {sorted(os.listdir(scan.out_dir))}"
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == 0o600, f"{name} has mode {oct(mode)}"


def _leaks_in(text: str, values: set[str]) -> list[str]:
    low = text.lower()
    return sorted(v for v in values if v.lower() in low)


def _xlsx_cells(path: Path) -> str:
    from openpyxl import load_workbook

    wb = load_workbook(str(path), read_only=True)
    try:
        return "\n".join(
            str(v)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    finally:
        wb.close()


def _report_texts(out_dir: Path) -> dict[str, str]:
    texts = {}
    for name in ("findings.json", "report.html"):
        if (out_dir / name).is_file():
            texts[name] = (out_dir / name).read_text(encoding="utf-8")
    if (out_dir / "report.xlsx").is_file():
        texts["report.xlsx"] = _xlsx_cells(out_dir / "report.xlsx")
    return texts


def test_no_raw_identifier_in_any_report(scan: ScannedShare) -> None:
    values = scan.manifest.leak_values()
    assert len(values) > 50
    texts = _report_texts(scan.out_dir)
    assert set(texts) == set(REPORT_FILES)
    problems = [
        f"{name}: {leak}" for name, text in texts.items() for leak in _leaks_in(text, values)
    ]
    _fail_if(problems, "raw identifiers leaked (NHS/email/NINO/UPN/ULN/phone/bank/card...)")


def test_no_raw_postcode_or_date_of_birth_in_any_report(scan: ScannedShare) -> None:
    values = scan.manifest.weak_leak_values()
    texts = _report_texts(scan.out_dir)
    problems = [
        f"{name}: {leak}" for name, text in texts.items() for leak in _leaks_in(text, values)
    ]
    _fail_if(problems, "raw postcodes/dates of birth leaked")


# ------------------------------------------------------------------ subprocess run


def test_subprocess_two_workers_json_matches_in_process(scan: ScannedShare, tmp_path: Path) -> None:
    out = tmp_path / "out2"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "dpscan",
            "scan",
            str(scan.share_root),
            "--out",
            str(out),
            "--workers",
            "2",
            "--format",
            "json",
            "--quiet",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (out / "report.html").exists() and not (out / "report.xlsx").exists()
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    got = {rec["path"]: set(rec["entities"]) for rec in findings["files"]}
    want = {rec["path"]: set(rec["entities"]) for rec in scan.findings["files"]}
    diffs = [
        f"{p}: in-process {sorted(want.get(p, ()))} vs subprocess {sorted(got.get(p, ()))}"
        for p in sorted(set(got) | set(want))
        if got.get(p) != want.get(p)
    ]
    _fail_if(diffs, "differences between --workers 1 (in-process) and --workers 2")


# ------------------------------------------------------------------ CLI surface


def test_help_exits_zero() -> None:
    from click.testing import CliRunner

    from dpscan.scanner.cli import main

    runner = CliRunner()
    for args in (["--help"], ["scan", "--help"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
        assert "Usage" in result.output
    exe = shutil.which("dpscan") or (
        str(Path(sys.executable).with_name("dpscan"))
        if Path(sys.executable).with_name("dpscan").exists()
        else None
    )
    if exe:
        for args in (["--help"], ["scan", "--help"]):
            proc = subprocess.run([exe, *args], capture_output=True, text=True, timeout=300)
            assert proc.returncode == 0, (args, proc.stderr)


def test_bad_arguments_exit_two(school_share: ShareManifest, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dpscan.scanner.cli import main

    runner = CliRunner()
    missing = runner.invoke(
        main, ["scan", str(tmp_path / "no such folder"), "--out", str(tmp_path / "o1")]
    )
    assert missing.exit_code == 2, missing.output
    bad_format = runner.invoke(
        main,
        ["scan", str(school_share.root), "--out", str(tmp_path / "o2"), "--format", "pdfx"],
    )
    assert bad_format.exit_code == 2, bad_format.output
    assert not (tmp_path / "o2" / "findings.json").exists()
