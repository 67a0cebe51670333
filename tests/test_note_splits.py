"""Notes too long for the foot of their call's page, begun there and continued overleaf as LaTeX
sets them: read back from the PDFs of the letters sample book (tests/books/letters), whose
note on the keeper's book of rules cannot stand whole under its call; and the check's reading
of a note over two pages."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest
from pdfminer.layout import LTTextLine

from amnesty_book.checks.readback import PrintedText, epub_documents, squash, text_of
from amnesty_book.layout.weasyprint import linebox, note_splits
from amnesty_book.model.text import plain_text
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from amnesty_book.theme.page_geometry import design
from amnesty_book.writers import imposed_pages
from conftest import sample_project
from readback import LaidOutPage, pdf_layout

# The notes are set at 8.5 pt, the running text at 10.5 pt, folios and running heads between.
NOTE_SIZE = 8.5


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    root = sample_project("letters", tmp_path_factory.mktemp("samples"))
    build(root, root / "dist")
    book = load_book(root)
    return root, {
        edition.name: root / "dist" / edition.output_name(book.config.slug)
        for edition in book.config.editions
    }


def note_lines(page: LaidOutPage, note_size: float = NOTE_SIZE) -> list[str]:
    """The page's foot area, top to bottom: the lines at the notes' size below its running text
    (not its folio); no-break spaces read as spaces."""
    lines = sorted(page.lines, key=lambda entry: -entry[0].y1)
    body = [line for line, size in lines if size > note_size + 0.5 and len(text(line)) > 3]
    lowest = min((line.y0 for line in body), default=float("inf"))
    notes = [line for line, size in lines if abs(size - note_size) < 0.3 and line.y1 < lowest]
    return [text(line).replace("\u00a0", " ") for line in notes]


def text(line: LTTextLine) -> str:
    return line.get_text().strip()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["reader-a4", "reader-letter", "press"])
def test_a_note_too_long_for_its_page_begins_under_its_call_and_runs_on_overleaf(
    letters: tuple[Path, dict[str, Path]], name: str
) -> None:
    root, editions = letters
    book = load_book(root)
    rules = next(note for note in book.notes if note.label == "rules")
    whole = squash(f"{rules.number}. {plain_text(rules.content)}")
    pages = pdf_layout(editions[name])
    call = next(
        index
        for index, page in enumerate(pages)
        if any("almost word for word" in text(line) for line, _ in page.lines)
    )
    # Its number opens a line of the call's page's notes, and what follows it there is its head.
    here = note_lines(pages[call])
    start = next(index for index, line in enumerate(here) if line.startswith(f"{rules.number}. "))
    head = here[start:]
    assert whole.startswith(squash(" ".join(head))), "the note's head stands under its call"
    assert len(head) >= 2, "a head of two lines at least"
    # The next page's notes open with the rest of it, before its own.
    overleaf = note_lines(pages[call + 1])
    rest = whole[len(squash(" ".join(head))) :]
    tail = []
    for line in overleaf:
        if squash(" ".join(tail)) == rest:
            break
        tail.append(line)
    assert squash(" ".join(tail)) == rest, "the rest of the note opens the next page's notes"
    assert len(tail) >= 2, "a tail of two lines at least"
    assert not tail[0][:3].rstrip(".").isdigit(), "the continued note prints no number again"
    assert overleaf[len(tail)].startswith(f"{rules.number + 1}. "), "the next page's own notes follow it"


@pytest.mark.slow
def test_no_page_of_the_letters_keeps_a_hole_for_the_long_note(letters: tuple[Path, dict[str, Path]]) -> None:
    """Before notes were split, the page of the long note's call ended 15 lines early (L101): the
    calling line went overleaf with its note. Now every page of the letters but the last of its
    text runs down to its notes: the last line of text stands within two lines of their rule."""
    _, editions = letters
    pages = pdf_layout(editions["reader-a4"])
    first = next(
        index
        for index, page in enumerate(pages)
        if any("The harbour at Westmouth" in text(line) for line, _ in page.lines)
    )
    last = max(
        index
        for index, page in enumerate(pages)
        if any("middle of a sentence" in text(line) for line, _ in page.lines)
    )
    for index in range(first, last):
        lines = pages[index].lines
        body = [line for line, size in lines if size > NOTE_SIZE + 1 and len(text(line)) > 3]
        notes = [line for line, size in lines if abs(size - NOTE_SIZE) < 0.3]
        gap = min(line.y0 for line in body) - max(line.y1 for line in notes)
        assert gap < 2 * 10.5 * 1.45 + 20, f"page {index + 1}: {gap:.0f} pt between the text and the notes"


@pytest.mark.slow
def test_the_epub_keeps_the_note_whole(letters: tuple[Path, dict[str, Path]]) -> None:
    root, editions = letters
    book = load_book(root)
    rules = next(note for note in book.notes if note.label == "rules")
    documents = epub_documents(editions["epub"])
    asides = [
        aside
        for document in documents.values()
        for aside in document.iter("{http://www.w3.org/1999/xhtml}aside")
        if aside.get("id") == f"note-{rules.number}"
    ]
    assert len(asides) == 1
    assert squash(text_of(asides[0])) == squash(f"{rules.number}. {plain_text(rules.content)}")


PAGES = [
    "Chapter one. Body text.1 1. The book of rules, printed for the harbour board and issued to 1",
    "Running head. More body text. every keeper on the coast, survives in two copies. 2. Another note. 2",
    "Running head. The third page. 3",
]
NOTE = (
    "1. The book of rules, printed for the harbour board and issued to every keeper on the coast, "
    "survives in two copies."
)


def test_the_check_reads_a_note_begun_on_one_page_and_continued_on_the_next() -> None:
    printed = PrintedText(PAGES)
    assert NOTE not in printed
    assert printed.holds(NOTE, continued=True)


def test_the_check_does_not_join_parts_two_pages_apart_nor_parts_out_of_order() -> None:
    apart = PrintedText([PAGES[0], PAGES[2], PAGES[1]])
    assert not apart.holds(NOTE, continued=True)
    backwards = PrintedText([PAGES[1], PAGES[0]])
    assert not backwards.holds(NOTE, continued=True)


def test_the_check_does_not_take_a_few_letters_for_a_part_of_a_note() -> None:
    printed = PrintedText(["Text. 1. The book of rules. 1", "coast, survives. 2"])
    assert not printed.holds(
        "1. The book of rules. A sentence that is printed nowhere at all, coast.", continued=True
    )


def test_a_line_holding_the_notes_number_counts_once() -> None:
    """The note's number is an inline block with a line box of its own inside the line that
    holds it. Counted as a second line, a note opening with a quotation (its number alone on
    the first line) was split after the number, which stood alone at the page's foot, the
    quotation overleaf (a diary's note in issue 27's real books)."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    from amnesty_book.layout.weasyprint.note_splits import lines_of

    html = (
        '<div id="lead"><span style="display: inline-block">144.</span></div>'
        '<div id="two">One line<br>and another</div>'
    )
    page = HTML(string=html).render().pages[0]._page_box
    blocks = {
        box.element.get("id"): box
        for box in page.descendants()
        if isinstance(box, boxes.BlockBox) and box.element is not None and box.element.get("id")
    }
    assert len(lines_of(blocks["lead"])) == 1
    assert len(lines_of(blocks["two"])) == 2


