"""Accuracy benchmark: scan labelled synthetic school shares and score what dpscan finds.

    python bench/accuracy.py [--corpus first|independent|both] [--files 400] [--seed S]
                             [--workers 2] [--keep DIR [--reuse]] [--json OUT]
                             [--explain TYPE ...] [--top 15] [--by-kind]

Two corpora, each built, scanned and scored on its own (``--corpus both``, the default,
runs the first and then the independent one):

* ``first``: ``bench/accuracy_corpus.py``, documents with planted values and an exact count
  of every mention, plus negative controls.  The detectors were tuned on it.
* ``independent``: ``bench/accuracy_independent.py`` (issue 19), other sources and layouts
  (MIS exports in CSV/XLSX/JSON/CTF XML, label/value forms in Word and HTML, emails,
  negative controls).  Never tune on it.  Its truth is per file (``counting: presence``),
  so only file-level scores are printed for it.

Each corpus is scanned by the real CLI in a subprocess (``python -m dpscan scan SHARE --out
OUT --format json --quiet --workers N``), and Markdown tables are printed:

* per entity type, FILE level (a file is predicted positive when ``entities[type] > 0``,
  or, for a container, when its ``members_entities`` hold the type: the roll-up the DPO
  sees on the file to act on; truly positive when it holds a mention) and MENTION level
  (per file TP = min(found, true), FP = max(0, found - true), FN = max(0, true - found),
  summed) precision, recall and F1;
* per special category, file-level precision, recall and F1 (categories the truth marks
  optional for a file are not scored on it);
* ``data_subjects``: mean absolute error and the share of files within +-10% (first corpus);
* files, seconds and the exact scan command;
* with both corpora, file-level F1 per type and per category side by side.

``--explain TYPE`` (an entity type, a special category or ``data_subjects``; repeatable)
lists the worst files with found vs true, the planted values of missed mentions and the
scanner's masked evidence, to help debug a detector.  ``--keep DIR`` keeps each corpus,
truth.json and findings.json in DIR/first and DIR/independent; with ``--reuse`` an existing
corpus there (same files and seed) is scanned again without being rebuilt.  ``--seed``
applies to every corpus run (default: each corpus's own).  Not a unit test: numbers, no
assertions.
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import accuracy_corpus  # noqa: E402
import accuracy_independent  # noqa: E402
from accuracy_corpus import CATEGORIES, DEFAULT_FILES, ENTITY_TYPES  # noqa: E402


@dataclass(frozen=True, slots=True)
class Corpus:
    """A labelled corpus this benchmark can build and score."""

    name: str
    title: str
    default_seed: int
    build: Callable[[Path, int, int], dict[str, Any]]


CORPORA: dict[str, Corpus] = {
    "first": Corpus("first", "first corpus (bench/accuracy_corpus.py, tuned on)",
                    accuracy_corpus.DEFAULT_SEED, accuracy_corpus.build_corpus),
    "independent": Corpus("independent",
                          "independent corpus (bench/accuracy_independent.py, never tuned on)",
                          accuracy_independent.DEFAULT_SEED, accuracy_independent.build_corpus),
}
if accuracy_independent.ENTITY_TYPES != ENTITY_TYPES or \
        accuracy_independent.CATEGORIES != CATEGORIES:
    raise SystemExit("the two corpora must label the same entity types and categories")

# --------------------------------------------------------------------------- scoring


def prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    """Counts with precision, recall and F1 (None when undefined)."""
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    if precision is None or recall is None or precision + recall == 0:
        f1 = None if precision is None or recall is None else 0.0
    else:
        f1 = 2 * precision * recall / (precision + recall)
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


def presence_only(truth: dict[str, Any]) -> bool:
    """True when the truth labels which types a file holds, not how many mentions."""
    return truth.get("meta", {}).get("counting") == "presence"


def evaluate(truth: dict[str, Any], findings: dict[str, Any]) -> dict[str, Any]:
    """Score ``findings`` (findings.json) against ``truth`` (truth.json).

    For a presence-only truth the found counts are clipped to 1 per type, so mention
    level equals file level."""
    records = {r["path"]: r for r in findings["files"]}
    presence = presence_only(truth)
    rows: list[dict[str, Any]] = []
    statuses: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for t in truth["files"]:
        record = records.get(t["path"])
        status = record["status"] if record else "missing"
        statuses[status] += 1
        if record and record.get("error"):
            errors[record["error"]] += 1
        rows.append({
            "path": t["path"],
            "kind": t["kind"],
            "negative": t["negative"],
            "status": status,
            "true": t["mentions"],
            "found": ({k: min(v, 1) if presence else v
                       for k, v in record["entities"].items()} if record else {}),
            "cats_true": t["special_categories"],
            "cats_optional": t.get("special_categories_optional", []),
            # A container (archive, email) is judged with what it holds (issue 18's roll-up):
            # the file a DPO acts on.  Mention counts stay the record's own.
            "held": ({k for k, v in {**record["entities"],
                                     **record.get("members_entities", {})}.items() if v}
                     if record else set()),
            "cats_found": (sorted({*record["special_categories"],
                                   *record.get("members_special_categories", [])})
                           if record else []),
            "ds_true": t["data_subjects"],
            "ds_found": record.get("data_subjects", 0) if record else 0,
            "values": t.get("values", {}),
            "evidence": record.get("evidence", []) if record else [],
            "category_evidence": record.get("special_category_evidence", {}) if record else {},
            "columns": record.get("columns", {}) if record else {},
            "error": record.get("error") if record else "not in findings.json",
        })

    entities: dict[str, Any] = {}
    all_mentions = Counter()
    for etype in ENTITY_TYPES:
        file_c = Counter()
        mention_c = Counter()
        for row in rows:
            true, found = row["true"].get(etype, 0), row["found"].get(etype, 0)
            held = etype in row["held"]
            file_c["tp"] += bool(true and held)
            file_c["fp"] += bool(held and not true)
            file_c["fn"] += bool(true and not held)
            mention_c["tp"] += min(true, found)
            mention_c["fp"] += max(0, found - true)
            mention_c["fn"] += max(0, true - found)
        all_mentions.update(mention_c)
        entities[etype] = {
            "files_true": sum(1 for r in rows if r["true"].get(etype)),
            "files_found": sum(1 for r in rows if etype in r["held"]),
            "mentions_true": sum(r["true"].get(etype, 0) for r in rows),
            "mentions_found": sum(r["found"].get(etype, 0) for r in rows),
            "file": prf(file_c["tp"], file_c["fp"], file_c["fn"]),
            "mention": prf(mention_c["tp"], mention_c["fp"], mention_c["fn"]),
        }
    entities_micro = prf(all_mentions["tp"], all_mentions["fp"], all_mentions["fn"])

    categories: dict[str, Any] = {}
    for category in CATEGORIES:
        c = Counter()
        for row in rows:
            if category in row["cats_optional"]:
                continue
            true, found = category in row["cats_true"], category in row["cats_found"]
            c["tp"] += true and found
            c["fp"] += found and not true
            c["fn"] += true and not found
        categories[category] = {
            "files_true": sum(1 for r in rows if category in r["cats_true"]),
            "files_found": sum(1 for r in rows if category in r["cats_found"]),
            **prf(c["tp"], c["fp"], c["fn"]),
        }
    other_categories = Counter(
        c for row in rows for c in row["cats_found"] if c not in CATEGORIES)

    def subject_stats(selected: list[dict[str, Any]]) -> dict[str, Any]:
        selected = [r for r in selected if r["ds_true"] is not None]  # None: not labelled
        if not selected:
            return {"files": 0}
        errors_abs = [abs(r["ds_found"] - r["ds_true"]) for r in selected]
        within = sum(1 for r in selected
                     if abs(r["ds_found"] - r["ds_true"]) <= 0.1 * r["ds_true"])
        return {
            "files": len(selected),
            "mae": sum(errors_abs) / len(selected),
            "mean_signed_error": sum(r["ds_found"] - r["ds_true"] for r in selected)
            / len(selected),
            "within_10pct": within / len(selected),
            "true_total": sum(r["ds_true"] for r in selected),
            "found_total": sum(r["ds_found"] for r in selected),
        }

    subjects = {
        "all": subject_stats(rows),
        "with_subjects": subject_stats([r for r in rows if (r["ds_true"] or 0) > 0]),
        "without_subjects": subject_stats([r for r in rows if r["ds_true"] == 0]),
    }
    return {
        "presence_only": presence,
        "entities": entities,
        "entities_micro": entities_micro,
        "special_categories": categories,
        "other_categories": dict(other_categories),
        "data_subjects": subjects,
        "statuses": dict(statuses),
        "errors": dict(errors.most_common()),
        "rows": rows,
    }


def by_kind(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per document kind: mention-level micro scores and category accuracy."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["kind"]].append(row)
    out: dict[str, dict[str, Any]] = {}
    for kind, selected in groups.items():
        c = Counter()
        person = Counter()
        for row in selected:
            for etype in set(row["true"]) | set(row["found"]):
                true, found = row["true"].get(etype, 0), row["found"].get(etype, 0)
                c["tp"] += min(true, found)
                c["fp"] += max(0, found - true)
                c["fn"] += max(0, true - found)
            person["true"] += row["true"].get("PERSON", 0)
            person["found"] += row["found"].get("PERSON", 0)
        cats_ok = sum(
            1 for r in selected
            if set(r["cats_true"]) <= set(r["cats_found"])
            and not (set(r["cats_found"]) & set(CATEGORIES))
            - set(r["cats_true"]) - set(r["cats_optional"]))
        out[kind] = {
            "files": len(selected),
            "negative": selected[0]["negative"],
            "mention": prf(c["tp"], c["fp"], c["fn"]),
            "person_true": person["true"],
            "person_found": person["found"],
            "categories_exact": cats_ok,
            "ds_mae": _mae([r for r in selected if r["ds_true"] is not None]),
            "not_scanned": sum(1 for r in selected if r["status"] != "scanned"),
        }
    return out


def _mae(rows: list[dict[str, Any]]) -> float | None:
    if not rows:
        return None
    return sum(abs(r["ds_found"] - r["ds_true"]) for r in rows) / len(rows)


# --------------------------------------------------------------------------- printing


def _f(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def print_tables(metrics: dict[str, Any], kinds: dict[str, Any] | None) -> None:
    if metrics["presence_only"]:
        _print_entities_file_level(metrics)
    else:
        _print_entities(metrics)
    _print_categories(metrics)
    if metrics["data_subjects"]["all"]["files"]:
        _print_subjects(metrics)
    if kinds:
        _print_kinds(kinds)


def _print_entities_file_level(metrics: dict[str, Any]) -> None:
    print("### Entities (file level)\n")
    print("| type | files true | files found | TP | FP | FN | P | R | F1 |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    total = Counter()
    for etype, m in metrics["entities"].items():
        fl = m["file"]
        total.update({k: fl[k] for k in ("tp", "fp", "fn")})
        print(f"| {etype} | {m['files_true']} | {m['files_found']} | {fl['tp']} | {fl['fp']} "
              f"| {fl['fn']} | {_f(fl['precision'])} | {_f(fl['recall'])} | {_f(fl['f1'])} |")
    micro = prf(total["tp"], total["fp"], total["fn"])
    print(f"| **all (micro)** | | | {micro['tp']} | {micro['fp']} | {micro['fn']} "
          f"| {_f(micro['precision'])} | {_f(micro['recall'])} | {_f(micro['f1'])} |")


def _print_entities(metrics: dict[str, Any]) -> None:
    print("### Entities (file level and mention level)\n")
    print("| type | files true | files found | file P | file R | file F1 "
          "| mentions true | found | mention P | mention R | mention F1 |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for etype, m in metrics["entities"].items():
        fl, ml = m["file"], m["mention"]
        print(f"| {etype} | {m['files_true']} | {m['files_found']} | {_f(fl['precision'])} "
              f"| {_f(fl['recall'])} | {_f(fl['f1'])} | {m['mentions_true']} "
              f"| {m['mentions_found']} | {_f(ml['precision'])} | {_f(ml['recall'])} "
              f"| {_f(ml['f1'])} |")
    micro = metrics["entities_micro"]
    print(f"| **all (micro)** | | | | | | {micro['tp'] + micro['fn']} | "
          f"{micro['tp'] + micro['fp']} | {_f(micro['precision'])} | {_f(micro['recall'])} "
          f"| {_f(micro['f1'])} |")



def _category_micro(metrics: dict[str, Any]) -> dict[str, Any]:
    total = Counter()
    for m in metrics["special_categories"].values():
        total.update({k: m[k] for k in ("tp", "fp", "fn")})
    return prf(total["tp"], total["fp"], total["fn"])


def _print_categories(metrics: dict[str, Any]) -> None:
    print("\n### Special categories (file level)\n")
    print("| category | files true | files found | TP | FP | FN | P | R | F1 |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for category, m in metrics["special_categories"].items():
        print(f"| {category} | {m['files_true']} | {m['files_found']} | {m['tp']} | {m['fp']} "
              f"| {m['fn']} | {_f(m['precision'])} | {_f(m['recall'])} | {_f(m['f1'])} |")
    micro = _category_micro(metrics)
    print(f"| **all (micro)** | | | {micro['tp']} | {micro['fp']} | {micro['fn']} "
          f"| {_f(micro['precision'])} | {_f(micro['recall'])} | {_f(micro['f1'])} |")
    if metrics["other_categories"]:
        others = ", ".join(f"{k} in {v} files" for k, v in
                           sorted(metrics["other_categories"].items()))
        print(f"\nOther categories reported (none planted): {others}")


def _print_subjects(metrics: dict[str, Any]) -> None:
    print("\n### Data subjects\n")
    print("| files | n | MAE | mean signed error | within ±10% | true total | found total |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    labels = {"all": "all", "with_subjects": "with people (true > 0)",
              "without_subjects": "without people (true = 0)"}
    for key, label in labels.items():
        s = metrics["data_subjects"][key]
        if not s["files"]:
            continue
        print(f"| {label} | {s['files']} | {s['mae']:.2f} | {s['mean_signed_error']:+.2f} "
              f"| {s['within_10pct']:.1%} | {s['true_total']} | {s['found_total']} |")


def _print_kinds(kinds: dict[str, Any]) -> None:
    print("\n### By document kind (all entity types, mention level; file level for a "
          "presence-only corpus)\n")
    print("| kind | files | neg | mention P | mention R | PERSON true/found "
          "| categories exact | subjects MAE | not scanned |")
    print("|---|--:|:-:|--:|--:|--:|--:|--:|--:|")
    for kind, k in kinds.items():
        mae = "–" if k["ds_mae"] is None else f"{k['ds_mae']:.1f}"
        print(f"| {kind} | {k['files']} | {'y' if k['negative'] else ''} "
              f"| {_f(k['mention']['precision'])} | {_f(k['mention']['recall'])} "
              f"| {k['person_true']}/{k['person_found']} "
              f"| {k['categories_exact']}/{k['files']} | {mae} "
              f"| {k['not_scanned']} |")


def print_side_by_side(results: dict[str, dict[str, Any]]) -> None:
    """File-level P / R / F1 per type and per category, one column group per corpus."""
    names = list(results)
    head = " | ".join(f"{n} P | {n} R | {n} F1" for n in names)
    rule = "|".join("--:|--:|--:" for _ in names)

    def cells(m: dict[str, Any]) -> str:
        return f"{_f(m['precision'])} | {_f(m['recall'])} | {_f(m['f1'])}"

    print("\n## Side by side (file level)\n")
    print(f"| type | {head} |\n|---|{rule}|")
    for etype in ENTITY_TYPES:
        row = " | ".join(cells(results[n]["entities"][etype]["file"]) for n in names)
        print(f"| {etype} | {row} |")
    print(f"\n| category | {head} |\n|---|{rule}|")
    for category in CATEGORIES:
        row = " | ".join(cells(results[n]["special_categories"][category]) for n in names)
        print(f"| {category} | {row} |")
    row = " | ".join(cells(_category_micro(results[n])) for n in names)
    print(f"| **all (micro)** | {row} |")


def explain(metrics: dict[str, Any], what: str, top: int) -> None:
    rows = metrics["rows"]
    print(f"\n### Explain {what}\n")
    if what == "data_subjects":
        labelled = [r for r in rows if r["ds_true"] is not None]
        worst = sorted(labelled,
                       key=lambda r: (-abs(r["ds_found"] - r["ds_true"]), r["path"]))
        for r in worst[:top]:
            if r["ds_found"] == r["ds_true"]:
                break
            print(f"- `{r['path']}` ({r['kind']}): found {r['ds_found']}, true {r['ds_true']}")
        return
    if what in CATEGORIES:
        fn = [r for r in rows if what in r["cats_true"] and what not in r["cats_found"]]
        fp = [r for r in rows if what in r["cats_found"] and what not in r["cats_true"]
              and what not in r["cats_optional"]]
        print(f"Missed ({len(fn)}):")
        for r in fn[:top]:
            print(f"- `{r['path']}` ({r['kind']}, {r['status']}): found "
                  f"{r['cats_found'] or 'nothing'}")
        print(f"\nFalse positives ({len(fp)}):")
        for r in fp[:top]:
            print(f"- `{r['path']}` ({r['kind']}): evidence "
                  f"{r['category_evidence'].get(what, [])}")
        return
    if what not in ENTITY_TYPES:
        raise SystemExit(f"--explain: unknown type {what!r}")
    scored = []
    for r in rows:
        true, found = r["true"].get(what, 0), r["found"].get(what, 0)
        if true != found:
            scored.append((abs(found - true), r, true, found))
    scored.sort(key=lambda item: (-item[0], item[1]["path"]))
    missed = sum(1 for _, _, t, f in scored if f < t)
    print(f"{len(scored)} files disagree ({missed} under-counted, {len(scored) - missed} "
          "over-counted). Worst first:\n")
    for _, r, true, found in scored[:top]:
        line = f"- `{r['path']}` ({r['kind']}, {r['status']}): found {found}, true {true}"
        if true > found and r["values"].get(what):
            line += f"; planted e.g. {r['values'][what][:3]}"
        shown = [e["masked"] for e in r["evidence"] if e["type"] == what]
        if found > true and shown:
            line += f"; scanner evidence {shown}"
        if r["columns"]:
            line += f"; columns {r['columns']}"
        if r["error"]:
            line += f"; error: {r['error']}"
        print(line)


# --------------------------------------------------------------------------- main


def _prepare(corpus: Corpus, work: Path, files: int, seed: int,
             reuse: bool) -> tuple[dict[str, Any], float]:
    truth_path = work / "truth.json"
    if reuse and truth_path.exists():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if truth["meta"]["files"] == files and truth["meta"]["seed"] == seed:
            return truth, 0.0
        print(f"--reuse: {truth_path} is for other settings; rebuilding", file=sys.stderr)
    share = work / "share"
    if share.exists():
        if not truth_path.exists():
            raise SystemExit(f"{share} exists but was not built by this benchmark; "
                             "choose another --keep directory")
        shutil.rmtree(share)
    started = time.perf_counter()
    truth = corpus.build(work, files, seed)
    return truth, time.perf_counter() - started


def run(args: argparse.Namespace, corpus: Corpus, work: Path) -> dict[str, Any] | None:
    """Build (or reuse), scan and score one corpus; print its tables; None if the scan
    failed."""
    seed = corpus.default_seed if args.seed is None else args.seed
    work.mkdir(parents=True, exist_ok=True)
    truth, build_seconds = _prepare(corpus, work, args.files, seed, args.reuse)
    share, out = work / "share", work / "out"
    if out.exists():
        shutil.rmtree(out)
    # --no-db: every file is read and detected (a catalogue would reuse earlier results).
    command = [sys.executable, "-m", "dpscan", "scan", str(share), "--out", str(out),
               "--format", "json", "--quiet", "--workers", str(args.workers), "--no-db"]
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0 or not (out / "findings.json").exists():
        print(f"scan failed (exit {proc.returncode}) after {seconds:.1f} s: "
              f"{shlex.join(command)}", file=sys.stderr)
        print(proc.stderr[-6000:], file=sys.stderr)
        return None
    if proc.stderr.strip():
        print("scan stderr (tail):\n" + proc.stderr[-2000:], file=sys.stderr)
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    metrics = evaluate(truth, findings)
    kinds = by_kind(metrics["rows"]) if args.by_kind else None

    n_files = len(truth["files"])
    print(f"## {corpus.title}: {n_files} files, seed {seed}\n")
    print_tables(metrics, kinds)
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(metrics["statuses"].items()))
    print(f"\nStatus: {statuses}")
    if metrics["errors"]:
        print("Errors (count: message):")
        for message, count in list(metrics["errors"].items())[:10]:
            print(f"- {count}: {message}")
    rate = n_files / seconds if seconds else 0.0
    print(f"\nfiles: {n_files} · scan: {seconds:.1f} s ({rate:.1f} files/s, workers "
          f"{args.workers}) · corpus build: {build_seconds:.1f} s · command: "
          f"`cd {ROOT} && {shlex.join(command)}`\n")
    for what in args.explain:
        explain(metrics, what, args.top)

    report = {k: v for k, v in metrics.items() if k != "rows"}
    report["by_kind"] = kinds or by_kind(metrics["rows"])
    report["files"] = [{k: r[k] for k in ("path", "kind", "status", "true", "found",
                                          "cats_true", "cats_optional", "cats_found",
                                          "ds_true", "ds_found")}
                       for r in metrics["rows"]]
    report["run"] = {"corpus": corpus.name, "files": n_files, "seed": seed,
                     "workers": args.workers, "scan_seconds": round(seconds, 2),
                     "build_seconds": round(build_seconds, 2),
                     "command": shlex.join(command), "cwd": str(ROOT)}
    return report


def run_all(args: argparse.Namespace, work: Path) -> int:
    """Run the chosen corpora, each in ``work/<name>``; print the side-by-side table."""
    names = list(CORPORA) if args.corpus == "both" else [args.corpus]
    print(f"# dpscan accuracy: {', '.join(names)}\n")
    reports: dict[str, dict[str, Any]] = {}
    for name in names:
        report = run(args, CORPORA[name], work / name)
        if report is None:
            return 1
        reports[name] = report
    if len(reports) > 1:
        print_side_by_side(reports)
    if args.json:
        # One object per corpus, keyed by its name.
        Path(args.json).write_text(json.dumps(reports, indent=1, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=(*CORPORA, "both"), default="both",
                        help="which labelled corpus to build and score (default both)")
    parser.add_argument("--files", type=int, default=DEFAULT_FILES, help="files per corpus")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed for every corpus run (default: each corpus's own)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path,
                        help="build and keep the corpora in this folder (one subfolder each)")
    parser.add_argument("--reuse", action="store_true",
                        help="with --keep: scan the corpus already there if it matches")
    parser.add_argument("--json", type=Path,
                        help="write the metrics to this JSON file ({corpus: metrics})")
    parser.add_argument("--explain", action="append", default=[], metavar="TYPE",
                        help="entity type, special category or data_subjects (repeatable)")
    parser.add_argument("--top", type=int, default=15, help="files listed per --explain")
    parser.add_argument("--by-kind", action="store_true", help="add a per-document-kind table")
    args = parser.parse_args()
    if args.keep:
        sys.exit(run_all(args, args.keep))
    with tempfile.TemporaryDirectory(prefix="dpscan-accuracy-") as tmp:
        sys.exit(run_all(args, Path(tmp)))


if __name__ == "__main__":
    main()
