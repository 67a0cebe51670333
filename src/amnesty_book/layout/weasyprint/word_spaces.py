"""A justified line's word spaces widened in its glyphs' advances as it is drawn, not by attributes.

WeasyPrint 70 justifies a line when it draws it: `Layout.reactivate` sets the line's text again
with a Pango letter-spacing attribute on each of its spaces (and no-break spaces), doubled on
the text's first and last character, where Pango gives half. Each attribute ends a Pango item,
so a line of ten words is shaped as ten runs and drawn as ten, each space's half of the
spacing set on the next word's first glyph as an offset that glyph_runs.py writes glyph by
glyph: half of the writing of a long justified paragraph. Here the line is shaped as it was measured, without
attributes (one run), and each space glyph's advance is widened by the spacing: every glyph
after it stands where Pango's spacing put it, within WeasyPrint's rounding of each advance to
a thousandth of an em. A text with its own word or letter spacing (its attributes split its
runs anyway) is left to WeasyPrint; one breakable anywhere keeps the attribute that says so,
which spans the whole text.

Upstream: none filed. Written for WeasyPrint 70.0 (text/line_break.py: `Layout.reactivate`,
`Layout.set_text`).
"""

from __future__ import annotations

from typing import Any

from weasyprint.text import line_break
from weasyprint.text.ffi import TO_UNITS, ffi, pango

from amnesty_book.layout.weasyprint.glyph_runs import INT, STRIDE, WIDTH
from amnesty_book.layout.weasyprint.letter_spacing import SPACES_UTF8

_reactivate = line_break.Layout.reactivate


def reactivate(self: Any, style: Any) -> None:
    """WeasyPrint's `reactivate`, as a text is drawn; a justified text without spacing of its own
    shaped as it was measured, and its spaces' advances widened by the justification."""
    spacing = getattr(self, "justification_spacing", 0)
    if not spacing or not _spaced_by_advances(style, self.text):
        _reactivate(self, style)
        return
    self.setup(style)
    self.set_text(self.text)
    pango.pango_layout_set_single_paragraph_mode(self.layout, True)  # as drawing sets it, before shaping
    _widen_spaces(self, int(spacing * TO_UNITS))


def _spaced_by_advances(style: Any, text: str) -> bool:
    """Whether `set_text` would set the text's spacing by no attribute but the justification's."""
    return (
        text.strip(" ") != ""  # a lone space, which WeasyPrint pads with a zero-width one
        and not style["word_spacing"]
        and style["letter_spacing"] in ("normal", 0)
    )


def _widen_spaces(layout: Any, spacing: int) -> None:
    """`spacing` (Pango units) added to the advance of each space glyph of the layout's first line."""
    utf8_text = layout.text.encode()
    first_line, _ = layout.get_first_line()
    run = first_line.runs[0] if first_line.runs != ffi.NULL else ffi.NULL
    while run != ffi.NULL:
        glyph_item, run = run.data, run.next
        offset, glyph_string = glyph_item.item.offset, glyph_item.glyphs
        count = glyph_string.num_glyphs
        clusters = memoryview(ffi.buffer(glyph_string.log_clusters, count * INT)).cast("i")
        values = memoryview(ffi.buffer(glyph_string.glyphs, count * STRIDE * INT)).cast("i")
        for index, cluster in enumerate(clusters):
            if utf8_text.startswith(SPACES_UTF8, offset + cluster):
                values[index * STRIDE + WIDTH] += spacing


def apply() -> None:
    global _reactivate
    _reactivate = line_break.Layout.reactivate
    line_break.Layout.reactivate = reactivate
