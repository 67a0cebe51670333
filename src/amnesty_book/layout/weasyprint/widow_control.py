"""A page the widows rule would leave a line short: a paragraph on it set a line longer instead.

Where a paragraph's last line would stand alone at the head of the next page, WeasyPrint moves
a line of this page overleaf to keep it company (`widows: 2`), and the page runs a line short:
above a plate at the page's foot, or over the notes, the white shows. TeX leaves such a page
short too; lua-widow-control (Max Chernoff's, for LaTeX) sets one paragraph of the page a line
longer (TeX's \\looseness=1), the one it costs least, so that the page is full and the lines
overleaf are two. So here, in two steps: linebox.py first asks the paragraph that runs over the
page for a line more, its last two lines then going overleaf together; where it cannot take
one within the tolerance, the page is made again with the paragraph before it on the page that
takes a line more for the fewest demerits (total_fit.loosening_cost) set so. The page made
again is kept only where it ends where the first one did, with the same notes and plates at
its foot and no widow; else the page is made as it was, and what the trial kept of plans is
taken back.

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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext
from weasyprint.layout import page as page_layout

from amnesty_book.layout.weasyprint import total_fit
from amnesty_book.layout.weasyprint.hyphenation import LADDER

_make_page = page_layout.make_page


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
    set), and the one asked to take a line more, if the page is made again for it."""

    asked: boxes.BlockContainerBox | None = None
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
) -> tuple[boxes.PageBox, dict[int, Any] | None, Any]:
    """The page as the patches before this one make it; where a widow's line is left white on
    it, made again with a paragraph before it set a line longer, if that fills the page."""
    arguments = (context, root_box, page_type, resume_at, page_number, page_state)
    start = _Start.of(context, page_state)
    with _making(_Page()) as page:
        made = _make_page(*arguments)
    asked = _cheapest(page, made[0])
    if asked is None:
        return made
    with total_fit.plans_kept_on_trial() as take_back:
        start.restore(context, page_state)
        with _making(_Page(asked.box)) as trial_page:
            trial = _make_page(*arguments)
        if _fills(trial_page, trial, made, asked):
            return trial
        take_back()
    start.restore(context, page_state)
    with _making(_Page()):
        return _make_page(*arguments)


@contextmanager
def _making(page: _Page) -> Iterator[_Page]:
    before, _page[0] = _page[0], page
    try:
        yield page
    finally:
        _page[0] = before


def _cheapest(page: _Page, made: boxes.PageBox) -> _Paragraph | None:
    """Where a paragraph on the page is widowed: of the paragraphs set whole before it on the
    page, the one that takes a line more for the fewest demerits; None where none can."""
    on_page = _in_the_flow(made)
    set_on_page = [paragraph for paragraph in page.paragraphs.values() if paragraph.box.element in on_page]
    if not any(paragraph.widowed for paragraph in set_on_page):
        return None
    costs = [
        (cost, number, paragraph)
        for number, paragraph in enumerate(set_on_page)
        if paragraph.ends_on_page
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
    trial: tuple[boxes.PageBox, Any, Any],
    made: tuple[boxes.PageBox, Any, Any],
    asked: _Paragraph,
) -> bool:
    """The page made again ends where the first one did, with the same foot, the paragraph asked
    a line longer, and no widow."""
    loosened = trial_page.paragraphs.get(id(asked.box))
    return (
        loosened is not None
        and loosened.loosened
        and not any(paragraph.widowed for paragraph in trial_page.paragraphs.values())
        and trial[1:] == made[1:]
        and _foot(trial[0]) == _foot(made[0])
    )


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
class _Start:
    """What WeasyPrint's context held when a page began, to make it again from there."""

    footnotes: list[boxes.Box]
    reported: list[boxes.Box]
    broken_out_of_flow: dict[Any, Any]
    page_state: Any
    ladder: int

    @classmethod
    def of(cls, context: LayoutContext, page_state: Any) -> _Start:
        return cls(
            list(context.footnotes),
            list(context.reported_footnotes),
            dict(context.broken_out_of_flow),
            copy.deepcopy(page_state),
            LADDER.run,
        )

    def restore(self, context: LayoutContext, page_state: Any) -> None:
        context.footnotes[:] = self.footnotes
        context.reported_footnotes = list(self.reported)
        context.broken_out_of_flow = dict(self.broken_out_of_flow)
        for kept, saved in zip(page_state, copy.deepcopy(self.page_state), strict=True):
            if isinstance(kept, dict):
                kept.clear()
                kept.update(saved)
            else:
                kept[:] = saved
        LADDER.run = self.ladder


def apply() -> None:
    global _make_page
    _make_page = page_layout.make_page
    page_layout.make_page = make_page
    _applied[0] = True
