"""report.html: one self-contained page for the DPO.

The page loads nothing from anywhere (no CDN, fonts or images; a strict
Content-Security-Policy says so to the browser too), so it can be opened
offline, mailed, or archived, and shows the same thing in ten years.  Every
string from the scan is HTML-escaped by Jinja's autoescape; the template
never marks scan data ``|safe``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from reports._output import write_private_bytes
from reports._summary import (
    Totals,
    compute_totals,
    evidence_lines,
    findings_sorted,
    is_unprotected_personal_data,
    total_entities,
)
from scanner.results import FileResult, ScanResult

TEMPLATE_NAME = "report.html.j2"

# Characters a browser would drop or act on invisibly: C0/C1 controls and
# Unicode bidirectional overrides (which can make "txt.exe" read as
# "exe.txt").  They are shown as \xNN / \uNNNN escapes, the same notation
# the scanner uses for undecodable bytes in names.
_INVISIBLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(value: object) -> str:
    """Return ``str(value)`` with control and bidi characters as visible escapes.

    The result is still plain text: autoescape escapes it afterwards.
    """
    if value is None:
        return ""

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"

    return _INVISIBLE_RE.sub(escape, str(value))


@dataclass(frozen=True, slots=True)
class FileRow:
    """One row of the findings table, precomputed so the template stays dumb."""

    record: FileResult
    total: int
    entities: list[tuple[str, int]]  # most frequent first
    evidence: list[str]
    danger: bool  # personal data in a file with no protection


def _file_row(record: FileResult) -> FileRow:
    return FileRow(
        record=record,
        total=total_entities(record),
        entities=sorted(record.entities.items(), key=lambda item: (-item[1], item[0])),
        evidence=evidence_lines(record),
        danger=is_unprotected_personal_data(record),
    )


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # autoescape on for the .html.j2 template and for any string template:
    # nothing from the scan reaches the page unescaped.
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html", "j2"), default_for_string=True, default=True
        ),
        undefined=StrictUndefined,  # a typo in the template fails loudly, not blank
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["visible"] = visible
    return env


def render_html(result: ScanResult) -> str:
    """Return report.html for ``result`` as a string."""
    totals: Totals = compute_totals(result)
    template = _environment().get_template(TEMPLATE_NAME)
    return template.render(
        scan=result.scan,
        totals=totals,
        rows=[_file_row(record) for record in findings_sorted(result)],
        files_total=len(result.files),
    )


def write_html(result: ScanResult, path: Path) -> None:
    """Write report.html for ``result`` to ``path`` (private, atomic)."""
    # backslashreplace: a stray lone surrogate must not lose the report.
    write_private_bytes(path, render_html(result).encode("utf-8", "backslashreplace"))
