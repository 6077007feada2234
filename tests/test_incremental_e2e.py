"""The scheduled-scan commands end to end, as the technician runs them: the real CLI in a
subprocess (kill -9 and resume, exit statuses, --json, --log) and in-process (usb, report,
review, watch)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

from click.testing import CliRunner
from faker import Faker

from dpscan.scanner.cli import EXIT_FINDINGS, EXIT_INCOMPLETE, main
from dpscan.scanner.cli_command import EXIT_CONFIG_ERROR

PROJECT = Path(__file__).resolve().parents[1]


def _letters(root: Path, count: int, seed: int = 7) -> None:
    """``count`` letters home, each naming a pupil with a date of birth and a postcode."""
    fake = Faker("en_GB")
    Faker.seed(seed)
    for index in range(count):
        folder = root / f"Year {index % 6 + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        name = fake.name()
        body = "\n".join([
            f"Dear parent of {name},",
            f"Date of birth: {fake.date_of_birth(minimum_age=5, maximum_age=11):%d/%m/%Y}",
            f"Address: {fake.street_address()}, {fake.city()} {fake.postcode()}",
            *(fake.paragraph(nb_sentences=6) for _ in range(4)),
            "Yours sincerely, Mrs Patel, Headteacher",
        ])
        (folder / f"letter {index:03d}.txt").write_text(body + "\n")


def _dpscan(*args: str, env: dict[str, str] | None = None,
            **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-m", "dpscan", *args], cwd=PROJECT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env or os.environ.copy(),
        **kwargs)


def _files(findings: Path) -> list[tuple]:
    data = json.loads(findings.read_text())
    return sorted(
        (f["path"], f["status"], json.dumps(f["entities"], sort_keys=True),
         json.dumps(f["evidence"], sort_keys=True), f["data_subjects"], tuple(f["flags"]),
         f["sha256"])
        for f in data["files"])


def _recorded(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as raw:
            return raw.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    except sqlite3.Error:
        return 0


def _scan_killed_mid_way(share: Path, out: Path, db: Path) -> int:
    """Start a scan of ``share`` into ``db``, kill -9 it once it has recorded a file;
    returns how many files it had recorded."""
    victim = _dpscan("scan", str(share), "--out", str(out), "-w", "1", "-q", "--db", str(db))
    deadline = time.monotonic() + 240
    while _recorded(db) == 0 and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    return _recorded(db)


def test_scan_killed_with_sigkill_resumes_to_the_same_result(tmp_path: Path) -> None:
    share = tmp_path / "share"
    _letters(share, 150)
    total = 150
    # The reference: one uninterrupted scan into its own catalogue.
    reference = _dpscan("scan", str(share), "--out", str(tmp_path / "ref"), "-w", "1", "-q",
                        "--db", str(tmp_path / "ref.sqlite"))
    assert reference.wait(timeout=300) == 0, reference.stderr.read()  # type: ignore[union-attr]

    db = tmp_path / "cat.sqlite"
    done_before_kill = _scan_killed_mid_way(share, tmp_path / "killed", db)
    # The kill landed mid-way: some files recorded, not all, and no report written.
    assert 0 < done_before_kill < total
    assert not (tmp_path / "killed" / "findings.json").exists()
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("SELECT status FROM scans").fetchall() == [("running",)]

    resumed = _dpscan("scan", str(share), "--out", str(tmp_path / "resumed"), "-w", "1",
                      "--db", str(db), "--resume", "--json")
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    done = lines[-1]
    assert done["event"] == "done" and done["complete"] is True
    assert done["files_seen"] == total
    assert done["files_reused"] == done_before_kill  # what was recorded is not re-read
    assert done["scan_id"] == 1  # the same scan, continued
    assert _files(tmp_path / "resumed" / "findings.json") == \
        _files(tmp_path / "ref" / "findings.json")
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT COUNT(*) FROM files").fetchone()[0] == total
        assert raw.execute("SELECT status FROM scans").fetchall() == [("complete",)]


def test_a_plain_rescan_after_kill_9_reports_every_new_file(tmp_path: Path) -> None:
    # The README's cron line has no --resume: the files the killed scan recorded are
    # reused, and still reported as new, since no complete scan reported them.
    share = tmp_path / "share"
    total = 120
    _letters(share, total)
    db = tmp_path / "cat.sqlite"
    done_before_kill = _scan_killed_mid_way(share, tmp_path / "killed", db)
    assert 0 < done_before_kill < total
    rescan = _dpscan("scan", str(share), "--out", str(tmp_path / "again"), "-w", "1", "-q",
                     "--db", str(db))
    _, err = rescan.communicate(timeout=300)
    assert rescan.returncode == 0, err
    summary = json.loads((tmp_path / "again" / "findings.json").read_text())["scan"]
    assert summary["complete"] is True and summary["files_reused"] == done_before_kill
    assert len([c for c in summary["changes"] if c["change"] == "new"]) == total


def test_exit_statuses_json_lines_and_log(tmp_path: Path) -> None:
    share = tmp_path / "share"
    _letters(share, 3)
    db, log = tmp_path / "cat.sqlite", tmp_path / "logs" / "dpscan.log"
    log.parent.mkdir()
    proc = _dpscan("scan", str(share), "--out", str(tmp_path / "o1"), "-w", "1", "--db",
                   str(db), "--json", "--log", str(log), "--fail-on", "low")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == EXIT_FINDINGS, err
    events = [json.loads(line) for line in out.splitlines()]
    assert [e["event"] for e in events] == ["file"] * 3 + ["done"]
    assert all(e["entities"] for e in events[:3])
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert "scan 1 finished: 3 files" in log.read_text()

    high = _dpscan("scan", str(share), "--out", str(tmp_path / "o2"), "-w", "1", "--db",
                   str(db), "-q", "--fail-on", "critical")
    assert high.wait(timeout=300) == 0

    bad = _dpscan("scan", str(share), "--out", str(tmp_path / "o3"), "--fail-on", "urgent")
    assert bad.wait(timeout=60) == EXIT_CONFIG_ERROR


def test_sigterm_stops_the_scan_as_incomplete(tmp_path: Path) -> None:
    share = tmp_path / "share"
    _letters(share, 150)
    db = tmp_path / "cat.sqlite"
    proc = _dpscan("scan", str(share), "--out", str(tmp_path / "out"), "-w", "1", "-q",
                   "--db", str(db))
    deadline = time.monotonic() + 240
    while _recorded(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == EXIT_INCOMPLETE, err
    findings = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert findings["scan"]["complete"] is False
    # The partial report holds what reached it before the stop (a file recorded in the
    # catalogue the instant the signal came may be in neither it nor the count).
    assert len(findings["files"]) < 150
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT status FROM scans").fetchall() == [("interrupted",)]
    resumed = _dpscan("scan", str(share), "--out", str(tmp_path / "out2"), "-w", "1", "-q",
                      "--db", str(db), "--resume")
    assert resumed.wait(timeout=300) == 0
    findings = json.loads((tmp_path / "out2" / "findings.json").read_text())
    assert findings["scan"]["complete"] is True and len(findings["files"]) == 150


def test_usb_verdict_on_a_folder_standing_in_for_a_stick(tmp_path: Path) -> None:
    stick = tmp_path / "KINGSTON"
    _letters(stick, 2)
    (stick / "notes.txt").write_text("Bring wellies on Friday.\n")
    out = tmp_path / "usb-report"
    result = CliRunner().invoke(main, ["usb", str(stick), "--out", str(out), "-w", "1",
                                       "--db", str(tmp_path / "cat.sqlite")])
    assert result.exit_code == 0, result.output
    assert f"USB {stick}: 3 files" in result.output
    assert "2 hold personal data" in result.output
    assert "NOT ENCRYPTED" in result.output
    assert "POLICY BREACH: 2 files with personal data" in result.output
    findings = json.loads((out / "findings.json").read_text())
    flagged = {f["path"] for f in findings["files"] if "removable_media" in f["flags"]}
    assert flagged == {"Year 1/letter 000.txt", "Year 2/letter 001.txt"}


def test_usb_without_mountpoint_and_no_media_is_a_clear_error(tmp_path: Path,
                                                              monkeypatch) -> None:
    import dpscan.scanner.usb as usb_module

    monkeypatch.setattr(usb_module, "find_removable_mounts", lambda: [])
    result = CliRunner().invoke(main, ["usb", "--db", str(tmp_path / "c.sqlite")])
    assert result.exit_code == EXIT_CONFIG_ERROR
    assert "no mounted removable media found" in result.output


def test_review_and_report_from_the_catalogue(tmp_path: Path) -> None:
    share = tmp_path / "share"
    _letters(share, 2)
    db = str(tmp_path / "cat.sqlite")
    runner = CliRunner()
    assert runner.invoke(main, ["scan", str(share), "--out", str(tmp_path / "o"), "-w", "1",
                                "-q", "--db", db]).exit_code == 0
    target = share / "Year 1" / "letter 000.txt"
    reviewed = runner.invoke(main, ["review", str(target), "--status", "false_positive",
                                    "--reason", "sample letter, invented pupil", "--db", db,
                                    "--reviewer", "DPO"])
    assert reviewed.exit_code == 0, reviewed.output
    listing = runner.invoke(main, ["review", "--list", "--db", db])
    assert "false_positive" in listing.output and str(target) in listing.output
    missing = runner.invoke(main, ["review", str(share / "nope.txt"), "--status", "accepted",
                                   "--reason", "x", "--db", db])
    assert missing.exit_code == EXIT_CONFIG_ERROR and "not in the catalogue" in missing.output

    report = runner.invoke(main, ["report", "--db", db, "--out", str(tmp_path / "r"), "-q",
                                  "--fail-on", "low"])
    # One letter is reviewed as a false positive; the other still fails --fail-on low.
    assert report.exit_code == EXIT_FINDINGS, report.output
    files = json.loads((tmp_path / "r" / "findings.json").read_text())["files"]
    by_path = {f["path"]: f for f in files}
    assert by_path["Year 1/letter 000.txt"]["review"]["status"] == "false_positive"
    assert by_path["Year 2/letter 001.txt"]["review"] is None

    cleared = runner.invoke(main, ["review", str(target), "--clear", "--db", db])
    assert "review removed" in cleared.output
    nothing = runner.invoke(main, ["report", "--db", str(tmp_path / "none.sqlite"),
                                   "--out", str(tmp_path / "r2")])
    assert nothing.exit_code == EXIT_CONFIG_ERROR


def test_watch_scans_new_files_into_the_catalogue(tmp_path: Path) -> None:
    from dpscan.model.config import ScanConfig
    from dpscan.scanner.catalogue import Catalogue

    share = tmp_path / "share"
    share.mkdir()
    stop = threading.Event()
    with Catalogue.open(tmp_path / "cat.sqlite") as catalogue:
        config = ScanConfig(workers=1)
        # SQLite connections belong to their thread: the watcher gets its own catalogue.
        watcher = threading.Thread(target=_watch_in_thread, args=(
            tmp_path / "cat.sqlite", share, config, stop))
        watcher.start()
        try:
            time.sleep(1.0)
            letter = share / "new letter.txt"
            # A burst of writes: read once, after it settles.
            for part in ("Dear parent of Oliver Brennan,\n", "NHS number 943 476 5919\n"):
                with letter.open("a") as handle:
                    handle.write(part)
                time.sleep(0.05)
            deadline = time.monotonic() + 60
            found = []
            while time.monotonic() < deadline and not found:
                time.sleep(0.3)
                found = [r for r in catalogue.latest_results() if r.path == "new letter.txt"]
            assert found and "UK_NHS" in found[0].entities
            letter.unlink()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and found:
                time.sleep(0.3)
                found = [r for r in catalogue.latest_results() if r.path == "new letter.txt"]
            assert not found  # marked deleted
        finally:
            stop.set()
            watcher.join(timeout=30)


def _watch_in_thread(db: Path, share: Path, config, stop: threading.Event) -> None:  # type: ignore[no-untyped-def]
    from dpscan.scanner.catalogue import Catalogue
    from dpscan.scanner.watch import watch_paths

    with Catalogue.open(db) as catalogue:
        watch_paths([str(share)], config, catalogue, None, settle_seconds=0.3,
                    stop=stop.is_set)


def test_change_queue_coalesces_bursts() -> None:
    from dpscan.scanner.watch import ChangeQueue

    queue = ChangeQueue()
    for _ in range(5):
        queue.changed("/share/a.docx")
    queue.changed("/share/b.docx")
    queue.deleted("/share/b.docx")
    assert queue.settled(10.0) == ([], ["/share/b.docx"])  # a.docx not quiet yet
    time.sleep(0.2)
    assert queue.settled(0.1) == (["/share/a.docx"], [])
    assert queue.settled(0.0) == ([], [])


def test_show_evidence_is_explicit_said_and_never_stored(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    nhs = "943 476 5919"
    (share / "referral.txt").write_text(f"Referral for Oliver Brennan, NHS number {nhs}.\n")
    db = tmp_path / "cat.sqlite"
    runner = CliRunner()
    masked = runner.invoke(main, ["scan", str(share), "--out", str(tmp_path / "m"), "-w", "1",
                                  "-q", "--db", str(db)])
    assert masked.exit_code == 0, masked.output
    shown = runner.invoke(main, ["scan", str(share), "--out", str(tmp_path / "s"), "-w", "1",
                                 "-q", "--db", str(db), "--show-evidence"])
    assert shown.exit_code == 0, shown.output

    def evidence(folder: str, field: str = "masked") -> list[str]:
        data = json.loads((tmp_path / folder / "findings.json").read_text())
        return [e.get(field) for f in data["files"] for e in f["evidence"]
                if e["type"] == "UK_NHS"]

    assert evidence("m") and nhs not in evidence("m")
    assert evidence("s") == evidence("m")  # "masked" stays masked
    assert nhs in evidence("s", "value")  # asked for: shown, and the file was read again for it
    summary = json.loads((tmp_path / "s" / "findings.json").read_text())["scan"]
    assert summary["settings"]["show_evidence"] is True and summary["files_reused"] == 0
    assert "unmasked" in (tmp_path / "s" / "report.html").read_text().lower()
    with sqlite3.connect(db) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert nhs.encode() not in b"".join(p.read_bytes() for p in tmp_path.glob("cat.sqlite*"))
    again = runner.invoke(main, ["scan", str(share), "--out", str(tmp_path / "a"), "-w", "1",
                                 "-q", "--db", str(db)])
    assert again.exit_code == 0
    assert evidence("a") == evidence("m")
    assert json.loads((tmp_path / "a" / "findings.json").read_text())["scan"]["files_reused"] == 1
