"""The index key: kept apart from the catalogue (the user's config folder), 0600 in a 0700
folder, refused when others could read or swap it, and moved from its old place beside
the catalogue so that an index made before still finds its people."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from dpscan.scanner.cli import main
from dpscan.scanner.cli_person import find_person
from dpscan.scanner.secret import (
    KEY_BYTES,
    KeyFileError,
    key_path,
    load_key,
    load_or_create_key,
    old_key_path,
)


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config folder of the test's own (where the key lives)."""
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    return folder


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _plant_key(path: Path, mode: int = 0o600) -> bytes:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = os.urandom(KEY_BYTES)
    path.write_bytes(key)
    os.chmod(path, mode)
    return key


def test_a_new_key_lives_in_the_config_folder_not_beside_the_catalogue(
        config_home: Path, catalogue_dir: Path) -> None:
    with pytest.raises(KeyFileError, match="no index key"):
        load_key(catalogue_dir)  # a search makes no key
    key = load_or_create_key(catalogue_dir)
    assert key_path() == config_home / "dpscan" / "index.key"
    assert key_path().read_bytes() == key and len(key) == KEY_BYTES
    assert (_mode(key_path()), _mode(key_path().parent)) == (0o600, 0o700)
    assert [p.name for p in key_path().parent.iterdir()] == ["index.key"]  # no temp file
    assert list(catalogue_dir.iterdir()) == []
    assert load_or_create_key(catalogue_dir) == key == load_key(catalogue_dir)


def test_a_key_of_the_wrong_length_is_refused(catalogue_dir: Path) -> None:
    load_or_create_key(catalogue_dir)
    key_path().write_bytes(b"short")
    with pytest.raises(KeyFileError, match="not a dpscan index key"):
        load_key(catalogue_dir)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o620, 0o604])
def test_a_key_others_can_read_or_write_is_refused(catalogue_dir: Path, mode: int) -> None:
    _plant_key(key_path(), mode)
    for load in (load_key, load_or_create_key):
        with pytest.raises(KeyFileError, match=f"mode {mode:04o}.*chmod 600 {key_path()}"):
            load(catalogue_dir)
    assert _mode(key_path()) == mode  # refused, not silently "fixed"


def test_a_symlinked_key_is_refused(tmp_path: Path, catalogue_dir: Path) -> None:
    target = tmp_path / "elsewhere.key"
    _plant_key(target)
    key_path().parent.mkdir(mode=0o700, parents=True)
    key_path().symlink_to(target)
    for load in (load_key, load_or_create_key):
        with pytest.raises(KeyFileError, match="symbolic link"):
            load(catalogue_dir)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the key to another user")
def test_a_key_of_another_user_is_refused(catalogue_dir: Path) -> None:
    _plant_key(key_path())
    os.chown(key_path(), 65534, 65534)
    with pytest.raises(KeyFileError, match="belongs to user id 65534"):
        load_key(catalogue_dir)


def test_a_key_beside_the_catalogue_is_moved_once(
        catalogue_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    old = old_key_path(catalogue_dir)
    key = _plant_key(old)
    with caplog.at_level(logging.WARNING):
        assert load_or_create_key(catalogue_dir) == key
    assert not old.exists()
    assert key_path().read_bytes() == key and _mode(key_path()) == 0o600
    assert f"index key moved from {old}" in caplog.text
    assert load_key(catalogue_dir) == key  # and it stays there


def test_an_old_key_readable_by_others_is_refused_not_moved(catalogue_dir: Path) -> None:
    old = old_key_path(catalogue_dir)
    _plant_key(old, 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_key(catalogue_dir)
    assert old.exists() and not key_path().exists()


def test_two_different_keys_are_refused_and_both_kept(catalogue_dir: Path) -> None:
    current = _plant_key(key_path())
    old = _plant_key(old_key_path(catalogue_dir))
    with pytest.raises(KeyFileError, match="two different index keys"):
        load_or_create_key(catalogue_dir)
    assert key_path().read_bytes() == current
    assert old_key_path(catalogue_dir).read_bytes() == old


def test_a_key_moved_from_beside_the_catalogue_still_finds_the_person(
        tmp_path: Path, catalogue_dir: Path) -> None:
    """An index made with the key in its old place (scan, then the key put back beside the
    catalogue as dpscan kept it before) is still searched after the move."""
    share = tmp_path / "share"
    share.mkdir()
    (share / "letter.txt").write_text(
        "Dear parent,\nRe: Amelia Jones (DOB 02/03/2014), UPN L201000024001.\n"
        "Amelia's attendance this term is 89%.\n")
    (share / "notes.txt").write_text("The trip to the museum is on Friday.\n")
    db = catalogue_dir / "catalogue.sqlite"
    scanned = CliRunner().invoke(main, ["scan", str(share), "--out", str(tmp_path / "out"),
                                        "--db", str(db), "--workers", "1", "--quiet"])
    assert scanned.exit_code == 0, scanned.output
    key = key_path().read_bytes()
    os.replace(key_path(), old_key_path(catalogue_dir))  # the layout before the move

    found = CliRunner().invoke(find_person, [
        "--name", "Amelia Jones", "--dob", "2014-03-02", "--db", str(db),
        "--out", str(tmp_path / "sar"), "--quiet"])
    assert found.exit_code == 0, found.output
    files = json.loads((tmp_path / "sar" / "person.json").read_text())["files"]
    assert [f["path"] for f in files] == ["letter.txt"]
    assert key_path().read_bytes() == key
    assert not old_key_path(catalogue_dir).exists()
