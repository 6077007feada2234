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
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from dpscan.model.records import ScanResult, ScanSummary
from dpscan.model.views import Records
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
    # Written in a process of its own beside the others, on a large scan whose records
    # another process can open: it takes as long as all the others together.
    own_process: bool = False


# Records below which a process of its own costs more (start-up, imports) than it saves.
OWN_PROCESS_MIN_RECORDS = 5_000


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
            own_process=True,
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
    apart, opener = _written_apart(writers, result)
    if apart is None or opener is None:
        for writer in writers:
            writer.write(result, out_dir / writer.filename)
    else:
        with _OwnProcess(apart, result, opener, out_dir / apart.filename) as own:
            for writer in writers:
                if writer is not apart:
                    writer.write(result, out_dir / writer.filename)
            own.wait()
    return [out_dir / writer.filename for writer in writers]


def _written_apart(writers: list[ReportWriter], result: ScanResult
                   ) -> tuple[ReportWriter | None, Callable[[], Records] | None]:
    """The writer to run in a process of its own, with the opener of the records for it,
    or (None, None): one core, one report, a small scan, or records only this process has."""
    apart = next((w for w in writers if w.own_process), None)
    if apart is None or len(writers) < 2 or (os.cpu_count() or 1) < 2:
        return None, None
    records = result.records
    opener = records.opener()
    if opener is None or len(records) < OWN_PROCESS_MIN_RECORDS:  # type: ignore[arg-type]
        return None, None
    return apart, opener


class _OwnProcess:
    """One report written by a spawned process over records it opens itself.  Whatever
    ends the parent's work (an error, Ctrl-C, SIGTERM) ends the child, which removes its
    half-written file; the child's own error is raised by :meth:`wait`."""

    def __init__(self, writer: ReportWriter, result: ScanResult,
                 opener: Callable[[], Records], path: Path) -> None:
        self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        self._future = self._pool.submit(_write_in_own_process, writer.name, result.scan,
                                         opener, path)

    def __enter__(self) -> _OwnProcess:
        return self

    def wait(self) -> None:
        """Wait for the report; raise what the child raised."""
        self._future.result()

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()  # SIGTERM: the child removes its temporary file
        self._pool.shutdown(wait=True, cancel_futures=True)


def _write_in_own_process(name: str, scan: ScanSummary, opener: Callable[[], Records],
                          path: Path) -> None:
    """In the child: open the records, write one report, close them."""
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    records = opener()
    try:
        REPORT_WRITERS[name].write(ScanResult(scan=scan, files=records), path)
    finally:
        close = getattr(records, "close", None)
        if close is not None:
            close()


def _stop(signum: int, _frame: object) -> None:
    # An exception, so the report's atomic writer removes its temporary file.
    raise SystemExit(128 + signum)


__all__ = [
    "REPORT_WRITERS",
    "ReportWriter",
    "UnknownReportFormat",
    "make_private_dir",
    "resolve_formats",
    "write_reports",
]
