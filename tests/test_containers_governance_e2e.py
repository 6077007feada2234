"""End to end (issue 18): governance judges the files a DPO acts on.

A share with an old attendance zip (a register of pupils inside a folder of the archive), a
pupil list no retention rule covers, an unprotected safeguarding log and EHCP review, and a
list of dates of birth in ``Pupil Shared/``, scanned by the real CLI with no
``--public-location``; then a folder standing in for a USB stick with copies of one list.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from dpscan.scanner.cli import main

TODAY = "2026-11-28"
# Valid UPNs (check letter correct), from the shared identifier vectors.
UPNS = ["X919288319804", "V919861317505", "P380711115091", "H850683614960", "J919171615928",
        "T201550515479"]
PUPILS = [("JONES", "Amelia"), ("SMITH", "Ben"), ("TAYLOR", "Chloe"), ("WALKER", "Daniel"),
          ("HUGHES", "Ella"), ("EVANS", "Finley")]


def _register_rows() -> list[list[object]]:
    rows: list[list[object]] = [["UPN", "Surname", "Forename", "DOB", "Session"]]
    for index, ((surname, forename), upn) in enumerate(zip(PUPILS, UPNS, strict=True)):
        rows.append([upn, surname, forename, f"{index + 3:02d}/04/2001", "/"])
    return rows


def _xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _docx(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(path)


def _build_share(share: Path) -> None:
    (share / "Admin").mkdir(parents=True)
    # The register sits in a folder of the archive: its own path matches no rule.
    with zipfile.ZipFile(share / "Admin/Attendance 2012-13.zip", "w") as archive:
        archive.writestr("Autumn/Register.xlsx", _xlsx_bytes(_register_rows()))
    unclassified = share / "Exams/2015/Entries summer 2015.xlsx"
    unclassified.parent.mkdir(parents=True)
    unclassified.write_bytes(_xlsx_bytes([row[:4] for row in _register_rows()]))
    _docx(share / "Safeguarding/Safeguarding log 2023.docx",
          ["Safeguarding log: concern raised by class teacher about Daniel Walker (Year 4), "
           "date of birth 12/03/2015.",
           "DSL notes: disclosure recorded, referral to MASH made."])
    _docx(share / "SEN/EHCP review Amelia Jones.docx",
          ["EHCP annual review for Amelia Jones, date of birth 02/03/2015.",
           "SENCO notes: the EHC plan provision is in place."])
    birthdays = share / "Pupil Shared/Class 4/Birthdays.xlsx"
    birthdays.parent.mkdir(parents=True)
    birthdays.write_bytes(_xlsx_bytes([["Name", "DOB"], ["Amelia Jones", "02/03/2015"],
                                       ["Ben Smith", "04/05/2015"],
                                       ["Chloe Taylor", "06/07/2015"]]))
    stamp = dt.datetime(2013, 9, 1).timestamp()
    for path in share.rglob("*"):
        if path.is_file():
            os.utime(path, (stamp, stamp))


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    base = tmp_path_factory.mktemp("issue18")
    share = base / "share"
    _build_share(share)
    out = base / "out"
    result = CliRunner().invoke(main, ["scan", str(share), "--out", str(out), "--workers", "1",
                                       "--quiet", "--format", "json,html", "--no-db",
                                       "--as-of", TODAY])
    assert result.exit_code == 0, result.output
    findings = json.loads((out / "findings.json").read_text())
    return {"files": {f["path"]: f for f in findings["files"]}, "scan": findings["scan"],
            "html": (out / "report.html").read_text()}


def test_the_container_is_overdue_with_a_severity(scanned: dict) -> None:
    archive = scanned["files"]["Admin/Attendance 2012-13.zip"]
    assert archive["entities"] == {}  # its own bytes hold nothing: its member does
    assert archive["members_entities"]["UK_UPN"] == 6
    assert archive["members_with_personal_data"] == 1
    assert (archive["retention_rule"], archive["retention_due"], archive["action"]) == (
        "attendance-registers", "2019-08-31", "dispose")
    assert {"overdue", "unprotected_personal_data"} <= set(archive["flags"])
    assert archive["severity"] in ("medium", "high", "critical")
    assert "6 people" in archive["severity_reasons"]


def test_members_are_listed_and_inherit_the_container_rule(scanned: dict) -> None:
    member = scanned["files"]["Admin/Attendance 2012-13.zip!Autumn/Register.xlsx"]
    assert member["container"] == "Admin/Attendance 2012-13.zip"
    assert (member["retention_rule"], member["retention_due"]) == (
        "attendance-registers", "2019-08-31")
    assert "overdue" in member["flags"] and "no_retention_rule" not in member["flags"]


def test_unclassified_personal_data_is_flagged(scanned: dict) -> None:
    entries = scanned["files"]["Exams/2015/Entries summer 2015.xlsx"]
    assert entries["retention_rule"] is None and entries["action"] == "classify"
    assert "no_retention_rule" in entries["flags"]
    assert "no_retention_rule" in scanned["html"]


def test_unprotected_safeguarding_and_sen_records_are_critical(scanned: dict) -> None:
    files = scanned["files"]
    for path in ("Safeguarding/Safeguarding log 2023.docx", "SEN/EHCP review Amelia Jones.docx"):
        assert files[path]["severity"] == "critical", files[path]["severity_reasons"]
        assert "data about children" in files[path]["severity_reasons"][0]


def test_pupil_shared_is_a_public_location_by_default(scanned: dict) -> None:
    birthdays = scanned["files"]["Pupil Shared/Class 4/Birthdays.xlsx"]
    assert "public_location" in birthdays["flags"]
    assert birthdays["severity"] != "low"
    rules = scanned["scan"]["rules"]
    assert "**/pupil* shared/**" in rules["default_public_locations"]
    assert rules["public_locations"] == []
    assert "**/pupil* shared/**" in scanned["html"]  # the report shows what it assumed


def test_usb_people_are_distinct_or_up_to(tmp_path: Path) -> None:
    stick = tmp_path / "KINGSTON"
    register = _xlsx_bytes(_register_rows())
    for name in ("Register.xlsx", "Copy of Register.xlsx", "Backup/Register.xlsx"):
        (stick / name).parent.mkdir(parents=True, exist_ok=True)
        (stick / name).write_bytes(register)
    runner = CliRunner()
    result = runner.invoke(main, ["usb", str(stick), "--out", str(tmp_path / "r1"), "-w", "1",
                                  "--no-db"])
    assert result.exit_code == 0, result.output
    # Three copies of one register of 6 pupils: 6 people, not 18.
    assert "3 hold personal data about 6 people" in result.output, result.output
    # Another list of other people: without identifiers to tell them apart, a range.
    (stick / "Party.xlsx").write_bytes(_xlsx_bytes([["Name", "Allergy"], ["Noah Green", "nuts"],
                                                    ["Isla Wood", "none"]]))
    shutil.rmtree(tmp_path / "r1")
    result = runner.invoke(main, ["usb", str(stick), "--out", str(tmp_path / "r2"), "-w", "1",
                                  "--no-db"])
    assert result.exit_code == 0, result.output
    assert "hold personal data about up to 8 people (at least 6;" in result.output, result.output
