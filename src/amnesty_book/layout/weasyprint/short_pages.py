"""A page that would run short: made again with a paragraph on it a line longer, or its text nearer its notes.

Two things leave a page of running text short where a book's page is full:

- The widows rule. Where a paragraph's last line would stand alone at the head of the next page,
  WeasyPrint moves a line of this page overleaf to keep it company (`widows: 2`), and the page
  runs a line short: above a plate at the page's foot, or over the notes, the white shows. TeX
  leaves such a page short too; lua-widow-control (Max Chernoff's, for LaTeX) sets one paragraph
  of the page a line longer (TeX's \\looseness=1), the one it costs least, so that the page is
  full and the lines overleaf are two. So here, in two steps: linebox.py first asks the
  paragraph that runs over the page for a line more, its last two lines then going overleaf
  together; where it cannot take one within the tolerance, the page is made again with the
  paragraph before it on the page that takes a line more for the fewest demerits
  (total_fit.loosening_cost) set so. The page made again is kept only where it ends where the
  first one did, with the same notes and plates at its foot and no widow.
- A foot too full for what follows. Where the next line calls a note that does not fit under it
  (nor begins there, note_splits.py), the line and its note go overleaf and leave their room
  white, on a page with notes or on one whose first note it would be. TeX lets the space above
  its notes shrink (LaTeX's \\skip\\footins, 9pt minus 2pt): a page that leaves more than SHORT
  of its height white above its notes, or its foot (and no plate, which keeps its distance),
  when what follows is not broken before by force, is made again with the running text allowed
  half of the margin above the notes' rule (footnote_area.py), and kept where it then holds
  more, less of it white, with no widow the first one had not. Where the page is left more
  than VERY_SHORT white, the paragraph that runs over it is also allowed its widow: the one whose
  lines the widows rule moved overleaf (a line calling a note that must be continued overleaf,
  followed by the paragraph's last line calling another note, which may not follow a continued
  one), else the last one whose lines go on overleaf (a line calling a note that could begin
  under it only if the paragraph's last line went overleaf alone): TeX too would rather leave a
  widow than a page a tenth empty, which the audit reports (L101). Where that is not kept
  either, the page is made
  again with the paragraph set whole on it that takes a line more for the fewest demerits set
  so, kept where it ends where the first one did, with the same foot: a line less of it white.

A page made again to give up room to the next (page_lookback.py) is made plainly, with no
trial: its white, or a paragraph on it a line longer, is asked for.

Where no page made again is kept, the page is made as it was, and what the trials kept of plans
is taken back. How each page that would run short was made (as first made, or nearer its notes)
is told to the next layout of the same document (memory.py keeps it between builds), which makes
it so at once.

Making a page again starts it from what WeasyPrint's context held when the page began: the
notes still to place, those reported from the page before, the floats broken over it, the
page's counters (`page_state`) and the hyphenation's ladder. The states the other patches keep
between pages are kept by page number (page_floats.py, note_splits.py), as WeasyPrint makes
pages again itself for page references.

Upstream: none filed (https://github.com/gucci-on-fleek/lua-widow-control is LuaTeX's). Written
for WeasyPrint 70.0 (layout/page.py: make_page, remake_page; layout/__init__.py: LayoutContext).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext
from weasyprint.layout import page as page_layout

from amnesty_book.layout.weasyprint import footnote_area, page_floats, total_fit
from amnesty_book.layout.weasyprint.hyphenation import LADDER
from amnesty_book.layout.weasyprint.resume_points import box_resumed_at

_make_page = page_layout.make_page

# A page as WeasyPrint's make_page returns it: its box, where the next page resumes, its state.
_Made = tuple[boxes.PageBox, dict[int, Any] | None, Any]

# The share of its height a page may leave white above its foot before it is made again with
# the space above its notes shrunk, to make room for what it left overleaf.
SHORT = 0.05
# ... and, where it leaves more than this white, with a widow allowed the paragraph that runs
# over it: TeX weighs a widow (\widowpenalty, 150 in plain TeX) against a page's badness, and a
# page a tenth empty, with no glue on a grid to stretch, is as bad as a page can be (10,000).
VERY_SHORT = 0.10


@dataclass
class _Paragraph:
    """A planned paragraph as its lines were last set on the page being made."""

    box: boxes.BlockContainerBox
    opening: total_fit.Opening | None
    ends_on_page: bool
    widowed: bool  # it runs over the page, a line of it moved overleaf for its widows
    loosened: bool  # set a line longer than its best breaks


@dataclass
class _Page:
    """The paragraphs set on the page being made (by the id of their boxes, in the order first
    set); and, where the page is made again, the paragraph asked to take a line more, or whether
    the running text may come nearer the notes' rule and which paragraph may leave a widow."""

    asked: boxes.BlockContainerBox | None = None
    nearer_the_notes: bool = False
    widow_allowed: boxes.BlockContainerBox | None = None
    paragraphs: dict[int, _Paragraph] = field(default_factory=dict)


