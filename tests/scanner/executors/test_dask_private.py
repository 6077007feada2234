"""The local Dask cluster of ``--executor dask`` (no ``--scheduler``) is this scan's alone:
TLS with a throwaway certificate, 127.0.0.1 only, no dashboard, no plain port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

distributed = pytest.importorskip("distributed")

from dpscan.model.config import ScanConfig  # noqa: E402
from dpscan.model.ids import Status  # noqa: E402
from dpscan.scanner.executors import dask_executor  # noqa: E402
from dpscan.scanner.executors.dask_executor import DaskExecutor  # noqa: E402
from dpscan.scanner.walk import walk_roots  # noqa: E402
from tests.hostile import tasks  # noqa: E402

DASHBOARD_PORT = 8787


def _listening(pid: int) -> set[tuple[str, int]]:
    """The addresses listened on by process ``pid`` and its descendants."""
    tree = {pid} | {child.pid for child in psutil.Process(pid).children(recursive=True)}
    return {(c.laddr.ip, c.laddr.port) for c in psutil.net_connections("inet")
            if c.status == psutil.CONN_LISTEN and c.pid in tree}


def _answers_in_plain(host: str, port: int) -> bytes:
    """What the port says to a plain (not TLS) HTTP request; b"" when it hangs up."""
    with socket.create_connection((host, port), timeout=5) as plain:
        plain.sendall(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
        try:
            return plain.recv(64)
        except OSError:  # reset by a TLS server
            return b""


# Another local user's client, in a process of its own as it would be.  (In this process a
# refused Client can be garbage-collected inside the next Client's start-up, where
# distributed's loop runner deadlocks on its own lock.)
_CLIENT = """
import sys, distributed
security = distributed.Security.temporary() if sys.argv[2] == "own-certificate" else None
kwargs = {"security": security} if security else {}
try:
    client = distributed.Client(sys.argv[1], timeout=5, set_as_default=False, **kwargs)
except (OSError, TypeError, ValueError):  # TypeError: tls:// without any certificate
    sys.exit(3)
client.close()
"""


def _refused(address: str, how: str = "no-certificate") -> bool:
    """True when a client started ``how`` is refused by the scheduler at ``address``."""
    done = subprocess.run([sys.executable, "-c", _CLIENT, address, how],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode in (0, 3), done.stderr[-2000:]
    return done.returncode == 3


def test_only_the_scans_own_client_can_use_the_local_cluster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stand-in work (tests/hostile/tasks.py) in real worker processes: no model to load.
    monkeypatch.setattr(dask_executor, "scan_entry", tasks.misbehave)
    monkeypatch.setattr(dask_executor, "warm_up", tasks.no_warm_up)
    share = tmp_path / "share"
    share.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (share / name).write_text("text")
    before = _listening(os.getpid())
    executor = DaskExecutor(ScanConfig(workers=2, executor="dask"))
    with executor.running():
        address = executor.scheduler_address
        assert address is not None and address.startswith("tls://127.0.0.1:")
        opened = _listening(os.getpid()) - before
        # scheduler, 2 nannies, 2 workers, and the HTTP servers Dask always runs
        assert len(opened) >= 5
        assert {host for host, _port in opened} == {"127.0.0.1"}
        assert DASHBOARD_PORT not in {port for _host, port in opened}
        for host, port in sorted(opened):
            assert _answers_in_plain(host, port) == b"", port

        # Another local user's client: no certificate, plain TCP, or a certificate of its own.
        assert _refused(address)
        assert _refused(address.replace("tls://", "tcp://"))
        assert _refused(address, "own-certificate")

        # ... while the scan's own client works.
        records = [r for outcome in executor.map(walk_roots([str(share)])) for r in outcome]
        assert [r.status for r in records] == [Status.SCANNED] * 3
        worker_pids = {int(r.extractor.removeprefix("pid ")) for r in records}
        assert os.getpid() not in worker_pids
    assert executor.scheduler_address is None
    assert not _listening(os.getpid()) - before  # all closed
