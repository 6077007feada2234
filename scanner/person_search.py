"""find-person: every catalogued file about one person, for a subject access or erasure
request.

The search runs against the catalogue's keyed-hash index (:mod:`dpscan.detectors.person_index`)
without reading the share: ``lookup(terms)`` gives each catalogued file that holds any of
the query's terms, with the counts it holds.  ``rescan=True`` then reads each candidate
file again (the extractors, read-only) to confirm the evidence, to count it afresh, and to
find what the index cannot: a misspelt name, found with rapidfuzz.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import IO, BinaryIO, cast

from rapidfuzz import fuzz

from dpscan.detectors.person_index import (
    FUZZY_TERM,
    OTHER_PERSON,
    PersonQuery,
    TermSpec,
    fold,
    index_terms,
    lookup_terms,
    nicknames,
    parse_name,
    query_terms,
    rank,
)
from dpscan.model.extraction import ExtractedText, Limits
from dpscan.model.person import PersonSearchResult
from dpscan.model.records import FileResult
from dpscan.scanner.extract import EncryptedContent, extractor_for
from dpscan.scanner.fileio import FileChangedDuringScan, open_beneath
from dpscan.scanner.sniff import sniff_handle

Lookup = Callable[[Collection[str]], Iterable[tuple[FileResult, Mapping[str, int]]]]

# rapidfuzz ratio (0-100) from which two words of the text are the name misspelt.
FUZZY_CUTOFF = 88
_SPOOL_BYTES = 16 * 1024 * 1024
_WORDS = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def find_person(query: PersonQuery, lookup: Lookup, key: bytes, *, rescan: bool = False,
                limits: Limits | None = None,
                govern: Callable[[FileResult], None] | None = None) -> PersonSearchResult:
    """Search the catalogue behind ``lookup`` for ``query``'s person.

    With ``rescan`` every candidate file is read again: its counts come from the file as it
    is now (``confirmed`` True when the evidence is still there, False when it is not), a
    name within :data:`FUZZY_CUTOFF` of the query's adds the kind ``fuzzy_name``, and files
    that cannot be read keep their index evidence and are listed in ``rescan_errors``.
    ``govern`` (e.g. :meth:`dpscan.detectors.governance.Governor.govern`) sets each listed file's
    retention status as of today.
    """
    started = time.perf_counter()
    spec = query_terms(query, key)
    candidates = list(lookup(lookup_terms(spec)))
    errors: list[tuple[str, str, str]] = []
    if rescan:
        limits = limits or Limits()
        checked: list[tuple[FileResult, Mapping[str, int]]] = []
        confirmed: dict[tuple[str, str], bool] = {}
        for record, counts in candidates:
            try:
                extracted = read_again(record, limits)
            except (OSError, RescanError, EncryptedContent) as exc:
                errors.append((record.root, record.path, _why(exc)))
                checked.append((record, counts))
                continue
            fresh = index_terms(extracted.text, extracted.tables, key)
            now = {term: fresh[term] for term in spec if term in fresh}
            fuzzy = fuzzy_mentions(query, extracted.text)
            if fuzzy:
                now[FUZZY_TERM] = fuzzy
            confirmed[(record.root, record.path)] = bool(now)
            checked.append((record, now))
        ranked = rank(query, checked, key, spec=_with_fuzzy(spec))
        for match in ranked:
            match.confirmed = confirmed.get((match.file.root, match.file.path))
    else:
        ranked = rank(query, candidates, key, spec=spec)
    if govern is not None:
        for match in ranked:
            govern(match.file)
    about = [m for m in ranked if m.confidence != OTHER_PERSON]
    aside = [m for m in ranked if m.confidence == OTHER_PERSON]
    return PersonSearchResult(
        query=query, matches=about, set_aside=aside, candidates=len(candidates),
        weak=len(candidates) - len(ranked), seconds=round(time.perf_counter() - started, 3),
        rescan=rescan, rescan_errors=errors,
    )


def _with_fuzzy(spec: Mapping[str, TermSpec]) -> dict[str, TermSpec]:
    return {**spec, FUZZY_TERM: TermSpec("fuzzy")}


def _why(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no longer there"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, EncryptedContent):
        return f"encrypted ({exc.detail})"
    if isinstance(exc, FileChangedDuringScan):
        return exc.strerror or "changed since it was scanned"
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def name_variants(query: PersonQuery) -> list[str]:
    """The query's name as folded "forename surname" strings, in both orders, with the
    forename's nicknames: what a misspelt mention is compared with."""
    forenames, surnames = parse_name(query.name)
    surname = " ".join(surnames)
    firsts = [forenames[0], *sorted(nicknames(forenames[0]))] if forenames else []
    variants: list[str] = []
    for first in firsts:
        variants += [f"{first} {surname}", f"{surname} {first}"]
    return variants


