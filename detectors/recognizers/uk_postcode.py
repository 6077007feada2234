"""UK_POSTCODE: presidio's strict postcode pattern, scored to stand on its own."""

from __future__ import annotations

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import UkPostcodeRecognizer as _PresidioPostcode


class UkPostcodeRecognizer(_PresidioPostcode):
    """presidio's position-rule postcode regex, with a base score of 0.5 instead of 0.1.

    Addresses in letters rarely say "postcode"; the strict per-position letter rules
    already keep lookalikes out, so the pattern itself is strong enough evidence.
    """

    PATTERNS = [Pattern(p.name, p.regex, 0.5) for p in _PresidioPostcode.PATTERNS]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(patterns=self.PATTERNS, supported_language=supported_language)
