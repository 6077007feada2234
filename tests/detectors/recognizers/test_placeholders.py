"""Placeholders and impossible values are no one's data: the numbers typed to fill a
form's field ("000 000 0000", sort code 00-00-00, account 11111111) are not reported,
while real values beside them still are.  NHS numbers of one repeated digit and UPNs of
local authority 000 are covered in test_uk_nhs.py and test_uk_upn.py."""

from __future__ import annotations

import pytest

from dpscan.detectors.recognizers.uk_bank_account import (
    UkBankAccountRecognizer,
    is_placeholder_account,
    is_placeholder_sort_code,
    part_column_check,
)
from dpscan.detectors.recognizers.uk_phone import UkPhoneRecognizer, is_uk_phone_value

PHONE = ["PHONE_NUMBER"]
BANK = ["UK_BANK_ACCOUNT"]


@pytest.fixture(scope="module")
def phones() -> UkPhoneRecognizer:
    return UkPhoneRecognizer()


@pytest.fixture(scope="module")
def banks() -> UkBankAccountRecognizer:
    return UkBankAccountRecognizer()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # fmt: off
        ("Tel: 000 000 0000", []),
        ("Tel: 0000 000000", []),
        # libphonenumber takes these as valid: the area code and length fit
        ("Mobile: 07777 777777", []),  # one digit throughout
        ("Tel: 020 0000 0000", []),  # nothing past the area code
        ("Tel: 0113 111 1111", []),
        ("Mobile: 07000 000000", []),
        ("Tel: 01234 567890", []),  # the form's example: a count
        ("Tel: +44 1234 567890", []),
        # real numbers beside them are still found
        ("Tel: 0113 496 0555 (not 0113 000 0000)", ["0113 496 0555"]),
        ("Mobile 07911 123456", ["07911 123456"]),
        ("Tel 020 7946 0123", ["020 7946 0123"]),
        ("Tel 0161 496 0000", ["0161 496 0000"]),  # zeros at the end only
        # fmt: on
    ],
)
def test_placeholder_phone_numbers_are_not_found(
    text: str, found: list[str], phones: UkPhoneRecognizer
) -> None:
    results = sorted(phones.analyze(text, PHONE), key=lambda r: r.start)
    assert [text[r.start:r.end] for r in results] == found


@pytest.mark.parametrize(
    ("cell", "is_phone"),
    [
        ("000 000 0000", False),
        ("0000 000000", False),
        ("07777 777777", False),
        ("020 0000 0000", False),
        ("01234 567890", False),
        ("0113 496 0555", True),
        ("07911 123456", True),
    ],
)
def test_placeholder_phone_cells_are_not_phone_numbers(cell: str, is_phone: bool) -> None:
    assert is_uk_phone_value(cell) is is_phone


@pytest.mark.parametrize(
    ("text", "expected_len"),
    [
        # fmt: off
        ("Sort code 00-00-00 account 00000000", 0),
        ("Sort code 00-00-00 account 66374958", 0),  # no bank has sort code 00-00-00
        ("Sort code 08-99-99 account 00000000", 0),
        ("Sort code 08-99-99 account 11111111", 0),
        ("Sort code 08-99-99 account 99999999", 0),
        ("Account 00000000, sort code 08-99-99", 0),
        ("Account 66374958, sort code 00 00 00", 0),
        # real pairs (Vocalink's modulus test cases) still match
        ("Sort code 08-99-99 account 66374958", 1),
        ("Sort code 12-34-56 account 66374958", 1),
        ("Account 63748472, sort code 20-29-59", 1),
        ("Sort code 10-79-99 account 88837491", 1),
        # fmt: on
    ],
)
def test_placeholder_bank_details_are_not_found(
    text: str, expected_len: int, banks: UkBankAccountRecognizer
) -> None:
    results = banks.analyze(text, BANK)
    assert len(results) == expected_len
    for result in results:
        assert result.score == 0.4  # the pattern's own score: no checksum raised it


@pytest.mark.parametrize(
    ("heading", "cell", "counts"),
    [
        ("Sort code", "00-00-00", False),
        ("Sort code", "000000", False),
        ("Sort code", "08-99-99", True),
        ("Account number", "00000000", False),
        ("Account number", "11111111", False),
        ("Account number", "66374958", True),
    ],
)
def test_placeholder_cells_of_split_bank_columns_do_not_count(
    heading: str, cell: str, counts: bool
) -> None:
    check = part_column_check(heading.lower().split())
    assert check is not None
    assert check(cell) is counts


@pytest.mark.parametrize(
    ("value", "sort_code", "account"),
    [
        ("00-00-00", True, True),
        ("11 11 11", True, True),
        ("00000000", True, True),
        ("99999999", True, True),
        ("08-99-99", False, False),
        ("66374958", False, False),
    ],
)
def test_placeholder_halves(value: str, sort_code: bool, account: bool) -> None:
    assert is_placeholder_sort_code(value) is sort_code
    assert is_placeholder_account(value) is account
