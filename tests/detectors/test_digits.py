"""Unicode digits and full-width forms read as ASCII, one character for one (issue 17, 2)."""

from __future__ import annotations

import pytest

from dpscan.detectors.digits import fold_digits, fold_rows
from dpscan.detectors.masking import mask_value


@pytest.mark.parametrize(("written", "ascii"), [
    ("１２/０３/２０１５", "12/03/2015"),
    ("١٢/٠٣/٢٠١٥", "12/03/2015"),
    ("۰۷۹۱۱ ۱۲۳۴۵۶", "07911 123456"),  # Extended Arabic-Indic (Persian, Urdu)
    ("०७९११ १२३४५६", "07911 123456"),  # Devanagari
    ("ＪＧ１０３７５９Ａ", "JG103759A"),
    ("NHS\u3000number", "NHS number"),
])
def test_fold_digits(written: str, ascii: str) -> None:
    assert fold_digits(written) == ascii


def test_folding_keeps_length_and_leaves_other_characters() -> None:
    text = "£5 café ½ ﬁle ① naïve"  # NFKC would lengthen "½" and "ﬁ"
    assert fold_digits(text) == text
    assert fold_rows([["１", "a"], ["٢"]]) == [["1", "a"], ["2"]]


@pytest.mark.parametrize(("entity", "value", "masked"), [
    ("DATE_OF_BIRTH", "١٢/٠٣/٢٠١٥", "**/**/****"),
    ("PHONE_NUMBER", "０７９１１ １２３４５６", "０７９** ******"),
    ("UK_BANK_ACCOUNT", "٤٠-٤٧-٨٤ ٧١٢٣٤٥٦٧", "**-**-** ********"),
])
def test_masking_masks_every_script_digits(entity: str, value: str, masked: str) -> None:
    assert mask_value(entity, value) == masked
