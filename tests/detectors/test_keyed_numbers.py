"""JSON and settings numbers are identifiers only under a key that says so (issue 17, item 12)."""

from __future__ import annotations

import json

import pytest

from dpscan.detectors.content import ContentDetector
from dpscan.detectors.keyed_numbers import blank_unkeyed_numbers, key_words


@pytest.fixture(scope="module")
def content() -> ContentDetector:
    return ContentDetector()


def _names_nhs(key: str) -> bool:
    return "nhs" in key.lower().split()


def test_a_dpscan_settings_block_holds_no_nhs_number(content: ContentDetector) -> None:
    # 2147483648 (the worker memory limit in bytes) passes the NHS number checksum.
    findings = json.dumps({"scan": {"settings": {"limits": {
        "worker_memory_bytes": 2147483648, "max_file_bytes": 536870912}}}}, indent=2)
    assert content.detect(findings).entities == {}
    assert content.detect("[\n  2147483648,\n  9434765919\n]\n").entities == {}
    assert content.detect("worker_memory_bytes = 2147483648\n").entities == {}
    assert content.detect("limits.workerMemoryBytes: 2147483648\n").entities == {}


def test_a_key_naming_the_identifier_keeps_the_number(content: ContentDetector) -> None:
    assert content.detect('{"nhs_number": 9434765919}').entities == {"UK_NHS": 1}
    assert content.detect('{"nhsNumbers": [9434765919, 4010232137]}').entities == {"UK_NHS": 2}
    assert content.detect("nhs_no = 9434765919\n").entities == {"UK_NHS": 1}
    # A JSON string is text, and a label in prose is no programmer's key: both as before.
    assert content.detect('{"ref": "9434765919"}').entities == {"UK_NHS": 1}
    assert content.detect("Patient 9434765919 seen today\n").entities == {"UK_NHS": 1}


def test_blanking_keeps_every_offset() -> None:
    text = '{"a": [1, {"nhs": 9434765919}, 2.5e3], "b": -7}'
    blanked = blank_unkeyed_numbers(text, _names_nhs)
    assert len(blanked) == len(text)
    assert blanked == '{"a": [ , {"nhs": 9434765919},      ], "b":   }'
    assert blank_unkeyed_numbers("not json {", _names_nhs) == "not json {"


def test_key_words() -> None:
    assert key_words("nhsNumber") == "nhs Number"
    assert key_words("limits.max_file_mb") == "limits max file mb"
