"""The two XLSX readers give the same text; extract_xlsx picks calamine when it may.

Workbooks are built here with openpyxl; where openpyxl cannot write what a test needs
(cached formula values, shared strings, a stale <dimension>), its XML is edited in place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import MAC_EPOCH

import dpscan.scanner.extract.xlsx as xlsx
from dpscan.model.extraction import ExtractedText, Limits, is_content_failure

LIMITS = Limits(max_text_chars=100_000)
SHEET1 = "xl/worksheets/sheet1.xml"


def _save(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _edit(data: bytes, edits: dict[str, Callable[[bytes], bytes]],
          extra: dict[str, bytes] | None = None) -> bytes:
    """The package with ``edits`` applied to its parts and ``extra`` parts added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            target.writestr(info, edits.get(info.filename, lambda b: b)(part))
        for name, part in (extra or {}).items():
            target.writestr(name, part)
    return out.getvalue()


def _sub(pattern: bytes, replacement: bytes, count: int = 0) -> Callable[[bytes], bytes]:
    def edit(part: bytes) -> bytes:
        edited, made = re.subn(pattern, replacement, part, count=count)
        assert made, f"{pattern!r} not found"
        return edited

    return edit


def _shape(result: ExtractedText) -> tuple:
    return (result.text, result.truncated,
            [(t.name, t.rows, t.start, t.end) for t in result.tables])


def _same_text(data: bytes, limits: Limits = LIMITS) -> ExtractedText:
    """Both readers give the same text and tables for ``data``; the calamine result."""
    by_openpyxl = xlsx._read_openpyxl(io.BytesIO(data), limits)
    by_calamine = xlsx.read_calamine(io.BytesIO(data), limits)
    assert _shape(by_calamine) == _shape(by_openpyxl)
    return by_calamine


def _rich_workbook(epoch: dt.datetime | None = None) -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    if epoch is not None:
        workbook.epoch = epoch
    sheet = workbook.active
    sheet.title = "Pupils"
    sheet.append(["Surname", "DOB", "Arrived", "Lunch", "Late by", "Year", "Fee", "FSM",
                  "Note"])
    sheet.append(["JONES", dt.date(2015, 3, 2), dt.datetime(2024, 9, 4, 8, 45),
                  dt.time(12, 15), dt.timedelta(hours=26, minutes=3), 4, 12.5, True, None])
    sheet.append(["Brontë", dt.datetime(2016, 11, 30), dt.datetime(2024, 9, 4, 0, 0),
                  dt.time(9, 30, 15, 250000), dt.timedelta(minutes=5), 5.0, -3.25, False,
                  "Zoë £5 — 日本語 🙂"])
    sheet.append([])  # an empty row
    # The first days of the epoch (a serial before it is negative: see the module notes).
    first_days = dt.datetime(1900, 1, 1) if epoch is None else dt.datetime(1904, 1, 2)
    sheet.append(["Patel", first_days, None, None, None, 1e20, 0.1, None, None])
    sheet.append(["trailing", None, None, None, None, None, None, None, None])
    sheet.append([None, None, "gap", None, "x"])  # empty cells before and between
    sheet["J9"] = "=B2+1"  # a formula openpyxl writes without a cached value
    sheet["A10"] = "  spaced  "
    sheet["B10"] = "two\nlines"
    sheet["C10"] = 1234567890123  # a long integer (below 2**53)
    hidden = workbook.create_sheet("Hidden")
    hidden.append(["hidden sheet", 7])
    hidden.sheet_state = "hidden"
    very_hidden = workbook.create_sheet("Very hidden")
    very_hidden.append(["very hidden sheet"])
    very_hidden.sheet_state = "veryHidden"
    workbook.create_sheet("Empty")
    offset = workbook.create_sheet("Offset")
    offset["C3"] = "starts at C3"
    offset["E5"] = 5
    chart = workbook.create_chartsheet("Chart")
    bars = BarChart()
    bars.add_data(Reference(sheet, min_col=6, min_row=1, max_row=3))
    chart.add_chart(bars)
    workbook.create_sheet("Last").append(["after the chart"])
    return workbook


