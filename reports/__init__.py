"""Report writers: turn one :class:`~dpscan.model.records.ScanResult` into files.

Reports read only the ScanResult handed to them; they never re-scan or open
a scanned file.  Each format is one module plus one line in
:data:`REPORT_WRITERS`.  Every report file is written atomically and readable
by its owner only (see :mod:`dpscan.reports._output`), because a report is itself a
map of where personal data is kept.
"""

from __future__ import annotations

if __name__ != "dpscan.reports":  # the folder is on sys.path by mistake: never load twice
    raise ImportError(f"import dpscan.reports, not {__name__}")

import errno
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from dpscan.model.records import ScanResult
from dpscan.reports.csv_report import write_csv
from dpscan.reports.html_report import write_html
from dpscan.reports.json_report import write_json
from dpscan.reports.xlsx_report import write_xlsx

PRIVATE_DIR_MODE = 0o700


@dataclass(frozen=True, slots=True)
class ReportWriter:
    """One report format: its name, the file it writes and the function writing it."""

    name: str
    filename: str
    write: Callable[[ScanResult, Path], None]
    description: str


REPORT_WRITERS: dict[str, ReportWriter] = {
    writer.name: writer
    for writer in (
        ReportWriter(
            name="json",
            filename="findings.json",
            write=write_json,
            description="machine-readable findings, one record per file",
        ),
        ReportWriter(
            name="html",
            filename="report.html",
            write=write_html,
            description="self-contained page for the DPO: summary and files with findings",
        ),
        ReportWriter(
            name="xlsx",
            filename="report.xlsx",
            write=write_xlsx,
            description="spreadsheet: summary, action list, overdue, unprotected, assets, files",
        ),
        ReportWriter(
            name="csv",
            filename="files.csv",
            write=write_csv,
            description="every file as one CSV row (the spreadsheet's All files sheet)",
        ),
    )
}


class UnknownReportFormat(ValueError):
    """A report format name that is not in :data:`REPORT_WRITERS`."""

    def __init__(self, name: str) -> None:
        self.name = name
        known = ", ".join(sorted(REPORT_WRITERS))
        super().__init__(f"unknown report format {name!r}; known formats: {known}")


def resolve_formats(formats: Sequence[str]) -> list[ReportWriter]:
    """Look up every format name, in order and without repeats.

    Raises :class:`UnknownReportFormat` for the first unknown name.
    """
    if isinstance(formats, str):
        # A bare "json" would otherwise be read as the formats "j", "s", ...
        formats = [formats]
    writers: list[ReportWriter] = []
    for name in formats:
        writer = REPORT_WRITERS.get(name)
        if writer is None:
            raise UnknownReportFormat(name)
        if writer not in writers:
            writers.append(writer)
    return writers


def make_private_dir(out_dir: Path) -> None:
    """Create ``out_dir`` as 0700 if missing; an existing directory is left as it is."""
    try:
        out_dir.mkdir(mode=PRIVATE_DIR_MODE, parents=True)
    except FileExistsError:
        if not out_dir.is_dir():
            # errno and filename: the command line names the path in one line.
            raise NotADirectoryError(errno.ENOTDIR, "the report output path is not a folder",
                                     str(out_dir)) from None
        # The user chose an existing folder; changing its mode behind their
        # back could break other things kept in it.
        return
    # mkdir's mode is filtered by the umask, which could leave it wider or
    # narrower than intended; set it exactly.
    os.chmod(out_dir, PRIVATE_DIR_MODE)


def write_reports(result: ScanResult, out_dir: Path, formats: Sequence[str]) -> list[Path]:
    """Write the named report formats for ``result`` into ``out_dir``.

    Every format name is checked before anything is written, so an unknown
    name (:class:`UnknownReportFormat`) leaves no partial set of reports.
    ``out_dir`` is created with mode 0700 if it does not exist.  Returns the
    paths written, in the order of ``formats`` (repeats written once).  A storage fault (a
    full disk) raises an ``OSError`` whose ``filename`` is the report it was writing; the
    reports written before it are complete, and it leaves no partial file.
    """
    writers = resolve_formats(formats)
    out_dir = Path(out_dir)
    make_private_dir(out_dir)
    written: list[Path] = []
    for writer in writers:
        path = out_dir / writer.filename
        writer.write(result, path)
        written.append(path)
    return written


__all__ = [
    "REPORT_WRITERS",
    "ReportWriter",
    "UnknownReportFormat",
    "make_private_dir",
    "resolve_formats",
    "write_reports",
]
