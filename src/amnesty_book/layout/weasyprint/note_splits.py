"""A note too long for the foot of its call's page begun there and continued at the foot of the next.

WeasyPrint never splits a note (https://github.com/Kozea/WeasyPrint/issues/1833): one that does
not fit under the line that calls it goes to the next page with that line
(`footnote-policy: line`), and leaves a hole as tall as itself. LaTeX splits it instead, and
so does this patch. Where a note does not fit, its head, as much of it as the room under the
calling line holds, stays at the foot of the call's page, and its tail opens the foot of the
next page, before that page's own notes. Each part keeps at least two lines (the note's whole
lines counted), and each paragraph its `orphans` and `widows`; where only a head ending on a
paragraph's first line keeps two lines on each side, the note is broken there, mid-sentence
(as the Chicago Manual of Style would break it), rather than leave a hole over the notes; where
only one ending on a paragraph's last line but one does, there (that line then opens the next
page's notes alone, as TeX, weighing a widow against a page left short, would set it); where
none does, the note is not split and WeasyPrint moves it as before. No other note follows a
split one on its page: a later call's line goes to the next page, as WeasyPrint moves it. A
tail taller than its page (a note of many pages) is split again there, leaving room above it
for three lines of the page's text, or for a heading and its first lines where the page opens
with one (else the heading stood alone over the tail); none once the text has ended. A
blank page WeasyPrint makes (after the text's end, or a verso before a chapter that opens on
the right) that holds notes carried to it is styled as the last page of text is: print.css
leaves a blank page without running head or folio.

A tail may open the first page of the next chapter, whose notes' pages are named otherwise
(print.css names each chapter's pages), and WeasyPrint breaks a flow between two boxes whose
pages are named otherwise: the foot area would hold the tail alone, and the page's own notes
would be laid out nowhere. Between notes in the foot area, names are not compared.

The head and the tail are copies of the note's box: the head laid out with the room it may
fill (as a page would lay out a block, at most that tall, paginated by its own lines), the tail
from where the head stopped (as a page resumes a block). note_layouts.py lays out both and
keeps their layouts. The tail has no anchor: a link to the note leads to its head, and the
note's number is printed once.

Wraps `LayoutContext.layout_footnote`, `unlayout_footnote` and `report_footnote`, and
`layout.page.make_page`, as page_floats.py leaves them (its plates are never split),
`layout.make_all_pages`, so that no tail is left without a page, and
`block.block_level_page_name`.

Upstream: https://github.com/Kozea/WeasyPrint/issues/1833. Written for WeasyPrint 70.0
(layout/__init__.py: the note methods and their lists of notes; layout/page.py: make_page;
layout/block.py: block_level_layout's pagination).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import weasyprint.layout
from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext, block
from weasyprint.layout import page as page_layout

from amnesty_book.layout.weasyprint import linebox, page_floats
from amnesty_book.layout.weasyprint.resume_points import box_resumed_at
from amnesty_book.layout.weasyprint.total_fit import HEADINGS
from amnesty_book.theme.page_geometry import TEXT_BESIDE_PLATES_EM

# What these wrap, as they stand when this patch is applied: page_floats.py's, applied before it,
# or WeasyPrint's own where that patch is left out.
_layout_footnote = LayoutContext.layout_footnote
_unlayout_footnote = LayoutContext.unlayout_footnote
_report_footnote = LayoutContext.report_footnote
_make_page = page_layout.make_page
_make_all_pages = page_layout.make_all_pages
_block_level_page_name = block.block_level_page_name

# A head is laid out again this many times at most, each time a little shorter, until the
# calling line fits above it.
_TRIES = 4
# Less than any line, more than the rounding of two sums of the same heights, in points.
_HAIR = 0.01
# The room a note carried to a page leaves above it for the running text, in ems of the notes'
# type: three lines; where the page opens with a heading, the heading and the first lines it
# must stand with (with room for three lines only, a note longer than a page left the heading
# alone over its tail, the heading's text overleaf).
_TEXT_ABOVE_A_TAIL_EM = TEXT_BESIDE_PLATES_EM
_HEADING_ABOVE_A_TAIL_EM = 12.0


@dataclass
class Fragment:
    """What a head or a tail of a note is laid out as, and what its layout found."""

    resume_from: dict[int, Any] | None = None  # a tail's start, in the note's skip stack
    height: float | None = None  # a head's room
    lines_before: int = 0  # the note's lines set on earlier pages
    club_lines: bool = False  # a head may end on the first line of a paragraph
    widow_lines: bool = False  # ... or on its last line but one
    # Found by the head's layout (note_layouts.py): where it stopped, and how many lines it holds.
    resume_at: dict[int, Any] | None = None
    lines: int = 0
    hyphenated: bool = False  # its last line ends on a hyphen: the word would run on overleaf
    last_line_top: float = 0.0  # below where its room is measured from

    def record(self, head: boxes.Box | None, resume_at: dict[int, Any] | None, top: float = 0.0) -> None:
        """What the head's layout made: `head`, laid out from `top` (where its room starts: the
        note's margins may set it lower), or None where no head fits."""
        lines = [] if head is None else lines_of(head)
        self.resume_at, self.lines = resume_at, len(lines)
        self.hyphenated = bool(lines) and linebox.ends_on_a_hyphen(lines[-1])
        self.last_line_top = lines[-1].position_y - top if lines else 0.0


