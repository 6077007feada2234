"""Form labels, headings, field names and topic words are never names (issue 19, PERSON
precision), in prose, tables and forms; real names that share a word with them stay."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dpscan.detectors.names import (
    FormWordsError,
    form_words,
    is_plausible_name,
    load_form_words,
    plausible_person,
)
from dpscan.detectors.personal_data import PersonalDataDetector
from dpscan.detectors.tabular import TableReader
from dpscan.model.config import DetectionSettings

DATA = Path(__file__).resolve().parents[2] / "detectors" / "data"

# Spans spaCy tags as people that are labels, headings or topics: each a name before.
NOT_NAMES = [
    "Postcode", "Tel", "Supplier", "Intermediary Bank", "Python", "JavaScript", "Islam",
    "Contact", "Date", "Passport", "Emergency Contact", "Preferred Name", "SLCN",
]
# Real names that share words with the vocabulary, or look like its words.
NAMES = [
    "Rose Banks", "Banks", "Grace", "Faith", "Christian", "Ruby", "Aisha Islam", "Mrs Islam",
    "Mr Driver", "Grace Bell", "Nat", "Amelia Jones",
]


@pytest.mark.parametrize("value", NOT_NAMES)
def test_form_words_are_not_person_spans(value: str) -> None:
    assert not plausible_person(value)


@pytest.mark.parametrize("value", NOT_NAMES)
def test_form_words_are_not_name_cells(value: str) -> None:
    assert not is_plausible_name(value)


@pytest.mark.parametrize("value", NAMES)
def test_names_that_share_a_word_with_forms_stay(value: str) -> None:
    assert plausible_person(value)
    assert is_plausible_name(value)


@pytest.fixture(scope="module")
def full_ner_detector() -> PersonalDataDetector:
    """NER over every line (``ner_full_chars``), as a DPO may set it: a label alone on its
    line is then read by spaCy too."""
    return PersonalDataDetector(DetectionSettings(ner_full_chars=100_000))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # A label alone on its line above its value (forms saved as text, PDF forms).
        ("Postcode\nLS1 4AB", "Postcode"),
        ("Tel\n0113 496 0000", "Tel"),
        ("Please send the invoice to the Supplier named below.", "Supplier"),
        ("Parent/carer name: Ms Niamh Turner\nSigned: Niamh Turner\n"
         "Contact email: nturner62@example.co.uk\nDate: 21/10/2024", "Contact"),
        ("Thank you for sending a copy of the passport for Caroline Whittaker.\n"
         "Passport number: 846672485\nPassport expiry: 31/10/2029", "Passport"),
    ],
)
def test_labels_in_prose_and_forms_are_not_names(
    full_ner_detector: PersonalDataDetector, text: str, label: str
) -> None:
    people = [value for result, value in full_ner_detector.analyze(text)
              if result.entity_type == "PERSON"]
    assert label not in people
    if "Niamh" in text:
        assert "Niamh Turner" in people  # the real names of the same form stay


def test_a_column_headed_intermediary_bank_is_not_searched_for_names() -> None:
    """NER takes bank names for people; a column headed with a bank word never holds
    names, so "HSBC" is not joined to the contact's name as one person."""
    seen: list[str] = []

    def fake_ner(text: str) -> list[tuple[str, int, int]]:
        seen.append(text)
        return [("PERSON", i, i + len(line))
                for line in text.split("\n")
                for i in [text.index(line)] if line]

    rows = [["Supplier", "Intermediary Bank", "Tel"],
            ["Acme Ltd", "HSBC", "0113 496 0000"],
            ["Bolt Supplies", "Barclays", "0113 496 0001"]]
    read = TableReader(ner_sample=fake_ner).read(rows)
    assert seen == []
    assert "PERSON" not in read.entities


def test_a_name_column_does_not_count_a_repeated_heading() -> None:
    """A heading row repeated inside a list (a page break in an export) is no person."""
    rows = [["Surname", "Forename", "DOB"], ["Banks", "Rose", "02/03/2015"],
            ["Surname", "Forename", "DOB"], ["Islam", "Aisha", "04/05/2015"],
            ["Khan", "Ali", "06/07/2015"]]
    read = TableReader().read(rows)
    assert read.entities["PERSON"] == 3
    assert sorted(read.people) == ["aisha islam", "ali khan", "banks rose"]


def test_shipped_list_holds_no_forename() -> None:
    """A forename in the list would be lost whenever it is found alone."""
    groups = yaml.safe_load((DATA / "nicknames.yaml").read_text("utf-8"))["groups"]
    forenames = {name for group in groups for name in group}
    assert not forenames & form_words()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("words: [tel]\n", "expected one top-level field, groups"),
        ("groups: [tel]\n", "groups: expected a mapping"),
        ("groups:\n  labels: tel\n", "groups: labels: expected a list of words"),
        ("groups:\n  labels: [Tel]\n", "groups: labels: not one lower-case word each"),
        ("groups:\n  labels: [post code]\n", "not one lower-case word each"),
    ],
)
def test_malformed_form_words_are_refused(text: str, message: str) -> None:
    with pytest.raises(FormWordsError, match=message):
        load_form_words(text, "form_words.yaml")
