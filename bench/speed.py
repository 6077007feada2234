"""Speed benchmark: dpscan against plain presidio on a large labelled school share, in one run.

    python bench/speed.py [--files 3000] [--seed 20261128] [--baseline-share 0.1]
                          [--keep DIR [--reuse]] [--json OUT]

1. Builds a mixed share of ``--files`` files with planted values and exact truth
   (``truth.json``): 70% are the documents of ``bench/accuracy_corpus.py`` (letters, MIS
   exports, registers, medical and SEN records, staff files, policies, invoices ... as
   .txt, .csv, .docx, .xlsx, .pdf; short, one to three pages), 10% are emails (.eml: a
   letter as the body, school and parent addresses in From and To) and 20% are long
   documents made of many of them (a term's letters in one .docx or .pdf, a policy
   handbook, a workbook with a sheet per class), so that the share has the long files
   real shares have.
2. Scans it with dpscan (``scanner.runner.run_scan``, then the json, html and xlsx
   reports) with 1 worker and with 2, each in a child process whose peak memory (the sum
   of the resident sizes of it and its workers, sampled every 0.1 s) is recorded.  The
   1-worker run is timed per stage (walk, sniff, protection, extract per extractor,
   detect, report) by wrapping those functions.
3. Runs the naive baseline on every ``1 / --baseline-share``-th file (in path order;
   at full size it would take hours) with as many processes as dpscan's 2-worker run:
   the same extractors, then presidio's default ``AnalyzerEngine`` (the whole spaCy
   pipeline, the same model and the same recognizers, no table reading, no name
   refinement) over each file's full extracted text, counting results that reach the
   same per-type thresholds.
4. Prints Markdown: throughput (files/s, MB/s of input, characters/s of extracted text),
   peak RSS, the per-stage breakdown, mention-level F1 of both against the truth (the
   baseline's on its sample, with dpscan's on the same sample beside it), the speed
   ratio, the 2-worker speed-up, and the machine's load average before and after.

Not a unit test: numbers, not assertions.  Model loading is inside every timing.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import evaluate  # noqa: E402
from accuracy_corpus import (  # noqa: E402
    _FIXED_DT,
    DEFAULT_SEED,
    RENDERERS,
    Doc,
    PageBreak,
    Para,
    Table,
    generate,
    mark,
    render_txt,
    truth_of,
)
from accuracy_corpus import DEFAULT_FILES as ACCURACY_FILES  # noqa: E402

DEFAULT_FILES = 3000
EMAIL_SHARE = 0.10
BUNDLE_SHARE = 0.20
SCHOOL_EMAIL = "office@oakfield.example.org"

# --------------------------------------------------------------------------- corpus


def _body(doc: Doc) -> list[Para | Table | PageBreak]:
    """``doc``'s blocks with Word headers and footers moved into the body (a bundle or an
    email has one header, so each document's own would be lost)."""
    return [dataclasses.replace(b, where="body") if isinstance(b, Para) else b
            for b in doc.blocks]


def _prose(doc: Doc) -> bool:
    return all(isinstance(b, Para) for b in doc.blocks) and not doc.path.endswith(".csv")


def email_doc(doc: Doc, index: int, rng: random.Random) -> Doc:
    """A letter sent as an email: school address in From, a parent's in To, letter as body."""
    parent = f"parent{index:04d}.{rng.choice(('home', 'family', 'mail'))}@example.com"
    head = [Para(f"From: {mark('EMAIL_ADDRESS', 0, SCHOOL_EMAIL)}"),
            Para(f"To: {mark('EMAIL_ADDRESS', 0, parent)}")]
    name = Path(doc.path).stem
    return Doc(f"Email/Sent Items/{index:04d} {name}.eml", f"email_{doc.kind}",
               head + _body(doc), set(doc.categories), set(doc.optional), doc.negative,
               title=doc.title or name)


