"""One file's journey: path in, one :class:`FileResult` out.

:func:`scan_file` is a pure function of the file and the settings: it can run in a
worker process, be retried, or be cached by (size, mtime, inode).  Every problem
with the file becomes data on its result; nothing it raises escapes, except the
detector failing to load, which is a configuration error.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import BinaryIO

from detectors.content import ContentDetector
from detectors.policy import apply_policy_flags
from detectors.protection import check_protection
from scanner.config import ScanConfig
from scanner.extract import EncryptedContent, extractor_for
from scanner.fileio import NotARegularFile, open_readonly
from scanner.results import (
    PROTECTION_ENCRYPTED,
    PROTECTION_NONE,
    STATUS_ENCRYPTED,
    STATUS_ERROR,
    STATUS_SCANNED,
    FileResult,
    Flag,
)
from scanner.sniff import MIME_EMPTY, sniff_handle
from scanner.walk import FileEntry

# Error messages from parsers can quote bytes of the file: keep them short.
_MAX_ERROR_CHARS = 300


def iso_utc(ns: int) -> str:
    """A POSIX timestamp in nanoseconds as ISO 8601 in UTC, to the second."""
    moment = dt.datetime.fromtimestamp(ns / 1e9, tz=dt.UTC)
    return moment.replace(microsecond=0).isoformat()


def describe_error(exc: BaseException) -> str:
    """A one-line message for a failure to read a file."""
    if isinstance(exc, FileNotFoundError):
        return "vanished before it could be read"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} (errno {exc.errno})"
    message = " ".join(str(exc).split()) or "no detail"
    return f"{type(exc).__name__}: {message}"[:_MAX_ERROR_CHARS]


def _fail(result: FileResult, message: str) -> FileResult:
    result.status = STATUS_ERROR
    result.error = message
    result.add_flag(Flag.UNREADABLE)
    return result


def scan_file(entry: FileEntry, config: ScanConfig, detector: ContentDetector) -> FileResult:
    """Sniff, check protection, extract and detect one file; never raises for a bad file."""
    started = time.perf_counter()
    result = FileResult(
        path=entry.relpath,
        root=entry.root,
        size=entry.size,
        modified=iso_utc(entry.mtime_ns),
    )
    if entry.non_utf8_name:
        result.add_flag(Flag.NON_UTF8_NAME)
    try:
        if not entry.is_regular:
            result.add_flag(Flag.SPECIAL_FILE)
            return result
        try:
            with open_readonly(entry.abspath) as handle:
                _scan_open_file(handle, entry, config, detector, result)
        except NotARegularFile:
            result.add_flag(Flag.SPECIAL_FILE)
        except Exception as exc:  # noqa: BLE001 - any failure is this file's, not the scan's
            _fail(result, describe_error(exc))
        apply_policy_flags(result)
        return result
    finally:
        result.seconds = round(time.perf_counter() - started, 4)


def _scan_open_file(
    handle: BinaryIO,
    entry: FileEntry,
    config: ScanConfig,
    detector: ContentDetector,
    result: FileResult,
) -> None:
    size = os.fstat(handle.fileno()).st_size
    result.size = size
    sniffed = sniff_handle(handle, os.path.basename(entry.relpath), size)
    result.mime = sniffed.mime
    result.extension_mismatch = sniffed.extension_mismatch
    if sniffed.mime == MIME_EMPTY:
        result.protection = PROTECTION_NONE
        result.status = STATUS_SCANNED
        result.add_flag(Flag.EMPTY_FILE)
        return

    verdict = check_protection(sniffed.mime, handle)
    result.protection, result.protection_detail = verdict.protection, verdict.detail
    if verdict.protection == PROTECTION_ENCRYPTED:
        result.status = STATUS_ENCRYPTED
        return

    extractor = extractor_for(sniffed.mime)
    if extractor is None:
        result.add_flag(Flag.NO_TEXT_EXTRACTED)
        return
    result.extractor = extractor.name
    if size > config.limits.max_file_bytes:
        result.add_flag(Flag.TOO_LARGE)
        result.error = (
            f"not read: {size} bytes is over the max_file_bytes limit "
            f"({config.limits.max_file_bytes})"
        )
        return
    try:
        extracted = extractor.extract(handle, config.limits.max_text_chars)
    except EncryptedContent as exc:
        result.protection, result.protection_detail = PROTECTION_ENCRYPTED, exc.detail
        result.status = STATUS_ENCRYPTED
        return
    except Exception as exc:  # noqa: BLE001 - corrupt or hostile content
        _fail(result, describe_error(exc))
        return
    if extracted.protection_detail:
        result.protection_detail = extracted.protection_detail
    for flag in extracted.flags:
        result.add_flag(flag)
    if extracted.truncated:
        result.add_flag(Flag.TEXT_TRUNCATED)
    result.text_chars = len(extracted.text)
    findings = detector.detect(extracted.text, extracted.tables)
    result.entities = findings.entities
    result.evidence = findings.evidence
    result.data_subjects = findings.data_subjects
    result.special_categories = findings.special_categories
    result.special_category_evidence = findings.special_category_evidence
    result.columns = findings.columns
    result.ner_chars = findings.ner_chars
    result.status = STATUS_SCANNED
