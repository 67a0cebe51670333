"""A laid-out document's folios moved without laying it out again.

A part of a book laid out in a worker (book_parts.py) is laid out before the folio of its
first page is known, on a first build: it learns the folio once the parts before it are laid
out. Only its margin boxes print the page counter (running heads and folios: print.css), so
its pages are the same under any first folio; the margin boxes alone are made again, from the
page states WeasyPrint kept, their page counter moved. That saves a second layout of the part.

Wraps `weasyprint.document.layout_document` to keep each page's layout context on its page box
(`context.page_maker` holds the counters each page's margin boxes were made from; its
`string_set`, the running heads).

Upstream: none filed. Written for WeasyPrint 70.0 (layout/__init__.py: layout_document makes
the margin boxes last, from `context.page_maker[page][3]`; layout/page.py: make_margin_boxes).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from weasyprint import document as weasyprint_document
from weasyprint.document import Document
from weasyprint.formatting_structure.boxes import MarginBox, PageBox
from weasyprint.layout.background import layout_box_backgrounds
from weasyprint.layout.page import make_margin_boxes

_layout_document = weasyprint_document.layout_document


def layout_document(html: Any, root_box: Any, context: Any, *arguments: Any) -> Iterator[PageBox]:
    for page in _layout_document(html, root_box, context, *arguments):
        page.layout_context = context
        yield page


def move_folios(document: Document, by: int) -> None:
    """Prints each page's folio `by` more than it was laid out with: its margin boxes made again."""
    for number, page in enumerate(document.pages, start=1):
        box = page._page_box  # Page exposes no public box tree
        context = box.layout_context
        state = copy.deepcopy(context.page_maker[number][3])
        counters = state[1]
        counters["page"] = [value + by for value in counters["page"]]
        context.current_page = number  # the page whose running heads the margin boxes take
        box.children = tuple(child for child in box.children if not isinstance(child, MarginBox))
        margins = list(make_margin_boxes(context, box, state))
        for margin in margins:
            layout_box_backgrounds(box, margin, context.get_image_from_uri)
        box.children = (*box.children, *margins)


def apply() -> None:
    weasyprint_document.layout_document = layout_document
