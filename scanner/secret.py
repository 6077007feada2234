"""The per-installation secret that keys the find-person index hashes.

The catalogue stores names and identifiers only as HMAC-SHA256 hashes keyed with this
secret (:mod:`dpscan.detectors.person_index`).  Without the key, a copy of the catalogue cannot
be searched for a guessed name or date of birth; with it, it can, so the key file is
created readable by its owner only, beside the catalogue, and never printed.  A new key
makes every existing index unsearchable (rescan to rebuild it).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

KEY_FILE = "index.key"
KEY_BYTES = 32
_PRIVATE_FILE = 0o600
_PRIVATE_DIR = 0o700


class KeyFileError(Exception):
    """The key file is missing (for a search) or is not a key dpscan wrote."""


def key_path(data_dir: Path) -> Path:
    """Where the key of the installation whose data lives in ``data_dir`` is kept."""
    return Path(data_dir) / KEY_FILE


def load_key(data_dir: Path) -> bytes:
    """The existing key; raises :class:`KeyFileError` when there is none or it is damaged."""
    path = key_path(data_dir)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(
            f"no index key at {path}: scan with the catalogue first (the key is made then)"
        ) from None
    if len(data) != KEY_BYTES:
        raise KeyFileError(f"{path} is not a dpscan index key ({len(data)} bytes, not "
                           f"{KEY_BYTES})")
    return data


def load_or_create_key(data_dir: Path) -> bytes:
    """The installation's key, made on first use: 32 random bytes in ``data_dir/index.key``,
    mode 0600, written atomically, so two scans starting together end up with one key."""
    data_dir = Path(data_dir)
    path = key_path(data_dir)
    if path.exists():
        return load_key(data_dir)
    data_dir.mkdir(mode=_PRIVATE_DIR, parents=True, exist_ok=True)
    temp = data_dir / f".{KEY_FILE}.{secrets.token_hex(8)}.tmp"
    fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0),
                 _PRIVATE_FILE)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, _PRIVATE_FILE)
        os.write(fd, secrets.token_bytes(KEY_BYTES))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        # link() never replaces: if another process made the key first, its key wins.
        os.link(temp, path)
    except FileExistsError:
        pass
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    return load_key(data_dir)


__all__ = ["KEY_BYTES", "KEY_FILE", "KeyFileError", "key_path", "load_key",
           "load_or_create_key"]
