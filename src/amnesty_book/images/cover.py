"""Draws the cover image from the book's title, author and lead plate, in the book's own face."""

from __future__ import annotations

import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from amnesty_book.model import Book
from amnesty_book.support.cache import DerivedFiles

COVER_SIZE = (1600, 2400)
_INK = (26, 26, 26)
_PAPER = (253, 252, 249)
_RULE = (150, 150, 150)


def cover_jpeg(book: Book, lead_image: Path | None, derived: DerivedFiles) -> bytes:
    """The cover as the PDF's title page sets it (title in bold, author, first publication,
    centred on white), with `lead_image` (the first plate, prepared for screens) below.
    Drawn once and kept until the words, the faces or the image change."""
    publication = book.config.first_publication
    words = [book.config.title, book.config.author, publication.publisher if publication else ""]
    sources = [face.path for face in book.fonts] + ([lead_image] if lead_image else [])
    made = derived.get("cover", sources, repr(words), ".jpg", lambda target: _draw(book, lead_image, target))
    return made.read_bytes()


def _draw(book: Book, lead_image: Path | None, target: Path) -> None:
    width, height = COVER_SIZE
    cover = Image.new("RGB", COVER_SIZE, _PAPER)
    draw = ImageDraw.Draw(cover)
    regular = _face(book, "normal", "normal")
    title_font = ImageFont.truetype(str(_face(book, "normal", "bold") or regular), 100)
    author_font = ImageFont.truetype(str(regular), 66)
    small_font = ImageFont.truetype(str(_face(book, "italic", "normal") or regular), 40)
    y = 200
    for line in textwrap.wrap(book.config.title, width=24):
        draw.text((width // 2, y), line, font=title_font, fill=_INK, anchor="ma")
        y += 128
    draw.text((width // 2, y + 70), book.config.author, font=author_font, fill=_INK, anchor="ma")
    publication = book.config.first_publication
    if publication:
        draw.text((width // 2, y + 180), publication.publisher, font=small_font, fill=_INK, anchor="ma")
    if lead_image:
        top, margin = y + 320, 160
        with Image.open(lead_image) as plate:  # whole, never cropped
            picture = ImageOps.contain(plate.convert("RGB"), (width - 2 * margin, height - top - margin))
        left = (width - picture.width) // 2
        cover.paste(picture, (left, top))
        draw.rectangle(
            (left - 1, top - 1, left + picture.width, top + picture.height), outline=_RULE, width=2
        )
    cover.save(target, "JPEG", quality=88, optimize=True)


def _face(book: Book, style: str, weight: str) -> Path | None:
    return next((face.path for face in book.fonts if face.style == style and face.weight == weight), None)
