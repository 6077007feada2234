"""Build ``templates/information_asset_register.xlsx``, the blank-ish register a DPO starts from.

Run with the project's Python from the repository root::

    python templates/make_register_template.py

The workbook has a "Register" sheet (the columns ``dpscan --register`` reads, with example
rows for a primary school) and a "Guide" sheet explaining each column.  Headings and the
Guide's column help come from :data:`dpscan.detectors.governance.register.COLUMNS`, so
the template cannot drift from what the loader accepts.  The output is byte-for-byte the
same on every run (fixed document dates and zip timestamps), so the committed file only
changes when this script does.
"""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from dpscan.detectors.governance.register import COLUMNS, IGNORED_HEADINGS

OUTPUT = Path(__file__).resolve().with_name("information_asset_register.xlsx")

# Fixed so that rebuilding gives the same bytes (openpyxl would stamp "now").
FIXED_TIME = dt.datetime(2025, 1, 1)
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)

# Rows left ready for data entry (the yes/no drop-downs reach this far).
DATA_ROWS = 500

# Headings of the Register sheet: each column's preferred heading, then a Notes column for
# people (dpscan reads past it without a warning).
HEADINGS: tuple[str, ...] = tuple(c.headings[0] for c in COLUMNS) + (IGNORED_HEADINGS[0],)
_WIDTHS: dict[str, int] = {
    "id": 11,
    "name": 28,
    "owner": 24,
    "locations": 34,
    "data_subjects": 22,
    "categories": 40,
    "special_category": 12,
    "lawful_basis": 44,
    "retention_rule": 24,
    "protection_required": 13,
}
_NOTES_WIDTH = 50

# Example rows for a primary school.  Retention rule ids are those of the shipped
# retention_rules.yaml (a test proves they exist there).
EXAMPLES: tuple[dict[str, str], ...] = (
    {
        "id": "IAR-001",
        "name": "Attendance registers",
        "owner": "Headteacher",
        "locations": "Admin/Attendance/**",
        "data_subjects": "Pupils",
        "categories": "Names, attendance and absence codes, reasons for absence",
        "special_category": "No",
        "lawful_basis": (
            "Legal obligation (Art 6(1)(c)): School Attendance (Pupil Registration) "
            "(England) Regulations 2024"
        ),
        "retention_rule": "attendance-registers",
        "protection_required": "No",
        "notes": "Daily registers are kept in the MIS; this is the monthly back-up on the share.",
    },
    {
        "id": "IAR-002",
        "name": "SEN files",
        "owner": "SENCO",
        "locations": "SEN/**",
        "data_subjects": "Pupils, parents/carers",
        "categories": "EHC plans, support plans, reviews, reports from professionals",
        "special_category": "Yes",
        "lawful_basis": (
            "Public task (Art 6(1)(e)); Art 9(2)(g) with DPA 2018 Sch 1 para 6 (statutory purposes)"
        ),
        "retention_rule": "sen-files",
        "protection_required": "Yes",
        "notes": "Transfers to the next school with the pupil.",
    },
    {
        "id": "IAR-003",
        "name": "Staff personnel files",
        "owner": "School business manager",
        "locations": "HR/Staff/**",
        "data_subjects": "Staff",
        "categories": "Contracts, references, absence records, bank details, next of kin",
        "special_category": "Yes",
        "lawful_basis": (
            "Contract (Art 6(1)(b)) and legal obligation (Art 6(1)(c)); Art 9(2)(b) employment"
        ),
        "retention_rule": "staff-personnel-files",
        "protection_required": "Yes",
        "notes": "Only the headteacher and business manager have access.",
    },
    {
        "id": "IAR-004",
        "name": "Pupil medical records",
        "owner": "Office manager",
        "locations": "Admin/Medical/**\nOffice/Healthcare plans/**",
        "data_subjects": "Pupils, parents/carers",
        "categories": (
            "Individual healthcare plans, allergies, medicine consent and administration records"
        ),
        "special_category": "Yes",
        "lawful_basis": (
            "Public task (Art 6(1)(e)); Art 9(2)(g) with DPA 2018 Sch 1 para 6 (statutory purposes)"
        ),
        "retention_rule": "medical-records",
        "protection_required": "Yes",
        "notes": "Two folders: one location per line.",
    },
    {
        "id": "IAR-005",
        "name": "Trip consent forms",
        "owner": "Educational visits coordinator",
        "locations": "Trips/**/*consent*\nTrips/**/*consent*/**",
        "data_subjects": "Pupils, parents/carers",
        "categories": "Names, emergency contacts, medical and dietary needs",
        "special_category": "Yes",
        "lawful_basis": "Public task (Art 6(1)(e)); Art 9(2)(g) with DPA 2018 Sch 1 para 6",
        "retention_rule": "trip-consent-forms",
        "protection_required": "No",
        "notes": "Files with 'consent' in the name, and consent folders, under Trips.",
    },
)

