"""find-person's index: normalisation, pairs and co-occurrence, query variants, ranking,
the term limit, and that no raw value survives hashing."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from dpscan.detectors import person_index as pi
from dpscan.detectors.person_index import (
    OTHER_PERSON,
    POSSIBLE,
    STRONG,
    PersonQuery,
    QueryError,
    hash_term,
    index_terms,
    query_terms,
    rank,
)
from dpscan.model.extraction import TableData
from dpscan.model.records import FileResult

KEY = bytes(range(32))
UPN = "L201000024001"
OTHER_UPN = "A201000024002"


def raw_terms(text: str, tables: list[TableData] | None = None) -> set[tuple[str, str]]:
    """(kind, value) before hashing, for asserting what was understood."""
    out = pi._Collector()
    skip = []
    for table in tables or []:
        pi._scan_table(table, out)
        skip.append(table)
    if not skip:
        segment = pi._analyse(text)
        out.take(segment)
        out.near(segment.pairs, segment.anchors, pi.NEAR_WORDS)
    return set(out.counts)


@pytest.mark.parametrize("text", [
    "Amelia Jones", "JONES Amelia", "Jones, Amelia", "AMELIA JONES", "Amélia Jones",
    "Amelia Rose Jones", "Dear Mrs Smith, Amelia Jones was late.",
])
def test_name_forms_give_the_same_pair(text: str) -> None:
    assert (pi.PAIR, "amelia jones") in raw_terms(text)


@pytest.mark.parametrize("text", ["amelia jones went home", "Amelia went to see Jones",
                                  "Amelia Smith, Oliver Jones"])
def test_no_pair_without_a_name_run(text: str) -> None:
    assert (pi.PAIR, "amelia jones") not in raw_terms(text)


def test_initials_and_hyphens_and_apostrophes() -> None:
    assert (pi.INITIAL, "a jones") in raw_terms("Letter for A. Jones, Year 5")
    assert (pi.INITIAL, "a jones") in raw_terms("JONES A 5H")
    terms = raw_terms("Amelia Smith-Jones and Zoe O'Brien's coat")
    assert {(pi.PAIR, "amelia jones"), (pi.PAIR, "amelia smith"), (pi.PAIR, "obrien zoe")} <= terms


@pytest.mark.parametrize("written", ["02/03/2014", "2/3/14", "2014-03-02", "2 March 2014",
                                     "2nd Mar 2014", "March 2, 2014", "02.03.2014",
                                     # The forms the date-of-birth recognizer reads too.
                                     "02-Mar-2014", "2-Mar-14", "02/Mar/2014",
                                     "2014-03-02T00:00:00Z"])
def test_dates_of_birth_normalised(written: str) -> None:
    terms = raw_terms(f"Amelia Jones DOB: {written}")
    assert (pi.DOB, "2014-03-02") in terms
    assert (pi.NEAR, "amelia jones|dob:2014-03-02") in terms


def test_a_date_without_a_cue_is_only_a_date() -> None:
    terms = raw_terms("Amelia Jones attended the meeting on 02/03/2014.")
    assert (pi.DATE, "2014-03-02") in terms and (pi.DOB, "2014-03-02") not in terms
    assert not any(kind == pi.NEAR for kind, _ in terms)


def test_each_dob_goes_with_its_own_name() -> None:
    terms = raw_terms("Amelia Jones DOB 02/03/2014. Oliver Jones DOB 12/09/2016.")
    near = {v for k, v in terms if k == pi.NEAR}
    assert near == {"amelia jones|dob:2014-03-02", "jones oliver|dob:2016-09-12"}


def test_identifiers_checked_and_normalised() -> None:
    terms = raw_terms(f"UPN {UPN} / M201000024001; NHS 999 000 0018 / 999 000 0019; "
                      "ULN 1234567899; amelia.J@Example.org; b33 8th B33 8TH")
    assert (pi.UPN, UPN) in terms and (pi.UPN, "M201000024001") not in terms  # check letter
    assert (pi.NHS, "9990000018") in terms and (pi.NHS, "9990000019") not in terms
    assert (pi.ULN, "1234567899") in terms
    assert (pi.EMAIL, "amelia.j@example.org") in terms
    assert (pi.POSTCODE, "B338TH") in terms


def test_table_rows_pair_name_columns_and_join_the_row() -> None:
    rows = [["Class list 5H"], ["Surname", "Forename", "D.O.B", "UPN", "Class name"],
            ["JONES", "Amelia", "02/03/2014", UPN, "Hazel Class"],
            ["SMITH", "Oliver", "12/09/2016", OTHER_UPN, "Hazel Class"]]
    terms = raw_terms("", [TableData("s", rows, 0, 0)])
    assert (pi.NEAR, "amelia jones|dob:2014-03-02") in terms
    assert (pi.NEAR, f"amelia jones|upn:{UPN}") in terms
    assert (pi.NEAR, f"amelia jones|upn:{OTHER_UPN}") not in terms
    assert (pi.PAIR, "class hazel") not in terms  # not a name column: no row pairs


def test_output_is_hashed_and_keyed() -> None:
    text = f"Amelia Jones DOB 02/03/2014 UPN {UPN} B33 8TH amelia@example.org"
    terms = index_terms(text, [], KEY)
    blob = repr(terms).lower()
    for raw in ("amelia", "jones", "2014", UPN.lower(), "b33", "example"):
        assert raw not in blob
    assert all(len(t.split(":")[1]) == pi.HASH_HEX for t in terms)
    assert hash_term(KEY, pi.PAIR, "amelia jones") in terms
    assert set(index_terms(text, [], bytes(32))).isdisjoint(terms)  # another key, other hashes


def test_terms_are_bounded_strongest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pi, "MAX_TERMS", 5)
    terms = index_terms(f"Amelia Jones UPN {UPN}, Oliver Smith, Harry Brown", [], KEY)
    assert len(terms) == 5
    assert hash_term(KEY, pi.UPN, UPN) in terms
    assert hash_term(KEY, pi.NEAR, f"amelia jones|upn:{UPN}") in terms


def test_speed_of_an_ordinary_letter() -> None:
    letter = ("Dear Mr and Mrs Jones,\nI am writing about Amelia Jones (DOB 02/03/2014), "
              "who has been absent. Please contact Mrs Patel on 0113 496 0555.\n") * 20
    started = time.perf_counter()
    for _ in range(20):
        index_terms(letter, [], KEY)
    assert (time.perf_counter() - started) / 20 < 0.05


# --- queries and ranking ---------------------------------------------------------------


def test_query_checks_values() -> None:
    with pytest.raises(QueryError):
        PersonQuery.build("Amelia")
    with pytest.raises(QueryError):
        PersonQuery.build("Amelia Jones", upn="M201000024001")
    with pytest.raises(QueryError):
        PersonQuery.build("Amelia Jones", dob="31/02/2014")
    query = PersonQuery.build("JONES Amelia", dob="02/03/2014", upn=UPN.lower())
    assert query.dob == dt.date(2014, 3, 2) and query.upn == UPN
    assert pi.parse_name("JONES Amelia") == (["amelia"], ["jones"])
    assert pi.parse_name("Jones, Amelia Rose") == (["amelia", "rose"], ["jones"])


def test_query_masked() -> None:
    masked = PersonQuery.build("Amelia Jones", dob="2014-03-02", upn=UPN).masked()
    assert masked["name"] == "A*** J***" and masked["upn"] == "L************"
    assert "2014" not in str(masked)


def test_nicknames_expand_both_ways() -> None:
    assert "millie" in pi.nicknames("Amelia")
    assert "william" in pi.nicknames("Liam")
    spec = query_terms(PersonQuery.build("Amelia Jones"), KEY)
    assert spec[hash_term(KEY, pi.PAIR, "jones millie")].variant == "nickname"


def _file(path: str, text: str, tables: list[TableData] | None = None) -> FileResult:
    record = FileResult(path=path, root="/share")
    record.index_terms = index_terms(text, tables or [], KEY)
    return record


def _rank(query: PersonQuery, files: list[FileResult]) -> list[pi.PersonMatch]:
    spec = query_terms(query, KEY)
    candidates = [(f, {t: n for t, n in f.index_terms.items() if t in spec}) for f in files]
    return rank(query, [c for c in candidates if c[1]], KEY)


def test_rank_separates_person_sibling_and_namesake() -> None:
    files = [
        _file("upn.txt", f"Pupil {UPN} attended."),
        _file("dob.txt", "Amelia Jones (DOB 02/03/2014) has asthma."),
        _file("name.txt", "Amelia Jones won the poetry prize. Well done Amelia Jones!"),
        _file("sibling.txt", "Oliver Jones (DOB 12/09/2016) was late."),
        _file("namesake.txt", "Amelia Jones, date of birth 20/11/2013, joined 3B."),
        _file("typo.txt", "Amelia Jnoes DOB 02/03/2014"),
        _file("other.txt", "Harry Brown DOB 02/03/2014"),
    ]
    query = PersonQuery.build("Amelia Jones", dob="2014-03-02", upn=UPN)
    ranked = {m.file.path: m for m in _rank(query, files)}
    assert ranked["upn.txt"].confidence == STRONG and "UPN" in ranked["upn.txt"].reasons
    assert ranked["dob.txt"].confidence == STRONG
    assert "DOB next to name" in ranked["dob.txt"].reasons
    assert ranked["name.txt"].confidence == POSSIBLE
    assert "full name x2" in ranked["name.txt"].reasons
    assert ranked["namesake.txt"].confidence == OTHER_PERSON
    assert ranked["typo.txt"].confidence == pi.LIKELY
    assert "sibling.txt" not in ranked and "other.txt" not in ranked
    order = [m.file.path for m in _rank(query, files)]
    assert order.index("name.txt") < order.index("namesake.txt")
    assert order.index("typo.txt") < order.index("name.txt")
