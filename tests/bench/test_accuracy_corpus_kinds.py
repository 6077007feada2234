"""The issue 19 kinds of the first accuracy corpus (bench/accuracy_corpus.py): JSON, XML,
HTML and email renderers, structured truth counting, and honest special-category labels."""

from __future__ import annotations

import html
import json
import sys
from collections import Counter
from email import policy
from email.parser import BytesParser
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
HARDER_POSITIVE = ("ctf", "newsletter_named", "seating_codes", "email_pupil")
HARDER_NEGATIVE = ("blank_form", "policy_examples", "email_topic")
THIRD_POSITIVE = ("ctf_variant", "newsletter_sections", "seating_grid", "form_consents")
THIRD_NEGATIVE = ("staff_training", "health_admin", "biometric_admin")
TEXT_FORMATS = (".json", ".xml", ".html", ".txt", ".csv", ".eml")


@pytest.fixture(scope="module")
def docs() -> list[Doc]:
    return corpus.generate(400, corpus.DEFAULT_SEED)


def _text(doc: Doc) -> str:
    raw = corpus.RENDERERS[Path(doc.path).suffix](doc)
    if doc.path.endswith(".eml"):
        return _mail_text(raw)
    text = raw.decode("utf-8")
    return html.unescape(text) if doc.path.endswith((".html", ".xml")) else text


def _mail_text(raw: bytes) -> str:
    """A message's headers, attachment names and plain-text body, decoded."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    headers = [f"{name}: {message[name]}" for name in ("From", "To", "Cc", "Subject")
               if message[name]]
    names = [part.get_filename() for part in message.iter_attachments()]
    body = message.get_body(preferencelist=("plain",)).get_content()
    return "\n".join([*headers, *names, body])


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
        if (doc.kind not in NEW_POSITIVE + NEW_NEGATIVE + HARDER_POSITIVE + HARDER_NEGATIVE
                + THIRD_POSITIVE + THIRD_NEGATIVE
                or not doc.path.endswith(TEXT_FORMATS)):
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


# ---- harder kinds (issue 19 follow-up)


def test_every_harder_kind_is_in_a_400_file_corpus(docs: list[Doc]) -> None:
    kinds = {d.kind for d in docs}
    assert set(HARDER_POSITIVE + HARDER_NEGATIVE) <= kinds
    assert sum(w for _, _, w in corpus.KINDS) == 400


def test_harder_negative_kinds_hold_no_category_and_no_pupil(docs: list[Doc]) -> None:
    for doc in docs:
        if doc.kind in HARDER_NEGATIVE:
            assert doc.negative and not doc.categories and not doc.optional, doc.path


def test_blank_forms_hold_no_person(docs: list[Doc]) -> None:
    """Placeholders ("[child's name]", "e.g. Joe Bloggs") are nobody's data."""
    seen_placeholder = False
    for doc in docs:
        if doc.kind == "blank_form":
            truth = corpus.truth_of(doc)
            assert set(truth["mentions"]) <= {"UK_POSTCODE", "PHONE_NUMBER"}, doc.path
            assert truth["data_subjects"] == 0
            seen_placeholder |= "Joe Bloggs" in _text(doc) if doc.path.endswith(
                TEXT_FORMATS) else False
    assert seen_placeholder


def test_fictional_case_studies_are_not_counted_but_the_contact_table_is(
        docs: list[Doc]) -> None:
    policies = [d for d in docs if d.kind == "policy_examples"]
    assert policies
    for doc in policies:
        truth = corpus.truth_of(doc)
        table = next(b for b in doc.blocks if isinstance(b, Table))
        staff_rows = len(table.rows) - 1
        assert truth["mentions"]["PERSON"] == staff_rows, doc.path
        assert truth["mentions"]["EMAIL_ADDRESS"] == staff_rows
        assert truth["data_subjects"] == staff_rows
        text = " ".join(corpus.plain(b.text) for b in doc.blocks if isinstance(b, Para))
        assert any(name in text for name in ("Child A", "Jamie", "Priya", "Tom", "Ellie"))


def _ctf_state(**changes: object) -> corpus.CtfPupil:
    facts = corpus.Facts(sen="N", need="", fsm=False, ever6=False, ethnicity="REFU",
                         religion="Not known", conditions=[], allergies=[], medication=[],
                         looked_after=False, cp="")
    state = corpus.CtfPupil(facts=facts, fsm="none", sen="none", medical_flag=False,
                            disability="NONE", in_care=False, absence_health=False)
    for name, value in changes.items():
        setattr(state, name, value)
    return state


