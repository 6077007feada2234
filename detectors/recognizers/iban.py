"""IBAN_CODE: presidio's IBAN recognizer, blind to case.

presidio's pattern takes capitals only, so "iban: gb33 bukb 2020 1555 5555 55" is not an
IBAN and its digit groups can pass for a card number.  The checksum (ISO 7064 mod 97)
reads letters in either case, so the same recognizer with case-blind matching stays as
strict.
"""

from __future__ import annotations

import re

from presidio_analyzer.predefined_recognizers import IbanRecognizer


class CaseBlindIbanRecognizer(IbanRecognizer):
    """presidio's IbanRecognizer, matching IBANs written in lower or mixed case too."""

    def __init__(self) -> None:
        super().__init__(regex_flags=re.DOTALL | re.MULTILINE | re.IGNORECASE)
