"""The ``dpscan`` command line.  Only this module prints and exits.

Exit status: 0 the scan completed (even when some files could not be read), 1 a file not
reviewed has findings at or above ``--fail-on``, 2 a usage or configuration error (nothing
is scanned or written) or a storage fault (a full disk under --out, --db or --log: one line
says which file), 3 the scan is incomplete (stopped, its --json reader went away, or a path
could not be reached).
"""

from __future__ import annotations

import datetime as dt
import errno
import getpass
import json
import logging
import os
import signal
import stat
import sys
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dpscan import __version__
from dpscan.detectors.governance import Governor, Policy
from dpscan.detectors.governance.retention import (
    check_schedule,
    default_rules_path,
    load_schedule,
)
from dpscan.detectors.settings import ModelNotInstalled, ensure_model_installed
from dpscan.model.config import SETTINGS, ScanConfig
from dpscan.model.errors import ConfigError
from dpscan.model.ids import REVIEW_STATUSES, SEVERITIES, severity_rank
from dpscan.model.records import FileResult, ScanResult, WalkError
from dpscan.model.setting import Kind, Setting
from dpscan.model.wording import counted
from dpscan.reports import REPORT_WRITERS, make_private_dir
from dpscan.scanner.cli_command import Group, stdout_gone
from dpscan.scanner.executors import EXECUTORS
from dpscan.scanner.fileio import owned_by_another_user
from dpscan.scanner.progress import make_progress
from dpscan.scanner.record_store import RecordStore
from dpscan.scanner.settings_file import (
    FileSettings,
    build_policy,
    build_scan_config,
    load_settings,
)

if TYPE_CHECKING:
    from dpscan.scanner.catalogue import Catalogue, Review

log = logging.getLogger("dpscan")

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INCOMPLETE = 3


