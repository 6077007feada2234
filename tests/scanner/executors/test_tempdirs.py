"""Temporary folders left by a killed dpscan are removed at the next start; a live one's never."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from dpscan.model.config import ScanConfig
from dpscan.scanner.executors import make_executor
from dpscan.scanner.executors.local import LocalExecutor
from dpscan.scanner.executors.tempdirs import private_temp_dir, remove_leftovers
from tests.hostile import tasks

# A process that makes its private folder, says where, and waits to be killed.
HOLD_FOLDER = """
import sys, time
from dpscan.scanner.executors.tempdirs import private_temp_dir
with private_temp_dir(sys.argv[1]) as folder:
    open(folder + "/page.png", "wb").write(b"a page")
    print(folder, flush=True)
    time.sleep(600)
"""


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temp folder, for this test only."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # for the subprocesses
    return tmp_path


def _holder(kind: str) -> tuple[subprocess.Popen[str], Path]:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_FOLDER, kind],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    return holder, Path(holder.stdout.readline().strip())


def _dead_pid() -> int:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True)
    return int(finished.stdout)


def test_a_killed_scans_folders_go_at_the_next_start_a_live_ones_stay(temp_root: Path) -> None:
    killed, killed_folder = _holder("")
    killed_ocr, killed_ocr_folder = _holder("ocr")
    live, live_folder = _holder("ocr")
    try:
        for process in (killed, killed_ocr):
            process.send_signal(signal.SIGKILL)
            process.wait()
        assert killed_folder.is_dir() and killed_ocr_folder.is_dir()  # kill -9: no cleanup
        assert killed_folder.name.startswith(f"dpscan-{killed.pid}-")
        assert killed_ocr_folder.name.startswith(f"dpscan-ocr-{killed_ocr.pid}-")

        make_executor(ScanConfig(workers=1))  # where every scan and watch starts

        assert not killed_folder.exists() and not killed_ocr_folder.exists()
        assert (live_folder / "page.png").read_bytes() == b"a page"  # a concurrent scan's
    finally:
        live.kill()
        live.wait()


def test_only_this_users_plain_folders_named_by_dpscan_are_removed(temp_root: Path) -> None:
    dead = _dead_pid()
    elsewhere = temp_root / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not dpscan's")
    kept = {
        "dpscan-k2j3h4g5": "folder",  # an older dpscan's name: its maker cannot be told
        f"dpscan-{os.getpid()}-live0001": "folder",  # this process is alive
        f"dpscan-{dead}-notadir0": "file",
        f"dpscan-{dead}-symlink0": "symlink",
        f"pytest-{dead}-other000": "folder",
    }
    removed = {f"dpscan-{dead}-dead0001", f"dpscan-dask-{dead}-dead0002"}
    for name, kind in kept.items():
        if kind == "folder":
            (temp_root / name).mkdir()
        elif kind == "file":
            (temp_root / name).write_text("x")
        else:
            (temp_root / name).symlink_to(elsewhere, target_is_directory=True)
    for name in removed:
        (temp_root / name).mkdir()
        (temp_root / name / "cache.sqlite").write_bytes(b"x")
    # This process's id, on a folder last changed before this process started: made by an
    # earlier process that had the same id.
    reused = temp_root / f"dpscan-{os.getpid()}-reused00"
    reused.mkdir()
    os.utime(reused, (946684800, 946684800))
    removed.add(reused.name)
    if os.geteuid() == 0:  # another user's folder, with a dead maker: not ours to remove
        other = temp_root / f"dpscan-{dead}-nobody00"
        other.mkdir()
        os.chown(other, 65534, 65534)
        kept[other.name] = "folder"

    gone = remove_leftovers()

    assert sorted(gone) == sorted(str(temp_root / name) for name in removed)
    assert sorted(p.name for p in temp_root.iterdir()) == sorted([*kept, "elsewhere"])
    assert (elsewhere / "keep.txt").read_text() == "not dpscan's"


def test_the_local_executors_folder_is_named_after_the_scan(temp_root: Path) -> None:
    executor = LocalExecutor(ScanConfig(workers=1), task=tasks.misbehave,
                             warm_up=tasks.no_warm_up)
    with executor.running():
        [folder] = temp_root.iterdir()
        assert folder.name.startswith(f"dpscan-{os.getpid()}-")
        assert remove_leftovers() == [] and folder.is_dir()
    assert list(temp_root.iterdir()) == []


def test_private_temp_dir_is_private(temp_root: Path) -> None:
    with private_temp_dir("ocr") as folder:
        assert os.stat(folder).st_mode & 0o777 == 0o700
        assert Path(folder).name.startswith(f"dpscan-ocr-{os.getpid()}-")
    assert not Path(folder).exists()
