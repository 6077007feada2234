"""The NER cache shared by a scan's workers: answers reused, no text stored, never fatal."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

import dpscan.detectors.ner_cache as ner_cache
from dpscan.detectors.ner_cache import SharedNerCache, create_shared_ner_cache
from dpscan.detectors.personal_data import PersonalDataDetector
from tests.detectors.ner_reads import record_ner_reads

LETTER = "Dear Mrs Okonkwo,\nThank you for coming in.\nYours sincerely\nMr Tobiasz Kowalczyk\n"


def test_two_connections_share_answers_keyed_by_hmac(tmp_path: Path) -> None:
    path, key = create_shared_ner_cache(tmp_path)
    first, second = SharedNerCache(path, key), SharedNerCache(path, key)
    first.put_many({"Dear Mrs Okonkwo,\n": [("PERSON", 9, 16, 0.85)]})
    assert second.get_many(["Dear Mrs Okonkwo,\n", "other"]) == {
        "Dear Mrs Okonkwo,\n": [("PERSON", 9, 16, 0.85)]}
    # Another key (another scan) knows nothing; the file holds no text.
    assert SharedNerCache(path, b"k" * 32).get_many(["Dear Mrs Okonkwo,\n"]) == {}
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"Okonkwo" not in stored


def test_a_broken_cache_is_skipped_not_fatal(tmp_path: Path) -> None:
    path, key = create_shared_ner_cache(tmp_path)
    cache = SharedNerCache(path, key)
    cache._db.execute("DROP TABLE ner")  # type: ignore[union-attr]
    assert cache.get_many(["x"]) == {}
    cache.put_many({"x": []})  # no error, and the cache is off from now on
    assert cache._db is None


def _detect_in_worker(path: str, key: bytes, text: str, queue: multiprocessing.Queue) -> None:
    ner_cache.share_in_this_process(path, key)
    detector = PersonalDataDetector()
    reads = record_ner_reads(detector)
    found = [(r.entity_type, r.start, r.end) for r, _ in detector.analyze_text(text).found]
    queue.put((found, len(reads)))


def test_a_second_worker_reads_nothing_the_first_has_read(tmp_path: Path) -> None:
    path, key = create_shared_ner_cache(tmp_path)
    context = multiprocessing.get_context("spawn")
    results = []
    for _ in range(2):  # one worker after the other, each a fresh process
        queue = context.Queue()
        worker = context.Process(target=_detect_in_worker, args=(path, key, LETTER, queue))
        worker.start()
        results.append(queue.get(timeout=120))
        worker.join()
    (first, first_reads), (second, second_reads) = results
    assert first_reads > 0 and second_reads == 0
    start = LETTER.index("Tobiasz")
    assert first == second and ("PERSON", start, len(LETTER) - 1) in {tuple(f) for f in first}


def test_no_usable_temp_folder_means_no_shared_cache(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from dpscan.model.config import ScanConfig
    from dpscan.scanner.executors.local import LocalExecutor

    def no_temp_folder(*args: object, **kwargs: object) -> None:
        raise FileNotFoundError("No usable temporary directory found")

    monkeypatch.setattr("tempfile.TemporaryDirectory", no_temp_folder)
    executor = LocalExecutor(ScanConfig(workers=2))
    assert list(executor.map([])) == []  # the scan goes on without the shared cache
    assert executor._ner_cache is None