@pytest.mark.parametrize("epoch", [None, MAC_EPOCH], ids=["1900", "1904"])
def test_calamine_gives_openpyxl_text_for_every_kind_of_cell(epoch: dt.datetime | None) -> None:
    data = _save(_rich_workbook(epoch))
    assert xlsx._calamine_unsafe(data) is None  # so extract_xlsx reads it with calamine
    result = _same_text(data)
    assert result.text.split("\n") == [
        "Surname\tDOB\tArrived\tLunch\tLate by\tYear\tFee\tFSM\tNote",
        "JONES\t02/03/2015\t04/09/2024 08:45\t12:15:00\t1 day, 2:03:00\t4\t12.5\tTrue",
        "Brontë\t30/11/2016\t04/09/2024\t09:30:15.250000\t0:05:00\t5\t-3.25\tFalse"
        "\tZoë £5 — 日本語 🙂",
        f"Patel\t{'01/01/1900' if epoch is None else '02/01/1904'}"
        "\t\t\t\t100000000000000000000\t0.1",
        "trailing",
        "\t\tgap\t\tx",
        "  spaced  \ttwo",
        "lines\t1234567890123",
        "",
        "hidden sheet\t7",
        "",
        "very hidden sheet",
        "",  # the empty sheet adds only its blank line
        "",
        "\t\tstarts at C3",
        "\t\t\t\t5",
        "",
        "after the chart",
        "",
    ]
    assert [t.name for t in result.tables] == ["Pupils", "Hidden", "Very hidden", "Offset",
                                               "Last"]
    assert _shape(xlsx.extract_xlsx(io.BytesIO(data), LIMITS)) == _shape(result)


def test_formulas_give_their_cached_values_and_none_without_one() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["=1+1", '="a"&"b"', "=1=1", "=2/4", "=NOW()"])
    sheet.append(["=A1*10"])
    data = _save(workbook)
    # openpyxl writes <f> with an empty <v>: give four of them the value Excel would keep.
    data = _edit(data, {SHEET1: _sub(
        rb'<c r="A1"><f>1\+1</f><v></v></c><c r="B1"><f>(.*?)</f><v></v></c>'
        rb'<c r="C1"><f>1=1</f><v></v></c><c r="D1"><f>2/4</f><v></v></c>',
        rb'<c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>\1</f><v>ab</v></c>'
        rb'<c r="C1" t="b"><f>1=1</f><v>1</v></c><c r="D1"><f>2/4</f><v>0.5</v></c>')})
    assert xlsx._calamine_unsafe(data) is None
    result = _same_text(data)
    # NOW() and A1*10 have no cached value: an empty cell, and an empty row, in both.
    assert result.text == "2\tab\tTrue\t0.5\n"


def test_shared_strings_with_rich_text_and_phonetic_runs() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["placeholder", "placeholder", "placeholder"])
    data = _save(workbook)
    sst = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b"<si><r><t>Ric</t></r><r><rPr><b/></rPr><t>h &amp; bold</t></r></si>"
           b'<si><t>\xe6\xbc\xa2\xe5\xad\x97</t><rPh sb="0" eb="2"><t>kanji</t></rPh></si>'
           b'<si><t xml:space="preserve"> kept </t></si></sst>')
    data = _edit(data, {
        SHEET1: _sub(rb'<c r="(\w+)" t="inlineStr"><is><t>placeholder</t></is></c>',
                     b'<c r="\\1" t="s"><v>N</v></c>'),
        "[Content_Types].xml": _sub(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                    b'ContentType="application/vnd.openxmlformats-officedocument'
                                    b'.spreadsheetml.sharedStrings+xml"/></Types>'),
        "xl/_rels/workbook.xml.rels": _sub(
            b"</Relationships>", b'<Relationship Id="rIdSst" Target="sharedStrings.xml" Type='
            b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
            b"/></Relationships>"),
    }, extra={"xl/sharedStrings.xml": sst})
    data = _edit(data, {SHEET1: lambda part: part.replace(b"<v>N</v>", b"<v>0</v>", 1)
                        .replace(b"<v>N</v>", b"<v>1</v>", 1).replace(b"<v>N</v>", b"<v>2</v>", 1)})
    assert xlsx._calamine_unsafe(data) is None
    assert _same_text(data).text == "Rich & bold\t漢字\t kept \n"


def _openpyxl_text(data: bytes) -> str:
    return xlsx._read_openpyxl(io.BytesIO(data), LIMITS).text


