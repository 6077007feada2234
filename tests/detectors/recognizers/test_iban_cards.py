"""No payment card numbers inside spaced IBANs: the four-digit groups of an IBAN written
as printed ("DE87 5376 6655 4764 5122 83") often hold a run with a card's shape and Luhn
check digit.  The IBAN is reported, the card is not, in every country's layout."""

from __future__ import annotations

import random

import pytest
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

from dpscan.detectors.personal_data import PersonalDataDetector

# Country: BBAN layout (n a digit, a an upper-case letter), from the IBAN registry.  The
# IBANs of GB, IE, NL, BE, DK, FI and BG have too few digits in a row to hold a card.
BBAN_LAYOUTS = {
    "DE": "n" * 18, "FR": "n" * 23, "ES": "n" * 20, "IT": "a" + "n" * 22, "PT": "n" * 21,
    "PL": "n" * 24, "CH": "n" * 17, "AT": "n" * 16, "SE": "n" * 20, "LU": "n" * 16,
    "MT": "aaaa" + "n" * 23, "CY": "n" * 24, "HU": "n" * 24, "CZ": "n" * 20, "GR": "n" * 23,
    "RO": "aaaa" + "n" * 16, "LT": "n" * 16, "HR": "n" * 17, "SI": "n" * 15, "EE": "n" * 16,
    "IS": "n" * 22,
}
CARDS = CreditCardRecognizer()
# About one IBAN in twenty holds a card run; this many tries find one for sure.
TRIES = 2000


def _iban(country: str, bban: str) -> str:
    """``country`` and ``bban`` with ISO 13616 check digits (mod 97), in printed groups."""
    number = int("".join(str(int(ch, 36)) for ch in f"{bban}{country}00"))
    raw = f"{country}{98 - number % 97:02d}{bban}"
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def _with_card_run(country: str) -> str:
    """A valid IBAN of ``country`` whose printed groups hold a Luhn-valid card number."""
    forge = random.Random(country)
    for _ in range(TRIES):
        bban = "".join(forge.choice("0123456789") if kind == "n"
                       else forge.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                       for kind in BBAN_LAYOUTS[country])
        iban = _iban(country, bban)
        if CARDS.analyze(iban, ["CREDIT_CARD"]):
            return iban
    raise AssertionError(f"no {country} IBAN in {TRIES} holds a card-shaped run")


def _types(detector: PersonalDataDetector, text: str) -> dict[str, int]:
    """How many IBANs and cards ``text`` holds (a random bank code may read as a name)."""
    counts: dict[str, int] = {}
    for result, _value in detector.analyze(text, names=False):
        counts[result.entity_type] = counts.get(result.entity_type, 0) + 1
    return counts


@pytest.mark.parametrize("country", list(BBAN_LAYOUTS))
@pytest.mark.parametrize("layout", ["IBAN {}", "Please pay to {} by Friday.", "{}",
                                    "Bank details\nIBAN:\t{}\nBIC: DEUTDEFF"])
def test_card_shaped_groups_of_a_spaced_iban_are_no_card(
    country: str, layout: str, detector: PersonalDataDetector
) -> None:
    iban = _with_card_run(country)
    text = layout.format(iban)
    assert CARDS.analyze(text, ["CREDIT_CARD"]), "the groups alone read as a card"
    assert _types(detector, text) == {"IBAN_CODE": 1}


def test_issue_example_iban_is_no_card(detector: PersonalDataDetector) -> None:
    assert _types(detector, "IBAN GB33 BUKB 2020 1555 5555 55") == {"IBAN_CODE": 1}


def test_card_beside_an_iban_is_still_a_card(detector: PersonalDataDetector) -> None:
    text = f"Card 5376 6655 4764 5122, IBAN {_with_card_run('DE')}"
    assert _types(detector, text) == {"CREDIT_CARD": 1, "IBAN_CODE": 1}


def test_lower_case_iban_is_no_card(detector: PersonalDataDetector) -> None:
    iban = _with_card_run("PL").lower()
    assert _types(detector, f"iban: {iban}") == {"IBAN_CODE": 1}
