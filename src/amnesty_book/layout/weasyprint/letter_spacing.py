"""Loose justified lines: the white their word spaces cannot take within the tolerance goes between letters.

A justified line that no breaking of its paragraph sets tighter (a narrow measure, a word with
no hyphenation point) would open its word spaces past the plan's tolerance. A book typesetter
gives part of that white to the letters: InDesign's justification widens word spaces up to its
maximum, then letter spaces; pdfTeX's font expansion widens each glyph by up to 2 %. Here a
planned line's word spaces stretch as far as the tolerance lets them (the space and its stretch
at TeX's badness 200), what remains goes between the letters of each word, at most
LETTER_MOST of an em a gap, and only what is left after that widens the spaces again.

The shaping is untouched (Pango drops the ligatures of letter-spaced text): the white is added
to the glyphs' advances as the line is drawn, over the gaps between a word's glyphs, so the
line is as wide as the measure whatever ligatures its words hold.

Upstream: none filed (https://www.w3.org/TR/css-text-3/#justify-algos leaves letter spacing in
justification to the engine). Written for WeasyPrint 70.0 (layout/inline.py: `justify_line`,
`add_word_spacing`; draw/text.py: `draw_first_line`, as glyph_runs.py draws it).
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from weasyprint.draw import text
from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext, inline
from weasyprint.text.ffi import TO_UNITS, ffi, pango

from amnesty_book.layout import line_breaking
from amnesty_book.layout.weasyprint.total_fit import STRETCH

# A letter gap widens by at most this share of an em: about 2 % of an average letter's width,
# pdfTeX's default font expansion, and less than a reader sees as letter spacing.
LETTER_MOST = 0.01
_SPACES = " \u00a0"  # the spaces WeasyPrint widens to justify a line
SPACES_UTF8 = tuple(space.encode() for space in _SPACES)
# The most a word space stretches within the plan's tolerance, as a share of the space: the
# stretch at TeX's badness of 200 (badness = 100 r³), about 0.47 em in Charis.
LOOSEST_STRETCH = STRETCH * (line_breaking.Settings().tolerance / 100) ** (1 / 3)
# WeasyPrint's own until `apply`, then what the patches before this one made of them (glyph_runs').
_justify_line = inline.justify_line
_draw_first_line = text.draw_first_line


def justify_line(context: LayoutContext, line: boxes.LineBox, extra_width: float) -> None:
    """WeasyPrint's `justify_line`; a line planned by total_fit.py whose word spaces would stretch
    past the tolerance gives the rest of its white to its letters."""
    letters = _letters_share(line, extra_width)
    _justify_line(context, line, extra_width - letters)
    if letters:
        _widen(line, 0)


def _letters_share(line: boxes.LineBox, extra_width: float) -> float:
    """How much of `extra_width` the line's letters take; each text box's share is set on it."""
    spaces = inline.count_expandable_spaces(line)
    loosest = getattr(line, "space", 0.0) * LOOSEST_STRETCH  # 0 in a line not planned
    if not loosest or not spaces or extra_width <= spaces * loosest:
        return 0.0
    letter_gaps = [(box, _letter_gaps(box.text)) for box in _text_boxes(line)]
    gaps = sum(count for _, count in letter_gaps)
    if not gaps:
        return 0.0
    per_gap = min((extra_width - spaces * loosest) / gaps, LETTER_MOST * line.style["font_size"])
    for box, count in letter_gaps:
        box.letter_spread = per_gap * count
    return per_gap * gaps


def _text_boxes(box: boxes.Box) -> list[boxes.TextBox]:
    if isinstance(box, boxes.TextBox):
        return [box]
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        children = (child for child in box.children if child.is_in_normal_flow())
        return [text_box for child in children for text_box in _text_boxes(child)]
    return []


def _letter_gaps(characters: str) -> int:
    """How many places in `characters` stand between two letters of a word."""
    return sum(a not in _SPACES and b not in _SPACES for a, b in pairwise(characters))


def _widen(box: boxes.Box, shift: float) -> float:
    """Each text box of `box` widened by its letters' white and what follows moved by it, as
    WeasyPrint's `add_word_spacing` moves it by the word spaces' white; the shift after `box`."""
    if isinstance(box, boxes.TextBox):
        box.position_x += shift
        spread = getattr(box, "letter_spread", 0.0)
        box.width += spread
        return shift + spread
    if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += shift
        before = shift
        for child in box.children:
            if child.is_in_normal_flow():
                shift = _widen(child, shift)
        box.width += shift - before
        return shift
    box.translate(shift, 0)
    return shift


def draw_first_line(stream: Any, textbox: Any, *args: Any) -> list[Any]:
    """`draw_first_line`, a letter-spread text box's glyphs advanced by its white."""
    spread = getattr(textbox, "letter_spread", 0.0)
    if spread:
        _advance_glyphs(textbox.pango_layout, spread, textbox.style["font_size"])
    return _draw_first_line(stream, textbox, *args)


def _advance_glyphs(layout: Any, spread: float, font_size: float) -> None:
    """`spread` added to the advances of the layout's first line's glyphs that a letter of the
    same word follows, shared as evenly as it can be. WeasyPrint writes each glyph's advance
    in whole thousandths of an em, truncated: each glyph is given whole thousandths, and half
    of one more, which the truncation drops."""
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)  # as drawing sets it, before shaping
    first_line, _ = layout.get_first_line()
    utf8_text = layout.text.encode()
    glyphs: list[tuple[Any, bool]] = []  # each glyph's geometry, and whether it draws a space
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item, run = run.data, run.next
        offset, glyph_string = glyph_item.item.offset, glyph_item.glyphs
        for index in range(glyph_string.num_glyphs):
            start = offset + glyph_string.log_clusters[index]
            glyphs.append((glyph_string.glyphs[index].geometry, utf8_text.startswith(SPACES_UTF8, start)))
    widened = [glyph for (glyph, space), (_, next_space) in pairwise(glyphs) if not space and not next_space]
    thousandths = spread * 1000 / font_size
    unit = font_size * TO_UNITS / 1000  # a thousandth of an em, in Pango's units
    for number, geometry in enumerate(widened):
        share = round(thousandths * (number + 1) / len(widened)) - round(thousandths * number / len(widened))
        if share:
            geometry.width += round((share + 0.5) * unit)


def apply() -> None:
    global _justify_line, _draw_first_line
    _justify_line, _draw_first_line = inline.justify_line, text.draw_first_line
    inline.justify_line = justify_line
    text.draw_first_line = draw_first_line