@pytest.mark.parametrize(
    ("first", "edit", "reason", "openpyxl_shows", "calamine_shows"),
    [
        # An error cell (openpyxl writes "#N/A" as one): openpyxl gives its code,
        # calamine an empty cell.
        ("#N/A", None, "error cell", "#N/A\tok\n", "\tok\n"),
        # An _xHHHH_ escape: calamine decodes it, openpyxl keeps it as written.
        ("x", _sub(rb"<t>ok</t>", rb"<t>a_x000D_b</t>"), "escaped character",
         "x\ta_x000D_b\n", "x\ta\rb\n"),
        # Text that ends in white space without xml:space="preserve": calamine trims it.
        ("x", _sub(rb"<t>ok</t>", rb"<t>ok </t>"), "white space calamine trims", "x\tok \n",
         "x\tok\n"),
    ],
    ids=["error", "escape", "whitespace"],
)
def test_what_calamine_shows_differently_goes_to_openpyxl(
    first: str, edit: Callable[[bytes], bytes] | None, reason: str, openpyxl_shows: str,
    calamine_shows: str,
) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append([first, "ok"])
    data = _save(workbook)
    if edit is not None:
        data = _edit(data, {SHEET1: edit})
    assert reason in (xlsx._calamine_unsafe(data) or "")
    assert _openpyxl_text(data) == openpyxl_shows
    assert xlsx.read_calamine(io.BytesIO(data), LIMITS).text == calamine_shows
    assert xlsx.extract_xlsx(io.BytesIO(data), LIMITS).text == openpyxl_shows


def test_east_asian_builtin_date_format_goes_to_openpyxl() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append([dt.date(2020, 1, 5)])  # a custom date format (164)
    data = _edit(_save(workbook), {"xl/styles.xml": _sub(rb'<xf numFmtId="164"',
                                                         b'<xf numFmtId="31"')})
    # 31 is a built-in East Asian date format: a date to calamine, a number to openpyxl.
    assert "east asian date format" in (xlsx._calamine_unsafe(data) or "")
    assert xlsx.extract_xlsx(io.BytesIO(data), LIMITS).text == _openpyxl_text(data) == "43835\n"


def test_cells_outside_a_stale_dimension_go_to_openpyxl() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["a", "b"])
    workbook.active.append(["c", "d"])
    data = _save(workbook)
    assert b'<dimension ref="A1:B2"/>' in zipfile.ZipFile(io.BytesIO(data)).read(SHEET1)
    for stale, shown in [(b"A1", "a\n"), (b"A1:A2", "a\nc\n"), (b"A1:B1", "a\tb\n")]:
        edited = _edit(data, {SHEET1: _sub(rb'ref="A1:B2"', b'ref="' + stale + b'"')})
        # openpyxl in read-only mode leaves out the cells outside the dimension.
        assert "outside the dimension" in (xlsx._calamine_unsafe(edited) or "")
        assert xlsx.extract_xlsx(io.BytesIO(edited), LIMITS).text == shown
    without = _edit(data, {SHEET1: _sub(rb'<dimension ref="A1:B2"/>', b"")})
    assert xlsx._calamine_unsafe(without) is None
    assert _same_text(without).text == "a\tb\nc\td\n"


def test_a_sheet_too_sparse_for_calamine_goes_to_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "corner"
    workbook.active["XFD1048576"] = "far corner"  # 17 billion cells to calamine
    data = _save(workbook)
    assert "too many cells" in (xlsx._calamine_unsafe(data) or "")
    stale = _edit(data, {SHEET1: _sub(rb'ref="A1:XFD1048576"', b'ref="A1"')})
    assert "outside the dimension" in (xlsx._calamine_unsafe(stale) or "")
    gone = _edit(data, {SHEET1: _sub(rb'<dimension ref="A1:XFD1048576"/>', b"")})
    assert "too many cells" in (xlsx._calamine_unsafe(gone) or "")

    # The limit itself, on a workbook both can read: 2 x 30 cells, cells 60 apart.
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "first"
    workbook.active["B30"] = "last"
    data = _save(workbook)
    assert xlsx._calamine_unsafe(data) is None
    monkeypatch.setattr(xlsx, "CALAMINE_MAX_CELLS", 59)
    assert "too many cells" in (xlsx._calamine_unsafe(data) or "")
    calls = _record_calamine(monkeypatch)
    assert xlsx.extract_xlsx(io.BytesIO(data), LIMITS).text == "first\n\tlast\n"
    assert calls == []


