"""Email extraction: .eml built here with the email package, .msg built here as compound
files, real messages from the zoo (skipped when absent), and one scan through the pipeline."""

from __future__ import annotations

import io
import json
import struct
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import docx
import pytest

from dpscan.model.extraction import EncryptedContent, ExtractedText, Limits, Member
from dpscan.model.ids import Flag
from dpscan.scanner.extract import extractor_for
from dpscan.scanner.extract.docx import extract_docx
from dpscan.scanner.extract.email import (
    FLAG_RECIPIENTS_EXPOSED,
    MIME_EML,
    MIME_MSG,
    EmailHeaders,
    exposed_recipients,
    extract_eml,
    extract_msg,
    looks_like_email,
    looks_like_msg,
    parse_property_stream,
    property_int,
    property_time,
    read_html_body,
)

LIMITS = Limits(max_text_chars=100_000)
NHS = "999 000 0018"  # a valid NHS number (checksum), test range
SCHOOL = "Head Teacher <head@oakfield.sch.uk>"

ZOO = Path("/work/shared/zoo")


def _zoo_files(true_format: str) -> list[dict[str, Any]]:
    truth = ZOO / "truth.json"
    if not truth.is_file():
        return []
    records = json.loads(truth.read_text(encoding="utf-8"))["files"]
    return [r for r in records if r["true_format"] == true_format]


def _zoo_path(record: dict[str, Any]) -> Path:
    path = ZOO / record["path"]
    if not path.is_file():
        pytest.skip(f"zoo file absent: {record['path']}")
    return path


def _read(member: Member) -> bytes:
    assert member.open is not None, member.error
    with member.open() as stream:
        return stream.read()


def _eml(message: EmailMessage, limits: Limits = LIMITS) -> ExtractedText:
    return extract_eml(io.BytesIO(message.as_bytes()), limits)