def render_eml(doc: Doc) -> bytes:
    """The email of :func:`email_doc`: the first two paragraphs are From and To."""
    text = render_txt(Doc(doc.path, doc.kind, doc.blocks[2:])).decode("utf-8")
    sender = render_txt(Doc(doc.path, doc.kind, doc.blocks[:1])).decode().split(": ", 1)[1]
    to = render_txt(Doc(doc.path, doc.kind, doc.blocks[1:2])).decode().split(": ", 1)[1]
    message = EmailMessage()
    message["From"] = sender.strip()
    message["To"] = to.strip()
    message["Subject"] = doc.title
    message["Date"] = format_datetime(_FIXED_DT)
    message.set_content(text)
    return message.as_bytes()


def bundle_doc(kind: str, index: int, parts: list[Doc], suffix: str) -> Doc:
    """Many documents in one file: page breaks between prose, one sheet per table."""
    blocks: list[Para | Table | PageBreak] = []
    for number, part in enumerate(parts):
        if suffix == ".xlsx":
            for table in part.blocks:
                title = f"{len(blocks) + 1} {table.title}"[:31]
                blocks.append(dataclasses.replace(table, title=title))
        else:
            if number:
                blocks.append(PageBreak())
            blocks.extend(_body(part))
    folder = {"letters": "Correspondence", "handbook": "Policies", "workbook": "MIS exports"}
    return Doc(f"Bundles/{folder[kind]}/{kind} {index:03d}{suffix}", f"bundle_{kind}", blocks,
               set().union(*(p.categories for p in parts)),
               set().union(*(p.optional for p in parts)),
               all(p.negative for p in parts), title=f"{kind} {index}")


def trust_documents(count: int, seed: int) -> list[Doc]:
    """``count`` accuracy-corpus documents.  accuracy_corpus names files as one school
    does (one "Year 1 Ash.xlsx" a year), so more than its default number of documents
    are a trust's: one folder per school, each with its own seed."""
    docs: list[Doc] = []
    school = 0
    while len(docs) < count:
        school += 1
        docs += [dataclasses.replace(d, path=f"School {school:02d}/{d.path}")
                 for d in generate(min(ACCURACY_FILES, count - len(docs)),
                                   seed + 100 * school)]
    return docs


def speed_docs(files: int, seed: int) -> list[Doc]:
    """The documents of the speed share: accuracy documents, emails and bundles."""
    rng = random.Random(seed)
    emails = round(files * EMAIL_SHARE)
    bundles = round(files * BUNDLE_SHARE)
    docs = trust_documents(files - emails - bundles, seed)
    pool = trust_documents(max(800, emails + bundles), seed + 1)
    letters = [d for d in pool if _prose(d) and not d.negative]
    negative = [d for d in pool if _prose(d) and d.negative]
    sheets = [d for d in pool if d.path.endswith(".xlsx")]
    docs += [email_doc(rng.choice(letters), i, rng) for i in range(emails)]
    for i in range(bundles):
        choice = rng.random()
        if choice < 0.4:
            parts = rng.sample(letters, rng.randint(20, 60))
            docs.append(bundle_doc("letters", i, parts, rng.choice((".docx", ".pdf"))))
        elif choice < 0.7:
            parts = rng.sample(negative, min(len(negative), rng.randint(20, 60)))
            docs.append(bundle_doc("handbook", i, parts, rng.choice((".docx", ".pdf"))))
        else:
            parts = rng.sample(sheets, rng.randint(6, 20))
            docs.append(bundle_doc("workbook", i, parts, ".xlsx"))
    return docs


def build_share(out: Path, files: int, seed: int) -> dict[str, Any]:
    """Write ``out/share/...`` and ``out/truth.json``; return the truth."""
    share = out / "share"
    share.mkdir(parents=True, exist_ok=True)
    renderers: dict[str, Callable[[Doc], bytes]] = {**RENDERERS, ".eml": render_eml}
    records = []
    for doc in speed_docs(files, seed):
        path = share / doc.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(renderers[Path(doc.path).suffix](doc))
        records.append(truth_of(doc))
    truth = {"meta": {"files": files, "seed": seed, "kind": "speed"}, "files": records}
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    return truth


# --------------------------------------------------------------------------- child: dpscan


