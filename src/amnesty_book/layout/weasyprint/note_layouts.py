"""Each note (or plate) in a page's foot area laid out once, not again for every note added.

WeasyPrint measures the foot area anew each time a note joins the page, laying out every
note already there: a page of n notes costs n(n+1)/2 note layouts, and the same again for
each note moved to the next page. A note's layout depends only on the note and on where it
stands (its position, the width, the margins it meets), so the layout of a note child of a
foot area is kept, keyed by exactly these, and given again as a copy: adding a note to a
page lays out that note alone. Hyphenation's count of hyphenated lines in a row starts
afresh in each note, so that a note's lines do not depend on the running text set before it
(nor the running text on the notes).

A note split over two pages (note_splits.py) is laid out here in its parts: its head paginated
at the room it may fill, as a page paginates a block (its paragraphs' first lines let stand
alone at its foot where the split asks it: linebox.py), and its tail resumed where the head
stopped. What each head's layout found is told to its fragment, and the foot area is given the
head as a whole box. Each note's count of lines, laid out whole, is kept for the splits.

Upstream: none filed. Written for WeasyPrint 70.0 (layout/block.py: block_level_layout's
arguments and results).
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext, block

from amnesty_book.layout.weasyprint import linebox, note_splits
from amnesty_book.layout.weasyprint.hyphenation import LADDER
from amnesty_book.support.last_used import LastUsed

_block_level_layout = block.block_level_layout

# The layouts kept, the least recently given dropped first: a page's foot area asks again for
# the layouts of its own notes and of the page before it (made again), not of pages long made.
# (Kept all, a chapter of 2,000 notes held 1,180 layouts per 500 notes to its end: 398 MB after
# its layout, 358 MB with these.)
_MOST_KEPT = 256


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
    first_letter_style: Any = None,
    first_line_style: Any = None,
    discard: bool = False,
    max_lines: int | None = None,
) -> tuple[Any, ...]:
    """WeasyPrint's block_level_layout, remembering the layouts of a foot area's children."""
    arguments = (
        context,
        box,
        bottom_space,
        skip_stack,
        containing_block,
        page_is_empty,
        absolute_boxes,
        fixed_boxes,
        adjoining_margins,
        first_letter_style,
        first_line_style,
        discard,
        max_lines,
    )
    if (
        not isinstance(containing_block, boxes.FootnoteAreaBox)
        or not isinstance(box, boxes.BlockBox)
        or skip_stack is not None
    ):
        return _block_level_layout(*arguments)
    part = note_splits.fragment(box)
    top = box.position_y  # where a head's room is measured from: the layout moves the box by its margins
    layouts: LastUsed[tuple[Any, ...]] = context.__dict__.setdefault("note_layouts", LastUsed(_MOST_KEPT))
    key = (
        box.element,
        box.element_tag,
        tuple(text.text for text in box.descendants() if isinstance(text, boxes.TextBox)),
        box.position_x,
        box.position_y,
        containing_block.width,
        bottom_space,
        page_is_empty,
        context.current_page > 1,
        context.forced_break,
        tuple(adjoining_margins or ()),
        discard,
        max_lines,
        None if part is None else (repr(part.resume_from), part.height, part.club_lines, part.widow_lines),
    )
    kept_layout = layouts.get(key)
    if kept_layout is None:
        run, LADDER.run = LADDER.run, 0
        try:
            # A head or a tail: resumed where the head stopped, paginated at its room. A part that
            # relaxes neither rule keeps those it is laid out under (pushing both off moves lines).
            alone = part is not None and (part.club_lines or part.widow_lines)
            with linebox.lines_alone_allowed(part.club_lines, part.widow_lines) if alone else nullcontext():
                result = _block_level_layout(*(arguments if part is None else _as_part(arguments, part)))
            if result[0] is None and part is not None and part.height is not None:
                part.record(None, None)  # no head fits: the note is not split
                return _block_level_layout(*arguments)
        finally:
            LADDER.run = run
        whole = result[1] is None or (part is not None and part.height is not None)
        if result[0] is None or not whole:  # not laid out whole, nor as a head: not kept
            return result
        # Kept as a copy, and given as a copy: the caller moves the boxes it is given.
        kept = result[0].deepcopy()
        # A list's outside markers are laid out with the page, not here: not kept.
        lines = [line for line in kept.descendants() if isinstance(line, boxes.LineBox)]
        if all(hasattr(line, "position_y") for line in lines):
            layouts.put(key, (kept, *result[1:]))
    else:
        kept_box, *kept_rest = kept_layout
        result = (kept_box.deepcopy(), *kept_rest)
    new_box, resume_at, next_page, next_margins, collapsing_through, max_lines = result
    if part is None:
        context.__dict__.setdefault("note_lines", {})[box.element] = len(note_splits.lines_of(new_box))
    elif part.height is not None:  # a head: the foot area takes it as a whole box
        part.record(new_box, resume_at, top)
        resume_at = None
    next_page = dict(next_page) if isinstance(next_page, dict) else next_page
    return new_box, resume_at, next_page, list(next_margins), collapsing_through, max_lines


def _as_part(arguments: tuple[Any, ...], part: note_splits.Fragment) -> tuple[Any, ...]:
    """The arguments of a note's layout, for one of its parts: a tail from where its head
    stopped; a head at most `part.height` tall from its top, with at least `orphans` lines
    (not on an empty page, where a block takes what it must)."""
    context, box, bottom_space, _, containing_block, page_is_empty, *rest = arguments
    if part.height is not None:
        bottom_space = context.page_bottom - (box.position_y + part.height)
        page_is_empty = False
    return (context, box, bottom_space, part.resume_from, containing_block, page_is_empty, *rest)


def apply() -> None:
    block.block_level_layout = block_level_layout
