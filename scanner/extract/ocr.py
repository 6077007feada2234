"""Optional OCR with Tesseract: images and scanned PDF pages to text, within a per-file budget.

Tesseract is a system program (the Debian packages ``tesseract-ocr`` and
``tesseract-ocr-eng``); dpscan never downloads it or any language data.  Each page is
handed to Tesseract through pytesseract's ``run_tesseract`` with its ``timeout=``, so a
page that takes too long is killed rather than waited for.  Everything Tesseract reads or
writes (the page image, the recognised text) lives in a private temporary folder that is
removed as soon as the page is done.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import BinaryIO, Unpack, cast

from PIL import Image

from dpscan.model.extraction import ExtractedExtras, ExtractedText, Limits, TextBuffer
from dpscan.model.ids import Flag
from dpscan.scanner.executors.tempdirs import private_temp_dir

# Tesseract's language; only English data is expected (package tesseract-ocr-eng).
LANG = "eng"
# Scanned PDF pages are rendered at this resolution: Tesseract reads ordinary print well
# from about 200 dpi, and higher costs time roughly in proportion to the pixels.
PDF_DPI = 200
# A rendered page never has more pixels than this (an A1 poster at 200 dpi has 31 M):
# larger pages are rendered at a lower resolution instead, so memory and OCR time stay
# bounded whatever size the PDF declares.
MAX_RENDER_PIXELS = 40_000_000
# Tesseract refuses images wider or taller than this.
_TESSERACT_MAX_SIDE = 32_767
# Flag raised when the ocr_seconds budget ran out before every page or frame was read.
OCR_INCOMPLETE = Flag.OCR_INCOMPLETE

_INSTALL_HINT = "install the Debian packages tesseract-ocr and tesseract-ocr-eng"

# Indirection so tests can drive the per-file budget with a fake clock.
_clock = time.monotonic


class OcrUnavailable(Exception):
    """OCR was asked for but Tesseract (or its English data) is not installed."""


class OcrTimeout(Exception):
    """Tesseract did not finish one image within the seconds it was given."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"OCR did not finish within {seconds:.3g} s")
        self.seconds = seconds


class OcrFailed(Exception):
    """Tesseract ran but exited with an error (the message is Tesseract's)."""


def _pytesseract() -> ModuleType:
    # Imported on first use: pytesseract imports pandas, which would add most of a second
    # to every dpscan start (even --help) for a feature that is off by default.
    import pytesseract

    return pytesseract


@dataclass(frozen=True, slots=True)
class _Probe:
    problem: str | None  # why OCR cannot run here; None when it can
    version: str | None


@functools.cache
def _probe() -> _Probe:
    """Find Tesseract, its version and its English data.  Runs it twice, once per process."""
    pytesseract = _pytesseract()
    command = pytesseract.pytesseract.tesseract_cmd
    if shutil.which(command) is None:
        return _Probe(f"OCR needs the tesseract program, which was not found: {_INSTALL_HINT}",
                      None)
    try:
        version = pytesseract.get_tesseract_version()
        languages = pytesseract.get_languages()
    # pytesseract exits (SystemExit) on a version string it cannot parse.
    except (OSError, subprocess.CalledProcessError, SystemExit) as exc:
        return _Probe(f"OCR needs a working tesseract program ({command}: {exc}): "
                      f"{_INSTALL_HINT}", None)
    if version.major < 4:
        # Tesseract 3 has none of the LSTM recogniser the English data is trained for.
        return _Probe(f"OCR needs tesseract 4 or later, found {version}: {_INSTALL_HINT}",
                      str(version))
    if LANG not in languages:
        return _Probe(f"OCR needs Tesseract's English data ({LANG!r} is not among "
                      f"{', '.join(languages) or 'no languages'}): {_INSTALL_HINT}",
                      str(version))
    return _Probe(None, str(version))


def tesseract_available() -> bool:
    """True when Tesseract 4+ and its English data are installed (checked once, cached)."""
    return _probe().problem is None


