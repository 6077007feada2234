"""Special-category detection: realistic school snippets, the decision rule, the YAML checks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dpscan.detectors.special_categories import (
    CUE_WINDOW_WORDS,
    DEFAULT_VOCABULARY_PATH,
    EVIDENCE_PER_CATEGORY,
    SpecialCategoryDetector,
    SpecialCategoryResult,
    SpecialCategoryVocabulary,
    VocabularyError,
    is_abbreviation,
    load_vocabulary,
)
from dpscan.model.errors import ConfigError

# Loaded at import so the parametrized tables below can be built from it; a broken
# shipped file fails collection loudly.
SHIPPED = load_vocabulary()
REQUIRED_IDS = (
    "health",
    "sen",
    "safeguarding",
    "ethnicity",
    "religion",
    "biometric",
    "fsm",
    "looked_after",
)


@pytest.fixture(scope="module")
def special() -> SpecialCategoryDetector:
    return SpecialCategoryDetector(SHIPPED)


def write_vocabulary(tmp_path: Path, body: str, name: str = "vocab.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body).lstrip("\n"), encoding="utf-8")
    return path


# ------------------------------------------------------------------------ positives

POSITIVES = [
    pytest.param(
        """Individual Healthcare Plan (IHCP)
        Pupil: [name]   Class: Year 3
        Medical condition: asthma. Triggers: cold air, exercise.
        Blue reliever inhaler kept in the classroom medical box.""",
        ["health"],
        id="health-ihcp-asthma",
    ),
    pytest.param(
        "Class 2 register note: IHCP on file - asthma, inhaler in bag.",
        ["health"],
        id="health-ihcp-cue-with-two-weak",
    ),
    pytest.param(
        "Severe nut allergy. EpiPen x2 in the office; staff trained to spot anaphylaxis.",
        ["health"],
        id="health-epipen",
    ),
    pytest.param(
        "Return to work interview, 4 March. Fit note covered 2 weeks (back surgery).",
        ["health"],
        id="health-staff-fit-note",
    ),
    pytest.param(
        """EHCP Annual Review - Year 5
        Present: SENCO, class teacher, parent, educational psychologist.
        Outcomes from Section F reviewed; 1:1 support to continue.""",
        ["sen"],
        id="sen-ehcp-annual-review",
    ),
    pytest.param(
        "Pupil passport updated after the annual review; dyslexia screening booked.",
        ["sen"],
        id="sen-two-weak",
    ),
    pytest.param(
        """CPOMS incident log
        Category: Safeguarding. Alerted: DSL.
        Child said dad hit her with a belt. Body map completed.""",
        ["safeguarding"],
        id="safeguarding-cpoms",
    ),
    pytest.param(
        """DSL note 12/01: disclosure made to class teacher at 10:15.
        MASH referral submitted; social worker to call back.""",
        ["safeguarding"],
        id="safeguarding-dsl-mash",
    ),
    pytest.param(
        "CP plan reviewed at the core group meeting; next RCPC in 3 months.",
        ["safeguarding"],
        id="safeguarding-cp-plan",
    ),
    pytest.param(
        """UPN,Surname,Forename,Ethnicity,Language
        A123,Smith,Ava,WBRI,ENG
        A124,Khan,Zara,APKN,URD""",
        ["ethnicity"],
        id="ethnicity-census-extract",
    ),
    pytest.param(
        """Supplementary Information Form - St Mary's Catholic Primary School
        Please attach your child's baptism certificate and the priest's reference.""",
        ["religion"],
        id="religion-catholic-sif",
    ),
    pytest.param(
        """Cashless catering: biometric consent
        Under the Protection of Freedoms Act 2012 we need written consent before
        registering your child's fingerprint.""",
        ["biometric"],
        id="biometric-cashless-catering",
    ),
    pytest.param(
        """Pupil Premium list 2024-25
        Name, Class, PP, FSM, Ever 6
        [name], 4B, Y, Y, Y""",
        ["fsm"],
        id="fsm-pupil-premium-list",
    ),
    pytest.param(
        "Register export - columns: Name, FSM, PP, Attendance %",
        ["fsm"],
        id="fsm-weak-plus-confirmed-cue",
    ),
    pytest.param(
        """PEP review, Autumn term. Attendees: designated teacher, social worker,
        foster carer, Virtual School Head. ePEP targets agreed.""",
        ["looked_after"],
        id="looked-after-pep-review",
    ),
    pytest.param(
        "LAC pupils: meeting with foster carer on Tuesday.",
        ["looked_after"],
        id="looked-after-lac-cue-confirmed",
    ),
    pytest.param(
        "Staff member is gender questioning and has asked for preferred pronouns to be used.",
        ["sexual_orientation"],
        id="sexual-orientation",
    ),
    pytest.param(
        "Payroll deductions: union subscriptions (NEU) for April.",
        ["trade_union"],
        id="trade-union-payroll",
    ),
    pytest.param(
        "Single central record: DBS certificate number, barred list check, date.",
        ["criminal_offence"],
        id="criminal-offence-scr",
    ),
    pytest.param(
        """Year 4 pupil: EHCP (ASD). Medication: melatonin, prescribed by paediatrician.
        Pupil Premium: yes. Ethnicity: WBRI.""",
        ["health", "sen", "ethnicity", "fsm"],
        id="several-categories-in-vocabulary-order",
    ),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVES)
