"""Fixtures for the report tests: ScanResults built by hand, full of hostile names.

Reports read only a ScanResult, so no file needs to exist on disk for them.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from dpscan.model.ids import Flag, Protection, Status
from dpscan.model.records import Evidence, FileResult, ScanResult, ScanSummary, WalkError

SCRIPT_NAME = "<script>alert(1)</script>.txt"
HYPERLINK_NAME = '=HYPERLINK("http://x","y").csv'
PLUS_NAME = "+cmd.xlsx"
AT_NAME = "@SUM(1).docx"
NEWLINE_NAME = "line one\nline two.txt"
CONTROL_NAME = "ctrl\x01char.txt"
MINUS_NAME = "-2+3.txt"
TAB_NAME = "\tTAB.txt"
ERROR_CODE_NAME = "#N/A"
BIDI_NAME = "invoice\u202etxt.exe"
CLEAN_NAME = "clean.txt"
IMG_ERROR = "<img src=x onerror=alert(1)> permission denied"
# Asset ids come from the school's own register, but are still not trusted.
HOSTILE_ASSET = "<i>HR</i>"
# A type a detector might add before ENTITY_TYPES knows it.
EXTRA_TYPE = "UK_CHI"


def build_hostile_result() -> ScanResult:
    """A scan of 11 files whose names and messages try to break every report.

    Governance: the hyperlink file is critical (overdue, unregistered, special
    category unprotected), the script file high, the control-character file
    low (due soon), so the action list runs hyperlink, script, control.
    """
    root = "/srv/<share>/staff"
    files = [
        FileResult(
            path=SCRIPT_NAME,
            root=root,
            size=120,
            modified="2024-03-01T12:34:56+00:00",
            mime="text/plain",
            protection=Protection.NONE,
            entities={"PERSON": 2, "EMAIL_ADDRESS": 1},
            evidence=[
                Evidence("PERSON", "J*** S****", 0.85),
                Evidence("EMAIL_ADDRESS", "j***@school.org", 1.0),
            ],
            flags=[Flag.UNPROTECTED_PERSONAL_DATA],
            status=Status.SCANNED,
            extractor="text",
            text_chars=100,
            data_subjects=2,
            asset="ADMIN-01",
            retention_rule="staff-records",
            retention_trigger="modified",
            retention_due="2030-01-01",
            action="dispose",
            severity="high",
            severity_reasons=["2 people", "not encrypted"],
        ),
        FileResult(
            path=HYPERLINK_NAME,
            root=root,
            size=2048,
            modified="2024-06-01T10:00:00+01:00",  # BST: 09:00 UTC
            mime="text/csv",
            protection=Protection.NONE,
            entities={"UK_NHS": 4, "DATE_OF_BIRTH": 1},
            evidence=[
                Evidence("UK_NHS", "943 *** 5919", 1.0),
                Evidence("DATE_OF_BIRTH", "=1+1", 0.6),
            ],
            special_categories=["health"],
            flags=[
                Flag.UNPROTECTED_PERSONAL_DATA,
                Flag.OVERDUE,
                Flag.UNREGISTERED_PERSONAL_DATA,
                Flag.SPECIAL_CATEGORY_UNPROTECTED,
            ],
            status=Status.SCANNED,
            data_subjects=340,
            retention_rule="pupil-medical",
            retention_trigger="modified",
            retention_due="2020-07-31",
            action="dispose",
            severity="critical",
            severity_reasons=[
                "special category data (health)",
                "340 people",
                "not encrypted",
                "4 years past its retention date",
            ],
        ),
        FileResult(
            path=PLUS_NAME,
            root=root,
            size=4096,
            modified="2023-12-31T23:59:59Z",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            protection=Protection.ENCRYPTED,
            protection_detail="ECMA-376 agile encryption",
            status=Status.ENCRYPTED,
        ),
        FileResult(
            path=AT_NAME,
            root=root,
            size=10,
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            protection=Protection.UNKNOWN,
            flags=[Flag.UNREADABLE],
            error=IMG_ERROR,
            status=Status.ERROR,
        ),
        FileResult(
            path=NEWLINE_NAME,
            root=root,
            size=0,
            modified="2024-01-02T03:04:05+00:00",
            mime="text/plain",
            protection=Protection.NONE,
            flags=[Flag.EMPTY_FILE, Flag.NO_TEXT_EXTRACTED],
            status=Status.SCANNED,
            # A rule and a past due date, but no personal data: no flag, no severity.
            retention_rule="attendance-registers",
            retention_due="2019-01-01",
            action="review",
        ),
        FileResult(
            path=CONTROL_NAME,
            root=root,
            size=50,
            modified="2024-02-02T00:00:00+00:00",
            mime="text/plain",
            protection=Protection.UNKNOWN,
            entities={"DATE_OF_BIRTH": 1, EXTRA_TYPE: 1},
            evidence=[Evidence("DATE_OF_BIRTH", "**/**/2011", 0.7)],
            flags=[Flag.NON_UTF8_NAME, Flag.DUE_SOON],
            status=Status.SCANNED,
            data_subjects=1,
            asset=HOSTILE_ASSET,
            retention_rule="attendance-registers",
            retention_due="2024-08-01",
            action="review",
            severity="low",
        ),
        FileResult(
            path=MINUS_NAME, root=root, size=3, protection=Protection.NONE, status=Status.SCANNED
        ),
        FileResult(
            path=TAB_NAME, root=root, size=3, protection=Protection.NONE, status=Status.SCANNED
        ),
        FileResult(
            path=ERROR_CODE_NAME,
            root=root,
            size=3,
            protection=Protection.NONE,
            status=Status.NOT_READ,
        ),
        FileResult(
            path=BIDI_NAME,
            root=root,
            size=9,
            mime="application/x-dosexec",
            extension_mismatch=True,
            protection=Protection.UNKNOWN,
            flags=[Flag.EXTENSION_MISMATCH],
            status=Status.NOT_READ,
        ),
        FileResult(
            path=CLEAN_NAME,
            root=root,
            size=5,
            modified="2024-04-04T04:04:04+00:00",
            mime="text/plain",
            protection=Protection.NONE,
            status=Status.SCANNED,
        ),
    ]
    summary = ScanSummary(
        tool="dpscan",
        version="0.1.0",
        started="2024-07-01T08:00:00+00:00",
        finished="2024-07-01T08:05:00+00:00",
        roots=[root],
        files_seen=len(files),
        files_scanned=7,
        errors=1,
        files_with_personal_data=3,
        walk_errors=[
            WalkError(root=root, path="<b>HR</b>", error="[Errno 13] Permission denied"),
            WalkError(root=root, path="=cmd|' /C calc'!A0", error="[Errno 2] vanished"),
        ],
        settings={"max_file_bytes": 50_000_000, "detectors": ["uk", "spacy"]},
        as_of="2024-07-01",
        rules={"rules_file": "retention_rules.yaml", "rules_sha256": "ab" * 32},
        assets=[
            {
                "asset_id": "ADMIN-01",
                "name": "Staff <records>",
                "owner": "=Head teacher",
                "protection_required": True,
                "files": 1,
                "personal_data_files": 1,
                "overdue": 0,
                "unprotected": 1,
                "empty": False,
            },
            {
                "asset_id": HOSTILE_ASSET,
                "name": "Attendance",
                "owner": "Office",
                "protection_required": False,
                "files": 1,
                "personal_data_files": 1,
                "overdue": 0,
                "unprotected": 0,
                "empty": False,
            },
            {
                "asset_id": "OLD-SHARE",
                "name": "Old share",
                "owner": "",
                "protection_required": False,
                "files": 0,
                "personal_data_files": 0,
                "overdue": 0,
                "unprotected": 0,
                "empty": True,
            },
        ],
    )
    return ScanResult(scan=summary, files=files)


@pytest.fixture
def hostile_result() -> ScanResult:
    """A fresh hostile ScanResult for each test (tests may mutate it)."""
    return build_hostile_result()


@pytest.fixture
def empty_result() -> ScanResult:
    """A scan that saw no files at all."""
    return ScanResult(
        scan=ScanSummary(
            tool="dpscan",
            version="0.1.0",
            started="2024-07-01T08:00:00+00:00",
            finished=None,
            roots=["/empty"],
        ),
        files=[],
    )


@pytest.fixture
def names() -> SimpleNamespace:
    """The hostile strings used in :func:`build_hostile_result`, by name.

    A fixture rather than ``from conftest import ...``: another conftest.py
    may own the module name ``conftest``.
    """
    return SimpleNamespace(
        script=SCRIPT_NAME,
        hyperlink=HYPERLINK_NAME,
        plus=PLUS_NAME,
        at=AT_NAME,
        newline=NEWLINE_NAME,
        control=CONTROL_NAME,
        minus=MINUS_NAME,
        tab=TAB_NAME,
        error_code=ERROR_CODE_NAME,
        bidi=BIDI_NAME,
        clean=CLEAN_NAME,
        img_error=IMG_ERROR,
        extra_type=EXTRA_TYPE,
        asset=HOSTILE_ASSET,
        review_reason=REVIEW_REASON,
        reviewer=REVIEWER,
        gone=GONE_NAME,
        copy=COPY_NAME,
    )


# --- A scan recorded in the catalogue: reviews, changes, copies ------------------------------

REVIEW_REASON = "<b>kept</b> on purpose =SUM(1)"
REVIEWER = "=dpo@school"
GONE_NAME = "gone <script>x</script>.csv"
COPY_NAME = "copies/=HYPERLINK(copy).csv"


def build_catalogued_result() -> ScanResult:
    """The hostile scan as a catalogued rescan would report it.

    The DPO accepted the script file (high) and marked the control-character file
    (low) a false positive, so only the hyperlink file (critical) is still open.
    Changes: the hyperlink file is new, the script file changed, a deleted file
    and the newline file (no personal data now) resolved.  Copies: the hyperlink
    file has a copy elsewhere (not in this scan's records); clean.txt has two.
    """
    result = build_hostile_result()
    by_path = {record.path: record for record in result.files}
    by_path[SCRIPT_NAME].review = {
        "status": "accepted",
        "reason": REVIEW_REASON,
        "reviewer": REVIEWER,
        "reviewed": "2024-07-02T10:00:00+00:00",
    }
    by_path[CONTROL_NAME].review = {
        "status": "false_positive",
        "reason": "dates of school events, not births",
        "reviewer": "dpo",
        "reviewed": "2024-07-03T09:30:00+00:00",
    }
    root = result.scan.roots[0]
    result.scan.scan_id = 7
    result.scan.files_reused = 5
    result.scan.files_deleted = 1
    result.scan.changes = [
        {"root": root, "path": GONE_NAME, "change": "resolved"},
        {"root": root, "path": SCRIPT_NAME, "change": "changed"},
        {"root": root, "path": NEWLINE_NAME, "change": "resolved"},
        {"root": root, "path": HYPERLINK_NAME, "change": "new"},
    ]
    result.scan.duplicates = [
        {
            "sha256": "c" * 64,
            "files": [
                {"root": root, "path": CLEAN_NAME},
                {"root": root, "path": "old/" + CLEAN_NAME},
                {"root": "/media/stick", "path": CLEAN_NAME},
            ],
        },
        {
            "sha256": "a" * 64,
            "files": [
                {"root": root, "path": HYPERLINK_NAME},
                {"root": "/media/<stick>", "path": COPY_NAME},
            ],
        },
    ]
    return result


@pytest.fixture
def catalogued_result() -> ScanResult:
    """A fresh catalogued ScanResult (reviews, changes, copies) for each test."""
    return build_catalogued_result()
