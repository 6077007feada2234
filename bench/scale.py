"""Scale benchmark (issue 20): time, memory and report sizes of dpscan on large shares.

    python bench/scale.py [--files 25000 100000 1000000] [--mixed [3000]] [--workers 2]
                          [--seed 2020] [--keep DIR [--reuse]] [--json OUT]

For each tree it builds (deterministic for a seed):

* ``text-N``: N small text files (0.3 to 1.5 KB) in a school's folder tree (staff folders
  by subject and year, pupil year groups and forms, admin by year, curriculum by key
  stage; 100 to 500 files a folder), about 30% of them naming a person with an email
  address and a phone number, the rest minutes, lesson plans and notices;
* ``mixed-N`` (``--mixed``): N documents of ``bench/accuracy_corpus.py`` (.docx, .xlsx,
  .pdf, .csv, .txt, .html, .xml, .json, .eml), one folder per school;

it times, each with a fresh catalogue and the command
``python -m dpscan scan ROOT --out OUT --db DB --workers W --quiet``:

1. the first scan (every file read);
2. a no-change rescan;
3. a rescan after 1% of the files (``--changed``) were rewritten with new content and a
   new modification time;

and for each: wall-clock seconds, files/s, files read and reused, CPU seconds (user +
system of the run and its workers), peak RSS of the run's process tree (sampled with
psutil every ``--interval`` seconds: the largest single process and the largest sum), and
the sizes of report.html, report.xlsx, findings.json and files.csv.  The floor is
``find ROOT -printf '%s %T@\\n' > /dev/null`` (best of three, page cache warm).

Prints Markdown tables and, with ``--json``, writes every figure.  ``--keep DIR`` keeps
trees, catalogues and reports in DIR; ``--reuse`` scans the trees already there (building
100,000 files takes a minute or two, 1,000,000 twenty).  The machine's load average before
and after each run is recorded: on a shared machine compare CPU seconds too.

Not a unit test: numbers, not assertions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent

DEFAULT_SIZES = (25_000, 100_000, 1_000_000)
DEFAULT_MIXED = 3_000
DEFAULT_SEED = 2020
PERSONAL_SHARE = 0.30
REPORTS = ("report.html", "report.xlsx", "findings.json", "files.csv")
# Files' modification times fall in the seven years before this (retention is judged on them).
EPOCH = dt.datetime(2025, 9, 1, tzinfo=dt.UTC).timestamp()
SEVEN_YEARS = 7 * 365 * 86_400

# --------------------------------------------------------------------------- the text tree

_FIRST = ("Amelia", "Oliver", "Isla", "Noah", "Ava", "Leo", "Mia", "Jack", "Freya", "Harry",
          "Priya", "Mohammed", "Zofia", "Kwame", "Aisha", "Tomasz", "Grace", "Ethan", "Sophie",
          "Arjun", "Chloe", "Daniel", "Maryam", "Callum", "Ruby", "Yusuf", "Ellie", "Owen",
          "Hannah", "Samuel")
_SURNAMES = ("Jones", "Smith", "Brown", "Taylor", "Wilson", "Davies", "Evans", "Thomas",
             "Roberts", "Walker", "Patel", "Khan", "Nowak", "Mensah", "Hussain", "Kowalski",
             "Wright", "Green", "Hughes", "Sharma", "Clarke", "Lewis", "Ahmed", "Murray",
             "Hall", "Begum", "Turner", "Price", "Morgan", "O'Neill")
_SUBJECTS = ("English", "Maths", "Science", "History", "Geography", "French", "Art", "Music",
             "PE", "Computing", "RE", "Drama", "Design Technology", "PSHE")
_STAFF_SUB = ("Lesson plans", "Marking", "Letters", "Reports", "Resources", "Meetings")
_ADMIN = ("Finance", "HR", "Attendance", "Admissions", "Exams", "Trips", "Premises")
_FORMS = "ABCDEF"
_TOPICS = ("fractions", "the water cycle", "the Tudors", "persuasive writing", "volcanoes",
           "electric circuits", "rivers", "poetry", "algebra", "the Romans", "forces",
           "healthy eating", "World War One", "coastal erosion", "photosynthesis")

_PERSONAL = (
    "Dear {first} {last},\n\nThank you for your call about the {topic} homework. "
    "{teacher} will ring you back on {phone} or reply to {email} before {date}.\n\n"
    "Ref {ref}\nKind regards,\nThe school office\n",
    "Contact record {ref}\nParent: {first} {last}\nPhone: {phone}\nEmail: {email}\n"
    "Spoke about: {topic} and the trip on {date}.\nStaff: {teacher}\n",
    "Staff details {ref}\nName: {first} {last}\nDepartment: {subject}\n"
    "Mobile: {phone}\nWork email: {email}\nStarted: {date}\n",
    "Note of meeting {ref} on {date}\nPresent: {first} {last} ({email}, {phone}) and "
    "{teacher}.\nDiscussed progress in {subject}, particularly {topic}.\n",
)
_PLAIN = (
    "Minutes of the {subject} department meeting {ref}, {date}.\nItems: schemes of work "
    "for {topic}; resources budget; moderation dates.\nActions: update the unit on "
    "{topic2} before half term.\n",
    "Lesson plan {ref}: {subject}, {topic}.\nObjective: explain {topic} in their own "
    "words.\nStarter (10 min), main task (30 min), plenary (10 min).\nHomework: "
    "research {topic2}.\n",
    "Notice {ref}: the {subject} room is closed on {date} for maintenance. Lessons move "
    "to the library. Displays about {topic} stay up until the end of term.\n",
    "Scheme of work {ref}, {subject}\nWeek 1: {topic}\nWeek 2: {topic2}\nWeek 3: "
    "assessment and feedback\nResources in the shared area.\n",
)
_FILLER = ("Please see the shared area for the latest version.",
           "This document is reviewed every year by the senior leadership team.",
           "Printed copies are in the staff room.",
           "Questions to the head of department.")


@dataclass(kw_only=True)
class Folder:
    """One folder of the text tree and how many files it holds."""

    path: str
    files: int


def text_folders(files: int, seed: int) -> list[Folder]:
    """The folders of an ``files``-file tree, 100 to 500 files each, in a fixed order."""
    rng = random.Random(f"{seed}:folders")
    folders: list[Folder] = []
    seen: set[str] = set()
    left = files
    while left > 0:
        area = rng.random()
        if area < 0.45:
            teacher = f"{rng.choice(_SURNAMES)}, {rng.choice(_FIRST)}"
            path = (f"Staff/{teacher}/{rng.choice(_SUBJECTS)}/Year {rng.randint(7, 13)}/"
                    f"{rng.choice(_STAFF_SUB)}")
        elif area < 0.65:
            year = rng.randint(7, 13)
            path = (f"Pupils/Year {year}/{year}{rng.choice(_FORMS)}/"
                    f"{rng.choice(('Reports', 'Letters home', 'Work', 'Photos'))}")
        elif area < 0.85:
            start = rng.randint(2017, 2024)
            path = f"Admin/{rng.choice(_ADMIN)}/{start}-{(start + 1) % 100:02d}"
        else:
            stage = rng.choice(("KS3", "KS4", "KS5"))
            path = (f"Curriculum/{rng.choice(_SUBJECTS)}/{stage}/"
                    f"Unit {rng.randint(1, 12)} {rng.choice(_TOPICS)}")
        if path in seen:
            path = f"{path} {len(folders)}"
        seen.add(path)
        count = min(left, rng.randint(100, 500))
        folders.append(Folder(path=path, files=count))
        left -= count
    return folders


def text_layout(files: int, seed: int) -> Iterator[tuple[int, str]]:
    """(index, relative path) of every file of the text tree, in a fixed order."""
    index = 0
    for folder in text_folders(files, seed):
        for _ in range(folder.files):
            yield index, f"{folder.path}/doc {index:07d}.txt"
            index += 1


def text_content(seed: int, index: int, generation: int) -> tuple[str, float]:
    """File ``index``'s text and modification time (``generation`` > 0: a rewrite)."""
    rng = random.Random(f"{seed}:{index}:{generation}")
    first, last = rng.choice(_FIRST), rng.choice(_SURNAMES)
    values = {
        "first": first, "last": last,
        "teacher": f"{rng.choice(('Mr', 'Mrs', 'Ms', 'Dr'))} {rng.choice(_SURNAMES)}",
        "email": f"{first}.{last}{rng.randint(1, 99)}@example.com".lower().replace("'", ""),
        "phone": f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
        "subject": rng.choice(_SUBJECTS), "topic": rng.choice(_TOPICS),
        "topic2": rng.choice(_TOPICS), "ref": f"{index:07d}-{generation}",
        "date": (dt.date(2018, 9, 1) + dt.timedelta(days=rng.randrange(2500))).strftime(
            "%d/%m/%Y"),
    }
    personal = random.Random(f"{seed}:{index}").random() < PERSONAL_SHARE
    text = rng.choice(_PERSONAL if personal else _PLAIN).format(**values)
    text += "\n".join(rng.choice(_FILLER) for _ in range(rng.randint(2, 18))) + "\n"
    return text, EPOCH - rng.random() * SEVEN_YEARS


