"""Where each page of a paged edition begins, as the anchor of the first block on it.

The EPUB carries these as its print page numbers, so that a class reading the printed
handout and one reading the EPUB can find "page 4" alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pydyf
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes

from amnesty_book.model import Book

# Page names the stylesheet gives the front matter, numbered in roman figures, and a blank page
# a part opens with (print.css).
_FRONT_PAGES = {"front"}
_BLANK_PAGES = {"blank"}


def anchors_in_reading_order(book: Book) -> list[str]:
    """Every anchor a page may begin at: the parts of the book and each block of the text."""
    anchors = ["title-page", "imprint", "contents"]
    for chapter in book.chapters:
        anchors.append(chapter.title.anchor)
        anchors += (block.anchor for block in chapter.blocks)
    for part in book.back_matter:
        anchors.append(part)
        anchors += (entry.anchor for entry in book.appendix(part))
        if part == "bibliography":
            anchors += (entry.anchor for entry in book.bibliography)
    return anchors


@dataclass(frozen=True)
class PageFacts:
    """What the rest of the build needs of a laid-out page: the anchors on it, in order,
    whether it belongs to the front matter (numbered in roman figures), and whether it is a
    blank page left before a part that opens on the right (its folio counted, not printed: it
    belongs to the matter of the page before it), whether its foot opens with the tail of a
    note begun on the page before (weasyprint/note_splits.py), and whether it gave up room to
    fill a later page (weasyprint/page_lookback.py)."""

    anchors: tuple[str, ...]
    front: bool
    blank: bool = False
    note_tail: bool = False
    gave_room: bool = False


def page_facts(document: Document) -> list[PageFacts]:
    facts = []
    for page in document.pages:
        page_type = page._page_box.page_type  # Page exposes no public page type
        facts.append(
            PageFacts(
                tuple(page.anchors),
                page_type.name in _FRONT_PAGES,  # the names the print stylesheet gives
                page_type.blank or page_type.name in _BLANK_PAGES,
                _opens_with_note_tail(page._page_box),
                getattr(page._page_box, "gave_room", False),
            )
        )
    return facts


def _opens_with_note_tail(page: boxes.PageBox) -> bool:
    """Whether the page's foot area opens with a note's tail: the one note box there with no
    anchor (note_splits.py takes it from the tail, which the note's head keeps)."""
    area = next((child for child in page.children if isinstance(child, boxes.FootnoteAreaBox)), None)
    return bool(area and area.children and area.children[0].style["anchor"] is None)


def in_front_matter(pages: Sequence[PageFacts]) -> list[bool]:
    """Whether each page is numbered with the front matter: a blank page as the page before it."""
    front: list[bool] = []
    for page in pages:
        front.append(front[-1] if page.blank and front else page.front)
    return front


def page_starts(book: Book, pages: Sequence[PageFacts]) -> dict[str, list[str]]:
    """Anchor -> the folios of the pages that begin there.

    A page's folio goes to the first block that starts on it. A page that holds only the
    end of a block started earlier has no block of its own: its folio goes with the next
    page's, before the next block, the nearest paragraph boundary after where it begins.
    """
    order = anchors_in_reading_order(book)
    first_page = anchor_pages(pages)
    starts: dict[str, list[str]] = {}
    waiting: list[str] = []
    position = 0
    for number, folio in enumerate(folios(pages), start=1):
        waiting.append(folio)
        while position < len(order) and first_page.get(order[position], -1) < number:
            position += 1
        if position < len(order) and first_page.get(order[position]) == number:
            starts.setdefault(order[position], []).extend(waiting)
            waiting = []
    if waiting:  # pages after the last block: with the last block
        starts.setdefault(order[-1], []).extend(waiting)
    return starts


def anchor_pages(pages: Sequence[PageFacts]) -> dict[str, int]:
    """The page number (from 1) on which each anchor first stands."""
    first: dict[str, int] = {}
    for number, page in enumerate(pages, start=1):
        for anchor in page.anchors:
            first.setdefault(anchor, number)
    return first


def anchor_folios(pages: Sequence[PageFacts]) -> dict[str, str]:
    """The folio printed on the page on which each anchor first stands."""
    found: dict[str, str] = {}
    for page, folio in zip(pages, folios(pages), strict=True):
        for anchor in page.anchors:
            found.setdefault(anchor, folio)
    return found


def folios(pages: Sequence[PageFacts]) -> list[str]:
    """The number printed on each page: roman in the front matter, arabic from 1 after it."""
    numbers = []
    front = body = 0
    for in_front in in_front_matter(pages):
        if in_front:
            front += 1
            numbers.append(_roman(front))
        else:
            body += 1
            numbers.append(str(body))
    return numbers


def with_page_labels(document: Document) -> Callable[[Document, pydyf.PDF], None]:
    """A finisher for WeasyPrint's `write_pdf` that gives the PDF /PageLabels as the document's
    folios run."""
    ranges = page_labels(page_facts(document))

    def label(_: Document, pdf: pydyf.PDF) -> None:
        numbers = [item for start, style in ranges for item in (start, pydyf.Dictionary({"S": f"/{style}"}))]
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array(numbers)})

    return label


def page_labels(pages: Sequence[PageFacts]) -> list[tuple[int, str]]:
    """The PDF's /PageLabels ranges, as its folios run: (the range's first page, from 0, and its
    style: "r" lower-case roman, "D" arabic), each range numbered from 1, so that a viewer shows
    the folio printed on each page."""
    ranges: list[tuple[int, str]] = []
    for index, in_front in enumerate(in_front_matter(pages)):
        style = "r" if in_front else "D"
        if not ranges or ranges[-1][1] != style:
            ranges.append((index, style))
    return ranges


def _roman(number: int) -> str:
    numerals = (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    )
    text = ""
    for value, numeral in numerals:
        while number >= value:
            text += numeral
            number -= value
    return text
