"""A fix for WeasyPrint 70.0's footnote layout, applied before the PDF is laid out.

WeasyPrint compares the bottom of the footnote area with the bottom of its last note
exactly, and the two can differ by ~1e-13 px: a note that fits is then taken as
overflowing and moved to the next page, away from its call (one late note pushes every
later one). The replacement is WeasyPrint's own method with the comparison made through
`LayoutContext.overflows`, which has the tolerance that page overflow checks already use.
Pinned to the version it copies.
"""

from __future__ import annotations

from math import inf

import weasyprint
from weasyprint.formatting_structure import build
from weasyprint.layout import LayoutContext
from weasyprint.layout.block import block_level_layout

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


def apply() -> None:
    if weasyprint.__version__ != PATCHED_VERSION:
        raise RuntimeError(
            f"weasyprint_fixes copies WeasyPrint {PATCHED_VERSION}; review it for {weasyprint.__version__}"
        )
    LayoutContext._update_footnote_area = _update_footnote_area
