"""A letter about a named child also holds sentences said of any child ("If your child is
ill ...", "Children with asthma should ..."): those are topics, not data about the child.
A sentence that names the child, or goes on about them by pronoun, stays data."""

from __future__ import annotations

import time

import pytest

from dpscan.detectors.content import ContentDetector


@pytest.fixture(scope="module")
def content() -> ContentDetector:
    return ContentDetector()


# Each text names a pupil; every category word in it is said of anyone.
GENERIC_LETTERS = {
    "pe": ("PE kit reminder for 4B\n\nDear parents of Jack Brown,\nJack did not have his PE "
           "kit on Tuesday. If your child cannot take part in PE for medical reasons, please "
           "send a note. Children with asthma should bring their inhaler to every lesson.\n"
           "Miss L Carter\n"),
    "trip": ("Year 5 residential: letter for Oliver Smith\n\nDear parents,\nOliver has a place "
             "on the residential from 12 to 14 June. Please complete the medical form "
             "enclosed, listing any medication and any allergies. All pupils who need travel "
             "sickness tablets must hand them in on the coach.\nMr D Hughes, Trip Leader\n"),
    "catering": ("Cashless catering: Harry Thomas, 7C. Harry's account balance is £3.20. "
                 "Parents can top up online. Students use their fingerprint at the till; "
                 "parents who do not consent to biometric use can ask for a PIN.\n"),
}


@pytest.mark.parametrize("kind", sorted(GENERIC_LETTERS))
def test_sentences_said_of_anyone_are_topics(content: ContentDetector, kind: str) -> None:
    found = content.detect(GENERIC_LETTERS[kind])
    assert "PERSON" in found.entities
    assert found.special_categories == []
    assert found.topics  # still shown as what the letter is about


# The same letters, with one sentence about the named child.
DATA_LETTERS = {
    "pe": (GENERIC_LETTERS["pe"].replace(
        "Jack did not", "Jack was diagnosed with asthma; he did not"), "health"),
    "trip": (GENERIC_LETTERS["trip"].replace(
        "All pupils who", "If needed, his EpiPen for a nut allergy goes with the group. "
        "All pupils who"), "health"),
    "catering": (GENERIC_LETTERS["catering"].replace(
        "Harry's account", "Harry's fingerprint template is registered. Harry's account"),
        "biometric"),
}


@pytest.mark.parametrize("kind", sorted(DATA_LETTERS))
def test_a_sentence_about_the_child_stays_data(content: ContentDetector, kind: str) -> None:
    text, category = DATA_LETTERS[kind]
    assert category in content.detect(text).special_categories


# Care plans and SEN notes name the pupil on a line of its own; the sentences below it say
# "any" or "if" after what they record about the pupil.
NOTES = [
    ("Referral notes for Jayden Clarke, Year 9.\nDiagnosed with ADHD and anxiety; any "
     "changes to medication to be reported to the SENCo.\n", "health"),
    ("Jayden Clarke\nAutism spectrum condition (EHCP in place); please ensure any changes "
     "to routine are explained in advance.\n", "sen"),
    ("Maisie Green\nEpilepsy, if a seizure lasts over five minutes call 999 and give "
     "buccal midazolam.\n", "health"),
]


@pytest.mark.parametrize(("text", "category"), NOTES)
def test_any_or_if_after_the_data_keeps_it_about_the_pupil(
        content: ContentDetector, text: str, category: str) -> None:
    assert category in content.detect(text).special_categories


def test_a_long_line_without_sentence_ends_is_quick(content: ContentDetector) -> None:
    text = ("Amelia Jones (DOB 02/03/2014), LS6 2QT: " + "reading, writing and maths, "
            * 2_000 + "see www.example.org for more")
    started = time.perf_counter()
    content.detect(text)
    assert time.perf_counter() - started < 10  # was minutes: quadratic sentence search


def test_a_pronoun_keeps_a_conditional_sentence_about_the_child(
        content: ContentDetector) -> None:
    text = ("Dear Mrs Jones,\n\nAmelia Jones is in Year 4. If she feels wheezy, her asthma "
            "inhaler is in the office.\n")
    assert content.detect(text).special_categories == ["health"]


# Policies name their role holders, then describe their duties to every child.
POLICIES = {
    "safeguarding": (
        "Child Protection and Safeguarding Policy 2024-25\n"
        "Designated Safeguarding Lead: Mr Tom Fielding (Headteacher), tel 01632 960 555\n"
        "Mr Fielding will make referrals to children's social care where a child is "
        "suffering or likely to suffer significant harm, including neglect, physical, "
        "emotional or sexual abuse.\n"),
    "send": (
        "SEND Information Report\nOur SENCo is Mrs Helen Ward (h.ward@oakfield.sch.uk).\n"
        "Mrs Ward coordinates provision for pupils with special educational needs, including "
        "those with an EHCP. Pupils on SEN support have a termly review with parents.\n"),
    "biometric": (
        "Biometric Data Policy\nData Protection Officer: Ms Ruth Evans, dpo@oakfield.sch.uk\n"
        "Ms Evans oversees the processing of biometric information. The school uses "
        "fingerprint recognition for cashless catering.\n"),
}


@pytest.mark.parametrize("kind", sorted(POLICIES))
def test_a_role_holder_named_again_is_still_staff(content: ContentDetector, kind: str) -> None:
    found = content.detect(POLICIES[kind])
    assert "PERSON" in found.entities
    assert found.special_categories == []
    assert found.topics


def test_a_pupil_sharing_a_staff_surname_is_still_a_pupil(content: ContentDetector) -> None:
    text = ("Our SENCo is Mrs Helen Ward.\n\n"
            "Ruby Ward (Year 3) has an EHCP for autism and receives speech and language "
            "therapy each week.\n")
    assert "sen" in content.detect(text).special_categories
