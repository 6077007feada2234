"""findings.json: the machine-readable report, exactly ``ScanResult.to_dict()``.

Written record by record: a share of a million files never has its whole findings.json in
memory, only one record's JSON at a time (the summary first, then each file).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import orjson

from dpscan.model.records import ScanResult
from dpscan.reports._output import open_private, text_writer


def _indented(value: object, depth: int) -> str:
    """``value`` as json.dumps(indent=2) writes it ``depth`` levels down in a document.

    orjson writes it (json's indenting encoder is pure Python: most of a large
    findings.json's time); a value orjson refuses (a lone surrogate in a name, an integer
    past 64 bits) is written by json.
    """
    try:
        text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    except orjson.JSONEncodeError:
        text = json.dumps(value, indent=2, ensure_ascii=False)
    return text.replace("\n", "\n" + "  " * depth)


def json_chunks(result: ScanResult) -> Iterator[str]:
    """findings.json as text pieces, the same text as
    ``json.dumps(result.to_dict(), indent=2, ensure_ascii=False)`` plus a final newline.

    Files keep the order of ``result.files``.  Non-ASCII text is written as is (readable
    names), not as ASCII escapes.
    """
    yield '{\n  "scan": ' + _indented(result.scan.to_dict(), 1) + ',\n  "files": ['
    first = True
    for record in result.files:
        yield ("\n    " if first else ",\n    ") + _indented(
            record.to_dict(evidence_values=True), 2)
        first = False
    yield "]\n}\n" if first else "\n  ]\n}\n"


def write_json_to(result: ScanResult, handle: BinaryIO) -> None:
    """Write findings.json for ``result`` to a binary stream, one record at a time."""
    # The scanner promises valid Unicode, but a lone surrogate slipping through must not
    # lose the whole report.  Surrogates only occur inside JSON strings, where
    # backslashreplace's "\udcff" is JSON's own escape: the output stays valid UTF-8 JSON
    # that decodes to the same value.
    with text_writer(handle) as text:
        for chunk in json_chunks(result):
            text.write(chunk)


def render_json(result: ScanResult) -> bytes:
    """Return findings.json as UTF-8 bytes: ``{"scan": {...}, "files": [...]}``."""
    buffer = io.BytesIO()
    write_json_to(result, buffer)
    return buffer.getvalue()


def write_json(result: ScanResult, path: Path) -> None:
    """Write findings.json for ``result`` to ``path`` (private, atomic), streaming."""
    with open_private(path) as handle:
        write_json_to(result, handle)
