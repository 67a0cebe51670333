"""A line's glyphs written into the page with one read of each of Pango's glyph arrays.

Replaces `weasyprint.draw.text.draw_first_line` for the lines of ordinary text: WeasyPrint
walks each glyph's C structure attribute by attribute through cffi, which was a tenth of a
long book's writing. Here each run's glyph array is read at once as integers, and the
operators written are WeasyPrint's own, byte for byte (the same arithmetic in the same
order). What a glyph is written as is kept with its font, by the glyph and its advance (a
book draws the same few hundred pairs a hundred thousand times), and the stream's font of each
Pango font is asked for once a page (WeasyPrint describes and hashes the font for every run).
A line with anything else — an ellipsis, an empty, missing or raised glyph, a colour,
bitmap or emoji font — is drawn by WeasyPrint's own function.

Upstream: none filed. Written for WeasyPrint 70.0 (draw/text.py: `draw_first_line`).
"""

from __future__ import annotations

from typing import Any

from weasyprint.draw import text
from weasyprint.text.ffi import FROM_UNITS, ffi, pango

_draw_first_line = text.draw_first_line

INT = ffi.sizeof("int")
# PangoGlyphInfo as integers: its glyph, then its geometry's width, x and y offsets.
STRIDE = ffi.sizeof("PangoGlyphInfo") // INT
_GEOMETRY = ffi.offsetof("PangoGlyphInfo", "geometry")
_GLYPH = ffi.offsetof("PangoGlyphInfo", "glyph") // INT
WIDTH, _X_OFFSET, _Y_OFFSET = (
    (_GEOMETRY + ffi.offsetof("PangoGlyphGeometry", field)) // INT
    for field in ("width", "x_offset", "y_offset")
)
# Glyphs from here on are empty or missing from the font (a flag): WeasyPrint draws them otherwise.
_SPECIAL_GLYPHS = min(pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG)
# Older Pango gives a font's size otherwise (https://gitlab.gnome.org/GNOME/pango/-/issues/530).
_SIZED_FONTS = pango.pango_version() >= 14802

# A run of the line: its glyph item, Pango font, the stream's font, its size, its glyph array.
_Run = tuple[Any, Any, Any, float, memoryview]


