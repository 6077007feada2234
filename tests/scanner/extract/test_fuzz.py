"""Property-based fuzzing of every extractor and of scan_file with hypothesis.

Inputs are mutations (bit flips, overwritten, inserted, deleted and repeated bytes,
truncation) of small valid seed files of every type (tests/hostile/seeds.py).  Each
format with an extractor in ``scanner.formats.FORMATS`` gets every kind of seed, its
own most often.  The properties:

- an extractor returns an ``ExtractedText`` or raises an ``Exception`` (which the
  pipeline records as the file's error), and so does opening and reading each member it
  gives; never a ``BaseException`` that would escape the pipeline, never a hang (an
  example taking longer than ``HANG_SECONDS`` fails);
- ``scan_file`` never raises and gives the file a record with a known status.

CI runs a few examples per extractor.  For a long run set ``DPSCAN_FUZZ_EXAMPLES``::

    DPSCAN_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/scanner/test_fuzz_extractors.py
"""

from __future__ import annotations

import io
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dpscan.model.config import MIB, Limits, ScanConfig  # noqa: E402
from dpscan.scanner.extract import ExtractedText  # noqa: E402
from dpscan.scanner.formats import FORMATS, FileFormat  # noqa: E402
from tests.hostile.seeds import seed_files  # noqa: E402

EXAMPLES = int(os.environ.get("DPSCAN_FUZZ_EXAMPLES", "25"))
HANG_SECONDS = float(os.environ.get("DPSCAN_FUZZ_HANG_SECONDS", "20"))
LIMITS = Limits(max_text_chars=200_000, max_member_bytes=8 * MIB, max_total_bytes=16 * MIB,
                max_members=200)
STATUSES = {"scanned", "not_read", "encrypted", "error"}
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, database=None, derandomize=not os.environ.get(
        "DPSCAN_FUZZ_EXAMPLES"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)

# Every format dpscan reads the text of.
EXTRACTORS = [row for row in FORMATS if row.extractor is not None]
# Which seed is "its own" for each extractor.
OWN_SEEDS = {"pdf": "seed.pdf", "docx": "seed.docx", "xlsx": "seed.xlsx", "eml": "seed.eml",
             "msg": "seed.msg", "pptx": "seed.pptx", "odf": "seed.odt", "xls": "seed.xls",
             "rtf": "seed.rtf", "html": "seed.html", "text": "seed.csv", "zip": "seed.zip",
             "7z": "seed.7z", "image": "seed.png",
             "doc": "seed.doc", "ppt": "seed.ppt", "pub": "seed.pub", "xlsb": "seed.xlsb"}


class Hang(BaseException):
    """An example ran past HANG_SECONDS."""


@contextmanager
def hang_guard() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _alarm(_signum: int, _frame: Any) -> None:
        raise Hang(f"no result after {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_MUTATION = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 2**31), st.integers(0, 7)),
    st.tuples(st.just("set"), st.integers(0, 2**31), st.integers(0, 255)),
    st.tuples(st.just("insert"), st.integers(0, 2**31), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("delete"), st.integers(0, 2**31), st.integers(1, 256)),
    st.tuples(st.just("repeat"), st.integers(0, 2**31), st.integers(1, 512)),
    st.tuples(st.just("truncate"), st.integers(0, 2**31), st.just(0)),
)


def mutate(data: bytes, mutations: list[tuple[str, int, Any]]) -> bytes:
    """Apply ``mutations`` in order; positions wrap around the current length."""
    buf = bytearray(data)
    for kind, position, arg in mutations:
        at = position % (len(buf) + 1)
        if kind == "flip" and at < len(buf):
            buf[at] ^= 1 << arg
        elif kind == "set" and at < len(buf):
            buf[at] = arg
        elif kind == "insert":
            buf[at:at] = arg
        elif kind == "delete":
            del buf[at:at + arg]
        elif kind == "repeat":
            buf[at:at] = buf[at:at + arg] * 4
        elif kind == "truncate":
            del buf[at:]
    return bytes(buf)


def _seed_names(extractor: FileFormat) -> list[str]:
    names = sorted(seed_files())
    own = OWN_SEEDS.get(extractor.name)
    # The extractor's own format in three draws of four; every other format in the rest.
    return names + [own] * (3 * len(names)) if own in names else names


def _exercise(extractor: FileFormat, data: bytes) -> None:
    with hang_guard():
        try:
            extracted = extractor.extract(io.BytesIO(data), LIMITS)
        except Exception:  # noqa: BLE001 - recorded by the pipeline as the file's error
            return
        assert isinstance(extracted, ExtractedText)
        assert len(extracted.text) <= LIMITS.max_text_chars
        for member in extracted.members[:20]:
            if member.open is None:
                continue
            try:
                with member.open() as stream:
                    stream.read(LIMITS.max_member_bytes + 1)
            except Exception:  # noqa: BLE001 - recorded on the member's record
                continue


@pytest.mark.parametrize("extractor", EXTRACTORS, ids=[e.name for e in EXTRACTORS])
def test_extractor_survives_mutated_input(extractor: FileFormat) -> None:
    seeds = seed_files()
    names = _seed_names(extractor)

    @FUZZ_SETTINGS
    @given(name=st.sampled_from(names), mutations=st.lists(_MUTATION, max_size=8))
    def run(name: str, mutations: list[tuple[str, int, Any]]) -> None:
        _exercise(extractor, mutate(seeds[name], mutations))

    run()


@pytest.fixture(scope="module")
def detector() -> Any:
    from dpscan.scanner.executors.worker import detector_for

    return detector_for(ScanConfig().detection)


def test_scan_file_survives_mutated_input(tmp_path: Path, detector: Any) -> None:
    from dpscan.scanner.pipeline import scan_file
    from dpscan.scanner.walk import FileEntry, walk_root

    seeds = seed_files()
    config = ScanConfig(limits=LIMITS)

    @FUZZ_SETTINGS
    @given(name=st.sampled_from(sorted(seeds)), mutations=st.lists(_MUTATION, max_size=8))
    def run(name: str, mutations: list[tuple[str, int, Any]]) -> None:
        path = tmp_path / name
        path.write_bytes(mutate(seeds[name], mutations))
        (entry,) = [e for e in walk_root(str(path)) if isinstance(e, FileEntry)]
        with hang_guard():
            records = scan_file(entry, config, detector)
        assert records[0].path == name
        assert all(record.status in STATUSES for record in records)
        assert all(record.error for record in records if record.status == "error")

    run()


def test_mutate_is_deterministic_and_bounded() -> None:
    data = b"0123456789"
    assert mutate(data, []) == data
    assert mutate(data, [("flip", 0, 0)]) == b"1123456789"
    assert mutate(data, [("truncate", 3, 0)]) == b"012"
    assert mutate(data, [("delete", 12, 2)]) == b"0123456789"[:1] + b"3456789"
    assert mutate(b"", [("set", 5, 1), ("repeat", 0, 3)]) == b""
