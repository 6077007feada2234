"""Information Asset Register (IAR) import: read a school's register, tie files to its assets.

A DPO keeps the register as a spreadsheet (``templates/information_asset_register.xlsx`` is
a ready-made one) or exports it as CSV.  :func:`load_register` reads either, accepting the
headings schools already use ("Ref", "IAO", "Where stored"...), and validates it strictly:
every problem is collected and :class:`RegisterError` is raised once with all of them, each
naming the file, the spreadsheet row (as Excel numbers it) and the column heading, so a DPO
can fix them all in one go (STYLE habit 4).  Columns dpscan does not use are not errors; they
are listed in :attr:`AssetRegister.warnings`.

Locations are path patterns on the share, the same globs as the retention schedule's
``match.paths`` (translated by
:func:`dpscan.detectors.governance.retention.glob_to_regex`), capitals ignored:

* ``Admin/Attendance/**`` is matched against the file's path below the scanned folder;
* a pattern that starts with ``/``, ``\\\\server\\share`` or a drive letter (``S:\\SEN\\**``)
  is matched against the scanned folder and the path together, so a DPO can copy a full path
  from Explorer; ``\\`` and ``/`` are the same;
* a pattern with no wildcard (``HR/Staff`` or ``HR/Staff/``) means that folder and
  everything in it (or that one file).

When several assets' locations match a file, :func:`match_asset` picks the most specific:
the location with the most fixed characters below the scanned folder (wildcards count for
nothing, as in the retention schedule), and on a tie the asset higher up the register.

This module is pure apart from reading the one register file; it never prints.

Public API: :func:`load_register`, :func:`match_asset`, :func:`asset_summary`, the
dataclasses :class:`InformationAsset`, :class:`AssetRegister`, :class:`AssetSummary`, and
:data:`COLUMNS` (the accepted headings, for documentation and the template).
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from dpscan.detectors.governance.retention import glob_to_regex
from dpscan.detectors.special_categories import load_vocabulary
from dpscan.model.errors import ConfigError
from dpscan.model.ids import Flag, Protection

# The heading row is looked for in this many rows from the top: registers often carry a
# title, a school name or a "last reviewed" line above the headings.
HEADING_SEARCH_ROWS = 10

# Special-category ids as the special-category detector reports them, accepted in the
# special category column instead of a plain "yes" (e.g. "health; sen").
SPECIAL_CATEGORY_IDS: tuple[str, ...] = load_vocabulary().ids

_YES = frozenset({"yes", "y", "true", "1", "x", "✓", "✔"})
_NO = frozenset({"no", "n", "false", "0", "", "none"})
_YES_NO_HELP = "use yes or no (also y/n, true/false, 1/0, x or ✓; blank means no)"

# A cell "looks like" a rule id when it is lowercase kebab-case with at least one hyphen;
# "6 years" or "permanent" are free-text periods, which are kept but not linked.
_RULE_ID_LIKE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")
_LOCATION_SEPARATORS = re.compile(r"[;\r\n]+")
_CATEGORY_SEPARATORS = re.compile(r"[;,/\r\n]+")
_ABSOLUTE = re.compile(r"(?:/|[A-Za-z]:(?:/|$))")
_GLOB_CHARS = re.compile(r"[*?\[]")


class RegisterError(ConfigError):
    """An asset register file is invalid.

    ``problems`` holds one message per problem, each naming the file, the sheet of a
    workbook, the row (as the spreadsheet numbers it) and the column heading.
    """


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True, slots=True)
class Column:
    """One column dpscan reads: the field it fills and the headings it is known by."""

    field: str  # attribute of InformationAsset
    label: str  # what a message calls it
    headings: tuple[str, ...]  # accepted headings, preferred first (the template uses [0])
    required: bool = False
    help: str = ""  # plain words for a DPO (the template's Guide sheet)


# Headings are compared without case, punctuation or spacing ("Asset ref." == "asset_ref").
# When two columns of one register give the same field, the heading earlier in its list
# wins ("Name of asset" beats "Description") and the other column is ignored with a warning.
COLUMNS: tuple[Column, ...] = (
    Column(
        "id",
        "asset id",
        (
            "Asset ID",
            "ID",
            "Ref",
            "Reference",
            "Asset ref",
            "Asset reference",
            "Asset number",
            "Asset no",
            "Asset number/ID",
            "Internal ref ID",
        ),
        required=True,
        help=(
            "A short reference that never changes, such as IAR-001. Reports use it, so do "
            "not reuse or renumber references; each must be different."
        ),
    ),
    Column(
        "name",
        "asset name",
        (
            "Asset name",
            "Asset",
            "Information asset",
            "Information asset name",
            "Name of asset",
            "Description",
        ),
        required=True,
        help="What the records are, in everyday words: 'Attendance registers'.",
    ),
    Column(
        "owner",
        "owner",
        (
            "Information asset owner",
            "Owner",
            "Asset owner",
            "IAO",
            "Responsible",
            "Responsible person",
        ),
        help=(
            "The role responsible for the records (Headteacher, SENCO, DSL, School business "
            "manager). A role, not a name, so the register survives staff changes."
        ),
    ),
    Column(
        "locations",
        "location",
        (
            "Location",
            "Locations",
            "Where stored",
            "Where held",
            "Storage location",
            "Storage locations",
            "Systems and locations",
            "Path",
            "Paths",
            "Folder",
            "Folders",
        ),
        required=True,
        help=(
            "Where the files are on the shared drive, as a folder path below the scanned "
            "folder: Admin/Attendance/** (or just Admin/Attendance) means everything in "
            "Admin > Attendance. * stands for any characters in one name, ** for any number "
            "of folders. A full path "
            "(S:\\SEN\\** or \\\\server\\share\\SEN\\**) works too. Put several locations on "
            "separate lines or separate them with ;. Capitals do not matter."
        ),
    ),
    Column(
        "data_subjects",
        "data subjects",
        (
            "Data subjects",
            "Data subject",
            "Whose data",
            "Subjects",
            "Categories of data subjects",
            "Categories of individuals",
        ),
        help="Whose information it is: pupils, parents/carers, staff, governors, visitors.",
    ),
    Column(
        "categories",
        "categories of personal data",
        (
            "Categories of personal data",
            "Personal data categories",
            "Personal data",
            "Data categories",
            "Data held",
            "Types of personal data",
        ),
        help="What kinds of information: names, contact details, attendance, bank details.",
    ),
    Column(
        "special_category",
        "special category",
        (
            "Special category",
            "Special category data",
            "Special categories",
            "Special",
            "Sensitive",
            "Sensitive data",
        ),
        help=(
            "Yes if the records hold health, SEN, ethnicity, religion, biometric, sexual "
            "orientation or trade union information (or say which, e.g. 'health; sen'); "
            "otherwise No."
        ),
    ),
    Column(
        "lawful_basis",
        "lawful basis",
        (
            "Lawful basis",
            "Legal basis",
            "Article 6 basis",
            "Art 6 basis",
            "Lawful basis (Art 6)",
            "lawful_basis_art6",
        ),
        help=(
            "The UK GDPR Article 6 basis (public task, legal obligation, contract, consent "
            "...), and for special category data the Article 9 condition."
        ),
    ),
    Column(
        "retention_rule",
        "retention rule",
        (
            "Retention rule",
            "Retention rule id",
            "Retention series id",
            "Retention",
            "Retention period",
            "Retention schedule",
        ),
        help=(
            "The id of the rule in retention_rules.yaml that says how long these records are "
            "kept (e.g. attendance-registers); dpscan checks that the id exists. A period in "
            "words ('6 years') is kept for the report but not checked."
        ),
    ),
    Column(
        "protection_required",
        "protection required",
        ("Protection required", "Encryption required", "Must be encrypted"),
        help=(
            "Yes if copies of these files on the shared drive must be encrypted or "
            "password-protected; dpscan reports files here that are not."
        ),
    ),
)

# Columns for people, not dpscan: read past without a warning (the template has Notes).
IGNORED_HEADINGS: tuple[str, ...] = ("Notes", "Comments")

_YES_NO_FIELDS = ("special_category", "protection_required")


def _normalise_heading(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def _build_lookup() -> dict[str, tuple[Column, int]]:
    lookup: dict[str, tuple[Column, int]] = {}
    for column in COLUMNS:
        for rank, heading in enumerate(column.headings):
            key = _normalise_heading(heading)
            # Two fields claiming one heading would make a register's meaning depend on
            # this table's order: refuse at import so the table cannot drift into that.
            if key in lookup and lookup[key][0] is not column:
                raise AssertionError(f"heading {heading!r} is given to two columns")
            lookup.setdefault(key, (column, rank))
    return lookup


_LOOKUP = _build_lookup()
_IGNORED = frozenset(_normalise_heading(heading) for heading in IGNORED_HEADINGS)


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True, slots=True)
class _Location:
    """One compiled location pattern."""

    text: str  # as written in the register
    regex: re.Pattern[str]
    absolute: bool  # matched against "<root>/<path>" rather than the path below the root
    literal: int  # fixed characters of the pattern: how specific it is

    def specificity(self, root: str, relpath: str, full: str) -> int | None:
        """Fixed characters of the pattern below ``root``, or None when it does not match."""
        if not self.absolute:
            return self.literal if self.regex.fullmatch(relpath) else None
        if not self.regex.fullmatch(full):
            return None
        # The root part of an absolute pattern says nothing about where below the root the
        # file is, so it must not make "/srv/share/SEN/**" beat "SEN/Medical/**".
        return max(0, self.literal - (len(root) + 1 if root else 0))


def _compile_location(text: str) -> _Location:
    """Compile one location; ValueError (with a message for a DPO) if it cannot mean anything."""
    pattern = text.strip().replace("\\", "/")
    absolute = bool(_ABSOLUTE.match(pattern))
    # "\\server\share" and "/srv" become "server/share" and "srv": the joined root and path
    # they are matched against are normalised the same way (see _join).
    pattern = pattern.strip("/")
    if not pattern:
        raise ValueError("is empty")
    regex = glob_to_regex(pattern)
    if not _GLOB_CHARS.search(pattern):
        # A plain folder path, as a DPO copies it from Explorer: the folder and everything
        # below it (or the one file of that name).
        regex += "(?:/.+)?"
    return _Location(
        text=text.strip(),
        regex=re.compile(regex, re.IGNORECASE),
        absolute=absolute,
        literal=_literal_length(pattern),
    )


def _literal_length(glob: str) -> int:
    """Characters of ``glob`` that must appear literally (a character set counts as one).

    The same measure as the retention schedule's rule specificity, so "more specific" means
    the same thing in both places.
    """
    return len(re.sub(r"\[[^\]]*\]", "x", glob).replace("*", "").replace("?", ""))


@dataclass(frozen=True, slots=True)
class InformationAsset:
    """One row of the register: a set of records, who owns them and where they are."""

    id: str
    name: str
    owner: str
    locations: tuple[str, ...]  # path patterns as written (see the module docstring)
    data_subjects: str
    categories: str  # categories of personal data, free text
    special_category: bool
    lawful_basis: str
    retention_rule: str | None  # a rule id of the retention schedule
    protection_required: bool
    row: int  # spreadsheet row number, 1-based as Excel shows it
    retention_text: str | None = None  # a retention period in words, not linked to a rule
    special_categories: tuple[str, ...] = ()  # category ids named in the special column
    _locations: tuple[_Location, ...] = field(init=False, default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        # Compiled here rather than passed in, so an asset built by hand matches too.
        # Raises ValueError for a pattern that cannot mean anything.
        compiled = tuple(_compile_location(text) for text in self.locations)
        object.__setattr__(self, "_locations", compiled)


@dataclass(frozen=True, slots=True)
class AssetRegister:
    """The assets of one register file, in file order, with its path and sha256 digest."""

    assets: tuple[InformationAsset, ...]
    source: Path
    sha256: str
    warnings: tuple[str, ...] = ()  # columns ignored, one message each

    def get(self, asset_id: str) -> InformationAsset | None:
        """The asset with id ``asset_id`` (capitals ignored), or None."""
        key = asset_id.casefold()
        return next((asset for asset in self.assets if asset.id.casefold() == key), None)


@dataclass(frozen=True, slots=True)
class AssetSummary:
    """What one scan found in one asset's locations."""

    asset_id: str
    name: str
    owner: str
    protection_required: bool
    files: int
    personal_data_files: int
    overdue: int  # files flagged "overdue" by the retention schedule
    unprotected: int  # files with personal data and protection "none"
    empty: bool  # no file of the scan belongs to the asset: moved, renamed, or a wrong path