GUIDE_INTRO: tuple[str, ...] = (
    "How to fill in the Information Asset Register",
    "",
    "Each row of the Register sheet is one information asset: a set of records the school "
    "keeps, such as attendance registers or SEN files.",
    "dpscan reads this sheet when run with --register, ties every file it finds to the "
    "asset whose location it is in, and reports files with personal data that belong to no "
    "asset, assets whose folder is empty, and files past their retention date.",
    "The example rows are for a primary school: change them to fit yours, and delete rows "
    "you do not need.  Asset ID, Asset name and Location must be filled in on every row.",
    "The lawful bases in the examples are common choices, not legal advice: confirm yours "
    "with your data protection officer.",
    "You can also use your own spreadsheet: dpscan reads the headings in the last column of "
    "the table below, in any order, with a title above them; other columns are ignored.",
    "",
)

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def build() -> Workbook:
    """The template workbook (not yet saved)."""
    workbook = Workbook()
    _register_sheet(workbook)
    _guide_sheet(workbook)
    props = workbook.properties
    props.creator = "dpscan"
    props.lastModifiedBy = "dpscan"
    props.title = "Information Asset Register"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    return workbook


def _register_sheet(workbook: Workbook) -> None:
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Register"
    sheet.append(list(HEADINGS))
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP_TOP
    for example in EXAMPLES:
        sheet.append([example[c.field] for c in COLUMNS] + [example["notes"]])
    for row in sheet.iter_rows(min_row=2, max_col=len(HEADINGS)):
        for cell in row:
            cell.alignment = _WRAP_TOP
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADINGS))}{len(EXAMPLES) + 1}"
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS[column.field]
    sheet.column_dimensions[get_column_letter(len(HEADINGS))].width = _NOTES_WIDTH

    yes_no = DataValidation(
        type="list",
        formula1='"Yes,No"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Yes or No",
        error="Choose Yes or No (blank means No).",
    )
    sheet.add_data_validation(yes_no)
    for index, column in enumerate(COLUMNS, start=1):
        if column.field in ("special_category", "protection_required"):
            letter = get_column_letter(index)
            yes_no.add(f"{letter}2:{letter}{DATA_ROWS + 1}")


def _guide_sheet(workbook: Workbook) -> None:
    sheet = workbook.create_sheet("Guide")
    for line in GUIDE_INTRO:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    header_row = sheet.max_row + 1
    sheet.append(["Column", "Must be filled in?", "What to write", "Other headings dpscan reads"])
    for cell in sheet[header_row]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    for column in COLUMNS:
        sheet.append(
            [
                column.headings[0],
                "Yes" if column.required else "No",
                column.help,
                ", ".join(column.headings[1:]),
            ]
        )
    sheet.append(
        [
            IGNORED_HEADINGS[0],
            "No",
            "Anything for people reading the register; dpscan does not read it.",
            ", ".join(IGNORED_HEADINGS[1:]),
        ]
    )
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = _WRAP_TOP
    for letter, width in zip("ABCD", (26, 12, 80, 50), strict=True):
        sheet.column_dimensions[letter].width = width


class _FixedTimeZipFile(zipfile.ZipFile):
    """A ZipFile that stamps every member with one fixed time (openpyxl uses "now")."""

    def writestr(  # type: ignore[override]
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: bytes | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(  # type: ignore[override]
        self,
        filename: str,
        arcname: str | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        # openpyxl writes each worksheet to a temporary file first; that file's mtime would
        # end up in the zip.
        data = Path(filename).read_bytes()
        self.writestr(arcname or Path(filename).name, data, compress_type, compresslevel)


def save(workbook: Workbook, path: Path) -> None:
    """Write ``workbook`` to ``path`` with fixed timestamps, so the bytes are reproducible."""
    # openpyxl's Workbook.save() sets the modified date to now; its ExcelWriter does not.
    with _FixedTimeZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()


def main(argv: list[str]) -> int:
    """Build the template at ``argv[0]`` (default: next to this script)."""
    path = Path(argv[0]) if argv else OUTPUT
    save(build(), path)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
