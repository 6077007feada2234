"""Special categories are data when attached to someone the file identifies, else topics.

Each source of fields (table columns, forms, JSON, XML, HTML definition lists, "Label:
value" lines) is read through :class:`ContentDetector` as the pipeline reads it.
"""

from __future__ import annotations

import json

import pytest

from dpscan.detectors.content import ATTACHED_CHARS, ContentDetector
from dpscan.model.extraction import FIELDS, TableData


@pytest.fixture(scope="module")
def content() -> ContentDetector:
    return ContentDetector()


FILLER = ("The school day starts at 8.45am and the gates open at 8.30am. Parents are asked "
          "to wait in the playground until the bell. ") * 8


def test_a_letter_about_a_child_makes_health_data(content: ContentDetector) -> None:
    text = ("Dear Mrs Jones,\n\nAmelia Jones (DOB 02/03/2015) has been diagnosed with asthma. "
            "Please make sure her inhaler is in school every day.\n")
    found = content.detect(text)
    assert found.special_categories == ["health"]
    assert found.topics == []


def test_a_policy_that_names_a_contact_has_topics_only(content: ContentDetector) -> None:
    text = ("Supporting pupils with medical conditions\n\n" + FILLER + "\n"
            "Pupils with asthma must have an inhaler in school. Staff are trained to use an "
            "EpiPen. A pupil with an EHCP has an annual review.\n\n" + FILLER + "\n"
            "Policy owner: Mrs Sarah Patel, s.patel@oak.sch.uk, 01632 960 123\n")
    assert len(FILLER) > ATTACHED_CHARS
    found = content.detect(text)
    assert found.entities  # the owner's name and contact details are personal data
    assert found.special_categories == []
    assert set(found.topics) == {"health", "sen"}


def test_a_name_within_reach_attaches_the_phrase(content: ContentDetector) -> None:
    far = ("Pupils with asthma must keep an inhaler in school.\n" + FILLER + "\n"
           "Signed: Sarah Patel\n")
    near = "Sarah Patel has asthma and keeps an inhaler in the office.\n" + FILLER
    assert content.detect(far).special_categories == []
    assert content.detect(near).special_categories == ["health"]


def test_a_table_row_with_personal_data_attaches_its_category_cells(
        content: ContentDetector) -> None:
    rows = [["Name", "Class", "Meal status"], ["Amelia Jones", "3B", "FSM"],
            ["Oliver Smith", "3B", "Paid"]]
    text = "\n".join("\t".join(r) for r in rows)
    found = content.detect(text, [TableData("dinner money", rows, 0, len(text))])
    assert found.special_categories == ["fsm"]
    assert found.special_category_evidence["fsm"] == ["FSM in Meal status"]


def test_a_table_without_personal_data_gives_topics(content: ContentDetector) -> None:
    rows = [["Category", "Count"], ["Safeguarding - neglect", "3"], ["Medical", "5"]]
    text = "\n".join("\t".join(r) for r in rows)
    found = content.detect(text, [TableData("summary", rows, 0, len(text))])
    assert found.special_categories == []


def test_a_blank_form_template_is_no_data(content: ContentDetector) -> None:
    rows = [["Name", ""], ["Date of birth", ""], ["Medical conditions", ""], ["FSM", ""]]
    text = "\n".join(": ".join(r) for r in rows)
    found = content.detect(text, [TableData("form", rows, 0, len(text), layout=FIELDS)])
    assert found.entities == {} and found.special_categories == []


def test_an_html_definition_list_form(content: ContentDetector) -> None:
    rows = [["Name", "Amelia Jones"], ["Date of birth", "22 February 2009"],
            ["Looked after", "Yes"], ["Religion", "Sikh"]]
    text = "Pupil profile\n" + "\n".join(": ".join(r) for r in rows)
    found = content.detect(text, [TableData("dl", rows, 14, len(text), layout=FIELDS)])
    assert found.entities["DATE_OF_BIRTH"] == 1
    assert found.special_categories == ["religion", "looked_after"]
    assert found.special_category_evidence["looked_after"] == ["Looked after"]


