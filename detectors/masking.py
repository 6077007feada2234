"""Masked previews of detected values, so no raw identifier reaches a report.

Masking keeps just enough to let a person recognise the kind of value and tell
two findings apart (``943 *** ****``, ``j***@school.org``, ``A*** J***``).
"""

from __future__ import annotations

from collections.abc import Callable

from dpscan.model.entities import ENTITY_BY_ID, MaskStyle


def _mask_after(value: str, keep: int) -> str:
    # Every letter and digit of any script counts ("١٢/٠٣/٢٠١٥" is masked like "12/03/2015").
    seen = 0
    out = []
    for char in value:
        if char.isalnum():
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
    word lengths of names are hidden (``A***`` for every first name).  Each type is masked
    as its row says (identifiers keep a short prefix: the NHS number's first block, a
    postcode's outward area letters); a type with no row keeps one character per word.
    """
    value = " ".join(value.split())  # one line, however the value was laid out
    row = ENTITY_BY_ID.get(entity_type)
    if row is None:
        return _mask_words(value)
    return _MASKERS[row.mask](value, row.mask_keep)


_MASKERS: dict[MaskStyle, Callable[[str, int], str]] = {
    MaskStyle.WORDS: lambda value, _keep: _mask_words(value),
    MaskStyle.EMAIL: lambda value, _keep: _mask_email(value),
    MaskStyle.PREFIX: _mask_after,
}
