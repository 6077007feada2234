"""DATE_OF_BIRTH: a real past date with a birth cue shortly before it on its line, or in a
table column whose heading is such a cue."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dpscan.detectors.recognizers.date_of_birth import DateOfBirthRecognizer

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
        # a column headed by a cue
        ("Name,DOB,Class\nAmy,12/03/2015,3B\nBen,04/07/2014,3C", 2, ((19, 29), (37, 47))),
        ("Name\tD.O.B.\nAmy\t12/03/2015", 1, ((16, 26),)),
        ("Name|DOB\nAmy|12/03/2015", 1, ((13, 23),)),
        # no check digit: a date that cannot be a birth date stands in for one
        ("DOB 31/02/2015", 0, ()),
        ("DOB 29/02/2015", 0, ()),  # not a leap year
        ("Date of birth: 01/01/1899", 0, ()),  # before 1900
        ("DOB 01/01/2099", 0, ()),  # in the future
        # dates without a cue
        ("Meeting on 12/03/2015", 0, ()),
        ("Name,Date,Class\nAmy,12/03/2015,3B", 0, ()),
        ("DOB\n12/03/2015", 0, ()),  # the cue is on another line
        ("DOB: see the note; the meeting was moved to 12/03/2015", 0, ()),  # 40+ chars away
        # the cue reaches 40 characters on: a second date after the birth date counts too
        # (reported to the lead)
        pytest.param("DOB 12/03/2015, start date 01/09/2019", 1, ((4, 14),),
                     marks=pytest.mark.xfail(strict=True, reason="cue window covers 2nd date")),
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
