"""Each text's Pango layout made from its style's context, font and features, found once a style.

WeasyPrint 70's `Layout.setup` makes, for every text it shapes (each try at a line, each line
again as it is drawn), a new Pango context, language, font description (its families joined,
its size, weight and style set one call at a time) and list of OpenType features, all from the
text's style: a fifth of the cost of shaping a line of body text, and the same for every line
of a paragraph. Here what `setup` finds is kept for each style (the style kept with it, so that
its id is not another's) and each layout is made from it: a new layout on the kept context,
the kept font description set on it, and a copy of the kept attributes (`set_text` adds its
spacing to the layout's own list). The same context and font description make the same
shaping: the PDFs come out byte for byte the same.

Upstream: none filed. Written for WeasyPrint 70.0 (text/line_break.py: `Layout.setup`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from weasyprint.text import line_break
from weasyprint.text.ffi import ffi, gobject, pango

ffi.cdef(
    "PangoContext * pango_layout_get_context (PangoLayout *layout);"
    "const PangoFontDescription * pango_layout_get_font_description (PangoLayout *layout);"
    "PangoFontDescription * pango_font_description_copy (const PangoFontDescription *desc);"
    "PangoAttrList * pango_attr_list_copy (PangoAttrList *list);"
    "gpointer g_object_ref (gpointer object);"
)

_setup = line_break.Layout.setup

# What `setup` sets on a layout besides its Pango layout and style, where the style has it.
_FOUND = (
    "first_line_direction",
    "language",
    "ascent",
    "underline_position",
    "strikethrough_position",
    "underline_thickness",
    "strikethrough_thickness",
)


@dataclass(frozen=True)
class _Found:
    """What setting a layout up found for one style."""

    style: Any
    context: Any
    font_description: Any
    attributes: Any  # the layout's list of attributes (its font features), or NULL
    values: dict[str, Any]


_found: dict[int, _Found] = {}


def setup(self: line_break.Layout, style: Any) -> None:
    """WeasyPrint's `Layout.setup`, from what it found for the same style before."""
    found = _found.get(id(style))
    if found is None or found.style is not style:
        _setup(self, style)
        _found[id(style)] = _found_in(self, style)
        return
    self.style = style
    for name, value in found.values.items():
        setattr(self, name, value)
    self.layout = ffi.gc(pango.pango_layout_new(found.context), gobject.g_object_unref)
    pango.pango_layout_set_auto_dir(self.layout, False)
    pango.pango_layout_set_font_description(self.layout, found.font_description)
    if found.attributes != ffi.NULL:
        attributes = pango.pango_attr_list_copy(found.attributes)
        pango.pango_layout_set_attributes(self.layout, attributes)
        pango.pango_attr_list_unref(attributes)  # the layout holds its own reference


def _found_in(layout: line_break.Layout, style: Any) -> _Found:
    """What `setup` made for the style, kept: its context and font description referenced,
    its attributes copied before any text adds to them."""
    context = ffi.gc(
        gobject.g_object_ref(pango.pango_layout_get_context(layout.layout)), gobject.g_object_unref
    )
    font_description = ffi.gc(
        pango.pango_font_description_copy(pango.pango_layout_get_font_description(layout.layout)),
        pango.pango_font_description_free,
    )
    attributes = pango.pango_layout_get_attributes(layout.layout)
    if attributes != ffi.NULL:
        attributes = ffi.gc(pango.pango_attr_list_copy(attributes), pango.pango_attr_list_unref)
    values = {name: getattr(layout, name) for name in _FOUND if hasattr(layout, name)}
    return _Found(style, context, font_description, attributes, values)


def start_layout() -> None:
    """A layout's styles are its own: those of the last one are let go."""
    _found.clear()


def apply() -> None:
    line_break.Layout.setup = setup