def _message(sender: str = SCHOOL, to: str = "Mrs Jones <jones.family@gmail.com>",
             subject: str = "Amelia's trip", body: str = "Dear Mrs Jones,\nAll fine.\n",
             **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message["Subject"] = subject
    message["Date"] = "Tue, 04 Jun 2024 09:30:00 +0100"
    message.set_content(body)
    return message


def _docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ----------------------------------------------------------------------- .eml


def test_eml_text_is_headers_attachment_names_then_body() -> None:
    message = _message(Cc="Office <office@oakfield.sch.uk>", Reply_To="office@oakfield.sch.uk")
    message["Bcc"] = "Mr Patel <patel@example.net>"
    message.add_attachment(b"notes", maintype="text", subtype="plain", filename="notes.txt")
    result = _eml(message)
    assert result.text.splitlines() == [
        "From: Head Teacher <head@oakfield.sch.uk>",
        "To: Mrs Jones <jones.family@gmail.com>",
        "Cc: Office <office@oakfield.sch.uk>",
        "Bcc: Mr Patel <patel@example.net>",
        "Reply-To: office@oakfield.sch.uk",
        "Subject: Amelia's trip",
        "Date: Tue, 04 Jun 2024 09:30:00 +0100",
        "Attachment: notes.txt",
        "",
        "Dear Mrs Jones,",
        "All fine.",
    ]
    assert result.flags == [] and not result.truncated


def test_eml_attachments_become_members_with_their_bytes() -> None:
    forwarded = _message(sender="Dr Khan <khan@nhs.example>", subject="Referral",
                         body="Referral for Amelia Jones.")
    forwarded.add_attachment(b"%PDF-1.4 letter", maintype="application", subtype="pdf",
                             filename="letter.pdf")
    message = _message()
    notes = f"Amelia Jones, NHS number {NHS}\n".encode()
    message.add_attachment(notes, maintype="text", subtype="plain", filename="notes.txt")
    message.add_attachment(_docx_bytes("Pupil premium: Amelia Jones"), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
                           filename="report.docx")
    message.add_attachment(forwarded)  # message/rfc822 without a file name
    message.add_attachment(b"\x00\x01", maintype="application", subtype="octet-stream")

    result = _eml(message)
    names = [member.name for member in result.members]
    assert names == ["notes.txt", "report.docx", "attachment-3.eml", "attachment-4.bin"]
    assert all(member.error is None for member in result.members)
    assert _read(result.members[0]) == notes
    assert result.members[0].size == len(notes)
    assert "Pupil premium: Amelia Jones" in extract_docx(
        io.BytesIO(_read(result.members[1])), LIMITS).text
    # The attachments' content is their own records' business, not the message's.
    assert NHS not in result.text and "Referral for" not in result.text

    nested = extract_eml(io.BytesIO(_read(result.members[2])), LIMITS)
    assert nested.text.splitlines()[:2] == ["From: Dr Khan <khan@nhs.example>",
                                            "To: Mrs Jones <jones.family@gmail.com>"]
    assert "Referral for Amelia Jones." in nested.text
    assert [m.name for m in nested.members] == ["letter.pdf"]
    assert _read(nested.members[0]) == b"%PDF-1.4 letter"


def test_eml_member_names_are_safe_and_unique() -> None:
    message = _message()
    for filename in ("C:\\Users\\head\\Desktop\\photo.jpg", "../photo.jpg", "photo.JPG",
                     "Amelia\x07Jones.txt", ".."):
        message.add_attachment(b"x", maintype="application", subtype="octet-stream",
                               filename=filename)
    names = [member.name for member in _eml(message).members]
    assert names == ["photo.jpg", "photo (2).jpg", "photo (3).JPG", "AmeliaJones.txt",
                     "attachment-5.bin"]


def test_eml_member_keeps_the_files_modification_date() -> None:
    raw = (b"From: head@oakfield.sch.uk\r\nTo: a@b.example\r\nMIME-Version: 1.0\r\n"
           b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
           b"Content-Type: text/plain\r\n\r\nhello\r\n--b\r\n"
           b"Content-Type: application/pdf\r\n"
           b'Content-Disposition: attachment; filename="a.pdf";\r\n'
           b' modification-date="Thu, 10 Jan 2002 13:58:10 -0800"\r\n'
           b"Content-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n--b--\r\n")
    (member,) = extract_eml(io.BytesIO(raw), LIMITS).members
    assert member.modified == "2002-01-10T21:58:10+00:00"
    assert _read(member) == b"%PDF"


def test_eml_html_only_body_is_converted_without_script_or_style() -> None:
    message = _message()
    message.set_content(
        "<html><head><style>p {color: red}</style><script>var pupil = 'x';</script></head>"
        "<body><p>Dear&nbsp;Mrs Jones,</p><table><tr><td>Amelia Jones</td><td>"
        f"{NHS}</td></tr></table><p>Regards<br>Office</p></body></html>",
        subtype="html",
    )
    body = _eml(message).text.split("\n\n", 1)[1]
    # Read by the HTML extractor: its table keeps its columns, no blank lines between blocks.
    assert body.splitlines() == ["Dear Mrs Jones,", f"Amelia Jones\t{NHS}", "Regards",
                                 "Office"]


def test_eml_alternative_reads_plain_text_once() -> None:
    message = _message(body="Plain version")
    message.add_alternative("<p>HTML version</p>", subtype="html")
    text = _eml(message).text
    assert "Plain version" in text and "HTML version" not in text


def test_html_body_survives_empty_and_declared_markup() -> None:
    assert read_html_body("", Limits()).text.strip() == ""
    assert read_html_body("<!-- only a comment -->", Limits()).text.strip() == ""
    declared = '<?xml version="1.0" encoding="iso-8859-1"?><p>Zoë</p>'
    assert read_html_body(declared, Limits()).text.strip() == "Zoë"


def test_eml_attachment_over_member_limit_is_an_error_member() -> None:
    message = _message()
    message.add_attachment(b"x" * 2000, maintype="application", subtype="pdf",
                           filename="big.pdf")
    result = _eml(message, Limits(max_member_bytes=1000))
    (member,) = result.members
    assert member.open is None and member.size == 2000
    assert member.error == "not read: 2000 bytes is over the max_member_bytes limit (1000)"
    assert Flag.ARCHIVE_LIMIT in member.flags and Flag.ARCHIVE_LIMIT in result.flags


def test_eml_members_stop_at_max_members() -> None:
    message = _message()
    for number in range(5):
        message.add_attachment(b"x", maintype="application", subtype="pdf",
                               filename=f"{number}.pdf")
    result = _eml(message, Limits(max_members=2))
    assert [m.name for m in result.members] == ["0.pdf", "1.pdf"]
    assert Flag.ARCHIVE_LIMIT in result.flags


def test_eml_text_stops_at_max_text_chars() -> None:
    result = _eml(_message(body="word " * 1000), Limits(max_text_chars=200))
    assert result.truncated and len(result.text) == 200
    assert result.text.startswith("From: Head Teacher")


def test_eml_encrypted_as_a_whole_raises_encrypted_content() -> None:
    raw = (b"From: head@oakfield.sch.uk\r\nTo: a@b.example\r\nSubject: SEN report\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime;"
           b' smime-type=enveloped-data; name="smime.p7m"\r\n'
           b"Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAx\r\n")
    with pytest.raises(EncryptedContent) as caught:
        extract_eml(io.BytesIO(raw), LIMITS)
    assert caught.value.detail == "smime_encrypted"


# ------------------------------------------------------------- malformed .eml

_MALFORMED = {
    # The declared boundary is not the one the parts use.
    "wrong boundary": (
        b"From: head@oakfield.sch.uk\r\nTo: a@b.example\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="declared"\r\n\r\n'
        b"--actual\r\nContent-Type: text/plain\r\n\r\nBody text here\r\n"
        b'--actual\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; '
        b'filename="notes.txt"\r\n\r\n' + NHS.encode() + b"\r\n--actual--\r\n"
    ),
    # No boundary parameter at all, and no parts to find.
    "no boundary": (
        b"From: head@oakfield.sch.uk\r\nTo: a@b.example\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed\r\n\r\nBody text here\r\n"
    ),
    # Truncated: the closing boundary never comes.
    "no closing boundary": (
        b"From: head@oakfield.sch.uk\r\nTo: a@b.example\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nBody text here\r\n"
        b'--b\r\nContent-Type: application/pdf; name="notes.txt"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n"
    ),
    # Base64 that is not base64, an unknown charset and an unknown transfer encoding.
    "bad encodings": (
        b"From: head@oakfield.sch.uk\r\nTo: a@b.example\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n"
        b"Content-Transfer-Encoding: x-martian\r\n\r\nBody text here\r\n"
        b'--b\r\nContent-Type: application/pdf; name="notes.txt"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not*base64@@@=\r\n--b--\r\n"
    ),
}


@pytest.mark.parametrize("raw", _MALFORMED.values(), ids=_MALFORMED.keys())
def test_malformed_eml_degrades_to_what_can_be_read(raw: bytes) -> None:
    result = extract_eml(io.BytesIO(raw), LIMITS)
    assert result.text.startswith("From: head@oakfield.sch.uk\nTo: a@b.example\n")
    assert "Body text here" in result.text
    for member in result.members:
        assert member.name == "notes.txt"
        _read(member)


def test_wrong_boundary_is_salvaged_into_parts() -> None:
    result = extract_eml(io.BytesIO(_MALFORMED["wrong boundary"]), LIMITS)
    (member,) = result.members
    assert _read(member).strip() == NHS.encode()
    assert NHS not in result.text  # the attachment was not read as body text


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Zoë Brontë".encode(), "Zoë Brontë"),  # raw UTF-8
        ("Zoë Brontë".encode("cp1252"), "Zoë Brontë"),  # raw cp1252 (old Outlook)
        (b"=?iso-8859-1?q?Zo=EB_Bront=EB?=", "Zoë Brontë"),  # RFC 2047
        (b"=?x-unknown?q?Zo=EB?=", "Zo\ufffd"),  # unknown charset: the byte is lost
    ],
)
def test_8bit_and_encoded_headers_are_decoded(subject: bytes, expected: str) -> None:
    raw = (b"From: Zo\xc3\xab <zoe@oakfield.sch.uk>\r\nTo: a@b.example\r\nSubject: " + subject
           + b"\r\n\r\nhello\r\n")
    lines = extract_eml(io.BytesIO(raw), LIMITS).text.splitlines()
    assert lines[0] == "From: Zoë <zoe@oakfield.sch.uk>"
    assert lines[2] == f"Subject: {expected}"