def _parse_formats(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    names = (part.strip().lower() for part in value.split(","))
    formats = tuple(dict.fromkeys(name for name in names if name))
    unknown = [f for f in formats if f not in REPORT_WRITERS]
    if unknown or not formats:
        raise click.BadParameter(
            f"unknown format {', '.join(unknown) or '(none)'}; "
            f"choose from {', '.join(REPORT_WRITERS)}"
        )
    return formats


def _prepare_out_dir(out: Path) -> Path:
    """Create the output folder (owner-only) and prove it is writable before scanning."""
    try:
        make_private_dir(out)
    except OSError as exc:
        raise ConfigError(f"cannot create output folder {out}: {exc.strerror or exc}") from exc
    if not out.is_dir() or not os.access(out, os.W_OK | os.X_OK):
        raise ConfigError(f"output folder {out} is not a writable folder")
    return out


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dpscan")
def main() -> None:
    """dpscan: find personal data on school file shares and USB media.

    Scans folders for files holding personal data (names, NHS numbers, UPNs,
    dates of birth ...), tells whether each file is protected, and writes
    reports for the Data Protection Officer.  A scan never changes what it scans.
    """


def _load_governor(rules_file: Path | None, register_file: Path | None,
                   policy: Policy, today: dt.date | None = None) -> Governor:
    """The retention schedule, register and policy, validated before anything is scanned."""
    schedule = load_schedule(rules_file or default_rules_path())
    register = None
    if register_file is not None:
        from dpscan.detectors.governance.register import load_register

        register = load_register(register_file, rule_ids=[r.id for r in schedule.rules])
        for warning in register.warnings:
            log.warning("%s", warning)
    return Governor(schedule, register, policy, today=today)


@main.group()
def rules() -> None:
    """Work with retention rules files."""


@rules.command("check")
@click.argument("rules_file", required=False,
                type=click.Path(dir_okay=False, path_type=Path))
def rules_check(rules_file: Path | None) -> None:
    """Validate a retention rules file (default: the shipped one) and prove its examples.

    Checks unique ids, valid periods, triggers and actions, that every pattern compiles,
    and that each rule's examples match it and its negative examples do not.  Exit
    status 0 when the file is sound, 2 otherwise.
    """
    schedule = load_schedule(rules_file or default_rules_path())
    problems = check_schedule(schedule)
    if problems:
        raise ConfigError(problems)
    click.echo(f"{schedule.source}: {counted(len(schedule.rules), 'rule')}, every example holds.")


def _governance_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options that judge files (retention, register, policy): for scans and reports."""
    for option in reversed([
        click.option("--rules", "rules_file", type=click.Path(dir_okay=False, path_type=Path),
                     help="Retention rules (YAML). [default: the shipped schedule for England]"),
        click.option("--register", "register_file",
                     type=click.Path(dir_okay=False, path_type=Path),
                     help="Information Asset Register (.xlsx or .csv)."),
        click.option("--due-soon-days", type=click.IntRange(min=0), default=None,
                     help="Flag files due for disposal within this many days as due_soon. "
                          "[default: 90]"),
        click.option("--public-location", "public_locations", multiple=True, metavar="GLOB",
                     help="A widely readable folder, e.g. '**/Pupil Shared/**' (repeatable)."),
        click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
                     default=None,
                     help="Judge retention as on this date (YYYY-MM-DD), e.g. the end of "
                          "term. [default: today]"),
        click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
                     help="Settings file (YAML): detection thresholds, limits, excludes. "
                          "Options given here win over it."),
        click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
                     envvar="DPSCAN_DB",
                     help="Catalogue database. [default: catalogue.sqlite in the user's data "
                          "folder; env DPSCAN_DB]"),
        click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
                     help="Exit with status 1 when a file not reviewed has findings of this "
                          "severity or above."),
        click.option("--quiet", "-q", is_flag=True,
                     help="Print nothing but errors and warnings (--log still gets every "
                          "line)."),
        click.option("--verbose", "-v", is_flag=True,
                     help="Also show the libraries' own log lines (spaCy, presidio, ...), "
                          "which are hidden below warnings."),
        click.option("--log", "log_file", type=click.Path(dir_okay=False, path_type=Path),
                     help="Also write log lines to this file (created owner-only)."),
    ]):
        command = option(command)
    return command


# Settings whose allowed values a registry of the scanner names (the leaf cannot import it).
_SETTING_CHOICES: dict[str, Collection[str]] = {"executor": EXECUTORS}
# The settings a flag can give.
_FLAGGED: tuple[Setting, ...] = tuple(s for s in SETTINGS if s.flag is not None)


def _setting_option(declared: Setting) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The click option of a declared setting; its value keeps the flag's unit."""
    assert declared.flag is not None
    names = [declared.flag, *([declared.short] if declared.short else []), declared.name]
    kind = declared.validate.kind
    if kind is Kind.SWITCH:
        # --on/--off: None when neither is given; a lone flag: False.
        return click.option(*names, help=declared.help,
                            **({"default": None} if "/" in declared.flag else {"is_flag": True}))
    if kind is Kind.LIST:
        return click.option(*names, multiple=True, metavar=declared.metavar, help=declared.help)
    minimum = declared.validate.minimum
    types: dict[Kind, click.ParamType | None] = {
        Kind.WHOLE: click.IntRange(min=None if minimum is None else int(minimum)),
        Kind.NUMBER: click.FloatRange(min=minimum),
        Kind.NAME: (click.Choice(sorted(_SETTING_CHOICES[declared.name]))
                    if declared.name in _SETTING_CHOICES else None),
    }
    return click.option(
        *names, type=types[kind], metavar=declared.metavar, help=declared.help,
        default=declared.outside(declared.default) if declared.show_default else None,
        show_default=declared.show_default)


def _scan_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options that decide how files are read and scanned: one per declared setting with a
    flag, and those of the run itself."""
    options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
        click.option("--format", "-f", "formats", default=",".join(REPORT_WRITERS),
                     show_default=True, callback=_parse_formats,
                     help="Comma-separated report formats."),
        *(_setting_option(declared) for declared in _FLAGGED),
        click.option("--no-db", is_flag=True,
                     help="Keep no catalogue: read every file, remember nothing."),
        click.option("--full", is_flag=True,
                     help="Re-read every file, even those unchanged since the last scan."),
        click.option("--resume", is_flag=True,
                     help="Continue the last scan of the same paths that was stopped."),
        click.option("--json", "json_progress", is_flag=True,
                     help="Print one JSON line per file and a final summary line on "
                          "standard output, for other tools."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _settings_given(ctx: click.Context, options: dict[str, Any]) -> dict[str, Any]:
    """The settings whose flags were given on the command line, by name."""
    return {declared.name: options[declared.name] for declared in _FLAGGED
            if ctx.get_parameter_source(declared.name) is click.core.ParameterSource.COMMANDLINE}


@dataclass(slots=True)
class _Run:
    """A prepared scan: everything checked before the first file is read."""

    config: ScanConfig
    governor: Governor
    catalogue: Catalogue | None
    options: dict[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class _LogRefusal:
    """A log file dpscan will not write to: ``applies`` to the opened file's fstat, and
    ``says`` why and what to do (after "log file PATH")."""

    applies: Callable[[os.stat_result], bool]
    says: Callable[[os.stat_result], str]


def _user_name(uid: int) -> str:
    """``uid`` with its login name where the system knows it."""
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (user id {uid})"
    except (ImportError, KeyError):
        return f"user id {uid}"


_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
# Checked before the log is changed in any way (no chmod, no line written).
_LOG_REFUSALS: tuple[_LogRefusal, ...] = (
    _LogRefusal(applies=lambda st: not stat.S_ISREG(st.st_mode),
                says=lambda st: "is not a regular file: give the path of a file"),
    # Its owner could read every line (files with personal data), whatever its mode.
    _LogRefusal(applies=owned_by_another_user,
                says=lambda st: f"belongs to {_user_name(st.st_uid)}, not to you: they "
                                f"could read every line; remove it or give another --log "
                                f"path"),
    # Another name for the same file: the lines (and the chmod) would land in that file.
    _LogRefusal(applies=lambda st: st.st_nlink > 1,
                says=lambda st: f"has {st.st_nlink} hard links (other names for the same "
                                f"file): give the path of a log file of its own"),
)


class _PrivateLogFile(logging.FileHandler):
    """``--log``: appends to a regular file of the user's own with no other name,
    owner-only (0600 even when it existed wider), never through a symbolic link (which
    could point at a file elsewhere), and without waiting on a FIFO."""

    failed = False  # a write failed (a full disk): said once

    def _open(self) -> Any:
        # O_NONBLOCK: a FIFO with no reader fails at once (ENXIO) instead of blocking.
        fd = os.open(self.baseFilename, os.O_CREAT | os.O_WRONLY | os.O_APPEND | _O_NONBLOCK
                     | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            opened = os.fstat(fd)
            for refusal in _LOG_REFUSALS:
                if refusal.applies(opened):
                    raise ConfigError(f"log file {self.baseFilename} {refusal.says(opened)}")
            if _O_NONBLOCK:
                os.set_blocking(fd, True)
            os.fchmod(fd, 0o600)
        except BaseException:
            os.close(fd)
            raise
        return open(fd, "a", encoding=self.encoding, errors=self.errors)  # noqa: SIM115

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        """A full disk under --log: one line, once, and the scan goes on (not a traceback
        per log line)."""
        failure = sys.exc_info()[1]
        if not isinstance(failure, OSError):
            super().handleError(record)
        elif not self.failed:
            self.failed = True
            click.echo(f"dpscan: cannot write the log {self.baseFilename} "
                       f"({failure.strerror or failure}): log lines are no longer written "
                       f"there", err=True)


_LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"


def _is_dpscan_line(record: logging.LogRecord) -> bool:
    """True for dpscan's own log lines (logger ``dpscan`` or below it)."""
    return record.name == "dpscan" or record.name.startswith("dpscan.")


def _hide_library_chatter(record: logging.LogRecord) -> bool:
    """A handler filter: the libraries' lines below WARNING are dropped (presidio's
    "Using device of type: cpu", spaCy's and Dask's start-up notes), dpscan's kept.  A
    filter on the handlers, not logger levels, because libraries set their own levels."""
    return _is_dpscan_line(record) or record.levelno >= logging.WARNING


def _setup_logging(quiet: bool, log_file: Path | None, verbose: bool = False) -> None:
    """Send log lines to standard error and, with --log, to ``log_file``.

    Standard error gets dpscan's INFO lines, or only warnings and errors with --quiet; the
    log file always gets INFO.  The libraries' own lines below WARNING go nowhere unless
    --verbose."""
    stderr = logging.StreamHandler(sys.stderr)
    handlers: list[logging.Handler] = [stderr]
    stderr.setLevel(logging.WARNING if quiet else logging.INFO)
    if log_file is not None:
        try:
            handler = _PrivateLogFile(log_file, encoding="utf-8")
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise ConfigError(f"log file {log_file} is a symbolic link: give the path "
                                  f"of the file itself") from exc
            if exc.errno == errno.ENXIO:  # a FIFO nobody reads, a device not there
                raise ConfigError(f"log file {log_file} is not a regular file: give the "
                                  f"path of a file") from exc
            raise ConfigError(f"cannot write log file {log_file}: {exc.strerror}") from exc
        handler.setLevel(logging.INFO)
        handlers.append(handler)
    for each in handlers:
        each.setFormatter(logging.Formatter(_LOG_FORMAT))
        if not verbose:
            each.addFilter(_hide_library_chatter)
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True)


