"""PERSON from titles and register lines, where spaCy's small model misses names."""

from __future__ import annotations

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
