"""Private, atomic file output for reports.

Reports list where personal data lives in a school, so they are themselves
sensitive: every report file is created readable by its owner only (mode
0600) and appears under its final name only once it is complete, so a crash
or a full disk never leaves a half-written report that looks finished.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NoReturn, TextIO

PRIVATE_FILE_MODE = 0o600

# A few tries are plenty: the name has 64 random bits, a clash means
# something else is creating files with our naming scheme.
_TEMP_NAME_TRIES = 8

# O_NOFOLLOW / O_CLOEXEC / O_BINARY exist only on some platforms.
_TEMP_FLAGS = (
    os.O_CREAT
    | os.O_EXCL
    | os.O_WRONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _create_temp(directory: Path, final_name: str) -> tuple[int, Path]:
    """Create a fresh 0600 temp file beside the final file; return its fd and path."""
    for _ in range(_TEMP_NAME_TRIES):
        # Dot-prefixed and .tmp-suffixed so a half-written file is obviously
        # not a report; same directory so os.replace is an atomic rename.
        temp = directory / f".{final_name}.{secrets.token_hex(8)}.tmp"
        try:
            # O_EXCL: never open (or follow a symlink to) a file someone else made.
            fd = os.open(temp, _TEMP_FLAGS, PRIVATE_FILE_MODE)
        except FileExistsError:
            continue
        return fd, temp
    raise FileExistsError(f"could not create a temporary file for {final_name!r} in {directory}")


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; best effort, as not every platform can open a directory."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def open_private(path: Path | str) -> Iterator[BinaryIO]:
    """Open ``path`` for binary writing as a private (0600) file, atomically.

    Yields a binary file object on a temporary file in the same directory.
    When the ``with`` block ends normally the data is flushed, fsynced and the
    temporary file is renamed onto ``path`` (replacing any existing file, or a
    symlink itself rather than its target).  If the block raises, the
    temporary file is removed and ``path`` is left untouched; an ``OSError`` (a full disk)
    then names ``path`` as its ``filename``.
    """
    final = Path(path)
    try:
        fd, temp = _create_temp(final.parent, final.name)
    except OSError as exc:
        _raise_about_report(exc, final, None)
    try:
        # The umask may have narrowed the mode but never widens it; fchmod
        # makes 0600 exact whatever the umask.  Not available on Windows.
        if hasattr(os, "fchmod"):
            os.fchmod(fd, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            fd = -1  # now owned by ``handle``
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, final)
    except BaseException as exc:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            _raise_about_report(exc, final, temp)
        raise
    _fsync_directory(final.parent)


def _raise_about_report(exc: OSError, final: Path, temp: Path | None) -> NoReturn:
    """Raise ``exc`` naming the report when it named the hidden temporary file or no file
    (a failed write() names none): "disk full writing /out/report.xlsx"."""
    if exc.errno is None or exc.filename not in (None, str(temp)):
        raise exc
    raise type(exc)(exc.errno, exc.strerror, str(final)) from exc


@contextlib.contextmanager
def text_writer(handle: BinaryIO, encoding: str = "utf-8",
                newline: str | None = "\n") -> Iterator[TextIO]:
    """``handle`` as a text stream for a report written piece by piece, and handed back
    to its owner (who closes it) at the end.  A stray lone surrogate is written as its
    backslash escape (valid in JSON and readable in CSV) rather than losing the report."""
    text = io.TextIOWrapper(handle, encoding=encoding, errors="backslashreplace",
                            newline=newline)
    try:
        yield text
        text.flush()
    finally:
        text.detach()


def write_private_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically as a private (0600) file."""
    with open_private(path) as handle:
        handle.write(data)
