"""PHONE_NUMBER: UK landlines and mobiles, national and +44 forms, by libphonenumber.

presidio's PhoneRecognizer hands the whole text to libphonenumber's matcher, which
tries to parse every run of digits it meets (dates, UPNs, amounts) and costs more than
all the other patterns together.  The matcher finds a number only where it starts with
0, + or 44 and has at least :data:`MIN_DIGITS` digits (a UK number has 10 or 11, 9 after
+44 once the 0 is dropped), so everything else is blanked (same length, so offsets stay
true) before the matcher reads the text.
"""

from __future__ import annotations

import re

import phonenumbers
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

MIN_DIGITS = 9
# Where a number can be: 0, + or 44 after a non-digit, then digits and the separators
# people write (never across a line end), and an extension.
_PHONE_SEGMENT = re.compile(
    r"(?<![\d+])(?:\+|\(?0|44)[\d()./\-]*(?:[^\S\n]+[\d()./\-]+)*"
    r"(?:[^\S\n]*(?:ext|extn|x)\.?[^\S\n]*\d{1,5})?", re.IGNORECASE)


def _gap(length: int) -> str:
    # Not spaces alone: the matcher would read two numbers with only spaces between them as
    # one long run and parse neither.  ";" is no part of a number.
    return ";" * length if length < 3 else " " + ";" * (length - 2) + " "


def phone_candidates_only(text: str) -> str:
    """``text`` with all but the places a phone number can be blanked (same length)."""
    parts: list[str] = []
    position = 0
    for match in _PHONE_SEGMENT.finditer(text):
        segment = match.group()
        if sum(c.isdigit() for c in segment) < MIN_DIGITS:
            continue
        parts.append(_gap(match.start() - position))
        parts.append(segment)
        position = match.end()
    parts.append(_gap(len(text) - position))
    return "".join(parts)


# A number as people write it: 0, + or 44 first (a bare 10-digit run is a ULN or an NHS
# number more often than a phone number missing its 0), then digits and separators.
_PHONE_CELL = re.compile(
    r"(?:\(?[0+]|44)[\d\s+()\-./]+(?:\s*(?:ext|extn|x)\.?\s*\d{1,5})?", re.IGNORECASE)


def is_uk_phone_value(value: str) -> bool:
    """True for a spreadsheet cell that is one valid UK phone number and nothing else.

    The recognizer's matcher costs a third of a millisecond a cell; a phone column of a
    20,000-row list is read cell by cell, so cells are parsed directly.
    """
    value = value.strip()
    if not _PHONE_CELL.fullmatch(value) or sum(c.isdigit() for c in value) < MIN_DIGITS:
        return False
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


class UkPhoneRecognizer(PhoneRecognizer):
    """presidio's PhoneRecognizer for region GB, reading only lines that can hold a number.

    libphonenumber knows the UK as "GB"; presidio's "UK" region finds only +44 numbers.
    """

    def __init__(self) -> None:
        super().__init__(supported_regions=("GB",))

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:  # noqa: D102
        return super().analyze(phone_candidates_only(text), entities, nlp_artifacts)
