"""``"module:attribute"`` references: how the leaf's tables name code in other stages.

The entity table names recognizers and cell checks, the format table extractors and
protection checks, without importing them: the leaf stays free of the stages, and a
stage's module is imported only when a row's code is first used.
"""

from __future__ import annotations

import importlib
from typing import Any


def resolve(reference: str) -> Any:
    """The object ``"package.module:attribute"`` names now, its module imported on first use
    (Python keeps imported modules, so a second call costs a dictionary look-up)."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)