def _timed(totals: Counter[str], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            totals[name] += time.perf_counter() - started
    return wrapper


def child_dpscan(share: Path, out: Path, workers: int, result_path: Path) -> None:
    """Scan ``share`` with dpscan, write the reports, save timings and findings."""
    import dpscan.scanner.pipeline as pipeline
    import dpscan.scanner.runner as runner
    from dpscan.detectors.content import ContentDetector
    from dpscan.model.config import ScanConfig
    from dpscan.reports import write_reports

    started = time.perf_counter()
    stages: Counter[str] = Counter()
    extractors: dict[str, Counter[str]] = defaultdict(Counter)
    if workers == 1:
        # In-process (serial executor): wrap each stage to time it.
        pipeline.sniff_handle = _timed(stages, "sniff", pipeline.sniff_handle)
        pipeline.check_protection = _timed(stages, "protection", pipeline.check_protection)
        ContentDetector.detect = _timed(stages, "detect", ContentDetector.detect)
        find = pipeline.extractor_for
        wrapped: dict[str, Any] = {}

        def extractor_for(mime: str) -> Any:
            extractor = find(mime)
            if extractor is None:
                return None
            if extractor.name not in wrapped:
                extract = extractor.extract

                def timed_extract(handle: Any, limits: Any, _name: str = extractor.name,
                                  _extract: Any = extract) -> Any:
                    began = time.perf_counter()
                    size = _size(handle)
                    try:
                        return _extract(handle, limits)
                    finally:
                        spent = time.perf_counter() - began
                        stages["extract"] += spent
                        extractors[_name]["seconds"] += spent
                        extractors[_name]["files"] += 1
                        extractors[_name]["bytes"] += size

                # The format row's extract, timed; the pipeline reads only these three.
                wrapped[extractor.name] = SimpleNamespace(
                    name=extractor.name, reads_encrypted=extractor.reads_encrypted,
                    extract=timed_extract)
            return wrapped[extractor.name]

        pipeline.extractor_for = extractor_for
        walk = runner.walk_roots

        def timed_walk(*args: Any, **kwargs: Any) -> Iterator[Any]:
            iterator = walk(*args, **kwargs)
            while True:
                began = time.perf_counter()
                try:
                    item = next(iterator)
                except StopIteration:
                    stages["walk"] += time.perf_counter() - began
                    return
                stages["walk"] += time.perf_counter() - began
                yield item

        runner.walk_roots = timed_walk

    config = ScanConfig(workers=workers)
    result = runner.run_scan([str(share)], config)
    scanned = time.perf_counter()
    write_reports(result, out, ["json", "html", "xlsx"])
    finished = time.perf_counter()
    stages["report"] = finished - scanned
    files = result.files
    by_extractor: dict[str, Counter[str]] = defaultdict(Counter)
    for record in files:
        name = record.extractor or "-"
        by_extractor[name]["records"] += 1
        by_extractor[name]["text_chars"] += record.text_chars
        by_extractor[name]["ner_chars"] += record.ner_chars
        by_extractor[name]["record_seconds"] += record.seconds
    report = {
        "workers": workers,
        "seconds_scan": scanned - started,
        "seconds_total": finished - started,
        "records": len(files),
        "top_level": sum(1 for f in files if f.container is None),
        "statuses": dict(Counter(f.status for f in files)),
        "bytes": sum(f.size or 0 for f in files if f.container is None),
        "text_chars": sum(f.text_chars for f in files),
        "ner_chars": sum(f.ner_chars for f in files),
        "stages": dict(stages),
        "extractors": {k: dict(v) for k, v in extractors.items()},
        "by_extractor": {k: dict(v) for k, v in by_extractor.items()},
        "load_after": os.getloadavg(),
        "largest_process_mb": _largest_process_mb(),
    }
    result_path.write_text(json.dumps(report), encoding="utf-8")


def _largest_process_mb() -> float:
    """Peak RSS of the largest single process: this one or a worker it has reaped."""
    import resource

    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def _size(handle: Any) -> int:
    """Bytes in ``handle`` (seek and tell: fileno() would spill a spooled member to disk)."""
    position = handle.tell()
    size = handle.seek(0, os.SEEK_END)
    handle.seek(position)
    return size


# --------------------------------------------------------------------------- child: baseline

_ANALYZER: Any = None


def _baseline_init() -> None:
    """presidio's default AnalyzerEngine: the full spaCy pipeline, dpscan's recognizers."""
    global _ANALYZER
    import logging

    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from dpscan.detectors.recognizers import build_recognizers
    from dpscan.model.config import DetectionSettings

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    model = DetectionSettings().spacy_model
    engine = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}],
    }).create_engine()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.add_nlp_recognizer(engine)
    for recognizer in build_recognizers():
        registry.add_recognizer(recognizer)
    _ANALYZER = AnalyzerEngine(registry=registry, nlp_engine=engine,
                               supported_languages=["en"])


