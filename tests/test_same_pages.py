"""Papers with the same pages (page_geometry.SAME_PAGES): a reader edition on Letter has the
pages of the one on A4, and a handout on Letter sheets those of the one on A4 sheets, each
page cut to its own paper from the one layout with every character well inside it; the two
editions are made in one process, and their colophon names both papers."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest

from amnesty_book.checks.readback import page_text
from amnesty_book.cli import main
from amnesty_book.project.config import POINTS_PER_MM
from amnesty_book.project.edition_kinds import PAPERS
from amnesty_book.publish import build
from amnesty_book.publish.production import _groups
from amnesty_book.readers.loading import load_book
from amnesty_book.theme.page_geometry import DESIGNS, SAME_PAGES
from conftest import REPO, SmallProject, sample_project


def _pages(path: Path) -> list[tuple[str, tuple[float, float]]]:
    """Each page's text and its trim size in mm."""
    document = pypdfium2.PdfDocument(path)
    try:
        pages = []
        for page in document:
            left, bottom, right, top = page.get_trimbox()
            size = (round((right - left) / POINTS_PER_MM, 1), round((top - bottom) / POINTS_PER_MM, 1))
            pages.append((page_text(page.get_textpage().get_text_range()), size))
        return pages
    finally:
        document.close()


def _near_the_edge(path: Path, clear_mm: float) -> list[str]:
    """The characters standing within `clear_mm` of their page's trim edge, or beyond it."""
    clear = clear_mm * POINTS_PER_MM
    document = pypdfium2.PdfDocument(path)
    try:
        near = []
        for index, page in enumerate(document):
            left, bottom, right, top = page.get_trimbox()
            text = page.get_textpage()
            for char in range(text.count_chars()):
                x0, y0, x1, y1 = text.get_charbox(char)
                glyph = text.get_text_range(char, 1)
                if glyph.strip() and (
                    x0 < left + clear or x1 > right - clear or y0 < bottom + clear or y1 > top - clear
                ):
                    near.append(f"page {index + 1}: {glyph!r} at ({x0 - left:.0f}, {y0 - bottom:.0f})")
        return near
    finally:
        document.close()


def test_the_papers_alike_have_one_text_block_type_plate_size_head_and_folio() -> None:
    for paper, source in SAME_PAGES.items():
        own, laid_out = DESIGNS[paper], DESIGNS[source]
        width = PAPERS[paper][1][0] - own.inner_mm - own.outer_mm
        height = PAPERS[paper][1][1] - own.top_mm - own.bottom_mm
        assert width == pytest.approx(PAPERS[source][1][0] - laid_out.inner_mm - laid_out.outer_mm, abs=0.05)
        assert height == pytest.approx(PAPERS[source][1][1] - laid_out.top_mm - laid_out.bottom_mm, abs=0.05)
        assert (own.font_size_pt, own.plate_mm) == (laid_out.font_size_pt, laid_out.plate_mm)
        assert own.top_mm - own.head_mm == pytest.approx(laid_out.top_mm - laid_out.head_mm)
        assert own.bottom_mm - own.folio_mm == pytest.approx(laid_out.bottom_mm - laid_out.folio_mm)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("laid_out", "cut"), [("reader-a4", "reader-letter"), ("handout-a4", "handout-letter")]
)
def test_the_letter_edition_has_the_a4_editions_pages(
    built_book: dict[str, Path], laid_out: str, cut: str
) -> None:
    a4, letter = _pages(built_book[laid_out]), _pages(built_book[cut])
    assert [text for text, _ in letter] == [text for text, _ in a4]
    if cut == "reader-letter":
        assert {size for _, size in a4} == {(210.0, 297.0)}
        assert {size for _, size in letter} == {(215.9, 279.4)}
    else:  # two pages a sheet
        assert {size for _, size in letter} == {(279.4, 215.9)}


@pytest.mark.slow
def test_every_character_of_the_letter_editions_stands_10_mm_inside_its_paper(
    built_book: dict[str, Path],
) -> None:
    """Cut from the A4 layout, nothing is lost at the edges, nor set where an office printer
    cannot print."""
    assert _near_the_edge(built_book["reader-letter"], 10) == []
    assert _near_the_edge(built_book["handout-letter"], 10) == []


@pytest.mark.slow
def test_the_colophon_names_the_papers_its_pages_are_made_for(built_book: dict[str, Path]) -> None:
    for name in ("reader-a4", "reader-letter"):
        assert "Reader edition for A4 and Letter paper, " in _pages(built_book[name])[-1][0]
    assert "Press edition for A4 paper, " in "".join(text for text, _ in _pages(built_book["press"]))


def test_an_edition_and_the_one_cut_from_its_layout_are_made_together() -> None:
    book = load_book(REPO)
    config = book.config
    groups = _groups(book, config.editions)
    names = [[edition.name for edition in group] for group in groups]
    assert ["reader-a4", "epub", "reader-letter"] in names
    assert ["handout-a4", "handout-letter"] in names
    assert ["press", "archive"] in names  # the two print the scans (test_layout_sharing.py)
    assert ["reader-letter"] in [
        [edition.name for edition in group]
        for group in _groups(
            book, [edition for edition in config.editions if edition.name == "reader-letter"]
        )
    ]


@pytest.mark.slow
def test_a_sample_book_on_letter_alone_is_cut_from_its_a4_layout(tmp_path: Path) -> None:
    """The mill, built on A4, and on Letter alone: the same pages."""
    root = sample_project("mill", tmp_path)
    build(root, tmp_path / "a4", editions=["reader-a4"])
    build(root, tmp_path / "letter", editions=["reader-letter"])
    a4 = _pages(tmp_path / "a4" / "mill-road-reader-a4.pdf")
    letter = _pages(tmp_path / "letter" / "mill-road-reader-letter.pdf")
    assert [text for text, _ in letter] == [text for text, _ in a4]
    assert {size for _, size in letter} == {(215.9, 279.4)}


def test_a_book_that_declares_only_a_letter_edition_is_laid_out_under_its_name(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace(
        "book.toml", "[book]", '[editions.reader-letter]\nkind = "reader"\npaper = "Letter"\n\n[book]'
    )
    (path,) = build(small_project.root, check="none")
    assert path.name == "small-reader-letter.pdf"
    pages = _pages(path)
    assert {size for _, size in pages} == {(215.9, 279.4)}
    assert "Reader edition for A4 and Letter paper, " in pages[-1][0]


@pytest.mark.slow
def test_the_pages_of_a_letter_edition_are_audited_once_with_the_a4_editions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The audit's measure of the handout's texture (L411, with --verbose) is said once, of the
    A4 booklet whose pages the Letter one has, not once for each."""
    out = tmp_path / "out"
    argv = ["build", "--project", str(REPO), "--out", str(out), "--verbose"]
    assert main([*argv, "--edition", "handout-a4", "--edition", "handout-letter"]) == 0
    captured = capsys.readouterr()
    said = [line.strip() for line in (captured.out + captured.err).splitlines() if ": L411 " in line]
    assert len(said) == 1 and said[0].startswith("handout-a4: body text: L411 word spaces:"), said
