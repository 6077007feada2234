"""dpscan's private temporary folders, and the clearing of those a killed run left behind.

A scan keeps a few things in the system temp folder for its own length (the workers'
shared NER cache, the Dask workers' scratch space, a page handed to Tesseract).  Each
folder is made 0700 and removed when its work ends, but a process killed with SIGKILL (or
by the OOM killer) runs no cleanup.  So each folder's name carries the id of the process
that made it, ``dpscan-[KIND-]PID-RANDOM``, and the next scan or watch removes the folders
whose maker is gone: only this user's, and never one of a scan still running beside it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
import tempfile

import psutil

log = logging.getLogger("dpscan")

# dpscan-4242-k2j3h4g5 or dpscan-ocr-4242-k2j3h4g5 (tempfile's random part has no "-").
_NAME = re.compile(r"dpscan-(?:[a-z]+-)?(?P<pid>\d+)-[a-z0-9_]+")
# psutil derives start times from clock ticks since boot: allow for its rounding.
_CLOCK_SLACK_SECONDS = 2.0


def private_temp_dir(kind: str = "") -> tempfile.TemporaryDirectory[str]:
    """A temporary folder (0700, removed on exit) named after this process, so that
    :func:`remove_leftovers` can tell whether its maker is still alive."""
    kind_part = f"{kind}-" if kind else ""
    return tempfile.TemporaryDirectory(prefix=f"dpscan-{kind_part}{os.getpid()}-",
                                       ignore_cleanup_errors=True)


def _maker_alive(pid: int, last_changed: float) -> bool:
    """Whether process ``pid`` may have made a folder last changed at ``last_changed``.

    A process that started after the folder last changed is not its maker but a later
    process that was given the same id.  When in doubt, alive: a folder is only removed
    when its maker is surely gone.
    """
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return process.create_time() <= last_changed + _CLOCK_SLACK_SECONDS
    except psutil.NoSuchProcess:
        return False
    except psutil.Error:  # denied a look at another user's process: leave its folder
        return True


def remove_leftovers(temp_root: str | None = None) -> list[str]:
    """Remove this user's dpscan temporary folders whose maker process has ended.

    Returns the folders removed.  Folders of other users, folders named without a process
    id (made by an older dpscan) and anything that is not a plain folder are left alone.
    """
    temp_root = temp_root or tempfile.gettempdir()
    try:
        names = os.listdir(temp_root)
    except OSError:
        return []
    removed = []
    for name in sorted(names):
        match = _NAME.fullmatch(name)
        if match is None:
            continue
        path = os.path.join(temp_root, name)
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
            continue
        if _maker_alive(int(match["pid"]), st.st_mtime):
            continue
        shutil.rmtree(path, ignore_errors=True)  # symlink-safe on Linux (fd-based)
        if not os.path.lexists(path):
            removed.append(path)
            log.info("removed %s, left behind by a dpscan process that was killed", path)
    return removed


__all__ = ["private_temp_dir", "remove_leftovers"]
