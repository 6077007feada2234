"""The format table: every row resolves, no two rows fight over a content type, lazy import."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
from collections import Counter

import pytest

from dpscan.model.reference import resolve
from dpscan.scanner import catalogue
from dpscan.scanner.formats import (
    FORMATS,
    SNIFFING_REQUIRES,
    format_named,
    format_of,
    formats_matching,
    required_distributions,
)

ROWS = {row.name: row for row in FORMATS}


def _normalised(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def test_row_names_are_unique() -> None:
    assert len(ROWS) == len(FORMATS)


@pytest.mark.parametrize("row", [r for r in FORMATS if r.extractor], ids=lambda r: r.name)
def test_extractor_reference_resolves(row) -> None:  # type: ignore[no-untyped-def]
    assert callable(resolve(row.extractor))


@pytest.mark.parametrize("row", [r for r in FORMATS if r.protection], ids=lambda r: r.name)
def test_protection_reference_resolves(row) -> None:  # type: ignore[no-untyped-def]
    assert callable(resolve(row.protection))


def test_read_as_names_a_row_with_an_extractor() -> None:
    for row in FORMATS:
        if row.read_as is not None:
            assert row.extractor is None, row.name
            assert format_named(row.read_as).extractor is not None, row.name


def test_requirements_are_declared_dependencies_and_installed() -> None:
    declared = {_normalised(re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0])
                for spec in importlib.metadata.requires("dpscan") or [] if "extra ==" not in spec}
    for distribution in required_distributions():
        assert _normalised(distribution) in declared, distribution
        importlib.metadata.version(distribution)


def test_catalogue_digest_covers_every_format_library() -> None:
    libraries = set(catalogue._DETECTION_LIBRARIES)
    assert set(SNIFFING_REQUIRES) <= libraries
    for row in FORMATS:
        assert set(row.requires) <= libraries, row.name


def test_no_content_type_is_named_by_two_rows() -> None:
    named = Counter(mime for row in FORMATS for mime in row.mimes)
    assert [mime for mime, count in named.items() if count > 1] == []


def test_prefixes_do_not_overlap() -> None:
    # Overlapping prefixes would make the first row's win depend on table order.
    prefixes = [prefix for row in FORMATS for prefix in row.mime_prefixes]
    for prefix in prefixes:
        assert [p for p in prefixes if p.startswith(prefix)] == [prefix]


def test_a_named_content_type_finds_its_row_before_a_prefix_row() -> None:
    for row in FORMATS:
        for mime in row.mimes:
            assert format_of(mime) is row
            assert formats_matching(mime)[0] is row


def test_an_extension_is_listed_once_per_family() -> None:
    # Two families may share an extension (".docx" is Word, or an encrypted Office file);
    # two rows of one family listing it would be a copy that changes nothing.
    listed = Counter((ext, row.family) for row in FORMATS for ext in row.extensions)
    assert [key for key, count in listed.items() if count > 1] == []
    for row in FORMATS:
        for ext in row.extensions:
            assert ext.startswith(".") and ext == ext.lower(), (row.name, ext)


def test_extensions_belong_to_a_family() -> None:
    assert [row.name for row in FORMATS if row.extensions and row.family is None] == []


def test_importing_the_extract_package_loads_no_extractor() -> None:
    code = (
        "import sys\n"
        "import dpscan.scanner.extract, dpscan.scanner.sniff, dpscan.scanner.protection\n"
        "print(sorted(m for m in sys.modules if m.startswith('dpscan.scanner.extract.')"
        " or m == 'docx'))\n"
        "import io\n"
        "from dpscan.model.extraction import Limits\n"
        "from dpscan.scanner.extract import extractor_for\n"
        "extractor_for('text/plain').extract(io.BytesIO(b'hello'), Limits())\n"
        "print(sorted(m for m in sys.modules if m.startswith('dpscan.scanner.extract.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["[]", "['dpscan.scanner.extract.text']"]
