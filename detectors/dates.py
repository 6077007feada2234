"""Dates as UK documents write them, and the cues that make a date a date of birth.

Kept free of presidio and spaCy, so that find-person's search side can use it without
loading either: the date-of-birth recognizer, the column reader and the person index
all read dates through this one module.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS: dict[str, int] = {
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
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

# The date forms, as a pattern to embed in others (group names d1..y6 are parse_date's).
DATE_PATTERN = (
    # A month's name between hyphens or slashes ("22-Nov-1972", "22-Nov-72"; not spaced
    # with a two-digit year: "12 May 20 pupils"); first, so "22-Nov-72" is not cut short.
    rf"(?P<d5>\d{{1,2}})(?P<sep5>[/-])(?P<m5>{_MONTH_RE})\.?(?P=sep5)(?P<y5>\d{{4}}|\d{{2}})"
    # An ISO date with its time, as JSON and XML exports write it ("2009-02-22T00:00Z").
    r"|(?P<y6>\d{4})-(?P<m6>\d{2})-(?P<d6>\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?"
    r"|(?P<d1>\d{1,2})[/.\-](?P<m1>\d{1,2})[/.\-](?P<y1>\d{4}|\d{2})"  # 03/02/2015 (UK order)
    r"|(?P<y2>\d{4})-(?P<m2>\d{2})-(?P<d2>\d{2})"  # ISO 2015-02-03
    rf"|(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m3>{_MONTH_RE})\.?,?\s+(?P<y3>\d{{4}})"
    rf"|(?P<m4>{_MONTH_RE})\.?\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y4>\d{{4}})"
)
DATE_RE = re.compile(rf"\b(?:{DATE_PATTERN})\b", re.IGNORECASE)
CUE_RE = re.compile(
    r"(?<![a-z])(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?|birthday)"
    r"(?![a-z])",
    re.IGNORECASE,
)


def parse_date(match: re.Match[str]) -> dt.date | None:
    """The calendar date a :data:`DATE_PATTERN` match denotes, or None when it is not a
    real date (31/02/2015)."""
    groups = match.groupdict()
    for d, m, y in (("d1", "m1", "y1"), ("d2", "m2", "y2"), ("d3", "m3", "y3"),
                    ("d4", "m4", "y4"), ("d5", "m5", "y5"), ("d6", "m6", "y6")):
        if groups.get(d) is None:
            continue
        month_text = groups[m]
        month = int(month_text) if month_text.isdigit() else MONTHS[month_text.lower()]
        year = int(groups[y])
        if year < 100:
            # Two-digit years: a pupil born in '15 or a member of staff born in '78.
            year += 2000 if year <= dt.date.today().year % 100 else 1900
        try:
            return dt.date(year, month, int(groups[d]))
        except ValueError:
            return None
    return None


__all__ = ["CUE_RE", "DATE_PATTERN", "DATE_RE", "MONTHS", "parse_date"]
