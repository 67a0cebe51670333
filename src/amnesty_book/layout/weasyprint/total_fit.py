"""Justified paragraphs broken as TeX breaks them: each paragraph planned whole, then set line by line.

WeasyPrint fills each line as full as it can before it looks at the next (first-fit), as
every browser does; a justified line that could take one word fewer or more is set with wide
spaces. This patch plans the breaks of a justified paragraph at once with layout/
line_breaking.py (Knuth & Plass), from the same shaping WeasyPrint uses: each text box of the
paragraph is laid out once by Pango in its own style (font, size, features, kerning and
ligatures) and each word's width read from the glyph positions; hyphenation points come from
the same Pyphen dictionary and limits WeasyPrint would use, with the book's rule that no name
is split (hyphenation.py).

WeasyPrint then sets each line itself, told as its width the planned line's natural width
and a hair more (`split_inline_box`'s `max_x`), so that its own first-fit breaks exactly at
the planned point; `text_align` justifies it to the real measure, shrinking its spaces where
the plan shrinks them (WeasyPrint alone never shrinks). The text box in which a line ends at a
space or after a dash is split from the line's own text (`split_text_box`): WeasyPrint would
shape the line and more three times over to find the break the plan already knows. A
heading's lines are balanced by the same plan, the white at each line's end (the last's too)
stretching as far as the measure.
Other ragged text (notes, captions) is left to WeasyPrint: planned, its notes made a long
book's layout a fifth slower for a right edge barely more even. A line WeasyPrint breaks
elsewhere than planned (it reads a break otherwise) is set again first-fit, and the rest of
the paragraph planned again from there. Where a page's last line ends on a hyphen or between
the words of a name, linebox.py sets the paragraph's lines on that page again, and the plan
then weighs such an end of that line (or of the line before, should the widows rule move it
overleaf) with PAGE_END_HYPHEN_DEMERITS; on a right-hand page, where the word would run on
overleaf, with OVERLEAF_HYPHEN_DEMERITS, and the emergency stretch if that spares the page its
hyphen. Where a page asks a paragraph for a line more than its best breaks make, to spare the
page a widow (linebox.py, short_pages.py), it is planned so from its first line on the page,
as TeX's \\looseness, within the tolerance and without the emergency stretch; kept, the lines
it leaves for the next page follow that plan. Paragraphs the plan does not model (a float
beside them, an image or inline block in a line, a forced line break, a soft hyphen, a
percentage inline margin, a leader) are left to WeasyPrint as they are.

Upstream: none filed (first-fit since WeasyPrint began; https://www.w3.org/TR/css-text-4/
#text-wrap-style leaves the algorithm to the engine). Written for WeasyPrint 70.0
(layout/inline.py: `get_next_linebox`, `split_inline_box`, `text_align`; text/line_break.py:
`split_first_line`, `create_layout`, `get_log_attrs`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import accumulate
from typing import Any

import pyphen
from weasyprint.css.properties import Dimension
from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext, inline
from weasyprint.text import line_break
from weasyprint.text.ffi import FROM_UNITS, ffi, pango

from amnesty_book.layout import line_breaking as kp
from amnesty_book.layout.weasyprint.hyphenation import LADDER, TEXT_HYPHENS, book_positions, may_split
from amnesty_book.layout.weasyprint.long_texts import characters
from amnesty_book.model.text import STUB_LETTERS
from amnesty_book.support.last_used import LastUsed

ffi.cdef(
    "void pango_glyph_string_get_logical_widths (PangoGlyphString *glyphs, const char *text, int length,"
    " int embedding_level, int *logical_widths);"
)

# TeX's interword glue of Computer Modern, as shares of the face's own space: stretch 1/2, shrink 1/3.
STRETCH, SHRINK = 1 / 2, 1 / 3
HYPHEN_PENALTY = 50  # TeX's \hyphenpenalty and \exhyphenpenalty
# How much wider than its natural width a line is offered to WeasyPrint: less than any letter,
# more than the rounding between two shapings of the same text.
HAIR = 0.05
DASHES = TEXT_HYPHENS + "\u2013\u2014"  # and the en and em dashes
# A path or an address breaks after a slash, as LaTeX's url package lets it, at a cost.
SLASHES, SLASH_PENALTY = "/", 100
BREAKS_AFTER = DASHES + SLASHES
NO_ZONE = Dimension(0, "px")
SHORT_LAST_LINE = 8  # in spaces: a last line narrower than about four letters costs demerits
EMERGENCY_STRETCH = 3  # in spaces: added to each line of a paragraph that cannot be set otherwise
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
HBADNESS = 1000  # TeX's \\hbadness: a line looser than this is reported, as TeX reports an underfull box
# A hyphen ending a page's last line costs as much as a line about three times as loose as TeX
# lets one be: the paragraph is set a little looser rather than break a word over the page.
PAGE_END_HYPHEN_DEMERITS = 100_000
# ... and on a right-hand page, where the word runs on overleaf, more than any line TeX's
# tolerance lets through: the paragraph is set as loose as it may be rather than break it there.
OVERLEAF_HYPHEN_DEMERITS = 10_000_000
# A paragraph longer than WINDOW + MARGIN (in items: words, spaces, hyphenation points; about
# 25,000 characters, 300 lines of the A4 reader) is planned a window at a time: the breaks of
# the lines that start in a window's first WINDOW - MARGIN items are kept, and the rest planned
# again from the first line left. Each plan is then as long as a window, not the rest of the
# paragraph: a paragraph of a million characters was planned whole, and again at every page
# that ended on a hyphen. The MARGIN's sixty lines let the window's end weigh nothing on the
# breaks kept: paragraphs of 200,000 and 500,000 characters are set line for line as planned
# whole (a window of 4,000 items and a margin of 1,000 set 1.3 % more lines, a few loose).
WINDOW = 8_000
MARGIN = 2_000
# ... and a window holds this many items more for each line to the page's last, where that is known.
ITEMS_A_LINE = 60

_split_inline_box = inline.split_inline_box
_text_align = inline.text_align
_split_first_line = inline.split_first_line
# WeasyPrint's own until `apply`, then what the patches before this one made of it (long texts').
_split_text_box = inline.split_text_box
_split_one_text_box = inline.split_text_box  # WeasyPrint's own, for a line's text alone


@dataclass
class _Run:
    """A text box of the paragraph, where it stands among the line box's descendants."""

    path: tuple[int, ...]
    box: boxes.TextBox
    start: int  # in characters of the paragraph's text