@dataclass
class _Split:
    note: boxes.Box  # as the book's box tree holds it, or a tail carried from the page before
    head: boxes.Box
    tail: boxes.Box


@dataclass
class _PageSplits:
    """The note split on the page being made, if any, and the tails each page receives."""

    split: _Split | None = None
    tails: dict[int, list[boxes.Box]] = field(default_factory=dict)  # by page number
    text_above: float = _TEXT_ABOVE_A_TAIL_EM  # the room, in ems, a tail leaves for the page's text
    html: Any = None  # the document laid out, to style a page of notes as a page of the book
    page_name: str = ""  # the name of the last page of text made (print.css names its folios)


def fragment(box: boxes.Box) -> Fragment | None:
    """What part of its note a box in the foot area is; None for a note laid out whole."""
    return getattr(box, "fragment", None)


def lines_of(box: boxes.Box) -> list[boxes.LineBox]:
    """The note's lines as a reader counts them: a line box inside another (the note's number,
    an inline block with a line of its own) is part of its line, not another line."""
    lines: list[boxes.LineBox] = []
    boxes_left = [box]
    while boxes_left:
        each = boxes_left.pop()
        if isinstance(each, boxes.LineBox):
            lines.append(each)
        elif isinstance(each, boxes.ParentBox):
            boxes_left.extend(reversed(each.children))
    return lines


def _splits(context: LayoutContext) -> _PageSplits:
    if "note_splits" not in context.__dict__:
        context.note_splits = _PageSplits()
    splits: _PageSplits = context.note_splits
    return splits


def layout_footnote(self: LayoutContext, footnote: boxes.Box) -> bool:
    """Adds a note to the page's foot area, split if it does not fit whole and may be."""
    footnote.in_foot_area = True  # kept by the copies the foot area lays out (block_level_page_name)
    overflow: bool = _layout_footnote(self, footnote)
    if page_floats.is_page_float(footnote):
        return overflow
    splits = _splits(self)
    if splits.split is not None:
        return True  # no note follows a split one on its page
    at = linebox.line_being_set()
    if not overflow and _fits(self, at):
        return False
    # The text and its notes come before the floats: a plate or pull quote set at this page's
    # foot gives up its room and waits for the next page's head, rather than leave white above
    # it where the calling line and the lines after it would stand.
    while (overflow or not _fits(self, at)) and (floats := page_floats.foot_floats(self)):
        overflow = page_floats.hold_back(self, floats[-1])
    if not overflow and _fits(self, at):
        return False
    if self.reported_footnotes and at is not None:
        return overflow  # a note before it went to the next page: so does it
    split = _split(self, footnote, at)
    if split is None:
        return overflow
    splits.split = split
    return False


def _fits(context: LayoutContext, at: linebox.LineBeingSet | None) -> bool:
    """The calling line fits above the foot area; a note carried to a page's head leaves room
    for some lines of text."""
    if at is not None:
        return at.fits(context)
    area = context.current_footnote_area
    room = context.page_bottom - area.page.content_box_y()
    return room >= _text_above_a_tail(context)


def _text_above_a_tail(context: LayoutContext) -> float:
    """The room a note carried to the page leaves above it for the page's running text."""
    return _splits(context).text_above * float(context.current_footnote_area.style["font_size"])


def _text_above(root_box: boxes.BlockBox, resume_at: dict[int, Any] | None) -> float:
    """The room, in ems of the notes' type, a tail leaves for a page's running text that starts
    at `resume_at`: none where no text is left, more where the page opens with a heading."""
    if resume_at is None:
        return 0.0
    box = box_resumed_at(root_box, resume_at)
    if box is None:
        return _TEXT_ABOVE_A_TAIL_EM  # within a text
    while box.element_tag not in HEADINGS and isinstance(box, boxes.BlockContainerBox) and box.children:
        box = box.children[0]  # ... or its first block
    return _HEADING_ABOVE_A_TAIL_EM if box.element_tag in HEADINGS else _TEXT_ABOVE_A_TAIL_EM


