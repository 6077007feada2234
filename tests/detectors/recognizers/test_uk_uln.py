"""UK_ULN: ten digits with a valid check digit, reported only with ULN context nearby."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dpscan.detectors.recognizers.uk_uln import UkUlnRecognizer, is_valid_uln

ENTITIES = ["UK_ULN"]
# One ten-digit number in eleven passes the check: the pattern's base score stays below
# the threshold until context lifts it.
SCORE_RANGE = (0.3, 0.3)


@pytest.fixture(scope="module")
def recognizer() -> UkUlnRecognizer:
    return UkUlnRecognizer()


@pytest.mark.parametrize(
    ("text", "expected_len", "expected_positions"),
    [
        # fmt: off
        # valid ULNs
        ("5844267949", 1, ((0, 10),)),
        ("ULN: 5546591012", 1, ((5, 15),)),
        ("Ref 1277201934.", 1, ((4, 14),)),
        ("learner 3091061980 and 9804755245", 2, ((8, 18), (23, 33))),
        # wrong check digit
        ("2579357189", 0, ()),
        ("5980779897", 0, ()),
        ("5844267948", 0, ()),  # 5844267949 with another last digit
        ("1000000060", 0, ()),  # remainder 0: no check digit can be right
        # lookalikes
        ("0844267949", 0, ()),  # a ULN never starts with 0
        ("58442679490", 0, ()),  # 11 digits
        ("58442 67949", 0, ()),  # spaced
        ("uln5844267949", 0, ()),  # glued to a word
        ("9997110668", 0, ()),  # an NHS number (valid mod 11 for NHS, not for ULN)
        ("01134960555", 0, ()),  # a phone number
        # fmt: on
    ],
)
def test_when_uln_in_text_then_all_ulns_found(
    text: str, expected_len: int, expected_positions: tuple[tuple[int, int], ...],
    recognizer: UkUlnRecognizer, assert_found: Callable[..., None],
) -> None:
    results = recognizer.analyze(text, ENTITIES)
    assert_found(results, entity_type=ENTITIES[0], expected_len=expected_len,
                 expected_positions=expected_positions, score_range=SCORE_RANGE)


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        ("ULN: 5844267949", [True]),
        ("Unique Learner Number 5844267949", [True]),
        ("learner 5844267949", [True]),
        ("Order 5844267949", [False]),  # no context: a random number passes 1 time in 11
        ("5844267949 ULN", [False]),  # presidio reads context before a match only
    ],
)
def test_reported_only_with_context(
    text: str, reported: list[bool], recognizer: UkUlnRecognizer,
    reported_in_context: Callable[..., list[bool]],
) -> None:
    assert reported_in_context(recognizer, text, ENTITIES[0]) == reported


def test_shared_vectors(shared_vectors: dict[str, Any]) -> None:
    vectors = shared_vectors["UK_ULN"]
    assert all(is_valid_uln(v) for v in vectors["valid"])
    assert not any(is_valid_uln(v) for v in vectors["invalid_checksum"])
