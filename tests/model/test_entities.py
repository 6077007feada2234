"""The entity table: one row per type, and everything per type derived from the rows."""

from __future__ import annotations

import pytest

from dpscan.detectors.governance import CHILD_IDENTIFIERS
from dpscan.detectors.masking import mask_value
from dpscan.detectors.recognizers import build_recognizer, build_recognizers
from dpscan.detectors.tabular import ONCE_PER_ROW, VALUE_TYPES, load_column_vocabulary
from dpscan.model.config import DEFAULT_THRESHOLDS
from dpscan.model.entities import ENTITIES, Entity, EntityTableError, EntityType, MaskStyle, entity
from dpscan.model.records import ENTITY_TYPES
from dpscan.model.reference import resolve

# The public contract, in findings.json's order: never rename or remove one.
CONTRACT = (
    "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "UK_NHS", "UK_NINO", "UK_UPN", "UK_ULN",
    "UK_POSTCODE", "DATE_OF_BIRTH", "UK_PASSPORT", "UK_DRIVING_LICENCE", "UK_BANK_ACCOUNT",
    "IBAN_CODE", "CREDIT_CARD",
)


def test_every_entity_type_has_exactly_one_row() -> None:
    assert sorted(row.id for row in ENTITIES) == sorted(EntityType)
    assert len({row.id for row in ENTITIES}) == len(ENTITIES)


def test_ids_serialise_as_the_contract_says() -> None:
    assert ENTITY_TYPES == CONTRACT
    assert [str(t) for t in ENTITY_TYPES] == list(CONTRACT)
    # A member's name is its value, so it hashes as its string: "PERSON" finds its row.
    assert all(t.name == t.value for t in EntityType)
    assert entity("UK_UPN").id is EntityType.UK_UPN


def test_a_type_with_no_row_is_an_error() -> None:
    with pytest.raises(EntityTableError, match="US_SSN"):
        entity("US_SSN")


@pytest.mark.parametrize("row", ENTITIES, ids=lambda row: row.id)
def test_each_row_resolves(row: Entity) -> None:
    assert row.label and row.recognizers
    recognizers = [build_recognizer(row, reference) for reference in row.recognizers]
    assert all(r.supported_entities == [row.id] for r in recognizers)
    for reference in (row.cell_check, row.part_column_check):
        if reference is not None:
            assert callable(resolve(reference))
    assert set(row.dropped_inside) <= set(EntityType)
    # Table cells are checked by the cell check, else by the type's one recognizer.
    assert row.cell_check is not None or len(row.recognizers) == 1


def test_a_recognizer_named_in_the_wrong_row_is_an_error() -> None:
    upn = entity("UK_UPN")
    with pytest.raises(EntityTableError, match="UkUlnRecognizer"):
        build_recognizer(upn, entity("UK_ULN").recognizers[0])


def test_recognizers_are_built_in_table_order() -> None:
    assert [r.supported_entities[0] for r in build_recognizers()] == [
        row.id for row in ENTITIES for _ in row.recognizers]


def test_thresholds_come_from_the_rows() -> None:
    assert DEFAULT_THRESHOLDS == {
        row.id: row.threshold for row in ENTITIES if row.threshold is not None}


def test_child_identifiers_come_from_the_rows() -> None:
    assert CHILD_IDENTIFIERS == {row.id for row in ENTITIES if row.child_identifier}


def test_table_reading_comes_from_the_rows() -> None:
    assert ONCE_PER_ROW == {row.id for row in ENTITIES if row.once_per_row}
    by_value = [row for row in ENTITIES if row.value_priority is not None]
    assert list(VALUE_TYPES) == [row.id for row in sorted(by_value,
                                                          key=lambda r: r.value_priority or 0)]
    assert len({row.value_priority for row in by_value}) == len(by_value)  # no ties
    assert set(load_column_vocabulary().entities) <= set(EntityType)


@pytest.mark.parametrize("row", ENTITIES, ids=lambda row: row.id)
def test_masking_comes_from_the_row(row: Entity) -> None:
    masked = mask_value(row.id, "Ab12 cd34@ef")
    expected = {
        MaskStyle.WORDS: "A*** c***",
        MaskStyle.EMAIL: "A***@ef",
        MaskStyle.PREFIX: "".join(
            ch if not ch.isalnum() or i < row.mask_keep else "*"
            for i, ch in _numbered_alnum("Ab12 cd34@ef")),
    }[row.mask]
    assert masked == expected


def _numbered_alnum(value: str) -> list[tuple[int, str]]:
    """Each character with the number of letters and digits before it."""
    out, seen = [], 0
    for ch in value:
        out.append((seen, ch))
        seen += ch.isalnum()
    return out
