"""find-person search time over a catalogue of N files (default 100,000).

Builds a real dpscan catalogue (scanner.catalogue.Catalogue, SQLite) whose records carry
synthetic index terms: each file mentions a few people drawn from 2,000 forenames x 3,000
surnames, each person written as a pair, names, sound codes and, in half the files, a DOB
and UPN next to the name, as detectors.person_index would store them.  One person is
planted in 25 files, a namesake in 10, a sibling in 10.  Then times find_person (index
only) against Catalogue.files_with_terms, cold and warm.

    .venv/bin/python bench/find_person.py --files 100000 [--db /tmp/bench.sqlite]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dpscan.detectors import person_index as pi  # noqa: E402
from dpscan.detectors.person_index import PersonQuery, hash_term  # noqa: E402
from dpscan.model.records import FileResult  # noqa: E402
from dpscan.scanner.catalogue import Catalogue  # noqa: E402
from dpscan.scanner.person_search import find_person  # noqa: E402

KEY = bytes(range(32))
PERSON = ("amelia", "jones", "2014-03-02", "L201000024001")
NAMESAKE = ("amelia", "jones", "2013-11-20", "A201000024002")
SIBLING = ("oliver", "jones", "2016-09-12", "Q801000024123")


def person_terms(first: str, last: str, dob: str, upn: str, with_ids: bool) -> dict[str, int]:
    pair = pi.pair_value(first, last)
    terms = {hash_term(KEY, pi.NAME, first): 1, hash_term(KEY, pi.NAME, last): 1,
             hash_term(KEY, pi.PHON, pi.phonetic(first)): 1,
             hash_term(KEY, pi.PHON, pi.phonetic(last)): 1,
             hash_term(KEY, pi.PAIR, pair): 1,
             hash_term(KEY, pi.PHONPAIR, pi.pair_value(pi.phonetic(first),
                                                      pi.phonetic(last))): 1}
    if with_ids:
        for kind, value in ((pi.DOB, dob), (pi.UPN, upn)):
            terms[hash_term(KEY, kind, value)] = 1
            terms[hash_term(KEY, pi.NEAR, f"{pair}|{kind}:{value}")] = 1
            terms[hash_term(KEY, pi.DATED, f"{pair}|{kind}")] = 1
        terms[hash_term(KEY, pi.DATE, dob)] = 1
    return terms


def build(db_path: Path, files: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    forenames = [f"fore{i}" for i in range(2000)] + ["amelia", "oliver", "harry", "isla"]
    surnames = [f"sur{i}" for i in range(3000)] + ["jones"] * 30 + ["smith"] * 40
    planted = ({rng.randrange(files): PERSON for _ in range(25)}
               | {rng.randrange(files): NAMESAKE for _ in range(10)}
               | {rng.randrange(files): SIBLING for _ in range(10)})
    catalogue = Catalogue.open(db_path)
    db = catalogue.db
    db.execute("BEGIN")
    db.execute("INSERT INTO scans VALUES (1, '2026-01-01T00:00:00+00:00', NULL, 'complete', "
               "'[\"/srv/share\"]', NULL)")
    for n in range(files):
        path = f"Folder{n % 500}/file{n}.docx"
        record = FileResult(path=path, root="/srv/share", status="scanned",
                            entities={"PERSON": 3})
        terms: dict[str, int] = {}
        for _ in range(rng.randint(1, 8)):
            dob = f"20{rng.randint(10, 20)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            terms.update(person_terms(rng.choice(forenames), rng.choice(surnames), dob,
                                      f"X{n:012d}", rng.random() < 0.5))
        if n in planted:
            terms.update(person_terms(*planted[n], with_ids=rng.random() < 0.7))
        db.execute("INSERT INTO files (id, root, path, personal, first_scan, last_scan) "
                   "VALUES (?, '/srv/share', ?, 1, 1, 1)", (n + 1, path))
        db.execute("INSERT INTO records (id, file_id, ordinal, path, record) VALUES "
                   "(?, ?, 0, ?, ?)", (n + 1, n + 1, path, json.dumps(record.to_dict())))
        db.executemany("INSERT OR IGNORE INTO terms VALUES (?, ?, ?)",
                       [(n + 1, t, c) for t, c in terms.items()])
    db.execute("COMMIT")
    catalogue.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db or Path(tmp) / "catalogue.sqlite"
        if not db_path.exists():
            started = time.perf_counter()
            build(db_path, args.files)
            print(f"built {args.files} files in {time.perf_counter() - started:.0f} s "
                  f"({db_path.stat().st_size / 1e6:.0f} MB)")
        with Catalogue.open(db_path) as catalogue:
            terms = catalogue.db.execute("SELECT count(*) FROM terms").fetchone()[0]
            print(f"catalogue: {terms} terms (lookup: scanner.catalogue.Catalogue"
                  ".files_with_terms)")
            for label, query in (
                ("name + DOB + UPN", PersonQuery.build("Amelia Jones", dob="2014-03-02",
                                                       upn=PERSON[3])),
                ("name only", PersonQuery.build("Amelia Jones")),
                ("name only (common surname)", PersonQuery.build("Harry Smith")),
            ):
                for run in ("cold", "warm"):
                    started = time.perf_counter()
                    result = find_person(query, catalogue.files_with_terms, KEY)
                    seconds = time.perf_counter() - started
                    print(f"{label:28} {run}: {seconds:.3f} s, {result.candidates} candidates, "
                          f"{len(result.matches)} about the person, {len(result.set_aside)} "
                          f"set aside")


if __name__ == "__main__":
    main()
