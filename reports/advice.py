"""What a DPO should do about each flag, in plain words tied to a school's policy.

One entry per :class:`dpscan.model.ids.Flag` constant (a test checks none is
missing), so every flag a report shows comes with an action.  The words
follow the usual model data protection policy for English schools: personal
data kept only as long as the retention schedule says, protected when it
leaves the MIS, recorded in the Information Asset Register.
"""

from __future__ import annotations

from dpscan.model.ids import Flag

# Ordered from most to least urgent: the order the reports list them in.
FLAG_ADVICE: dict[str, str] = {
    Flag.SPECIAL_CATEGORY_UNPROTECTED: (
        "Special category data (health, SEN, ethnicity, religion, ...) with no protection: "
        "move it into the MIS or an encrypted area today, or encrypt the file, and check "
        "who could open it while it was unprotected."
    ),
    Flag.UNPROTECTED_PERSONAL_DATA: (
        "Personal data must be password protected or encrypted: move it to the MIS or an "
        "encrypted area, or protect the file."
    ),
    Flag.PUBLIC_LOCATION: (
        "Personal data in a folder everyone can read: move it to a folder only the staff "
        "who need it can open, and check the folder's permissions."
    ),
    Flag.REMOVABLE_MEDIA: (
        "Personal data on removable media: the policy allows it only on an encrypted, "
        "school-owned device; copy it back to the school system and wipe the device."
    ),
    Flag.RECIPIENTS_EXPOSED: (
        "An email showed several outside addresses in To/Cc: parents' addresses belong in "
        "Bcc. Consider whether this is a breach to log, and remind the sender."
    ),
    Flag.OVERDUE: (
        "Past its retention period: destroy securely (or review if the action is review), "
        "and record the disposal."
    ),
    Flag.DUE_SOON: (
        "Reaches the end of its retention period soon: plan its secure disposal (or review) "
        "and tell the owner of the information asset."
    ),
    Flag.NO_RETENTION_RULE: (
        "Personal data that no rule of the retention schedule covers, so nobody has said how "
        "long it is kept (action: classify): decide which record series it belongs to and "
        "file it there, or add a rule for it to the rules file; until then it is never "
        "flagged overdue."
    ),
    Flag.UNREGISTERED_PERSONAL_DATA: (
        "Personal data in a place the Information Asset Register does not list: add the "
        "location to an asset (with its owner and retention rule), or move the file to a "
        "registered location."
    ),
    Flag.ARCHIVE_LIMIT: (
        "An archive was only partly checked because a safety limit was reached: open it by "
        "hand, or move its contents into the school system, so nothing is left unchecked."
    ),
    Flag.NO_TEXT_LAYER: (
        "A scanned image or PDF with no text: dpscan could not read it; check it by eye and "
        "file or destroy it like the paper original."
    ),
    # Read by name rather than Flag.OCR_INCOMPLETE: that flag is being added alongside
    # the OCR extractor; the string is the contract either way.
    "ocr_incomplete": (
        "Text recognition (OCR) read only part of this scanned image or PDF: treat the "
        "counts as a minimum and check the rest by eye."
    ),
    Flag.TOO_LARGE: (
        "Larger than the scan's size limit, so it was not read: check it by hand or scan "
        "again with a higher limit."
    ),
    Flag.TEXT_TRUNCATED: (
        "Only the first part of the text was checked (a scan limit): treat the counts as a "
        "minimum and check the rest of the file by hand."
    ),
    Flag.TIMEOUT: (
        "Reading this file took longer than the scan's per-file time limit, so it was not "
        "checked: open it by hand, or scan it alone with a higher --file-timeout."
    ),
    Flag.MEMORY_LIMIT: (
        "Reading this file needed more memory than the scan's per-worker limit, so it was "
        "not checked: open it by hand, or scan it alone with a higher --max-worker-mb."
    ),
    Flag.WORKER_CRASHED: (
        "The process reading this file stopped abruptly (a fault in a file parser), so it "
        "was not checked: open it by hand, and report the file type to whoever runs dpscan."
    ),
    Flag.UNREADABLE: (
        "The file could not be read (damaged or an unknown format): open it by hand, and "
        "delete it securely if nobody needs it."
    ),
    Flag.NO_TEXT_EXTRACTED: (
        "No text came out of the file: if it could hold personal data (a scan, a photo), "
        "check it by eye."
    ),
    Flag.EXTENSION_MISMATCH: (
        "The file's content does not match its name's extension: check what it really is; "
        "a renamed file may be hiding data or a program."
    ),
    Flag.NON_UTF8_NAME: (
        "The file name has characters dpscan could not decode: rename it so staff and "
        "backups can handle it."
    ),
    Flag.EMPTY_FILE: "An empty file: delete it if nobody needs it.",
    Flag.SPECIAL_FILE: (
        "Not a regular file (a device, pipe or socket) in a file share: ask IT why it is "
        "there; it was not read."
    ),
    Flag.DPSCAN_REPORT: (
        "A copy of a dpscan report: it maps where personal data is kept. Move it where only "
        "the DPO can read it, or delete it."
    ),
}

_FLAG_ORDER = {name: index for index, name in enumerate(FLAG_ADVICE)}


def advice_for(flag: str) -> str:
    """Advice for ``flag``; a flag this table does not know yet still gets a pointer."""
    return FLAG_ADVICE.get(flag, "Check this file by hand against the data protection policy.")


def flags_by_urgency(flags: list[str]) -> list[str]:
    """``flags`` without repeats, most urgent first; unknown flags last, in their order."""
    unique = list(dict.fromkeys(flags))
    return sorted(unique, key=lambda name: _FLAG_ORDER.get(name, len(_FLAG_ORDER)))


def all_flags() -> list[str]:
    """Every flag name :class:`~dpscan.model.records.Flag` defines, in its definition order."""
    return [
        value
        for name, value in vars(Flag).items()
        if not name.startswith("_") and isinstance(value, str)
    ]
