"""Draws the strip of page thumbnails shown in the README from the built A4 reader PDF.

Run after `make`: `make pages` (or `python scripts/make_page_strip.py` in the project's environment).
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
PDF = ROOT / "dist" / "amnesty-1941-reader-a4.pdf"
STRIP = ROOT / "images" / "readme" / "reader-a4-pages.png"
THUMB_HEIGHT = 300
GAP = 12


def main() -> None:
    if not PDF.is_file():
        raise SystemExit(f"{PDF.relative_to(ROOT)} is missing: run `make` first")
    document = pypdfium2.PdfDocument(PDF)
    thumbs = []
    for page in document:
        image = page.render(scale=THUMB_HEIGHT / page.get_height()).to_pil().convert("RGB")
        ImageDraw.Draw(image).rectangle((0, 0, image.width - 1, image.height - 1), outline=(150, 150, 150))
        thumbs.append(image)
    width = sum(thumb.width for thumb in thumbs) + GAP * (len(thumbs) + 1)
    strip = Image.new("RGB", (width, THUMB_HEIGHT + 2 * GAP), (236, 233, 226))
    x = GAP
    for thumb in thumbs:
        strip.paste(thumb, (x, GAP))
        x += thumb.width + GAP
    STRIP.parent.mkdir(parents=True, exist_ok=True)
    strip.save(STRIP, optimize=True)
    print(f"wrote {STRIP.relative_to(ROOT)} ({len(thumbs)} pages)")


if __name__ == "__main__":
    main()
