"""Where each plate stands in a paged edition, and how wide it is printed.

Every plate floats to the head or foot of a page (page_floats.py), but a plate that opens its
chapter, which stands under the chapter's title. After a layout, the plan is revised where
the floats went wrong, as a typesetter would: a plate held over onto the page where the next
part opens closes its own chapter instead (as LaTeX's \\clearpage sets the floats still
waiting), and a plate held more than a page behind its marker, by the plates called on the
same page before it, is set a little smaller with them, so that they can share a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .config import Edition
from .model import Book, PlatePlacement
from .page_geometry import plate_width_mm

FLOAT, CHAPTER_END = "float", "chapter-end"
# Each revision sets a late plate this much smaller, down to the smallest scale.
_SHRINK, _SMALLEST = 0.85, 0.6
_BACK_MATTER = ("plates", "timeline", "colophon")


@dataclass(frozen=True)
class PlatePlan:
    # anchor -> FLOAT or CHAPTER_END; a plate not named stands where its marker is.
    positions: Mapping[str, str] = field(default_factory=dict)
    # anchor -> the width its image (and caption) is printed at, in mm.
    widths_mm: Mapping[str, float] = field(default_factory=dict)
    # anchor -> the share of its full size a plate is set at, when set smaller.
    scales: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def first(cls, book: Book, edition: Edition) -> PlatePlan:
        positions = {}
        for chapter in book.chapters:
            opening = True
            for block in chapter.blocks:
                if isinstance(block, PlatePlacement) and not opening:
                    positions[block.anchor] = FLOAT
                opening = opening and isinstance(block, PlatePlacement)
        return cls(positions, _widths(book, edition, {}), {})

    def revised(self, book: Book, edition: Edition, pages: Mapping[str, int]) -> PlatePlan:
        """The plan mended where the plates of a layout (anchor -> page) went wrong; the
        same plan when nothing can be mended. Plates held too late are first set smaller,
        which may also bring them back into their chapter; only a plate that can be set no
        smaller is made to close its chapter."""
        scales = dict(self.scales)
        for anchor in self._late(book, pages):
            smaller = scales.get(anchor, 1.0) * _SHRINK
            if smaller >= _SMALLEST:
                scales[anchor] = smaller
        if scales != self.scales:
            return PlatePlan(self.positions, _widths(book, edition, scales), scales)
        stranded = self._stranded(book, pages)
        if not stranded:
            return self
        return PlatePlan({**self.positions, **dict.fromkeys(stranded, CHAPTER_END)}, self.widths_mm, scales)

    def _floating(self, book: Book) -> list[PlatePlacement]:
        return [
            block
            for chapter in book.chapters
            for block in chapter.blocks
            if isinstance(block, PlatePlacement) and self.positions.get(block.anchor) == FLOAT
        ]

    def _stranded(self, book: Book, pages: Mapping[str, int]) -> list[str]:
        """Floating plates held over onto the page where a later part opens."""
        openings = [chapter.title.anchor for chapter in book.chapters[1:]] + list(_BACK_MATTER)
        stranded = []
        for index, chapter in enumerate(book.chapters):
            later = [pages[anchor] for anchor in openings[index:] if anchor in pages]
            next_opening = min(later, default=max(pages.values(), default=0) + 1)
            stranded += [
                block.anchor
                for block in chapter.blocks
                if isinstance(block, PlatePlacement)
                and self.positions.get(block.anchor) == FLOAT
                and pages.get(block.anchor, 0) >= next_opening
            ]
        return stranded

    def _late(self, book: Book, pages: Mapping[str, int]) -> set[str]:
        """Floating plates more than a page after their marker, with the plates called on the
        same page before them, whose room they wait for."""
        floating = self._floating(book)
        called_on = {block.anchor: pages.get(marker_anchor(block.anchor), 0) for block in floating}
        late: set[str] = set()
        for index, block in enumerate(floating):
            if pages.get(block.anchor, 0) > called_on[block.anchor] + 1:
                late |= {
                    earlier.anchor
                    for earlier in floating[: index + 1]
                    if called_on[earlier.anchor] == called_on[block.anchor]
                }
        return late


def marker_anchor(plate_anchor: str) -> str:
    """The id of the empty element that marks where a floating plate is called."""
    return f"marker-{plate_anchor}"


def _widths(book: Book, edition: Edition, scales: Mapping[str, float]) -> dict[str, float]:
    return {
        plate.anchor: round(
            plate_width_mm(edition, plate.width, plate.height) * scales.get(plate.anchor, 1.0), 1
        )
        for plate in book.plates
    }
