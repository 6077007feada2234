"""UK_NINO: National Insurance numbers, with HMRC's administrative prefixes rejected."""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import UkNinoRecognizer as _PresidioNino

# Prefixes HMRC uses for administrative or temporary references, never for a person's
# NINO (HMRC NIM39110): tax credits (OO), and the CR, FY, MW, NC, PP, PY, PZ series.
ADMINISTRATIVE_PREFIXES = frozenset({"OO", "CR", "FY", "MW", "NC", "PP", "PY", "PZ"})


class UkNinoRecognizer(_PresidioNino):
    """presidio's NINO pattern (letter rules, forbidden prefixes, spaced forms), plus:

    administrative prefixes are rejected, and "NI no" / "national insurance number"
    context is recognised as well as presidio's words.
    """

    CONTEXT = ["national insurance", "ni", "nino", "insurance", "ni number", "ni no"]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(context=self.CONTEXT, supported_language=supported_language)

    def validate_result(self, pattern_text: str) -> bool | None:  # noqa: D102
        return False if pattern_text[:2].upper() in ADMINISTRATIVE_PREFIXES else None
