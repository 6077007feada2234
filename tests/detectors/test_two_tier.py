"""Two-tier detection: patterns over all the text, spaCy NER only where it adds something."""

from __future__ import annotations

import pytest

from dpscan.detectors.content import ContentDetector
from dpscan.detectors.personal_data import PersonalDataDetector, ner_regions
from dpscan.model.config import DetectionSettings
from tests.detectors.ner_reads import record_ner_reads

FILLER = "The school fair raised money for the library and the garden.\n"


@pytest.fixture(scope="module")
def small_budget() -> PersonalDataDetector:
    return PersonalDataDetector(DetectionSettings(ner_full_chars=2_000, ner_max_chars=3_000))


def test_only_ner_runs_in_spacy(detector: PersonalDataDetector) -> None:
    # en_core_web_sm's ner has its own tok2vec: tagger, parser, lemmatizer are not needed.
    assert detector._nlp.pipe_names == ["ner"]


def test_text_up_to_full_chars_goes_through_ner_whole() -> None:
    text = FILLER * 10
    assert ner_regions(text, [], full_chars=2_000, max_chars=3_000) == [(0, len(text))]
    assert ner_regions("  \n ", [], full_chars=2_000, max_chars=3_000) == []
    # The default: no text goes whole; lines without a name candidate are skipped.
    assert DetectionSettings().ner_full_chars == 0
    assert ner_regions(text, [], full_chars=0, max_chars=3_000) == []


def test_only_lines_that_can_hold_a_name_go_through_ner() -> None:
    letter = (FILLER * 3 + "Dear Mrs Okonkwo,\n" + FILLER * 3
              + "Tolu has settled well into the class.\n" + FILLER * 3)
    regions = ner_regions(letter, [], full_chars=0, max_chars=100_000)
    assert [letter[s:e] for s, e in regions] == [
        "Dear Mrs Okonkwo,\n", "Tolu has settled well into the class.\n"]


def test_long_text_goes_through_ner_around_hits_only() -> None:
    text = FILLER * 200
    hit = text.index("\n", 6_000) + 1
    regions = ner_regions(text, [(hit, hit + 10)], full_chars=2_000, max_chars=3_000)
    assert len(regions) == 1
    start, end = regions[0]
    assert start <= hit < hit + 10 <= end and end - start < 1_000
    assert text[start - 1] == "\n" and text[end - 1] == "\n"  # whole lines


def test_long_paragraph_is_read_only_around_its_candidates() -> None:
    paragraph = "the children planted bulbs in the garden " * 40
    text = paragraph + "with Mr Adebayo " + paragraph + "\n"
    regions = ner_regions(text, [], full_chars=0, max_chars=100_000, window=100)
    assert len(regions) == 1
    start, end = regions[0]
    assert "Mr Adebayo" in text[start:end] and end - start < 300
    assert text[start - 1] == " " and text[end] == " "  # cut between words


def test_name_candidates_open_windows_and_the_budget_caps_them() -> None:
    text = (FILLER * 20 + "Dear Mr Hughes,\n") * 40
    regions = ner_regions(text, [], full_chars=2_000, max_chars=3_000)
    assert len(regions) > 1
    assert sum(end - start for start, end in regions) <= 3_000
    assert regions == sorted(regions)


def test_name_beside_an_identifier_deep_in_a_long_text_is_found(
    small_budget: PersonalDataDetector,
) -> None:
    text = (FILLER * 150 + "Contact Oliver Bennett on oliver.bennett@example.com today.\n"
            + FILLER * 150)
    analysis = small_budget.analyze_text(text)
    found = {(r.entity_type, value) for r, value in analysis.found}
    assert ("PERSON", "Oliver Bennett") in found
    assert ("EMAIL_ADDRESS", "oliver.bennett@example.com") in found
    assert 0 < analysis.ner_chars < len(text) // 10