@pytest.mark.parametrize(("changes", "expected", "optional"), [
    ({}, set(), set()),
    ({"fsm": "review_only"}, set(), set()),  # a review date alone reveals nothing
    ({"fsm": "ended"}, {"fsm"}, set()),  # a past FSM period is FSM data
    ({"fsm": "current"}, {"fsm"}, set()),
    ({"sen": "N"}, set(), set()),  # SENprovision N
    ({"sen": "K"}, {"sen"}, {"health"}),
    ({"medical_flag": True}, {"health"}, set()),
    ({"disability": "HEAR"}, {"health"}, set()),
    ({"absence_health": True}, set(), {"health"}),  # I / M attendance codes
    ({"in_care": True}, {"looked_after"}, {"safeguarding"}),
    ({"fsm": "current", "sen": "E", "medical_flag": True, "assessment_only": True}, set(),
     set()),  # a results-only partial CTF writes none of them
])
def test_ctf_truth_rules(changes: dict[str, object], expected: set[str],
                         optional: set[str]) -> None:
    cats, opt = corpus._ctf_categories([_ctf_state(**changes)])
    assert cats == expected
    assert opt - cats == optional


def test_ctf_files_parse_with_and_without_a_namespace(docs: list[Doc]) -> None:
    roots = set()
    singles = 0
    for doc in docs:
        if doc.kind != "ctf":
            continue
        root = ElementTree.fromstring(corpus.RENDERERS[".xml"](doc))
        roots.add(root.tag)
        namespace = root.tag[:-len("CTfile")]
        pupils = root.findall(f"{namespace}CTFpupilData/{namespace}Pupil")
        assert pupils, doc.path
        singles += len(pupils) == 1
        assert root.find(f"{namespace}Header/{namespace}CTFversion") is not None
        text = _text(doc)
        if "<FSMinstance>" not in text and "<SENprovision>K" not in text and \
                "<SENprovision>E" not in text:
            assert not {"fsm", "sen"} & doc.categories, doc.path
        if "<MedicalFlag>true" not in text and "<Disability>NONE" in text and \
                "<Disability>" not in text.replace("<Disability>NONE", ""):
            assert "health" not in doc.categories, doc.path
    assert roots == {"CTfile", "{http://www.education.gov.uk/ctf}CTfile"}
    assert singles


def test_named_newsletters_are_category_data_only_about_a_named_pupil(
        docs: list[Doc]) -> None:
    seen = Counter()
    for doc in docs:
        if doc.kind != "newsletter_named":
            continue
        text = " ".join(corpus.plain(b.text) for b in doc.blocks if isinstance(b, Para))
        assert corpus.truth_of(doc)["mentions"]["PERSON"] >= 3  # stars and a team
        assert doc.categories == ({"health"} if "Get well soon" in text else set()) | (
            {"religion"} if "fasted for the first time" in text else set()), doc.path
        seen[frozenset(doc.categories)] += 1
    assert seen[frozenset()] and seen[frozenset({"health"})] and seen[frozenset({"religion"})]


def test_seating_codes_reveal_categories_only_through_filled_columns(
        docs: list[Doc]) -> None:
    blank_seen = False
    for doc in docs:
        if doc.kind != "seating_codes":
            continue
        table = next(b for b in doc.blocks if isinstance(b, Table))
        head = table.rows[0]
        column = {name: head.index(name) for name in ("SEN", "PP", "CLA", "Medical")}
        filled = {name for name, n in column.items()
                  if any(corpus._cell_text(row[n]) for row in table.rows[1:])}
        expected = {{"SEN": "sen", "PP": "fsm", "CLA": "looked_after",
                     "Medical": "health"}[name] for name in filled}
        assert doc.categories == expected, doc.path
        blank_seen |= not filled
    assert blank_seen


def test_emails_render_as_parseable_deterministic_messages(docs: list[Doc]) -> None:
    mails = [d for d in docs if d.path.endswith(".eml")]
    assert {d.kind for d in mails} == {"email_pupil", "email_topic"}
    with_attachment = 0
    for doc in mails:
        raw = corpus.RENDERERS[".eml"](doc)
        assert raw == corpus.RENDERERS[".eml"](doc)  # fixed MIME boundaries
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert message["From"] and message["To"] and message["Subject"]
        attachments = list(message.iter_attachments())
        with_attachment += bool(attachments)
        for part in attachments:
            assert part.get_content()  # a real CSV or Word document
    assert with_attachment


