"""What counts as a name, and counting people."""

from __future__ import annotations

from collections import Counter

import pytest

from dpscan.detectors.names import (
    count_people,
    person_key,
    plausible_person,
    recase_for_ner,
    split_person_span,
)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("Amelia Jones", True), ("JONES", True), ("O'Neill", True), ("Mrs Katie Day", True),
        ("Dear", False), ("Mrs", False), ("Headteacher", False), ("year", False),
        ("Albert Terrace", False), ("Hollins Lane", False), ("St Mary's", False),
        ("KIT STORE - LOCKER", False), ("Room 12", False), ("j.smith@x.org", False),
        ("Oak Primary School", False), ("amelia", False),
    ],
)
def test_plausible_person(value: str, ok: bool) -> None:
    assert plausible_person(value) is ok


def test_recase_keeps_length_acronyms_and_headings() -> None:
    text = "JONES Amelia, NHS 999\nMEDICAL REGISTER 2020\nSMITH, Ben"
    recased = recase_for_ner(text)
    assert len(recased) == len(text)
    assert recased == "Jones Amelia, NHS 999\nMEDICAL REGISTER 2020\nSmith, Ben"


def test_split_person_span_at_line_breaks() -> None:
    assert split_person_span("Miss S. Nguyen\nNathan Smith") == [(0, "Miss S. Nguyen"),
                                                                  (15, "Nathan Smith")]
    assert split_person_span("Ms Dimitrov\nHeadteacher") == [(0, "Ms Dimitrov")]


def test_person_key_and_count_people() -> None:
    assert person_key("Dear Mrs S. JONES") == person_key("Jones, S")
    keys = Counter({person_key(n) for n in ("Judith Burton", "Mrs Burton", "Anna Burton",
                                            "Anna", "Ben Smith")})
    assert count_people(keys) == 3
    assert count_people(Counter({"amelia jones": 2, "jones": 1})) == 2  # two Amelia Joneses