def build_text_tree(share: Path, files: int, seed: int) -> None:
    """Write the ``files``-file text tree under ``share``."""
    made: set[str] = set()
    for index, relative in text_layout(files, seed):
        path = share / relative
        parent = str(path.parent)
        if parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        text, mtime = text_content(seed, index, 0)
        path.write_text(text, encoding="utf-8")
        os.utime(path, (mtime, mtime))


def change_text_tree(share: Path, files: int, seed: int, generation: int,
                     share_changed: float) -> int:
    """Rewrite ``share_changed`` of the files with new text, modified now; return how many."""
    count = max(1, round(files * share_changed))
    chosen = set(random.Random(f"{seed}:change:{generation}").sample(range(files), count))
    for index, relative in text_layout(files, seed):
        if index in chosen:
            text, _ = text_content(seed, index, generation)
            (share / relative).write_text(text, encoding="utf-8")
    return count


# --------------------------------------------------------------------------- the mixed tree


def mixed_documents(files: int, seed: int) -> list[Any]:
    """``files`` documents of the accuracy corpus, one folder of 400 per school."""
    import dataclasses

    from accuracy_corpus import DEFAULT_FILES, generate

    docs: list[Any] = []
    school = 0
    while len(docs) < files:
        school += 1
        docs += [dataclasses.replace(d, path=f"School {school:02d}/{d.path}")
                 for d in generate(min(DEFAULT_FILES, files - len(docs)), seed + 100 * school)]
    return docs