def test_identifiers_are_found_beyond_the_ner_budget(small_budget: PersonalDataDetector) -> None:
    lines = [f"Reference {i}: NHS number 999 000 0018\n" for i in range(300)]
    analysis = small_budget.analyze_text(FILLER * 100 + "".join(lines))
    assert sum(r.entity_type == "UK_NHS" for r, _ in analysis.found) == 300
    assert analysis.ner_chars <= 3_000


def test_context_words_still_raise_scores_without_lemmas(detector: PersonalDataDetector) -> None:
    # Passport and phone need context words; tier 1 reads them from the tokenizer alone.
    found = {r.entity_type for r, _ in detector.analyze("Passport numbers: 682409759")}
    assert "UK_PASSPORT" in found
    assert "UK_PASSPORT" not in {r.entity_type for r, _ in detector.analyze("Order 682409759")}


def test_names_false_runs_no_ner(detector: PersonalDataDetector) -> None:
    analysis = detector.analyze_text("Amelia Jones, 0113 496 0555", names=False)
    assert analysis.ner_chars == 0
    assert {r.entity_type for r, _ in analysis.found} == {"PHONE_NUMBER"}


def test_file_records_the_text_sent_to_ner() -> None:
    content = ContentDetector()
    prose = "Dear Mrs Patel,\nAmelia has settled well into Year 3.\n"
    assert content.detect(prose).ner_chars == len(prose)
    assert content.detect("").ner_chars == 0


def test_words_about_people_are_not_name_cues() -> None:
    policy = "Pupils and parents are consulted; children learn to read. Staff keep records.\n"
    assert ner_regions(policy * 200, [], full_chars=2_000, max_chars=3_000) == []


def test_a_piece_met_before_is_answered_from_the_cache() -> None:
    detector = PersonalDataDetector()
    read = record_ner_reads(detector)
    letterhead = "Oakfield Primary School, Mill Lane\nHeadteacher: Mrs Adaeze Okafor\n"
    first = detector.analyze_text(letterhead + "Dear Mr Kowalski,\n" + FILLER)
    read_first = len(read)
    second = detector.analyze_text(letterhead + "Dear Mr Kowalski,\n" + FILLER)
    assert read_first > 0 and len(read) == read_first  # nothing new went through spaCy
    assert [(r.entity_type, r.start, r.end, v) for r, v in first.found] == \
        [(r.entity_type, r.start, r.end, v) for r, v in second.found]
    assert ("PERSON", "Mrs Adaeze Okafor") in {(r.entity_type, v) for r, v in second.found}
    assert first.ner_chars == second.ner_chars > 0  # the same file gives the same record
    # The answer is the same as a fresh detector's: the cache changes no result.
    fresh = PersonalDataDetector().analyze_text(letterhead + "Dear Mr Kowalski,\n" + FILLER)
    assert [(r.entity_type, r.start, r.end) for r, _ in fresh.found] == \
        [(r.entity_type, r.start, r.end) for r, _ in second.found]


def test_the_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dpscan.detectors.personal_data.NER_CACHE_PIECES", 5)
    detector = PersonalDataDetector()
    for i in range(12):
        detector.analyze_text(f"Dear Mrs Okonkwo-{i},\n" + FILLER)
    assert len(detector._ner_cache) <= 5


def test_the_budget_never_cuts_a_word() -> None:
    text = "Amber Rice\n" + "plain text\n" * 3 + "Dear Mr Kowalczyk\n"
    regions = ner_regions(text, [], full_chars=0, max_chars=15)
    assert [text[s:e] for s, e in regions] == ["Amber Rice\n"]


def test_more_pieces_than_the_cache_holds_are_each_read_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("dpscan.detectors.personal_data.NER_CACHE_PIECES", 5)
    detector = PersonalDataDetector()
    read = record_ner_reads(detector)
    text = "".join(f"Dear Mrs Okonkwo-{i},\n\n{FILLER}\n" for i in range(40))
    analysis = detector.analyze_text(text)
    assert len(read) == 40  # one read per piece, however small the cache
    assert sum(r.entity_type == "PERSON" for r, _ in analysis.found) >= 30
