"""Writes the web edition: one HTML page with its stylesheet, fonts and screen-sized images."""

from __future__ import annotations

import shutil
from pathlib import Path

from amnesty_book.images.plates import screen_images
from amnesty_book.model import Book, Plate
from amnesty_book.project.config import Edition
from amnesty_book.project.source_files import STYLES
from amnesty_book.support.cache import DerivedFiles
from amnesty_book.theme.rendering import render
from amnesty_book.theme.styles import font_files, stylesheet


def write_web(book: Book, edition: Edition, out: Path) -> list[Path]:
    folder = out / edition.output_name(book.config.slug)
    (folder / "fonts").mkdir(parents=True)
    (folder / "images").mkdir()
    fonts = font_files(book)
    for path, name in fonts.items():
        shutil.copyfile(path, folder / "fonts" / name)
    styles = stylesheet(
        book, edition, lambda face: f"fonts/{fonts[face.path]}", lambda name: f"{STYLES}/{name}"
    )
    (folder / "style.css").write_text(styles.css, encoding="utf-8")
    # The fonts and images of the project's stylesheets, under the names they have in styles/.
    for name, path in styles.assets.items():
        (folder / STYLES / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, folder / STYLES / name)
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
