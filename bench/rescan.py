"""No-change rescan of a large share against ``find``.

Builds a tree of small files (default 100,000: letters, minutes, registers as short text
files in 1,000 folders), scans it once into a fresh catalogue, then times, on the same tree:

* ``find ROOT -type f -printf '%s %T@\\n'`` (the floor: a walk that stats every file), and
* ``dpscan scan ROOT --format json`` again with nothing changed (every file reused from the
  catalogue, none opened),

and prints both, the ratio, and the first scan's time.  Usage::

    .venv/bin/python bench/rescan.py                       # 100,000 files in a temp dir
    .venv/bin/python bench/rescan.py --files 20000 --keep /tmp/rescan
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

_BODIES = [
    "Minutes of the site committee. Roof repairs agreed for the summer holiday.\n",
    "Dear parent of {name},\nPlease return the trip form by Friday.\nMrs Patel\n",
    "Reading group {n}: Year 3 phonics, set {m}.\n",
    "Register note: {name} absent on {n}/10/2025, parent phoned.\n",
]
_NAMES = ["Amelia Jones", "Oliver Smith", "Isla Brown", "Noah Taylor", "Ava Wilson",
          "Leo Davies", "Mia Evans", "Jack Thomas", "Freya Roberts", "Harry Walker"]


def build_tree(root: Path, files: int, per_folder: int = 100) -> None:
    """``files`` small text files, ``per_folder`` to a folder."""
    for index in range(files):
        group = index // per_folder
        folder = root / f"Staff {group // 50:02d}" / f"folder {group:04d}"
        if index % per_folder == 0:
            folder.mkdir(parents=True, exist_ok=True)
        body = _BODIES[index % len(_BODIES)].format(
            name=_NAMES[index % len(_NAMES)], n=index % 28 + 1, m=index % 7)
        (folder / f"note {index:06d}.txt").write_text(body)


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Seconds ``command`` took, and its stderr's last lines."""
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=PROJECT)
    seconds = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{command[:3]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return seconds, "\n".join(proc.stderr.strip().splitlines()[-2:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the tree here")
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="dpscan-rescan-"))
    root, db = base / "share", base / "catalogue.sqlite"
    if not root.exists():
        started = time.perf_counter()
        build_tree(root, args.files)
        print(f"built {args.files} files in {time.perf_counter() - started:.1f}s under {root}")
    env = os.environ.copy() | {"DPSCAN_DB": str(db)}
    dpscan = [sys.executable, "-m", "dpscan", "scan", str(root), "--format", "json",
              "--workers", str(args.workers), "--quiet"]
    if not db.exists():
        first, _ = timed([*dpscan, "--out", str(base / "first")], env)
        print(f"first scan (every file read): {first:.1f}s "
              f"({args.files / first:.0f} files/s, {args.workers} workers)")
    # Warm the page cache for both contenders alike.
    timed(["find", str(root), "-type", "f", "-printf", "%s %T@\n"])
    find_s = min(timed(["find", str(root), "-type", "f", "-printf", "%s %T@\n"])[0]
                 for _ in range(3))
    rescan_s, _ = timed([*dpscan, "--out", str(base / "rescan")], env)
    summary = json.loads((base / "rescan" / "findings.json").read_text())["scan"]
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"find -type f -printf '%s %T@\\n': {find_s:.2f}s")
    print(f"dpscan no-change rescan:         {rescan_s:.2f}s "
          f"({summary['files_seen']} files, {summary['files_reused']} reused unread, "
          f"findings.json written)")
    print(f"ratio: {rescan_s / find_s:.1f}x find; peak RSS of a child: {peak_mb:.0f} MB")
    if args.keep is None:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
