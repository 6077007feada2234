"""One base class for dpscan's own errors, so a caller can tell them from a library's."""

from __future__ import annotations


class DpscanError(Exception):
    """Base class of the errors dpscan raises on purpose (configuration, limits, contents)."""
