"""Build the hostile corpus, scan it with the real CLI, print time, peak memory and outcomes.

    .venv/bin/python bench/hostile.py                       # 2,000 files in one folder
    .venv/bin/python bench/hostile.py --many 20000 --keep /tmp/hostile
    .venv/bin/python bench/hostile.py --workers 2 --file-timeout 15 --max-worker-mb 768

The scan runs as ``python -m dpscan scan`` under tests/hostile/netguard (any network
attempt is logged); the peak is the resident size of the largest process of the scan
(the main process or a worker), from ``getrusage(RUSAGE_CHILDREN)``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dpscan.scanner.walk import printable_path  # noqa: E402
from tests.hostile.corpus import CASES, build_hostile_corpus  # noqa: E402
from tests.hostile.test_hostile_scan import run_measured  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--many", type=int, default=2_000, help="files in one folder")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--file-timeout", type=float, default=15)
    parser.add_argument("--max-worker-mb", type=int, default=768)
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: temp)")
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="dpscan-hostile-"))
    if base.exists() and args.keep:
        shutil.rmtree(base)
    base.mkdir(parents=True, exist_ok=True)
    try:
        started = time.monotonic()
        cases = build_hostile_corpus(base / "corpus", many_files=args.many)
        built = time.monotonic() - started
        proc, measured = run_measured(
            ["scan", str(base / "corpus"), "--out", str(base / "out"), "--workers",
             str(args.workers), "--follow-symlinks", "--file-timeout", str(args.file_timeout),
             "--max-worker-mb", str(args.max_worker_mb), "--quiet"],
            base / "measure.json", base / "net.log")
        findings = json.loads((base / "out" / "findings.json").read_text())
        net = (base / "net.log").read_text() if (base / "net.log").exists() else ""
        print(f"corpus: {len(cases)} files built in {built:.1f} s")
        print(f"scan:   exit {proc.returncode}, {measured['seconds']:.1f} s, "
              f"peak RSS {measured['peak_rss'] / 2**20:.0f} MiB, "
              f"{len(findings['files'])} records, network attempts: {len(net.splitlines())}")
        by_path = {r["path"]: r for r in findings["files"]}
        print("\ncase                 files  outcome (status: flags)")
        for case, what in CASES.items():
            paths = [printable_path(p)[0] for p, c in cases.items() if c == case]
            outcomes = Counter(
                f"{by_path[p]['status']}: {','.join(by_path[p]['flags']) or '-'}"
                for p in paths if p in by_path)
            summary = "; ".join(f"{n}x {o}" if n > 1 else o for o, n in outcomes.items())
            print(f"{case:<20} {len(paths):>5}  {summary or what}")
        return 0 if proc.returncode == 0 else 1
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
