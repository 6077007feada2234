"""Compare dpscan's PowerPoint 97-2003 and Publisher readers with LibreOffice and catppt.

    .venv/bin/python bench/legacy_ppt_pub.py                 # the zoo and generated decks
    .venv/bin/python bench/legacy_ppt_pub.py --per-file      # and one line per file

For every .ppt and .pub under ../shared/zoo/legacy (encrypted ones left out: the
protection check stops them) and for .ppt files LibreOffice saves from decks written
with python-pptx, it prints per engine: the share of files with text, the time per
file, errors, and the agreement with LibreOffice (the share of the words LibreOffice
finds that the engine finds too).  LibreOffice converts each file to OpenDocument in one
batch (``soffice --convert-to odp`` / ``odg``; its time is the batch's divided by the
files); dpscan's own ODF reader reads the result, so notes and tables count.  For .pub
the words of Apache POI's expected text are compared too, where the zoo has it.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dpscan.model.extraction import Limits  # noqa: E402
from dpscan.scanner.extract.odf import extract_odf  # noqa: E402
from dpscan.scanner.extract.ppt import extract_ppt  # noqa: E402
from dpscan.scanner.extract.pub import extract_pub  # noqa: E402
from tests.scanner.extract.test_ppt import (  # noqa: E402
    build_long_deck,
    build_planted_deck,
    soffice_convert,
)

LEGACY = REPO.parent / "shared" / "zoo" / "legacy"
LIMITS = Limits()
CATPPT_SECONDS = 30
_WORD = re.compile(r"\w\w+")


def words(text: str) -> set[str]:
    """The words of ``text`` (two characters or more), lower case."""
    return set(_WORD.findall(text.lower()))


@dataclass
class Outcome:
    """One engine on one file."""

    text: str = ""
    seconds: float = 0.0
    error: str | None = None


@dataclass
class Sample:
    """A file and what each engine made of it."""

    path: Path
    kind: str
    expected: str | None = None
    engines: dict[str, Outcome] = field(default_factory=dict)


def run_ours(sample: Sample) -> Outcome:
    """dpscan's reader, timed."""
    reader = extract_ppt if sample.kind == "ppt" else extract_pub
    start = time.perf_counter()
    try:
        with sample.path.open("rb") as handle:
            text = reader(handle, LIMITS).text
        return Outcome(text, time.perf_counter() - start)
    except Exception as exc:  # noqa: BLE001 - every failure is a result here
        return Outcome("", time.perf_counter() - start, f"{type(exc).__name__}: {exc}"[:80])


def run_catppt(sample: Sample) -> Outcome:
    """catdoc's catppt (Debian package catdoc), timed."""
    start = time.perf_counter()
    done = subprocess.run(["catppt", str(sample.path)], capture_output=True, timeout=CATPPT_SECONDS,
                          check=False)
    error = None if done.returncode == 0 else done.stderr.decode(errors="replace")[:80]
    return Outcome(done.stdout.decode("utf-8", errors="replace"), time.perf_counter() - start,
                   error)


def run_libreoffice(samples: list[Sample], target: str, work: Path) -> None:
    """Convert ``samples`` to ``target`` in one LibreOffice batch; read them with dpscan's
    ODF reader."""
    if not samples:
        return
    out = work / target
    names: dict[str, Sample] = {}
    batch = work / f"in-{target}"
    batch.mkdir()
    for index, sample in enumerate(samples):
        # Unique names: the zoo holds files of the same stem in different folders.
        copy = batch / f"{index:04d}{sample.path.suffix}"
        shutil.copyfile(sample.path, copy)
        names[copy.stem] = sample
    start = time.perf_counter()
    soffice_convert(sorted(batch.iterdir()), target, out)
    each = (time.perf_counter() - start) / len(samples)
    for stem, sample in names.items():
        converted = out / f"{stem}.{target}"
        if not converted.is_file():
            sample.engines["libreoffice"] = Outcome("", each, "not converted")
            continue
        with converted.open("rb") as handle:
            sample.engines["libreoffice"] = Outcome(extract_odf(handle, LIMITS).text, each)


