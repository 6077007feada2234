"""dpscan.reports._output: private (0600), atomic report files."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import dpscan.reports._output as output
from dpscan.reports._output import open_private, write_private_bytes


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """A umask of 0 would make a naive open() create 0666 files."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_write_private_bytes_writes_exact_bytes_mode_0600(tmp_path: Path) -> None:
    target = tmp_path / "report.bin"
    data = b"\x00\xffabc\n" * 1000

    write_private_bytes(target, data)

    assert target.read_bytes() == data
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["report.bin"]


def test_replaces_existing_file_and_tightens_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_bytes(b"old")
    target.chmod(0o666)

    write_private_bytes(target, b"new")

    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_failure_mid_write_keeps_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "findings.json"
    target.write_bytes(b"previous complete report")

    with pytest.raises(RuntimeError, match="disk full"), open_private(target) as handle:
        handle.write(b"half a rep")
        raise RuntimeError("disk full")

    assert target.read_bytes() == b"previous complete report"
    assert os.listdir(tmp_path) == ["findings.json"]


def test_failure_on_new_file_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="boom"), open_private(tmp_path / "new.json") as handle:
        handle.write(b"{")
        raise ValueError("boom")
    assert os.listdir(tmp_path) == []


def test_final_name_appears_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    with open_private(target) as handle:
        handle.write(b"part one")
        # While writing, only a hidden temp file exists, already private.
        assert not target.exists()
        (temp,) = tmp_path.iterdir()
        assert temp.name.startswith(".report.xlsx.") and temp.name.endswith(".tmp")
        assert stat.S_IMODE(temp.stat().st_mode) == 0o600
        handle.write(b" part two")
    assert target.read_bytes() == b"part one part two"
    assert os.listdir(tmp_path) == ["report.xlsx"]


def test_symlink_at_final_path_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"do not touch")
    target = tmp_path / "report.html"
    target.symlink_to(victim)

    write_private_bytes(target, b"report")

    assert not target.is_symlink()
    assert target.read_bytes() == b"report"
    assert victim.read_bytes() == b"do not touch"


def test_planted_temp_name_is_never_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Someone guesses the temp name and plants a symlink there: O_EXCL must
    # refuse it, and the writer must pick another name.
    tokens = iter(["planted", "fresh"])
    monkeypatch.setattr(output.secrets, "token_hex", lambda _n: next(tokens))
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"do not touch")
    planted = tmp_path / ".report.html.planted.tmp"
    planted.symlink_to(victim)

    write_private_bytes(tmp_path / "report.html", b"report")

    assert victim.read_bytes() == b"do not touch"
    assert planted.is_symlink()
    assert (tmp_path / "report.html").read_bytes() == b"report"
    assert not (tmp_path / ".report.html.fresh.tmp").exists()


def test_gives_up_when_every_temp_name_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(output.secrets, "token_hex", lambda _n: "same")
    (tmp_path / ".r.json.same.tmp").write_bytes(b"x")
    with pytest.raises(FileExistsError):
        write_private_bytes(tmp_path / "r.json", b"{}")
    assert not (tmp_path / "r.json").exists()
