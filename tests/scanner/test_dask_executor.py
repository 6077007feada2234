"""The Dask executor gives exactly the serial executor's results, in crawl order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from dpscan.model.config import ScanConfig  # noqa: E402
from dpscan.model.records import FileResult, WalkError  # noqa: E402
from dpscan.scanner.executors import EXECUTORS, Reused, make_executor  # noqa: E402
from dpscan.scanner.executors.dask_executor import DaskExecutor  # noqa: E402
from dpscan.scanner.walk import walk_roots  # noqa: E402


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    # One in-process worker thread: fast to start, and the detector is built once.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("share")
    (root / "Letters").mkdir()
    (root / "Letters" / "letter.txt").write_text(
        "Dear Mrs Patel,\nAmelia Patel (DOB 02/03/2015, UPN L201000024001) has settled well.\n"
        "Call 0113 496 0555.\n", encoding="utf-8")
    (root / "class list.csv").write_text(
        "Surname,Forename,DOB,Parent Email\nJONES,Amelia,02/03/2015,a.jones@example.com\n"
        "KHAN,Yusuf,14/07/2014,y.khan@example.org\n", encoding="utf-8")
    (root / "newsletter.txt").write_text("Sports day is on Friday.\n", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    return root


def _records(outcomes: Iterator[list[FileResult] | WalkError]) -> list[dict[str, object]]:
    records = []
    for outcome in outcomes:
        assert not isinstance(outcome, WalkError)
        for result in outcome:
            record = result.to_dict()
            record.pop("seconds")  # wall-clock time differs run to run
            records.append(record)
    return records


def test_registered_by_name() -> None:
    assert "dask" in EXECUTORS
    config = ScanConfig(workers=1, executor="dask", scheduler="tcp://127.0.0.1:1")
    assert isinstance(make_executor(config), DaskExecutor)


def test_same_results_as_serial_in_crawl_order(cluster: str, share: Path) -> None:
    serial = ScanConfig(workers=1, executor="serial")
    expected = _records(make_executor(serial).map(walk_roots([str(share)])))
    dask = ScanConfig(workers=1, executor="dask", scheduler=cluster)
    got = _records(make_executor(dask).map(walk_roots([str(share)])))
    assert got == expected
    assert sorted(r["path"] for r in got) == [
        "Letters/letter.txt", "class list.csv", "empty.txt", "newsletter.txt"]
    [letter] = [r for r in got if r["path"] == "Letters/letter.txt"]
    assert letter["entities"]["UK_UPN"] == 1 and letter["entities"]["PERSON"] >= 1


def test_reused_and_walk_errors_pass_through_in_order(cluster: str, share: Path) -> None:
    entries = list(walk_roots([str(share)]))
    known = FileResult(path="old.txt", root=str(share), status="scanned")
    error = WalkError(root=str(share), path="locked", error="permission denied")
    items = [entries[0], Reused(entry=entries[1], results=[known]), error, entries[2]]
    out = list(DaskExecutor(ScanConfig(workers=1, executor="dask", scheduler=cluster))
               .map(items))
    assert out[1] == [known] and out[2] is error
    assert out[0][0].path == entries[0].relpath and out[3][0].path == entries[2].relpath
