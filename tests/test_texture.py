"""The texture of the paged editions' justified text, read back with pdfminer (not the layout
audit's reader): word spaces, pages ending on a hyphen, words broken over the leaf; on the
article's readers and handouts and on the sample books (the long book: test_long_book.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from amnesty_book.theme.page_geometry import design
from amnesty_book.writers import imposed_pages
from conftest import REPO, SmallProject, sample_project
from readback import LOOSE_EM, MEASURED_LINES, assert_even, body_texture

pytestmark = pytest.mark.slow


def test_the_articles_readers_and_handouts_are_set_evenly(built_book: dict[str, Path]) -> None:
    book = load_book(REPO)
    editions = {edition.name: edition for edition in book.config.editions}
    for name in ("reader-a4", "reader-letter"):
        texture = body_texture(built_book[name], design(editions[name]).font_size_pt)
        assert len(texture.spaces) >= MEASURED_LINES
        assert_even(texture, name)
    for name in ("handout-a4", "handout-letter"):
        edition = editions[name]
        pages = imposed_pages(edition.kind)(book, edition)  # the pages, before they go on sheets
        texture = body_texture(pages, design(edition).font_size_pt)
        assert len(texture.spaces) >= MEASURED_LINES
        assert_even(texture, name)


@pytest.mark.parametrize("name", ["diary", "mill", "polish"])
def test_the_sample_books_are_set_evenly(name: str, tmp_path: Path) -> None:
    """Short books too keep 3 % of their lines at most loose: none of the mill's 11 or the Polish
    book's 24 (before, "as the timeline's entry for | November 14" left one at 0.60 em, and
    "droga była | otwarta", Polish split with English limits, one at 0.64 em)."""
    root = sample_project(name, tmp_path)
    build(root, root / "dist", editions=["reader-a4"])
    book = load_book(root)
    (edition,) = [edition for edition in book.config.editions if edition.name == "reader-a4"]
    pdf = root / "dist" / edition.output_name(book.config.slug)
    texture = body_texture(pdf, design(edition).font_size_pt)
    assert_even(texture, name)
    assert texture.share_wider_than(LOOSE_EM) <= 0.03, (name, max(texture.spaces, key=lambda line: line[1]))


# Names are never hyphenated: a paragraph of long ones leaves wide gaps whatever its breaks.
NAMES = "Constantinopolitanus Wojciechowskiego Czechoslovakiansky Mediterraneanissimo " * 6


def test_a_paragraph_no_breaking_sets_within_the_tolerance_is_named(
    small_project: SmallProject, caplog: pytest.LogCaptureFixture
) -> None:
    """As TeX reports an underfull box: the build names the paragraph (L414), and no other."""
    small_project.replace("manuscript/article.md", "More text.", f"More text.\n\n{NAMES}\n")
    with caplog.at_level(logging.WARNING, logger="amnesty_book"):
        build(small_project.root, small_project.root / "dist", editions=["reader-a4"])
    underfull = [line for line in caplog.messages if "L414" in line]
    assert underfull == [
        "warning: reader-a4: the paragraph “Constantinopolitanus Wojciechowskiego Czechoslovakiansky "
        "Mediterraneanissimo Constantinopolitanus Wojciechowskiego…”: L414 a line is set looser than "
        "TeX's \\hbadness lets it be: no breaking of the paragraph keeps its word spaces within the "
        "tolerance; reword it a little, or let more of its words be hyphenated (styles/hyphenation.txt)"
    ]
