"""The real ``dpscan scan`` over the hostile corpus (tests/hostile/corpus.py), in a subprocess.

One scan serves every test here (built once per test run, shared by pytest-xdist
workers through a file lock).  It runs as CI and a technician would, with two worker
processes, and with guards around it:

- ``tests/hostile/netguard`` on PYTHONPATH makes every Python process of the scan (the
  main one and each spawned worker) refuse and log any Internet socket or name lookup;
- a wrapper process reads the peak resident size of the largest process of the scan
  from ``getrusage(RUSAGE_CHILDREN)`` (Linux folds each reaped descendant's peak into
  its parent's, so the workers count too);
- the corpus is snapshotted (content hash, size, mtime, mode, atime) before and after.

The 20,000-files-in-one-folder case runs with 2,000 files unless
``DPSCAN_HOSTILE_FULL=1`` (then 20,000; about 2 minutes more on 2 cores).
"""

from __future__ import annotations

import csv
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dpscan.model.ids import Flag
from dpscan.scanner.walk import printable_path
from tests.hostile.corpus import (
    CASES,
    FORMULA_TEXT,
    HOSTILE_NAMES,
    OLD_ATIME_NS,
    build_hostile_corpus,
    snapshot,
)

REPO = Path(__file__).resolve().parents[2]
NETGUARD = Path(__file__).resolve().parent / "netguard"
FULL = os.environ.get("DPSCAN_HOSTILE_FULL") == "1"
MANY_FILES = 20_000 if FULL else 2_000
FILE_SECONDS = 15
WORKER_MB = 768
# The stated bound: no process of the scan grows past this resident size.  Workers are
# held to WORKER_MB by their limit; the main process holds only result records.
PEAK_RSS_BOUND = 1024 * 1024 * 1024
STATUSES = {"scanned", "not_read", "encrypted", "error"}

# Runs the command in argv[2:], then writes its time and the peak RSS of its largest
# process (ru_maxrss, KiB on Linux) to argv[1] as JSON.
MEASURE = """
import json, resource, subprocess, sys, time
started = time.monotonic()
code = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as out:
    json.dump({"exit": code, "seconds": time.monotonic() - started,
               "peak_rss": usage.ru_maxrss * 1024}, out)
"""


def run_measured(args: list[str], out_json: Path, net_log: Path, **kwargs: Any
                 ) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Run ``python -m dpscan ARGS`` under the network guard; return it and its measures."""
    env = dict(os.environ, DPSCAN_NET_LOG=str(net_log),
               PYTHONPATH=os.pathsep.join([str(NETGUARD), str(REPO)]))
    command = [sys.executable, "-c", MEASURE, str(out_json), sys.executable, "-m", "dpscan",
               *args]
    proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, **kwargs)
    return proc, json.loads(out_json.read_text())


def _shared_dir(factory: pytest.TempPathFactory) -> Path:
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Build the corpus, snapshot it, scan it, snapshot it again (once per test run)."""
    from filelock import FileLock

    shared = _shared_dir(tmp_path_factory) / "hostile"
    shared.mkdir(exist_ok=True)
    done = shared / "done.pickle"
    with FileLock(str(shared / "lock")):
        if not done.exists():
            done.write_bytes(pickle.dumps(_build_and_scan(shared)))
    return pickle.loads(done.read_bytes())


def _build_and_scan(shared: Path) -> dict[str, Any]:
    root, out, net_log = shared / "corpus", shared / "out", shared / "net.log"
    cases = build_hostile_corpus(root, many_files=MANY_FILES)
    before = snapshot(root)
    proc, measured = run_measured(
        ["scan", str(root), "--out", str(out), "--workers", "2", "--follow-symlinks",
         "--file-timeout", str(FILE_SECONDS), "--max-worker-mb", str(WORKER_MB),
         "--format", "json,html,xlsx,csv", "--quiet"],
        shared / "measure.json", net_log, timeout=600)
    after = snapshot(root)
    findings = json.loads((out / "findings.json").read_text()) if proc.returncode == 0 else {}
    return {"root": root, "out": out, "cases": cases, "before": before, "after": after,
            "proc": proc, "measured": measured, "findings": findings,
            "net_log": net_log.read_text() if net_log.exists() else ""}


def _top_level(hostile: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["path"]: r for r in hostile["findings"]["files"] if r["container"] is None}


def test_scan_exits_zero_without_a_traceback(hostile: dict[str, Any]) -> None:
    proc = hostile["proc"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert hostile["measured"]["exit"] == 0
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]


