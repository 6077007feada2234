"""HTML pages as forms: definition lists, saved form controls, and fields laid out in spans."""

from __future__ import annotations

import io

from dpscan.detectors.content import ContentDetector
from dpscan.model.extraction import FIELDS, Limits
from dpscan.scanner.extract.html import extract_html


def _read(markup: str) -> tuple[str, list[list[list[str]]], list[str]]:
    result = extract_html(io.BytesIO(markup.encode("utf-8")), Limits())
    return result.text, [t.rows for t in result.tables], [t.layout for t in result.tables]


def test_a_definition_list_is_labelled_fields() -> None:
    text, tables, layouts = _read(
        "<h1>Pupil profile</h1><dl><dt>Name</dt><dd>Amelia Jones</dd>"
        "<div><dt>Allergies</dt><dd>Peanuts</dd><dd>Latex</dd></div><dt>Notes</dt></dl>")
    assert layouts == [FIELDS]
    assert tables == [[["Name", "Amelia Jones"], ["Allergies", "Peanuts; Latex"],
                       ["Notes", ""]]]
    assert "Allergies: Peanuts; Latex" in text.splitlines()


def test_fields_laid_out_in_spans_keep_their_words_apart() -> None:
    text, _, _ = _read('<div><span class="k">Date of birth</span>'
                       '<span class="v">22 February 2009</span></div>')
    assert text.strip() == "Date of birth 22 February 2009"


def test_saved_form_controls_show_what_was_entered_or_chosen() -> None:
    text, _, _ = _read(
        '<form><p><label for="n">Child\'s name</label><input id="n" value="Amelia Jones"></p>'
        '<p><label>Ethnicity</label><select><option>White British</option>'
        '<option selected>Indian</option><option>Pakistani</option></select></p>'
        '<p><label>FSM</label><select><option>Please choose</option><option>Yes</option>'
        '</select></p><p><input type="checkbox" checked> Looked after</p>'
        '<p><input type="hidden" value="secret-token"></p></form>')
    lines = text.splitlines()
    assert "Child's name : Amelia Jones" in lines
    # Only the chosen option: a blank form's list of every ethnicity is no one's ethnicity.
    assert "Ethnicity : Indian" in lines and "Pakistani" not in text
    # A list with nothing marked chosen shows nothing.
    assert "FSM :" in lines and "Please choose" not in text
    assert "[x] Looked after" in lines and "secret-token" not in text


def test_a_saved_form_is_read_as_a_form() -> None:
    text, _, _ = _read(
        '<p><label>Child\'s name</label><input value="Amelia Jones"></p>'
        '<p><label>Date of birth</label><input type="date" value="2009-02-22"></p>'
        '<p><label>Medical conditions</label><textarea>Asthma</textarea></p>'
        '<p><label>Religion</label><select><option>Christian</option><option>Muslim</option>'
        '<option>Sikh</option></select></p>')
    found = ContentDetector().detect(text)
    assert found.entities["DATE_OF_BIRTH"] == 1
    # Nothing was chosen in the religion list: only the medical conditions are data.
    assert found.special_categories == ["health"]


def test_a_control_character_in_a_field_value_does_not_lose_the_page() -> None:
    text, _, _ = _read('<p><label>Name</label><input value="Amelia&#1;Jones"></p>'
                       '<select><option>A</option>kept<option selected>B</option></select>')
    assert "Name : Amelia?Jones" in text.splitlines()
    assert "kept B" in text  # the text after a removed option stays