def _split(context: LayoutContext, note: boxes.Box, at: linebox.LineBeingSet | None) -> _Split | None:
    """The note, already in the foot area, split into a head that fits and a tail for the next
    page; None, and the note left whole, where no split keeps two lines on each side."""
    _take_out(context, note)
    for alone in _LINES_ALONE:
        split = _split_with(context, note, at, *alone)
        if split is not None:
            return split
    context.current_page_footnotes.append(note)
    context._update_footnote_area()
    return None


# The heads tried, in turn: each paragraph keeping its orphans and widows; one ending on a
# paragraph's first line (a club line); one ending on its last line but one (a widow line).
_LINES_ALONE = ((False, False), (True, False), (False, True))


def _split_with(
    context: LayoutContext,
    note: boxes.Box,
    at: linebox.LineBeingSet | None,
    club_lines: bool,
    widow_lines: bool,
) -> _Split | None:
    """The note, out of the foot area, split into a head that fits there (ending on a
    paragraph's first line if `club_lines`, on its last line but one if `widow_lines`) and a
    tail; None where no split keeps two lines on each side, the foot area left without it."""
    whole = context.note_lines.get(note.element, 0) if "note_lines" in context.__dict__ else 0
    before = fragment(note).lines_before if fragment(note) else 0
    room = _room(context, at)
    for _ in range(_TRIES):
        if room <= 0:
            break
        made = Fragment(_start(note), room, before, club_lines, widow_lines)
        head = _part(note, made)
        context.current_page_footnotes.append(head)
        context._update_footnote_area()  # lays the head out: `made` records what it holds
        splits_here = made.resume_at is not None and made.lines >= 2
        leaves_a_tail = whole - before - made.lines >= 2
        fits = _fits(context, at)
        if splits_here and leaves_a_tail and fits and not (made.hyphenated and made.lines > 2):
            tail = _part(note, Fragment(made.resume_at, None, before + made.lines))
            tail.style = tail.style.copy()
            tail.style["anchor"] = None  # the note's number and links are its head's
            return _Split(note, head, tail)
        overrun = _overrun(context, at, room)
        _take_out(context, head)
        if not splits_here or not (leaves_a_tail or made.lines > 2):
            break  # all of it fits, or it cannot be split there
        # Too tall, leaving a single line for the tail, or ending on a hyphen where a line less
        # spares the word (TeX's \brokenpenalty): a line less, the head ending where its last
        # line starts (the line before ends there: any less would take that line too).
        room = made.last_line_top + _HAIR if fits else room - overrun
    return None


def _take_out(context: LayoutContext, box: boxes.Box) -> None:
    context.current_page_footnotes.remove(box)
    context._update_footnote_area()


def _start(note: boxes.Box) -> dict[int, Any] | None:
    found = fragment(note)
    return found.resume_from if found else None


def _part(note: boxes.Box, part: Fragment) -> boxes.Box:
    box = note.copy()
    box.fragment = part
    return box


def _room(context: LayoutContext, at: linebox.LineBeingSet | None) -> float:
    """How tall a head may be: the room between the calling line (or a few lines of text) and
    the page's bottom, less the foot area's own rule and padding where it has no note yet."""
    area = context.current_footnote_area
    if at is not None and at.line is not None:
        reach = at.bottom(at.line) + at.line.height * _lines_to_keep(at) + at.bottom_space
    else:
        reach = area.page.content_box_y() + _text_above_a_tail(context)
    room = context.page_bottom - reach
    if not context.current_page_footnotes:
        room -= area.margin_top + area.border_top_width + area.padding_top + area.padding_bottom
    return room


def _lines_to_keep(at: linebox.LineBeingSet) -> int:
    """The paragraph's lines after the calling one that the page must hold too: all of them
    where fewer than `widows` would follow on the next page (as far as its plan knows them:
    total_fit.py); else as many as make the paragraph's lines on the page its `orphans` (a head
    as tall as the room under the calling line alone would leave the calling line an orphan,
    and the paragraph, its note whole, would go overleaf)."""
    after: int = getattr(at.line, "lines_after", 0)
    if after < at.paragraph.style["widows"]:
        return after
    return max(0, min(after, at.paragraph.style["orphans"] - 1 - at.lines_before))


def _overrun(context: LayoutContext, at: linebox.LineBeingSet | None, room: float) -> float:
    """How much shorter the head must be for the calling line to fit (at least a point)."""
    if at is None or at.line is None:
        return max(1.0, room / _TRIES)
    return max(1.0, at.bottom(at.line) - (context.page_bottom - at.bottom_space))


