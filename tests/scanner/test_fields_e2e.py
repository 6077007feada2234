"""Field semantics end to end: each source of labelled values, built as a real file and
scanned by the real command line, gives the categories its fields hold, and the same
files with blank fields, or as topics, give none (issue 19)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

PUPIL = {"name": "Amelia Jones", "dob": "22/02/2009", "upn": "L201000024001"}


def _docx_form(path: Path, pairs: list[tuple[str, str]], columns: int) -> None:
    document = docx.Document()
    document.add_paragraph("Pupil information form")
    per_row = columns // 2
    rows = [pairs[i:i + per_row] for i in range(0, len(pairs), per_row)]
    table = document.add_table(rows=len(rows), cols=columns)
    for r, row in enumerate(rows):
        for c, (label, value) in enumerate(row):
            table.cell(r, 2 * c).text = label
            table.cell(r, 2 * c + 1).text = value
    document.save(str(path))


FORM = [("Name", PUPIL["name"]), ("Date of birth", PUPIL["dob"]), ("UPN", PUPIL["upn"]),
        ("Medical conditions", "Asthma"), ("SEN status", "K - SEN support"),
        ("Looked after", "No"), ("FSM", "Yes")]
EXPECTED = ["health", "sen", "fsm"]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    root = tmp_path_factory.mktemp("fields")
    share = root / "share"
    share.mkdir()
    _docx_form(share / "form two columns.docx", FORM, 2)
    _docx_form(share / "form four columns.docx", FORM + [("Religion", "")], 4)
    _docx_form(share / "blank form.docx", [(label, "") for label, _ in FORM], 2)
    dl = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in FORM)
    (share / "profile.html").write_text(f"<html><body><h1>Profile</h1><dl>{dl}</dl></body></html>")
    (share / "referral.txt").write_text(
        "Referral\n\n" + "\n".join(f"{label}: {value}" for label, value in FORM) + "\n")
    (share / "export.json").write_text(json.dumps({"pupils": [
        {"upn": PUPIL["upn"], "legalSurname": "JONES", "forename": "Amelia",
         "dateOfBirth": "2009-02-22", "sen": {"status": "K"}, "fsmEligible": True,
         "medical": {"conditions": ["asthma"]}},
        {"upn": "H801200001001", "legalSurname": "SMITH", "forename": "Oliver",
         "dateOfBirth": "2009-06-11", "sen": {"status": "N"}, "fsmEligible": False,
         "medical": {"conditions": []}}]}))
    pupils = "".join(
        f"<Pupil><UPN>{upn}</UPN><Surname>{surname}</Surname><Forename>{forename}</Forename>"
        f"<DOB>{dob}</DOB><BasicDetails><MedicalFlag>{medical}</MedicalFlag></BasicDetails>"
        f"<SENhistory><SEN><SENprovision>{sen}</SENprovision></SEN></SENhistory>"
        f"<FSMhistory><FSMinstance><FSMstartDate>{fsm}</FSMstartDate></FSMinstance>"
        f"</FSMhistory></Pupil>"
        for upn, surname, forename, dob, medical, sen, fsm in [
            (PUPIL["upn"], "JONES", "Amelia", "2009-02-22", "true", "K", "2019-09-01"),
            ("H801200001001", "SMITH", "Oliver", "2009-06-11", "false", "N", "")])
    (share / "transfer.xml").write_text(
        f'<?xml version="1.0"?><CTfile><CTFpupilData>{pupils}</CTFpupilData></CTfile>')
    (share / "first aid policy.txt").write_text(
        "First aid and medicines policy\n\nPupils with asthma keep an inhaler in class; staff "
        "are trained to use an EpiPen. Pupils on the SEN register at SEN support have plans.\n"
        "\nPolicy owner: Mrs Sarah Patel (First aid lead), s.patel@oak.sch.uk\n")
    out = root / "out"
    run = subprocess.run([sys.executable, "-m", "dpscan", "scan", str(share), "--out", str(out),
                          "--format", "json", "--no-db", "--quiet", "--workers", "1"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    records = json.loads((out / "findings.json").read_text())["files"]
    return {record["path"]: record for record in records}


@pytest.mark.parametrize("name", ["form two columns.docx", "form four columns.docx",
                                  "profile.html", "referral.txt"])
def test_a_form_gives_the_categories_of_its_filled_fields(
        scanned: dict[str, dict[str, object]], name: str) -> None:
    record = scanned[name]
    assert record["special_categories"] == EXPECTED
    entities = record["entities"]
    assert isinstance(entities, dict)
    assert {"PERSON", "DATE_OF_BIRTH", "UK_UPN"} <= set(entities)


@pytest.mark.parametrize("name", ["export.json", "transfer.xml"])
def test_mis_exports_are_read_by_their_keys(scanned: dict[str, dict[str, object]],
                                            name: str) -> None:
    record = scanned[name]
    assert record["special_categories"] == EXPECTED
    assert record["data_subjects"] == 2


def test_a_blank_form_holds_nothing(scanned: dict[str, dict[str, object]]) -> None:
    assert scanned["blank form.docx"]["special_categories"] == []
    assert scanned["blank form.docx"]["entities"] == {}


def test_a_policy_naming_its_owner_has_topics_not_data(
        scanned: dict[str, dict[str, object]]) -> None:
    record = scanned["first aid policy.txt"]
    assert record["entities"]  # the owner's name and email
    assert record["special_categories"] == []
    assert set(record["topics"]) == {"health", "sen"}  # type: ignore[arg-type]
