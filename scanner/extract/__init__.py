"""Text extractors, one module per format, chosen from the format table.

Each format's row in :mod:`dpscan.scanner.formats` names its extractor as
``"module:function"``; the module is imported the first time a file of that format
is read, so importing this package loads no extractor.  To read a new format: write
``scanner/extract/<format>.py`` with a function
``extract_<format>(handle, limits) -> ExtractedText`` and name it in the format's row.
"""

from __future__ import annotations

from dpscan.model.extraction import EncryptedContent, ExtractedText
from dpscan.scanner.formats import FileFormat, format_named, format_of


def extractor_for(mime: str) -> FileFormat | None:
    """The format row whose extractor reads ``mime`` (its ``name``, ``extract`` and
    ``reads_encrypted``), or None when dpscan cannot read its text yet."""
    row = format_of(mime)
    if row is not None and row.read_as is not None:
        row = format_named(row.read_as)
    return row if row is not None and row.extractor is not None else None


__all__ = ["EncryptedContent", "ExtractedText", "extractor_for"]
