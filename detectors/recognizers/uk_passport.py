"""UK_PASSPORT: British passport numbers, which are nine digits."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer


class UkPassportRecognizer(PatternRecognizer):
    """Nine digits (the current format), or presidio's two letters and seven digits.

    presidio's own UK recognizer knows only the letter form, which real UK passports
    do not use (NHS Data Dictionary, "Passport Number (New)").  Neither form has a
    checksum outside the machine-readable zone, so both need "passport" nearby: the
    base score is below the threshold and context lifts it over.
    """

    PATTERNS = [
        Pattern("passport (9 digits)", r"\b\d{9}\b", 0.1),
        Pattern("passport (2 letters, 7 digits)", r"\b[A-Z]{2}\d{7}\b", 0.1),
    ]
    CONTEXT = ["passport", "passports", "travel document"]
    COUNTRY_CODE = "uk"

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="UK_PASSPORT",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
        )
