"""UK_UPN: the Unique Pupil Number given to every pupil in England and Wales."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer
from stdnum.gb import upn


class UkUpnRecognizer(PatternRecognizer):
    """A check letter, then 12 characters (11 digits and a digit or, if temporary, a letter).

    The DfE check letter (weights 2 to 13, modulus 23) is verified by python-stdnum,
    so a lookalike code with a wrong check letter is rejected.
    """

    PATTERNS = [
        Pattern("UPN", r"\b[A-HJ-NPQR-Z]\d{11}[0-9A-HJ-NPQR-Z]\b", 0.5),
    ]
    CONTEXT = ["upn", "unique pupil number", "pupil number"]
    COUNTRY_CODE = "uk"

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="UK_UPN",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
        )

    def validate_result(self, pattern_text: str) -> bool:  # noqa: D102
        return upn.is_valid(pattern_text.upper())