@pytest.mark.parametrize("raw", [b"", b"\x00\xff" * 100, b"just a line of text", b"\r\n\r\n"])
def test_eml_extractor_never_fails_on_junk(raw: bytes) -> None:
    assert isinstance(extract_eml(io.BytesIO(raw), LIMITS), ExtractedText)


# ---------------------------------------------------------- recipients exposed


@pytest.mark.parametrize(
    ("to", "cc", "sender", "count"),
    [
        (["a@gmail.com", "b@yahoo.co.uk", "c@gmail.com"], [], SCHOOL, 3),
        (["a@gmail.com"], ["b@yahoo.co.uk"], SCHOOL, 2),  # To and Cc together
        (["A <A@Gmail.com>", "a@gmail.com"], [], SCHOOL, 1),  # one address, twice
        (["a@gmail.com, b@yahoo.co.uk"], [], SCHOOL, 2),  # a whole header as one entry
        (["x@oakfield.sch.uk", "y@OAKFIELD.sch.uk"], [], SCHOOL, 0),  # colleagues
        (["x@mail.oakfield.sch.uk", "a@gmail.com"], [], SCHOOL, 1),  # subdomain is internal
        (["Mrs Jones", "/O=EXCHANGELABS/CN=JONES"], [], SCHOOL, 0),  # no address to judge
        (["a@gmail.com", "b@yahoo.co.uk"], [], "Head Teacher", 2),  # no sender domain
        ([], [], SCHOOL, 0),
    ],
)
def test_exposed_recipients(to: list[str], cc: list[str], sender: str, count: int) -> None:
    assert exposed_recipients(to, cc, sender) == count


