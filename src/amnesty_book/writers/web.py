"""Writes the web edition: one HTML page with its stylesheet, fonts and screen-sized images."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..cache import DerivedFiles
from ..config import Edition
from ..images import screen_image
from ..model import Book, Plate
from ..rendering import render
from ..styles import stylesheet


def write_web(book: Book, edition: Edition, out: Path) -> list[Path]:
    folder = out / edition.output_name(book.config.slug)
    (folder / "fonts").mkdir(parents=True)
    (folder / "images").mkdir()
    for face in book.fonts:
        shutil.copyfile(face.path, folder / "fonts" / face.path.name)
    (folder / "style.css").write_text(
        stylesheet(book, "html", lambda face: f"fonts/{face.path.name}"), encoding="utf-8"
    )
    images = {}
    derived = DerivedFiles(book.root)
    for plate in book.plates:
        images[plate.id] = f"{plate.id}.jpg"
        shutil.copyfile(screen_image(plate, derived), folder / "images" / images[plate.id])

    def image_src(plate: Plate) -> str:
        return f"images/{images[plate.id]}"

    html = render(
        "book.html.j2",
        book,
        edition,
        "html",
        href=lambda anchor: f"#{anchor}",
        image_src=image_src,
        stylesheets=["style.css"],
    )
    (folder / "index.html").write_text(html, encoding="utf-8")
    return [folder]
