"""Checks of page breaks: a heading stranded at a page's foot, orphans and widows, a note split
where it need not be."""

from __future__ import annotations

from collections.abc import Iterator

from amnesty_book.checks.layout_audit.pages import Layout, Line, Page
from amnesty_book.checks.layout_audit.sizes import NOTE_MARKER, Sizes
from amnesty_book.project.config import Edition
from amnesty_book.support.diagnostics import Diagnostic

CONTENTS_ANCHOR = "contents"  # the id of the contents' <nav> (templates/sections.j2)
# Over a page's notes: the rule and the space around it, in the body's lines, with a margin.
_NOTES_SEPARATION_LINES = 2


def stranded_headings(layout: Layout, edition: Edition, sizes: Sizes) -> Iterator[Diagnostic]:
    for page in layout.pages:
        if layout.ends_part(page.index):
            continue
        flow = _flow(page, sizes)
        headings = [line for line in flow if sizes.is_heading(line)]
        if not headings:
            continue
        heading = headings[-1]
        after = [line for line in flow if line.baseline < heading.baseline]
        below = [box for box in page.images if box.top <= heading.box.bottom]
        following = _flow(layout.pages[page.index + 1], sizes)
        # A heading with lines under it is kept with its text; a single line under it is
        # an orphan's business (L602), and may well be a whole one-line paragraph.
        if not after and not below and any(sizes.is_body(line) for line in following):
            yield Diagnostic.in_edition(
                edition.name,
                page.where,
                "L601",
                f"the heading {heading.shown()} stands at the foot of the page, its text on the next",
                "keep a heading with its text: let the page before run a line short or long, or move a plate",
            )


def orphans_and_widows(layout: Layout, edition: Edition, sizes: Sizes) -> Iterator[Diagnostic]:
    for page, following in zip(layout.pages, layout.pages[1:], strict=False):
        # The contents' entries are no paragraphs, however their lines are set.
        if following.index in layout.part_starts or layout.in_part(CONTENTS_ANCHOR, page.index):
            continue
        last, first = _foot_line(page, sizes), _head_line(following, sizes)
        # Only a full line, justified to the measure, surely runs on to the next page; and a
        # line flush left at the next page's head surely continues its paragraph.
        if last is None or first is None or not _full(last, page) or _indent(first, following, sizes) > 0:
            continue
        if _starts_paragraph(page, last, sizes):
            yield Diagnostic.in_edition(
                edition.name,
                page.where,
                "L602",
                f"orphan: the paragraph from {last.shown()} leaves its first line alone at the foot",
                "let the page run a line short, or reword the paragraph before",
            )
        if _ends_paragraph(following, first, sizes):
            yield Diagnostic.in_edition(
                edition.name,
                following.where,
                "L603",
                f"widow: the line {first.shown()} ends its paragraph alone at the head of the page",
                "let the page before run a line long, or shorten the paragraph by a few words",
            )


def needless_note_splits(layout: Layout, edition: Edition, sizes: Sizes) -> Iterator[Diagnostic]:
    """A note runs on at a page's foot (its first note lines open with no number) though the
    page before had white enough under its text for the rest of it: it was split where it need
    not be (note_splits.py splits only a note that does not fit)."""
    if sizes.notes is None:
        return
    for before, page in zip(layout.pages, layout.pages[1:], strict=False):
        tail = _tail(page, sizes)
        body = [line for line in before.inside if sizes.is_body(line)]
        notes = _foot_notes(before, sizes)
        if (
            not tail
            or not body
            or page.index in layout.part_starts
            or not _under_the_notes_rule(page, tail[0], sizes)
        ):
            continue
        if not any(NOTE_MARKER.match(line.text) for line in notes):
            continue  # no note begun on the page before: a caption in the notes' type, say
        floor = max((line.box.top for line in notes), default=before.block.bottom)
        white = min(line.box.bottom for line in body) - floor - _NOTES_SEPARATION_LINES * sizes.pitch
        needed = tail[0].box.top - tail[-1].box.bottom
        if white < needed:
            continue
        yield Diagnostic.in_edition(
            edition.name,
            page.where,
            "L504",
            f"a note runs on here from {before.where}, which had {white / sizes.pitch:.0f} lines' "
            f"white under its text, room for the {len(tail)} lines continued",
            "a layout defect: note_splits.py splits a note only where it does not fit; report it",
        )


