"""The layout audit: reads each paged edition's PDF back and checks its pages as a book designer would.

Like TeX's overfull and underfull box warnings, it reports what the layout let through: ink
outside the text block, pages left part-empty, lines too long or too short to read well,
ladders of hyphens, notes and plates away from their calls, and headings, orphans and widows
at a page's foot or head. Every finding has a stable code (L101–L701 in support/diagnostics.py's
CODES), names its edition and page (physical and printed) and ends with a hint.

Only a certain defect is an error, which fails the build; whatever is guessed from the
geometry of lines (empty pages, headings, orphans, widows) is a warning, and those guesses
are made only where the signs are unambiguous, so that a well-set book never cries wolf.

`pages` models a PDF's pages and `reading` reads one into that model; `sizes` finds the sizes
the book is set in, and the checks are in `space`, `text`, `texture`, `breaks`, `placement`
and `folios`.
"""

from __future__ import annotations

from amnesty_book.checks.layout_audit.breaks import (
    needless_note_splits,
    orphans_and_widows,
    stranded_headings,
)
from amnesty_book.checks.layout_audit.folios import folio_sides, page_labels
from amnesty_book.checks.layout_audit.grid import grid_register
from amnesty_book.checks.layout_audit.pages import Layout
from amnesty_book.checks.layout_audit.placement import notes_away, plates_away
from amnesty_book.checks.layout_audit.reading import PdfSource, opened, read_layout, reading_parts_ahead
from amnesty_book.checks.layout_audit.sizes import sizes_of
from amnesty_book.checks.layout_audit.space import (
    float_pages,
    ink_outside,
    ink_over_ink,
    sheet_edge,
    underfull,
    white_above_plates,
)
from amnesty_book.checks.layout_audit.text import hyphen_ladders, measure
from amnesty_book.checks.layout_audit.texture import (
    hyphenated_stubs,
    page_final_hyphens,
    split_bindings,
    word_spaces,
)
from amnesty_book.model import Book
from amnesty_book.project.config import Edition
from amnesty_book.support.diagnostics import Diagnostic

__all__ = ["audit_layout", "audit_pdf", "audit_sheets", "read_layout", "reading_parts_ahead"]


def audit_pdf(pdf: PdfSource, edition: Edition, book: Book) -> list[Diagnostic]:
    """Every layout defect of a paged edition's pages (not imposed), errors and warnings."""
    return audit_layout(read_layout(pdf, edition), edition, book)


def audit_layout(layout: Layout, edition: Edition, book: Book) -> list[Diagnostic]:
    """Every layout defect of pages already read back."""
    if not layout.pages:
        return []
    sizes = sizes_of(layout, book)
    return [
        *ink_outside(layout, edition),
        *ink_over_ink(layout, edition),
        *underfull(layout, edition, sizes),
        *float_pages(layout, edition, sizes),
        *white_above_plates(layout, edition, sizes),
        *measure(layout, edition, sizes),
        *hyphen_ladders(layout, edition),
        *word_spaces(layout, edition, sizes),
        *page_final_hyphens(layout, edition, sizes),
        *hyphenated_stubs(layout, edition, sizes),
        *split_bindings(layout, edition, book.config.language),
        *notes_away(layout, edition, book),
        *plates_away(layout, edition, book),
        *stranded_headings(layout, edition, sizes),
        *orphans_and_widows(layout, edition, sizes),
        *needless_note_splits(layout, edition, sizes),
        *page_labels(layout, edition),
        *folio_sides(layout, edition),
        *grid_register(layout, edition, sizes, book),
    ]


def audit_sheets(pdf: PdfSource, edition: Edition) -> list[Diagnostic]:
    """An imposed booklet's sheets: no ink within SHEET_MARGIN_MM of a sheet's edge."""
    with opened(pdf) as document:
        return [
            finding
            for index in range(len(document))
            if (finding := sheet_edge(document[index], index, edition)) is not None
        ]
