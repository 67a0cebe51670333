"""What a paged layout decides and the templates print: which part of the book one document
holds, and where each plate stands and how wide; the web and the EPUB take the whole book
and the plates where their markers are."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from amnesty_book.model import Book

# Where a plate stands, when not where its marker is: floated to a page's head or foot, or
# at the end of its chapter.
FLOAT, CHAPTER_END = "float", "chapter-end"
# A pull quote no place suits in an edition's pages: it is left out of them.
LEFT_OUT = ""


@dataclass(frozen=True)
class BookPart:
    """What one HTML document of the book holds."""

    front: bool  # the title page, imprint and contents
    chapters: tuple[int, ...]  # indices into book.chapters
    back: bool  # the back matter
    # A slice of a long chapter (layout/book_slices.py): the first chapter's blocks from this
    # index, the last chapter's up to this one (excluded; None: to its end).
    first_block: int = 0
    end_block: int | None = None

    @classmethod
    def whole(cls, book: Book) -> BookPart:
        return cls(True, tuple(range(len(book.chapters))), True)

    @property
    def continues_chapter(self) -> bool:
        """Whether it opens within a chapter begun in the part before it."""
        return bool(self.chapters) and self.first_block > 0

    def blocks(self, chapter: int) -> tuple[int, int | None]:
        """The slice of the chapter's blocks it holds: (first, end), end None for all the rest."""
        first = self.first_block if self.chapters and chapter == self.chapters[0] else 0
        return first, self.end_block if self.chapters and chapter == self.chapters[-1] else None

    @property
    def name(self) -> str:
        """Its name in --verbose: "front matter", "chapters 7–12 and back matter", "chapter 1
        (blocks 201–400)"."""
        named = ["front matter"] if self.front else []
        if self.chapters:
            first, last = self.chapters[0] + 1, self.chapters[-1] + 1
            named.append(f"chapter {first}" if first == last else f"chapters {first}–{last}")
            if self.first_block or self.end_block is not None:
                end = "" if self.end_block is None else str(self.end_block)
                named[-1] += f" (from block {self.first_block + 1} to {end or 'the end'})"
        return " and ".join(named + (["back matter"] if self.back else []))


@dataclass(frozen=True)
class PlatePlan:
    """Where each plate stands and how wide it is printed (layout/plate_plan.py decides it)."""

    # anchor -> FLOAT or CHAPTER_END; a plate not named stands where its marker is.
    positions: Mapping[str, str] = field(default_factory=dict)
    # anchor -> the width its image (and caption) is printed at, in mm.
    widths_mm: Mapping[str, float] = field(default_factory=dict)
    # anchor -> the share of its full size a plate is set at, when set smaller.
    scales: Mapping[str, float] = field(default_factory=dict)
    # Floating plates (and pull quotes, which always float) that wait for the head of the
    # page after their marker's.
    to_next_page: frozenset[str] = frozenset()
    # Floating plates too tall to share a page with a few lines of text: each takes the next
    # page to itself, and the text runs on past it.
    own_page: frozenset[str] = frozenset()
    # Pull quotes moved off the spread of the sentence they repeat: anchor -> the block they
    # now follow, or LEFT_OUT where none of their chapter starts on a later spread.
    pull_quotes_after: Mapping[str, str] = field(default_factory=dict)