def test_three_external_to_addresses_are_flagged() -> None:
    message = _message(to="a.parent@gmail.com, b.parent@yahoo.co.uk, c.parent@outlook.com")
    result = _eml(message)
    assert result.flags == [FLAG_RECIPIENTS_EXPOSED]


def test_parents_in_bcc_are_not_flagged() -> None:
    message = _message(to="office@oakfield.sch.uk")
    message["Bcc"] = ", ".join(f"parent{n}@gmail.com" for n in range(30))
    assert _eml(message).flags == []


def test_one_external_recipient_is_not_flagged() -> None:
    assert _eml(_message(Cc="deputy@oakfield.sch.uk")).flags == []


def test_email_headers_render_only_what_is_present() -> None:
    headers = EmailHeaders(sender=SCHOOL, to=["a@b.example", "c@d.example"], subject="Hi")
    assert headers.lines() == [f"From: {SCHOOL}", "To: a@b.example, c@d.example",
                               "Subject: Hi"]
    assert headers.exposed == 2


# ------------------------------------------------------------------ sniffing

_HEADERS = b"From: Head <head@oakfield.sch.uk>\r\nTo: a@b.example\r\nSubject: Trip\r\n\r\nHi\r\n"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (_HEADERS, True),
        (b"MIME-Version: 1.0\nContent-Type: text/plain\nFrom: head@oakfield.sch.uk\n"
         b"Date: Tue, 04 Jun 2024 09:30:00 +0100\n\nHi\n", True),
        (b"From head@oakfield.sch.uk Tue May 10 11:28:07 2005\n" + _HEADERS, True),  # mbox
        (b"\xef\xbb\xbf" + _HEADERS, True),  # BOM
        (b"Received: from mx\n  by mx2; Tue, 4 Jun 2024\nFrom: x@y.example\nTo: z@y.example\n",
         True),  # folded header, no body
        (b'From:\n "Head Teacher"\n <head@oakfield.sch.uk>\nSubject: x\n', True),  # folded
        (b"Subject: x\n" + b"X-Long: " + b"a" * 70_000, False),  # no From within the window
        (b"From: Mrs Jones\nTo: Mr Smith\nSubject: Amelia\n\nDear Mr Smith\n", False),  # memo
        (b"From: head@oakfield.sch.uk\n\nTo: a@b.example\n", False),  # To is in the body
        (b"From: head@oakfield.sch.uk\nDear parents,\nTo: all\n", False),  # prose line
        (b"Name,Email\nAmelia,a@b.example\n", False),
        (b"from: 2024-01-01\nto: 2024-02-01\n", False),  # YAML
        (b" From: head@oakfield.sch.uk\nTo: a@b.example\n", False),
        (b"", False),
    ],
)
def test_looks_like_email(head: bytes, expected: bool) -> None:
    assert looks_like_email(head) is expected


# ------------------------------------------------------------------------ .msg

# Compound File Binary ([MS-CFB]) version 3, just enough for olefile to read: olefile
# cannot write, and extract-msg's writers are GPL.  Streams under 4096 bytes go in the
# mini stream, as the format requires.
_FREE, _END, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
_OUTLOOK_CLSID = bytes.fromhex("0b0d020000000000c000000000000046")

Tree = dict[str, "bytes | Tree"]


