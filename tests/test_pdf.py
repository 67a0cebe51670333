"""The reader PDFs read back: outline, contents pages, notes and plates on the right pages, fonts, paper."""

from __future__ import annotations

import re
from itertools import takewhile
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from amnesty_book.checks.readback import PrintedText, destination_pages, squash
from amnesty_book.model import Book
from amnesty_book.model.text import plain_text
from amnesty_book.readers.loading import load_book
from amnesty_book.support.errors import BookError
from conftest import REPO, SmallProject
from readback import pdf_layout, pdf_tagged_text

MM = 72 / 25.4


@pytest.fixture(scope="module")
def book() -> Book:
    return load_book(REPO)


@pytest.fixture(scope="module")
def a4(built_book: dict[str, Path]) -> PdfReader:
    return PdfReader(built_book["pdf"])


def outline_titles(reader: PdfReader) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def walk(items: list, depth: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title))

    walk(reader.outline, 1)
    return found


def folio(reader: PdfReader, index: int) -> str:
    """The page number printed at the foot of a page (its last line of text); "" on a blank page."""
    lines = reader.pages[index].extract_text().strip().splitlines()
    return lines[-1].strip() if lines else ""


@pytest.mark.slow
def test_outline_mirrors_the_headings(a4: PdfReader, book: Book) -> None:
    expected = [(1, "Contents")]
    for chapter in book.chapters:
        expected.append((1, chapter.title.text))
        expected += [(section.level, section.text) for section in chapter.sections]
    expected += [(1, "Plates and credits"), (1, "Timeline, 1939–1942"), (1, "Sources"), (1, "Colophon")]
    # The outline shows the headings' words, whatever spaces bind them.
    plain = [(depth, title.replace("\u00a0", " ")) for depth, title in outline_titles(a4)]
    assert plain == [(depth, title.replace("\u00a0", " ")) for depth, title in expected]


@pytest.mark.slow
def test_contents_page_numbers_are_where_the_headings_land(a4: PdfReader, book: Book) -> None:
    contents = a4.pages[2].extract_text()  # after the title page and its verso
    entries = re.findall(r"(?m)^(.+?)[ .]*\.\s*(\d+)$", contents)
    assert len(entries) == 1 + len(book.chapters[0].sections) + 4
    pages = destination_pages(a4)
    anchors = [book.chapters[0].title.anchor, *(s.anchor for s in book.chapters[0].sections)]
    anchors += ["plates-title", "timeline-title", "bibliography-title", "colophon-title"]
    for (title, number), anchor in zip(entries, anchors, strict=True):
        assert folio(a4, pages[anchor]) == number, f"contents says {title} is on page {number}"


@pytest.mark.slow
def test_front_matter_has_roman_folios_and_no_folio_on_the_title_page(a4: PdfReader) -> None:
    assert not re.fullmatch(r"[ivx]+|\d+", folio(a4, 0))
    assert folio(a4, 1) == "ii", "the imprint, on the title page's verso"
    assert folio(a4, 2) == "iii"
    assert folio(a4, 3) == "", "a blank verso (iv), so that folio 1 stands on a recto"
    assert folio(a4, 4) == "1"


@pytest.mark.slow
def test_a_viewer_names_each_page_by_its_printed_folio(built_book: dict[str, Path]) -> None:
    """/PageLabels, read by pypdf: roman front matter, arabic text from 1, in every PDF edition
    whose pages are pages (not a handout's imposed sheets); each label the folio printed."""
    for name in ("reader-a4", "reader-letter", "press", "archive"):
        reader = PdfReader(built_book[name])
        labels = list(reader.page_labels)
        assert labels[:5] == ["i", "ii", "iii", "iv", "1"], name
        assert labels[4:] == [str(number) for number in range(1, len(labels) - 3)], name
        if name == "press":
            continue  # its pages' last text is the slug line outside the trim
        printed = {index: folio(reader, index) for index in range(len(labels))}
        folios = {index: text for index, text in printed.items() if re.fullmatch(r"[ivx]+|\d+", text)}
        assert len(folios) > len(labels) / 2 and all(labels[index] == text for index, text in folios.items())


