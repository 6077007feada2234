"""Issue 18: reports give a container's people with its members ("up to N" when added up)
and show the public locations governance assumed."""

from __future__ import annotations

import io

import openpyxl

from dpscan.model.records import FileResult, ScanResult, ScanSummary
from dpscan.reports._summary import People, people_in, record_people
from dpscan.reports.html_report import render_html
from dpscan.reports.xlsx_report import render_xlsx


def _result() -> ScanResult:
    archive = FileResult(path="Admin/Registers.zip", root="/srv", protection="none",
                         members_with_personal_data=2, members_data_subjects=54,
                         members_entities={"PERSON": 54}, severity="medium",
                         flags=["unprotected_personal_data"])
    members = [FileResult(path=f"Admin/Registers.zip!{term}.xlsx", root="/srv",
                          container="Admin/Registers.zip", protection="none",
                          entities={"PERSON": 27}, data_subjects=27, severity="medium")
               for term in ("Autumn", "Spring")]
    summary = ScanSummary(tool="dpscan", version="0", started="2026-11-28T09:00:00+00:00",
                          finished="2026-11-28T09:01:00+00:00", roots=["/srv"],
                          rules={"default_public_locations": ["**/pupil* shared/**"],
                                 "public_locations": []})
    return ScanResult(scan=summary, files=[archive, *members])


def test_people_figures() -> None:
    archive, autumn, spring = _result().files
    assert record_people(archive) == People(at_least=27, up_to=54)
    assert str(record_people(archive)) == "up to 54 people"
    assert str(record_people(autumn)) == "27 people"
    assert people_in([autumn, spring]) == People(at_least=27, up_to=54)


def test_html_shows_up_to_for_a_container_and_the_public_locations() -> None:
    page = render_html(_result())
    assert '<td class="num">up to 54</td>' in page
    assert '<td class="num">27</td>' in page
    assert "**/pupil* shared/**" in page and "['" not in page


def test_xlsx_people_cells() -> None:
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(_result())))
    values = {cell.value for sheet in book.worksheets for row in sheet.iter_rows()
              for cell in row}
    assert "up to 54" in values and "**/pupil* shared/**" in values
