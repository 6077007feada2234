"""A rescan applies the judgements kept in the catalogue instead of judging unchanged files
again (issue 20), and judges again whatever an input of the judgement changed: the file,
the rules, the register, the policy, the as-of date, or the root it is seen from."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from dpscan.detectors.governance import Governor, Policy
from dpscan.detectors.governance.retention import default_rules_path, load_schedule
from dpscan.model.config import ScanConfig
from dpscan.model.records import FileResult
from dpscan.scanner.catalogue import Catalogue
from dpscan.scanner.runner import run_scan

LETTER = ("Dear Mrs Jones,\nAmelia Jones (date of birth 02/03/2014, UPN A123456789012) has "
          "been diagnosed with asthma; her inhaler is in the office.\n")
OLD = dt.datetime(2009, 7, 1).timestamp()


class CountingGovernor(Governor):
    """A governor that counts the records it judges."""

    judged: list[str]

    def govern(self, result: FileResult) -> None:
        self.judged.append(result.path)
        super().govern(result)


def _governor(today: dt.date, rules: Path | None = None,
              policy: Policy | None = None) -> CountingGovernor:
    governor = CountingGovernor(load_schedule(rules or default_rules_path()), policy=policy,
                                today=today)
    governor.judged = []
    return governor


@pytest.fixture
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    for folder in ("Pupils/Medical", "Pupils/Letters", "Admin"):
        (root / folder).mkdir(parents=True)
    for index in range(3):
        for folder in ("Pupils/Medical", "Pupils/Letters"):
            path = root / folder / f"letter {index}.txt"
            path.write_text(LETTER.replace("Amelia", f"Amelia{index}"))
            os.utime(path, (OLD, OLD))
    (root / "Admin" / "menu.txt").write_text("Fish on Friday.\n")
    return root


@pytest.fixture
def catalogue(tmp_path: Path) -> Iterator[Catalogue]:
    with Catalogue.open(tmp_path / "catalogue.sqlite") as opened:
        yield opened


def _scan(root: Path, governor: Governor, catalogue: Catalogue) -> dict[str, tuple]:
    result = run_scan([str(root)], ScanConfig(workers=1, executor="serial"),
                      governor=governor, catalogue=catalogue)
    return {f.path: (f.retention_rule, f.retention_due, tuple(f.flags), f.severity,
                     tuple(f.severity_reasons), f.action, f.asset) for f in result.files}


def test_an_unchanged_share_is_not_judged_again(share: Path, catalogue: Catalogue) -> None:
    today = dt.date(2026, 12, 7)
    first = _governor(today)
    judged_first = _scan(share, first, catalogue)
    assert len(first.judged) == 7
    assert {rule for rule, *_ in judged_first.values()} >= {"medical-records"}

    again = _governor(today)
    assert _scan(share, again, catalogue) == judged_first
    assert again.judged == []


def test_a_changed_file_alone_is_judged_again(share: Path, catalogue: Catalogue) -> None:
    today = dt.date(2026, 12, 7)
    _scan(share, _governor(today), catalogue)
    changed = share / "Admin" / "menu.txt"
    changed.write_text("Fish on Friday, chips on Thursday.\n")
    again = _governor(today)
    _scan(share, again, catalogue)
    assert again.judged == ["Admin/menu.txt"]


def test_a_new_day_judges_again_and_sees_what_fell_due(share: Path,
                                                       catalogue: Catalogue) -> None:
    judged_then = _scan(share, _governor(dt.date(2010, 1, 1)), catalogue)
    later = _governor(dt.date(2040, 1, 1))
    judged_later = _scan(share, later, catalogue)
    assert len(later.judged) == 7
    assert judged_later != judged_then
    overdue_then = {p for p, (_, _, flags, *_) in judged_then.items() if "overdue" in flags}
    overdue_later = {p for p, (_, _, flags, *_) in judged_later.items() if "overdue" in flags}
    assert overdue_then < overdue_later


def test_other_rules_or_policy_judge_again(share: Path, catalogue: Catalogue,
                                           tmp_path: Path) -> None:
    today = dt.date(2026, 12, 7)
    _scan(share, _governor(today), catalogue)
    rules = tmp_path / "rules.yaml"
    rules.write_bytes(default_rules_path().read_bytes() + b"\n# a comment changes the bytes\n")
    other_rules = _governor(today, rules=rules)
    _scan(share, other_rules, catalogue)
    assert len(other_rules.judged) == 7

    stricter = _governor(today, rules=rules, policy=Policy(due_soon_days=3650))
    _scan(share, stricter, catalogue)
    assert len(stricter.judged) == 7
    same_again = _governor(today, rules=rules, policy=Policy(due_soon_days=3650))
    _scan(share, same_again, catalogue)
    assert same_again.judged == []


def test_a_file_seen_from_another_root_is_judged_in_that_view(share: Path,
                                                              catalogue: Catalogue) -> None:
    today = dt.date(2026, 12, 7)
    whole = _scan(share, _governor(today), catalogue)
    # Rules match the path below the root: seen from Pupils/, a file's path is another.
    folder = _governor(today)
    _scan(share / "Pupils", folder, catalogue)
    assert len(folder.judged) == 6
    whole_again = _governor(today)
    assert _scan(share, whole_again, catalogue) == whole


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_records_sharing_a_path_are_judged_each_time(share: Path,
                                                     catalogue: Catalogue) -> None:
    archive = share / "Pupils" / "Medical" / "notes.zip"
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("notes.txt", LETTER)
        package.writestr("notes.txt", LETTER.replace("asthma", "epilepsy"))  # the same name
    today = dt.date(2026, 12, 7)
    first = _governor(today)
    judged_first = _scan(share, first, catalogue)
    again = _governor(today)
    assert _scan(share, again, catalogue) == judged_first
    # Which stored record is which is unknown: both are judged again, the rest is not.
    assert sorted(again.judged) == ["Pupils/Medical/notes.zip!notes.txt"] * 2
