"""UK_UPN: the Unique Pupil Number given to every pupil in England and Wales."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer
from stdnum.gb import upn


class UkUpnRecognizer(PatternRecognizer):
    """A check letter, then 12 characters (11 digits and a digit or, if temporary, a letter).

    The DfE check letter (weights 2 to 13, modulus 23) is computed by python-stdnum, so
    a lookalike code with a wrong check letter is rejected.  stdnum's ``is_valid`` also
    checks the local-authority code against a 2011 list, which lacks the codes of newer
    authorities: only the check letter is verified here, and local authority 000, which
    no authority has (a placeholder's), is rejected.
    """

    PATTERNS = [
        Pattern("UPN", r"\b[A-HJ-NPQR-Z]\d{11}[0-9A-HJ-NPQR-Z]\b", 0.5),
    ]
    CONTEXT = ["upn", "unique pupil number", "pupil number"]
    COUNTRY_CODE = "uk"

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="UK_UPN",
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
        )

    def validate_result(self, pattern_text: str) -> bool:  # noqa: D102
        return is_valid_upn(pattern_text)


# The local-authority code of placeholder UPNs: DfE codes start at 201.
PLACEHOLDER_AUTHORITY = "000"


def is_valid_upn(value: str) -> bool:
    """A 13-character UPN whose first letter is the DfE check letter of the other twelve,
    with a local-authority code other than a placeholder's 000."""
    value = value.strip().upper()
    if len(value) != 13 or not value[1:12].isdigit() or value[1:4] == PLACEHOLDER_AUTHORITY:
        return False
    try:
        return upn.calc_check_digit(value[1:]) == value[0]
    except ValueError:  # a final letter outside the UPN alphabet (I, O, S)
        return False