def tesseract_version() -> str | None:
    """The installed Tesseract's version (e.g. ``5.3.0``), for the scan's provenance."""
    return _probe().version


def require_tesseract() -> None:
    """Raise :class:`OcrUnavailable`, saying what to install, unless OCR can run."""
    problem = _probe().problem
    if problem is not None:
        raise OcrUnavailable(problem)


def _grayscale(image: Image.Image) -> Image.Image:
    """``image`` as 8-bit grey on white, the input Tesseract reads best and fastest."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent pixels are black underneath: flatten onto white, or text drawn on a
        # transparent background would vanish.
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        # 16-bit and float scans: a plain convert("L") clips everything above 255 to white.
        floats = image.convert("F")
        # One band, so (min, max); Pillow's hints also allow the per-band tuples.
        low, high = cast(tuple[float, float], floats.getextrema())
        scale = 255.0 / (high - low) if high > low else 1.0
        image = floats.point(lambda v: v * scale - low * scale)
    return image if image.mode == "L" else image.convert("L")


def ocr_image(image: Image.Image, *, timeout: float) -> str:
    """The text Tesseract reads in ``image`` (English), within ``timeout`` seconds.

    ``image.info["dpi"]``, when set, is given to Tesseract as the true resolution: set it
    only when it is known (rendered PDF pages).  Without it Tesseract estimates the
    resolution from the text, which is safer than a file's own claim.

    Raises :class:`OcrUnavailable` when Tesseract is not installed, :class:`OcrTimeout`
    when it does not finish in time (the process is killed) or ``timeout`` is not
    positive, and :class:`OcrFailed` when it rejects the image.
    """
    require_tesseract()
    if timeout <= 0:
        raise OcrTimeout(timeout)
    pytesseract = _pytesseract()
    gray = _grayscale(image)
    if max(gray.size) > _TESSERACT_MAX_SIDE:
        # Not the image's own width and height: the file's numbers are not quoted.
        raise OcrFailed(f"the image is wider or taller than Tesseract reads "
                        f"({_TESSERACT_MAX_SIDE} pixels)")
    # Not pytesseract.image_to_string: it writes the image and the recognised text to the
    # shared system temp folder with the umask's permissions (often world-readable).
    # The private folder is created 0o700 and removed with its contents, also on timeout;
    # named after this process, so a later scan clears it if this worker is killed.
    with private_temp_dir("ocr") as private:
        source = os.path.join(private, "page.png")
        base = os.path.join(private, "page")
        dpi = image.info.get("dpi")
        extra = {"dpi": dpi} if dpi and min(dpi) > 0 else {}
        # compress_level=1: the file lives for one page; compressing harder only costs time.
        gray.save(source, format="PNG", compress_level=1, **extra)
        try:
            pytesseract.pytesseract.run_tesseract(source, base, "txt", LANG, timeout=timeout)
        except pytesseract.TesseractNotFoundError as exc:
            raise OcrUnavailable(f"tesseract could not be started: {_INSTALL_HINT}") from exc
        except pytesseract.TesseractError as exc:
            raise OcrFailed(f"tesseract failed (exit {exc.status}): {exc.message}") from exc
        except RuntimeError as exc:
            # pytesseract signals its timeout (after killing Tesseract) as a bare RuntimeError.
            if "timeout" not in str(exc).lower():
                raise
            raise OcrTimeout(timeout) from exc
        with open(base + ".txt", encoding="utf-8", errors="replace") as output:
            return output.read()


@dataclass(frozen=True, slots=True)
class OcrText:
    """What OCR read from one file's pages (PDF pages or image frames) within its budget."""

    text: str
    truncated: bool  # stopped at max_text_chars (flag text_truncated)
    pages_read: int
    pages_total: int
    timed_out: bool  # the ocr_seconds budget ran out before the last page
    seconds_limit: float

    @property
    def notice(self) -> str | None:
        """The limit that stopped OCR, with its value, for the file's record; else None."""
        if not self.timed_out:
            return None
        return (f"partly read: OCR read {self.pages_read} of {self.pages_total} pages "
                f"before the ocr_seconds limit ({self.seconds_limit:g} s)")

    def extracted(self, **extras: Unpack[ExtractedExtras]) -> ExtractedText:
        """This text as an extractor's result, with ``extras`` set on it."""
        result = ExtractedText(text=self.text, truncated=self.truncated, **extras)
        if self.timed_out:
            result.flags.append(OCR_INCOMPLETE)
            result.notice = self.notice
        return result



