"""One file's journey: path in, result records out.

:func:`scan_file` is a pure function of the file and the settings: it can run in a
worker process, be retried, or be cached by (size, mtime, inode).  It returns the
file's own record first, then one record per file found inside it (archive members,
email attachments), each scanned the same way.  Every problem with a file becomes data
on its record; nothing it raises escapes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, BinaryIO, cast

from dpscan.detectors.content import ContentDetector
from dpscan.detectors.governance.policy import apply_policy_flags, fold_members
from dpscan.detectors.person_index import index_terms
from dpscan.model.config import ScanConfig
from dpscan.model.extraction import LimitExceeded, Member, describe_error, is_content_failure
from dpscan.model.ids import Flag, Protection, Status
from dpscan.model.records import FileResult
from dpscan.scanner.extract import EncryptedContent, extractor_for
from dpscan.scanner.fileio import FileChangedDuringScan, NotARegularFile, open_readonly
from dpscan.scanner.protection import check_protection, decrypt_office
from dpscan.scanner.sniff import MIME_EMPTY, sniff_handle
from dpscan.scanner.walk import FileEntry

# Members up to this size are held in memory; larger ones spill to a private temp file.
_SPOOL_BYTES = 16 * 1024 * 1024


def iso_utc(ns: int) -> str:
    """A POSIX timestamp in nanoseconds as ISO 8601 in UTC, to the second."""
    moment = dt.datetime.fromtimestamp(ns / 1e9, tz=dt.UTC)
    return moment.replace(microsecond=0).isoformat()


def _fail(result: FileResult, message: str) -> FileResult:
    result.status = Status.ERROR
    result.error = message
    result.add_flag(Flag.UNREADABLE)
    return result


@dataclass(slots=True)
class _Budget:
    """What one top-level file may still expand to, shared by all its nested members."""

    members: int
    total_bytes: int


def scan_file(
    entry: FileEntry, config: ScanConfig, detector: ContentDetector
) -> list[FileResult]:
    """Scan one file and everything inside it; never raises for a bad file.

    Returns the file's record first, then its members' records in container order.
    """
    started = time.perf_counter()
    result = FileResult(
        path=entry.relpath,
        root=entry.root,
        size=entry.size,
        modified=iso_utc(entry.mtime_ns),
    )
    if entry.non_utf8_name:
        result.add_flag(Flag.NON_UTF8_NAME)
    members: list[FileResult] = []
    try:
        if not entry.is_regular:
            result.add_flag(Flag.SPECIAL_FILE)
            return [result]
        budget = _Budget(config.limits.max_members, config.limits.max_total_bytes)
        try:
            with open_readonly(entry.abspath, expected=entry.identity) as handle:
                size = os.fstat(handle.fileno()).st_size
                if size <= config.limits.max_file_bytes:
                    result.sha256 = _sha256(handle)
                members = _scan_handle(handle, size, result, config, detector, 0, budget)
        except NotARegularFile:
            result.add_flag(Flag.SPECIAL_FILE)
        except FileChangedDuringScan as exc:  # swapped (for a symlink, say) since the crawl
            _fail(result, exc.strerror or "changed between listing and reading")
        except BaseException as exc:  # noqa: BLE001 - any failure is this file's, not the scan's (a Rust panic too)
            if not is_content_failure(exc):
                raise
            _fail(result, describe_error(exc))
        fold_members(result, members)
        apply_policy_flags(result)
        return [result, *members]
    finally:
        result.seconds = round(time.perf_counter() - started, 4)


def _scan_handle(
    handle: BinaryIO,
    size: int,
    result: FileResult,
    config: ScanConfig,
    detector: ContentDetector,
    depth: int,
    budget: _Budget,
) -> list[FileResult]:
    """Fill ``result`` from the open file; return the records of the files inside it."""
    result.size = size
    sniffed = sniff_handle(handle, os.path.basename(result.path.rsplit("!", 1)[-1]), size)
    result.mime = sniffed.mime
    result.extension_mismatch = sniffed.extension_mismatch
    if sniffed.dpscan_report:
        result.add_flag(Flag.DPSCAN_REPORT)
    if sniffed.mime == MIME_EMPTY:
        result.protection = Protection.NONE
        result.status = Status.SCANNED
        result.add_flag(Flag.EMPTY_FILE)
        return []

    verdict = check_protection(sniffed.mime, handle)
    result.protection, result.protection_detail = verdict.protection, verdict.detail
    if verdict.password is not None:
        # Encrypted with a password everyone has: read what is inside as this file.
        with tempfile.SpooledTemporaryFile(_SPOOL_BYTES) as plain:
            decrypt_office(handle, verdict.password, plain)
            size = plain.tell()
            plain.seek(0)
            members = _scan_handle(_binary(plain), size, result, config, detector, depth,
                                   budget)
            result.protection_detail = verdict.detail
            return members
    extractor = extractor_for(sniffed.mime)
    if verdict.protection == Protection.ENCRYPTED:
        result.status = Status.ENCRYPTED
        if extractor is None or not extractor.reads_encrypted:
            return []
    if extractor is None:
        result.add_flag(Flag.NO_TEXT_EXTRACTED)
        return []
    result.extractor = extractor.name
    limits = config.limits
    if size > limits.max_file_bytes:
        result.add_flag(Flag.TOO_LARGE)
        result.error = (
            f"not read: {size} bytes is over the max_file_bytes limit ({limits.max_file_bytes})"
        )
        return []
    try:
        extracted = extractor.extract(handle, limits)
    except EncryptedContent as exc:
        result.protection, result.protection_detail = Protection.ENCRYPTED, exc.detail
        result.status = Status.ENCRYPTED
        return []
    except LimitExceeded as exc:  # e.g. an image too large to decode: not read, not broken
        result.add_flag(Flag.TOO_LARGE)
        result.error = str(exc)
        return []
    except BaseException as exc:  # noqa: BLE001 - corrupt or hostile content (a Rust panic too)
        if not is_content_failure(exc):
            raise
        _fail(result, describe_error(exc))
        return []
    if extracted.protection_detail:
        result.protection_detail = extracted.protection_detail
    for flag in extracted.flags:
        result.add_flag(flag)
    if extracted.truncated:
        result.add_flag(Flag.TEXT_TRUNCATED)
    if extracted.notice:
        result.error = extracted.notice
    result.text_chars = len(extracted.text)
    result.recipients_exposed = extracted.recipients_exposed
    findings = detector.detect(extracted.text, extracted.tables)
    if config.index_key is not None:
        result.index_terms = index_terms(extracted.text, extracted.tables, config.index_key)
    result.entities = findings.entities
    result.evidence = findings.evidence
    result.data_subjects = findings.data_subjects
    result.special_categories = findings.special_categories
    result.special_category_evidence = findings.special_category_evidence
    result.columns = findings.columns
    result.ner_chars = findings.ner_chars
    result.topics = findings.topics
    result.latest_birth_year = findings.latest_birth_year
    if result.status != Status.ENCRYPTED:
        result.status = Status.SCANNED

    records: list[FileResult] = []
    for member in extracted.members:
        records.extend(_scan_member(member, result, config, detector, depth + 1, budget))
    return records


def _scan_member(
    member: Member,
    container: FileResult,
    config: ScanConfig,
    detector: ContentDetector,
    depth: int,
    budget: _Budget,
) -> list[FileResult]:
    """Scan one member of ``container`` as a record of its own (and its members in turn)."""
    started = time.perf_counter()
    result = FileResult(
        path=f"{container.path}!{member.name}",
        root=container.root,
        size=member.size,
        modified=member.modified or container.modified,
        container=container.path,
    )
    for flag in member.flags:
        result.add_flag(flag)
    records: list[FileResult] = []
    try:
        if member.encrypted:
            result.protection, result.protection_detail = Protection.ENCRYPTED, member.encrypted
            result.status = Status.ENCRYPTED
        elif member.error and Flag.ARCHIVE_LIMIT in member.flags:
            _limit(container, result, member.error)  # skipped by a limit: not read, not broken
        elif member.error or member.open is None:
            _fail(result, member.error or "member could not be read")
        elif budget.members <= 0:
            _limit(container, result, f"not read: the max_members limit "
                                      f"({config.limits.max_members}) was reached")
        elif depth > config.limits.max_depth:
            _limit(container, result, f"not read: nested deeper than the max_depth limit "
                                      f"({config.limits.max_depth})")
        else:
            budget.members -= 1
            records = _read_member(member.open, result, config, detector, depth, budget)
    except LimitExceeded as exc:
        _limit(container, result, str(exc))
    except BaseException as exc:  # noqa: BLE001 - a bad member is the member's problem (a Rust panic too)
        if not is_content_failure(exc):
            raise
        _fail(result, describe_error(exc))
    fold_members(result, records)
    apply_policy_flags(result)
    result.seconds = round(time.perf_counter() - started, 4)
    return [result, *records]


def _read_member(
    open_member: Callable[[], IO[bytes]],
    result: FileResult,
    config: ScanConfig,
    detector: ContentDetector,
    depth: int,
    budget: _Budget,
) -> list[FileResult]:
    # Copy the member into a private spool (memory, or a temp file past _SPOOL_BYTES) so
    # extractors get a seekable file, reading no more than the limits allow: a zip bomb
    # stops at the limit, never expanded further.
    cap = min(config.limits.max_member_bytes, budget.total_bytes)
    with open_member() as source, tempfile.SpooledTemporaryFile(_SPOOL_BYTES) as spool:
        copied = 0
        digest = hashlib.sha256()
        while chunk := source.read(1024 * 1024):
            copied += len(chunk)
            digest.update(chunk)
            if copied > cap:
                budget.total_bytes -= copied - len(chunk)
                which = ("max_member_bytes" if cap == config.limits.max_member_bytes
                         else "max_total_bytes")
                value = getattr(config.limits, which)
                raise LimitExceeded(f"not read: expands past the {which} limit ({value} bytes)")
            spool.write(chunk)
        budget.total_bytes -= copied
        result.sha256 = digest.hexdigest()
        spool.seek(0)
        return _scan_handle(_binary(spool), copied, result, config, detector, depth, budget)


def _binary(spool: tempfile.SpooledTemporaryFile[bytes]) -> BinaryIO:
    """A binary spool as the BinaryIO the sniffer and extractors take: typeshed types a
    SpooledTemporaryFile as IO[bytes] only, though in "w+b" mode it is a binary file."""
    return cast(BinaryIO, spool)


def _sha256(handle: BinaryIO) -> str:
    """The SHA-256 of the whole file (copies of one pupil list are found by it); the
    handle is left at the start.  The page cache makes the extractor's read cheap after."""
    # open_readonly's handle is a BufferedReader (os.fdopen "rb"), which file_digest reads
    # into; BinaryIO declares no readinto.
    digest = hashlib.file_digest(cast(io.BufferedReader, handle), "sha256")
    handle.seek(0)
    return digest.hexdigest()


def _limit(container: FileResult, result: FileResult, message: str) -> None:
    """Record a container limit on the member and raise the flag on both records."""
    result.error = message
    result.add_flag(Flag.ARCHIVE_LIMIT)
    container.add_flag(Flag.ARCHIVE_LIMIT)


__all__ = ["describe_error", "iso_utc", "scan_file"]
