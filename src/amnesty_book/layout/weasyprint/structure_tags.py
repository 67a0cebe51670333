"""The tagged PDF's structure tree as a reader's software needs it: nothing aria-hidden, each
language named, each table header cell's scope.

Wraps `weasyprint.pdf.tags._build_box_tree`. WeasyPrint ignores aria-hidden, so a pull quote (a
sentence of the text set again, large, aria-hidden in the HTML) would be read out twice from the
PDF's structure tree. A hidden element's boxes are walked as WeasyPrint walks a page's margin
boxes: their marked content is mapped, as PDF/UA requires of all content, but not linked into
the tree.

WeasyPrint names the document's language (/Lang in the catalog) but not an element's own: a
Latin phrase in English text (`<span lang="la">`) would be read out with English rules. The
structure element of an element with a `lang` attribute is given it as /Lang (PDF 1.7,
14.9.2; PDF/UA-1 7.2).

WeasyPrint gives a header cell (TH) no /Scope, which PDF/UA-1 asks of every one (7.5; veraPDF's
UA-15-003): a screen reader cannot tell whether it heads a column or a row. A TH is given the
one its `scope` attribute names, and otherwise Column in the table's head (thead) and Row in
its body or foot.

Upstream: https://github.com/Kozea/WeasyPrint/issues/2550 (aria-hidden images still tagged);
none filed for /Lang nor /Scope. Written for WeasyPrint 70.0 (pdf/tags.py: `_build_box_tree` yields the
box's own structure element last, or its children's for html, body and page boxes; a table
cell's element is kept as the cell box's `mark`).
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
    """WeasyPrint's tree of the box's tags, with nothing of an aria-hidden element's in it, and
    the language of an element that names its own."""
    element = getattr(box, "element", None)
    if element is not None and element.get("aria-hidden") == "true" and isinstance(box, boxes.ParentBox):
        for child in box.children:
            tuple(_build_box_tree(child, parent, pdf, page_number, nums, annotations, tags_))
        return
    built = list(_build_box_tree(box, parent, pdf, page_number, nums, annotations, tags_))
    page_or_root = isinstance(box, boxes.PageBox) or box.element_tag in ("html", "body")
    language = element.get("lang") if element is not None and not page_or_root else None
    if language and built:
        built[-1]["Lang"] = pydyf.String(language)
    if isinstance(box, boxes.TableRowGroupBox):
        _scope_headers(box)
    yield from built


# A header cell's `scope` attribute -> its /Scope (HTML's col and colgroup head columns).
_SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column"}


def _scope_headers(group: boxes.TableRowGroupBox) -> None:
    """The /Scope of each header cell of the row group's rows, in its table attributes."""
    default = "/Column" if group.element_tag == "thead" else "/Row"
    for row in group.children:
        for cell in row.children:
            element = getattr(cell, "mark", None)  # WeasyPrint's TH or TD element of the cell
            if element is not None and element["S"] == "/TH":
                element["A"]["Scope"] = _SCOPES.get(cell.element.get("scope", ""), default)


def apply() -> None:
    tags._build_box_tree = build_box_tree
