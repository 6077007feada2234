"""Real files written by other projects (../shared/zoo): type and protection verdicts.

The zoo's truth.json says, for each file, its true format, whether it is encrypted and
whether an ordinary reader opens it without a password.  For dpscan a file is protected
when it is encrypted and does not open without a password (an owner-password-only PDF
or Excel's built-in default password protect nothing).  Skips when the zoo is absent.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from dpscan.detectors.content import ContentDetector
from dpscan.model.config import ScanConfig
from dpscan.scanner.pipeline import scan_file
from dpscan.scanner.sniff import family_of
from dpscan.scanner.walk import FileEntry, walk_root

ZOO = Path(__file__).resolve().parents[2] / "shared" / "zoo"
TRUTH = ZOO / "truth.json"

pytestmark = pytest.mark.skipif(not TRUTH.exists(), reason="../shared/zoo not present")

# The zoo's format names -> the families (dpscan.scanner.formats rows) they belong to.
FAMILIES = {
    "pdf": {"pdf"}, "7z": {"7z"}, "zip": {"zip"}, "eml": {"text"}, "msg": {"ole"},
    "docx": {"word"}, "docm": {"word"}, "xlsx": {"spreadsheet"}, "xlsm": {"spreadsheet"},
    "xlsb": {"spreadsheet"}, "pptx": {"presentation"}, "pptm": {"presentation"},
    "doc": {"ole"}, "xls": {"ole"}, "ppt": {"ole"},
    "odt": {"opendocument"}, "ods": {"opendocument"}, "odp": {"opendocument"},
    "odg": {"opendocument"}, "odf": {"opendocument"}, "rtf": {"rtf", "text"},
    "png": {"image"}, "jpg": {"image"}, "gif": {"image"}, "bmp": {"image"}, "tiff": {"image"},
    "wmf": {"image"},
}


def _truth() -> list[dict]:
    return json.loads(TRUTH.read_text())["files"] if TRUTH.exists() else []


@pytest.fixture(scope="module")
def zoo_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    """Scan every zoo file once (from a private copy: the zoo is read-only)."""
    detector = ContentDetector()
    config = ScanConfig(workers=1)
    results = {}
    for record in _truth():
        source = ZOO / record["path"]
        folder = tmp_path_factory.mktemp("zoo")
        copy = folder / source.name
        shutil.copyfile(source, copy)
        (entry,) = [e for e in walk_root(str(copy)) if isinstance(e, FileEntry)]
        results[record["path"]] = scan_file(entry, config, detector)
    return results


def _protected(record: dict) -> bool:
    return bool(record["encrypted"]) and not record.get("opens_without_password")


def test_every_zoo_file_gives_records_and_no_exception(zoo_results: dict[str, list]) -> None:
    assert len(zoo_results) == len(_truth()) > 0
    for path, records in zoo_results.items():
        assert records and records[0].status in {"scanned", "not_read", "encrypted", "error"}, path


def test_protection_verdicts_match_the_truth(zoo_results: dict[str, list]) -> None:
    wrong = []
    for record in _truth():
        if record.get("corrupt"):
            continue
        top = zoo_results[record["path"]][0]
        if (top.protection == "encrypted") != _protected(record):
            wrong.append(f"{record['path']}: truth {record['encryption_kind']} "
                         f"(protected={_protected(record)}), dpscan {top.protection} "
                         f"{top.protection_detail}")
    agreement = 1 - len(wrong) / len([r for r in _truth() if not r.get("corrupt")])
    print(f"zoo protection agreement: {agreement:.3f}")
    assert wrong == []


def test_type_verdicts_match_the_truth(zoo_results: dict[str, list]) -> None:
    wrong = []
    for record in _truth():
        if record.get("corrupt"):
            continue
        top = zoo_results[record["path"]][0]
        family = family_of(top.mime or "")
        expected = FAMILIES[record["true_format"]]
        # An encrypted OOXML file is an OLE container: libmagic's "encrypted" family.
        if record["encrypted"] and record["container"].startswith("ole_cfb"):
            expected = expected | {"encrypted-office"}
        if family not in expected:
            wrong.append(f"{record['path']}: truth {record['true_format']}, dpscan {top.mime}")
    assert wrong == []


def test_encrypted_content_is_never_counted_as_clean(zoo_results: dict[str, list]) -> None:
    for record in _truth():
        top = zoo_results[record["path"]][0]
        if _protected(record) and not record.get("corrupt"):
            assert top.status == "encrypted" and not top.entities, record["path"]


def test_zoo_is_untouched(zoo_results: dict[str, list]) -> None:
    for record in _truth():
        assert os.access(ZOO / record["path"], os.R_OK)
