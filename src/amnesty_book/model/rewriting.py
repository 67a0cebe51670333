"""Rebuilds a numbered Book with every piece of its rich text passed through one function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from amnesty_book.model import (
    Appendix,
    Block,
    Book,
    Chapter,
    Heading,
    Inline,
    Note,
    NoteCall,
    PlatePlacement,
    Prose,
    PullQuote,
)
from amnesty_book.model.text import plain_text

Rewrite = Callable[[Inline], Inline]


def rewrite_text(book: Book, rewrite: Rewrite, note_content: Callable[[Note], Inline] | None = None) -> Book:
    """The book with `rewrite` applied to every piece of rich text: headings, running text,
    notes (or `note_content` for them), captions, credits, the appendices' entries. Note calls are
    pointed at the rewritten notes."""
    notes = {
        note.number: replace(note, content=content, text=plain_text(content))
        for note in book.notes
        for content in [note_content(note) if note_content else rewrite(note.content)]
    }

    def text(content: Inline) -> Inline:
        return tuple(
            NoteCall(notes[part.note.number]) if isinstance(part, NoteCall) else part
            for part in rewrite(content)
        )

    plates = {
        plate.id: replace(
            plate, caption=text(plate.caption), credit=text(plate.credit), source=text(plate.source)
        )
        for plate in book.plates
    }

    def heading(title: Heading) -> Heading:
        return replace(title, content=text(title.content))

    def block(each: Block) -> Block:
        if isinstance(each, Heading):
            return heading(each)
        if isinstance(each, Prose | PullQuote):
            return replace(each, content=text(each.content))
        assert isinstance(each, PlatePlacement) and each.plate is not None
        return replace(each, plate=plates[each.plate.id])

    chapters = tuple(
        Chapter(
            title=heading(chapter.title),
            blocks=tuple(block(each) for each in chapter.blocks),
            notes=tuple(notes[note.number] for note in chapter.notes),
        )
        for chapter in book.chapters
    )
    appendices = tuple(
        Appendix(
            appendix.kind,
            tuple(
                replace(entry, **{name: text(value) for name, value in entry.texts().items()})  # type: ignore[type-var]
                for entry in appendix.entries
            ),
        )
        for appendix in book.appendices
    )
    return replace(
        book,
        chapters=chapters,
        notes=tuple(notes.values()),
        plates=tuple(plates.values()),
        appendices=appendices,
    )
