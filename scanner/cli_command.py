"""The click classes of every ``dpscan`` command.

Errors that are the user's or the machine's, not dpscan's, end a command here, and only
here, with exit status 2 and one line, never a traceback:

- a :class:`~dpscan.model.errors.ConfigError` raised anywhere under a command: its message
  (one problem per line) after "Error:";
- a storage fault: a disk that is full, over quota, read-only or failing under ``--out``
  or ``--log`` (an ``OSError`` naming the file): "dpscan: disk full writing
  /out/report.xlsx"; or a catalogue that cannot be used (a
  :class:`~dpscan.scanner.catalogue.CatalogueError`: a full ``--db`` disk, damaged pages).

A reader of standard output that goes away (``dpscan review --list | head -1``) ends the
command quietly the Unix way: standard output goes to /dev/null and the exit status is
141, what a shell shows for a tool killed by SIGPIPE (``scan --json`` stops the scan
instead, see :mod:`dpscan.scanner.cli`).

Status 2 already means "what you asked to read or write cannot be used" (an output folder
that is not writable, a catalogue that cannot be opened); a full disk is the same fault,
found later.  Status 3 promises reports of what was scanned, which a full disk cannot keep.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import IO, Any

import click

from dpscan.model.errors import ConfigError

EXIT_CONFIG_ERROR = 2
# What a shell shows for a process killed by SIGPIPE (128 + 13).
EXIT_BROKEN_PIPE = 141

# errno -> what went wrong, with {path} the file dpscan was using.
_OS_FAULTS: dict[int, str] = {
    errno.ENOSPC: "disk full writing {path}",
    errno.EDQUOT: "disk quota exceeded writing {path}",
    errno.EFBIG: "file too large writing {path}",
    errno.EROFS: "read-only file system: cannot write {path}",
    errno.EIO: "input/output error on {path} (a failing disk or share)",
}


class _ConfigProblem(click.ClickException):
    """A ConfigError as click shows it."""

    exit_code = EXIT_CONFIG_ERROR


class _StorageProblem(click.ClickException):
    """A storage fault: one line naming what failed, exit status 2."""

    exit_code = EXIT_CONFIG_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"dpscan: {self.format_message()}", file=file, err=True)


def stdout_gone() -> None:
    """Point standard output at /dev/null once its reader has gone, so that Python's own
    flush at exit does not fail again (the Python documentation's advice on SIGPIPE)."""
    try:
        fileno = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (a test's capture): nothing is flushed to a pipe
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fileno)
    finally:
        os.close(devnull)


def _describe_os_fault(exc: OSError) -> str | None:
    """One line for a storage fault (``OSError`` naming a file, or a known errno); None for
    other errors, which are dpscan's own and keep their traceback."""
    path = exc.filename
    template = _OS_FAULTS.get(exc.errno or 0)
    if template is not None:
        return template.format(path=path or "a file")
    if path is not None:
        return f"cannot use {path}: {exc.strerror or exc}"
    return None


class _StopsOnConfigError:
    """Turns a ConfigError or a storage fault from the command's callback into exit
    status 2 and one line."""

    def invoke(self, ctx: click.Context) -> Any:
        from dpscan.scanner.catalogue import CatalogueError

        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except ConfigError as exc:
            raise _ConfigProblem(str(exc)) from exc
        except CatalogueError as exc:
            raise _StorageProblem(str(exc)) from exc
        except BrokenPipeError:
            stdout_gone()
            raise click.exceptions.Exit(EXIT_BROKEN_PIPE) from None
        except OSError as exc:
            message = _describe_os_fault(exc)
            if message is None:
                raise
            raise _StorageProblem(message) from exc


class Command(_StopsOnConfigError, click.Command):
    """A dpscan command."""


class Group(_StopsOnConfigError, click.Group):
    """A dpscan command group; its commands and subgroups are of these classes too."""

    command_class = Command
    group_class = type  # subgroups: this class


__all__ = ["EXIT_BROKEN_PIPE", "EXIT_CONFIG_ERROR", "Command", "Group", "stdout_gone"]
