"""Reads book.toml into a frozen BookConfig; every key is checked, unknown keys are errors."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any, NamedTuple, get_type_hints

from amnesty_book.project.appendix_kinds import APPENDICES, appendix_words
from amnesty_book.project.edition_kinds import HALF_SHEET, KINDS, edition_names
from amnesty_book.project.labels import SUPPORTED_LANGUAGES, labels_for
from amnesty_book.project.limits import long_text
from amnesty_book.project.sources import Project
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError, Problems

CONFIG_NAME = "book.toml"
# The file read where book.toml names no plates manifest, if it exists (an appendix's: its kind's).
SOURCE_DEFAULTS: dict[str, str] = {"plates": "images/plates.yaml"}
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A font family name goes into the stylesheets in quotes: nothing that could end them.
_FAMILY = re.compile(r"\w[\w .'-]*")


_REQUIRED: Any = object()


class Paths(tuple[str, ...]):
    """The type of a key that takes one path or a list of them."""


def key(section: str, doc: str, default: Any = _REQUIRED) -> Any:
    """A key of book.toml, declared once: the field that holds it, its section, what it means
    (`amnesty-book` and docs/book-toml.md say it), its type (the field's) and its default (none:
    the key must be given)."""
    metadata = {"section": section, "doc": doc}
    return field(metadata=metadata) if default is _REQUIRED else field(default=default, metadata=metadata)


@dataclass(frozen=True, kw_only=True)
class Publication:
    publisher: str = key("first_publication", "who first published the text")
    date: date = key("first_publication", "when, YYYY-MM-DD")


@dataclass(frozen=True, kw_only=True)
class Citations:
    """How citations of the bibliography are set: a CSL style, by name or file."""

    style: str = key(
        "citations",
        "a CSL style: a name from the CSL repository (such as apa) or a .csl file of the project",
        "chicago-notes-bibliography",
    )
    list_uncited: bool = key(
        "citations", "list every entry of the bibliography in its section, cited or not", False
    )


RENDERING_INTENTS = ("relative", "perceptual", "saturation", "absolute")
CHAPTER_OPENINGS = ("right", "any")


@dataclass(frozen=True, kw_only=True)
class PageLayout:
    """How the paged editions break the book into pages."""

    chapters_open: str = key(
        "layout",
        "the page each chapter after the first opens on: right (a right-hand page, a blank one "
        "before it where needed) or any; the first always opens on a right-hand page, as folio 1",
        "right",
    )


@dataclass(frozen=True, kw_only=True)
class Press:
    """What the print shop asks of the press file: its CMYK output profile makes it PDF/X-4."""

    profile: str = key(
        "press", "the print shop's CMYK output profile, a .icc file of the project (none: no PDF/X)", ""
    )
    output_condition: str = key(
        "press", "the profile's output condition, as the shop names it (such as FOGRA39)", ""
    )
    rendering_intent: str = key(
        "press", "how images are converted to the profile: " + ", ".join(RENDERING_INTENTS), "relative"
    )
    black_point_compensation: bool = key("press", "whether image conversion keeps the shadows' detail", True)
    pad_pages: bool = key("press", "blank pages at the end, to make a multiple of 4", True)
    max_ppi: int = key(
        "press",
        "the most pixels per inch a plate is printed at in the print files (press, handout, archive): "
        "a finer scan is reduced to it at the size it is printed",
        450,
    )


@dataclass(frozen=True, kw_only=True)
class Fonts:
    """The book face: one family in four styles, paths relative to the project folder."""

    family: str = key("fonts", "the family's name", "Charis SIL")
    regular: str = key("fonts", "its regular face, a .ttf or .otf file (all four, or none: Charis SIL)", "")
    italic: str = key("fonts", "its italic face", "")
    bold: str = key("fonts", "its bold face", "")
    bold_italic: str = key("fonts", "its bold italic face", "")
    licence: str = key("fonts", "the licence the colophon names", "SIL Open Font License 1.1")

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
    Path(str(files("amnesty_book.theme").joinpath("fonts", f"CharisSIL-{style}.ttf")))
    for style in ("Regular", "Italic", "Bold", "BoldItalic")
)
POINTS_PER_MM = 72 / 25.4
# A printed plate with fewer pixels per inch than this looks soft.
MINIMUM_PPI = 300
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
        """The paper each page is laid out on (a folded edition's pages are half its sheet)."""
        paper = self.paper or "A4"
        return HALF_SHEET[paper] if KINDS[self.kind].folded else paper

    @property
    def paged(self) -> bool:
        return bool(KINDS[self.kind].papers)

    @property
    def format(self) -> str:
        """html, epub or pdf: the templates, stylesheets and checks the edition takes."""
        return KINDS[self.kind].format

    @property
    def colour(self) -> str:
        return "grayscale" if KINDS[self.kind].grayscale else "colour"

    def output_name(self, slug: str) -> str:
        """The file (or folder, for the web edition) the edition is written to."""
        return KINDS[self.kind].output.format(slug=slug, edition=self.name)


# An identifier a reader can look up: an ISBN (urn:isbn:…, isbn:… or the number alone) or a DOI
# (doi:…, a doi.org link or the name alone).
_ISBN = re.compile(r"(?i)(?:urn:isbn:|isbn:?\s*)?(\d[\d -]{7,15}[\dX])")
_DOI = re.compile(r"(?i)(?:urn:doi:|doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)")


@dataclass(frozen=True, kw_only=True)
class BookConfig:
    """The book's metadata and the paths of its sources (relative to the project folder): each
    key of book.toml is one field, declared with `key`."""

    title: str = key("book", "the book's title")
    author: str = key("book", "its author, as the title page names them")
    author_file_as: str = key("book", "the author's name as catalogues sort it (default: author)", "")
    short_title: str = key(
        "book", "the title as the running heads of left-hand pages print it (default: the title)", ""
    )
    language: str = key("book", "the language it is written in: en or pl")
    identifier: str = key(
        "book",
        "a stable identifier, the same in every edition: an ISBN or a DOI, which the colophon prints, "
        "or a urn:uuid:…",
    )
    slug: str = key("book", "the name of its files in dist/: lower-case letters, digits, hyphens")
    description: str = key("book", "a sentence on what it is about, for catalogues", "")
    subjects: tuple[str, ...] = key("book", "its subjects, a list of texts", ())
    rights: str = key("book", "its copyright statement, on the title page's verso", "")
    publisher: str = key(
        "book",
        "who publishes this edition, with its year at the foot of the title page "
        "(default: the first publisher, with the year of first publication)",
        "",
    )
    edition_date: date = key("book", "the date of this edition, YYYY-MM-DD")
    first_publication: Publication | None = key("first_publication", "the text's first publication", None)
    manuscript: Paths = key(
        "sources",
        "the manuscript: a file, a folder of .md files (in name order) or a list",
        Paths(("manuscript",)),
    )
    plates: str | None = key(
        "sources", f"the plates manifest (default {SOURCE_DEFAULTS['plates']}, if it exists)", None
    )
    bibliography: str | None = key(
        "sources", "the bibliography: a CSL-JSON (.json) or BibTeX (.bib) file, as Zotero exports them", None
    )
    fonts: Fonts = key("fonts", "the book face", Fonts())
    citations: Citations = key("citations", "how citations are set", Citations())
    press: Press = key("press", "the press file", Press())
    layout: PageLayout = key("layout", "how the pages are made", PageLayout())
    # [sources] KIND for each kind of appendix (appendix_kinds.py): the file it is read from
    appendix_files: tuple[tuple[str, str | None], ...] = ()
    # [KIND] for each kind of appendix with settings: key -> value
    appendix_settings: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    editions: tuple[Edition, ...] = ()  # [editions.NAME]; none: every edition of DEFAULT_EDITIONS
    label_overrides: tuple[
        tuple[str, str], ...
    ] = ()  # [labels]: the builder's words the book words its own way
    # [foreign_phrases]: a language's tag -> the phrases in it the text uses (readers/markup.py)
    foreign_phrases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # "section.key" -> its line in book.toml, for messages about the files the keys name
    key_lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    @property
    def title_page_imprint(self) -> str:
        """The publisher and year at the foot of the title page: this edition's, or the text's
        first; none where book.toml names neither."""
        if self.publisher:
            return f"{self.publisher}, {self.edition_date.year}"
        if self.first_publication:
            return f"{self.first_publication.publisher}, {self.first_publication.date.year}"
        return ""

    @property
    def identifier_for_readers(self) -> str:
        """The identifier as a colophon prints it, if a reader can look it up: an ISBN or a DOI
        (as a link, as Crossref asks); a urn:uuid: is for machines, and is not printed."""
        identifier = self.identifier.strip()
        isbn = _ISBN.fullmatch(identifier)
        if isbn and len(re.sub(r"[^\dX]", "", isbn.group(1).upper())) in (10, 13):
            return f"ISBN {isbn.group(1)}"
        if doi := _DOI.fullmatch(identifier):
            return f"https://doi.org/{doi.group(1)}"
        return ""

    @property
    def running_title(self) -> str:
        """The title as the left-hand running heads print it: the short title, if any."""
        return self.short_title or self.title

    @property
    def labels(self) -> Mapping[str, str]:
        """The words the builder prints in this book: its language's, with the book's own."""
        return {**builder_words(self.language), **dict(self.label_overrides)}

    def appendix_file(self, kind: str) -> str | None:
        """The file book.toml names for a kind of appendix under [sources]; None: its default."""
        return dict(self.appendix_files).get(kind)

    def setting(self, kind: str, name: str) -> str:
        """A setting of a kind of appendix, from its section of book.toml or its default."""
        return dict(dict(self.appendix_settings).get(kind, ()))[name]

    def location(self, section: str, key: str) -> SourceLocation:
        """Where `key` of `[section]` is written in book.toml (the file alone if it is not)."""
        return SourceLocation(Path(CONFIG_NAME), dict(self.key_lines).get(f"{section}.{key}"))


class _Key(NamedTuple):
    type: Any
    required: bool
    default: Any
    doc: str


def _schema() -> dict[str, dict[str, _Key]]:
    """section -> key -> its declaration, from the fields that hold the keys."""
    schema: dict[str, dict[str, _Key]] = {}
    for holder in (BookConfig, Publication, Fonts, Citations, Press, PageLayout):
        hints = get_type_hints(holder)
        for each in fields(holder):
            if "section" not in each.metadata or hints[each.name] in (
                Publication | None,
                Fonts,
                Citations,
                Press,
                PageLayout,
            ):
                continue  # not a key, or a section of its own
            required = each.default is MISSING
            schema.setdefault(each.metadata["section"], {})[each.name] = _Key(
                hints[each.name], required, None if required else each.default, each.metadata["doc"]
            )
    # Each kind of appendix's file under [sources], after the plates (the back matter's order),
    # and its settings in a section of its own.
    sources = list(schema["sources"].items())
    after_plates = [name for name, _ in sources].index("plates") + 1
    appendix_files = [
        (
            kind.name,
            _Key(str | None, False, None, f"the {kind.name} (default {kind.default_file}, if it exists)"),
        )
        for kind in APPENDICES.values()
    ]
    schema["sources"] = dict(sources[:after_plates] + appendix_files + sources[after_plates:])
    for kind in APPENDICES.values():
        if kind.settings:
            schema[kind.name] = {
                name: _Key(str, False, setting.default, setting.doc)
                for name, setting in kind.settings.items()
            }
    return schema


class DocumentedKey(NamedTuple):
    section: str
    name: str
    doc: str  # what it means
    required: bool
    default: Any  # its value when not given (None when required)


def documented_keys() -> list[DocumentedKey]:
    """Every key of book.toml, with what it means and its default: docs/book-toml.md's table."""
    return [
        DocumentedKey(section, name, key.doc, key.required, key.default)
        for section, keys in _schema().items()
        for name, key in keys.items()
    ]


_REQUIRED_SECTIONS = {"book"}
_EDITION_KEYS = {
    "kind": _Key(str, True, None, "the kind of edition: " + ", ".join(KINDS)),
    "paper": _Key(str, False, None, "its paper: A4 or Letter"),
}


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
        # tomllib says not where: the line opening the most brackets, which nest that deep.
        deepest = max(
            enumerate(text.split("\n"), start=1), key=lambda line: line[1].count("[") + line[1].count("{")
        )
        raise BookError.at(
            project.location(path, deepest[0]), "arrays or tables nest too deeply; fix it"
        ) from None
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        line = int(match.group(1)) if match else text.count("\n") + 1  # "(at end of document)"
        reason = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(error))
        raise BookError.at(
            project.location(path, line), f"not valid TOML ({reason}); fix the syntax"
        ) from None
    return _build_config(raw, text, project.location(path))


