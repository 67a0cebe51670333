"""Prepares plate images for screens (web edition and EPUB): oriented, bounded, stripped of metadata."""

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
