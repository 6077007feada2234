"""The record store gives the reports what an in-memory list would, from disk (issue 20)."""

from __future__ import annotations

import os
import random
import stat
from pathlib import Path

import pytest

from dpscan.model.ids import Flag, Protection
from dpscan.model.records import Evidence, FileResult
from dpscan.model.views import RecordList, RecordView
from dpscan.scanner.record_store import RecordStore, encode_key


def _records(count: int, seed: int = 7) -> list[FileResult]:
    chance = random.Random(seed)
    records = []
    for number in range(count):
        personal = chance.random() < 0.6
        record = FileResult(
            root=chance.choice(["/share/a", "/share/b"]),
            path=f"Folder {chance.randrange(5)}/file {number:05d} é.txt",
            size=number, modified="2024-01-02T03:04:05+00:00", mime="text/plain",
            status="error" if chance.random() < 0.05 else "scanned",
            protection=chance.choice([Protection.NONE, "encrypted"]),
            entities={"PERSON": chance.randrange(1, 9)} if personal else {},
            data_subjects=chance.randrange(0, 40) if personal else 0,
            special_categories=["health"] if personal and chance.random() < 0.3 else [],
            severity=chance.choice([None, "low", "medium", "high", "critical"]),
            flags=[f for f in (Flag.OVERDUE, Flag.UNREGISTERED_PERSONAL_DATA)
                   if chance.random() < 0.3],
            evidence=[Evidence(type="PERSON", masked="A*** J***", score=0.9)] if personal
            else [],
        )
        if chance.random() < 0.1:
            record.review = {"status": "accepted", "reason": "kept", "reviewer": "dpo"}
        if personal:
            record.index_terms = {"upn:abc": 1}
        records.append(record)
    return records


@pytest.fixture
def records() -> list[FileResult]:
    return _records(2_000)


def test_every_view_is_sorted_as_in_memory(records: list[FileResult]) -> None:
    memory = RecordList(records)
    with RecordStore() as store:
        for record in records:
            store.add(record)
        assert [r.to_dict() for r in store] == [r.to_dict() for r in records]
        for view in RecordView:
            expected = [(r.root, r.path) for r in memory.view(view)]
            assert [(r.root, r.path) for r in store.view(view)] == expected, view
            assert expected  # each view has records, so the comparison means something
        first = records[123]
        found = store.lookup(first.root, first.path)
        assert found is not None and found.to_dict() == first.to_dict()
        assert found.index_terms == first.index_terms
        assert store.lookup("/share/a", "no such file") is None
        assert len(store) == len(records)
        assert store.entity_types() == memory.entity_types() == {"PERSON"}


def test_the_store_is_private_and_removed(records: list[FileResult]) -> None:
    store = RecordStore()
    store.add(records[0])
    list(store)
    assert stat.S_IMODE(os.stat(store.folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(store.folder / "records.sqlite3").st_mode) == 0o600
    store.close()
    assert not store.folder.exists()


def test_a_store_nobody_closed_is_removed_when_it_goes(records: list[FileResult]) -> None:
    store = RecordStore()
    store.add(records[0])
    folder = store.folder
    store._db.close()  # as if the caller dropped it without closing
    del store
    assert not folder.exists()


@pytest.mark.parametrize(("smaller", "larger"), [
    ((-3, 5), (-3, 6)), ((-300, 0), (-2, 0)), ((1, "a"), (1, "a b")), ((0, "Zed"), (0, "ant")),
    ((-(2 ** 40),), (2 ** 40,)),
])
def test_encoded_keys_sort_as_the_keys(smaller: tuple[int | str, ...],
                                       larger: tuple[int | str, ...]) -> None:
    assert smaller < larger
    assert (encode_key(smaller) or "") < (encode_key(larger) or "")


def test_a_lone_surrogate_in_a_name_is_kept_not_fatal(records: list[FileResult]) -> None:
    record = records[0]
    record.path = "Staff/bad \udcff name.txt"
    with RecordStore() as store:
        store.add(record)
        (back,) = list(store)
        assert back.path == record.path
        assert store.lookup(record.root, record.path) is not None


def test_a_store_left_by_a_killed_process_is_swept(tmp_path: Path) -> None:
    import subprocess
    import sys

    # A process that makes a store and is killed before it can remove it.
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from dpscan.scanner.record_store import RecordStore; "
         f"s = RecordStore({str(tmp_path)!r}); print(s.folder, flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    left = Path(child.stdout.readline().strip())
    child.kill()
    child.wait()
    assert left.exists()
    other = tmp_path / "dpscan-records-notapid"  # not a store's name: left alone
    other.mkdir()
    with RecordStore(tmp_path) as mine:
        assert not left.exists() and other.exists() and mine.folder.exists()
