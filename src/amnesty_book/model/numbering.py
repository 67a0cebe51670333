"""The one place that numbers notes and plates and assigns every anchor id, so all editions agree."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from amnesty_book.model import (
    Appendix,
    AppendixEntry,
    Block,
    Book,
    Chapter,
    CiteRef,
    CrossLink,
    CrossRef,
    FontFace,
    Heading,
    Inline,
    Note,
    NoteCall,
    NoteRef,
    Plate,
    PlatePlacement,
    Prose,
    PullQuote,
)
from amnesty_book.model.cross_references import resolve_cross_references
from amnesty_book.model.drafts import Manuscript, NoteDefinition, PlateEntry
from amnesty_book.model.text import plain_text
from amnesty_book.project.appendix_kinds import APPENDICES
from amnesty_book.project.config import BookConfig
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import Problems

_SLUG_LIMIT = 48
# Ids the templates give their own elements (title page, contents, lists, EPUB navigation,
# notes headings, page breaks): no anchor made from text may take one of them.
RESERVED_ANCHORS = frozenset(
    {
        "title-page",
        "imprint",
        "contents",
        "contents-title",
        "plates",
        "plates-title",
        "bibliography",
        "bibliography-title",
        "colophon",
        "colophon-title",
        "landmarks",
        "landmarks-title",
        "page-list",
        "page-list-title",
    }
)
_RESERVED_PATTERN = re.compile(r"(page|notes-title|source)-[a-z0-9]+")


def _reserved() -> frozenset[str]:
    """The ids of the templates' own elements, with each kind of appendix's section and title."""
    return RESERVED_ANCHORS | {anchor for kind in APPENDICES for anchor in (kind, f"{kind}-title")}


_INTERNAL_LINK = re.compile(r'href="#([^"]*)"')


def number_book(
    config: BookConfig,
    manuscript: Manuscript,
    plates: dict[str, PlateEntry],
    appendices: tuple[Appendix, ...],
    fonts: tuple[FontFace, ...],
    sources: tuple[Path, ...],
    citations_make_notes: bool = False,
) -> Book:
    """Numbers notes by their call and plates by their placement, in reading order, and
    resolves cross-references. In a note style (`citations_make_notes`), a citation in the
    running text makes a note, numbered with the others."""
    numbering = _Numbering(manuscript, plates, config.labels["plate"], citations_make_notes)
    chapters = tuple(numbering.chapter(draft.title, draft.blocks) for draft in manuscript.chapters)
    numbering.report_unused()
    appendices = tuple(
        Appendix(
            appendix.kind,
            tuple(
                replace(entry, anchor=numbering.anchor(f"{APPENDICES[appendix.kind].anchor_prefix}-{n}"))
                for n, entry in enumerate(appendix.entries, 1)
            ),
        )
        for appendix in appendices
    )
    for appendix in appendices:
        numbering.check_entry_ids(appendix)
    numbering.check_links(chapters, appendices)
    numbering.problems.raise_if_any()
    book = Book(
        config=config,
        chapters=chapters,
        notes=tuple(numbering.notes.values()),
        plates=tuple(numbering.plates.values()),
        appendices=appendices,
        fonts=fonts,
        sources=sources,
    )
    book = resolve_cross_references(book, numbering.manuscript_files, numbering.problems)
    numbering.problems.raise_if_any()
    return book


class _Numbering:
    def __init__(
        self,
        manuscript: Manuscript,
        entries: dict[str, PlateEntry],
        plate_word: str,
        citations_make_notes: bool,
    ) -> None:
        # A note's label is its file's own: (file, label) -> its definition.
        self.definitions = {(note.location.path, note.label): note for note in manuscript.notes}
        self.manuscript_files = frozenset(manuscript.files)
        self.entries = entries
        self.plate_word = plate_word
        self.citations_make_notes = citations_make_notes
        self.notes: dict[tuple[Path, str], Note] = {}
        self.plates: dict[str, Plate] = {}
        self.anchors = Anchors()
        self.blocks = 0
        self.problems = Problems()

    def chapter(self, title: Heading, drafts: tuple[Block, ...]) -> Chapter:
        first_note = len(self.notes)
        numbered_title = self.heading(title)
        blocks = tuple(self.block(block) for block in drafts)
        chapter_notes = tuple(self.notes.values())[first_note:]
        return Chapter(title=numbered_title, blocks=tuple(b for b in blocks if b), notes=chapter_notes)

    def block(self, block: Block) -> Block | None:
        if isinstance(block, Heading):
            return self.heading(block)
        if isinstance(block, Prose):
            return Prose(self.calls(block.content), block.location, self.block_anchor())
        if isinstance(block, PullQuote):
            return PullQuote(block.content, block.location, self.block_anchor())
        return self.place(block)

    def heading(self, heading: Heading) -> Heading:
        return Heading(
            heading.level,
            self.calls(heading.content),
            heading.text,
            self.anchor(heading.text),
            heading.location,
        )

    def place(self, placement: PlatePlacement) -> PlatePlacement | None:
        entry = self.entries.get(placement.plate_id)
        if entry is None:
            known = ", ".join(self.entries) or "none"
            self.problems.add(
                placement.location,
                f"unknown plate '{placement.plate_id}'; the plates manifest has: {known}",
            )
            return None
        if entry.id in self.plates:
            first = self.plates[entry.id]
            self.problems.add(
                placement.location,
                f"plate '{entry.id}' is placed twice ({first.label} was placed before); place it once",
            )
            return None
        number = len(self.plates) + 1
        plate = Plate(
            id=entry.id,
            number=number,
            anchor=self.anchor(f"plate-{entry.id}"),
            label=f"{self.plate_word} {number}",
            file=entry.file,
            width=entry.width,
            height=entry.height,
            caption=self.calls(entry.caption, running=False),
            credit=entry.credit,
            alt=entry.alt,
            source=entry.source,
            location=entry.location,
        )
        self.plates[entry.id] = plate
        return PlatePlacement(entry.id, placement.location, plate)

    def calls(self, content: Inline, running: bool = True) -> Inline:
        """The content with each note call numbered, in the order the calls are read; in the
        running text of a note style, each citation makes a note of its own."""
        parts: list[str | NoteRef | NoteCall | CiteRef | CrossRef | CrossLink] = []
        for part in content:
            if isinstance(part, CiteRef) and running and self.citations_make_notes:
                parts.append(replace(part, note=self.new_note("", (part,), part.location)))
                continue
            if not isinstance(part, NoteRef):
                parts.append(part)
                continue
            definition = self.definition(part)
            if definition is None:
                continue
            key = (definition.location.path, definition.label)
            if key in self.notes:
                first = self.notes[key]
                self.problems.add(
                    part.location,
                    f"note [^{part.label}] is called twice (first as note {first.number}); "
                    "call each note once, or write a second note",
                )
            else:
                parts.append(
                    NoteCall(self.new_note(part.label, definition.content, definition.location, key))
                )
        return tuple(parts)

    def new_note(
        self, label: str, content: Inline, location: SourceLocation, key: tuple[Path, str] | None = None
    ) -> Note:
        """The next note; one a citation makes has no label, and its own key."""
        number = len(self.notes) + 1
        note = Note(
            number=number,
            label=label,
            anchor=self.anchor(f"note-{number}"),
            call_anchor=self.anchor(f"noteref-{number}"),
            content=content,
            text=plain_text(content),
            location=location,
        )
        self.notes[key or (location.path, f"@{number}")] = note
        return note

    def definition(self, call: NoteRef) -> NoteDefinition | None:
        """The note a call names: in the manuscript, the one its own file defines; in a caption,
        the one the manuscript defines under that label."""
        if call.location.path in self.manuscript_files:
            found = [
                self.definitions[key] for key in [(call.location.path, call.label)] if key in self.definitions
            ]
        else:
            found = [note for (_, label), note in self.definitions.items() if label == call.label]
        if len(found) == 1:
            return found[0]
        if found:
            files = ", ".join(str(note.location.path) for note in found)
            self.problems.add(
                call.location,
                f"note [^{call.label}] is defined in several files ({files}); "
                "give this note a label of its own",
            )
        else:
            self.problems.add(
                call.location,
                f"note [^{call.label}] is called but never defined; add a line '[^{call.label}]: text'",
            )
        return None

    def report_unused(self) -> None:
        for (path, label), definition in self.definitions.items():
            if (path, label) not in self.notes:
                self.problems.add(
                    definition.location,
                    f"note [^{label}] is defined but never called; call it with [^{label}] or delete it",
                )
        for plate_id, entry in self.entries.items():
            if plate_id not in self.plates:
                self.problems.add(
                    entry.location,
                    f"plate '{plate_id}' is never placed; add '::: plate {plate_id}' to the manuscript "
                    "or remove it from the manifest",
                )

    def check_entry_ids(self, appendix: Appendix) -> None:
        """Entries that cross-references name must have ids of their own."""
        if not APPENDICES[appendix.kind].reference:
            return
        seen: dict[str, AppendixEntry] = {}
        for entry in appendix.entries:
            if entry.id in seen:
                self.problems.add(
                    entry.location,
                    f"two {appendix.kind} entries have the id '{entry.id}' (the first at line "
                    f"{seen[entry.id].location.line}); give this one an id of its own, as id: name",
                )
            seen.setdefault(entry.id, entry)

    def check_links(self, chapters: tuple[Chapter, ...], appendices: tuple[Appendix, ...]) -> None:
        """Every #anchor link of the text names an anchor of the book (the linter's L002, with
        its words): else WeasyPrint would report it with no file or line."""
        headings = [heading.anchor for chapter in chapters for heading in (chapter.title, *chapter.sections)]
        known = set(self.anchors.made) | _reserved()
        shown = ", ".join(headings[:12]) + (", ..." if len(headings) > 12 else "")
        texts: list[tuple[Inline, SourceLocation]] = [
            (block.content, block.location)
            for chapter in chapters
            for block in chapter.blocks
            if isinstance(block, Prose | PullQuote | Heading)
        ]
        texts += [(note.content, note.location) for note in self.notes.values()]
        texts += [
            (part, plate.location) for plate in self.plates.values() for part in (plate.caption, plate.credit)
        ]
        texts += [
            (text, entry.location)
            for appendix in appendices
            for entry in appendix.entries
            for text in entry.texts().values()
        ]
        for content, where in texts:
            for part in content:
                for target in _INTERNAL_LINK.findall(part) if isinstance(part, str) else ():
                    if target not in known:
                        self.problems.add(
                            where, f"link '#{target}' points at no heading; the heading anchors are: {shown}"
                        )

    def block_anchor(self) -> str:
        self.blocks += 1
        return self.anchor(f"b-{self.blocks}")

    def anchor(self, text: str) -> str:
        return self.anchors.make(text)


class Anchors:
    """Makes XML ids from text, each unique among those it has made and the reserved ones."""

    def __init__(self) -> None:
        self.made: set[str] = set()
        self.reserved = _reserved()

    def make(self, text: str) -> str:
        folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
        slug = re.sub(r"[^a-z0-9]+", "-", folded.encode("ascii", "ignore").decode().lower()).strip("-")
        base = ("s-" + slug if not slug[:1].isalpha() else slug)[:_SLUG_LIMIT].rstrip("-") or "s"
        anchor, counter = base, 1
        while anchor in self.made or anchor in self.reserved or _RESERVED_PATTERN.fullmatch(anchor):
            counter += 1
            anchor = f"{base}-{counter}"
        self.made.add(anchor)
        return anchor
