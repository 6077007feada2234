"""find-person's reports: person.json, person.html and person.xlsx in one folder.

They list where one person's data is, so they are as sensitive as the data: written
owner-only and atomically (:mod:`dpscan.reports._output`), the request's values masked, file names
escaped in HTML and never formulas in the workbook.  Each file carries its retention status
(rule, due date, action, flags), which an erasure request needs.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dpscan import __version__
from dpscan.model.person import PersonMatch, PersonSearchResult
from dpscan.model.wording import counted
from dpscan.reports import make_private_dir
from dpscan.reports._output import write_private_bytes
from dpscan.reports.html_report import visible
from dpscan.reports.xlsx_report import put

TEMPLATE_NAME = "person.html.j2"
JSON_NAME, HTML_NAME, XLSX_NAME = "person.json", "person.html", "person.xlsx"
COLUMNS = ("Path", "Root", "Score", "Confidence", "Why", "Matches", "Confirmed",
           "Retention rule", "Retention due", "Action", "Flags")


def file_record(match: PersonMatch) -> dict[str, Any]:
    """One entry of person.json's ``files``."""
    record = match.file
    return {
        "path": record.path,
        "root": record.root,
        "score": match.score,
        "confidence": match.confidence,
        "matches": [{"kind": k, "count": n} for k, n in sorted(match.matches.items())],
        "reasons": list(match.reasons),
        "confirmed": match.confirmed,
        "container": record.container,
        "status": record.status,
        "retention_rule": record.retention_rule,
        "retention_due": record.retention_due,
        "action": record.action,
        "flags": list(record.flags),
    }


def person_json(result: PersonSearchResult) -> dict[str, Any]:
    """person.json as plain data."""
    return {
        "query": result.query.masked(),
        "search": {
            "tool": "dpscan", "version": __version__, "rescan": result.rescan,
            "candidates": result.candidates, "weak_matches": result.weak,
            "seconds": result.seconds,
            "rescan_errors": [{"root": r, "path": p, "error": e}
                              for r, p, e in result.rescan_errors],
        },
        "files": [file_record(m) for m in result.matches],
        "set_aside": [file_record(m) for m in result.set_aside],
    }


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("dpscan.reports", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["visible"] = visible
    env.filters["counted"] = counted
    return env


def render_html(result: PersonSearchResult) -> str:
    """person.html: the list a DPO works through, self-contained and escaped."""
    data = person_json(result)
    return _environment().get_template(TEMPLATE_NAME).render(
        query=data["query"], search=data["search"], files=data["files"],
        set_aside=data["set_aside"])


def _rows(files: Iterable[dict[str, Any]]) -> Iterable[list[Any]]:
    for f in files:
        yield [f["path"], f["root"], f["score"], f["confidence"], "; ".join(f["reasons"]),
               ", ".join(f"{m['kind']} {m['count']}" for m in f["matches"]),
               "" if f["confirmed"] is None else ("yes" if f["confirmed"] else "no"),
               f["retention_rule"], f["retention_due"], f["action"], ", ".join(f["flags"])]


def render_xlsx(result: PersonSearchResult) -> bytes:
    """person.xlsx: Files (about the person), Set aside, Query; every cell literal text."""
    data = person_json(result)
    book = Workbook()
    # Marks the workbook as dpscan's, so a copy found in a share is flagged as a report
    # (types-openpyxl does not know custom_doc_props, openpyxl 3.1 has it).
    cast(Any, book).custom_doc_props.append(
        StringProperty(name="dpscan_report", value=__version__))
    # A new Workbook holds one sheet, a Worksheet.
    sheets = ((cast(Worksheet, book.active), "Files", data["files"]),
              (book.create_sheet(), "Set aside", data["set_aside"]))
    for ws, title, files in sheets:
        ws.title = title
        for column, heading in enumerate(COLUMNS, start=1):
            put(ws, 1, column, heading)
        for row, values in enumerate(_rows(files), start=2):
            for column, value in enumerate(values, start=1):
                put(ws, row, column, value)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(ws.max_row, 1)}"
        for letter, width in zip("ABCDEFGHIJK", (60, 30, 8, 12, 50, 30, 10, 24, 14, 10, 30),
                                 strict=True):
            ws.column_dimensions[letter].width = width
    query = book.create_sheet("Query")
    for row, (name, value) in enumerate(data["query"].items(), start=1):
        put(query, row, 1, name)
        put(query, row, 2, value or "")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_person_reports(result: PersonSearchResult, out_dir: Path) -> list[Path]:
    """Write person.json, person.html and person.xlsx into ``out_dir`` (made 0700 if
    missing); returns their paths."""
    out_dir = Path(out_dir)
    make_private_dir(out_dir)
    paths = [out_dir / JSON_NAME, out_dir / HTML_NAME, out_dir / XLSX_NAME]
    write_private_bytes(paths[0], json.dumps(person_json(result), indent=1,
                                             ensure_ascii=False).encode("utf-8"))
    write_private_bytes(paths[1], render_html(result).encode("utf-8", "backslashreplace"))
    write_private_bytes(paths[2], render_xlsx(result))
    return paths


__all__ = ["file_record", "person_json", "render_html", "render_xlsx", "write_person_reports"]
