"""A book laid out in parts, in parallel processes, and joined (book_parts.py, pdf_join.py)
comes out equal to the same book laid out whole: the pages and what is printed on them
(folios, running heads, the contents' page numbers, cross-references' pages), the outline,
the named destinations, every link and where it leads, the structure tree, and the EPUB's
page list taken from the layout."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from amnesty_book.checks.layout_audit import reading
from amnesty_book.checks.layout_audit.reading import read_layout, reading_parts_ahead
from amnesty_book.checks.readback import pdf_pages
from amnesty_book.layout import engine
from amnesty_book.layout.book_parts import split
from amnesty_book.layout.pagination import page_starts
from amnesty_book.model import Book
from amnesty_book.project.config import Edition
from amnesty_book.readers.loading import load_book
from amnesty_book.support import cores
from conftest import REPO, long_book, sample_project
from readback import destinations, internal_links, outline_items

pytestmark = pytest.mark.slow


def _short_long_book(folder: Path) -> Path:
    """The benchmark's long book cut to three chapters (some 50 pages), the third citing a
    section of the first."""
    root = folder / "long"
    long_book.make_long_book(REPO, root)
    for chapter in sorted((root / "manuscript").glob("*.md"))[3:]:
        chapter.unlink()
    third = root / "manuscript" / "03.md"
    third.write_text(
        third.read_text(encoding="utf-8").replace(
            "## Section 3.2", "As @sec:section-1-2 told, the count went on.\n\n## Section 3.2", 1
        ),
        encoding="utf-8",
    )
    return root


def _edition(book: Book, name: str) -> Edition:
    return next(edition for edition in book.config.editions if edition.name == name)


def _paged(book: Book, edition: Edition, processes: int) -> engine.Paged:
    cores.share(processes)
    engine.paged.cache_clear()
    try:
        return engine.paged(book, edition)
    finally:
        cores.share(1)
        engine.paged.cache_clear()


def _tags(reader: PdfReader) -> list[tuple[str, int | None]]:
    """Each structure element's type, and the page of each of its marked contents, in order."""
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    found: list[tuple[str, int | None]] = []

    def walk(element: DictionaryObject, page: int | None) -> None:
        if "/Pg" in element:
            page = pages[element.raw_get("/Pg").idnum]
        if "/S" in element:
            found.append((str(element["/S"]), page))
        kids = element.get("/K")
        for kid in kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []:
            kid = kid.get_object()
            if isinstance(kid, DictionaryObject) and kid.get("/Type") == "/OBJR":
                found.append(("OBJR", pages[kid.raw_get("/Pg").idnum] if "/Pg" in kid else page))
            elif isinstance(kid, DictionaryObject) and kid.get("/Type") == "/MCR":
                found.append(("MCR", pages[kid.raw_get("/Pg").idnum] if "/Pg" in kid else page))
            elif isinstance(kid, DictionaryObject):
                walk(kid, page)
            else:
                found.append(("MCID", page))

    walk(reader.trailer["/Root"]["/StructTreeRoot"], None)
    return found


def _read(paged: engine.Paged, path: Path) -> dict[str, Any]:
    path.write_bytes(paged.pdf)
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    return {
        "text": pdf_pages(path),
        "outline": outline_items(reader),
        "destinations": destinations(reader),
        "links": internal_links(reader),
        "tags": _tags(reader),
        "labels": list(reader.page_labels),
        "lang": root.get("/Lang"),
        "title": reader.metadata.title if reader.metadata else None,
    }


@pytest.fixture(scope="module")
def short_long_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _short_long_book(tmp_path_factory.mktemp("parts"))


