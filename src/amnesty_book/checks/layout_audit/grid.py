"""The baseline grid: the share of the chapters' pages whose body lines all stand on it."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterator

from amnesty_book.checks.layout_audit.pages import Layout, Line, Page
from amnesty_book.checks.layout_audit.sizes import Sizes
from amnesty_book.model import Book
from amnesty_book.project.config import POINTS_PER_MM, Edition
from amnesty_book.support.diagnostics import Diagnostic

# A baseline this near a line of the grid stands on it (a leaf's two sides are printed in
# register within about this much).
ON_GRID_MM = 0.3
# Pages with fewer body lines than this say little of the grid (a chapter's last lines).
_FEWEST_LINES = 3


def grid_register(layout: Layout, edition: Edition, sizes: Sizes, book: Book) -> Iterator[Diagnostic]:
    """How many of the chapters' pages have every body line on the grid their most common
    baselines make: the text block's top, counted in the body's leading."""
    pages = [
        page
        for page in layout.pages
        if any(layout.in_part(chapter.title.anchor, page.index) for chapter in book.chapters)
        and len(_body_lines(page, sizes)) >= _FEWEST_LINES
    ]
    leading = _leading(pages, sizes)
    if not pages or leading is None:
        return
    phase = Counter(
        round(_residue(page, line, leading), 1) for page in pages for line in _body_lines(page, sizes)
    )
    grid = phase.most_common(1)[0][0]
    off = [
        page for page in pages if any(_off(page, line, leading, grid) for line in _body_lines(page, sizes))
    ]
    first_off = f"; first off: {off[0].where}" if off else ""
    yield Diagnostic.in_edition(
        edition.name,
        "body text",
        "L104",
        f"baseline grid: {len(pages) - len(off)} of {len(pages)} pages of the chapters have every body "
        f"line within {ON_GRID_MM} mm of it{first_off}",
        "for information: the lines of a leaf's two sides back up where they stand on one grid",
    )


def _body_lines(page: Page, sizes: Sizes) -> list[Line]:
    return [line for line in page.inside if sizes.is_body(line)]


def _leading(pages: list[Page], sizes: Sizes) -> float | None:
    """The commonest step between consecutive body lines, to a tenth of a point, then as the mean
    of the steps of that tenth: rounded, 15.225 pt would be 15.2, and a page's 43rd line would
    stand a point off the grid the first line makes."""
    steps = [
        upper.baseline - lower.baseline
        for page in pages
        for upper, lower in zip(_body_lines(page, sizes), _body_lines(page, sizes)[1:], strict=False)
        if sizes.body < upper.baseline - lower.baseline < 2 * sizes.body
    ]
    if not steps:
        return None
    commonest = Counter(round(step, 1) for step in steps).most_common(1)[0][0]
    return statistics.fmean(step for step in steps if round(step, 1) == commonest)


def _residue(page: Page, line: Line, leading: float) -> float:
    return (page.block.top - line.baseline) % leading


def _off(page: Page, line: Line, leading: float, grid: float) -> bool:
    distance = abs(_residue(page, line, leading) - grid) % leading
    return min(distance, leading - distance) > ON_GRID_MM * POINTS_PER_MM
