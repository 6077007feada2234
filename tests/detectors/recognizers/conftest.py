"""What the recognizer tables share: presidio's checks (count, positions, score) and the
context step dpscan runs after the patterns.

Each ``test_<id>.py`` follows presidio-analyzer's own recognizer tests
(``tests/test_uk_nhs_recognizer.py``): a table of ``(text, expected_len,
expected_positions)`` rows through ``recognizer.analyze(text, entities)``, with real
values, values whose check digit is wrong, and lookalikes that must not match.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from presidio_analyzer import EntityRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from dpscan.detectors.personal_data import IndexedContextEnhancer, token_artifacts
from dpscan.model.config import DetectionSettings

Span = tuple[int, int]
# The test vectors every checkout may have beside it (see ../shared/README.md).
SHARED_VECTORS = Path(__file__).resolve().parents[3].parent / "shared" / "domain" \
    / "identifier_vectors.json"


Check = Callable[..., None]
Reported = Callable[[EntityRecognizer, str, str], list[bool]]


def _assert_found(
    results: list[RecognizerResult], *, entity_type: str, expected_len: int,
    expected_positions: tuple[Span, ...], score_range: tuple[float, float],
) -> None:
    assert len(results) == expected_len, [(r.start, r.end) for r in results]
    found = sorted(results, key=lambda r: r.start)
    assert [(r.start, r.end) for r in found] == list(expected_positions)
    low, high = score_range
    for result in found:
        assert result.entity_type == entity_type
        assert low <= result.score <= high, f"score {result.score} not in {score_range}"


def _reported_in_context(recognizer: EntityRecognizer, text: str, entity_type: str) -> list[bool]:
    raw = recognizer.analyze(text, [entity_type])
    artifacts = token_artifacts(text, frozenset(STOP_WORDS))
    enhanced = IndexedContextEnhancer().enhance_using_context(text, raw, artifacts, [recognizer])
    needed = DetectionSettings().threshold(entity_type)
    return [r.score >= needed for r in sorted(enhanced, key=lambda r: r.start)]


@pytest.fixture(scope="session")
def assert_found() -> Check:
    """presidio's table check, called with keywords: ``results``, ``entity_type``,
    ``expected_len``, ``expected_positions`` (each result's (start, end), in text order)
    and ``score_range`` (inclusive bounds for every result's score)."""
    return _assert_found


@pytest.fixture(scope="session")
def reported_in_context() -> Reported:
    """For ``(recognizer, text, entity_type)``: per result in text order, whether it
    reaches the type's default threshold after the context step the detector runs
    (dpscan's enhancer over its tokenizer's words, as in the pattern tier)."""
    return _reported_in_context


@pytest.fixture(scope="session")
def shared_vectors() -> dict[str, Any]:
    """../shared/domain/identifier_vectors.json; the test is skipped where it is absent."""
    if not SHARED_VECTORS.is_file():
        pytest.skip(f"no shared test vectors at {SHARED_VECTORS}")
    return json.loads(SHARED_VECTORS.read_text(encoding="utf-8"))
