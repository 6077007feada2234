"""Governance in the reports: action list, advice per flag, charts, CSV, new sheets."""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import datetime
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from dpscan.model.records import ScanResult
from dpscan.reports.advice import FLAG_ADVICE, advice_for, all_flags, flags_by_urgency
from dpscan.reports.charts import UnsafeChart, bar_chart_svg, chart_label
from dpscan.reports.csv_report import csv_cell, render_csv
from dpscan.reports.html_report import render_html
from dpscan.reports.xlsx_report import ACTION_COLUMNS, render_xlsx


def test_every_flag_has_advice() -> None:
    assert set(all_flags()) == set(FLAG_ADVICE)
    for flag in all_flags():
        assert len(advice_for(flag)) > 30, flag
    assert "record the disposal" in advice_for("overdue")
    assert advice_for("a_new_flag").startswith("Check this file by hand")


def test_flags_by_urgency() -> None:
    assert flags_by_urgency(["empty_file", "overdue", "x", "overdue"]) == [
        "overdue",
        "empty_file",
        "x",
    ]


def test_html_has_advice_for_every_flag(hostile_result: ScanResult) -> None:
    page = render_html(hostile_result)
    for flag in all_flags():
        assert f'<span class="badge flag">{flag}</span>' in page, flag
        assert FLAG_ADVICE[flag] in page.replace("&#39;", "'"), flag


def test_html_action_list_is_critical_first_with_reasons(
    hostile_result: ScanResult, names: SimpleNamespace
) -> None:
    page = render_html(hostile_result)
    table = page[page.index('id="actions"') : page.index('id="changes"')]
    # Groups most urgent first: the special category group holds the critical file alone;
    # within the unprotected group, critical before high.
    groups = re.findall(r'<details class="action-group" id="action-(\w+)"', table)
    assert groups[:3] == ["special_category_unprotected", "unprotected_personal_data", "overdue"]
    unprotected = table[table.index('id="action-unprotected_personal_data"'):]
    unprotected = unprotected[: unprotected.index("</details>\n")]
    assert re.findall(r'<tr data-severity="(\w+)"', unprotected) == ["critical", "high"]
    assert unprotected.index("=HYPERLINK(") < unprotected.index("&lt;script&gt;")
    assert (
        "special category data (health), 340 people, not encrypted, "
        "4 years past its retention date" in table
    )
    # One advice text per group, not per file.
    assert table.count(FLAG_ADVICE["unprotected_personal_data"].replace("'", "&#39;")) == 1
    # The action list comes before everything else.
    assert page.index('id="actions"') < page.index('id="dashboard"') < page.index('id="folders"')


def test_html_per_file_detail_and_views(hostile_result: ScanResult) -> None:
    page = render_html(hostile_result)
    assert "<details><summary>=HYPERLINK(" in page
    assert "pupil-medical, from modified; due 2020-07-31; then dispose" in page
    assert "&lt;i&gt;HR&lt;/i&gt;" in page  # asset id from the register, escaped
    assert "<i>HR" not in page
    assert "Staff &lt;records&gt;" in page
    assert "no files found at its locations" in page  # the empty asset
    rules = page[page.index('id="rule-table"') :]
    assert re.search(r'<td class="mono">attendance-registers</td>\s*<td class="num"', rules)
    assert "retention judged on 2024-07-01" in page
    assert "ab" * 32 in page


def test_html_coverage_panel(hostile_result: ScanResult) -> None:
    text = re.sub(r"\s+", " ", render_html(hostile_result))
    assert '<td>encrypted (could not be read)</td><td class="num">1</td>' in text
    assert '<td>failed (error while reading)</td><td class="num">1</td>' in text
    assert '<td>not read (no reader, or a limit)</td><td class="num">2</td>' in text
    assert '<span class="badge flag">empty_file</span></td><td class="num">1</td>' in text


def test_show_evidence_banner(hostile_result: ScanResult) -> None:
    assert "Evidence shown unmasked" not in render_html(hostile_result)
    hostile_result.scan.settings["show_evidence"] = True
    page = render_html(hostile_result)
    assert page.index("Evidence shown unmasked") < page.index("<h1>")


def test_charts_are_inert_data_uris(hostile_result: ScanResult) -> None:
    page = render_html(hostile_result)
    uris = re.findall(r'<img src="(data:image/svg\+xml;base64,[^"]+)"', page)
    assert len(uris) == 6
    for uri in uris:
        svg = base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")
        assert svg.lstrip().startswith("<?xml")
        assert "<script" not in svg.lower()
        assert not re.search(r"(?:href|src)\s*=\s*[\"']?(?:https?:)?//", svg)
    svg = base64.b64decode(uris[3].split(",", 1)[1]).decode("utf-8")  # by asset
    assert "&lt;i&gt;HR&lt;/i&gt;" in svg
    assert "<i>" not in svg


