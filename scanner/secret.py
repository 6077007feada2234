"""The per-installation secret that keys the find-person index hashes.

The catalogue stores names and identifiers only as HMAC-SHA256 hashes keyed with this
secret (:mod:`dpscan.detectors.person_index`).  Without the key, a copy of the catalogue
cannot be searched for a guessed name or date of birth; with it, it can (every date of
birth in under a second), so the key lives apart from the catalogue: ``index.key`` in the
user's config folder (``~/.config/dpscan``, mode 0700), mode 0600, never printed.  A copy
of the catalogue alone, or a backup of the data folder, then gives nothing away.

The key file is checked whenever it is read: a symbolic link, a file of another user, or
one that group or others may read or write is refused (:class:`KeyFileError`), never used.

Before this, the key was kept beside the catalogue.  A key found there is moved to the
config folder the first time, so existing indexes stay searchable.  A new key makes every
existing index unsearchable (the next scan rebuilds it: the key is part of the
catalogue's fingerprint).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
import stat
from pathlib import Path

import platformdirs

from dpscan.scanner.fileio import owned_by_another_user

KEY_FILE = "index.key"
KEY_BYTES = 32
_PRIVATE_FILE = 0o600
_PRIVATE_DIR = 0o700
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)

log = logging.getLogger(__name__)


class KeyFileError(Exception):
    """The key file is missing (for a search), unsafe to use, or not a key dpscan wrote."""


def key_path() -> Path:
    """Where the installation's key is kept: ``index.key`` in the user's config folder."""
    return platformdirs.user_config_path("dpscan", appauthor=False) / KEY_FILE


def old_key_path(catalogue_dir: Path) -> Path:
    """Where dpscan kept the key before: beside the catalogue in ``catalogue_dir``."""
    return Path(catalogue_dir) / KEY_FILE


def load_key(catalogue_dir: Path) -> bytes:
    """The existing key (moved from beside the catalogue in ``catalogue_dir`` if it is
    still there); raises :class:`KeyFileError` when there is none or it is unsafe."""
    path = key_path()
    _move_old_key(old_key_path(catalogue_dir), path)
    key = _read_key(path)
    if key is None:
        raise KeyFileError(
            f"no index key at {path}: scan with the catalogue first (the key is made then)")
    return key


def load_or_create_key(catalogue_dir: Path) -> bytes:
    """The installation's key, made on first use: 32 random bytes in :func:`key_path`,
    mode 0600 in a 0700 folder, written atomically, so two scans starting together end up
    with one key.  A key still beside the catalogue in ``catalogue_dir`` is moved there."""
    path = key_path()
    _move_old_key(old_key_path(catalogue_dir), path)
    key = _read_key(path)
    if key is None:
        _write_key(path, secrets.token_bytes(KEY_BYTES))
        key = _read_key(path)
    assert key is not None
    return key


def _read_key(path: Path) -> bytes | None:
    """The key in ``path``, None when there is none; refuses a file another could read,
    write or swap (a symbolic link, another user's, group or world bits set)."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise KeyFileError(
                f"{path} is a symbolic link: dpscan reads its index key only from a file of "
                f"its own; replace the link with the file it points to (then chmod 600 "
                f"{path})") from None
        raise KeyFileError(f"cannot read the index key {path}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        _check_private(path, info)
        data = os.read(fd, KEY_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) != KEY_BYTES:
        raise KeyFileError(f"{path} is not a dpscan index key ({len(data)} bytes, not "
                           f"{KEY_BYTES})")
    return data


def _check_private(path: Path, info: os.stat_result) -> None:
    """Refuse a key file that is not a regular file of this user, for this user only."""
    if not stat.S_ISREG(info.st_mode):
        raise KeyFileError(f"{path} is not a regular file: it cannot be an index key")
    if owned_by_another_user(info):
        raise KeyFileError(
            f"{path} belongs to user id {info.st_uid}, not to you ({os.geteuid()}): another "
            f"user could read or replace the index key; if it is yours, chown it to "
            f"yourself and chmod 600 {path}")
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise KeyFileError(
            f"{path} has mode {stat.S_IMODE(info.st_mode):04o}: others can read or change "
            f"the index key, and with it test guessed names and dates of birth against the "
            f"catalogue; make it private with: chmod 600 {path}")


def _private_folder(folder: Path) -> None:
    """Create the key's folder owner-only (0700); an existing one of ours is narrowed to
    0700 (it is dpscan's own folder)."""
    folder.mkdir(mode=_PRIVATE_DIR, parents=True, exist_ok=True)
    info = folder.lstat()
    if stat.S_ISDIR(info.st_mode) and not owned_by_another_user(info) \
            and stat.S_IMODE(info.st_mode) != _PRIVATE_DIR:
        os.chmod(folder, _PRIVATE_DIR)


def _write_key(path: Path, key: bytes) -> bool:
    """Write ``key`` to ``path`` (0600, atomically); False when a key was already there
    (another process made it first: its key wins)."""
    _private_folder(path.parent)
    temp = path.parent / f".{KEY_FILE}.{secrets.token_hex(8)}.tmp"
    fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _NOFOLLOW, _PRIVATE_FILE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, _PRIVATE_FILE)
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        # link() never replaces: if another process made the key first, its key wins.
        os.link(temp, path)
    except FileExistsError:
        return False
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    return True


def _move_old_key(old: Path, path: Path) -> None:
    """Move a key left beside the catalogue (the old place) to ``path``, once.  A second,
    different key beside another catalogue is refused rather than silently replaced: that
    catalogue's index was made with it."""
    if old == path or not os.path.lexists(old):
        return
    key = _read_key(old)  # the same checks: a 0644 or linked old key is refused, not moved
    assert key is not None
    current = _read_key(path)
    moved = current is None and _write_key(path, key)
    if moved:
        current = key
    elif current is None:
        current = _read_key(path)  # another process moved or made one first
    if current != key:
        raise KeyFileError(
            f"two different index keys: {old} (beside the catalogue, where dpscan kept it "
            f"before) and {path}.  This catalogue's index was made with {old}.  Either "
            f"delete {old} (the next scan rebuilds the index with {path}, reading every "
            f"file again), or, if no other catalogue uses {path}, replace it: "
            f"mv {old} {path}")
    try:
        os.unlink(old)
    except OSError as exc:
        log.warning("the index key is now at %s, but its old copy beside the catalogue "
                    "could not be removed (%s): delete %s", path, exc.strerror, old)
        return
    if moved:
        log.warning("index key moved from %s (beside the catalogue) to %s, apart from the "
                    "catalogue: a copy of the catalogue no longer carries its key", old, path)
    else:
        log.warning("index key %s removed from beside the catalogue: the same key is at %s",
                    old, path)

__all__ = ["KEY_BYTES", "KEY_FILE", "KeyFileError", "key_path", "load_key",
           "load_or_create_key", "old_key_path"]