def running_heads(path: Path) -> dict[int, str]:
    """Page index -> the running head of that page: its topmost line, set at 8.5 pt."""
    heads = {}
    for index, page in enumerate(pdf_layout(path)):
        lines = sorted(page.lines, key=lambda line: -line[0].y1)
        if lines and round(lines[0][1], 1) == 8.5:
            heads[index] = lines[0][0].get_text().strip()
    return heads


@pytest.mark.slow
def test_the_left_hand_running_head_is_the_short_title(built_book: dict[str, Path], book: Book) -> None:
    """book.toml's short_title on every left-hand page that has a running head."""
    assert book.config.short_title and book.config.short_title != book.config.title
    heads = running_heads(built_book["pdf"])
    left = [head for index, head in heads.items() if index % 2 == 1]  # the first page is a recto
    assert left and set(left) == {book.config.short_title}


@pytest.mark.slow
def test_the_imprint_stands_on_the_title_pages_verso(a4: PdfReader, book: Book) -> None:
    title_page, verso = (squash(a4.pages[index].extract_text()) for index in (0, 1))
    assert book.config.rights and squash(book.config.rights) in verso
    assert squash(book.config.rights) not in title_page
    assert squash(book.config.title) in title_page


@pytest.mark.slow
def test_every_note_is_at_the_foot_of_the_page_of_its_call(a4: PdfReader, book: Book) -> None:
    """Each note stands at the foot of its call's page, or begins there (its first words) and
    runs on at the foot of the next (note_splits.py)."""
    pages = destination_pages(a4)
    for note in book.notes:
        page = pages[note.call_anchor]
        assert pages[note.anchor] == page, f"note {note.number} is not on the page of its call"
        texts = [each.extract_text() for each in a4.pages[page : page + 2]]
        assert PrintedText(texts).holds(f"{note.number}. {note.text}", continued=True), note.number
        assert squash(f"{note.number}. {note.text}")[:40] in squash(texts[0]), (
            f"note {note.number} begun elsewhere"
        )


@pytest.mark.slow
def test_every_plate_caption_is_on_the_page_of_its_image(a4: PdfReader, book: Book) -> None:
    pages = destination_pages(a4)
    for plate in book.plates:
        page = a4.pages[pages[plate.anchor]]
        images = [
            xobject
            for xobject in page["/Resources"]["/XObject"].values()
            if xobject.get_object()["/Subtype"] == "/Image"
        ]
        assert images, f"{plate.label}: no image on its page"
        assert squash(f"{plate.label}.") in squash(page.extract_text())


@pytest.mark.slow
def test_all_fonts_are_embedded(a4: PdfReader) -> None:
    fonts: dict[str, DictionaryObject] = {}
    for page in a4.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts") or [font]
            for descendant in descendants:
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                fonts[str(descriptor["/FontName"])] = descriptor
    assert fonts and all(
        any(key in d for key in ("/FontFile", "/FontFile2", "/FontFile3")) for d in fonts.values()
    )
    # Only the book face: no fallback font stood in anywhere, margin boxes included.
    assert {name.split("+")[-1] for name in fonts} == {"Charis-SIL", "Charis-SIL-Italic", "Charis-SIL-Bold"}


@pytest.mark.slow
def test_document_metadata_and_tags(a4: PdfReader, book: Book) -> None:
    root = a4.trailer["/Root"]
    assert root["/Lang"] == "en" and "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    info = a4.metadata
    assert info is not None
    assert (info.title, info.author) == (book.config.title, book.config.author)
    assert info.subject == book.config.description
    assert info["/Keywords"] == ", ".join(book.config.subjects)
    assert info["/Creator"] == "amnesty-book"
    assert info["/CreationDate"] == "D:20261126000000Z", "dates come from the config, not the clock"


@pytest.mark.slow
def test_both_paper_sizes(built_book: dict[str, Path]) -> None:
    for edition, (width, height) in (("pdf", (210, 297)), ("pdf-letter", (215.9, 279.4))):
        for page in PdfReader(built_book[edition]).pages:
            box = page.mediabox
            assert (round(float(box.width)), round(float(box.height))) == (
                round(width * MM),
                round(height * MM),
            )


