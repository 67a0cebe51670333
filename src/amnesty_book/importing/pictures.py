"""The document's pictures as the book's plates: each saved in images/ under its plate's name,
as a JPEG or PNG (converted when Word held another format, a stand-in when it cannot be), and
the manifest's entry with its caption, description, a credit to fill in and its source."""

from __future__ import annotations

import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

import yaml
from PIL import Image, UnidentifiedImageError

from amnesty_book.importing.markdown_writer import PlateDraft, escape
from amnesty_book.project.scaffold import ALT_TO_COME, CREDIT_TO_COME, stand_in
from amnesty_book.readers.plates import MAX_IMAGE_PIXELS, PLATE_MODES, comparable

# The long side a scan needs to print sharp at any plate size (docs/authoring.md).
_PRINT_PIXELS = 2400
_PPI = 300

_HEADER = """\
# The plates, imported from {source}: one entry each, placed in the manuscript with
# '::: plate ID' where the picture stood. Write each one's credit (the holder of the image)
# and, where it says so, its description for readers who cannot see it; lint reports what
# is still to come.
"""


@dataclass(frozen=True)
class Problem:
    """What is wrong with a picture, for the report: the plate and why."""

    plate: str
    detail: str


def save(plates: list[PlateDraft], folder: Path, source_name: str) -> tuple[str, list[Problem]]:
    """Saves each plate's picture into `folder` (images/); the manifest's text and the problems."""
    folder.mkdir(parents=True, exist_ok=True)
    problems: list[Problem] = []
    entries = []
    for plate in plates:
        name, detail = _picture(plate, folder)
        if detail:
            problems.append(Problem(plate.id, detail))
        alt = plate.alt
        if not alt or comparable(alt) == comparable(plate.caption):
            problems.append(
                Problem(plate.id, "no description in the document (Word's alt text): write its 'alt'")
            )
            alt = ALT_TO_COME
        entries.append(
            {
                "id": plate.id,
                "file": name,
                "caption": plate.caption,
                "credit": CREDIT_TO_COME,
                "alt": alt,
                "source": f"The manuscript, {escape(source_name)}",
            }
        )
    text = (
        _HEADER.format(source=source_name)
        + "\n"
        + "\n".join(
            yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=1_000_000) for entry in entries
        )
    )
    return text, problems


def _picture(plate: PlateDraft, folder: Path) -> tuple[str, str]:
    """The picture saved under the plate's id: its file name, and what is wrong with it."""
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(plate.image) as image:
                size, kind, mode = image.size, image.format, image.mode
                # decoded to find a damaged file; a JPEG at an eighth of its size, for speed
                image.draft(mode, (max(1, size[0] // 8), max(1, size[1] // 8)))
                image.load()
            if kind in ("JPEG", "PNG") and mode in PLATE_MODES:
                name = f"{plate.id}.{'jpg' if kind == 'JPEG' else 'png'}"
                shutil.copyfile(plate.image, folder / name)
                detail = ""
            else:
                with Image.open(plate.image) as image:
                    if mode == "CMYK":
                        name = f"{plate.id}.jpg"
                        image.save(folder / name, "JPEG", quality=95)
                        detail = f"converted from {kind} to JPEG"
                    else:
                        name = f"{plate.id}.png"
                        png = mode in ("1", "L", "LA", "P", "RGB", "RGBA")
                        (image if png else image.convert("RGBA")).save(folder / name, "PNG")
                        detail = f"converted from {kind} to PNG"
    except (
        OSError,
        UnidentifiedImageError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        name = f"{plate.id}.jpg"
        stand_in(folder / name, "picture to replace")
        return name, (
            f"the picture ({plate.image.suffix.lstrip('.').upper() or 'unknown'} format) cannot be used: "
            f"a stand-in is in its place; replace {name} with a JPEG or PNG scan"
        )
    if max(size) < _PRINT_PIXELS:
        inches = max(size) / _PPI
        low = (
            f"{size[0]} × {size[1]} pixels: it prints sharp (300 ppi) only up to {inches * 25.4:.0f} mm "
            f"on its long side; ask for a scan of at least {_PRINT_PIXELS} pixels"
        )
        detail = f"{detail}; {low}" if detail else low
    return name, detail