def test_label_lines_in_plain_text_are_a_form(content: ContentDetector) -> None:
    text = ("Referral\n\nChild's name: Amelia Jones\nD.O.B: 22-Nov-2012\n"
            "Allergies: peanuts\nFSM: Yes\nSocial worker: see file\n")
    found = content.detect(text)
    assert found.entities["DATE_OF_BIRTH"] == 1
    assert found.special_categories == ["health", "fsm"]


def test_a_json_export_is_read_by_its_keys(content: ContentDetector) -> None:
    text = json.dumps({"data": [
        {"upn": "L201000024001", "legalSurname": "JONES", "forename": "Amelia",
         "dateOfBirth": "2015-03-02", "senStatus": "K", "fsmEligible": True,
         "ethnicity": "WBRI", "maxBytes": 2147483648},
        {"upn": "H801200001001", "legalSurname": "SMITH", "forename": "Oliver",
         "dateOfBirth": "2015-06-11", "senStatus": "N", "fsmEligible": False,
         "ethnicity": "WIRI", "maxBytes": 1000000003},
    ]}, indent=2)
    found = content.detect(text)
    assert found.entities["UK_UPN"] == 2 and found.entities["DATE_OF_BIRTH"] == 2
    assert "UK_NHS" not in found.entities  # 2147483648 passes the NHS checksum
    assert found.special_categories == ["sen", "ethnicity", "fsm"]
    assert found.data_subjects == 2


def test_a_ctf_file_is_read_by_its_elements(content: ContentDetector) -> None:
    pupils = "".join(
        f"<Pupil><UPN>{upn}</UPN><Surname>{surname}</Surname><Forename>{forename}</Forename>"
        f"<DOB>{dob}</DOB><BasicDetails><Ethnicity>WBRI</Ethnicity>"
        f"<InCare><InCareStatus>{care}</InCareStatus></InCare></BasicDetails>"
        f"<FSMhistory><FSMinstance><FSMstartDate>{fsm}</FSMstartDate></FSMinstance>"
        f"</FSMhistory></Pupil>"
        for upn, surname, forename, dob, care, fsm in [
            ("L201000024001", "JONES", "Amelia", "2015-03-02", "false", ""),
            ("H801200001001", "SMITH", "Oliver", "2015-06-11", "true", "2019-09-01")])
    text = f'<?xml version="1.0"?><CTfile><CTFpupilData>{pupils}</CTFpupilData></CTfile>'
    found = content.detect(text)
    assert found.entities["UK_UPN"] == 2 and found.entities["PERSON"] == 2
    assert found.special_categories == ["ethnicity", "fsm", "looked_after"]


def test_one_pupil_with_nested_objects_is_one_form(content: ContentDetector) -> None:
    text = json.dumps({"pupil": {"legalSurname": "JONES", "forename": "Amelia",
                                 "dob": "2015-03-02", "sen": {"status": "K"},
                                 "medical": {"conditions": ["asthma"]}}})
    found = content.detect(text)
    assert found.special_categories == ["health", "sen"]


def test_one_pupil_ctf_with_nested_elements_is_one_form(content: ContentDetector) -> None:
    text = ("<CTfile><Header><LEA>935</LEA></Header><CTFpupilData><Pupil>"
            "<UPN>L201000024001</UPN><Surname>JONES</Surname><Forename>Amelia</Forename>"
            "<DOB>2015-03-02</DOB><BasicDetails><Ethnicity>WBRI</Ethnicity>"
            "<Disabilities><Disability>NONE</Disability></Disabilities>"
            "<InCare><InCareStatus>true</InCareStatus></InCare></BasicDetails>"
            "<SENhistory><SEN><SENprovision>N</SENprovision></SEN></SENhistory>"
            "</Pupil></CTFpupilData></CTfile>")
    found = content.detect(text)
    assert found.entities["UK_UPN"] == 1
    assert found.special_categories == ["ethnicity", "looked_after"]


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000,
                                  "<a>" * 5_000 + "x" + "</a>" * 5_000])
def test_documents_nested_past_the_parsers_limits_are_read_as_text(
        content: ContentDetector, text: str) -> None:
    assert content.detect(text).entities == {}


