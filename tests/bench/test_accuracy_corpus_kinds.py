"""The issue 19 kinds of the first accuracy corpus (bench/accuracy_corpus.py): JSON, XML and
HTML renderers, structured truth counting, and honest special-category labels."""

from __future__ import annotations

import html
import json
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import accuracy_corpus as corpus  # noqa: E402
from accuracy_corpus import C, Doc, E, Para, Table, Tree, mark  # noqa: E402

NEW_POSITIVE = ("mis_json", "mis_xml", "form_docx", "form_html", "label_lines",
                "accident_book", "dinner_money", "seating_plan", "cpoms_like")
NEW_NEGATIVE = ("lesson_plan_topic", "first_aid_policy", "sen_policy", "newsletter_fsm",
                "form_template", "safeguarding_policy")
TEXT_FORMATS = (".json", ".xml", ".html", ".txt", ".csv")


@pytest.fixture(scope="module")
def docs() -> list[Doc]:
    return corpus.generate(400, corpus.DEFAULT_SEED)


def _text(doc: Doc) -> str:
    raw = corpus.RENDERERS[Path(doc.path).suffix](doc).decode("utf-8")
    return html.unescape(raw) if doc.path.endswith((".html", ".xml")) else raw


def test_every_new_kind_is_in_a_400_file_corpus(docs: list[Doc]) -> None:
    kinds = {d.kind for d in docs}
    assert set(NEW_POSITIVE + NEW_NEGATIVE) <= kinds
    assert {"letter", "class_list", "medical", "policy"} <= kinds  # the old kinds remain
    assert len(docs) == 400


def test_the_corpus_is_deterministic_for_a_seed() -> None:
    first = [corpus.truth_of(d) for d in corpus.generate(60, 7)]
    again = [corpus.truth_of(d) for d in corpus.generate(60, 7)]
    assert first == again


def test_renderers_write_json_xml_and_html_without_markers(docs: list[Doc]) -> None:
    for suffix, parse in ((".json", json.loads), (".xml", ElementTree.fromstring)):
        doc = next(d for d in docs if d.path.endswith(suffix))
        data = corpus.RENDERERS[suffix](doc)
        parse(data.decode("utf-8") if suffix == ".json" else data)
    for doc in docs:
        if doc.path.endswith(TEXT_FORMATS):
            text = _text(doc)
            assert "\x02" not in text and "\x03" not in text and "\x1f" not in text, doc.path


def test_every_counted_value_is_written_in_the_file(docs: list[Doc]) -> None:
    """Truth counts only what the file holds: each kept value appears in its text."""
    for doc in docs:
        if doc.kind not in NEW_POSITIVE + NEW_NEGATIVE or not doc.path.endswith(TEXT_FORMATS):
            continue
        text = _text(doc)
        for etype, values in corpus.truth_of(doc)["values"].items():
            for value in values:
                assert value in text, (doc.path, etype, value)


def test_a_json_object_or_xml_element_counts_one_person_like_a_row() -> None:
    g = corpus.Gen(1)
    pupil, parent = g.child(), g.adult()
    record = {"forename": C("PERSON", pupil, pupil.first), "surname": C("PERSON", pupil,
                                                                          pupil.last),
              "dob": C("DATE_OF_BIRTH", pupil, "2015-03-02"),
              "contacts": [{"name": C("PERSON", parent, parent.full)}],
              "note": mark("PERSON", pupil.sid, pupil.first) + " has settled well"}
    truth = corpus.truth_of(Doc("a.json", "t", [Tree([record])]))
    # pupil record: one PERSON for two name fields, one for the prose note; contact: one
    assert truth["mentions"] == {"PERSON": 3, "DATE_OF_BIRTH": 1}
    assert truth["data_subjects"] == 2
    xml = E("pupils",
            E("pupil", upn=C("UK_UPN", pupil, "A1"), surname=C("PERSON", pupil, pupil.last),
              forename=C("PERSON", pupil, pupil.first)),
            E("Pupil", E("Surname", C("PERSON", parent, parent.last)),
              E("Forename", C("PERSON", parent, parent.first))))
    truth = corpus.truth_of(Doc("a.xml", "t", [Tree(xml)]))
    assert truth["mentions"] == {"PERSON": 2, "UK_UPN": 1}


def test_html_layouts_put_labels_and_values_in_their_own_elements() -> None:
    rows = [["Date of birth", mark("DATE_OF_BIRTH", 1, "22 February 2009")],
            ["Name", mark("PERSON", 1, "Amy O'Neill")]]
    page = corpus.render_html(Doc("f.html", "t", [Para("Form", heading=True),
                                                  Table(rows, html="dl")])).decode()
    assert "<dt>Date of birth</dt><dd>22 February 2009</dd>" in page
    assert "Amy O'Neill" in page
    page = corpus.render_html(Doc("f.html", "t", [Table([r[0:2] + r[0:2] for r in rows],
                                                        html="form")])).decode()
    assert "<th>Date of birth</th><td>22 February 2009</td><th>Date of birth</th>" in page


def test_negative_kinds_hold_no_special_category(docs: list[Doc]) -> None:
    for doc in docs:
        if doc.kind in NEW_NEGATIVE:
            assert doc.negative and not doc.categories, doc.path


def test_blank_form_templates_hold_no_pupil_values(docs: list[Doc]) -> None:
    for doc in docs:
        if doc.kind == "form_template":
            mentions = corpus.truth_of(doc)["mentions"]
            assert set(mentions) <= {"UK_POSTCODE", "PHONE_NUMBER"}, doc.path  # letterhead


def test_dinner_money_is_fsm_only_with_an_fsm_row(docs: list[Doc]) -> None:
    seen = set()
    for doc in docs:
        if doc.kind != "dinner_money":
            continue
        statuses = {corpus._cell_text(row[2]) for row in doc.blocks[0].rows[1:]}
        has_fsm = bool(statuses & {"FSM", "Free (FSM)"})
        assert ("fsm" in doc.categories) == has_fsm, doc.path
        seen.add(has_fsm)
    assert True in seen


def test_positive_kinds_cover_every_special_category_but_biometric(docs: list[Doc]) -> None:
    cats = set().union(*(d.categories for d in docs if d.kind in NEW_POSITIVE))
    assert cats == set(corpus.CATEGORIES) - {"biometric"}


def test_form_values_of_none_reveal_no_category() -> None:
    """A form's "None"/"No"/"N/A" values never make a category."""
    g = corpus.Gen(11)
    for _ in range(200):
        rows, cats, _optional = corpus._form_rows(g)
        values = {label: corpus.plain(value) for label, value in rows}
        for label in ("Allergies", "Known allergies"):
            if values.get(label) in corpus._NONE_VALUES:
                medical = [v for k, v in values.items() if k.startswith(("Medical", "Health",
                                                                        "Medication"))]
                if all(v in corpus._NONE_VALUES for v in medical):
                    assert "health" not in cats, values


def test_form_categories_are_revealed_by_the_written_values() -> None:
    """Looked after and safeguarding are true only when a value on the form says so."""
    g = corpus.Gen(12)
    seen: set[str] = set()
    for _ in range(400):
        rows, cats, _optional = corpus._form_rows(g)
        text = " | ".join(corpus.plain(value) for _label, value in rows)
        if "looked_after" in cats:
            assert "(LAC)" in text or any(v.startswith("Yes - ") for v in text.split(" | ")), \
                text
        if "safeguarding" in cats:
            assert "(CP plan)" in text or "(CIN)" in text, text
        seen |= cats
    assert {"looked_after", "safeguarding"} <= seen
