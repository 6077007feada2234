"""Quiet means quiet: `dpscan scan --quiet --log FILE` (the README's cron entry) prints
nothing on standard error while FILE gets the INFO lines, and the libraries' own lines
below WARNING (presidio's "Using device of type: cpu") show only with --verbose.  Each
case runs the real command line in a process of its own, as cron does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

LIBRARY_LINE = "Using device of type"


@pytest.fixture
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    root.mkdir()
    (root / "pupils.csv").write_text("Name,DOB\nAmelia Jones,02/03/2014\nOliver Smith,"
                                     "11/12/2013\n")
    (root / "letter.txt").write_text("Dear parent, Amelia Jones (DOB 02/03/2014) was absent.\n")
    return root


def _scan(share: Path, out: Path, env: dict[str, str], *options: str
          ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dpscan", "scan", str(share), "--out", str(out),
                           *options], env=env, cwd=out.parent, capture_output=True, text=True,
                          timeout=600)


def test_quiet_with_a_log_prints_nothing_and_the_log_gets_the_info_lines(
        tmp_path: Path, share: Path, env: dict[str, str]) -> None:
    log = tmp_path / "dpscan.log"
    run = _scan(share, tmp_path / "out", env, "--quiet", "--log", str(log), "--workers", "1",
                "--no-db")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert run.stdout == ""
    lines = log.read_text().splitlines()
    assert any(" INFO scan " in line and "finished: 2 files" in line for line in lines), lines
    assert not any(LIBRARY_LINE in line for line in lines)


def test_quiet_with_worker_processes_and_a_catalogue_prints_nothing(
        tmp_path: Path, share: Path, env: dict[str, str]) -> None:
    run = _scan(share, tmp_path / "out", env, "--quiet", "--workers", "2",
                "--db", str(tmp_path / "catalogue.sqlite"))
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""


def test_a_plain_scan_shows_its_own_lines_but_not_the_libraries(
        tmp_path: Path, share: Path, env: dict[str, str]) -> None:
    run = _scan(share, tmp_path / "out", env, "--workers", "1", "--no-db")
    assert run.returncode == 0, run.stderr
    assert " INFO done: 2 files" in run.stderr
    assert LIBRARY_LINE not in run.stderr


def test_verbose_shows_the_libraries_lines(tmp_path: Path, share: Path,
                                           env: dict[str, str]) -> None:
    # The in-process scan imports presidio after logging is set up, so its start-up line
    # is logged: --verbose lets it through (and so proves the other tests could see it).
    run = _scan(share, tmp_path / "out", env, "--verbose", "--workers", "1", "--no-db")
    assert run.returncode == 0, run.stderr
    assert LIBRARY_LINE in run.stderr
