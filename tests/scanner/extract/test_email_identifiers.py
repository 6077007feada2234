"""Identifiers in emails are found as in other formats: the same body saved as .txt (or
as .html) and sent as a message, in every transfer encoding and layout mailers use,
gives the same findings.  Messages are built here with the standard email package."""

from __future__ import annotations

import html
import io
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from dpscan.model.extraction import FIELDS, GRID, Limits
from dpscan.scanner.extract.email import (
    _msg_body,
    extract_eml,
    strip_quote_markers,
    unflow,
)

# Every identifier type, each with the cue a person writes beside it (valid checksums;
# test ranges where there are any).
IDENTIFIER_LINES = {
    "UK_NINO": "Her NI number is GP133472D.",
    "UK_NHS": "NHS number: 999 711 0668",
    "UK_UPN": "UPN: X919288319804",
    "UK_ULN": "ULN 5844267949",
    "UK_POSTCODE": "She lives at 4 Mill Lane, Leeds LS6 2AB.",
    "PHONE_NUMBER": "Call her mother on 0113 496 0555.",
    "EMAIL_ADDRESS": "Email amelia.jones@example.com",
    "DATE_OF_BIRTH": "Date of birth: 14/03/2011",
    "UK_PASSPORT": "Passport number 999228775",
    "UK_DRIVING_LICENCE": "Driving licence MCDON704152P99AB",
    "UK_BANK_ACCOUNT": "Bank: sort code 08-99-99 account 66374958",
    "IBAN_CODE": "IBAN GB33 BUKB 2020 1555 5555 55",
}
BODY = ("Dear Mrs Jones,\n\nAs discussed, the details we hold for Amelia:\n"
        + "\n".join(IDENTIFIER_LINES.values()) + "\n\nKind regards,\nSchool Office\n")
# A form quoted in a reply: label lines, read as a form once the quote markers are off.
FORM = ("Pupil name: Amelia Jones\nDate of birth: 14/03/2011\nUPN: X919288319804\n"
        "Home postcode: LS6 2AB\nParent mobile: 07911 123456\nNHS number: 9997110668\n")
SENDER, RECIPIENT = "head@oakfield.sch.uk", "jones.family@example.org"
HEADER_ADDRESSES = 2  # From and To: found in the message, not in the .txt
TABLE_PAGE = (
    "<html><body><p>Here is the list for the trip.</p>"
    "<table><tr><th>Pupil</th><th>DOB</th><th>UPN</th><th>NHS</th></tr>"
    "<tr><td>Amelia Jones</td><td>14/03/2011</td><td>X919288319804</td><td>9997110668</td></tr>"
    "<tr><td>Oliver Smith</td><td>02/11/2010</td><td>V919861317505</td><td>9995803518</td></tr>"
    "</table><p>Thanks</p></body></html>")
DEFINITION_PAGE = ("<html><body><dl><dt>Pupil</dt><dd>Amelia Jones</dd>"
                   "<dt>Date of birth</dt><dd>22 February 2009</dd></dl></body></html>")
# How Outlook and Gmail write a table in the plain alternative: one cell a line.
TABLE_AS_PLAIN = ("Here is the list for the trip.\n\nPupil\nDOB\nUPN\nNHS\nAmelia Jones\n"
                  "14/03/2011\nX919288319804\n9997110668\nOliver Smith\n02/11/2010\n"
                  "V919861317505\n9995803518\n\nThanks\n")


@pytest.fixture(scope="module")
def detector() -> Any:
    from dpscan.detectors.content import ContentDetector

    return ContentDetector()  # loads spaCy: once for the module


def _scan(path: Path, detector: Any) -> dict[str, int]:
    from dpscan.model.config import ScanConfig
    from dpscan.scanner.pipeline import scan_file
    from dpscan.scanner.walk import FileEntry, walk_root

    (entry,) = [item for item in walk_root(str(path)) if isinstance(item, FileEntry)]
    record = scan_file(entry, ScanConfig(workers=1), detector)[0]
    assert record.status == "scanned", record.error
    return {str(kind): count for kind, count in record.entities.items()}


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"School Office <{SENDER}>"
    message["To"] = RECIPIENT
    message["Subject"] = "Amelia's details"
    return message


def _as_html(text: str) -> str:
    return "<html><body>" + "".join(
        f"<p>{html.escape(line)}</p>" if line else "<br>" for line in text.split("\n")
    ) + "</body></html>"


def _flowed(text: str, *, width: int, delsp: bool) -> str:
    """``text`` as a format=flowed body (RFC 3676) wrapped at ``width``: a soft break is a
    space before the line end (with delsp, a second one, which the reader deletes)."""
    soft = "  " if delsp else " "
    out: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            if line and len(line) + 1 + len(word) > width:
                out.append(line + soft)
                line = word
            else:
                line = f"{line} {word}" if line else word
        out.append(line)
    return "\r\n".join(out)


