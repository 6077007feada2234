"""The ``dpscan`` command line.  Only this module prints and exits.

Exit status: 0 the scan completed (even when some files could not be read),
2 a usage or configuration error (nothing is scanned or written).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import time
from pathlib import Path

import click

from detectors.governance import Governor, Policy
from detectors.retention import (
    RetentionSchedule,
    RulesError,
    check_schedule,
    default_rules_path,
    load_schedule,
)
from detectors.settings import DEFAULT_SPACY_MODEL, ModelNotInstalled, ensure_model_installed
from reports import REPORT_WRITERS, make_private_dir
from scanner import __version__
from scanner.config import MIB, Limits
from scanner.executors import EXECUTORS
from scanner.progress import make_progress
from scanner.settings_file import (
    FileSettings,
    SettingsError,
    build_policy,
    build_scan_config,
    load_settings,
)

log = logging.getLogger("dpscan")

EXIT_CONFIG_ERROR = 2
_DEFAULT_LIMITS = Limits()


class ConfigError(click.ClickException):
    """A configuration problem: reported in one line, exit status 2."""

    exit_code = EXIT_CONFIG_ERROR


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dpscan")
def main() -> None:
    """dpscan: find personal data on school file shares and USB media.

    Scans folders for files holding personal data (names, NHS numbers, UPNs,
    dates of birth ...), tells whether each file is protected, and writes
    reports for the Data Protection Officer.  A scan never changes what it scans.
    """


def _load_schedule(rules_file: Path | None) -> RetentionSchedule:
    try:
        return load_schedule(rules_file or default_rules_path())
    except RulesError as exc:
        raise ConfigError(str(exc)) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read rules file {rules_file}: {exc.strerror}") from exc


def _load_governor(rules_file: Path | None, register_file: Path | None,
                   policy: Policy, today: dt.date | None = None) -> Governor:
    """The retention schedule, register and policy, validated before anything is scanned."""
    schedule = _load_schedule(rules_file)
    register = None
    if register_file is not None:
        from detectors.register import RegisterError, load_register

        try:
            register = load_register(register_file, rule_ids=[r.id for r in schedule.rules])
        except RegisterError as exc:
            raise ConfigError(str(exc)) from exc
        except OSError as exc:
            raise ConfigError(f"cannot read register {register_file}: {exc.strerror}") from exc
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
    schedule = _load_schedule(rules_file)
    problems = check_schedule(schedule)
    if problems:
        raise ConfigError("\n".join(problems))
    click.echo(f"{schedule.source}: {len(schedule.rules)} rules, every example holds.")


@main.command()
@click.argument(
    "paths", nargs=-1, required=True,
    type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=str),
)
@click.option("--out", "-o", "out", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the reports (created owner-only if missing).")
@click.option("--format", "-f", "formats", default=",".join(REPORT_WRITERS),
              show_default=True, callback=_parse_formats,
              help="Comma-separated report formats.")
@click.option("--workers", "-w", type=click.IntRange(min=1), default=None,
              help="Worker processes. [default: number of CPU cores]")
@click.option("--exclude", "excludes", multiple=True, metavar="GLOB",
              help="Skip files and folders whose name or relative path matches (repeatable).")
@click.option("--follow-symlinks", is_flag=True,
              help="Follow symbolic links (each folder is still visited once).")
@click.option("--max-file-mb", type=click.IntRange(min=1),
              default=_DEFAULT_LIMITS.max_file_bytes // MIB, show_default=True,
              help="Files larger than this are listed but not read.")
@click.option("--max-text-chars", type=click.IntRange(min=1000),
              default=_DEFAULT_LIMITS.max_text_chars, show_default=True,
              help="Text analysed per file; the rest is flagged text_truncated.")
@click.option("--spacy-model", default=DEFAULT_SPACY_MODEL, show_default=True,
              help="Installed spaCy pipeline used for names.")
@click.option("--ocr/--no-ocr", default=None,
              help="Read images and PDFs without a text layer by OCR (Debian package "
                   "tesseract-ocr). [default: off]")
@click.option("--ocr-seconds", type=click.FloatRange(min=1), default=_DEFAULT_LIMITS.ocr_seconds,
              show_default=True,
              help="OCR time per file; pages left unread are flagged ocr_incomplete.")
@click.option("--file-timeout", "file_seconds", type=click.FloatRange(min=1),
              default=_DEFAULT_LIMITS.file_seconds, show_default=True,
              help="Seconds one file may take; past it the worker is replaced and the file "
                   "gets an error naming the limit.")
@click.option("--max-worker-mb", "worker_memory_mb", type=click.IntRange(min=256),
              default=_DEFAULT_LIMITS.worker_memory_bytes // MIB, show_default=True,
              help="Memory one worker process may use; a file that needs more gets an error.")
@click.option("--executor", type=click.Choice(sorted(EXECUTORS)), default="local",
              show_default=True,
              help="Where files are scanned: local worker processes, or a Dask cluster.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler address for --executor dask, e.g. tcp://host:8786.")
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Retention rules (YAML). [default: the shipped schedule for England]")
@click.option("--register", "register_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Information Asset Register (.xlsx or .csv).")
@click.option("--due-soon-days", type=click.IntRange(min=0), default=None,
              help="Flag files due for disposal within this many days as due_soon. "
                   "[default: 90]")
@click.option("--public-location", "public_locations", multiple=True, metavar="GLOB",
              help="A widely readable folder, e.g. '**/Pupil Shared/**' (repeatable).")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge retention as on this date (YYYY-MM-DD), e.g. the end of term. "
                   "[default: today]")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Settings file (YAML): detection thresholds, limits, excludes. "
                   "Options given here win over it.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.pass_context
def scan(
    ctx: click.Context,
    paths: tuple[str, ...],
    out: Path,
    formats: tuple[str, ...],
    workers: int | None,
    excludes: tuple[str, ...],
    follow_symlinks: bool,
    max_file_mb: int,
    max_text_chars: int,
    spacy_model: str,
    ocr: bool | None,
    ocr_seconds: float,
    file_seconds: float,
    worker_memory_mb: int,
    executor: str,
    scheduler: str | None,
    rules_file: Path | None,
    register_file: Path | None,
    due_soon_days: int | None,
    public_locations: tuple[str, ...],
    as_of: dt.datetime | None,
    config_file: Path | None,
    quiet: bool,
) -> None:
    """Scan PATHS (folders, mounted shares, USB sticks or single files) into reports in --out.

    \b
    Writes, as chosen with --format:
      findings.json  every file with its type, protection, entity counts and flags
      report.html    a self-contained report for the DPO
      report.xlsx    the same as an Excel workbook
    """
    # Imported here so that --help does not wait for presidio and spaCy to load.
    from reports import write_reports
    from scanner.runner import run_scan

    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)

    def given(name: str) -> bool:
        return ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE

    options = {"max_file_mb": max_file_mb, "max_text_chars": max_text_chars,
               "spacy_model": spacy_model, "ocr_seconds": ocr_seconds,
               "file_seconds": file_seconds, "worker_memory_mb": worker_memory_mb,
               "executor": executor, "scheduler": scheduler}
    try:
        file = load_settings(config_file) if config_file is not None else FileSettings()
    except SettingsError as exc:
        raise ConfigError(str(exc)) from exc
    config = build_scan_config(
        file,
        options={k: v for k, v in options.items() if given(k)}
        | ({"ocr": ocr} if ocr is not None else {}),
        defaults=options | {"ocr": False},
        workers=workers or os.cpu_count() or 1,
        excludes=excludes,
        follow_symlinks=follow_symlinks,
    )
    spacy_model = config.detection.spacy_model
    if config.limits.ocr:
        from scanner.extract.ocr import OcrUnavailable, require_tesseract

        try:
            require_tesseract()
        except OcrUnavailable as exc:
            raise ConfigError(str(exc)) from exc
        # One OpenMP thread per Tesseract: the workers already use every core.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        ensure_model_installed(spacy_model)
    except ModelNotInstalled as exc:
        raise ConfigError(str(exc)) from exc
    governor = _load_governor(rules_file, register_file,
                              build_policy(file, due_soon_days=due_soon_days,
                                           public_locations=public_locations),
                              today=as_of.date() if as_of else None)
    out = _prepare_out_dir(out)
    roots = [os.path.abspath(p) for p in paths]
    started = time.monotonic()
    try:
        with make_progress(quiet=quiet) as progress:
            result = run_scan(roots, config, progress=progress, governor=governor)
    except ModelNotInstalled as exc:
        raise ConfigError(str(exc)) from exc
    written = write_reports(result, out, formats)
    if not quiet:
        summary = result.scan
        click.echo(
            f"Scanned {summary.files_seen} files in {time.monotonic() - started:.1f}s: "
            f"{summary.files_with_personal_data} with personal data, "
            f"{summary.errors} errors.",
            err=True,
        )
        for path in written:
            click.echo(f"  {path}", err=True)
