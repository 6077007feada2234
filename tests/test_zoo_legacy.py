"""Real legacy Office files (../shared/zoo/legacy, Apache POI's test data) through the whole
pipeline: type, protection and text, per format (issue 21).

Prints, per format, how many files gave text, were encrypted, held no text or failed, and
holds the reading to the issue's target: text from at least 95% of the files that hold text
and are neither encrypted nor damaged.  Skips when the zoo is absent.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from dpscan.detectors.content import ContentDetector
from dpscan.model.config import ScanConfig
from dpscan.model.records import FileResult
from dpscan.scanner.pipeline import scan_file
from dpscan.scanner.walk import FileEntry, walk_root

LEGACY = Path(__file__).resolve().parents[2] / "shared" / "zoo" / "legacy"
TRUTH = LEGACY / "legacy-truth.json"
pytestmark = pytest.mark.skipif(not TRUTH.exists(), reason="../shared/zoo/legacy not present")

# Files that hold no text for any reader (LibreOffice, antiword, catdoc, POI included):
# pictures, sounds, an empty table, text only in a master slide or in date fields.
NO_TEXT = {
    "57603-seven_columns.doc", "58804_1.doc", "Picture_Alternative_Text.doc",
    "WithArtShapes.doc", "empty.doc",
    "41384.ppt", "54541_cropped_bitmap2.ppt", "WithMacros.ppt", "bug55732.ppt",
    "bug62591.ppt", "datetime.ppt", "master_text.ppt", "pictures.ppt", "sound.ppt",
    "table_test.ppt",
}
# Not the format they are named: an Excel workbook saved as .doc; PowerPoint 4.0.
OTHER_FORMATS = {"TestRobert_Flaherty.doc", "pp40only.ppt"}
FORMATS = ("doc", "ppt", "xlsb", "pub")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict, FileResult]]:
    """Every legacy file scanned once, from a private copy (the zoo is read-only)."""
    detector = ContentDetector()
    config = ScanConfig(workers=1)
    results = {}
    for record in json.loads(TRUTH.read_text())["files"]:
        if record["extension"].lower() not in FORMATS:
            continue
        source = LEGACY / record["path"]
        copy = tmp_path_factory.mktemp("legacy") / source.name
        shutil.copyfile(source, copy)
        (entry,) = [e for e in walk_root(str(copy)) if isinstance(e, FileEntry)]
        results[source.name] = (record, scan_file(entry, config, detector)[0])
    return results


def _outcome(result: FileResult) -> str:
    if result.status in ("encrypted", "error"):
        return str(result.status)
    if "no_text_extracted" in result.flags:
        return "not read"
    return "text" if result.text_chars else "no text"


def test_legacy_files_give_text(scanned: dict[str, tuple[dict, FileResult]],
                                capsys: pytest.CaptureFixture[str]) -> None:
    table: dict[str, Counter[str]] = {kind: Counter() for kind in FORMATS}
    for record, result in scanned.values():
        table[record["extension"].lower()][_outcome(result)] += 1
    with capsys.disabled():
        print("\nlegacy zoo: format  text  no text  encrypted  error  not read")
        for kind, counts in table.items():
            print(f"  {kind:6} {counts['text']:5} {counts['no text']:8} "
                  f"{counts['encrypted']:10} {counts['error']:6} {counts['not read']:9}")
    for kind in FORMATS:
        assert table[kind]["not read"] == 0, kind  # every format has its reader
    holding_text = [(name, record, result) for name, (record, result) in scanned.items()
                    if not record["encrypted"] and name not in NO_TEXT | OTHER_FORMATS]
    read = [name for name, _, result in holding_text if _outcome(result) == "text"]
    assert len(read) / len(holding_text) >= 0.95, sorted(
        {name for name, _, _ in holding_text} - set(read))
    # What holds no text for any reader gives none here either (nothing made up).
    assert not [name for name in NO_TEXT if name in scanned
                and _outcome(scanned[name][1]) == "text"]


def test_encrypted_legacy_files_are_protected(
        scanned: dict[str, tuple[dict, FileResult]]) -> None:
    encrypted = [(name, result) for name, (record, result) in scanned.items()
                 if record["encrypted"]]
    assert len(encrypted) == 9
    assert all(result.status == "encrypted" and result.protection == "encrypted"
               for _, result in encrypted), encrypted
