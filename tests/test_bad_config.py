"""Bad configuration stops the run with one clear message and exit status 2, writing nothing.

Each case runs the real ``dpscan scan`` (click's CliRunner, in-process) over a tiny share
with one thing wrong: the settings file, the rules file, the register, or the output
folder.  The message must name the file (and line or field where there is one), there
must be no traceback, and the output folder must hold no report, not even a partial one.

The unwritable output folder needs care as root, who may write anywhere
(CAP_DAC_OVERRIDE): that case runs the CLI in a subprocess started by ``setpriv`` with
root's file capabilities dropped, so the folder's mode bits count (see
tests/hostile/test_races_and_permissions.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dpscan.scanner.cli import main

REPO = Path(__file__).resolve().parents[1]
REPORT_NAMES = ("findings.json", "report.html", "report.xlsx", "files.csv")


@pytest.fixture
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    root.mkdir()
    (root / "letter.txt").write_text("Dear parents, Amelia Jones DOB 02/03/2015\n")
    return root


def _scan(share: Path, out: Path, *extra: str) -> Result:
    return CliRunner().invoke(main, ["scan", str(share), "--out", str(out), "--workers", "1",
                                     "--quiet", *extra])


def _assert_stopped(result: Result, out: Path, *words: str) -> str:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit)
    output = result.output.strip()
    # One message (click puts its usage hint above a bad option's message); a file with
    # several problems lists each on a line of its own under the one "Error:".
    assert output.count("Error: ") == 1 and "Traceback" not in output, output
    message = output[output.index("Error: "):]
    for word in words:
        assert word in message, (word, message)
    written = [p.name for p in out.iterdir()] if out.is_dir() else []
    assert not [name for name in written if name in REPORT_NAMES or name.endswith(".tmp")]
    return message


def test_malformed_yaml_settings(share: Path, tmp_path: Path) -> None:
    settings = tmp_path / "dpscan.yaml"
    settings.write_text("limits:\n  max_file_mb: 10\ndetection: [unclosed\n")
    out = tmp_path / "out"
    _assert_stopped(_scan(share, out, "--config", str(settings)), out, "dpscan.yaml line 4",
                    "YAML syntax error")
    assert not out.exists()


def test_settings_with_an_unknown_field(share: Path, tmp_path: Path) -> None:
    settings = tmp_path / "dpscan.yaml"
    settings.write_text("limits:\n  max_file_mb: 10\n  max_file_gb: 1\n")
    out = tmp_path / "out"
    _assert_stopped(_scan(share, out, "--config", str(settings)), out, "dpscan.yaml line 3",
                    "unknown field 'max_file_gb'")


def test_settings_with_a_wrong_value(share: Path, tmp_path: Path) -> None:
    settings = tmp_path / "dpscan.yaml"
    settings.write_text("limits:\n  file_seconds: soon\n")
    out = tmp_path / "out"
    _assert_stopped(_scan(share, out, "--config", str(settings)), out, "dpscan.yaml line 2",
                    "limits.file_seconds")


def test_rules_with_an_unknown_field(share: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "version: 1\n"
        "rules:\n"
        "  - id: letters\n"
        "    title: Letters home\n"
        "    match: {paths: ['**/*.txt']}\n"
        "    retention: {years: 1}\n"
        "    trigger: modified\n"
        "    action: dispose\n"
        "    keep_forever: true\n"
    )
    out = tmp_path / "out"
    _assert_stopped(_scan(share, out, "--rules", str(rules)), out, "rules.yaml",
                    "keep_forever")


def test_rules_file_that_is_not_yaml(share: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: [\n  - id: {\n")
    out = tmp_path / "out"
    _assert_stopped(_scan(share, out, "--rules", str(rules)), out, "rules.yaml")


def test_register_with_missing_columns(share: Path, tmp_path: Path) -> None:
    register = tmp_path / "iar.csv"
    register.write_text("Owner,Notes\nHeadteacher,pupil files\n")
    out = tmp_path / "out"
    _assert_stopped(_scan(share, out, "--register", str(register)), out, "iar.csv",
                    "missing column")


def test_register_that_does_not_exist(share: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _assert_stopped(_scan(share, out, "--register", str(tmp_path / "nope.csv")), out,
                    "nope.csv")


def test_output_folder_is_a_file(share: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("not a folder")
    result = _scan(share, out)
    _assert_stopped(result, tmp_path / "nothing", str(out), "is a file")
    assert out.read_text() == "not a folder"


def test_output_folder_below_a_file(share: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = blocker / "out"
    _assert_stopped(_scan(share, out), tmp_path / "nothing", str(out))


def test_output_folder_not_writable(share: Path, tmp_path: Path) -> None:
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv (util-linux) is needed to drop root's file capabilities")
        dropped = "-dac_override,-dac_read_search"
        prefix = [setpriv, f"--bounding-set={dropped}", f"--inh-caps={dropped}", "--"]
    out = tmp_path / "out"
    out.mkdir()
    os.chmod(out, 0o555)
    try:
        proc = subprocess.run(
            [*prefix, sys.executable, "-m", "dpscan", "scan", str(share), "--out", str(out),
             "--workers", "1", "--quiet"],
            cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)), capture_output=True,
            text=True, timeout=300)
    finally:
        os.chmod(out, 0o755)
    assert proc.returncode == 2, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert lines == [f"Error: output folder {out} is not a writable folder"], lines
    assert list(out.iterdir()) == []


def test_sound_configuration_writes_reports_owner_only(
        share: Path, tmp_path: Path) -> None:
    """The negative case: a sound configuration scans and writes every report."""
    out = tmp_path / "new" / "out"
    result = _scan(share, out, "--format", "json")
    assert result.exit_code == 0, result.output
    assert (out / "findings.json").is_file()
    assert oct(out.stat().st_mode & 0o777) == "0o700"
