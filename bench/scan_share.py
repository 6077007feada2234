"""Build the synthetic school share at a given scale, scan it with the CLI, print the figures.

    python bench/scan_share.py --scale 10 --workers 2

Prints files, bytes, seconds, files/s, and per planted type how many of the files
that should hold it were found to (file-level recall), plus false hits on files that
must not hold a type.  Not a unit test: numbers, not assertions.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.corpus import build_school_share  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        share, out = Path(tmp) / "share", Path(tmp) / "out"
        started = time.perf_counter()
        manifest = build_school_share(share, seed=args.seed, scale=args.scale)
        built = time.perf_counter() - started
        size = sum(p.stat().st_size for p in share.rglob("*") if p.is_file())
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "dpscan", "scan", str(share), "--out", str(out),
             "--workers", str(args.workers), "--quiet"],
            check=True, cwd=ROOT,
        )
        seconds = time.perf_counter() - started
        findings = json.loads((out / "findings.json").read_text())

    records = {r["path"]: r for r in findings["files"]}
    expected, found, false_hits = Counter(), Counter(), Counter()
    for rel, planted in manifest.items():
        got = set(records[rel]["entities"]) if rel in records else set()
        for entity in planted.expect_types:
            expected[entity] += 1
            found[entity] += entity in got
        for entity in planted.forbid_types & got:
            false_hits[entity] += 1
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    scan = findings["scan"]
    print(f"share: {len(manifest)} files, {size / 1e6:.1f} MB (built in {built:.1f}s)")
    print(f"scan:  {scan['files_seen']} seen, {scan['files_scanned']} scanned, "
          f"{scan['errors']} errors, {scan['files_with_personal_data']} with personal data")
    print(f"time:  {seconds:.1f}s with {args.workers} workers "
          f"({scan['files_seen'] / seconds:.1f} files/s, model loading included); "
          f"peak RSS of one process {peak_mb:.0f} MB")
    print("\n| entity type | files expected | found | recall | false hits on forbidden files |")
    print("|---|---:|---:|---:|---:|")
    for entity in sorted(expected):
        print(f"| {entity} | {expected[entity]} | {found[entity]} | "
              f"{found[entity] / expected[entity]:.2f} | {false_hits[entity]} |")


if __name__ == "__main__":
    main()
