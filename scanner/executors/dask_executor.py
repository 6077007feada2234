"""A Dask distributed cluster (``--executor dask --scheduler tcp://HOST:8786``).

The per-file work is the same as on this machine: each Dask worker runs
:func:`dpscan.scanner.executors.worker.scan_entry`, which builds that worker's detector once
(the spaCy model loads on every worker when the scan starts) and keeps it for every file.
Results come back in crawl order and at most ``IN_FLIGHT_PER_THREAD`` files per worker
thread are in flight, so memory on this side stays bounded however large the share.

Workers read the files themselves, by the paths the crawl found: each worker must see
the shares at the same paths (mounted the same way) and have dpscan and its spaCy model
installed.  Without ``--scheduler`` a private local cluster of ``--workers`` processes is
started for the scan and closed after it (see :func:`private_local_cluster`).  A worker that
dies on a file (Dask gives up on the file after its retries) gives that file one ``error``
record flagged ``worker_crashed``.  The per-file time and memory limits are the local
executor's: Dask cannot stop one task.

Whoever can reach a Dask scheduler can run code on its workers, as the user they run as.
A remote ``--scheduler`` is connected to with the TLS settings of Dask's own configuration
(``distributed.comm.tls.*``, e.g. ``DASK_DISTRIBUTED__COMM__TLS__CA_FILE``); one that is not
``tls://`` is used, with a warning.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from dpscan.model.config import ScanConfig
from dpscan.model.ids import Flag
from dpscan.model.records import FileResult
from dpscan.scanner.executors import Outcome, WorkItem, in_crawl_order
from dpscan.scanner.executors.serial import stopped_record
from dpscan.scanner.executors.tempdirs import private_temp_dir
from dpscan.scanner.executors.worker import scan_entry, warm_up
from dpscan.scanner.walk import FileEntry

log = logging.getLogger("dpscan")

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


@contextlib.contextmanager
def private_local_cluster(workers: int) -> Iterator[Any]:
    """A client of a local Dask cluster that no other client can use; closed on exit.

    - Every connection is TLS with a throwaway certificate (``Security.temporary()``, held
      in memory) that both ends require: a client without it is refused.
    - Only 127.0.0.1 is listened on.
    - No dashboard.  The scheduler and each worker still run an HTTP server (Dask has no
      switch for it): here it serves no pages, on a random port instead of 8787, behind
      the same certificate.  Workers restarted after a crash inherit these settings.
    - The workers' scratch space is a private folder of this scan, not /tmp/dask-scratch-space.
    """
    import dask

    distributed = _distributed()
    security = distributed.Security.temporary()
    with contextlib.ExitStack() as stack:
        scratch = Path(stack.enter_context(private_temp_dir("dask")))
        # node.start_http_server takes its TLS certificate from files only.
        http_cert, http_key = scratch / "http-cert.pem", scratch / "http-key.pem"
        for path, contents in ((http_cert, security.tls_scheduler_cert),
                               (http_key, security.tls_scheduler_key)):
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                           "w") as out:
                out.write(contents)
        private = {
            "distributed.scheduler.http.routes": [],
            "distributed.worker.http.routes": [],
            "distributed.scheduler.dashboard.tls.cert": str(http_cert),
            "distributed.scheduler.dashboard.tls.key": str(http_key),
        }
        # The nanny hands this configuration to every worker process it starts.
        with dask.config.set(private):
            cluster = stack.enter_context(distributed.LocalCluster(
                n_workers=max(1, workers), threads_per_worker=1, processes=True,
                host="127.0.0.1", protocol="tls://", security=security,
                # An address (not None) so the HTTP server does not take 8787; and
                # dashboard=False so no dashboard is served on it.
                dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False},
                local_directory=str(scratch), silence_logs=logging.ERROR))
        client = stack.enter_context(
            distributed.Client(cluster, security=security, set_as_default=False))
        yield client


class DaskExecutor:
    """Sends each file to a Dask cluster: ``config.scheduler``, or a private local one."""

    def __init__(self, config: ScanConfig) -> None:
        self.config = config
        _distributed()  # a missing extra is said now, before the crawl starts
        self._client: Any = None

    @property
    def scheduler_address(self) -> str | None:
        """The scheduler this executor is connected to while running (else None)."""
        return None if self._client is None else self._client.scheduler.address

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """One connection to the cluster (a local one started, the models loaded on each
        worker) for every ``map()`` inside."""
        if self._client is not None:  # an outer running() owns the cluster
            yield
            return
        distributed = _distributed()
        with contextlib.ExitStack() as stack:
            scheduler = self.config.scheduler
            if scheduler:
                if not scheduler.startswith("tls://"):
                    log.warning("the Dask scheduler %s is not TLS: whoever can reach it can "
                                "run code on its workers", scheduler)
                client = stack.enter_context(
                    distributed.Client(scheduler, set_as_default=False))
            else:
                client = stack.enter_context(private_local_cluster(self.config.workers))
            client.run(warm_up, self.config)  # every worker loads the models now, together
            threads = sum(client.nthreads().values()) or 1
            # The settings travel to each worker once, not with every file.
            [self._remote_config] = client.scatter([self.config], broadcast=True)
            self._limit = threads * IN_FLIGHT_PER_THREAD
            self._client = client
            try:
                yield
            finally:
                self._client = None

    def map(self, items: Iterable[WorkItem]) -> Iterator[Outcome]:
        distributed = _distributed()
        with self.running():
            client = self._client
            yield from in_crawl_order(
                items,
                lambda entry: client.submit(scan_entry, entry, self._remote_config,
                                            pure=False),
                lambda entry, future: self._settle(entry, future, distributed),
                self._limit,
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


__all__ = ["DaskExecutor", "DaskUnavailable", "IN_FLIGHT_PER_THREAD", "private_local_cluster"]
