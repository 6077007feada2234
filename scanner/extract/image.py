"""Images (PNG, JPEG, TIFF, BMP, GIF, WebP): text by OCR when it is enabled, else a flag.

A photographed or scanned letter is an image: without OCR its text cannot be read, so the
file gets the ``no_text_layer`` flag and the DPO knows it was not read.  With OCR, Pillow
decodes the image (never beyond :data:`MAX_IMAGE_PIXELS`) and Tesseract reads it within
the per-file ``ocr_seconds`` budget; a multi-page TIFF is read page by page.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import BinaryIO

from PIL import Image, ImageOps

from dpscan.model.extraction import ExtractedText, LimitExceeded, Limits
from dpscan.model.ids import Flag
from dpscan.scanner.extract.ocr import ocr_pages, require_tesseract

# Decoded images are held in memory: at most this many pixels (an A3 page scanned at
# 600 dpi has 70 M).  Below Pillow's own bomb bound (89 M warns, 179 M refuses), so this
# check, not Pillow's global setting, decides, and nothing process-wide is changed.
MAX_IMAGE_PIXELS = 80_000_000

# The Pillow formats behind the mimes of this extractor's row in dpscan.scanner.formats.
# Limiting Image.open to them keeps Pillow's other plugins (EPS runs Ghostscript) out of reach of
# a file that merely claims to be an image.  (JPEG also opens multi-picture MPO files.)
_FORMATS = ("PNG", "JPEG", "TIFF", "BMP", "DIB", "GIF", "WEBP")


class ImageTooLarge(LimitExceeded):
    """The image has more pixels than :data:`MAX_IMAGE_PIXELS`: it is not decoded."""


def _too_large() -> ImageTooLarge:
    # The width and height the file declares are not quoted: they are the file's own
    # numbers (up to ten digits), and the record's message is shown in every report.
    return ImageTooLarge(f"not read: the image is over the max_image_pixels limit "
                         f"({MAX_IMAGE_PIXELS} pixels)")


def _check_pixels(size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_IMAGE_PIXELS:
        raise _too_large()


def _open(handle: BinaryIO) -> Image.Image:
    """Open ``handle`` with Pillow (header only), refusing decompression bombs."""
    with warnings.catch_warnings():
        # Between its two bounds Pillow only warns, once per process, on stderr; as an error
        # it ends up on this file's record instead.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(handle, formats=_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _too_large() from exc
    _check_pixels(image.size)
    return image


def _frames(image: Image.Image, count: int) -> Iterator[Image.Image]:
    """The first ``count`` frames, each decoded only when asked for and upright."""
    for index in range(count):
        if index:
            image.seek(index)
            _check_pixels(image.size)  # every TIFF page declares its own size
        # Phone photos of letters are often stored sideways with an EXIF rotation.
        frame = ImageOps.exif_transpose(image)
        # A file's dpi is often wrong (phones write 72, some scanners 600 whatever they
        # did), and Tesseract given a too-high dpi can read nothing at all; left out, it
        # estimates the resolution from the text.
        frame.info.pop("dpi", None)
        yield frame


def extract_image(handle: BinaryIO, limits: Limits) -> ExtractedText:
    """Text read by OCR from an image, or no text and the ``no_text_layer`` flag.

    OCR runs only when ``limits.ocr`` is true; it reads every page of a TIFF (other
    formats: the first frame, since animation frames repeat the picture) until the
    ``ocr_seconds`` budget is spent, then adds the ``ocr_incomplete`` flag.  Raises
    :class:`ImageTooLarge` for an image over :data:`MAX_IMAGE_PIXELS`,
    :class:`~dpscan.scanner.extract.ocr.OcrUnavailable` when Tesseract is missing, and Pillow's
    error for a corrupt image.
    """
    if not limits.ocr:
        return ExtractedText(text="", flags=[Flag.NO_TEXT_LAYER])
    require_tesseract()  # before decoding anything: a missing program is not the file's fault
    with _open(handle) as image:
        count = getattr(image, "n_frames", 1) if image.format == "TIFF" else 1
        return ocr_pages(_frames(image, count), count, limits).extracted()


__all__ = ["MAX_IMAGE_PIXELS", "ImageTooLarge", "extract_image"]
