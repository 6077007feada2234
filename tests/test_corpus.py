"""Fast tests of the synthetic share builder (tests/corpus.py) itself."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pytest

from tests.corpus import (
    ALL_TYPES,
    ENTITY_TYPES,
    MIME_CSV,
    MIME_DOCX,
    MIME_PDF,
    MIME_TXT,
    MIME_XLSX,
    POSTCODE_STRICT_RE,
    ShareManifest,
    build_school_share,
    compact,
    iban_is_valid,
    luhn_is_valid,
    nhs_is_valid,
    snapshot_tree,
    uln_is_valid,
    upn_is_valid,
)

VECTORS = Path("/work/shared/domain/identifier_vectors.json")


# ------------------------------------------------------------ independent checks
# Written again from the published rules rather than imported from corpus.py, so a
# bug in the builder's generator cannot hide behind the same bug in its validator.


def _nhs_ok(value: str) -> bool:
    d = [int(c) for c in compact(value)]
    if len(d) != 10:
        return False
    check = 11 - sum(x * w for x, w in zip(d[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == d[9]


def _upn_ok(value: str) -> bool:
    if not re.fullmatch(r"[A-Z]\d{12}", value):
        return False
    total = sum(int(c) * (i + 2) for i, c in enumerate(value[1:]))
    return "ABCDEFGHJKLMNPQRTUVWXYZ"[total % 23] == value[0]


def _uln_ok(value: str) -> bool:
    if not re.fullmatch(r"[1-9]\d{9}", value):
        return False
    r = sum(int(value[i]) * (10 - i) for i in range(9)) % 11
    return r != 0 and int(value[9]) == 10 - r


# ------------------------------------------------------------ helpers


def _text_of(path: Path) -> str:
    """Plain text of a corpus file, read with the libraries that wrote it."""
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if data[:2] == b"PK" and suffix in (".docx", ".jpg"):
        from docx import Document

        doc = Document(str(path))
        parts = [p.text for p in doc.paragraphs]
        for table in doc.tables:
            for row in table.rows:
                parts.extend(cell.text for cell in row.cells)
        for section in doc.sections:
            parts.extend(p.text for p in section.header.paragraphs)
            parts.extend(p.text for p in section.footer.paragraphs)
        return "\n".join(parts)
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(str(path))
        parts = []
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                for v in row:
                    if isinstance(v, dt.datetime | dt.date):
                        v = v.strftime("%d/%m/%Y")
                    parts.append("" if v is None else str(v))
        return "\n".join(parts)
    if suffix == ".pdf":
        from pdfminer.high_level import extract_text

        return extract_text(str(path))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


# ------------------------------------------------------------ tests


def test_entity_types_match_the_findings_contract() -> None:
    from dpscan.model.records import ENTITY_TYPES as CONTRACT


    assert ENTITY_TYPES == CONTRACT


def test_manifest_covers_exactly_the_files_on_disk(school_share: ShareManifest) -> None:
    on_disk = set(snapshot_tree(school_share.root))
    assert on_disk == set(school_share), "manifest and share disagree"
    for rel in school_share:
        assert "\\" not in rel and not rel.startswith("/")
        assert (school_share.root / rel).is_file(), rel


def test_scale_one_size_and_every_type_planted(school_share: ShareManifest) -> None:
    assert 30 <= len(school_share) <= 40
    assert school_share.planted_types() == set(ENTITY_TYPES)
    folders = {rel.split("/")[0] for rel in school_share}
    assert {"Admin", "SEN", "Staff", "Trips", "Newsletters", "Class Lists"} <= folders


def test_scale_multiplies_generated_files(tmp_path: Path) -> None:
    manifest = build_school_share(tmp_path / "s2", seed=7, scale=2)
    assert len(manifest) == 55
    assert len(snapshot_tree(tmp_path / "s2")) == 55


def test_manifest_entries_are_consistent(school_share: ShareManifest) -> None:
    for rel, planted in school_share.items():
        assert planted.expect_types <= ALL_TYPES, rel
        assert planted.forbid_types <= ALL_TYPES, rel
        assert not planted.expect_types & planted.forbid_types, rel
        assert planted.expect_types <= set(planted.planted), rel
        assert planted.planted_values == [v for vs in planted.planted.values() for v in vs]
        if "PERSON" in planted.forbid_types:
            # only numbers-only negative controls may forbid PERSON
            assert planted.forbid_types == ALL_TYPES and not planted.planted, rel


def test_same_seed_gives_identical_text_files(school_share: ShareManifest, tmp_path: Path) -> None:
    again = build_school_share(tmp_path / "again", seed=school_share.seed, scale=1)
    assert list(again) == list(school_share)
    text_files = [rel for rel in school_share if rel.endswith((".txt", ".csv"))]
    assert len(text_files) >= 15
    for rel in text_files:
        assert (again.root / rel).read_bytes() == (school_share.root / rel).read_bytes(), rel
    for rel in school_share:
        assert again[rel].planted == school_share[rel].planted, rel


def test_same_seed_gives_identical_office_and_pdf_files(
    school_share: ShareManifest, tmp_path: Path
) -> None:
    again = build_school_share(tmp_path / "again", seed=school_share.seed, scale=1)
    before, after = snapshot_tree(school_share.root), snapshot_tree(again.root)
    for rel in school_share:
        assert before[rel][0] == after[rel][0], f"{rel} differs between builds"
        assert before[rel][1] == after[rel][1], f"{rel} mtime differs between builds"


def test_other_seed_gives_other_values(school_share: ShareManifest, tmp_path: Path) -> None:
    other = build_school_share(tmp_path / "other", seed=school_share.seed + 1, scale=1)
    assert set(other.planted_of_type("UK_NHS")).isdisjoint(school_share.planted_of_type("UK_NHS"))
    assert other.planted_of_type("EMAIL_ADDRESS") != school_share.planted_of_type("EMAIL_ADDRESS")


def test_nhs_numbers_are_valid_test_range_and_not_ulns(school_share: ShareManifest) -> None:
    values = school_share.planted_of_type("UK_NHS")
    assert len(values) >= 10
    assert any(" " in v for v in values) and any(" " not in v for v in values)
    for value in values:
        digits = compact(value)
        assert digits.startswith("999"), value
        assert _nhs_ok(value) and nhs_is_valid(value), value
        assert not _uln_ok(digits), f"{value} is also a valid ULN"


def test_nhs_numbers_agree_with_stdnum(school_share: ShareManifest) -> None:
    nhs = pytest.importorskip("stdnum.gb.nhs")
    for value in school_share.planted_of_type("UK_NHS"):
        assert nhs.is_valid(value), value


def test_upns_are_valid(school_share: ShareManifest) -> None:
    values = school_share.planted_of_type("UK_UPN")
    assert len(values) >= 60
    for value in values:
        assert _upn_ok(value) and upn_is_valid(value), value


def test_upns_agree_with_stdnum(school_share: ShareManifest) -> None:
    upn = pytest.importorskip("stdnum.gb.upn")
    for value in school_share.planted_of_type("UK_UPN"):
        assert upn.is_valid(value), value


def test_ulns_are_valid_and_not_nhs_numbers(school_share: ShareManifest) -> None:
    values = school_share.planted_of_type("UK_ULN")
    assert values
    for value in values:
        assert _uln_ok(value) and uln_is_valid(value), value
        assert not _nhs_ok(value), f"{value} is also a valid NHS number"


def test_decoy_numbers_fail_nhs_and_uln_checks(school_share: ShareManifest) -> None:
    planted = school_share["Finance/stock and invoices 2019.csv"]
    assert len(planted.decoy_values) >= 10
    assert {"UK_NHS", "UK_ULN"} <= planted.forbid_types
    text = (school_share.root / "Finance/stock and invoices 2019.csv").read_text()
    for value in planted.decoy_values:
        assert re.fullmatch(r"\d{10}", value) and value in text
        assert not _nhs_ok(value) and not nhs_is_valid(value), value
        assert not _uln_ok(value) and not uln_is_valid(value), value


@pytest.mark.skipif(not VECTORS.is_file(), reason="reference vectors not present")
def test_builder_validators_agree_with_reference_vectors() -> None:
    vectors = json.loads(VECTORS.read_text())
    checks = {"UK_NHS": nhs_is_valid, "UK_UPN": upn_is_valid, "UK_ULN": uln_is_valid}
    for entity_type, check in checks.items():
        assert all(check(v) for v in vectors[entity_type]["valid"]), entity_type
        assert not any(check(v) for v in vectors[entity_type]["invalid_checksum"]), entity_type


def test_ninos_are_format_valid(school_share: ShareManifest) -> None:
    values = school_share.planted_of_type("UK_NINO")
    assert values
    for value in values:
        v = compact(value)
        assert re.fullmatch(r"[A-Z]{2}\d{6}[A-D]", v), value
        assert v[0] not in "DFIQUV" and v[1] not in "DFIOQUV", value
        assert v[:2] not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}, value


def test_phone_numbers_are_geographic_drama_numbers(school_share: ShareManifest) -> None:
    values = school_share.planted_of_type("PHONE_NUMBER")
    assert len(values) >= 10
    for value in values:
        assert re.fullmatch(r"(020 7946|0113 496|0161 496) 0\d{3}", value), value
    phonenumbers = pytest.importorskip("phonenumbers")
    for value in values:
        assert phonenumbers.is_valid_number(phonenumbers.parse(value, "GB")), value


def test_postcodes_emails_cards_and_ibans_are_well_formed(school_share: ShareManifest) -> None:
    for value in school_share.planted_of_type("UK_POSTCODE"):
        assert POSTCODE_STRICT_RE.match(value), value
    for value in school_share.planted_of_type("EMAIL_ADDRESS"):
        assert re.fullmatch(r"[a-z.]+\d*@example\.(com|org|net)", value), value
    for value in school_share.planted_of_type("CREDIT_CARD"):
        assert len(compact(value)) == 16 and luhn_is_valid(value), value
    for value in school_share.planted_of_type("IBAN_CODE"):
        assert value.startswith("GB") and iban_is_valid(value), value


def test_dates_of_birth_are_children_4_to_11_and_labelled(school_share: ShareManifest) -> None:
    seen = 0
    for rel, planted in school_share.items():
        dobs = planted.planted.get("DATE_OF_BIRTH", [])
        if not dobs:
            continue
        text = _text_of(school_share.root / rel)
        assert re.search(r"\bDOB\b|Date of birth", text), f"{rel}: DOB not labelled"
        for dob in dobs:
            seen += 1
            born = dt.datetime.strptime(dob, "%d/%m/%Y").date()
            assert 4 <= 2026 - born.year <= 11, (rel, dob)
            tabular = rel.endswith((".csv", ".xlsx")) or re.search(r"^DOB$", text, re.M)
            if not tabular:  # a table's DOB column labels it; prose needs a label
                assert re.search(rf"(Date of birth:|DOB) {re.escape(dob)}", text), (rel, dob)
    assert seen >= 50


def test_every_planted_value_is_really_in_its_file(school_share: ShareManifest) -> None:
    for rel, planted in school_share.items():
        if not planted.planted_values:
            continue
        text = _text_of(school_share.root / rel)
        for value in planted.planted_values:
            assert value in text, f"{rel}: planted {value!r} not found in the file's text"


def test_expected_mimes_and_file_kinds(school_share: ShareManifest) -> None:
    root = school_share.root
    by_suffix = {
        ".txt": MIME_TXT,
        ".csv": MIME_CSV,
        ".docx": MIME_DOCX,
        ".xlsx": MIME_XLSX,
        ".pdf": MIME_PDF,
    }
    for rel, planted in school_share.items():
        suffix = Path(rel).suffix.lower()
        if planted.mime is not None and suffix in by_suffix:
            assert planted.mime == by_suffix[suffix], rel
            assert not planted.extension_mismatch, rel
    assert [rel for rel, p in school_share.items() if p.extension_mismatch] == [
        "Admin/Photos/photo.jpg"
    ]
    photo = root / "Admin/Photos/photo.jpg"
    assert "word/document.xml" in zipfile.ZipFile(photo).namelist()
    assert school_share["Admin/Photos/photo.jpg"].mime == MIME_DOCX

    assert (root / "Newsletters/draft.txt").stat().st_size == 0
    assert "empty_file" in school_share["Newsletters/draft.txt"].expect_flags

    broken = school_share["Admin/broken.docx"]
    assert broken.expect_status == "error" and "unreadable" in broken.expect_flags
    assert broken.mime is None
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(root / "Admin/broken.docx")

    png = (root / "Admin/Photos/school logo.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow comes with fpdf2
        pass
    else:
        with Image.open(root / "Admin/Photos/school logo.png") as im:
            im.load()
            assert im.format == "PNG"

    blob = (root / "Admin/Backups/sims export.dat").read_bytes()
    assert len(blob) == 4096 and not re.search(rb"[\x20-\x7e]", blob)


def test_cp1252_csv_is_not_utf8_and_has_pound_and_accents(school_share: ShareManifest) -> None:
    data = (school_share.root / "Admin/Dinner money/balances (Windows export).csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    assert "£" in text and "Zoë" in text and "Chloé" in text


def test_leak_values_cover_raw_and_compact_forms(school_share: ShareManifest) -> None:
    leaks = school_share.leak_values()
    for value in school_share.planted_of_type("UK_NHS"):
        assert value in leaks and compact(value) in leaks
    for value in school_share.planted_of_type("PHONE_NUMBER"):
        assert compact(value) in leaks
    assert set(school_share.planted_of_type("EMAIL_ADDRESS")) <= leaks
    # none of the names (which can collide with ordinary words) is a leak value
    assert not set(school_share.planted_of_type("PERSON")) & leaks
