"""Draws the cover image from the book's title, author and lead plate, in the book's own face."""

from __future__ import annotations

import io
import textwrap

from PIL import Image, ImageDraw, ImageFont, ImageOps

from .model import Book

COVER_SIZE = (1600, 2400)
_INK = (245, 240, 228)
_GROUND = (38, 34, 30)


def cover_jpeg(book: Book) -> bytes:
    width, height = COVER_SIZE
    cover = Image.new("RGB", COVER_SIZE, _GROUND)
    if book.plates:
        with Image.open(book.plates[0].file) as plate:
            picture = ImageOps.fit(ImageOps.grayscale(ImageOps.exif_transpose(plate)), (width, height // 2))
        cover.paste(ImageOps.colorize(picture, black=(20, 18, 16), white=(214, 200, 176)), (0, height // 2))
    draw = ImageDraw.Draw(cover)
    regular = next(face.path for face in book.fonts if face.style == "normal" and face.weight == "normal")
    bold = next(
        (face.path for face in book.fonts if face.weight == "bold" and face.style == "normal"), regular
    )
    title_font = ImageFont.truetype(str(bold), 104)
    author_font = ImageFont.truetype(str(regular), 72)
    y = 220
    for line in textwrap.wrap(book.config.title, width=22):
        draw.text((width // 2, y), line, font=title_font, fill=_INK, anchor="ma")
        y += 132
    draw.line((width // 2 - 160, y + 60, width // 2 + 160, y + 60), fill=_INK, width=4)
    draw.text((width // 2, y + 130), book.config.author, font=author_font, fill=_INK, anchor="ma")
    buffer = io.BytesIO()
    cover.save(buffer, "JPEG", quality=88, optimize=True)
    return buffer.getvalue()
