"""Information Asset Register import: the shipped template, the headings schools use, CSV
encodings and delimiters, every validation message, asset matching and the per-asset
summary."""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest

from dpscan.detectors.governance.register import (
    COLUMNS,
    AssetRegister,
    AssetSummary,
    InformationAsset,
    RegisterError,
    asset_summary,
    load_register,
    match_asset,
)
from dpscan.detectors.governance.retention import load_schedule
from dpscan.model.errors import ConfigError
from dpscan.model.records import FileResult

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "templates" / "information_asset_register.xlsx"
TEMPLATE_SCRIPT = ROOT / "templates" / "make_register_template.py"

# The headings a school's own register might use (see the CSV tests), with a title and a
# "last reviewed" line above them.
ODD_HEADINGS = [
    "Ref",
    "Information Asset",
    "IAO",
    "Where stored",
    "Whose data?",
    "Data held",
    "Special?",
    "Legal basis",
    "Retention",
    "Encryption required",
    "Review date",
]
TITLE_ROWS = [
    ["St Mary's C of E Primary School - Information Asset Register"],
    ["Last reviewed: 3 March 2025, by the DPO"],
]


@pytest.fixture(scope="module")
def rule_ids() -> tuple[str, ...]:
    return tuple(rule.id for rule in load_schedule(ROOT / "retention_rules.yaml").rules)


