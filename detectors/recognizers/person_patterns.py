"""PERSON from the way school documents write names, where spaCy's small model misses them.

Two shapes are unmistakable in school files: a title before a capitalised word ("Mrs
Ibrahim", "Mr Oisín Carroll") and a register line that starts "SURNAME, Forename"
("O'NEILL, Donna - absent").  Both give the name without the title.
"""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer

_UPPER_NAME = r"[A-Z][A-Z'’\-]+(?: [A-Z][A-Z'’\-]+)?"
_WORD = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’\-]+"
# A name word as surnames are written: "MacLeod", "McDonald", "O'Brien", "Smith-Jones".
_NAME_WORD = (r"[A-ZÀ-ÖØ-Þ](?:['’][A-ZÀ-ÖØ-Þ])?[a-zß-öø-ÿ]+(?:[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)?"
              r"(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)?")
# Capitalised words that start register-like lines but are not surnames.
_NOT_SURNAMES = frozenset({
    "NOTE", "NOTES", "URGENT", "PLEASE", "DEAR", "RE", "FAO", "ATTN", "IMPORTANT", "REMINDER",
    "WARNING", "NB", "PS", "YES", "NO", "OK", "TODAY", "ABSENT", "PRESENT", "LATE", "TOTAL",
})


class TitledNameRecognizer(PatternRecognizer):
    """A name after Mr, Mrs, Miss, Ms, Mx or Dr: the title is the context, the name (with
    its initials: "Mr L. MacLeod") the span."""

    PATTERNS = [
        Pattern(
            "title and name",
            rf"(?<=\b(?:Mr|Mrs|Miss|Ms|Mx|Dr)\.? )"
            rf"(?:(?:[A-Z]\.? ){{1,2}}{_NAME_WORD}|{_NAME_WORD}(?: {_NAME_WORD}){{0,2}})\b",
            0.85,
        ),
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="PERSON",
            patterns=self.PATTERNS,
            supported_language=supported_language,
            name="TitledNameRecognizer",
            global_regex_flags=0,  # case matters: "Mrs smith" in lower case is not a name
        )


class RegisterNameRecognizer(PatternRecognizer):
    """A line that starts "SURNAME, Forename", as registers and class lists write names."""

    PATTERNS = [
        Pattern("register name", rf"(?m)^[ \t]*{_UPPER_NAME}, {_WORD}(?: {_WORD})?\b", 0.85),
    ]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="PERSON",
            patterns=self.PATTERNS,
            supported_language=supported_language,
            name="RegisterNameRecognizer",
            global_regex_flags=0,
        )

    def validate_result(self, pattern_text: str) -> bool:  # noqa: D102
        return pattern_text.strip().split(",")[0] not in _NOT_SURNAMES
