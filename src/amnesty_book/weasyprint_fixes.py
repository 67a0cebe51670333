"""Fixes to WeasyPrint 70.0, applied before the PDF is laid out.

Footnotes: WeasyPrint compares the bottom of the footnote area with the bottom of its last note
exactly, and the two can differ by ~1e-13 px: a note that fits is then taken as
overflowing and moved to the next page, away from its call (one late note pushes every
later one). The replacement is WeasyPrint's own method with the comparison made through
`LayoutContext.overflows`, which has the tolerance that page overflow checks already use.

Tags: WeasyPrint ignores aria-hidden, so a pull quote would be read out twice from the
PDF's structure tree. Hidden elements are left out of the tree the way WeasyPrint already
leaves out running heads and folios (their marked content mapped, not linked).

Pinned to the version it copies.
"""

from __future__ import annotations

from math import inf

import weasyprint
from weasyprint.formatting_structure import boxes, build
from weasyprint.layout import LayoutContext
from weasyprint.layout.block import block_level_layout
from weasyprint.pdf import tags

PATCHED_VERSION = "70.0"


def _update_footnote_area(self: LayoutContext) -> bool:
    if self.current_footnote_area.height != "auto" and not self.in_column:
        self.page_bottom += self.current_footnote_area.margin_height()
    self.current_footnote_area.children = self.current_page_footnotes
    if self.current_footnote_area.children:
        footnote_area = build.create_anonymous_boxes(self.current_footnote_area.deepcopy())
        footnote_area = block_level_layout(self, footnote_area, -inf, None, self.current_footnote_area.page)[
            0
        ]
        self.current_footnote_area.height = footnote_area.height
        if not self.in_column:
            self.page_bottom -= footnote_area.margin_height()
        last_child = footnote_area.children[-1]
        last_child_bottom = last_child.position_y + last_child.margin_height() - last_child.margin_bottom
        area_bottom = footnote_area.position_y + footnote_area.margin_height() - footnote_area.margin_bottom
        return bool(self.overflows(area_bottom, last_child_bottom))
    self.current_footnote_area.height = 0
    if not self.in_column:
        self.page_bottom -= self.current_footnote_area.margin_height()
    return False


_build_box_tree = tags._build_box_tree


def _build_box_tree_without_hidden(box, parent, pdf, page_number, nums, annotations, tags_):  # type: ignore[no-untyped-def]
    element = getattr(box, "element", None)
    if element is not None and element.get("aria-hidden") == "true" and isinstance(box, boxes.ParentBox):
        for child in box.children:
            tuple(_build_box_tree(child, parent, pdf, page_number, nums, annotations, tags_))
        return
    yield from _build_box_tree(box, parent, pdf, page_number, nums, annotations, tags_)


def apply() -> None:
    if weasyprint.__version__ != PATCHED_VERSION:
        raise RuntimeError(
            f"weasyprint_fixes copies WeasyPrint {PATCHED_VERSION}; review it for {weasyprint.__version__}"
        )
    LayoutContext._update_footnote_area = _update_footnote_area
    tags._build_box_tree = _build_box_tree_without_hidden
