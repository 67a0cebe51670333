"""The texture of the paged editions' justified text, read back with pdfminer (not the layout
audit's reader): word spaces, pages ending on a hyphen, words broken over the leaf; on the
article's readers and handouts and on the sample books (the long book: test_long_book.py)."""

from __future__ import annotations

import itertools
import logging
import statistics
from collections import defaultdict
from pathlib import Path

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTContainer, LTPage

from amnesty_book.layout.weasyprint.letter_spacing import LETTER_MOST
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
    """Short books too keep 3 % of their lines at most loose, in the reader and in the narrower
    handout: none of the mill's 11 or the Polish book's 24 (before, "as the timeline's entry for |
    November 14" left one at 0.60 em, and "droga była | otwarta", Polish split with English
    limits, one at 0.64 em; the Polish handout's "Odwilż przyszła … droga była", which no breaking
    sets tighter, stood at 0.52 em before its letters took what its spaces could not)."""
    root = sample_project(name, tmp_path)
    build(root, root / "dist", editions=["reader-a4"])
    book = load_book(root)
    editions = {edition.name: edition for edition in book.config.editions}
    reader, handout = editions["reader-a4"], editions["handout-a4"]
    for edition, pdf in (
        (reader, root / "dist" / reader.output_name(book.config.slug)),
        (handout, imposed_pages(handout.kind)(book, handout)),
    ):
        texture = body_texture(pdf, design(edition).font_size_pt)
        assert_even(texture, f"{name}, {edition.name}")
        assert texture.share_wider_than(LOOSE_EM) <= 0.03, (name, edition.name, texture.widest)


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


def test_a_line_looser_than_the_tolerance_gives_its_letters_white(small_project: SmallProject) -> None:
    """A line no breaking sets within the tolerance widens the gaps between its letters, by a
    hundredth of an em at most, ligatures kept and the line still flush with the measure; the
    other lines' letters stand as the font sets them."""
    ordinary = "The post came by sledge twice a week while the road was closed to carts. " * 8
    paragraphs = f"More text.\n\n{ordinary}\n\n{NAMES} Officials.\n"
    small_project.replace("manuscript/article.md", "More text.", paragraphs)
    build(small_project.root, small_project.root / "dist", editions=["reader-a4"])
    (pdf,) = (small_project.root / "dist").glob("*reader-a4.pdf")
    editions = load_book(small_project.root).config.editions
    (edition,) = [edition for edition in editions if edition.name == "reader-a4"]
    size = design(edition).font_size_pt
    lines = [line for page in extract_pages(pdf) for line in _lines_at(page, size)]
    names = [line for line in lines if "Wojciechowskiego" in _text(line)]
    others = [line for line in lines if "sledge" in _text(line)]
    assert len(names) >= 3 and len(others) >= 3
    # WeasyPrint writes each advance in whole thousandths of an em, truncated: a justified line's
    # end wanders by a tenth of a point or two.
    measure_end = max(_end(line) for line in others)
    for line in names[:-1]:  # the paragraph's last line is not justified
        assert _end(line) == pytest.approx(measure_end, abs=0.2), _text(line)
        assert _letter_gap(line) / size == pytest.approx(LETTER_MOST, abs=0.001), _text(line)
    assert any(char.get_text() == "ffi" for line in names for char in line)
    for line in others:
        assert abs(_letter_gap(line)) < 0.001 * size, _text(line)


def _lines_at(page: LTPage, size: float) -> list[list[LTChar]]:
    """The page's lines of type of this size, each its glyphs from left to right (pdfminer's own
    lines part a line whose spaces are wide)."""
    rows: dict[float, list[LTChar]] = defaultdict(list)
    stack: list[object] = [page]
    while stack:
        item = stack.pop()
        if isinstance(item, LTChar):
            if abs(item.size - size) < 0.2:
                rows[round(item.y0, 1)].append(item)
        elif isinstance(item, LTContainer):
            stack.extend(item)
    return [sorted(row, key=lambda char: char.x0) for row in rows.values()]


def _end(line: list[LTChar]) -> float:
    """Where the line's last glyph ends (a space after it hangs past the measure)."""
    return max(char.x1 for char in line if char.get_text().strip())


def _text(line: list[LTChar]) -> str:
    return "".join(char.get_text() for char in line)


def _letter_gap(line: list[LTChar]) -> float:
    """The line's usual white between two letters of a word beyond their advances (kerning aside)."""
    return statistics.median(
        after.x0 - before.x1
        for before, after in itertools.pairwise(line)
        if before.get_text().isalpha() and after.get_text().isalpha()
    )