def _line_of(text: str, section: str, key: str | None) -> int | None:
    """Line of `key = ...` in `[section]` ("" for the top of the file), else of the section
    itself: its header, or its `section = ...` or `section.key = ...` at the top; None if
    neither is found (tomllib gives no positions)."""
    current, own = "", None
    for number, line in enumerate(text.split("\n"), start=1):  # TOML's lines end only at \n
        stripped = line.strip()
        header = re.fullmatch(r"\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1)
            own = own or (number if current == section else None)
        elif key is not None and current == section and _assigns(stripped, key):
            return number
        elif section and not current and _assigns(stripped, section):
            own = own or number
    return own


def _assigns(line: str, key: str) -> bool:
    """Whether a line of TOML gives `key` (bare or quoted) a value, or a dotted key under it."""
    name = re.escape(key)
    return re.match(rf"""(?:{name}|"{name}"|'{name}')\s*[=.]""", line) is not None


def _build_config(raw: dict[str, Any], text: str, file: SourceLocation) -> BookConfig:
    problems = Problems()
    schema = _schema()  # with the kinds of appendix registered now

    def at(section: str, key: str | None = None) -> SourceLocation:
        return SourceLocation(file.path, _line_of(text, section, key))

    # First, and alone: the other checks would repeat a text in their messages.
    _long_texts(raw, at, problems)
    problems.raise_if_any()
    values: dict[str, dict[str, Any]] = {}
    known = ", ".join(f"[{name}]" for name in (*schema, "labels", "foreign_phrases", "editions.NAME"))
    for section, content in raw.items():
        if section not in schema and section not in ("editions", "labels", "foreign_phrases"):
            if isinstance(content, dict):
                problems.add(at(section), f"unknown section [{section}]; the sections are {known}")
            else:
                problems.add(
                    at("", section),
                    f"unknown key '{section}' above the first section; move it into its section "
                    f"({known}) or remove it",
                )
        elif not isinstance(content, dict):
            problems.add(at("", section), f"'{section}' must be a section [{section}]")
    for section, keys in schema.items():
        content = raw.get(section)
        if not isinstance(content, dict):
            if section in _REQUIRED_SECTIONS and section not in raw:  # not a table: reported above
                # Where it would begin: the top of the file.
                problems.add(SourceLocation(file.path, 1), f"the section [{section}] is missing; add it")
            # An absent optional section takes its defaults, or is None if it has required keys.
            all_optional = not any(key.required for key in keys.values())
            values[section] = {name: key.default for name, key in keys.items()} if all_optional else {}
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
    press = values["press"]
    if press.get("profile") and not press.get("output_condition"):
        problems.add(
            at("press", "profile"),
            'name the profile\'s output condition too, as output_condition = "FOGRA39" '
            "(the print shop says which)",
        )
    if press.get("rendering_intent") not in RENDERING_INTENTS:
        problems.add(
            at("press", "rendering_intent"),
            f"rendering_intent must be one of {', '.join(RENDERING_INTENTS)}",
        )
    max_ppi = press.get("max_ppi")
    if isinstance(max_ppi, int) and max_ppi < MINIMUM_PPI:
        problems.add(
            at("press", "max_ppi"),
            f"max_ppi must be at least {MINIMUM_PPI}: a plate printed coarser looks soft",
        )
    if values["layout"].get("chapters_open") not in CHAPTER_OPENINGS:
        problems.add(
            at("layout", "chapters_open"),
            f"chapters_open must be one of {', '.join(CHAPTER_OPENINGS)}",
        )
    editions = _editions(raw.get("editions"), at, problems)
    overrides = _label_overrides(raw.get("labels"), at, problems)
    phrases = _foreign_phrases(raw.get("foreign_phrases"), at, problems)
    problems.raise_if_any()
    first = values["first_publication"]
    values["book"]["author_file_as"] = values["book"]["author_file_as"] or values["book"]["author"]
    appendix_files = tuple((kind, values["sources"].pop(kind)) for kind in APPENDICES)
    appendix_settings = tuple((kind, tuple(values[kind].items())) for kind in APPENDICES if kind in values)
    return BookConfig(
        **values["book"],
        **values["sources"],
        appendix_files=appendix_files,
        appendix_settings=appendix_settings,
        first_publication=Publication(**first) if first else None,
        fonts=Fonts(**values["fonts"]),
        citations=Citations(**values["citations"]),
        press=Press(**values["press"]),
        layout=PageLayout(**values["layout"]),
        editions=editions,
        label_overrides=overrides,
        foreign_phrases=phrases,
        key_lines=tuple(
            (f"{section}.{key}", line)
            for section in ("sources", "fonts", "citations", "press")
            for key in schema[section]
            if (line := _line_of(text, section, key)) is not None
        ),
    )


def _long_texts(
    raw: dict[str, Any], at: Callable[[str, str | None], SourceLocation], problems: Problems
) -> None:
    """Each key (and each table) of book.toml that is, or holds, a text too long. Not recursive:
    tomllib reads tables nested deeper than Python recurses."""
    tables = [("", raw)]
    while tables:
        section, table = tables.pop()
        for key, value in table.items():
            inner = f"{section}.{key}" if section else key
            problem = long_text([key, *(value if isinstance(value, list) else [value])])
            if problem:  # a table at its [header], a key at its line
                problems.add(at(inner) if isinstance(value, dict) else at(section, key), problem)
            elif isinstance(value, dict):
                tables.append((inner, value))


def page_source(config: BookConfig, edition: Edition) -> Edition | None:
    """The edition whose printed pages the edition's page list marks (the EPUB's: a reader's):
    the first the config declares of the kind its declaration names; None if it marks none."""
    marked = KINDS[edition.kind].marks_pages_of
    return next((each for each in config.editions if marked and each.kind == marked), None)


def builder_words(language: str) -> dict[str, str]:
    """The words the builder prints in a language: its labels and the editions' names."""
    return {**labels_for(language), **appendix_words(language), **edition_names(language)}


def _section(
    content: dict[str, Any],
    section: str,
    keys: dict[str, _Key],
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
        if kind is not None and kind not in KINDS:
            problems.add(at(section, "kind"), f"unknown kind '{kind}'; the kinds are {', '.join(KINDS)}")
            continue
        if kind is None:
            continue
        papers = KINDS[kind].papers
        if paper is not None and paper not in papers:
            allowed = f"one of {', '.join(papers)}" if papers else "none (it is not paged)"
            problems.add(
                at(section, "paper"), f"paper '{paper}' does not fit a {kind} edition; use {allowed}"
            )
            continue
        editions.append(Edition(name, kind, paper or next(iter(papers), None)))
    return tuple(editions)


def _label_overrides(
    raw: Any, at: Callable[[str, str | None], SourceLocation], problems: Problems
) -> tuple[tuple[str, str], ...]:
    """The [labels] table: builder's words by name, each replaced by the book's own text
    (an empty text leaves it out, where it is a sentence of its own)."""
    if raw is None or not isinstance(raw, dict):  # not a table: reported with the sections
        return ()
    known = builder_words("en")
    overrides = []
    for key, value in raw.items():
        if key not in known:
            problems.add(
                at("labels", key), f"unknown label '{key}' in [labels]; the labels are {', '.join(known)}"
            )
        elif not isinstance(value, str):
            problems.add(at("labels", key), f"label '{key}' must be a text in quotes")
        else:
            overrides.append((key, value.strip(" \t\r\n")))  # a thin or no-break space is meant
    return tuple(overrides)


# A BCP 47 language tag, as far as a book needs one: "la", "de-AT", "sr-Latn".
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def _foreign_phrases(
    raw: Any, at: Callable[[str, str | None], SourceLocation], problems: Problems
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The [foreign_phrases] table: a language's tag, and the phrases in it the text uses."""
    if raw is None or not isinstance(raw, dict):  # not a table: reported with the sections
        return ()
    phrases = []
    for tag, value in raw.items():
        if not LANGUAGE_TAG.fullmatch(tag):
            problems.add(
                at("foreign_phrases", tag), f"'{tag}' is not a language tag; write one such as la or de-AT"
            )
        elif not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            problems.add(
                at("foreign_phrases", tag),
                f'{tag} must be a list of phrases in quotes, such as ["conditio sine qua non"]',
            )
        else:
            phrases.append((tag, tuple(" ".join(item.split()) for item in value)))
    return tuple(phrases)


def _checked(
    content: dict[str, Any],
    section: str,
    key: str,
    spec: _Key,
    where: SourceLocation,
    problems: Problems,
) -> Any:
    kind, required, default, _ = spec
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
    if kind is Paths:
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
        return Paths(path.strip() for path in paths)
    if kind == tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            problems.add(where, f'\'{key}\' must be a list of texts, like ["one", "two"]')
            return default
        return tuple(value)
    if kind is bool and not isinstance(value, bool):
        problems.add(where, f"'{key}' must be true or false")
        return default
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        problems.add(where, f"'{key}' must be a whole number, like {default}")
        return default
    if kind in (str, str | None) and not (isinstance(value, str) and value.strip()):
        problems.add(where, f"'{key}' must be a non-empty text in quotes")
        return default
    return value.strip() if isinstance(value, str) else value
