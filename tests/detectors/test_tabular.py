"""Tables read by their columns: headings, value sampling, counts and data subjects."""

from __future__ import annotations

from pathlib import Path

import pytest

from dpscan.detectors.names import is_plausible_name
from dpscan.detectors.recognizers.date_of_birth import is_date_of_birth_value
from dpscan.detectors.tabular import ColumnVocabularyError, TableReader, load_column_vocabulary


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
    # Read by column (no NER for names), its cells still checked for identifiers by pattern.
    assert read.handled and read.entities == {} and read.columns == {}
    assert read.pattern_text[0] == "Invoice\tAmount" and "9996372549\t12" in read.pattern_text


def test_a_two_column_form_is_read_by_its_labels(reader: TableReader) -> None:
    read = reader.read([["Name", "Amelia Jones"], ["Date of birth", "02/03/2015"],
                        ["Allergies", "Peanuts"], ["Medication", "None"]])
    assert read.handled
    assert read.entities == {"PERSON": 1, "DATE_OF_BIRTH": 1}
    assert read.people == {"amelia jones": 1}
    # "Allergies: Peanuts" reveals health; "Medication: None" records nothing.
    assert read.special_categories == {"health": "Allergies"}


def test_a_four_column_form_pairs_each_label_with_the_cell_after_it(reader: TableReader) -> None:
    read = reader.read([["Pupil forename", "Amelia", "Pupil surname", "Jones"],
                        ["DOB", "22 February 2009", "Looked after", "Yes"],
                        ["SEN status", "K", "Religion", ""]])
    assert read.entities["DATE_OF_BIRTH"] == 1
    # Forename and surname under one prefix are one person.
    assert read.people == {"amelia jones": 1}
    assert set(read.special_categories) == {"looked_after", "sen"}


def test_a_form_label_over_a_value_of_another_kind_is_not_trusted(reader: TableReader) -> None:
    read = reader.read([["Name", "Amelia Jones"], ["Date of birth", "not given"]])
    assert "DATE_OF_BIRTH" not in read.entities
    assert read.pattern_text == ["Date of birth: not given"]


def test_a_grid_with_two_columns_is_still_a_grid(reader: TableReader) -> None:
    read = reader.read([["Name", "Class"], ["Amelia Jones", "3B"], ["Oliver Smith", "3B"],
                        ["Ava Brown", "4C"]])
    assert read.entities == {"PERSON": 3}


def test_special_values_fill_a_column_its_heading_does_not_name(reader: TableReader) -> None:
    rows = [["Name", "Class", "Meal status"], ["Amelia Jones", "3B", "Paid"],
            ["Oliver Smith", "3B", "FSM"], ["Ava Brown", "4C", "Packed lunch"]]
    assert reader.read(rows).special_categories == {"fsm": "FSM in Meal status"}
    paid = [row[:2] + ["Paid"] for row in rows[1:]]
    assert reader.read([rows[0], *paid]).special_categories == {}


def test_special_value_abbreviations_match_in_capitals_only(reader: TableReader) -> None:
    vocabulary = reader.vocabulary
    assert vocabulary.special_value("CP") == ("safeguarding", "CP")
    assert vocabulary.special_value("cp") is None
    assert vocabulary.special_value("Send") is None
    assert vocabulary.special_value("ever-6") == ("fsm", "Ever 6")
    assert vocabulary.special_value("FSM policy") is None


@pytest.mark.parametrize(
    ("heading", "category"),
    [("Injury", "health"), ("Treatment given", "health"), ("Access arrangements", "sen"),
     ("Virtual school", "looked_after"), ("Chronology", "safeguarding"),
     ("FSM eligible", "fsm"), ("Medical flag", "health")],
)
def test_accident_book_and_mis_headings_name_categories(
        reader: TableReader, heading: str, category: str) -> None:
    assert reader.classify(heading) == ("category", category)


def test_special_values_must_name_a_known_category(tmp_path: Path) -> None:
    path = tmp_path / "columns.yaml"
    path.write_text("special_categories: {fsm: [fsm]}\nspecial_values: {meals: [FSM]}\n")
    with pytest.raises(ColumnVocabularyError, match="special_values.meals"):
        load_column_vocabulary(path)


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
    # "Group" names things, not people: its cells are never sent to NER.
    assert calls == ["Amelia Jones\nBen Smith\nCara Patel"]


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


def test_title_row_above_the_headings_is_skipped(reader: TableReader) -> None:
    rows = [["YEAR 3 MAPLE - CLASS LIST 2021-22"], ["Surname", "Forename", "DOB"],
            ["JONES", "Amelia", "02/03/2015"], ["SMITH", "Ben", "04/05/2016"]]
    read = reader.read(rows)
    assert dict(read.entities) == {"PERSON": 2, "DATE_OF_BIRTH": 2}
    assert read.data_subjects == 2


