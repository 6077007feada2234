"""Masked previews of detected values, so no raw identifier reaches a report.

Masking keeps just enough to let a person recognise the kind of value and tell
two findings apart (``943 *** ****``, ``j***@school.org``, ``A*** J***``).
"""

from __future__ import annotations

import re

_ALNUM = re.compile(r"[A-Za-z0-9]")

# Characters kept in the clear at the start of each value type.  Identifiers keep
# a short prefix (the NHS number's first block, a postcode's outward area letter);
# everything else keeps one character per word.
_KEEP_PREFIX: dict[str, int] = {
    "UK_NHS": 3,
    "UK_ULN": 2,
    "UK_UPN": 1,
    "UK_NINO": 2,
    "UK_POSTCODE": 2,
    "PHONE_NUMBER": 3,
    "CREDIT_CARD": 0,
    "IBAN_CODE": 2,
    "UK_BANK_ACCOUNT": 0,
    "UK_PASSPORT": 0,
    "UK_DRIVING_LICENCE": 0,
    "DATE_OF_BIRTH": 0,
}


def _mask_after(value: str, keep: int) -> str:
    seen = 0
    out = []
    for char in value:
        if _ALNUM.match(char):
            out.append(char if seen < keep else "*")
            seen += 1
        else:
            out.append(char)
    return "".join(out)


def _mask_words(value: str) -> str:
    return " ".join(word[:1] + "*" * 3 for word in value.split() if word)


def _mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else _mask_words(value)


def mask_value(entity_type: str, value: str) -> str:
    """Return a masked preview of ``value``, a detected ``entity_type``.

    The result never holds more than a few leading characters of the value, and
    word lengths of names are hidden (``A***`` for every first name).
    """
    value = " ".join(value.split())  # one line, however the value was laid out
    if entity_type == "EMAIL_ADDRESS":
        return _mask_email(value)
    if entity_type in _KEEP_PREFIX:
        return _mask_after(value, _KEEP_PREFIX[entity_type])
    return _mask_words(value)
