"""Writes the handout: a grayscale booklet of half-sheet pages imposed two-up for duplex printing."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from amnesty_book.layout.engine import edition_pdf
from amnesty_book.layout.page_cut import cut, cut_source
from amnesty_book.model import Book
from amnesty_book.prepress.imposition import impose_booklet
from amnesty_book.project.config import POINTS_PER_MM, Edition
from amnesty_book.project.edition_kinds import PAPERS


def write_handout(book: Book, edition: Edition, out: Path) -> list[Path]:
    pages = handout_pages(book, edition)
    width, height = PAPERS[edition.paper or "A4"][1]
    target = out / edition.output_name(book.config.slug)
    target.write_bytes(impose_booklet(pages, (width * POINTS_PER_MM, height * POINTS_PER_MM)))
    return [target]


@lru_cache(maxsize=2)
def handout_pages(book: Book, edition: Edition) -> bytes:
    """The handout's pages before they are imposed, made once: the layout audit reads them too.
    On a paper with the same pages as another's, they are cut from that paper's (page_cut.py)."""
    source = cut_source(book.config, edition)
    if source != edition:
        return cut(handout_pages(book, source), edition)
    return edition_pdf(book, edition)  # grey images: the edition's colour says so
