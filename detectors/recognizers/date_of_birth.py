"""DATE_OF_BIRTH: a date that the text says is someone's date of birth.

Dates alone are not personal data (term dates, meeting dates).  A date counts here
only when a cue ("DOB", "date of birth", "born") comes shortly before it on the
same line, or when it sits in a table column whose header is such a cue.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

DATE_RE = re.compile(
    r"\b(?:"
    r"(?P<d1>\d{1,2})[/.\-](?P<m1>\d{1,2})[/.\-](?P<y1>\d{4}|\d{2})"  # 03/02/2015 (UK order)
    r"|(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2})"  # ISO 2015-02-03
    rf"|(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m3>{_MONTH_RE})\.?,?\s+(?P<y3>\d{{4}})"
    rf"|(?P<m4>{_MONTH_RE})\.?\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y4>\d{{4}})"
    r")\b",
    re.IGNORECASE,
)
CUE_RE = re.compile(
    r"(?<![a-z])(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?|birthday)"
    r"(?![a-z])",
    re.IGNORECASE,
)
# How far before a date (same line) a cue may stand.
CUE_WINDOW = 40


def parse_date(match: re.Match[str]) -> dt.date | None:
    """The calendar date a :data:`DATE_RE` match denotes, or None when it is not a real date."""
    groups = match.groupdict()
    for d, m, y in (("d1", "m1", "y1"), ("d2", "m2", "y2"), ("d3", "m3", "y3"),
                    ("d4", "m4", "y4")):
        if groups[d] is None:
            continue
        month_text = groups[m]
        month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower()]
        year = int(groups[y])
        if year < 100:
            # Two-digit years: a pupil born in '15 or a member of staff born in '78.
            year += 2000 if year <= dt.date.today().year % 100 else 1900
        try:
            return dt.date(year, month, int(groups[d]))
        except ValueError:
            return None
    return None


def birth_year(value: str) -> int | None:
    """The year of a date-of-birth value ("02/03/2015" -> 2015), or None."""
    match = DATE_RE.search(value)
    date = parse_date(match) if match else None
    return date.year if date else None


class DateOfBirthRecognizer(LocalRecognizer):
    """Finds dates with a date-of-birth cue before them or a date-of-birth column header."""

    SCORE = 0.85
    COUNTRY_CODE = "uk"

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
            line_start = text.rfind("\n", 0, match.start()) + 1
            before = text[max(line_start, match.start() - CUE_WINDOW): match.start()]
            reason = None
            if CUE_RE.search(before):
                reason = "date-of-birth cue before the date"
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
