"""Prepares plate images: for screens (bounded, stripped of metadata) and for grey printing."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

from .model import Plate

SCREEN_LONG_EDGE = 1600
JPEG_QUALITY = 82


def screen_image(plate: Plate, folder: Path) -> Path:
    """Writes the plate's screen image into `folder` as a JPEG named after the plate id.

    Scans of documents come as lossless PNG for print; on a screen a JPEG of the reduced
    image reads the same at a fraction of the size and encoding time.
    """
    target = folder / f"{plate.id}.jpg"
    with Image.open(plate.file) as original:
        image = ImageOps.exif_transpose(original)
        image.thumbnail((SCREEN_LONG_EDGE, SCREEN_LONG_EDGE), Image.Resampling.LANCZOS)
        grey = image.mode in {"L", "LA", "I", "I;16"}
        image.convert("L" if grey else "RGB").save(
            target, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
        )
    return target


def grayscale_image(plate: Plate, folder: Path) -> Path:
    """Writes the plate at full resolution in shades of grey, for printing without colour.

    The image data itself is converted, so that the PDF carries grey images (a CSS filter
    would leave colour data for the printer driver to handle).
    """
    with Image.open(plate.file) as original:
        image = ImageOps.grayscale(ImageOps.exif_transpose(original))
        if original.format == "PNG":
            target = folder / f"{plate.id}.png"
            image.save(target, "PNG", compress_level=6)
        else:
            target = folder / f"{plate.id}.jpg"
            image.save(target, "JPEG", quality=90)
    return target