def _load_file_settings(config_file: Path | None) -> FileSettings:
    return load_settings(config_file) if config_file is not None else FileSettings()


def _open_catalogue(db_path: Path | None) -> Catalogue:
    from dpscan.scanner.catalogue import Catalogue, CatalogueError

    try:
        return Catalogue.open(db_path)
    except CatalogueError as exc:
        raise ConfigError(str(exc)) from exc


def _prepare_run(ctx: click.Context, options: dict[str, Any], *,
                 removable_media: bool = False) -> _Run:
    """Validate settings, rules, register, model and catalogue; build the scan's config."""
    _setup_logging(options["quiet"], options["log_file"], options["verbose"])

    file = _load_file_settings(options["config_file"])
    config = build_scan_config(file, _settings_given(ctx, options))
    if config.executor == "dask":
        import importlib.util

        if importlib.util.find_spec("distributed") is None:
            raise ConfigError("--executor dask needs Dask: pip install 'dpscan[dask]'")
        if not config.scheduler:
            log.info("no --scheduler given: Dask runs a local cluster")
    if config.limits.ocr:
        from dpscan.scanner.extract.ocr import OcrUnavailable, require_tesseract

        try:
            require_tesseract()
        except OcrUnavailable as exc:
            raise ConfigError(str(exc)) from exc
        # One OpenMP thread per Tesseract: the workers already use every core.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        ensure_model_installed(config.detection.spacy_model)
    except ModelNotInstalled as exc:
        raise ConfigError(str(exc)) from exc
    governor = _load_governor(
        options["rules_file"], options["register_file"],
        build_policy(file, due_soon_days=options["due_soon_days"],
                     public_locations=options["public_locations"],
                     removable_media=removable_media),
        today=options["as_of"].date() if options["as_of"] else None)
    catalogue = None
    if not options["no_db"]:
        catalogue = _open_catalogue(options["db_path"])
        try:
            config = replace(config, index_key=_index_key(catalogue))
        except ConfigError:
            catalogue.close()
            raise
    return _Run(config, governor, catalogue, options)


