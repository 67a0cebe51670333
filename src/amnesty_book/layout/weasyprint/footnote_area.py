"""The page's foot area as WeasyPrint measures it, but a note that fits kept, and plates above notes.

Replaces `LayoutContext._update_footnote_area`, WeasyPrint's own method but for these:

- WeasyPrint compares the bottom of the foot area with the bottom of its last note exactly, and
  the two, summed in different orders, can differ by ~1e-13 px: a note that fits is then taken
  as overflowing and moved to the next page, away from its call, whole (or split there by
  note_splits.py where it need not be), and every later note with it. The
  comparison goes through `LayoutContext.overflows`, with the tolerance WeasyPrint's own page
  overflow checks use.
- A foot area whose last note leaves it (reported to the next page, or taken back with its
  calling line) takes no room, as before the note joined it, and its page is marked so
  (`note_left`): WeasyPrint set its height to 0 and
  kept its margin and border (the rule over the notes, 26 px in the readers) off the page, whose
  text then ran short, or lost a paragraph to the next page where its last line overflowed the
  page by 0.1 px.
- The plates floated to the page's foot (page_floats.py) are put before its notes, whatever
  order they joined the page in: page_floats lifts them off the top of the area. The height of
  those carried to the page's head is kept (`head_floats_height`): the baseline grid starts
  under them (baseline_grid.py).
- While a page left short is made again (short_pages.py), the area keeps off the text all of its
  height but half of its top margin (`giving`), as TeX's \\skip\\footins shrinks.
- While the page before a page left white is made again to give up room to it (page_lookback.py),
  the area keeps that much more off the text (`holding_back`).

Upstream: none filed (a like rounding trap in page breaks:
https://github.com/Kozea/WeasyPrint/issues/2100). Written for WeasyPrint 70.0 (layout/__init__.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from math import inf

from weasyprint.formatting_structure import boxes, build
from weasyprint.layout import LayoutContext

# WeasyPrint's own, as its method calls it (note_layouts.py wraps block's name, for the notes).
from weasyprint.layout.block import block_level_layout

from amnesty_book.layout.weasyprint.page_floats import is_page_float

# The share of the foot area's top margin the running text may take, while a page left short is
# made again (short_pages.py): as TeX's \skip\footins shrinks (9pt minus 2pt in LaTeX's
# article), the rule comes nearer the last line rather than let the page run short.
GIVE = 0.5
_giving = [False]


@contextmanager
def giving() -> Iterator[None]:
    """While a page is made, the text may take GIVE of the foot area's top margin."""
    _giving[0] = True
    try:
        yield
    finally:
        _giving[0] = False


# Room the foot area keeps off the text besides its own, while the page before a page left
# white is made again to give up some of its room (page_lookback.py).
_held_back = [0.0]


@contextmanager
def holding_back(room: float) -> Iterator[None]:
    """While a page is made, the foot area keeps `room` more off the text (once it holds a note)."""
    _held_back[0] = room
    try:
        yield
    finally:
        _held_back[0] = 0.0


def holds_back() -> bool:
    """Whether the page being made gives up room (page_lookback.py)."""
    return _held_back[0] > 0


def _reserved(area: boxes.FootnoteAreaBox) -> float:
    """The room the foot area keeps off the page's text."""
    return area.margin_height() - (GIVE * area.margin_top if _giving[0] else 0.0) + _held_back[0]


def update_footnote_area(self: LayoutContext) -> bool:
    if self.current_footnote_area.height != "auto" and not self.in_column:
        self.page_bottom += _reserved(self.current_footnote_area)
    self.current_footnote_area.children = sorted(
        self.current_page_footnotes, key=lambda box: not is_page_float(box)
    )
    if self.current_footnote_area.children:
        footnote_area = build.create_anonymous_boxes(self.current_footnote_area.deepcopy())
        footnote_area = block_level_layout(self, footnote_area, -inf, None, self.current_footnote_area.page)[
            0
        ]
        self.current_footnote_area.height = footnote_area.height
        carried = {box.element for box in getattr(self, "carried_floats", ())}
        self.head_floats_height = sum(
            child.margin_height() for child in footnote_area.children if child.element in carried
        )
        if not self.in_column:
            self.page_bottom -= _reserved(footnote_area)
        last_child = footnote_area.children[-1]
        last_child_bottom = last_child.position_y + last_child.margin_height() - last_child.margin_bottom
        area_bottom = footnote_area.position_y + footnote_area.margin_height() - footnote_area.margin_bottom
        return bool(self.overflows(area_bottom, last_child_bottom))
    # Empty, it takes no room (WeasyPrint's height 0 kept its rule's margin and border off the
    # page after the last note left it), as before any note joined it. The page is told a note
    # left it: one that did not fit may have left the page short (short_pages.py).
    self.current_footnote_area.height = "auto"
    self.current_footnote_area.page.note_left = True
    self.head_floats_height = 0.0
    return False


def apply() -> None:
    LayoutContext._update_footnote_area = update_footnote_area
