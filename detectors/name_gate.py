"""Where in a text a person's name can be, so spaCy's NER reads only there.

NER costs fifty times what the pattern recognizers do, and most lines of a school
document cannot hold a name: a name is written with a capital letter, and the capitalised
words of a policy or a newsletter are sentence openings ("The", "Please"), headings,
months, subjects and school words.  A line goes to NER when it holds a *name candidate*:

- a capitalised word that is not a plain English word (``plain_words.txt``: SCOWL's
  lower-case words that have no capitalised entry, so "grace", "rose" and "brown", which
  are also names, are not plain), and not a calendar or school word, nor a short acronym;
- a capitalised word after a title or an initial ("Mrs Birch", "E. Law"), a surname in
  capitals before a forename ("BURNS, Jade"), two capitalised words side by side
  ("with Jade Wells"), a line of two or three capitalised words alone (a signature), or
  a capitalised word in mid-sentence ("I spoke to Jade").

What is left out is what NER would mostly get wrong: on the benchmark share the lines
skipped held no name, only NER's false hits ("Frameworks", "Attendance").
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import regex

# Capitalised words in school documents that are not names: days, months, seasons,
# festivals and the words of school life.  Words that are also names ("May", "Grace")
# are here only when a name is far less likely than the other reading.
NOT_NAMES = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april
may june july august september october november december mon tue tues wed thu thur thurs
fri sat sun jan feb mar apr jun jul aug sep sept oct nov dec spring summer autumn winter
christmas easter diwali eid hanukkah ramadan vaisakhi passover halloween bonfire
mr mrs miss ms mx dr mstr sir madam dear yours sincerely faithfully regards st ltd plc
headteacher headteachers head deputy senco sendco dsl ddsl ofsted cpoms arbor sims
year years reception nursery preschool class classes school schools academy trust
pupil pupils student students child children parent parents carer carers family families
staff teacher teachers governor governors governing chair clerk office admin
maths mathematics english science history geography art music computing phonics
reading writing spelling grammar pe re pshe rshe french spanish german
breakfast lunch club clubs assembly trip trips term terms week weeks day days
education health care plan plans support team service services council committee
""".split())

# Words that begin with a capital (with inner apostrophes and hyphens: "O'Neill").
_CAPITALISED = regex.compile(r"(?<![\p{L}\p{M}\d_])\p{Lu}[\p{L}\p{M}'’\-]*")
# A title or an initial before a capitalised word, or "SURNAME, Forename".
_TITLED = re.compile(
    r"\b(?:Mr|Mrs|Miss|Ms|Mx|Dr|Mstr|[A-Z]\.)\s+[A-Z]|\b[A-Z]{2,}\s*,\s*[A-Z][a-z]")
# Two capitalised words side by side (not at the start of a line or sentence, where
# "The School" and "Please Note" stand).
_PAIR = re.compile(r"\b([A-Z][a-z'’\-]+)[ \t]+([A-Z][a-z'’\-]+)")
_SENTENCE_END = frozenset(".!?:\n")
# A capitalised word after a lower-case word: mid-sentence.
_MID = re.compile(r"(?<![\w'’\-])[a-z][a-z'’\-]*,?[ \t]+([A-Z][a-z'’\-]+)")
# A line of two or three capitalised words and nothing else: a signature, a list entry.
_NAME_LINE = re.compile(
    r"(?m)^[ \t]*[A-Z][a-z'’\-]+(?:[ \t]+[A-Z][a-z'’\-]+){1,2}(?=[ \t\r]*$)")
_SUFFIXES = ("'s", "’s", "s", "es", "ed", "ing")


@lru_cache(maxsize=1)
def plain_words() -> frozenset[str]:
    """The English words that are not names (loaded once per process)."""
    text = resources.files("dpscan.detectors").joinpath("data/plain_words.txt").read_text("utf-8")
    return frozenset(w for w in text.split("\n") if w and not w.startswith("#"))


def is_plain_word(word: str) -> bool:
    """True for a word that, whatever its capitals, is an English word and not a name."""
    lower = word.lower().rstrip("'’")
    plain = plain_words()
    if lower in plain or lower in NOT_NAMES:
        return True
    for suffix in _SUFFIXES:
        if lower.endswith(suffix) and lower[:-len(suffix)] in plain:
            return True
    return False


def _is_candidate_word(word: str) -> bool:
    if len(word) < 2 or not word[0].isupper():
        return False
    if word.isupper() and len(word) <= 4:
        return False  # an acronym: SEN, DSL, PTA, UPN
    return not is_plain_word(word)


def _starts_sentence(text: str, position: int) -> bool:
    before = text[max(0, position - 8):position].rstrip(" \t")
    return not before or before[-1] in _SENTENCE_END


def name_candidates(text: str) -> list[tuple[int, int]]:
    """(start, end) of every place in ``text`` where a name can be, in no set order."""
    spans = [(m.start(), m.end()) for m in _TITLED.finditer(text)]
    spans += [(m.start(), m.end()) for m in _CAPITALISED.finditer(text)
              if _is_candidate_word(m.group())]
    spans += [(m.start(), m.end()) for m in _PAIR.finditer(text)
              if not _starts_sentence(text, m.start())
              and not (m.group(1).lower() in NOT_NAMES and m.group(2).lower() in NOT_NAMES)]
    spans += [(m.start(), m.end()) for m in _NAME_LINE.finditer(text)]
    spans += [(m.start(1), m.end(1)) for m in _MID.finditer(text)
              if m.group(1).lower() not in NOT_NAMES]
    return spans