@dataclass
class _Paragraph:
    """A paragraph as boxes, glue and penalties, with where each break leaves the text."""

    items: list[kp.Item]
    item_offsets: list[int]  # each item's first character in the paragraph's text (never decreasing)
    runs: list[_Run]
    text: str
    space: float  # the widest natural space, for the emergency stretch
    trailing: float  # the width of the spaces after its last word, which WeasyPrint sets in its last line

    def __post_init__(self) -> None:
        self.paths = [run.path for run in self.runs]  # in the order of the runs, ascending
        self.run_at = {run.path: run for run in self.runs}


@dataclass(frozen=True)
class _PlannedLine:
    width: float  # natural
    next_start: int | None  # where the next line starts (None after the last)
    hyphenated: bool  # it ends on a hyphen it adds
    parts_a_name: bool  # it ends between the words of a name
    lines_after: int  # the paragraph's lines after it


# The planned lines of a paragraph at one measure, by each line's first character.
_Plan = dict[int, _PlannedLine]


class _NotModelled(Exception):
    """The paragraph holds something the plan does not model: WeasyPrint sets it alone."""


# Paragraph models, by what a paragraph's line box holds (its texts, their styles, its tree),
# each such content numbered once (a long paragraph's is long to compare): WeasyPrint copies a
# note's boxes each time it lays the note out, and fills in a page number when it makes a page
# again. Plans by (model, first line's width, measure, first character, lines from there to the
# page's last where that is known, the page a right-hand one, lines asked more than the best).
_contents: dict[tuple[Any, ...], int] = {}
_models: dict[int, _Paragraph | None] = {}
_plans: dict[tuple[Any, ...], _Plan | None] = {}
# ... of those, the keys of plans made a line or more longer than the best (OnPage.looseness).
_loosened: set[tuple[Any, ...]] = set()


@dataclass(frozen=True)
class _LineBeingSplit:
    """The planned line WeasyPrint is splitting, and where each of its paragraph's text boxes starts."""

    line: _PlannedLine
    run_starts: dict[int, int]  # by the id of each text box of the line box: its first character


# A planned line is being split, or None.
_planned_line: list[_LineBeingSplit | None] = [None]


@dataclass
class OnPage:
    """A paragraph's lines being set on a page: those set so far, and which of them ends the
    page, where a first setting of the paragraph on the page found it to end on a hyphen."""

    new_lines: list[boxes.Box]
    known_last: int | None
    right_hand: bool  # the page: a word broken at its end runs on overleaf
    # Lines more than its best breaks make, asked of the paragraph from the page's first line
    # (TeX's \\looseness), so that it fills the page rather than leave a widow (linebox.py).
    looseness: int = 0
    # Whether a plan of that many lines more was found within the tolerance (else the lines
    # are set to the best breaks, as without it).
    loosened: bool = False
    # The plans made under that looseness, by the keys the paragraph's lines on the next pages
    # will look them up by, with the number of the line each key starts: taken up
    # (`keep_plans`) once the looser setting is kept.
    continued: dict[tuple[Any, ...], tuple[int, _Plan | None]] = field(default_factory=dict)
    # Where its plan on the page began (its first line's).
    opening: Opening | None = None
    # What each paragraph's line box holds (`_held`, as a number), read at its first line on
    # the page: a paragraph of a thousand inline boxes is not walked again for each of its lines.
    held: dict[int, tuple[boxes.LineBox, int]] = field(default_factory=dict)
    # ... and where each of its text boxes starts in the paragraph's text (`_run_starts`).
    run_starts: dict[int, tuple[boxes.LineBox, dict[int, int]]] = field(default_factory=dict)

    def lines_to_last(self) -> int | None:
        """How many lines after the next one set the page's last is; None where not known."""
        if self.known_last is None or self.known_last < len(self.new_lines):
            return None
        return self.known_last - len(self.new_lines)


# The paragraphs whose lines are being set, the innermost last (a note's paragraph is set while
# the line calling it is).
_on_page: list[OnPage] = []


@contextmanager
def setting_lines(
    new_lines: list[boxes.Box], known_last: int | None, right_hand: bool, looseness: int = 0
) -> Iterator[OnPage]:
    """While a paragraph's lines are set on a page, its plan knows which line ends the page,
    if that is known (linebox.py), whether the page is a right-hand one, and how many lines
    more than its best the paragraph is asked for from there."""
    on_page = OnPage(new_lines, known_last, right_hand, looseness)
    _on_page.append(on_page)
    try:
        yield on_page
    finally:
        _on_page.pop()


