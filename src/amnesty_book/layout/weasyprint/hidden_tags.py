"""aria-hidden elements left out of the tagged PDF's structure tree, as WeasyPrint leaves out running heads.

Wraps `weasyprint.pdf.tags._build_box_tree`. WeasyPrint ignores aria-hidden, so a pull quote (a
sentence of the text set again, large, aria-hidden in the HTML) would be read out twice from the
PDF's structure tree. A hidden element's boxes are walked as WeasyPrint walks a page's margin
boxes: their marked content is mapped, as PDF/UA requires of all content, but not linked into
the tree.

Upstream: https://github.com/Kozea/WeasyPrint/issues/2550 (aria-hidden images still tagged).
Written for WeasyPrint 70.0 (pdf/tags.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pydyf
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import tags

_build_box_tree = tags._build_box_tree


def build_box_tree(
    box: boxes.Box,
    parent: pydyf.Dictionary,
    pdf: pydyf.PDF,
    page_number: int,
    nums: dict[int, Any],
    annotations: dict[Any, Any],
    tags_: dict[Any, Any],
) -> Iterator[Any]:
    """WeasyPrint's tree of the box's tags, with nothing of an aria-hidden element's in it."""
    element = getattr(box, "element", None)
    if element is not None and element.get("aria-hidden") == "true" and isinstance(box, boxes.ParentBox):
        for child in box.children:
            tuple(_build_box_tree(child, parent, pdf, page_number, nums, annotations, tags_))
        return
    yield from _build_box_tree(box, parent, pdf, page_number, nums, annotations, tags_)


def apply() -> None:
    tags._build_box_tree = build_box_tree
