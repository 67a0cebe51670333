"""Fixes to WeasyPrint 70.0, applied before the PDF is laid out.

Footnotes: WeasyPrint compares the bottom of the footnote area with the bottom of its last note
exactly, and the two can differ by ~1e-13 px: a note that fits is then taken as
overflowing and moved to the next page, away from its call (one late note pushes every
later one). The replacement is WeasyPrint's own method with the comparison made through
`LayoutContext.overflows`, which has the tolerance that page overflow checks already use.

Tags: WeasyPrint ignores aria-hidden, so a pull quote would be read out twice from the
PDF's structure tree. Hidden elements are left out of the tree the way WeasyPrint already
leaves out running heads and folios (their marked content mapped, not linked).

Widows: to keep a paragraph's last lines together, WeasyPrint moves the page's notes to the
next page, away from their calls. A book makes the page a line short instead, which
WeasyPrint also knows how to do: the step that moves the notes is switched off, by a
one-line change to its source, checked to apply.

Hyphens: WeasyPrint hyphenates every word its dictionary knows, on every line; a book does
not split a proper name (Bri-tain, Sikor-ski) and sets no more than two hyphenated lines in a
row. Words that begin with a capital are left whole, and after two hyphenated lines the next
is not hyphenated (each line WeasyPrint sets is counted by a one-line change to its source).

Page references: pydyf builds the tuple of every page's reference each time one is asked
for, and the tags ask once for each element: a 200-page book spent a second of its PDF's
writing on it. The tuple is kept until a page is added.

Compression: pydyf deflates every stream at zlib's level 9, which spent an eighth of the
time of writing a long book's PDF to make it 4% smaller than the default level 6 does: the
default level is used.

Plates: page floats, in page_floats.py. Notes: each laid out once, in note_layouts.py.

Pinned to the version it copies.
"""

from __future__ import annotations

from functools import cache
from math import inf
from types import SimpleNamespace

import pydyf
import pyphen
import weasyprint
from weasyprint.formatting_structure import boxes, build
from weasyprint.layout import LayoutContext, block
from weasyprint.layout.block import block_level_layout
from weasyprint.pdf import tags
from weasyprint.text import line_break

from amnesty_book.layout.weasyprint import note_layouts, page_floats
from amnesty_book.layout.weasyprint.page_floats import is_page_float
from amnesty_book.layout.weasyprint.source_changes import changed

PATCHED_VERSION = "70.0"


def _update_footnote_area(self: LayoutContext) -> bool:
    if self.current_footnote_area.height != "auto" and not self.in_column:
        self.page_bottom += self.current_footnote_area.margin_height()
    # Plates floated to the page's foot stand above its notes (see page_floats).
    self.current_footnote_area.children = sorted(
        self.current_page_footnotes, key=lambda box: not is_page_float(box)
    )
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


# One-line changes to WeasyPrint's _linebox_layout: (what it says, what it says instead).
_LINEBOX_CHANGES = (
    # Widows: never move notes off their page; the page runs a line short instead.
    (
        "report = not context.in_column and can_break_now and not could_break_before",
        "report = False",
    ),
    # Hyphens: each line set is told to the hyphenation, which counts the ladder.
    (
        "        new_children.append(line)\n        position_y = new_position_y\n",
        "        new_children.append(line)\n        _HYPHENS.line_set(line)\n"
        "        position_y = new_position_y\n",
    ),
    # Speed: each box of a line that calls no note was looked for among the book's notes
    # still to place (a list): 1.2 s of a long book's layout.
    (
        "if descendant.footnote in context.footnotes)",
        "if descendant.footnote is not None and descendant.footnote in context.footnotes)",
    ),
)


class _Hyphenation:
    """What a book allows of hyphens: none in a name, and no more than two hyphenated line
    ends in a row (the line set next is not hyphenated)."""

    LADDER = 2

    def __init__(self) -> None:
        self.run = 0  # hyphenated line ends in a row, up to the line last set

    def line_set(self, line: boxes.LineBox) -> None:
        texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox)]
        last = texts[-1] if texts else None
        ends = last is not None and last.text.endswith(last.style["hyphenate_character"])
        self.run = self.run + 1 if ends else 0

    def allows(self, word: str) -> bool:
        return not word[:1].isupper() and self.run < self.LADDER


_HYPHENS = _Hyphenation()


class _PyphenAsABookDoes(pyphen.Pyphen):
    def iterate(self, word: str):  # type: ignore[no-untyped-def]
        return super().iterate(word) if _HYPHENS.allows(word) else iter(())


def _page_references(self: pydyf.PDF) -> tuple[bytes, ...]:
    kids = self.pages["Kids"]  # three items a page: number, 0, R
    kept = self.__dict__.get("_page_references")
    if kept is None or kept[0] != len(kids):
        kept = len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        self.__dict__["_page_references"] = kept
    return kept[1]


_build_box_tree = tags._build_box_tree


def _build_box_tree_without_hidden(box, parent, pdf, page_number, nums, annotations, tags_):  # type: ignore[no-untyped-def]
    element = getattr(box, "element", None)
    if element is not None and element.get("aria-hidden") == "true" and isinstance(box, boxes.ParentBox):
        for child in box.children:
            tuple(_build_box_tree(child, parent, pdf, page_number, nums, annotations, tags_))
        return
    yield from _build_box_tree(box, parent, pdf, page_number, nums, annotations, tags_)


def start_layout() -> None:
    """A layout starts with no hyphenated line before it, whatever the last one in this
    process ended with: the same book is laid out alike in any process."""
    _HYPHENS.run = 0


# One-line change to pydyf's Stream.data: (what it says, what it says instead).
_COMPRESSION = (("zlib.compressobj(level=9)", "zlib.compressobj()"),)


@cache
def apply() -> None:
    """Applies the fixes, once per process."""
    if weasyprint.__version__ != PATCHED_VERSION:
        raise RuntimeError(
            f"weasyprint_fixes copies WeasyPrint {PATCHED_VERSION}; review it for {weasyprint.__version__}"
        )
    LayoutContext._update_footnote_area = _update_footnote_area
    block._linebox_layout = changed(block._linebox_layout, _LINEBOX_CHANGES, _HYPHENS=_HYPHENS)
    line_break.pyphen = SimpleNamespace(Pyphen=_PyphenAsABookDoes, language_fallback=pyphen.language_fallback)
    tags._build_box_tree = _build_box_tree_without_hidden
    pydyf.PDF.page_references = property(_page_references)
    pydyf.Stream.data = changed(pydyf.Stream.data.fget, _COMPRESSION)  # with its @property
    page_floats.apply()
    note_layouts.apply(_HYPHENS)