def write_csv(
    tmp_path: Path,
    rows: Sequence[Sequence[object]],
    *,
    name: str = "register.csv",
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    tmp_path: Path,
    rows: Sequence[Sequence[object]],
    *,
    sheet: str = "Sheet1",
    before: Sequence[str] = (),
    name: str = "register.xlsx",
) -> Path:
    """A workbook with ``rows`` on sheet ``sheet``, after sheets named ``before``."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    assert first is not None
    for title in before:
        other = workbook.create_sheet(title)
        other.append(["Ref", "Asset name", "Location"])  # must NOT be read
        other.append(["WRONG-1", "Wrong sheet", "Wrong/**"])
    target = workbook.create_sheet(sheet)
    workbook.remove(first)
    for row in rows:
        target.append(list(row))
    path = tmp_path / name
    workbook.save(path)
    return path


def basic(*rows: Sequence[object]) -> list[list[object]]:
    """A register with the three required headings and ``rows`` below."""
    return [["Asset ID", "Asset name", "Location"], *[list(r) for r in rows]]


def problems_of(path: Path, **kwargs: object) -> list[str]:
    with pytest.raises(RegisterError) as caught:
        load_register(path, **kwargs)  # type: ignore[arg-type]
    assert str(caught.value) == "\n".join(caught.value.problems)
    assert isinstance(caught.value, ConfigError)  # the command line exits 2 on any of them
    return caught.value.problems


def make_asset(asset_id: str, *locations: str, row: int = 2, **fields: object) -> InformationAsset:
    values: dict[str, object] = {
        "id": asset_id,
        "name": f"Asset {asset_id}",
        "owner": "Headteacher",
        "locations": locations,
        "data_subjects": "Pupils",
        "categories": "Names",
        "special_category": False,
        "lawful_basis": "Public task",
        "retention_rule": None,
        "protection_required": False,
        "row": row,
    }
    values.update(fields)
    return InformationAsset(**values)  # type: ignore[arg-type]


def register_of(*assets: InformationAsset) -> AssetRegister:
    return AssetRegister(assets=assets, source=Path("register.xlsx"), sha256="0" * 64)


def load_template_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_register_template", TEMPLATE_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- shipped template


def test_shipped_template_loads_with_its_example_rows(rule_ids: tuple[str, ...]) -> None:
    register = load_register(TEMPLATE, rule_ids=rule_ids)
    assert register.warnings == ()  # Notes is for people: no warning
    assert [(a.row, a.id, a.name, a.locations, a.retention_rule) for a in register.assets] == [
        (2, "IAR-001", "Attendance registers", ("Admin/Attendance/**",), "attendance-registers"),
        (3, "IAR-002", "SEN files", ("SEN/**",), "sen-files"),
        (4, "IAR-003", "Staff personnel files", ("HR/Staff/**",), "staff-personnel-files"),
        (
            5,
            "IAR-004",
            "Pupil medical records",
            ("Admin/Medical/**", "Office/Healthcare plans/**"),
            "medical-records",
        ),
        (
            6,
            "IAR-005",
            "Trip consent forms",
            ("Trips/**/*consent*", "Trips/**/*consent*/**"),
            "trip-consent-forms",
        ),
    ]
    attendance = register.assets[0]
    assert attendance.owner == "Headteacher"
    assert attendance.special_category is False and attendance.protection_required is False
    assert [a.protection_required for a in register.assets] == [False, True, True, True, False]
    assert register.source == TEMPLATE
    assert len(register.sha256) == 64


def test_shipped_template_examples_match_their_own_folders(rule_ids: tuple[str, ...]) -> None:
    register = load_register(TEMPLATE, rule_ids=rule_ids)
    share = "/srv/share"
    cases = {
        "Admin/Attendance/2023-24/Autumn.xlsx": "IAR-001",
        "SEN/EHCP/Smith J 2021.pdf": "IAR-002",
        "HR/Staff/Jones A/Contract.pdf": "IAR-003",
        "Office/Healthcare plans/Smith J IHCP.docx": "IAR-004",
        "Trips/2019/Zoo/Consent forms/form 001.pdf": "IAR-005",
        "Trips/2019/Zoo/zoo visit consent.pdf": "IAR-005",
    }
    for path, expected in cases.items():
        asset = match_asset(register, share, path)
        assert asset is not None and asset.id == expected, path
    assert match_asset(register, share, "Trips/2019/Zoo/Risk assessment.pdf") is None


def test_template_script_rebuilds_the_shipped_file_byte_for_byte(tmp_path: Path) -> None:
    script = load_template_script()
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    script.save(script.build(), first)
    script.save(script.build(), second)
    assert first.read_bytes() == second.read_bytes()
    # Fails when the script changed but the committed template was not rebuilt.
    assert first.read_bytes() == TEMPLATE.read_bytes()


def test_template_layout_for_a_dpo() -> None:
    workbook = openpyxl.load_workbook(TEMPLATE)
    assert workbook.sheetnames == ["Register", "Guide"]
    sheet = workbook["Register"]
    headings = [cell.value for cell in sheet[1]]
    assert headings == [
        "Asset ID",
        "Asset name",
        "Information asset owner",
        "Location",
        "Data subjects",
        "Categories of personal data",
        "Special category",
        "Lawful basis",
        "Retention rule",
        "Protection required",
        "Notes",
    ]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    validations = sheet.data_validations.dataValidation
    assert len(validations) == 1
    assert validations[0].formula1 == '"Yes,No"'
    assert str(validations[0].sqref) == "G2:G501 J2:J501"
    assert all((sheet.column_dimensions[c].width or 0) >= 10 for c in "ABCDEFGHIJK")
    guide_text = "\n".join(
        str(value) for row in workbook["Guide"].iter_rows(values_only=True) for value in row
    )
    for column in COLUMNS:
        assert column.headings[0] in guide_text
        assert column.help in guide_text


# --------------------------------------------------------------------------- headings


def test_csv_with_a_title_and_the_headings_a_school_uses(
    tmp_path: Path, rule_ids: tuple[str, ...]
) -> None:
    rows = [
        *TITLE_ROWS,
        ODD_HEADINGS,
        [
            "A1",
            "SEN files",
            "SENCO",
            "SEN/**; SENCO/Archive/**",
            "Pupils",
            "EHC plans",
            "✓",
            "Public task",
            "sen-files",
            "Y",
            "2025-03",
        ],
        [
            "A2",
            "Admission register",
            "Office manager",
            "Admin/Admissions/**\nAdmin/Old admissions/**",
            "Pupils, parents",
            "Names, addresses",
            "",
            "Legal obligation",
            "6 years after the last entry",
            "no",
            "",
        ],
        ["", "", "", "", "", "", "", "", "", "", "a note-only row below"],
        ["A3", "Medical register", "", "Medical", "", "", "Health; SEN", "", "", "x", ""],
    ]
    path = write_csv(tmp_path, rows)
    register = load_register(path, rule_ids=rule_ids)
    assert register.warnings == (f"{path} row 3: unknown column 'Review date' ignored",)
    sen, admissions, medical = register.assets
    assert sen == make_asset(
        "A1",
        "SEN/**",
        "SENCO/Archive/**",
        row=4,
        name="SEN files",
        owner="SENCO",
        data_subjects="Pupils",
        categories="EHC plans",
        special_category=True,
        lawful_basis="Public task",
        retention_rule="sen-files",
        protection_required=True,
    )
    assert admissions.row == 5
    assert admissions.locations == ("Admin/Admissions/**", "Admin/Old admissions/**")
    assert admissions.special_category is False and admissions.protection_required is False
    assert admissions.retention_rule is None
    assert admissions.retention_text == "6 years after the last entry"
    assert medical.row == 7  # the notes-only row 6 is skipped, not an asset without an id
    assert medical.special_category is True
    assert medical.special_categories == ("health", "sen")
    assert medical.protection_required is True


@pytest.mark.parametrize(
    ("heading", "field", "value", "expected"),
    [
        ("Asset ref", "id", "X-1", "X-1"),
        ("Asset number", "id", "X-1", "X-1"),
        ("ID", "id", "X-1", "X-1"),
        ("Asset", "name", "Registers", "Registers"),
        ("Name of asset", "name", "Registers", "Registers"),
        ("Description", "name", "Registers", "Registers"),
        ("Asset owner", "owner", "DSL", "DSL"),
        ("Information asset owner", "owner", "DSL", "DSL"),
        ("Responsible", "owner", "DSL", "DSL"),
        ("Locations", "locations", "A/**", ("A/**",)),
        ("Storage location", "locations", "A/**", ("A/**",)),
        ("Path", "locations", "A/**", ("A/**",)),
        ("Folder", "locations", "A/**", ("A/**",)),
        ("Subjects", "data_subjects", "Staff", "Staff"),
        ("Data subjects", "data_subjects", "Staff", "Staff"),
        ("Categories of personal data", "categories", "Names", "Names"),
        ("Personal data", "categories", "Names", "Names"),
        ("Data categories", "categories", "Names", "Names"),
        ("Special category data", "special_category", "yes", True),
        ("Sensitive", "special_category", "yes", True),
        ("SPECIAL CATEGORY", "special_category", "yes", True),
        ("Lawful basis", "lawful_basis", "Contract", "Contract"),
        ("Article 6 basis", "lawful_basis", "Contract", "Contract"),
        ("Retention rule id", "retention_rule", "sen-files", "sen-files"),
        ("Retention period", "retention_rule", "sen-files", "sen-files"),
        ("Retention period", "retention_text", "25 years", "25 years"),
        ("Protection required", "protection_required", "yes", True),
        ("Must be encrypted", "protection_required", "yes", True),
        ("must_be_encrypted", "protection_required", "yes", True),
    ],
)
def test_accepted_headings(
    tmp_path: Path, heading: str, field: str, value: str, expected: object
) -> None:
    headings = {"id": "Asset ID", "name": "Asset name", "locations": "Location"}
    values = {"id": "IAR-1", "name": "Anything", "locations": "Z/**"}
    key = "retention_rule" if field == "retention_text" else field
    headings[key] = heading
    values[key] = value
    path = write_csv(tmp_path, [list(headings.values()), list(values.values())])
    register = load_register(path)
    assert register.warnings == ()
    assert getattr(register.assets[0], field) == expected


def test_two_columns_for_one_field_keep_the_preferred_heading(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            ["Asset number/ID", "Description", "Name of asset", "Location", "Comments"],
            ["7", "Files about staff", "Staff files", "HR/**", "check"],
        ],
    )
    register = load_register(path)
    assert register.assets[0].name == "Staff files"
    assert register.warnings == (
        f"{path} row 1: column 'Description' ignored: column 'Name of asset' already gives "
        "the asset name",
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("yes", True),
        ("YES", True),
        ("Y", True),
        ("true", True),
        ("1", True),
        ("x", True),
        ("X", True),
        ("✓", True),
        ("no", False),
        ("N", False),
        ("False", False),
        ("0", False),
        ("", False),
    ],
)
def test_yes_no_values(tmp_path: Path, value: str, expected: bool) -> None:
    path = write_csv(
        tmp_path,
        [["Ref", "Asset", "Location", "Protection required"], ["1", "A", "A/**", value]],
    )
    assert load_register(path).assets[0].protection_required is expected


# --------------------------------------------------------------------------- file formats


def test_cp1252_csv_from_excel_on_a_uk_pc(tmp_path: Path) -> None:
    rows = [
        *TITLE_ROWS,
        ODD_HEADINGS[:4],
        ["P1", "Pupils’ medical records – £ dinner debts", "", "Medical/**"],
    ]
    path = write_csv(tmp_path, rows, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the test file really is not UTF-8
    assert load_register(path).assets[0].name == "Pupils’ medical records – £ dinner debts"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters_and_utf8_bom(tmp_path: Path, delimiter: str) -> None:
    # Commas and semicolons inside cells must not fool the delimiter guess.
    rows = [
        *TITLE_ROWS,
        ["Asset ID", "Asset name", "Location", "Data subjects"],
        ["IAR-1", "Registers, daily", "Admin/Registers/**; Admin/Old/**", "Pupils; staff"],
    ]
    path = write_csv(tmp_path, rows, encoding="utf-8-sig", delimiter=delimiter)
    register = load_register(path)
    asset = register.assets[0]
    assert (asset.id, asset.name, asset.row) == ("IAR-1", "Registers, daily", 4)
    assert asset.locations == ("Admin/Registers/**", "Admin/Old/**")
    assert asset.data_subjects == "Pupils; staff"


def test_xlsx_picks_the_register_sheet_after_a_title(tmp_path: Path) -> None:
    rows = [
        ["Information Asset Register 2024-25"],
        [],
        ["Asset number", "Asset name", "Where held", "Sensitive", "Encryption required"],
        [14, "Governors' minutes", "Governors\\Minutes", False, True],
        [15.0, "Visitor book", "S:\\Office\\Visitors\\**", 1, 0],
    ]
    path = write_xlsx(tmp_path, rows, sheet="IAR", before=("Cover",))
    register = load_register(path)
    assert [(a.row, a.id, a.name) for a in register.assets] == [
        (4, "14", "Governors' minutes"),
        (5, "15", "Visitor book"),
    ]
    assert register.assets[0].locations == ("Governors\\Minutes",)
    assert (register.assets[0].special_category, register.assets[0].protection_required) == (
        False,
        True,
    )
    assert (register.assets[1].special_category, register.assets[1].protection_required) == (
        True,
        False,
    )


def test_xlsx_with_a_wrong_dimension_is_read_in_full(tmp_path: Path) -> None:
    # Some tools write <dimension ref="A1"> whatever the sheet holds; read-only openpyxl
    # trusts it and would see one cell.
    source = write_xlsx(tmp_path, basic(["IAR-1", "A", "A/**"], ["IAR-2", "B", "B/**"]))
    path = tmp_path / "dimension.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', data)
            zout.writestr(info, data)
    assert [a.id for a in load_register(path).assets] == ["IAR-1", "IAR-2"]


def test_xlsx_messages_name_the_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, basic(["IAR-1", "", "A/**"]), sheet="Assets")
    assert problems_of(path) == [
        f"{path} sheet 'Assets' row 2: column 'Asset name': the asset name is empty"
    ]


# --------------------------------------------------------------------------- errors


def test_missing_required_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [*TITLE_ROWS, ["Ref", "Owner", "Notes"], ["1", "DSL", ""]])
    assert problems_of(path) == [
        f"{path} row 3: missing column for the asset name (accepted headings: Asset name, "
        "Asset, Information asset, Information asset name, Name of asset, Description)",
        f"{path} row 3: missing column for the location (accepted headings: Location, "
        "Locations, Where stored, Where held, Storage location, Storage locations, Systems "
        "and locations, Path, Paths, Folder, Folders)",
    ]


def test_no_heading_row(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [["Our records"], ["a", "b"], ["c", "d"]])
    assert problems_of(path) == [
        f"{path} rows 1-3: no heading row found (expected headings such as 'Asset ID', "
        "'Asset name' and 'Location' in one of the first 10 rows)"
    ]


def test_headings_below_row_10_are_not_found(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [["x"]] * 10 + basic(["IAR-1", "A", "A/**"]))
    assert problems_of(path)[0].startswith(f"{path} rows 1-10: no heading row found")


def test_no_assets_below_the_headings(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [*TITLE_ROWS, ["Asset ID", "Asset name", "Location"], []])
    assert problems_of(path) == [f"{path} row 3: no assets are listed below the heading row"]


def test_duplicate_and_empty_ids_and_names(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            ["Ref", "Information Asset", "Where stored"],
            ["IAR-1", "Registers", "A/**"],
            ["", "No id", "B/**"],
            ["iar-1", "Same id in other capitals", "C/**"],
            ["IAR-4", "", "D/**"],
        ],
    )
    assert problems_of(path) == [
        f"{path} row 3: column 'Ref': the asset id is empty",
        f"{path} row 4: column 'Ref': asset id 'iar-1' is already used on row 2",
        f"{path} row 5: column 'Information Asset': the asset name is empty",
    ]


@pytest.mark.parametrize(
    ("location", "problem"),
    [
        ("", "the asset has no location (give the folder it is kept in)"),
        (" ; \n", "the asset has no location (give the folder it is kept in)"),
        (
            "SEN/**x/a",
            "location 'SEN/**x/a' uses '**' inside a name; '**' must be a whole folder name",
        ),
        (
            "Admin//Attendance/*",
            "location 'Admin//Attendance/*' has an empty folder name ('//' or a trailing '/')",
        ),
        ("Admin/[abc", "location 'Admin/[abc' has a '[' with no closing ']'"),
        ("/", "location '/' is empty"),
    ],
)
def test_bad_locations(tmp_path: Path, location: str, problem: str) -> None:
    path = write_csv(
        tmp_path, [ODD_HEADINGS[:4], ["IAR-1", "Registers", "Office manager", location]]
    )
    assert problems_of(path) == [f"{path} row 2: column 'Where stored': {problem}"]


def test_bad_yes_no_values(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            ["Ref", "Asset", "Location", "Special?", "Must be encrypted"],
            ["IAR-1", "Medical", "Medical/**", "maybe", "yes"],
            ["IAR-2", "Staff", "HR/**", "health; hobbies", "sometimes"],
        ],
    )
    accepted = "use yes or no (also y/n, true/false, 1/0, x or ✓; blank means no)"
    categories = (
        ", or name the categories (health, sen, safeguarding, ethnicity, religion, biometric, "
        "fsm, looked_after, sexual_orientation, trade_union, criminal_offence)"
    )
    assert problems_of(path) == [
        f"{path} row 2: column 'Special?': 'maybe' is not yes or no ({accepted}{categories})",
        f"{path} row 3: column 'Special?': 'health; hobbies' is not yes or no "
        f"({accepted}{categories})",
        f"{path} row 3: column 'Must be encrypted': 'sometimes' is not yes or no ({accepted})",
    ]


def test_unknown_retention_rule_id(tmp_path: Path, rule_ids: tuple[str, ...]) -> None:
    path = write_csv(
        tmp_path,
        [
            ["Ref", "Asset", "Location", "Retention rule"],
            ["IAR-1", "Registers", "Admin/Attendance/**", "attendance-register"],
            ["IAR-2", "Lost", "Lost/**", "no-such-rule"],
            ["IAR-3", "Medical", "Medical/**", "Medical-Records"],  # capitals: still the rule
            ["IAR-4", "Minutes", "Governors/**", "Permanent"],  # words, not an id
        ],
    )
    assert problems_of(path, rule_ids=rule_ids) == [
        f"{path} row 2: column 'Retention rule': unknown retention rule id "
        "'attendance-register': it is not in the retention schedule (did you mean "
        "'attendance-registers'?)",
        f"{path} row 3: column 'Retention rule': unknown retention rule id 'no-such-rule': "
        "it is not in the retention schedule",
    ]
    # Without a schedule to check against, an id is taken as written.
    unchecked = load_register(path)
    assert [(a.retention_rule, a.retention_text) for a in unchecked.assets] == [
        ("attendance-register", None),
        ("no-such-rule", None),
        (None, "Medical-Records"),
        (None, "Permanent"),
    ]


def test_retention_rule_ids_are_linked_case_insensitively(
    tmp_path: Path, rule_ids: tuple[str, ...]
) -> None:
    path = write_csv(
        tmp_path, [["Ref", "Asset", "Location", "Retention"], ["1", "M", "M/**", "Medical-Records"]]
    )
    asset = load_register(path, rule_ids=rule_ids).assets[0]
    assert (asset.retention_rule, asset.retention_text) == ("medical-records", None)


def test_every_problem_is_reported_at_once_in_row_order(
    tmp_path: Path, rule_ids: tuple[str, ...]
) -> None:
    path = write_csv(
        tmp_path,
        [
            ["Ref", "Asset", "Location", "Special", "Retention"],
            ["IAR-1", "Good", "A/**", "no", "sen-files"],
            ["IAR-2", "", "", "perhaps", "sen-file"],
            ["IAR-1", "Dup", "B/**", "", ""],
        ],
    )
    problems = problems_of(path, rule_ids=rule_ids)
    assert [p.split(":")[0] for p in problems] == [f"{path} row 3"] * 4 + [f"{path} row 4"]
    assert [p.split("'")[1] for p in problems] == [
        "Asset",
        "Location",
        "Special",
        "Retention",
        "Ref",
    ]


def test_unknown_column_is_a_warning_not_an_error(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            ["Asset ID", "Asset name", "Purpose", "Location", "Notes"],
            ["1", "A", "Teaching", "A/**", "n"],
        ],
    )
    register = load_register(path)
    assert [a.id for a in register.assets] == ["1"]
    assert register.warnings == (f"{path} row 1: unknown column 'Purpose' ignored",)


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        (
            "register.xls",
            b"\xd0\xcf\x11\xe0",
            "cannot read a .xls file as a register: save it as .xlsx (Excel workbook) or .csv",
        ),
        (
            "register",
            b"x",
            "cannot read a file without an extension as a register: save it as .xlsx (Excel "
            "workbook) or .csv",
        ),
        (
            "register.xlsx",
            b"not a zip",
            "cannot open the workbook: it is not an .xlsx file, or it is password-protected "
            "(save it without a password, or as CSV)",
        ),
        (
            "register.csv",
            b"Asset ID,Asset name,Location\r\n1,\x81\x8d,A/**\r\n",
            "the register is neither UTF-8 nor Windows-1252 text (byte 32); save it from "
            "Excel as CSV UTF-8",
        ),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, problem: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert problems_of(path) == [f"{path}: {problem}"]


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.xlsx"
    assert problems_of(path) == [f"{path}: cannot read the register: No such file or directory"]


# --------------------------------------------------------------------------- matching


@pytest.fixture(scope="module")
def share_register() -> AssetRegister:
    return register_of(
        make_asset("SEN", "SEN/**", row=2),
        make_asset("MEDICAL", "SEN/Medical/**", row=3),
        make_asset("SPREADSHEETS", "Office/**/*.xlsx", row=4),
        make_asset("HR-ABS", "/srv/share/HR/**", row=5),
        make_asset("GOV-UNC", "\\\\server\\share\\Governors\\**", row=6),
        make_asset("LETTERS", "S:\\Office\\Letters", row=7),
        make_asset("SHARED-1", "Shared/**", row=8),
        make_asset("SHARED-2", "Shared/**", row=9),
        make_asset("SEN-ABS", "/srv/share/SEN/**", row=10),
    )


@pytest.mark.parametrize(
    ("root", "relpath", "expected"),
    [
        ("/srv/share", "SEN/Reviews/review.docx", "SEN"),
        ("/srv/share", "sen/reviews/review.docx", "SEN"),  # capitals ignored
        ("/srv/share", "SEN/Reviews/pack.zip!inner/plan.docx", "SEN"),  # archive member
        # More fixed characters below the root wins: SEN/Medical/** beats SEN/**, and the
        # "/srv/share/" of an absolute pattern does not count.
        ("/srv/share", "SEN/Medical/IHCP.docx", "MEDICAL"),
        ("/srv/share", "Office/Finance/2020/budget.xlsx", "SPREADSHEETS"),
        ("/srv/share", "Office/Finance/2020/budget.docx", None),
        ("/srv/share", "HR/Staff/Jones/contract.pdf", "HR-ABS"),
        ("/srv/share/", "HR/Staff/Jones/contract.pdf", "HR-ABS"),
        ("/srv/other", "HR/Staff/Jones/contract.pdf", None),  # absolute: other roots differ
        ("\\\\server\\share", "Governors/Minutes/FGB.docx", "GOV-UNC"),
        ("\\\\SERVER\\Share", "governors\\minutes\\FGB.docx", "GOV-UNC"),
        ("/srv/share", "Governors/Minutes/FGB.docx", None),
        ("S:\\", "Office/Letters/2020/letter.docx", "LETTERS"),  # a folder without wildcards
        ("S:\\", "Office/Letters", "LETTERS"),
        ("S:\\", "Office/Letters home.docx", None),  # not inside the folder
        # "Office/Letters" (14 fixed characters below S:) beats "Office//.xlsx" (13).
        ("S:\\", "Office/Letters/marks.xlsx", "LETTERS"),
        ("/srv/share", "Shared/rota.docx", "SHARED-1"),  # a tie: the row higher up wins
        ("/srv/share", "Elsewhere/notes.docx", None),
    ],
)
def test_match_asset(
    share_register: AssetRegister, root: str, relpath: str, expected: str | None
) -> None:
    asset = match_asset(share_register, root, relpath)
    assert (asset.id if asset is not None else None) == expected


def test_relative_locations_do_not_match_inside_the_root_path() -> None:
    register = register_of(make_asset("SEN", "**/SEN/**"))
    assert match_asset(register, "/srv/SEN", "Admin/letter.docx") is None
    assert match_asset(register, "/srv/SEN", "Year 3/SEN/plan.docx") is not None


def test_an_asset_built_by_hand_rejects_a_bad_location() -> None:
    with pytest.raises(ValueError, match="no closing"):
        make_asset("X", "Admin/[abc")


def test_loaded_register_matches_like_one_built_by_hand(tmp_path: Path) -> None:
    path = write_csv(tmp_path, basic(["A", "Broad", "Admin/**"], ["B", "Narrow", "Admin/Medical"]))
    register = load_register(path)
    asset = match_asset(register, "/srv/share", "Admin/Medical/plan.docx")
    assert asset is not None and asset.id == "B"


# --------------------------------------------------------------------------- summary


@dataclass
class Record:
    asset: str | None
    entities: dict[str, int] = field(default_factory=dict)
    protection: str = "unknown"
    flags: list[str] = field(default_factory=list)


def test_asset_summary_counts_per_asset_and_marks_empty_assets() -> None:
    register = register_of(
        make_asset("IAR-1", "SEN/**", name="SEN files", owner="SENCO", protection_required=True),
        make_asset("IAR-2", "HR/**", name="Staff files", owner="SBM"),
        make_asset("IAR-3", "Old/**", name="Old registers", owner="Head"),
    )
    records = [
        Record("IAR-1", {"PERSON": 3}, "none", ["overdue"]),
        Record("IAR-1", {"UK_UPN": 1}, "encrypted", ["overdue", "due_soon"]),
        Record("IAR-1", {}, "none", ["overdue"]),  # no personal data: not unprotected
        Record("IAR-1", {"PERSON": 1}, "unknown", []),  # unknown is not "none"
        FileResult(
            path="HR/a.docx", root="/srv", entities={"PERSON": 1}, protection="none", asset="IAR-2"
        ),
        Record(None, {"PERSON": 9}, "none", ["overdue"]),  # unregistered: counted nowhere
        Record("IAR-999", {"PERSON": 9}, "none", ["overdue"]),  # not in this register
    ]
    assert asset_summary(register, records) == [  # type: ignore[arg-type]
        AssetSummary("IAR-1", "SEN files", "SENCO", True, 4, 3, 3, 1, False),
        AssetSummary("IAR-2", "Staff files", "SBM", False, 1, 1, 0, 1, False),
        AssetSummary("IAR-3", "Old registers", "Head", False, 0, 0, 0, 0, True),
    ]


def test_asset_summary_of_no_records() -> None:
    register = register_of(make_asset("IAR-1", "SEN/**"))
    (summary,) = asset_summary(register, [])
    assert (summary.files, summary.empty) == (0, True)