def test_every_file_appears_once_with_a_status(hostile: dict[str, Any]) -> None:
    expected = {printable_path(rel)[0] for rel in hostile["cases"]}
    records = [r for r in hostile["findings"]["files"] if r["container"] is None]
    paths = [r["path"] for r in records]
    assert len(paths) == len(set(paths))
    assert set(paths) == expected
    assert all(r["status"] in STATUSES for r in hostile["findings"]["files"])
    assert hostile["findings"]["scan"]["walk_errors"] == []


def test_each_case_has_its_outcome(hostile: dict[str, Any]) -> None:
    records = _top_level(hostile)
    members = [r for r in hostile["findings"]["files"] if r["container"]]

    def flags(path: str) -> set[str]:
        return set(records[path]["flags"])

    bomb = records["bombs/zip_bomb.zip"]
    assert bomb["status"] == "scanned" and Flag.ARCHIVE_LIMIT in bomb["flags"]
    (zeros,) = [m for m in members if m["container"] == "bombs/zip_bomb.zip"]
    assert "max_member_bytes" in zeros["error"] and Flag.ARCHIVE_LIMIT in zeros["flags"]
    # 4 + 16 + 64 records, then 256 stopped at the depth limit; the bomb at the bottom
    # (depth 5) is never reached.
    nested = [m for m in members if m["path"].startswith("bombs/nested_bomb.zip!")]
    assert len(nested) == 4 + 16 + 64 + 256
    assert sum("max_depth" in (m["error"] or "") for m in nested) == 256
    deep = [m for m in members if m["path"].startswith("bombs/deep_archive.zip!")]
    assert any("max_depth" in (m["error"] or "") for m in deep)
    # pdfminer loops for ever on the reference loop: the time limit ends it.
    loop = records["pdf/reference_loop.pdf"]
    assert (loop["status"], loop["flags"]) == ("error", [Flag.TIMEOUT])
    assert loop["error"] == (f"not read: took longer than the file_seconds limit "
                             f"({FILE_SECONDS} s)")
    spin = records["pdf/spin.pdf"]
    assert spin["status"] == "error" and flags("pdf/spin.pdf") & {Flag.TIMEOUT,
                                                                  Flag.MEMORY_LIMIT}
    assert records["pdf/kids_loop.pdf"]["status"] == "scanned"
    # All holes, so libmagic calls it data: listed with its type, never read.
    sparse = records["big/sparse_1GB.txt"]
    assert (sparse["status"], sparse["flags"]) == ("not_read", [Flag.NO_TEXT_EXTRACTED])
    line = records["big/one_line_100MB.txt"]
    assert line["status"] == "scanned" and Flag.TEXT_TRUNCATED in line["flags"]
    for ext in ("txt", "csv", "docx"):
        assert records[f"disguised/binary.{ext}"]["status"] in {"not_read", "error"}
    for path, record in records.items():
        if path.startswith("empty/") or path.startswith("many/"):
            assert (record["status"], record["flags"]) == ("scanned", [Flag.EMPTY_FILE])
        if path.startswith("truncated/"):
            assert record["status"] in STATUSES and (
                record["status"] != "error" or record["error"]), record
    assert records["special/pipe"]["flags"] == [Flag.SPECIAL_FILE]
    (bad,) = [p for p in records if p.startswith("names/bad-")]
    assert bad == "names/bad-\\xff\\xfe-name.txt" and Flag.NON_UTF8_NAME in flags(bad)
    (bottom,) = [p for p in records if p.startswith("deep/")]
    assert bottom.count("/") == 41 and records[bottom]["status"] == "scanned"
    for name in HOSTILE_NAMES.values():
        assert records[f"names/{name}"]["status"] == "scanned"


def test_nothing_scanned_changed(hostile: dict[str, Any]) -> None:
    before, after = hostile["before"], hostile["after"]
    assert before.keys() == after.keys()
    changed = [p for p in before if before[p][:4] != after[p][:4]]
    assert changed == [], "content, size, mtime or mode changed"


def test_access_times_kept(hostile: dict[str, Any], tmp_path: Path) -> None:
    # A control: does a plain read move an old atime on this file system at all?
    probe = tmp_path / "probe"
    probe.write_bytes(b"x")
    os.utime(probe, ns=(OLD_ATIME_NS, probe.stat().st_mtime_ns))
    probe.read_bytes()
    if probe.stat().st_atime_ns == OLD_ATIME_NS:
        pytest.skip("this file system does not update access times (noatime)")
    before, after = hostile["before"], hostile["after"]
    moved = [p for p in before if before[p][4] != after[p][4] and before[p][0]]
    assert moved == []


def test_no_network_connection_attempted(hostile: dict[str, Any]) -> None:
    assert hostile["net_log"] == ""


