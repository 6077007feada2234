"""UK_UPN: a check letter the DfE algorithm confirms, then 11 digits and a digit or letter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dpscan.detectors.recognizers.uk_upn import UkUpnRecognizer, is_valid_upn

ENTITIES = ["UK_UPN"]
# A confirmed check letter gives presidio's top score.
SCORE_RANGE = (1.0, 1.0)


@pytest.fixture(scope="module")
def recognizer() -> UkUpnRecognizer:
    return UkUpnRecognizer()


@pytest.mark.parametrize(
    ("text", "expected_len", "expected_positions"),
    [
        # fmt: off
        # valid UPNs
        ("X919288319804", 1, ((0, 13),)),
        ("UPN: V919861317505, next", 1, ((5, 18),)),
        ("T201550515479 and Y380123118405", 2, ((0, 13), (18, 31))),
        ("ref-X919288319804-2", 1, ((4, 17),)),
        ("X919288319804.", 1, ((0, 13),)),
        ("Q91928831980A", 1, ((0, 13),)),  # a temporary UPN ends in a letter
        ("h850683614960", 1, ((0, 13),)),  # presidio's patterns ignore case
        # wrong check letter
        ("G202543626001", 0, ()),
        ("K850286616260", 0, ()),
        ("Y919288319804", 0, ()),  # X919288319804 with another letter
        ("B91928831980A", 0, ()),  # Q91928831980A with another letter
        # lookalikes
        ("I919288319804", 0, ()),  # I, O and S are never check letters
        ("X91928831980S", 0, ()),  # nor a temporary UPN's last letter
        ("X91928831980", 0, ()),  # 12 characters
        ("X9192883198045", 0, ()),  # 14
        ("1X919288319804", 0, ()),  # inside a longer code
        ("H850683614960A", 0, ()),
        ("X9192883198O4", 0, ()),  # a letter O among the digits
        ("X919 2883 19804", 0, ()),  # spaced
        ("A12345678901Z", 0, ()),
        # placeholders: no local authority has code 000, though the check letter fits
        ("F000123456789", 0, ()),
        ("UPN: F000123456789", 0, ()),
        ("P201123456789", 1, ((0, 13),)),  # the same number with a real authority's code
        # fmt: on
    ],
)
def test_when_upn_in_text_then_all_upns_found(
    text: str, expected_len: int, expected_positions: tuple[tuple[int, int], ...],
    recognizer: UkUpnRecognizer, assert_found: Callable[..., None],
) -> None:
    results = recognizer.analyze(text, ENTITIES)
    assert_found(results, entity_type=ENTITIES[0], expected_len=expected_len,
                 expected_positions=expected_positions, score_range=SCORE_RANGE)


def test_shared_vectors(shared_vectors: dict[str, Any], recognizer: UkUpnRecognizer) -> None:
    vectors = shared_vectors["UK_UPN"]
    assert all(is_valid_upn(v) for v in vectors["valid"])
    assert not any(is_valid_upn(v) for v in vectors["invalid_checksum"])
    assert all(len(recognizer.analyze(f"UPN {v}", ENTITIES)) == 1 for v in vectors["valid"])
    assert not any(recognizer.analyze(f"UPN {v}", ENTITIES) for v in vectors["invalid_checksum"])
