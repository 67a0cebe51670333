"""Every change the builder makes to WeasyPrint and the libraries under it: the table of patches."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from amnesty_book.layout.weasyprint.versions import require_pinned_versions, written_for


@dataclass(frozen=True)
class Patch:
    """One change to WeasyPrint or a library under it, made by the `apply()` of its module."""

    name: str
    module: str  # of this package
    replaces: str
    why: str
    upstream: str
    written_for: str

    def load(self) -> Callable[[], None]:
        """The patch's `apply`, its module imported: it keeps what it replaces as it finds it."""
        module = importlib.import_module(f"{__name__}.{self.module}")
        apply_patch: Callable[[], None] = module.apply
        return apply_patch


PATCHES: tuple[Patch, ...] = (
    Patch(
        "library loading",
        "library_loading",
        "ctypes.util.find_library, while weasyprint.text.ffi loads",
        "WeasyPrint's names for its C libraries that are no file each cost a search by ldconfig, gcc and "
        "ld: 0.15 s of every build",
        "none filed",
        f"{written_for('weasyprint')}, cffi 2.1.1",
    ),
    Patch(
        "foot area",
        "footnote_area",
        "LayoutContext._update_footnote_area",
        "a note that fits was taken as overflowing by ~1e-13 px and moved off its call's page; a foot "
        "area left empty kept its rule's room off the page; plates stand above the notes",
        "none filed (a like rounding trap: https://github.com/Kozea/WeasyPrint/issues/2100)",
        written_for("weasyprint"),
    ),
    Patch(
        "line boxes",
        "linebox",
        "block._linebox_layout and block.iter_line_boxes (wrapped)",
        "widows never move the page's notes off it (the page runs a line short); each line set is told "
        "to the hyphenation's ladder",
        "none filed (notes moved at an orphans break since https://github.com/Kozea/WeasyPrint/issues/2432)",
        written_for("weasyprint"),
    ),
    Patch(
        "notes to place",
        "note_lookup",
        "LayoutContext.__init__ (wrapped: context.footnotes)",
        "a line's boxes that call no note were each compared with every note still to place: 1.2 s of a "
        "long book's layout",
        "none filed",
        written_for("weasyprint"),
    ),
    Patch(
        "hyphenation",
        "hyphenation",
        "weasyprint.text.line_break.pyphen",
        "no name split (a word that begins with a capital), no third hyphenated line in a row",
        "none filed (names: https://github.com/w3c/csswg-drafts/issues/3927)",
        written_for("weasyprint", "pyphen"),
    ),
    Patch(
        "long texts",
        "long_texts",
        "inline.split_text_box",
        "each line of a text box was split from all the text still to set, encoded and decoded anew: "
        "a paragraph of 1 MB was copied 14,000 times",
        "none filed",
        written_for("weasyprint"),
    ),
    Patch(
        "computed styles",
        "computed_styles",
        "weasyprint.css.ComputedStyle.__missing__",
        "a property no rule sets (an element's padding, width, anchor: 150,000 of the article's) took "
        "the general path of var(), calc() and logical properties to its parent's or initial value",
        "none filed",
        written_for("weasyprint"),
    ),
    Patch(
        "pseudo-element styles",
        "pseudo_styles",
        "weasyprint.css.StyleFor.set_computed_styles and StyleFor.__call__",
        "a style was made for six pseudo-elements of every element, though only a list item's marker and "
        "a note's call and marker are asked for: most of a book's styles, each with its own declarations",
        "none filed",
        written_for("weasyprint"),
    ),
    Patch(
        "pango layouts",
        "pango_layouts",
        "weasyprint.text.line_break.Layout.setup",
        "each text shaped (every try at a line, every line drawn) made its style's Pango context, font "
        "description and features anew: a fifth of the cost of shaping a line",
        "none filed",
        written_for("weasyprint"),
    ),
    Patch(
        "total-fit lines",
        "total_fit",
        "inline.split_inline_box, inline.text_align, inline.split_first_line (wrapped), "
        "inline.split_text_box (wrapping long texts')",
        "a justified paragraph broken first-fit, line by line, sets loose lines (3.8 em spaces) where "
        "breaking the whole paragraph at once, as TeX does, sets none; the text box a planned line ends "
        "in is split from the line's text alone, not shaped three times over to find the known break",
        "none filed (https://www.w3.org/TR/css-text-4/#text-wrap-style leaves the algorithm to the engine)",
        written_for("weasyprint", "pyphen"),
    ),
    Patch(
        "structure tags",
        "structure_tags",
        "weasyprint.pdf.tags._build_box_tree (wrapped)",
        "an aria-hidden pull quote was read out twice from the PDF's structure tree; a Latin phrase "
        "was read out as English (no /Lang on its element); a table's header cells had no /Scope",
        "https://github.com/Kozea/WeasyPrint/issues/2550 (aria-hidden); none filed for /Lang nor /Scope",
        written_for("weasyprint"),
    ),
    Patch(
        "pages let go once painted",
        "painted_pages",
        "weasyprint.document.Page.paint and pydyf.PDF.add_page (wrapped), weasyprint.pdf.add_tags",
        "every page's boxes were held until the last page was painted, to build the structure tree: "
        "a tenth of the memory of writing a book of many notes",
        "none filed",
        written_for("weasyprint", "pydyf"),
    ),
    Patch(
        "page references",
        "page_references",
        "pydyf.PDF.page_references",
        "the tuple of every page's reference was built again for each tagged element: a second of a "
        "200-page book's writing",
        "none filed",
        written_for("pydyf"),
    ),
    Patch(
        "glyph runs",
        "glyph_runs",
        "weasyprint.draw.text.draw_first_line",
        "each glyph's C structure was read field by field through cffi: a tenth of a long book's writing",
        "none filed",
        written_for("weasyprint"),
    ),
    Patch(
        "word spaces",
        "word_spaces",
        "weasyprint.text.line_break.Layout.reactivate",
        "a justified line was shaped again as it was drawn with an attribute on each space, which made "
        "a run of each word: half of the writing of a 1 MB paragraph",
        "none filed",
        written_for("weasyprint"),
    ),
    Patch(
        "letter spacing",
        "letter_spacing",
        "weasyprint.draw.text.draw_first_line (wrapping glyph runs')",
        "a justified line no breaking sets tighter opened its word spaces past half an em (1 line in "
        "24 of the Polish handout): the white past the tolerance goes between its letters, 0.01 em a gap "
        "at most",
        "none filed (https://www.w3.org/TR/css-text-3/#justify-algos leaves it to the engine)",
        written_for("weasyprint"),
    ),
    Patch(
        "compression",
        "compression",
        "pydyf.Stream.data",
        "level 9 took an eighth of a long book's writing to make it 4% smaller than the default level",
        "none filed",
        written_for("pydyf"),
    ),
    Patch(
        "image resolution",
        "image_resolution",
        "RasterImage.draw and RasterImage.get_x_object (wrapped)",
        "a print file carried plates at 866-983 ppi (27 MB): its images are reduced to [press] max_ppi "
        "as it is written; WeasyPrint's own dpi option is the layout's, saves JPEGs at quality 75 and "
        "reduces an image again each time its document is written",
        "none filed",
        written_for("weasyprint"),
    ),
    Patch(
        "page floats",
        "page_floats",
        "LayoutContext.layout_footnote, report_footnote, unlayout_footnote; layout.page.make_page and "
        "its block_level_layout",
        "plates at the foot of their marker's page or the head of the next: WeasyPrint has no page floats",
        "https://github.com/Kozea/WeasyPrint/issues/1098",
        written_for("weasyprint"),
    ),
    Patch(
        "note splits",
        "note_splits",
        "LayoutContext.layout_footnote, unlayout_footnote, report_footnote; layout.page.make_page (each "
        "wrapping page floats')",
        "a note too long for the room under its call went whole to the next page with the calling line, "
        "leaving a hole as tall as itself: it is begun there and continued at the foot of the next page",
        "https://github.com/Kozea/WeasyPrint/issues/1833",
        written_for("weasyprint"),
    ),
    Patch(
        "short pages",
        "short_pages",
        "layout.page.make_page (wrapping note splits')",
        "a page whose last line the widows rule sent overleaf ran a line short, white above a plate at "
        "its foot: a paragraph on it is set a line longer instead, as lua-widow-control does for LaTeX; "
        "a page whose next line and note did not fit under its notes left their room white: its text "
        "may take half of the margin above the notes' rule, as TeX's \\skip\\footins shrinks",
        "none filed",
        written_for("weasyprint"),
    ),
    Patch(
        "page lookback",
        "page_lookback",
        "weasyprint.layout.make_all_pages (wrapping note splits')",
        "a page before a heading that calls a note, or a line whose notes cannot be split, was left up "
        "to a fifth white: the pages before it give up some of their room to it",
        "none filed",
        written_for("weasyprint"),
    ),
    Patch(
        "note layouts",
        "note_layouts",
        "block.block_level_layout (wrapped)",
        "every note of a page was laid out again for each note added to it: n(n+1)/2 layouts a page",
        "none filed",
        written_for("weasyprint"),
    ),
    Patch(
        "font folders",
        "font_folders",
        "text.fonts.mkdtemp",
        "each layout's copy of the fonts (3 MB) was left in the system's temporary folder by every "
        "worker process: 46 GB after 17,000 builds",
        "none filed",
        written_for("weasyprint"),
    ),
    Patch(
        "folios moved",
        "margin_boxes",
        "weasyprint.document.layout_document (wrapped: each page box keeps its layout context)",
        "a part of a book laid out before its first folio was known was laid out again for its folios "
        "alone: a first build of a long book laid a part out twice; its margin boxes are made again",
        "none filed",
        written_for("weasyprint"),
    ),
    Patch(
        "baseline grid",
        "baseline_grid",
        "block.block_level_layout (wrapping note layouts')",
        "body lines after a heading, a plate or an extract stood 1.8-2 mm off the page's grid: the lines "
        "of a leaf's two sides did not back up",
        "none filed (a grid check for designers: https://github.com/Kozea/WeasyPrint/pull/930)",
        written_for("weasyprint"),
    ),
)


@cache
def apply() -> None:
    """Checks the installed versions, then applies the table, once per process."""
    require_pinned_versions()
    # Every module is imported before any patch is applied: each keeps WeasyPrint's own functions.
    for apply_patch in [patch.load() for patch in PATCHES]:
        apply_patch()


def forget_layout() -> None:
    """What the last layout left in the patches' modules (its paragraphs' models and plans, the
    line boxes last read, how it made its pages) dropped, as a new layout would drop it."""
    start_layout({})


def start_layout(
    hyphenation_exceptions: Mapping[str, tuple[int, ...]], pages_made: Mapping[str, str] | None = None
) -> None:
    """A layout starts afresh, whatever the last one in this process ended with, with the
    book's hyphenation exceptions, and how the last layout of the same document made the pages
    that would run short (short_pages.py), if known."""
    from amnesty_book.layout.weasyprint import hyphenation, pango_layouts, short_pages, total_fit

    hyphenation.start_layout(dict(hyphenation_exceptions))
    pango_layouts.start_layout()
    total_fit.start_layout()
    short_pages.start_layout(pages_made or {})
