"""Read-only file access that leaves what it scans untouched.

Every byte dpscan reads from a scanned file goes through :func:`open_readonly`, so
the no-write and no-atime guarantees live in one place.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

# O_NOATIME keeps the access time as it was, so a scan does not disturb the evidence a
# retention decision may rest on.  Linux grants it only to the file's owner (or
# CAP_FOWNER); anyone else gets EPERM and falls back to a plain read-only open.
_O_NOATIME = getattr(os, "O_NOATIME", 0)
_BASE_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
# A FIFO or device must never block the scan: open non-blocking, then check it is a file.
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


class NotARegularFile(OSError):
    """The path is a FIFO, socket or device, which dpscan never reads."""


def open_readonly(path: str | os.PathLike[str]) -> BinaryIO:
    """Open ``path`` for binary reading without changing its access time where the OS allows.

    Raises :class:`NotARegularFile` for anything but a regular file and ``OSError`` for
    everything the OS refuses.
    """
    flags = _BASE_FLAGS | _NONBLOCK
    try:
        fd = os.open(path, flags | _O_NOATIME)
    except PermissionError as exc:
        if not _O_NOATIME or exc.errno != errno.EPERM:
            raise
        fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotARegularFile(errno.EINVAL, "not a regular file", os.fsdecode(path))
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
