"""One presidio detector per test session: loading spaCy takes seconds."""

from __future__ import annotations

import pytest

from dpscan.detectors.personal_data import PersonalDataDetector


@pytest.fixture(scope="session")
def detector() -> PersonalDataDetector:
    return PersonalDataDetector()
