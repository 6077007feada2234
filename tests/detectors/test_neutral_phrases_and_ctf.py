"""Courses, services and form labels that use the categories' words about no one, and
the DfE Common Transfer File as the specification writes it (issue 19, fourth pass)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dpscan.detectors.content import ContentDetector
from dpscan.detectors.special_categories import (
    SpecialCategoryDetector,
    VocabularyError,
    load_vocabulary,
)


@pytest.fixture(scope="module")
def content() -> ContentDetector:
    return ContentDetector()


@pytest.fixture(scope="module")
def special() -> SpecialCategoryDetector:
    return SpecialCategoryDetector()


def _vocabulary(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "vocab.yaml"
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


# ------------------------------------------------------------------ neutral phrases


@pytest.mark.parametrize("text", [
    "Thomas Dawson has successfully completed Mental Health First Aid on 3 May 2024.",
    "This is to certify that Ms Aisha Popescu has completed Anaphylaxis and adrenaline "
    "auto-injector (EpiPen) training on 2 May 2024.",
    "Mr Ali holds Paediatric First Aid and Emergency First Aid at Work certificates.",
    "GP surgery: Park Lane Health Centre\nConsent to first aid: Yes",
])
def test_course_and_label_names_reveal_no_health(special: SpecialCategoryDetector,
                                                 text: str) -> None:
    assert special.detect(text).categories == []


def test_a_condition_beside_a_neutral_phrase_still_counts(
        special: SpecialCategoryDetector) -> None:
    text = ("Oliver has asthma and carries an inhaler; his mother completed Paediatric First "
            "Aid.")
    assert special.detect(text).evidence == {"health": ["asthma", "inhaler"]}


def test_neutral_list_is_read_from_the_vocabulary_file(tmp_path: Path) -> None:
    path = _vocabulary(tmp_path, """
        categories:
          health:
            strong: [mental health]
        neutral: [Mental Health First Aid]
        """)
    detector = SpecialCategoryDetector(load_vocabulary(path))
    assert detector.detect("Completed Mental Health First Aid").categories == []
    assert detector.detect("Referred for mental health support").categories == ["health"]


def test_neutral_list_is_checked_like_the_rest(tmp_path: Path) -> None:
    path = _vocabulary(tmp_path, """
        categories:
          health:
            strong: [asthma]
        neutral: [School nursing team, school-nursing team, "--"]
        """)
    with pytest.raises(VocabularyError) as caught:
        load_vocabulary(path)
    problems = "\n".join(caught.value.problems)
    assert "already listed" in problems
    assert "has no letters or digits" in problems


def test_a_named_school_nurse_is_a_contact_not_a_patient(content: ContentDetector) -> None:
    text = ("School Nurse Drop-in\n"
            "Every Tuesday, 1.30 - 3pm in the medical room.\n"
            "Karen Whitfield from the school nursing team can talk to parents about sleep, "
            "bedwetting, healthy eating, worries and anxiety, asthma reviews, immunisations "
            "and toileting.\n")
    found = content.detect(text)
    assert found.entities
    assert found.special_categories == []
    assert found.topics == ["health"]


# --------------------------------------------------------------------- form labels


def test_service_and_consent_labels_of_a_form_reveal_nothing(content: ContentDetector) -> None:
    html_like = ("Child's name: Connor Harris\nDOB: 7 January 2017\n"
                 "Family doctor: Dr Arnold\nGP surgery: Park Lane Health Centre\n"
                 "Consent to first aid: Yes\nAny medical needs?: No\n")
    assert content.detect(html_like).special_categories == []


def test_a_label_naming_a_values_source_is_not_read_for_categories(
        content: ContentDetector) -> None:
    xml = ("<Pupil><UPN>A823013100013</UPN><Surname>Smith</Surname><Forename>Olivia</Forename>"
           "<DOB>2014-03-01</DOB><BasicDetails><Ethnicity>REFU</Ethnicity>"
           "<EthnicitySource>P</EthnicitySource></BasicDetails></Pupil>")
    found = content.detect(xml)
    assert found.entities
    assert found.special_categories == []


# ----------------------------------------------------------- CTF as the spec writes it


def _ctf(pupil_blocks: str, ethnicity: str = "WBRI") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CTfile><Header><DocumentName>Common Transfer File</DocumentName><CTFversion>24.0</CTFversion>
<DocumentQualifier>full</DocumentQualifier><SourceSchool><LEA>823</LEA><Estab>2001</Estab>
</SourceSchool></Header><CTFpupilData><Pupil><UPN>A823013100013</UPN><Surname>Smith</Surname>
<Forename>Olivia</Forename><DOB>2014-03-01</DOB><Sex>F</Sex>
<BasicDetails><NCyearActual>6</NCyearActual><Ethnicity>{ethnicity}</Ethnicity>
<EthnicitySource>P</EthnicitySource><MedicalFlag>false</MedicalFlag>
<Disabilities><Disability>NONE</Disability></Disabilities><EnrolStatus>C</EnrolStatus>
</BasicDetails>{pupil_blocks}</Pupil></CTFpupilData></CTfile>"""


