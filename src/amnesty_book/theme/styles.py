"""The stylesheet of each edition: the book's @font-face rules, the packaged CSS, the project's own."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from amnesty_book.model import Book, FontFace
from amnesty_book.project.config import Edition
from amnesty_book.project.source_files import STYLES
from amnesty_book.theme.page_geometry import page_css
from amnesty_book.theme.project_styles import project_css

_FORMAT_SHEETS = {
    "html": ("base.css", "timeline.css", "screen.css"),
    "pdf": ("base.css", "timeline.css", "print.css"),
    "epub": ("base.css", "timeline.css", "epub.css"),
}
# A file name in the web edition and the EPUB is a URL: an EPUB allows no space in it.
_NOT_IN_FILE_NAMES = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class Stylesheet:
    css: str
    # The files the project's stylesheets use (fonts, images), by their names under styles/.
    assets: Mapping[str, Path]


# The width of a figure in the note's type, in ems (lining figures are about half an em),
# and the space a number of two figures or more wants before its note's text.
_FIGURE_EM, _GAP_EM = 0.6, 0.2


def paged_stylesheet(book: Book, edition: Edition) -> Stylesheet:
    """The stylesheet of a paged edition, as WeasyPrint reads it: fonts and assets by file URL."""
    styles = book.root / STYLES
    return stylesheet(
        book, edition, lambda face: face.path.as_uri(), lambda name: styles.joinpath(name).as_uri()
    )


def stylesheet(
    book: Book, edition: Edition, font_url: Callable[[FontFace], str], asset_url: Callable[[str], str]
) -> Stylesheet:
    """One stylesheet for the edition, the book's faces first: the packaged sheets of its format;
    for a paged edition its page's design (paper, margins, type size) and the packaged sheet of
    its kind (handout.css); then the project's own (project_styles.py), so that its rules win.
    `asset_url` gives the URL of a file the project's stylesheets use, from its name under styles/."""
    family = book.config.fonts.family
    faces = [
        f'@font-face {{ font-family: "{family}"; font-style: {face.style}; '
        f'font-weight: {face.weight}; src: url("{font_url(face)}"); }}'
        for face in book.fonts
    ]
    body = f'body {{ font-family: "{family}", serif; }}'
    packaged = files("amnesty_book.theme").joinpath("css")
    sheets = [packaged.joinpath(name).read_text("utf-8") for name in _FORMAT_SHEETS[edition.format]]
    if edition.paged:
        # Running heads and folios live in the page's margin boxes, outside body.
        body += f'\n@page {{ font-family: "{family}", serif; }}'
        own = packaged.joinpath(f"{edition.kind}.css")
        sheets += [
            page_css(edition),
            _note_hang(book),
            _chapter_openings(book),
            *([own.read_text("utf-8")] if own.is_file() else []),
        ]
    project = project_css(book.root, edition, asset_url)
    return Stylesheet("\n".join([*faces, body, *sheets, project.text]), project.assets)


def _chapter_openings(book: Book) -> str:
    """In a book of several chapters, each opens a quarter of the way down its page (sunk), and
    each after the first on a right-hand page, as book.toml's [layout] chapters_open asks by
    default (print.css opens each on a page, and the first on the right). The text block's
    height is page_geometry.py's."""
    if len(book.chapters) < 2:
        return ""
    rules = [".chapter-title { padding-top: calc(var(--text-block-height) / 4); }"]
    if book.config.layout.chapters_open == "right":
        rules.append(".chapter + .chapter { break-before: right; }")
    return "\n".join(rules)


def _note_hang(book: Book) -> str:
    """The page-bottom notes' numbers hang in the margin of the note area (print.css), in
    room for one figure and its point; a book of ten notes or more widens it to its longest
    number and a space, which would otherwise touch the note ("10.Nowak") or break in two
    ("40" over "5.")."""
    figures = len(str(len(book.notes)))
    if figures < 2:
        return ""
    hang = f"{1.4 + _FIGURE_EM * (figures - 2) + _GAP_EM:.2f}em"
    return (
        f".footnote {{ margin-left: {hang}; }}\n"
        f".footnote::footnote-marker {{ width: {hang}; margin-left: -{hang}; }}"
    )


def font_files(book: Book) -> dict[Path, str]:
    """The name each of the book's font files takes in the web edition and the EPUB: its own,
    with any character a URL would have to escape made '-', and numbered if two come out alike."""
    names: dict[Path, str] = {}
    for face in book.fonts:
        if face.path not in names:
            name = _NOT_IN_FILE_NAMES.sub("-", face.path.name)
            names[face.path] = f"{len(names) + 1}-{name}" if name in names.values() else name
    return names
