"""The book as every writer sees it: frozen, fully numbered, with no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from amnesty_book.errors import SourceLocation
from amnesty_book.project.config import BookConfig


@dataclass(frozen=True)
class NoteRef:
    """A note call as written in a source (`[^label]`), before numbering."""

    label: str
    location: SourceLocation


@dataclass(frozen=True)
class NoteCall:
    """A numbered note call, placed in running text or a caption."""

    note: Note


# Rich text: XHTML markup strings interleaved with note calls.
Inline = tuple["str | NoteRef | NoteCall", ...]


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
    source: str
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


@dataclass(frozen=True)
class TimelineEvent:
    date: date
    event: str
    source: Inline  # the reference as inline XHTML (titles of works in <em>)
    # Not taken from the book's own text (book.toml's [timeline] own_source): the editor's
    # context, marked as such.
    editorial: bool
    location: SourceLocation
    anchor: str = ""  # assigned by numbering


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
    timeline: tuple[TimelineEvent, ...]
    fonts: tuple[FontFace, ...]
    sources: tuple[Path, ...]  # the config first, then the manuscript's files, plates and timeline

    @property
    def back_matter(self) -> tuple[str, ...]:
        """The anchors of the parts after the chapters, in order: those the book has."""
        return (*(("plates",) if self.plates else ()), *(("timeline",) if self.timeline else ()), "colophon")

    @property
    def root(self) -> Path:
        """The project folder: the config stands at its top."""
        return self.sources[0].parent
