"""The stylesheets of each format: packaged CSS plus the @font-face rules of the book's fonts."""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files

from .model import Book, FontFace

_FORMAT_SHEETS = {
    "html": ("base.css", "timeline.css", "screen.css"),
    "pdf": ("base.css", "timeline.css", "print.css"),
    "epub": ("base.css", "timeline.css", "epub.css"),
}


def stylesheet(book: Book, format: str, font_url: Callable[[FontFace], str]) -> str:
    """One stylesheet for the format, the book's faces first."""
    family = book.config.fonts.family
    faces = [
        f'@font-face {{ font-family: "{family}"; font-style: {face.style}; '
        f'font-weight: {face.weight}; src: url("{font_url(face)}"); }}'
        for face in book.fonts
    ]
    body = f'body {{ font-family: "{family}", serif; }}'
    if format == "pdf":  # running heads and folios live in the page's margin boxes, outside body
        body += f'\n@page {{ font-family: "{family}", serif; }}'
    sheets = [
        files("amnesty_book").joinpath("css", name).read_text("utf-8") for name in _FORMAT_SHEETS[format]
    ]
    return "\n".join([*faces, body, *sheets])
