"""`dpscan review`, in each of its forms, refuses a catalogue that scan, report and
find-person refuse (empty, another program's, damaged) in one line with exit status 2,
never answering from it as if it were sound."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpscan.model.config import ScanConfig
from dpscan.scanner.catalogue import Catalogue
from dpscan.scanner.cli import main
from dpscan.scanner.cli_command import EXIT_CONFIG_ERROR
from dpscan.scanner.runner import run_scan


def _empty(db: Path, _share: Path) -> None:
    db.write_bytes(b"")


def _foreign(db: Path, _share: Path) -> None:
    with sqlite3.connect(db) as raw:
        raw.execute("CREATE TABLE customers (name TEXT)")
    raw.close()


def _damaged(db: Path, share: Path) -> None:
    """A real catalogue whose records' root page is garbled.  Its reviews table still
    reads, and ``--list`` answers from it: checking the whole file before every review
    would cost minutes on a school's catalogue; every form that reads records refuses."""
    for index in range(60):
        (share / f"letter{index:02d}.txt").write_text(
            f"Dear parent of Pupil {index},\nNHS number 943 476 5919.\n" + "x" * 2000)
    with Catalogue.open(db) as catalogue:
        run_scan([str(share)], ScanConfig(workers=1), catalogue=catalogue)
        catalogue.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = catalogue.db.execute("PRAGMA page_size").fetchone()[0]
        root = catalogue.db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'records'").fetchone()[0]
    data = bytearray(db.read_bytes())
    header = (root - 1) * page_size
    data[header + 3:header + 5] = b"\x7f\xff"  # the page's cell count: far past its end
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("spoil", [_empty, _foreign, _damaged], ids=lambda f: f.__name__[1:])
def test_review_refuses_a_catalogue_scan_and_report_refuse(
        tmp_path: Path, spoil: Callable[[Path, Path], None]) -> None:
    share = tmp_path / "share"
    share.mkdir()
    db = tmp_path / "cat.sqlite"
    spoil(db, share)
    before = db.read_bytes()
    report = CliRunner().invoke(main, ["report", "--db", str(db), "--out", str(tmp_path / "r")])
    assert report.exit_code == EXIT_CONFIG_ERROR, report.output
    forms = (["--list"],
             ["letter00.txt", "--root", str(share), "--status", "accepted", "--reason", "HR"],
             ["letter00.txt", "--root", str(share), "--clear"])
    for form in forms:
        if spoil is _damaged and form == ["--list"]:
            continue
        reviewed = CliRunner().invoke(main, ["review", *form, "--db", str(db)])
        assert reviewed.exit_code == EXIT_CONFIG_ERROR, (form, reviewed.output)
        lines = reviewed.output.splitlines()
        assert len(lines) == 1 and str(db) in lines[0], (form, lines)
        assert lines[0].startswith(("Error:", "dpscan:")), (form, lines)
        assert "Traceback" not in reviewed.output
    assert db.read_bytes() == before  # refused untouched