def test_positive_snippets(
    special: SpecialCategoryDetector, text: str, expected: list[str]
) -> None:
    assert special.detect(text).categories == expected


# ------------------------------------------------------------------------ negatives

NEGATIVES = [
    pytest.param(
        """Dear parents, we care about every child at Oakfield. Please take care on the
        ice this week. The church fete is on Saturday. We are concerned about parking
        on Elm Road: please do not block the drives.""",
        id="newsletter-care-church-concerned",
    ),
    pytest.param("For the timeline see CP 12 and CP 14 in the handbook.", id="cp-page-numbers"),
    pytest.param("Staff meeting: PP slides are on the shared drive.", id="pp-slides"),
    pytest.param("The hall is too small: lack of space for assemblies.", id="lack-of-space"),
    pytest.param("run: cp /tmp/backup.zip /srv and then ls -la", id="cp-shell-command"),
    pytest.param("Lacrosse and lacquer; the ehcp word in lower case.", id="lower-case-abbrevs"),
    pytest.param(
        "Year 6 careers day: careful planning helps. Carers welcome.",
        id="care-inside-other-words",
    ),
    pytest.param("We foster a love of reading and adopted a new phonics scheme.", id="foster"),
    pytest.param("Harvest festival at the church; Christmas fair next month.", id="church"),
    pytest.param("Referral form for the library club: any concern, ask Mrs B.", id="two-weak-sg"),
    pytest.param("LAC CLA CiC VSH", id="cues-never-confirm-each-other"),
    pytest.param(
        "Sports day races, then a Chinese New Year assembly after lunch.", id="nationality-once"
    ),
    pytest.param("", id="empty"),
    pytest.param("   \n\t  ", id="whitespace"),
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_negative_snippets(special: SpecialCategoryDetector, text: str) -> None:
    assert special.detect(text) == SpecialCategoryResult(categories=[], evidence={}, counts={})


# ------------------------------------------------------------------- matching rules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("self-harm", ["self harm"]),
        ("Self Harm", ["self harm"]),
        ("self\n  harm", ["self harm"]),
        ("SELF_HARM", ["self harm"]),
        ("self‑harm", ["self harm"]),  # non-breaking hyphen U+2011
        ("selfharm", []),
    ],
)
def test_whitespace_and_hyphens_are_normalised(
    special: SpecialCategoryDetector, text: str, expected: list[str]
) -> None:
    assert special.detect(text).evidence.get("health", []) == expected


def test_curly_apostrophe_matches_straight(special: SpecialCategoryDetector) -> None:
    result = special.detect("Referral to children’s social care made on 3 May.")
    assert result.evidence["safeguarding"] == ["referral to children's social care"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EHCP in place", ["sen"]),
        ("ehcp in place", []),
        ("Ehcp in place", []),
        ("EHCPs in place", ["sen"]),  # listed plural
        ("senco meeting", ["sen"]),  # 5 letters: not an abbreviation, any case
    ],
)
def test_abbreviations_are_case_sensitive(
    special: SpecialCategoryDetector, text: str, expected: list[str]
) -> None:
    assert special.detect(text).categories == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("EHCP", True),
        ("CP", True),
        ("A&E", True),
        ("SENCO", False),
        ("CiC", False),
        ("asthma", False),
        ("C of E", False),
    ],
)
def test_is_abbreviation(phrase: str, expected: bool) -> None:
    assert is_abbreviation(phrase) is expected


def test_strong_phrase_inside_weak_phrase_still_decides(tmp_path: Path) -> None:
    path = write_vocabulary(
        tmp_path,
        """
        categories:
          sen:
            strong: [EHCP]
            weak: [EHCP review, annual review]
        """,
    )
    result = SpecialCategoryDetector(load_vocabulary(path)).detect("EHCP review on Monday")
    assert result.evidence == {"sen": ["EHCP", "EHCP review"]}


