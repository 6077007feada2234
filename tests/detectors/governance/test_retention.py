"""Retention schedule: the shipped rules file, rule matching, dates in paths, due dates and
the rules-file validation messages."""

from __future__ import annotations

import hashlib
import textwrap
from datetime import date, datetime
from pathlib import Path

import pytest

from dpscan.detectors.governance.retention import (
    RetentionDecision,
    RetentionRule,
    RetentionSchedule,
    RulesError,
    check_schedule,
    decide,
    glob_to_regex,
    load_schedule,
    match_rule,
    path_date,
)
from dpscan.model.errors import ConfigError

ROOT = Path(__file__).resolve().parents[3]
RULES_FILE = ROOT / "retention_rules.yaml"
TODAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def schedule() -> RetentionSchedule:
    return load_schedule(RULES_FILE)


def write(tmp_path: Path, text: str, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def rules_file(tmp_path: Path, rules: str) -> RetentionSchedule:
    """A schedule from ``rules`` (YAML list items, dedented) under a valid header."""
    return load_schedule(write(tmp_path, "version: 1\nrules:\n" + textwrap.dedent(rules)))


def make_rule(**fields: object) -> RetentionRule:
    values: dict[str, object] = {
        "id": "test-rule",
        "title": "Test rule",
        "action": "dispose",
        "source": "test",
        "confidence": "typical",
        "examples": ("x/a.txt",),
        "trigger": "modified",
    }
    values.update(fields)
    return RetentionRule(**values)  # type: ignore[arg-type]


def run(rule: RetentionRule, **kwargs: object) -> RetentionDecision:
    args: dict[str, object] = {
        "modified": date(2020, 5, 17),
        "path": "x/file.docx",
        "dob": None,
        "closure": None,
        "today": TODAY,
    }
    args.update(kwargs)
    return decide(rule, **args)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- shipped file


def test_shipped_rules_load_and_every_example_holds(schedule: RetentionSchedule) -> None:
    assert check_schedule(schedule) == []


def test_shipped_rules_are_many_with_unique_ids(schedule: RetentionSchedule) -> None:
    ids = [rule.id for rule in schedule.rules]
    assert len(ids) >= 30
    assert len(set(ids)) == len(ids)


def test_schedule_records_its_source_and_digest(schedule: RetentionSchedule) -> None:
    assert schedule.source == RULES_FILE
    assert schedule.sha256 == hashlib.sha256(RULES_FILE.read_bytes()).hexdigest()


def test_attendance_registers_are_kept_six_years_not_three(schedule: RetentionSchedule) -> None:
    rule = schedule.get("attendance-registers")
    assert rule is not None
    assert (rule.years, rule.months, rule.days) == (6, 0, 0)
    assert rule.confidence == "confirmed"
    assert "2024" in rule.source and "reg. 7" in rule.source


@pytest.mark.parametrize(
    ("rule_id", "years", "months", "days", "trigger"),
    [
        ("sen-files", 31, 0, 0, "date_of_birth"),
        ("child-protection-files", 25, 0, 0, "date_of_birth"),
        ("staff-personnel-files", 6, 0, 0, "closure"),
        ("unsuccessful-applicants", 0, 6, 0, "path_date"),
        ("dbs-certificates", 0, 6, 0, "modified"),
        ("cctv-recordings", 0, 0, 30, "modified"),
        ("payroll-records", 6, 0, 0, "path_date"),
    ],
)
def test_key_periods_follow_the_reference(
    schedule: RetentionSchedule, rule_id: str, years: int, months: int, days: int, trigger: str
) -> None:
    rule = schedule.get(rule_id)
    assert rule is not None
    assert (rule.years, rule.months, rule.days, rule.trigger) == (years, months, days, trigger)


def test_sen_and_child_protection_are_for_review(schedule: RetentionSchedule) -> None:
    rules = [schedule.get(i) for i in ("sen-files", "child-protection-files")]
    assert [rule.action if rule else None for rule in rules] == ["review", "review"]


# Realistic primary-school paths (several from tests/corpus.py) and the rule each must get.
@pytest.mark.parametrize(
    ("relpath", "expected"),
    [
        ("Attendance/2014-15/Autumn term.xlsx", "attendance-registers"),
        ("Registers/2019-2020/Autumn.xlsx", "attendance-registers"),
        ("ADMIN/ATTENDANCE/REGISTERS 2023-24.XLSX", "attendance-registers"),
        ("Admin/Attendance/absence note 001.txt", "absence-correspondence"),
        ("Office/Registers/Admission register.xlsx", "admission-register"),
        ("Admissions/2023-24/Reception application J Smith.pdf", "admission-applications"),
        ("Admissions/Appeals/2022 appeal bundle.pdf", "admission-appeals"),
        ("SEN/Letters/annual review invitation 001.docx", "sen-files"),
        ("SEN/Reviews/SEN review summaries 2019-20.pdf", "sen-files"),
        ("Pupil files/Smith J/SEN/IEP autumn.docx", "sen-files"),
        ("SEN/Medical register 2019-20.docx", "medical-records"),
        ("Pupil files/Smith J/Admission details.docx", "pupil-records"),
        ("Safeguarding/CP files/Smith J/Chronology.docx", "child-protection-files"),
        ("Safeguarding/LADO/2019 referral.docx", "allegations-against-staff"),
        ("Policies/Safeguarding and child protection policy 2024.docx", "policies-and-plans"),
        ("Policies/Data protection policy.docx", "policies-and-plans"),
        ("Office/First aid/Accident book 2021-22.xlsx", "accident-records-pupils"),
        ("Staff/Accidents/2019 accident form.docx", "accident-records-adults"),
        ("Behaviour/Incident log 2022-23.xlsx", "behaviour-and-exclusions"),
        ("Assessment/2018-19/KS2 SATs results.xlsx", "exam-and-assessment-results"),
        ("Office/FSM/Eligibility checks 2020-21.xlsx", "free-school-meals"),
        ("Admin/Dinner money/balances (Windows export).csv", "school-fund"),
        ("Admin/Dinner money/Dinner register.xlsx", "school-meals-registers"),
        ("Trips/2016/Consent forms/consent form 001.pdf", "trip-consent-forms"),
        ("Trips/2016/Boulogne visit passports and payments.txt", "educational-visits"),
        ("Admin/Photos/photo.jpg", "photographs-and-consent"),
        ("Staff/New starters/new starter details.txt", "staff-personnel-files"),
        ("Staff/Training/apprenticeship record 001.txt", "staff-training-records"),
        (
            "Staff/Recruitment/2023 Year 3 teacher/Application form TA.docx",
            "unsuccessful-applicants",
        ),
        ("Staff/DBS/Smith J DBS.pdf", "dbs-certificates"),
        ("Finance/Payroll/2019-20/March payroll.xlsx", "payroll-records"),
        ("Governors/Minutes/FGB minutes 2021-03-04.docx", "governors-minutes"),
        ("Governors/2022-23/Spring/Headteacher report.docx", "governors-papers"),
        ("Office/Visitor book 2019-20.xlsx", "visitor-books"),
        ("Newsletters/Summer fair 2019.txt", "newsletters-and-letters-home"),
        ("Admin/Letters home/2019-20/Trip letter 001.txt", "newsletters-and-letters-home"),
        ("Finance/Budget 2019-20.xlsx", "finance-records"),
        ("Finance/stock and invoices 2019.csv", "finance-records"),
        (
            "Finance/Insurance/Employers liability certificate 2023.pdf",
            "employers-liability-insurance",
        ),
        ("CCTV/Exports/2023-05-02 gate.mp4", "cctv-recordings"),
        # Nothing in the schedule covers these.
        ("Class Lists/2019-20/Year 5 Willow.csv", None),
        ("Admin/Backups/sims export.dat", None),
        ("Year 3/Maths/Fractions worksheet.docx", None),
        ("Office/Please sign.docx", None),
    ],
)
def test_realistic_paths_get_the_expected_rule(
    schedule: RetentionSchedule, relpath: str, expected: str | None
) -> None:
    rule = match_rule(schedule, relpath, {}, [])
    assert (rule.id if rule else None) == expected


@pytest.mark.parametrize(
    ("relpath", "categories", "expected"),
    [
        ("Office/Scans/Scan0042.pdf", ["safeguarding"], "safeguarding-by-content"),
        ("Office/Scans/Scan0042.pdf", ["sen"], "sen-by-content"),
        ("Office/Scans/Scan0042.pdf", ["health"], "medical-by-content"),
        ("Office/Scans/Scan0042.pdf", ["ethnicity"], None),
        ("Office/Scans/Scan0042.pdf", [], None),
        # A path rule beats a content-only rule.
        ("Policies/Data protection policy.docx", ["safeguarding"], "policies-and-plans"),
    ],
)
def test_content_only_rules_catch_unfiled_sensitive_files(
    schedule: RetentionSchedule, relpath: str, categories: list[str], expected: str | None
) -> None:
    rule = match_rule(schedule, relpath, {"PERSON": 3}, categories)
    assert (rule.id if rule else None) == expected


def test_permanent_rule_has_no_due_date(schedule: RetentionSchedule) -> None:
    rule = schedule.get("governors-minutes")
    assert rule is not None and rule.action == "permanent"
    decision = run(rule, path="Governors/Minutes/FGB minutes 2001-03-04.docx")
    assert (decision.due, decision.trigger_date, decision.overdue, decision.due_soon) == (
        None,
        None,
        False,
        False,
    )
    assert (decision.action, decision.trigger) == ("permanent", "none (kept permanently)")


def test_every_shipped_permanent_rule_is_never_due(schedule: RetentionSchedule) -> None:
    permanent = [rule for rule in schedule.rules if rule.action == "permanent"]
    assert permanent
    for rule in permanent:
        decision = run(rule, modified=date(1995, 1, 1))
        assert decision.due is None and not decision.overdue


# --------------------------------------------------------------------------- matching


def test_globs_are_case_insensitive_and_star_stays_in_one_name(tmp_path: Path) -> None:
    sched = rules_file(
        tmp_path,
        """\
        - id: registers
          title: Registers
          match: {paths: ["**/*register*"]}
          retention: {years: 1}
          trigger: modified
          action: dispose
          source: test
          confidence: typical
          examples: [REGISTER.xlsx, a/b/Class Register.csv]
          negative_examples: [Registers/Autumn.xlsx]
        """,
    )
    assert check_schedule(sched) == []
    assert match_rule(sched, "Registers/Autumn.xlsx", {}, []) is None


@pytest.mark.parametrize(
    ("glob", "matching", "not_matching"),
    [
        ("**/attendance/**", "Attendance/x.xlsx", "Attendances/x.xlsx"),
        ("**/attendance/**", "a/b/ATTENDANCE/c/x.xlsx", "a/attendance"),
        ("**/attendance/**", "attendance/x.xlsx", "a/nonattendance/x.xlsx"),
        ("staff/*.docx", "staff/contract.docx", "staff/old/contract.docx"),
        ("**/y?.txt", "a/y1.txt", "a/y10.txt"),
        ("**/[!a]*.txt", "b.txt", "a.txt"),
        ("**/file[0-9].txt", "x/file3.txt", "x/fileA.txt"),
    ],
)
def test_glob_semantics(glob: str, matching: str, not_matching: str) -> None:
    import re

    regex = re.compile(glob_to_regex(glob), re.IGNORECASE)
    assert regex.fullmatch(matching)
    assert not regex.fullmatch(not_matching)


ORDERING_RULES = """\
- id: generic-folder
  title: Anything in Office
  match: {paths: ["office/**"]}
  retention: {years: 1}
  trigger: modified
  action: dispose
  source: test
  confidence: typical
  examples: [office/a.txt]
- id: longer-pattern
  title: Office letters
  match: {paths: ["office/**/*letter*"]}
  retention: {years: 2}
  trigger: modified
  action: dispose
  source: test
  confidence: typical
  examples: [office/letter.txt]
- id: same-pattern-later
  title: Same pattern, later in the file
  match: {paths: ["office/**/*letter*"]}
  retention: {years: 3}
  trigger: modified
  action: dispose
  source: test
  confidence: typical
  examples: [office/letter.txt]
- id: with-content
  title: Office files naming a date of birth
  match:
    paths: ["office/**"]
    content: {entities: [DATE_OF_BIRTH, UK_UPN]}
  retention: {years: 4}
  trigger: modified
  action: dispose
  source: test
  confidence: typical
  examples: [office/list.txt]
- id: high-priority
  title: Health anywhere
  priority: 3
  match:
    content: {special_categories: [health]}
  retention: {years: 5}
  trigger: modified
  action: review
  source: test
  confidence: typical
  examples: [office/letter.txt]
- id: dob-anywhere
  title: Any file naming a date of birth
  match:
    content: {entities: [DATE_OF_BIRTH]}
  retention: {years: 6}
  trigger: modified
  action: review
  source: test
  confidence: typical
  examples: [elsewhere/b.txt]
"""


@pytest.mark.parametrize(
    ("relpath", "entities", "categories", "expected"),
    [
        # Longer (more literal characters) pattern beats a folder glob.
        ("office/parent letter.txt", {}, [], "longer-pattern"),
        # Path+content beats path only, even against a longer path pattern.
        ("office/letter.txt", {"DATE_OF_BIRTH": 2, "UK_UPN": 1}, [], "with-content"),
        # Every listed entity type must be present, with a count above zero.
        ("office/letter.txt", {"DATE_OF_BIRTH": 2}, [], "longer-pattern"),
        ("office/letter.txt", {"DATE_OF_BIRTH": 2, "UK_UPN": 0}, [], "longer-pattern"),
        # Priority beats everything, even a content-only rule against path rules.
        ("office/letter.txt", {"DATE_OF_BIRTH": 2, "UK_UPN": 1}, ["health"], "high-priority"),
        ("elsewhere/a.txt", {}, ["health"], "high-priority"),
        ("elsewhere/a.txt", {}, [], None),
        ("office/a.txt", {}, [], "generic-folder"),
        # At equal priority any path rule beats a content-only rule.
        ("office/a.txt", {"DATE_OF_BIRTH": 1}, [], "generic-folder"),
        ("elsewhere/a.txt", {"DATE_OF_BIRTH": 1}, [], "dob-anywhere"),
    ],
)
def test_match_rule_ordering(
    tmp_path: Path,
    relpath: str,
    entities: dict[str, int],
    categories: list[str],
    expected: str | None,
) -> None:
    sched = rules_file(tmp_path, ORDERING_RULES)
    rule = match_rule(sched, relpath, entities, categories)
    assert (rule.id if rule else None) == expected


def test_specificity_counts_literal_characters_not_wildcards(tmp_path: Path) -> None:
    sched = rules_file(
        tmp_path,
        """\
        - id: office-folder
          title: Office
          match: {paths: ["office/**"]}
          retention: {years: 1}
          trigger: modified
          action: dispose
          source: test
          confidence: typical
          examples: [office/x/y/let.txt]
        - id: many-wildcards
          title: Long pattern, few letters
          match: {paths: ["**/*/*/*let*"]}
          retention: {years: 1}
          trigger: modified
          action: dispose
          source: test
          confidence: typical
          examples: [a/b/c/let.txt]
        """,
    )
    # "office/" is 7 fixed characters; "**/*/*/*let*" is longer but fixes only "///let".
    assert check_schedule(sched) == []


def test_equal_rules_are_decided_by_file_order(tmp_path: Path) -> None:
    sched = rules_file(tmp_path, ORDERING_RULES)
    rule = match_rule(sched, "office/letter.txt", {}, [])
    assert rule is not None and rule.id == "longer-pattern"
    # Its twin with the same pattern comes later, so its example fails the check.
    assert check_schedule(sched) == [
        f"{sched.source} line 21: rule 'same-pattern-later': example 'office/letter.txt' "
        "selects rule 'longer-pattern' instead"
    ]


def test_path_regex_is_searched_ignoring_case(tmp_path: Path) -> None:
    sched = rules_file(
        tmp_path,
        """\
        - id: slt
          title: SLT
          match: {path_regex: "(?<![a-z])slt(?![a-z])"}
          retention: {years: 3}
          trigger: modified
          action: review
          source: test
          confidence: typical
          examples: [SLT/minutes.docx, Head/slt notes.docx]
          negative_examples: [Office/Wislton.docx, SALT/notes.docx]
        """,
    )
    assert check_schedule(sched) == []


def test_check_schedule_reports_broken_examples(tmp_path: Path) -> None:
    sched = rules_file(
        tmp_path,
        """\
        - id: a
          title: A
          match: {paths: ["x/**"]}
          retention: {years: 1}
          trigger: modified
          action: dispose
          source: test
          confidence: typical
          examples: [x/1.txt, y/1.txt, x/deep/2.txt]
          negative_examples: [x/2.txt, z/2.txt]
        - id: b
          title: B
          match: {paths: ["x/deep/**"]}
          retention: {years: 1}
          trigger: modified
          action: dispose
          source: test
          confidence: typical
          examples: [x/deep/1.txt]
        """,
    )
    where = f"{sched.source} line 3: rule 'a'"
    assert check_schedule(sched) == [
        f"{where}: example 'y/1.txt' matches no rule",
        f"{where}: example 'x/deep/2.txt' selects rule 'b' instead",
        f"{where}: negative example 'x/2.txt' matches this rule",
    ]


def test_check_schedule_judges_examples_with_the_rules_own_content(tmp_path: Path) -> None:
    sched = rules_file(
        tmp_path,
        """\
        - id: medical-folder
          title: Medical folder, with health content
          match:
            paths: ["medical/**"]
            content: {special_categories: [health]}
          retention: {years: 25}
          trigger: date_of_birth
          fallback: modified
          action: dispose
          source: test
          confidence: typical
          examples: [medical/plan.docx]
        """,
    )
    assert check_schedule(sched) == []
    assert match_rule(sched, "medical/plan.docx", {}, []) is None


# --------------------------------------------------------------------------- path_date


@pytest.mark.parametrize(
    ("relpath", "expected_date", "description"),
    [
        ("Attendance/2014-15/Autumn.xlsx", date(2015, 8, 31), "academic year 2014-15 in path"),
        ("Registers/2019-2020/Autumn.xlsx", date(2020, 8, 31), "academic year 2019-20 in path"),
        ("Registers/2014 15 register.xlsx", date(2015, 8, 31), "academic year 2014-15 in path"),
        ("Registers/2014_15.xlsx", date(2015, 8, 31), "academic year 2014-15 in path"),
        ("Budget 1999-00.xlsx", date(2000, 8, 31), "academic year 1999-00 in path"),
        ("Trips/Trip 2016 consent.pdf", date(2016, 12, 31), "year 2016 in path"),
        ("Governors/minutes 2021-03-04.docx", date(2021, 3, 4), "date 2021-03-04 in path"),
        ("Governors/minutes 04.03.2021.docx", date(2021, 3, 4), "date 2021-03-04 in path"),
        ("Governors/minutes 4-3-2021.docx", date(2021, 3, 4), "date 2021-03-04 in path"),
        # Also reads as academic year 2011-12 (31 Aug 2012): the full date must win.
        ("Governors/minutes 2011-12-05.docx", date(2011, 12, 5), "date 2011-12-05 in path"),
        ("Photos/IMG_20190612_101010.jpg", date(2019, 6, 12), "date 2019-06-12 in path"),
        # The latest date anywhere in the path wins.
        (
            "Archive 2010/Attendance/2014-15/Autumn.xlsx",
            date(2015, 8, 31),
            "academic year 2014-15 in path",
        ),
        ("Registers/2014-15/Spring 2016 copy.xlsx", date(2016, 12, 31), "year 2016 in path"),
        ("Archive/2018 2019-20/x.xlsx", date(2020, 8, 31), "academic year 2019-20 in path"),
        # Not consecutive: two bare years, the later counts.
        ("Plans/2019-2021 plan.docx", date(2021, 12, 31), "year 2021 in path"),
        # An impossible date still names a year.
        ("Notes/2021-13-40.txt", date(2021, 12, 31), "year 2021 in path"),
        # Implausible years are skipped, not fatal.
        ("History/1985/2012 report.docx", date(2012, 12, 31), "year 2012 in path"),
    ],
)
def test_path_date_finds_the_latest_date(
    relpath: str, expected_date: date, description: str
) -> None:
    assert path_date(relpath, today=TODAY) == (expected_date, description)


@pytest.mark.parametrize(
    "relpath",
    [
        "Finance/ref 201612.pdf",  # a 6-digit reference, not a year
        "Finance/invoice 12019.pdf",  # digits glued to others
        "History/1985 pageant.docx",  # before 1990
        "Plans/2099 vision.docx",  # far future
        "Plans/2027 vision.docx",  # today + 2 years
        "Year 3/Maths/Fractions worksheet.docx",
        "Staff/Phone list 01632 960123.docx",
    ],
)
def test_path_date_ignores_numbers_that_are_not_years(relpath: str) -> None:
    assert path_date(relpath, today=TODAY) is None


def test_path_date_accepts_next_year_and_defaults_to_the_system_date() -> None:
    assert path_date("Plans/2026 vision.docx", today=TODAY) == (
        date(2026, 12, 31),
        "year 2026 in path",
    )
    next_year = date.today().year + 1
    assert path_date(f"Plans/{next_year} vision.docx") is not None
    assert path_date(f"Plans/{next_year + 1} vision.docx") is None


# --------------------------------------------------------------------------- decide


def test_trigger_modified() -> None:
    decision = run(make_rule(trigger="modified", years=1), modified=date(2020, 5, 17))
    assert decision.trigger == "modified"
    assert decision.trigger_date == date(2020, 5, 17)
    assert decision.due == date(2021, 5, 17)


@pytest.mark.parametrize(
    ("path", "trigger_date", "due", "trigger"),
    [
        (
            "Attendance/2014-15/x.xlsx",
            date(2015, 8, 31),
            date(2021, 8, 31),
            "path_date: academic year 2014-15 in path",
        ),
        (
            "Trips/Trip 2016 consent.pdf",
            date(2016, 12, 31),
            date(2022, 12, 31),
            "path_date: year 2016 in path",
        ),
        (
            "Governors/minutes 2021-03-04.docx",
            date(2021, 3, 4),
            date(2027, 3, 4),
            "path_date: date 2021-03-04 in path",
        ),
        (
            "Attendance/Autumn.xlsx",
            date(2020, 5, 17),
            date(2026, 5, 17),
            "modified (no date in path)",
        ),
    ],
)
def test_trigger_path_date_with_fallback(
    path: str, trigger_date: date, due: date, trigger: str
) -> None:
    rule = make_rule(trigger="path_date", fallback="modified", years=6)
    decision = run(rule, path=path, modified=date(2020, 5, 17))
    assert (decision.trigger, decision.trigger_date, decision.due) == (
        trigger,
        trigger_date,
        due,
    )


def test_trigger_path_date_without_fallback_gives_no_due_date() -> None:
    decision = run(make_rule(trigger="path_date", years=6), path="Attendance/Autumn.xlsx")
    assert decision.trigger == "path_date (no date in path)"
    assert decision.due is None and decision.trigger_date is None
    assert not decision.overdue and not decision.due_soon


def test_trigger_date_of_birth_never_repeats_the_date_of_birth() -> None:
    rule = make_rule(trigger="date_of_birth", fallback="modified", years=25)
    decision = run(rule, dob=date(2009, 3, 2))
    assert decision.trigger == "date_of_birth (latest found in content)"
    assert "2009" not in decision.trigger
    assert decision.trigger_date == date(2009, 3, 2)
    assert decision.due == date(2034, 3, 2)


def test_trigger_date_of_birth_falls_back() -> None:
    to_modified = make_rule(trigger="date_of_birth", fallback="modified", years=25)
    decision = run(to_modified, dob=None, modified=date(2020, 5, 17))
    assert decision.trigger == "modified (no date of birth found)"
    assert decision.due == date(2045, 5, 17)

    to_path = make_rule(trigger="date_of_birth", fallback="path_date", years=25)
    decision = run(to_path, path="Leavers 2017/Smith.docx")
    assert decision.trigger == "path_date: year 2017 in path (no date of birth found)"
    assert decision.due == date(2042, 12, 31)

    decision = run(to_path, path="Pupils/Smith.docx")
    assert decision.trigger == "date_of_birth (no date of birth found; no date in path)"
    assert decision.due is None


def test_trigger_closure() -> None:
    rule = make_rule(trigger="closure", years=6)
    given = run(rule, closure=date(2018, 7, 20))
    assert (given.trigger, given.due) == ("closure 2018-07-20", date(2024, 7, 20))
    assert given.overdue

    missing = run(rule, closure=None, modified=date(2020, 5, 17))
    assert (missing.trigger, missing.due) == ("modified (no closure date)", date(2026, 5, 17))


def test_closure_date_from_the_rules_file_and_the_caller_overrides_it() -> None:
    rule = make_rule(trigger="closure", years=40, closure_date=date(2010, 8, 31))
    assert run(rule).due == date(2050, 8, 31)
    assert run(rule, closure=date(2012, 8, 31)).due == date(2052, 8, 31)


def test_closure_with_explicit_fallback() -> None:
    rule = make_rule(trigger="closure", fallback="path_date", years=1)
    decision = run(rule, path="Appeals/2021-22/x.pdf")
    assert decision.trigger == "path_date: academic year 2021-22 in path (no closure date)"
    assert decision.due == date(2023, 8, 31)


@pytest.mark.parametrize(
    ("kind", "start", "end"),
    [
        ("academic_year", date(2020, 8, 31), date(2020, 8, 31)),
        ("academic_year", date(2020, 9, 1), date(2021, 8, 31)),
        ("financial_year", date(2020, 3, 31), date(2020, 3, 31)),
        ("financial_year", date(2020, 4, 1), date(2021, 3, 31)),
        ("tax_year", date(2020, 4, 5), date(2020, 4, 5)),
        ("tax_year", date(2020, 4, 6), date(2021, 4, 5)),
        ("calendar_year", date(2020, 1, 1), date(2020, 12, 31)),
    ],
)
def test_from_end_of_moves_the_start_to_the_year_end(kind: str, start: date, end: date) -> None:
    decision = run(make_rule(years=6, from_end_of=kind), modified=start)
    assert decision.trigger_date == end
    assert decision.due == end.replace(year=end.year + 6)
    assert decision.trigger.endswith(f"; from end of {kind.replace('_', ' ')}")


@pytest.mark.parametrize(
    ("start", "period", "due"),
    [
        (date(2020, 2, 29), {"years": 1}, date(2021, 2, 28)),
        (date(2020, 2, 29), {"years": 4}, date(2024, 2, 29)),
        (date(2021, 1, 31), {"months": 1}, date(2021, 2, 28)),
        (date(2024, 1, 31), {"months": 1}, date(2024, 2, 29)),
        (date(2020, 8, 31), {"months": 6}, date(2021, 2, 28)),
        (date(2020, 12, 15), {"days": 30}, date(2021, 1, 14)),
        (date(2020, 1, 31), {"years": 1, "months": 1, "days": 1}, date(2021, 3, 1)),
    ],
)
def test_period_uses_calendar_arithmetic(start: date, period: dict[str, int], due: date) -> None:
    assert run(make_rule(**period), modified=start).due == due


@pytest.mark.parametrize(
    ("due", "window", "overdue", "due_soon"),
    [
        (date(2025, 5, 31), 90, True, False),
        (TODAY, 90, False, True),
        (date(2025, 8, 30), 90, False, True),  # today + 90 days
        (date(2025, 8, 31), 90, False, False),  # today + 91 days
        (TODAY, 0, False, True),
        (date(2025, 6, 2), 0, False, False),
    ],
)
def test_overdue_and_due_soon_boundaries(
    due: date, window: int, overdue: bool, due_soon: bool
) -> None:
    decision = run(make_rule(days=0), modified=due, due_soon_days=window)
    assert decision.due == due
    assert (decision.overdue, decision.due_soon) == (overdue, due_soon)


def test_negative_due_soon_window_is_refused() -> None:
    with pytest.raises(ValueError, match="due_soon_days"):
        run(make_rule(), due_soon_days=-1)


def test_datetimes_are_taken_as_their_day() -> None:
    decision = run(
        make_rule(years=1),
        modified=datetime(2024, 6, 1, 23, 59),
        today=datetime(2025, 6, 1, 0, 1),
    )
    assert decision.due == date(2025, 6, 1)
    assert (decision.overdue, decision.due_soon) == (False, True)


def test_decision_names_the_rule(schedule: RetentionSchedule) -> None:
    rule = schedule.get("attendance-registers")
    assert rule is not None
    decision = run(rule, path="Attendance/2014-15/Autumn.xlsx")
    assert (decision.rule_id, decision.title, decision.action) == (
        "attendance-registers",
        rule.title,
        "dispose",
    )
    assert decision.trigger == (
        "path_date: academic year 2014-15 in path; from end of academic year"
    )
    assert (decision.due, decision.overdue) == (date(2021, 8, 31), True)


# --------------------------------------------------------------------------- validation

VALID = """\
version: 1
rules:
  - id: good-rule
    title: A rule
    match:
      paths: ["**/x/**"]
      content:
        entities: [DATE_OF_BIRTH]
        special_categories: [health]
    retention: {years: 1, from_end_of: academic_year}
    trigger: path_date
    fallback: modified
    action: dispose
    source: IRMS
    confidence: typical
    priority: 1
    examples: [x/a.txt]
    negative_examples: [y/a.txt]
"""


def test_the_valid_base_loads(tmp_path: Path) -> None:
    sched = load_schedule(write(tmp_path, VALID))
    rule = sched.rules[0]
    assert (rule.id, rule.entities, rule.special_categories, rule.priority, rule.line) == (
        "good-rule",
        ("DATE_OF_BIRTH",),
        ("health",),
        1,
        3,
    )


def load_error(tmp_path: Path, text: str) -> RulesError:
    with pytest.raises(RulesError) as info:
        load_schedule(write(tmp_path, text, name="school_rules.yaml"))
    return info.value


def line_of(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


@pytest.mark.parametrize(
    ("old", "new", "marker", "expected"),
    [
        (
            "    priority: 1\n",
            "    priority: 1\n    colour: red\n",
            "colour:",
            "rule 'good-rule': unknown field colour",
        ),
        (
            "years: 1,",
            "years: -1,",
            "years: -1",
            "rule 'good-rule': retention.years must be a non-negative integer",
        ),
        (
            "years: 1,",
            "years: 1.5,",
            "years: 1.5",
            "retention.years must be a non-negative integer",
        ),
        (
            "years: 1,",
            "years: six,",
            "years: six",
            "retention.years must be a non-negative integer",
        ),
        (
            "years: 1,",
            "years: yes,",
            "years: yes",
            "retention.years must be a non-negative integer",
        ),
        (
            "years: 1,",
            "years: 1, months: -2,",
            "months: -2",
            "retention.months must be a non-negative integer",
        ),
        (
            "years: 1, from_end_of",
            "fortnights: 1, from_end_of",
            "fortnights",
            "unknown field retention.fortnights",
        ),
        (
            "from_end_of: academic_year",
            "from_end_of: school_year",
            "school_year",
            "retention.from_end_of must be one of",
        ),
        ("trigger: path_date", "trigger: birthday", "birthday", "trigger must be one of"),
        ("fallback: modified", "fallback: mtime", "mtime", "fallback must be one of"),
        (
            "fallback: modified",
            "fallback: path_date",
            "fallback:",
            "fallback must differ from trigger",
        ),
        ("action: dispose", "action: shred", "shred", "action must be one of"),
        ("confidence: typical", "confidence: certain", "certain", "confidence must be one of"),
        ('["**/x/**"]', '["**/x[/**"]', "x[", "match.paths glob '**/x[/**'"),
        ('["**/x/**"]', '["x**/y"]', "x**", "match.paths glob 'x**/y'"),
        ('["**/x/**"]', '["/x/**"]', '"/x', "match.paths glob '/x/**'"),
        ('["**/x/**"]', '["x\\\\y"]', "x\\\\y", "match.paths glob"),
        (
            '      paths: ["**/x/**"]\n',
            '      path_regex: "(unclosed"\n',
            "unclosed",
            "match.path_regex does not compile",
        ),
        (
            '      paths: ["**/x/**"]\n',
            '      paths: ["**/x/**"]\n      globs: ["*"]\n',
            "globs",
            "unknown field match.globs",
        ),
        (
            "entities: [DATE_OF_BIRTH]",
            "entities: [SHOE_SIZE]",
            "SHOE_SIZE",
            "match.content.entities: unknown entity type 'SHOE_SIZE'",
        ),
        (
            "special_categories: [health]",
            "special_categories: [hobbies]",
            "hobbies",
            "match.content.special_categories: unknown category 'hobbies'",
        ),
        (
            "        special_categories: [health]\n",
            "        special_categories: [health]\n        words: [x]\n",
            "words",
            "unknown field match.content.words",
        ),
        ("priority: 1", "priority: high", "high", "priority must be an integer"),
        (
            "examples: [x/a.txt]",
            "examples: []",
            "examples: []",
            "examples must be a non-empty list",
        ),
        (
            "examples: [x/a.txt]",
            "examples: [/x/a.txt]",
            "examples: [/x",
            "examples: '/x/a.txt' must be a path relative to the scanned folder",
        ),
        ("id: good-rule", "id: Good_Rule", "Good_Rule", "id must be kebab-case"),
        (
            "    title: A rule\n",
            "    title: A rule\n    title: Another\n",
            "Another",
            "title is given twice (first on line 4)",
        ),
        (
            "    priority: 1\n",
            "    priority: 1\n    closure_date: 2024-08-31\n",
            "closure_date",
            "closure_date is only used when trigger or fallback is closure",
        ),
        (
            "trigger: path_date",
            "trigger: closure\n    closure_date: soon",
            "soon",
            "closure_date must be a date",
        ),
        (
            "action: dispose",
            "action: permanent",
            "retention:",
            "retention is not allowed when action is permanent",
        ),
        ("version: 1", "version: 2", "version:", "version must be 1"),
    ],
)
def test_validation_errors_name_file_line_and_field(
    tmp_path: Path, old: str, new: str, marker: str, expected: str
) -> None:
    assert old in VALID
    text = VALID.replace(old, new, 1)
    error = load_error(tmp_path, text)
    line = line_of(text, marker)
    assert any(
        "school_rules.yaml" in problem and f" line {line}: " in problem and expected in problem
        for problem in error.problems
    ), error.problems


@pytest.mark.parametrize(
    "field",
    ["title", "action", "source", "confidence", "examples", "match", "trigger", "retention"],
)
def test_missing_required_field_points_at_the_rule(tmp_path: Path, field: str) -> None:
    lines = [
        line for line in VALID.splitlines(keepends=True) if not line.startswith(f"    {field}:")
    ]
    if field == "match":  # drop the match block's nested lines too
        lines = [line for line in lines if not line.startswith("      ")]
    error = load_error(tmp_path, "".join(lines))
    expected = f"school_rules.yaml line 3: rule 'good-rule': missing field {field}"
    assert [p for p in error.problems if p.endswith(expected)] != [], error.problems


def test_missing_id_is_reported_with_the_rule_number(tmp_path: Path) -> None:
    error = load_error(tmp_path, VALID.replace("  - id: good-rule\n    title", "  - title"))
    assert error.problems == [
        "{} line 3: rule #1: missing field id".format(tmp_path / "school_rules.yaml")
    ]


def test_duplicate_ids_are_reported_at_the_second_rule(tmp_path: Path) -> None:
    rule = VALID.split("rules:\n", 1)[1]
    text = VALID + rule
    error = load_error(tmp_path, text)
    second = len(VALID.splitlines()) + 1
    assert error.problems == [
        f"{tmp_path / 'school_rules.yaml'} line {second}: rule 'good-rule': "
        "id is used by another rule too (first on line 3)"
    ]


def test_empty_match_is_refused(tmp_path: Path) -> None:
    text = VALID.replace(
        '    match:\n      paths: ["**/x/**"]\n      content:\n        entities: [DATE_OF_BIRTH]\n'
        "        special_categories: [health]\n",
        "    match: {}\n",
    )
    error = load_error(tmp_path, text)
    assert error.problems == [
        f"{tmp_path / 'school_rules.yaml'} line 5: rule 'good-rule': match must have "
        "paths, path_regex and/or content"
    ]


def test_all_errors_are_collected_one_per_line(tmp_path: Path) -> None:
    text = (
        VALID.replace("years: 1,", "years: -1,")
        .replace("action: dispose", "action: shred")
        .replace("confidence: typical", "confidence: certain")
    )
    error = load_error(tmp_path, text)
    assert len(error.problems) == 3
    assert str(error).splitlines() == error.problems
    assert [p.split(": rule")[0].rsplit(" ", 1)[1] for p in error.problems] == ["10", "13", "15"]
    assert isinstance(error, ConfigError)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\nrules:\n  - id: [unclosed\n", "line 4: YAML syntax error"),
        ("", "line 1: the rules file is empty"),
        ("- just\n- a list\n", "line 1: the rules file is a bare list of rules: add the lines "
                                "`version: 1` and `rules:` above it"),
        ("version: 1\nrules: 5\n", "line 2: rules must be a non-empty list of rules"),
        ("version: 1\n", "line 1: missing field rules"),
        ("rules: []\nversion: 1\n", "line 1: rules must be a non-empty list"),
        ("version: 1\nrules:\n  - 42\n", "line 3: rule #1: a rule must be a mapping"),
        ("version: 1\nextra: x\nrules:\n  - 42\n", "line 2: unknown field extra"),
        ("<<: {a: 1}\nversion: 1\nrules: []\n", "line 1: YAML merge keys"),
    ],
)
def test_file_level_errors(tmp_path: Path, text: str, expected: str) -> None:
    error = load_error(tmp_path, text)
    assert any("school_rules.yaml " + expected in p for p in error.problems), error.problems


def test_missing_file_is_a_rules_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="nothing.yaml: cannot read the rules file"):
        load_schedule(tmp_path / "nothing.yaml")


def test_non_utf8_file_is_a_rules_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"version: 1\nrules:\n  - id: caf\xe9\n")
    with pytest.raises(RulesError, match="latin.yaml: the rules file is not UTF-8"):
        load_schedule(path)
