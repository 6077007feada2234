"""The independent accuracy corpus (bench/accuracy_independent.py): deterministic, labelled,
valid identifiers; and bench/accuracy.py scores a presence-only truth at file level."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import accuracy  # noqa: E402
import accuracy_independent as independent  # noqa: E402

from tests.corpus import nhs_is_valid, uln_is_valid, upn_is_valid  # noqa: E402

VECTORS = ROOT.parent / "shared" / "domain" / "identifier_vectors.json"
FILES = 60


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("independent")
    return out, independent.build_corpus(out, FILES, 7)


def test_writes_every_file_with_a_label(built: tuple[Path, dict]) -> None:
    out, truth = built
    written = sorted(str(p.relative_to(out / "share")) for p in (out / "share").rglob("*")
                     if p.is_file())
    assert written == sorted(f["path"] for f in truth["files"])
    assert len(written) == FILES
    assert truth["meta"]["counting"] == "presence"
    assert json.loads((out / "truth.json").read_text()) == truth
    kinds = {f["kind"] for f in truth["files"]}
    assert kinds == {name for name, *_ in independent.KINDS}


def test_same_seed_same_truth_other_seed_other_truth() -> None:
    def labels(seed: int) -> list[dict]:
        return [s.truth() for s in independent.generate(FILES, seed)]

    assert labels(7) == labels(7)
    assert labels(7) != labels(8)


def test_negative_controls_hold_no_special_category(built: tuple[Path, dict]) -> None:
    _, truth = built
    negatives = [f for f in truth["files"] if f["negative"]]
    assert negatives
    assert all(not f["special_categories"] for f in negatives)


def test_planted_identifiers_pass_their_checks(built: tuple[Path, dict]) -> None:
    _, truth = built
    checks = {"UK_NHS": nhs_is_valid, "UK_UPN": upn_is_valid, "UK_ULN": uln_is_valid}
    seen = dict.fromkeys(checks, 0)
    for record in truth["files"]:
        for etype, check in checks.items():
            for value in record["values"].get(etype, []):
                assert check(re.sub(r"[\s-]", "", value)), (etype, value)
                seen[etype] += 1
    assert all(seen.values()), seen


@pytest.mark.skipif(not VECTORS.exists(), reason="../shared/domain not present")
def test_check_digits_agree_with_the_shared_vectors() -> None:
    vectors = json.loads(VECTORS.read_text())
    for value in vectors["UK_NHS"]["valid"]:
        assert independent.nhs_check(value[:9]) == int(value[9])
    for value in vectors["UK_NHS"]["invalid_checksum"]:
        assert independent.nhs_check(value[:9]) != int(value[9])
    for value in vectors["UK_UPN"]["valid"]:
        assert independent.upn_letter(value[1:]) == value[0]
    for value in vectors["UK_ULN"]["valid"]:
        assert independent.uln_check(value[:9]) == int(value[9])


def test_presence_truth_is_scored_at_file_level() -> None:
    truth = {"meta": {"counting": "presence"}, "files": [
        {"path": "a.csv", "kind": "k", "negative": False, "mentions": {"PERSON": 1},
         "special_categories": ["sen"], "special_categories_optional": [],
         "data_subjects": None},
        {"path": "b.txt", "kind": "k", "negative": True, "mentions": {},
         "special_categories": [], "special_categories_optional": [], "data_subjects": None}]}
    findings = {"files": [
        {"path": "a.csv", "status": "scanned", "entities": {"PERSON": 12},
         "special_categories": ["sen"], "data_subjects": 12},
        {"path": "b.txt", "status": "scanned", "entities": {"PERSON": 3},
         "special_categories": ["religion"], "data_subjects": 1}]}
    metrics = accuracy.evaluate(truth, findings)
    person = metrics["entities"]["PERSON"]
    assert person["mention"] == person["file"]
    assert (person["file"]["tp"], person["file"]["fp"], person["file"]["fn"]) == (1, 1, 0)
    assert metrics["special_categories"]["religion"]["fp"] == 1
    assert metrics["data_subjects"]["all"] == {"files": 0}
