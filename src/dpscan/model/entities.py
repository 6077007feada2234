"""The entity types dpscan finds, one row each: everything the stages need to know about a type.

Part of the leaf package :mod:`dpscan.model`: it names the code that finds a type as
``"module:attribute"`` strings, which :mod:`dpscan.detectors.recognizers` resolves, so the
leaf imports no detector.  Masking, thresholds, the severity of children's identifiers and
the way tables are read are all derived from these rows.

To add an entity type: write its recognizer (a module in ``detectors/recognizers/``), add
its member to :class:`EntityType` and its row to :data:`ENTITIES`.  Optionally list its
column headings in ``detectors/data/column_headers.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dpscan.model.errors import DpscanError

_RECOGNIZERS = "dpscan.detectors.recognizers"
_PRESIDIO = "presidio_analyzer.predefined_recognizers"


class EntityType(StrEnum):
    """Entity type ids: a public contract (findings.json, reports, users' scripts and
    settings files).  Each member's name is its value."""

    PERSON = "PERSON"
    EMAIL_ADDRESS = "EMAIL_ADDRESS"
    PHONE_NUMBER = "PHONE_NUMBER"
    UK_NHS = "UK_NHS"
    UK_NINO = "UK_NINO"
    UK_UPN = "UK_UPN"
    UK_ULN = "UK_ULN"
    UK_POSTCODE = "UK_POSTCODE"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    UK_PASSPORT = "UK_PASSPORT"
    UK_DRIVING_LICENCE = "UK_DRIVING_LICENCE"
    UK_BANK_ACCOUNT = "UK_BANK_ACCOUNT"
    IBAN_CODE = "IBAN_CODE"
    CREDIT_CARD = "CREDIT_CARD"


class MaskStyle(StrEnum):
    """How a detected value is masked in evidence (:mod:`dpscan.detectors.masking`)."""

    WORDS = "words"  # the first letter of each word: "A*** J***"
    EMAIL = "email"  # the first letter of the local part, and the domain: "j***@school.org"
    PREFIX = "prefix"  # the first ``mask_keep`` letters and digits: "943 *** ****"