# The page being made, or None between pages.
_page: list[_Page | None] = [None]


# Whether the patch is applied: linebox.py then asks a widowed paragraph for a line more itself.
_applied = [False]


def spares_widows() -> bool:
    """Whether a paragraph that leaves a widow is asked for a line more (the patch is applied)."""
    return _applied[0]


def lines_more(box: boxes.BlockContainerBox) -> int:
    """The lines more than its best breaks make that the page being made asks of the paragraph."""
    page = _page[0]
    return 1 if page is not None and page.asked is box else 0


def allows_a_widow(box: boxes.BlockContainerBox) -> bool:
    """Whether the page being made lets the paragraph leave its last line alone overleaf."""
    page = _page[0]
    return page is not None and page.widow_allowed is box


def paragraph_set(
    box: boxes.BlockContainerBox, setting: total_fit.OnPage, lines: list[boxes.Box], widowed: bool
) -> None:
    """A planned paragraph's lines are set on the page (linebox.py): the last setting of each counts."""
    page = _page[0]
    if page is not None and lines:
        ends = lines[-1].resume_at is None
        page.paragraphs[id(box)] = _Paragraph(box, setting.opening, ends, widowed, setting.loosened)


def make_page(
    context: LayoutContext,
    root_box: boxes.BlockBox,
    page_type: Any,
    resume_at: dict[int, Any] | None,
    page_number: int,
    page_state: Any,
) -> _Made:
    """The page as the patches before this one make it; where it runs short, made again with a
    paragraph on it set a line longer, or its running text nearer its notes, where that is better."""
    arguments = (context, root_box, page_type, resume_at, page_number, page_state)
    if footnote_area.holds_back() or _page[0] is not None:  # made again for the next (page_lookback.py)
        return _make_page(*arguments)
    made_so = f"{page_number} {resume_at!r}"  # the page, by its number and where it begins
    if made_so in _remembered:  # as the last layout of the same document made it
        with _making(_Page(nearer_the_notes=_remembered[made_so] == _NEARER)):
            return _made(made_so, _remembered[made_so], _make_page(*arguments))
    start = _Start.of(context, page_state)
    with _making(_Page()) as page:
        made = _make_page(*arguments)
    tried = False
    for trial_page, better in _trials(page, made, root_box):
        tried = True
        with total_fit.plans_kept_on_trial() as take_back:
            start.restore(context, page_state)
            with _making(trial_page):
                trial = _make_page(*arguments)
            if better(trial_page, trial, page, made):
                plainly_nearer = trial_page.nearer_the_notes and trial_page.widow_allowed is None
                return _made(made_so, _NEARER, trial) if plainly_nearer else trial
            take_back()
    if not tried:
        return made
    start.restore(context, page_state)
    with _making(_Page()):
        return _made(made_so, _AS_FIRST, _make_page(*arguments))


# How a page that would run short was made, by its number and where it began: as it was first
# made, every trial failing, or with its text nearer its notes (no paragraph asked otherwise). A
# layout of the same document from the same inputs makes each page the same, so the next build
# (memory.py) makes it so at once, not twice or three times.
_AS_FIRST, _NEARER = "as first made", "nearer its notes"
_remembered: dict[str, str] = {}
_pages_made: dict[str, str] = {}


def start_layout(pages_made: Mapping[str, str]) -> None:
    """A layout starts, remembering how the last layout of the same document made its pages."""
    _remembered.clear()
    _remembered.update(pages_made)
    _pages_made.clear()


def pages_made() -> dict[str, str]:
    """How this layout made the pages that would run short, where that can be told again."""
    return dict(_pages_made)


def _made(page: str, how: str, made: _Made) -> _Made:
    _pages_made[page] = how
    return made


_Better = Callable[[_Page, _Made, _Page, _Made], bool]


