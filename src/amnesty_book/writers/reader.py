"""Writes the reader edition: the book's tagged PDF as the layout made it (layout/engine.py),
with page-bottom notes, contents with page numbers, bookmarks, running heads and its fonts."""

from __future__ import annotations

from pathlib import Path

from amnesty_book.layout.engine import paged
from amnesty_book.model import Book
from amnesty_book.project.config import Edition


def write_reader(book: Book, edition: Edition, out: Path) -> list[Path]:
    target = out / edition.output_name(book.config.slug)
    target.write_bytes(paged(book, edition).pdf)
    return [target]