def _index_key(catalogue: Catalogue) -> bytes:
    """The per-installation secret for find-person's keyed hashes (in the user's config
    folder, apart from the catalogue; see :mod:`dpscan.scanner.secret`)."""
    from dpscan.scanner.secret import KeyFileError, load_or_create_key

    try:
        return load_or_create_key(catalogue.path.parent)
    except KeyFileError as exc:
        raise ConfigError(str(exc)) from exc


def _execute(run: _Run, roots: list[str], out: Path, store: RecordStore) -> ScanResult:
    """Scan, write the reports, print the summary; Ctrl-C and SIGTERM stop cleanly.  The
    records go into ``store``, which the result reads until the caller closes it."""
    from dpscan.reports import write_reports
    from dpscan.scanner.runner import clear_stop, run_scan
    from dpscan.scanner.secret import key_path
    from dpscan.scanner.walk import scan_outputs

    options = run.options
    started = time.monotonic()
    # The scan's own reports, catalogue, key and log are never read back as a share's files.
    config = replace(run.config, skip_paths=scan_outputs(
        out=out, catalogue=run.catalogue.path if run.catalogue else None,
        key=key_path() if run.catalogue else None, log=options["log_file"]))
    clear_stop()
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    previous_int = signal.signal(signal.SIGINT, _raise_interrupt)
    try:
        try:
            with make_progress(quiet=options["quiet"] or options["json_progress"]) as progress:
                callback = _json_progress(progress) if options["json_progress"] else progress
                # Unmasked evidence is never stored, so the catalogue cannot supply it: such
                # a scan reads every file (and the catalogue keeps the masked form).
                result = run_scan(roots, config, progress=callback, governor=run.governor,
                                  catalogue=run.catalogue,
                                  full=options["full"] or config.detection.show_evidence,
                                  resume=options["resume"], store=store)
        except ModelNotInstalled as exc:
            raise ConfigError(str(exc)) from exc
        finally:
            if run.catalogue is not None:
                run.catalogue.close()
        # Still stopped cleanly while the reports are written (minutes on a large share):
        # the record store and any half-written report are then removed, nothing is left.
        written = write_reports(result, out, options["formats"])
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
    summary = result.scan
    if options["json_progress"]:
        _echo_json(json.dumps({"event": "done", "complete": summary.complete,
                               "files_seen": summary.files_seen,
                               "files_reused": summary.files_reused,
                               "files_retried": summary.files_retried,
                               "incomplete_reasons": summary.incomplete_reasons,
                               "files_with_personal_data": summary.files_with_personal_data,
                               "errors": summary.errors, "scan_id": summary.scan_id,
                               "reports": [str(p) for p in written]}))
    if not options["quiet"]:
        why = "; ".join(summary.incomplete_reasons) or "stopped before the end"
        state = "" if summary.complete else f" (INCOMPLETE: {why})"
        reused = (f", {summary.files_reused} unchanged and not re-read"
                  if summary.files_reused else "")
        if summary.files_retried:
            reused += f", {summary.files_retried} that failed last time read again"
        click.echo(
            f"Scanned {counted(summary.files_seen, 'file')} in "
            f"{time.monotonic() - started:.1f}s{state}: "
            f"{summary.files_with_personal_data} with personal data, "
            f"{counted(summary.errors, 'error')}{reused}.",
            err=True,
        )
        for path in written:
            click.echo(f"  {path}", err=True)
    log.info("scan %s finished: %s, %d with personal data, %s, complete=%s",
             summary.scan_id, counted(summary.files_seen, "file"),
             summary.files_with_personal_data, counted(summary.errors, "error"),
             summary.complete)
    return result