def _record_calamine(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record each call of read_calamine (a failure in it would only send the workbook
    to openpyxl)."""
    calls: list[int] = []
    real = xlsx.read_calamine

    def recorded(handle: io.BytesIO, limits: Limits) -> ExtractedText:
        calls.append(1)
        return real(handle, limits)

    monkeypatch.setattr(xlsx, "read_calamine", recorded)
    return calls


def test_a_workbook_above_the_size_threshold_goes_to_openpyxl(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _save(_rich_workbook())
    expected = _shape(xlsx._read_openpyxl(io.BytesIO(data), LIMITS))
    calls = _record_calamine(monkeypatch)
    monkeypatch.setattr(xlsx, "CALAMINE_MAX_FILE_BYTES", len(data) - 1)
    assert _shape(xlsx.extract_xlsx(io.BytesIO(data), LIMITS)) == expected
    assert calls == []
    monkeypatch.setattr(xlsx, "CALAMINE_MAX_FILE_BYTES", len(data))
    assert _shape(xlsx.extract_xlsx(io.BytesIO(data), LIMITS)) == expected
    assert calls == [1]


def test_openpyxl_reads_what_calamine_fails_on(monkeypatch: pytest.MonkeyPatch) -> None:
    # A sheet whose part is missing: calamine fails, openpyxl reads the other sheets.
    workbook = openpyxl.Workbook()
    workbook.active.append(["a"])
    workbook.create_sheet("Gone").append(["b"])
    source = zipfile.ZipFile(io.BytesIO(_save(workbook)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet2.xml":
                target.writestr(info, source.read(info))
    data = out.getvalue()
    assert xlsx._calamine_unsafe(data) is None
    with pytest.raises(xlsx.python_calamine.CalamineError):
        xlsx.read_calamine(io.BytesIO(data), LIMITS)
    calls = _record_calamine(monkeypatch)
    assert xlsx.extract_xlsx(io.BytesIO(data), LIMITS).text == _openpyxl_text(data) == "a\n"
    assert calls == [1]


def test_when_both_fail_openpyxls_error_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["a"])
    data = _edit(_save(workbook), {SHEET1: _sub(rb'<c r="A1" t="inlineStr"><is><t>a</t></is>',
                                                b'<c r="A1" t="s"><v>5</v>')})
    assert xlsx._calamine_unsafe(data) is None  # calamine tries, and fails
    with pytest.raises(xlsx.python_calamine.CalamineError):
        xlsx.read_calamine(io.BytesIO(data), LIMITS)
    calls = _record_calamine(monkeypatch)
    with pytest.raises(IndexError):  # openpyxl's: no shared string 5
        xlsx.extract_xlsx(io.BytesIO(data), LIMITS)
    assert calls == [1]


def _corrupt() -> list[bytes]:
    good = _save(_rich_workbook())
    noise = random.Random(7).randbytes(len(good))
    return [noise, b"PK\x03\x04" + noise[:500], good[: len(good) // 2], good[:-30], b""]


@pytest.mark.parametrize("data", _corrupt(),
                         ids=["random", "zip-magic", "half", "no-end-record", "empty"])
def test_a_corrupt_workbook_raises_openpyxls_error(data: bytes) -> None:
    with pytest.raises(Exception) as by_openpyxl:
        xlsx._read_openpyxl(io.BytesIO(data), LIMITS)
    with pytest.raises(Exception) as chosen:
        xlsx.extract_xlsx(io.BytesIO(data), LIMITS)
    assert type(chosen.value) is type(by_openpyxl.value)
    assert str(chosen.value) == str(by_openpyxl.value)
    # calamine on its own raises too (an exception, not a crash).
    with pytest.raises(Exception):  # noqa: B017 - any exception will do
        xlsx.read_calamine(io.BytesIO(data), LIMITS)


def test_the_text_limit_stops_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    workbook = openpyxl.Workbook()
    for row in range(200):
        workbook.active.append([f"Pupil {row}", row, dt.date(2015, 1, 1 + row % 28)])
    workbook.create_sheet("Second").append(["never reached"])
    data = _save(workbook)
    limits = Limits(max_text_chars=100)
    result = _same_text(data, limits)
    assert result.truncated and len(result.text) == 100
    assert "never reached" not in result.text

    pulled: list[str] = []
    real_rows = xlsx._calamine_rows

    def counting(sheet: object):  # noqa: ANN202 - a generator like the one it wraps
        for row in real_rows(sheet):  # type: ignore[arg-type]
            pulled.append(row[0])
            yield row

    monkeypatch.setattr(xlsx, "_calamine_rows", counting)
    assert xlsx.extract_xlsx(io.BytesIO(data), limits).text == result.text
    # Rows are read until the one that did not fit; the second sheet is never loaded.
    assert pulled == [f"Pupil {row}" for row in range(len(pulled))]
    assert len(pulled) < 10


def test_the_handle_is_only_read(tmp_path) -> None:  # noqa: ANN001 - pytest fixture
    path = tmp_path / "register.xlsx"
    path.write_bytes(_save(_rich_workbook()))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with path.open("rb") as handle:
        handle.seek(17)  # wherever the caller left it
        first = xlsx.extract_xlsx(handle, LIMITS)
        assert not handle.closed
        again = xlsx.extract_xlsx(handle, LIMITS)
        assert not handle.closed
    assert _shape(first) == _shape(again) and "JONES" in first.text
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("maximum", [1, 9, 10, 26, 27, 52, 99, 100, 702, 703, 1000, 16384])
def test_outside_finds_exactly_the_references_past_the_dimension(maximum: int) -> None:
    outside = xlsx._outside(maximum, maximum)
    for number in [*range(1, 1100), 9999, 16384, 99999, 1048576]:
        column = get_column_letter(min(number, 16384))
        assert bool(outside.search(f'<c r="{column}1"'.encode())) is (min(number, 16384)
                                                                      > maximum)
        assert bool(outside.search(f'<c r="A{number}"'.encode())) is (number > maximum)
    # A cell not written <c r="A1"> is found too (the caller then reads every reference).
    assert outside.search(b'<c t="s" r="A1">') and outside.search(b"<c>")


# A real workbook (Apache POI's test data) on which python-calamine panics in Rust: pyo3
# raises PanicException, a BaseException that slipped past every `except Exception` and,
# unpicklable, ended the whole scan in a worker.
PANICKING_XLSB = (Path(__file__).resolve().parents[4] / "shared" / "zoo" / "legacy" / "files"
                  / "apache-poi" / "test-data" / "spreadsheet" / "Simple.xlsb")


@pytest.mark.skipif(not PANICKING_XLSB.exists(), reason="../shared/zoo/legacy not present")
def test_a_calamine_panic_falls_back_to_openpyxl_and_its_error() -> None:
    with PANICKING_XLSB.open("rb") as handle, pytest.raises(Exception) as caught:
        xlsx.extract_xlsx(handle, Limits())
    assert type(caught.value).__name__ != "PanicException"
    assert is_content_failure(caught.value)


@pytest.mark.skipif(not PANICKING_XLSB.exists(), reason="../shared/zoo/legacy not present")
def test_a_scan_with_a_panicking_workbook_goes_on(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dpscan.scanner.cli import main

    share = tmp_path / "share"
    share.mkdir()
    (share / "Simple.xlsb").write_bytes(PANICKING_XLSB.read_bytes())
    (share / "after.txt").write_text("Dear Mrs Amelia Jones, 07700 900123\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["scan", str(share), "--out", str(out), "--format", "json",
                                       "--quiet", "--no-db", "--workers", "2"])
    assert result.exit_code in (0, 1), result.output
    records = {r["path"]: r for r in json.loads((out / "findings.json").read_text())["files"]}
    assert records["Simple.xlsb"]["status"] == "error"
    assert records["Simple.xlsb"]["error"]
    assert records["after.txt"]["status"] == "scanned"


def test_is_content_failure_tells_panics_from_exits() -> None:
    PanicException = type("PanicException", (BaseException,), {})
    assert is_content_failure(ValueError("bad cell"))
    assert is_content_failure(PanicException("no entry found for key"))
    assert not is_content_failure(KeyboardInterrupt())
    assert not is_content_failure(SystemExit(1))