def test_phrase_inside_longer_phrase_counts_once(special: SpecialCategoryDetector) -> None:
    # "care" and "foster care" are both weak looked_after phrases: one hit, not two.
    assert special.detect("foster care").categories == []
    assert special.detect("foster care; social worker").evidence["looked_after"] == [
        "foster care",
        "social worker",
    ]


def test_evidence_strong_first_then_text_order(special: SpecialCategoryDetector) -> None:
    result = special.detect("Asthma; hospital visit. EpiPen in office. Asthma again.")
    assert result.evidence["health"] == ["EpiPen", "asthma", "hospital"]
    assert result.counts["health"] == 4  # asthma twice, hospital, EpiPen


def test_evidence_is_capped_and_counts_all_hits(special: SpecialCategoryDetector) -> None:
    text = "EpiPen, Jext, Emerade, anaphylaxis, insulin, Ritalin, CAMHS. EpiPen."
    result = special.detect(text)
    assert result.evidence["health"] == ["EpiPen", "Jext", "Emerade", "anaphylaxis", "insulin"]
    assert len(result.evidence["health"]) == EVIDENCE_PER_CATEGORY
    assert result.counts["health"] == 8


def _filler(words: int) -> str:
    return " ".join(["lorem"] * words)


# Literal gaps, not derived from CUE_WINDOW_WORDS: the promise is "about 50 words".
@pytest.mark.parametrize(
    ("gap", "expected"),
    [
        (48, ["looked_after"]),  # "LAC", 48 words, then "foster carer"
        (55, []),
    ],
)
def test_cue_counts_only_within_window(
    special: SpecialCategoryDetector, gap: int, expected: list[str]
) -> None:
    text = f"LAC {_filler(gap)} foster carer"
    assert CUE_WINDOW_WORDS == 50
    assert special.detect(text).categories == expected


def test_cue_window_also_looks_backwards(special: SpecialCategoryDetector) -> None:
    assert special.detect(f"foster carer {_filler(20)} LAC").categories == ["looked_after"]


def test_confirmed_cue_counts_as_weak_but_not_alone_above_min_weak(
    special: SpecialCategoryDetector,
) -> None:
    # safeguarding needs 3 distinct: "concern" + "referral" + confirmed "CP" is enough ...
    result = special.detect("Log: CP. Concern raised by TA; referral made.")
    assert result.evidence == {"safeguarding": ["CP", "concern", "referral"]}
    # ... "concern" + confirmed "CP" is not.
    assert special.detect("any concern, see CP 12").categories == []


def test_detector_is_reusable(special: SpecialCategoryDetector) -> None:
    first = special.detect("EHCP review")
    special.detect("DSL note: MASH referral")
    assert special.detect("EHCP review") == first


# ------------------------------------------------------------------ custom vocabulary

MINIMAL = """
    categories:
      alpha:
        strong: [zebra crossing]
        weak: [apple, banana, cherry]
        needs_cue: [AB]
        min_weak: 3
      beta:
        strong: [Kiwi]
"""


def test_min_weak_from_yaml(tmp_path: Path) -> None:
    sc = SpecialCategoryDetector(load_vocabulary(write_vocabulary(tmp_path, MINIMAL)))
    assert sc.detect("apple banana").categories == []
    assert sc.detect("apple banana cherry").categories == ["alpha"]
    assert sc.detect("apple banana AB").categories == ["alpha"]
    assert sc.detect("apple banana ab").categories == []


def test_same_phrase_repeated_is_one_distinct_phrase(tmp_path: Path) -> None:
    sc = SpecialCategoryDetector(load_vocabulary(write_vocabulary(tmp_path, MINIMAL)))
    result = sc.detect("apple apple apple banana banana")
    assert result.categories == []


def test_result_order_follows_yaml_order(tmp_path: Path) -> None:
    vocabulary = load_vocabulary(write_vocabulary(tmp_path, MINIMAL))
    assert vocabulary.ids == ("alpha", "beta")
    sc = SpecialCategoryDetector(vocabulary)
    assert sc.detect("KIWI then zebra-crossing").categories == ["alpha", "beta"]


def test_same_phrase_in_two_categories(tmp_path: Path) -> None:
    path = write_vocabulary(
        tmp_path,
        """
        categories:
          one: {strong: [shared phrase]}
          two: {strong: [shared phrase]}
        """,
    )
    assert SpecialCategoryDetector(load_vocabulary(path)).detect("Shared phrase").categories == [
        "one",
        "two",
    ]


# -------------------------------------------------------------- vocabulary validation