def _baseline_file(path: str) -> dict[str, Any]:
    """Extract with dpscan's extractors, then analyse the whole text with presidio."""
    from dpscan.detectors.personal_data import split_text
    from dpscan.model.config import DetectionSettings
    from dpscan.model.extraction import Limits
    from dpscan.model.records import ENTITY_TYPES
    from dpscan.scanner.extract import extractor_for
    from dpscan.scanner.sniff import sniff_handle

    settings = DetectionSettings()
    began = time.perf_counter()
    text = ""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        mime = sniff_handle(handle, os.path.basename(path), size).mime
        extractor = extractor_for(mime)
        if extractor is not None:
            handle.seek(0)
            try:
                text = extractor.extract(handle, Limits()).text
            except Exception:  # noqa: BLE001 - a file the baseline cannot read counts 0
                text = ""
    extracted = time.perf_counter()
    counts: Counter[str] = Counter()
    for _offset, chunk in split_text(text):  # spaCy refuses texts over 1M characters
        for result in _ANALYZER.analyze(text=chunk, language="en", entities=list(ENTITY_TYPES)):
            if result.score >= settings.threshold(result.entity_type):
                counts[result.entity_type] += 1
    return {"entities": dict(counts), "extract": extracted - began,
            "detect": time.perf_counter() - extracted, "bytes": size, "text_chars": len(text)}


def child_baseline(share: Path, paths: list[str], workers: int, result_path: Path) -> None:
    import multiprocessing

    started = time.perf_counter()
    files = [str(share / p) for p in paths]
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_baseline_init) as pool:
        outcomes = list(pool.imap(_baseline_file, files, chunksize=1))
    report = {
        "workers": workers,
        "seconds_total": time.perf_counter() - started,
        "files": len(files),
        "bytes": sum(o["bytes"] for o in outcomes),
        "text_chars": sum(o["text_chars"] for o in outcomes),
        "stages": {"extract": sum(o["extract"] for o in outcomes),
                   "detect": sum(o["detect"] for o in outcomes)},
        "findings": {"files": [{"path": p, "status": "scanned", "entities": o["entities"],
                                "special_categories": [], "data_subjects": 0,
                                "seconds": o["extract"] + o["detect"],
                                "text_chars": o["text_chars"]}
                               for p, o in zip(paths, outcomes, strict=True)]},
        "load_after": os.getloadavg(),
        "largest_process_mb": _largest_process_mb(),
    }
    result_path.write_text(json.dumps(report), encoding="utf-8")


# --------------------------------------------------------------------------- parent


def run_child(args: list[str]) -> tuple[dict[str, Any], float, float]:
    """Run this script as a child; return its report, its wall time and peak tree RSS (MB).

    The report also gets the CPU seconds (user + system) of the child and all its
    workers, and the peak RSS of the largest single process, from RUSAGE_CHILDREN.
    """
    import resource

    import psutil

    load = os.getloadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, *args], cwd=ROOT)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        parent = psutil.Process(process.pid)
        while not done.is_set():
            try:
                tree = [parent, *parent.children(recursive=True)]
                total = 0
                for proc in tree:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
                peak = max(peak, total)
            except psutil.Error:
                pass
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = process.wait()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if code:
        raise SystemExit(f"child {args[:2]} failed with status {code}")
    report = json.loads(Path(args[args.index("--result") + 1]).read_text(encoding="utf-8"))
    report["load_before"] = load
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report["cpu_seconds"] = (after.ru_utime + after.ru_stime) - (before.ru_utime
                                                                 + before.ru_stime)

    return report, wall, peak / 1e6


