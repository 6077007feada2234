"""Numbers in JSON and in settings lines are not identifiers unless their key says so.

A scan of dpscan's own findings.json once came back ``high``: ``2147483648`` (a byte limit
in its settings) passes the NHS number checksum, as one ten-digit number in eleven does.
A JSON number (not a string) and the number of a ``key = value`` / ``key: value`` line with
a programmer's key (``worker_memory_bytes``, ``limits.max_file_mb``, ``maxFileBytes``) are
counts, sizes and ids of software.  They are read as identifiers only when the key names a
kind of personal data ("nhs_number", "NHS No", "phone"): the other ones are blanked, one
space per character, so every offset into the text still holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

# JSON's tokens: a string, a number, or one of its structural characters.
_JSON_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|[{}\[\]:,]')
# A settings line: a key, ":" or "=", a bare number and nothing else; its key must be a
# programmer's (_PROGRAMMERS_KEY: a "_", "." or "-" inside, or a camelCase hump).
_SETTING_LINE = re.compile(
    r"(?m)^[ \t]*[\"']?(?P<key>[A-Za-z][\w.-]*)[\"']?[ \t]*[:=][ \t]*"
    r"(?P<number>-?[0-9][0-9_]*(?:\.[0-9]+)?)[ \t]*,?[ \t]*\r?$")
_PROGRAMMERS_KEY = re.compile(r"[_.-]|[a-z][A-Z]")
_CAMEL_HUMP = re.compile(r"([a-z0-9])([A-Z])")


def key_words(key: str) -> str:
    """A programmer's key as words: "nhsNumber" -> "nhs Number", "nhs_no" -> "nhs no"."""
    return re.sub(r"[_.\-]+", " ", _CAMEL_HUMP.sub(r"\1 \2", key))


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    parts, position = [], 0
    for start, end in spans:
        parts.append(text[position:start])
        parts.append(" " * (end - start))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _json_number_spans(text: str, names_data: Callable[[str], bool]) -> list[tuple[int, int]]:
    """Spans of the JSON numbers whose key names no kind of personal data (an array's
    items go by the array's key)."""
    keys = [""]  # per open object or array: the key its values are under
    last_string: str | None = None
    spans: list[tuple[int, int]] = []
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token == ":" and last_string is not None:
            keys[-1] = last_string
        elif token == "{":
            keys.append("")
        elif token == "[":
            keys.append(keys[-1])
        elif token in "}]" and len(keys) > 1:
            keys.pop()
        elif token[0] in "-0123456789" and not names_data(key_words(keys[-1])):
            spans.append(match.span())
        last_string = json.loads(token) if token[0] == '"' else None
    return spans


def blank_unkeyed_numbers(text: str, names_data: Callable[[str], bool]) -> str:
    """``text`` with its JSON numbers (when it is a JSON document) and its settings lines'
    numbers blanked, except where ``names_data(key)`` says the key names personal data."""
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            json.loads(text)
        except (ValueError, RecursionError):
            pass  # not JSON, or nested past Python's limit: read as text
        else:
            return _blank(text, _json_number_spans(text, names_data))
    spans = [match.span("number") for match in _SETTING_LINE.finditer(text)
             if _PROGRAMMERS_KEY.search(match.group("key"))
             and not names_data(key_words(match.group("key")))]
    return _blank(text, spans)


__all__ = ["blank_unkeyed_numbers", "key_words"]
