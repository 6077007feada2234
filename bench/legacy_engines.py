"""Compare engines for Word 97-2003 (.doc) text: dpscan's reader, antiword, catdoc, LibreOffice.

    .venv/bin/python bench/legacy_engines.py                 # zoo + generated files
    .venv/bin/python bench/legacy_engines.py --no-libreoffice --zoo ../shared/zoo

The files: the real .doc samples of ``../shared/zoo/legacy`` (encrypted ones and one
workbook named .doc are counted apart) and .doc files LibreOffice converts from .docx
written here (the letter with planted pupils and the 200-page document of
``tests/scanner/extract/test_doc.py``).  For each engine: files with text, errors
(exception, non-zero exit, timeout, no output), seconds per file, and how many of the
words LibreOffice (and antiword) read it also reads, as a share of theirs (the mean over
files).  LibreOffice
converts every file in one process (``--convert-to txt:Text``), so its time per file is
the batch's time divided by the files, its start-up included once; the 200-page file is
also converted alone, start-up included.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import olefile

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dpscan.model.extraction import EncryptedContent, Limits  # noqa: E402
from dpscan.scanner.extract.doc import extract_doc  # noqa: E402
from tests.scanner.extract.test_doc import PUPILS, _letter, _long_document  # noqa: E402

SOFFICE = Path("/usr/bin/soffice")
TIMEOUT = 60.0
WORD = re.compile(r"\w+")
PLANTED = [cell for row in PUPILS[1:] for cell in row[:3]]


@dataclass
class Outcome:
    """One engine on one file."""

    text: str = ""
    seconds: float = 0.0
    error: str | None = None


@dataclass
class Tally:
    """One engine over every file."""

    outcomes: dict[str, Outcome] = field(default_factory=dict)


def run_dpscan(path: Path) -> Outcome:
    started = time.perf_counter()
    try:
        with path.open("rb") as handle:
            text = extract_doc(handle, Limits()).text
    except EncryptedContent:
        return Outcome(seconds=time.perf_counter() - started, error="encrypted")
    except Exception as exc:  # noqa: BLE001 - an engine's failure is a measurement
        return Outcome(seconds=time.perf_counter() - started, error=type(exc).__name__)
    return Outcome(text, time.perf_counter() - started)


def _run_command(command: list[str]) -> Outcome:
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return Outcome(seconds=TIMEOUT, error="timeout")
    seconds = time.perf_counter() - started
    text = done.stdout.decode("utf-8", errors="replace")
    return Outcome(text, seconds, None if done.returncode == 0 else f"exit {done.returncode}")


def run_antiword(path: Path) -> Outcome:
    return _run_command(["antiword", "-m", "UTF-8.txt", "-w", "0", str(path)])


def run_catdoc(path: Path) -> Outcome:
    return _run_command(["catdoc", "-d", "utf-8", "-w", str(path)])


ENGINES: dict[str, Callable[[Path], Outcome]] = {
    "dpscan (pure Python)": run_dpscan,
    "antiword": run_antiword,
    "catdoc": run_catdoc,
}


def run_libreoffice(paths: list[Path], work: Path) -> dict[str, Outcome]:
    """Convert every file in one LibreOffice process; per-file time is the average."""
    out = work / "libreoffice"
    out.mkdir()
    # Names repeat across folders: convert copies named by their index.
    copies = []
    for index, path in enumerate(paths):
        copy = work / "lo-in" / f"{index:04d}.doc"
        copy.parent.mkdir(exist_ok=True)
        shutil.copy(path, copy)
        copies.append(copy)
    started = time.perf_counter()
    try:
        subprocess.run([str(SOFFICE), f"-env:UserInstallation={(work / 'profile').as_uri()}",
                        "--headless", "--convert-to", "txt:Text", "--outdir", str(out),
                        *map(str, copies)], capture_output=True, timeout=TIMEOUT * len(paths),
                       check=False)
        error = None
    except subprocess.TimeoutExpired:
        error = "timeout"
    each = (time.perf_counter() - started) / max(len(paths), 1)
    outcomes = {}
    for path, copy in zip(paths, copies, strict=True):
        result = out / f"{copy.stem}.txt"
        if result.is_file():
            outcomes[str(path)] = Outcome(result.read_text("utf-8-sig", errors="replace"), each)
        else:
            outcomes[str(path)] = Outcome(seconds=each, error=error or "no output")
    return outcomes


def generated_files(work: Path) -> list[Path]:
    """The letter and the 200-page document, as .doc files LibreOffice converts."""
    sources = {"letter": _letter(), "long-200-pages": _long_document()}
    for name, document in sources.items():
        document.save(str(work / f"{name}.docx"))
    subprocess.run([str(SOFFICE), f"-env:UserInstallation={(work / 'gen-profile').as_uri()}",
                    "--headless", "--convert-to", "doc:MS Word 97", "--outdir", str(work),
                    *(str(work / f"{name}.docx") for name in sources)],
                   capture_output=True, timeout=600, check=True)
    return [work / f"{name}.doc" for name in sources]


def zoo_files(zoo: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """(readable Word documents, encrypted ones, .doc files that are not Word at all)."""
    truth = json.loads((zoo / "legacy" / "legacy-truth.json").read_text())["files"]
    readable, encrypted, other = [], [], []
    for record in truth:
        if record["extension"].lower() != "doc":
            continue
        path = zoo / "legacy" / record["path"]
        with olefile.OleFileIO(str(path)) as ole:
            is_word = ole.exists("WordDocument")
        (encrypted if record["encrypted"] else readable if is_word else other).append(path)
    return readable, encrypted, other


def words(text: str) -> Counter[str]:
    return Counter(WORD.findall(text.lower()))


def agreement(tally: Tally, reference: Tally, paths: list[Path]) -> float | None:
    """The mean, over the files where the reference read something, of the share of the
    reference's words (with repeats) that the engine also read."""
    shares = []
    for path in paths:
        theirs = words(reference.outcomes[str(path)].text)
        if theirs:
            ours = words(tally.outcomes[str(path)].text)
            shares.append(sum((ours & theirs).values()) / sum(theirs.values()))
    return statistics.mean(shares) if shares else None


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def report(tallies: dict[str, Tally], paths: list[Path], title: str) -> None:
    print(f"\n### {title} ({len(paths)} files)\n")
    references = [name for name in ("LibreOffice", "antiword") if name in tallies]
    print("| engine | files with text | errors | ms/file (median) | ms/file (mean) | max ms | "
          + " | ".join(f"words of {name} read" for name in references) + " |")
    print("|---|---|---|---|---|---|" + "---|" * len(references))
    for name, tally in tallies.items():
        outcomes = [tally.outcomes[str(path)] for path in paths]
        with_text = sum(bool(o.text.strip()) for o in outcomes)
        errors = Counter(o.error for o in outcomes if o.error)
        times = [o.seconds * 1000 for o in outcomes]
        shares = [_percent(agreement(tally, tallies[ref], paths)) for ref in references]
        print(f"| {name} | {with_text}/{len(paths)} ({with_text / len(paths):.1%}) | "
              f"{sum(errors.values())} {dict(errors) or ''} | {statistics.median(times):.1f} | "
              f"{statistics.mean(times):.1f} | {max(times):.0f} | " + " | ".join(shares) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--zoo", type=Path, default=REPO.parent / "shared" / "zoo")
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args()
    use_libreoffice = SOFFICE.exists() and not args.no_libreoffice
    with tempfile.TemporaryDirectory(prefix="dpscan-legacy-") as folder:
        work = Path(folder)
        readable, encrypted, other = zoo_files(args.zoo)
        generated = generated_files(work) if SOFFICE.exists() else []
        everything = readable + encrypted + other + generated
        tallies: dict[str, Tally] = {}
        for name, engine in ENGINES.items():
            if name != "dpscan (pure Python)" and not shutil.which(name):
                continue
            tallies[name] = Tally({str(path): engine(path) for path in everything})
        if use_libreoffice:
            tallies["LibreOffice"] = Tally(run_libreoffice(everything, work))
        report(tallies, readable, "Zoo: Word documents, not encrypted")
        report(tallies, encrypted, "Zoo: encrypted (text here would be wrong)")
        report(tallies, other, "Zoo: named .doc, not a Word document")
        if generated:
            report(tallies, generated, "Generated by LibreOffice from .docx")
            print("\n### Planted identifiers found in the generated letter\n")
            if use_libreoffice:  # alone, as a scan would run it: start-up included
                alone = work / "alone"
                alone.mkdir()
                tallies["LibreOffice"].outcomes[str(generated[1])] = run_libreoffice(
                    [generated[1]], alone)[str(generated[1])]
            for name, tally in tallies.items():
                text = " ".join(tally.outcomes[str(generated[0])].text.split())
                found = sum(value in text for value in PLANTED)
                print(f"- {name}: {found}/{len(PLANTED)}; 200 pages in "
                      f"{tally.outcomes[str(generated[1])].seconds:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
