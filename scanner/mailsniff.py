"""Recognise email files by content where libmagic does not.

libmagic calls many .eml files ``text/plain`` and some Outlook .msg files plain OLE;
:mod:`dpscan.scanner.sniff` asks these checks before it trusts those names.
"""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO

import olefile

_SNIFF_EMAIL_BYTES = 64 * 1024
_FIELD_LINE = re.compile(rb"([!-9;-~]+)[ \t]*:")
_ALSO_NEEDED = frozenset({b"to", b"subject", b"date", b"received", b"message-id",
                          b"mime-version"})


def looks_like_email(head: bytes) -> bool:
    """True when ``head`` (a file's first bytes) starts with an RFC 5322 header block.

    libmagic calls many .eml files ``text/plain``.  The block must start at the first
    line (after an optional BOM or mbox ``From `` line), hold only header fields and
    folded continuations up to the blank line that ends it, and include a ``From:``
    with an address plus one of To, Subject, Date, Received, Message-ID, MIME-Version.
    """
    data = head[:_SNIFF_EMAIL_BYTES]
    cut = len(head) > _SNIFF_EMAIL_BYTES
    data = data.removeprefix(codecs.BOM_UTF8)
    lines = data.splitlines()
    if lines and lines[0].startswith(b"From ") and b":" not in lines[0].split(b" ", 2)[1]:
        lines = lines[1:]  # mbox separator: "From sender@example.org Tue May 10 ..."
    seen: set[bytes] = set()
    name = b""
    from_has_address = False
    for number, line in enumerate(lines):
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):  # a folded continuation of the field above
            if number == 0:
                return False
        else:
            match = _FIELD_LINE.match(line)
            if match is None:
                if cut and number == len(lines) - 1:
                    break  # the sniff window ended inside this line
                return False
            name = match.group(1).lower()
            seen.add(name)
        if name == b"from" and b"@" in line:
            from_has_address = True
    return from_has_address and bool(seen & _ALSO_NEEDED)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Outlook message layout: the property stream and the prefix of property streams.
MSG_PROPERTIES = "__properties_version1.0"
MSG_SUBSTG = "__substg1.0_"


def is_msg_layout(ole: olefile.OleFileIO) -> bool:
    """True when the open OLE file ``ole`` is laid out as an Outlook message: a top-level
    ``__properties_version1.0`` stream and ``__substg1.0_*`` property streams."""
    top = {path[0].lower() for path in ole.listdir(streams=True, storages=False)
           if len(path) == 1}
    return MSG_PROPERTIES.lower() in top and any(name.startswith(MSG_SUBSTG) for name in top)


def looks_like_msg(handle: BinaryIO) -> bool:
    """True when ``handle`` is an OLE file laid out as an Outlook message.

    libmagic names some .msg files only as OLE (``application/x-ole-storage``,
    ``application/CDFV2``).  A message has a top-level ``__properties_version1.0``
    stream and ``__substg1.0_*`` property streams.  Leaves ``handle`` at offset 0.
    """
    try:
        handle.seek(0)
        if handle.read(len(_OLE_MAGIC)) != _OLE_MAGIC:
            return False
        handle.seek(0)
        return is_msg_layout(olefile.OleFileIO(handle))
    except Exception:  # noqa: BLE001 - any file that olefile cannot read is not a message
        return False
    finally:
        handle.seek(0)