def _raw(content_type: str, body: str, encoding: str = "7bit") -> bytes:
    return (f"From: {SENDER}\r\nTo: {RECIPIENT}\r\nSubject: Amelia\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n"
            f"{body}\r\n").encode()


def _quoted_printable_split(text: str) -> str:
    """``text`` in quoted-printable with a soft line break ("=" at a line end) in the
    middle of every identifier line: decoders join the halves."""
    lines = []
    for line in text.split("\n"):
        half = len(line) // 2
        lines.append(f"{line[:half]}=\r\n{line[half:]}" if len(line) > 8 else line)
    return "\r\n".join(lines)


def _plain(cte: str | None = None) -> bytes:
    message = _message()
    message.set_content(BODY, cte=cte) if cte else message.set_content(BODY)
    return message.as_bytes()


def _html_only(cte: str | None = None) -> bytes:
    message = _message()
    if cte:
        message.set_content(_as_html(BODY), subtype="html", cte=cte)
    else:
        message.set_content(_as_html(BODY), subtype="html")
    return message.as_bytes()


def _alternative() -> bytes:
    message = _message()
    message.set_content(BODY)
    message.add_alternative(_as_html(BODY), subtype="html")
    return message.as_bytes()


def _forwarded(depth: int) -> bytes:
    message = _message()
    marker = ">" * depth + " "
    message.set_content("Forwarding this on.\n\n-----Original Message-----\n"
                        + "\n".join(marker + line for line in BODY.split("\n")))
    return message.as_bytes()


MESSAGES: dict[str, Callable[[], bytes]] = {
    "plain": _plain,
    "quoted-printable": lambda: _plain("quoted-printable"),
    "base64": lambda: _plain("base64"),
    "html only": _html_only,
    "html quoted-printable": lambda: _html_only("quoted-printable"),
    "html base64": lambda: _html_only("base64"),
    "multipart/alternative": _alternative,
    "forwarded, quoted": lambda: _forwarded(1),
    "quoted twice": lambda: _forwarded(2),
    "soft line breaks inside identifiers": lambda: _raw(
        "text/plain; charset=utf-8", _quoted_printable_split(BODY), "quoted-printable"),
    "format=flowed": lambda: _raw("text/plain; charset=utf-8; format=flowed",
                                  _flowed(BODY, width=20, delsp=False)),
    "format=flowed delsp": lambda: _raw("text/plain; charset=utf-8; format=flowed; delsp=yes",
                                        _flowed(BODY, width=20, delsp=True)),
}


