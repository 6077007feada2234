"""The local executor's worker pool: pebble's, stopping its workers before their channel."""

from __future__ import annotations

import multiprocessing
from typing import Any

from pebble import ProcessPool

from dpscan.scanner.executors.local import _WorkerPool


def _square(n: int) -> int:
    return n * n


def _stop_sequence(pool_class: type[ProcessPool]) -> list[tuple[str, int]]:
    """What stopping a running two-worker pool does, in order: each call to close the
    workers' channel (which unlinks its semaphores) or to stop the workers, with how many
    worker processes were still alive at that moment."""
    pool = pool_class(max_workers=2, context=multiprocessing.get_context("spawn"))
    assert pool.schedule(_square, args=(7,)).result(timeout=60) == 49
    manager = pool._pool_manager.worker_manager
    calls: list[tuple[str, int]] = []

    def recorded(name: str) -> Any:
        original = getattr(manager, name)

        def call() -> None:
            calls.append((name, sum(w.is_alive() for w in manager.workers.values())))
            original()
        return call

    for name in ("close_channels", "force_stop_workers"):
        setattr(manager, name, recorded(name))
    pool.stop()
    pool.join()
    return calls


def test_workers_are_stopped_before_their_channel_is_closed() -> None:
    # A worker still starting when the channel's semaphores vanish fails on them with a
    # traceback on the scan's stderr (seen at the end of the hostile scan, after a time
    # limit had a worker replaced).  So no worker may be alive when the channel closes.
    calls = _stop_sequence(_WorkerPool)
    assert calls[0] == ("force_stop_workers", 2)
    assert ("close_channels", 0) in calls
    assert multiprocessing.active_children() == []


def test_pebbles_own_pool_closes_the_channel_while_workers_live() -> None:
    # What _WorkerPool corrects; if a pebble release fixes the order, this fails and the
    # subclass can go.
    assert _stop_sequence(ProcessPool)[0] == ("close_channels", 2)
