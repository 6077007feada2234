"""What a name is, for name findings: filters, normalisation and counting people.

spaCy's small English model finds most names but also tags class names, streets,
headings and stray capitalised words.  These plain functions decide what counts.
"""

from __future__ import annotations

import re
from collections import Counter

_DIGIT = re.compile(r"\d")

# Words spaCy tags as people in school documents that never are on their own.
_NOT_NAMES = frozenset({
    "dear", "regards", "mr", "mrs", "miss", "ms", "mx", "dr", "sir", "madam", "head",
    "headteacher", "teacher", "parent", "parents", "carer", "carers", "pupil", "pupils",
    "child", "children", "class", "year", "reception", "nursery", "governor", "governors",
    "office", "school", "team", "staff", "thanks", "sheet", "dob", "nhs", "upn", "uln",
})
_TITLES = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr", "master", "prof", "rev"})
# School acronyms that stay upper case when ALL-CAPS words are recased for NER.
_ACRONYMS = frozenset({
    "NHS", "UPN", "ULN", "DOB", "SEN", "SEND", "SENCO", "SENDCO", "EHCP", "FSM", "LAC", "CLA",
    "DSL", "MASH", "CAMHS", "DBS", "HMRC", "ADHD", "ASD", "EAL", "CPOMS", "PTA", "ICT", "UK",
    "GDPR", "DPO", "IAR", "PEP", "IHCP", "IHP", "GP", "PE", "RE", "PSHE", "SATS", "KS1", "KS2",
    "EYFS", "MIS", "SIMS", "LA", "DFE", "OFSTED", "CEO", "CIN", "CP", "PP", "TA", "HLTA",
})
_LOWER = re.compile(r"[a-z]")
# A table cell that can be a name: a letter first, no digits or code-like symbols.
_NAME_CELL = re.compile(r"^[^\W\d_][^\d@/\\|<>{}\[\]=+*#%&]{0,80}$")
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'’-]{2,}\b")


def recase_for_ner(text: str) -> str:
    """``text`` with ALL-CAPS words in Title case, for spaCy only; same length and offsets.

    MIS exports and registers write surnames in capitals beside forenames ("JONES
    Amelia"), which the small English model does not take for names.  Title case reads
    them the way a person would.  Lines with no lower-case letter at all are headings
    ("KIT STORE - LOCKER CODES") and stay as they are: in Title case they look like
    names.  Known acronyms keep their capitals.
    """

    def recase_line(line: str) -> str:
        if not _LOWER.search(line):
            return line
        return _CAPS_WORD.sub(
            lambda m: m.group(0) if m.group(0) in _ACRONYMS else m.group(0).capitalize(), line
        )

    return "".join(recase_line(line) for line in text.splitlines(keepends=True))


def plausible_person(value: str) -> bool:
    """True when a person span from spaCy can be a name: capitalised letters, no digits,
    not a lone title or school word, not a street, building or saint's name."""
    stripped = " ".join(value.split())
    words = stripped.split()
    if len(stripped) < 2 or _DIGIT.search(stripped) or "@" in stripped or len(words) > 6:
        return False
    if _SAINT.match(stripped) or (len(words) > 1 and words[-1].lower().strip(".,") in _PLACE_WORDS):
        return False
    if " - " in stripped or any(ch in stripped for ch in "&/:;()[]{}<>|*+=#"):
        return False  # headings and labels, not names
    if not any(ch.isupper() for ch in stripped):
        return False  # names are written with capitals; lower-case spans are words
    meaningful = [w for w in words if w.lower().strip(".,") not in _TITLES]
    if not meaningful:
        return False
    return not (len(meaningful) == 1 and meaningful[0].lower().strip(".,'") in _NOT_NAMES)


def is_plausible_name(value: str) -> bool:
    """True for a table cell that can be a person's name: letters first, no digits, a few
    words."""
    value = value.strip()
    return bool(_NAME_CELL.match(value)) and len(value.split()) <= 6


def person_key(value: str) -> str:
    """A normalised name for counting distinct people ("Dear Mrs S. JONES" -> "s jones")."""
    words = [w.strip(".,'").lower() for w in value.replace(",", " ").split()]
    return " ".join(sorted(w for w in words if w and w not in _TITLES and w != "dear"))


# Last words that make a span a place, not a person ("Albert Terrace", "Hollins Lane").
# Words that are also common surnames (Hill, Hall, Green, Park, Court) are not listed.
_PLACE_WORDS = frozenset({
    "street", "st", "road", "rd", "lane", "avenue", "ave", "close", "drive", "terrace",
    "crescent", "gardens", "mews", "estate", "square", "way", "place", "school", "academy",
    "primary", "church", "centre", "center", "library", "college", "nursery", "surgery",
    "hospital", "council", "trust",
})
_SAINT = re.compile(r"^(?:st\.?|saint)\s", re.IGNORECASE)


def split_person_span(value: str) -> list[tuple[int, str]]:
    """The names in a spaCy person span, with their offsets in it.

    A span that runs over a line break is two names (or a name and a job title on
    the next line): each line is judged on its own.
    """
    parts: list[tuple[int, str]] = []
    offset = 0
    for line in value.split("\n"):
        stripped = line.strip()
        if stripped and plausible_person(stripped):
            parts.append((offset + line.index(stripped), stripped))
        offset += len(line) + 1
    return parts


def count_people(keys: Counter[str]) -> int:
    """People among normalised names counted with their multiplicity, folding a lone
    forename or surname ("Burton", "Anna") into a full name of the same file that holds it."""
    full = {k: n for k, n in keys.items() if k and " " in k}
    parts = {word for k in full for word in k.split()}
    singles = sum(n for k, n in keys.items() if k and " " not in k and k not in parts)
    return sum(full.values()) + singles
