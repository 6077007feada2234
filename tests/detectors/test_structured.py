"""JSON and XML read by their fields, and "Label: value" lines read as a form."""

from __future__ import annotations

import json

import pytest

from dpscan.detectors.structured import json_tables, key_label, label_lines, xml_tables
from dpscan.model.extraction import FIELDS, GRID


def _names_nhs(words: str) -> bool:
    return "nhs" in words.lower()


@pytest.mark.parametrize(
    ("key", "label"),
    [("dateOfBirth", "date Of Birth"), ("sen_status", "sen status"),
     ("FSMeligible", "FSM eligible"), ("SENprovision", "SEN provision"),
     ("NHSNumber", "NHS Number"), ("UPN", "UPN"), ("UPNs", "UPNs"),
     ("Ever6FSM", "Ever 6 FSM"), ("LAcode", "LA code"), ("XMLHttpRequest", "XML Http Request")],
)
def test_keys_are_split_into_words_as_programmers_write_them(key: str, label: str) -> None:
    assert key_label(key) == label


def test_an_array_of_objects_is_a_table_with_nested_keys_as_columns() -> None:
    document = {"school": "Oak Primary", "pupils": [
        {"upn": "A1", "name": {"first": "Amelia", "last": "Jones"}, "senStatus": "K",
         "medical": {"conditions": ["asthma", "eczema"]}, "fsmEligible": True},
        {"upn": "A2", "name": {"first": "Oliver", "last": "Smith"}, "senStatus": "N",
         "medical": {"conditions": []}, "fsmEligible": False},
    ]}
    text = json.dumps(document)
    tables = json_tables(text, _names_nhs)
    assert tables is not None
    grid = next(t for t in tables if t.layout == GRID)
    assert grid.rows[0] == ["upn", "name first", "name last", "sen Status",
                            "medical conditions", "fsm Eligible"]
    assert grid.rows[1] == ["A1", "Amelia", "Jones", "K", "asthma; eczema", "true"]
    assert grid.rows[2][-1] == "false"
    fields = next(t for t in tables if t.layout == FIELDS)
    assert fields.rows == [["school", "Oak Primary"]]
    # Each table stands for the whole document: none of its text is left to prose.
    assert all(t.start == 0 and t.end == len(text) for t in tables)


def test_json_numbers_count_only_under_a_key_that_names_personal_data() -> None:
    text = json.dumps({"maxBytes": 2147483648, "nhsNumber": 9434765919, "label": "x"})
    tables = json_tables(text, _names_nhs)
    assert tables is not None
    assert tables[0].rows == [["nhs Number", "9434765919"], ["label", "x"]]


def test_a_single_object_is_a_form() -> None:
    text = json.dumps({"pupil": {"legalSurname": "Jones", "dob": "2012-02-22",
                                 "sen": {"status": "K"}}})
    tables = json_tables(text, _names_nhs)
    assert tables is not None
    # One form however deep the objects nest: the "sen" object is about the same pupil.
    assert [t.layout for t in tables] == [FIELDS]
    assert tables[0].rows == [["pupil legal Surname", "Jones"], ["pupil dob", "2012-02-22"],
                              ["sen status", "K"]]


@pytest.mark.parametrize("text", ["not json", '{"a": ', "[" * 100_000 + "]" * 100_000, '"x"'])
def test_what_is_not_a_json_document_gives_none(text: str) -> None:
    assert not json_tables(text, _names_nhs)


CTF = """<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header><SourceSchool><LEA>935</LEA><SchoolName>Oak Primary</SchoolName></SourceSchool></Header>
  <CTFpupilData>
    <Pupil>
      <UPN>A123</UPN><Surname>JONES</Surname><Forename>Amelia</Forename><DOB>2012-02-22</DOB>
      <BasicDetails><Ethnicity>WBRI</Ethnicity><MedicalFlag>true</MedicalFlag></BasicDetails>
      <SENhistory><SEN><SENprovision>K</SENprovision></SEN></SENhistory>
    </Pupil>
    <Pupil>
      <UPN>A124</UPN><Surname>SMITH</Surname><Forename>Oliver</Forename><DOB>2012-05-01</DOB>
      <BasicDetails><Ethnicity>WIRI</Ethnicity><MedicalFlag>false</MedicalFlag></BasicDetails>
    </Pupil>
  </CTFpupilData>
</CTfile>
"""


def test_repeated_xml_elements_are_records() -> None:
    tables = xml_tables(CTF)
    assert tables is not None
    grid = next(t for t in tables if t.layout == GRID)
    assert grid.rows[0] == ["UPN", "Surname", "Forename", "DOB", "Basic Details Ethnicity",
                            "Basic Details Medical Flag", "SEN history SEN SEN provision"]
    assert grid.rows[1] == ["A123", "JONES", "Amelia", "2012-02-22", "WBRI", "true", "K"]
    assert grid.rows[2][-1] == ""
    header = next(t for t in tables if t.layout == FIELDS)
    assert ["Source School LEA", "935"] in header.rows


def test_one_pupil_transfer_is_a_form_and_attributes_are_fields() -> None:
    text = '<Pupil upn="A123" dob="2012-02-22"><Surname>JONES</Surname><FSM>Y</FSM></Pupil>'
    tables = xml_tables(text)
    assert tables is not None
    assert tables[0].rows == [["Pupil upn", "A123"], ["Pupil dob", "2012-02-22"],
                              ["Pupil Surname", "JONES"], ["Pupil FSM", "Y"]]


def test_xml_entities_are_never_expanded() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
            '<!ENTITY x SYSTEM "file:///etc/passwd">]><r><v>&c;</v><w>&x;</w></r>')
    tables = xml_tables(bomb) or []
    cells = [cell for table in tables for row in table.rows for cell in row]
    assert not any("aaaa" in cell or "root:" in cell for cell in cells)


def test_label_lines_are_read_as_one_form_per_run() -> None:
    text = ("Dear parent,\n\nChild's name: Amelia Jones\nD.O.B: 22-Nov-2012\n\n"
            "Home address: 1 Oak Road\nAllergies: peanuts\n"
            "We look forward to welcoming you: see you soon.\nFSM: Yes\n")
    tables = label_lines(text, lambda label: label.lower() in {"child's name", "d.o.b",
                                                               "allergies", "fsm"})
    assert [t.rows for t in tables] == [
        [["Child's name", "Amelia Jones"], ["D.O.B", "22-Nov-2012"],
         ["Home address", "1 Oak Road"], ["Allergies", "peanuts"]],
        [["FSM", "Yes"]],
    ]
    assert text[tables[0].start:tables[0].end].startswith("Child's name")
    assert text[tables[0].start:tables[0].end].endswith("peanuts")


def test_label_lines_need_one_known_label() -> None:
    assert label_lines("Time: 10:30\nVenue: hall\n", lambda label: False) == []
