"""UK_BANK_ACCOUNT: a sort code with an account number, near banking words."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import partial

from presidio_analyzer import Pattern, PatternRecognizer

# A table cell of one half of the pair (the other half is in the next column).
SORT_CODE_CELL = re.compile(r"\d{2}[- ]?\d{2}[- ]?\d{2}")
ACCOUNT_NUMBER_CELL = re.compile(r"\d{6,8}")


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def is_placeholder_sort_code(value: str) -> bool:
    """True for a sort code of one repeated digit ("00-00-00", which no bank has):
    typed to fill a form's field."""
    return len(set(_digits(value))) == 1


def is_placeholder_account(value: str) -> bool:
    """True for an account number of one repeated digit ("00000000", "11111111"): typed
    to fill a form's field, no one's account."""
    return len(set(_digits(value))) == 1


# Each half of a pair as found in matched text (the sort code is the grouped one), and
# the check that says it is a placeholder.
_PLACEHOLDER_HALVES: tuple[tuple[re.Pattern[str], Callable[[str], bool]], ...] = (
    (re.compile(r"\b\d{2}[- ]\d{2}[- ]\d{2}\b"), is_placeholder_sort_code),
    (re.compile(r"\b\d{8}\b"), is_placeholder_account),
)


class UkBankAccountRecognizer(PatternRecognizer):
    """Sort code (NN-NN-NN) and an 8-digit account number within a few words of each other.

    A sort code and account pair has no public checksum (Pay.UK's modulus tables are
    per bank), so the pattern needs context such as "sort code" or "account" to count.
    A pair with a placeholder half (:func:`is_placeholder_sort_code`,
    :func:`is_placeholder_account`) is none.
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

    def invalidate_result(self, pattern_text: str) -> bool:  # noqa: D102
        return any(found is not None and is_placeholder(found.group())
                   for half, is_placeholder in _PLACEHOLDER_HALVES
                   for found in [half.search(pattern_text)])


def part_column_check(heading_words: Sequence[str]) -> Callable[[str], bool] | None:
    """The check for one cell of a column that holds half of the pair, by its heading's
    words (lower case), or None for a heading of the whole pair.

    Bank details are often split over two columns: a "Sort code" column holds sort codes
    and an "Account number" column account numbers, each only half the pair.
    """
    if "sort" in heading_words:
        return partial(_is_half_cell, SORT_CODE_CELL, is_placeholder_sort_code)
    if "account" in heading_words or "acc" in heading_words:
        return partial(_is_half_cell, ACCOUNT_NUMBER_CELL, is_placeholder_account)
    return None


def _is_half_cell(shape: re.Pattern[str], is_placeholder: Callable[[str], bool],
                  value: str) -> bool:
    value = value.strip()
    return bool(shape.fullmatch(value)) and not is_placeholder(value)
