"""DATE_OF_BIRTH: a real past date with a birth cue shortly before or after it on its line
(the nearest date on the cue's side), or in a table column whose heading is such a cue."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dpscan.detectors.recognizers.date_of_birth import (
    DateOfBirthRecognizer,
    birth_year,
    is_date_of_birth_value,
)

ENTITIES = ["DATE_OF_BIRTH"]
SCORE_RANGE = (0.85, 0.85)


@pytest.fixture(scope="module")
def recognizer() -> DateOfBirthRecognizer:
    return DateOfBirthRecognizer()


@pytest.mark.parametrize(
    ("text", "expected_len", "expected_positions"),
    [
        # fmt: off
        # a cue before the date
        ("DOB: 12/03/2015", 1, ((5, 15),)),
        ("Date of birth 3 March 2015", 1, ((14, 26),)),
        ("Born 2015-03-12 in Leeds", 1, ((5, 15),)),
        ("born on 12th March 2015", 1, ((8, 23),)),
        ("d.o.b. 12.03.2015", 1, ((7, 17),)),
        ("Birthday: 12 Mar 2015", 1, ((10, 21),)),
        ("DOB 12/03/15", 1, ((4, 12),)),
        ("DOB 29/02/2016", 1, ((4, 14),)),  # a leap day
        # the month's name between hyphens or slashes, with a four- or two-digit year
        ("DOB 22-Nov-1972", 1, ((4, 15),)),
        ("born 22-Nov-72", 1, ((5, 14),)),
        ("Date of birth: 3-Mar-15", 1, ((15, 23),)),
        ("DOB 22/Nov/1972", 1, ((4, 15),)),
        ("D.O.B. 22-November-1972", 1, ((7, 23),)),
        # ISO, with the time JSON and XML exports add
        ("DOB: 2009-02-22T00:00:00Z", 1, ((5, 25),)),
        ("<BirthDate>2009-02-22T00:00:00+01:00</BirthDate>", 1, ((11, 36),)),
        # the cue after the date
        ("1985-01-01 is my birthday", 1, ((0, 10),)),
        ("22-Nov-72 (DOB)", 1, ((0, 9),)),
        ("Amy 12/03/2015 date of birth", 1, ((4, 14),)),
        # a cue belongs to the nearest date on its side
        ("DOB 12/03/2015, start date 01/09/2019", 1, ((4, 14),)),
        ("Joined 01/09/2019, DOB 12/03/2015", 1, ((23, 33),)),
        ("01/09/2019 to 12/03/2020 birthday party", 1, ((14, 24),)),
        # a column headed by a cue
        ("Name,DOB,Class\nAmy,12/03/2015,3B\nBen,04/07/2014,3C", 2, ((19, 29), (37, 47))),
        ("Name\tD.O.B.\nAmy\t12/03/2015", 1, ((16, 26),)),
        ("Name|DOB\nAmy|12/03/2015", 1, ((13, 23),)),
        # no check digit: a date that cannot be a birth date stands in for one
        ("DOB 31/02/2015", 0, ()),
        ("DOB 29/02/2015", 0, ()),  # not a leap year
        ("Date of birth: 01/01/1899", 0, ()),  # before 1900
        ("DOB 01/01/2099", 0, ()),  # in the future
        ("DOB 31-Feb-1972", 0, ()),
        ("DOB 22-Nov-2072", 0, ()),
        ("born 22-Nov/1972", 0, ()),  # separators mixed
        ("DOB 22-Nop-1972", 0, ()),  # no such month
        ("DOB 2009-02-30T00:00:00Z", 0, ()),
        # dates without a cue
        ("Meeting on 12/03/2015", 0, ()),
        ("Name,Date,Class\nAmy,12/03/2015,3B", 0, ()),
        ("DOB\n12/03/2015", 0, ()),  # the cue is on another line
        ("DOB: see the note; the meeting was moved to 12/03/2015", 0, ()),  # 40+ chars away
        ("Meeting 22-Nov-1972", 0, ()),
        ("12 May 20 pupils were born", 0, ()),  # spaced, two-digit year: not a date form
        ("12/03/2015\nbirthday", 0, ()),  # the cue after is on another line
        ("12/03/2015, and a long way further on, born", 0, ()),  # 25+ chars away
        ("Term 03/09/2025; born 12/03/2015", 1, ((22, 32),)),  # the cue is the next date's
        # fmt: on
    ],
)
def test_when_date_of_birth_in_text_then_all_found(
    text: str, expected_len: int, expected_positions: tuple[tuple[int, int], ...],
    recognizer: DateOfBirthRecognizer, assert_found: Callable[..., None],
) -> None:
    results = recognizer.analyze(text, ENTITIES)
    assert_found(results, entity_type=ENTITIES[0], expected_len=expected_len,
                 expected_positions=expected_positions, score_range=SCORE_RANGE)


@pytest.mark.parametrize(
    ("cell", "is_birth_date", "year"),
    [
        ("22-Nov-1972", True, 1972),
        ("22-Nov-72", True, 1972),
        ("2009-02-22T00:00:00", True, 2009),
        ("2009-02-22T00:00:00.000Z", True, 2009),
        ("31-Feb-1972", False, None),
        ("Nov-72", False, None),
    ],
)
def test_a_column_cell_in_the_new_forms(cell: str, is_birth_date: bool, year: int | None) -> None:
    assert is_date_of_birth_value(cell) is is_birth_date
    assert birth_year(cell) == year