@pytest.fixture(scope="module")
def txt_findings(detector: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    path = tmp_path_factory.mktemp("txt") / "details.txt"
    path.write_text(BODY, encoding="utf-8")
    found = _scan(path, detector)
    missed = set(IDENTIFIER_LINES) - set(found)
    assert not missed, f"the .txt itself misses {missed}"
    return found


def _without_headers(found: dict[str, int]) -> dict[str, int]:
    """Findings with the From and To addresses taken off (the .txt has no headers)."""
    found = {**found, "EMAIL_ADDRESS": found.get("EMAIL_ADDRESS", 0) - HEADER_ADDRESSES}
    return {kind: count for kind, count in found.items() if count}


@pytest.mark.parametrize("layout", list(MESSAGES))
def test_every_identifier_in_an_email_is_found_as_in_the_txt(
    layout: str, detector: Any, txt_findings: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "details.eml"
    path.write_bytes(MESSAGES[layout]())
    assert _without_headers(_scan(path, detector)) == txt_findings


def test_flowed_wrap_splits_identifiers_the_reader_joins() -> None:
    # The wrap at 20 characters cuts the NHS number and the IBAN over two lines.
    body = _flowed(BODY, width=20, delsp=False)
    text = extract_eml(io.BytesIO(_raw(
        "text/plain; charset=utf-8; format=flowed", body)), Limits()).text
    for kind in ("UK_NHS", "IBAN_CODE"):
        assert IDENTIFIER_LINES[kind] not in body
        assert IDENTIFIER_LINES[kind] in text


@pytest.mark.parametrize(
    ("flowed", "delsp", "typed"),
    [
        ("NHS number: 999 711 \r\n0668\r\n", False, "NHS number: 999 711 0668\n"),
        ("NHS number: 999 711  \r\n0668", True, "NHS number: 999 711 0668"),
        # quoted flowed lines join within their depth only; stuffed spaces come off
        ("> IBAN GB33 BUKB \r\n> 2020 1555 5555 55\r\nThanks", False,
         "> IBAN GB33 BUKB 2020 1555 5555 55\nThanks"),
        ("> quoted \r\nnot quoted", False, "> quoted \nnot quoted"),
        ("  indented\r\n From here", False, " indented\nFrom here"),
        # the signature separator ends in a space but is never flowed
        ("-- \r\nOffice", False, "-- \nOffice"),
    ],
)
def test_unflow(flowed: str, delsp: bool, typed: str) -> None:
    assert unflow(flowed, delsp=delsp) == typed


def test_quote_markers_come_off_every_depth() -> None:
    assert strip_quote_markers("> a\n>> b\n> > c\n>d\nplain > not a marker") == (
        "a\nb\nc\nd\nplain > not a marker")


def test_quoted_form_in_a_reply_is_read_as_the_form(
    detector: Any, tmp_path: Path
) -> None:
    (tmp_path / "form.txt").write_text(FORM, encoding="utf-8")
    message = _message()
    message.set_content("Please check these.\n\n" + "\n".join(
        "> " + line for line in FORM.split("\n")))
    (tmp_path / "reply.eml").write_bytes(message.as_bytes())
    form = _scan(tmp_path / "form.txt", detector)
    assert "PERSON" in form  # the name is read under its label
    assert _without_headers(_scan(tmp_path / "reply.eml", detector)) == form


def _html_mail(page: str, plain: str | None) -> bytes:
    message = _message()
    if plain is None:
        message.set_content(page, subtype="html")
    else:
        message.set_content(plain)
        message.add_alternative(page, subtype="html")
    return message.as_bytes()


@pytest.mark.parametrize(
    ("page", "plain"),
    [
        (TABLE_PAGE, None),
        (TABLE_PAGE, TABLE_AS_PLAIN),
        (DEFINITION_PAGE, None),
        (DEFINITION_PAGE, "Pupil\nAmelia Jones\nDate of birth\n22 February 2009\n"),
    ],
    ids=["table", "table with plain alternative", "definition list",
         "definition list with plain alternative"],
)
def test_html_email_is_read_as_the_same_html_file(
    page: str, plain: str | None, detector: Any, tmp_path: Path
) -> None:
    (tmp_path / "list.html").write_text(page, encoding="utf-8")
    (tmp_path / "list.eml").write_bytes(_html_mail(page, plain))
    as_file = _scan(tmp_path / "list.html", detector)
    assert "DATE_OF_BIRTH" in as_file  # in the next cell or under its column's heading
    assert _without_headers(_scan(tmp_path / "list.eml", detector)) == as_file


def test_html_body_tables_keep_their_columns_and_place() -> None:
    message = _message()
    message.set_content(TABLE_AS_PLAIN)
    message.add_alternative(TABLE_PAGE, subtype="html")
    html_part = message.get_payload()[1]  # type: ignore[index]
    # An HTML body with an inline image is a multipart/related inside the alternative.
    html_part.add_related(b"\x89PNG", maintype="image", subtype="png", cid="<logo>")
    result = extract_eml(io.BytesIO(message.as_bytes()), Limits())
    (table,) = result.tables
    assert table.layout == GRID
    assert table.rows[0] == ["Pupil", "DOB", "UPN", "NHS"]
    rendered = "\n".join("\t".join(row) for row in table.rows) + "\n"
    assert result.text[table.start:table.end] == rendered


def test_plain_alternative_is_read_when_the_html_has_no_table() -> None:
    message = _message()
    message.set_content("Plain version")
    message.add_alternative("<p>HTML version</p>", subtype="html")
    result = extract_eml(io.BytesIO(message.as_bytes()), Limits())
    assert "Plain version" in result.text and "HTML version" not in result.text
    assert result.tables == []


class _Storage:
    """The two body properties of an Outlook message (see extract.email._MsgStorage)."""

    properties: dict[int, bytes] = {}

    def __init__(self, plain: str, markup: str) -> None:
        self._plain, self._markup = plain, markup

    def binary(self, prop_id: int) -> bytes | None:
        return self._markup.encode() if prop_id == 0x1013 else None

    def string(self, prop_id: int) -> str:
        return self._plain if prop_id == 0x1000 else ""


@pytest.mark.parametrize(
    ("plain", "markup", "subtype", "layouts"),
    [
        # Outlook keeps both bodies: the HTML is read when the plain one lost its structure
        (TABLE_AS_PLAIN, TABLE_PAGE, "html", [GRID]),
        ("Pupil\nAmelia Jones", DEFINITION_PAGE, "html", [FIELDS]),
        ("Plain version", "<p>HTML version</p>", "plain", []),
        ("", "<p>HTML version</p>", "html", []),
    ],
)
def test_msg_body_reads_html_when_it_holds_a_table(
    plain: str, markup: str, subtype: str, layouts: list[str]
) -> None:
    body = _msg_body(_Storage(plain, markup))  # type: ignore[arg-type]
    assert body.subtype == subtype
    assert [table.layout for table in body.read(Limits()).tables] == layouts
