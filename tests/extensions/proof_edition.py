"""A proof edition, in one module: a grey A4 PDF of the book's pages for proofreading, on
the reader's measure, its plates prepared in grey. Importing it registers the kind."""

from __future__ import annotations

from pathlib import Path

from amnesty_book.model import Book
from amnesty_book.project.config import Edition
from amnesty_book.project.edition_kinds import EditionKind, register


def write_proof(book: Book, edition: Edition, out: Path) -> list[Path]:
    from amnesty_book.layout.engine import render_edition  # WeasyPrint, only when a proof is built

    target = out / edition.output_name(book.config.slug)
    target.write_bytes(render_edition(book, edition)[1])
    return [target]


PROOF = register(
    EditionKind(
        name="proof",
        writer=f"{__name__}:write_proof",
        format="pdf",
        papers=("A4",),
        grayscale=True,
        measure=(60, 75),
        output="{slug}-{edition}-proof.pdf",
        words={"en": "Proof for the editors", "pl": "Korekta dla redakcji"},
    )
)
