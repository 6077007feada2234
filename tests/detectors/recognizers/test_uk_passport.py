"""UK_PASSPORT: nine digits (or presidio's two letters and seven), reported only near
"passport": no checksum outside the machine-readable zone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dpscan.detectors.recognizers.uk_passport import UkPassportRecognizer

ENTITIES = ["UK_PASSPORT"]
# Below the threshold on its own: context lifts it over.
SCORE_RANGE = (0.1, 0.1)


@pytest.fixture(scope="module")
def recognizer() -> UkPassportRecognizer:
    return UkPassportRecognizer()


@pytest.mark.parametrize(
    ("text", "expected_len", "expected_positions"),
    [
        # fmt: off
        # passport numbers
        ("999228775", 1, ((0, 9),)),
        ("Passport no. 999228775 expires", 1, ((13, 22),)),
        ("AB1234567", 1, ((0, 9),)),  # the letter form presidio knows
        ("ab1234567", 1, ((0, 9),)),  # presidio's patterns ignore case
        # no checksum to fail: shapes that are not passport numbers
        ("99922877", 0, ()),  # eight digits
        ("9992287750", 0, ()),  # ten
        ("999 228 775", 0, ()),  # spaced
        ("999-228-775", 0, ()),
        ("A1234567", 0, ()),
        ("ABC1234567", 0, ()),
        ("12AB34567", 0, ()),
        # fmt: on
    ],
)
def test_when_passport_in_text_then_all_passports_found(
    text: str, expected_len: int, expected_positions: tuple[tuple[int, int], ...],
    recognizer: UkPassportRecognizer, assert_found: Callable[..., None],
) -> None:
    results = recognizer.analyze(text, ENTITIES)
    assert_found(results, entity_type=ENTITIES[0], expected_len=expected_len,
                 expected_positions=expected_positions, score_range=SCORE_RANGE)


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        ("Passport no. 999228775", [True]),
        ("Passports: 999228775", [True]),
        ("Passport was renewed in March last year, number 999228775", [True]),
        ("Order 999228775", [False]),  # any nine-digit reference
        # presidio compares a context entry with one word at a time, so the two-word
        # entry "travel document" never matches (reported to the lead).
        pytest.param("Travel document: 999228775", [True],
                     marks=pytest.mark.xfail(strict=True, reason="two-word context entry")),
    ],
)
def test_reported_only_with_context(
    text: str, reported: list[bool], recognizer: UkPassportRecognizer,
    reported_in_context: Callable[..., list[bool]],
) -> None:
    assert reported_in_context(recognizer, text, ENTITIES[0]) == reported


def test_shared_vectors(shared_vectors: dict[str, Any], recognizer: UkPassportRecognizer) -> None:
    for value in shared_vectors["UK_PASSPORT"]["valid"]:
        assert len(recognizer.analyze(f"Passport {value}", ENTITIES)) == 1
