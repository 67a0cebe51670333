"""Writes the archival PDF: PDF/A-3a, tagged, with the book's sources attached inside it.

An archive keeps one self-contained file from which the book can be rebuilt.
"""

from __future__ import annotations

from pathlib import Path

from weasyprint import Attachment

from amnesty_book.layout.engine import render_edition
from amnesty_book.model import Book
from amnesty_book.project.config import Edition
from amnesty_book.theme.rendering import built_at

PDF_A = "pdf/a-3a"


def write_archive(book: Book, edition: Edition, out: Path) -> list[Path]:
    built = built_at(book)
    attachments = [
        Attachment(
            filename=str(source),
            name=source.relative_to(book.root).as_posix(),
            description="Source of this book",
            created=built,
            modified=built,
            relationship="Source",
        )
        for source in book.sources
    ]
    _, pdf = render_edition(book, edition, variant=PDF_A, attachments=attachments)
    target = out / edition.output_name(book.config.slug)
    target.write_bytes(pdf)
    return [target]
