"""The per-process side of the executors: one detector per process, built once."""

from __future__ import annotations

import pytest

from dpscan.model.config import DetectionSettings
from dpscan.scanner.executors import worker


def test_detector_built_once_then_its_objects_are_frozen_out_of_gc(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[DetectionSettings] = []
    frozen: list[int] = []

    class FakeDetector:
        def __init__(self, settings: DetectionSettings) -> None:
            built.append(settings)

    monkeypatch.setattr(worker, "ContentDetector", FakeDetector)
    monkeypatch.setattr(worker, "_detectors", {})
    monkeypatch.setattr(worker.gc, "freeze", lambda: frozen.append(len(built)))
    settings = DetectionSettings()
    first = worker.detector_for(settings)
    assert worker.detector_for(settings) is first
    # Built once; the collector is told to leave the model's objects alone right after.
    assert len(built) == 1 and frozen == [1]