def _cfb(tree: Tree) -> bytes:
    entries: list[dict[str, Any]] = []

    def add(name: str, node: bytes | Tree) -> int:
        index = len(entries)
        entries.append({"name": name, "data": node, "kids": []})
        if isinstance(node, dict):
            entries[index]["kids"] = [add(n, child) for n, child in node.items()]
        return index

    add("Root Entry", tree)
    sectors: list[bytes] = []
    fat: list[int] = []

    def allocate(blob: bytes) -> int:
        if not blob:
            return _END
        first = len(sectors)
        count = -(-len(blob) // 512)
        for k in range(count):
            sectors.append(blob[k * 512:(k + 1) * 512].ljust(512, b"\0"))
            fat.append(first + k + 1 if k < count - 1 else _END)
        return first

    mini, minifat = bytearray(), []
    for entry in entries:
        data = entry["data"]
        if isinstance(data, dict):
            entry["start"], entry["size"] = _END, 0
        elif len(data) >= 4096:
            entry["start"], entry["size"] = allocate(data), len(data)
        elif data:
            first, count = len(mini) // 64, -(-len(data) // 64)
            minifat.extend([*range(first + 1, first + count), _END])
            mini += data.ljust(count * 64, b"\0")
            entry["start"], entry["size"] = first, len(data)
        else:
            entry["start"], entry["size"] = _END, 0
    entries[0]["start"], entries[0]["size"] = allocate(bytes(mini)), len(mini)
    minifat_start = allocate(b"".join(struct.pack("<I", n) for n in minifat))
    directory = b""
    for index, entry in enumerate(entries):
        kids = entry["kids"]
        # Every storage's children hang off its first child as a chain of right siblings.
        siblings = {kid: (kids[i + 1] if i + 1 < len(kids) else _FREE)
                    for i, kid in enumerate(kids)}
        entry["child"] = kids[0] if kids else _FREE
        for kid, right in siblings.items():
            entries[kid]["right"] = right
        name = entry["name"].encode("utf-16-le") + b"\0\0"
        kind = 5 if index == 0 else (1 if isinstance(entry["data"], dict) else 2)
        entry["record"] = (name, kind)
    for index, entry in enumerate(entries):
        name, kind = entry["record"]
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ", name, len(name), kind, 1, _FREE, entry.get("right", _FREE),
            entry["child"], _OUTLOOK_CLSID if index == 0 else b"\0" * 16, 0, 0, 0,
            entry["start"], entry["size"])
    directory_start = allocate(directory)
    count = len(sectors)
    fat_sectors = 1
    while (count + fat_sectors) > fat_sectors * 128:
        fat_sectors += 1
    fat.extend([_FATSECT] * fat_sectors)
    fat.extend([_FREE] * (fat_sectors * 128 - len(fat)))
    difat = list(range(count, count + fat_sectors)) + [_FREE] * (109 - fat_sectors)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("d0cf11e0a1b11ae1"), b"\0" * 16, 0x3E, 3,
        0xFFFE, 9, 6, b"\0" * 6, 0, fat_sectors, directory_start, 0, 4096,
        minifat_start if minifat else _END, -(-len(minifat) * 4 // 512), _END, 0,
    ) + b"".join(struct.pack("<I", n) for n in difat)
    fat_blob = b"".join(struct.pack("<I", n) for n in fat)
    return header + b"".join(sectors) + fat_blob


def _props(header: int, **values: int) -> bytes:
    """A __properties_version1.0 stream: ``values`` maps "t0C150003" style tags to ints."""
    entries = b"".join(struct.pack("<IIQ", int(tag[1:], 16), 0, value)
                       for tag, value in values.items())
    return b"\0" * header + entries


def _u(text: str) -> bytes:
    return text.encode("utf-16-le")


_SUBMIT_2024 = 133_619_640_000_000_000  # 2024-06-04 08:40:00 UTC as a FILETIME


def _recipient(name: str, address: str, kind: int) -> Tree:
    return {"__properties_version1.0": _props(8, t0C150003=kind),
            "__substg1.0_3001001F": _u(name), "__substg1.0_39FE001F": _u(address)}


def _message_tree(header: int, subject: str, body: str, recipients: list[Tree],
                  attachments: list[Tree]) -> Tree:
    tree: Tree = {
        "__properties_version1.0": _props(header, t3FFD0003=1252, t00390040=_SUBMIT_2024),
        "__substg1.0_0037001F": _u(subject),
        "__substg1.0_1000001F": _u(body),
        "__substg1.0_0C1A001F": _u("Head Teacher"),
        "__substg1.0_5D01001F": _u("head@oakfield.sch.uk"),
    }
    for number, recipient in enumerate(recipients):
        tree[f"__recip_version1.0_#{number:08X}"] = recipient
    for number, attachment in enumerate(attachments):
        tree[f"__attach_version1.0_#{number:08X}"] = attachment
    return tree


