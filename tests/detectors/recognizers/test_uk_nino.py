"""UK_NINO: presidio's letter rules, with HMRC's administrative prefixes rejected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from dpscan.detectors.recognizers.uk_nino import UkNinoRecognizer

ENTITIES = ["UK_NINO"]
# No checksum: presidio's pattern score, which is already the default threshold.
SCORE_RANGE = (0.5, 0.5)


@pytest.fixture(scope="module")
def recognizer() -> UkNinoRecognizer:
    return UkNinoRecognizer()


@pytest.mark.parametrize(
    ("text", "expected_len", "expected_positions"),
    [
        # fmt: off
        # valid NINOs
        ("GP133472D", 1, ((0, 9),)),
        ("NI number: CE952730A", 1, ((11, 20),)),
        ("NN 89 07 43 C", 1, ((0, 13),)),  # spaced as on the card
        ("AB123456A", 1, ((0, 9),)),
        ("gp133472d", 1, ((0, 9),)),  # presidio's patterns ignore case
        # hyphenated, and in two groups of three, as forms and exports write them
        ("AB-12-34-56-C", 1, ((0, 13),)),
        ("NI no: NN-89-07-43-C.", 1, ((7, 20),)),
        ("AB 123 456 C", 1, ((0, 12),)),
        ("AB123 456C", 1, ((0, 10),)),
        ("AB-123-456-C", 1, ((0, 12),)),
        ("ab-12-34-56-c", 1, ((0, 13),)),
        # NINOs have no check digit; HMRC's administrative prefixes stand in for one
        ("OO123456A", 0, ()),
        ("CR123456B", 0, ()),
        ("PZ123456C", 0, ()),
        ("PY 12 34 56 D", 0, ()),
        ("OO-12-34-56-A", 0, ()),
        ("NC 123 456 A", 0, ()),
        # letters a NINO never has
        ("UB536887D", 0, ()),  # first letter U
        ("QY063928B", 0, ()),  # first letter Q
        ("GU758048A", 0, ()),  # second letter U
        ("EV392239C", 0, ()),  # second letter V
        ("JO129881C", 0, ()),  # second letter O
        ("GB905802B", 0, ()),  # prefixes never issued
        ("KN383072C", 0, ()),
        ("TN647301C", 0, ()),
        ("GB-90-58-02-B", 0, ()),  # in the new layouts too
        ("ZZ 123 456 A", 0, ()),
        ("QY-06-39-28-B", 0, ()),
        ("GU 758 048 A", 0, ()),
        # lookalikes
        ("GP133472E", 0, ()),  # suffix after D
        ("XGP133472D", 0, ()),  # inside a longer code
        ("GP1334720D", 0, ()),  # seven digits
        ("CS815163", 0, ()),  # without its suffix letter: not found
        ("AB-12-34-56-E", 0, ()),  # suffix after D, hyphenated
        ("AB 123 456 E", 0, ()),
        ("AB-12 34-56-C", 0, ()),  # separators mixed
        ("AB-123 456-C", 0, ()),
        ("AB-12-34-56C", 0, ()),  # the suffix not hyphenated like the rest
        ("AB-12-34-567-C", 0, ()),  # seven digits
        ("AB 123 4567 C", 0, ()),
        ("AB 12 345 C", 0, ()),  # five
        ("AB-12-34-56-C9", 0, ()),  # inside a longer code
        ("AB 1234 567 C", 0, ()),
        # fmt: on
    ],
)
def test_when_nino_in_text_then_all_ninos_found(
    text: str, expected_len: int, expected_positions: tuple[tuple[int, int], ...],
    recognizer: UkNinoRecognizer, assert_found: Callable[..., None],
) -> None:
    results = recognizer.analyze(text, ENTITIES)
    assert_found(results, entity_type=ENTITIES[0], expected_len=expected_len,
                 expected_positions=expected_positions, score_range=SCORE_RANGE)


@pytest.mark.parametrize(
    ("text", "reported"),
    [("NI no: GP133472D", [True]), ("Ref GP133472D", [True])],
)
def test_reported_with_or_without_context(
    text: str, reported: list[bool], recognizer: UkNinoRecognizer,
    reported_in_context: Callable[..., list[bool]],
) -> None:
    assert reported_in_context(recognizer, text, ENTITIES[0]) == reported


def test_shared_vectors(shared_vectors: dict[str, Any], recognizer: UkNinoRecognizer) -> None:
    vectors = shared_vectors["UK_NINO"]
    assert all(len(recognizer.analyze(v, ENTITIES)) == 1 for v in vectors["valid"]
               if v[:2] not in ("OO", "CR", "FY", "MW", "NC", "PP", "PY", "PZ"))
    assert not any(recognizer.analyze(v, ENTITIES) for v in vectors["invalid_format"])
