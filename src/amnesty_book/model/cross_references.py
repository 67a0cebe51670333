"""Resolves cross-references (`@plate:id`, `@sec:id`, `@note:label`, and an appendix's entries
by its kind's reference, as `@event:id`) into the words that name their targets and their anchors."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path
from typing import TypeVar

from amnesty_book.model import Book, CrossLink, CrossRef, Inline
from amnesty_book.model.rewriting import rewrite_text
from amnesty_book.model.text import bound, quoted
from amnesty_book.project.appendix_kinds import APPENDICES
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import Problems


def resolve_cross_references(book: Book, manuscript_files: frozenset[Path], problems: Problems) -> Book:
    """The book with every cross-reference made a CrossLink; one naming nothing is a problem."""
    labels = book.config.labels
    language = book.config.language

    def link(text: str, anchor: str) -> CrossLink:  # bound as the text around it is ("note 3")
        return CrossLink(bound(text, language), anchor)

    targets: dict[str, dict[str, CrossLink]] = {
        "plate": {plate.id: link(plate.label, plate.anchor) for plate in book.plates},
        "sec": {
            heading.anchor: link(quoted(heading.text, language), heading.anchor)
            for chapter in book.chapters
            for heading in (chapter.title, *chapter.sections)
        },
        **{
            APPENDICES[appendix.kind].reference: {
                entry.id: link(entry.reference_text(labels, language), entry.anchor)
                for entry in appendix.entries
            }
            for appendix in book.appendices
            if APPENDICES[appendix.kind].reference
        },
    }
    notes = [
        (note.label, note.location.path, link(f"{labels['note']} {note.number}", note.anchor))
        for note in book.notes
        if note.label
    ]

    def resolve(reference: CrossRef) -> CrossLink | None:
        if reference.kind == "note":
            return _note(reference, notes, manuscript_files, problems)
        known = targets.get(reference.kind, {})  # a book without that appendix has none of its entries
        found = known.get(reference.target)
        if found is None:
            problems.add(reference.location, unknown_target(reference.kind, reference.target, known))
        return found

    def rewrite(content: Inline) -> Inline:
        parts = []
        for part in content:
            if isinstance(part, CrossRef):
                link = resolve(part)
                parts += [link] if link else []
            else:
                parts.append(part)
        return tuple(parts)

    return rewrite_text(book, rewrite)


_Note = TypeVar("_Note")
_WHAT = {"plate": "plate", "sec": "heading", "note": "note"}


def unknown_target(kind: str, target: str, known: Iterable[str]) -> str:
    """The problem of a cross-reference that names nothing (the build's and the linter's words)."""
    names = [f"@{kind}:{name}" for name in dict.fromkeys(known)]
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "") if names else "none"
    what = _WHAT.get(kind) or next(each.what for each in APPENDICES.values() if each.reference == kind)
    return f"@{kind}:{target} names no {what} of the book; the book has: {shown}"


AMBIGUOUS_NOTE = (
    "@note:{label} could be the note of that label in several files; give the note a label of its own"
)


def notes_named(
    label: str,
    where: SourceLocation,
    notes: Iterable[tuple[str, Path, _Note]],
    manuscript_files: Collection[Path],
) -> list[_Note]:
    """The notes (label, file, note) a cross-reference from `where` names: in a chapter's file,
    its own file's note of that label if it has one; elsewhere, every file's."""
    found = [(path, note) for name, path, note in notes if name == label]
    if where.path in manuscript_files:
        found = [each for each in found if each[0] == where.path] or found
    return [note for _, note in found]


def _note(
    reference: CrossRef,
    notes: list[tuple[str, Path, CrossLink]],
    manuscript_files: frozenset[Path],
    problems: Problems,
) -> CrossLink | None:
    found = notes_named(reference.target, reference.location, notes, manuscript_files)
    if len(found) == 1:
        return found[0]
    if found:
        problems.add(reference.location, AMBIGUOUS_NOTE.format(label=reference.target))
    else:
        problems.add(
            reference.location, unknown_target("note", reference.target, (name for name, _, _ in notes))
        )
    return None
