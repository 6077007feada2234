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


def _counting(digits: str) -> bool:
    """True for digits that count up by one ("1234567890"), as typed to fill a field."""
    return all((int(b) - int(a)) % 10 == 1 for a, b in zip(digits, digits[1:], strict=False))


def is_placeholder_phone(number: phonenumbers.PhoneNumber) -> bool:
    """True for a number typed to fill a form's field, never a line anyone answers.

    libphonenumber checks only that the area code and length fit, so it takes
    "07777 777777", "020 0000 0000" and "01234 567890" as real.  A placeholder is a
    number of one repeated digit, a number past its area code (or mobile prefix) of one
    repeated digit, or a count ("01234 567890").
    """
    national = phonenumbers.national_significant_number(number)
    subscriber = national[phonenumbers.length_of_national_destination_code(number):]
    return len(set(national)) == 1 or len(set(subscriber)) == 1 or _counting(national)
# The punctuation libphonenumber accepts inside a number: hyphens and dashes (Word writes
# en dashes and non-breaking hyphens), slashes, dots, brackets, tildes, odd spaces.
_PUNCTUATION = ("\\-\u2010-\u2015\u2212\u30fc\uff0d\uff0f/.()\uff08\uff09\uff3b\uff3d\\[\\]"
                "~\u2053\u223c\uff5e\u00a0\u00ad\u200b\u2060\u3000")
# Where a number can be: 0 (perhaps bracketed), + or 44 after a non-digit, then digits and
# that punctuation (never across a line end), and an extension.
_PHONE_SEGMENT = re.compile(
    rf"(?<![\d+])(?:\+|\uff0b|[(\[\uff08\uff3b]?[0\uff10]|44|\uff14\uff14)[\d{_PUNCTUATION}]*"
    rf"(?:[^\S\n]+[\d{_PUNCTUATION}]+)*"
    r"(?:[^\S\n]*(?:ext|extn|x)\.?[^\S\n]*\d{1,5})?", re.IGNORECASE)


def _gap(text: str, start: int, end: int) -> str:
    """``text[start:end]`` blanked with ";" (no part of a number), except its first and
    last characters when they are not digits: the matcher sees what stood next to each
    number ("Tel07911123456" stays no number), and two numbers with only spaces between
    them are not read as one long run."""
    chars = [";"] * (end - start)
    if chars:
        for index in (0, -1):
            original = text[start if index == 0 else end - 1]
            if not original.isdigit():
                chars[index] = original
    return "".join(chars)


def phone_candidates_only(text: str) -> str:
    """``text`` with all but the places a phone number can be blanked (same length)."""
    parts: list[str] = []
    position = 0
    for match in _PHONE_SEGMENT.finditer(text):
        segment = match.group()
        if sum(c.isdigit() for c in segment) < MIN_DIGITS:
            continue
        parts.append(_gap(text, position, match.start()))
        parts.append(segment)
        position = match.end()
    parts.append(_gap(text, position, len(text)))
    return "".join(parts)


def _is_placeholder_text(value: str) -> bool:
    try:
        return is_placeholder_phone(phonenumbers.parse(value, "GB"))
    except phonenumbers.NumberParseException:
        return False  # the matcher read it as a number; its own checks stand


# A number as people write it: 0, + or 44 first (a bare 10-digit run is a ULN or an NHS
# number more often than a phone number missing its 0), then digits and separators.
_PHONE_CELL = re.compile(
    rf"(?:[(\[\uff08\uff3b]?[0+]|44)[\d\s+{_PUNCTUATION}]+(?:\s*(?:ext|extn|x)\.?\s*\d{{1,5}})?",
    re.IGNORECASE)


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
    return phonenumbers.is_valid_number(number) and not is_placeholder_phone(number)


class UkPhoneRecognizer(PhoneRecognizer):
    """presidio's PhoneRecognizer for region GB, reading only lines that can hold a number,
    with placeholders (:func:`is_placeholder_phone`) dropped.

    libphonenumber knows the UK as "GB"; presidio's "UK" region finds only +44 numbers.
    """

    def __init__(self) -> None:
        super().__init__(supported_regions=("GB",))

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:  # noqa: D102
        # presidio's PhoneRecognizer defaults nlp_artifacts to None but annotates it as
        # NlpArtifacts; it never reads them.
        candidates = phone_candidates_only(text)
        found = super().analyze(candidates, entities, nlp_artifacts)  # type: ignore[arg-type]
        return [result for result in found
                if not _is_placeholder_text(candidates[result.start:result.end])]
