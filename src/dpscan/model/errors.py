"""One base class for dpscan's own errors, so a caller can tell them from a library's."""

from __future__ import annotations

from collections.abc import Sequence


class DpscanError(Exception):
    """Base class of the errors dpscan raises on purpose (configuration, limits, contents)."""


class ConfigError(DpscanError):
    """Configuration a person wrote (a YAML file, a register, an option) is wrong.

    ``problems`` holds one line per problem, each naming the file, the line and the field
    where it knows them; the command line turns this error into exit status 2 in one place.
    """

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems: list[str] = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))
