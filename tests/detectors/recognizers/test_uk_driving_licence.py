"""UK_DRIVING_LICENCE: the DVLA's 16 characters, compact or in the card's spaced groups,
with or without the 2-digit issue number, and a birth date that exists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dpscan.detectors.recognizers.uk_driving_licence import UkDrivingLicenceRecognizer

ENTITIES = ["UK_DRIVING_LICENCE"]
# No public checksum: presidio's pattern score (the type's threshold is 0.4).
SCORE_RANGE = (0.5, 0.5)


@pytest.fixture(scope="module")
def recognizer() -> UkDrivingLicenceRecognizer:
    return UkDrivingLicenceRecognizer()


@pytest.mark.parametrize(
    ("text", "expected_len", "expected_positions"),
    [
        # fmt: off
        # licence numbers (MORGA 753116: a woman born 11 March 1976)
        ("MORGA753116SM9IJ", 1, ((0, 16),)),
        ("Licence: TESTE807045JA9XY.", 1, ((9, 25),)),
        ("MCDON704152P99AB", 1, ((0, 16),)),  # one initial, padded with 9
        # in the card's groups, and with the issue number attached
        ("MORGA 753116 SM9IJ", 1, ((0, 18),)),
        ("MORGA 753116 SM9IJ 35", 1, ((0, 21),)),
        ("MORGA753116SM9IJ35", 1, ((0, 18),)),
        ("MORGA753116SM9IJ 35", 1, ((0, 19),)),
        ("O9999809013AB9CD 01", 1, ((0, 19),)),
        ("Licence MORGA 753116 SM9IJ 35, expires 2030", 1, ((8, 29),)),
        ("TESTE807045JA9XY 2019", 1, ((0, 16),)),  # a year after it is no issue number
        ("MORGA702291SM9IJ", 1, ((0, 16),)),  # 29 February: the century is unknown
        # a birth date that does not exist
        ("MORGA702301SM9IJ", 0, ()),  # 30 February
        ("MORGA 704311 SM9IJ 35", 0, ()),  # 31 April
        ("MORGA754311SM9IJ35", 0, ()),  # 31 April, a woman
        ("MORGA713011SM9IJ", 0, ()),  # month 13
        ("MORGA763011SM9IJ", 0, ()),  # month 63
        ("MORGA700011SM9IJ", 0, ()),  # month 00
        ("MORGA 753326 SM9IJ", 0, ()),  # day 32
        # surnames a licence never has
        ("MO9GA753116SM9IJ", 0, ()),  # a 9 before a letter
        ("99999 753116 SM9IJ 35", 0, ()),
        # lookalikes
        ("MORGA 753116SM9IJ", 0, ()),  # groups spaced only in part
        ("MORGA753116 SM9IJ 35", 0, ()),
        ("MORGA753116SM9IJ355", 0, ()),  # a three-digit issue number
        ("MORGA 753116 SM9IJ 3", 1, ((0, 18),)),  # one digit after: not an issue number
        ("XMORGA753116SM9IJ", 0, ()),
        ("MORGA-753116-SM9IJ", 0, ()),
        # fmt: on
    ],
)
def test_when_licence_in_text_then_all_licences_found(
    text: str, expected_len: int, expected_positions: tuple[tuple[int, int], ...],
    recognizer: UkDrivingLicenceRecognizer, assert_found: Callable[..., None],
) -> None:
    results = recognizer.analyze(text, ENTITIES)
    assert_found(results, entity_type=ENTITIES[0], expected_len=expected_len,
                 expected_positions=expected_positions, score_range=SCORE_RANGE)


def test_shared_vectors(shared_vectors: dict[str, Any],
                        recognizer: UkDrivingLicenceRecognizer) -> None:
    for value in shared_vectors["UK_DRIVING_LICENCE"]["valid"]:
        assert len(recognizer.analyze(f"Driving licence {value}", ENTITIES)) == 1, value
