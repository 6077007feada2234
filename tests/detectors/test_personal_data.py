"""Detection of each entity type in text, with checksum failures and lookalikes beside."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from dpscan.detectors.personal_data import PersonalDataDetector, split_text
from dpscan.detectors.recognizers.uk_uln import is_valid_uln

VECTORS = Path(__file__).resolve().parents[3] / "shared" / "domain" / "identifier_vectors.json"


def _types(detector: PersonalDataDetector, text: str) -> dict[str, int]:
    return detector.detect(text).entities


@pytest.mark.parametrize(
    ("text", "entity", "count"),
    [
        ("NHS number: 999 000 0018", "UK_NHS", 1),
        ("NHS number: 9990000018 and 999-765-4323", "UK_NHS", 2),
        ("Invoice 999 000 0019", "UK_NHS", 0),  # fails modulus 11
        ("Pupil UPN L201000024001", "UK_UPN", 1),
        ("Temporary UPN X20100002400A", "UK_UPN", 1),
        ("Pupil UPN L201000024002", "UK_UPN", 0),  # wrong check letter
        ("ULN: 1234567899", "UK_ULN", 1),
        ("ULN: 1234567890", "UK_ULN", 0),  # wrong check digit
        ("Reference 1234567899", "UK_ULN", 0),  # valid check digit, no ULN context
        ("NI number JZ 49 01 27 B", "UK_NINO", 1),
        ("NI number QQ 12 34 56 A", "UK_NINO", 0),  # Q is never a first letter
        ("NI number JZ490127B", "UK_NINO", 1),
        ("NI number GB 12 34 56 A", "UK_NINO", 0),  # GB is never allocated
        ("NI number OO 12 34 56 A", "UK_NINO", 0),  # administrative (tax credits)
        ("NI number JZ 49 01 27 E", "UK_NINO", 0),  # suffix is A to D
        ("Email: sarah.thompson@example.com", "EMAIL_ADDRESS", 1),
        ("Call 020 7946 0123 or 0113 496 0555", "PHONE_NUMBER", 2),
        ("Call +44 20 7946 0123", "PHONE_NUMBER", 1),
        ("12 High Street, Leeds LS1 4AB", "UK_POSTCODE", 1),
        ("Term starts 03/09/2025 and ends 18/12/2025", "DATE_OF_BIRTH", 0),
        ("Date of birth: 03/02/2016", "DATE_OF_BIRTH", 1),
        ("DOB 2016-02-03", "DATE_OF_BIRTH", 1),
        ("Oliver was born on 3rd March 2015 in Leeds", "DATE_OF_BIRTH", 1),
        ("D.O.B.: 31/02/2016", "DATE_OF_BIRTH", 0),  # no such date
        ("Passport number: 682409759", "UK_PASSPORT", 1),
        ("Passport no. AB1234567", "UK_PASSPORT", 1),
        ("Order reference 682409759", "UK_PASSPORT", 0),  # nine digits, no passport context
        ("Sort code 20-00-00 account number 12345678", "UK_BANK_ACCOUNT", 1),
        ("IBAN GB82 WEST 1234 5698 7654 32", "IBAN_CODE", 1),
        ("IBAN GB82 WEST 1234 5698 7654 33", "IBAN_CODE", 0),
        ("Card 4111 1111 1111 1111", "CREDIT_CARD", 1),
        ("Card 4111 1111 1111 1112", "CREDIT_CARD", 0),
        ("Dear Mrs Sarah Thompson, thank you for your letter.", "PERSON", 1),
    ],
)
def test_entity_table(detector: PersonalDataDetector, text: str, entity: str, count: int) -> None:
    assert _types(detector, text).get(entity, 0) == count


def test_dob_in_a_column_headed_dob(detector: PersonalDataDetector) -> None:
    text = "Pupil list\nSurname\tForename\tDOB\tStart date\nJONES\tAmelia\t02/03/2014\t01/09/2019\n"
    found = detector.analyze(text)
    dobs = [value for result, value in found if result.entity_type == "DATE_OF_BIRTH"]
    assert dobs == ["02/03/2014"]  # the start date column is not a date of birth


def test_us_recognizers_are_not_used(detector: PersonalDataDetector) -> None:
    entities = {e for r in detector.analyzer.registry.recognizers for e in r.supported_entities}
    assert not entities & {"US_SSN", "US_DRIVER_LICENSE", "US_BANK_NUMBER", "US_ITIN",
                           "US_PASSPORT", "MEDICAL_LICENSE"}


def test_evidence_is_masked_deduplicated_and_limited(detector: PersonalDataDetector) -> None:
    numbers = ["999 000 0018", "999 765 4323", "999 555 0008", "999 711 0668"]
    emails = ["anna@example.com", "ben@example.com", "cara@example.com", "dev@example.com"]
    detection = detector.detect("NHS numbers: " + ", ".join(numbers) + "\n" + " ".join(emails))
    assert detection.entities["UK_NHS"] == 4 and detection.entities["EMAIL_ADDRESS"] == 4
    by_type = {t: [e for e in detection.evidence if e.type == t] for t in detection.entities}
    # Four NHS numbers mask alike: one example, not four copies of the same mask.
    assert [(e.masked, e.score) for e in by_type["UK_NHS"]] == [("999 *** ****", 1.0)]
    assert len(by_type["EMAIL_ADDRESS"]) == 3  # evidence_per_type
    assert {e.masked for e in by_type["EMAIL_ADDRESS"]} <= {
        "a***@example.com", "b***@example.com", "c***@example.com", "d***@example.com"}
    shown = json.dumps([e.masked for e in detection.evidence])
    assert not any(value in shown for value in numbers + emails)


def test_email_validation_never_opens_a_socket(
    detector: PersonalDataDetector, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert _types(detector, "write to head@school.sch.uk")["EMAIL_ADDRESS"] == 1
    assert _types(detector, "or office@st-marys.lancs.sch.uk")["EMAIL_ADDRESS"] == 1
    assert "EMAIL_ADDRESS" not in _types(detector, "not an address: me@localhost")


def test_long_text_is_analysed_in_chunks(detector: PersonalDataDetector) -> None:
    filler = "The school fair raised money for the library.\n" * 1200  # ~55k chars
    text = filler + "NHS number: 999 000 0018\n" + filler
    assert len(split_text(text)) == 2
    assert _types(detector, text)["UK_NHS"] == 1


def test_split_text_cuts_at_line_ends() -> None:
    text = "abc\n" * 100
    chunks = split_text(text, size=50)
    assert "".join(c for _, c in chunks) == text
    assert all(c.endswith("\n") for _, c in chunks)
    offsets = [sum(len(c) for _, c in chunks[:i]) for i in range(len(chunks))]
    assert [o for o, _ in chunks] == offsets


@pytest.mark.skipif(not VECTORS.exists(), reason="../shared/domain not present")
def test_shared_identifier_vectors(detector: PersonalDataDetector) -> None:
    vectors = json.loads(VECTORS.read_text())
    for entity, context in (("UK_NHS", "NHS number"), ("UK_UPN", "UPN"), ("UK_ULN", "ULN")):
        for value in vectors[entity]["valid"]:
            assert _types(detector, f"{context}: {value}").get(entity) == 1, value
        for value in vectors[entity]["invalid_checksum"]:
            assert entity not in _types(detector, f"{context}: {value}"), value
    for value in vectors["UK_NINO"]["valid"]:
        assert _types(detector, f"NI number: {value}").get("UK_NINO") == 1, value
    for value in vectors["UK_NINO"]["invalid_format"]:
        assert "UK_NINO" not in _types(detector, f"NI number: {value}"), value
    for value in vectors["UK_POSTCODE"]["valid"]:
        assert _types(detector, f"Address: 1 The Street, {value}").get("UK_POSTCODE") == 1, value
    for value in vectors["UK_POSTCODE"]["invalid_format"]:
        assert "UK_POSTCODE" not in _types(detector, f"Address: {value}"), value
    for value in vectors["PHONE_NUMBER"]["valid"]:
        assert _types(detector, f"Tel: {value}").get("PHONE_NUMBER") == 1, value
    for value in vectors["UK_DRIVING_LICENCE"]["valid"]:
        found = _types(detector, f"Driving licence number: {value}")
        assert found.get("UK_DRIVING_LICENCE") == 1, value


@pytest.mark.parametrize(
    ("value", "valid"),
    [("1234567899", True), ("9990000017", True), ("5000000012", True), ("1000000000", True),
     ("1234567890", False), ("0234567899", False), ("123456789", False)],
)
def test_uln_check(value: str, valid: bool) -> None:
    assert is_valid_uln(value) is valid


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Dear Mrs Katie Day, thank you.", ["Katie Day"]),
        ("CAMERON, Jacqueline - absent\nO'NEILL, Donna - late", ["CAMERON, Jacqueline",
                                                                 "O'NEILL, Donna"]),
        ("NOTE, Please read the rota", []),
        ("Call +44 121 496 0693 about it", []),
        ("He lives on Albert Terrace near St Mary's.", []),
        ("KIT STORE - LOCKER CODES\nLocker 12", []),
    ],
)
def test_person_shapes(detector: PersonalDataDetector, text: str, names: list[str]) -> None:
    found = [v for r, v in detector.analyze(text) if r.entity_type == "PERSON"]
    assert found == names


def test_nhs_shape_inside_a_phone_number_is_not_nhs(detector: PersonalDataDetector) -> None:
    # "121 496 0693" has the NHS 3-3-4 shape and passes modulus 11.
    assert "UK_NHS" not in _types(detector, "Tel: +44 121 496 0693")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # "5376 6655 4764 5122" passes the Luhn check: the IBAN's digits are no card.
        ("IBAN DE87 5376 6655 4764 5122 83", {"IBAN_CODE": 1}),
        ("Pay to DE64 1257 3564 1737 5106 20 by Friday", {"IBAN_CODE": 1}),
        ("IBAN GB82 WEST 1234 5698 7654 32", {"IBAN_CODE": 1}),
        # a card beside an IBAN is still one
        ("Card 5376 6655 4764 5122, IBAN DE89 3704 0044 0532 0130 00",
         {"IBAN_CODE": 1, "CREDIT_CARD": 1}),
        # the same digits with a wrong IBAN check are no IBAN: the card stands
        ("Ref DE88 5376 6655 4764 5122 83", {"CREDIT_CARD": 1}),
    ],
)
def test_card_digits_inside_an_iban_are_not_a_card(
    detector: PersonalDataDetector, text: str, found: dict[str, int]
) -> None:
    assert _types(detector, text) == found


@pytest.mark.parametrize(
    ("text", "entity", "count"),
    [
        ("NI number AB-12-34-56-C", "UK_NINO", 1),
        ("NI number AB 123 456 C", "UK_NINO", 1),
        ("NI number GB-12-34-56-A", "UK_NINO", 0),
        ("Born 22-Nov-72 in Leeds", "DATE_OF_BIRTH", 1),
        ("1985-01-01 is my birthday", "DATE_OF_BIRTH", 1),
        ("Driving licence MORGA 753116 SM9IJ 35", "UK_DRIVING_LICENCE", 1),
        ("Driving licence MORGA753116SM9IJ35", "UK_DRIVING_LICENCE", 1),
        ("Driving licence MORGA704311SM9IJ35", "UK_DRIVING_LICENCE", 0),  # 31 April
        ("NHS number 000 000 0000", "UK_NHS", 0),
        ("NHS number 999 999 9999", "UK_NHS", 0),
        ("UPN F000123456789", "UK_UPN", 0),
    ],
)
def test_identifier_layouts(
    detector: PersonalDataDetector, text: str, entity: str, count: int
) -> None:
    assert _types(detector, text).get(entity, 0) == count
