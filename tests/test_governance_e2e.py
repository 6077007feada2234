"""End to end: a share with old and new records and an asset register, scanned by the CLI.

The overdue set is asserted exactly, with the scan date fixed by --as-of.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from dpscan.scanner.cli import main

TODAY = "2026-11-28"


def _xlsx(path: Path, rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)


def _docx(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(path)


def _touch(path: Path, year: int) -> None:
    stamp = __import__("datetime").datetime(year, 3, 1).timestamp()
    os.utime(path, (stamp, stamp))


@pytest.fixture(scope="module")
def governed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    share = tmp_path_factory.mktemp("share")
    register_rows = [["Surname", "Forename", "DOB"], ["JONES", "Amelia", "02/03/2015"],
                     ["SMITH", "Ben", "04/05/2016"]]
    _xlsx(share / "Admin/Attendance/2014-15/Autumn register.xlsx", register_rows)
    _xlsx(share / "Admin/Attendance/2018-19/Autumn register.xlsx", register_rows)
    _xlsx(share / "Admin/Attendance/2024-25/Autumn register.xlsx", register_rows)
    _docx(share / "SEN/Old pupils/EHCP review Sam Carter.docx",
          ["EHCP annual review for Sam Carter, date of birth 04/06/1988.",
           "SENCO notes: speech and language therapy continues."])
    _docx(share / "SEN/Current/EHCP review Amelia Jones.docx",
          ["EHCP annual review for Amelia Jones, date of birth 02/03/2015.",
           "SENCO notes: the EHC plan provision is in place."])
    _docx(share / "Recruitment/2019/Interview notes Claire Patel.docx",
          ["Interview notes for Mrs Claire Patel, unsuccessful applicant, 2019."])
    _docx(share / "Pupil Shared/Class 4/party list.docx",
          ["Party helpers: Mrs Sarah Thompson and Mr David Hughes."])
    (share / "Newsletters").mkdir()
    (share / "Newsletters/Summer fair 2012.txt").write_text(
        "The summer fair raised money for the library. Thank you all.\n")
    for path in share.rglob("*"):
        if path.is_file():
            _touch(path, 2019)
    register = share.parent / "register.csv"
    register.write_text(
        "Information Asset Register - Oak Primary\n\n"
        "Ref,Information Asset,IAO,Where stored,Special?,Retention rule\n"
        "A1,Attendance registers,Office manager,Admin/Attendance/**,no,attendance-registers\n"
        "A2,SEN files,SENCO,SEN/**,yes,sen-files\n"
        "A3,Governors minutes,Clerk,Governors/**,no,governors-minutes\n"
    )
    out = share.parent / "out"
    result = CliRunner().invoke(
        main,
        ["scan", str(share), "--out", str(out), "--workers", "1", "--quiet",
         "--format", "json", "--register", str(register),
         "--public-location", "Pupil Shared/**", "--as-of", TODAY],
    )
    assert result.exit_code == 0, result.output
    findings = json.loads((out / "findings.json").read_text())
    return {"files": {f["path"]: f for f in findings["files"]}, "scan": findings["scan"]}


def test_overdue_set_is_exact(governed: dict) -> None:
    overdue = {p for p, f in governed["files"].items() if "overdue" in f["flags"]}
    assert overdue == {
        "Admin/Attendance/2014-15/Autumn register.xlsx",  # due 2021-08-31
        "Admin/Attendance/2018-19/Autumn register.xlsx",  # due 2025-08-31
        "SEN/Old pupils/EHCP review Sam Carter.docx",  # born 1988: due 2019-12-31
        "Recruitment/2019/Interview notes Claire Patel.docx",  # 2019 + 6 months
    }


def test_retention_fields(governed: dict) -> None:
    files = governed["files"]
    old = files["Admin/Attendance/2014-15/Autumn register.xlsx"]
    assert (old["retention_rule"], old["retention_due"], old["action"]) == (
        "attendance-registers", "2021-08-31", "dispose")
    current = files["SEN/Current/EHCP review Amelia Jones.docx"]
    assert current["retention_rule"] == "sen-files" and current["retention_due"] == "2046-12-31"
    assert current["retention_trigger"].startswith("date_of_birth")
    assert "overdue" not in current["flags"] and current["special_categories"] == ["sen"]


def test_register_assets_and_unregistered_flag(governed: dict) -> None:
    files = governed["files"]
    assert files["Admin/Attendance/2024-25/Autumn register.xlsx"]["asset"] == "A1"
    assert files["SEN/Current/EHCP review Amelia Jones.docx"]["asset"] == "A2"
    unregistered = {p for p, f in files.items() if "unregistered_personal_data" in f["flags"]}
    assert unregistered == {"Recruitment/2019/Interview notes Claire Patel.docx",
                            "Pupil Shared/Class 4/party list.docx"}
    assets = {a["asset_id"]: a for a in governed["scan"]["assets"]}
    assert (assets["A1"]["files"], assets["A1"]["overdue"]) == (3, 2)
    assert assets["A3"]["empty"] is True


def test_policy_flags_and_severity(governed: dict) -> None:
    files = governed["files"]
    sen = files["SEN/Old pupils/EHCP review Sam Carter.docx"]
    assert "special_category_unprotected" in sen["flags"]
    assert sen["severity"] in ("high", "critical")
    party = files["Pupil Shared/Class 4/party list.docx"]
    assert "public_location" in party["flags"]
    newsletter = files["Newsletters/Summer fair 2012.txt"]
    assert newsletter["severity"] is None and "overdue" not in newsletter["flags"]
