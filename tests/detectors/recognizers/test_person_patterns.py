"""PERSON from titles and register lines, where spaCy's small model misses names."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dpscan.detectors.recognizers.person_patterns import (
    RegisterNameRecognizer,
    TitledNameRecognizer,
)


def _titled(text: str) -> list[str]:
    return [text[r.start:r.end] for r in TitledNameRecognizer().analyze(text, ["PERSON"])]


@pytest.mark.parametrize(("text", "names"), [
    ("Dear Mrs Ibrahim,", ["Ibrahim"]),
    ("Mr Oisín Carroll will attend", ["Oisín Carroll"]),
    ("Cardholder: Mr L. MacLeod", ["L. MacLeod"]),  # an initial and Mac
    ("Miss S. Nguyen and Dr McDonald", ["S. Nguyen", "McDonald"]),
    ("Dear Mrs O'Brien,", ["O'Brien"]),
    ("Mrs J Smith-Jones came", ["J Smith-Jones"]),
    ("Mrs smith", []),  # lower case is not a name
    ("Mr.", []),
])
def test_titled_names(text: str, names: list[str]) -> None:
    assert _titled(text) == names


def test_register_line() -> None:
    text = "O'NEILL, Donna - absent\nNOTE, Please sign\n"
    found = [text[r.start:r.end] for r in RegisterNameRecognizer().analyze(text, ["PERSON"])]
    assert [f.strip() for f in found] == ["O'NEILL, Donna"]


ENTITIES = ["PERSON"]


@pytest.mark.parametrize(
    ("text", "expected_len", "expected_positions"),
    [
        # fmt: off
        # a title, then the name (the span leaves the title out)
        ("Dear Mrs Ibrahim,", 1, ((9, 16),)),
        ("Mr Oisín Carroll will attend", 1, ((3, 16),)),
        ("Mr. Ahmed Khan", 1, ((4, 14),)),
        ("Dr McDonald", 1, ((3, 11),)),
        ("Mx Taylor-Reed", 1, ((3, 14),)),
        ("Ms O'Brien", 1, ((3, 10),)),
        ("Miss S. Nguyen", 1, ((5, 14),)),
        ("Mrs J Smith-Jones came", 1, ((4, 17),)),
        ("Mr and Mrs Smith", 1, ((11, 16),)),
        # lookalikes: no checksum for names; case and spacing decide
        ("Mrs smith", 0, ()),
        ("MR SMITH", 0, ()),
        ("Mrsmith", 0, ()),
        ("Mr.", 0, ()),
        # fmt: on
    ],
)
def test_when_titled_name_in_text_then_all_found(
    text: str, expected_len: int, expected_positions: tuple[tuple[int, int], ...],
    assert_found: Callable[..., None],
) -> None:
    results = TitledNameRecognizer().analyze(text, ENTITIES)
    assert_found(results, entity_type="PERSON", expected_len=expected_len,
                 expected_positions=expected_positions, score_range=(0.85, 0.85))


@pytest.mark.parametrize(
    ("text", "expected_len", "expected_positions"),
    [
        # fmt: off
        # "SURNAME, Forename" at a line's start
        ("O'NEILL, Donna - absent", 1, ((0, 14),)),
        ("HARDING, Wayne", 1, ((0, 14),)),
        ("  HARDING, Wayne", 1, ((0, 16),)),  # the span keeps the indent; the detector strips it
        ("Class 3B\nHARDING, Wayne\nO'NEILL, Donna", 2, ((9, 23), (24, 38))),
        # words that start register-like lines but are no surnames
        ("NOTE, Please sign", 0, ()),
        ("URGENT, Read this", 0, ()),
        # lookalikes
        ("Smith, John", 0, ()),  # surname not in capitals
        ("HARDING,Wayne", 0, ()),  # no space after the comma
        ("Text then HARDING, Wayne", 0, ()),  # not at the line's start
        ("DE LA CRUZ, Maria", 0, ()),  # three capitalised words: not matched today
        # fmt: on
    ],
)
def test_when_register_name_in_text_then_all_found(
    text: str, expected_len: int, expected_positions: tuple[tuple[int, int], ...],
    assert_found: Callable[..., None],
) -> None:
    results = RegisterNameRecognizer().analyze(text, ENTITIES)
    # validate_result confirms the surname, which gives presidio's top score.
    assert_found(results, entity_type="PERSON", expected_len=expected_len,
                 expected_positions=expected_positions, score_range=(1.0, 1.0))
