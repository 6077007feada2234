"""Read-only file access that leaves what it scans untouched.

Every byte dpscan reads from a scanned file goes through :func:`open_readonly` (or
:func:`open_beneath`), and every folder the crawl lists is opened by :func:`open_folder`,
so the no-write, no-atime and no-symlink-swap guarantees live in one place.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO

# O_NOATIME keeps the access time as it was, so a scan does not disturb the evidence a
# retention decision may rest on.  Linux grants it only to the file's owner (or
# CAP_FOWNER); anyone else gets EPERM and falls back to a plain read-only open.
_O_NOATIME = getattr(os, "O_NOATIME", 0)
# O_NOFOLLOW: a symlink at the last step of a path is refused, never read through, so a
# file swapped for a link to a private file between the crawl and the read is not read.
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BASE_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
# A FIFO or device must never block the scan: open non-blocking, then check it is a file.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
# What open(2) says when O_NOFOLLOW meets a symlink (FreeBSD says EMLINK).
_SYMLINK_REFUSED = frozenset({errno.ELOOP, errno.EMLINK})

CHANGED_MESSAGE = "changed between listing and reading"


class NotARegularFile(OSError):
    """The path is a FIFO, socket or device, which dpscan never reads."""


class FileChangedDuringScan(OSError):
    """The file at the path is not the one the crawl listed: it was replaced by another
    file or by a symbolic link (which is never followed) between listing and reading.
    ``strerror`` is the one line a report shows."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FileIdentity:
    """Which file the crawl saw at a path: its device and inode, on the machine that
    listed it (a Dask worker elsewhere numbers devices its own way)."""

    device: int
    inode: int
    host: str


@lru_cache(maxsize=1)
def this_host() -> str:
    """A name for this machine (and boot) that device numbers are valid on."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            boot = handle.read().strip()
    except OSError:
        boot = ""
    return f"{socket.gethostname()}/{boot}"


def _open_quietly(path: str | os.PathLike[str], flags: int, *, dir_fd: int | None = None) -> int:
    """``os.open`` with O_NOATIME where the OS grants it, without it where it does not."""
    try:
        return os.open(path, flags | _O_NOATIME, dir_fd=dir_fd)
    except PermissionError as exc:
        if not _O_NOATIME or exc.errno != errno.EPERM:
            raise
        return os.open(path, flags, dir_fd=dir_fd)


def _symlink_refused(exc: OSError, path: str | os.PathLike[str], *,
                     dir_fd: int | None = None) -> OSError:
    """The error to raise for a failed O_NOFOLLOW open: a clear one when a symlink was
    refused, ``exc`` itself otherwise."""
    if exc.errno not in _SYMLINK_REFUSED and exc.errno != errno.ENOTDIR:
        return exc
    try:
        is_link = stat.S_ISLNK(os.lstat(path, dir_fd=dir_fd).st_mode)
    except OSError:
        return exc
    if not is_link:
        return exc
    return FileChangedDuringScan(errno.ELOOP, f"{CHANGED_MESSAGE}: now a symbolic link, "
                                 "not followed", os.fsdecode(path))


def owned_by_another_user(info: os.stat_result) -> bool:
    """True when the file ``info`` describes belongs to another user than this process's
    (dpscan's own private files: the index key, the log).  Windows has no owner in
    ``st_uid`` (nor ``geteuid``): nothing to compare, so False there."""
    return hasattr(os, "geteuid") and info.st_uid != os.geteuid()


def open_readonly(path: str | os.PathLike[str], *,
                  expected: FileIdentity | None = None) -> BinaryIO:
    """Open ``path`` for binary reading without changing its access time where the OS allows.

    A symbolic link at the last step of ``path`` is never followed.  With ``expected``
    (the crawl's lstat), the opened file must be that file.  Raises
    :class:`NotARegularFile` for anything but a regular file,
    :class:`FileChangedDuringScan` for a symlink or a file other than ``expected``, and
    ``OSError`` for everything the OS refuses.
    """
    return _finish(_open_file(path, None), path, expected)


def open_beneath(root: str | os.PathLike[str], parts: Sequence[str]) -> BinaryIO:
    """Open the file ``root/parts[0]/.../parts[-1]`` read-only, through real folders only.

    ``root`` may itself be a symlink (a share is often mounted through one); below it every
    folder and the file are opened with O_NOFOLLOW, one step at a time, so a folder or file
    swapped for a symlink since it was catalogued raises :class:`FileChangedDuringScan`
    instead of leading out of the share.
    """
    if not parts:
        raise FileNotFoundError(errno.ENOENT, "no file named", os.fsdecode(root))
    folder = open_folder(root)
    try:
        for name in parts[:-1]:
            try:
                inner = _open_quietly(name, _FOLDER_FLAGS | _O_NOFOLLOW, dir_fd=folder)
            except OSError as exc:
                raise _symlink_refused(exc, name, dir_fd=folder) from None
            os.close(folder)
            folder = inner
        return _finish(_open_file(parts[-1], folder), parts[-1], None)
    finally:
        os.close(folder)


def open_folder(path: str | os.PathLike[str], *, follow_symlinks: bool = True) -> int:
    """A file descriptor for listing the folder ``path`` (``os.scandir(fd)``), opened so
    that listing it leaves its access time as it was.  The caller closes it.

    Without ``follow_symlinks`` a folder swapped for a symlink raises
    :class:`FileChangedDuringScan`.
    """
    flags = _FOLDER_FLAGS | (0 if follow_symlinks else _O_NOFOLLOW)
    try:
        return _open_quietly(path, flags)
    except OSError as exc:
        if follow_symlinks:
            raise
        raise _symlink_refused(exc, path) from None


def _open_file(path: str | os.PathLike[str], dir_fd: int | None) -> int:
    try:
        return _open_quietly(path, _BASE_FLAGS | _NONBLOCK | _O_NOFOLLOW, dir_fd=dir_fd)
    except OSError as exc:
        raise _symlink_refused(exc, path, dir_fd=dir_fd) from None


def _finish(fd: int, path: str | os.PathLike[str], expected: FileIdentity | None) -> BinaryIO:
    """The open ``fd`` as a buffered reader, once it is known to be the right regular file."""
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise NotARegularFile(errno.EINVAL, "not a regular file", os.fsdecode(path))
        if (expected is not None and expected.host == this_host()
                and (opened.st_dev, opened.st_ino) != (expected.device, expected.inode)):
            raise FileChangedDuringScan(errno.ESTALE, f"{CHANGED_MESSAGE}: another file is "
                                        "at its path now", os.fsdecode(path))
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb", buffering=1024 * 1024)
    except BaseException:
        os.close(fd)
        raise


def read_head(path: str | os.PathLike[str], size: int) -> bytes:
    """Return at most ``size`` bytes from the start of ``path``."""
    with open_readonly(path) as handle:
        return handle.read(size)
