"""Writes the web edition: one HTML page with its stylesheet, fonts and screen-sized images."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..cache import DerivedFiles
from ..config import Edition
from ..images import screen_images
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
    for plate_id, prepared in screen_images(book.plates, DerivedFiles(book.root)).items():
        images[plate_id] = f"{plate_id}.jpg"
        shutil.copyfile(prepared, folder / "images" / images[plate_id])

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
