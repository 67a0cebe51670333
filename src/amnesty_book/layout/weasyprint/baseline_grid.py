"""Body paragraphs on the page's baseline grid, so that lines back up on the two sides of a leaf.

Wraps `block.block_level_layout` (note_layouts.py's, which wraps WeasyPrint's, when both apply).
A chapter's paragraph set in the body's type and leading starts on the next line of the grid:
the page's text block top, counted in the body's leading, as InDesign's "align to baseline
grid" and css-line-grid's `line-snap: baseline` set it. After a heading, a plate under a
chapter's title or an extract of another leading, the space before the next paragraph grows by
what its first line lacks to reach the grid (never shrinks). Plates carried to a page's head
are set above its running text once the page is made (page_floats.py): there the grid starts
under them, moved down by their height, so that the text, moved down by as much, stands on the
grid again. A page's notes and floats (laid out in its foot area) keep their own leading.

Upstream: none filed (WeasyPrint has no css-line-grid; a grid check for designers was proposed
in https://github.com/Kozea/WeasyPrint/pull/930). Written for WeasyPrint 70.0 (layout/block.py:
block_level_layout's arguments, the collapsing of adjoining margins).
"""

from __future__ import annotations

import math
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext, block
from weasyprint.layout.block import collapse_margin

# WeasyPrint's own until `apply`, then what the patches before this one made of it (note_layouts').
_block_level_layout = block.block_level_layout
# Less than this off the grid (in CSS px) is on it: sums of leadings round.
_ON_GRID = 0.01
# How many chapters' sections are being laid out, one inside the other (none, or one).
_chapters_under_way = [0]
# A table's cells keep the table's rows together, whatever their type.
_NOT_ON_THE_GRID = frozenset({"td", "th", "caption"})


def block_level_layout(
    context: LayoutContext,
    box: boxes.Box,
    bottom_space: float,
    skip_stack: dict[int, Any] | None,
    containing_block: boxes.Box,
    page_is_empty: bool = True,
    absolute_boxes: list[boxes.Box] | None = None,
    fixed_boxes: list[boxes.Box] | None = None,
    adjoining_margins: list[float] | None = None,
    *rest: Any,
) -> tuple[Any, ...]:
    """WeasyPrint's block_level_layout, a body paragraph's first line moved down to the grid."""
    leading = _body_leading(context, box, bottom_space, skip_stack)
    if leading is not None:
        adjoining_margins = _onto_grid(context, box, leading, list(adjoining_margins or ()))
    chapter = _is_a_chapter(box)
    _chapters_under_way[0] += chapter
    try:
        return _block_level_layout(
            context,
            box,
            bottom_space,
            skip_stack,
            containing_block,
            page_is_empty,
            absolute_boxes,
            fixed_boxes,
            adjoining_margins,
            *rest,
        )
    finally:
        _chapters_under_way[0] -= chapter


def _body_leading(
    context: LayoutContext, box: boxes.Box, bottom_space: float, skip_stack: dict[int, Any] | None
) -> float | None:
    """The grid's leading, if the box holds lines of a chapter's text in the body's type and
    leading (a paragraph, a list's item, a glossary's term, a section break; not a table's cell,
    a note or a float in the foot area, which is laid out with no bottom to reach), starting
    here or continued at the head of a page whose carried plates move it down."""
    if (
        not isinstance(box, boxes.BlockBox)
        or not box.children
        or not isinstance(box.children[0], boxes.LineBox)
    ):
        return None
    if box.element_tag in _NOT_ON_THE_GRID or not _chapters_under_way[0]:
        return None
    if skip_stack is not None and not getattr(context, "head_floats_height", 0.0):
        return None
    if bottom_space == -math.inf or getattr(box, "in_foot_area", False):
        return None
    page = context.current_footnote_area.page
    line_height = box.style["line_height"]
    if box.style["font_size"] != page.style["font_size"] or not isinstance(line_height, int | float):
        return None
    return float(line_height) * box.style["font_size"]


def _is_a_chapter(box: boxes.Box) -> bool:
    """A chapter's section (the contents, the title page and the back matter keep their own
    spacing). WeasyPrint's elements know no parent: the layout of a chapter is told as it runs."""
    element = box.element
    return (
        box.element_tag == "section"
        and "chapter" in ((element.get("class") or "") if element is not None else "").split()
    )


def _onto_grid(
    context: LayoutContext, box: boxes.BlockBox, leading: float, margins: list[float]
) -> list[float]:
    """The margins adjoining the paragraph's top, with one more that brings its first line onto
    the grid (collapsed margins: the largest positive one and the most negative one add)."""
    margin_top = 0.0 if box.margin_top == "auto" else box.margin_top
    collapsed = collapse_margin([*margins, margin_top])
    top = box.position_y + collapsed + box.border_top_width + box.padding_top
    page = context.current_footnote_area.page
    origin = page.content_box_y() - getattr(context, "head_floats_height", 0.0)
    off = (top - origin) % leading
    if off < _ON_GRID or leading - off < _ON_GRID:
        return margins
    most_negative = min((margin for margin in [*margins, margin_top] if margin < 0), default=0.0)
    return [*margins, collapsed + (leading - off) - most_negative]


def apply() -> None:
    global _block_level_layout
    _block_level_layout = block.block_level_layout
    block.block_level_layout = block_level_layout