def _outlook_message() -> bytes:
    embedded = _message_tree(
        24, "Fwd: referral", "Referral for Amelia Jones",
        [_recipient("A Parent", "a.parent@gmail.com", 1),
         _recipient("B Parent", "b.parent@yahoo.co.uk", 2)],
        [{"__properties_version1.0": _props(8, t37050003=1),
          "__substg1.0_3707001F": _u("letter.txt"),
          "__substg1.0_37010102": b"Letter about Amelia"}],
    )
    return _cfb(_message_tree(
        32, "Amelia's trip", "Dear Mrs Jones,\r\nAll fine.",
        [_recipient("Mrs Jones", "jones.family@gmail.com", 1),
         _recipient("Office", "office@oakfield.sch.uk", 2),
         *(_recipient(f"Parent {n}", f"parent{n}@gmail.com", 3) for n in range(5))],
        [{"__properties_version1.0": _props(8, t37050003=1),
          "__substg1.0_3707001F": _u("notes.txt"),
          "__substg1.0_37010102": f"Amelia Jones {NHS}".encode()},
         {"__properties_version1.0": _props(8, t37050003=1),
          "__substg1.0_3707001F": _u("photo.bin"),
          "__substg1.0_37010102": bytes(range(256)) * 20},  # in regular sectors
         {"__properties_version1.0": _props(8, t37050003=5),
          "__substg1.0_3001001F": _u("Fwd: referral"),
          "__substg1.0_3701000D": embedded}],
    ))


def test_parse_property_stream_reads_fixed_entries_after_the_header() -> None:
    data = (b"\xaa" * 32 + struct.pack("<IIQ", 0x0C150003, 0, 3)
            + struct.pack("<IIQ", 0x00390040, 0, _SUBMIT_2024) + b"\x01\x02\x03")
    properties = parse_property_stream(data, 32)
    assert set(properties) == {0x0C150003, 0x00390040}  # header and short tail ignored
    assert property_int(properties, 0x0C150003) == 3
    assert property_int(properties, 0x3FFD0003) is None
    moment = property_time(properties, 0x00390040)
    assert moment is not None and moment.isoformat() == "2024-06-04T08:40:00+00:00"
    assert parse_property_stream(data[:20], 32) == {}


def test_msg_headers_body_recipients_and_attachments() -> None:
    result = extract_msg(io.BytesIO(_outlook_message()), LIMITS)
    recipients_bcc = ", ".join(f"Parent {n} <parent{n}@gmail.com>" for n in range(5))
    assert result.text.splitlines() == [
        "From: Head Teacher <head@oakfield.sch.uk>",
        "To: Mrs Jones <jones.family@gmail.com>",
        "Cc: Office <office@oakfield.sch.uk>",
        f"Bcc: {recipients_bcc}",
        "Subject: Amelia's trip",
        "Date: Tue, 04 Jun 2024 08:40:00 +0000",
        "Attachment: notes.txt",
        "Attachment: photo.bin",
        "Attachment: Fwd: referral.eml",
        "",
        "Dear Mrs Jones,",
        "All fine.",
    ]
    assert result.flags == []  # one external To; the parents are in Bcc
    notes, photo, forwarded = result.members
    assert _read(notes) == f"Amelia Jones {NHS}".encode()
    assert _read(photo) == bytes(range(256)) * 20 and photo.size == 5120

    # The embedded message is handed on as an .eml with its own flag and attachments.
    nested = extract_eml(io.BytesIO(_read(forwarded)), LIMITS)
    assert nested.text.splitlines()[:4] == [
        "From: Head Teacher <head@oakfield.sch.uk>",
        "To: A Parent <a.parent@gmail.com>",
        "Cc: B Parent <b.parent@yahoo.co.uk>",
        "Subject: Fwd: referral",
    ]
    assert "Referral for Amelia Jones" in nested.text
    assert nested.flags == [FLAG_RECIPIENTS_EXPOSED]
    (letter,) = nested.members
    assert letter.name == "letter.txt" and _read(letter) == b"Letter about Amelia"


def test_msg_fallbacks_html_body_8bit_strings_display_lists_and_ole_object() -> None:
    tree: Tree = {
        "__properties_version1.0": _props(32, t3FFD0003=1252, t3FDE0003=65001),
        "__substg1.0_0037001E": "Zoë's trip".encode("cp1252"),  # 8-bit, message code page
        "__substg1.0_10130102": "<p>Caf\u00e9 at <b>noon</b></p><script>x()</script>".encode(),
        "__substg1.0_0E04001F": _u("a.parent@gmail.com; b.parent@yahoo.co.uk"),
        "__attach_version1.0_#00000000": {
            "__properties_version1.0": _props(8, t37050003=6),
            "__substg1.0_3707001F": _u("chart.xls"),
            "__substg1.0_3701000D": {"Workbook": b"\0" * 10},
        },
    }
    result = extract_msg(io.BytesIO(_cfb(tree)), LIMITS)
    assert result.text.splitlines() == [
        "To: a.parent@gmail.com, b.parent@yahoo.co.uk",
        "Subject: Zoë's trip",
        "Attachment: chart.xls",
        "",
        "Café at noon",
    ]
    assert result.flags == [FLAG_RECIPIENTS_EXPOSED]  # no sender: every address counts
    (chart,) = result.members
    assert chart.open is None and chart.error == "embedded OLE object: not read"


