"""UK_NHS: ten digits in 3-3-4 with a valid modulus-11 check digit, and not a placeholder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dpscan.detectors.recognizers.uk_nhs import UkNhsRecognizer

ENTITIES = ["UK_NHS"]
# A confirmed check digit gives presidio's top score.
SCORE_RANGE = (1.0, 1.0)


@pytest.fixture(scope="module")
def recognizer() -> UkNhsRecognizer:
    return UkNhsRecognizer()


@pytest.mark.parametrize(
    ("text", "expected_len", "expected_positions"),
    [
        # fmt: off
        # valid NHS numbers
        ("999 000 0018", 1, ((0, 12),)),
        ("NHS number: 9990000018", 1, ((12, 22),)),
        ("999-765-4323", 1, ((0, 12),)),
        ("9997110668 and 9995803518", 2, ((0, 10), (15, 25))),
        # wrong check digit
        ("999 000 0019", 0, ()),
        ("9996372549", 0, ()),
        # placeholders: all one digit, though 0000000000 and 9999999999 pass modulus 11
        ("000 000 0000", 0, ()),
        ("NHS number: 0000000000", 0, ()),
        ("999 999 9999", 0, ()),
        ("999-999-9999", 0, ()),
        ("9999999999", 0, ()),
        ("555 555 5555", 0, ()),
        # lookalikes
        ("999 000 001", 0, ()),  # nine digits
        ("99900000180", 0, ()),  # eleven
        ("1999 000 0018", 0, ()),
        # fmt: on
    ],
)
def test_when_nhs_in_text_then_all_nhs_found(
    text: str, expected_len: int, expected_positions: tuple[tuple[int, int], ...],
    recognizer: UkNhsRecognizer, assert_found: Callable[..., None],
) -> None:
    results = recognizer.analyze(text, ENTITIES)
    assert_found(results, entity_type=ENTITIES[0], expected_len=expected_len,
                 expected_positions=expected_positions, score_range=SCORE_RANGE)


def test_shared_vectors(shared_vectors: dict[str, Any], recognizer: UkNhsRecognizer) -> None:
    vectors = shared_vectors["UK_NHS"]
    assert all(len(recognizer.analyze(v, ENTITIES)) == 1 for v in vectors["valid"])
    assert not any(recognizer.analyze(v, ENTITIES) for v in vectors["invalid_checksum"])
