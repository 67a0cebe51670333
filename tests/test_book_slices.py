"""A book with a chapter too long for one process, laid out in slices (layout/book_slices.py):
where a slice may end, and a book laid out so against the same book laid out whole."""

from __future__ import annotations

import importlib.util
import logging
import multiprocessing
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from amnesty_book.layout import book_parts, book_slices, engine
from amnesty_book.layout.book_slices import Position, chapter_length, next_opening, slice_from
from amnesty_book.layout.pagination import PageFacts
from amnesty_book.publish import build
from amnesty_book.publish.progress import NO_CHECKS
from amnesty_book.readers.loading import load_book
from amnesty_book.support.diagnostics import Diagnostic
from amnesty_book.support.errors import BookError
from amnesty_book.theme.page_plan import BookPart
from conftest import REPO, SmallProject
from readback import internal_links, outline_items

PLATE_BOOK = """\
# A chapter

Block one.

## A section

Block two.

::: plate one

Block four.

Block five.
"""


def _pages(*anchors: tuple[str, ...], tails: frozenset[int] = frozenset()) -> list[PageFacts]:
    return [PageFacts(each, front=False, note_tail=index in tails) for index, each in enumerate(anchors)]


@pytest.fixture
def plate_book(small_project: SmallProject) -> object:
    small_project.write("manuscript/article.md", PLATE_BOOK)
    return load_book(small_project.root)


def test_a_slice_ends_before_the_last_page_that_opens_a_block_with_nothing_carried_over(plate_book) -> None:
    book = plate_book
    chapter = book.chapters[0]
    title, one, section, two, plate, four, five = [chapter.title.anchor, *(b.anchor for b in chapter.blocks)]
    part = BookPart(False, (0,), True)
    tail = ("x",)  # no anchor of the book's blocks: the overlap's pages
    opens_four = _pages((title, one), (section, two), (plate,), (four,), *[tail] * 7)
    assert next_opening(book, part, opens_four) == (3, Position(0, 4))
    # The page that opens it too near the slice's end: the one before is taken.
    assert next_opening(book, part, opens_four[:9]) == (2, Position(0, 3))
    # A note's tail at the foot of the page, a paragraph run over onto it, or a page before it
    # made to give up room to it: not there.
    assert next_opening(book, part, _pages(*[p.anchors for p in opens_four], tails=frozenset({3}))) == (
        2,
        Position(0, 3),
    )
    gave_room = [*opens_four]
    gave_room[2] = PageFacts(opens_four[2].anchors, front=False, gave_room=True)
    assert next_opening(book, part, gave_room) == (2, Position(0, 3))  # it filled a later page
    run_over = _pages((title, one), (section, two), (two, plate), (two, four), *[tail] * 7)
    assert next_opening(book, part, run_over) == (1, Position(0, 1))
    # A plate deferred past the page that would open the next slice, or left to the chapter's
    # end, keeps the slice going.
    deferred = _pages((title, one), (section, two), (four,), (plate, five), *[tail] * 7)
    assert next_opening(book, part, deferred) == (1, Position(0, 1))
    at_the_end = _pages((title, one), (section, two), (four,), (five,), *[tail] * 7)
    assert next_opening(book, part, at_the_end) == (1, Position(0, 1))
    one_page = _pages((title, one, section, two, plate, four, five), *[tail] * 7)
    assert next_opening(book, part, one_page) is None


def test_a_slice_runs_its_length_then_to_the_end_of_the_book_with_the_back_matter(plate_book) -> None:
    book = plate_book
    weights = [book_parts.block_length(block) for block in book.chapters[0].blocks]
    part = slice_from(book, Position(0, 1), weights[1] + weights[2] - 1)
    assert (part.chapters, part.first_block, part.end_block, part.back) == ((0,), 1, 3, False)
    assert part.continues_chapter and part.blocks(0) == (1, 3)
    rest = slice_from(book, Position(0, 3), chapter_length(book, 0))
    assert (rest.first_block, rest.end_block, rest.back) == (3, None, True)


def _short_paragraphs_book(root: Path) -> Path:
    """A book of one chapter of 150 paragraphs of two to four of the article's sentences, a note
    called from every other one and referred to from the fifth before it, a plate after the
    fifth paragraph and a section every 40 (bench/cost.py's project)."""
    spec = importlib.util.spec_from_file_location("cost", REPO / "bench" / "cost.py")
    assert spec and spec.loader
    cost = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cost)
    said = cost.sentences()
    blocks, notes = ["# A chapter"], []
    for number in range(150):
        if number % 40 == 0:
            blocks.append(f"## Section {number // 40 + 1}")
        sentences = [next(said) for _ in range(2 + number % 3)]
        if number % 2:
            sentences[0] += f"[^n{number}]"
            notes.append(f"[^n{number}]: {next(said)} {next(said)}")
        elif number + 5 < 150:  # a page or so ahead, often on a page the next slice lays out
            sentences.append(f"See @note:n{number + 5}.")
        blocks.append(" ".join(sentences))
        if number == 5:
            blocks.append("::: plate one")
    return cost._project(root, "\n\n".join(blocks + notes) + "\n")  # its editions: reader to archive


