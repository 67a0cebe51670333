"""Where each page of a paged edition begins, as the anchor of the first block on it.

The EPUB carries these as its print page numbers, so that a class reading the printed
handout and one reading the EPUB can find "page 4" alike.
"""

from __future__ import annotations

from weasyprint.document import Document

from amnesty_book.model import Book

# Page names the stylesheet gives the front matter, numbered in roman figures.
_FRONT_PAGES = {"front"}


def anchors_in_reading_order(book: Book) -> list[str]:
    """Every anchor a page may begin at: the parts of the book and each block of the text."""
    anchors = ["title-page", "imprint", "contents"]
    for chapter in book.chapters:
        anchors.append(chapter.title.anchor)
        anchors += (block.anchor for block in chapter.blocks)
    for part in book.back_matter:
        anchors.append(part)
        if part == "timeline":
            anchors += (event.anchor for event in book.timeline)
        if part == "bibliography":
            anchors += (entry.anchor for entry in book.bibliography)
    return anchors


def page_starts(book: Book, document: Document) -> dict[str, list[str]]:
    """Anchor -> the folios of the pages that begin there.

    A page's folio goes to the first block that starts on it. A page that holds only the
    end of a block started earlier has no block of its own: its folio goes with the next
    page's, before the next block, the nearest paragraph boundary after where it begins.
    """
    order = anchors_in_reading_order(book)
    first_page = anchor_pages(document)
    starts: dict[str, list[str]] = {}
    waiting: list[str] = []
    folios = _folios(document)
    position = 0
    for number, folio in enumerate(folios, start=1):
        waiting.append(folio)
        while position < len(order) and first_page.get(order[position], -1) < number:
            position += 1
        if position < len(order) and first_page.get(order[position]) == number:
            starts.setdefault(order[position], []).extend(waiting)
            waiting = []
    if waiting:  # pages after the last block: with the last block
        starts.setdefault(order[-1], []).extend(waiting)
    return starts


def anchor_pages(document: Document) -> dict[str, int]:
    """The page number (from 1) on which each anchor of the document first stands."""
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages


def _folios(document: Document) -> list[str]:
    """The number printed on each page: roman in the front matter, arabic from 1 after it."""
    folios = []
    front = body = 0
    for page in document.pages:
        if page._page_box.page_type.name in _FRONT_PAGES:  # the name the print stylesheet gives
            front += 1
            folios.append(_roman(front))
        else:
            body += 1
            folios.append(str(body))
    return folios


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