def zoo_samples() -> list[Sample]:
    """The zoo's .ppt and .pub files that are not encrypted."""
    truth = json.loads((LEGACY / "legacy-truth.json").read_text())["files"]
    samples = []
    for record in truth:
        if record["extension"] not in ("ppt", "pub") or record["encrypted"]:
            continue
        expected = None
        if record.get("expected_text"):
            expected = (LEGACY / record["expected_text"]).read_text(encoding="utf-8")
        samples.append(Sample(LEGACY / record["path"], record["extension"], expected))
    return samples


def generated_samples(work: Path) -> list[Sample]:
    """.ppt files LibreOffice saves from decks written with python-pptx."""
    decks = [build_planted_deck(work / "planted.pptx"), build_long_deck(work / "long.pptx", 200)]
    return [Sample(path, "ppt") for path in soffice_convert(decks, "ppt", work / "ppt")]


def agreement(sample: Sample, engine: str,
              reference: Callable[[Sample], str | None]) -> float | None:
    """The share of the reference's words the engine found (None: no reference words)."""
    wanted = words(reference(sample) or "")
    if not wanted or engine not in sample.engines:
        return None
    return len(wanted & words(sample.engines[engine].text)) / len(wanted)


def _libreoffice_text(sample: Sample) -> str | None:
    outcome = sample.engines.get("libreoffice")
    return outcome.text if outcome else None


def report(title: str, samples: list[Sample], engines: list[str]) -> None:
    """One table row per engine for ``samples``."""
    print(f"\n{title}: {len(samples)} files")
    print(f"{'engine':12s} {'with text':>10s} {'errors':>6s} {'ms/file':>8s} "
          f"{'max ms':>7s} {'agree LO':>9s} {'agree POI':>9s}")
    for engine in engines:
        outcomes = [s.engines[engine] for s in samples if engine in s.engines]
        if not outcomes:
            continue
        with_text = sum(bool(o.text.strip()) for o in outcomes)
        errors = sum(o.error is not None for o in outcomes)
        mean_ms = 1000 * sum(o.seconds for o in outcomes) / len(outcomes)
        max_ms = 1000 * max(o.seconds for o in outcomes)
        lo = [a for s in samples if (a := agreement(s, engine, _libreoffice_text)) is not None]
        poi = [a for s in samples if (a := agreement(s, engine, lambda s: s.expected)) is not None]
        lo_text = f"{sum(lo) / len(lo):.3f}" if lo and engine != "libreoffice" else "-"
        poi_text = f"{sum(poi) / len(poi):.3f} ({len(poi)})" if poi else "-"
        print(f"{engine:12s} {with_text:>4d}/{len(outcomes):<5d} {errors:>6d} {mean_ms:>8.1f} "
              f"{max_ms:>7.0f} {lo_text:>9s} {poi_text:>9s}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-file", action="store_true", help="one line per file too")
    args = parser.parse_args()
    if not LEGACY.exists():
        print(f"no zoo at {LEGACY}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="dpscan-ppt-") as folder:
        work = Path(folder)
        zoo = zoo_samples()
        generated = generated_samples(work)
        for sample in zoo + generated:
            sample.engines["dpscan"] = run_ours(sample)
            if sample.kind == "ppt" and shutil.which("catppt"):
                sample.engines["catppt"] = run_catppt(sample)
        run_libreoffice([s for s in zoo + generated if s.kind == "ppt"], "odp", work)
        run_libreoffice([s for s in zoo if s.kind == "pub"], "odg", work)
    engines = ["dpscan", "catppt", "libreoffice"]
    report("zoo .ppt (not encrypted)", [s for s in zoo if s.kind == "ppt"], engines)
    report("generated .ppt (python-pptx -> LibreOffice)", generated, engines)
    report("zoo .pub", [s for s in zoo if s.kind == "pub"], engines)
    if args.per_file:
        print()
        for sample in zoo + generated:
            cells = [f"{name}={len(o.text):>6d}{'!' if o.error else ''}"
                     for name, o in sample.engines.items()]
            lo = agreement(sample, "dpscan", _libreoffice_text)
            print(f"{sample.path.name[:40]:40s} {' '.join(cells)} "
                  f"agree={'-' if lo is None else f'{lo:.2f}'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
