"""PDF text through pypdfium2, with pdfminer.six where pdfium cannot read."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from fpdf import FPDF

from dpscan.model.extraction import EncryptedContent, Limits
from dpscan.model.ids import Flag
from dpscan.scanner.extract import pdf as pdf_module
from dpscan.scanner.extract.pdf import extract_pdf

LIMITS = Limits()
LINES = [
    "Consent form for Oliver Smith, DOB 03/02/2016",
    "NHS number 999 000 0018, UPN L201000024001",
    "Parent: Mrs Sarah Thompson, sarah.thompson@example.com",
]


def _pdf(pages: list[list[str]], **encryption: str) -> io.BytesIO:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    if encryption:
        pdf.set_encryption(**encryption)
    return io.BytesIO(bytes(pdf.output()))


def _pdfminer(handle: io.BytesIO) -> str:
    text, _pages = pdf_module._read_pdfminer(handle, LIMITS)
    return text.text


def test_pdfium_reads_the_same_words_as_pdfminer_in_order() -> None:
    data = _pdf([LINES, LINES[::-1]])
    fast = extract_pdf(data, LIMITS).text
    assert fast.split() == _pdfminer(io.BytesIO(data.getvalue())).split()
    # Lines apart as pdfminer.six writes them (a blank line between), no \r, no markers.
    assert [line for line in fast.splitlines() if line.strip()][:3] == LINES
    assert "\r" not in fast and "\ufffe" not in fast


def test_column_gaps_stay_wider_than_word_spaces() -> None:
    """Cells of a table row drawn apart must not run together into one "name"."""
    fast = extract_pdf(_pdf([["Pupil: Siobhan Ahmed   Class: Cedar   DOB 02-06-2014"]]),
                       LIMITS).text
    assert "Siobhan Ahmed   Class: Cedar   DOB" in fast
    assert "Pupil: Siobhan Ahmed" in fast  # word spaces stay single


def test_char_boxes_by_address_are_pypdfium2s(monkeypatch: pytest.MonkeyPatch) -> None:
    """The direct call to FPDFText_GetCharBox gives the boxes pypdfium2 gives, so a table's
    cells (drawn apart, no space between them in the file) come out the same either way."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for row in [("Pupil", "Class", "DOB"), ("Siobhan Ahmed", "Cedar", "02-06-2014"),
                ("Oliver Smith", "Oak", "11-09-2015")]:
        for cell in row:
            pdf.cell(60, 8, cell)
        pdf.ln(8)
    document = pdfium.PdfDocument(bytes(pdf.output()))
    textpage = document[0].get_textpage()
    by_address = pdf_module._char_boxes(textpage)
    assert pdf_module._CHAR_BOX is not None  # the fast path is the one in use
    for index in range(textpage.count_chars()):
        assert by_address(index) == textpage.get_charbox(index)
    fast = pdf_module._spaced_text(textpage)
    monkeypatch.setattr(pdf_module, "_CHAR_BOX", None)
    assert pdf_module._spaced_text(textpage) == fast
    assert "Siobhan Ahmed   Cedar   02-06-2014" in fast  # columns apart, names whole


def test_pdfium_is_the_path_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("pdfminer used for a PDF pdfium reads")

    monkeypatch.setattr(pdf_module, "_read_pdfminer", refuse)
    assert LINES[0] in extract_pdf(_pdf([LINES]), LIMITS).text


def test_user_password_is_encrypted_content() -> None:
    # pdfium refuses it; pdfminer.six then decides (an R6 file with an empty owner
    # password opens for anyone, which pdfium does not try: the zoo holds one).
    with pytest.raises(EncryptedContent) as caught:
        extract_pdf(_pdf([LINES], owner_password="owner", user_password="user"), LIMITS)
    assert caught.value.detail == "pdf_user_password"


def test_owner_password_only_is_read_and_noted() -> None:
    result = extract_pdf(_pdf([LINES], owner_password="owner"), LIMITS)
    assert LINES[1] in result.text
    assert result.protection_detail == "pdf_owner_password_only"


def test_unencrypted_has_no_protection_detail() -> None:
    assert extract_pdf(_pdf([LINES]), LIMITS).protection_detail is None


def test_text_limit_truncates() -> None:
    result = extract_pdf(_pdf([LINES] * 5), Limits(max_text_chars=100))
    assert result.truncated and len(result.text) == 100


def test_damaged_file_falls_back_to_pdfminer(monkeypatch: pytest.MonkeyPatch) -> None:
    """When pdfium cannot open a file, pdfminer.six gets its turn (and its error)."""
    calls: list[str] = []
    real = pdf_module._read_pdfminer

    def spy(handle: io.BytesIO, limits: Limits) -> object:
        calls.append("pdfminer")
        return real(handle, limits)

    monkeypatch.setattr(pdf_module, "_read_pdfminer", spy)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise pdfium.PdfiumError("Failed to load document", err_code=3)

    monkeypatch.setattr(pdf_module.pdfium, "PdfDocument", broken)
    result = extract_pdf(_pdf([LINES]), LIMITS)
    assert calls == ["pdfminer"] and LINES[2] in result.text


def test_page_pdfium_cannot_read_falls_back_to_pdfminer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_page(_self: object, *_args: object) -> None:
        raise pdfium.PdfiumError("Failed to load page")

    monkeypatch.setattr(pdfium.PdfDocument, "__getitem__", broken_page)
    result = extract_pdf(_pdf([LINES, LINES]), LIMITS)
    assert result.text.split().count("Consent") == 2


def test_no_text_layer_is_flagged() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)
    result = extract_pdf(io.BytesIO(bytes(pdf.output())), LIMITS)
    assert result.text.strip() == "" and Flag.NO_TEXT_LAYER in result.flags


def test_garbage_is_an_error_not_a_crash() -> None:
    with pytest.raises(Exception):  # noqa: B017 - the pipeline records any exception
        extract_pdf(io.BytesIO(b"%PDF-1.4\nnot really a pdf\n"), LIMITS)
