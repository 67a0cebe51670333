"""The book as every writer sees it: frozen, fully numbered, with no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from amnesty_book.project.config import BookConfig
from amnesty_book.support.diagnostics import SourceLocation


@dataclass(frozen=True)
class NoteRef:
    """A note call as written in a source (`[^label]`), before numbering."""

    label: str
    location: SourceLocation


@dataclass(frozen=True)
class NoteCall:
    """A numbered note call, placed in running text or a caption."""

    note: Note


@dataclass(frozen=True, eq=False)
class CiteRef:
    """A citation as written, in pandoc's syntax (`[see @key, 45]`, `@key says`), before the
    style sets it. Compared by identity: the same words twice are two citations."""

    source: str
    keys: tuple[str, ...]
    location: SourceLocation
    # In running text, in a note style: the note the citation makes (numbering makes it).
    note: Note | None = None


@dataclass(frozen=True)
class CrossRef:
    """A cross-reference as written (`@plate:katyn`), before numbering resolves it."""

    kind: str  # plate, sec, note or event
    target: str
    location: SourceLocation


@dataclass(frozen=True)
class CrossLink:
    """A resolved cross-reference: the words that name its target ("Plate 2") and the
    target's anchor, where print adds its page."""

    text: str
    anchor: str


# Rich text: XHTML markup strings interleaved with note calls, citations and cross-references.
Inline = tuple["str | NoteRef | NoteCall | CiteRef | CrossRef | CrossLink", ...]


@dataclass(frozen=True)
class Note:
    number: int
    label: str
    anchor: str
    call_anchor: str
    content: Inline
    text: str
    location: SourceLocation


@dataclass(frozen=True)
class Plate:
    id: str
    number: int
    anchor: str
    label: str
    file: Path
    width: int
    height: int
    caption: Inline
    credit: Inline
    alt: str
    source: Inline
    location: SourceLocation


@dataclass(frozen=True)
class Heading:
    level: int
    content: Inline
    text: str
    anchor: str
    location: SourceLocation


@dataclass(frozen=True)
class Prose:
    """A block of running text (paragraph, quotation, list) as XHTML with note calls."""

    content: Inline
    location: SourceLocation
    anchor: str = ""  # assigned by numbering: where a page or a break may point


@dataclass(frozen=True)
class PullQuote:
    """A passage repeated from the running text for display; hidden from screen readers."""

    content: Inline
    location: SourceLocation
    anchor: str = ""


@dataclass(frozen=True)
class PlatePlacement:
    """Where a plate stands in the text: `plate_id` before numbering, `plate` after."""

    plate_id: str
    location: SourceLocation
    plate: Plate | None = None

    @property
    def anchor(self) -> str:
        """The placed plate's anchor: a numbered placement always has its plate."""
        assert self.plate is not None, f"plate '{self.plate_id}' is not numbered yet"
        return self.plate.anchor


Block = Heading | Prose | PullQuote | PlatePlacement


@dataclass(frozen=True)
class Chapter:
    title: Heading
    blocks: tuple[Block, ...]
    notes: tuple[Note, ...]

    @property
    def sections(self) -> tuple[Heading, ...]:
        return tuple(block for block in self.blocks if isinstance(block, Heading))


class AppendixEntry(Protocol):
    """An entry of an appendix (project/appendix_kinds.py): a frozen dataclass of its kind's,
    whose rich text fields `texts` names."""

    id: str  # what a cross-reference names it by
    anchor: str  # assigned by numbering
    location: SourceLocation

    def texts(self) -> Mapping[str, Inline]:
        """Its rich text by field name, in reading order: rewritten (citations, cross-references),
        checked for links and glyphs like all the book's text."""
        ...

    def printed(self, language: str) -> tuple[Inline, ...]:
        """What every edition must show of it, in order (the read-back checks)."""
        ...

    def reference_text(self, labels: Mapping[str, str], language: str) -> str:
        """What a cross-reference to it prints."""
        ...


@dataclass(frozen=True)
class Appendix:
    """A part of the back matter read from a source of its own: its kind's name, its entries."""

    kind: str
    entries: tuple[AppendixEntry, ...]


@dataclass(frozen=True)
class BibliographyEntry:
    """An entry of the book's Sources, as the citation style sets it."""

    key: str
    anchor: str
    content: str  # inline XHTML


@dataclass(frozen=True)
class FontFace:
    path: Path
    style: str
    weight: str


@dataclass(frozen=True)
class Book:
    config: BookConfig
    chapters: tuple[Chapter, ...]
    notes: tuple[Note, ...]
    plates: tuple[Plate, ...]
    appendices: tuple[Appendix, ...]  # in the order their kinds are registered
    fonts: tuple[FontFace, ...]
    sources: tuple[Path, ...]  # the config first, then the manuscript's files and the other sources
    bibliography: tuple[BibliographyEntry, ...] = ()  # what the Sources section lists
    # The project's hyphenation exceptions: a word in lower case, and where (in letters) it may break.
    hyphenation: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @property
    def back_matter(self) -> tuple[str, ...]:
        """The anchors of the parts after the chapters, in order: those the book has."""
        parts = {
            "plates": bool(self.plates),
            **{appendix.kind: bool(appendix.entries) for appendix in self.appendices},
            "bibliography": bool(self.bibliography),
        }
        return (*(anchor for anchor, present in parts.items() if present), "colophon")

    def appendix(self, kind: str) -> tuple[AppendixEntry, ...]:
        """The entries of the book's appendix of that kind; none if it has none."""
        return next((appendix.entries for appendix in self.appendices if appendix.kind == kind), ())

    @property
    def root(self) -> Path:
        """The project folder: the config stands at its top."""
        return self.sources[0].parent
