"""Office 97-2003 files give the same findings as the OOXML originals they were saved from.

Each test writes a .docx, .pptx or .xlsx with planted names, identifiers and special
category data, has LibreOffice save it as .doc, .ppt or .xls (as Office 2003 would have),
scans both through the whole pipeline and compares what was found.  Skips where
LibreOffice (Debian's libreoffice-writer, -impress, -calc) is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from pptx import Presentation
from pptx.util import Inches

from dpscan.detectors.content import ContentDetector
from dpscan.model.config import ScanConfig
from dpscan.model.records import FileResult
from dpscan.scanner.pipeline import scan_file
from dpscan.scanner.walk import FileEntry, walk_root

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
CONVERT_SECONDS = 240

PUPILS = [
    ("Amelia Jones", "A123456789012", "943 476 5919", "02/03/2014"),
    ("Oliver Smith", "J987654321098", "401 023 2137", "17/11/2013"),
    ("Priya Shah", "M246813579246", "450 557 7104", "05/07/2014"),
]
LETTER = (
    "Dear Mrs Jones,\n"
    "Amelia Jones (date of birth 02/03/2014) has been diagnosed with asthma and type 1 "
    "diabetes. Her insulin and her inhaler are kept in the school office. She receives SEN "
    "support for dyslexia and is eligible for free school meals.\n"
    "Please call Mrs K Patel on 01632 960 123 or write to k.patel@oakfield.sch.uk.\n"
)


def _convert(source: Path, target_format: str, out_dir: Path) -> Path:
    """Save ``source`` as ``target_format`` with LibreOffice (a throwaway profile)."""
    out_dir.mkdir(exist_ok=True)
    profile = out_dir / "profile"
    completed = subprocess.run(
        [str(SOFFICE), f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--norestore", "--convert-to", target_format, "--outdir", str(out_dir), str(source)],
        capture_output=True, text=True, timeout=CONVERT_SECONDS, check=False)
    converted = out_dir / f"{source.stem}.{target_format.split(':')[0]}"
    assert completed.returncode == 0 and converted.is_file(), (completed.stdout,
                                                               completed.stderr)
    return converted


def _scan(path: Path, detector: ContentDetector) -> FileResult:
    (entry,) = [e for e in walk_root(str(path)) if isinstance(e, FileEntry)]
    return scan_file(entry, ScanConfig(workers=1), detector)[0]


@pytest.fixture(scope="module")
def detector() -> ContentDetector:
    return ContentDetector()


def _same_as_legacy(original: Path, target_format: str,
                    detector: ContentDetector) -> FileResult:
    """Save ``original`` as ``target_format``, scan both, check the findings agree; the
    original's record."""
    legacy = _convert(original, target_format, original.parent / target_format.split(":")[0])
    found, found_legacy = _scan(original, detector), _scan(legacy, detector)
    _same_findings(found, found_legacy)
    return found


def _same_findings(original: FileResult, legacy: FileResult) -> None:
    assert legacy.status == "scanned", legacy.error
    assert legacy.flags == [f for f in original.flags if f != "extension_mismatch"] or (
        set(legacy.flags) <= set(original.flags) | {"text_truncated"})
    assert legacy.entities == original.entities
    assert legacy.special_categories == original.special_categories
    assert legacy.data_subjects == original.data_subjects


def test_a_word_97_document_gives_the_docx_findings(tmp_path: Path,
                                                    detector: ContentDetector) -> None:
    document = Document()
    document.sections[0].header.paragraphs[0].text = "Oakfield Primary School - SEN register"
    for line in LETTER.splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=5)
    for cell, heading in zip(table.rows[0].cells, ("Name", "UPN", "NHS number",
                                                    "Date of birth", "SEN need"),
                             strict=True):
        cell.text = heading
    for pupil in PUPILS:
        row = table.add_row().cells
        for cell, value in zip(row, (*pupil, "Speech and language"), strict=True):
            cell.text = value
    original = tmp_path / "register.docx"
    document.save(str(original))
    found = _same_as_legacy(original, "doc", detector)
    assert found.entities["UK_NHS"] == 3 and "health" in found.special_categories


def test_a_powerpoint_97_show_gives_the_pptx_findings(tmp_path: Path,
                                                      detector: ContentDetector) -> None:
    show = Presentation()
    for name, upn, nhs, born in PUPILS:
        slide = show.slides.add_slide(show.slide_layouts[1])
        slide.shapes.title.text = f"Pupil profile: {name}"
        slide.placeholders[1].text = (f"UPN {upn}\nNHS number {nhs}\nDate of birth {born}\n"
                                      "Medical needs: epilepsy, rescue medication in office")
        slide.notes_slide.notes_text_frame.text = f"Discuss {name}'s EHCP review with parents."
    box = show.slides[0].shapes.add_textbox(Inches(1), Inches(6), Inches(6), Inches(1))
    box.text_frame.text = "Contact: Mrs K Patel, k.patel@oakfield.sch.uk, 01632 960 123"
    original = tmp_path / "profiles.pptx"
    show.save(str(original))
    found = _same_as_legacy(original, "ppt", detector)
    assert found.entities["UK_UPN"] == 3 and "health" in found.special_categories


def test_an_excel_97_workbook_gives_the_xlsx_findings(tmp_path: Path,
                                                      detector: ContentDetector) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Forename Surname", "UPN", "NHS number", "Date of birth", "Medical",
                  "FSM"])
    for name, upn, nhs, born in PUPILS:
        sheet.append([name, upn, nhs, born, "Asthma - inhaler in office", "Y"])
    original = tmp_path / "medical.xlsx"
    workbook.save(str(original))
    found = _same_as_legacy(original, "xls:MS Excel 97", detector)
    assert found.entities["UK_NHS"] == 3 and "fsm" in found.special_categories