def draw_first_line(
    stream: Any, textbox: Any, text_overflow: str, block_ellipsis: Any, matrix: Any
) -> list[Any]:
    """WeasyPrint's `draw_first_line`: the text box's line drawn into `stream`."""
    drawn_otherwise = (
        text_overflow == "ellipsis"
        or block_ellipsis != "none"
        or not textbox.text.strip()
        or textbox.style["font_size"] < 1e-6
    )
    runs = None if drawn_otherwise else _runs(stream, textbox.pango_layout)
    if runs is None:
        return _draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix)
    stream.set_text_matrix(*matrix.values)
    utf8_text = textbox.pango_layout.text.encode()
    previous_pango_font = None
    parts: list[str] = []
    for glyph_item, pango_font, font, font_size, values in runs:
        if pango_font != previous_pango_font:
            previous_pango_font = pango_font
            if parts:
                stream.show_text("".join(parts))
            parts = []
            stream.set_font_size(font.hash, font_size)
        parts.append("<")
        if any(values[_X_OFFSET::STRIDE]):  # a glyph set off its place: each written as it comes
            for index in range(len(values) // STRIDE):
                parts.append(
                    _operands(stream, glyph_item, index, values, pango_font, font, font_size, utf8_text)
                )
        else:
            written = _written(font, font_size)
            glyphs = list(zip(values[_GLYPH::STRIDE], values[WIDTH::STRIDE], strict=True))
            operands = list(map(written.get, glyphs))
            for index in [index for index, found in enumerate(operands) if found is None]:
                glyph = glyphs[index]
                if glyph not in written:  # else written since, by the same glyph earlier in the run
                    written[glyph] = _operands(
                        stream, glyph_item, index, values, pango_font, font, font_size, utf8_text
                    )
                operands[index] = written[glyph]
            parts += operands
        if parts[-1].endswith("<"):  # an empty list of glyphs closes the run: it is dropped
            parts[-1] = parts[-1][:-1]
        else:
            parts.append(">")
    stream.show_text("".join(parts))
    return []


def _written(font: Any, font_size: float) -> dict[tuple[int, int], str]:
    """What each glyph of the font at this size is written as, by its id and advance, kept with
    the font: a book draws the same few hundred pairs a hundred thousand times. A pair is kept
    once the font has mapped its glyph to characters (its first drawing, `_operands`)."""
    kept: dict[float, dict[tuple[int, int], str]] = font.__dict__.setdefault("written_glyphs", {})
    return kept.setdefault(font_size, {})


def _operands(
    stream: Any,
    glyph_item: Any,
    index: int,
    values: memoryview,
    pango_font: Any,
    font: Any,
    font_size: float,
    utf8_text: bytes,
) -> str:
    """The operands of the run's glyph `index` in its string of glyphs and adjustments, as
    WeasyPrint writes them (the same arithmetic in the same order); the font told which
    characters the glyph stands for, and its advance in the font, the first time."""
    at = index * STRIDE
    glyph_id, width, x_offset = values[at + _GLYPH], values[at + WIDTH], values[at + _X_OFFSET]
    if glyph_id not in font.to_unicode:
        font.to_unicode[glyph_id] = _characters(glyph_item, index, utf8_text)
    operands = []
    offset = x_offset / font_size
    if offset:
        operands.append(f">{-offset}<")
    operands.append(f"{glyph_id:04x}")
    logical_width = font.widths.get(glyph_id)
    if logical_width is None:
        pango.pango_font_get_glyph_extents(pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
        logical_width = font.widths[glyph_id] = round(
            stream.logical_rect.width * 1000 * FROM_UNITS / font_size
        )
    kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
    if kerning:
        operands.append(f">{int(kerning)}<")
    return "".join(operands)


def _runs(stream: Any, layout: Any) -> list[_Run] | None:
    """The runs of the layout's first line; None if any needs WeasyPrint's own drawing."""
    if not _SIZED_FONTS:
        return None
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    first_line, _ = layout.get_first_line()
    runs = []
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        pango_font = glyph_item.item.analysis.font
        font, font_size = _font(stream, pango_font)
        if font.bitmap or font.svg or font.png or font.colr:
            return None
        glyph_string = glyph_item.glyphs
        size = glyph_string.num_glyphs * STRIDE * INT
        values = memoryview(ffi.buffer(glyph_string.glyphs, size)).cast("i")
        glyphs = values[_GLYPH::STRIDE]
        if glyphs and (min(glyphs) < 0 or max(glyphs) >= _SPECIAL_GLYPHS or any(values[_Y_OFFSET::STRIDE])):
            return None
        runs.append((glyph_item, pango_font, font, font_size, values))
    return runs


def _font(stream: Any, pango_font: Any) -> tuple[Any, float]:
    """The stream's font for the Pango font, and its size: asked of the stream once for each
    Pango font (it describes the font and hashes the description each time)."""
    fonts: dict[Any, tuple[Any, float]] = stream.__dict__.setdefault("fonts_by_pango_font", {})
    found = fonts.get(pango_font)
    if found is None:
        found = fonts[pango_font] = stream.add_font(pango_font)
    return found


def _characters(glyph_item: Any, index: int, utf8_text: bytes) -> str:
    """The characters a glyph stands for, as WeasyPrint maps them for the PDF's ToUnicode."""
    item, glyph_string = glyph_item.item, glyph_item.glyphs
    clusters, count = glyph_string.log_clusters, glyph_string.num_glyphs
    start = clusters[index]
    if item.analysis.level % 2:  # right to left
        end = item.length if index == 0 else clusters[index - 1]
    else:
        end = item.length if index == count - 1 else clusters[index + 1]
    return utf8_text[item.offset + start : item.offset + end].decode()


def apply() -> None:
    text.draw_first_line = draw_first_line
