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

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from dpscan.model.records import ScanResult
from dpscan.model.wording import counted
from dpscan.reports._output import write_private_bytes
from dpscan.reports._summary import (
    NO_ASSET,
    NO_RULE,
    SEVERITIES,
    UNMASKED_EVIDENCE_WARNING,
    PersonalDataCounts,
    Totals,
    change_counts,
    incomplete_reason,
    setting_text,
    shows_evidence,
)
from dpscan.reports.advice import FLAG_ADVICE, advice_for
from dpscan.reports.charts import bar_chart
from dpscan.reports.dashboard import (
    FOLDER_DEPTH,
    FULL_LISTS,
    TOP_FILES,
    WALK_ERRORS_LIMIT,
    Dashboard,
    build_dashboard,
)

TEMPLATE_NAME = "report.html.j2"
SORT_SCRIPT = "report_sort.js"

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


# report.html stays below this size whatever the share (the bound): when the top
# lists of hostile long names would pass it, they are listed shorter.
HTML_SIZE_LIMIT = 5_000_000
ROW_LIMITS: tuple[int, ...] = (TOP_FILES, 20, 10, 5, 1)


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


def dashboard_charts(counts: PersonalDataCounts) -> list[Chart]:
    """The dashboard's charts of open files with personal data (reviewed files are left out);
    charts with no data are left out too."""
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


@lru_cache(maxsize=1)
def _sort_script() -> tuple[str, str]:
    """The page's one script (table sorting, dpscan's own, no scan data) and its CSP hash:
    the Content-Security-Policy allows that script and no other, inline or not."""
    script = files("dpscan.reports").joinpath("templates", SORT_SCRIPT).read_text("utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return script, f"sha256-{digest}"


def _render(result: ScanResult, dashboard: Dashboard, charts: list[Chart], rows: int) -> str:
    template = _environment().get_template(TEMPLATE_NAME)
    script, script_hash = _sort_script()
    return template.render(
        sort_script=Markup(script),
        sort_script_hash=script_hash,
        scan=result.scan,
        board=dashboard,
        totals=dashboard.totals,
        coverage=dashboard.coverage,
        charts=charts,
        guide=flag_guide(dashboard.totals),
        severities=list(reversed(SEVERITIES)),
        show_evidence=shows_evidence(result),
        unmasked_warning=UNMASKED_EVIDENCE_WARNING,
        incomplete=incomplete_reason(result),
        change_counts=change_counts(result),
        rows_limit=rows,
        top_files=TOP_FILES,
        folder_depth=FOLDER_DEPTH,
        full_lists=FULL_LISTS,
        walk_errors=result.scan.walk_errors[:WALK_ERRORS_LIMIT],
    )


def render_html(result: ScanResult) -> str:
    """Return report.html for ``result`` as a string.

    ``result.files`` is read once, as a stream (:func:`~dpscan.reports.dashboard.build_dashboard`).
    The page lists the most urgent :data:`~dpscan.reports.dashboard.TOP_FILES` files of each
    list; if hostile long names would still take it past :data:`HTML_SIZE_LIMIT`, it lists
    fewer, and says so.
    """
    dashboard = build_dashboard(result.files, result.scan)
    charts = dashboard_charts(dashboard.counts)
    page = ""
    for rows in ROW_LIMITS:
        page = _render(result, dashboard.limited(rows), charts, rows)
        if len(page.encode("utf-8", "backslashreplace")) <= HTML_SIZE_LIMIT:
            break
    return page


def write_html(result: ScanResult, path: Path) -> None:
    """Write report.html for ``result`` to ``path`` (private, atomic)."""
    # backslashreplace: a stray lone surrogate must not lose the report.
    write_private_bytes(path, render_html(result).encode("utf-8", "backslashreplace"))
