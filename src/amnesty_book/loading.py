"""Reads every source of a project into the numbered Book, reporting all problems at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .config import CONFIG_NAME, load_config
from .errors import BookError, Problems
from .glyphs import check_font, check_glyphs
from .model import Book, FontFace
from .numbering import number_book
from .readers.manuscript import read_manuscript
from .readers.plates import read_plates
from .readers.timeline import read_timeline
from .sources import Project

# The keys of book.toml's [fonts] that name the faces, in the order of Fonts.faces.
_FONT_KEYS = ("regular", "italic", "bold", "bold_italic")


def load_book(root: Path) -> Book:
    project = Project(root.resolve())
    config = load_config(project)
    problems = Problems()
    readers: dict[str, Callable[[Project, Path], Any]] = {
        "manuscript": read_manuscript,
        "plates": read_plates,
        "timeline": read_timeline,
    }
    paths, read = {}, {}
    for key, reader in readers.items():  # each source read even if another is broken
        try:
            paths[key] = project.resolve(getattr(config, key), config.location("sources", key), key)
            read[key] = reader(project, paths[key])
        except BookError as error:
            problems.extend(error)
    fonts = []
    for key, (relative, style, weight) in zip(_FONT_KEYS, config.fonts.faces, strict=True):
        where = config.location("fonts", key)
        try:
            path = project.resolve(relative, where, "font")
            check_font(path, where, relative)
            fonts.append(FontFace(path, style, weight))
        except BookError as error:
            problems.extend(error)
    problems.raise_if_any()
    sources = (project.root / CONFIG_NAME, *paths.values())
    book = number_book(config, read["manuscript"], read["plates"], read["timeline"], tuple(fonts), sources)
    check_glyphs(book)
    return book