def per_group(truth: dict[str, Any], serial: dict[str, Any], baseline: dict[str, Any],
              sample: set[str]) -> dict[str, dict[str, float]]:
    """Per kind of file in the sample: files, text, NER text and seconds of both."""
    def group(kind: str) -> str:
        if kind.startswith("bundle_"):
            return "long: " + kind.removeprefix("bundle_")
        return "email" if kind.startswith("email_") else "short document"

    kinds = {f["path"]: group(f["kind"]) for f in truth["files"]}
    groups: dict[str, dict[str, float]] = defaultdict(Counter)
    for record in serial["files"]:
        top = record["path"].split("!", 1)[0]
        if top in sample:
            g = groups[kinds[top]]
            g["dpscan"] += record["seconds"]
            g["ner"] += record.get("ner_chars", 0)
            if "!" not in record["path"]:
                g["files"] += 1
                g["text"] += record["text_chars"]
    for record in baseline["files"]:
        groups[kinds[record["path"]]]["baseline"] += record["seconds"]
    for name, g in groups.items():
        paths = {p for p, kind in kinds.items() if kind == name and p in sample}
        subset = [f for f in truth["files"] if f["path"] in paths]
        for key, found in (("dpscan_f1", serial), ("baseline_f1", baseline)):
            records = {"files": [r for r in found["files"] if r["path"] in paths]}
            micro = micro_f1(subset, records)["micro"]
            # No true mention in the group (negative documents): F1 is undefined; say how
            # many false hits there were instead.
            g[key] = micro["f1"] if micro["f1"] is not None else -micro["fp"]
    return {k: dict(v) for k, v in sorted(groups.items())}


def micro_f1(truth_files: list[dict[str, Any]], findings: dict[str, Any]) -> dict[str, Any]:
    metrics = evaluate({"files": truth_files}, findings)
    return {"micro": metrics["entities_micro"],
            "person": metrics["entities"]["PERSON"]["mention"]}


