"""Email messages: RFC 5322 files (.eml) and Outlook messages (.msg).

A message is one record: its headers as ``Header: value`` lines, the names of its
attachments, then its body.  Each attachment, and each message forwarded as an
attachment, is a :class:`~dpscan.model.extraction.Member`, scanned as a record of its own.

A message that shows :data:`EXPOSED_RECIPIENTS_THRESHOLD` or more external addresses
in To and Cc is flagged :data:`FLAG_RECIPIENTS_EXPOSED`: school policy puts parents in
Bcc, so that no parent learns another's address.

``.eml`` is read with the standard library.  ``.msg`` is read with olefile (BSD-2-Clause)
straight from the MAPI property streams ([MS-OXMSG]).  extract-msg would do more for us,
but it is GPL-3.0: depending on it would bind dpscan (MIT) to the GPL.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import (
    format_datetime,
    getaddresses,
    parseaddr,
    parsedate_to_datetime,
    quote,
    unquote,
)
from functools import partial
from typing import BinaryIO, cast

import olefile

from dpscan.model.extraction import (
    EncryptedContent,
    ExtractedText,
    LimitExceeded,
    Limits,
    Member,
    TextBuffer,
    describe_error,
)
from dpscan.model.ids import Flag
from dpscan.scanner.extract.html import extract_html
from dpscan.scanner.extract.text import detect_encoding
from dpscan.scanner.formats import MIME_EML, MIME_MSG
from dpscan.scanner.mailsniff import MSG_PROPERTIES as _PROPERTIES
from dpscan.scanner.mailsniff import MSG_SUBSTG as _SUBSTG
from dpscan.scanner.mailsniff import looks_like_email, looks_like_msg

# Flag id (public contract, like dpscan.model.ids.Flag): To/Cc shows external addresses.
FLAG_RECIPIENTS_EXPOSED = Flag.RECIPIENTS_EXPOSED
# Two external addresses in To+Cc is the smallest case where one outsider learns
# another's address.  It also catches a reply to both parents of one child: the
# flag asks for a look, it does not say a breach happened.
EXPOSED_RECIPIENTS_THRESHOLD = 2

# Headers shown in the text, in this order.
_SHOWN_HEADERS = ("From", "To", "Cc", "Bcc", "Reply-To", "Subject", "Date")


# --------------------------------------------------------------------------- headers


@dataclass(slots=True)
class EmailHeaders:
    """Who a message is from and to, as readable text.

    Each of ``to``, ``cc``, ``bcc`` and ``reply_to`` holds one entry per person,
    ``"Name <address>"``, or just the address or the name when only one is known.
    """

    sender: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    subject: str = ""
    date: str = ""
    reply_to: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The headers present, as ``Header: value`` lines in :data:`_SHOWN_HEADERS` order."""
        values = {
            "From": self.sender,
            "To": ", ".join(self.to),
            "Cc": ", ".join(self.cc),
            "Bcc": ", ".join(self.bcc),
            "Reply-To": ", ".join(self.reply_to),
            "Subject": self.subject,
            "Date": self.date,
        }
        return [f"{name}: {values[name]}" for name in _SHOWN_HEADERS if values[name]]

    @property
    def exposed(self) -> int:
        """External addresses every recipient can see (see :func:`exposed_recipients`)."""
        return exposed_recipients(self.to, self.cc, self.sender)


def _domain(address: str) -> str:
    if "@" not in address:
        return ""
    return address.rpartition("@")[2].strip().strip(".").lower()


def exposed_recipients(to: Iterable[str], cc: Iterable[str], sender: str) -> int:
    """How many distinct external addresses in To and Cc each recipient can see.

    Entries are ``"Name <address>"``, bare addresses, or comma-separated lists of them.
    External means the domain is not the sender's, nor a subdomain or parent of it
    (``office.school.org`` and ``school.org`` are one organisation).  Bcc never counts:
    hidden addresses are the policy being followed.  Entries without an address (a
    display name alone, an Exchange X.500 name) cannot be judged and do not count.
    Without a sender domain every address counts: the harm, one parent seeing
    another's address, does not depend on who sent the message.
    """
    home = _domain(parseaddr(sender)[1])
    external: set[str] = set()
    for entry in [*to, *cc]:
        for _name, address in getaddresses([entry]):
            domain = _domain(address)
            if not domain:
                continue
            if home and (domain == home or domain.endswith("." + home)
                         or home.endswith("." + domain)):
                continue
            external.add(address.strip().lower())
    return len(external)


# ----------------------------------------------------------------- shared helpers

