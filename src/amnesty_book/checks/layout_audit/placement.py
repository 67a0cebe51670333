"""Checks of placement: notes and plates standing away from the page of their calls or markers."""

from __future__ import annotations

from collections.abc import Iterator

from amnesty_book.checks.layout_audit.pages import Layout
from amnesty_book.model import Book, PlatePlacement
from amnesty_book.project.config import Edition
from amnesty_book.support.diagnostics import Diagnostic


def notes_away(layout: Layout, edition: Edition, book: Book) -> Iterator[Diagnostic]:
    """Named destinations are where WeasyPrint placed each element: a note's and its call's."""
    for note in book.notes:
        call, placed = layout.destinations.get(note.call_anchor), layout.destinations.get(note.anchor)
        if call is None or placed is None or call == placed:
            continue
        yield Diagnostic.in_edition(
            edition.name,
            layout.where(call),
            "L501",
            f"note {note.number} is called on this page but stands on {layout.where(placed)}",
            f"shorten the note, or the paragraph calling it ({note.location})",
        )


def plates_away(layout: Layout, edition: Edition, book: Book) -> Iterator[Diagnostic]:
    """A plate may stand on its marker's page or the next; an element `marker-<anchor>` marks
    where the manuscript places it (a layout without markers is not checked)."""
    placed_at = {
        block.plate_id: block.location
        for chapter in book.chapters
        for block in chapter.blocks
        if isinstance(block, PlatePlacement)
    }
    for plate in book.plates:
        marker = layout.destinations.get(f"marker-{plate.anchor}")
        placed = layout.destinations.get(plate.anchor)
        if marker is None or placed is None or marker <= placed <= marker + 1:
            continue
        # Before its marker is wrong; later, the plates called before it took the pages
        # between, which the builder could not set small enough to share.
        yield Diagnostic.in_edition(
            edition.name,
            layout.where(placed),
            "L502" if placed < marker else "L503",
            f"{plate.label} stands here, but the text places it on {layout.where(marker)}",
            f"move '::: plate {plate.id}' ({placed_at.get(plate.id, plate.location)}) or make the "
            "plate smaller",
        )
