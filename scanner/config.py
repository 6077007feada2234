"""Settings for one scan, with safe defaults: no config file is needed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from detectors.settings import DetectionSettings
from scanner.extract.base import MIB, Limits

__all__ = ["MIB", "Limits", "ScanConfig"]

@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything that decides how a scan runs."""

    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    follow_symlinks: bool = False
    excludes: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    detection: DetectionSettings = field(default_factory=DetectionSettings)
    # Where per-file work runs: a name in scanner.executors.EXECUTORS.
    executor: str = "local"
    # Executor-specific address, e.g. a Dask scheduler "tcp://host:8786".
    scheduler: str | None = None
    # Per-installation secret for the keyed hashes of names and identifiers that
    # find-person searches (FileResult.index_terms); None: no index is built.
    index_key: bytes | None = None
