"""UK_ULN: the Unique Learner Number (Learning Records Service)."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer


def is_valid_uln(value: str) -> bool:
    """Check a ULN: 10 digits, first non-zero, r = sum(d_i * (10 - i)) mod 11 for i in 0..8.

    r = 0 never occurs in issued ULNs; otherwise the last digit is 10 - r.
    """
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) != 10 or digits[0] == "0":
        return False
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9])) % 11
    return remainder != 0 and int(digits[9]) == 10 - remainder


class UkUlnRecognizer(PatternRecognizer):
    """Ten digits with a valid ULN check digit, near ULN context.

    One random ten-digit number in eleven passes the check, so a valid check alone
    keeps the low base score: context ("ULN", "learner number") lifts it over the
    threshold.
    """

    PATTERNS = [Pattern("ULN", r"\b[1-9]\d{9}\b", 0.3)]
    CONTEXT = ["uln", "unique learner number", "learner number", "learner"]
    COUNTRY_CODE = "uk"

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="UK_ULN",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
        )

    def validate_result(self, pattern_text: str) -> bool | None:  # noqa: D102
        # None keeps the pattern's base score; False drops the match.
        return None if is_valid_uln(pattern_text) else False
