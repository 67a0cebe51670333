"""The notes still to place kept in a list that finds no note for a box that calls none, at once.

Wraps `LayoutContext.__init__` to make `context.footnotes` (the book's notes not yet on a page)
a list whose `in` answers False for None without reading it. For each line it sets,
`block._linebox_layout` looks for the note of every box of the line among those notes
(`descendant.footnote in context.footnotes`), and a box that calls no note has None: each was
compared with every note still to place, 1.2 s of a long book's layout. The answers are the same:
no note is None. The list's `copy` gives the same kind of list, as WeasyPrint's layout copies it
for each pass over the pages.

Upstream: none filed. Written for WeasyPrint 70.0 (layout/__init__.py: LayoutContext.footnotes,
layout_document; layout/block.py: _linebox_layout).
"""

from __future__ import annotations

from typing import Any

from weasyprint.layout import LayoutContext

_init = LayoutContext.__init__


class Notes(list[Any]):
    """A list of notes, in which None is never looked for."""

    def __contains__(self, item: object) -> bool:
        return item is not None and list.__contains__(self, item)

    def copy(self) -> Notes:
        return Notes(self)


def init(self: LayoutContext, *arguments: Any, **keywords: Any) -> None:
    _init(self, *arguments, **keywords)
    self.footnotes = Notes(self.footnotes)


def apply() -> None:
    LayoutContext.__init__ = init
