"""The settings file: values, precedence over defaults, and errors naming line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from dpscan.model.config import MIB
from dpscan.model.errors import ConfigError
from dpscan.scanner.cli import main
from dpscan.scanner.settings_file import build_scan_config, load_settings


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dpscan.yaml"
    path.write_text(text)
    return path


def test_file_values_reach_the_scan_config(tmp_path: Path) -> None:
    path = _write(tmp_path, """\
detection:
  thresholds: {PERSON: 0.95, UK_POSTCODE: 0.7}
  evidence_per_type: 1
limits:
  max_file_mb: 10
  max_depth: 1
  max_total_mb: 5
scan:
  exclude: ["~$*"]
""")
    config = build_scan_config(load_settings(path), {"workers": 1, "excludes": ("Thumbs.db",)})
    assert config.detection.threshold("PERSON") == 0.95
    assert config.detection.threshold("UK_POSTCODE") == 0.7
    assert config.detection.threshold("PHONE_NUMBER") == 0.4  # default kept
    assert config.detection.evidence_per_type == 1
    assert config.limits.max_file_bytes == 10 * MIB and config.limits.max_depth == 1
    assert config.limits.max_total_bytes == 5 * MIB
    assert config.limits.max_text_chars == 2_000_000
    assert config.excludes == ("~$*", "Thumbs.db")  # the file's and the command line's
    assert config.workers == 1


def test_command_line_wins_over_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "limits:\n  max_file_mb: 10\n")
    config = build_scan_config(load_settings(path), {"max_file_bytes": 3})
    assert config.limits.max_file_bytes == 3 * MIB


def test_file_wins_over_the_declared_default(tmp_path: Path) -> None:
    path = _write(tmp_path, "limits:\n  ocr: true\n  file_seconds: 30\nscan:\n  executor: serial\n")
    config = build_scan_config(load_settings(path), {})
    assert config.limits.ocr is True and config.limits.file_seconds == 30.0
    assert config.executor == "serial"
    assert build_scan_config(load_settings(path), {"ocr": False}).limits.ocr is False
    assert build_scan_config(load_settings(_write(tmp_path, "")), {}).limits.ocr is False


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("detection:\n  thresholds: {PERSONS: 0.9}\n", "dpscan.yaml line 2: detection.thresholds"),
        ("limits:\n  max_file_mb: -1\n", "dpscan.yaml line 2: limits.max_file_mb must be"),
        ("limits:\n  max_text_chars: 999\n",
         "dpscan.yaml line 2: limits.max_text_chars must be a whole number, 1000 or more"),
        ("limits:\n  max_fiel_mb: 1\n", "dpscan.yaml line 2: limits: unknown field 'max_fiel_mb'"),
        ("\n\nretention: {}\n", "dpscan.yaml line 3: unknown section 'retention'"),
        ("scan:\n  exclude: '*.tmp'\n", "dpscan.yaml line 2: scan.exclude must be a list"),
        ("detection: [1\n", "dpscan.yaml line 2: YAML syntax error"),
        ("- a\n", "dpscan.yaml line 1: expected sections"),
        # A key given twice is refused, not read as its last value.
        ("limits:\n  max_file_mb: 10\n  max_file_mb: 20\n",
         "dpscan.yaml line 3: limits.max_file_mb is given twice (first on line 2)"),
        ("scan: {}\nscan: {}\n", "dpscan.yaml line 2: scan is given twice (first on line 1)"),
        ("policy:\n  severity: {overdue: 1, overdue: 2}\n",
         "dpscan.yaml line 2: policy.severity: overdue is given twice (first on line 2)"),
    ],
)
def test_errors_name_file_line_and_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(_write(tmp_path, text))
    assert message in str(caught.value)


def test_bad_settings_file_exits_2_before_scanning(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    out = tmp_path / "out"
    bad = _write(tmp_path, "limits:\n  max_depth: zero\n")
    result = CliRunner().invoke(main, ["scan", str(share), "--out", str(out),
                                       "--config", str(bad)])
    assert result.exit_code == 2
    assert "dpscan.yaml line 2: limits.max_depth must be a whole number" in result.output
    assert not out.exists()  # nothing half-written


def test_policy_section(tmp_path: Path) -> None:
    import datetime as dt

    from dpscan.scanner.settings_file import build_policy

    path = _write(tmp_path, """\
policy:
  due_soon_days: 30
  public_locations: ["**/Pupil Shared/**"]
  closure_date: 2025-08-31
  severity: {special_category: 5, critical_from: 9}
""")
    file = load_settings(path)
    policy = build_policy(file, public_locations=("Public/**",))
    assert policy.due_soon_days == 30 and policy.closure_date == dt.date(2025, 8, 31)
    assert policy.public_locations == ("**/Pupil Shared/**", "Public/**")
    assert (policy.severity.special_category, policy.severity.critical_from) == (5, 9)
    assert policy.severity.removable_media == 2  # default kept
    assert build_policy(file, due_soon_days=7).due_soon_days == 7  # command line wins


def test_policy_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"line 3: policy.severity must be a mapping"):
        load_settings(_write(tmp_path, "policy:\n  due_soon_days: 5\n  severity: {risky: 1}\n"))