def build_mixed_tree(share: Path, files: int, seed: int) -> None:
    """Write the ``files``-document mixed tree under ``share``."""
    from accuracy_corpus import RENDERERS

    rng = random.Random(f"{seed}:mixed")
    for doc in mixed_documents(files, seed):
        path = share / doc.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(RENDERERS[path.suffix](doc))
        mtime = EPOCH - rng.random() * SEVEN_YEARS
        os.utime(path, (mtime, mtime))


def change_mixed_tree(share: Path, files: int, seed: int, generation: int,
                      share_changed: float) -> int:
    """Rewrite ``share_changed`` of the documents with another document of the same format
    (from a corpus of another seed, so the content is new), modified now."""
    from accuracy_corpus import RENDERERS, generate

    docs = mixed_documents(files, seed)
    count = max(1, round(files * share_changed))
    chosen = random.Random(f"{seed}:change:{generation}").sample(docs, count)
    spare: dict[str, list[Any]] = {}
    for doc in generate(seed=seed + 7919 * generation):
        spare.setdefault(Path(doc.path).suffix, []).append(doc)
    used: dict[str, int] = {}
    for doc in chosen:
        suffix = Path(doc.path).suffix
        others = spare.get(suffix) or [doc]
        number = used[suffix] = used.get(suffix, -1) + 1
        (share / doc.path).write_bytes(RENDERERS[suffix](others[number % len(others)]))
    return count


