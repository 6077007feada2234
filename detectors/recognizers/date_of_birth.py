"""DATE_OF_BIRTH: a date that the text says is someone's date of birth.

Dates alone are not personal data (term dates, meeting dates).  A date counts here
only when a cue ("DOB", "date of birth", "born") comes shortly before it on the same
line with no other date between them, or shortly after it ("1985-01-01 is my birthday")
without a date of its own, or when it sits in a table column whose header is such a cue.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from dpscan.detectors.dates import CUE_RE, DATE_RE, parse_date

# How far before a date (same line) a cue may stand.
CUE_WINDOW = 40
# How far after a date a cue may stand: "22/11/1972 is my birthday", "12/03/2015 (DOB)".
CUE_AFTER_WINDOW = 25


def birth_year(value: str) -> int | None:
    """The year of a date-of-birth value ("02/03/2015" -> 2015), or None."""
    match = DATE_RE.search(value)
    date = parse_date(match) if match else None
    return date.year if date else None


def is_date_of_birth_value(value: str) -> bool:
    """True for a table cell that is a real past date (the column heading says whose birth)."""
    match = DATE_RE.fullmatch(value.strip())
    if match is None:
        # Spreadsheet exports add midnight: "02/03/2015 00:00".
        match = DATE_RE.match(value.strip())
        if match is None or value.strip()[match.end():].strip() not in ("", "00:00", "00:00:00"):
            return False
    date = parse_date(match)
    return date is not None and dt.date(1900, 1, 1) <= date <= dt.date.today()


class DateOfBirthRecognizer(LocalRecognizer):
    """Finds dates with a date-of-birth cue next to them or a date-of-birth column header."""

    SCORE = 0.85
    COUNTRY_CODE = "uk"
    # Set by EntityRecognizer.__init__, in a branch mypy cannot type from presidio's code.
    name: str

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entities=["DATE_OF_BIRTH"],
            supported_language=supported_language,
            name="DateOfBirthRecognizer",
        )

    def load(self) -> None:  # noqa: D102
        pass

    def analyze(  # noqa: D102
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        line_starts: list[int] | None = None
        header_cache: dict[int, list[str]] = {}
        today = dt.date.today()
        for match in DATE_RE.finditer(text):
            date = parse_date(match)
            if date is None or not dt.date(1900, 1, 1) <= date <= today:
                continue
            reason = None
            if _cue_before(text, match):
                reason = "date-of-birth cue before the date"
            elif _cue_after(text, match):
                reason = "date-of-birth cue after the date"
            else:
                if line_starts is None:
                    line_starts = _line_starts(text)
                if _in_dob_column(text, line_starts, match.start(), header_cache):
                    reason = "date in a date-of-birth column"
            if reason:
                explanation = AnalysisExplanation(
                    recognizer=self.name, original_score=self.SCORE, textual_explanation=reason
                )
                results.append(
                    RecognizerResult("DATE_OF_BIRTH", match.start(), match.end(), self.SCORE,
                                     analysis_explanation=explanation)
                )
        return results


def _cue_before(text: str, date: re.Match[str]) -> bool:
    """A cue within :data:`CUE_WINDOW` before ``date`` on its line, with no other date
    between them ("DOB 12/03/2015, start date 01/09/2019": the cue is the first's)."""
    line_start = text.rfind("\n", 0, date.start()) + 1
    window_start = max(line_start, date.start() - CUE_WINDOW)
    cues = list(CUE_RE.finditer(text, window_start, date.start()))
    return bool(cues) and DATE_RE.search(text, cues[-1].end(), date.start()) is None


def _cue_after(text: str, date: re.Match[str]) -> bool:
    """A cue within :data:`CUE_AFTER_WINDOW` after ``date`` on its line, with no date
    between them and none of its own after it ("Joined 01/09/2019, DOB 12/03/2015": the
    cue is the second date's)."""
    line_end = text.find("\n", date.end())
    line_end = len(text) if line_end == -1 else line_end
    cue = CUE_RE.search(text, date.end(), min(line_end, date.end() + CUE_AFTER_WINDOW))
    if cue is None or DATE_RE.search(text, date.end(), cue.start()):
        return False
    return DATE_RE.search(text, cue.end(), min(line_end, cue.end() + CUE_WINDOW)) is None


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return starts


def _split_row(line: str) -> tuple[str | None, list[str]]:
    for delimiter in ("\t", ",", ";", "|"):
        if delimiter in line:
            return delimiter, line.split(delimiter)
    return None, [line]


def _in_dob_column(
    text: str, line_starts: list[int], position: int, header_cache: dict[int, list[str]]
) -> bool:
    """True when ``position`` is in a delimited row whose block header names a DOB column.

    A block is a run of lines split by the same delimiter (a sheet, a CSV, a table);
    its first line is taken as the header.
    """
    line_no = bisect.bisect_right(line_starts, position) - 1
    line_start = line_starts[line_no]
    line_end = text.find("\n", position)
    line = text[line_start: line_end if line_end != -1 else len(text)]
    delimiter, _ = _split_row(line)
    if delimiter is None:
        return False
    column = line.count(delimiter, 0, position - line_start)
    header_no = line_no
    while header_no > 0:
        previous = text[line_starts[header_no - 1]: line_starts[header_no]].strip()
        if delimiter not in previous:
            break
        header_no -= 1
    if header_no == line_no:
        return False
    if header_no not in header_cache:
        header_end = text.find("\n", line_starts[header_no])
        header_line = text[line_starts[header_no]: header_end if header_end != -1 else None]
        header_cache[header_no] = header_line.split(delimiter)
    header = header_cache[header_no]
    return column < len(header) and bool(CUE_RE.search(header[column]))


__all__ = ["DateOfBirthRecognizer", "birth_year", "is_date_of_birth_value"]
