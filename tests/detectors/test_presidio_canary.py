"""Canaries for the parts of presidio that dpscan uses but presidio does not promise to keep.

dpscan calls three private methods of presidio's spaCy engine (to hand NER's entities to
the SpacyRecognizer without the rest of presidio's NLP artifacts), overrides a private
method of its context enhancer and calls two more (to make the context search
logarithmic), and relies on how the enhancer copies results and picks keywords.
presidio is pinned below its next minor version; when the pin moves, these tests say by
name which of those parts changed.  dpscan uses no private spaCy member (spaCy's
``nlp.config``, ``disable_pipe`` and ``Defaults.stop_words`` are public).
"""

from __future__ import annotations

import inspect
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

import pytest
import spacy
from packaging.requirements import Requirement
from packaging.version import Version
from presidio_analyzer import PatternRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from presidio_analyzer.predefined_recognizers import (
    UkPostcodeRecognizer as PresidioPostcodeRecognizer,
)
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Span

from dpscan.detectors.personal_data import (
    IndexedContextEnhancer,
    PersonalDataDetector,
    token_artifacts,
)
from dpscan.detectors.recognizers.uk_bank_account import UkBankAccountRecognizer
from dpscan.detectors.recognizers.uk_passport import UkPassportRecognizer
from dpscan.detectors.recognizers.uk_uln import UkUlnRecognizer

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


@dataclass(frozen=True, kw_only=True, slots=True)
class PrivateMember:
    """A private presidio method dpscan calls or overrides, with the parameters it expects."""

    owner: type
    name: str
    parameters: tuple[str, ...]
    used_by: str

    def __str__(self) -> str:
        return f"presidio's {self.owner.__name__}.{self.name} (used by {self.used_by})"


PRIVATE_MEMBERS: tuple[PrivateMember, ...] = (
    PrivateMember(owner=SpacyNlpEngine, name="_get_entities", parameters=("self", "doc"),
                  used_by="PersonalDataDetector._entity_artifacts"),
    PrivateMember(owner=SpacyNlpEngine, name="_get_scores_for_entities",
                  parameters=("self", "doc"), used_by="PersonalDataDetector._entity_artifacts"),
    PrivateMember(owner=SpacyNlpEngine, name="_get_updated_entities",
                  parameters=("self", "entities", "scores"),
                  used_by="PersonalDataDetector._entity_artifacts"),
    PrivateMember(owner=LemmaContextAwareEnhancer, name="_extract_surrounding_words",
                  parameters=("self", "nlp_artifacts", "word", "start"),
                  used_by="IndexedContextEnhancer, which overrides it"),
    PrivateMember(owner=LemmaContextAwareEnhancer, name="_add_n_words_backward",
                  parameters=("self", "index", "n_words", "lemmas",
                              "lemmatized_filtered_keywords"),
                  used_by="IndexedContextEnhancer._extract_surrounding_words"),
    PrivateMember(owner=LemmaContextAwareEnhancer, name="_add_n_words_forward",
                  parameters=("self", "index", "n_words", "lemmas",
                              "lemmatized_filtered_keywords"),
                  used_by="IndexedContextEnhancer._extract_surrounding_words"),
)


def test_presidio_is_pinned_below_its_next_minor_version() -> None:
    with PYPROJECT.open("rb") as file:
        dependencies = tomllib.load(file)["project"]["dependencies"]
    (pin,) = [Requirement(d) for d in dependencies if Requirement(d).name == "presidio-analyzer"]
    installed = Version(metadata.version("presidio-analyzer"))
    assert installed in pin.specifier, f"presidio-analyzer {installed} is outside {pin}"
    next_minor = Version(f"{installed.major}.{installed.minor + 1}")
    assert next_minor not in pin.specifier, f"{pin} lets presidio {next_minor} in"


@pytest.mark.parametrize("member", PRIVATE_MEMBERS, ids=str)
def test_private_member_is_still_there(member: PrivateMember) -> None:
    method = getattr(member.owner, member.name, None)
    assert callable(method), f"{member} is gone"
    parameters = tuple(inspect.signature(method).parameters)
    assert parameters == member.parameters, f"{member} now takes {parameters}"


def _engine() -> SpacyNlpEngine:
    """presidio's spaCy engine as the detector's provider makes it, without a model: the
    private methods read only its NER configuration (and, for keywords, ``nlp``)."""
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "en_core_web_sm"}])
    engine.nlp = {"en": spacy.blank("en")}
    return engine


def test_entities_reach_the_spacy_recognizer_through_dpscans_artifacts() -> None:
    # PersonalDataDetector._entity_artifacts: the engine's three private methods map spaCy's
    # labels and scores, and the SpacyRecognizer reads the result.
    nlp = spacy.blank("en")
    doc = nlp("Amelia Jones met Tom Hardy in Leeds")
    doc.ents = [Span(doc, 0, 2, label="PERSON"), Span(doc, 3, 5, label="PER"),
                Span(doc, 6, 7, label="GPE")]
    fake_detector = SimpleNamespace(_engine=_engine())
    artifacts = PersonalDataDetector._entity_artifacts(fake_detector, doc)  # type: ignore[arg-type]
    found = SpacyRecognizer().analyze(doc.text, ["PERSON"], artifacts)
    assert [(doc.text[r.start:r.end], r.score) for r in found] == [
        ("Amelia Jones", 0.85), ("Tom Hardy", 0.85)], \
        "SpacyNlpEngine._get_entities/_get_scores_for_entities/_get_updated_entities changed"


