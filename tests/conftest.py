"""Session fixtures: a synthetic school share (tests/corpus.py) and one real scan of it.

``school_share`` builds the share once per session.  ``scanned_share`` snapshots every
file of the share (``share_snapshot``: sha256, st_mtime_ns, st_size, st_mode) and then
runs the real CLI once, in-process, with click's CliRunner::

    dpscan scan <share> --out <out> --workers 1 --quiet
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

import pytest

# pytest's pythonpath setting puts the project root on sys.path: tests.corpus is the
# share builder, importable by benchmarks too.
from tests.corpus import ShareManifest, build_school_share, snapshot_tree

CORPUS_SEED = 1234
CORPUS_SCALE = 1


class ScannedShare(NamedTuple):
    """What ``scanned_share`` yields; unpacks as a 5-tuple."""

    share_root: Path
    manifest: ShareManifest
    out_dir: Path
    findings: dict[str, Any]
    result: Any  # click.testing.Result


@pytest.fixture(autouse=True, scope="session")
def _private_data_home(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Keep every test's catalogue and index key out of the real user's folders: the
    default catalogue (platformdirs) lives under XDG_DATA_HOME and the key under
    XDG_CONFIG_HOME, both set here per session."""
    mp = pytest.MonkeyPatch()
    mp.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg_data")))
    mp.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg_config")))  # the index key
    mp.delenv("DPSCAN_DB", raising=False)
    yield
    mp.undo()


@pytest.fixture(scope="session")
def school_share(tmp_path_factory: pytest.TempPathFactory) -> ShareManifest:
    """The synthetic share, built once; ``manifest.root`` is where it lives."""
    root = tmp_path_factory.mktemp("school_share") / "Shared"
    return build_school_share(root, seed=CORPUS_SEED, scale=CORPUS_SCALE)


@pytest.fixture(scope="session")
def share_snapshot(school_share: ShareManifest) -> dict[str, tuple[str, int, int, int]]:
    """Every file of the share -> (sha256, st_mtime_ns, st_size, st_mode), taken before
    any scan; compare with ``corpus.snapshot_tree(root)`` afterwards."""
    return snapshot_tree(school_share.root)


@pytest.fixture(scope="session")
def scanned_share(
    school_share: ShareManifest,
    share_snapshot: dict[str, tuple[str, int, int, int]],
    tmp_path_factory: pytest.TempPathFactory,
) -> ScannedShare:
    """Run ``dpscan scan`` once in-process over the share and load findings.json."""
    from click.testing import CliRunner

    from dpscan.scanner.cli import main

    assert share_snapshot, "snapshot must be taken before the scan"
    share_root = school_share.root
    out = tmp_path_factory.mktemp("scan_out") / "out"
    result = CliRunner().invoke(
        main, ["scan", str(share_root), "--out", str(out), "--workers", "1", "--quiet"]
    )
    findings_path = out / "findings.json"
    findings: dict[str, Any] = {}
    if findings_path.is_file():
        findings = json.loads(findings_path.read_text(encoding="utf-8"))
    return ScannedShare(share_root, school_share, out, findings, result)
