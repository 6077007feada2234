"""A parser's message never reaches a record: it can quote the file (issue 17, item 2)."""

from __future__ import annotations

import errno

import pytest

from dpscan.model.extraction import LimitExceeded, UnreadableContent, describe_error


@pytest.mark.parametrize(("exc", "message"), [
    (ValueError("could not convert string to float: 'Amelia Jones 9434765919'"),
     "ValueError: the file's content could not be parsed"),
    (KeyError("There is no item named 'Amelia Jones.xml' in the archive"),
     "KeyError: the file's content could not be parsed"),
    (UnicodeDecodeError("utf-8", b"\xffAmelia", 0, 1, "invalid start byte"),
     "UnicodeDecodeError: the file's content could not be parsed"),
    # The operating system's words and dpscan's own are kept.
    (OSError(errno.EIO, "Input/output error"), "Input/output error (errno 5)"),
    (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
    (LimitExceeded("not read: expands past the max_member_bytes limit (1 bytes)"),
     "LimitExceeded: not read: expands past the max_member_bytes limit (1 bytes)"),
    (UnreadableContent("RTF ends inside 2 open group(s): the file is truncated"),
     "UnreadableContent: RTF ends inside 2 open group(s): the file is truncated"),
])
def test_describe_error(exc: BaseException, message: str) -> None:
    assert describe_error(exc) == message