def test_network_guard_catches_attempts(tmp_path: Path) -> None:
    """The guard is live in the scan's process and in spawned children."""
    probe = (
        "import multiprocessing, socket\n"
        "def child():\n"
        "    try: socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "    except OSError: pass\n"
        "if __name__ == '__main__':\n"
        "    try: socket.getaddrinfo('example.com', 443)\n"
        "    except OSError: pass\n"
        "    p = multiprocessing.get_context('spawn').Process(target=child)\n"
        "    p.start(); p.join()\n"
    )
    script = tmp_path / "probe.py"
    script.write_text(probe)
    log = tmp_path / "net.log"
    env = dict(os.environ, DPSCAN_NET_LOG=str(log), PYTHONPATH=str(NETGUARD))
    subprocess.run([sys.executable, str(script)], env=env, check=True, timeout=60)
    lines = log.read_text().splitlines()
    assert any("socket.getaddrinfo" in line for line in lines)
    assert len({line.split()[0] for line in lines}) == 2  # two processes caught


def test_peak_memory_stays_under_the_bound(hostile: dict[str, Any]) -> None:
    peak = hostile["measured"]["peak_rss"]
    assert peak < PEAK_RSS_BOUND, f"peak RSS {peak / 2**20:.0f} MiB"


def test_huge_files_and_bombs_need_little_memory(tmp_path: Path) -> None:
    """The zip bomb and the huge files read in one process, without any worker limit,
    stay small: the limits are by design, not by the watchdog."""
    from tests.hostile.corpus import MIB, zeros_zip

    root = tmp_path / "huge"
    root.mkdir()
    (root / "zip_bomb.zip").write_bytes(zeros_zip(300 * MIB))
    with open(root / "sparse_1GB.txt", "wb") as handle:
        handle.truncate(1024 * MIB)
    with open(root / "one_line_100MB.txt", "wb") as handle:
        for _ in range(100):
            handle.write(b"abcdefgh " * (MIB // 9) + b"x" * (MIB % 9))
    proc, measured = run_measured(
        ["scan", str(root), "--out", str(tmp_path / "out"), "--workers", "1", "--quiet",
         "--format", "json", "--max-file-mb", "2048", "--max-text-chars", "200000"],
        tmp_path / "measure.json", tmp_path / "net.log", timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert measured["peak_rss"] < 700 * MIB, f"{measured['peak_rss'] / MIB:.0f} MiB"
    records = {r["path"]: r for r in json.loads((tmp_path / "out" / "findings.json")
                                                .read_text())["files"]}
    assert Flag.TEXT_TRUNCATED in records["one_line_100MB.txt"]["flags"]
    # All holes: libmagic calls it data, so it is listed and not read, whatever its size.
    assert records["sparse_1GB.txt"]["flags"] == [Flag.NO_TEXT_EXTRACTED]


# ------------------------------------------------------------------ the reports


def test_xlsx_has_no_formula_cells(hostile: dict[str, Any]) -> None:
    import openpyxl

    book = openpyxl.load_workbook(hostile["out"] / "report.xlsx")
    formulas = [f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                for ws in book.worksheets for row in ws.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert formulas == []
    texts = {cell.value for ws in book.worksheets for row in ws.iter_rows() for cell in row
             if isinstance(cell.value, str)}
    assert any(HOSTILE_NAMES["hyperlink"] in text for text in texts)


def test_csv_cells_cannot_run_as_formulas(hostile: dict[str, Any]) -> None:
    with open(hostile["out"] / "files.csv", newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert any(HOSTILE_NAMES["hyperlink"] in cell for cell in cells)
    assert [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")] == []


def test_json_keeps_names_exact(hostile: dict[str, Any]) -> None:
    paths = set(_top_level(hostile))
    for name in HOSTILE_NAMES.values():
        assert f"names/{name}" in paths
    assert FORMULA_TEXT  # the formula payloads are content: only masked evidence leaves


def test_html_report_runs_no_script_from_a_name(hostile: dict[str, Any]) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip(f"{chromium} is not installed")
    from tests.reports.test_report_browser import CHROMIUM_ARGS

    report = hostile["out"] / "report.html"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium),
                                             args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            dialogs: list[str] = []
            errors: list[str] = []
            requests: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            page.wait_for_timeout(300)
            body = page.inner_text("body")
            scripts = page.locator("script").count()
            images_with_handlers = page.locator("img[onerror]").count()
        finally:
            browser.close()
    assert dialogs == [] and errors == []
    assert all(url.startswith(("file://", "data:")) for url in requests), requests
    assert scripts == 1 and images_with_handlers == 0
    assert HOSTILE_NAMES["script"] in body
    assert "<script>alert(3)</script>.txt" in body  # a member's name, too


def test_cases_table_covers_the_corpus(hostile: dict[str, Any]) -> None:
    assert set(hostile["cases"].values()) <= set(CASES)
    assert set(CASES) - set(hostile["cases"].values()) == {"symlink_loop"}