def test_chart_label_and_script_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    assert chart_label("a\x00b\u202ec") == "a?b?c"
    assert len(chart_label("x" * 100)) == 32
    svg = bar_chart_svg("t", {"$x$": 1, "<script>": 2})
    assert "$x$" in svg  # not parsed as TeX
    assert "&lt;script&gt;" in svg
    import matplotlib.figure

    def evil(self: object, buffer: io.StringIO, **_: object) -> None:
        buffer.write("<svg><script>alert(1)</script></svg>")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", evil)
    with pytest.raises(UnsafeChart):
        bar_chart_svg("t", {"a": 1})


def test_no_charts_without_personal_data(empty_result: ScanResult) -> None:
    page = render_html(empty_result)
    assert "<img" not in page
    assert "No personal data found: nothing to chart." in page


# --- report.xlsx -----------------------------------------------------------------------------


@pytest.fixture
def book(hostile_result: ScanResult):  # type: ignore[no-untyped-def]
    return load_workbook(io.BytesIO(render_xlsx(hostile_result)))


def sheet_rows(ws) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    header = [c.value for c in ws[1]]
    return [
        dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)
    ]


def test_action_list_sheet(book, names: SimpleNamespace) -> None:  # type: ignore[no-untyped-def]
    ws = book["Action list"]
    assert [c.value for c in ws[1]] == [name for name, _ in ACTION_COLUMNS]
    rows = sheet_rows(ws)
    assert [r["severity"] for r in rows] == ["critical", "high", "low"]
    assert [r["path"] for r in rows] == [names.hyperlink, names.script, "ctrl?char.txt"]
    assert rows[0]["why"].startswith("special category data (health), 340 people")
    assert FLAG_ADVICE["special_category_unprotected"] in rows[0]["what to do"]
    assert ws["A2"].fill.fgColor.rgb.endswith("F4B6B0")
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:M4"
    due = ws.cell(row=2, column=8)
    assert due.is_date and due.value == datetime(2020, 7, 31)
    assert due.number_format == "yyyy-mm-dd"


def test_list_sheets(book, names: SimpleNamespace) -> None:  # type: ignore[no-untyped-def]
    assert [r["path"] for r in sheet_rows(book["Overdue"])] == [names.hyperlink]
    assert [r["path"] for r in sheet_rows(book["Unprotected"])] == [names.hyperlink, names.script]
    assert [r["path"] for r in sheet_rows(book["Special category"])] == [names.hyperlink]
    assert [r["path"] for r in sheet_rows(book["Unregistered"])] == [names.hyperlink]
    assets = sheet_rows(book["Assets"])
    assert [a["asset_id"] for a in assets] == ["ADMIN-01", names.asset, "OLD-SHARE"]
    assert assets[0]["owner"] == "=Head teacher"
    assert book["Assets"]["C2"].quotePrefix is True
    assert assets[2]["empty"] == "yes"


def test_all_files_retention_due_is_a_date(book) -> None:  # type: ignore[no-untyped-def]
    ws = book["All files"]
    column = [c.value for c in ws[1]].index("retention_due") + 1
    dated = [ws.cell(row=r, column=column) for r in range(2, ws.max_row + 1)]
    dated = [c for c in dated if c.value is not None]
    assert len(dated) == 4
    assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in dated)


def test_summary_has_severity_chart(book) -> None:  # type: ignore[no-untyped-def]
    ws = book["Summary"]
    values = {row[0]: row[1:] for row in ws.iter_rows(values_only=True) if row[0]}
    assert values["critical"][0] == 1
    assert values["high"][0] == 1
    assert values["medium"][0] == 0
    assert values["files past their retention date"][0] == 1
    assert len(ws._charts) == 1  # openpyxl reads charts back into _charts


# --- files.csv -------------------------------------------------------------------------------


def read_csv(result: ScanResult) -> list[dict[str, str]]:
    data = render_csv(result)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_the_all_files_columns(book, hostile_result: ScanResult) -> None:  # type: ignore[no-untyped-def]
    rows = read_csv(hostile_result)
    assert list(rows[0]) == [c.value for c in book["All files"][1]]
    assert len(rows) == 11


def test_csv_injection_is_neutralised(hostile_result: ScanResult, names: SimpleNamespace) -> None:
    paths = [row["path"] for row in read_csv(hostile_result)]
    assert "'" + names.hyperlink in paths
    assert "'" + names.plus in paths
    assert "'" + names.at in paths
    assert "'" + names.minus in paths
    assert "'" + names.tab in paths
    assert names.script in paths
    assert names.newline in paths  # quoted, newline kept
    for row in read_csv(hostile_result):
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    row = next(r for r in read_csv(hostile_result) if r["path"] == "'" + names.hyperlink)
    assert row["evidence"] == "UK_NHS: 943 *** 5919; DATE_OF_BIRTH: =1+1"
    assert row["modified"] == "2024-06-01 09:00:00"
    assert row["retention_due"] == "2020-07-31"
    assert row["data_subjects"] == "340"


def test_csv_cell() -> None:
    assert csv_cell(None) == ""
    assert csv_cell(-3) == "-3"  # numbers are not text from the scan
    assert csv_cell("-3") == "'-3"
    assert csv_cell("@x") == "'@x"
    assert csv_cell("a=b") == "a=b"
