"""Which files a book is read from: its manuscript's, and its plates manifest, timeline and
bibliography if it has them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from amnesty_book.project.appendix_kinds import APPENDICES
from amnesty_book.project.config import PACKAGED_FACES, SOURCE_DEFAULTS, BookConfig
from amnesty_book.project.sources import Project
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError, Problems

# The project's own look: stylesheets, templates, their fonts and images (theme/project_styles.py).
STYLES = "styles"


class NamedSources(Protocol):
    """What book.toml says of the sources (a BookConfig; the linter's guess at a broken one)."""

    @property
    def manuscript(self) -> tuple[str, ...]: ...
    @property
    def plates(self) -> str | None: ...
    @property
    def bibliography(self) -> str | None: ...
    def appendix_file(self, kind: str) -> str | None: ...
    def location(self, section: str, key: str) -> SourceLocation: ...


@dataclass(frozen=True)
class SourceFiles:
    manuscript: tuple[Path, ...]  # in reading order
    plates: Path | None
    appendices: tuple[tuple[str, Path], ...] = ()  # (kind, file) of each appendix the book has
    bibliography: Path | None = None

    @property
    def all(self) -> tuple[Path, ...]:
        return (
            *self.manuscript,
            *([self.plates] if self.plates else []),
            *(path for _, path in self.appendices),
            *([self.bibliography] if self.bibliography else []),
        )


def source_files(project: Project, config: NamedSources) -> SourceFiles:
    """The files book.toml names; where it names no plates manifest or no file of a kind of
    appendix (appendix_kinds.py), the default file if there is one, else none: the book has
    no plates, or no such appendix. A bibliography is read only where book.toml names one."""
    problems = Problems()
    manuscript: list[Path] = []
    for written in config.manuscript:
        try:
            manuscript += project.resolve_files(
                written, config.location("sources", "manuscript"), "manuscript", ".md"
            )
        except BookError as error:
            problems.extend(error)
    optional: dict[str, Path | None] = {}
    defaults = {**SOURCE_DEFAULTS, **{kind.name: kind.default_file for kind in APPENDICES.values()}}
    named = {"plates": config.plates, **{kind: config.appendix_file(kind) for kind in APPENDICES}}
    for key, written in {**named, "bibliography": config.bibliography}.items():
        try:
            if written is not None:
                optional[key] = project.resolve(written, config.location("sources", key), key)
            elif key in defaults and (project.root / defaults[key]).is_file():
                optional[key] = project.resolve(defaults[key], None, key)
            else:
                optional[key] = None
        except BookError as error:
            problems.extend(error)
    problems.raise_if_any()
    if len(set(manuscript)) < len(manuscript):
        raise BookError.at(
            config.location("sources", "manuscript"), "the manuscript names a file twice; name each file once"
        )
    appendices = tuple((kind, path) for kind in APPENDICES if (path := optional[kind]) is not None)
    return SourceFiles(tuple(manuscript), optional["plates"], appendices, optional["bibliography"])


# The keys of book.toml's [fonts] that name the faces, in the order of Fonts.faces.
FONT_KEYS = ("regular", "italic", "bold", "bold_italic")


def press_profile(project: Project, config: BookConfig) -> Path | None:
    """The print shop's CMYK profile [press] names, inside the project; none: no PDF/X."""
    where = config.location("press", "profile")
    return project.resolve(config.press.profile, where, "profile") if config.press.profile else None


def face_files(project: Project, config: BookConfig) -> tuple[Path, ...]:
    """The book face's four files, in the order of Fonts.faces: those [fonts] names, inside
    the project, or the builder's own Charis SIL."""
    problems = Problems()
    paths = []
    for key, (relative, _, _), packaged in zip(FONT_KEYS, config.fonts.faces, PACKAGED_FACES, strict=True):
        try:
            paths.append(
                project.resolve(relative, config.location("fonts", key), "font") if relative else packaged
            )
        except BookError as error:
            problems.extend(error)
    problems.raise_if_any()
    return tuple(paths)


def style_files(root: Path) -> list[Path]:
    """Every file of the project's styles/ folder (stylesheets, templates, fonts, images), in
    name order: an edition made with them is out of date when any changes, comes or goes.
    Hidden files (an editor's) and files outside the project are not read."""
    folder = root / STYLES
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
        and path.resolve().is_relative_to(root.resolve())
    )
