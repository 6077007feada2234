"""PHONE_NUMBER: UK landlines and mobiles, national and +44 forms, by libphonenumber.

presidio's PhoneRecognizer hands the whole text to libphonenumber's matcher, which
tries to parse every run of digits it meets (dates, UPNs, amounts) and costs more than
all the other patterns together.  A UK number has at least 10 digits (9 after +44 once
the 0 is dropped), so lines with fewer than :data:`MIN_DIGITS` digits cannot hold one:
they are blanked (same length, so offsets stay true) before the matcher reads the text.
"""

from __future__ import annotations

import re

import phonenumbers
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

MIN_DIGITS = 9
_PHONE_LINE = re.compile(rf"(?m)^(?:[^\d\n]*\d){{{MIN_DIGITS}}}[^\n]*")


def phone_lines_only(text: str) -> str:
    """``text`` with every line of fewer than :data:`MIN_DIGITS` digits turned to spaces."""
    parts: list[str] = []
    position = 0
    for match in _PHONE_LINE.finditer(text):
        parts.append(" " * (match.start() - position))
        parts.append(match.group())
        position = match.end()
    parts.append(" " * (len(text) - position))
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
        return super().analyze(phone_lines_only(text), entities, nlp_artifacts)