def ocr_pages(pages: Iterable[Image.Image], total: int, limits: Limits) -> OcrText:
    """OCR ``pages`` in order until done, out of time, or out of text room.

    ``pages`` may be lazy (rendered or decoded on demand): the budget of
    ``limits.ocr_seconds`` is wall-clock time from this call, so producing the pages counts
    against it too.  A page cut off by the budget is not counted as read.
    """
    seconds = float(limits.ocr_seconds)
    deadline = _clock() + seconds
    buffer = TextBuffer(limits.max_text_chars)
    read = 0
    timed_out = False
    iterator: Iterator[Image.Image] = iter(pages)
    while not buffer.full:
        remaining = deadline - _clock()
        if remaining <= 0:
            # Checked before producing the next page, so no page is rendered in vain.
            timed_out = read < total
            break
        page = next(iterator, None)
        if page is None:
            break
        try:
            text = ocr_image(page, timeout=deadline - _clock())
        except OcrTimeout:
            timed_out = True
            break
        read += 1
        buffer.add(text.strip())
    return OcrText(text=buffer.result().text, truncated=buffer.truncated,
                   pages_read=read, pages_total=total, timed_out=timed_out,
                   seconds_limit=seconds)


def _render_scale(width: float, height: float) -> float:
    """Scale from PDF points to pixels: PDF_DPI, or less for pages too large to render."""
    scale = PDF_DPI / 72
    pixels = width * height * scale * scale
    if pixels > MAX_RENDER_PIXELS:
        scale *= (MAX_RENDER_PIXELS / pixels) ** 0.5
    longest = max(width, height) * scale
    if longest > _TESSERACT_MAX_SIDE:
        scale *= _TESSERACT_MAX_SIDE / longest
    return scale


def ocr_pdf(handle: BinaryIO, limits: Limits) -> OcrText:
    """OCR every page of the PDF in ``handle``, rendered at :data:`PDF_DPI`, within budget.

    Meant for PDFs without a text layer (scanned pages).  Pages are rendered one at a time
    with PDFium (pypdfium2) and read in order until the ``ocr_seconds`` budget is spent;
    :attr:`OcrText.pages_read` and :attr:`OcrText.notice` say how far it got.  Raises
    :class:`OcrUnavailable` when Tesseract is missing, and PDFium's error for a PDF it
    cannot open.  A PDF that needs a user password must be refused before this is called.
    """
    require_tesseract()
    import pypdfium2  # on first use, like pytesseract: OCR is off by default

    # PDFium reads the handle by offset, so wherever pdfminer left it does not matter.
    document = pypdfium2.PdfDocument(handle)
    try:
        total = len(document)

        def rendered() -> Iterator[Image.Image]:
            for index in range(total):
                page = document[index]
                try:
                    width, height = page.get_size()
                    scale = _render_scale(width, height)
                    image = page.render(scale=scale, grayscale=True).to_pil()
                finally:
                    page.close()
                # Tells Tesseract the real resolution instead of letting it guess.
                dpi = round(scale * 72)
                image.info["dpi"] = (dpi, dpi)
                yield image

        return ocr_pages(rendered(), total, limits)
    finally:
        document.close()


__all__ = [
    "OCR_INCOMPLETE",
    "OcrFailed",
    "OcrText",
    "OcrTimeout",
    "OcrUnavailable",
    "ocr_image",
    "ocr_pages",
    "ocr_pdf",
    "require_tesseract",
    "tesseract_available",
    "tesseract_version",
]
