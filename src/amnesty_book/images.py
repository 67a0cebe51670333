"""Prepares plate images for screens (web edition and EPUB): oriented, bounded, stripped of metadata."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

from .model import Plate

SCREEN_LONG_EDGE = 1600
JPEG_QUALITY = 82


def screen_image(plate: Plate, folder: Path) -> Path:
    """Writes the plate's screen image into `folder`; its name keeps the plate id."""
    with Image.open(plate.file) as original:
        image = ImageOps.exif_transpose(original)
        image.thumbnail((SCREEN_LONG_EDGE, SCREEN_LONG_EDGE), Image.Resampling.LANCZOS)
        if original.format == "PNG":
            target = folder / f"{plate.id}.png"
            image.save(target, "PNG", optimize=True)
        else:
            target = folder / f"{plate.id}.jpg"
            image.convert("L" if image.mode in {"L", "LA"} else "RGB").save(
                target, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
            )
    return target
