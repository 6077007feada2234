"""Issue 18: containers judged with their members, files no rule covers, critical severity for
children's sensitive data, default public locations, people figures, a bare-list rules file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dpscan.detectors.governance import Governor, Policy
from dpscan.detectors.governance.policy import apply_policy_flags, fold_members
from dpscan.detectors.governance.retention import default_rules_path, load_schedule, match_rule
from dpscan.model.records import FileResult

TODAY = dt.date(2026, 11, 28)
ROOT = "/srv/share"


@pytest.fixture(scope="module")
def schedule():  # noqa: ANN201 - a RetentionSchedule
    return load_schedule(default_rules_path())


def _governor(schedule, policy: Policy | None = None) -> Governor:  # noqa: ANN001
    return Governor(schedule, policy=policy or Policy(), today=TODAY)


def _record(path: str, **fields: object) -> FileResult:
    base = {"root": ROOT, "modified": "2013-09-01T09:00:00+00:00", "protection": "none",
            "entities": {"PERSON": 3}, "data_subjects": 3}
    base.update(fields)
    return FileResult(path=path, **base)  # type: ignore[arg-type]


def _archive(members: list[FileResult], path: str = "Admin/Attendance 2012-13.zip") -> FileResult:
    archive = _record(path, entities={}, data_subjects=0)
    fold_members(archive, members)
    apply_policy_flags(archive)
    return archive


def _member(name: str, container: str = "Admin/Attendance 2012-13.zip",
            **fields: object) -> FileResult:
    base = {"entities": {"PERSON": 27, "UK_UPN": 27, "DATE_OF_BIRTH": 27}, "data_subjects": 27}
    base.update(fields)
    return _record(f"{container}!{name}", container=container, **base)


# --------------------------------------------------------------------- containers


def test_fold_members_adds_what_the_members_hold() -> None:
    members = [_member("Autumn/Register.xlsx", special_categories=["health"],
                       latest_birth_year=2001),
               _member("Spring/Register.xlsx", latest_birth_year=2002),
               _member("readme.txt", entities={}, data_subjects=0)]
    archive = _archive(members)
    assert archive.members_entities == {"PERSON": 54, "UK_UPN": 54, "DATE_OF_BIRTH": 54}
    assert archive.members_special_categories == ["health"]
    assert (archive.members_with_personal_data, archive.members_data_subjects) == (2, 54)
    assert archive.members_latest_birth_year == 2002
    assert not archive.has_personal_data and archive.holds_personal_data
    assert "unprotected_personal_data" in archive.flags
    assert archive.people() == (54, False)


def test_an_old_archive_of_registers_is_overdue_with_a_severity(schedule) -> None:  # noqa: ANN001
    member = _member("Autumn/Register.xlsx")
    archive = _archive([member])
    governor = _governor(schedule)
    governor.govern(archive)
    assert (archive.retention_rule, archive.retention_due, archive.action) == (
        "attendance-registers", "2019-08-31", "dispose")
    assert "overdue" in archive.flags
    assert archive.severity == "medium"  # children's ids, 10+ people, unprotected, overdue
    assert "27 people" in archive.severity_reasons
    # The member's own path matches no rule: it takes its container's.
    assert match_rule(schedule, member.path, member.entities, []) is None
    governor.govern(member)
    assert (member.retention_rule, member.retention_due) == ("attendance-registers", "2019-08-31")
    assert "overdue" in member.flags and "no_retention_rule" not in member.flags


def test_a_member_judged_alone_takes_the_rule_of_its_containers_path(schedule) -> None:  # noqa: ANN001
    member = _member("Autumn/Register.xlsx")
    _governor(schedule).govern(member)
    assert member.retention_rule == "attendance-registers"


def test_a_member_does_not_take_the_rule_of_a_previous_files_container(schedule) -> None:  # noqa: ANN001
    governor = _governor(schedule)
    governor.govern(_archive([_member("Autumn/Register.xlsx")]))
    governor.govern(_record("Exams/2015/Entries.xlsx"))
    other = _member("list.xlsx", container="Exams/2015/Entries.zip")
    governor.govern(other)
    assert other.retention_rule is None and "no_retention_rule" in other.flags


def test_members_people_are_up_to_when_added_up(schedule) -> None:  # noqa: ANN001
    archive = _archive([_member("Autumn/Register.xlsx"), _member("Spring/Register.xlsx")])
    _governor(schedule).govern(archive)
    assert "up to 54 people" in archive.severity_reasons


# --------------------------------------------------------------------- no rule


def test_personal_data_no_rule_covers_is_flagged_classify(schedule) -> None:  # noqa: ANN001
    record = _record("Exams/2015/Entries summer 2015.xlsx")
    _governor(schedule).govern(record)
    assert (record.retention_rule, record.action) == (None, "classify")
    assert "no_retention_rule" in record.flags


def test_no_flag_without_personal_data_or_without_a_schedule(schedule) -> None:  # noqa: ANN001
    empty = _record("Exams/2015/Notes.txt", entities={}, data_subjects=0)
    _governor(schedule).govern(empty)
    assert empty.action is None and empty.flags == []
    unscheduled = _record("Exams/2015/Entries summer 2015.xlsx")
    Governor(None, today=TODAY).govern(unscheduled)
    assert "no_retention_rule" not in unscheduled.flags


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("Exams/2015/Coursework/History NEA marks.xlsx", "exam-coursework-and-nea"),
        ("Exams/Access arrangements/Form 8 Smith J.pdf", "access-arrangements"),
        ("Exams/Certificates/Uncollected 2016.pdf", "exam-certificates"),
        ("Exams/2019/GCSE results summer 2019.xlsx", "exam-and-assessment-results"),
    ],
)
def test_the_schedule_has_secondary_exam_series(schedule, path: str, rule: str) -> None:  # noqa: ANN001
    record = _record(path)
    _governor(schedule).govern(record)
    assert record.retention_rule == rule and "no_retention_rule" not in record.flags


def test_a_bare_list_rules_file_names_the_wrapper(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("- id: attendance-registers\n  title: Registers\n")
    with pytest.raises(Exception, match=r"bare list .*`version: 1` and `rules:`"):
        load_schedule(rules)


# --------------------------------------------------------------------- severity


@pytest.mark.parametrize(
    ("path", "categories", "entities"),
    [
        ("Safeguarding/Log.docx", ["safeguarding"], {"PERSON": 1}),
        ("SEN/EHCP review.docx", ["sen"], {"PERSON": 1}),
        ("Medical/Care plan.docx", ["health"], {"PERSON": 1, "DATE_OF_BIRTH": 1}),
    ],
)
def test_unprotected_sensitive_data_about_children_is_critical(
    schedule, path: str, categories: list[str], entities: dict[str, int]  # noqa: ANN001
) -> None:
    record = _record(path, special_categories=categories, entities=entities, data_subjects=1,
                     modified="2026-01-10T09:00:00+00:00")
    _governor(schedule).govern(record)
    assert record.severity == "critical", record.severity_reasons
    assert record.severity_reasons[0].endswith("data about children")
    protected = _record(path, special_categories=categories, entities=entities,
                        data_subjects=1, protection="encrypted",
                        modified="2026-01-10T09:00:00+00:00")
    _governor(schedule).govern(protected)
    assert protected.severity != "critical"


def test_health_data_without_a_sign_of_children_is_not_forced_critical(schedule) -> None:  # noqa: ANN001
    record = _record("Staff/Sickness/Absence note.docx", special_categories=["health"],
                     entities={"PERSON": 1}, data_subjects=1,
                     modified="2026-01-10T09:00:00+00:00")
    _governor(schedule).govern(record)
    assert record.severity == "high"  # 3 special + 1 unprotected + 1 special unprotected


def test_special_category_about_children_in_a_public_folder_is_critical(schedule) -> None:  # noqa: ANN001
    record = _record("Public/Class 3/Dinner choices.xlsx", special_categories=["religion"],
                     entities={"PERSON": 3, "DATE_OF_BIRTH": 3},
                     modified="2026-01-10T09:00:00+00:00")
    _governor(schedule).govern(record)
    assert "public_location" in record.flags and record.severity == "critical"


# --------------------------------------------------------------------- public locations


@pytest.mark.parametrize(
    ("root", "path", "public"),
    [
        (ROOT, "Pupil Shared/Class 4/Birthdays.xlsx", True),
        (ROOT, "Admin/Pupils Shared/list.xlsx", True),
        (ROOT, "Student Shared/list.xlsx", True),
        (ROOT, "Public/list.xlsx", True),
        (ROOT, "Everyone/list.xlsx", True),
        (ROOT, "Students/7A/list.xlsx", True),
        ("/mnt/Students", "7A/list.xlsx", True),
        ("/mnt/Public", "list.xlsx", True),
        (ROOT, "SEN/Students/Smith J/IEP.docx", False),  # staff's folder about students
        (ROOT, "Admin/Pupils/list.xlsx", False),
    ],
)
def test_default_public_locations(schedule, root: str, path: str, public: bool) -> None:  # noqa: ANN001
    record = _record(path, root=root, entities={"PERSON": 3, "DATE_OF_BIRTH": 3})
    _governor(schedule).govern(record)
    assert ("public_location" in record.flags) is public


def test_a_dob_list_in_pupil_shared_is_not_low(schedule) -> None:  # noqa: ANN001
    record = _record("Pupil Shared/Class 4/Birthdays.xlsx", entities={"DATE_OF_BIRTH": 3},
                     modified="2026-01-10T09:00:00+00:00")
    _governor(schedule).govern(record)
    assert record.severity == "medium"