@pytest.mark.parametrize("name", ["long", "mill", "diary"])
def test_a_book_laid_out_in_parts_equals_it_laid_out_whole(
    name: str, short_long_book: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = short_long_book if name == "long" else sample_project(name, tmp_path)
    book = load_book(root)
    edition = _edition(book, "reader-a4")
    assert len(split(book, 2)) == 3  # the front matter and two runs of chapters
    whole = _paged(book, edition, 1)
    with caplog.at_level(logging.INFO, logger="amnesty_book"):
        parts = _paged(book, edition, 2)
    assert len([line for line in caplog.messages if "laid out" in line]) >= 3  # it was laid out in parts
    expected, joined = _read(whole, tmp_path / "whole.pdf"), _read(parts, tmp_path / "parts.pdf")
    assert len(joined["text"]) == len(expected["text"])
    for number, (got, want) in enumerate(zip(joined["text"], expected["text"], strict=True)):
        assert got == want, f"page {number + 1} differs"
    for key in ("outline", "destinations", "links", "tags", "labels", "lang", "title"):
        assert joined[key] == expected[key], key
    assert expected["links"] and expected["outline"] and expected["tags"]
    assert page_starts(book, parts.pages) == page_starts(book, whole.pages)
    if name == "mill":  # its second chapter, another part, refers to a note of the first
        note = next(note for note in book.notes if note.label == "account")
        second = joined["destinations"][book.chapters[1].title.anchor]
        assert any(
            page >= second and target == note.anchor and to == joined["destinations"][note.anchor]
            for page, target, to in joined["links"]
        )


def test_the_long_books_cross_reference_leads_across_parts(short_long_book: Path, tmp_path: Path) -> None:
    """The third chapter's reference to a section of the first prints that section's folio,
    and links to it, though the two are laid out in different processes."""
    book = load_book(short_long_book)
    parts = _paged(book, _edition(book, "reader-a4"), 2)
    read = _read(parts, tmp_path / "parts.pdf")
    section_page = read["destinations"]["section-1-2"]
    folio = read["text"][section_page].strip().splitlines()[-1]
    text = " ".join(read["text"]).replace("\n", " ")
    assert f"As “Section 1.2” (p.\N{NO-BREAK SPACE}{folio}) told" in text
    assert any(name == "section-1-2" and page == section_page for _, name, page in read["links"])


def test_a_second_build_lays_each_part_out_once(
    short_long_book: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The parts' places are remembered from the last build, as LaTeX's .aux: a warm build
    guesses them right and lays out no part twice."""
    book = load_book(short_long_book)
    edition = _edition(book, "reader-a4")
    _paged(book, edition, 2)
    with caplog.at_level(logging.INFO, logger="amnesty_book"):
        _paged(book, edition, 2)
    assert len([line for line in caplog.messages if "laid out" in line]) == len(split(book, 2))


def test_a_first_build_moves_a_parts_folios_rather_than_lay_it_out_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A first build does not know where the parts stand: each is laid out once all the same,
    opening with a blank page, and once the parts before it are laid out its folios are moved
    and its blank page dropped where it needs none. Its PDF is the one a second build makes
    from the places it remembers, byte for byte."""
    book = load_book(sample_project("diary", tmp_path))
    edition = _edition(book, "reader-a4")
    with caplog.at_level(logging.INFO, logger="amnesty_book"):
        first = _paged(book, edition, 2)
    told = caplog.messages[:]
    assert len([line for line in told if "laid out" in line]) == len(split(book, 2))
    assert any("chapters 1–2: the blank page it opened with dropped" in line for line in told), told
    assert any("its folios moved by" in line for line in told), told
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="amnesty_book"):
        second = _paged(book, edition, 2)
    assert not [line for line in caplog.messages if "without a new layout" in line]
    assert second.pdf == first.pdf


def test_the_parts_read_back_where_they_are_written_are_the_joined_books_pages(
    short_long_book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build that checks its editions reads each part's pages in the worker that wrote it;
    the check of the joined PDF takes them where its page holds the same, reads the page
    itself where it does not, and finds what it would have found reading every page."""
    book = load_book(short_long_book)
    edition = _edition(book, "reader-a4")
    with reading_parts_ahead(short_long_book):
        parts = _paged(book, edition, 2)
        read_here: list[int] = []
        read_page = reading._read_page
        monkeypatch.setattr(
            reading,
            "_read_page",
            lambda page, index, *rest: read_here.append(index) or read_page(page, index, *rest),
        )
        ahead = read_layout(parts.pdf, edition)
        assert read_here == []  # every page was read where it was written
        with pikepdf.open(io.BytesIO(parts.pdf)) as pdf:
            pdf.pages[7].Contents = pdf.make_stream(b"")
            changed = io.BytesIO()
            pdf.save(changed)
        blanked = read_layout(changed.getvalue(), edition)
    assert read_here == [7]
    assert ahead.pages[7].text.strip() and not blanked.pages[7].text.strip()
    assert blanked.pages[:7] + blanked.pages[8:] == ahead.pages[:7] + ahead.pages[8:]
    monkeypatch.undo()
    assert read_layout(parts.pdf, edition) == ahead  # as read from the joined PDF alone