def _f1_cell(value: float) -> str:
    return f"{value:.3f}" if value >= 0 else f"– ({-value:.0f} false hits)"


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--baseline-share", type=float, default=0.1)
    parser.add_argument("--workers", type=int, default=2, help="the parallel run's workers")
    parser.add_argument("--keep", type=Path, help="build (or reuse) the share here")
    parser.add_argument("--reuse", action="store_true", help="reuse a share built in --keep")
    parser.add_argument("--json", type=Path, help="save every figure here")
    # Internal: the measured runs, each in its own process.
    parser.add_argument("--child", choices=("dpscan", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--share", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--paths", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child == "dpscan":
        child_dpscan(args.share, args.out, args.workers, args.result)
        return
    if args.child == "baseline":
        paths = json.loads(args.paths.read_text(encoding="utf-8"))
        child_baseline(args.share, paths, args.workers, args.result)
        return

    base = args.keep or Path(tempfile.mkdtemp(prefix="dpscan-speed-"))
    try:
        run(args, base)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


def run(args: argparse.Namespace, base: Path) -> None:
    truth_path = base / "truth.json"
    started = time.perf_counter()
    if args.reuse and truth_path.exists():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        built = 0.0
    else:
        shutil.rmtree(base / "share", ignore_errors=True)
        truth = build_share(base, args.files, args.seed)
        built = time.perf_counter() - started
    share = base / "share"
    formats = Counter(Path(f["path"]).suffix for f in truth["files"])
    sizes = [(share / f["path"]).stat().st_size for f in truth["files"]]

    runs: dict[int, tuple[dict[str, Any], float, float]] = {}
    for workers in (1, args.workers):
        out = base / f"out-{workers}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        runs[workers] = run_child(["--child", "dpscan", "--share", str(share), "--out", str(out),
                                   "--workers", str(workers),
                                   "--result", str(base / f"dpscan-{workers}.json")])

    step = max(1, round(1 / args.baseline_share))
    sample = sorted(f["path"] for f in truth["files"])[::step]
    (base / "baseline-paths.json").write_text(json.dumps(sample), encoding="utf-8")
    baseline, baseline_wall, baseline_rss = run_child([
        "--child", "baseline", "--share", str(share), "--paths",
        str(base / "baseline-paths.json"), "--workers", str(args.workers),
        "--result", str(base / "baseline.json")])

    findings = json.loads((base / f"out-{args.workers}" / "findings.json").read_text())
    in_sample = set(sample)
    sample_truth = [f for f in truth["files"] if f["path"] in in_sample]
    sample_findings = {"files": [r for r in findings["files"] if r["path"] in in_sample]}
    scores = {
        "dpscan_all": micro_f1(truth["files"], findings),
        "dpscan_sample": micro_f1(sample_truth, sample_findings),
        "baseline_sample": micro_f1(sample_truth, baseline["findings"]),
    }
    serial = json.loads((base / "out-1" / "findings.json").read_text())
    groups = per_group(truth, serial, baseline["findings"], in_sample)
    figures = report(args, truth, formats, sizes, built, runs, baseline, baseline_wall,
                     baseline_rss, scores, len(sample))
    print("Per kind of file, on the baseline's sample: seconds of work per file (dpscan's "
          "1-worker run; the baseline's extract + analyse), and the ratio.\n")
    print("| kind | files | text k chars/file | dpscan s/file | NER share of text | "
          "baseline s/file | ratio | dpscan F1 | baseline F1 |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for name, g in groups.items():
        print(f"| {name} | {g['files']:.0f} | {g['text'] / g['files'] / 1e3:.1f} | "
              f"{g['dpscan'] / g['files']:.3f} | {g['ner'] / max(1, g['text']):.0%} | "
              f"{g['baseline'] / g['files']:.3f} | {g['baseline'] / max(1e-9, g['dpscan']):.1f}× | "
              f"{_f1_cell(g['dpscan_f1'])} | {_f1_cell(g['baseline_f1'])} |")
    figures["groups"] = groups
    if args.json:
        baseline.pop("findings", None)
        args.json.write_text(json.dumps(figures | {"baseline": baseline}, indent=1) + "\n")


def report(args: argparse.Namespace, truth: dict[str, Any], formats: Counter[str],
           sizes: list[int], built: float, runs: dict[int, tuple[dict[str, Any], float, float]],
           baseline: dict[str, Any], baseline_wall: float, baseline_rss: float,
           scores: dict[str, Any], sampled: int) -> dict[str, Any]:
    total_mb = sum(sizes) / 1e6
    one, one_wall, one_rss = runs[1]
    many, many_wall, many_rss = runs[args.workers]
    files = len(truth["files"])
    base_files_s = baseline["files"] / baseline_wall
    many_files_s = files / many_wall
    base_mb_s = baseline["bytes"] / 1e6 / baseline_wall
    sizes_sorted = sorted(sizes)
    print(f"# dpscan speed: {files} files, seed {args.seed}\n")
    print(f"Share: {files} files, {total_mb:.1f} MB "
          f"({', '.join(f'{k} {v}' for k, v in sorted(formats.items()))}); file size median "
          f"{sizes_sorted[len(sizes) // 2] / 1e3:.0f} kB, largest "
          f"{sizes_sorted[-1] / 1e6:.2f} MB; extracted text {many['text_chars'] / 1e6:.1f} M "
          f"characters in {many['records']} records"
          + (f"; built in {built:.0f} s" if built else " (reused)") + ".  CPU cores: "
          f"{os.cpu_count()}.\n")
    print("| run | files | wall s | files/s | input MB/s | text k chars/s | GB/hour | "
          "CPU s | files per CPU s | peak RSS MB, all processes (largest one) | "
          "load avg before → after |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    for label, data, wall, rss, n in (
        ("dpscan, 1 worker", one, one_wall, one_rss, files),
        (f"dpscan, {args.workers} workers", many, many_wall, many_rss, files),
        (f"presidio baseline, {args.workers} processes (every {round(1 / args.baseline_share)}"
         f"th file)", baseline, baseline_wall, baseline_rss, baseline["files"]),
    ):
        print(f"| {label} | {n} | {wall:.1f} | {n / wall:.2f} | "
              f"{data['bytes'] / 1e6 / wall:.3f} | {data['text_chars'] / 1e3 / wall:.1f} | "
              f"{data['bytes'] / 1e9 / wall * 3600:.2f} | {data['cpu_seconds']:.0f} | "
              f"{n / data['cpu_seconds']:.2f} | {rss:.0f} ({data['largest_process_mb']:.0f}) | "
              f"{data['load_before'][0]:.2f} → {data['load_after'][0]:.2f} |")
    ratio = many_files_s / base_files_s
    speedup = one_wall / many_wall
    cpu_ratio = (files / many["cpu_seconds"]) / (baseline["files"] / baseline["cpu_seconds"])
    print(f"\nSpeed ratio dpscan / baseline ({args.workers} processes each): "
          f"**{ratio:.1f}×** in files/s, {(files and total_mb / many_wall) / base_mb_s:.1f}× "
          f"in input MB/s, {cpu_ratio:.1f}× in files per CPU second.  {args.workers} workers "
          f"vs 1: **{speedup:.2f}×** in wall time.\n")

    print("| F1 (mention level, all entity types, micro) | files | P | R | F1 | PERSON F1 |")
    print("|---|--:|--:|--:|--:|--:|")
    for label, key, n in (("dpscan, whole share", "dpscan_all", files),
                          ("dpscan, baseline's sample", "dpscan_sample", sampled),
                          ("presidio baseline, its sample", "baseline_sample", sampled)):
        micro, person = scores[key]["micro"], scores[key]["person"]
        print(f"| {label} | {n} | {_fmt(micro['precision'])} | {_fmt(micro['recall'])} | "
              f"{_fmt(micro['f1'])} | {_fmt(person['f1'])} |")

    stages = one["stages"]
    print(f"\nStages of the 1-worker run (seconds of {one_wall:.1f} s wall; model loading "
          f"and the per-file glue are in 'other'):\n")
    print("| stage | seconds | share |")
    print("|---|--:|--:|")
    named = ("walk", "sniff", "protection", "extract", "detect", "report")
    for stage in named:
        print(f"| {stage} | {stages.get(stage, 0):.1f} | "
              f"{stages.get(stage, 0) / one_wall:.0%} |")
    other = one_wall - sum(stages.get(s, 0) for s in named)
    print(f"| other | {other:.1f} | {other / one_wall:.0%} |")
    print("\n| extractor | files | MB | seconds | ms/file | text k chars | NER k chars |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for name, data in sorted(one["extractors"].items(), key=lambda i: -i[1]["seconds"]):
        chars = one["by_extractor"].get(name, {})
        print(f"| {name} | {data['files']:.0f} | {data['bytes'] / 1e6:.1f} | "
              f"{data['seconds']:.1f} | {1000 * data['seconds'] / max(1, data['files']):.0f} | "
              f"{chars.get('text_chars', 0) / 1e3:.0f} | {chars.get('ner_chars', 0) / 1e3:.0f} |")
    print(f"\nNER read {one['ner_chars'] / 1e6:.2f} M of {one['text_chars'] / 1e6:.2f} M "
          f"characters ({one['ner_chars'] / max(1, one['text_chars']):.0%}); the baseline "
          f"spent {baseline['stages']['detect']:.0f} s analysing and "
          f"{baseline['stages']['extract']:.0f} s extracting (summed over processes).\n")
    return {"files": files, "mb": total_mb, "runs": {str(k): {"report": v[0], "wall": v[1],
                                                              "peak_rss_mb": v[2]}
                                                      for k, v in runs.items()},
            "baseline_wall": baseline_wall, "baseline_rss_mb": baseline_rss,
            "ratio_files": ratio, "speedup": speedup, "scores": scores}


if __name__ == "__main__":
    main()
