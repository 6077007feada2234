"""Issue 18: the settings file and the command line combine public locations with the
shipped defaults, and a DPO can replace the defaults or turn them off."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dpscan.detectors.governance import DEFAULT_PUBLIC_LOCATIONS, Governor
from dpscan.model.records import FileResult
from dpscan.scanner.settings_file import FileSettings, build_policy, load_settings


def _listed(path: str) -> FileResult:
    return FileResult(path=path, root="/srv/share", protection="none",
                      entities={"PERSON": 3, "DATE_OF_BIRTH": 3}, data_subjects=3)


def test_defaults_apply_and_user_patterns_add_to_them() -> None:
    policy = build_policy(FileSettings(), public_locations=("Kiosk/**",))
    assert policy.default_public_locations == DEFAULT_PUBLIC_LOCATIONS
    governor = Governor(None, policy=policy, today=dt.date(2026, 11, 28))
    for path in ("Pupil Shared/Birthdays.xlsx", "Kiosk/Birthdays.xlsx"):
        record = _listed(path)
        governor.govern(record)
        assert "public_location" in record.flags, path


def test_settings_file_replaces_or_turns_off_the_defaults(tmp_path: Path) -> None:
    settings = tmp_path / "dpscan.yaml"
    settings.write_text("policy:\n  default_public_locations: []\n"
                        "  public_locations: ['**/Kiosk/**']\n")
    policy = build_policy(load_settings(settings), public_locations=("Shared/**",))
    assert policy.default_public_locations == ()
    assert policy.public_locations == ("**/Kiosk/**", "Shared/**")
    governor = Governor(None, policy=policy, today=dt.date(2026, 11, 28))
    off, kiosk = _listed("Pupil Shared/Birthdays.xlsx"), _listed("Library/Kiosk/Birthdays.xlsx")
    governor.govern(off)
    governor.govern(kiosk)
    assert "public_location" not in off.flags and "public_location" in kiosk.flags
    assert governor.provenance()["default_public_locations"] == []
    settings.write_text("policy:\n  default_public_locations: ['**/Pupil Shared/**']\n")
    assert build_policy(load_settings(settings)).default_public_locations == (
        "**/Pupil Shared/**",)
