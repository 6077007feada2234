"""The scale benchmark (bench/scale.py, issue 20) on a tiny tree: it builds the same tree for a
seed, scans it three times and writes every figure the README and RESULTS.md quote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import scale  # noqa: E402

RUN_KEYS = {"seconds", "files_per_second", "files_seen", "files_read", "files_reused", "errors",
            "files_with_personal_data", "cpu_seconds", "peak_largest_mb", "peak_sum_mb",
            "samples", "load_before", "load_after", "report_bytes"}


def test_the_text_tree_is_the_same_for_a_seed_with_a_third_personal(tmp_path: Path) -> None:
    first, again = tmp_path / "first", tmp_path / "again"
    scale.build_text_tree(first, 600, seed=7)
    scale.build_text_tree(again, 600, seed=7)
    files = sorted(p.relative_to(first) for p in first.rglob("*.txt"))
    assert files == sorted(p.relative_to(again) for p in again.rglob("*.txt"))
    assert len(files) == 600
    for relative in files:
        assert (first / relative).read_bytes() == (again / relative).read_bytes()
        assert (first / relative).stat().st_mtime == (again / relative).stat().st_mtime
    personal = sum("@example.com" in (first / r).read_text() for r in files)
    assert 0.2 < personal / 600 < 0.4
    folders = scale.text_folders(100_000, seed=7)
    assert all(100 <= f.files <= 500 for f in folders[:-1])
    assert len({f.path for f in folders}) == len(folders)


def test_a_tiny_run_prints_the_table_and_writes_every_figure(tmp_path: Path) -> None:
    figures = tmp_path / "figures.json"
    run = subprocess.run(
        [sys.executable, str(BENCH / "scale.py"), "--files", "200", "--workers", "1",
         "--interval", "0.05", "--keep", str(tmp_path / "trees"), "--json", str(figures)],
        capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "| text-200 | first scan |" in run.stdout
    assert "| text-200 | no-change rescan |" in run.stdout

    data = json.loads(figures.read_text())
    assert {"cpus", "commit", "dpscan", "when"} <= set(data["machine"])
    (tree,) = data["trees"]
    assert tree["files"] == 200 and tree["files_changed"] == 2
    assert tree["find_seconds"] > 0 and tree["bytes"] > 0 and tree["folders"] > 0
    runs = tree["runs"]
    assert set(runs) == {"first", "rescan", "changed"}
    for figures_of_run in runs.values():
        assert set(figures_of_run) == RUN_KEYS
        assert figures_of_run["files_seen"] == 200
        assert set(figures_of_run["report_bytes"]) == set(scale.REPORTS)
        assert 0 < figures_of_run["peak_largest_mb"] <= figures_of_run["peak_sum_mb"]
    assert runs["first"]["files_read"] == 200
    assert runs["first"]["files_with_personal_data"] > 0
    assert runs["rescan"]["files_reused"] == 200
    assert runs["changed"]["files_read"] == 2
