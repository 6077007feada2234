"""Storage faults and output that goes away end the command line in one line, never a
traceback: a full --out or --db disk (a real tmpfs mounted for the test, so root only)
exits 2 naming the file; `dpscan scan --json | head -1` stops the scan as Ctrl-C does
(exit 3, reports of what was scanned); --log never follows a symlink, is made 0600, is
refused when it is another user's file, a FIFO or a hard link, and is never scanned."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shlex
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpscan.scanner.cli import main

NHS = "943 476 5919"


@pytest.fixture
def share(tmp_path: Path) -> Path:
    root = tmp_path / "share"
    root.mkdir()
    for i in range(30):
        (root / f"letter{i:02}.txt").write_text(
            f"Dear parent,\nPupil: Amelia Jones {i}, DOB 02/03/2014, NHS number {NHS}.\n")
    return root


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str = "64k", free_bytes: int | None = None) -> Iterator[Path]:
    """A tmpfs of ``size`` at ``folder`` (skips unless root), filled up to ``free_bytes``
    free."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {mounted.stderr.strip()}")
    try:
        if free_bytes is not None:
            stats = os.statvfs(folder)
            (folder / "filler").write_bytes(
                b"\0" * (stats.f_bavail * stats.f_frsize - free_bytes))
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _dpscan(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "dpscan", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_a_full_out_disk_is_one_line_and_status_2(tmp_path: Path, share: Path,
                                                  env: dict[str, str]) -> None:
    with tiny_disk(tmp_path / "disk", free_bytes=4096) as disk:
        out = disk / "out"
        run = _dpscan(["scan", str(share), "--out", str(out), "--no-db", "--workers", "1",
                       "--quiet"], env, tmp_path)
        assert run.returncode == 2, run.stderr
        assert run.stderr.splitlines() == [f"dpscan: disk full writing {out}/findings.json"]
        assert [p.name for p in out.iterdir()] == []  # no half-written report, no temp file


def test_a_full_catalogue_disk_is_one_line_and_status_2(tmp_path: Path, share: Path,
                                                        env: dict[str, str]) -> None:
    # Room for the catalogue's tables (72 KiB), not for the records of the scan.
    with tiny_disk(tmp_path / "disk", size="128k") as disk:
        db = disk / "catalogue.sqlite"
        run = _dpscan(["scan", str(share), "--out", str(tmp_path / "out"), "--db", str(db),
                       "--workers", "1", "--quiet"], env, tmp_path)
        assert run.returncode == 2, run.stderr
        assert "Traceback" not in run.stderr
        lines = run.stderr.splitlines()
        assert len(lines) == 1 and str(db) in lines[0] and "disk" in lines[0], lines


def test_a_reader_that_goes_away_stops_the_scan_quietly(tmp_path: Path, share: Path,
                                                        env: dict[str, str]) -> None:
    out = tmp_path / "out"
    command = (f"{shlex.quote(sys.executable)} -m dpscan scan {shlex.quote(str(share))} "
               f"--out {shlex.quote(str(out))} --no-db --workers 1 --json 2>stderr.txt "
               f"| head -1; echo ${{PIPESTATUS[0]}} >status.txt")
    piped = subprocess.run(["bash", "-c", command], env=env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=600)
    assert json.loads(piped.stdout)["event"] == "file"  # head's one line
    stderr = (tmp_path / "stderr.txt").read_text()
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert (tmp_path / "status.txt").read_text().strip() == "3"  # stopped: incomplete
    findings = json.loads((out / "findings.json").read_text())
    assert findings["scan"]["complete"] is False
    assert 0 < len(findings["files"]) < 30


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """The CLI sets up the root logger: put it back after the test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_log_through_a_symlink_is_refused(tmp_path: Path, share: Path,
                                          restore_logging: None) -> None:
    target = tmp_path / "private.txt"
    target.write_text("someone else's file\n")
    link = tmp_path / "scan.log"
    link.symlink_to(target)
    result = CliRunner().invoke(main, ["scan", str(share), "--out", str(tmp_path / "out"),
                                       "--no-db", "--log", str(link)])
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: log file {link} is a symbolic link: give the " \
                                    f"path of the file itself"
    assert target.read_text() == "someone else's file\n"
    assert not (tmp_path / "out").exists()  # nothing scanned


def test_an_existing_world_readable_log_is_made_private(tmp_path: Path,
                                                        restore_logging: None) -> None:
    log = tmp_path / "scan.log"
    log.write_text("an earlier line\n")
    os.chmod(log, 0o644)
    result = CliRunner().invoke(main, ["report", "--out", str(tmp_path / "out"), "--db",
                                       str(tmp_path / "none.sqlite"), "--log", str(log)])
    assert result.exit_code == 2  # no catalogue; the log was opened first
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert log.read_text().startswith("an earlier line\n")


# -- --log: never read back, never another user's file, a FIFO or another file's name ------

def _scan_logging_to(log: Path, share: Path, tmp_path: Path,
                     env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A short timeout: a refused log ends the run before the model loads.
    return subprocess.run([sys.executable, "-m", "dpscan", "scan", str(share), "--log", str(log),
                           "--out", str(tmp_path / "out"), "-q", "--no-db", "-w", "1"],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)


def _refused_in_one_line(run: subprocess.CompletedProcess[str], log: Path) -> str:
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: log file {log} "), lines
    return lines[0]


def test_a_log_inside_the_scanned_folder_is_not_scanned(tmp_path: Path, share: Path,
                                                        env: dict[str, str]) -> None:
    # The log names every file with personal data: read back, it is a finding itself.
    log = share / "scan.log"
    log.write_text("2025-01-01 INFO letter00.txt: high (NHS number 943 476 5919)\n")
    run = _scan_logging_to(log, share, tmp_path, env)
    assert run.returncode == 0, run.stderr
    findings = json.loads((tmp_path / "out" / "findings.json").read_text())
    paths = {record["path"] for record in findings["files"]}
    assert "letter00.txt" in paths and "scan.log" not in paths


def test_a_log_file_of_another_user_is_refused(tmp_path: Path, share: Path,
                                               env: dict[str, str]) -> None:
    # Pre-made, world-writable, in a sticky world-writable folder (/tmp): once dpscan made
    # it 0600 its owner could still read every line.
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    log = shared / "scan.log"
    log.write_text("their line\n")
    os.chmod(log, 0o666)
    os.chown(log, 65534, 65534)
    line = _refused_in_one_line(_scan_logging_to(log, share, tmp_path, env), log)
    protected = Path("/proc/sys/fs/protected_regular")
    if protected.exists() and protected.read_text().strip() != "0":
        assert "Permission denied" in line  # the kernel refuses it first
    else:
        assert "belongs to" in line and "65534" in line and "--log" in line
    after = log.stat()
    assert (after.st_uid, stat.S_IMODE(after.st_mode)) == (65534, 0o666)
    assert log.read_text() == "their line\n"
    assert not (tmp_path / "out").exists()


def test_a_log_on_a_fifo_is_refused_not_waited_on(tmp_path: Path, share: Path,
                                                  env: dict[str, str]) -> None:
    log = tmp_path / "scan.log"
    os.mkfifo(log)
    try:
        run = _scan_logging_to(log, share, tmp_path, env)
    except subprocess.TimeoutExpired:
        pytest.fail("dpscan waited for a reader of the FIFO given as --log")
    assert "not a regular file" in _refused_in_one_line(run, log)
    assert stat.S_ISFIFO(log.lstat().st_mode)
    # With a reader at the other end the open succeeds: still refused by its type.
    reader = os.open(log, os.O_RDONLY | os.O_NONBLOCK)
    try:
        run = _scan_logging_to(log, share, tmp_path, env)
    finally:
        os.close(reader)
    assert "not a regular file" in _refused_in_one_line(run, log)
    assert not (tmp_path / "out").exists()


def test_a_log_that_is_a_hard_link_to_another_file_is_refused(tmp_path: Path, share: Path,
                                                              env: dict[str, str]) -> None:
    other = tmp_path / "pupils.csv"
    other.write_text("name,dob\nAmelia Jones,02/03/2014\n")
    os.chmod(other, 0o644)
    log = tmp_path / "scan.log"
    os.link(other, log)
    line = _refused_in_one_line(_scan_logging_to(log, share, tmp_path, env), log)
    assert "hard links" in line
    assert other.read_text() == "name,dob\nAmelia Jones,02/03/2014\n"
    assert stat.S_IMODE(other.stat().st_mode) == 0o644
    assert not (tmp_path / "out").exists()
