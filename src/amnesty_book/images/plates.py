"""Prepares plate images: for screens (bounded, stripped of metadata), for print, in grey, and
in the print shop's CMYK.

Each prepared image is made once and kept by the content of its scan (cache.DerivedFiles).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from PIL import Image, ImageOps

from amnesty_book.images.cmyk import convert_to_cmyk
from amnesty_book.images.cover import cover_jpeg
from amnesty_book.images.pixels import in_srgb, is_ready, upright
from amnesty_book.model import Book, Plate
from amnesty_book.project.config import Edition, Press
from amnesty_book.project.edition_kinds import KINDS
from amnesty_book.support.cache import DerivedFiles

SCREEN_LONG_EDGE = 1600
JPEG_QUALITY = 82
PRINT_JPEG_QUALITY = 92


def screen_image(plate: Plate, derived: DerivedFiles) -> Path:
    """The plate for a screen: upright, opaque, in sRGB or grey, long edge at most 1600 px, a
    JPEG with no metadata.

    Scans of documents come as lossless PNG for print; on a screen a JPEG of the reduced
    image reads the same at a fraction of the size.
    """

    def make(target: Path) -> None:
        image = in_srgb(*upright(plate.file))
        image.thumbnail((SCREEN_LONG_EDGE, SCREEN_LONG_EDGE), Image.Resampling.LANCZOS)
        image.save(target, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)

    settings = f"{SCREEN_LONG_EDGE} {JPEG_QUALITY}"
    return derived.get("screen", [plate.file], settings, ".jpg", make)


def screen_images(plates: Sequence[Plate], derived: DerivedFiles) -> dict[str, Path]:
    """The screen image of each plate, by plate id, made in parallel threads (Pillow decodes,
    resizes and encodes without holding the interpreter)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        made = pool.map(partial(screen_image, derived=derived), plates)
        return dict(zip((plate.id for plate in plates), made, strict=True))


def print_image(plate: Plate, derived: DerivedFiles, grey: bool = False, lossless: bool = False) -> Path:
    """The plate at full resolution for a PDF, upright, opaque and in sRGB or grey: a JPEG of
    high quality, which the PDF embeds as it is (WeasyPrint would otherwise decode and
    recompress every PNG on each build), or, `lossless`, a PNG (for a print shop or an
    archive, from a PNG scan). `grey`, in shades of grey: in the image data itself, so that
    the PDF carries grey images (a CSS filter would leave colour for the printer driver).
    """

    def make(target: Path) -> None:
        image = in_srgb(*upright(plate.file))
        image = ImageOps.grayscale(image) if grey else image
        if lossless:
            image.save(target, "PNG")
        else:  # baseline, which every printer's interpreter reads
            image.save(target, "JPEG", quality=PRINT_JPEG_QUALITY, optimize=True)

    settings = f"{grey} {lossless} {PRINT_JPEG_QUALITY}"
    return derived.get("print", [plate.file], settings, ".png" if lossless else ".jpg", make)


def press_image(plate: Plate, derived: DerivedFiles, profile: Path, press: Press) -> Path:
    """The plate at full resolution in the press's CMYK (`profile`), converted as [press] says."""
    intent, compensation = press.rendering_intent, press.black_point_compensation
    return derived.get(
        "cmyk",
        [plate.file, profile],
        f"{intent} {compensation}",
        ".jpg",
        lambda target: convert_to_cmyk(plate.file, target, profile, intent, compensation),
    )


def print_images(book: Book, edition: Edition) -> dict[str, Path]:
    """The image each plate is printed from in a paged edition, by plate id (print_sources)."""
    derived = DerivedFiles(book.root)
    press = book.config.press

    def made(plate: Plate, source: str) -> Path:
        if source == "cmyk":
            return press_image(plate, derived, book.root / press.profile, press)
        if source == "scan":
            return plate.file
        return print_image(plate, derived, grey=source == "grey", lossless=source == "lossless")

    sources = print_sources(book, edition)
    return {plate.id: made(plate, sources[plate.id]) for plate in book.plates}


def print_sources(book: Book, edition: Edition) -> dict[str, str]:
    """What each plate is printed from in a paged edition, by plate id, known without making
    it, as its kind's plates_from says: "cmyk", the scan in the print shop's CMYK, for the
    press when the book names its profile; "scan", the scan itself, where it is ready to print
    as it is (pixels.is_ready), for the press and the archive, and for the others where it is
    a JPEG that need not turn grey; else a prepared image: "grey", "colour" (a JPEG), or for the
    press and the archive from a PNG scan, "lossless" (a PNG). Editions whose sources are
    equal print the same images."""
    grey = edition.colour == "grayscale"
    plates_from = KINDS[edition.kind].plates_from

    def source(plate: Plate) -> str:
        if plates_from == "press" and book.config.press.profile:
            return "cmyk"
        if grey:
            return "grey"
        jpeg = plate.file.suffix.lower() in {".jpg", ".jpeg"}
        if plates_from == "prepared":
            return "scan" if jpeg and is_ready(plate.file) else "colour"
        if is_ready(plate.file):
            return "scan"
        return "colour" if jpeg else "lossless"

    return {plate.id: source(plate) for plate in book.plates}


def print_ppi(book: Book, edition: Edition) -> int | None:
    """The most pixels per inch a plate is printed at in the edition: in a print file (the
    press, the handout, the archive), [press] max_ppi; in the others, as many as the scan has."""
    return book.config.press.max_ppi if KINDS[edition.kind].for_print else None


def prepare_images(book: Book, editions: Sequence[Edition]) -> None:
    """Makes every prepared image these editions will ask for, print images first (a layout
    waits for them), then screen images and the EPUB's cover, so that a build can make them
    while it does other work. One at a time: the build's own thread keeps a core."""
    derived = DerivedFiles(book.root)
    for edition in editions:
        if edition.paged:
            print_images(book, edition)
    if not all(edition.paged for edition in editions):
        screens = [screen_image(plate, derived) for plate in book.plates]
        if any(KINDS[edition.kind].cover for edition in editions):
            cover_jpeg(book, screens[0] if screens else None, derived)