BAD_VOCABULARIES = [
    pytest.param(
        """
        categories:
          health:
            strong: [EpiPen]
            stong: [asthma]
        """,
        4,
        "category 'health': unknown field stong (expected one of: description, min_weak,",
        id="unknown-category-field",
    ),
    pytest.param(
        """
        version: 1
        categorys: {}
        """,
        2,
        "unknown field categorys (expected one of: version, categories, neutral)",
        id="unknown-top-field",
    ),
    pytest.param(
        """
        categories:
          health:
            strong: [EpiPen]
            weak: []
        """,
        4,
        "category 'health': weak must be a non-empty list",
        id="empty-list",
    ),
    pytest.param(
        """
        categories:
          health:
            strong:
              - EpiPen
              - 12
        """,
        5,
        "category 'health': each item of strong must be non-empty text (got '12'; put it in quotes",
        id="number-phrase",
    ),
    pytest.param(
        """
        categories:
          census:
            strong:
              - WBRI
              - NO
        """,
        5,
        "category 'census': each item of strong must be non-empty text (got 'NO'; put it in quotes",
        id="yaml-boolean-phrase",
    ),
    pytest.param(
        """
        categories:
          health:
            strong: [EpiPen]
          sen:
            strong: [EHCP]
          health:
            strong: [asthma]
        """,
        6,
        "categories.health is given twice (first on line 2)",
        id="duplicate-category",
    ),
    pytest.param(
        """
        categories:
          health:
            strong: [self harm]
            weak:
              - asthma
              - Self-Harm
        """,
        6,
        "category 'health': weak: phrase 'Self-Harm' is already listed in strong",
        id="duplicate-phrase",
    ),
    pytest.param(
        """
        categories:
          health:
            weak: [asthma, inhaler]
        """,
        3,
        "category 'health': missing field strong",
        id="missing-strong",
    ),
    pytest.param(
        """
        categories:
          health:
            strong: [EpiPen]
            weak: [asthma, inhaler]
            min_weak: 0
        """,
        5,
        "category 'health': min_weak must be an integer of at least 1 (got 0)",
        id="min-weak-zero",
    ),
    pytest.param(
        """
        categories:
          health:
            strong: [EpiPen]
            weak: [asthma, inhaler]
            min_weak: two
        """,
        5,
        "category 'health': min_weak must be an integer of at least 1 (got 'two')",
        id="min-weak-text",
    ),
    pytest.param(
        """
        categories:
          health:
            strong: [EpiPen]
            weak: [asthma, inhaler]
            min_weak: 3
        """,
        5,
        "category 'health': min_weak: 3 is more than the 2",
        id="min-weak-unreachable",
    ),
    pytest.param(
        """
        categories:
          health:
            strong: ["--"]
        """,
        3,
        "category 'health': strong: phrase '--' has no letters or digits",
        id="punctuation-only-phrase",
    ),
    pytest.param(
        """
        categories:
          Health:
            strong: [EpiPen]
        """,
        2,
        "category 'Health': id must be lower case",
        id="bad-category-id",
    ),
    pytest.param(
        """
        categories:
          health: [EpiPen]
        """,
        2,
        "category 'health': a category must be a mapping of field: value",
        id="category-not-mapping",
    ),
    pytest.param(
        """
        categories:
          health:
            strong: EpiPen
        """,
        3,
        "category 'health': strong must be a non-empty list (got 'EpiPen')",
        id="phrases-not-list",
    ),
    pytest.param(
        """
        version: 2
        categories:
          health: {strong: [EpiPen]}
        """,
        1,
        "version must be 1 (got 2)",
        id="bad-version",
    ),
    pytest.param(
        """
        categories:
          health:
            strong: [EpiPen
            weak: [asthma]
        """,
        4,
        "YAML syntax error",
        id="yaml-syntax",
    ),
    pytest.param(
        "- just\n- a list\n", 1, "the vocabulary file must be a mapping", id="root-not-mapping"
    ),
    pytest.param("# only a comment\n", 1, "the vocabulary file is empty", id="empty-file"),
]


@pytest.mark.parametrize(("body", "line", "message"), BAD_VOCABULARIES)
def test_vocabulary_errors_name_file_line_and_field(
    tmp_path: Path, body: str, line: int, message: str
) -> None:
    path = write_vocabulary(tmp_path, body, name="school_terms.yaml")
    with pytest.raises(VocabularyError) as caught:
        load_vocabulary(path)
    assert str(caught.value) == "\n".join(caught.value.problems)
    assert any(
        problem.startswith(f"{path} line {line}: ") and message in problem
        for problem in caught.value.problems
    ), caught.value.problems


