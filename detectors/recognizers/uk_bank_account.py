"""UK_BANK_ACCOUNT: a sort code with an account number, near banking words."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from presidio_analyzer import Pattern, PatternRecognizer

# A table cell of one half of the pair (the other half is in the next column).
SORT_CODE_CELL = re.compile(r"\d{2}[- ]?\d{2}[- ]?\d{2}")
ACCOUNT_NUMBER_CELL = re.compile(r"\d{6,8}")


class UkBankAccountRecognizer(PatternRecognizer):
    """Sort code (NN-NN-NN) and an 8-digit account number within a few words of each other.

    A sort code and account pair has no public checksum (Pay.UK's modulus tables are
    per bank), so the pattern needs context such as "sort code" or "account" to count.
    """

    PATTERNS = [
        Pattern("sort code then account",
                r"\b\d{2}[- ]\d{2}[- ]\d{2}\b\W{1,5}(?:[A-Za-z.:]+\W{1,3}){0,4}\d{8}\b", 0.4),
        Pattern("account then sort code",
                r"\b\d{8}\b\W{1,5}(?:[A-Za-z.:]+\W{1,3}){0,4}\d{2}[- ]\d{2}[- ]\d{2}\b", 0.4),
    ]
    CONTEXT = ["sort", "code", "account", "bank", "acc", "a/c", "bacs"]
    COUNTRY_CODE = "uk"

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="UK_BANK_ACCOUNT",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
        )


def part_column_check(heading_words: Sequence[str]) -> Callable[[str], bool] | None:
    """The check for one cell of a column that holds half of the pair, by its heading's
    words (lower case), or None for a heading of the whole pair.

    Bank details are often split over two columns: a "Sort code" column holds sort codes
    and an "Account number" column account numbers, each only half the pair.
    """
    if "sort" in heading_words:
        return lambda value: bool(SORT_CODE_CELL.fullmatch(value.strip()))
    if "account" in heading_words or "acc" in heading_words:
        return lambda value: bool(ACCOUNT_NUMBER_CELL.fullmatch(value.strip()))
    return None
