"""Issue 18: the USB verdict counts each stick file once and people distinctly, or says
"up to N" where it cannot tell them apart."""

from __future__ import annotations

from dpscan.model.records import FileResult, ScanResult, ScanSummary
from dpscan.scanner.usb import MediaEncryption, usb_verdict

PLAIN = MediaEncryption(encrypted=False, detail="mounted and readable without a password")


def _result(files: list[FileResult]) -> ScanResult:
    summary = ScanSummary(tool="dpscan", version="0", started="2026-11-28T09:00:00+00:00",
                          finished="2026-11-28T09:01:00+00:00", roots=["/media/stick"])
    return ScanResult(scan=summary, files=files)


def _list(path: str, people: int, sha256: str, upns: range | None = None,
          **fields: object) -> FileResult:
    terms = {f"upn:{n:016x}": 1 for n in upns} if upns is not None else {}
    return FileResult(path=path, root="/media/stick", protection="none", sha256=sha256,
                      entities={"PERSON": people}, data_subjects=people, index_terms=terms,
                      **fields)  # type: ignore[arg-type]


def test_copies_of_one_list_count_its_people_once() -> None:
    files = [_list("a.xlsx", 27, "s1"), _list("copy of a.xlsx", 27, "s1")]
    verdict = usb_verdict("/media/stick", _result(files), PLAIN)
    assert "2 hold personal data about 27 people\n" in verdict


def test_different_lists_without_identifiers_are_up_to() -> None:
    files = [_list("a.xlsx", 27, "s1"), _list("b.xlsx", 30, "s2")]
    verdict = usb_verdict("/media/stick", _result(files), PLAIN)
    assert "about up to 57 people (at least 30; the same person may be in several)" in verdict


def test_lists_naming_everyone_by_upn_count_distinct_pupils() -> None:
    files = [_list("a.xlsx", 27, "s1", upns=range(0, 27)),
             _list("b.xlsx", 30, "s2", upns=range(10, 40))]
    verdict = usb_verdict("/media/stick", _result(files), PLAIN)
    assert "2 hold personal data about 40 people\n" in verdict


def test_an_archive_counts_once_with_its_members() -> None:
    archive = FileResult(path="old.zip", root="/media/stick", protection="none", sha256="z",
                         members_with_personal_data=1, members_data_subjects=27,
                         members_special_categories=["health"])
    member = _list("old.zip!a.xlsx", 27, "s1", container="old.zip",
                   special_categories=["health"])
    verdict = usb_verdict("/media/stick", _result([archive, member]), PLAIN)
    assert verdict.splitlines()[:3] == [
        "USB /media/stick: 1 file",
        "  1 hold personal data about 27 people",
        "  1 hold special category data (health)",
    ]
    assert "POLICY BREACH: 1 file with personal data" in verdict


def test_a_stick_not_read_whole_is_never_called_clean() -> None:
    from dpscan.model.records import WalkError

    plain = FileResult(path="notes.txt", root="/media/stick", protection="none", sha256="n")
    result = _result([plain])
    assert result.scan.complete and "VERDICT: no personal data found." in usb_verdict(
        "/media/stick", result, PLAIN)
    result.scan.walk_errors.append(WalkError("/media/stick", "Private",
                                             "Permission denied (errno 13)"))
    result.scan.errors = 1
    verdict = usb_verdict("/media/stick", result, PLAIN)
    assert "VERDICT: no personal data found." not in verdict
    assert "the rest was not checked" in verdict
    assert "1 folder could not be listed" in verdict