class EntityTableError(DpscanError):
    """A type was detected or recognised that has no row in :data:`ENTITIES`, or a row's
    recognizer finds another type than its row's."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    """One entity type and everything the stages do differently for it."""

    id: EntityType
    # Plain English for reports: what one value is.
    label: str
    # The presidio recognizers that find it, each a "module:attribute" factory called with
    # no arguments, in the order presidio runs them.
    recognizers: tuple[str, ...]
    mask: MaskStyle = MaskStyle.PREFIX
    # Letters and digits kept in the clear with MaskStyle.PREFIX.
    mask_keep: int = 0
    # The score a finding must reach; None: DetectionSettings.default_threshold.
    threshold: float | None = None
    # Says a file is about children (a point of severity: detectors.governance).
    child_identifier: bool = False
    # Names or singles out one person (a name, a date of birth, a pupil or NHS number), so
    # a special category phrase beside it in prose is data about that person.  Contact
    # details are not: a policy's "email the SENCo at ..." makes its SEN words no data.
    identifies_person: bool = False
    # A person's name: found by spaCy's NER too, split per line, each distinct name one
    # data subject; a table column of them is found by NER when its heading says nothing.
    is_name: bool = False
    # A date of birth: the latest year found dates retention counted from a pupil's birth.
    birth_date: bool = False
    # Found in a table column with no telling heading by its values alone: the types are
    # tried in rising priority and the first most values fit wins (a checksum or a strict
    # shape makes a false column unlikely).  None: found in tables only by heading.
    value_priority: int | None = None
    # Counted once per table row however many columns hold it (forename + surname).
    once_per_row: bool = False
    # "module:function": True when a whole table cell is one value of this type.  None:
    # the recognizer's own patterns and checksum are applied to the cell.
    cell_check: str | None = None
    # "module:function" taking a column heading's words and giving the check for a column
    # that holds part of a value (a "Sort code" column beside an "Account number" one),
    # or None for a heading of the whole value.
    part_column_check: str | None = None
    # A match of this type inside a match of one of these types is not one ("+44 121 496
    # 0693" holds a 3-3-4 digit run that passes the NHS check).
    dropped_inside: tuple[EntityType, ...] = ()
    # The kind of this type's terms in the find-person index (detectors.person_index).
    index_kind: str | None = None


ENTITIES: tuple[Entity, ...] = (
    Entity(
        id=EntityType.PERSON,
        identifies_person=True,
        label="Name",
        # spaCy's NER (added by the detector) finds most names; these catch the shapes the
        # small model misses in school files.
        recognizers=(f"{_RECOGNIZERS}.person_patterns:TitledNameRecognizer",
                     f"{_RECOGNIZERS}.person_patterns:RegisterNameRecognizer"),
        mask=MaskStyle.WORDS,
        threshold=0.85,  # spaCy's score for every name it finds
        is_name=True,
        once_per_row=True,
        cell_check="dpscan.detectors.names:is_plausible_name",
        index_kind="name",
    ),
    Entity(
        id=EntityType.EMAIL_ADDRESS,
        label="Email address",
        recognizers=(f"{_RECOGNIZERS}.email_offline:OfflineEmailRecognizer",),
        mask=MaskStyle.EMAIL,
        value_priority=5,
        index_kind="email",
    ),
    Entity(
        id=EntityType.PHONE_NUMBER,
        label="Phone number",
        recognizers=(f"{_RECOGNIZERS}.uk_phone:UkPhoneRecognizer",),
        mask_keep=3,
        threshold=0.4,
        value_priority=7,
        # libphonenumber per cell: the recognizer's matcher costs three times as much.
        cell_check=f"{_RECOGNIZERS}.uk_phone:is_uk_phone_value",
    ),
    Entity(
        id=EntityType.UK_NHS,
        identifies_person=True,
        label="NHS number",
        recognizers=(f"{_RECOGNIZERS}.uk_nhs:UkNhsRecognizer",),
        mask_keep=3,
        child_identifier=True,
        value_priority=1,
        dropped_inside=(EntityType.PHONE_NUMBER,),
        index_kind="nhs",
    ),
    Entity(
        id=EntityType.UK_NINO,
        identifies_person=True,
        label="National Insurance number",
        recognizers=(f"{_RECOGNIZERS}.uk_nino:UkNinoRecognizer",),
        mask_keep=2,
        value_priority=4,
    ),
    Entity(
        id=EntityType.UK_UPN,
        identifies_person=True,
        label="Unique Pupil Number",
        recognizers=(f"{_RECOGNIZERS}.uk_upn:UkUpnRecognizer",),
        mask_keep=1,
        child_identifier=True,
        value_priority=2,
        index_kind="upn",
    ),
    Entity(
        id=EntityType.UK_ULN,
        identifies_person=True,
        label="Unique Learner Number",
        recognizers=(f"{_RECOGNIZERS}.uk_uln:UkUlnRecognizer",),
        mask_keep=2,
        child_identifier=True,
        value_priority=3,
        index_kind="uln",
    ),
    Entity(
        id=EntityType.UK_POSTCODE,
        label="Postcode",
        recognizers=(f"{_RECOGNIZERS}.uk_postcode:UkPostcodeRecognizer",),
        mask_keep=2,
        value_priority=6,
        index_kind="postcode",
    ),
    Entity(
        id=EntityType.DATE_OF_BIRTH,
        identifies_person=True,
        label="Date of birth",
        recognizers=(f"{_RECOGNIZERS}.date_of_birth:DateOfBirthRecognizer",),
        child_identifier=True,
        birth_date=True,
        # The recognizer needs a cue before the date; in a column the heading is the cue.
        cell_check=f"{_RECOGNIZERS}.date_of_birth:is_date_of_birth_value",
        index_kind="dob",
    ),
    Entity(
        id=EntityType.UK_PASSPORT,
        identifies_person=True,
        label="Passport number",
        recognizers=(f"{_RECOGNIZERS}.uk_passport:UkPassportRecognizer",),
        threshold=0.4,
    ),
    Entity(
        id=EntityType.UK_DRIVING_LICENCE,
        identifies_person=True,
        label="Driving licence number",
        recognizers=(f"{_RECOGNIZERS}.uk_driving_licence:UkDrivingLicenceRecognizer",),
        threshold=0.4,
    ),
    Entity(
        id=EntityType.UK_BANK_ACCOUNT,
        label="Bank account (sort code and account number)",
        recognizers=(f"{_RECOGNIZERS}.uk_bank_account:UkBankAccountRecognizer",),
        once_per_row=True,
        part_column_check=f"{_RECOGNIZERS}.uk_bank_account:part_column_check",
    ),
    Entity(
        id=EntityType.IBAN_CODE,
        label="IBAN",
        recognizers=(f"{_RECOGNIZERS}.iban:CaseBlindIbanRecognizer",),
        mask_keep=2,
        value_priority=8,
    ),
    Entity(
        id=EntityType.CREDIT_CARD,
        label="Payment card number",
        recognizers=(f"{_PRESIDIO}:CreditCardRecognizer",),
        value_priority=9,
        # A spaced IBAN's digit groups can pass the Luhn check ("DE87 5376 6655 4764 5122 83").
        dropped_inside=(EntityType.IBAN_CODE,),
    ),
)

ENTITY_BY_ID: dict[str, Entity] = {row.id: row for row in ENTITIES}
# Types whose values are people's names, and types that carry a birth date.
NAME_TYPES: tuple[EntityType, ...] = tuple(row.id for row in ENTITIES if row.is_name)
BIRTH_DATE_TYPES: tuple[EntityType, ...] = tuple(row.id for row in ENTITIES if row.birth_date)
PERSON_IDENTIFYING_TYPES: frozenset[EntityType] = frozenset(
    row.id for row in ENTITIES if row.identifies_person)


def entity(entity_type: str) -> Entity:
    """The row of ``entity_type``; raises :class:`EntityTableError` for a type with none."""
    try:
        return ENTITY_BY_ID[entity_type]
    except KeyError:
        raise EntityTableError(
            f"entity type {entity_type!r} has no row in dpscan.model.entities.ENTITIES"
        ) from None


__all__ = [
    "BIRTH_DATE_TYPES",
    "PERSON_IDENTIFYING_TYPES",
    "ENTITIES",
    "ENTITY_BY_ID",
    "NAME_TYPES",
    "Entity",
    "EntityTableError",
    "EntityType",
    "MaskStyle",
    "entity",
]
