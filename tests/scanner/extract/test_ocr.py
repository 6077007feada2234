"""OCR of images and scanned PDFs (scanner.extract.ocr, scanner.extract.image), on files built here.

Tests that run Tesseract skip when it is not installed (Debian: tesseract-ocr and
tesseract-ocr-eng); the budget, flag and bomb logic that needs no Tesseract always runs.
"""

from __future__ import annotations

import io
import os
import resource
import struct
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from dpscan.model.config import ScanConfig
from dpscan.model.extraction import Limits
from dpscan.model.ids import Flag, Status
from dpscan.scanner.extract import extractor_for
from dpscan.scanner.extract import ocr as ocr_module
from dpscan.scanner.extract.image import MAX_IMAGE_PIXELS, ImageTooLarge, extract_image
from dpscan.scanner.extract.ocr import (
    OCR_INCOMPLETE,
    OcrTimeout,
    OcrUnavailable,
    ocr_image,
    ocr_pages,
    ocr_pdf,
    require_tesseract,
    tesseract_available,
    tesseract_version,
)
from dpscan.scanner.extract.pdf import extract_pdf
from dpscan.scanner.pipeline import scan_file
from dpscan.scanner.walk import FileEntry, walk_root

requires_tesseract = pytest.mark.skipif(
    not tesseract_available(),
    reason="Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng)",
)

NHS_LINE = "NHS number 999 000 0018"
NAME = "Amelia Jones"


def ocr_limits(*, ocr: bool = True, ocr_seconds: float = 60.0, **kwargs: int) -> Limits:
    """Limits with OCR switched on or off and a per-file budget."""
    return Limits(ocr=ocr, ocr_seconds=ocr_seconds, **kwargs)


def squash(text: str) -> str:
    """Text without whitespace: OCR may split or join the digit groups."""
    return "".join(text.split())


def text_card(lines: tuple[str, ...] = (NHS_LINE, NAME), *, mode: str = "L",
              ink: int | tuple[int, ...] = 0,
              paper: int | tuple[int, ...] = 255) -> Image.Image:
    """A white card with ``lines`` in a 40 px font, large enough for Tesseract."""
    font = ImageFont.load_default(size=40)  # Pillow >= 10.1; the default bitmap font is tiny
    image = Image.new(mode, (1000, 80 * len(lines) + 60), paper)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((40, 40 + 80 * row), line, fill=ink, font=font)
    return image


def encode(image: Image.Image, fmt: str, **kwargs: object) -> io.BytesIO:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kwargs)
    buffer.seek(0)
    return buffer


