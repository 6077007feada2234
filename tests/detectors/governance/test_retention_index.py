"""The path index that picks which retention rules to try must never change the winner."""

from __future__ import annotations

import random

from dpscan.detectors.governance.retention import (
    _rank,
    default_rules_path,
    load_schedule,
    match_rule,
)


def _every_rule(schedule, path, entities, categories):  # type: ignore[no-untyped-def]
    best = None
    for index, rule in enumerate(schedule.rules):
        key = _rank(rule, index, path, entities, frozenset(categories))
        if key is not None and (best is None or key > best[0]):
            best = (key, rule)
    return best[1] if best else None


def test_indexed_matching_picks_the_same_rule_as_trying_every_rule() -> None:
    schedule = load_schedule(default_rules_path())
    # Paths built from the words of the rules' own patterns, in every case: the index's
    # required texts must find each rule that could match, and nothing may be lost.
    words = [w for rule in schedule.rules for p in rule._patterns
             for w in p.text.replace("*", "/").split("/") if w]
    rng = random.Random(20261128)
    matched = 0
    for _ in range(5000):
        parts = [rng.choice(words) for _ in range(rng.randint(1, 4))]
        parts = [p.upper() if rng.random() < 0.2 else p for p in parts]
        path = "/".join(parts) + rng.choice([".docx", ".xlsx", ".pdf", ""])
        entities = rng.choice([{}, {"PERSON": 1}, {"UK_UPN": 2, "PERSON": 1},
                               {"DATE_OF_BIRTH": 1}])
        categories = rng.choice([[], ["health"], ["sen"], ["safeguarding"]])
        expected = _every_rule(schedule, path, entities, categories)
        assert match_rule(schedule, path, entities, categories) is expected, path
        matched += expected is not None
    assert matched > 4000  # the paths really exercise the rules
