"""Settings for one scan, with safe defaults: no config file is needed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from detectors.settings import DetectionSettings

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Named limits; each one hit is reported on the file it stopped."""

    # Files larger than this are listed with their type but not read.
    max_file_bytes: int = 512 * MIB
    # Text kept per file for detection; the rest is not analysed (flag text_truncated).
    max_text_chars: int = 2_000_000


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything that decides how a scan runs."""

    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    follow_symlinks: bool = False
    excludes: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    detection: DetectionSettings = field(default_factory=DetectionSettings)