def _under_the_notes_rule(page: Page, line: Line, sizes: Sizes) -> bool:
    """The line stands right under a rule: the first line of the page's notes, not of a caption."""
    return any(
        mark.what == "rule" and 0 <= mark.box.bottom - line.box.top <= 2 * sizes.pitch for mark in page.marks
    )


def _foot_notes(page: Page, sizes: Sizes) -> list[Line]:
    """The note lines under the page's running text."""
    body = [line for line in page.inside if sizes.is_body(line)]
    lowest = min((line.box.bottom for line in body), default=page.block.top)
    return [line for line in page.inside if line.size == sizes.notes and line.box.top <= lowest]


def _tail(page: Page, sizes: Sizes) -> list[Line]:
    """The lines of a note continued from the page before: the first note lines, before the
    first that opens with a note's number."""
    tail = []
    for line in _foot_notes(page, sizes):
        if NOTE_MARKER.match(line.text):
            break
        tail.append(line)
    return tail


def _flow(page: Page, sizes: Sizes) -> list[Line]:
    """The lines of the running text: the text block's lines above the notes."""
    notes_top = _notes_top(page, sizes)
    return [line for line in page.inside if notes_top is None or line.box.bottom > notes_top]


def _notes_top(page: Page, sizes: Sizes) -> float | None:
    """The top of the page's notes: of its first numbered note, or of the note continued from the
    page before that opens them (note-sized lines with no number over the first numbered one).
    A page whose foot holds a continued note alone is read as before, its notes as text."""
    if sizes.notes is None:
        return None
    lines = page.inside
    markers = [
        index for index, line in enumerate(lines) if line.size == sizes.notes and NOTE_MARKER.match(line.text)
    ]
    if not markers:
        return None
    first = markers[0]
    while first > 0 and lines[first - 1].size == sizes.notes:
        first -= 1
    return lines[first].box.top


def _foot_line(page: Page, sizes: Sizes) -> Line | None:
    """The running text's last line, if it is body text and nothing but notes stands below it."""
    flow = _flow(page, sizes)
    if not flow or not sizes.is_body(flow[-1]):
        return None
    last = flow[-1]
    return None if any(box.top <= last.box.bottom for box in page.images) else last


def _head_line(page: Page, sizes: Sizes) -> Line | None:
    """The text block's first line, if it is body text and no ink stands above it."""
    if not page.inside or not sizes.is_body(page.inside[0]):
        return None
    first = page.inside[0]
    return None if any(box.bottom >= first.box.top for box in page.images) else first


def _indent(line: Line, page: Page, sizes: Sizes) -> int:
    """1 if the line is indented (a paragraph's first line), 0 if flush left, -1 otherwise."""
    indent = line.body.left - page.block.left
    if indent < 0.3 * sizes.body:
        return 0
    return 1 if indent <= 3 * sizes.body else -1


def _full(line: Line, page: Page) -> bool:
    return page.block.right - line.body.right <= 1.0


def _short(line: Line, page: Page, sizes: Sizes) -> bool:
    return page.block.right - line.body.right > sizes.body


def _starts_paragraph(page: Page, line: Line, sizes: Sizes) -> bool:
    """Indented, or right after a heading, or after a body line ending short of the measure."""
    indent = _indent(line, page, sizes)
    before = [other for other in page.inside if other.baseline > line.baseline]
    if indent != 0 or not before:
        return indent == 1
    previous = before[-1]
    close = previous.baseline - line.baseline <= 2.5 * sizes.pitch
    return close and (
        sizes.is_heading(previous) or (sizes.is_body(previous) and _short(previous, page, sizes))
    )


def _ends_paragraph(page: Page, line: Line, sizes: Sizes) -> bool:
    """A short line, followed by nothing, or by an indented line or a heading."""
    if not _short(line, page, sizes):
        return False
    after = [other for other in _flow(page, sizes) if other.baseline < line.baseline]
    if not after:
        return True
    following = after[0]
    return sizes.is_heading(following) or (sizes.is_body(following) and _indent(following, page, sizes) == 1)