# --------------------------------------------------------------------------- trees


@dataclass(kw_only=True)
class Tree:
    """A built tree: where it is and what it holds (``state.json`` beside the share)."""

    name: str
    kind: str  # "text" or "mixed"
    files: int
    seed: int
    base: Path
    generation: int = 0  # how many times 1% of it was changed
    build_seconds: float = 0.0

    @property
    def share(self) -> Path:
        return self.base / "share"

    def save(self) -> None:
        state = {"kind": self.kind, "files": self.files, "seed": self.seed,
                 "generation": self.generation, "build_seconds": self.build_seconds}
        (self.base / "state.json").write_text(json.dumps(state) + "\n", encoding="utf-8")


BUILDERS = {"text": build_text_tree, "mixed": build_mixed_tree}
CHANGERS = {"text": change_text_tree, "mixed": change_mixed_tree}


def prepare(kind: str, files: int, seed: int, keep: Path, reuse: bool) -> Tree:
    """The tree ``kind-files`` under ``keep``: the one already there with ``reuse`` (when
    it was built for the same seed), else built afresh."""
    tree = Tree(name=f"{kind}-{files}", kind=kind, files=files, seed=seed,
                base=keep / f"{kind}-{files}")
    state_path = tree.base / "state.json"
    if reuse and state_path.exists():
        state = json.loads(state_path.read_text(encoding="utf-8"))
        if (state["kind"], state["files"], state["seed"]) == (kind, files, seed):
            tree.generation = state["generation"]
            tree.build_seconds = state["build_seconds"]
            return tree
    shutil.rmtree(tree.base, ignore_errors=True)
    tree.share.mkdir(parents=True)
    started = time.perf_counter()
    BUILDERS[kind](tree.share, files, seed)
    tree.build_seconds = time.perf_counter() - started
    tree.save()
    print(f"built {tree.name} in {tree.build_seconds:.0f}s under {tree.share}", flush=True)
    return tree


def change(tree: Tree, share_changed: float) -> int:
    """Rewrite ``share_changed`` of ``tree``'s files; return how many."""
    tree.generation += 1
    count = CHANGERS[tree.kind](tree.share, tree.files, tree.seed, tree.generation,
                                share_changed)
    tree.save()
    return count


def tree_size(share: Path) -> tuple[int, int]:
    """(folders, bytes) under ``share``."""
    folders = size = 0
    for folder, dirs, names in os.walk(share):
        folders += len(dirs)
        size += sum(os.lstat(os.path.join(folder, n)).st_size for n in names)
    return folders, size


# --------------------------------------------------------------------------- measuring


@dataclass(kw_only=True)
class Run:
    """One measured scan."""

    seconds: float
    files_seen: int
    files_read: int  # seen and not reused: read again (or failed)
    files_reused: int
    errors: int
    files_with_personal_data: int
    cpu_seconds: float
    peak_largest_mb: float  # the largest single process of the run's tree
    peak_sum_mb: float  # the largest sum over the run's tree at one sample
    samples: int
    load_before: list[float]
    load_after: list[float]
    report_bytes: dict[str, int] = field(default_factory=dict)

    @property
    def files_per_second(self) -> float:
        return self.files_seen / self.seconds if self.seconds else 0.0


class TreeSampler:
    """Samples the resident memory of a process and all its descendants in a thread."""

    def __init__(self, pid: int, interval: float) -> None:
        self.pid, self.interval = pid, interval
        self.largest = self.total = self.samples = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        import psutil

        try:
            parent = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._done.is_set():
            total = 0
            try:
                tree = [parent, *parent.children(recursive=True)]
            except psutil.Error:
                tree = []
            for process in tree:
                try:
                    rss = process.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                self.largest = max(self.largest, rss)
            self.total = max(self.total, total)
            self.samples += 1
            self._done.wait(self.interval)


