"""Staff files, services and topic paragraphs are no one's special category data (issue 19,
third pass): neighbouring newsletter paragraphs, staff columns of rotas and training
matrices, headings naming a practice, a consent or a role, repeated "no" values of a
record, and capitalised benefits and tasks that are not names."""

from __future__ import annotations

import pytest

from dpscan.detectors.content import ContentDetector
from dpscan.detectors.names import plausible_person
from dpscan.detectors.tabular import TableReader
from dpscan.model.extraction import TableData


@pytest.fixture(scope="module")
def content() -> ContentDetector:
    return ContentDetector()


@pytest.fixture(scope="module")
def reader() -> TableReader:
    return TableReader()


def _table(rows: list[list[str]]) -> tuple[str, list[TableData]]:
    text = "\n".join("\t".join(row) for row in rows)
    return text, [TableData("table", rows, 0, len(text))]


def test_a_newsletters_next_paragraph_is_not_about_the_pupils_it_names(
        content: ContentDetector) -> None:
    # A Word or web newsletter: one line per paragraph, no blank line between them.
    text = ("Celebrations\n"
            "Well done to Maurice Goodwin and Ashleigh Middleton for 100 reads at home.\n"
            "Free school meals\n"
            "If you receive Universal Credit your child may be entitled to free school meals, "
            "which also brings pupil premium funding to the school. Forms are at the office.\n"
            "Staff news\n"
            "We welcome Ms Ward, who joins Year 1 after half term.\n")
    found = content.detect(text)
    assert found.entities
    assert found.special_categories == []
    assert found.topics == ["fsm"]


def test_short_lines_near_a_name_still_grow_its_paragraph(content: ContentDetector) -> None:
    text = ("Pupil: Amelia Jones\nClass: Oak\nNeeds: see below\n"
            "Diagnosed with epilepsy.\nCarries buccal midazolam.\n")
    assert content.detect(text).special_categories == ["health"]


@pytest.mark.parametrize("span", ["Universal Credit", "Pupil Premium", "Check EpiPen",
                                  "Designated Safeguarding Lead"])
def test_benefits_roles_and_tasks_are_not_names(span: str) -> None:
    assert not plausible_person(span)


@pytest.mark.parametrize(
    ("heading", "expected"),
    [("Medical practice", None), ("Health centre", None), ("Medical room", None),
     ("Consent to emergency medical treatment", None), ("Safeguarding lead", None),
     ("Safeguarding training", None), ("Medical conditions", ("category", "health")),
     ("Biometric consent", ("category", "biometric")),
     ("Finger template ID", ("category", "biometric"))])
def test_headings_naming_a_service_consent_or_role_are_no_category(
        reader: TableReader, heading: str, expected: tuple[str, str] | None) -> None:
    assert reader.classify(heading) == expected


def test_a_consent_line_keeps_a_form_together_and_reveals_nothing(
        content: ContentDetector) -> None:
    text = ("Child's name: Paul MacLeod\nDOB: 22/12/2014\n"
            "Medical practice: Church View Medical Centre\n"
            "Consent to emergency medical treatment: Yes\n"
            "Medical conditions: Nut allergy (EpiPen in office)\n")
    assert content.detect(text).special_categories == ["health"]
    no_condition = text.replace("Nut allergy (EpiPen in office)", "None")
    assert content.detect(no_condition).special_categories == []


def test_a_training_matrix_of_staff_is_no_category(content: ContentDetector) -> None:
    rows = [["Staff name", "Role", "Safeguarding L2", "Asthma", "EpiPen"],
            ["Gordon Evans", "Teaching assistant", "12/09/2024", "Completed", "Due"],
            ["Sarah Patel", "Class teacher", "03/10/2023", "", "14/02/2024"]]
    found = content.detect(*_table(rows))
    assert found.entities["PERSON"] == 2
    assert found.special_categories == []
    assert set(found.topics) == {"health", "safeguarding"}


def test_a_rota_of_staff_tasks_is_no_category(content: ContentDetector) -> None:
    rows = [["Week beginning", "Staff", "Tasks"],
            ["02/09/2024", "Gordon Evans", "Check EpiPen and inhaler expiry dates in grab bags"],
            ["09/09/2024", "Sarah Patel", "Wipe down couch and surfaces"],
            ["16/09/2024", "Gordon Evans", "Wash sick bowls"]]
    found = content.detect(*_table(rows))
    assert found.entities["PERSON"] == 3
    assert found.special_categories == []


def test_a_dsl_rota_is_no_safeguarding_data(content: ContentDetector) -> None:
    rows = [["Day", "Designated Safeguarding Lead", "Deputy DSL"],
            ["Monday", "Mrs Evans", "Mr Patel"], ["Tuesday", "Mr Patel", "Mrs Evans"]]
    assert content.detect(*_table(rows)).special_categories == []


def test_a_pupil_row_with_a_staff_column_is_still_about_the_pupil(
        content: ContentDetector) -> None:
    rows = [["Name", "Injury", "Treatment", "First aider"],
            ["Amelia Jones", "Graze to knee", "Cleaned", "Mrs Evans"],
            ["Oliver Smith", "Bumped head", "Cold compress", "Mr Patel"]]
    assert content.detect(*_table(rows)).special_categories == ["health"]


def test_a_data_row_naming_a_category_is_not_the_headings(content: ContentDetector) -> None:
    rows = [["Policy", "Owner", "Last reviewed"],
            ["Supporting Pupils with Medical Conditions", "Mr Evans", "14/12/2024"],
            ["Safeguarding and Child Protection", "Mrs Patel", "02/10/2024"]]
    read = content.tables.read(rows)  # with NER, which finds the names under "Owner"
    assert read.columns == {"Owner": "PERSON"}
    assert read.special_categories == {}
    assert not read.identifies


def test_repeated_no_values_of_a_record_are_blank(content: ContentDetector) -> None:
    def ctf(history: list[str]) -> str:
        pupils = "".join(
            f"<Pupil><UPN>{upn}</UPN><Surname>{surname}</Surname><Forename>{forename}"
            f"</Forename><SENhistory>"
            + "".join(f"<SEN><StartDate>202{n}-09-01</StartDate><SENprovision>{s}"
                      f"</SENprovision></SEN>" for n, s in enumerate(history))
            + "</SENhistory></Pupil>"
            for upn, surname, forename in [("L201000024001", "JONES", "Amelia"),
                                           ("H801200001001", "SMITH", "Oliver")])
        return f'<?xml version="1.0"?><CTfile><CTFpupilData>{pupils}</CTFpupilData></CTfile>'

    assert content.detect(ctf(["N", "N"])).special_categories == []
    assert content.detect(ctf(["K", "N"])).special_categories == ["sen"]


def test_a_pupil_in_hospital_after_an_operation_is_health(content: ContentDetector) -> None:
    text = "Get well soon to Oliver Smith, who is in hospital after an operation on his leg.\n"
    assert content.detect(text).special_categories == ["health"]
