"""Draws a strip of page thumbnails for every paged edition built in dist/, for the README.

Each edition's strip goes to images/readme/<edition>-pages.png (the A4 reader's is the one the
README shows); a handout's strip shows its imposed sheets, as they come out of the printer.
Run after `make`: `make pages` (or `python scripts/make_page_strip.py` in the project's environment).
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2
from PIL import Image, ImageDraw

from amnesty_book.project.config import Edition, load_config
from amnesty_book.project.sources import Project

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
STRIPS = ROOT / "images" / "readme"
THUMB_HEIGHT = 300
GAP = 12


def main() -> None:
    config = load_config(Project(ROOT))
    paged = [edition for edition in config.editions if edition.paged]
    missing = [edition for edition in paged if not (DIST / edition.output_name(config.slug)).is_file()]
    if missing:
        names = ", ".join(edition.output_name(config.slug) for edition in missing)
        raise SystemExit(f"dist/ has no {names}: run `make` first")
    for edition in paged:
        strip = STRIPS / f"{edition.name}-pages.png"
        pages = draw_strip(DIST / edition.output_name(config.slug), strip)
        print(f"wrote {strip.relative_to(ROOT)} ({pages} {_unit(edition)})")


def draw_strip(pdf: Path, target: Path) -> int:
    """Every page of `pdf`, THUMB_HEIGHT pixels high, side by side; returns how many."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        thumbs = [_thumbnail(page) for page in document]
    finally:
        document.close()
    width = sum(thumb.width for thumb in thumbs) + GAP * (len(thumbs) + 1)
    strip = Image.new("RGB", (width, THUMB_HEIGHT + 2 * GAP), (236, 233, 226))
    x = GAP
    for thumb in thumbs:
        strip.paste(thumb, (x, GAP))
        x += thumb.width + GAP
    target.parent.mkdir(parents=True, exist_ok=True)
    strip.save(target, optimize=True)
    return len(thumbs)


def _thumbnail(page: pypdfium2.PdfPage) -> Image.Image:
    image = page.render(scale=THUMB_HEIGHT / page.get_height()).to_pil().convert("RGB")
    ImageDraw.Draw(image).rectangle((0, 0, image.width - 1, image.height - 1), outline=(150, 150, 150))
    return image


def _unit(edition: Edition) -> str:
    return "sheet sides" if edition.kind == "handout" else "pages"


if __name__ == "__main__":
    main()
