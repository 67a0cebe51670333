"""Which editions take their pages from another edition's layout, so that the book is laid out
once for both: one on a paper with the same pages as another's is cut from it (page_cut.py);
one whose layout has the same inputs as another's (its paper, stylesheet and printed images)
takes that layout's pages and sets only its back matter, whose colophon names it (engine.py)."""

from __future__ import annotations

from amnesty_book.images.plates import print_sources
from amnesty_book.layout.page_cut import cut_source
from amnesty_book.model import Book
from amnesty_book.project.config import Edition
from amnesty_book.theme.styles import paged_stylesheet


def same_layout(book: Book, edition: Edition) -> Edition:
    """The first of the book's editions whose layout has the same inputs as `edition`'s: the
    edition itself when none does before it."""
    if not edition.paged:
        return edition
    inputs = _inputs(book, edition)
    alike = (other for other in book.config.editions if other.paged and _inputs(book, other) == inputs)
    return next(alike, edition)


def layout_root(book: Book, edition: Edition) -> Edition:
    """The edition whose layout `edition` takes, cut or shared: the build makes the two in
    one process."""
    return same_layout(book, cut_source(book.config, edition))


def _inputs(book: Book, edition: Edition) -> tuple[object, ...]:
    sources = print_sources(book, edition)
    return edition.page_size, paged_stylesheet(book, edition).css, tuple(sorted(sources.items()))