def scan_summary(findings: Path) -> dict[str, Any]:
    """The ``scan`` block of findings.json, read without loading the files' records (which
    run to gigabytes at a million files): from the head, else from the tail."""
    decoder = json.JSONDecoder()
    size = findings.stat().st_size
    with findings.open("rb") as handle:
        for start in (0, max(0, size - (64 << 20))):
            handle.seek(start)
            text = handle.read(64 << 20).decode("utf-8", "replace")
            at = text.find('"scan":')
            if at >= 0:
                return decoder.raw_decode(text, text.index("{", at))[0]
    raise SystemExit(f"no scan summary in {findings}")


def measure(command: list[str], out: Path, interval: float) -> Run:
    """Run ``command`` (a dpscan scan writing to ``out``) and measure it."""
    shutil.rmtree(out, ignore_errors=True)
    load_before = list(os.getloadavg())
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {k: v for k, v in os.environ.items() if k != "DPSCAN_DB"}
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL,
                                   stderr=stderr)
        with TreeSampler(process.pid, interval) as sampler:
            status = process.wait()
        seconds = time.perf_counter() - started
        if status:  # no --fail-on: 1 is a crash, 3 an incomplete scan
            stderr.seek(0)
            tail = stderr.read().decode("utf-8", "replace")[-3000:]
            raise SystemExit(f"{' '.join(command[:4])} failed ({status}):\n{tail}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = scan_summary(out / "findings.json")
    return Run(
        seconds=seconds, files_seen=summary["files_seen"],
        files_read=summary["files_seen"] - summary.get("files_reused", 0),
        files_reused=summary.get("files_reused", 0), errors=summary["errors"],
        files_with_personal_data=summary["files_with_personal_data"],
        cpu_seconds=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        peak_largest_mb=sampler.largest / 1e6, peak_sum_mb=sampler.total / 1e6,
        samples=sampler.samples, load_before=load_before,
        load_after=list(os.getloadavg()),
        report_bytes={name: (out / name).stat().st_size for name in REPORTS
                      if (out / name).exists()})


def find_seconds(share: Path) -> float:
    """Best of three ``find SHARE -printf '%s %T@\\n' > /dev/null``, after a warming run."""
    command = ["find", str(share), "-printf", "%s %T@\n"]
    best = float("inf")
    for attempt in range(4):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
        if attempt:
            best = min(best, time.perf_counter() - started)
    return best


STAGES = ("first", "rescan", "changed")
STAGE_TITLES = {"first": "first scan", "rescan": "no-change rescan",
                "changed": "rescan, {changed} changed"}


def bench_tree(tree: Tree, args: argparse.Namespace) -> dict[str, Any]:
    """The three measured scans of ``tree`` (a fresh catalogue), the find floor and sizes."""
    db = tree.base / "catalogue.sqlite"
    for stale in tree.base.glob("catalogue.sqlite*"):
        stale.unlink()
    folders, size = tree_size(tree.share)
    floor = find_seconds(tree.share)
    runs: dict[str, Run] = {}
    changed = 0
    for stage in STAGES:
        if stage == "changed":
            changed = change(tree, args.changed)
        command = [sys.executable, "-m", "dpscan", "scan", str(tree.share),
                   "--out", str(tree.base / f"out-{stage}"), "--db", str(db),
                   "--format", "json,html,xlsx,csv", "--workers", str(args.workers), "--quiet"]
        runs[stage] = measure(command, tree.base / f"out-{stage}", args.interval)
        print(f"{tree.name}: {stage} {runs[stage].seconds:.1f}s", flush=True)
    return {
        "name": tree.name, "kind": tree.kind, "files": tree.files, "seed": tree.seed,
        "folders": folders, "bytes": size, "build_seconds": round(tree.build_seconds, 1),
        "find_seconds": floor, "files_changed": changed,
        "runs": {stage: asdict(run) | {"files_per_second": run.files_per_second}
                 for stage, run in runs.items()},
    }


# --------------------------------------------------------------------------- output


def _mb(value: float) -> str:
    return f"{value / 1e6:.2f}" if value < 10e6 else f"{value / 1e6:.1f}"


def print_tables(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """The figures as Markdown."""
    print(f"\n{args.workers} workers, {os.cpu_count()} CPUs; peak RSS sampled every "
          f"{args.interval}s over the run's process tree.\n")
    print("| tree | files | folders | MB | find -printf s | no-change rescan ÷ find |")
    print("|---|--:|--:|--:|--:|--:|")
    for tree in results:
        ratio = tree["runs"]["rescan"]["seconds"] / max(tree["find_seconds"], 1e-6)
        print(f"| {tree['name']} | {tree['files']:,} | {tree['folders']:,} | "
              f"{_mb(tree['bytes'])} | {tree['find_seconds']:.2f} | {ratio:.0f}× |")
    print("\n| tree | run | s | files/s | read | reused | CPU s | largest process MB | "
          "all processes MB | report.html MB | report.xlsx MB | findings.json MB | "
          "files.csv MB | load before→after |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    for tree in results:
        for stage, run in tree["runs"].items():
            title = STAGE_TITLES[stage].format(changed=f"{tree['files_changed']:,}")
            sizes = " | ".join(_mb(run["report_bytes"].get(name, 0)) for name in REPORTS)
            print(f"| {tree['name']} | {title} | {run['seconds']:.1f} | "
                  f"{run['files_per_second']:.0f} | {run['files_read']:,} | "
                  f"{run['files_reused']:,} | {run['cpu_seconds']:.0f} | "
                  f"{run['peak_largest_mb']:.0f} | {run['peak_sum_mb']:.0f} | {sizes} | "
                  f"{run['load_before'][0]:.1f}→{run['load_after'][0]:.1f} |")


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    # The dpscan the scans import (PYTHONPATH may point them at another checkout) and its
    # commit (none for an exported copy; uncommitted changes are not shown).
    source = subprocess.run([sys.executable, "-c", "import dpscan; print(dpscan.__file__)"],
                            cwd=PROJECT, capture_output=True, text=True, check=False)
    dpscan = source.stdout.strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                            cwd=Path(dpscan).resolve().parent if dpscan else PROJECT,
                            capture_output=True, text=True, check=False).stdout.strip()
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "commit": commit or None,
            "dpscan": dpscan or None,
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, nargs="*", default=list(DEFAULT_SIZES),
                        help="text trees to scan, by number of files (none: only --mixed)")
    parser.add_argument("--mixed", type=int, nargs="?", const=DEFAULT_MIXED, default=0,
                        help=f"also a mixed-document tree (default {DEFAULT_MIXED} files)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--changed", type=float, default=0.01,
                        help="share of files rewritten before the last rescan")
    parser.add_argument("--interval", type=float, default=0.2,
                        help="seconds between memory samples")
    parser.add_argument("--keep", type=Path, help="build trees and keep everything here")
    parser.add_argument("--reuse", action="store_true", help="reuse trees built in --keep")
    parser.add_argument("--json", type=Path, help="save every figure here")
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH))

    trees = [("text", files) for files in args.files]
    if args.mixed:
        trees.append(("mixed", args.mixed))
    base = args.keep or Path(tempfile.mkdtemp(prefix="dpscan-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = []
    try:
        for kind, files in trees:
            tree = prepare(kind, files, args.seed, base, args.reuse)
            results.append(bench_tree(tree, args))
            if args.json:  # after every tree: a long run stopped early keeps what it measured
                figures = {"machine": machine(), "workers": args.workers,
                           "changed": args.changed, "interval": args.interval,
                           "trees": results}
                args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    print_tables(results, args)


if __name__ == "__main__":
    main()
