"""The audit's model of a paged PDF: boxes, runs of text, lines, marks, pages and the layout.

Positions are in points from the trim box's lower left corner, as page_geometry's text block is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, reduce

from amnesty_book.theme.page_geometry import TextBlock

# Ink may cross the text block by this much: a glyph's overhang, half a rule's width.
TOLERANCE_PT = 0.5
# A running head and a folio are single short lines; anything longer in a margin is a stray.
HEAD_CHARS, FOLIO_CHARS = 90, 12


@dataclass(frozen=True)
class Box:
    """A rectangle in points, origin at the trim box's lower left corner."""

    left: float
    bottom: float
    right: float
    top: float

    def union(self, other: Box) -> Box:
        return Box(
            min(self.left, other.left),
            min(self.bottom, other.bottom),
            max(self.right, other.right),
            max(self.top, other.top),
        )

    def clipped(self, left: float, bottom: float, right: float, top: float) -> Box | None:
        """The part of the box inside the rectangle, None if nothing is."""
        box = Box(max(self.left, left), max(self.bottom, bottom), min(self.right, right), min(self.top, top))
        return box if box.left < box.right and box.bottom < box.top else None

    def meets(self, block: TextBlock) -> bool:
        return self.clipped(block.left, block.bottom, block.right, block.top) is not None


@dataclass(frozen=True)
class Run:
    """One text object: glyphs of one font and size on one line."""

    box: Box  # the ink
    # Where the glyphs are set: from the pen's first position to the last glyph's advance,
    # cap height over the baseline to a little below. An italic f's overhang, an accent or a
    # descender may stand in the margin, as in any printed book; this box may not.
    body: Box
    baseline: float
    size: float  # points, to 0.1
    bold: bool
    text: str


@dataclass(frozen=True)
class Mark:
    """Ink that is not text."""

    what: str  # "image", "rule" (any painted path) or "shading"
    box: Box


@dataclass
class Line:
    """The runs standing on one baseline, superscripts included."""

    runs: list[Run]
    spaces: list[float] = field(default_factory=list)  # its word spaces, in points

    @cached_property
    def size(self) -> float:
        """The size most of the line's characters are set in."""
        weights: Counter[float] = Counter()
        for run in self.runs:
            weights[run.size] += len(run.text.strip()) or 1
        return weights.most_common(1)[0][0]

    @cached_property
    def baseline(self) -> float:
        return next(run.baseline for run in self.runs if run.size == self.size)

    @cached_property
    def bold(self) -> bool:
        bold = sum(len(run.text.strip()) for run in self.runs if run.bold)
        return 2 * bold > sum(len(run.text.strip()) for run in self.runs)

    @cached_property
    def box(self) -> Box:
        return reduce(Box.union, (run.box for run in self.runs))

    @cached_property
    def body(self) -> Box:
        return reduce(Box.union, (run.body for run in self.runs))

    @cached_property
    def text(self) -> str:
        return _joined(self.runs).strip()

    @cached_property
    def chars(self) -> int:
        """Characters of the line as a reader counts them: note calls and other superscripts
        left out."""
        return len(_joined([run for run in self.runs if run.size >= 0.8 * self.size]).strip())

    def shown(self) -> str:
        """The line's first 30 characters, to name it in a message."""
        return f"“{self.text[:30].rstrip()}…”" if len(self.text) > 30 else f"“{self.text}”"


@dataclass
class Page:
    index: int  # from 0
    block: TextBlock
    lines: list[Line]  # top to bottom
    marks: list[Mark]
    text: str  # as PDFium reads it in order (readback.page_text), for the read-back checks

    @cached_property
    def head(self) -> Line | None:
        """The running head: the one short line standing wholly in the top margin."""
        return self._margin_line(lambda box: box.bottom >= self.block.top - TOLERANCE_PT, HEAD_CHARS)

    @cached_property
    def folio_line(self) -> Line | None:
        return self._margin_line(lambda box: box.top <= self.block.bottom + TOLERANCE_PT, FOLIO_CHARS)

    @property
    def folio(self) -> str | None:
        return self.folio_line.text if self.folio_line else None

    @property
    def where(self) -> str:
        return f"page {self.index + 1}" + (f" (folio {self.folio})" if self.folio else "")

    @cached_property
    def inside(self) -> list[Line]:
        """The lines of the text block, top to bottom (those crossing its edge among them)."""
        return [line for line in self.lines if line.box.meets(self.block)]

    @cached_property
    def images(self) -> list[Box]:
        return [mark.box for mark in self.marks if mark.what == "image" and mark.box.meets(self.block)]

    @property
    def right_hand(self) -> bool:
        return self.index % 2 == 0

    def _margin_line(self, in_margin: Callable[[Box], bool], limit: int) -> Line | None:
        found = [line for line in self.lines if in_margin(line.box)]
        if len(found) != 1:
            return None
        line = found[0]
        within = (
            line.box.left >= self.block.left - TOLERANCE_PT
            and line.box.right <= self.block.right + TOLERANCE_PT
        )
        return line if within and len(line.text) <= limit else None


@dataclass
class Layout:
    """A PDF's pages as the audit sees them."""

    pages: list[Page]
    part_starts: frozenset[int]
    destinations: dict[str, int]  # named destination -> page index
    labels: list[str]  # what a PDF viewer names each page (/PageLabels; "" where there are none)

    def ends_part(self, index: int) -> bool:
        return index + 1 >= len(self.pages) or index + 1 in self.part_starts

    def in_part(self, anchor: str, index: int) -> bool:
        """Whether the page is one of the part that opens with the element `anchor`."""
        start = self.destinations.get(anchor)
        if start is None or index < start:
            return False
        return index < min((later for later in self.part_starts if later > start), default=len(self.pages))

    def where(self, index: int) -> str:
        return self.pages[index].where if 0 <= index < len(self.pages) else f"page {index + 1}"


def _joined(runs: Sequence[Run]) -> str:
    """The runs' text left to right, a space where the PDF leaves a gap but no space."""
    text, previous = "", None
    for run in sorted(runs, key=lambda run: run.box.left):
        gap = run.box.left - previous.box.right if previous else 0.0
        if text and not text[-1].isspace() and not run.text[:1].isspace() and gap > 0.2 * run.size:
            text += " "
        text += run.text
        previous = run
    return text
