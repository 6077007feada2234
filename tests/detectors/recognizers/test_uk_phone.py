"""UK phone numbers: only the places a number can be are handed to libphonenumber."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from dpscan.detectors.recognizers.uk_phone import (
    UkPhoneRecognizer,
    is_uk_phone_value,
    phone_candidates_only,
)


def test_all_but_possible_numbers_is_blanked_in_place() -> None:
    text = "Born 03/02/2016\nCall 0113 496 0555\nRoom 12, UPN 7723039256\n"
    masked = phone_candidates_only(text)
    assert len(masked) == len(text)
    assert "".join(c for c in masked if c.isdigit()) == "01134960555"
    assert masked.index("0113 496 0555") == text.index("0113 496 0555")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Call 0113 496 0555 or 07911 123456", ["0113 496 0555", "07911 123456"]),
        ("Tel: +44 20 7946 0123\nDOB 03/02/2016", ["+44 20 7946 0123"]),
        ("Dates 03/02/2016 and 04/05/2017", []),  # 16 digits on the line, no number
        ("Room 12, Year 3", []),
        # Numbers side by side, and after a date, are each found.
        ("Ring (0113) 496-0555, +44 20 7946 0958, 0044 20 7946 0958", [
            "(0113) 496-0555", "+44 20 7946 0958", "0044 20 7946 0958"]),
        ("On 12/03/2015 01134960555 rang", ["01134960555"]),
        ("+44 (0)113 496 0555 ext. 12", ["+44 (0)113 496 0555 ext. 12"]),
        # A cell ending in 44 and a number on the next line are not one number.
        ("Score\t44\n7359013767\tOak", []),
        # Word's dashes and odd spaces, brackets, full-width digits: as libphonenumber reads.
        ("Call 020 7946\u20130958", ["020 7946\u20130958"]),
        ("Tel 020 7946\u20110958", ["020 7946\u20110958"]),
        ("Tel 020\u200b7946 0958", ["020\u200b7946 0958"]),
        ("Tel: [0]20 7946 0958", ["[0]20 7946 0958"]),
        ("Tel \uff10\uff12\uff10 \uff17\uff19\uff14\uff16 \uff10\uff19\uff15\uff18",
         ["\uff10\uff12\uff10 \uff17\uff19\uff14\uff16 \uff10\uff19\uff15\uff18"]),
        # Glued to letters: no number, for the matcher as for dpscan.
        ("Tel07911123456", []),
    ],
)
def test_numbers_found_as_before(text: str, found: list[str]) -> None:
    results = UkPhoneRecognizer().analyze(text, ["PHONE_NUMBER"])
    assert [text[r.start:r.end] for r in results] == found


def test_same_results_as_presidios_recognizer_on_mixed_text() -> None:
    text = ("Oakfield Primary, Mill Lane, Leeds LS1 4AB. Tel 0113 496 0555\n"
            "Dear parent, term starts 03/09/2025 (UPN L201000024001).\n"
            "Mobile: 07911 123456; office +44 20 7946 0123; fax 0161 496 0000\n"
            "Invoice 12345678, amount 1,234.56\n")
    plain = PhoneRecognizer(supported_regions=("GB",)).analyze(text, ["PHONE_NUMBER"])
    ours = UkPhoneRecognizer().analyze(text, ["PHONE_NUMBER"])
    assert [(r.start, r.end, r.score) for r in ours] == [(r.start, r.end, r.score) for r in plain]
    assert len(ours) == 4


@pytest.mark.parametrize("cell", [
    "0113 496 0555", "(0113) 496 0555", "01134960555", "+44 20 7946 0958",
    "+44 (0)113 496 0555", "0044 113 496 0555", "441134960555", "0800 123 4567",
    "0113 496 0555 ext 12", "7723039256", "999 000 0018", "12/03/2015", "Tel: 0113 496 0555",
    "07700 900123", "0113", "", "0113 496 0555 / 0113 496 0556", "Amelia Jones",
])
def test_cell_check_agrees_with_the_recognizer(cell: str) -> None:
    # Table cells are checked with phonenumbers directly (the matcher is slow); a cell is
    # a phone number when the recognizer finds one spanning most of it.
    found = UkPhoneRecognizer().analyze(cell, ["PHONE_NUMBER"], None)
    expected = any(r.end - r.start >= 0.8 * len(cell) for r in found)
    if cell == "7723039256":
        expected = False  # no 0 or +: an identifier, not a phone number missing its 0
    assert is_uk_phone_value(cell) == expected


# presidio's PhoneRecognizer score: the PHONE_NUMBER threshold is set to it.
SCORE_RANGE = (0.4, 0.4)


@pytest.mark.parametrize(
    ("text", "expected_len", "expected_positions"),
    [
        # fmt: off
        # Ofcom's drama numbers that libphonenumber accepts, and real shapes
        ("020 7946 0123", 1, ((0, 13),)),
        ("0113 496 0555", 1, ((0, 13),)),
        ("0161 496 0777", 1, ((0, 13),)),
        ("028 9649 6123", 1, ((0, 13),)),
        ("029 2018 0456", 1, ((0, 13),)),
        ("+44 20 7946 0999", 1, ((0, 16),)),
        ("44 113 496 0555", 1, ((0, 15),)),
        ("+44 7911 123456", 1, ((0, 15),)),
        ("0800 123 4567", 1, ((0, 13),)),
        ("Mobile: 07911 123456.", 1, ((8, 20),)),
        ("Tel: 0113 496 0555 ext 12", 1, ((5, 25),)),
        ("Tel 0113 496 0556, fax 0113 496 0557", 2, ((4, 17), (23, 36))),
        ("+1 202 555 0143", 1, ((0, 15),)),  # another country's number in + form
        # no checksum: the numbering plan stands in for one
        ("07700 900123", 0, ()),  # Ofcom's drama mobiles are not valid numbers
        ("01632 960123", 0, ()),
        ("999 000 0018", 0, ()),
        # lookalikes
        ("7723039256", 0, ()),  # a ULN-shaped identifier, no 0 or +
        ("9997110668", 0, ()),  # an NHS number
        ("12/03/2015", 0, ()),
        ("0113 496", 0, ()),  # too short
        ("Invoice 0123456789012345", 0, ()),
        # fmt: on
    ],
)
def test_when_phone_in_text_then_all_phones_found(
    text: str, expected_len: int, expected_positions: tuple[tuple[int, int], ...],
    assert_found: Callable[..., None],
) -> None:
    results = UkPhoneRecognizer().analyze(text, ["PHONE_NUMBER"])
    assert_found(results, entity_type="PHONE_NUMBER", expected_len=expected_len,
                 expected_positions=expected_positions, score_range=SCORE_RANGE)
