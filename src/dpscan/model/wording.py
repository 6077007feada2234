"""Counts in words: "1 file", "2 files", "1 person", "3 people".

Every count a person reads (command-line lines, log lines, reports) is written with
:func:`counted` (or :func:`plural` when the number is laid out apart from its noun), so
none says "1 files".
"""

from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """The noun for ``count`` things: ``singular`` for exactly one, else ``plural_form``
    (default: ``singular`` + "s")."""
    if count == 1:
        return singular
    return plural_form if plural_form is not None else f"{singular}s"


def counted(count: int, singular: str, plural_form: str | None = None,
            *, grouped: bool = False) -> str:
    """``count`` and its noun: ``counted(1, "rule")`` is "1 rule", ``counted(2, "person",
    "people")`` "2 people"; ``grouped`` writes thousands with commas ("1,048,576 rows")."""
    number = f"{count:,}" if grouped else str(count)
    return f"{number} {plural(count, singular, plural_form)}"
