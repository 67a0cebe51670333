"""The front matter and chapter openings as a book designer sets them, read back from the PDFs:
the title at display size with the publisher and year at the page's foot, the imprint at the
foot of the title page's verso, and the chapters of a book of several sunk a quarter of the way
down their first page (not a book of one chapter)."""

from __future__ import annotations

from pathlib import Path

import pytest

from amnesty_book.project.config import Edition
from amnesty_book.publish import build
from amnesty_book.theme.page_geometry import text_block
from conftest import sample_project
from readback import pdf_layout

pytestmark = pytest.mark.slow

A4 = Edition("reader-a4", "reader", "A4")
BODY = 10.5  # the body text's size in the A4 reader, points


def test_the_title_is_set_at_display_size(built_book: dict[str, Path]) -> None:
    title_page = pdf_layout(built_book["pdf"])[0]
    sizes = {line.get_text().strip(): size for line, size in title_page.lines}
    title = [size for text, size in sizes.items() if "amnesty" in text or "Polish" in text or "occur" in text]
    assert title and min(title) >= 2.4 * BODY, sizes
    assert sizes["Sławomir Kalbarczyk"] >= 1.3 * BODY


def test_the_publisher_and_year_stand_at_the_foot_of_the_title_page(built_book: dict[str, Path]) -> None:
    """book.toml names no publisher of this edition: the title page names the text's first,
    with the year it first published it."""
    title_page = pdf_layout(built_book["pdf"])[0]
    block = text_block(A4, 0)
    lowest = min((line for line, _ in title_page.lines), key=lambda line: line.y0)
    assert lowest.get_text().strip() == "Institute of National Remembrance (IPN), 2023"
    assert lowest.y0 - block.bottom < 2 * BODY, "on the text block's foot"


def test_the_imprint_stands_at_the_foot_of_the_title_pages_verso(built_book: dict[str, Path]) -> None:
    verso = pdf_layout(built_book["pdf"])[1]
    block = text_block(A4, 1)
    imprint = [line for line, _ in verso.lines if line.y0 > block.bottom - 1]  # the folio stands below
    assert imprint and imprint[0].get_text().startswith("First published by")
    assert min(line.y0 for line in imprint) - block.bottom < 2 * BODY, "its last line on the block's foot"
    assert max(line.y1 for line in imprint) < block.bottom + block.height / 4, "nothing at its head"


def _chapter_title_tops(path: Path, titles: tuple[str, ...]) -> list[float]:
    """How far below the top of its text block each chapter's title stands, as a share of it
    (the title at a heading's size: not its line in the contents)."""
    shares = []
    for index, page in enumerate(pdf_layout(path)):
        block = text_block(A4, index)
        for line, size in page.lines:
            if line.get_text().strip() in titles and size > 1.4 * BODY:
                shares.append((block.top - line.y1) / block.height)
    return shares


def test_the_chapters_of_a_book_of_several_open_sunk(tmp_path: Path) -> None:
    root = sample_project("diary", tmp_path)
    (pdf,) = build(root, root / "dist", editions=[A4.name])
    shares = _chapter_title_tops(pdf, ("November", "December", "January"))
    assert len(shares) == 3 and all(0.2 < share < 0.3 for share in shares), shares


def test_a_book_of_one_chapter_opens_at_the_head_of_its_page(built_book: dict[str, Path]) -> None:
    (share,) = _chapter_title_tops(built_book["pdf"], ("How did the “amnesty” of Polish",))
    assert share < 0.05
