"""Reads book.toml into a frozen BookConfig; every key is checked, unknown keys are errors."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from .errors import BookError, Problems, SourceLocation
from .labels import SUPPORTED_LANGUAGES, labels_for
from .sources import Project

CONFIG_NAME = "book.toml"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A font family name goes into the stylesheets in quotes: nothing that could end them.
_FAMILY = re.compile(r"\w[\w .'-]*")


@dataclass(frozen=True)
class Publication:
    publisher: str
    date: date


@dataclass(frozen=True)
class Fonts:
    """The book face: one family in four styles, paths relative to the project folder."""

    family: str
    regular: str
    italic: str
    bold: str
    bold_italic: str
    licence: str

    @property
    def faces(self) -> tuple[tuple[str, str, str], ...]:
        """(path, CSS font-style, CSS font-weight) of each face; the paths are empty where
        book.toml names no faces (the builder's own: PACKAGED_FACES)."""
        return (
            (self.regular, "normal", "normal"),
            (self.italic, "italic", "normal"),
            (self.bold, "normal", "bold"),
            (self.bold_italic, "italic", "bold"),
        )


# The builder's own face, for a book that names none in book.toml: Charis SIL (SIL Open
# Font License), in the order of Fonts.faces.
PACKAGED_FACES = tuple(
    Path(str(files("amnesty_book").joinpath("fonts", f"CharisSIL-{style}.ttf")))
    for style in ("Regular", "Italic", "Bold", "BoldItalic")
)
POINTS_PER_MM = 72 / 25.4
# A printed plate with fewer pixels per inch than this looks soft.
MINIMUM_PPI = 300
# Paper sizes the editions may name: CSS page size and (width, height) in mm.
PAPERS: dict[str, tuple[str, tuple[float, float]]] = {
    "A4": ("A4", (210.0, 297.0)),
    "Letter": ("letter", (215.9, 279.4)),
    "A5": ("A5", (148.0, 210.0)),
    "Half-Letter": ("5.5in 8.5in", (139.7, 215.9)),
}
# A handout is folded: its pages are half of the sheet the config names.
HALF_SHEET = {"A4": "A5", "Letter": "Half-Letter"}
# Kind of edition -> the paper it takes when the config names none (None: not paged).
EDITION_KINDS: dict[str, str | None] = {
    "web": None,
    "epub": None,
    "reader": "A4",
    "press": "A4",
    "handout": "A4",
    "archive": "A4",
}
GRAYSCALE_KINDS = frozenset({"handout"})
DEFAULT_EDITIONS: dict[str, dict[str, str]] = {
    "web": {"kind": "web"},
    "epub": {"kind": "epub"},
    "reader-a4": {"kind": "reader", "paper": "A4"},
    "reader-letter": {"kind": "reader", "paper": "Letter"},
    "press": {"kind": "press", "paper": "A4"},
    "handout-a4": {"kind": "handout", "paper": "A4"},
    "handout-letter": {"kind": "handout", "paper": "Letter"},
    "archive": {"kind": "archive", "paper": "A4"},
}


@dataclass(frozen=True)
class Edition:
    """One output of the book: what kind of writer makes it, and on what paper."""

    name: str
    kind: str
    paper: str | None  # the trim size; for a handout, the sheet it is printed on

    @property
    def page_size(self) -> str:
        """The paper each page is laid out on (a handout's pages are half its sheet)."""
        paper = self.paper or "A4"
        return HALF_SHEET[paper] if self.kind == "handout" else paper

    @property
    def paged(self) -> bool:
        return EDITION_KINDS[self.kind] is not None

    @property
    def colour(self) -> str:
        return "grayscale" if self.kind in GRAYSCALE_KINDS else "colour"

    def output_name(self, slug: str) -> str:
        """The file (or folder, for the web edition) the edition is written to."""
        return {"web": f"{slug}-web", "epub": f"{slug}.epub"}.get(self.kind, f"{slug}-{self.name}.pdf")


@dataclass(frozen=True)
class BookConfig:
    """The book's metadata and the paths of its sources (relative to the project folder)."""

    title: str
    author: str
    author_file_as: str
    language: str
    identifier: str
    slug: str
    description: str
    subjects: tuple[str, ...]
    rights: str
    edition_date: date
    first_publication: Publication | None
    # Each a file, or a folder whose Markdown files are read in name order.
    manuscript: tuple[str, ...]
    # None where book.toml names none: the default file is then read if it exists.
    plates: str | None
    timeline: str | None
    fonts: Fonts
    editions: tuple[Edition, ...]
    # The timeline `source` that marks an entry as the book's own text (any other is the editor's).
    own_source: str = "text"
    # [labels] of book.toml: the builder's words (labels.py) this book words its own way.
    label_overrides: tuple[tuple[str, str], ...] = ()
    # "section.key" -> its line in book.toml, for messages about the files the keys name
    key_lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    @property
    def labels(self) -> Mapping[str, str]:
        """The words the builder prints in this book: its language's, with the book's own."""
        return {**labels_for(self.language), **dict(self.label_overrides)}

    def location(self, section: str, key: str) -> SourceLocation:
        """Where `key` of `[section]` is written in book.toml (the file alone if it is not)."""
        return SourceLocation(Path(CONFIG_NAME), dict(self.key_lines).get(f"{section}.{key}"))


class _Paths(list[str]):
    """The type of a key that takes one path or a list of them."""


# section -> key -> (type, required, default)
_SCHEMA: dict[str, dict[str, tuple[type, bool, Any]]] = {
    "book": {
        "title": (str, True, None),
        "author": (str, True, None),
        "author_file_as": (str, False, ""),
        "language": (str, True, None),
        "identifier": (str, True, None),
        "slug": (str, True, None),
        "description": (str, False, ""),
        "subjects": (list, False, []),
        "rights": (str, False, ""),
        "edition_date": (date, True, None),
    },
    "first_publication": {
        "publisher": (str, True, None),
        "date": (date, True, None),
    },
    "sources": {
        "manuscript": (_Paths, False, ["manuscript"]),
        "plates": (str, False, None),
        "timeline": (str, False, None),
    },
    "timeline": {
        "own_source": (str, False, "text"),
    },
    "fonts": {
        "family": (str, False, "Charis SIL"),
        # The four faces, paths in the project; none named: the builder's own Charis SIL.
        "regular": (str, False, ""),
        "italic": (str, False, ""),
        "bold": (str, False, ""),
        "bold_italic": (str, False, ""),
        "licence": (str, False, "SIL Open Font License 1.1"),
    },
}
_REQUIRED_SECTIONS = {"book"}
# The files read where book.toml names no plates or timeline, if they exist.
SOURCE_DEFAULTS: dict[str, str] = {"plates": "images/plates.yaml", "timeline": "manuscript/timeline.yaml"}
_EDITION_KEYS: dict[str, tuple[type, bool, Any]] = {"kind": (str, True, None), "paper": (str, False, None)}


def load_config(project: Project) -> BookConfig:
    path = project.root / CONFIG_NAME
    if not path.is_file():
        raise BookError.at(
            SourceLocation(Path(CONFIG_NAME)),
            f"no {CONFIG_NAME} in the project folder; create it (see the README) or pass --project",
        )
    text = project.read_text(path)
    try:
        raw = tomllib.loads(text)
    except RecursionError:
        raise BookError.at(project.location(path), "arrays or tables nest too deeply; fix it") from None
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        line = int(match.group(1)) if match else None
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise BookError.at(
            project.location(path, line), f"not valid TOML ({reason}); fix the syntax"
        ) from None
    return _build_config(raw, text, project.location(path))


def _line_of(text: str, section: str, key: str | None) -> int | None:
    """Line of `[section]`, or of `key = ...` inside it (tomllib gives no positions)."""
    current = ""
    for number, line in enumerate(text.split("\n"), start=1):  # TOML's lines end only at \n
        stripped = line.strip()
        header = re.fullmatch(r"\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1)
            if key is None and current == section:
                return number
        elif key is not None and current == section and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return None


def _build_config(raw: dict[str, Any], text: str, file: SourceLocation) -> BookConfig:
    problems = Problems()

    def at(section: str, key: str | None = None) -> SourceLocation:
        return SourceLocation(file.path, _line_of(text, section, key))

    values: dict[str, dict[str, Any]] = {}
    for section, content in raw.items():
        if section not in _SCHEMA and section not in ("editions", "labels"):
            known = ", ".join(f"[{name}]" for name in (*_SCHEMA, "labels", "editions.NAME"))
            problems.add(at(section), f"unknown section [{section}]; the sections are {known}")
        elif not isinstance(content, dict):
            problems.add(at(section, section), f"'{section}' must be a section [{section}]")
    for section, keys in _SCHEMA.items():
        content = raw.get(section)
        if not isinstance(content, dict):
            if section in _REQUIRED_SECTIONS and section not in raw:  # not a table: reported above
                problems.add(file, f"the section [{section}] is missing; add it")
            # An absent optional section takes its defaults, or is None if it has required keys.
            all_optional = not any(required for _, required, _ in keys.values())
            values[section] = {key: default for key, (_, _, default) in keys.items()} if all_optional else {}
            continue
        values[section] = _section(content, section, keys, at, problems)
    language = values["book"].get("language")
    if isinstance(language, str) and language not in SUPPORTED_LANGUAGES:
        problems.add(
            at("book", "language"),
            f"language '{language}' is not supported; use one of {', '.join(SUPPORTED_LANGUAGES)}",
        )
    slug = values["book"].get("slug")
    if isinstance(slug, str) and not _SLUG.fullmatch(slug):
        problems.add(
            at("book", "slug"),
            f"slug '{slug}' must be lower-case letters, digits and single hyphens (it names the files)",
        )
    named = [key for key in ("regular", "italic", "bold", "bold_italic") if values["fonts"].get(key)]
    if named and len(named) < 4:
        problems.add(
            at("fonts", named[0]),
            "name all four faces of the family (regular, italic, bold, bold_italic), or none for the "
            "builder's own Charis SIL",
        )
    # The EPUB embeds its faces cut down to the characters it uses, and a WOFF cannot be cut.
    for key in named:
        if Path(values["fonts"][key]).suffix.lower() in (".woff", ".woff2"):
            problems.add(
                at("fonts", key),
                f"font '{values['fonts'][key]}' is packed for browsers (WOFF); "
                "name the .ttf or .otf file it was made from",
            )
    family = values["fonts"].get("family")
    if isinstance(family, str) and not _FAMILY.fullmatch(family):
        problems.add(
            at("fonts", "family"),
            "the font family may hold only letters, digits, spaces, hyphens, dots and apostrophes",
        )
    editions = _editions(raw.get("editions"), at, problems)
    overrides = _label_overrides(raw.get("labels"), at, problems)
    problems.raise_if_any()
    book, sources = values["book"], values["sources"]
    first = values["first_publication"]
    return BookConfig(
        title=book["title"],
        author=book["author"],
        author_file_as=book["author_file_as"] or book["author"],
        language=book["language"],
        identifier=book["identifier"],
        slug=book["slug"],
        description=book["description"],
        subjects=tuple(book["subjects"]),
        rights=book["rights"],
        edition_date=book["edition_date"],
        first_publication=Publication(**first) if first else None,
        manuscript=tuple(sources["manuscript"]),
        plates=sources["plates"],
        timeline=sources["timeline"],
        fonts=Fonts(**values["fonts"]),
        editions=editions,
        own_source=values["timeline"]["own_source"],
        label_overrides=overrides,
        key_lines=tuple(
            (f"{section}.{key}", line)
            for section in ("sources", "fonts")
            for key in _SCHEMA[section]
            if (line := _line_of(text, section, key)) is not None
        ),
    )


def page_source(config: BookConfig) -> Edition | None:
    """The reader edition whose pages the EPUB marks: the first the config declares."""
    return next((edition for edition in config.editions if edition.kind == "reader"), None)


def _section(
    content: dict[str, Any],
    section: str,
    keys: dict[str, tuple[type, bool, Any]],
    at: Callable[[str, str | None], SourceLocation],
    problems: Problems,
) -> dict[str, Any]:
    """The checked values of one table, every key known and of its type."""
    for key in content:
        if key not in keys:
            problems.add(
                at(section, key), f"unknown key '{key}' in [{section}]; the keys are {', '.join(keys)}"
            )
    return {
        key: _checked(content, section, key, spec, at(section, key if key in content else None), problems)
        for key, spec in keys.items()
    }


def _editions(
    raw: Any, at: Callable[[str, str | None], SourceLocation], problems: Problems
) -> tuple[Edition, ...]:
    """The editions the config declares ([editions.NAME] tables), or the default set."""
    if raw is None:
        raw = DEFAULT_EDITIONS
    if not isinstance(raw, dict) or not raw or not all(isinstance(table, dict) for table in raw.values()):
        problems.add(at("editions", None), "declare each edition as a table [editions.NAME] with a 'kind'")
        return ()
    editions = []
    for name, table in raw.items():
        section = f"editions.{name}"
        if not _SLUG.fullmatch(name):
            problems.add(
                at(section, None), f"edition name '{name}' must be lower-case letters, digits, hyphens"
            )
        values = _section(table, section, _EDITION_KEYS, at, problems)
        kind, paper = values["kind"], values["paper"]
        if kind is not None and kind not in EDITION_KINDS:
            problems.add(
                at(section, "kind"), f"unknown kind '{kind}'; the kinds are {', '.join(EDITION_KINDS)}"
            )
            continue
        if kind is None:
            continue
        papers = HALF_SHEET if kind == "handout" else PAPERS
        if paper is not None and (EDITION_KINDS[kind] is None or paper not in papers):
            allowed = f"one of {', '.join(papers)}" if EDITION_KINDS[kind] else "none (it is not paged)"
            problems.add(
                at(section, "paper"), f"paper '{paper}' does not fit a {kind} edition; use {allowed}"
            )
            continue
        editions.append(Edition(name, kind, paper or EDITION_KINDS[kind]))
    return tuple(editions)


def _label_overrides(
    raw: Any, at: Callable[[str, str | None], SourceLocation], problems: Problems
) -> tuple[tuple[str, str], ...]:
    """The [labels] table: builder's words by name, each replaced by the book's own text
    (an empty text leaves it out, where it is a sentence of its own)."""
    if raw is None or not isinstance(raw, dict):  # not a table: reported with the sections
        return ()
    known = labels_for("en")
    overrides = []
    for key, value in raw.items():
        if key not in known:
            problems.add(
                at("labels", key), f"unknown label '{key}' in [labels]; the labels are {', '.join(known)}"
            )
        elif not isinstance(value, str):
            problems.add(at("labels", key), f"label '{key}' must be a text in quotes")
        else:
            overrides.append((key, value.strip()))
    return tuple(overrides)


def _checked(
    content: dict[str, Any],
    section: str,
    key: str,
    spec: tuple[type, bool, Any],
    where: SourceLocation,
    problems: Problems,
) -> Any:
    kind, required, default = spec
    if key not in content:
        if required:
            problems.add(where, f"[{section}] needs '{key}'; add it")
        return default
    value = content[key]
    if kind is date and isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            problems.add(where, f"'{key}' must be a date written YYYY-MM-DD, not '{value}'")
            return default
    if kind is date and (not isinstance(value, date) or isinstance(value, datetime)):
        problems.add(where, f"'{key}' must be a date written YYYY-MM-DD")
        return default
    if kind is _Paths:
        paths = [value] if isinstance(value, str) else value
        if (
            not isinstance(paths, list)
            or not paths
            or not all(isinstance(p, str) and p.strip() for p in paths)
        ):
            problems.add(
                where, f'\'{key}\' must be a path in quotes, or a list of them, like ["one.md", "two.md"]'
            )
            return default
        return [path.strip() for path in paths]
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            problems.add(where, f'\'{key}\' must be a list of texts, like ["one", "two"]')
            return default
        return value
    if kind is str and not (isinstance(value, str) and value.strip()):
        problems.add(where, f"'{key}' must be a non-empty text in quotes")
        return default
    return value.strip() if isinstance(value, str) else value