@pytest.mark.parametrize(("blocks", "expected"), [
    ("<FSMhistory><FSMreviewDate>2025-04-01</FSMreviewDate></FSMhistory>", []),
    ("<FSMhistory><FSMreviewDate>2025-04-01</FSMreviewDate><FSMinstance><FSMstartDate>"
     "2023-09-04</FSMstartDate><UKcountry>ENG</UKcountry></FSMinstance></FSMhistory>", ["fsm"]),
    ("<InCare><InCareStatus>false</InCareStatus></InCare>", []),
    ("<InCare><InCareStatus>true</InCareStatus><InCareAuthority>926</InCareAuthority></InCare>",
     ["looked_after"]),
    ("<SENhistory><SEN><StartDate>2022-10-01</StartDate><SENprovision>N</SENprovision></SEN>"
     "</SENhistory>", []),
    ("<SENhistory><SEN><StartDate>2022-10-01</StartDate><SENprovision>K</SENprovision></SEN>"
     "</SENhistory>", ["sen"]),
    ("<ServiceChildren><ServiceChild>Y</ServiceChild><ServiceChildConcerns>Parent deployed "
     "overseas; service children's support group</ServiceChildConcerns></ServiceChildren>", []),
])
def test_ctf_blocks_beside_basic_details(content: ContentDetector, blocks: str,
                                         expected: list[str]) -> None:
    found = content.detect(_ctf(blocks, ethnicity="REFU"))
    assert found.entities
    assert found.special_categories == expected


def test_a_ctf_ethnicity_code_is_data_unless_refused(content: ContentDetector) -> None:
    assert content.detect(_ctf("")).special_categories == ["ethnicity"]
    assert content.detect(_ctf("", ethnicity="NOBT")).special_categories == []


def test_a_single_pupil_ctf_counts_the_pupil_and_the_contact() -> None:
    # "Header Document Name: Common Transfer File" and "Pupil Sex: F" name no one.
    from dpscan.detectors.content import ContentDetector

    text = """<CTfile><Header><DocumentName>Common Transfer File</DocumentName>
<CTFversion>24.0</CTFversion></Header><CTFpupilData><Pupil><UPN>A123456789012</UPN>
<Surname>Hughes</Surname><Forename>Megan</Forename><DOB>2013-05-17</DOB><Sex>F</Sex>
<Contacts><Contact><Title>Mrs</Title><Surname>Hughes</Surname><Forename>Claire</Forename>
<Relationship>MUM</Relationship></Contact></Contacts></Pupil></CTFpupilData></CTfile>"""
    found = ContentDetector().detect(text)
    assert found.data_subjects == 2
    assert found.entities["PERSON"] == 4  # each of the two people's surname and forename
