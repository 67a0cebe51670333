"""The real book, built once: every edition carries the same notes and plates, and the whole text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from amnesty_book.checks.editions import expected_digest
from amnesty_book.checks.readback import (
    PrintedText,
    digest,
    epub_documents,
    squash,
    text_of,
    web_documents,
)
from amnesty_book.model import Book, PullQuote
from amnesty_book.model.text import plain_text
from amnesty_book.readers.loading import load_book
from conftest import REPO
from readback import pdf_running_text, pypdf_pages


@pytest.fixture(scope="module")
def book() -> Book:
    return load_book(REPO)


def web_tree(folder: Path) -> etree._Element:
    return web_documents(folder)["index.html"]


def test_the_book_has_its_notes_and_plates(book: Book) -> None:
    assert len(book.notes) >= 6
    assert [plate.id for plate in book.plates] == [
        "lead",
        "katyn",
        "document",
        "after-amnesty",
        "stalins-paradise",
    ]
    signed = [note.text.replace("\u00a0", " ").endswith("— Ed.") for note in book.notes]
    assert all(signed), "every note is marked as the editor's"


@pytest.mark.slow
def test_web_and_epub_carry_the_books_notes_plates_headings_and_timeline(
    built_book: dict[str, Path], book: Book
) -> None:
    expected = expected_digest(book)
    assert sorted(expected.notes) == list(range(1, len(book.notes) + 1))
    for documents in (web_documents(built_book["web"]), epub_documents(built_book["epub"])):
        found = digest(documents, expected.entries)
        assert found.notes == expected.notes
        assert found.plates == expected.plates
        assert found.headings == expected.headings
        assert found.entries.keys() == expected.entries.keys()
        for anchor, (read,) in found.entries.items():
            assert all(shown in read for shown in expected.entries[anchor]), anchor


@pytest.mark.slow
def test_pdf_notes_and_plates(built_book: dict[str, Path], book: Book) -> None:
    expected = expected_digest(book)
    printed = PrintedText(pypdf_pages(built_book["pdf"]))
    pdf = squash(" ".join(pypdf_pages(built_book["pdf"])))
    for number, text in expected.notes.items():  # a note may run on at the next page's foot
        assert printed.holds(f"{number}. {text}", continued=True), f"note {number} missing from the PDF"
    for label, caption, credit in expected.plates:
        assert squash(f"{label} {caption} {credit}") in pdf, f"{label} missing from the PDF"
    numbers = re.findall(r"(?m)^(\d+)\.\s", "\n".join(pypdf_pages(built_book["pdf"])))
    assert sorted({int(n) for n in numbers} & set(expected.notes)) == sorted(expected.notes)


# Lines of the extracted web page that are not part of the article.
_NOT_ARTICLE = re.compile(r"^(ARTYKUŁ|\[BACK\]\(#\)|Author: .*)$")


def source_sentences() -> list[str]:
    """Every sentence of the source article, as the extraction gives it (its marks dropped)."""
    text = (REPO / "tests" / "fixtures" / "source-article.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    kept = [line.replace("*", "") for line in lines if line and not _NOT_ARTICLE.match(line)]
    # A paragraph the extraction broke in two stays as two pieces: each must still be found.
    return [s for line in kept for s in re.split(r"(?<=[.?!”])\s+(?=[A-Z“\"])", line) if s.strip()]


def _letters(text: str) -> str:
    """A pull quote's letters and digits, in any case: it may begin a sentence mid-sentence and
    end one where the text goes on."""
    return "".join(character for character in text.casefold() if character.isalnum())


def comparable(text: str) -> str:
    """Only what the repair may change is levelled: quote marks, dashes, ellipses, spacing."""
    for typographic, plain in (("“", '"'), ("”", '"'), ("’", "'"), ("‘", "'"), ("–", "-"), ("…", "...")):
        text = text.replace(typographic, plain)
    return squash(text)


def without_note_calls(tree: etree._Element) -> str:
    for call in tree.xpath('//*[@role="doc-noteref"]'):
        parent = call.getparent()
        previous = call.getprevious()
        tail = call.tail or ""  # the text after the call stays
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(call)
    return text_of(tree)


@pytest.mark.slow
def test_every_sentence_in_every_edition(built_book: dict[str, Path]) -> None:
    sentences = source_sentences()
    assert len(sentences) >= 50
    web = comparable(without_note_calls(web_tree(built_book["web"])))
    epub = comparable(
        " ".join(without_note_calls(doc) for doc in epub_documents(built_book["epub"]).values())
    )
    # Running text is read without page furniture and note calls; captions page by page.
    pdf_text = comparable(pdf_running_text(built_book["pdf"]))
    pdf_pages_text = [comparable(page) for page in pypdf_pages(built_book["pdf"])]
    # A pull quote repeats the text: the pages may leave it out where no spread after its
    # sentence's can take it (layout/plate_plan.py), its sentence still in the running text.
    quotes = [
        comparable(plain_text(block.content))
        for block in load_book(REPO).chapters[0].blocks
        if isinstance(block, PullQuote)
    ]
    pull_quoted = "".join(quotes)
    for quote in quotes:  # one at a page's head stands between the two halves of a sentence
        pdf_text = pdf_text.replace(quote, "")
    for sentence in sentences:
        wanted = comparable(sentence)
        assert wanted in web, f"web edition lacks: {sentence}"
        assert wanted in epub, f"EPUB lacks: {sentence}"
        in_pdf = wanted in pdf_text or any(wanted in page for page in pdf_pages_text)
        if not in_pdf and wanted in pull_quoted:
            in_pdf = _letters(wanted) in _letters(pdf_text)
        assert in_pdf, f"PDF lacks: {sentence}"


@pytest.mark.slow
def test_pull_quotes_are_hidden_from_screen_readers(built_book: dict[str, Path]) -> None:
    pull_quotes = web_tree(built_book["web"]).xpath('//aside[contains(@class, "pullquote")]')
    assert len(pull_quotes) == 2
    assert all(quote.get("aria-hidden") == "true" for quote in pull_quotes)


@pytest.mark.slow
def test_pdf_is_tagged_with_language_and_title(built_book: dict[str, Path]) -> None:

    reader = PdfReader(built_book["pdf"])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root
    assert reader.metadata is not None and reader.metadata.title == load_book(REPO).config.title


@pytest.mark.slow
def test_timeline_dates_in_order_and_printed(built_book: dict[str, Path], book: Book) -> None:
    rows = web_tree(built_book["web"]).xpath('//section[@id="timeline"]//tbody/tr')
    assert len(rows) == len(book.appendix("timeline")) >= 12
    assert text_of(rows[0].xpath("td")[0]) == "September 17, 1939"
    editorial = [row for row in rows if "editorial" in (row.get("class") or "")]
    assert editorial and all(text_of(row.xpath("td")[2]) != "The article" for row in editorial)
