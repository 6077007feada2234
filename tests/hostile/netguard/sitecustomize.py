"""Forbids network access in every Python process that starts with this folder on
PYTHONPATH: the scan's main process and each spawned worker.

With ``DPSCAN_NET_LOG`` set, an audit hook refuses to resolve a name, or to connect or
send an Internet (AF_INET, AF_INET6) socket anywhere, or bind one to anything but a
loopback address (urllib3 probes for IPv6 by binding ``::1`` when imported); each attempt
is appended to that file (pid, event, where) and raises ``PermissionError``.  Code that
swallows the exception still leaves its line in the log, which the test reads.
"""

import os
import socket
import sys
import traceback

_LOG = os.environ.get("DPSCAN_NET_LOG")
_INTERNET = (socket.AF_INET, socket.AF_INET6)
_LOOKUPS = {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
            "socket.gethostbyaddr", "socket.getnameinfo"}
_ADDRESSED = {"socket.connect", "socket.sendto", "socket.sendmsg"}
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def _refuse(event: str, detail: str) -> None:
    where = "".join(traceback.format_stack(limit=8)[:-2]).replace("\n", " | ")
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()} {event} {detail} AT {where}\n")
    raise PermissionError(f"network access forbidden during a scan: {event} {detail}")


def _hook(event: str, args: tuple) -> None:
    if event in _LOOKUPS:
        _refuse(event, repr(args[:1]))
    elif event in _ADDRESSED and getattr(args[0], "family", None) in _INTERNET:
        _refuse(event, repr(args[1:2]))
    elif event == "socket.bind" and getattr(args[0], "family", None) in _INTERNET:
        address = args[1]
        if not (isinstance(address, tuple) and address[0] in _LOOPBACK):
            _refuse(event, repr(address))


if _LOG:
    sys.addaudithook(_hook)