@pytest.mark.slow
def test_pull_quotes_are_printed_but_not_read_twice(a4: PdfReader, built_book: dict[str, Path]) -> None:
    """The passage is printed twice (text and pull quote) but tagged once, so read once."""
    passage = squash("was born in pain")
    printed = squash(" ".join(page.extract_text() for page in a4.pages))
    assert printed.count(passage) == 2
    tagged = squash(pdf_tagged_text(built_book["pdf"]))
    assert tagged.count(passage) == 1
    assert squash("Hesitation of the Soviets") in tagged and squash("— Ed.") in tagged


def test_a_note_that_can_be_neither_placed_nor_split_under_its_call_fails_the_build(
    small_project: SmallProject,
) -> None:
    """A note longer than a page runs on over the next pages (note_splits.py), and no note may
    follow it on a page where it runs on: a second note called from its line has no page."""
    long_note = " ".join(["This note goes on and on, longer than any page can hold."] * 160)
    small_project.replace(
        "manuscript/article.md", "Some text with a note.[^n]", "Some text with a note.[^n] A second.[^m]"
    )
    small_project.replace(
        "manuscript/article.md", "[^n]: The note text.", f"[^n]: {long_note}\n\n[^m]: A second note."
    )
    with pytest.raises(BookError) as error:
        from amnesty_book.publish import build

        build(small_project.root, editions=["reader-a4"])
    assert [str(p) for p in error.value.problems] == [
        "manuscript/article.md:13: note 2 [^m] does not fit at the foot of the page where it is called "
        "(reader-a4); shorten the note or split it in two"
    ]
    assert not (small_project.root / "dist").exists()


def test_a_long_note_that_fits_on_a_fresh_page_lands_whole(small_project: SmallProject) -> None:
    """The call's paragraph moves to a new page where the whole note fits: no text is lost."""
    from amnesty_book.publish import build

    filler = "\n\n".join(["A paragraph of running text that fills the page up. " * 6] * 9)
    note = " ".join(["A long note, a third of a page."] * 40)
    small_project.replace("manuscript/article.md", "Some text with a note.[^n]", f"{filler}\n\nThe call.[^n]")
    small_project.replace("manuscript/article.md", "[^n]: The note text.", f"[^n]: {note}")
    (pdf,) = build(small_project.root, editions=["reader-a4"])
    reader = PdfReader(pdf)
    pages = destination_pages(reader)
    assert pages["note-1"] == pages["noteref-1"]
    assert squash(note) in squash(reader.pages[pages["note-1"]].extract_text())


@pytest.mark.slow
def test_timeline_header_repeats_on_every_page_of_the_table(a4: PdfReader, book: Book) -> None:
    pages = destination_pages(a4)
    first = pages["timeline-title"]
    last_event = squash(plain_text(book.appendix("timeline")[-1].event))
    index = first
    while last_event not in squash(a4.pages[index].extract_text()):
        index += 1
    assert index > first, "the timeline should run over more than one page in this book"
    for page in a4.pages[first : index + 1]:
        assert squash("Date Event Source") in squash(page.extract_text())


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["pdf", "pdf-letter"])
def test_no_timeline_page_holds_fewer_than_three_rows(
    built_book: dict[str, Path], book: Book, edition: str
) -> None:
    reader = PdfReader(built_book[edition])
    first = destination_pages(reader)["timeline-title"]
    # An event's words up to its first cross-reference: print adds the target's page to it.
    events = [
        squash(plain_text(tuple(takewhile(str.__instancecheck__, entry.event))))
        for entry in book.appendix("timeline")
    ]
    rows_per_page = []
    for page in reader.pages[first:]:
        text = squash(page.extract_text())
        rows_per_page.append(sum(event in text for event in events))
        if events[-1] in text:
            break
    assert sum(rows_per_page) == len(events)
    assert min(rows_per_page) >= 3, rows_per_page
