"""The per-process side of every executor: one detector per process, built on first use."""

from __future__ import annotations

import gc

from dpscan.detectors.content import ContentDetector
from dpscan.model.config import DetectionSettings, ScanConfig
from dpscan.model.records import FileResult
from dpscan.scanner.pipeline import scan_file
from dpscan.scanner.walk import FileEntry

# The spaCy model takes seconds to load: each process keeps its detector for every file.
_detectors: dict[DetectionSettings, ContentDetector] = {}


def detector_for(settings: DetectionSettings) -> ContentDetector:
    """This process's detector for ``settings``, built once."""
    detector = _detectors.get(settings)
    if detector is None:
        detector = _detectors[settings] = ContentDetector(settings)
        # The model's hundreds of thousands of objects live as long as the process: out
        # of the collector's sight, each full collection no longer walks them all (GC
        # time while scanning halved).  What loading left behind is collected first.
        gc.collect()
        gc.freeze()
    return detector


def warm_up(config: ScanConfig) -> None:
    """Build the detector now (a worker initializer), not on the first file."""
    detector_for(config.detection)


def scan_entry(entry: FileEntry, config: ScanConfig) -> list[FileResult]:
    """Scan one crawled file in this process."""
    return scan_file(entry, config, detector_for(config.detection))
