"""PDF readers only the tests need: running text by type size, the text the tags expose, the
laid-out lines and images of each page, and where each named destination stands.

Everything else is read back with amnesty_book.checks.readback, which `amnesty-book check` uses too.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTComponent, LTContainer, LTFigure, LTImage, LTTextContainer, LTTextLine
from pypdf import PageObject, PdfReader


def pypdf_pages(path: Path) -> list[str]:
    """Each page's text as pypdf reads it: a second reader, beside the PDFium one `check` uses."""
    return [page.extract_text() for page in PdfReader(path).pages]


@dataclass
class LaidOutPage:
    """A page as pdfminer lays it out: its images, and its text lines with their type size."""

    images: list[LTImage]
    lines: list[tuple[LTTextLine, float]]


def pdf_layout(path: Path) -> list[LaidOutPage]:
    """Each page's images and text lines, positions in points from its lower left corner."""
    pages = []
    for page in extract_pages(path):
        laid_out = LaidOutPage([], [])
        for item in page:
            _collect(item, laid_out)
        pages.append(laid_out)
    return pages


def _collect(item: object, page: LaidOutPage) -> None:
    if isinstance(item, LTImage):
        page.images.append(item)
    elif isinstance(item, LTTextLine):
        sizes = [char.size for char in item if isinstance(char, LTChar)]
        if sizes:
            page.lines.append((item, statistics.median(sizes)))
    elif isinstance(item, LTTextContainer | LTFigure):
        for child in item:
            _collect(child, page)


def pdf_running_text(path: Path, smallest: float = 10.0) -> str:
    """The PDF's text set at `smallest` points or more: the running text without running heads,
    folios, note calls, footnotes or captions, so that a sentence reads on across a page break."""
    pieces: list[str] = []

    def keep(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if size * tm[3] * cm[3] >= smallest:
            pieces.append(text)

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=keep)
    return "".join(pieces)


def pdf_tagged_text(path: Path) -> str:
    """The text an assistive technology reads: only content the structure tree refers to."""
    reader = PdfReader(path)
    page_of = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    tagged: set[tuple[int, int]] = set()

    def walk(node: object, page: int | None) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, int):
            if page is not None:
                tagged.add((page, node))
            return
        if isinstance(node, list):
            for child in node:
                walk(child, page)
            return
        if not hasattr(node, "get"):
            return
        if "/Pg" in node:
            page = page_of[node.raw_get("/Pg").idnum]
        if "/MCID" in node:
            tagged.add((page, int(node["/MCID"])))  # type: ignore[arg-type]
        if "/K" in node:
            walk(node["/K"], page)

    walk(reader.trailer["/Root"]["/StructTreeRoot"], None)
    return "".join(_tagged_page_text(page, index, tagged) for index, page in enumerate(reader.pages))


def _tagged_page_text(page: PageObject, index: int, tagged: set[tuple[int, int]]) -> str:
    """The page's text inside marked content whose MCID the structure tree refers to."""
    pieces: list[str] = []
    stack: list[int | None] = []

    def operator(op: bytes, args: list, cm: object, tm: object) -> None:  # type: ignore[type-arg]
        if op == b"BDC":
            properties = args[1] if len(args) > 1 and hasattr(args[1], "get") else {}
            stack.append(properties.get("/MCID"))
        elif op == b"BMC":
            stack.append(None)
        elif op == b"EMC" and stack:
            stack.pop()

    def text(content: str, cm: object, tm: object, font: object, size: float) -> None:
        mcid = next((m for m in reversed(stack) if m is not None), None)
        if mcid is not None and (index, int(mcid)) in tagged:
            pieces.append(content)

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return "".join(pieces)


def walk(container: LTContainer) -> Iterator[LTComponent]:
    """Every element pdfminer found in `container`, those inside figures (form XObjects) too."""
    for element in container:
        yield element
        if isinstance(element, LTContainer):
            yield from walk(element)
