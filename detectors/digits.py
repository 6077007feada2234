"""Unicode digits and full-width forms folded to ASCII before anything is detected.

A date of birth typed with full-width digits ("１２/０３/２０１５") or Arabic-Indic ones
("١٢/٠٣/٢٠١٥") is the same date; the recognizers' patterns and checksums read ASCII.
NFKC would not do here: it leaves Arabic-Indic and other scripts' digits as they are,
and it changes lengths ("ﬁ" becomes "fi", "½" three characters), which would move every
offset a finding and a table span are located by.  This folds one character to one:
every decimal digit (Unicode category Nd) to its ASCII digit, and the full-width ASCII
block and the ideographic space as NFKC folds them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Characters folded: non-ASCII decimal digits, full-width ASCII forms, the ideographic space.
_FOLDABLE = re.compile(r"(?![0-9])\d|[\uff01-\uff5e\u3000]")
# U+FF01..U+FF5E are U+0021..U+007E shifted by this (NFKC's mapping of the block).
_FULL_WIDTH_SHIFT = 0xFEE0


def _ascii(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\u3000":
        return " "
    if "\uff01" <= char <= "\uff5e":
        return chr(ord(char) - _FULL_WIDTH_SHIFT)
    return str(unicodedata.decimal(char))


def fold_digits(text: str) -> str:
    """``text`` with Unicode digits and full-width forms as ASCII; same length and offsets."""
    if text.isascii():
        return text
    return _FOLDABLE.sub(_ascii, text)


def fold_rows(rows: Sequence[Sequence[str]]) -> list[list[str]]:
    """Table rows with every cell folded by :func:`fold_digits`."""
    return [[fold_digits(cell) for cell in row] for row in rows]


__all__ = ["fold_digits", "fold_rows"]
