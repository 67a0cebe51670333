"""A paragraph's lines as WeasyPrint sets them, but no note moved off its page nor word over a page.

WeasyPrint 70's `block._linebox_layout` takes a paragraph's lines one by one from
`iter_line_boxes`. These changes are made around the function and that iterator, none to
the function itself:

Widows. When a line overflows the page, `_linebox_layout` reads up to `widows` lines past it to
learn whether the paragraph's last lines could follow on the next page. If they could, and the
page holds one line short of `orphans` of the paragraph, it moves the page's notes to the next
page, one by one, until the line fits: notes leave their calls behind, and each pushes every
later note along. A book runs the page a line short instead (the paragraph starts the next
page), which WeasyPrint does itself when it finds fewer lines. So after an overflow this
iterator gives at most `widows - 1` lines: the count never proves the last lines could follow,
and no note is moved. The line it holds back is still laid out and its placeholders removed,
as `_linebox_layout` does with each line it reads; the count's only other use,
`max(0, needed)`, comes out the same (0), so nothing else changes.

A word broken over the page. When the page's last line ends on a hyphen (TeX's \\brokenpenalty
weighs against it), or between the words of a name ("Władysław | Sikorski"), the paragraph's
lines on the page are unset, as WeasyPrint unsets lines it moves to the next page, and set
again, total_fit.py told which line ends the page: its plan then ends that line otherwise where
it can. Where a hyphen cannot be helped, and the page is a right-hand one (the word would run
on overleaf), after the overflow one line fewer is given, so WeasyPrint moves that last line to
the next page with the rest, as it does for widows, and the page runs a line short; where that
would leave fewer than `orphans` lines, WeasyPrint moves the paragraph's lines on the page too,
as it does for orphans. Not when the line calls a note (its note would stay behind).

A widow spared. Where the paragraph runs past the page with fewer than `widows` lines left (so
WeasyPrint moves lines of the page overleaf to join them, and the page runs short), and the
short pages patch is applied, its lines on the page are set again a line longer (TeX's
\\looseness, total_fit.py): kept where that puts more of it on the page, the paragraph's lines on
the next page then following the longer plan; else set as they were. A paragraph the page being
made again asks for a line more (short_pages.py) is set so from its first setting. Each
planned paragraph's last setting is told to short_pages.py.

A note's head. Where a note split over two pages can keep two lines on each side only by
ending its head on the first line of a paragraph (note_splits.py), its head is laid out with
`orphans: 1`: a note broken mid-sentence, as the Chicago Manual of Style would break it, rather
than its calling line sent overleaf with a hole above the notes; where only by ending it on a
paragraph's last line but one, with `widows: 1` (`lines_alone_allowed`).

The line being set. While a line's notes are placed, note_splits.py asks how low the line
reaches and how far down the page lets it (`line_being_set`): a note that does not fit under
it may then be split.

Hyphenation. Each line set is told to hyphenation.LADDER before the next line is laid out,
so that the line after two hyphenated ones is not hyphenated (hyphenation.py).

The iterator knows a line is set when, asked for the next one, it finds it last among the
paragraph's new lines; asked while the line is not there, it is being read ahead of. That list
is an argument of `_linebox_layout` alone: a wrapper keeps it while the call lasts. (Both
changes, and note_lookup.py's, were made by rewriting `_linebox_layout`'s source text; these
wrappers make the same pages.)

Upstream: none filed for keeping notes on their page; the moving of notes at an orphans break
came with https://github.com/Kozea/WeasyPrint/issues/2432. Written for WeasyPrint 70.0
(layout/block.py, layout/inline.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext, block

from amnesty_book.layout.weasyprint import short_pages, total_fit
from amnesty_book.layout.weasyprint.hyphenation import LADDER

# A line, and where the paragraph resumes after it.
Line = tuple[boxes.LineBox, Any]

_linebox_layout = block._linebox_layout
_iter_line_boxes = block.iter_line_boxes


@dataclass
class _Setting:
    """A paragraph's lines being set on a page: those set so far (from `first` in `new_lines`),
    and how many of its lines were left for the next page, where the paragraph ended within the
    lines read past the page's last."""

    new_lines: list[boxes.Box]
    first: int = 0
    lines_left: int | None = None


# The paragraphs under way, the innermost last (a note's paragraph is laid out while the line
# calling it is set).
_setting: list[_Setting] = []


# Whether the paragraphs being set may leave their first line alone at the page's foot, or
# their last line alone overleaf: a note's head laid out with club or widow lines allowed.
_club_lines: list[bool] = [False]
_widow_lines: list[bool] = [False]


