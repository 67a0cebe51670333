"""A long text box's next line split from the few thousand characters after the last, not the whole rest.

WeasyPrint 70's `inline.split_text_box` sets each line of a text box from the box's whole text
encoded to UTF-8 anew, the line's start cut off, and the rest decoded again: three copies of all
the text still to set, for every line. A paragraph of one text box is set in a time that grows
as the square of its length: 1 MB of prose, about 14,000 lines, copied 14,000 times. Pango
needs no more than the line and the word after it (WeasyPrint's `split_first_line` itself lays
out only a short start of the text where it can), so a box longer than WINDOW characters is
offered the WINDOW characters after the line's start (more where its line could hold more), the
box's UTF-8 kept once. Where the line would end in the window's second half, or the window
would fit on one line, the line is split from the whole rest as WeasyPrint splits it: the
window is never what decides a break. The same lines, the same PDF bytes; a text's byte
offsets are turned into characters (`characters`) from the last offset asked, not from its
start.

Upstream: none filed. Written for WeasyPrint 70.0 (layout/inline.py: `split_text_box`,
`split_inline_level`'s call; text/line_break.py: `split_first_line`'s short text, the font
size times 4 a line's width).
"""

from __future__ import annotations

from typing import Any

from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext, inline

WINDOW = 4_000  # characters: about forty lines of a book's measure
# split_first_line's guess of the characters a line may hold (`ratio`): a window holds four such lines.
LINE_RATIO = 4

_split_text_box = inline.split_text_box


class _Encoded:
    """A long text's UTF-8, and where in it the last offset turned into characters stood."""

    __slots__ = ("byte", "char", "data", "text")

    def __init__(self, text: str) -> None:
        self.text = text  # kept, so that its id is not another text's
        self.data = text.encode()
        self.byte = self.char = 0


_encoded: dict[int, _Encoded] = {}
KEPT = 64  # long texts whose UTF-8 is kept; a layout meets more only in a book of many long texts


def _encoding(text: str) -> _Encoded:
    found = _encoded.get(id(text))
    if found is None or found.text is not text:
        if len(_encoded) >= KEPT:
            _encoded.clear()
        found = _encoded[id(text)] = _Encoded(text)
    return found


def characters(text: str, byte_offset: int) -> int:
    """The characters of `text` before its UTF-8 byte `byte_offset` (a character's first
    byte), counted from the offset asked last where that stands before it."""
    if len(text) <= WINDOW:
        return len(text.encode()[:byte_offset].decode(errors="ignore"))
    encoded = _encoding(text)
    if len(encoded.data) == len(text):  # one byte a character
        return byte_offset
    if byte_offset < encoded.byte:
        encoded.byte = encoded.char = 0
    encoded.char += len(encoded.data[encoded.byte : byte_offset].decode(errors="ignore"))
    encoded.byte = byte_offset
    return encoded.char


def split_text_box(
    context: LayoutContext,
    box: boxes.TextBox,
    available_width: float | None,
    skip: int,
    is_line_start: bool = True,
) -> tuple[Any, ...]:
    """WeasyPrint's `split_text_box`; a long box's line split from a window of its text."""
    text, font_size = box.text, box.style["font_size"]
    if len(text) <= WINDOW or not font_size or available_width is None or available_width == float("inf"):
        return _split_text_box(context, box, available_width, skip, is_line_start)
    size = max(WINDOW, 4 * int(available_width / font_size * LINE_RATIO))
    data = _encoding(text).data
    # The next `size` characters (at most four bytes each; a character cut at the end is left
    # out); where fewer are left, the rest, as WeasyPrint splits it.
    start = data[skip : skip + 4 * size].decode(errors="ignore")[:size]
    if len(start) < size:
        return _split_text_box(context, box, available_width, skip, is_line_start)
    new_box, resume_at, preserved_line_break = _split_text_box(
        context, box.copy_with_text(start), available_width, 0, is_line_start
    )
    if resume_at is None or resume_at > len(start.encode()) // 2:
        return _split_text_box(context, box, available_width, skip, is_line_start)
    return new_box, resume_at + skip, preserved_line_break


def apply() -> None:
    inline.split_text_box = split_text_box
