"""report.xlsx opens in LibreOffice: converted to PDF headless, every sheet's text is there.

Needs ``soffice`` (or ``libreoffice``) on PATH, e.g. the Debian package
``libreoffice-calc-nogui``; skipped cleanly without it.  Not run by ``.ci/run``, which
does not install LibreOffice (too slow); run it by hand after changing the workbook.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from dpscan.model.records import ScanResult
from dpscan.reports.xlsx_report import write_xlsx

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
if SOFFICE is None:
    pytest.skip("LibreOffice (soffice) is not installed", allow_module_level=True)

# A cold start of LibreOffice with a fresh profile takes a few seconds; leave room for a
# busy machine.
CONVERT_SECONDS = 240


def convert_to_pdf(workbook: Path, out_dir: Path) -> Path:
    """Convert ``workbook`` with a throwaway LibreOffice profile; return the PDF's path."""
    profile = out_dir / "profile"
    completed = subprocess.run(
        [
            str(SOFFICE),
            # Its own profile: never touches (or waits on a lock in) the user's.
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            str(workbook),
        ],
        capture_output=True,
        text=True,
        timeout=CONVERT_SECONDS,
        check=False,
    )
    pdf = out_dir / (workbook.stem + ".pdf")
    assert completed.returncode == 0, completed.stderr
    assert pdf.is_file(), (completed.stdout, completed.stderr)
    return pdf


def test_workbook_converts_to_pdf(catalogued_result: ScanResult, tmp_path: Path) -> None:
    catalogued_result.scan.complete = False
    catalogued_result.scan.settings["show_evidence"] = True
    workbook = tmp_path / "report.xlsx"
    write_xlsx(catalogued_result, workbook)
    pdf = convert_to_pdf(workbook, tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF-")

    from pdfminer.high_level import extract_text

    text = " ".join(extract_text(str(pdf)).split())
    assert "This scan is incomplete" in text  # Summary's first line
    assert "Evidence shown unmasked" in text
    assert "Open files with personal data by severity" in text
    assert "file no longer found" in text  # Changes
    assert "dates of school events, not births" in text  # Reviewed
    assert "aaaaaaaaaaaaaaaa" in text  # Duplicates
    # Hostile names were kept as text, not evaluated: the formula text is printed as is.
    assert '=HYPERLINK("http://x","y").csv' in text
    assert "#NAME?" not in text
