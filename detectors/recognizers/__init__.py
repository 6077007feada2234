"""The recognizers dpscan runs, in one table.

Each row builds one presidio recognizer.  presidio's own UK recognizers are used
where they are right; US recognizers (SSN, US driver licence, US bank, ITIN, US
passport, medical licence) are left out because they flood UK text with false hits.
To add a recognizer: write a module here in presidio's shape (a ``PatternRecognizer``
subclass with ``PATTERNS``, ``CONTEXT`` and ``validate_result``) and add one row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from presidio_analyzer import EntityRecognizer
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    IbanRecognizer,
    NhsRecognizer,
    UkDrivingLicenceRecognizer,
)

from dpscan.detectors.recognizers.date_of_birth import DateOfBirthRecognizer
from dpscan.detectors.recognizers.email_offline import OfflineEmailRecognizer
from dpscan.detectors.recognizers.person_patterns import (
    RegisterNameRecognizer,
    TitledNameRecognizer,
)
from dpscan.detectors.recognizers.uk_bank_account import UkBankAccountRecognizer
from dpscan.detectors.recognizers.uk_nino import UkNinoRecognizer
from dpscan.detectors.recognizers.uk_passport import UkPassportRecognizer
from dpscan.detectors.recognizers.uk_phone import UkPhoneRecognizer
from dpscan.detectors.recognizers.uk_postcode import UkPostcodeRecognizer
from dpscan.detectors.recognizers.uk_uln import UkUlnRecognizer
from dpscan.detectors.recognizers.uk_upn import UkUpnRecognizer


@dataclass(frozen=True, slots=True)
class RecognizerSpec:
    """One row of the recognizer table."""

    name: str
    entities: tuple[str, ...]
    build: Callable[[], EntityRecognizer]


RECOGNIZERS: tuple[RecognizerSpec, ...] = (
    # PERSON also comes from spaCy NER (added by the detector); these two catch the shapes
    # the small model misses in school files.
    RecognizerSpec("titled_name", ("PERSON",), TitledNameRecognizer),
    RecognizerSpec("register_name", ("PERSON",), RegisterNameRecognizer),
    RecognizerSpec("email", ("EMAIL_ADDRESS",), OfflineEmailRecognizer),
    RecognizerSpec("phone", ("PHONE_NUMBER",), UkPhoneRecognizer),
    RecognizerSpec("nhs", ("UK_NHS",), NhsRecognizer),
    RecognizerSpec("nino", ("UK_NINO",), UkNinoRecognizer),
    RecognizerSpec("upn", ("UK_UPN",), UkUpnRecognizer),
    RecognizerSpec("uln", ("UK_ULN",), UkUlnRecognizer),
    RecognizerSpec("postcode", ("UK_POSTCODE",), UkPostcodeRecognizer),
    RecognizerSpec("date_of_birth", ("DATE_OF_BIRTH",), DateOfBirthRecognizer),
    RecognizerSpec("passport", ("UK_PASSPORT",), UkPassportRecognizer),
    RecognizerSpec("driving_licence", ("UK_DRIVING_LICENCE",), UkDrivingLicenceRecognizer),
    RecognizerSpec("bank_account", ("UK_BANK_ACCOUNT",), UkBankAccountRecognizer),
    RecognizerSpec("iban", ("IBAN_CODE",), IbanRecognizer),
    RecognizerSpec("credit_card", ("CREDIT_CARD",), CreditCardRecognizer),
)


def build_recognizers() -> list[EntityRecognizer]:
    """Fresh instances of every recognizer in :data:`RECOGNIZERS`."""
    return [spec.build() for spec in RECOGNIZERS]
