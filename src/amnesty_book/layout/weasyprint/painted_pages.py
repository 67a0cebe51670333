"""A page's boxes let go as soon as it is painted, where its document is written once.

WeasyPrint 70 paints every page of a PDF into its content stream, then builds the tagged PDF's
structure tree from every page's boxes (`pdf.tags.add_tags`), so all the pages' boxes, and each
stream's map of its boxes to their marked content, are held until the last page is painted.
While `pages_let_go()` lasts, a page's part of the structure tree is built as soon as the page
is painted, as `add_tags` would build it, and the page gives up its boxes; `add_tags` then adds
what it adds after the pages (the annotations' entries, the catalog's flags). A page box and its
foot area refer to each other (`FootnoteAreaBox.page`), so that reference is cut too (and the
layout's last foot area's, which points to the last page made): the boxes
are freed at once, not at the collector's next full pass, and writing the later pages reuses
their memory. The structure tree holds the same elements; only the objects' numbers differ.

A document whose pages are let go cannot be written or measured again: only a build whose
other editions take no more than this one's PDF or page facts asks for it (engine.py).

Wraps `weasyprint.document.Page.paint` and `pydyf.PDF.add_page` (to know the PDF being
written), and replaces `weasyprint.pdf.add_tags` while pages are let go. Upstream: none filed.
Written for WeasyPrint 70.0 (pdf/__init__.py: generate_pdf adds each page, then paints it;
pdf/tags.py: add_tags) and pydyf 0.13.0.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pydyf
import weasyprint.pdf
from weasyprint.document import Page
from weasyprint.formatting_structure import boxes
from weasyprint.logger import LOGGER
from weasyprint.pdf import tags

_paint = Page.paint
_add_page = pydyf.PDF.add_page
_add_tags = weasyprint.pdf.add_tags


@dataclass
class _Tree:
    """The structure tree of the PDF being written, as `add_tags` begins it, and what its
    pages added to it."""

    pdf: pydyf.PDF
    content_mapping: pydyf.Dictionary
    root: pydyf.Dictionary
    document: pydyf.Dictionary
    annotations: list[Any] = field(default_factory=list)
    pages: int = 0


@dataclass
class _Writing:
    pdf: pydyf.PDF | None = None  # the PDF whose page was added last
    tree: _Tree | None = None  # its structure tree, once its first page is tagged


_writing: list[_Writing] = []  # while pages are let go, the PDF being written


@contextmanager
def pages_let_go() -> Iterator[None]:
    """While it lasts, each page written gives up its boxes once painted and tagged."""
    _writing.append(_Writing())
    try:
        yield
    finally:
        _writing.pop()


def add_page(self: pydyf.PDF, page: pydyf.Dictionary) -> None:
    if _writing and _writing[-1].pdf is not self:
        _writing[-1].pdf, _writing[-1].tree = self, None
    _add_page(self, page)


def paint(self: Page, stream: Any, scale: float = 1) -> None:
    """The page painted; then, where pages are let go, its structure elements built and its
    boxes given up."""
    _paint(self, stream, scale)
    if not _writing or _writing[-1].pdf is None:
        return
    writing = _writing[-1]
    if stream._tags is not None:
        if writing.tree is None:
            writing.tree = _begun(writing.pdf)
        _tag_page(writing.tree, self._page_box, stream._tags)
    _cut_from_its_foot_areas(self._page_box)
    self._page_box = None


def _cut_from_its_foot_areas(page_box: boxes.PageBox) -> None:
    """The references to the page box from its foot area, and from the layout's last foot area
    where the page was the last made (margin_boxes.py keeps the layout context on each page)."""
    context = getattr(page_box, "layout_context", None)
    areas = [child for child in page_box.children if isinstance(child, boxes.FootnoteAreaBox)]
    areas.append(getattr(context, "current_footnote_area", None))
    for area in areas:
        if area is not None and area.page is page_box:
            area.page = None


def _begun(pdf: pydyf.PDF) -> _Tree:
    """The structure tree's root objects, as `add_tags` makes them first."""
    content_mapping = pydyf.Dictionary({})
    pdf.add_object(content_mapping)
    root = pydyf.Dictionary({"Type": "/StructTreeRoot", "ParentTree": content_mapping.reference})
    pdf.add_object(root)
    document = pydyf.Dictionary(
        {"Type": "/StructElem", "S": "/Document", "K": pydyf.Array(), "P": root.reference}
    )
    pdf.add_object(document)
    root["K"] = pydyf.Array([document.reference])
    pdf.catalog["StructTreeRoot"] = root.reference
    content_mapping["Nums"] = pydyf.Array()
    return _Tree(pdf, content_mapping, root, document)


def _tag_page(tree: _Tree, page_box: boxes.PageBox, marked: dict[Any, Any]) -> None:
    """The page's structure elements, as `add_tags` builds each page's in its loop."""
    page_number = tree.pages
    tree.pages += 1
    tree.content_mapping["Nums"].append(page_number)
    tree.content_mapping["Nums"].append(pydyf.Array())
    page_nums: dict[int, Any] = {}
    elements = tags._build_box_tree(
        page_box, tree.document, tree.pdf, page_number, page_nums, tree.annotations, marked
    )
    for element in elements:
        tree.document["K"].append(element.reference)
    assert not marked, "a marked content of the page has no structure element"
    tree.content_mapping["Nums"][-1].extend(reference for _, reference in sorted(page_nums.items()))


def add_tags(pdf: pydyf.PDF, document: Any, pdf_version: Any, page_streams: list[Any]) -> None:
    """WeasyPrint's `add_tags`, or, for a PDF whose pages were tagged as they were painted,
    what it adds after its loop over the pages."""
    tree = _writing[-1].tree if _writing and _writing[-1].pdf is pdf else None
    if tree is None:
        _add_tags(pdf, document, pdf_version, page_streams)
        return
    if str(pdf_version) >= "2.0":  # as add_tags names PDF 2.0's namespace
        namespace = pydyf.Dictionary({"Type": "/Namespace", "NS": pydyf.String("http://iso.org/pdf2/ssn")})
        pdf.add_object(namespace)
        tree.root["Namespaces"] = pydyf.Array([namespace.reference])
        tree.document["NS"] = namespace.reference
    for number, (reference, annotation) in enumerate(tree.annotations, start=tree.pages):
        tree.content_mapping["Nums"].append(number)
        tree.content_mapping["Nums"].append(reference)
        annotation["StructParent"] = number
    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
    pdf.catalog["MarkInfo"] = pydyf.Dictionary({"Marked": "true"})
    if "Lang" not in pdf.catalog:
        LOGGER.error('Missing required "lang" attribute at the root of the document')
        pdf.catalog["Lang"] = pydyf.String()


def apply() -> None:
    Page.paint = paint
    pydyf.PDF.add_page = add_page
    weasyprint.pdf.add_tags = add_tags
