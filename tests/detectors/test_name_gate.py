"""The NER gate: which words can be names, so spaCy reads only the lines that hold one."""

from __future__ import annotations

import pytest

from dpscan.detectors.name_gate import is_plain_word, name_candidates, plain_words


def candidates(text: str) -> set[str]:
    return {text[start:end] for start, end in name_candidates(text)}


def test_plain_words_are_english_words_that_are_not_names() -> None:
    words = plain_words()
    assert len(words) > 50_000
    assert {"school", "library", "garden", "attendance"} <= words
    # SCOWL lists these with a capital too: they are names as well as words.
    assert not {"grace", "rose", "brown", "may", "hope"} & words


@pytest.mark.parametrize("word", ["Headteacher", "Friday", "Frameworks", "Donations",
                                  "SCHOOL", "Reading", "Carers'", "Governors"])
def test_plain_and_school_words_are_not_candidates(word: str) -> None:
    assert is_plain_word(word)
    assert candidates(f"The {word} was there.\n") == set()


@pytest.mark.parametrize("text, expected", [
    ("Amelia has settled well.", {"Amelia"}),  # not an English word
    ("Oisín Ó Briain came.", {"Oisín", "Briain"}),  # accents
    ("Thank you, Grace.", {"Grace"}),  # a name SCOWL knows
    ("I spoke to Jade about it.", {"Jade"}),  # a plain word in mid-sentence
    ("Dear Mrs Birch,", {"Mrs B"}),  # after a title
    ("Signed by E. Law today", {"E. L"}),  # after an initial
    ("BURNS, Jade\tYear 3", {"BURNS, Ja", "Jade\tYear"}),  # register line
    ("We thank Jade Wells today.", {"Jade Wells", "Jade"}),
    ("Kind regards\nJade Wells\n", {"Jade Wells"}),  # a signature line
    ("Kind regards\r\nJade Wells\r\n", {"Jade Wells"}),  # Windows line ends
])
def test_name_candidates(text: str, expected: set[str]) -> None:
    assert candidates(text) == expected


@pytest.mark.parametrize("text", [
    "The School Office is open on Friday.",
    "Please Note: the Year 3 trip is in June.",
    "PE kit must be worn. SEN support is reviewed by the DSL.",
    "Our Headteacher and Governors thank all Parents and Carers.",
    "pupils and parents are consulted; children learn to read.",
])
def test_school_prose_without_names_has_no_candidates(text: str) -> None:
    assert candidates(text) == set()
