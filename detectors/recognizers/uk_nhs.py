"""UK_NHS: NHS numbers (also Scottish CHI and Northern Irish H&C numbers, same checksum)."""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import NhsRecognizer as _PresidioNhs


def is_placeholder_nhs(digits: str) -> bool:
    """True for a number NHS systems use as a blank, never issued: all one digit
    ("000 000 0000", "999 999 9999", which passes modulus 11)."""
    return len(set(digits)) == 1


class UkNhsRecognizer(_PresidioNhs):
    """presidio's NHS pattern (3-3-4, spaced, hyphenated or not) and modulus-11 check,
    with placeholders rejected: all one digit, which "000 000 0000" and "999 999 9999"
    pass (identifiers.md: "Also reject all-same digits")."""

    def validate_result(self, pattern_text: str) -> bool:  # noqa: D102
        digits = "".join(ch for ch in pattern_text if ch.isdigit())
        return not is_placeholder_nhs(digits) and super().validate_result(pattern_text)