def test_every_vocabulary_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write_vocabulary(
        tmp_path,
        """
        categories:
          health:
            strong: [EpiPen, 12]
            min_weak: 0
          sen:
            stong: [EHCP]
        """,
    )
    with pytest.raises(VocabularyError) as caught:
        load_vocabulary(path)
    assert caught.value.problems == [
        f"{path} line 3: category 'health': each item of strong must be non-empty text "
        "(got '12'; put it in quotes if it is text)",
        f"{path} line 4: category 'health': min_weak must be an integer of at least 1 (got 0)",
        f"{path} line 6: category 'sen': unknown field stong "
        "(expected one of: description, min_weak, strong, weak, needs_cue)",
        f"{path} line 6: category 'sen': missing field strong",
    ]


def test_missing_vocabulary_file(tmp_path: Path) -> None:
    with pytest.raises(VocabularyError, match=r"missing\.yaml: cannot read the vocabulary file"):
        load_vocabulary(tmp_path / "missing.yaml")


def test_vocabulary_error_is_a_config_error() -> None:
    assert issubclass(VocabularyError, ConfigError)


def test_detector_with_bad_default_is_not_silent(tmp_path: Path) -> None:
    # A broken vocabulary must stop the run, never fall back to an empty detector.
    path = write_vocabulary(tmp_path, "categories: {}\n")
    with pytest.raises(VocabularyError, match="non-empty mapping"):
        SpecialCategoryDetector(load_vocabulary(path))


# ------------------------------------------------------------------ shipped vocabulary


def test_shipped_vocabulary_loads_with_required_categories() -> None:
    vocabulary = load_vocabulary(DEFAULT_VOCABULARY_PATH)
    assert isinstance(vocabulary, SpecialCategoryVocabulary)
    assert vocabulary.ids[: len(REQUIRED_IDS)] == REQUIRED_IDS
    assert set(vocabulary.ids) - set(REQUIRED_IDS) <= {
        "sexual_orientation",
        "trade_union",
        "criminal_offence",
    }
    assert len(vocabulary.digest) == 64
    assert vocabulary == load_vocabulary()  # the default path is the shipped file


def test_default_detector_uses_shipped_vocabulary() -> None:
    assert SpecialCategoryDetector().vocabulary.ids == SHIPPED.ids


SHIPPED_PHRASES = [
    (category.id, tier, phrase)
    for category in SHIPPED.categories
    for tier, phrases in category.tiers()
    for phrase in phrases
]


@pytest.mark.parametrize(
    ("category", "phrase"),
    [(c, p) for c, t, p in SHIPPED_PHRASES if t == "strong"],
)
def test_every_shipped_strong_phrase_decides_alone(
    special: SpecialCategoryDetector, category: str, phrase: str
) -> None:
    assert category in special.detect(f"Note: {phrase}.").categories


@pytest.mark.parametrize(
    ("category", "tier", "phrase"),
    [(c, t, p) for c, t, p in SHIPPED_PHRASES if t != "strong"],
)
def test_no_shipped_weak_or_cue_phrase_decides_alone(
    special: SpecialCategoryDetector, category: str, tier: str, phrase: str
) -> None:
    # Guards the DPO's edits: a weak phrase that holds a strong one, or min_weak 1,
    # would make one everyday word enough.
    result = special.detect(f"Note: {phrase}.")
    assert category not in result.categories, (tier, result)


@pytest.mark.parametrize(
    ("category", "phrase"),
    [(c, p) for c, _, p in SHIPPED_PHRASES if is_abbreviation(p)],
)
def test_shipped_abbreviations_ignore_lower_case(
    special: SpecialCategoryDetector, category: str, phrase: str
) -> None:
    lower = phrase.lower()
    result = special.detect(f"{lower} {lower} " * 3)
    assert category not in result.categories


# ------------------------------------------------------------------------ large input


def test_megabytes_of_text_in_one_pass(special: SpecialCategoryDetector) -> None:
    # Not timed: proves a multi-megabyte text is handled whole (no length limit) and that
    # word positions stay right deep into it.
    filler = "The class went to the park and read a book together. " * 60_000  # ~3.2 MB
    text = f"LAC {filler} foster carer. {filler} EHCP {filler} asthma"
    assert len(text) > 9_000_000
    result = special.detect(text)
    # LAC and foster carer are ~700k words apart: the cue is not confirmed.
    assert result.categories == ["sen"]
    assert result.counts == {"sen": 1}
    near = special.detect(f"{filler} LAC, foster carer {filler}")
    assert near.categories == ["looked_after"]
    assert near.counts == {"looked_after": 2}
