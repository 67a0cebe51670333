"""Reads the Markdown manuscript into chapters of blocks and note definitions (not yet numbered)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

from amnesty_book.model import Block, Heading, PlatePlacement, Prose, PullQuote
from amnesty_book.model.drafts import DraftChapter, Manuscript, NoteDefinition
from amnesty_book.model.text import plain_text
from amnesty_book.project.limits import LimitError, check_notes, check_paragraphs
from amnesty_book.project.sources import Project
from amnesty_book.readers.kept_markup import kept_for
from amnesty_book.readers.markup import block_markup, inline_markup, may_nest_too_deep, without_runt
from amnesty_book.support import cores
from amnesty_book.support.diagnostics import Diagnostic, SourceLocation
from amnesty_book.support.errors import BookError, Problems

HEADING = re.compile(r"(#{1,6})\s+(.*?)\s*#*\s*$")
NOTE_DEFINITION = re.compile(r"\[\^([^\]\s]+)\]:\s?(.*)")
DIRECTIVE = re.compile(r":::\s*(\S*)\s*(.*?)\s*$")
PLATE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A code block's fence: three or more backticks or tildes.
CODE_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
# A note's further blocks are indented under its definition by four spaces or a tab.
_NOTE_BLOCK = re.compile(r"^(?: {4}|\t)")
_NOTE_INDENT = re.compile(r"^(?: {1,4}|\t)")
# Spaces in a row, as a citation taken out of a heading's words leaves them.
_SPACES = re.compile(r"[ ]{2,}")
_DEEPEST_HEADING = 3


@dataclass
class Chunk:
    """Consecutive lines that form one block of the manuscript: a Markdown block (with a
    note's indented blocks), or a fence: a '::: name' block up to its ':::', or a code block
    between ``` (or ~~~) lines, blank lines and all."""

    first_line: int
    lines: list[str] = field(default_factory=list)
    fence: str = ""  # the line that closes it: ':::', '```'...; none for a Markdown block
    closed: bool = True  # a fence never closed ends at the next blank line


# A manuscript smaller than this is read in one process: forking would cost more than it saves.
_BYTES_TO_SHARE = 200_000


def read_manuscript(project: Project, paths: Sequence[Path]) -> Manuscript:
    """The chapters of the manuscript's files, in the order given; each file starts a chapter
    and keeps its notes' labels to itself (`[^1]` may be defined in every file). A long
    manuscript's files are read side by side in the processes the build may run (cores.py)."""
    problems: list[Diagnostic] = []
    chapters: list[tuple[Heading, list[Block]]] = []
    notes: list[NoteDefinition] = []
    check_notes(note_definitions(project, paths))  # before any block is converted
    processes = min(cores.spare(), len(paths))
    if processes > 1 and sum(path.stat().st_size for path in paths) > _BYTES_TO_SHARE:
        with cores.worker_pool(processes) as pool:
            read = list(pool.map(_read_file, repeat(project), paths))
    else:
        read = [_read_file(project, path) for path in paths]
    for file_chapters, file_notes, file_problems in read:
        chapters += file_chapters
        notes += file_notes
        problems += file_problems
    if problems:
        raise BookError(problems)
    return Manuscript(
        chapters=tuple(DraftChapter(title, tuple(blocks)) for title, blocks in chapters),
        notes=tuple(notes),
        files=tuple(project.location(path).path for path in paths),
    )


def note_definitions(project: Project, paths: Sequence[Path]) -> list[SourceLocation]:
    """Where each note of the manuscript is defined (a block that begins '[^label]:', not in
    code), found without converting any block: a book past the limit of notes is refused at
    once. A file that cannot be read is left to its reading, which says why."""
    found: list[SourceLocation] = []
    for path in paths:
        try:
            text = project.read_text(path)
        except BookError:
            continue
        file = project.location(path).path
        found += [
            SourceLocation(file, chunk.first_line)
            for chunk in chunks(text.split("\n"))
            if chunk.closed
            and not (chunk.fence and chunk.fence != ":::")
            and NOTE_DEFINITION.match(chunk.lines[0])
        ]
    return found


def _read_file(
    project: Project, path: Path
) -> tuple[list[tuple[Heading, list[Block]]], list[NoteDefinition], list[Diagnostic]]:
    """A file's chapters, its notes and what is wrong in it."""
    chapters: list[tuple[Heading, list[Block]]] = []
    problems = Problems()
    notes: dict[str, NoteDefinition] = {}
    try:
        text = project.read_text(path)
        file = project.location(path)
        if not text.strip():
            raise BookError.at(file, "this manuscript file is empty; write the text, starting with '# Title'")
    except BookError as error:
        problems.extend(error)
        return [], [], list(problems.problems)
    with kept_for(project.root, file.path.as_posix()):
        for chunk in chunks(text.split("\n")):
            where = SourceLocation(file.path, chunk.first_line)
            if not chunk.closed:
                problems.add(
                    where,
                    f"'{chunk.lines[0].strip()}' is never closed; "
                    f"add a line with '{chunk.fence}' after its text",
                )
                continue
            try:
                _read_chunk(chunk, where, chapters, notes, 0)
            except BookError as error:
                problems.extend(error)
    return chapters, list(notes.values()), list(problems.problems)


def chunks(lines: list[str]) -> list[Chunk]:
    """The manuscript's blocks, as the build reads them and the linter checks them: split at
    blank lines; a fence runs to its closing line (one never closed, to the next blank line);
    a note's definition takes the blocks indented under it (its further paragraphs,
    quotations and lists, as pandoc and PHP Markdown Extra read them)."""
    found: list[Chunk] = []
    current: Chunk | None = None
    fence: Chunk | None = None
    note: Chunk | None = None  # the last note definition, while indented blocks follow it
    blank = 0  # blank lines since the last text
    for number, line in enumerate(lines, start=1):
        if fence is not None:
            if line.strip() == fence.fence or (fence.fence != ":::" and line.strip().startswith(fence.fence)):
                fence.lines.append(line)
                fence = None
            elif not line.strip() and _later_closing(lines, number, fence.fence) is None:
                fence.closed, fence = False, None
            else:
                fence.lines.append(line)
            continue
        if not line.strip():
            current = None
            blank += 1
            continue
        if note is not None and blank and _NOTE_BLOCK.match(line):
            note.lines += [""] * blank + [line]
            current, blank = note, 0
            continue
        blank = 0
        code = CODE_FENCE.match(line)
        if code or (line.startswith(":::") and line.strip() != ":::" and line.split()[1:2] != ["plate"]):
            fence = Chunk(number, [line], fence=code.group(1) if code else ":::")
            found.append(fence)
            current = note = None
            continue
        starts_block = (
            current is None or line.startswith(("#", ":::")) or (NOTE_DEFINITION.match(line) is not None)
        )
        if starts_block:
            current = Chunk(number, [line])
            found.append(current)
            note = current if NOTE_DEFINITION.match(line) else None
        else:
            assert current is not None
            current.lines.append(line)
    if fence is not None:
        fence.closed = False
    return found


def _later_closing(lines: list[str], after: int, closing: str) -> int | None:
    """The line after line `after` that would close a fence closed by `closing`, if any."""
    return next(
        (
            number
            for number, line in enumerate(lines[after:], start=after + 1)
            if line.strip() == closing or (closing != ":::" and line.strip().startswith(closing))
        ),
        None,
    )


def _read_chunk(
    chunk: Chunk,
    where: SourceLocation,
    chapters: list[tuple[Heading, list[Block]]],
    notes: dict[str, NoteDefinition],
    first_chapter: int,
) -> None:
    """Adds the chunk to the last chapter (of this file: those before `first_chapter` are
    another file's), or to the notes."""
    check_paragraphs(chunk.lines, where)
    first = chunk.lines[0]
    if chunk.fence and chunk.fence != ":::":  # code, set as it stands
        _chapter(chapters, where, first_chapter).append(
            Prose(block_markup("\n".join(chunk.lines), where), where)
        )
        return
    heading = HEADING.fullmatch(first)
    if heading and len(chunk.lines) == 1:
        level = len(heading.group(1))
        content = inline_markup(without_runt(heading.group(2)), where)
        if not content:
            raise BookError.at(where, "this heading has no text; write it after the '#'")
        # Its words alone: a citation in it (set later, in some styles not in the text) leaves no space.
        title = Heading(level, content, _SPACES.sub(" ", plain_text(content)).strip(" "), "", where)
        if level == 1:
            chapters.append((title, []))
            return
        if level > _DEEPEST_HEADING:
            raise BookError.at(where, f"headings go down to level {_DEEPEST_HEADING} ('###'); use fewer '#'")
        _chapter(chapters, where, first_chapter).append(title)
        return
    definition = NOTE_DEFINITION.match(first)
    if definition:
        label = definition.group(1)
        if label in notes:
            raise BookError.at(
                where,
                f"note [^{label}] is defined twice (first at line {notes[label].location.line}); "
                "rename or merge one",
            )
        body = "\n".join([definition.group(2), *(_NOTE_INDENT.sub("", line) for line in chunk.lines[1:])])
        content = block_markup(body, where, allow_notes=False)
        if any(isinstance(part, str) and tag in part for part in content for tag in ("<table", "<dl")):
            raise BookError.at(
                where, f"note [^{label}] holds a table or a definition list; put it in the running text"
            )
        if not content:
            raise BookError.at(where, f"note [^{label}] has no text; write it after the ':'")
        notes[label] = NoteDefinition(label, content, where)
        return
    directive = DIRECTIVE.fullmatch(first)
    if directive:
        _chapter(chapters, where, first_chapter).append(_read_directive(chunk, directive, where))
        return
    content = block_markup("\n".join(chunk.lines), where)
    if not content:  # Markdown consumed it whole: a link reference definition
        raise BookError.at(
            where,
            "this block prints nothing (a link reference '[name]: URL' on its own?); "
            "write the link in its paragraph as [text](URL)",
        )
    _chapter(chapters, where, first_chapter).append(Prose(content, where))


def limit_problems(chunk: Chunk, where: SourceLocation) -> tuple[Diagnostic, ...]:
    """What of a block (at `where`) is beyond the builder's limits, found by reading it as the
    build does: lint's S005. The build's other problems are left to lint's own checks. A block
    too plain to nest past the limits is only measured (converting each block made lint of a
    book of 10,000 notes take ten seconds)."""
    if not may_nest_too_deep("\n".join(chunk.lines)):
        try:
            check_paragraphs(chunk.lines, where)
        except LimitError as error:
            return error.problems
        return ()
    any_chapter = Heading(1, (), "", "", where)
    try:
        _read_chunk(chunk, where, [(any_chapter, [])], {}, 0)
    except LimitError as error:
        return error.problems
    except BookError:
        pass
    return ()


def _read_directive(chunk: Chunk, directive: re.Match[str], where: SourceLocation) -> Block:
    name, argument = directive.group(1), directive.group(2)
    if name == "plate":
        if not PLATE_ID.fullmatch(argument):
            raise BookError.at(
                where, f"'{chunk.lines[0].strip()}' needs one plate id (lower-case letters, digits, hyphens)"
            )
        if len(chunk.lines) > 1:
            raise BookError.at(where, "'::: plate ID' stands alone: leave a blank line after it")
        return PlatePlacement(argument, where)
    if name == "pullquote":
        body = "\n".join(chunk.lines[1:-1]).strip()
        if not body:
            raise BookError.at(where, "this pull quote is empty; write its text between the ':::' lines")
        return PullQuote(
            inline_markup(body, where.offset(1), allow_notes=False, allow_citations=False), where
        )
    if not name:
        raise BookError.at(where, "this ':::' closes nothing; delete it, or open a '::: pullquote' before it")
    raise BookError.at(where, f"unknown directive '::: {name}'; use '::: plate ID' or '::: pullquote'")


def _chapter(chapters: list[tuple[Heading, list[Block]]], where: SourceLocation, first: int) -> list[Block]:
    if len(chapters) <= first:
        raise BookError.at(where, "text before the first chapter title; start the file with '# Title'")
    return chapters[-1][1]
