"""Plates and pull quotes as page floats, at the foot of their marker's page or the head of the next.

Replaces `LayoutContext.layout_footnote`, `report_footnote` and `unlayout_footnote` (each
WeasyPrint's own for a note, its own way for a plate) and `layout.page.make_page` (WeasyPrint's
page, between the plates it receives and those it holds back). WeasyPrint 70 has no page
floats. A floating plate is styled `float: footnote` with no call or marker: WeasyPrint then
takes it out of the running text and offers it to the page where its marker's line is set,
exactly as it does a note. Four changes make such a plate a page float rather than a note:

- it goes before the notes in the page's foot area (footnote_area.py);
- when it does not fit, it is held back for the next page (not "reported" like a note, which
  would push every later note of the page, and the lines calling them, along with it);
- the notes called from its caption travel with it, so that they stand on its page;
- once the page is made, the plate is lifted out of the note area: left at the foot of its
  marker's page, or moved to the head of the next page with the text moved down under it,
  and put back into the page's box tree after the block that holds its marker, so that the
  tagged PDF reads it in its section's order. The notes' rule then stands over the notes
  alone.

A plate too tall to share a page with a few lines of text is held back at once, and the page
that receives it is made with no running text, as WeasyPrint makes a blank page: the text
runs on, past the plate's own page, to the next.

A page that receives plates is no empty page to the running text (`layout.page`'s call of
`block_level_layout` for the page's root is told so): a block that does not fit beside them
(a chapter's last plate, a table) goes to the next page whole, rather than being set over the
plates' notes as on an empty page; where nothing of the text fits, the page holds its plates
alone, as WeasyPrint makes a page of floats broken over from the page before. The plates a
page receives stay on it whatever of its text is taken back.

Upstream: https://github.com/Kozea/WeasyPrint/issues/1098 (page floats, css-page-floats-3).
Written for WeasyPrint 70.0 (layout/__init__.py: the note methods and their lists of notes;
layout/page.py: make_page, its in-flow layout and context.page_maker).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext
from weasyprint.layout import page as page_layout

from amnesty_book.theme.page_geometry import TEXT_BESIDE_PLATES_EM

# The class the templates give a plate or pull quote that floats in the paged editions.
FLOAT_CLASS = "page-float"
# ... and one that waits for the head of the page after its marker's.
NEXT_PAGE_CLASS = "next-page"
# ... and one that takes that page to itself.
OWN_PAGE_CLASS = "own-page"

_layout_footnote = LayoutContext.layout_footnote
_unlayout_footnote = LayoutContext.unlayout_footnote
_report_footnote = LayoutContext.report_footnote
_make_page = page_layout.make_page
_block_level_layout = page_layout.block_level_layout


def is_page_float(box: boxes.Box) -> bool:
    return FLOAT_CLASS in _classes(box)


def _classes(box: boxes.Box) -> list[str]:
    return (box.element.get("class") or "").split() if box.element is not None else []


def _caption_notes(plate: boxes.Box) -> list[boxes.Box]:
    """The notes called from the plate's caption and credit."""
    return [call.footnote for call in plate.descendants() if call.footnote is not None]


def layout_footnote(self: LayoutContext, footnote: boxes.Box) -> bool:
    """Adds a note, or a plate with the notes of its caption, to the page's foot area."""
    if not is_page_float(footnote):
        return _layout_footnote(self, footnote)
    waits = {NEXT_PAGE_CLASS, OWN_PAGE_CLASS} & set(_classes(footnote))
    if waits and footnote not in self.carried_floats:
        self.footnotes.remove(footnote)
        self.held_back_floats.append(footnote)  # straight to the next page's head
        return False
    for note in _caption_notes(footnote):
        if note in self.footnotes:
            self.footnotes.remove(note)
            self.current_page_footnotes.append(note)
    overflow = _layout_footnote(self, footnote)
    if footnote in getattr(self, "carried_floats", ()):
        # Held back once already: it opens this page, whatever the room. A second plate
        # held back to the same page waits for the next unless it leaves three lines of text.
        area = self.current_footnote_area
        room = self.page_bottom - area.page.content_box_y()
        if footnote is not self.carried_floats[0] and room < TEXT_BESIDE_PLATES_EM * area.style["font_size"]:
            hold_back(self, footnote)
        return False
    return overflow


def report_footnote(self: LayoutContext, footnote: boxes.Box) -> None:
    """A note that does not fit goes to the next page; a plate is held back for it instead."""
    if is_page_float(footnote):
        hold_back(self, footnote)
    else:
        _report_footnote(self, footnote)