def test_embedded_msg_keeps_names_with_commas_and_utf8_addresses() -> None:
    embedded: Tree = {
        "__properties_version1.0": _props(24),
        "__substg1.0_0037001F": _u("Zoë\r\nBrontë"),
        "__substg1.0_0C1A001F": _u("Brontë, Zoë"),  # a name and no address
        "__recip_version1.0_#00000000": _recipient("O'Brien, Pat", "pat@gmail.com", 1),
        "__recip_version1.0_#00000001": _recipient("Émile", "émile@exämple.fr", 2),
    }
    tree: Tree = {"__properties_version1.0": _props(32),
                  "__attach_version1.0_#00000000": {
                      "__properties_version1.0": _props(8, t37050003=5),
                      "__substg1.0_3701000D": embedded}}
    (member,) = extract_msg(io.BytesIO(_cfb(tree)), LIMITS).members
    assert member.name == "attachment-1.eml"
    nested = extract_eml(io.BytesIO(_read(member)), LIMITS)
    assert nested.text.splitlines()[:4] == [
        "From: Brontë, Zoë",
        "To: O'Brien, Pat <pat@gmail.com>",
        "Cc: Émile <émile@exämple.fr>",
        "Subject: Zoë Brontë",
    ]
    assert nested.flags == [FLAG_RECIPIENTS_EXPOSED]


def test_msg_attachment_over_member_limit_is_an_error_member() -> None:
    result = extract_msg(io.BytesIO(_outlook_message()), Limits(max_member_bytes=1000))
    photo = result.members[1]
    assert photo.open is None
    assert photo.error == "not read: 5120 bytes is over the max_member_bytes limit (1000)"


