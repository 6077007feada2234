"""findings.json: the machine-readable report, exactly ``ScanResult.to_dict()``."""

from __future__ import annotations

import json
from pathlib import Path

from dpscan.model.records import ScanResult
from dpscan.reports._output import write_private_bytes


def render_json(result: ScanResult) -> bytes:
    """Return findings.json as UTF-8 bytes: ``{"scan": {...}, "files": [...]}``.

    Files keep the order of ``result.files``.  Non-ASCII text is written as
    is (readable names), not as ASCII escapes.
    """
    text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
    # The scanner promises valid Unicode, but a lone surrogate slipping
    # through must not lose the whole report.  Surrogates only occur inside
    # JSON strings, where backslashreplace's "\udcff" is JSON's own escape:
    # the output stays valid UTF-8 JSON that decodes to the same value.
    return (text + "\n").encode("utf-8", "backslashreplace")


def write_json(result: ScanResult, path: Path) -> None:
    """Write findings.json for ``result`` to ``path`` (private, atomic)."""
    write_private_bytes(path, render_json(result))