@pytest.mark.slow
def test_a_note_whose_tail_would_be_one_line_is_split_a_line_earlier(tmp_path: Path) -> None:
    """The Polish book's handout: under the line that calls the postman's note, four of its five
    lines fit, which would leave its tail a single line; the note went overleaf whole with its
    call and left the page six lines short (L101). Its head is now a line shorter (its first
    paragraph: the second's two lines keep together), its tail three lines overleaf."""
    root = sample_project("polish", tmp_path)
    book = load_book(root)
    (handout,) = [edition for edition in book.config.editions if edition.name == "handout-a4"]
    pages = pdf_layout(imposed_pages(handout.kind)(book, handout))
    notes = partial(note_lines, note_size=design(handout).font_size_pt - 1)  # a point under the text

    call = next(
        index for index, page in enumerate(pages) if any("na zaspy" in text(line) for line, _ in page.lines)
    )
    here = notes(pages[call])
    head = here[next(index for index, line in enumerate(here) if "Poczta przychodziła saniami" in line) :]
    assert len(head) == 2 and head[-1].endswith("dwa razy w tygodniu."), head
    assert notes(pages[call + 1])[:3] == [
        "Listonosz prowadził książkę, w której zapisywał, co przywiózł. Pod datą",
        "9 grudnia czytamy:",
        "Jeden list do domu przy młynie. Droga za brodem zła.",
    ]


@pytest.mark.parametrize(
    ("lines_before", "lines_after", "kept"),
    [
        (0, 9, 1),  # the paragraph's first line on the page: the second keeps it company
        (1, 9, 0),  # its second: the two lines the page needs are set
        (0, 1, 1),  # one line left: a widow overleaf, so the page holds it
        (0, 0, 0),  # the paragraph's last line
    ],
)
def test_the_room_for_a_notes_head_keeps_the_lines_its_paragraph_needs_on_the_page(
    lines_before: int, lines_after: int, kept: int
) -> None:
    """Pepys's diary (handout-a4, folio 145): a paragraph's first line called a note of ten lines
    at a page's foot; its head took all the room under that line, so the line stood alone there
    (orphans: 2), and the paragraph went overleaf with the note whole, leaving the page 27 %
    empty. The head now leaves room for the lines the paragraph must set on the page."""
    paragraph = SimpleNamespace(style={"orphans": 2, "widows": 2})
    line = SimpleNamespace(lines_after=lines_after)
    at = linebox.LineBeingSet(line, paragraph, 0.0, lines_before)  # type: ignore[arg-type]
    assert note_splits._lines_to_keep(at) == kept
