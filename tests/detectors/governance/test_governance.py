"""Governance: retention fields, policy flags and severity from results alone."""

from __future__ import annotations

import datetime as dt

import pytest

from dpscan.detectors.governance import Governor, Policy
from dpscan.detectors.governance.retention import default_rules_path, load_schedule
from dpscan.model.ids import severity_rank
from dpscan.model.records import FileResult

TODAY = dt.date(2026, 11, 28)


@pytest.fixture(scope="module")
def governor() -> Governor:
    return Governor(load_schedule(default_rules_path()), policy=Policy(), today=TODAY)


def _record(path: str, **fields: object) -> FileResult:
    base = {"root": "/srv/share", "modified": "2025-01-10T09:00:00+00:00",
            "protection": "none", "entities": {"PERSON": 3}, "data_subjects": 3}
    base.update(fields)
    return FileResult(path=path, **base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "rule", "due", "flag"),
    [
        ("Attendance/2014-15/Autumn.xlsx", "attendance-registers", "2021-08-31", "overdue"),
        ("Attendance/2020-21/Autumn.xlsx", "attendance-registers", "2027-08-31", None),
        ("Attendance/2023-24/Autumn.xlsx", "attendance-registers", "2030-08-31", None),
    ],
)
def test_attendance_registers_six_years_from_the_school_year(
    governor: Governor, path: str, rule: str, due: str, flag: str | None
) -> None:
    record = _record(path)
    governor.govern(record)
    assert (record.retention_rule, record.retention_due, record.action) == (rule, due, "dispose")
    assert record.retention_trigger.startswith("path_date")
    overdue_flags = {"overdue", "due_soon"} & set(record.flags)
    assert overdue_flags == ({flag} if flag else set())


@pytest.mark.parametrize(("days", "flagged"), [(90, False), (276, True), (275, False)])
def test_due_soon_window_is_configurable(days: int, flagged: bool) -> None:
    record = _record("Attendance/2020-21/Autumn.xlsx")  # due 2027-08-31, 276 days away
    Governor(load_schedule(default_rules_path()), policy=Policy(due_soon_days=days),
             today=TODAY).govern(record)
    assert ("due_soon" in record.flags) is flagged and "overdue" not in record.flags


def test_date_of_birth_trigger_uses_only_the_year(governor: Governor) -> None:
    record = _record("SEN/Amelia/EHCP review.docx", special_categories=["sen"],
                     latest_birth_year=1990, entities={"PERSON": 1, "DATE_OF_BIRTH": 1})
    governor.govern(record)
    assert record.retention_rule == "sen-files"
    assert record.retention_trigger.startswith("date_of_birth")
    assert record.retention_due == "2021-12-31"  # end of 1990 + 31 years
    assert "overdue" in record.flags


def test_special_category_unprotected_and_severity(governor: Governor) -> None:
    record = _record("SEN/Amelia/EHCP review.docx", special_categories=["sen"],
                     latest_birth_year=1990, data_subjects=340,
                     entities={"PERSON": 340, "UK_UPN": 340, "DATE_OF_BIRTH": 340})
    governor.govern(record)
    assert "special_category_unprotected" in record.flags
    # 3 special + 1 children's ids + 2 people + 1 unprotected + 1 special unprotected + 1 overdue
    assert record.severity == "critical"
    assert record.severity_reasons[:4] == ["special category data (sen)",
                                           "children's identifiers", "340 people",
                                           "not encrypted"]
    assert record.severity_reasons[4] == "4 years past its retention date"


def test_encrypted_special_category_is_not_flagged_and_ranks_lower(governor: Governor) -> None:
    plain = _record("SEN/a.docx", special_categories=["sen"])
    locked = _record("SEN/b.docx", special_categories=["sen"], protection="encrypted")
    governor.govern(plain)
    governor.govern(locked)
    assert "special_category_unprotected" not in locked.flags
    assert severity_rank(plain.severity) > severity_rank(locked.severity)


def test_no_personal_data_no_severity_no_flags(governor: Governor) -> None:
    record = _record("Newsletters/2010 summer.docx", entities={}, data_subjects=0)
    governor.govern(record)
    assert record.severity is None and record.severity_reasons == []
    assert not {"special_category_unprotected", "public_location", "removable_media",
                "unregistered_personal_data"} & set(record.flags)


def test_public_location_and_removable_media_raise_severity() -> None:
    schedule = load_schedule(default_rules_path())
    record = _record("Pupil Shared/Class 4/list.xlsx", entities={"PERSON": 30},
                     data_subjects=30)
    Governor(schedule, policy=Policy(public_locations=("Pupil Shared/**",)),
             today=TODAY).govern(record)
    assert "public_location" in record.flags
    usb = _record("list.xlsx", entities={"PERSON": 30}, data_subjects=30)
    Governor(schedule, policy=Policy(removable_media=True), today=TODAY).govern(usb)
    assert "removable_media" in usb.flags
    quiet = _record("Office/list.xlsx", entities={"PERSON": 30}, data_subjects=30)
    Governor(schedule, today=TODAY).govern(quiet)
    assert severity_rank(record.severity) > severity_rank(quiet.severity)
    assert severity_rank(usb.severity) > severity_rank(quiet.severity)


def test_severity_ordering() -> None:
    assert [severity_rank(s) for s in ("critical", "high", "medium", "low", None)] == [
        3, 2, 1, 0, -1]