def foot_floats(context: LayoutContext) -> list[boxes.Box]:
    """The plates and pull quotes set at this page's foot by their markers (not those carried
    over to its head, which have waited a page already)."""
    carried = getattr(context, "carried_floats", ())
    return [box for box in context.current_page_footnotes if is_page_float(box) and box not in carried]


def hold_back(context: LayoutContext, plate: boxes.Box) -> bool:
    """Holds a plate or pull quote back for the next page's head; whether the foot area still
    overflows."""
    for box in (plate, *_caption_notes(plate)):
        if box in context.current_page_footnotes:
            context.current_page_footnotes.remove(box)
    for note in _caption_notes(plate):
        if note not in context.footnotes:
            context.footnotes.append(note)
    context.held_back_floats.append(plate)
    return bool(context._update_footnote_area())


def unlayout_footnote(self: LayoutContext, footnote: boxes.Box) -> None:
    """The block calling it was taken back: so is the plate, with the notes of its caption; but a
    plate the page received from the page before, whose marker stood there."""
    if footnote in getattr(self, "carried_floats", ()):
        return
    if is_page_float(footnote):
        held = self.held_back_floats
        if footnote in held:
            held.remove(footnote)
            if footnote not in self.footnotes:
                self.footnotes.append(footnote)
        for note in _caption_notes(footnote):
            _unlayout_footnote(self, note)
    _unlayout_footnote(self, footnote)


def make_page(
    context: LayoutContext,
    root_box: boxes.BlockBox,
    page_type: Any,
    resume_at: dict[int, Any] | None,
    page_number: int,
    page_state: Any,
) -> tuple[boxes.PageBox, dict[int, Any] | None, Any]:
    """WeasyPrint's page, its held-back plates laid out first, its plates lifted into place.

    The plates each page holds back are kept by the number of the page that receives them:
    WeasyPrint makes some pages again (for page references) while keeping others, and a page
    made again must receive what the page before it held back, whichever of them was made last.
    A plate that takes a page of its own gets the page alone, with no running text; the
    plates held back with it wait for the page after.
    """
    if not hasattr(context, "floats_by_page"):
        context.floats_by_page = {}
    carried, postponed = _own_page_split(context.floats_by_page.get(page_number, []))
    context.reported_footnotes = carried + [
        box for box in context.reported_footnotes if not is_page_float(box)
    ]
    context.carried_floats = carried
    context.head_floats_height = 0.0  # until the foot area lays them out (footnote_area.py)
    context.held_back_floats = []
    alone = bool(carried) and OWN_PAGE_CLASS in _classes(carried[0])
    flow = root_box.copy_with_children([]) if alone else root_box
    page, next_resume_at, next_page = _make_page(context, flow, page_type, resume_at, page_number, page_state)
    if alone:  # the running text starts the next page where it would have started this one
        next_resume_at, next_page = resume_at, context.page_maker[page_number - 1][1]
    held = postponed + context.held_back_floats
    context.floats_by_page[page_number + 1] = held
    # Between pages, held-back plates wait with the reported notes, so that WeasyPrint makes
    # a page for them even after the last line of the book.
    context.reported_footnotes = held + [box for box in context.reported_footnotes if box not in held]
    context.held_back_floats = []
    _lift_floats(page, {box.element for box in carried})
    _centre_a_float_page(page)
    return page, next_resume_at, next_page


def block_level_layout(
    context: LayoutContext,
    box: boxes.Box,
    bottom_space: float,
    skip_stack: dict[int, Any] | None,
    containing_block: Any,
    page_is_empty: bool = True,
    *rest: Any,
    **options: Any,
) -> tuple[Any, ...]:
    """`layout.page`'s block_level_layout: the page's root, on a page that receives plates,
    laid out as on a page that is not empty; where nothing of it fits, an empty root covering
    the page, the text resumed on the next (as WeasyPrint's make_page does for a page of
    floats broken over from the page before)."""
    arguments = (context, box, bottom_space, skip_stack, containing_block)
    if not (box.is_for_root_element and page_is_empty and getattr(context, "carried_floats", None)):
        return _block_level_layout(*arguments, page_is_empty, *rest, **options)
    laid_out = _block_level_layout(*arguments, False, *rest, **options)
    if laid_out[0] is not None:
        return laid_out
    root = descendant = parent = box.deepcopy()
    stack = skip_stack
    while stack and len(stack) == 1:
        ((skip, stack),) = stack.items()
        descendant, parent = descendant.children[skip], descendant
    parent.children = []
    parent.force_fragmentation = True
    empty = _block_level_layout(*arguments[:1], root, *arguments[2:], True, *rest, **options)
    return (empty[0], skip_stack, *empty[2:])


