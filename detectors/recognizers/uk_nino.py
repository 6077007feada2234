"""UK_NINO: National Insurance numbers, with HMRC's administrative prefixes rejected."""

from __future__ import annotations

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import UkNinoRecognizer as _PresidioNino

# Prefixes HMRC uses for administrative or temporary references, never for a person's
# NINO (HMRC NIM39110): tax credits (OO), and the CR, FY, MW, NC, PP, PY, PZ series.
ADMINISTRATIVE_PREFIXES = frozenset({"OO", "CR", "FY", "MW", "NC", "PP", "PY", "PZ"})

# presidio's letter rules: never D, F, I, Q, U, V first, nor D, F, I, O, Q, U, V second,
# and never the prefixes BG, GB, KN, NK, NT, TN, ZZ; the suffix is A to D.
_PREFIX = r"(?!BG|GB|NK|KN|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
_SUFFIX = r"[A-D]"


class UkNinoRecognizer(_PresidioNino):
    """presidio's NINO pattern (letter rules, forbidden prefixes, compact or spaced in
    pairs), plus the layouts forms and exports also use: hyphenated ("AB-12-34-56-C")
    and in two groups of three ("AB 123 456 C", "AB-123-456-C").  Each separator is used
    throughout a value, so runs of codes and dates that mix them are not taken.

    Administrative prefixes are rejected, and "NI no" / "national insurance number"
    context is recognised as well as presidio's words.
    """

    PATTERNS = [
        *_PresidioNino.PATTERNS,
        Pattern("NINO (hyphens)", rf"\b{_PREFIX}-\d{{2}}-\d{{2}}-\d{{2}}-{_SUFFIX}\b", 0.5),
        Pattern("NINO (3-3)", rf"\b{_PREFIX} ?\d{{3}} \d{{3}} ?{_SUFFIX}\b", 0.5),
        Pattern("NINO (3-3, hyphens)", rf"\b{_PREFIX}-\d{{3}}-\d{{3}}-{_SUFFIX}\b", 0.5),
    ]
    CONTEXT = ["national insurance", "ni", "nino", "insurance", "ni number", "ni no"]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(patterns=self.PATTERNS, context=self.CONTEXT,
                         supported_language=supported_language)

    def validate_result(self, pattern_text: str) -> bool | None:  # noqa: D102
        return False if pattern_text[:2].upper() in ADMINISTRATIVE_PREFIXES else None
