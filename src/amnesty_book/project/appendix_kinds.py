"""What each kind of appendix is, declared once: its source file, its reader, its template,
the cross-references that name its entries, its settings and its words. The timeline is the
first.

An appendix is a part of the back matter read from a source file of its own (a YAML list of
records, say): a new kind is its reader (the file -> its entries, each with file and line),
its entries' model (model.AppendixEntry), its template and this declaration, registered with
`register`, which checks it whole. book.toml then names its file under [sources] by the
kind's name (else its default file is read, if it exists) and its settings in a section of
the kind's name; its section in every edition has the kind's name as its id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from amnesty_book.project.labels import SUPPORTED_LANGUAGES
from amnesty_book.project.registration import NAME, RegistrationError, function_problem

# What the builder calls its own parts of the book: no kind of appendix may take their names.
_RESERVED = frozenset(
    {"plates", "bibliography", "colophon", "contents", "sources", "book", "labels", "editions"}
)


@dataclass(frozen=True)
class Setting:
    """A key of the kind's own section of book.toml: what it means, and its value if not given."""

    doc: str
    default: str


@dataclass(frozen=True, kw_only=True)
class AppendixKind:
    name: str  # its key under [sources], its section of book.toml, its section's id in every edition
    # "module:function(project, path, config) -> tuple of model.AppendixEntry", imported when read
    reader: str
    template: str  # the template (the project's styles/templates/ first) whose macro `section` sets it
    default_file: str  # read where book.toml names no file, if it exists
    # Its words, by language: its title under its own name, and whatever else its template
    # prints; book.toml's [labels] may word any of them anew.
    words: Mapping[str, Mapping[str, str]]
    reference: str = ""  # the name cross-references give its entries by (@event:id); none: not named
    what: str = ""  # an entry, as messages name it ("timeline entry")
    settings: Mapping[str, Setting] = field(default_factory=dict)

    @property
    def anchor_prefix(self) -> str:
        """Its entries' anchors are this, a hyphen and their number."""
        return self.reference or self.name


APPENDICES: dict[str, AppendixKind] = {}


def register(kind: AppendixKind) -> AppendixKind:
    """Adds a kind of appendix to the registry, or says what is wrong with its declaration."""
    wrong = []
    if not NAME.fullmatch(kind.name) or kind.name in _RESERVED:
        wrong.append(
            f"its name '{kind.name}' is not lower-case letters and digits, or names a part of the book"
        )
    if kind.name in APPENDICES:
        wrong.append("a kind of that name is registered already")
    wrong += filter(None, [function_problem("reader", kind.reader)])
    if not kind.template.endswith(".j2"):
        wrong.append(f"its template '{kind.template}' is not a .j2 file")
    lacking = [language for language in SUPPORTED_LANGUAGES if kind.name not in kind.words.get(language, {})]
    if lacking:
        wrong.append(f"it has no title (words['{kind.name}']) in {', '.join(lacking)}")
    if kind.reference and not NAME.fullmatch(kind.reference):
        wrong.append(f"its reference '{kind.reference}' is not lower-case letters and digits")
    taken = {other.reference for other in APPENDICES.values()} | {"plate", "sec", "note"}
    if kind.reference in taken:
        wrong.append(f"cross-references by '@{kind.reference}:' name something else already")
    if kind.reference and not kind.what:
        wrong.append("it says not how messages name an entry (what)")
    if wrong:
        raise RegistrationError(f"appendix kind '{kind.name}': {'; '.join(wrong)}")
    APPENDICES[kind.name] = kind
    return kind


def appendix_words(language: str) -> dict[str, str]:
    """Every kind's words in the language, by their label keys."""
    return {key: text for kind in APPENDICES.values() for key, text in kind.words[language].items()}


register(
    AppendixKind(
        name="timeline",
        reader="amnesty_book.readers.timeline:read_timeline",
        template="timeline.j2",
        default_file="manuscript/timeline.yaml",
        reference="event",
        what="timeline entry",
        settings={
            "own_source": Setting(
                "the source that marks an entry as the book's own text (any other: the editor's, †)", "text"
            )
        },
        words={
            "en": {
                "timeline": "Timeline",
                "date": "Date",
                "event": "Event",
                "source_text": "The text",
                "editorial_entry": "Editorial context entry",
                "editorial_entries_note": (
                    "Entries marked † are the editor’s context, not taken from the text; "
                    "their sources are named."
                ),
                "event_reference": "the timeline’s entry for {date}",
            },
            "pl": {
                "timeline": "Kalendarium",
                "date": "Data",
                "event": "Wydarzenie",
                "source_text": "Tekst",
                "editorial_entry": "Wpis redakcyjny",
                "editorial_entries_note": (
                    "Wpisy oznaczone † pochodzą od redakcji, nie z tekstu; podano ich źródła."
                ),
                "event_reference": "wpis z {date} w kalendarium",
            },
        },
    )
)
