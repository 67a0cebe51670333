"""The page of each paged edition: its type size, text block and margins, in one place.

The stylesheet's @page rules are written from here, and the layout audit measures the
printed pages against the same text block, so the two cannot disagree.

The design is two-sided, as the running heads are: margins are mirrored, the inner one
narrower than the outer, so that an opening's two text blocks sit together. The measure is
chosen for about 66 characters a line in the book face (Bringhurst's 45–75).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from amnesty_book.project.config import POINTS_PER_MM, Edition
from amnesty_book.project.edition_kinds import PAPERS


@dataclass(frozen=True)
class PageDesign:
    """A page's type and margins, in points and millimetres."""

    font_size_pt: float
    top_mm: float
    bottom_mm: float
    inner_mm: float
    outer_mm: float
    # Distances of the running head's and the folio's baselines from the trim edge.
    head_mm: float
    folio_mm: float
    # The height of a 4:3 photograph as printed; every plate is given its area.
    plate_mm: float


# Paper of the page -> its design. The A5 and half-letter pages are the handout's: they are
# printed two to a sheet by an office printer, which cannot print within about 5 mm of the
# sheet's edge, so nothing stands within 10 mm of it.
#
# A4 and Letter have the same pages, as A5 and half-letter do (SAME_PAGES): one text block,
# type and plate size, the running head and the folio as far from it, the margins of each
# paper taking what its size adds or cuts (A4 is 5.9 mm narrower than Letter and 17.6 mm
# taller). A book's pages therefore break alike on both papers, so that a folio cited from
# one is found in the other, and in the EPUB's page list.
DESIGNS: dict[str, PageDesign] = {
    "A4": PageDesign(
        10.5, top_mm=29, bottom_mm=35.6, inner_mm=36, outer_mm=54, head_mm=21, folio_mm=25.6, plate_mm=66
    ),
    "Letter": PageDesign(
        10.5, top_mm=22, bottom_mm=25, inner_mm=38.4, outer_mm=57.5, head_mm=14, folio_mm=15, plate_mm=66
    ),
    "A5": PageDesign(
        9, top_mm=19, bottom_mm=22, inner_mm=18, outer_mm=30.3, head_mm=13.5, folio_mm=13, plate_mm=54
    ),
    "Half-Letter": PageDesign(
        9, top_mm=21.5, bottom_mm=25.4, inner_mm=16, outer_mm=24, head_mm=16, folio_mm=16.4, plate_mm=54
    ),
}
# Paper -> the paper with the same pages whose layout its editions are cut from (page_cut.py).
SAME_PAGES = {"Letter": "A4", "Half-Letter": "A5"}


# The tallest share of the text block a plate's image takes.
_TALLEST_PLATE = 0.6
# The room a page keeps for running text beside its plates, in ems of its type: three lines.
TEXT_BESIDE_PLATES_EM = 4.5


@dataclass(frozen=True)
class TextBlock:
    """A page's text block in PDF points, origin at the trim box's lower left corner."""

    left: float
    bottom: float
    right: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom


def design(edition: Edition) -> PageDesign:
    return DESIGNS[edition.page_size]


def trim_size_pt(edition: Edition) -> tuple[float, float]:
    width, height = PAPERS[edition.page_size][1]
    return width * POINTS_PER_MM, height * POINTS_PER_MM


def text_block(edition: Edition, page_index: int) -> TextBlock:
    """The text block of the page at `page_index` (from 0). The first page is a right-hand
    page, as in any book: its inner margin is on the left."""
    page = design(edition)
    width, height = trim_size_pt(edition)
    right_hand = page_index % 2 == 0
    left_mm = page.inner_mm if right_hand else page.outer_mm
    right_mm = page.outer_mm if right_hand else page.inner_mm
    return TextBlock(
        left=left_mm * POINTS_PER_MM,
        bottom=page.bottom_mm * POINTS_PER_MM,
        right=width - right_mm * POINTS_PER_MM,
        top=height - page.top_mm * POINTS_PER_MM,
    )


def papers_alike(paper: str) -> tuple[str, ...]:
    """The papers that have the same pages as `paper`, the one they are laid out on first."""
    laid_out_on = SAME_PAGES.get(paper, paper)
    return (laid_out_on, *(other for other, source in SAME_PAGES.items() if source == laid_out_on))


def cut_offset(edition: Edition, page_index: int) -> tuple[float, float]:
    """Where the lower left corner of the edition's page at `page_index` stands, in points, on
    the same page laid out on the paper it is cut from (SAME_PAGES): the text blocks meet."""
    own, source = design(edition), DESIGNS[SAME_PAGES.get(edition.page_size, edition.page_size)]
    right_hand = page_index % 2 == 0
    left_mm = (source.inner_mm - own.inner_mm) if right_hand else (source.outer_mm - own.outer_mm)
    return left_mm * POINTS_PER_MM, (source.bottom_mm - own.bottom_mm) * POINTS_PER_MM


def measure_mm(edition: Edition) -> float:
    page = design(edition)
    return PAPERS[edition.page_size][1][0] - page.inner_mm - page.outer_mm


def plate_width_mm(edition: Edition, width_px: int, height_px: int) -> float:
    """How wide a plate's image is printed. Plates are given one area, so that an upright
    scan weighs on the page as a landscape photograph does (sized by height alone, it would
    stand a third as wide); no plate is wider than the measure, nor so tall that it could not
    share a page with its caption and some lines of text. Its caption takes its width."""
    page = design(edition)
    area = page.plate_mm * page.plate_mm * 4 / 3  # that of a 4:3 photograph plate_mm high
    aspect = width_px / height_px
    tallest = _TALLEST_PLATE * (PAPERS[edition.page_size][1][1] - page.top_mm - page.bottom_mm)
    return round(min(measure_mm(edition), math.sqrt(area * aspect), tallest * aspect), 1)


def page_css(edition: Edition) -> str:
    """The @page rules of the edition: paper, mirrored margins, type size, and where the
    running heads' and folios' baselines stand; the text block's height, for what stands at
    its foot or a share of it down (print.css)."""
    page = design(edition)
    size = PAPERS[edition.page_size][0]
    text_block_mm = PAPERS[edition.page_size][1][1] - page.top_mm - page.bottom_mm
    # A margin box's line is placed from the top of its box: its baseline stands about one
    # ascent (3 mm at 8.5 pt) below the padding.
    ascent_mm = 3
    head_padding = page.head_mm - ascent_mm
    folio_padding = page.bottom_mm - page.folio_mm - ascent_mm
    return (
        f"@page {{ size: {size}; margin: {page.top_mm}mm 0 {page.bottom_mm}mm 0;\n"
        f"  @top-left {{ vertical-align: top; padding-top: {head_padding}mm; }}\n"
        f"  @top-right {{ vertical-align: top; padding-top: {head_padding}mm; }}\n"
        f"  @bottom-center {{ vertical-align: top; padding-top: {folio_padding}mm; }} }}\n"
        f"@page :right {{ margin-left: {page.inner_mm}mm; margin-right: {page.outer_mm}mm; }}\n"
        f"@page :left {{ margin-left: {page.outer_mm}mm; margin-right: {page.inner_mm}mm; }}\n"
        f"html {{ font-size: {page.font_size_pt}pt; --text-block-height: {text_block_mm:g}mm; }}\n"
    )