def test_the_enhancer_calls_the_overridden_private_method() -> None:
    calls: list[int] = []

    class Recording(IndexedContextEnhancer):
        def _extract_surrounding_words(
            self, nlp_artifacts: NlpArtifacts, word: str, start: int
        ) -> list[str]:
            calls.append(start)
            return super()._extract_surrounding_words(nlp_artifacts, word, start)

    text = "ULN: 5844267949"
    recognizer = UkUlnRecognizer()
    Recording().enhance_using_context(text, recognizer.analyze(text, ["UK_ULN"]),
                                      token_artifacts(text, frozenset(STOP_WORDS)), [recognizer])
    assert calls == [5], ("LemmaContextAwareEnhancer.enhance_using_context no longer calls "
                          "_extract_surrounding_words: IndexedContextEnhancer's override is dead")


_CONTEXT_TEXTS = [
    (UkUlnRecognizer, "UK_ULN", "Pupil ULN: 5844267949, learner 3091061980; ref 9804755245"),
    (UkPassportRecognizer, "UK_PASSPORT", "Passport was renewed in March, number 999228775"),
    (UkPassportRecognizer, "UK_PASSPORT", "Order 999228775 and passport 123456789"),
    (UkBankAccountRecognizer, "UK_BANK_ACCOUNT",
     "Please pay the account: sort code 08-99-99 account 66374958.\nInvoice 12345678 dated"
     " 12-03-15"),
    (UkUlnRecognizer, "UK_ULN", "5844267949 is the uln"),
]


@pytest.mark.parametrize(("recognizer_class", "entity_type", "text"), _CONTEXT_TEXTS)
def test_indexed_enhancer_scores_as_presidios_own(
    recognizer_class: type[PatternRecognizer], entity_type: str, text: str
) -> None:
    recognizer = recognizer_class()

    def scores(enhancer: LemmaContextAwareEnhancer) -> list[tuple[int, int, float]]:
        results = enhancer.enhance_using_context(
            text, recognizer.analyze(text, [entity_type]),
            token_artifacts(text, frozenset(STOP_WORDS)), [recognizer])
        return sorted((r.start, r.end, r.score) for r in results)

    assert scores(IndexedContextEnhancer()) == scores(LemmaContextAwareEnhancer()), \
        "presidio's context rules (token lookup, _add_n_words_*, matching) changed"


def test_the_enhancer_copies_results_with_one_deepcopy_of_the_list() -> None:
    # IndexedContextEnhancer hands presidio a list whose __deepcopy__ returns itself, which
    # saves a twentieth of a scan; presidio copying each result would undo that silently.
    text = "ULN: 5844267949"
    recognizer = UkUlnRecognizer()
    raw = recognizer.analyze(text, ["UK_ULN"])
    enhanced = IndexedContextEnhancer().enhance_using_context(
        text, raw, token_artifacts(text, frozenset(STOP_WORDS)), [recognizer])
    assert [id(r) for r in enhanced] == [id(r) for r in raw], \
        "LemmaContextAwareEnhancer.enhance_using_context no longer deep-copies the list whole"
    assert enhanced[0].score > 0.3  # and the score is raised in place


def test_nlp_artifacts_take_what_dpscan_gives_them() -> None:
    artifacts = NlpArtifacts(entities=[], tokens=["DOB"], tokens_indices=[0], lemmas=["dob"],
                             nlp_engine=None, language="en", scores=[])
    assert artifacts.keywords == [], "NlpArtifacts computes keywords without an engine now"
    artifacts.keywords = ["dob"]  # token_artifacts sets them itself
    artifacts.dpscan_index = ([3], frozenset({"dob"}))  # IndexedContextEnhancer's cache
    assert artifacts.dpscan_index[0] == [3]


def test_dpscans_keywords_are_presidios() -> None:
    # token_artifacts keeps presidio's set_keywords rule (no stop words, no punctuation, no
    # "be") without running spaCy.
    text = "Pupil's D.O.B: 03/02/2016 - he is in Year 3, and his ULN is 5844267949."
    ours = token_artifacts(text, frozenset(STOP_WORDS))
    assert ours.keywords == NlpArtifacts.set_keywords(_engine(), ours.lemmas, "en"), \
        "NlpArtifacts.set_keywords keeps other words now"


def test_recognizer_attributes_dpscan_reads() -> None:
    # tabular's _pattern_check compiles a recognizer's own patterns with its flags; the
    # postcode recognizer rescores presidio's class-level PATTERNS.
    recognizer = UkUlnRecognizer()
    assert isinstance(recognizer.global_regex_flags, int), "PatternRecognizer.global_regex_flags"
    assert all(isinstance(p.regex, str) for p in recognizer.patterns), "Pattern.regex"
    assert PresidioPostcodeRecognizer.PATTERNS, "presidio's UkPostcodeRecognizer.PATTERNS"
    assert recognizer.validate_result("5844267949") is None
    result: RecognizerResult = recognizer.analyze("5844267949", ["UK_ULN"])[0]
    assert result.score == 0.3, "validate_result None no longer keeps the pattern's score"