def unlayout_footnote(self: LayoutContext, footnote: boxes.Box) -> None:
    """The line calling a split note was taken back: so is the split, and the note with it."""
    splits = _splits(self)
    if splits.split is not None and splits.split.note is footnote:
        if splits.split.head in self.current_page_footnotes:
            _take_out(self, splits.split.head)
        splits.split = None
    _unlayout_footnote(self, footnote)


def report_footnote(self: LayoutContext, footnote: boxes.Box) -> None:
    """A split note that goes to the next page after all goes whole."""
    splits = _splits(self)
    if splits.split is not None and splits.split.note is footnote:
        head = splits.split.head
        splits.split = None
        index = self.current_page_footnotes.index(head)
        self.current_page_footnotes[index] = footnote
    _report_footnote(self, footnote)


def make_page(
    context: LayoutContext,
    root_box: boxes.BlockBox,
    page_type: Any,
    resume_at: dict[int, Any] | None,
    page_number: int,
    page_state: Any,
) -> tuple[boxes.PageBox, dict[int, Any] | None, Any]:
    """page_floats' page, the tails of the notes split on the page before opening its foot
    area. The tails are kept by the number of the page that receives them, as page_floats keeps
    its plates: a page made again receives what the page before it sent, whichever was made last."""
    splits = _splits(context)
    tails = splits.tails.get(page_number, [])
    context.reported_footnotes = tails + [box for box in context.reported_footnotes if not _is_tail(box)]
    splits.split = None
    splits.text_above = _text_above(root_box, resume_at)
    page, next_resume_at, next_page = _make_page(
        context, root_box, page_type, resume_at, page_number, page_state
    )
    if not page_type.blank:
        splits.page_name = page_type.name
    elif _holds_notes(page):
        # Notes carried to a blank page (after the text's end, unnamed; or a verso before a
        # chapter that opens on the right): a page of the book, named as the last page of text,
        # its running head and folio printed.
        page.page_type = page_type._replace(blank=False, name=splits.page_name)
        page_layout.set_page_type_computed_styles(page.page_type, splits.html, context.style_for)
    sent = [splits.split.tail] if splits.split else []
    splits.tails[page_number + 1] = sent
    splits.split = None
    # Between pages, a tail waits with the reported notes, so that WeasyPrint makes a page for
    # it even after the last line of the book.
    context.reported_footnotes = sent + [box for box in context.reported_footnotes if not _is_tail(box)]
    return page, next_resume_at, next_page


def block_level_page_name(sibling_before: boxes.Box, sibling_after: boxes.Box) -> str | None:
    """WeasyPrint's: the page name that forces a page break between two siblings; none between
    two notes (or plates) of a page's foot area, which no flow of pages is named from. (The foot
    area holds each in an anonymous block of its own.)"""
    if any(getattr(box, "in_foot_area", False) for box in (sibling_after, *sibling_after.children[:1])):
        return None
    name: str | None = _block_level_page_name(sibling_before, sibling_after)
    return name


def make_all_pages(
    context: LayoutContext, root_box: boxes.BlockBox, html: Any, pages: list[boxes.PageBox]
) -> Iterator[boxes.PageBox]:
    """WeasyPrint's pages, then those the tails of split notes still need after the last page
    of text. WeasyPrint goes on past that page for the notes it reports to the next, but only
    when it makes the page; when it keeps it from an earlier pass (a page-based counter made
    it lay the document out again), it stops there, and the tails would be lost."""
    _splits(context).html = html
    count = 0
    for page in _make_all_pages(context, root_box, html, pages):
        count += 1
        yield page
    tails = _splits(context).tails
    while tails.get(count + 1) and count < len(context.page_maker):
        context.reported_footnotes = list(tails[count + 1])
        page, _ = page_layout.remake_page(count, context, root_box, html)
        count += 1
        yield page


def _holds_notes(page: boxes.PageBox) -> bool:
    return any(isinstance(child, boxes.FootnoteAreaBox) and child.children for child in page.children)


def _is_tail(box: boxes.Box) -> bool:
    found = fragment(box)
    return found is not None and found.resume_from is not None


def apply() -> None:
    global _layout_footnote, _unlayout_footnote, _report_footnote, _make_page
    _layout_footnote = LayoutContext.layout_footnote
    _unlayout_footnote = LayoutContext.unlayout_footnote
    _report_footnote = LayoutContext.report_footnote
    _make_page = page_layout.make_page
    LayoutContext.layout_footnote = layout_footnote
    LayoutContext.unlayout_footnote = unlayout_footnote
    LayoutContext.report_footnote = report_footnote
    page_layout.make_page = make_page
    weasyprint.layout.make_all_pages = make_all_pages
    block.block_level_page_name = block_level_page_name
