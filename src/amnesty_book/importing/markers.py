"""What the document held that pandoc would drop or flatten, carried through pandoc as marks in the text.

Before pandoc reads a Word document, each citation field, cross-reference, comment, text box,
field of another kind, shape or coloured run is replaced (or preceded) by a run of text: a
mark, two private-use characters around the number of an entry in a list of `Marker`s. Pandoc
keeps the mark where it stood, in its paragraph, heading, note or caption, and the importer's
writer puts the entry's Markdown there, or a line of the import report about that paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OPEN, CLOSE = "\ue000", "\ue001"
MARK = re.compile(f"{OPEN}(\\d+){CLOSE}")


@dataclass(frozen=True)
class Cited:
    """One work of a citation: its key in the bibliography, and the words around it."""

    key: str
    locator: str = ""  # "45", "chap. 3"
    prefix: str = ""
    suffix: str = ""
    suppress_author: bool = False


@dataclass(frozen=True)
class Citation:
    """A Zotero or Mendeley citation field."""

    works: tuple[Cited, ...]
    shown: str  # what the document showed


@dataclass(frozen=True)
class Reference:
    """A REF, NOTEREF or PAGEREF field: a reference to a bookmark's heading, caption or note."""

    bookmark: str
    kind: str  # REF, NOTEREF, PAGEREF
    shown: str


@dataclass(frozen=True)
class Bookmark:
    """Where a bookmark a reference names starts: in a heading, a caption or at a note's call."""

    name: str


@dataclass(frozen=True)
class CaptionNumber:
    """A caption's SEQ field: the label and number before it ("Figure 3. ") are the builder's."""


@dataclass(frozen=True)
class CaptionStart:
    """A paragraph in the caption style: under or above a picture, it is its plate's caption."""


@dataclass(frozen=True)
class Rule:
    """Word's horizontal line (a shape marked as one): a section break, `***`."""


@dataclass(frozen=True)
class Dropped:
    """A part of the document left out on purpose, where it stood (a bibliography field, whose
    entries the book's Sources replace; a table of contents)."""

    what: str


@dataclass(frozen=True)
class Unmapped:
    """Something the book cannot hold, reported with its paragraph: a comment, a text box that
    is no caption, a field of another kind, a shape, an embedded object, coloured text."""

    what: str
    detail: str = ""


Marker = Citation | Reference | Bookmark | CaptionNumber | CaptionStart | Rule | Dropped | Unmapped


@dataclass
class Markers:
    """The markers of one document, by number."""

    found: list[Marker] = field(default_factory=list)

    def mark(self, marker: Marker) -> str:
        self.found.append(marker)
        return f"{OPEN}{len(self.found) - 1}{CLOSE}"

    def __getitem__(self, number: int) -> Marker:
        return self.found[number]


def split(text: str) -> list[str | int]:
    """The text's words and its markers' numbers, in order."""
    parts: list[str | int] = []
    for index, piece in enumerate(MARK.split(text)):
        if index % 2:
            parts.append(int(piece))
        elif piece:
            parts.append(piece)
    return parts
