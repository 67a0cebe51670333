"""Reads every source of a project into the numbered Book, reporting all problems at once."""

from __future__ import annotations

from pathlib import Path

from .config import CONFIG_NAME, load_config
from .errors import BookError, Problems
from .glyphs import check_font, check_glyphs
from .model import Book, FontFace, TimelineEvent
from .numbering import number_book
from .readers.manuscript import Manuscript, read_manuscript
from .readers.plates import PlateEntry, read_plates
from .readers.timeline import read_timeline
from .sources import Project

# The keys of book.toml's [fonts] that name the faces, in the order of Fonts.faces.
_FONT_KEYS = ("regular", "italic", "bold", "bold_italic")


def load_book(root: Path) -> Book:
    project = Project(root.resolve())
    config = load_config(project)
    problems = Problems()
    manuscript: Manuscript | None = None
    plates: dict[str, PlateEntry] | None = None
    timeline: tuple[TimelineEvent, ...] | None = None
    paths = {}
    for key in ("manuscript", "plates", "timeline"):
        try:
            paths[key] = project.resolve(getattr(config, key), config.location("sources", key), key)
        except BookError as error:
            problems.extend(error)
    try:
        if "manuscript" in paths:
            manuscript = read_manuscript(project, paths["manuscript"])
    except BookError as error:
        problems.extend(error)
    try:
        if "plates" in paths:
            plates = read_plates(project, paths["plates"])
    except BookError as error:
        problems.extend(error)
    try:
        if "timeline" in paths:
            timeline = read_timeline(project, paths["timeline"])
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
    assert manuscript is not None and plates is not None and timeline is not None
    sources = (project.root / CONFIG_NAME, *paths.values())
    book = number_book(config, manuscript, plates, timeline, tuple(fonts), sources)
    check_glyphs(book)
    return book
