"""UK_BANK_ACCOUNT: a sort code and an 8-digit account number a few words apart, reported
only near banking words (Pay.UK's modulus checks are per bank and not applied)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dpscan.detectors.recognizers.uk_bank_account import UkBankAccountRecognizer

ENTITIES = ["UK_BANK_ACCOUNT"]
SCORE_RANGE = (0.4, 0.4)


@pytest.fixture(scope="module")
def recognizer() -> UkBankAccountRecognizer:
    return UkBankAccountRecognizer()


@pytest.mark.parametrize(
    ("text", "expected_len", "expected_positions"),
    [
        # fmt: off
        # sort code and account (Vocalink's modulus test pairs): the span holds both
        ("Sort code 08-99-99 account 66374958", 1, ((10, 35),)),
        ("10-79-99 88837491", 1, ((0, 17),)),
        ("Account 63748472, sort code 20-29-59", 1, ((8, 36),)),  # account first
        ("20 29 59 63748472", 1, ((0, 17),)),  # sort code with spaces
        ("08-99-99 a b c d 66374958", 1, ((0, 25),)),  # four words between
        # no checksum to fail: one half alone, or the wrong shape
        ("08-99-99", 0, ()),
        ("66374958", 0, ()),
        ("08-99-99 6637495", 0, ()),  # seven-digit account
        ("08-99-99 663749581", 0, ()),  # nine
        ("080-99-99 66374958", 0, ()),
        ("12/03/15 66374958", 0, ()),  # a date, not a sort code
        ("08-99-99 a b c d e 66374958", 0, ()),  # five words between
        ("08-99-99 then a long sentence with many words 66374958", 0, ()),
        # fmt: on
    ],
)
def test_when_bank_account_in_text_then_all_found(
    text: str, expected_len: int, expected_positions: tuple[tuple[int, int], ...],
    recognizer: UkBankAccountRecognizer, assert_found: Callable[..., None],
) -> None:
    results = recognizer.analyze(text, ENTITIES)
    assert_found(results, entity_type=ENTITIES[0], expected_len=expected_len,
                 expected_positions=expected_positions, score_range=SCORE_RANGE)


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        ("Sort code 08-99-99 account 66374958", [True]),
        ("Bank: 08-99-99 66374958", [True]),
        ("10-79-99 88837491", [False]),
        ("Invoice 12345678 dated 12-03-15", [False]),  # a date after an invoice number
        # presidio matches context entries as parts of words: "acc" is in "Accessibility"
        # (reported to the lead).
        ("Accessibility fund 12345678 dated 12-03-15", [True]),
    ],
)
def test_reported_only_with_context(
    text: str, reported: list[bool], recognizer: UkBankAccountRecognizer,
    reported_in_context: Callable[..., list[bool]],
) -> None:
    assert reported_in_context(recognizer, text, ENTITIES[0]) == reported


def test_shared_vectors(
    shared_vectors: dict[str, Any], recognizer: UkBankAccountRecognizer
) -> None:
    for sort_code, account in shared_vectors["UK_BANK_ACCOUNT"]["valid"]:
        text = f"Sort code {sort_code}, account {account}"
        assert len(recognizer.analyze(text, ENTITIES)) == 1