def _own_page_split(carried: list[boxes.Box]) -> tuple[list[boxes.Box], list[boxes.Box]]:
    """The plates a page receives, and those that wait for the page after it: a plate that
    takes a page of its own has it alone, and waits for it behind the plates before it."""
    alone = next((index for index, box in enumerate(carried) if OWN_PAGE_CLASS in _classes(box)), None)
    if alone is None:
        return carried, []
    end = max(alone, 1)
    return carried[:end], carried[end:]


def _lift_floats(page: boxes.PageBox, carried: set[object]) -> None:
    """Moves the page's plates out of its foot area: carried plates to the head of the page,
    the others left at its foot, each into the box tree by its marker."""
    root, area, _ = page.children
    plates = [box for box in area.children if is_page_float(box)]
    if not plates:
        return
    lifted = sum(plate.margin_height() for plate in plates)
    area.children = [box for box in area.children if not is_page_float(box)]
    area.position_y += lifted
    area.height -= lifted
    heading = [plate for plate in plates if plate.element in carried]
    if heading:
        drop = sum(plate.margin_height() for plate in heading)
        root.translate(dy=drop)
        top = root.position_y - drop + root.margin_top + root.border_top_width + root.padding_top
        for plate in heading:
            plate.translate(dy=top - plate.position_y)
            top += plate.margin_height()
    for plate in plates:
        _insert_by_marker(root, plate)


def _centre_a_float_page(page: boxes.PageBox) -> None:
    """A float page, as LaTeX makes one: a page holding plates (and pull quotes) and no running
    text (a plate too tall to share a page, a chapter's last plates) has them centred on the
    text block above its notes (their margins above the first and below the last aside)."""
    root, area, _ = page.children
    plates = [box for box in _blocks(root) if {"plate", FLOAT_CLASS} & set(_classes(box))]
    if not plates or _holds_text(root, plates):
        return
    ink_top = min(plate.position_y + plate.margin_top for plate in plates)
    ink_bottom = max(plate.position_y + plate.margin_height() - plate.margin_bottom for plate in plates)
    block_top = page.content_box_y()
    block_bottom = area.position_y if area.children else block_top + page.height
    shift = block_top + (block_bottom - block_top - (ink_bottom - ink_top)) / 2 - ink_top
    for plate in plates:
        plate.translate(dy=max(shift, 0))


def _holds_text(box: boxes.Box, plates: list[boxes.Box]) -> bool:
    """Whether a line of text or an image stands in the box, outside the plates."""
    if any(box is plate for plate in plates):
        return False
    if isinstance(box, boxes.ReplacedBox) or (isinstance(box, boxes.LineBox) and box.children):
        return True
    return any(_holds_text(child, plates) for child in getattr(box, "children", ()))


def _insert_by_marker(root: boxes.Box, plate: boxes.Box) -> None:
    """Puts the plate into the page's tree after the block holding its marker, or, for a
    plate carried over from the page before, first in its section's part of this page."""
    for parent, index in _marker_positions(root, plate.element):
        parent.children = [*parent.children[: index + 1], plate, *parent.children[index + 1 :]]
        return
    holder = next((box for box in _blocks(root) if _is_parent(box.element, plate.element)), None)
    holder = holder or next((box for box in _blocks(root) if box.element_tag == "body"), root)
    holder.children = [plate, *holder.children]


def _is_parent(element: object, child: object) -> bool:
    return element is not None and any(each is child for each in element)  # type: ignore[attr-defined]


def _marker_positions(box: boxes.Box, element: object) -> Iterator[tuple[boxes.Box, int]]:
    """(parent, index) of each child block of `box` whose lines hold the plate's call."""
    for index, child in enumerate(getattr(box, "children", ())):
        if isinstance(child, boxes.LineBox):
            continue
        if any(
            getattr(d, "footnote", None) is not None and d.footnote.element is element
            for d in _lines_of(child)
        ):
            yield box, index
        else:
            yield from _marker_positions(child, element)


def _lines_of(box: boxes.Box) -> Iterator[boxes.Box]:
    """The inline boxes of the block's own lines (not those of its child blocks)."""
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            yield from child.descendants()


def _blocks(box: boxes.Box) -> Iterator[boxes.Box]:
    yield box
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.BlockBox):
            yield from _blocks(child)


def apply() -> None:
    page_layout.block_level_layout = block_level_layout
    LayoutContext.layout_footnote = layout_footnote
    LayoutContext.report_footnote = report_footnote
    LayoutContext.unlayout_footnote = unlayout_footnote
    page_layout.make_page = make_page