def test_bank_details_split_over_two_columns_count_once_per_row(reader: TableReader) -> None:
    rows = [["Name", "Sort Code", "Account Number"], ["Sam Patel", "30-02-63", "12345678"],
            ["Jo Green", "200000", "87654321"], ["Al Khan", "", ""]]
    read = reader.read(rows)
    assert read.entities["UK_BANK_ACCOUNT"] == 2 and read.entities["PERSON"] == 3
    assert ("UK_BANK_ACCOUNT", "30-02-63 12345678") in read.examples


def test_heading_that_lies_is_overruled_by_values(reader: TableReader) -> None:
    rows = [["Pupil", "Emergency contact"], ["Amelia Jones", "020 7946 0123"],
            ["Ben Smith", "0113 496 0555"], ["Cara Patel", "0161 496 0777"]]
    read = reader.read(rows)
    assert read.columns == {"Pupil": "PERSON", "Emergency contact": "PHONE_NUMBER"}
    assert read.entities["PHONE_NUMBER"] == 3


def test_people_on_two_sheets_are_counted_once() -> None:
    from dpscan.detectors.names import count_people

    reader = TableReader()
    first = reader.read([["Surname", "Forename"], ["JONES", "Amelia"], ["SMITH", "Ben"]])
    second = reader.read([["Forename", "Surname", "Email"], ["Amelia", "Jones", "a@x.org"]])
    assert count_people(first.people | second.people) == 2


def test_rows_with_identifiers_but_no_names_are_subjects(reader: TableReader) -> None:
    read = reader.read([["UPN", "Year"], ["L201000024001", "4"], ["X919288319804", "5"]])
    assert not read.people and read.data_subjects == 2


def test_each_phone_cell_is_parsed_once_across_sample_rows_and_tables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dpscan.detectors.recognizers.uk_phone as uk_phone

    parsed: list[str] = []
    real = uk_phone.is_uk_phone_value

    def counting(value: str) -> bool:
        parsed.append(value)
        return real(value)

    # The phone row's cell check, resolved when the validator is built.
    monkeypatch.setattr(uk_phone, "is_uk_phone_value", counting)
    reader = TableReader()  # validators are built on first use, after the patch
    numbers = [f"0113 496 0{n:03d}" for n in range(1, 31)]  # Ofcom's drama range
    rows = [["Forename", "Contact number"]] + [["Amelia", n] for n in numbers]
    first = reader.read(rows)
    second = reader.read(rows[:11])  # another class list holding ten of the same numbers
    assert first.entities["PHONE_NUMBER"] == 30 and second.entities["PHONE_NUMBER"] == 10
    # The heading's sample and the count row by row ask about the same cells: one parse.
    assert sorted(parsed) == sorted(numbers)


@pytest.mark.parametrize(("entity_type", "value"),
                         [("UK_NINO", "JG 10 37 55 A"), ("PHONE_NUMBER", "0113 496 0001")])
def test_cell_caches_keep_only_short_stripped_values(entity_type: str, value: str) -> None:
    check = TableReader().validator(entity_type)
    assert check(value) and check(f"  {value} ") and check(f"{value}\t")
    assert not check("Spoke to mum on the phone about " * 100)  # a notes cell
    # One entry: padding is stripped first, and a long cell is checked, not kept (the
    # cache lives as long as the worker, and its keys are cell values).
    assert check.cache_info().currsize == 1  # type: ignore[attr-defined]


# Issue 17, item 2: a top row is headings only when it looks like headings.
HEADLESS = [
    ["9434765919", "JG103759A", "amelia.quennell@example.org", "QUENNELL", "Amelia"],
    ["4010232137", "JG103760B", "bob.thackeray@example.org", "THACKERAY", "Bob"],
    ["4505577104", "JG103761C", "cara.ibekwe@example.org", "IBEKWE", "Cara"],
]


def test_a_table_with_no_heading_row_reads_every_row_as_data(reader: TableReader) -> None:
    read = reader.read(HEADLESS)
    assert read.entities["UK_NHS"] == 3 and read.entities["EMAIL_ADDRESS"] == 3
    assert read.data_subjects == 3  # the first row's person is counted
    assert set(read.columns) <= {f"column {n}" for n in range(1, 6)}
    assert read.columns["column 1"] == "UK_NHS"


def test_names_over_names_are_a_data_row(reader: TableReader) -> None:
    rows = [["QUENNELL", "Amelia", "Oak"], ["THACKERAY", "Bob", "Oak"], ["IBEKWE", "Cara", "Ash"]]
    assert all(not heading or heading.startswith("column ")
               for heading in reader.read(rows).columns)