def _trials(page: _Page, made: _Made, root_box: boxes.BlockBox) -> Iterator[tuple[_Page, _Better]]:
    """The makings of a page that runs short to try, in turn, with what each must do better: for a
    widow, a paragraph before it a line longer; for a page left short, its text nearer its notes
    (and the paragraph that ran over it allowed a widow, where the page is very short), then the
    paragraph on it that takes a line more for the fewest demerits."""
    widowed = _cheapest(page, made[0], widowed=True)
    if widowed is not None:
        yield _Page(widowed.box), _fills
    if left_short(made[0], made[1], root_box):
        yield _Page(nearer_the_notes=True, widow_allowed=_widow_to_allow(page, made[0])), _holds_more
        longer = _cheapest(page, made[0], widowed=False)
        if longer is not None:
            yield _Page(longer.box), _fills


@contextmanager
def _making(page: _Page) -> Iterator[_Page]:
    before, _page[0] = _page[0], page
    try:
        with footnote_area.giving() if page.nearer_the_notes else nullcontext():
            yield page
    finally:
        _page[0] = before


def _cheapest(page: _Page, made: boxes.PageBox, widowed: bool, ending: bool = True) -> _Paragraph | None:
    """Of the paragraphs set on the page (where a paragraph on it is `widowed`, or none is), and
    `ending` on it or not, the one that takes a line more for the fewest demerits; None where
    none can."""
    on_page = _in_the_flow(made)
    set_on_page = [paragraph for paragraph in page.paragraphs.values() if paragraph.box.element in on_page]
    if any(paragraph.widowed for paragraph in set_on_page) != widowed:
        return None
    costs = [
        (cost, number, paragraph)
        for number, paragraph in enumerate(set_on_page)
        if (paragraph.ends_on_page or not ending)
        and not paragraph.widowed
        and paragraph.opening is not None
        and not paragraph.opening.balanced
        and (cost := total_fit.loosening_cost(paragraph.opening)) is not None
    ]
    return min(costs, key=lambda found: found[:2])[2] if costs else None


def _in_the_flow(page: boxes.PageBox) -> set[Any]:
    """The elements of the page's running text whose lines it holds (not its notes or plates)."""
    elements = set()
    for child in page.children:
        if isinstance(child, boxes.FootnoteAreaBox):
            continue
        for box in child.descendants():
            if isinstance(box, boxes.LineBox) and box.element is not None:
                elements.add(box.element)
    return elements


def _fills(
    trial_page: _Page,
    trial: _Made,
    made_page: _Page,
    made: _Made,
) -> bool:
    """The page made again ends where the first one did, with the same foot, the paragraph asked
    a line longer, and no widow."""
    return set_longer(trial_page) and trial[1:] == made[1:] and _foot(trial[0]) == _foot(made[0])


def set_longer(page: _Page) -> bool:
    """The paragraph the page asked for a line more took it, and the page leaves no widow."""
    loosened = page.paragraphs.get(id(page.asked))
    return loosened is not None and loosened.loosened and not _widowed(page)


@contextmanager
def recording(asked: boxes.BlockContainerBox | None = None) -> Iterator[_Page]:
    """While a page is made again to give up room to the next (page_lookback.py), plainly: the
    paragraphs set on it, `asked` for a line more."""
    with _making(_Page(asked)) as page:
        yield page


def cheapest_longer(page: _Page, made: boxes.PageBox) -> boxes.BlockContainerBox | None:
    """Of the paragraphs set on the page, none widowed, the one that takes a line more for the
    fewest demerits (one that runs over the page too: a line more of it goes overleaf); None
    where none can."""
    paragraph = _cheapest(page, made, widowed=False, ending=False)
    return None if paragraph is None else paragraph.box


def _holds_more(
    trial_page: _Page,
    trial: _Made,
    made_page: _Page,
    made: _Made,
) -> bool:
    """The page made again ends later than the first one did, less of it white, and leaves no
    widow where the first left none."""
    return (
        _widowed(trial_page) <= _widowed(made_page)
        and trial[1] != made[1]
        and white(trial[0]) < white(made[0]) - 1
    )