def test_an_attachment_gives_its_categories_but_not_its_mentions() -> None:
    g = corpus.Gen(5)
    staff, pupil = g.staff[0], g.child()
    listed = g.child()
    attachment = Doc("a.csv", "attachment", [Table([["Name", "Allergies"],
                                                    [C("PERSON", listed, listed.full),
                                                     "Peanuts"]])])
    mail = corpus.Mail(sender=("", mark("EMAIL_ADDRESS", 0, "office@example.org")),
                       to=[(mark("PERSON", staff.sid, staff.full),
                            mark("EMAIL_ADDRESS", staff.sid, "a@example.org"))],
                       subject=f"About {mark('PERSON', pupil.sid, pupil.first)}",
                       sent=corpus._FIXED_DT,
                       attachments=[(f"{mark('PERSON', pupil.sid, pupil.full)}.csv",
                                     attachment)])
    doc = Doc("m.eml", "t", [mail, Para("See attached.")], categories={"health"})
    truth = corpus.truth_of(doc)
    # To name, subject name and the attachment's file name; not the listed pupil
    assert truth["mentions"] == {"PERSON": 3, "EMAIL_ADDRESS": 2}
    assert truth["data_subjects"] == 2
    text = _mail_text(corpus.render_eml(doc))
    assert pupil.full + ".csv" in text and listed.full not in text


def test_every_third_pass_kind_is_in_a_400_file_corpus(docs: list[Doc]) -> None:
    kinds = Counter(d.kind for d in docs)
    assert all(kinds[kind] >= 4 for kind in THIRD_POSITIVE + THIRD_NEGATIVE)


def test_staff_and_admin_files_name_people_but_reveal_no_category(docs: list[Doc]) -> None:
    """Training, rotas, supplies, posters, menus and catering letters: a careful DPO finds
    staff names in them, never a category; only a till export that holds finger template
    references or enrolments is biometric."""
    for doc in docs:
        if doc.kind not in THIRD_NEGATIVE:
            continue
        truth = corpus.truth_of(doc)
        assert truth["mentions"].get("PERSON"), doc.path
        if doc.path.startswith("Admin/Catering/till export"):
            assert truth["special_categories"] in ([], ["biometric"])
        else:
            assert truth["special_categories"] == [], doc.path


def test_ctf_variant_labels_follow_the_written_values() -> None:
    """A past SEN provision in the history is sen; an FSM history with only a review date
    and an in-care block saying false reveal nothing."""
    for i in range(12):
        doc = corpus.k_ctf_variant(corpus.Gen(100 + i), i)
        root = doc.blocks[0].root
        xml = corpus.render_xml(doc).decode("utf-8")
        assert "<CTFpupilData>" in xml and root.tag == "CTfile"
        provisions = [c for pupil in root.children[1].children for c in _descendants(pupil)
                      if c.tag == "SENprovision"]
        revealed = any(c.children != ["N"] for c in provisions)
        assert ("sen" in doc.categories) == revealed, doc.path


def _descendants(element: object) -> list[object]:
    found: list[object] = []
    for child in getattr(element, "children", []):
        if hasattr(child, "tag"):
            found.append(child)
            found.extend(_descendants(child))
    return found


def test_seating_grid_codes_and_consent_forms_label_honestly() -> None:
    """A desk's code reveals its category (EAL and G&T none); a consent, a doctor or a
    practice reveals nothing, only a written condition is health."""
    reveals = dict(corpus._GRID_CODES)
    for i in range(9):
        grid = corpus.k_seating_grid(corpus.Gen(200 + i), i)
        table = next(b for b in grid.blocks if isinstance(b, Table))
        written = {code.strip() for row in table.rows for cell in row
                   if isinstance(cell, str) and "(" in cell
                   for code in corpus.plain(cell).rsplit("(", 1)[1].rstrip(")").split(",")}
        assert grid.categories == {reveals[c] for c in written if reveals[c]}, grid.path
        form = corpus.k_form_consents(corpus.Gen(300 + i), i)
        truth = corpus.truth_of(form)
        assert truth["mentions"]["PERSON"] >= 3  # the child, the parent and the GP
        assert set(truth["special_categories"]) <= {"health"}
