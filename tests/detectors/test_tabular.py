"""Tables read by their columns: headings, value sampling, counts and data subjects."""

from __future__ import annotations

from pathlib import Path

import pytest

from detectors.tabular import (
    ColumnVocabularyError,
    TableReader,
    is_date_of_birth_value,
    is_plausible_name,
    load_column_vocabulary,
)


@pytest.fixture(scope="module")
def reader() -> TableReader:
    return TableReader()


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Surname", ("entity", "PERSON")),
        ("Legal Surname", ("entity", "PERSON")),
        ("Pupil Forename", ("entity", "PERSON")),
        ("D.O.B", ("entity", "DATE_OF_BIRTH")),
        ("Date of Birth", ("entity", "DATE_OF_BIRTH")),
        ("UPN", ("entity", "UK_UPN")),
        ("Parent 1 Email", ("entity", "EMAIL_ADDRESS")),
        ("Emergency contact number", ("entity", "PHONE_NUMBER")),
        ("Emergency contact", ("entity", "PERSON")),
        ("NI Number", ("entity", "UK_NINO")),
        ("Medical conditions", ("category", "health")),
        ("SEN Status", ("category", "sen")),
        ("Ethnicity", ("category", "ethnicity")),
        ("FSM", ("category", "fsm")),
        ("School name", None),
        ("Class name", None),
        ("Amount", None),
        ("", None),
    ],
)
def test_heading_classification(reader: TableReader, heading: str, expected: object) -> None:
    assert reader.vocabulary.classify(heading) == expected


def test_pupil_list_counts_rows_and_checks_each_value(reader: TableReader) -> None:
    rows = [
        ["UPN", "Surname", "Forename", "DOB", "Start date", "Medical", "Notes"],
        ["L201000024001", "JONES", "Amelia", "02/03/2015", "01/09/2019", "Asthma", ""],
        ["L201000024002", "O'NEILL", "Ben", "2016-05-04", "01/09/2020", "None", ""],
        ["", "", "", "", "", "", ""],
        ["X919288319804", "SMITH", "Cara-Mae", "31/12/2014", "01/09/2018", "",
         "Collected by her grandmother on Fridays, please phone first"],
    ]
    read = reader.read(rows)
    assert read.handled
    # The second UPN fails its check letter: not counted.
    assert dict(read.entities) == {"UK_UPN": 2, "PERSON": 3, "DATE_OF_BIRTH": 3}
    assert read.data_subjects == 3
    assert read.special_categories == {"health": "Medical"}  # "None" is blank
    assert "Start date" not in read.columns
    assert read.free_text == ["Notes: Collected by her grandmother on Fridays, please phone first"]


def test_column_with_no_heading_is_classified_by_values(reader: TableReader) -> None:
    rows = [["Ref", "Amount"]] + [[n, "12"] for n in
                                  ("9990000018", "9997110668", "9995803518", "9993884758")]
    read = reader.read(rows)
    assert read.columns == {"Ref": "UK_NHS"} and read.entities["UK_NHS"] == 4


def test_invoice_numbers_are_not_classified(reader: TableReader) -> None:
    rows = [["Invoice", "Amount"]] + [[n, "12"] for n in
                                      ("9996372549", "9993941090", "9997384992", "4000123456")]
    read = reader.read(rows)
    assert not read.handled and read.entities == {}


def test_key_value_form_is_left_to_prose(reader: TableReader) -> None:
    assert not reader.read([["Name", "Amelia Jones"], ["Date of birth", "02/03/2015"]]).handled


def test_names_in_unlabelled_column_found_by_ner_sample() -> None:
    calls: list[str] = []

    def fake_ner(text: str) -> list[tuple[str, int, int]]:
        calls.append(text)
        spans = []
        for name in ("Amelia Jones", "Ben Smith", "Cara Patel"):
            at = text.find(name)
            if at >= 0:
                spans.append(("PERSON", at, at + len(name)))
        return spans

    reader = TableReader(ner_sample=fake_ner)
    rows = [["Contact 1", "Group"], ["Amelia Jones", "Oak"], ["Ben Smith", "Ash"],
            ["Cara Patel", "Elm"]]
    read = reader.read(rows)
    assert read.columns == {"Contact 1": "PERSON"} and read.entities["PERSON"] == 3
    assert calls == ["Amelia Jones, Oak\nBen Smith, Ash\nCara Patel, Elm"]


@pytest.mark.parametrize(
    ("value", "ok"),
    [("Amelia", True), ("O'NEILL", True), ("Cara-Mae Smith", True), ("Zoë Brontë", True),
     ("12 High St", False), ("a@b.com", False), ("", False), ("=SUM(A1)", False)],
)
def test_is_plausible_name(value: str, ok: bool) -> None:
    assert is_plausible_name(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [("02/03/2015", True), ("2015-03-02", True), ("02/03/2015 00:00", True),
     ("31/02/2015", False), ("02/03/2099", False), ("Year 4", False)],
)
def test_is_date_of_birth_value(value: str, ok: bool) -> None:
    assert is_date_of_birth_value(value) is ok


def test_vocabulary_errors_name_the_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "headers.yaml"
    bad.write_text("entities:\n  NOT_A_TYPE: [x]\n")
    with pytest.raises(ColumnVocabularyError, match=r"headers.yaml: entities: unknown entity"):
        load_column_vocabulary(bad)
    bad.write_text("entitys: {}\n")
    with pytest.raises(ColumnVocabularyError, match=r"headers.yaml: unknown field\(s\) entitys"):
        load_column_vocabulary(bad)
