"""One file's content: a type found that the entity table does not know is an error, not lost."""

from __future__ import annotations

import pytest
from presidio_analyzer import RecognizerResult

from dpscan.detectors.content import ContentDetector
from dpscan.detectors.personal_data import Analysis
from dpscan.model.entities import EntityTableError


@pytest.fixture(scope="module")
def content() -> ContentDetector:
    return ContentDetector()


def test_a_detected_type_with_no_row_is_an_error(
    content: ContentDetector, monkeypatch: pytest.MonkeyPatch
) -> None:
    ssn = RecognizerResult("US_SSN", 0, 11, 0.9)
    monkeypatch.setattr(content.personal, "analyze_text",
                        lambda text, names=True: Analysis(found=[(ssn, "078-05-1120")]))
    with pytest.raises(EntityTableError, match="US_SSN"):
        content.detect("078-05-1120")


def test_types_with_rows_are_counted_in_table_order(content: ContentDetector) -> None:
    found = content.detect("Amelia Jones, DOB 02/03/2015, UPN L201000024001")
    assert list(found.entities) == ["PERSON", "UK_UPN", "DATE_OF_BIRTH"]
    assert found.latest_birth_year == 2015 and found.data_subjects == 1