def fuzzy_mentions(query: PersonQuery, text: str, cutoff: int = FUZZY_CUTOFF) -> int:
    """Mentions of the name in ``text`` that are close but not equal (typos, transposed
    letters): two adjacent words whose rapidfuzz ratio with a variant is at least
    ``cutoff``.  Exact mentions are the index's; they are not counted here."""
    variants = name_variants(query)
    if not variants:
        return 0
    words = [fold(w) for w in _WORDS.findall(text)]
    exact = set(variants)
    found = 0
    for a, b in zip(words, words[1:], strict=False):
        window = f"{a} {b}"
        if window in exact:
            continue
        if any(fuzz.ratio(window, v, score_cutoff=cutoff) for v in variants):
            found += 1
    return found


class RescanError(Exception):
    """A catalogued file could not be read again; the message says why."""


def read_again(record: FileResult, limits: Limits) -> ExtractedText:
    """The text and tables of a catalogued record, read from the share again (read-only).

    A member of a container (``trip.zip!list.xlsx``) is read by reading its container and
    then the member out of it, as the scan did.
    """
    if "\\x" in record.path:
        raise RescanError("its name is not UTF-8: it cannot be opened from the catalogue")
    parts = record.path.split("!")
    # A "!" may also be part of a real name: the container is the shortest prefix that is
    # a file on disk.
    for cut in range(1, len(parts) + 1):
        steps = "!".join(parts[:cut]).split("/")
        if os.path.isfile(os.path.join(record.root, *steps)):
            chain = parts[cut:]
            break
    else:
        raise FileNotFoundError(record.path)
    # Through real folders only: a folder or file swapped for a symlink since the scan is
    # refused, never followed out of the share.
    with open_beneath(record.root, steps) as handle:
        size = os.fstat(handle.fileno()).st_size
        return _extract(handle, steps[-1], size, chain, limits)


def _extract(handle: BinaryIO, name: str, size: int, chain: list[str],
             limits: Limits) -> ExtractedText:
    sniffed = sniff_handle(handle, name, size)
    extractor = extractor_for(sniffed.mime)
    if extractor is None:
        raise RescanError(f"no text extractor for {sniffed.mime}")
    handle.seek(0)
    extracted = extractor.extract(handle, limits)
    if not chain:
        return extracted
    wanted = chain[0]
    for member in extracted.members:
        if member.name != wanted:
            continue
        if member.open is None:
            raise RescanError(member.error or member.encrypted or "member cannot be read")
        with member.open() as source, tempfile.SpooledTemporaryFile(_SPOOL_BYTES) as spool:
            copied = _copy_bounded(source, spool, limits.max_member_bytes)
            spool.seek(0)
            # typeshed types a SpooledTemporaryFile as IO[bytes] only, though in "w+b"
            # mode it is the binary file the sniffer and extractors take.
            return _extract(cast(BinaryIO, spool), Path(wanted).name, copied, chain[1:],
                            limits)
    raise RescanError(f"{wanted} is no longer inside its container")


def _copy_bounded(source: IO[bytes], target: IO[bytes], cap: int) -> int:
    copied = 0
    while chunk := source.read(1024 * 1024):
        copied += len(chunk)
        if copied > cap:
            raise RescanError(f"member expands past the max_member_bytes limit ({cap} bytes)")
        target.write(chunk)
    return copied


def memory_lookup(records: Iterable[FileResult]) -> Lookup:
    """A lookup over records held in memory (with their ``index_terms``): for tests, and
    for a search without a catalogue."""
    held = [r for r in records if r.index_terms]

    def lookup(terms: Collection[str]) -> Iterable[tuple[FileResult, Mapping[str, int]]]:
        wanted = set(terms)
        for record in held:
            found = {t: n for t, n in record.index_terms.items() if t in wanted}
            if found:
                yield record, found

    return lookup


__all__ = ["FUZZY_CUTOFF", "Lookup", "PersonSearchResult", "RescanError", "find_person",
           "fuzzy_mentions", "memory_lookup", "name_variants", "read_again"]
