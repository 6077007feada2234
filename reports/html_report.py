"""report.html: one self-contained page for the DPO.

The page loads nothing from anywhere (no CDN, fonts or images; a strict
Content-Security-Policy says so to the browser too), so it can be opened
offline, mailed, or archived, and shows the same thing in ten years.  Its
charts are SVG images in ``data:`` URIs (:mod:`dpscan.reports.charts`), which the
browser treats as inert pictures.  Every
string from the scan is HTML-escaped by Jinja's autoescape; the template
never marks scan data ``|safe``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from dpscan.model.records import FileResult, ScanResult
from dpscan.model.wording import counted
from dpscan.reports._output import write_private_bytes
from dpscan.reports._summary import (
    NO_ASSET,
    NO_RULE,
    SEVERITIES,
    UNMASKED_EVIDENCE_WARNING,
    People,
    Totals,
    action_list,
    change_counts,
    change_rows,
    compute_totals,
    copy_groups,
    coverage,
    evidence_lines,
    files_by_priority,
    incomplete_reason,
    is_unprotected_personal_data,
    personal_data_counts,
    reason_text,
    record_people,
    review_status,
    reviewed_files,
    rule_rows,
    setting_text,
    severity_rank,
    shows_evidence,
    total_entities,
)
from dpscan.reports.advice import FLAG_ADVICE, advice_for, flags_by_urgency
from dpscan.reports.charts import bar_chart

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


# The action list shows this many files at most; the files table has them all.
ACTION_LIST_LIMIT = 200
# Changes and groups of copies shown at most; the spreadsheet lists them all.
CHANGES_LIMIT = 500
COPY_GROUPS_LIMIT = 100


@dataclass(frozen=True, slots=True)
class FileRow:
    """One row of the files table (and of the action list), precomputed for the template."""

    record: FileResult
    total: int
    entities: list[tuple[str, int]]  # most frequent first
    evidence: list[str]
    danger: bool  # personal data in a file with no protection, not reviewed
    review: str | None  # the DPO's review status; None while the file is open
    reasons: str  # severity reasons in words
    advice: list[tuple[str, str]]  # (flag, what to do), most urgent first
    severity_rank: int  # 3 critical ... 0 low, -1 none: the sort key of the severity column
    people: People  # a container's with its members: "up to N" when they were added up


@dataclass(frozen=True, slots=True)
class ChangeView:
    """One row of the changes table: the change, and the file as this scan found it."""

    change: str
    root: str
    path: str
    record: FileResult | None  # None when the file is gone
    severity_rank: int
    total: int


@dataclass(frozen=True, slots=True)
class Chart:
    """One dashboard chart: a title for people and an inert SVG data: URI."""

    title: str
    uri: str


@dataclass(frozen=True, slots=True)
class FlagGuide:
    """One line of the "What to do" guide: a flag, how many files carry it, the advice."""

    flag: str
    files: int
    advice: str


def _file_row(record: FileResult) -> FileRow:
    return FileRow(
        record=record,
        total=total_entities(record),
        entities=sorted(record.entities.items(), key=lambda item: (-item[1], item[0])),
        evidence=evidence_lines(record),
        danger=is_unprotected_personal_data(record) and not record.is_reviewed,
        review=review_status(record),
        reasons=reason_text(record),
        advice=[(flag, advice_for(flag)) for flag in flags_by_urgency(record.flags)],
        severity_rank=severity_rank(record.severity),
        people=record_people(record),
    )


def dashboard_charts(result: ScanResult) -> list[Chart]:
    """The dashboard's charts of open files with personal data (reviewed files are left out);
    charts with no data are left out too."""
    counts = personal_data_counts(result)
    if not any(record.has_personal_data for record in result.files):
        return []
    specs: list[tuple[str, dict[str, int], bool]] = [
        ("Open files with personal data by severity", counts.by_severity, True),
        ("… by flag", counts.by_flag, False),
        ("… by retention rule", counts.by_rule, False),
        ("… by information asset", counts.by_asset, False),
        ("… by year last modified", counts.by_year, False),
        ("… by special category", counts.by_special_category, False),
    ]
    charts = []
    for title, data, coloured in specs:
        if not any(data.values()):
            continue
        if set(data) in ({NO_RULE}, {NO_ASSET}):
            continue  # no schedule or no register was used: nothing to show
        charts.append(Chart(title=title, uri=bar_chart(title, data, severity_colours=coloured)))
    return charts


def flag_guide(totals: Totals) -> list[FlagGuide]:
    """Every flag with its advice: flags found in this scan first (most files first)."""
    found = [FlagGuide(f, n, advice_for(f)) for f, n in totals.flag_counts.items()]
    rest = [FlagGuide(f, 0, advice_for(f)) for f in FLAG_ADVICE if f not in totals.flag_counts]
    return found + rest


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # autoescape on for the .html.j2 template and for any string template:
    # nothing from the scan reaches the page unescaped.
    env = Environment(
        loader=PackageLoader("dpscan.reports", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html", "j2"), default_for_string=True, default=True
        ),
        undefined=StrictUndefined,  # a typo in the template fails loudly, not blank
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["visible"] = visible
    env.filters["counted"] = counted
    env.filters["setting"] = setting_text
    return env


def render_html(result: ScanResult) -> str:
    """Return report.html for ``result`` as a string."""
    totals: Totals = compute_totals(result)
    actions = action_list(result)
    changes = [
        ChangeView(
            change=row.change,
            root=row.root,
            path=row.path,
            record=row.record,
            severity_rank=severity_rank(row.record.severity) if row.record else -1,
            total=total_entities(row.record) if row.record else 0,
        )
        for row in change_rows(result)
    ]
    copies = copy_groups(result)
    template = _environment().get_template(TEMPLATE_NAME)
    return template.render(
        scan=result.scan,
        totals=totals,
        rows=[_file_row(record) for record in files_by_priority(result)],
        actions=[_file_row(record) for record in actions[:ACTION_LIST_LIMIT]],
        actions_total=len(actions),
        severities=list(reversed(SEVERITIES)),
        charts=dashboard_charts(result),
        coverage=coverage(result),
        rules=rule_rows(result),
        guide=flag_guide(totals),
        show_evidence=shows_evidence(result),
        unmasked_warning=UNMASKED_EVIDENCE_WARNING,
        incomplete=incomplete_reason(result),
        files_total=len(result.files),
        reviewed=[_file_row(record) for record in reviewed_files(result)],
        changes=changes[:CHANGES_LIMIT],
        changes_total=len(changes),
        change_counts=change_counts(result),
        copies=copies[:COPY_GROUPS_LIMIT],
        copies_total=len(copies),
    )


def write_html(result: ScanResult, path: Path) -> None:
    """Write report.html for ``result`` to ``path`` (private, atomic)."""
    # backslashreplace: a stray lone surrogate must not lose the report.
    write_private_bytes(path, render_html(result).encode("utf-8", "backslashreplace"))