def keep_plans(setting: OnPage, lines_on_page: int) -> None:
    """A setting under a looseness is kept: the paragraph's lines on the next pages follow its
    plan, not the plan of its best breaks that a first setting left under the same keys. (Told
    to the journal, where a page being made again may take it back.)"""
    for key, (number, plan) in setting.continued.items():
        if number >= lines_on_page:
            if _journal:
                _journal[-1].append((key, _plans.get(key, _MISSING)))
            _plans[key] = plan


_MISSING = object()
# The plans kept while a page is made again, with what their keys held before, innermost last.
_journal: list[list[tuple[tuple[Any, ...], Any]]] = []


@contextmanager
def plans_kept_on_trial() -> Iterator[Callable[[], None]]:
    """While a page is made again on trial (short_pages.py, page_lookback.py): what it keeps of
    looser plans, and a function that takes it back should the page be made as it was."""
    kept: list[tuple[tuple[Any, ...], Any]] = []
    _journal.append(kept)

    def take_back() -> None:
        for key, before in reversed(kept):
            if before is _MISSING:
                _plans.pop(key, None)
            else:
                _plans[key] = before
        kept.clear()

    try:
        yield take_back
    finally:
        _journal.pop()
        if _journal:  # a trial within a trial (page_lookback.py): the outer one may take it back too
            _journal[-1].extend(kept)


# The paragraphs (their first words) with a line set looser than HBADNESS lets it be.
_underfull: dict[str, None] = {}


def start_layout() -> None:
    _contents.clear()
    _last_read.clear()
    _models.clear()
    _plans.clear()
    _loosened.clear()
    _underfull.clear()


def underfull() -> list[str]:
    """The first words of each paragraph of the last layout with a line looser than HBADNESS."""
    return list(_underfull)


def _planned(linebox: boxes.LineBox, context: LayoutContext) -> bool:
    """A justified paragraph or a heading, set left to right, with no float beside it."""
    style = linebox.style
    return (
        (style["text_align_all"] == "justify" or _balanced(linebox))
        and style["white_space"] == "normal"
        and style["direction"] == "ltr"
        and not context.excluded_shapes
    )


def _balanced(linebox: boxes.LineBox) -> bool:
    """A heading: its lines are balanced, as near each other in length as its words let them."""
    return linebox.element_tag in HEADINGS


def split_inline_box(
    context: LayoutContext,
    box: boxes.Box,
    position_x: float,
    max_x: float,
    bottom_space: float,
    skip_stack: dict[int, Any] | None,
    *rest: Any,
) -> tuple[Any, ...]:
    """WeasyPrint's `split_inline_box`; for a line of a justified paragraph, at its planned width.
    Where WeasyPrint breaks the line elsewhere than planned (it reads a break otherwise than the
    plan), the line is set again as WeasyPrint sets it alone, and the plan starts anew after it."""
    if not isinstance(box, boxes.LineBox) or not _planned(box, context):
        return _split_inline_box(context, box, position_x, max_x, bottom_space, skip_stack, *rest)
    planned = _planned_line_of(context, box, position_x, max_x, skip_stack)
    if planned is None:
        return _split_inline_box(context, box, position_x, max_x, bottom_space, skip_stack, *rest)
    line, paragraph = planned
    _planned_line[0] = _LineBeingSplit(line, _run_starts_on_page(box, paragraph))
    try:
        # A space more: where the line ends with the last word of a text box, WeasyPrint measures
        # that box with its trailing space, finds it a hair too long and sets its first word
        # alone ("point"). No word, nor a word's piece and its hyphen, is as narrow as a space.
        planned_x = position_x + line.width + HAIR + paragraph.space
        result = _split_inline_box(context, box, position_x, planned_x, bottom_space, skip_stack, *rest)
    finally:
        _planned_line[0] = None
    if _resumes_at(box, result[1], paragraph) != line.next_start:
        for gathered in rest:  # what the first try put in the line's lists of placeholders and floats
            if isinstance(gathered, list):
                gathered.clear()
        return _split_inline_box(context, box, position_x, max_x, bottom_space, skip_stack, *rest)
    result[0].total_fit = True
    result[0].space = paragraph.space  # for letter_spacing.py
    result[0].parts_a_name = line.parts_a_name
    result[0].lines_after = line.lines_after
    return result


def _resumes_at(
    linebox: boxes.LineBox, resume_at: dict[int, Any] | None, paragraph: _Paragraph
) -> int | None:
    """The paragraph's character where the next line's first word starts; None after the last line."""
    if resume_at is None:
        return None
    offset = _offset(linebox, resume_at, paragraph)
    while offset < len(paragraph.text) and paragraph.text[offset] == " ":
        offset += 1
    return offset if offset < len(paragraph.text) else None


def text_align(context: LayoutContext, line: boxes.LineBox, available_width: float, last: bool) -> float:
    """WeasyPrint's `text_align`, but a planned line wider than the measure has its spaces shrunk
    (a paragraph's last line too: as TeX's, it may shrink to hold its last word)."""
    if getattr(line, "total_fit", False) and line.width > available_width:
        inline.justify_line(context, line, available_width - line.width)
        return 0
    return _text_align(context, line, available_width, last)