class AssetRecord(Protocol):
    """What :func:`asset_summary` reads from a file record (FileResult has all of it)."""

    @property
    def asset(self) -> str | None: ...

    @property
    def entities(self) -> Mapping[str, int]: ...

    @property
    def protection(self) -> str: ...

    @property
    def flags(self) -> Sequence[str]: ...


# --------------------------------------------------------------------------- reading files


def _cell_text(value: object) -> str:
    """A cell as the text a DPO sees in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id typed as 14 comes back as 14.0
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _heading_row(rows: Sequence[Sequence[str]]) -> tuple[int | None, int]:
    """Index of the row with the most recognised headings among the first few, and the count.

    A tie goes to the higher row: a title above the headings rarely names a column.
    """
    best, best_score = None, 0
    for index, row in enumerate(rows[:HEADING_SEARCH_ROWS]):
        fields = {
            _LOOKUP[key][0].field for cell in row if (key := _normalise_heading(cell)) in _LOOKUP
        }
        if len(fields) > best_score:
            best, best_score = index, len(fields)
    return best, best_score


def _parse_csv(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [[cell.strip() for cell in row] for row in reader]


def _read_csv(name: str, raw: bytes) -> tuple[str, list[list[str]]]:
    """Rows of a CSV register: UTF-8 (with or without BOM), else Windows-1252 (Excel's
    "CSV" on a UK Windows PC), or UTF-16 with a BOM (Excel's "Unicode text")."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16", errors="replace")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise RegisterError(
                    [
                        f"{name}: the register is neither UTF-8 nor Windows-1252 text "
                        f"(byte {exc.start}); save it from Excel as CSV UTF-8"
                    ]
                ) from exc
    delimiters = [",", ";", "\t", "|"]
    try:
        sniffed = csv.Sniffer().sniff(text[:65536], delimiters="".join(delimiters)).delimiter
    except csv.Error:
        sniffed = ","
    # The Sniffer can be misled by semicolons between locations or commas in a title, so
    # its guess is only the first candidate: the delimiter that reveals the most headings
    # wins, the Sniffer's guess on a tie.
    candidates = [sniffed] + [d for d in delimiters if d != sniffed]
    best: list[list[str]] | None = None
    best_score = -1
    for delimiter in candidates:
        try:
            rows = _parse_csv(text, delimiter)
        except csv.Error as exc:
            raise RegisterError([f"{name}: not a readable CSV file: {exc}"]) from exc
        score = _heading_row(rows)[1]
        if score > best_score:
            best, best_score = rows, score
    assert best is not None
    return name, best