def _raise_interrupt(_signum: int, _frame: object) -> None:
    from dpscan.scanner.runner import request_stop

    request_stop()  # kept even if the exception below lands in a __del__ and is dropped
    raise KeyboardInterrupt


def _json_progress(inner: Callable[[Any], None]) -> Callable[[FileResult | WalkError], None]:
    def emit(item: FileResult | WalkError) -> None:
        inner(item)
        line: dict[str, object]
        if isinstance(item, WalkError):
            line = {"event": "walk_error", "root": item.root, "path": item.path,
                    "error": item.error}
        else:
            line = {"event": "file", "root": item.root, "path": item.path,
                    "status": item.status, "severity": item.severity, "flags": item.flags,
                    "entities": item.entities, "error": item.error}
        if not _echo_json(json.dumps(line, ensure_ascii=False)):
            from dpscan.scanner.runner import request_stop

            # The reader went away (`dpscan scan --json | head -1`): stop as on Ctrl-C,
            # so the catalogue records the scan as stopped and the reports say so.
            request_stop()
    return emit


def _echo_json(line: str) -> bool:
    """Print one --json line; False once nobody reads standard output any more."""
    try:
        click.echo(line)
    except BrokenPipeError:
        stdout_gone()
        return False
    return True


def exit_status(result: ScanResult, fail_on: str | None) -> int:
    """0 done; 3 the scan is incomplete; 1 a file not reviewed reaches ``fail_on``."""
    if not result.scan.complete:
        return EXIT_INCOMPLETE
    if fail_on is not None:
        threshold = severity_rank(fail_on)
        if any(severity_rank(f.severity) >= threshold and not f.is_reviewed
               for f in result.files):
            return EXIT_FINDINGS
    return EXIT_OK