def split_first_line(text: str, style: Any, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    """WeasyPrint's `split_first_line`; in a planned line, a hyphen is tried only where the plan
    puts one, and there whatever room is left (no `hyphenate-limit-zone`: it is first-fit's
    guess at a line full enough). A line planned to end on a space is split with no hyphenation
    tried: each try is a shaping of the line again."""
    planned = _planned_line[0]
    if planned is None or style["hyphens"] != "auto":
        return _split_first_line(text, style, *args, **kwargs)
    saved = style["hyphenate_limit_zone"], style["hyphens"]
    if planned.line.hyphenated:
        style["hyphenate_limit_zone"] = NO_ZONE
    else:
        style["hyphens"] = "manual"  # the paragraph has no soft hyphen (_model): none is tried
    LADDER.planned = True
    try:
        return _split_first_line(text, style, *args, **kwargs)
    finally:
        style["hyphenate_limit_zone"], style["hyphens"] = saved
        LADDER.planned = False


def split_text_box(
    context: LayoutContext,
    box: boxes.TextBox,
    available_width: float | None,
    skip: int,
    is_line_start: bool = True,
) -> tuple[Any, ...]:
    """Long texts' `split_text_box`; the text box in which a planned line ends at a space or
    after a dash is split from the line's own text, which WeasyPrint finds fits: from the rest
    of the box, WeasyPrint shapes the line and more three times over (a draft, the line with the
    next word, the line) to find the break the plan knows. The same box as WeasyPrint makes
    there (its text, width and metrics from the same shaping of the same text); where the text
    does not fit, WeasyPrint splits the box as it would."""
    planned = _planned_line[0]
    if planned is not None and not planned.line.hyphenated and planned.line.next_start is not None:
        run_start = planned.run_starts.get(id(box))
        if run_start is not None:
            start = characters(box.text, skip)
            end = planned.line.next_start - run_start  # where the next line starts, in the box's text
            line = box.text[start:end].rstrip(" ")
            if start < end < len(box.text) and line:
                alone = box.copy_with_text(line)
                new_box, resume_at, _ = _split_one_text_box(context, alone, available_width, 0, is_line_start)
                if new_box is not None and resume_at is None:
                    return new_box, skip + len(box.text[start:end].encode()), False
    return _split_text_box(context, box, available_width, skip, is_line_start)


def _run_starts_on_page(linebox: boxes.LineBox, paragraph: _Paragraph) -> dict[int, int]:
    """Where each text box of the line box starts in its paragraph's text, found once while its
    lines are set on a page."""
    if not _on_page:
        return _run_starts(linebox, paragraph)
    known = _on_page[-1].run_starts
    found = known.get(id(linebox))
    if found is None or found[0] is not linebox:
        found = known[id(linebox)] = linebox, _run_starts(linebox, paragraph)
    return found[1]


def _run_starts(linebox: boxes.LineBox, paragraph: _Paragraph) -> dict[int, int]:
    """Each run's text box in this line box (the model may be another's of the same content), by
    its id: its first character in the paragraph's text."""
    starts: dict[int, int] = {}
    for run in paragraph.runs:
        box: boxes.Box = linebox
        for index in run.path:
            box = box.children[index]
        starts[id(box)] = run.start
    return starts


def _planned_line_of(
    context: LayoutContext,
    linebox: boxes.LineBox,
    position_x: float,
    max_x: float,
    skip_stack: dict[int, Any] | None,
) -> tuple[_PlannedLine, _Paragraph] | None:
    """The natural width of the planned line that starts at `skip_stack` and where the next one
    starts, with the paragraph's model; None where there is no plan."""
    held = _held_on_page(linebox)
    if held not in _models:
        try:
            _models[held] = _model(context, linebox)
        except _NotModelled:
            _models[held] = None
    paragraph = _models[held]
    if paragraph is None:
        return None
    start = _offset(linebox, skip_stack, paragraph)
    first = max_x - position_x
    measure = first + linebox.text_indent
    on_page = _on_page[-1] if _on_page else None
    to_last = on_page.lines_to_last() if on_page else None
    right_hand = to_last is not None and on_page is not None and on_page.right_hand
    looseness = on_page.looseness if on_page else 0
    key = (held, round(first, 3), round(measure, 3), start, to_last, right_hand, looseness)
    opening = None  # made where a plan is made, or the paragraph's first line on the page is set
    if key not in _plans:
        opening = Opening(paragraph, start, first, measure, _balanced(linebox))
        made, loosened = _plan(opening, to_last, right_hand, looseness)
        _plans[key] = made
        # The plan's other lines, reached from their own starts, as many lines from the page's last.
        for number, later_start in enumerate(made or ()):
            later_to_last = to_last - number if to_last is not None and to_last >= number else None
            later = _later_key(held, measure, later_start, later_to_last, right_hand, looseness)
            _plans.setdefault(later, made)
            if loosened:
                _loosened.add(later)
        if loosened:
            _loosened.add(key)
    if on_page is not None and on_page.opening is None:  # the paragraph's first line on the page
        on_page.opening = opening or Opening(paragraph, start, first, measure, _balanced(linebox))
        if key in _loosened:
            on_page.loosened = True
            # The lines of the looser plan, reached from their own starts on the next pages.
            for number, later_start in enumerate(_plans[key] or ()):
                on_page.continued[_later_key(held, measure, later_start, None, False, 0)] = (
                    number,
                    _plans[key],
                )
    plan = _plans[key]
    if plan is None:
        return None
    line = plan.get(start)
    return None if line is None else (line, paragraph)


def _later_key(
    held: int, measure: float, start: int, to_last: int | None, right_hand: bool, looseness: int
) -> tuple[Any, ...]:
    """The key of a plan's line after its first, reached from its own start at the full measure
    (a right-hand page counts only where the page's last line is known)."""
    return (
        held,
        round(measure, 3),
        round(measure, 3),
        start,
        to_last,
        to_last is not None and right_hand,
        looseness,
    )


def _held_on_page(linebox: boxes.LineBox) -> int:
    """The number of what the line box holds, with its style: read once while its lines are set
    on a page (WeasyPrint fills in a page number between two makings of a page, never while it
    sets a paragraph's lines)."""
    if not _on_page:
        return _content_number(linebox)
    known = _on_page[-1].held
    found = known.get(id(linebox))
    if found is None or found[0] is not linebox:
        found = known[id(linebox)] = linebox, _content_number(linebox)
    return found[1]


# The line boxes last read, by their ids, the newest last: each with the children lists read in
# it (its own and its inline boxes') and the number of what they held. WeasyPrint fills in a
# page number by giving a box a new list of children, never by changing a list: while each list
# read is still its box's, the line box holds what it held, and a paragraph that runs over a
# hundred pages is not walked again at each (a note's boxes are copied at each setting: few are
# kept).
_last_read: LastUsed[tuple[boxes.LineBox, list[tuple[boxes.ParentBox, Any]], int]] = LastUsed(16)


def _content_number(linebox: boxes.LineBox) -> int:
    found = _last_read.get(id(linebox))
    if found is not None and found[0] is linebox and all(box.children is read for box, read in found[1]):
        return found[2]
    lists: list[tuple[boxes.ParentBox, Any]] = []
    number = _contents.setdefault((id(linebox.style), _held(linebox, lists)), len(_contents))
    _last_read.put(id(linebox), (linebox, lists, number))
    return number


@dataclass(frozen=True)
class Opening:
    """Where a paragraph's lines on a page begin, as its plan from there is made: its model, the
    character its first line there starts at, that line's width, the measure, and whether its
    lines are balanced (a heading's)."""

    paragraph: _Paragraph
    start: int
    first: float
    measure: float
    balanced: bool


@dataclass(frozen=True)
class _Problem:
    """What the line breaker is given for a paragraph from its opening on a page."""

    opening: Opening
    items: list[kp.Item]
    offsets: list[int]  # each item's first character in the paragraph's text
    window: int | None  # in a long paragraph, the index of the item its window ends before
    settings: kp.Settings

    @property
    def widths(self) -> tuple[float, float]:
        """The first line's width, then every other line's."""
        return self.opening.first, self.opening.measure


def _problem(opening: Opening, to_last: int | None, right_hand: bool) -> _Problem | None:
    """The items from the opening (a window of them in a long paragraph), its line `to_last` (or
    the one before, should the widows rule move that one overleaf) expected to end a page,
    `right_hand` or not; None where the opening falls within a word."""
    paragraph = opening.paragraph
    begin = bisect_left(paragraph.item_offsets, opening.start)
    if begin == len(paragraph.items) or paragraph.item_offsets[begin] != opening.start:
        return None  # set elsewhere than planned, within a word: WeasyPrint goes on alone
    while begin < len(paragraph.items) and not isinstance(paragraph.items[begin], kp.Box):
        begin += 1
    window = None
    if not opening.balanced:
        window = _window(paragraph.items, begin, WINDOW + ITEMS_A_LINE * (to_last or 0))
    if window is None:
        items, offsets = paragraph.items[begin:], paragraph.item_offsets[begin:]
    else:
        items = [*paragraph.items[begin:window], *_PARAGRAPH_END]
        offsets = [
            *paragraph.item_offsets[begin:window],
            *[paragraph.item_offsets[window]] * len(_PARAGRAPH_END),
        ]
    if opening.balanced:
        items, offsets = _balanced_items(items, offsets, opening.measure)
    settings = kp.Settings(
        emergency_stretch=EMERGENCY_STRETCH * paragraph.space,
        short_last_line=SHORT_LAST_LINE * paragraph.space,
        short_last_line_demerits=100_000,
        most_hyphens_in_a_row=LADDER.LONGEST,
        page_end_lines=frozenset() if to_last is None else frozenset({to_last - 1, to_last}),
        page_end_hyphen_demerits=OVERLEAF_HYPHEN_DEMERITS if right_hand else PAGE_END_HYPHEN_DEMERITS,
    )
    return _Problem(opening, items, offsets, window, settings)


def _looser(problem: _Problem, best: kp.Breaking, looseness: int) -> kp.Breaking | None:
    """The breaks of `looseness` lines more than the `best`, within the tolerance and without the
    emergency stretch; None where there are none."""
    loose = kp.break_lines(problem.items, problem.widths, replace(problem.settings, looseness=looseness))
    if loose is None or loose.emergency or len(loose.lines) != len(best.lines) + looseness:
        return None
    return loose


def loosening_cost(opening: Opening, looseness: int = 1) -> float | None:
    """The demerits the paragraph's lines from its opening on a page take on when it is set
    `looseness` lines longer (short_pages.py weighs its paragraphs by them); None where it
    cannot be within the tolerance."""
    problem = _problem(opening, None, False)
    if problem is None:
        return None
    best = kp.break_lines(problem.items, problem.widths, problem.settings)
    loose = None if best is None else _looser(problem, best, looseness)
    return None if best is None or loose is None else loose.demerits - best.demerits


def _plan(
    opening: Opening, to_last: int | None, right_hand: bool, looseness: int = 0
) -> tuple[_Plan | None, bool]:
    """Breaks of the paragraph from its opening on a page, its line `to_last` expected to end the
    page, `right_hand` or not; `looseness` lines more than its best breaks make, where that can
    be done within the tolerance without the emergency stretch (and whether it could be)."""
    problem = _problem(opening, to_last, right_hand)
    if problem is None:
        return None, False
    paragraph, items, offsets, window = opening.paragraph, problem.items, problem.offsets, problem.window
    breaking = kp.break_lines(items, problem.widths, problem.settings)
    loose = _looser(problem, breaking, looseness) if breaking is not None and looseness else None
    breaking = loose or breaking
    if breaking is None:
        return None, False
    if breaking.worst_badness > HBADNESS:
        _underfull[" ".join(paragraph.text.split()[:6])] = None
    plan: _Plan = {}
    starts = [offsets[line.start] for line in breaking.lines]
    kept = breaking.lines
    if window is not None:  # the lines that start before the window's margin, at least one
        kept = kept[: max(1, sum(line.start < len(items) - MARGIN for line in kept))]
    for number, (line, line_start, next_start) in enumerate(
        zip(kept, starts[: len(kept)], [*starts[1:], None][: len(kept)], strict=True)
    ):
        natural = sum(item.width for item in items[line.start : line.end] if not isinstance(item, kp.Penalty))
        ending = items[line.end]
        adds_hyphen = isinstance(ending, kp.Penalty) and ending.width > 0
        natural += ending.width if adds_hyphen else 0.0
        natural += paragraph.trailing if line is breaking.lines[-1] else 0.0
        parts_a_name = isinstance(ending, kp.Penalty) and ending.in_a_name
        lines_after = len(breaking.lines) - number - 1
        plan[line_start] = _PlannedLine(natural, next_start, adds_hyphen, parts_a_name, lines_after)
    return plan, loose is not None


# How a window of a paragraph is ended: as the paragraph ends (its last line filled with white).
_PARAGRAPH_END = (
    kp.Penalty(0, kp.INFINITE_PENALTY),
    kp.Glue(0, kp.FILL, 0),
    kp.Penalty(0, -kp.INFINITE_PENALTY),
)


def _window(items: list[kp.Item], begin: int, size: int) -> int | None:
    """Where a window of about `size` items from `begin` ends (before a space at which a line
    may break); None where the rest of the paragraph is not much longer than a window."""
    if len(items) - begin <= size + MARGIN:
        return None
    for end in range(begin + size, len(items) - MARGIN):
        if kp.is_legal_break(items, end) and isinstance(items[end], kp.Glue):
            return end
    return None


def _balanced_items(
    items: list[kp.Item], offsets: list[int], measure: float
) -> tuple[list[kp.Item], list[int]]:
    """The paragraph as a balanced one: its spaces fixed, and the white at the end of every line,
    the last too, stretching as far as the measure, so that the breaks of least demerits make
    lines of like length (Knuth & Plass's ragged setting: a break gives its line the stretch,
    which the words kept together take back)."""
    ends_a_line = kp.Glue(0, measure, 0)
    balanced: list[kp.Item] = []
    balanced_offsets: list[int] = []
    for index, (item, offset) in enumerate(zip(items, offsets, strict=True)):
        if isinstance(item, kp.Glue) and item.stretch >= kp.FILL:  # the paragraph's end
            added: list[kp.Item] = [ends_a_line]
        elif kp.is_legal_break(items, index) and item is not items[-1]:
            width = item.width if isinstance(item, kp.Glue) else 0.0
            breaks = item if isinstance(item, kp.Penalty) else kp.Penalty(0, 0)
            added = [kp.Penalty(0, kp.INFINITE_PENALTY), ends_a_line, breaks, kp.Glue(width, -measure, 0)]
        elif isinstance(item, kp.Glue):
            added = [kp.Glue(item.width, 0, 0)]
        else:
            added = [item]
        balanced += added
        balanced_offsets += [offset] * len(added)
    return balanced, balanced_offsets


def _offset(linebox: boxes.LineBox, skip_stack: dict[int, Any] | None, paragraph: _Paragraph) -> int:
    """The paragraph's character where a skip stack resumes."""
    if skip_stack is None:
        return 0
    path: list[int] = []
    box: boxes.Box = linebox
    stack: dict[int, Any] | None = skip_stack
    while stack:
        ((index, stack),) = stack.items()
        if isinstance(box, boxes.TextBox):  # the index is a byte offset in its text
            return paragraph.run_at[tuple(path)].start + characters(box.text, index)
        path.append(index)
        box = box.children[index]
    # The start of a box: its first text (the first run whose path is not before the box's).
    first = bisect_left(paragraph.paths, tuple(path))
    if first < len(paragraph.runs):
        return paragraph.runs[first].start
    return len(paragraph.text)


def _held(box: boxes.ParentBox, lists: list[tuple[boxes.ParentBox, Any]]) -> tuple[Any, ...]:
    """What the box holds, as far as its lines are concerned: each child's place, its text and
    style, or its kind; a note's body (set elsewhere) by its place only. Each box read, with its
    list of children, is added to `lists`."""
    lists.append((box, box.children))
    held: list[Any] = []
    for index, child in enumerate(box.children):
        if isinstance(child, boxes.TextBox):
            held.append((index, child.text, id(child.style)))
        elif isinstance(child, boxes.InlineBox) and child.is_in_normal_flow():
            held.append((index, id(child.style), _held(child, lists)))
        else:
            held.append((index, type(child).__name__))
    return tuple(held)


def _model(context: LayoutContext, linebox: boxes.LineBox) -> _Paragraph:
    """The paragraph's boxes, glue and penalties, measured as Pango shapes its text."""
    runs: list[_Run] = []
    decorations: dict[int, float] = {}  # width of inline boxes' edges before the run of that index
    _collect(linebox, (), runs, decorations, [0])
    if not runs:
        raise _NotModelled
    text = "".join(run.box.text for run in runs)
    if "\xad" in text:
        raise _NotModelled
    breaks = line_break.get_log_attrs(text, linebox.style["lang"])
    in_names = _spaces_in_names(text)
    items: list[kp.Item] = []
    offsets: list[int] = []
    widest_space = 0.0
    for number, run in enumerate(runs):
        if decorations.get(number):
            items.append(kp.Box(decorations[number]))
            offsets.append(run.start)
        widest_space = max(widest_space, _run_items(context, run, breaks, in_names, items, offsets))
    if decorations.get(len(runs)):
        items.append(kp.Box(decorations[len(runs)]))
        offsets.append(len(text))
    trailing = 0.0  # the paragraph's trailing space, dropped as TeX's \unskip drops it
    while items and not isinstance(items[-1], kp.Box):
        trailing += items[-1].width if isinstance(items[-1], kp.Glue) else 0.0
        items.pop()
        offsets.pop()
    _spare_the_last_line_a_stub(items, offsets, text)
    items += [kp.Penalty(0, kp.INFINITE_PENALTY), kp.Glue(0, kp.FILL, 0), kp.Penalty(0, -kp.INFINITE_PENALTY)]
    offsets += [len(text)] * 3
    return _Paragraph(items, offsets, runs, text, widest_space or 1.0, trailing)


def _spare_the_last_line_a_stub(items: list[kp.Item], offsets: list[int], text: str) -> None:
    """Drops the hyphenation points of the paragraph's last word that would leave fewer than
    STUB_LETTERS letters to its last line ("reas-|ons)." and its note's number): the short last
    line's demerits weigh its width, which punctuation and a note's number make look longer."""
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        if isinstance(item, kp.Glue):
            return  # the words before the last
        if isinstance(item, kp.Penalty) and item.flagged and item.width > 0:  # a hyphen it adds
            if sum(char.isalpha() for char in text[offsets[index] :]) >= STUB_LETTERS:
                return
            del items[index], offsets[index]


def _collect(
    box: boxes.ParentBox,
    path: tuple[int, ...],
    runs: list[_Run],
    decorations: dict[int, float],
    length: list[int],
) -> None:
    for index, child in enumerate(box.children):
        if not child.is_in_normal_flow():
            if getattr(child, "is_footnote", False) or child.style["float"] == "footnote":
                continue
            raise _NotModelled
        if isinstance(child, boxes.TextBox):
            if child.style["font_size"] and child.text:
                runs.append(_Run((*path, index), child, length[0]))
                length[0] += len(child.text)
        elif child.is_leader:
            raise _NotModelled  # a leader fills its line: its dots are no words
        elif isinstance(child, boxes.InlineBox):
            decorations[len(runs)] = decorations.get(len(runs), 0.0) + _edge(child, "left")
            _collect(child, (*path, index), runs, decorations, length)
            decorations[len(runs)] = decorations.get(len(runs), 0.0) + _edge(child, "right")
        else:
            raise _NotModelled  # an image, an inline block, a forced line break


def _edge(box: boxes.InlineBox, side: str) -> float:
    style = box.style
    total = style[f"border_{side}_width"]
    for name in (f"margin_{side}", f"padding_{side}"):
        value = style[name]
        if value == "auto":
            continue
        if value.unit != "px":
            raise _NotModelled
        total += value.value
    return total


_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
# What lies between spaces and dashes (escaped: a bare "-" in a class would make a range).
_PIECE = re.compile(f"[^ \u00a0{re.escape(DASHES)}]+")
# The spaces, and the dashes and slashes a line may break after.
_MARKS = re.compile(f"[ \u00a0{re.escape(BREAKS_AFTER)}]")


def _run_items(
    context: LayoutContext,
    run: _Run,
    breaks: Any,
    in_names: set[int],
    items: list[kp.Item],
    offsets: list[int],
) -> float:
    """The run's words, spaces and break points, appended; returns its widest space. A run that
    may not wrap (`white-space: nowrap`, a number range) offers no break within it. Only the
    spaces, dashes, slashes and hyphenation points are visited: any other character only opens a
    word."""
    style = run.box.style
    text = run.box.text
    wraps = style["white_space"] in ("normal", "pre-wrap", "pre-line")
    hyphen = _hyphen_width(context, style)
    points = _hyphenation_points(text, style) if wraps else set()
    marks = [match.start() for match in _MARKS.finditer(text)]
    positions = _x_positions(context, text, style, _edges(text, points, marks))
    widest = 0.0
    word_start: int | None = None

    def close_word(end: int) -> None:
        nonlocal word_start
        if word_start is not None and end > word_start:
            items.append(kp.Box(positions[end] - positions[word_start]))
            offsets.append(run.start + word_start)
        word_start = None

    visited = -1  # the last character visited
    for index in sorted({*marks, *points}):
        if word_start is None and index > visited + 1:
            word_start = visited + 1  # a character between the two visited opened a word
        visited = index
        char = text[index]
        if char in " \u00a0":
            close_word(index)
            width = positions[index + 1] - positions[index]
            widest = max(widest, width)
            breakable = wraps and char == " " and bool(breaks[run.start + index + 1].is_line_break)
            if not breakable or run.start + index in in_names:
                items.append(kp.Penalty(0, 0 if breakable else kp.INFINITE_PENALTY, in_a_name=breakable))
                offsets.append(run.start + index)
            items.append(kp.Glue(width, width * STRETCH, width * SHRINK))
            offsets.append(run.start + index + 1)
            continue
        if index in points and word_start is not None:
            close_word(index)
            items.append(kp.Penalty(hyphen, HYPHEN_PENALTY, flagged=True))
            offsets.append(run.start + index)
        if word_start is None:
            word_start = index
        if (
            char in BREAKS_AFTER
            and wraps
            and index + 1 < len(text)
            and breaks[run.start + index + 1].is_line_break
        ):
            close_word(index + 1)
            dash = char in DASHES
            items.append(kp.Penalty(0, HYPHEN_PENALTY if dash else SLASH_PENALTY, flagged=dash))
            offsets.append(run.start + index + 1)
    if word_start is None and len(text) > visited + 1:
        word_start = visited + 1
    close_word(len(text))
    return widest


_NAME_WORDS = re.compile(r"(?=(?<![^ \u00a0])([^\W\d_][^ \u00a0]*) ([^\W\d_]))")


def _spaces_in_names(text: str) -> set[int]:
    """The spaces between two words that begin with capitals, the first not ending a clause: the
    words of a name ("Władysław Sikorski", "Soviet Union"), which a page should not part."""
    return {
        match.end(1)
        for match in _NAME_WORDS.finditer(text)
        if match.group(1)[0].isupper()
        and match.group(2).isupper()
        and match.group(1)[-1] not in _CLAUSE_ENDS
        and not _begins_a_sentence(text, match.start(1))  # "… London. Then Maisky"
    }


def _begins_a_sentence(text: str, start: int) -> bool:
    """The word at `start` follows a full stop, a question or an exclamation mark."""
    before = start
    while before and text[before - 1].isspace():
        before -= 1
    return before > 0 and text[before - 1] in _SENTENCE_ENDS


_CLAUSE_ENDS = ".,;:!?)]”’\"'"
_SENTENCE_ENDS = ".!?"


def _edges(text: str, points: set[int], marks: list[int]) -> set[int]:
    """The characters whose leading edge the items need: either side of each space, each
    hyphenation point, and after each dash or slash (the `marks`)."""
    edges = {0, len(text), *points}
    for index in marks:
        if text[index] in " \u00a0":
            edges.add(index)
        edges.add(index + 1)
    return edges


def _x_positions(context: LayoutContext, text: str, style: Any, edges: set[int]) -> dict[int, float]:
    """The x of the leading edge of the characters `edges` in one unwrapped shaping of the text
    (the text's end at its length): each run's glyph widths shared among its characters, as
    Pango shares a cluster's, read once per run rather than sought for each edge. A text longer
    than PIECE is shaped a piece at a time, each ending after a space (no kerning nor ligature
    crosses one): Pango's widths are 32-bit integers of 1/1024 px, and a line of a million
    characters is wider than they reach."""
    x, char, end = 0.0, 0, 0.0
    starts = [0.0] * (len(text) + 1)
    for piece in _pieces(text):
        layout = line_break.create_layout(piece, style, context, None, 0)
        first_line, _ = layout.get_first_line()
        encoded = ffi.new("char[]", piece.encode())
        piece_x = x
        run = first_line.runs
        while run != ffi.NULL:
            item, glyphs = run.data.item, run.data.glyphs
            widths = ffi.new("int[]", item.num_chars)
            pango.pango_glyph_string_get_logical_widths(glyphs, encoded + item.offset, item.length, 0, widths)
            # The x before each character, then after the last: the same sums in the same order.
            advances = [width * FROM_UNITS for width in ffi.unpack(widths, item.num_chars)]
            lefts = list(accumulate(advances, initial=x))
            starts[char : char + item.num_chars] = lefts[:-1]
            x, char = lefts[-1], char + item.num_chars
            run = run.next
        end = piece_x + (line_break.line_size(first_line, style)[0] if piece else 0.0)
        layout.deactivate()
    starts[len(text)] = end
    if char != len(text):
        raise _NotModelled  # Pango shaped other characters than the box holds
    return {index: starts[index] for index in edges}


PIECE = 20_000  # characters shaped at once: about 120,000 px of a book's text, Pango reaching 2,000,000


def _pieces(text: str) -> Iterator[str]:
    """The text in pieces of at most PIECE characters, each but the last ending after a space
    where it has one."""
    start = 0
    while len(text) - start > PIECE:
        end = text.rfind(" ", start + 1, start + PIECE) + 1
        if end <= start:
            end = start + PIECE
        yield text[start:end]
        start = end
    yield text[start:]


_hyphen_widths: dict[str, float] = {}


def _hyphen_width(context: LayoutContext, style: Any) -> float:
    key = line_break._font_style_cache_key(style, include_size=True) + style["hyphenate_character"]
    if key not in _hyphen_widths:
        layout = line_break.create_layout(style["hyphenate_character"], style, context, None, 0)
        first_line, _ = layout.get_first_line()
        _hyphen_widths[key] = line_break.line_size(first_line, style)[0]
        layout.deactivate()
    return _hyphen_widths[key]


_dictionaries: dict[tuple[str, int, int], pyphen.Pyphen] = {}


def _hyphenation_points(text: str, style: Any) -> set[int]:
    """Where WeasyPrint would hyphenate: in each piece between spaces, its first word long enough,
    at the points of the language's dictionary within the `hyphenate-limit-chars`."""
    lang = style["lang"] and pyphen.language_fallback(style["lang"])
    if style["hyphens"] != "auto" or not lang:
        return set()
    total, left, right = style["hyphenate_limit_chars"]
    key = (lang, left, right)
    if key not in _dictionaries:
        _dictionaries[key] = pyphen.Pyphen(lang=lang, left=left, right=right)
    dictionary = _dictionaries[key]
    points: set[int] = set()
    for piece in _PIECE.finditer(text):
        for word in _WORD.finditer(piece.group()):
            if len(word.group()) < total:
                continue
            if may_split(word.group(), lang):
                start = piece.start() + word.start()
                points.update(start + position for position in book_positions(dictionary, word.group()))
            break
    return points


def apply() -> None:
    global _split_text_box
    _split_text_box = inline.split_text_box
    inline.split_inline_box = split_inline_box
    inline.text_align = text_align
    inline.split_first_line = split_first_line
    inline.split_text_box = split_text_box
