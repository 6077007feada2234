"""EMAIL_ADDRESS: presidio's pattern, the domain checked against tldextract's bundled
public suffix list (never the network)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dpscan.detectors.recognizers.email_offline import OfflineEmailRecognizer

ENTITIES = ["EMAIL_ADDRESS"]
# A domain that passes the check gives presidio's top score.
SCORE_RANGE = (1.0, 1.0)


@pytest.fixture(scope="module")
def recognizer() -> OfflineEmailRecognizer:
    return OfflineEmailRecognizer()


@pytest.mark.parametrize(
    ("text", "expected_len", "expected_positions"),
    [
        # fmt: off
        # addresses
        ("office@oakfield.sch.uk", 1, ((0, 22),)),  # *.sch.uk: all suffix, still a domain
        ("head@school.sch.uk", 1, ((0, 18),)),
        ("Contact: j.smith@example.co.uk.", 1, ((9, 30),)),
        ("a.b@leeds.gov.uk", 1, ((0, 16),)),
        ("mailto:info@oakfield-primary.org.uk", 1, ((7, 35),)),
        ("user@example.com, other@example.org", 2, ((0, 16), (18, 35))),
        # the domain check stands in for a checksum
        ("user@example.invalidtld", 0, ()),  # no such top-level domain
        ("name@example", 0, ()),  # no suffix at all
        ("user@localhost", 0, ()),
        ("user@123.45.67.89", 0, ()),
        # lookalikes
        ("not an email @ here", 0, ()),
        ("user@@example.com", 0, ()),
        # fmt: on
    ],
)
def test_when_email_in_text_then_all_emails_found(
    text: str, expected_len: int, expected_positions: tuple[tuple[int, int], ...],
    recognizer: OfflineEmailRecognizer, assert_found: Callable[..., None],
) -> None:
    results = recognizer.analyze(text, ENTITIES)
    assert_found(results, entity_type=ENTITIES[0], expected_len=expected_len,
                 expected_positions=expected_positions, score_range=SCORE_RANGE)
