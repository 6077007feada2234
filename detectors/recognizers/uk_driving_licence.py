"""UK_DRIVING_LICENCE: DVLA (Great Britain) driving licence numbers."""

from __future__ import annotations

import calendar

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import (
    UkDrivingLicenceRecognizer as _PresidioDrivingLicence,
)

# The 16 characters in the card's three groups: surname (5, padded with 9s); decade,
# month (+50 for a woman), day and year digit of birth (6); initials (2, padded with 9),
# an arbitrary digit and two check characters (5).  The DVLA prints them spaced
# ("MORGA 753116 SM9IJ") and with the 2-digit issue number after them ("... 35").
_SURNAME = r"[A-Z9]{5}"
_BIRTH = r"\d(?:0[1-9]|1[0-2]|5[1-9]|6[0-2])(?:0[1-9]|[12]\d|3[01])\d"
_INITIALS_AND_CHECK = r"[A-Z9]{2}[A-Z0-9][A-Z]{2}"


class UkDrivingLicenceRecognizer(_PresidioDrivingLicence):
    """presidio's 16-character DVLA layout, also in its printed groups and with the
    issue number attached, with the birth date checked in full.

    The check characters' algorithm is not public, so the checks are structural:
    presidio's (letters before any 9 padding in the surname, not all 9s), and a day that
    exists in the encoded month (no 31 April; 29 February, as the century is unknown).
    """

    PATTERNS = [
        Pattern("DVLA licence",
                rf"\b{_SURNAME}{_BIRTH}{_INITIALS_AND_CHECK}(?: ?\d{{2}})?\b", 0.5),
        Pattern("DVLA licence (spaced groups)",
                rf"\b{_SURNAME} {_BIRTH} {_INITIALS_AND_CHECK}(?: \d{{2}})?\b", 0.5),
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(patterns=self.PATTERNS, supported_language=supported_language)

    def validate_result(self, pattern_text: str) -> bool | None:  # noqa: D102
        compact = pattern_text.replace(" ", "").upper()
        month, day = int(compact[6:8]) % 50, int(compact[8:10])
        # 2000 is a leap year: 29 February passes, as the century is not encoded.
        if day > calendar.monthrange(2000, month)[1]:
            return False
        return super().validate_result(compact)
