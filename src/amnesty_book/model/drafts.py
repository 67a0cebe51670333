"""What the readers give the numbering: the manuscript's chapters and notes, and the plates
manifest's entries, as read, with the file and line of each; not yet numbered."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from amnesty_book.model import Block, Heading, Inline
from amnesty_book.support.diagnostics import SourceLocation


@dataclass(frozen=True)
class NoteDefinition:
    label: str
    content: Inline
    location: SourceLocation


@dataclass(frozen=True)
class DraftChapter:
    title: Heading
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Manuscript:
    chapters: tuple[DraftChapter, ...]
    notes: tuple[NoteDefinition, ...]
    files: tuple[Path, ...] = ()  # as messages name them (SourceLocation.path)


@dataclass(frozen=True)
class PlateEntry:
    id: str
    file: Path
    width: int
    height: int
    caption: Inline
    credit: Inline
    alt: str
    source: Inline  # the archive or work the image comes from: Markdown, may cite
    location: SourceLocation