_SURROGATES = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    """``text`` without lone surrogates, which the email package uses for 8-bit bytes.

    Raw 8-bit header bytes are UTF-8 from modern mailers and cp1252 from old Windows
    ones; a surrogate left in would break the JSON report later.
    """
    if not _SURROGATES.search(text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", text)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


_ASCII_CHARSETS = frozenset({"ascii", "us-ascii", "us_ascii", "ansi_x3.4-1968"})


def _decode_bytes(data: bytes, charset: str | None) -> str:
    """Text of ``data`` in its declared charset; guessed when undeclared, unknown or wrong."""
    if charset and not (charset.lower() in _ASCII_CHARSETS and not data.isascii()):
        try:
            return data.decode(charset, errors="replace")
        except LookupError:
            pass  # a charset Python does not know: guess, as for an undeclared one
    return data.decode(detect_encoding(data[: 256 * 1024]), errors="replace")


# An HTML body holding structure its plain alternative loses: a table's columns, a
# definition list's labels ("Date of birth" beside its date).
_HTML_STRUCTURE = re.compile(r"<(?:table|dl)\b", re.IGNORECASE)


def read_html_body(markup: str, limits: Limits) -> ExtractedText:
    """An HTML body as the HTML extractor reads an .html file: visible text, tables and
    definition lists recorded, so a mailed class list is read by column as the same page
    saved as a file is.  ``markup`` is already decoded (MIME declared its charset)."""
    # Handed over as UTF-8 with a BOM: the extractor takes the BOM before any <meta charset>.
    return extract_html(io.BytesIO(codecs.BOM_UTF8 + markup.encode("utf-8", "replace")),
                        limits)


def _prefers_html(markup: str) -> bool:
    """True when an HTML body is to be read instead of its plain alternative."""
    return bool(_HTML_STRUCTURE.search(markup))


# The quote markers a reply puts before each line it quotes: ">", "> >", ">>".
_QUOTE_MARKERS = re.compile(r"^(?:[ \t]*>)+[ \t]?", re.MULTILINE)


def strip_quote_markers(text: str) -> str:
    """A plain body with the quote markers of replies and forwards taken off its lines:
    "> Date of birth: 22/02/2009" is the same form line as in the message it quotes."""
    return _QUOTE_MARKERS.sub("", text)


# A signature's first line ends in a space but is never flowed (RFC 3676 4.3).
_SIGNATURE_SEPARATOR = "-- "


def unflow(text: str, *, delsp: bool = False) -> str:
    """A ``format=flowed`` body (RFC 3676) as its writer typed it.

    A flowed line ends in a space and runs on into the next line of the same quote depth;
    mail clients wrap long lines this way, so an NHS number or IBAN near the wrap is split
    over two lines.  ``delsp`` (a parameter of the part) says the space was added by the
    wrap and goes.  Quote markers are kept, one ``>`` per depth and a space.
    """
    lines: list[str] = []
    pending: tuple[int, str] | None = None  # a flowed line waiting for the rest

    def emit(depth: int, line: str) -> None:
        lines.append(f"{'>' * depth} {line}" if depth else line)

    for raw in text.replace("\r\n", "\n").split("\n"):
        depth = len(raw) - len(raw.lstrip(">"))
        # Space-stuffing: the space a sender puts before a line starting with a space,
        # ">" or "From " (RFC 3676 4.4).
        line = raw[depth:].removeprefix(" ")
        flowed = line.endswith(" ") and line != _SIGNATURE_SEPARATOR
        if flowed and delsp:
            line = line[:-1]
        if pending is not None:
            if pending[0] == depth:
                line = pending[1] + line
            else:  # a flowed line before a change of depth ends its paragraph
                emit(*pending)
            pending = None
        if flowed:
            pending = (depth, line)
        else:
            emit(depth, line)
    if pending is not None:
        emit(*pending)
    return "\n".join(lines)


# Extensions for attachments that have no file name; mimetypes' own table covers the rest.
_EXTENSIONS = {
    "message/rfc822": ".eml",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "application/octet-stream": ".bin",
    "application/ms-tnef": ".dat",
    "application/vnd.ms-outlook": ".msg",
}
# Built-in table only: /etc/mime.types differs from machine to machine.
_MIMETYPES = mimetypes.MimeTypes()
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


def _extension(content_type: str) -> str:
    return (_EXTENSIONS.get(content_type)
            or _MIMETYPES.guess_extension(content_type, strict=False) or ".bin")


class _Names:
    """Member names: the sender's file name made safe and unique, or a numbered fallback."""

    def __init__(self) -> None:
        self._used: set[str] = set()
        self._count = 0

    def name(self, filename: str | None, content_type: str) -> str:
        self._count += 1
        # A name is "<container>!<name>" in results: keep it one path component,
        # without the sender's folders ("C:\\Users\\...\\report.doc").
        base = _UNSAFE_NAME.sub("", _clean(filename or "")).replace("\\", "/")
        base = base.rsplit("/", 1)[-1].strip()[:255]
        if base in ("", ".", ".."):
            base = f"attachment-{self._count}{_extension(content_type)}"
        stem, dot, ext = base.rpartition(".")
        if not dot or not stem:
            stem, ext = base, ""
        unique, copy = base, 1
        while unique.lower() in self._used:
            copy += 1
            unique = f"{stem} ({copy}).{ext}" if ext else f"{stem} ({copy})"
        self._used.add(unique.lower())
        return unique


def _limit_error(size: int, limits: Limits) -> str:
    return (f"not read: {size} bytes is over the max_member_bytes limit "
            f"({limits.max_member_bytes})")


def _bytes_member(name: str, data: bytes, limits: Limits) -> Member:
    """A member holding ``data``, or an error member when it is over the member limit."""
    if len(data) > limits.max_member_bytes:
        return Member(name=name, open=None, size=len(data), error=_limit_error(len(data), limits),
                      flags=[Flag.ARCHIVE_LIMIT])
    return Member(name=name, open=partial(io.BytesIO, data), size=len(data))


def _add_body(buffer: TextBuffer, body: ExtractedText) -> bool:
    """Append one body's text to ``buffer``, its tables recorded again at their new place;
    False once the buffer is full."""
    position = 0
    for table in body.tables:
        before = body.text[position:table.start].rstrip()
        if before and not buffer.add(before):
            return False
        if not buffer.add_table(table.name, table.rows, layout=table.layout):
            return False
        position = table.end
    # Outlook keeps CRLF in its bodies; one newline style keeps spans comparable.
    rest = body.text[position:].replace("\r\n", "\n").replace("\r", "\n").rstrip()
    return not rest or buffer.add(rest)


def _result(headers: EmailHeaders, bodies: Iterable[ExtractedText], members: list[Member],
            limits: Limits, flags: list[str]) -> ExtractedText:
    """The message's text: headers, attachment names (often a pupil's name), then body."""
    buffer = TextBuffer(limits.max_text_chars)
    lines = headers.lines() + [f"Attachment: {member.name}" for member in members]
    for line in lines:
        buffer.add(line)
    if lines:
        buffer.add("")
    for body in bodies:
        if not _add_body(buffer, body):
            break
    flags = list(flags)
    if any(Flag.ARCHIVE_LIMIT in member.flags for member in members):
        flags.append(Flag.ARCHIVE_LIMIT)
    if headers.exposed >= EXPOSED_RECIPIENTS_THRESHOLD:
        flags.append(FLAG_RECIPIENTS_EXPOSED)
    return buffer.result(flags=list(dict.fromkeys(flags)), members=members,
                         recipients_exposed=headers.exposed)


# ------------------------------------------------------------------------------ EML

# Multipart nesting deeper than this is hostile, not mail: the rest is not walked.
_MAX_MIME_DEPTH = 64
_SIGNATURE_TYPES = frozenset({"application/pkcs7-signature", "application/x-pkcs7-signature",
                              "application/pgp-signature"})
_SMIME_TYPES = frozenset({"application/pkcs7-mime", "application/x-pkcs7-mime"})
_NESTED_MESSAGE_TYPES = frozenset({"message/rfc822", "message/global"})
_BOUNDARY_LINE = re.compile(r"^--([^\s]{1,200}?)(?:--)?[ \t]*$", re.MULTILINE)


def _header_values(message: Message, name: str) -> list[str]:
    """Raw values of every ``name`` header, unfolded and with 8-bit bytes decoded."""
    wanted = name.lower()
    return [_clean(re.sub(r"\r?\n", "", str(value)))
            for key, value in message.raw_items() if key.lower() == wanted]


def _decode_words(value: str) -> str:
    """RFC 2047 encoded words decoded, for a header the parser could not handle."""
    try:
        return _one_line(str(make_header(decode_header(value))))
    except Exception:  # noqa: BLE001 - undecodable words: keep them as written
        return _one_line(value)


def _address_entries(value: str) -> list[str]:
    """One ``"Name <address>"`` entry per mailbox in an address header's raw value."""
    try:
        header = policy.default.header_factory("To", value)
        entries = []
        for address in header.addresses:
            name, spec = _one_line(address.display_name), _one_line(address.addr_spec)
            if "@" not in spec:  # a quoted name alone parses as a local part
                spec = unquote(spec)
            entries.append(f"{name} <{spec}>" if name and spec and name != spec
                           else spec or name)
        entries = [entry for entry in entries if entry and entry != "<>"]
        if entries or not value.strip():
            return entries
        # Nothing parsed as a mailbox (a bare group, a name alone): keep it as text.
        rendered = unquote(_one_line(str(header)))
        return [rendered] if rendered and not rendered.endswith(":;") else []
    except Exception:  # noqa: BLE001 - the header parser has bugs on hostile input
        pairs = getaddresses([_decode_words(value)])
        return [f"{n} <{a}>" if n and a else a or n for n, a in pairs if a or n]


def _unstructured(value: str) -> str:
    try:
        return _one_line(str(policy.default.header_factory("Subject", value)))
    except Exception:  # noqa: BLE001 - see _address_entries
        return _decode_words(value)


def _eml_headers(message: Message) -> EmailHeaders:
    def addresses(name: str) -> list[str]:
        return [entry for value in _header_values(message, name)
                for entry in _address_entries(value)]

    def text(name: str) -> str:
        values = _header_values(message, name)
        return _unstructured(values[0]) if values else ""

    return EmailHeaders(
        sender=", ".join(addresses("From")),
        to=addresses("To"),
        cc=addresses("Cc"),
        bcc=addresses("Bcc"),
        subject=text("Subject"),
        date=text("Date"),
        reply_to=addresses("Reply-To"),
    )


def _encryption(message: Message) -> str | None:
    """The scheme when the whole message body is encrypted (S/MIME or PGP/MIME)."""
    content_type = message.get_content_type()
    if content_type in _SMIME_TYPES:
        smime_type = str(message.get_param("smime-type", "") or "").lower()
        # "signed-data" is signed, not encrypted; with no smime-type it is most often
        # Outlook's encrypted smime.p7m.
        if smime_type in ("", "enveloped-data", "authenveloped-data"):
            return "smime_encrypted"
    if content_type == "multipart/encrypted":
        protocol = str(message.get_param("protocol", "") or "").lower()
        return "pgp_encrypted" if "pgp" in protocol else "mime_encrypted"
    return None


def _serialise(message: Message) -> bytes:
    """A nested message as bytes, as close to how it arrived as the email package allows."""
    try:
        # compat32 writes parsed headers back as they were; policy.default would refold.
        return message.as_bytes(policy=policy.compat32)
    except Exception:  # noqa: BLE001 - fall back to the modern generator
        return message.as_bytes(policy=policy.default)


class _MimeWalk:
    """Walks a MIME tree: text parts into ``bodies``, files into ``members``."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.bodies: list[ExtractedText] = []
        self.members: list[Member] = []
        self.flags: list[str] = []
        self._names = _Names()
        self._chars = 0

    def walk(self, part: Message, depth: int = 0, want_text: bool = True) -> None:
        """Read ``part``; ``want_text`` is False inside alternatives that were not chosen."""
        if depth > _MAX_MIME_DEPTH:
            return
        content_type = part.get_content_type()
        maintype = part.get_content_maintype()
        if content_type in _NESTED_MESSAGE_TYPES:
            self._nested_message(part)
        elif maintype == "message" and part.is_multipart():
            if want_text:  # delivery reports: header blocks naming recipients
                self._add_text("\n".join(
                    f"{key}: {_one_line(str(value))}"
                    for block in _subparts(part) or () for key, value in block.raw_items()))
        elif maintype == "multipart":
            self._multipart(part, depth, want_text)
        elif content_type in _SIGNATURE_TYPES:
            pass  # a signature, not a file the sender attached
        else:
            self._leaf(part, content_type, maintype, want_text)

    def _multipart(self, part: Message, depth: int, want_text: bool) -> None:
        children = _subparts(part)
        if children is None:
            # The boundary was missing or wrong: find the one the parts really use.
            salvaged = _salvage_multipart(part)
            if salvaged is not None:
                self.walk(salvaged, depth + 1, want_text)
            elif want_text:
                self._add_text(_text_of(part))
            return
        if part.get_content_subtype() == "alternative":
            chosen = _choose_alternative(children)
            for index, child in enumerate(children):
                self.walk(child, depth + 1, want_text and index == chosen)
        else:
            for child in children:
                self.walk(child, depth + 1, want_text)

    def _leaf(self, part: Message, content_type: str, maintype: str, want_text: bool) -> None:
        filename = _filename(part)
        # A named part is a file even when inline: Apple Mail sends attachments inline.
        attached = part.get_content_disposition() == "attachment" or filename is not None
        if not attached and maintype == "text":
            if want_text:
                self._add_text_part(part, content_type)
        elif attached or maintype != "image":
            # Unnamed inline images are logos and signatures placed by Content-ID.
            self._add_member(part, filename, content_type)

    def _nested_message(self, part: Message) -> None:
        payload = _subparts(part)
        try:
            if payload:
                data = _serialise(payload[0])
            else:  # encoded against the RFC (base64 message/rfc822): decode it
                decoded = part.get_payload(decode=True)
                data = decoded if isinstance(decoded, bytes) else b""
        except Exception as exc:  # noqa: BLE001 - one bad part is that member's problem
            self._append(Member(name=self._names.name(_filename(part), MIME_EML), open=None,
                                error=f"nested message could not be read: {describe_error(exc)}"))
            return
        self._append(_bytes_member(self._names.name(_filename(part), MIME_EML), data,
                                   self.limits))

    def _add_member(self, part: Message, filename: str | None, content_type: str) -> None:
        name = self._names.name(filename, content_type)
        try:
            data = part.get_payload(decode=True)
        except Exception as exc:  # noqa: BLE001 - see _nested_message
            self._append(Member(name=name, open=None,
                                error=f"attachment could not be decoded: {describe_error(exc)}"))
            return
        member = _bytes_member(name, data if isinstance(data, bytes) else b"", self.limits)
        member.modified = _modified(part)
        self._append(member)

    def _append(self, member: Member) -> None:
        if len(self.members) >= self.limits.max_members:
            if Flag.ARCHIVE_LIMIT not in self.flags:
                self.flags.append(Flag.ARCHIVE_LIMIT)
            return
        self.members.append(member)

    def _add_text_part(self, part: Message, content_type: str) -> None:
        text = _text_of(part)
        if content_type == "text/html":
            self._add_body(read_html_body(text, self.limits))
        else:
            if str(part.get_param("format", "") or "").lower() == "flowed":
                text = unflow(text, delsp=str(part.get_param("delsp", "") or "").lower() == "yes")
            self._add_text(strip_quote_markers(text))

    def _add_text(self, text: str) -> None:
        self._add_body(ExtractedText(text=text))

    def _add_body(self, body: ExtractedText) -> None:
        # Past the text limit the rest is not kept; the walk goes on for attachments.
        if body.text and self._chars <= self.limits.max_text_chars:
            self.bodies.append(body)
            self._chars += len(body.text)


def _subparts(part: Message) -> list[Message] | None:
    """The parts of a multipart or message/* ``part``; None when its payload is not a list
    (a multipart whose boundary is missing, or an encoded message/rfc822)."""
    payload = part.get_payload()
    # A list payload holds only Message objects; typeshed's hint also allows strings.
    return cast(list[Message], payload) if isinstance(payload, list) else None


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:  # noqa: BLE001 - malformed RFC 2231 parameters
        return None
    return _clean(str(name)) if name else None


def _modified(part: Message) -> str | None:
    """The attached file's own modification time (RFC 2183), ISO 8601 in UTC, if given."""
    try:
        value = part.get_param("modification-date", header="content-disposition")
        if not isinstance(value, str):
            return None
        moment = parsedate_to_datetime(value)
    except Exception:  # noqa: BLE001 - a malformed date is no date
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _text_of(part: Message) -> str:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - undecodable transfer encoding: take it as written
        data = str(part.get_payload()).encode("utf-8", "surrogateescape")
    if not isinstance(data, bytes):
        return ""
    return _decode_bytes(data, part.get_content_charset())


def _html_root(part: Message) -> Message | None:
    """The HTML body an alternative shows: the part itself, or the first part of a
    multipart/related (an HTML body with its inline images)."""
    if part.get_content_type() == "multipart/related":
        parts = _subparts(part)
        part = parts[0] if parts else part
    return part if part.get_content_type() == "text/html" else None


def _choose_alternative(children: list[Message]) -> int:
    """Which alternative to read: HTML that holds a table or definition list (the plain
    alternative has lost its columns and labels), else plain text, then HTML, then a
    multipart."""
    shown = [index for index, child in enumerate(children)
             if child.get_content_disposition() != "attachment"]
    for index in shown:
        html = _html_root(children[index])
        if html is not None and _prefers_html(_text_of(html)):
            return index
    for wanted in ("text/plain", "text/html"):
        for index in shown:
            if children[index].get_content_type() == wanted:
                return index
    for index, child in enumerate(children):
        if child.get_content_maintype() == "multipart":
            return index
    return len(children) - 1


def _salvage_multipart(part: Message) -> Message | None:
    """Re-parse a multipart whose declared boundary is absent, using the one in its body."""
    body = part.get_payload()
    if not isinstance(body, str):
        return None
    found = _BOUNDARY_LINE.search(body)
    if found is None or body.count("--" + found.group(1)) < 2:
        return None
    boundary = found.group(1).replace('"', "")
    head = f'Content-Type: {part.get_content_type()}; boundary="{boundary}"\n\n'
    try:
        salvaged = BytesParser(policy=policy.default).parsebytes(
            head.encode("ascii", "replace") + body.encode("utf-8", "surrogateescape"))
    except Exception:  # noqa: BLE001 - give up and read it as text
        return None
    return salvaged if salvaged.is_multipart() else None


def extract_eml(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Headers, attachment names and body of an RFC 5322 message; files as members.

    The body is the text/plain part (HTML converted to text when it is the only
    form).  Attachments, forwarded messages and named inline files become members.
    Malformed MIME is read as far as it goes.  A message encrypted as a whole
    (S/MIME, PGP/MIME) raises :class:`EncryptedContent`.
    """
    message = BytesParser(policy=policy.default).parse(handle)
    scheme = _encryption(message)
    if scheme:
        raise EncryptedContent(scheme)
    walk = _MimeWalk(limits)
    walk.walk(message)
    return _result(_eml_headers(message), walk.bodies, walk.members, limits, walk.flags)


# ------------------------------------------------------------------------------ MSG

# [MS-OXMSG] 2.4: the fixed-length header before the 16-byte property entries.
PROPERTIES_HEADER_TOP = 32
PROPERTIES_HEADER_EMBEDDED = 24
PROPERTIES_HEADER_CHILD = 8  # recipients and attachments
_ENTRY_BYTES = 16

PT_LONG = 0x0003
PT_SYSTIME = 0x0040
PT_STRING8 = 0x001E
PT_UNICODE = 0x001F
PT_BINARY = 0x0102
PT_OBJECT = 0x000D

_TAG_RECIPIENT_TYPE = 0x0C150003
_TAG_MESSAGE_CODEPAGE = 0x3FFD0003
_TAG_INTERNET_CODEPAGE = 0x3FDE0003
_TAG_SUBMIT_TIME = 0x00390040
_TAG_DELIVERY_TIME = 0x0E060040
_TAG_ATTACH_METHOD = 0x37050003
_ATTACH_EMBEDDED_MESSAGE = 5
_RECIPIENT_FIELDS = {1: "to", 2: "cc", 3: "bcc"}

_RECIPIENT_PREFIX = "__recip_version1.0_#"
_ATTACHMENT_PREFIX = "__attach_version1.0_#"
_FILETIME_EPOCH = dt.datetime(1601, 1, 1, tzinfo=dt.UTC)


def parse_property_stream(data: bytes, header_size: int) -> dict[int, bytes]:
    """Property tag -> 8-byte value, from a ``__properties_version1.0`` stream.

    After a header of ``header_size`` bytes (32 for a message, 24 for an embedded
    message, 8 for a recipient or attachment) come 16-byte entries: tag (4, little
    endian, property id in the high 16 bits and type in the low 16), flags (4), value
    (8).  Fixed-size values are held in the value; variable-size ones (strings,
    binary) live in their own ``__substg1.0_<tag>`` stream.  A short last entry is
    ignored.
    """
    properties: dict[int, bytes] = {}
    for offset in range(header_size, len(data) - _ENTRY_BYTES + 1, _ENTRY_BYTES):
        tag = int.from_bytes(data[offset:offset + 4], "little")
        properties[tag] = data[offset + 8:offset + 16]
    return properties


def property_int(properties: dict[int, bytes], tag: int) -> int | None:
    """A PT_LONG property's value (unsigned), or None when absent."""
    value = properties.get(tag)
    return int.from_bytes(value[:4], "little") if value is not None else None


def property_time(properties: dict[int, bytes], tag: int) -> dt.datetime | None:
    """A PT_SYSTIME property (FILETIME: 100 ns since 1601) in UTC, or None."""
    value = properties.get(tag)
    if value is None:
        return None
    ticks = int.from_bytes(value[:8], "little")
    try:
        moment = _FILETIME_EPOCH + dt.timedelta(microseconds=ticks // 10)
    except OverflowError:
        return None
    return moment if moment.year > 1601 else None


_CODEPAGES = {65001: "utf-8", 1200: "utf-16-le", 1201: "utf-16-be", 20127: "ascii",
              20866: "koi8_r", 21866: "koi8_u", 50220: "iso2022_jp", 50221: "iso2022_jp",
              50222: "iso2022_jp", 51932: "euc_jp", 54936: "gb18030", 936: "gbk"}


def _codec(codepage: int | None) -> str:
    """Python's name for a Windows code page; cp1252 (UK Windows) when unknown."""
    if codepage is None:
        return "cp1252"
    name = _CODEPAGES.get(codepage)
    if name is None:
        name = f"iso8859_{codepage - 28590}" if 28591 <= codepage <= 28606 else f"cp{codepage}"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "cp1252"


class _MsgStorage:
    """One property storage of an MSG file: the message, a recipient, an attachment."""

    def __init__(self, ole: olefile.OleFileIO, path: list[str], header_size: int,
                 codepage: int | None = None) -> None:
        self.ole = ole
        self.path = path
        self.properties = parse_property_stream(self.read(_PROPERTIES) or b"", header_size)
        # 8-bit strings are in the message's code page; children inherit it.
        self.codepage = property_int(self.properties, _TAG_MESSAGE_CODEPAGE) or codepage

    def stream_path(self, name: str) -> list[str]:
        return [*self.path, name]

    def exists(self, name: str) -> bool:
        return bool(self.ole.exists(self.stream_path(name)))

    def read(self, name: str) -> bytes | None:
        stream = self.stream_path(name)
        if self.ole.get_type(stream) != olefile.STGTY_STREAM:
            return None
        with self.ole.openstream(stream) as source:
            return source.read()

    def string(self, prop_id: int) -> str:
        """A string property, Unicode (001F) preferred to 8-bit (001E); "" when absent."""
        data = self.read(f"{_SUBSTG}{prop_id:04X}{PT_UNICODE:04X}")
        if data is not None:
            return _clean(data.decode("utf-16-le", errors="replace")).rstrip("\x00")
        data = self.read(f"{_SUBSTG}{prop_id:04X}{PT_STRING8:04X}")
        if data is not None:
            return data.decode(_codec(self.codepage), errors="replace").rstrip("\x00")
        return ""

    def binary(self, prop_id: int) -> bytes | None:
        return self.read(f"{_SUBSTG}{prop_id:04X}{PT_BINARY:04X}")

    def children(self, prefix: str) -> list[list[str]]:
        """Sub-storages directly below this one whose names start with ``prefix``."""
        depth = len(self.path) + 1
        found = {
            tuple(entry[:depth]) for entry in self.ole.listdir(streams=True, storages=True)
            if len(entry) >= depth and [p.lower() for p in entry[:depth - 1]]
            == [p.lower() for p in self.path] and entry[depth - 1].lower().startswith(prefix)
        }
        return [list(path) for path in sorted(found)]


def _entry(name: str, address: str) -> str:
    if name and address and name.lower() != address.lower():
        return f"{name} <{address}>"
    return address or name


def _smtp(*candidates: str) -> str:
    """The first candidate that is an internet address (Exchange X.500 names are not)."""
    return next((c.strip() for c in candidates if "@" in c), "")


def _split_display(value: str) -> list[str]:
    return [name.strip() for name in value.split(";") if name.strip()]


@dataclass(slots=True)
class _MsgAttachment:
    """One attachment storage: where its data is and what kind it is."""

    name: str
    path: list[str]
    kind: str  # "data" (a file), "message" (embedded .msg), "object" (OLE object), "error"
    size: int = 0
    error: str | None = None


Mailbox = tuple[str, str]  # (display name, address); either may be ""


def _msg_mailboxes(storage: _MsgStorage) -> dict[str, list[Mailbox]]:
    """Sender and recipients by role ("from", "to", "cc", "bcc")."""
    sender = (_one_line(storage.string(0x0C1A) or storage.string(0x0042)),
              _smtp(storage.string(0x5D01), storage.string(0x0C1F), storage.string(0x5D02),
                    storage.string(0x0065)))
    people: dict[str, list[Mailbox]] = {"from": [sender] if any(sender) else [],
                                        "to": [], "cc": [], "bcc": []}
    recipients = storage.children(_RECIPIENT_PREFIX)
    for path in recipients:
        recipient = _MsgStorage(storage.ole, path, PROPERTIES_HEADER_CHILD, storage.codepage)
        name = _one_line(recipient.string(0x3001))
        address = _smtp(recipient.string(0x39FE), recipient.string(0x3003))
        kind = (property_int(recipient.properties, _TAG_RECIPIENT_TYPE) or 1) & 0x0F
        # An unknown type counts as To: hiding a recipient we cannot place would
        # understate the exposure.
        people[_RECIPIENT_FIELDS.get(kind, "to")].append((name, address))
    if not recipients:  # no recipient table: the display lists are all there is
        for role, prop_id in (("to", 0x0E04), ("cc", 0x0E03), ("bcc", 0x0E02)):
            people[role] = [("", name) if "@" in name else (name, "")
                            for name in _split_display(storage.string(prop_id))]
    return people


def _msg_headers(storage: _MsgStorage) -> EmailHeaders:
    people = {role: [_entry(name, address) for name, address in mailboxes]
              for role, mailboxes in _msg_mailboxes(storage).items()}
    moment = (property_time(storage.properties, _TAG_SUBMIT_TIME)
              or property_time(storage.properties, _TAG_DELIVERY_TIME))
    return EmailHeaders(sender=", ".join(people["from"]), to=people["to"], cc=people["cc"],
                        bcc=people["bcc"], subject=_one_line(storage.string(0x0037)),
                        date=format_datetime(moment) if moment else "")


@dataclass(slots=True)
class _MsgBody:
    """A message's body as stored: plain text, or HTML markup."""

    content: str
    subtype: str = "plain"  # "html" for markup

    def read(self, limits: Limits) -> ExtractedText:
        """The body's text (and an HTML body's tables)."""
        if self.subtype == "html":
            return read_html_body(self.content, limits)
        return ExtractedText(text=self.content)


def _msg_body(storage: _MsgStorage) -> _MsgBody:
    """The HTML body when it holds a table or definition list, else the plain body, else
    the HTML body.  An RTF-only body is not read."""
    html = storage.binary(0x1013)
    if html is not None:
        codepage = property_int(storage.properties, _TAG_INTERNET_CODEPAGE)
        markup = _decode_bytes(html, _codec(codepage) if codepage else None)
    else:
        markup = storage.string(0x1013)
    plain = storage.string(0x1000)
    if _prefers_html(markup) or not plain.strip():
        return _MsgBody(content=markup, subtype="html")
    return _MsgBody(content=plain)


def _msg_attachments(storage: _MsgStorage) -> list[_MsgAttachment]:
    """The attachments that hold data, in storage order; by-reference ones hold none."""
    found: list[_MsgAttachment] = []
    names = _Names()
    for path in storage.children(_ATTACHMENT_PREFIX):
        try:
            attachment = _msg_attachment(storage, path, names)
        except Exception as exc:  # noqa: BLE001 - one corrupt storage is that member's problem
            error = f"attachment could not be read: {describe_error(exc)}"
            found.append(_MsgAttachment(names.name(None, "application/octet-stream"), path,
                                        "error", error=error))
            continue
        if attachment is not None:
            found.append(attachment)
    return found


def _msg_attachment(storage: _MsgStorage, path: list[str], names: _Names,
                    ) -> _MsgAttachment | None:
    attachment = _MsgStorage(storage.ole, path, PROPERTIES_HEADER_CHILD, storage.codepage)
    filename = (attachment.string(0x3707) or attachment.string(0x3704)
                or attachment.string(0x3001))
    data_stream = attachment.stream_path(f"{_SUBSTG}3701{PT_BINARY:04X}")
    object_storage = attachment.stream_path(f"{_SUBSTG}3701{PT_OBJECT:04X}")
    if storage.ole.get_type(data_stream) == olefile.STGTY_STREAM:
        mime = attachment.string(0x370E) or "application/octet-stream"
        return _MsgAttachment(names.name(filename, mime), data_stream, "data",
                              storage.ole.get_size(data_stream))
    if storage.ole.get_type(object_storage) != olefile.STGTY_STORAGE:
        return None  # attached by reference (a link to a share): no data in the file
    method = property_int(attachment.properties, _TAG_ATTACH_METHOD)
    if method == _ATTACH_EMBEDDED_MESSAGE or storage.ole.exists([*object_storage, _PROPERTIES]):
        # Re-written as an .eml (see _msg_as_eml); the name says so, or the extension
        # check would call it a mismatch.
        stem = re.sub(r"\.(msg|eml)$", "", filename or "", flags=re.IGNORECASE)
        return _MsgAttachment(names.name(f"{stem}.eml" if stem else None, MIME_EML),
                              object_storage, "message")
    return _MsgAttachment(names.name(filename, "application/octet-stream"), object_storage,
                          "object")


def _address_header(mailboxes: list[Mailbox]) -> str:
    """Mailboxes as an address header value that the email parser reads back as written."""
    parts = []
    for name, address in mailboxes:
        # Quoted, so a comma in "Jones, Amelia" does not split one person into two.
        phrase = f'"{quote(name)}"' if name else ""
        parts.append(f"{phrase} <{address}>".strip() if address else phrase)
    return ", ".join(part for part in parts if part)


_EML_OUT = policy.default.clone(utf8=True)


def _msg_as_eml(storage: _MsgStorage, limits: Limits, depth: int) -> bytes:
    """An embedded Outlook message re-written as an RFC 5322 message.

    OLE storages cannot be written back out, so the message is handed on as an .eml
    holding its headers, body and attachments (embedded messages within it likewise,
    up to ``limits.max_depth``).  Scanned as its own record, it gets its own
    ``recipients_exposed`` flag and its attachments their own records.
    """
    headers = _msg_headers(storage)
    people = _msg_mailboxes(storage)
    # UTF-8 headers (RFC 6532): names and addresses go out as they are, unencoded.
    out = EmailMessage(policy=_EML_OUT)
    for name, value in (("From", _address_header(people["from"])),
                        ("To", _address_header(people["to"])),
                        ("Cc", _address_header(people["cc"])),
                        ("Bcc", _address_header(people["bcc"])),
                        ("Subject", headers.subject), ("Date", headers.date)):
        if value:
            out[name] = value.replace("\r", " ").replace("\n", " ")
    body = _msg_body(storage)
    out.set_content(body.content, subtype=body.subtype)
    attachments = _msg_attachments(storage)
    total = sum(attachment.size for attachment in attachments)
    if total > limits.max_member_bytes:
        raise LimitExceeded(f"not read: expands past the max_member_bytes limit "
                            f"({limits.max_member_bytes} bytes)")
    for attachment in attachments:
        if attachment.kind == "message" and depth < limits.max_depth:
            nested = _MsgStorage(storage.ole, attachment.path, PROPERTIES_HEADER_EMBEDDED,
                                 storage.codepage)
            data = _msg_as_eml(nested, limits, depth + 1)
        elif attachment.kind == "data":
            with storage.ole.openstream(attachment.path) as source:
                data = source.read()
        else:
            continue  # OLE objects and unreadable storages: nothing to hand on
        # Attached as bytes, not message/rfc822: the reader names and sniffs it again.
        out.add_attachment(data, "application", "octet-stream", filename=attachment.name)
    return out.as_bytes()


def _msg_member(storage: _MsgStorage, attachment: _MsgAttachment, limits: Limits) -> Member:
    if attachment.kind == "message":
        nested = _MsgStorage(storage.ole, attachment.path, PROPERTIES_HEADER_EMBEDDED,
                             storage.codepage)
        return Member(name=attachment.name,
                      open=lambda: io.BytesIO(_msg_as_eml(nested, limits, 1)))
    if attachment.kind == "object":
        # An OLE object (a pasted Word or Excel object) is a storage tree that olefile
        # cannot write back out as a file of its own.
        return Member(name=attachment.name, open=None, error="embedded OLE object: not read")
    if attachment.kind == "error":
        return Member(name=attachment.name, open=None, error=attachment.error)
    if attachment.size > limits.max_member_bytes:
        return Member(name=attachment.name, open=None, size=attachment.size,
                      error=_limit_error(attachment.size, limits), flags=[Flag.ARCHIVE_LIMIT])
    # Read when the pipeline asks, while the .msg file is still open.
    return Member(name=attachment.name, size=attachment.size,
                  open=partial(storage.ole.openstream, attachment.path))


def extract_msg(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Headers, attachment names and body of an Outlook .msg; attachments as members.

    Recipients come from the recipient table (type To/Cc/Bcc), falling back to the
    display lists.  The body is the plain text, else the HTML body as text; a body
    kept only as compressed RTF is not read.  An embedded message becomes an .eml
    member (see :func:`_msg_as_eml`); an embedded OLE object an error member.
    """
    handle.seek(0)
    storage = _MsgStorage(olefile.OleFileIO(handle), [], PROPERTIES_HEADER_TOP)
    attachments = _msg_attachments(storage)
    members = [_msg_member(storage, a, limits) for a in attachments[: limits.max_members]]
    flags: list[str] = [Flag.ARCHIVE_LIMIT] if len(attachments) > limits.max_members else []
    return _result(_msg_headers(storage), [_msg_body(storage).read(limits)], members, limits,
                   flags)


__all__ = [
    "EXPOSED_RECIPIENTS_THRESHOLD",
    "FLAG_RECIPIENTS_EXPOSED",
    "MIME_EML",
    "MIME_MSG",
    "EmailHeaders",
    "exposed_recipients",
    "extract_eml",
    "extract_msg",
    "looks_like_email",
    "looks_like_msg",
    "parse_property_stream",
    "property_int",
    "property_time",
    "read_html_body",
    "strip_quote_markers",
    "unflow",
]