@contextmanager
def lines_alone_allowed(club_lines: bool, widow_lines: bool) -> Iterator[None]:
    """While a note's head is laid out, its paragraphs' `orphans` (`club_lines`) or `widows`
    (`widow_lines`) is 1."""
    _club_lines.append(club_lines)
    _widow_lines.append(widow_lines)
    try:
        yield
    finally:
        _club_lines.pop()
        _widow_lines.pop()


@dataclass
class LineBeingSet:
    """The last line a paragraph's iterator gave, and how far down the page it may reach."""

    line: boxes.LineBox | None
    paragraph: boxes.BlockContainerBox
    bottom_space: float
    lines_before: int = 0  # the paragraph's lines set on the page before this one

    def bottom(self, line: boxes.LineBox) -> float:
        """Where the line ends, with its paragraph's bottom edge if it is the last."""
        bottom: float = line.position_y + line.height
        if line.resume_at is None:
            bottom += self.paragraph.border_bottom_width + self.paragraph.padding_bottom
        return bottom

    def fits(self, context: LayoutContext) -> bool:
        """The line ends above the page's bottom as it now stands (its notes taking their
        room), as `_linebox_layout` tests it."""
        return self.line is None or not context.overflows_page(self.bottom_space, self.bottom(self.line))


# The line each paragraph under way is at, the innermost last.
_at: list[LineBeingSet] = []


def line_being_set() -> LineBeingSet | None:
    """The innermost paragraph's line whose notes are being placed; None between paragraphs
    (a page's first notes, carried from the page before)."""
    return _at[-1] if _at else None


def linebox_layout(
    context: LayoutContext,
    box: boxes.BlockContainerBox,
    index: int,
    child: boxes.LineBox,
    new_children: list[boxes.Box],
    page_is_empty: bool,
    absolute_boxes: list[boxes.Box],
    fixed_boxes: list[boxes.Box],
    *rest: Any,
) -> tuple[Any, ...]:
    """WeasyPrint's `_linebox_layout`, its paragraph's new lines kept while it runs. Where the
    page's last line ends on a hyphen, the paragraph's lines on the page are set again, that
    line known to be the page's last; where it leaves a widow, set again a line longer."""
    widow_lines = _widow_lines[-1] or short_pages.allows_a_widow(box)
    for rule, relaxed in (("orphans", _club_lines[-1]), ("widows", widow_lines)):
        if relaxed and box.style[rule] > 1:
            with _one_line(box, rule):  # set as below, WeasyPrint reading the paragraph's rule as 1
                return linebox_layout(
                    context,
                    box,
                    index,
                    child,
                    new_children,
                    page_is_empty,
                    absolute_boxes,
                    fixed_boxes,
                    *rest,
                )
    set_before, ladder = len(new_children), LADDER.run
    arguments = (context, box, index, child, new_children, page_is_empty, absolute_boxes, fixed_boxes, *rest)
    known_last = None
    # Lines more asked of the paragraph (by the page, or to spare it a widow); and, once asked, the
    # lines it must set on the page to be kept so, and known_last without.
    looseness = short_pages.lines_more(box)
    plainly: tuple[int, int | None] | None = (0, None) if looseness else None
    while True:
        setting = _Setting(new_children, set_before)
        _setting.append(setting)
        try:
            with total_fit.setting_lines(
                new_children, known_last, _right_hand(context), looseness
            ) as planned:
                result = _linebox_layout(*arguments)
        finally:
            _setting.pop()
        lines = new_children[set_before:]
        on_page = 0 if result[0] else len(lines)  # an aborted paragraph goes overleaf whole
        if plainly is not None and looseness and not (planned.loosened and on_page > plainly[0]):
            looseness, known_last = 0, plainly[1]  # no looser breaking filled the page: set as it was
        elif known_last is None and _ends_the_page_badly(lines):
            known_last = len(lines) - 1
        elif (
            plainly is None
            and short_pages.spares_widows()
            and _leaves_a_widow(box, lines, setting)
            and getattr(lines[0], "total_fit", False)  # planned: it may be set a line longer
        ):
            plainly = on_page, known_last
            looseness = box.style["widows"] - (setting.lines_left or 0)
        else:
            if looseness:
                total_fit.keep_plans(planned, on_page)
            short_pages.paragraph_set(box, planned, lines, _leaves_a_widow(box, lines, setting))
            return result
        for line in lines:  # unset, as WeasyPrint unsets the lines it moves to the next page
            block.remove_placeholders(context, line.children, absolute_boxes, fixed_boxes)
        del new_children[set_before:]
        LADDER.run = ladder


