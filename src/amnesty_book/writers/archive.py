"""Writes the archival PDF: PDF/A-3a, tagged, with the book's sources attached inside it
(its kind's pdf_variant and attaches_sources, which the layout writes).

An archive keeps one self-contained file from which the book can be rebuilt.
"""

from __future__ import annotations

from pathlib import Path

from amnesty_book.layout.engine import edition_pdf
from amnesty_book.model import Book
from amnesty_book.project.config import Edition


def write_archive(book: Book, edition: Edition, out: Path) -> list[Path]:
    target = out / edition.output_name(book.config.slug)
    target.write_bytes(edition_pdf(book, edition))
    return [target]
