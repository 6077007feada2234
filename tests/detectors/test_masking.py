"""Masked previews keep a hint of the value and never the value."""

from __future__ import annotations

import pytest

from dpscan.detectors.masking import mask_value


@pytest.mark.parametrize(
    ("entity", "value", "masked"),
    [
        ("UK_NHS", "943 476 5919", "943 *** ****"),
        ("UK_NHS", "9434765919", "943*******"),
        ("EMAIL_ADDRESS", "jane.smith@school.org", "j***@school.org"),
        ("PERSON", "Amelia Jones", "A*** J***"),
        ("PERSON", "Amelia\nJONES", "A*** J***"),
        ("UK_POSTCODE", "LS1 4AB", "LS* ***"),
        ("UK_UPN", "L201000024001", "L************"),
        ("DATE_OF_BIRTH", "03/02/2016", "**/**/****"),
        ("CREDIT_CARD", "4111 1111 1111 1111", "**** **** **** ****"),
        ("PHONE_NUMBER", "020 7946 0123", "020 **** ****"),
    ],
)
def test_mask_value(entity: str, value: str, masked: str) -> None:
    assert mask_value(entity, value) == masked
