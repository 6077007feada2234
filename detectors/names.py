"""What a name is, for name findings: filters, normalisation and counting people.

spaCy's small English model finds most names but also tags class names, streets,
headings and stray capitalised words.  These plain functions decide what counts.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from importlib import resources

import yaml

from dpscan.detectors.name_gate import is_plain_word
from dpscan.model.errors import ConfigError

FORM_WORDS_FILE = "form_words.yaml"
COLUMN_HEADERS_FILE = "column_headers.yaml"

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


class FormWordsError(ConfigError):
    """form_words.yaml is malformed; the message names the file and the group."""


# One word of form_words.yaml: lower-case letters, with inner hyphens and apostrophes.
_FORM_WORD = re.compile(r"[a-z]+(?:['’-][a-z]+)*")
# The words of a heading phrase ("d.o.b" is three, of which single letters never count).
_HEADING_WORD = re.compile(r"[a-z]{2,}")


def load_form_words(text: str, name: str = FORM_WORDS_FILE) -> frozenset[str]:
    """The words of a form_words.yaml ``text``; :class:`FormWordsError` names what is wrong."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or set(data) != {"groups"}:
        raise FormWordsError(f"{name}: expected one top-level field, groups")
    groups = data["groups"]
    if not isinstance(groups, dict) or not groups:
        raise FormWordsError(f"{name}: groups: expected a mapping of group names to word lists")
    words: set[str] = set()
    for group, listed in groups.items():
        if not isinstance(listed, list) or not listed:
            raise FormWordsError(f"{name}: groups: {group}: expected a list of words")
        bad = [w for w in listed if not (isinstance(w, str) and _FORM_WORD.fullmatch(w))]
        if bad:
            raise FormWordsError(
                f"{name}: groups: {group}: not one lower-case word each: {bad!r}")
        words.update(listed)
    return frozenset(words)


def _heading_words(text: str) -> frozenset[str]:
    """The plain English words of column_headers.yaml's phrases: "Postcode", "Contact".

    Words that are not plain ("faith", "house", "post" have capitalised entries in the
    word list: they are names too) are left out.  tabular.load_column_vocabulary checks
    the file; this reads only its phrases.
    """
    data = yaml.safe_load(text) or {}
    phrases = [p for section in ("entities", "special_categories")
               for listed in (data.get(section) or {}).values() for p in listed]
    phrases += data.get("not_person") or []
    return frozenset(w for p in phrases for w in _HEADING_WORD.findall(str(p).lower())
                     if is_plain_word(w))


@lru_cache(maxsize=1)
def form_words() -> frozenset[str]:
    """Words that are never a name on their own (loaded once per process): those of
    ``form_words.yaml`` and the plain English words of ``column_headers.yaml``."""
    data = resources.files("dpscan.detectors").joinpath("data")
    return (load_form_words(data.joinpath(FORM_WORDS_FILE).read_text("utf-8"))
            | _heading_words(data.joinpath(COLUMN_HEADERS_FILE).read_text("utf-8")))


def only_form_words(value: str) -> bool:
    """True when every word of ``value`` is a form label, heading or field-name word
    (:func:`form_words`), and none is a title: "Intermediary Bank", "Postcode", "Islam";
    not "Rose Banks", "Aisha Islam" or "Mrs Islam"."""
    words = [w.strip(".,:;'’\"()").lower() for w in value.split()]
    words = [w for w in words if w]
    vocabulary = form_words()
    return bool(words) and all(w in vocabulary and w not in _TITLES for w in words)


def plausible_person(value: str) -> bool:
    """True when a person span from spaCy can be a name: capitalised letters, no digits,
    not a lone title or school word, not only form-label words, not a street, building or
    saint's name."""
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
    if not meaningful or only_form_words(stripped):
        return False
    return not (len(meaningful) == 1 and meaningful[0].lower().strip(".,'") in _NOT_NAMES)


def is_plausible_name(value: str) -> bool:
    """True for a table cell that can be a person's name: letters first, no digits, a few
    words, not only form-label words ("Name", "Contact"), and not a form's answer ("Yes",
    "None")."""
    value = value.strip()
    return (bool(_NAME_CELL.match(value)) and len(value.split()) <= 6
            and value.lower() not in _ANSWERS and not only_form_words(value))


# Answers a form field holds that are never a name.
_ANSWERS = frozenset({"yes", "no", "none", "n/a", "na", "nil", "true", "false", "unknown",
                      "not known", "not applicable"})


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