@main.command()
@click.argument(
    "paths", nargs=-1, required=True,
    type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=str),
)
@click.option("--out", "-o", "out", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the reports (created owner-only if missing).")
@_scan_options
@_governance_options
@click.pass_context
def scan(ctx: click.Context, paths: tuple[str, ...], out: Path, **options: Any) -> None:
    """Scan PATHS (folders, mounted shares, USB sticks or single files) into reports in --out.

    \b
    Writes, as chosen with --format:
      findings.json  every file with its type, protection, entity counts and flags
      report.html    a self-contained report for the DPO
      report.xlsx    the same as an Excel workbook
      files.csv      every file as one CSV row

    Files unchanged since the last scan (same size, time and file id) are not read again:
    their results come from the catalogue (--db); --full reads everything.
    """
    run = _prepare_run(ctx, options)
    out = _prepare_out_dir(out)
    with RecordStore() as store:
        result = _execute(run, [os.path.abspath(p) for p in paths], out, store)
        status = exit_status(result, options["fail_on"])
    ctx.exit(status)


@main.command()
@click.option("--out", "-o", "out", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the reports (created owner-only if missing).")
@click.option("--format", "-f", "formats", default=",".join(REPORT_WRITERS),
              show_default=True, callback=_parse_formats, help="Comma-separated report formats.")
@click.option("--root", "roots", multiple=True, metavar="PATH",
              help="Only files under this scanned path (repeatable). [default: all]")
@_governance_options
@click.pass_context
def report(ctx: click.Context, out: Path, formats: tuple[str, ...], roots: tuple[str, ...],
           **options: Any) -> None:
    """Write the reports again from the catalogue, without scanning.

    Retention, the register and the policy are applied afresh, with the DPO's reviews:
    with the rules file, register, public locations and as-of date the last scan used,
    unless --rules, --register, --public-location or --as-of are given again (a scan judged
    as of the day it ran is judged as of today).  The summary is the last scan's; files
    and changes recorded since (by a watch session) are included.
    """
    from dpscan.reports import write_reports
    from dpscan.scanner.runner import report_from_catalogue

    _setup_logging(options["quiet"], options["log_file"], options["verbose"])
    file = _load_file_settings(options["config_file"])
    db_path = options["db_path"]
    if db_path is not None and not Path(db_path).exists():
        raise ConfigError(f"no catalogue at {db_path}: run dpscan scan --db {db_path} first")
    with RecordStore() as store:
        with _open_catalogue(db_path) as catalogue:
            latest = catalogue.latest_scan()
            if latest is None:
                raise ConfigError("the catalogue holds no scan yet: run dpscan scan first")
            context = _report_context(options, file, latest)
            result = report_from_catalogue(catalogue, context.governor,
                                           roots=[os.path.abspath(r) for r in roots] or None,
                                           store=store)
        if result is None:
            raise ConfigError("the catalogue holds no scan yet: run dpscan scan first")
        # Provenance: which context judged the files, and what could not be used as recorded.
        result.scan.rules["context"] = context.used
        if context.warnings:
            result.scan.rules["context_warnings"] = "; ".join(context.warnings)
        for warning in context.warnings:
            log.warning("%s", warning)
        out = _prepare_out_dir(out)
        written = write_reports(result, out, formats)
        if not options["quiet"]:
            click.echo(f"{counted(result.scan.files_seen, 'file')} from scan "
                       f"{result.scan.scan_id} (started {result.scan.started}).", err=True)
            click.echo(f"Judged with {context.used}.", err=True)
            for path in written:
                click.echo(f"  {path}", err=True)
        status = exit_status(result, options["fail_on"])
    ctx.exit(status)


@dataclass(slots=True)
class _ReportContext:
    """What judges a report from the catalogue: the governor, one line saying which rules,
    register, public locations and as-of date it holds and where each came from, and what
    of the scan's recorded context could not be used as it was."""

    governor: Governor
    used: str
    warnings: list[str]


def _report_context(options: dict[str, Any], file: FileSettings,
                    scan: dict[str, Any]) -> _ReportContext:
    """The last scan's context (see :func:`dpscan.scanner.runner.scan_context`), each part
    replaced by the option given again.  A remembered rules file or register that is gone
    falls back to the default (the shipped rules, no register); one that changed since the
    scan is used as it is now; both are said."""
    label = f"scan {scan['id']}"
    recorded = scan.get("context")
    warnings: list[str] = []
    if recorded is None:
        warnings.append(f"{label} recorded no rules, register or public locations (an older "
                        "dpscan made it): the defaults are used unless given")
    recorded = recorded or {}

    def remembered(option: str, field: str, what: str, fallback: str) -> tuple[Path | None, str]:
        if options[option] is not None:
            return options[option], "given"
        path = recorded.get(field)
        if path is None:
            return None, f"as {label}"
        if not Path(path).is_file():
            warnings.append(f"the {what} {path} that {label} used no longer exists: "
                            f"{fallback}")
            return None, f"{label}'s is gone"
        return Path(path), f"as {label}"

    rules_file, rules_from = remembered("rules_file", "rules_file", "rules file",
                                        "judged with the shipped rules")
    register_file, register_from = remembered("register_file", "register_file", "register",
                                              "judged without a register")
    given_public = bool(options["public_locations"])
    public = (options["public_locations"] if given_public
              else tuple(recorded.get("public_locations") or ()))
    as_of = (options["as_of"].date() if options["as_of"]
             else dt.date.fromisoformat(recorded["as_of"]) if recorded.get("as_of") else None)
    policy = build_policy(file, due_soon_days=options["due_soon_days"], public_locations=public)
    policy = replace(policy, public_locations=tuple(dict.fromkeys(policy.public_locations)))
    governor = _load_governor(rules_file, register_file, policy, today=as_of)
    for what, field, loaded in (("rules file", "rules", governor.schedule),
                                ("register", "register", governor.register)):
        was = recorded.get(f"{field}_sha256")
        if (loaded is not None and was is not None and loaded.sha256 != was
                and os.path.abspath(loaded.source) == recorded.get(f"{field}_file")):
            warnings.append(f"the {what} {loaded.source} has changed since {label}: judged "
                            "with it as it is now")
    rules = str(rules_file) if rules_file is not None else "the shipped rules"
    register = str(register_file) if register_file is not None else "no register"
    places = ", ".join(policy.public_locations) or "none"
    day = (as_of.isoformat() if as_of is not None else f"today ({governor.today.isoformat()})")
    public_from = "given" if given_public else f"as {label}"
    as_of_from = "given" if options["as_of"] else f"as {label}"
    used = (f"rules: {rules} ({rules_from}); register: {register} ({register_from}); "
            f"public locations besides the defaults: {places} ({public_from}); "
            f"as of: {day} ({as_of_from})")
    return _ReportContext(governor=governor, used=used, warnings=warnings)


@main.command()
@click.argument("path", required=False)
@click.option("--status", type=click.Choice(REVIEW_STATUSES),
              help="false_positive: nothing personal after all; accepted: the DPO accepts "
                   "the risk (e.g. a locked-down HR folder).")
@click.option("--reason", help="Why, in a few words (kept with the review).")
@click.option("--reviewer", default=None, help="Who decided. [default: the login name]")
@click.option("--clear", is_flag=True, help="Remove the review of PATH.")
@click.option("--list", "list_reviews", is_flag=True,
              help="List every review, and whether it still holds (a review lapses once "
                   "its file changes).")
@click.option("--root", "root", metavar="FOLDER",
              help="The scanned folder PATH is relative to (as the reports show it).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              envvar="DPSCAN_DB", help="Catalogue database. [default: as for scan]")
def review(path: str | None, status: str | None, reason: str | None, reviewer: str | None,
           clear: bool, list_reviews: bool, root: str | None, db_path: Path | None) -> None:
    """Mark the findings in PATH as a false positive or accepted, with a reason.

    PATH is a scanned file as the report shows it (relative to its scanned folder:
    "Year 7/list.xlsx"; --root names the folder when several hold that path), or its
    absolute path (an archive member as /share/trip.zip!list.xlsx).  The review is kept in
    the catalogue and shown in every later report while the file is unchanged; once it
    changes the review lapses and the findings are open again.
    """
    with _open_catalogue(db_path) as catalogue:
        if list_reviews:
            for full_path, item in catalogue.reviews().items():
                click.echo(f"{item.status}\t{_review_state(catalogue, full_path, item)}\t"
                           f"{item.reviewed}\t{item.reviewer}\t{full_path}\t{item.reason}")
            return
        if path is None:
            raise click.UsageError("give the PATH of a scanned file (or --list)")
        if clear:
            target = _review_target(catalogue, path, root, reviewed=catalogue.reviews())
            removed = catalogue.clear_review(target)
            click.echo(f"review removed: {target}" if removed
                       else f"no review of {target} to remove")
            return
        if status is None or not reason:
            raise click.UsageError(f"give --status and --reason for {path} (or --clear)")
        target = _review_target(catalogue, path, root)
        record = catalogue.find_records(target)[0]
        saved = catalogue.set_review(record, status, reason, reviewer or _login_name())
        click.echo(f"{saved.status}: {target} ({saved.reason})")


def _review_target(catalogue: Catalogue, path: str, root: str | None, *,
                   reviewed: dict[str, Review] | None = None) -> str:
    """The absolute path of the one catalogued file (or member) PATH names: PATH under
    --root; an absolute PATH; or a relative PATH as the reports show it, under whichever
    scanned folder holds it (or the current folder).  ``reviewed``: reviews that count
    even when their file is no longer catalogued (to clear the review of a file since
    deleted).  A ConfigError names PATH when none or several match."""
    from dpscan.scanner.catalogue import absolute_path, root_key

    if root is not None:
        candidates = [absolute_path(root_key(root), path)]
    elif os.path.isabs(path):
        candidates = [_absolute_member_path(path)]
    else:
        candidates = [*(absolute_path(known, path) for known in catalogue.known_roots()),
                      _absolute_member_path(path),
                      *(full for full, item in (reviewed or {}).items() if item.path == path)]
    found = sorted({c for c in candidates
                    if c in (reviewed or {}) or catalogue.find_records(c)})
    if not found:
        where = f" under {root}" if root is not None else ""
        raise ConfigError(f"{path}{where} is not in the catalogue: scan it first, or give "
                          "the path as a report shows it (with --root) or in full")
    if len(found) > 1:
        raise ConfigError(f"{path} names {len(found)} catalogued files ({', '.join(found)}): "
                          "give its full path, or its scanned folder with --root")
    return found[0]


def _review_state(catalogue: Catalogue, full_path: str, item: Review) -> str:
    """Whether a review still holds: its file is unchanged since it was reviewed."""
    records = catalogue.find_records(full_path)
    if not records:
        return "lapsed (the file is no longer in the catalogue)"
    return "holds" if item.holds_for(records[0]) else "lapsed (the file changed since)"


def _absolute_member_path(path: str) -> str:
    outer, bang, inner = path.partition("!")
    return os.path.abspath(outer) + bang + inner


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@main.command()
@click.argument("mountpoints", nargs=-1,
                type=click.Path(exists=True, file_okay=False, dir_okay=True, path_type=str))
@click.option("--out", "-o", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the reports. [default: usb-<name>-<time> in the user's data "
                   "folder]")
@_scan_options
@_governance_options
@click.pass_context
def usb(ctx: click.Context, mountpoints: tuple[str, ...], out: Path | None,
        **options: Any) -> None:
    """Scan a returned USB stick and give a verdict in a minute.

    Without MOUNTPOINT, finds mounted removable media by itself.  Every file with personal
    data on a stick that reads without a password gets the removable_media flag: the
    policy requires personal data on removable media to be encrypted.
    """
    from dpscan.scanner.usb import find_removable_mounts, media_encryption, usb_verdict

    if not mountpoints:
        found = find_removable_mounts()
        if not found:
            raise ConfigError("no mounted removable media found: give the MOUNTPOINT")
        mountpoints = tuple(m.mountpoint for m in found)
    run = _prepare_run(ctx, options, removable_media=True)
    for mountpoint in mountpoints:
        encryption = media_encryption(mountpoint)
        if encryption.encrypted:
            run.governor.policy = replace(run.governor.policy, removable_media=False)
        target = out or _default_usb_out(mountpoint)
        target = _prepare_out_dir(target if len(mountpoints) == 1
                                  else target / _safe_name(mountpoint))
        with RecordStore() as store:
            result = _execute(run, [os.path.abspath(mountpoint)], target, store)
            click.echo(usb_verdict(mountpoint, result, encryption))
            status = exit_status(result, options["fail_on"])
        if run.catalogue is not None and mountpoint != mountpoints[-1]:
            run = _prepare_run(ctx, options, removable_media=True)
        if status:
            ctx.exit(status)


def _safe_name(path: str) -> str:
    name = os.path.basename(os.path.normpath(path)) or "media"
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:40]


def _default_usb_out(mountpoint: str) -> Path:
    import platformdirs

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return (platformdirs.user_data_path("dpscan", appauthor=False) / "reports"
            / f"usb-{_safe_name(mountpoint)}-{stamp}")


@main.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, dir_okay=True, path_type=str))
@click.option("--usb", "watch_usb", is_flag=True,
              help="Also scan removable media as soon as they are mounted.")
@click.option("--settle-seconds", type=click.FloatRange(min=0.1), default=5.0,
              show_default=True,
              help="Wait this long after the last change to a file before reading it.")
@click.option("--out", "-o", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Also rewrite the reports here after each batch of changes.")
@_scan_options
@_governance_options
@click.pass_context
def watch(ctx: click.Context, paths: tuple[str, ...], watch_usb: bool,
          settle_seconds: float, out: Path | None, **options: Any) -> None:
    """Watch PATHS and scan files as they are created or changed, into the catalogue.

    Bursts of changes are coalesced: a file is read once it has been quiet for
    --settle-seconds.  Each file with personal data is logged with its severity.  Stop
    with Ctrl-C.
    """
    from dpscan.scanner.secret import key_path
    from dpscan.scanner.walk import scan_outputs
    from dpscan.scanner.watch import watch_paths

    run = _prepare_run(ctx, options)
    run.config = replace(run.config, workers=1)
    if run.catalogue is None:
        raise ConfigError("watch keeps its results in the catalogue: do not use --no-db")
    if out is not None:
        out = _prepare_out_dir(out)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        config = replace(run.config, skip_paths=scan_outputs(
            out=out, catalogue=run.catalogue.path, key=key_path(), log=options["log_file"]))
        watch_paths([os.path.abspath(p) for p in paths], config, run.catalogue,
                    run.governor, settle_seconds=settle_seconds, watch_usb=watch_usb,
                    out=out, formats=options["formats"])
    except KeyboardInterrupt:
        log.info("watch stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
        run.catalogue.close()


def _register_commands() -> None:
    # Commands kept in modules of their own: one line each here.
    from dpscan.scanner.cli_person import find_person

    main.add_command(find_person)


_register_commands()
