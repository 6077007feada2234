"""A Dask distributed cluster (``--executor dask --scheduler tcp://HOST:8786``).

The per-file work is the same as on this machine: each Dask worker runs
:func:`dpscan.scanner.executors.worker.scan_entry`, which builds that worker's detector once
(the spaCy model loads on every worker when the scan starts) and keeps it for every file.
Results come back in crawl order and at most ``IN_FLIGHT_PER_THREAD`` files per worker
thread are in flight, so memory on this side stays bounded however large the share.

Workers read the files themselves, by the paths the crawl found: each worker must see
the shares at the same paths (mounted the same way) and have dpscan and its spaCy model
installed.  Without ``--scheduler`` a local cluster of ``--workers`` processes is started
for the scan and closed after it.  A worker that dies on a file (Dask gives up on the file
after its retries) gives that file one ``error`` record flagged ``worker_crashed``.  The
per-file time and memory limits are the local executor's: Dask cannot stop one task.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dpscan.model.config import ScanConfig
from dpscan.model.ids import Flag
from dpscan.model.records import FileResult
from dpscan.scanner.executors import Outcome, WorkItem, in_crawl_order
from dpscan.scanner.executors.serial import stopped_record
from dpscan.scanner.executors.worker import scan_entry, warm_up
from dpscan.scanner.walk import FileEntry

# Files queued per worker thread: enough to hide the network round trip, few enough to
# bound memory on both sides.
IN_FLIGHT_PER_THREAD = 8


class DaskUnavailable(RuntimeError):
    """dask[distributed] is not installed (``pip install 'dpscan[dask]'``)."""


def _distributed():  # noqa: ANN202 - the module, imported only when this executor is used
    try:
        import distributed
    except ImportError as exc:
        raise DaskUnavailable(
            "--executor dask needs dask[distributed]: pip install 'dpscan[dask]'") from exc
    return distributed


class DaskExecutor:
    """Sends each file to a Dask cluster: ``config.scheduler``, or a local one."""

    def __init__(self, config: ScanConfig) -> None:
        self.config = config
        _distributed()  # a missing extra is said now, before the crawl starts

    def map(self, items: Iterable[WorkItem]) -> Iterator[Outcome]:
        distributed = _distributed()
        cluster = None
        if self.config.scheduler:
            client = distributed.Client(self.config.scheduler, set_as_default=False)
        else:
            cluster = distributed.LocalCluster(
                n_workers=max(1, self.config.workers), threads_per_worker=1,
                processes=True, dashboard_address=None, silence_logs=40)
            client = distributed.Client(cluster, set_as_default=False)
        try:
            yield from self._map(client, distributed, items)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    def _map(self, client, distributed, items: Iterable[WorkItem]) -> Iterator[Outcome]:  # noqa: ANN001
        client.run(warm_up, self.config)  # every worker loads the models now, together
        threads = sum(client.nthreads().values()) or 1
        limit = threads * IN_FLIGHT_PER_THREAD
        # The settings travel to each worker once, not with every file.
        [config] = client.scatter([self.config], broadcast=True)
        yield from in_crawl_order(
            items,
            lambda entry: client.submit(scan_entry, entry, config, pure=False),
            lambda entry, future: self._settle(entry, future, distributed),
            limit,
            # An early stop (an error, the caller closing the generator) drops the rest.
            on_stop=client.cancel,
        )

    @staticmethod
    def _settle(entry: FileEntry, future, distributed) -> Outcome:  # noqa: ANN001
        try:
            records: list[FileResult] = future.result()
        except distributed.KilledWorker as exc:
            message = f"not read: the Dask worker scanning it stopped ({exc})"[:300]
            return [stopped_record(entry, message, Flag.WORKER_CRASHED)]
        return records


__all__ = ["DaskExecutor", "DaskUnavailable", "IN_FLIGHT_PER_THREAD"]
