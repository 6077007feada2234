"""UK_POSTCODE: presidio's per-position letter rules, scored to stand without context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dpscan.detectors.recognizers.uk_postcode import UkPostcodeRecognizer

ENTITIES = ["UK_POSTCODE"]
SCORE_RANGE = (0.5, 0.5)


@pytest.fixture(scope="module")
def recognizer() -> UkPostcodeRecognizer:
    return UkPostcodeRecognizer()


@pytest.mark.parametrize(
    ("text", "expected_len", "expected_positions"),
    [
        # fmt: off
        # valid postcodes, one of each outward shape
        ("SW1A 1AA", 1, ((0, 8),)),
        ("EC1A 1BB", 1, ((0, 8),)),
        ("W1A 0AX", 1, ((0, 7),)),
        ("M1 1AE", 1, ((0, 6),)),
        ("B33 8TH", 1, ((0, 7),)),
        ("CR2 6XH", 1, ((0, 7),)),
        ("DN55 1PT", 1, ((0, 8),)),
        ("GIR 0AA", 1, ((0, 7),)),
        ("Mill Lane, Leeds LS1 4AB.", 1, ((17, 24),)),
        ("sw1a 1aa", 1, ((0, 8),)),  # presidio's patterns ignore case
        ("SW1A1AA", 1, ((0, 7),)),  # without the space
        # no checksum: letters a position never holds stand in for one
        ("QA1 1AA", 0, ()),  # Q never starts a postcode
        ("V1 1AA", 0, ()),
        ("SW1A 1AC", 0, ()),  # C never ends one
        ("AB1 1CI", 0, ()),
        ("Z9 9ZI", 0, ()),
        ("Room B12 3CD", 0, ()),
        # lookalikes
        ("XX1 1XX", 0, ()),
        ("A1 2BC", 0, ()),
        ("ISO 9001", 0, ()),
        ("Year 10 2AB", 0, ()),
        ("ABC1 1AA", 0, ()),
        ("SW1A 1AAB", 0, ()),
        # fmt: on
    ],
)
def test_when_postcode_in_text_then_all_postcodes_found(
    text: str, expected_len: int, expected_positions: tuple[tuple[int, int], ...],
    recognizer: UkPostcodeRecognizer, assert_found: Callable[..., None],
) -> None:
    results = recognizer.analyze(text, ENTITIES)
    assert_found(results, entity_type=ENTITIES[0], expected_len=expected_len,
                 expected_positions=expected_positions, score_range=SCORE_RANGE)


def test_shared_vectors(shared_vectors: dict[str, Any], recognizer: UkPostcodeRecognizer) -> None:
    vectors = shared_vectors["UK_POSTCODE"]
    assert all(len(recognizer.analyze(v, ENTITIES)) == 1 for v in vectors["valid"])
    assert not any(recognizer.analyze(v, ENTITIES) for v in vectors["invalid_format"])