@contextmanager
def _one_line(box: boxes.BlockContainerBox, rule: str) -> Iterator[None]:
    """The paragraph's style, while it is set, with `orphans` or `widows` 1 (the lines set keep
    that copy)."""
    style = box.style
    box.style = style.copy()
    box.style[rule] = 1
    try:
        yield
    finally:
        box.style = style


def _leaves_a_widow(box: boxes.BlockContainerBox, lines: list[boxes.Box], setting: _Setting) -> bool:
    """The paragraph ran past the page with fewer than `widows` lines left, so WeasyPrint moved
    lines of the page overleaf to join them (or the paragraph, where too few were left)."""
    return setting.lines_left is not None and setting.lines_left < box.style["widows"] and bool(lines)


def _ends_the_page_badly(lines: list[boxes.Box]) -> bool:
    """The paragraph runs on to the next page from a planned line that ends on a hyphen, or
    between the words of a name."""
    return (
        bool(lines)
        and lines[-1].resume_at is not None
        and getattr(lines[-1], "total_fit", False)
        and (ends_on_a_hyphen(lines[-1]) or lines[-1].parts_a_name)
    )


def iter_line_boxes(
    context: LayoutContext,
    box: boxes.LineBox,
    position_y: float,
    bottom_space: float,
    skip_stack: dict[int, Any] | None,
    containing_block: boxes.BlockContainerBox,
    absolute_boxes: list[boxes.Box],
    fixed_boxes: list[boxes.Box],
    first_letter_style: Any,
    first_line_style: Any,
) -> Iterator[Line]:
    """WeasyPrint's lines of the paragraph, as `_linebox_layout` sets them."""
    lines = _iter_line_boxes(
        context,
        box,
        position_y,
        bottom_space,
        skip_stack,
        containing_block,
        absolute_boxes,
        fixed_boxes,
        first_letter_style,
        first_line_style,
    )
    style = containing_block.style
    at = LineBeingSet(None, containing_block, bottom_space)
    return _as_set(
        lines, _setting[-1], context, (style["widows"], style["orphans"]), absolute_boxes, fixed_boxes, at
    )


def _as_set(
    lines: Iterator[Line],
    setting: _Setting,
    context: LayoutContext,
    widows_and_orphans: tuple[int, int],
    absolute_boxes: list[boxes.Box],
    fixed_boxes: list[boxes.Box],
    at: LineBeingSet,
) -> Iterator[Line]:
    """The lines, each told to the hyphenation once set, and kept as the line being set while
    it is; after the first read ahead of, at most `widows - 1` more, or `widows - 2` to move a
    word broken over the leaf. Where the paragraph ends within those, the lines left past the
    page's last are told to `setting`."""
    widows, orphans = widows_and_orphans
    new_lines = setting.new_lines
    _at.append(at)
    try:
        for line in lines:
            at.line, at.lines_before = line[0], len(new_lines) - setting.first
            yield line
            if not new_lines or new_lines[-1] is not line[0]:
                break  # asked for another line, this one not set: reading ahead
            LADDER.line_set(line[0])
        else:
            return
    finally:
        _at.remove(at)
    given = widows - 1
    if widows >= 2 and len(new_lines) >= orphans and _breaks_a_word_over_the_leaf(context, new_lines[-1]):
        given -= 1
    read = 0
    for count, line in enumerate(lines, start=1):
        if count > given:  # held back, and cleared as WeasyPrint clears what it reads ahead
            block.remove_placeholders(context, line[0].children, absolute_boxes, fixed_boxes)
            return
        read = count
        yield line
    if given == widows - 1:  # the paragraph ended: the line read ahead of and those after it
        setting.lines_left = 1 + read


def _breaks_a_word_over_the_leaf(context: LayoutContext, line: boxes.Box) -> bool:
    """The line ends on a hyphen, on a right-hand page, and calls no note."""
    if not ends_on_a_hyphen(line):
        return False
    if any(getattr(box, "footnote", None) is not None for box in line.descendants()):
        return False
    return _right_hand(context)


def _right_hand(context: LayoutContext) -> bool:
    """The page being made is a right-hand one: a word broken at its foot runs on overleaf."""
    right_hand: bool = context.page_maker[context.current_page - 1][2]
    return right_hand


def ends_on_a_hyphen(line: boxes.Box) -> bool:
    texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox)]
    return bool(texts) and texts[-1].text.endswith((texts[-1].style["hyphenate_character"], "-"))


def apply() -> None:
    block._linebox_layout = linebox_layout
    block.iter_line_boxes = iter_line_boxes
