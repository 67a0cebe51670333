"""The EPUB carries the A4 reader PDF's page numbers where that PDF's pages begin."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from amnesty_book.checks.readback import NS, epub_documents, text_of
from amnesty_book.layout.pagination import anchors_in_reading_order
from amnesty_book.readers.loading import load_book
from conftest import REPO

pytestmark = pytest.mark.slow


def printed_folios(reader: PdfReader) -> list[str]:
    """The folio at the foot of each page; the title page prints none but counts as i, and
    the blank verso before folio 1 prints nothing but counts as iv."""
    folios = []
    for index, page in enumerate(reader.pages):
        lines = page.extract_text().strip().splitlines()
        folios.append("i" if index == 0 else lines[-1].strip() if lines else "iv")
    return folios


def markers(epub: Path) -> list[tuple[str, str | None]]:
    """(folio, anchor the marker stands at) in reading order: the id of the element after it
    (after the markers that follow it), or of the part (or table row) it opens."""
    found = []
    for tree in epub_documents(epub).values():
        for marker in tree.xpath('//x:span[@epub:type="pagebreak"]', namespaces=NS):
            following = marker.getnext()
            while following is not None and following.get(f"{{{NS['epub']}}}type") == "pagebreak":
                following = following.getnext()  # a blank page's marker stands with the next page's
            candidates = [following, marker.getparent(), marker.getparent().getparent()]
            ids = [element.get("id") for element in candidates if element is not None and element.get("id")]
            found.append((marker.get("aria-label"), next((i for i in ids if i in ANCHORS), None)))
    return found


ANCHORS = set(anchors_in_reading_order(load_book(REPO)))


def test_every_pdf_page_is_marked_once_in_order(built_book: dict[str, Path]) -> None:
    folios = printed_folios(PdfReader(built_book["pdf"]))
    assert [folio for folio, _ in markers(built_book["epub"])] == folios
    nav = epub_documents(built_book["epub"])["EPUB/nav.xhtml"]
    (page_list,) = nav.xpath('//x:nav[@epub:type="page-list"]', namespaces=NS)
    assert [text_of(link) for link in page_list.xpath(".//x:a", namespaces=NS)] == folios


def test_markers_stand_at_the_paragraph_where_each_pdf_page_begins(built_book: dict[str, Path]) -> None:
    """The block after a marker starts on that page or, when the page only ends a block begun
    before it, on a later page; and the block before the marker started on an earlier page."""
    reader = PdfReader(built_book["pdf"])
    page_of = {
        name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()
    }
    folios = printed_folios(reader)
    order = anchors_in_reading_order(load_book(REPO))
    for folio, anchor in markers(built_book["epub"]):
        page = folios.index(folio)
        assert page_of[anchor] >= page, f"page {folio} is marked after a block of page {page_of[anchor]}"
        position = order.index(anchor)
        if position:
            before = order[position - 1]
            assert page_of[before] < page, f"page {folio} should be marked before {before}"


@pytest.mark.parametrize("feature", ["pageNavigation", "printPageNumbers"])
def test_page_navigation_is_declared_with_its_source(built_book: dict[str, Path], feature: str) -> None:
    import zipfile

    opf = zipfile.ZipFile(built_book["epub"]).read("EPUB/content.opf").decode()
    assert f'<meta property="schema:accessibilityFeature">{feature}</meta>' in opf
    assert '<meta property="pageBreakSource">amnesty-1941-reader-a4.pdf</meta>' in opf
