"""Stand-ins for ``scan_entry`` that misbehave on purpose, run inside spawned workers.

Spawned workers import these by name (``tests.hostile.tasks``), so they live in a
module of their own.  What each does is chosen by the entry's file name.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import signal
import tempfile
import time

from dpscan.model.config import ScanConfig
from dpscan.model.ids import Status
from dpscan.model.records import FileResult
from dpscan.scanner.walk import FileEntry

MIB = 1024 * 1024


def no_warm_up(_config: ScanConfig) -> None:
    """Workers without models: they start in a fraction of a second."""


def failing_warm_up(_config: ScanConfig) -> None:
    raise RuntimeError("spaCy model 'missing_model' is not installed")


def misbehave(entry: FileEntry, config: ScanConfig) -> list[FileResult]:
    """Do what the file's name says; files with other names scan fine."""
    name = entry.relpath
    if name.startswith("sleep"):
        time.sleep(600)
    elif name.startswith("spin"):
        while True:
            pass
    elif name.startswith("hog-heap"):
        # Private memory: refused by RLIMIT_DATA, seen as a MemoryError.
        hoard = []
        for _ in range(64 * 1024):
            hoard.append(bytearray(16 * MIB))
    elif name.startswith("hog-mapped"):
        # Pages of a mapped file count in the resident size but not in RLIMIT_DATA: only
        # the RSS watchdog sees them.  The file is sparse, so nothing is written to disk.
        with tempfile.TemporaryFile() as f:
            f.truncate(4096 * MIB)
            view = mmap.mmap(f.fileno(), 4096 * MIB, prot=mmap.PROT_READ)
            total = 0
            for offset in range(0, 4096 * MIB, 4096):
                total += view[offset]
    elif name.startswith("segv"):
        ctypes.string_at(0)
    elif name.startswith("exit"):
        os._exit(3)
    elif name.startswith("kill"):
        os.kill(os.getpid(), signal.SIGKILL)
    return [FileResult(path=entry.relpath, root=entry.root, size=entry.size,
                       status=Status.SCANNED, extractor=f"pid {os.getpid()}")]