def left_short(page: boxes.PageBox, resume_at: dict[int, Any] | None, root_box: boxes.BlockBox) -> bool:
    """The page, no plate at its foot, leaves more than SHORT of it white, and what follows could
    have come on it (it is not broken before by force: a chapter that opens a new page). A page
    with no note counts only where a note left it (footnote_area.py): the next line's, which
    did not fit, would have been its first."""
    foot = [
        box for child in page.children if isinstance(child, boxes.FootnoteAreaBox) for box in child.children
    ]
    if resume_at is None or any(page_floats.is_page_float(box) for box in foot):
        return False  # the running text ends; or a plate at the foot, kept its distance
    if not foot and not getattr(page, "note_left", False):
        return False  # short for another reason than a note
    if white(page) <= SHORT * page.height:
        return False
    box = box_resumed_at(root_box, resume_at)  # the box the next page starts afresh
    if box is None:
        return True  # within a text
    while box.style["break_before"] not in _FORCED:  # ... which, or whose first child, may break before
        if not isinstance(box, boxes.ParentBox) or not box.children:
            return True
        box = box.children[0]
    return False


# The values of break-before that start a new page.
_FORCED = frozenset({"page", "left", "right", "recto", "verso"})


def _widow_to_allow(page: _Page, made: boxes.PageBox) -> boxes.BlockContainerBox | None:
    """On a page that leaves more than VERY_SHORT of it white, the paragraph of its running text
    that runs over it (the one whose lines the widows rule moved overleaf, else the last); else
    None."""
    if white(made) <= VERY_SHORT * made.height:
        return None
    in_flow = _in_the_flow(made)
    running_over = [
        paragraph
        for paragraph in page.paragraphs.values()
        if not paragraph.ends_on_page and paragraph.box.element in in_flow
    ]
    widowed = [paragraph for paragraph in running_over if paragraph.widowed]
    return (widowed or running_over)[-1].box if running_over else None


def _widowed(page: _Page) -> bool:
    return any(paragraph.widowed for paragraph in page.paragraphs.values())


def white(page: boxes.PageBox) -> float:
    """The height left white between the page's last line of running text (or its top) and the
    notes and plates at its foot (or its bottom)."""
    lowest = page.content_box_y()
    foot = lowest + page.height
    for child in page.children:
        if isinstance(child, boxes.FootnoteAreaBox):
            if child.children:
                foot = child.position_y
            continue
        for box in child.descendants():
            if isinstance(box, boxes.LineBox | boxes.ReplacedBox):
                lowest = max(lowest, box.position_y + box.margin_height())
    return foot - lowest


def _foot(page: boxes.PageBox) -> list[Any]:
    """The notes and plates at the page's foot (and head), by their elements."""
    return [
        box.element
        for child in page.children
        if isinstance(child, boxes.FootnoteAreaBox)
        for box in child.descendants()
        if isinstance(box, boxes.LineBox | boxes.ReplacedBox)
    ]


@dataclass(frozen=True)
class ContextState:
    """What WeasyPrint's context holds between two pages that making a page again does not set
    afresh: the notes still to place, those reported from the page before, the floats broken
    over the page, and the hyphenation's ladder (page_lookback.py restores it too)."""

    footnotes: list[boxes.Box]
    reported: list[boxes.Box]
    broken_out_of_flow: dict[Any, Any]
    ladder: int

    @classmethod
    def of(cls, context: LayoutContext) -> ContextState:
        return cls(
            list(context.footnotes),
            list(context.reported_footnotes),
            dict(context.broken_out_of_flow),
            LADDER.run,
        )

    def restore(self, context: LayoutContext) -> None:
        context.footnotes[:] = self.footnotes
        context.reported_footnotes = list(self.reported)
        context.broken_out_of_flow = dict(self.broken_out_of_flow)
        LADDER.run = self.ladder


@dataclass(frozen=True)
class _Start:
    """What WeasyPrint's context held when a page began, and the page's counters, to make it
    again from there."""

    context: ContextState
    page_state: Any

    @classmethod
    def of(cls, context: LayoutContext, page_state: Any) -> _Start:
        return cls(ContextState.of(context), copy.deepcopy(page_state))

    def restore(self, context: LayoutContext, page_state: Any) -> None:
        self.context.restore(context)
        for kept, saved in zip(page_state, copy.deepcopy(self.page_state), strict=True):
            if isinstance(kept, dict):
                kept.clear()
                kept.update(saved)
            else:
                kept[:] = saved


def apply() -> None:
    global _make_page
    _make_page = page_layout.make_page
    page_layout.make_page = make_page
    _applied[0] = True