_SHEET_NAMES = ("register", "iar", "assets", "asset register", "information asset register")
_SHEET_WORDS = frozenset({"register", "iar", "assets"})


def _read_xlsx(name: str, raw: bytes) -> tuple[str, list[list[str]]]:
    """Rows of the register sheet: one named like a register, else the first sheet."""
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise RegisterError(
            [
                f"{name}: cannot open the workbook: it is not an .xlsx file, or it is "
                "password-protected (save it without a password, or as CSV)"
            ]
        ) from exc
    try:
        sheets = list(workbook.worksheets)
        if not sheets:
            raise RegisterError([f"{name}: the workbook has no worksheet"])
        titles = [_normalise_heading(sheet.title) for sheet in sheets]
        index = next((i for i, t in enumerate(titles) if t in _SHEET_NAMES), None)
        if index is None:
            index = next((i for i, t in enumerate(titles) if _SHEET_WORDS & set(t.split())), 0)
        sheet = sheets[index]
        # Files from other tools can carry a wrong <dimension>, which would cut rows short.
        sheet.reset_dimensions()
        rows = [
            [_cell_text(value) for value in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as exc:
        # SyntaxError: xml.etree's ParseError, for a damaged sheet inside a valid zip.
        raise RegisterError([f"{name}: the workbook is damaged: {exc}"]) from exc
    finally:
        workbook.close()
    return f"{name} sheet '{sheet.title}'", rows


# Register formats by file extension (a new format is one reader and one line here).
_READERS: dict[str, Callable[[str, bytes], tuple[str, list[list[str]]]]] = {
    ".xlsx": _read_xlsx,
    ".xlsm": _read_xlsx,
    ".csv": _read_csv,
    ".txt": _read_csv,
}


# --------------------------------------------------------------------------- loading


def load_register(path: Path, *, rule_ids: Collection[str] | None = None) -> AssetRegister:
    """Read and strictly validate the asset register at ``path`` (.xlsx or .csv).

    The heading row is the one with the most recognised headings among the first
    :data:`HEADING_SEARCH_ROWS` rows; rows above it are ignored, and so are rows below it
    with nothing in any recognised column.  Problems (a missing asset id, asset name or
    location column; an empty or duplicate asset id; an empty asset name; an asset with no
    location; a location that cannot be a path pattern; a yes/no cell with another value; a
    retention rule id that is not in ``rule_ids``, when given) are all collected and raised
    as one :class:`RegisterError`, each as ``<file> row <n>: column '<heading>': <problem>``.
    A retention cell that is a rule id (capitals ignored) links the asset to that rule; one
    that is not lowercase kebab-case ("6 years") is kept as ``retention_text``.  Columns
    dpscan does not read are listed in ``warnings``.  The register records ``path`` and the
    sha256 of the file's bytes for provenance.
    """
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RegisterError([f"{name}: cannot read the register: {exc.strerror or exc}"]) from exc
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        kind = f"a {path.suffix} file" if path.suffix else "a file without an extension"
        raise RegisterError(
            [f"{name}: cannot read {kind} as a register: save it as .xlsx (Excel workbook) or .csv"]
        )
    where, rows = reader(name, raw)
    assets, warnings = _read_rows(where, rows, rule_ids)
    return AssetRegister(
        assets=tuple(assets),
        source=path,
        sha256=hashlib.sha256(raw).hexdigest(),
        warnings=tuple(warnings),
    )


def _read_rows(
    where: str, rows: Sequence[Sequence[str]], rule_ids: Collection[str] | None
) -> tuple[list[InformationAsset], list[str]]:
    """The assets of ``rows`` and the warnings; raises RegisterError with every problem."""
    heading_index, _ = _heading_row(rows)
    if heading_index is None:
        last = min(len(rows), HEADING_SEARCH_ROWS)
        span = f"rows 1-{last}" if last > 1 else "row 1"
        raise RegisterError(
            [
                f"{where} {span}: no heading row found (expected headings such as "
                f"'Asset ID', 'Asset name' and 'Location' in one of the first "
                f"{HEADING_SEARCH_ROWS} rows)"
            ]
        )
    heading_row = heading_index + 1
    at_heading = f"{where} row {heading_row}"
    columns, warnings = _map_columns(at_heading, rows[heading_index])

    problems = [
        f"{at_heading}: missing column for the {column.label} "
        f"(accepted headings: {', '.join(column.headings)})"
        for column in COLUMNS
        if column.required and column.field not in columns
    ]
    if problems:
        raise RegisterError(problems)

    known_rules = {rule.casefold(): rule for rule in rule_ids} if rule_ids is not None else None
    assets: list[InformationAsset] = []
    first_row: dict[str, int] = {}
    for index in range(heading_index + 1, len(rows)):
        row = rows[index]
        values = {
            key: row[col].strip() if col < len(row) else "" for key, (col, _) in columns.items()
        }
        if not any(values.values()):
            continue  # a blank or notes-only row
        asset = _read_asset(
            f"{where} row {index + 1}",
            index + 1,
            values,
            columns,
            known_rules,
            first_row,
            problems,
        )
        if asset is not None:
            assets.append(asset)
    if not assets and not problems:
        problems.append(f"{at_heading}: no assets are listed below the heading row")
    if problems:
        raise RegisterError(problems)
    return assets, warnings


def _map_columns(
    at: str, heading_cells: Sequence[str]
) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """Field -> (column index, heading as written) for the heading row, and the warnings."""
    candidates: dict[str, list[tuple[int, int, str]]] = {}
    warnings: list[str] = []
    for col, cell in enumerate(heading_cells):
        heading = " ".join(cell.split())  # a heading wrapped over two lines in its cell
        key = _normalise_heading(heading)
        if not key or key in _IGNORED:
            continue
        found = _LOOKUP.get(key)
        if found is None:
            warnings.append(f"{at}: unknown column '{heading}' ignored")
            continue
        column, rank = found
        candidates.setdefault(column.field, []).append((rank, col, heading))
    labels = {column.field: column.label for column in COLUMNS}
    columns: dict[str, tuple[int, str]] = {}
    for key, claims in candidates.items():
        claims.sort()
        _, col, heading = claims[0]
        columns[key] = (col, heading)
        for _, _, other in claims[1:]:
            warnings.append(
                f"{at}: column '{other}' ignored: column '{heading}' already gives the "
                f"{labels[key]}"
            )
    return columns, warnings


def _read_asset(
    at: str,
    row: int,
    values: Mapping[str, str],
    columns: Mapping[str, tuple[int, str]],
    known_rules: Mapping[str, str] | None,
    first_row: dict[str, int],
    problems: list[str],
) -> InformationAsset | None:
    """One asset row, or None when it has problems (they are appended to ``problems``)."""
    before = len(problems)

    def bad(key: str, message: str) -> None:
        problems.append(f"{at}: column '{columns[key][1]}': {message}")

    asset_id = values["id"]
    if not asset_id:
        bad("id", "the asset id is empty")
    elif asset_id.casefold() in first_row:
        bad("id", f"asset id '{asset_id}' is already used on row {first_row[asset_id.casefold()]}")
    else:
        first_row[asset_id.casefold()] = row
    if not values["name"]:
        bad("name", "the asset name is empty")

    locations = tuple(
        part.strip() for part in _LOCATION_SEPARATORS.split(values["locations"]) if part.strip()
    )
    if not locations:
        bad("locations", "the asset has no location (give the folder it is kept in)")
    for text in locations:
        try:
            _compile_location(text)
        except (ValueError, re.error) as exc:
            bad("locations", f"location '{text}' {exc}")

    flags: dict[str, bool] = {}
    special_ids: tuple[str, ...] = ()
    for key in _YES_NO_FIELDS:
        text = values.get(key, "")
        answer = _yes_no(text)
        if answer is None and key == "special_category":
            special_ids = _special_category_ids(text)
            answer = True if special_ids else None
        if answer is None:
            extra = (
                f", or name the categories ({', '.join(SPECIAL_CATEGORY_IDS)})"
                if key == "special_category"
                else ""
            )
            bad(key, f"'{text}' is not yes or no ({_YES_NO_HELP}{extra})")
        flags[key] = bool(answer)

    retention_rule, retention_text = _retention(values.get("retention_rule", ""), known_rules)
    if (
        retention_rule is not None
        and known_rules is not None
        and (retention_rule.casefold() not in known_rules)
    ):
        close = difflib.get_close_matches(retention_rule, known_rules.values(), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        bad(
            "retention_rule",
            f"unknown retention rule id '{retention_rule}': it is not in the retention "
            f"schedule{hint}",
        )

    if len(problems) > before:
        return None
    return InformationAsset(
        id=asset_id,
        name=values["name"],
        owner=values.get("owner", ""),
        locations=locations,
        data_subjects=values.get("data_subjects", ""),
        categories=values.get("categories", ""),
        special_category=flags["special_category"],
        lawful_basis=values.get("lawful_basis", ""),
        retention_rule=retention_rule,
        protection_required=flags["protection_required"],
        row=row,
        retention_text=retention_text,
        special_categories=special_ids,
    )


def _yes_no(text: str) -> bool | None:
    value = text.strip().casefold()
    if value in _YES:
        return True
    if value in _NO:
        return False
    return None


def _special_category_ids(text: str) -> tuple[str, ...]:
    """Category ids named in ``text`` ("Health; SEN" -> health, sen); () if any is unknown."""
    ids: list[str] = []
    for part in _CATEGORY_SEPARATORS.split(text):
        key = re.sub(r"[^0-9a-z]+", "_", part.casefold()).strip("_")
        if not key:
            continue
        if key not in SPECIAL_CATEGORY_IDS:
            return ()
        if key not in ids:
            ids.append(key)
    return tuple(ids)


def _retention(text: str, known_rules: Mapping[str, str] | None) -> tuple[str | None, str | None]:
    """(rule id, period in words) from a retention cell; at most one is set."""
    if not text:
        return None, None
    if known_rules is not None and text.casefold() in known_rules:
        return known_rules[text.casefold()], None
    if _RULE_ID_LIKE.fullmatch(text):
        return text, None  # checked against the schedule by the caller, when there is one
    return None, text


# --------------------------------------------------------------------------- matching


def _join(root: str, relpath: str) -> str:
    """``root`` and ``relpath`` as one "/"-separated path, normalised like a location."""
    root = root.replace("\\", "/").strip("/")
    return f"{root}/{relpath}" if root else relpath


def match_asset(register: AssetRegister, root: str, relpath: str) -> InformationAsset | None:
    """The asset that ``relpath`` (a file's path below the scanned folder ``root``) belongs to.

    Relative locations are matched against ``relpath``, absolute ones (``/srv/share/...``,
    ``S:\\...``, ``\\\\server\\share\\...``) against ``root`` and ``relpath`` joined; capitals
    are ignored.  When several assets match, the location with the most fixed characters
    below the scanned folder wins (``SEN/Medical/**`` beats ``SEN/**``, which beats
    ``**/*.docx``), and on a tie the asset higher up the register.  None when no location
    matches.
    """
    relpath = relpath.replace("\\", "/")
    root_key = root.replace("\\", "/").strip("/")
    full = _join(root, relpath)
    best: InformationAsset | None = None
    best_score = -1
    for asset in register.assets:
        for location in asset._locations:
            score = location.specificity(root_key, relpath, full)
            if score is not None and score > best_score:
                best, best_score = asset, score
    return best


def asset_summary(register: AssetRegister, records: Iterable[AssetRecord]) -> list[AssetSummary]:
    """Per asset, in register order: what the scan's ``records`` say about its files.

    A record belongs to the asset whose id is its ``asset`` (set from :func:`match_asset`);
    records of no asset, or of an id not in this register, are not counted.  A file has
    personal data when any entity was found in it; it is unprotected when it has personal
    data and its protection is "none"; it is overdue when flagged "overdue".  ``empty``
    marks an asset none of whose locations held a file: the folder moved, was renamed, or
    the register gives the wrong path.
    """
    counts: dict[str, list[int]] = {asset.id: [0, 0, 0, 0] for asset in register.assets}
    for record in records:
        tally = counts.get(record.asset) if record.asset is not None else None
        if tally is None:
            continue
        personal = bool(record.entities)  # as FileResult.has_personal_data
        tally[0] += 1
        tally[1] += personal
        tally[2] += Flag.OVERDUE in record.flags
        tally[3] += personal and record.protection == Protection.NONE
    return [
        AssetSummary(
            asset_id=asset.id,
            name=asset.name,
            owner=asset.owner,
            protection_required=asset.protection_required,
            files=counts[asset.id][0],
            personal_data_files=counts[asset.id][1],
            overdue=counts[asset.id][2],
            unprotected=counts[asset.id][3],
            empty=counts[asset.id][0] == 0,
        )
        for asset in register.assets
    ]
