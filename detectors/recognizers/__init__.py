"""The recognizers dpscan runs: those the entity table (:mod:`dpscan.model.entities`) names.

Each row of the table names the presidio recognizers that find its type, as
``"module:attribute"`` factories resolved here when a detector is built.  presidio's own
UK recognizers are used where they are right; US recognizers (SSN, US driver licence, US
bank, ITIN, US passport, medical licence) are left out because they flood UK text with
false hits.  To add a recognizer: write a module here in presidio's shape (a
``PatternRecognizer`` subclass with ``PATTERNS``, ``CONTEXT`` and ``validate_result``) and
name it in its type's row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dpscan.model.entities import ENTITIES, Entity, EntityTableError
from dpscan.model.reference import resolve

if TYPE_CHECKING:
    from presidio_analyzer import EntityRecognizer


def build_recognizer(row: Entity, reference: str) -> EntityRecognizer:
    """A fresh instance of one of ``row``'s recognizers; raises :class:`EntityTableError`
    when it finds another type than the row's (its findings would have no row)."""
    recognizer: EntityRecognizer = resolve(reference)()
    if recognizer.supported_entities != [row.id]:
        raise EntityTableError(
            f"{reference} finds {recognizer.supported_entities}, but it is named in the row"
            f" of {row.id} (dpscan.model.entities)")
    return recognizer


def build_recognizers() -> list[EntityRecognizer]:
    """Fresh instances of every recognizer the entity table names, in its order."""
    return [build_recognizer(row, reference) for row in ENTITIES for reference in row.recognizers]
