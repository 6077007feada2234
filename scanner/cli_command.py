"""The click classes of every ``dpscan`` command.

A :class:`~dpscan.model.errors.ConfigError` raised anywhere under a command ends it here,
and only here: its message (one problem per line) after "Error:", and exit status 2.
"""

from __future__ import annotations

from typing import Any

import click

from dpscan.model.errors import ConfigError

EXIT_CONFIG_ERROR = 2


class _ConfigProblem(click.ClickException):
    """A ConfigError as click shows it."""

    exit_code = EXIT_CONFIG_ERROR


class _StopsOnConfigError:
    """Turns a ConfigError from the command's callback into exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)  # type: ignore[misc]
        except ConfigError as exc:
            raise _ConfigProblem(str(exc)) from exc


class Command(_StopsOnConfigError, click.Command):
    """A dpscan command."""


class Group(_StopsOnConfigError, click.Group):
    """A dpscan command group; its commands and subgroups are of these classes too."""

    command_class = Command
    group_class = type  # subgroups: this class


__all__ = ["EXIT_CONFIG_ERROR", "Command", "Group"]