@pytest.mark.parametrize("rows", [
    # An attendance register is headed by dates; a name heading ("Adno") over numbers.
    [["Name", "04/09/2023", "05/09/2023"], ["Amelia Jones", "/", "\\"], ["Bob Smith", "/", "/"]],
    [["Adno", "Surname", "Forename"], ["1234", "SMITH", "Bob"], ["1235", "PATEL", "Cara"]],
])
def test_headings_that_look_like_headings_are_kept(reader: TableReader,
                                                    rows: list[list[str]]) -> None:
    read = reader.read(rows)
    assert read.entities["PERSON"] == 2 and read.data_subjects == 2
    assert not any(heading.startswith("column ") for heading in read.columns)


def test_a_heading_naming_a_person_is_not_shown(reader: TableReader) -> None:
    rows = [["Name", "Medical notes for Wilhelmina Oyelaran", "Mobile"],
            ["Bob Smith", "asthma", "07911 123456"], ["Cara Patel", "epipen", "07911 123457"]]
    read = reader.read(rows)
    assert read.columns == {"Name": "PERSON", "column 2": "health", "Mobile": "PHONE_NUMBER"}
    assert read.special_categories == {"health": "health"}


# Issue 17, item 2: a heading is shown only when nothing in it can be a value.
@pytest.mark.parametrize("heading", [
    "medical needs of amelia",  # a name in lower case
    "Health notes b. 4/5/14",  # a date of birth of four digits
    "Medical notes May 4th",
    "Medical notes 4 May",
    "Medical info SW1A 1AA",  # a postcode
    "Health notes ref LS1 4AB",
    "Medical needs LS1",  # an outward code alone
])
def test_a_heading_holding_a_name_date_or_postcode_is_not_shown(reader: TableReader,
                                                                 heading: str) -> None:
    rows = [["Name", heading], ["Bob Smith", "asthma"], ["Cara Patel", "epipen"]]
    read = reader.read(rows)
    assert read.columns == {"Name": "PERSON", "column 2": "health"}
    assert read.special_categories == {"health": "health"}
    assert read.data_subjects == 2


@pytest.mark.parametrize("heading", [
    "Forename(s)", "DOB", "D.O.B", "DOB (dd/mm/yyyy)", "UPN", "SEN Status", "Year 7 group",
    "KS2 result", "Q1 score", "Medical", "Notes", "Col B", "Parent 2 Email", "Class 7B",
    "Attendance May 2014", "Tel. No.",
])
def test_ordinary_headings_are_shown(reader: TableReader, heading: str) -> None:
    assert reader.looks_like_heading(heading)


def test_an_abbreviation_in_a_column_of_initials_is_a_teacher(reader: TableReader) -> None:
    initials = ["JSM", "CLA", "PTR", "AHW", "KLM", "RBT", "DNS", "MJP", "LKH", "TWE"]
    rows = [["Name", "Tutor"]] + [[name, code] for name, code in zip(
        ["Amelia Jones", "Oliver Smith", "Ava Brown", "Noah Patel", "Isla Green",
         "Leo Hughes", "Mia Clarke", "Jack Wood", "Ella King", "Finn Wright"], initials,
        strict=True)]
    assert reader.read(rows).special_categories == {}
    codes = [["Name", "Status"], ["Amelia Jones", "CLA"], ["Oliver Smith", ""],
             ["Ava Brown", "PLAC"]]
    assert set(reader.read(codes).special_categories) == {"looked_after"}


def test_a_list_whose_values_read_as_labels_is_not_a_form(reader: TableReader) -> None:
    rows = [["Name", "Class", "Meal status", "Balance"]] + [
        [name, "Year 4", status, "£0.00"] for name, status in [
            ("HUSSAIN Ben", "FSM"), ("Damian Burton", "Paid"), ("Sam Patel", "FSM"),
            ("POWELL Guy", "Packed lunch"), ("PAGE John", "Paid"), ("Ayaan Berry", "Paid")]]
    read = reader.read(rows)
    assert read.entities == {"PERSON": 6}
    assert read.special_categories == {"fsm": "FSM in Meal status"}


def test_a_dietary_choice_is_no_health_data_but_an_allergy_is(reader: TableReader) -> None:
    rows = [["Name", "Dietary requirements"], ["Amelia Jones", "Vegetarian"],
            ["Oliver Smith", "None"], ["Ava Brown", "Halal"]]
    assert reader.read(rows).special_categories == {}
    rows[2][1] = "Nut allergy"
    assert reader.read(rows).special_categories == {
        "health": "nut allergy in Dietary requirements"}