def test_looks_like_msg_needs_the_outlook_layout() -> None:
    assert looks_like_msg(io.BytesIO(_outlook_message()))
    not_a_message = _cfb({"WordDocument": b"x" * 100, "__substg1.0_0037001F": _u("x")})
    assert not looks_like_msg(io.BytesIO(not_a_message))
    assert not looks_like_msg(io.BytesIO(_docx_bytes("x")))
    assert not looks_like_msg(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 truncated"))
    assert not looks_like_msg(io.BytesIO(b""))


def test_extractor_table_names_email_types() -> None:
    eml, msg = extractor_for(MIME_EML), extractor_for(MIME_MSG)
    assert eml is not None and eml.name == "eml"
    assert msg is not None and msg.name == "msg"


# ----------------------------------------------------------------------- zoo

# The attachments each zoo message carries, by file name (checked against the file).
_ZOO_ATTACHMENTS = {
    "attachment_message_rfc822.eml": ["ForwardedMessage.eml"],
    "attachment_pdf.eml": ["broken.pdf"],
    "content_transfer_encoding_x_uuencode.eml": ["PGP_Cmts_on_12-14-01_Pkg.doc"],
    "japanese_attachment.eml": ["てすと.txt"],
    "msg_with_attachment.eml": ["sample.pdf", "pptx_formula_image.pptx"],
}


@pytest.mark.parametrize("record", _zoo_files("eml"), ids=lambda r: r["path"].rsplit("/")[-1])
def test_zoo_eml(record: dict[str, Any]) -> None:
    path = _zoo_path(record)
    data = path.read_bytes()
    # libmagic calls several of these text/plain; the content check must not.
    assert looks_like_email(data[:1024 * 1024])
    result = extract_eml(io.BytesIO(data), LIMITS)
    message = BytesParser(policy=policy.default).parsebytes(data)
    subject = " ".join(str(message["Subject"] or "").split())
    if record["verification"].get("has_from_or_subject"):
        assert result.text.startswith("From: ") or f"Subject: {subject}" in result.text
    if subject:
        assert f"Subject: {subject}" in result.text
    expected = _ZOO_ATTACHMENTS.get(path.name, [])
    assert [member.name for member in result.members] == expected
    for member in result.members:
        _read(member)


def test_zoo_msg_files() -> None:
    records = {Path(r["path"]).name: r for r in _zoo_files("msg")}
    if not records:
        pytest.skip("zoo absent")
    unicode_msg = _zoo_path(records["unicode.msg"])
    with unicode_msg.open("rb") as handle:
        assert looks_like_msg(handle)
        result = extract_msg(handle, LIMITS)
        assert "Subject: Test for TIF files" in result.text
        assert "This is a test email to experiment with the MS Outlook MSG Extractor" in (
            result.text)
        assert len(result.members) == records["unicode.msg"]["verification"][
            "attachment_storages"]
        assert [m.name for m in result.members] == ["import OleFileIO.tif",
                                                    "raised value error.tif"]
        assert _read(result.members[0])[:4] == b"II*\x00"  # TIFF
    strange = _zoo_path(records["strangeDate.msg"])
    with strange.open("rb") as handle:
        result = extract_msg(handle, LIMITS)
        assert "Subject: MSG Test File" in result.text and "John Doe" in result.text
        assert result.members == []


def test_zoo_ole_files_that_are_not_messages() -> None:
    docs = [r for r in _zoo_files("doc") + _zoo_files("xls") if not r["encrypted"]]
    if not docs:
        pytest.skip("zoo absent")
    for record in docs:
        with _zoo_path(record).open("rb") as handle:
            assert not looks_like_msg(handle), record["path"]


# ------------------------------------------------------------- through the pipeline


@pytest.fixture(scope="module")
def detector() -> Any:
    from dpscan.detectors.content import ContentDetector

    return ContentDetector()  # loads spaCy: once for the module


def _scan(path: Path, detector: Any) -> dict[str, Any]:
    from dpscan.model.config import ScanConfig
    from dpscan.scanner.pipeline import scan_file
    from dpscan.scanner.walk import FileEntry, walk_root

    (entry,) = [item for item in walk_root(str(path)) if isinstance(item, FileEntry)]
    return {record.path: record for record in scan_file(entry, ScanConfig(workers=1), detector)}


def _mail_with_notes(mime_version_first: bool) -> bytes:
    message = EmailMessage()
    if mime_version_first:  # as Apple Mail writes them: libmagic says text/plain
        message["MIME-Version"] = "1.0"
    message["From"] = SCHOOL
    message["To"] = "a.parent@gmail.com, b.parent@yahoo.co.uk"
    message["Subject"] = "Medical notes"
    message.set_content("Please see the notes attached.")
    message.add_attachment(f"Amelia Jones\nNHS number: {NHS}\n".encode(), maintype="text",
                           subtype="plain", filename="notes.txt")
    data = message.as_bytes()
    assert b"Content-Type: multipart/mixed" in data
    return data


@pytest.mark.parametrize("mime_version_first", [False, True], ids=["from-first", "mime-first"])
def test_scan_file_reads_eml_attachment_as_own_record(
    tmp_path: Path, detector: Any, mime_version_first: bool
) -> None:
    path = tmp_path / "mail.eml"
    path.write_bytes(_mail_with_notes(mime_version_first))
    records = _scan(path, detector)
    assert list(records) == ["mail.eml", "mail.eml!notes.txt"], (
        f"mail.eml sniffed as {records['mail.eml'].mime}")
    mail, notes = records["mail.eml"], records["mail.eml!notes.txt"]
    assert mail.mime == MIME_EML and mail.extractor == "eml"
    assert FLAG_RECIPIENTS_EXPOSED in mail.flags
    assert notes.container == "mail.eml" and notes.status == "scanned"
    assert notes.entities.get("UK_NHS") == 1


def test_scan_file_reads_msg_attachments_and_embedded_message(
    tmp_path: Path, detector: Any
) -> None:
    path = tmp_path / "trip.msg"
    path.write_bytes(_outlook_message())
    records = _scan(path, detector)
    assert records["trip.msg"].extractor == "msg", records["trip.msg"].mime
    assert records["trip.msg!notes.txt"].entities.get("UK_NHS") == 1
    forwarded = records["trip.msg!Fwd: referral.eml"]
    assert forwarded.extractor == "eml" and FLAG_RECIPIENTS_EXPOSED in forwarded.flags
    assert records["trip.msg!Fwd: referral.eml!letter.txt"].container == (
        "trip.msg!Fwd: referral.eml")


def test_scan_file_reads_zoo_msg_attachments(detector: Any) -> None:
    records = {Path(r["path"]).name: r for r in _zoo_files("msg")}
    if "unicode.msg" not in records:
        pytest.skip("zoo absent")
    # Some libmagic builds call this file plain OLE (application/x-ole-storage).
    scanned = _scan(_zoo_path(records["unicode.msg"]), detector)
    assert list(scanned) == ["unicode.msg", "unicode.msg!import OleFileIO.tif",
                             "unicode.msg!raised value error.tif"], (
        f"unicode.msg sniffed as {scanned['unicode.msg'].mime}")
    assert scanned["unicode.msg"].extractor == "msg"