def image_only_pdf(pages: int = 1) -> bytes:
    """A PDF whose pages hold only a picture of the text card: no text layer."""
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.image(text_card(), x=10, y=10, w=190)
    return bytes(pdf.output())


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` but carries almost no pixel data."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


# --- without OCR, and the extractor table -------------------------------------------------

@pytest.mark.parametrize("limits", [Limits(), ocr_limits(ocr=False)], ids=["default", "off"])
def test_image_without_ocr_is_flagged_no_text_layer(limits: Limits) -> None:
    result = extract_image(encode(text_card(), "PNG"), limits)
    assert result.text == ""
    assert result.flags == [Flag.NO_TEXT_LAYER]
    assert not result.truncated


@pytest.mark.parametrize(
    "mime",
    ["image/png", "image/jpeg", "image/tiff", "image/bmp", "image/x-ms-bmp", "image/gif",
     "image/webp"],
)
def test_images_have_the_image_extractor(mime: str) -> None:
    extractor = extractor_for(mime)
    assert extractor is not None and extractor.name == "image"


@pytest.mark.parametrize("mime", ["image/heic", "image/wmf", "image/svg+xml"])
def test_images_pillow_does_not_read_have_no_extractor(mime: str) -> None:
    assert extractor_for(mime) is None


# --- Tesseract missing -------------------------------------------------------------------

@pytest.fixture
def no_tesseract(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point pytesseract at a program that does not exist, with the availability cache reset."""
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    ocr_module._probe.cache_clear()
    yield
    ocr_module._probe.cache_clear()


@pytest.mark.usefixtures("no_tesseract")
def test_missing_tesseract_says_what_to_install() -> None:
    assert not tesseract_available() and tesseract_version() is None
    with pytest.raises(OcrUnavailable, match="install the Debian packages tesseract-ocr"):
        require_tesseract()
    with pytest.raises(OcrUnavailable):
        ocr_image(text_card(), timeout=10)
    with pytest.raises(OcrUnavailable):
        extract_image(encode(text_card(), "PNG"), ocr_limits())


@pytest.mark.usefixtures("no_tesseract")
def test_missing_tesseract_does_not_matter_without_ocr() -> None:
    assert extract_image(encode(text_card(), "PNG"), Limits()).flags == [Flag.NO_TEXT_LAYER]


# --- the per-file budget, with a fake clock and a fake Tesseract ----------------------------

class FakeOcr:
    """Stands in for ocr_image: each page takes ``seconds`` of a fake clock."""

    def __init__(self, seconds: float, text: str = "page {n}") -> None:
        self.now = 0.0
        self.seconds = seconds
        self.text = text
        self.calls = 0

    def clock(self) -> float:
        return self.now

    def __call__(self, image: Image.Image, *, timeout: float) -> str:
        self.calls += 1
        if timeout < self.seconds:
            self.now += timeout
            raise OcrTimeout(timeout)
        self.now += self.seconds
        return self.text.format(n=self.calls)


@pytest.fixture
def fake_ocr(monkeypatch: pytest.MonkeyPatch) -> FakeOcr:
    fake = FakeOcr(seconds=10)
    monkeypatch.setattr(ocr_module, "_clock", fake.clock)
    monkeypatch.setattr(ocr_module, "ocr_image", fake)
    return fake


def _pages(count: int, produced: list[int]) -> Iterator[Image.Image]:
    for index in range(count):
        produced.append(index)
        yield Image.new("L", (8, 8), 255)


@pytest.mark.parametrize(
    ("budget", "read", "produced", "timed_out"),
    [
        (100, 3, 3, False),  # enough for all
        (25, 2, 3, True),  # the third page starts with 5 s left and is cut off
        (20, 2, 2, True),  # no time left after two: the third is never rendered
        (5, 0, 1, True),  # even the first page is cut off
    ],
)
def test_budget_stops_between_pages_and_says_how_far(
    fake_ocr: FakeOcr, budget: float, read: int, produced: int, timed_out: bool
) -> None:
    made: list[int] = []
    result = ocr_pages(_pages(3, made), 3, ocr_limits(ocr_seconds=budget))
    assert (result.pages_read, result.pages_total, result.timed_out) == (read, 3, timed_out)
    assert len(made) == produced
    assert result.text.split("\n")[:-1] == [f"page {n}" for n in range(1, read + 1)]
    extracted = result.extracted()
    if timed_out:
        assert result.notice == (f"partly read: OCR read {read} of 3 pages before the "
                                 f"ocr_seconds limit ({budget:g} s)")
        assert extracted.flags == [OCR_INCOMPLETE]
    else:
        assert result.notice is None and extracted.flags == []


def test_text_limit_stops_ocr_early(fake_ocr: FakeOcr) -> None:
    fake_ocr.text = "x" * 50
    made: list[int] = []
    result = ocr_pages(_pages(5, made), 5, ocr_limits(max_text_chars=80))
    assert result.truncated and len(result.text) == 80
    assert result.pages_read == 2 and len(made) == 2 and not result.timed_out
    assert result.extracted().truncated


# --- real OCR ----------------------------------------------------------------------------

@requires_tesseract
def test_tesseract_version_is_known_when_available() -> None:
    version = tesseract_version()
    assert version is not None and int(version.split(".")[0]) >= 4


@requires_tesseract
def test_ocr_image_reads_nhs_number_and_name() -> None:
    text = ocr_image(text_card(), timeout=30)
    assert "9990000018" in squash(text)
    assert NAME in text


@requires_tesseract
@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF", "BMP", "GIF", "WEBP"])
def test_extract_image_reads_every_registered_format(fmt: str) -> None:
    result = extract_image(encode(text_card(), fmt), ocr_limits())
    assert "9990000018" in squash(result.text) and NAME in result.text
    assert result.flags == [] and not result.truncated


@requires_tesseract
def test_multipage_tiff_reads_every_page() -> None:
    first, second = text_card((NAME,)), text_card((NHS_LINE,))
    result = extract_image(encode(first, "TIFF", save_all=True, append_images=[second]),
                           ocr_limits())
    assert NAME in result.text and "9990000018" in squash(result.text)
    assert result.flags == []


@requires_tesseract
def test_text_on_a_transparent_background_is_read() -> None:
    # Transparent pixels are black underneath: read as they are, the black text vanishes.
    card = text_card(mode="RGBA", ink=(0, 0, 0, 255), paper=(0, 0, 0, 0))
    assert NAME in extract_image(encode(card, "PNG"), ocr_limits()).text


@requires_tesseract
def test_sixteen_bit_scan_is_scaled_not_clipped() -> None:
    # Grey levels 20000 (ink) and 65000 (paper): both above 255, so clipping makes all white.
    card = text_card().point(lambda v: 20000 + v * (45000 / 255), mode="I").convert("I;16")
    assert NAME in extract_image(encode(card, "PNG"), ocr_limits()).text


@requires_tesseract
def test_a_wrong_dpi_in_the_file_is_not_believed() -> None:
    # This 20 px line claiming 600 dpi: Tesseract 5.3, believing it, reads nothing at all.
    card = Image.new("L", (600, 80), 255)
    ImageDraw.Draw(card).text((20, 20), f"{NHS_LINE} {NAME}", fill=0,
                              font=ImageFont.load_default(size=20))
    result = extract_image(encode(card, "PNG", dpi=(600, 600)), ocr_limits())
    assert "9990000018" in squash(result.text)


@requires_tesseract
def test_exif_rotation_is_applied_before_ocr() -> None:
    sideways = text_card().transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    result = extract_image(encode(sideways, "JPEG", exif=exif), ocr_limits())
    assert NAME in result.text


@requires_tesseract
def test_ocr_pdf_reads_a_pdf_without_text_layer() -> None:
    data = image_only_pdf()
    plain = extract_pdf(io.BytesIO(data), Limits())
    assert plain.text.strip() == "" and Flag.NO_TEXT_LAYER in plain.flags  # the premise
    result = ocr_pdf(io.BytesIO(data), ocr_limits())
    assert "9990000018" in squash(result.text) and NAME in result.text
    assert (result.pages_read, result.pages_total, result.timed_out) == (1, 1, False)
    assert result.notice is None and result.extracted().flags == []


@requires_tesseract
def test_ocr_pdf_reads_every_page_wherever_the_handle_was_left() -> None:
    handle = io.BytesIO(image_only_pdf(pages=2))
    handle.seek(0, os.SEEK_END)  # where extract_pdf leaves it after pdfminer
    result = ocr_pdf(handle, ocr_limits())
    assert (result.pages_read, result.pages_total) == (2, 2)
    assert result.text.count(NAME) == 2


@requires_tesseract
def test_ocr_pdf_tiny_budget_stops_without_hanging() -> None:
    started = time.monotonic()
    result = ocr_pdf(io.BytesIO(image_only_pdf(pages=3)), ocr_limits(ocr_seconds=0.001))
    assert time.monotonic() - started < 10
    assert (result.pages_read, result.pages_total, result.timed_out) == (0, 3, True)
    assert result.notice == ("partly read: OCR read 0 of 3 pages before the ocr_seconds "
                             "limit (0.001 s)")
    assert result.text == "" and result.extracted().flags == [OCR_INCOMPLETE]


@requires_tesseract
def test_ocr_image_tiny_timeout_raises_without_hanging() -> None:
    started = time.monotonic()
    with pytest.raises(OcrTimeout, match="0.001 s"):
        ocr_image(text_card(), timeout=0.001)
    assert time.monotonic() - started < 10


@requires_tesseract
def test_extract_image_tiny_budget_flags_ocr_incomplete() -> None:
    result = extract_image(encode(text_card(), "PNG"), ocr_limits(ocr_seconds=0.001))
    assert result.text == "" and result.flags == [OCR_INCOMPLETE]


@requires_tesseract
@pytest.mark.parametrize("timeout", [30, 0.001], ids=["finished", "timed_out"])
def test_tesseract_files_stay_private_and_are_removed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, timeout: float
) -> None:
    import pytesseract

    seen: list[tuple[str, int]] = []
    real = pytesseract.pytesseract.run_tesseract

    def spy(source: str, *args: object, **kwargs: object) -> None:
        folder = os.path.dirname(source)
        seen.append((folder, os.stat(folder).st_mode & 0o777))
        real(source, *args, **kwargs)

    monkeypatch.setattr(pytesseract.pytesseract, "run_tesseract", spy)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    try:
        ocr_image(text_card(), timeout=timeout)
    except OcrTimeout:
        assert timeout < 1
    ((folder, mode),) = seen
    assert os.path.dirname(folder) == str(tmp_path) and mode == 0o700
    assert list(tmp_path.iterdir()) == []


# --- bad images --------------------------------------------------------------------------

@requires_tesseract
@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20,  # signature, then no valid chunk
        encode(text_card(), "PNG").getvalue()[:400],  # cut short in the pixel data
        b"GIF89a" + b"\xff" * 40,
    ],
    ids=["png_garbage", "png_truncated", "gif_garbage"],
)
def test_corrupt_image_raises(data: bytes) -> None:
    with pytest.raises(OSError):
        extract_image(io.BytesIO(data), ocr_limits())


@requires_tesseract
def test_pipeline_records_a_corrupt_image_as_an_error(tmp_path: Path) -> None:
    path = tmp_path / "scan.png"
    path.write_bytes(encode(text_card(), "PNG").getvalue()[:400])
    (entry,) = [e for e in walk_root(str(path)) if isinstance(e, FileEntry)]
    config = ScanConfig(workers=1, limits=ocr_limits())
    # The detector is never reached for a file that could not be read.
    (record,) = scan_file(entry, config, detector=None)  # type: ignore[arg-type]
    assert record.status == Status.ERROR and record.extractor == "image"
    assert Flag.UNREADABLE in record.flags and record.error


@requires_tesseract
@pytest.mark.parametrize(
    ("width", "height"),
    [
        (100_000, 100_000),  # Pillow itself refuses it (DecompressionBombError)
        (10_000, 9_000),  # Pillow only warns (DecompressionBombWarning)
        (10_000, 8_500),  # below Pillow's bound, over dpscan's
    ],
)
def test_decompression_bomb_is_refused_before_decoding(width: int, height: int) -> None:
    assert width * height > MAX_IMAGE_PIXELS
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    limit = f"max_image_pixels limit \\({MAX_IMAGE_PIXELS} "
    with pytest.raises(ImageTooLarge, match=limit) as error:
        extract_image(io.BytesIO(png_header_only(width, height)), ocr_limits())
    # The file's own numbers are not quoted (issue 17, item 2): the message is in every report.
    assert str(width) not in str(error.value) and str(height) not in str(error.value)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 50


@requires_tesseract
def test_image_just_under_the_pixel_limit_is_not_refused() -> None:
    # The same kind of header-only file below the limit gets as far as decoding (and fails
    # there, having no pixel data): the limit, not the file's shape, refused the others.
    with pytest.raises(OSError) as raised:
        extract_image(io.BytesIO(png_header_only(1000, 1000)), ocr_limits())
    assert not isinstance(raised.value, ImageTooLarge)