@pytest.mark.slow
def test_a_chapter_laid_out_in_slices_makes_the_pages_of_the_chapter_laid_out_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A one-chapter book in slices of a third of its length, against the same laid out whole:
    the same lines on every page of the reader, the handout, the press file and the archive,
    the same page labels, outline and links, the archive's standard and attachments; the
    build's read-back check passes."""
    root = _short_paragraphs_book(tmp_path / "book")
    book = load_book(root)
    # The handout imposes the pages its slices make; the press file marks them; the archive's
    # are PDF/A, its sources attached to the first.
    editions = ["reader-a4", "handout-a4", "press", "archive"]
    with caplog.at_level(logging.INFO, logger="amnesty_book"):
        build(root, tmp_path / "whole", editions=editions, check=NO_CHECKS)  # what the slices are held to
    resolution = [line for line in caplog.messages if " ppi in the press edition" in line]
    caplog.clear()
    engine.paged.cache_clear()  # the build's pages, kept for the EPUB: the book is the same
    monkeypatch.setattr(book_slices, "SLICE_LENGTH", chapter_length(book, 0) // 3)
    with caplog.at_level(logging.INFO, logger="amnesty_book"):
        build(root, tmp_path / "sliced", editions=editions, force=True)
    # The press file's plate, measured where a slice laid it out: as small as in the whole.
    assert [line for line in caplog.messages if " ppi in the press edition" in line] == resolution
    assert len(resolution) == 1 and "Plate 1 ('one') prints at" in resolution[0]
    for name in editions:  # each laid out in three slices at least, each in its process
        opening = f"{name}, chapter 1 (from"
        slices = {line.split(":")[0] for line in caplog.messages if line.startswith(opening)}
        assert len(slices) >= 3, (name, slices)
    for name in editions:
        whole, sliced = (tmp_path / folder / f"cost-{name}.pdf" for folder in ("whole", "sliced"))
        pages = [page.extract_text() for page in PdfReader(whole).pages]
        assert [page.extract_text() for page in PdfReader(sliced).pages] == pages, name
    whole, sliced = (tmp_path / folder / "cost-reader-a4.pdf" for folder in ("whole", "sliced"))
    joined, expected = PdfReader(sliced), PdfReader(whole)
    assert joined.page_labels == expected.page_labels
    assert outline_items(joined) == outline_items(expected)
    assert [(level, title) for level, title, _ in outline_items(expected)][1:3] == [
        (0, "A\u00a0chapter"),
        (1, "Section\u00a01"),
    ]
    # Every reference leads where the whole's does, those to pages a slice left to the next too.
    assert internal_links(joined) == internal_links(expected) and len(internal_links(expected)) > 100
    whole, sliced = (tmp_path / folder / "cost-archive.pdf" for folder in ("whole", "sliced"))
    with pikepdf.open(whole) as expected, pikepdf.open(sliced) as joined:
        assert sorted(joined.Root.keys()) == sorted(expected.Root.keys())
        assert "/OutputIntents" in joined.Root and "/AF" in joined.Root
        assert joined.Root.Metadata.read_bytes() == expected.Root.Metadata.read_bytes()
        assert b'pdfaid:part="3"' in joined.Root.Metadata.read_bytes()
        assert joined.Root.OutputIntents[0].DestOutputProfile.read_bytes() == (
            expected.Root.OutputIntents[0].DestOutputProfile.read_bytes()
        )
        attached = {name: spec.get_file().read_bytes() for name, spec in joined.attachments.items()}
        assert attached == {name: spec.get_file().read_bytes() for name, spec in expected.attachments.items()}
        assert attached["manuscript/article.md"] == (root / "manuscript" / "article.md").read_bytes()


def test_a_slice_that_fails_fails_the_build_with_its_error_and_leaves_no_process(
    small_project: SmallProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_project.write("manuscript/article.md", PLATE_BOOK)
    book = load_book(small_project.root)
    edition = next(edition for edition in book.config.editions if edition.name == "reader-a4")

    def failing(work: engine._PartInWorker, placement: object) -> object:
        raise BookError([Diagnostic(None, "a slice could not be laid out")])

    monkeypatch.setattr(book_slices, "SLICE_LENGTH", 1)
    monkeypatch.setattr(engine._PartInWorker, "lay_out", failing)  # in the slices' processes
    engine.paged.cache_clear()
    before = set(multiprocessing.active_children())
    with pytest.raises(BookError, match=r"^a slice could not be laid out$"):
        engine.paged(book, edition)
    assert set(multiprocessing.active_children()) - before == set()  # stopped and reaped