def test_a_review_date_reveals_nothing_and_a_value_column_decides(
        content: ContentDetector) -> None:
    rows = [["Name", "UPN", "FSM review date", "SEN start date", "SEN provision"],
            ["Amelia Jones", "L201000024001", "01/09/2023", "05/09/2022", "N"],
            ["Oliver Smith", "H801200001001", "01/09/2023", "", ""]]
    text = "\n".join("\t".join(r) for r in rows)
    found = content.detect(text, [TableData("ctf", rows, 0, len(text))])
    assert found.special_categories == []
    rows[1][4] = "K"
    found = content.detect(text, [TableData("ctf", rows, 0, len(text))])
    assert found.special_categories == ["sen"]


def test_an_example_row_of_a_blank_form_is_no_data(content: ContentDetector) -> None:
    rows = [["Name", "Medical needs", "FSM"], ["e.g. Joe Bloggs", "Asthma", "Y"],
            ["", "", ""], ["", "", ""]]
    text = "\n".join("\t".join(r) for r in rows)
    found = content.detect(text, [TableData("form", rows, 0, len(text))])
    assert found.special_categories == []


def test_a_staff_contact_table_is_not_about_pupils(content: ContentDetector) -> None:
    rows = [["Role", "Name", "Email"],
            ["Designated Safeguarding Lead", "Sophie Nguyen", "s.nguyen@oak.sch.uk"],
            ["SENCo", "Priya Dimitrov", "p.dimitrov@oak.sch.uk"]]
    text = "\n".join("\t".join(r) for r in rows)
    found = content.detect(text, [TableData("contacts", rows, 0, len(text))])
    assert found.entities and found.special_categories == []


def test_a_case_study_names_nobody(content: ContentDetector) -> None:
    text = ("Supporting pupils with medical needs: training pack\n\n"
            "Case study: Jamie Clarke, aged 7, has asthma and keeps an inhaler in class.\n")
    assert content.detect(text).special_categories == []


def test_a_letter_to_a_named_parent_is_about_their_child(content: ContentDetector) -> None:
    text = ("Dear Mr Nowak,\n\nI am pleased to confirm that your daughter's application "
            "for free school meals has been approved.\n\nKind regards,\n\nMiss S. Nguyen\n"
            "Class teacher\n\nFree school meals help families with the cost of lunches.\n")
    found = content.detect(text)
    assert found.special_categories == ["fsm"]
    # The signature is a member of staff named for her role, not the letter's subject.
    assert "Miss S. Nguyen" not in found.special_category_evidence.get("fsm", [])


def test_narrative_after_a_pupils_form_lines_is_about_the_pupil(
        content: ContentDetector) -> None:
    text = ("SEN Support Plan\nPupil: Sofia Kowalski   Class: Oak   Date of birth: 4/8/2014\n"
            "Area of need: cognition and learning\n"
            "She is on the SEN register at SEN support this term.\n")
    assert content.detect(text).special_categories == ["sen"]


def test_a_lesson_plan_naming_its_teacher_is_a_topic(content: ContentDetector) -> None:
    text = ("RE - World religions\nYear: Year 3   Teacher: Mr Evans\n"
            "Pupils compare a church, a mosque and a gurdwara, and learn how Muslim, Sikh "
            "and Christian families pray.\n")
    found = content.detect(text)
    assert found.special_categories == [] and found.topics == ["religion"]


def test_notes_under_a_category_label_are_read_for_people(content: ContentDetector) -> None:
    text = ("Safeguarding log: concern raised by class teacher about Daniel Walker (Year 4), "
            "date of birth 12/03/2015.\nDSL notes: disclosure recorded, referral to MASH made.\n")
    found = content.detect(text)
    assert found.entities["DATE_OF_BIRTH"] == 1 and "PERSON" in found.entities
    assert found.special_categories == ["safeguarding"]


def test_xml_notes_with_markup_are_read_whole(content: ContentDetector) -> None:
    entries = "".join(
        f"<entry><name>{name}</name><dob>{dob}</dob><text>Seen by <b>the school nurse</b>: "
        f"{note}</text></entry>"
        for name, dob, note in [
            ("Amelia Jones", "2015-03-02", "she has epilepsy and takes medication daily."),
            ("Oliver Smith", "2015-06-11", "bumped his head in the playground.")])
    found = content.detect(f"<log>{entries}</log>")
    assert found.entities["DATE_OF_BIRTH"] == 2
    assert found.special_categories == ["health"]
