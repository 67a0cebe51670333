"""Plates as page floats, read back from the PDFs: at the head or foot of the text block, on
their marker's page or the next, with the running text flowing on past them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader

from amnesty_book.checks.layout_audit import audit_pdf
from amnesty_book.checks.readback import destination_pages, pdf_pages, squash
from amnesty_book.layout import plate_plan
from amnesty_book.layout.plate_plan import pull_quote_sources
from amnesty_book.model import Prose, PullQuote
from amnesty_book.model.text import plain_text
from amnesty_book.project.config import Edition
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.theme.page_geometry import TextBlock, measure_mm, text_block
from conftest import REPO, SmallProject, book_copy
from readback import pdf_layout

READERS = {
    "pdf": Edition("reader-a4", "reader", "A4"),
    "pdf-letter": Edition("reader-letter", "reader", "Letter"),
}
# Body lines are set at 10.5 pt; a "line" of slack when judging how full a page is.
LINE = 10.5 * 1.45


# A rectangle in PDF points from the page's lower left corner, as the text block is.
Box = TextBlock


@dataclass
class PageContent:
    images: list[Box]
    lines: list[tuple[Box, str]]


def page_contents(path: Path) -> list[PageContent]:
    """Each page's images and text lines, in PDF points from the page's lower left corner."""
    return [
        PageContent(
            [Box(image.x0, image.y0, image.x1, image.y1) for image in page.images],
            [(Box(line.x0, line.y0, line.x1, line.y1), line.get_text().strip()) for line, _ in page.lines],
        )
        for page in pdf_layout(path)
    ]


def destinations(path: Path) -> dict[str, int]:
    return destination_pages(PdfReader(path))


def placement(page: PageContent, image: Box, block: TextBlock, floats: str = "") -> str:
    """'head' when no line of running text stands above the plate's image in the text block
    (the captions of plates stacked above it may), 'foot' when none stands below it (its
    own caption, a pull quote floated with it and the notes may), else 'amid'. Running text
    is set at 10.5 pt, captions and notes smaller; `floats` is the text of the pull quotes."""
    running = [
        box
        for box, text in page.lines
        if block.bottom - 1 <= box.bottom
        and box.top <= block.top + 1
        and box.top - box.bottom >= 10.5
        and squash(text) not in floats
    ]
    if not any(box.bottom >= image.top for box in running):
        return "head"
    if not any(box.top <= image.bottom for box in running):
        return "foot"
    return "amid"


@pytest.mark.slow
@pytest.mark.parametrize("edition", READERS)
def test_each_plate_stands_at_the_head_or_foot_of_a_page_by_its_marker(
    built_book: dict[str, Path], edition: str
) -> None:
    book = load_book(REPO)
    path = built_book[edition]
    pages = page_contents(path)
    targets = destinations(path)
    pull_quotes = squash(
        " ".join(plain_text(b.content) for c in book.chapters for b in c.blocks if isinstance(b, PullQuote))
    )
    floated = 0
    for plate in book.plates:
        page = targets[plate.anchor]
        marker = targets.get(f"marker-{plate.anchor}")
        if marker is None:  # a plate that opens its chapter stands under its title
            continue
        floated += 1
        assert marker <= page <= marker + 1, (
            f"{plate.label} is on page {page + 1}, its marker on {marker + 1}"
        )
        images = pages[page].images
        assert images, f"no image on page {page + 1}"
        image = max(images, key=lambda box: box.top - box.bottom)
        where = placement(pages[page], image, text_block(READERS[edition], page), pull_quotes)
        assert where in ("head", "foot"), f"{plate.label} stands {where} the text of page {page + 1}"
        if page == marker + 1:
            assert where == "head", f"{plate.label}, held over to the next page, is not at its head"
    assert floated >= 3


def _paragraph(number: int) -> str:
    words = " ".join(f"word{number}x{index}" if index % 7 else "and" for index in range(90))
    return f"Paragraph {number} says {words}."


@pytest.fixture(scope="module")
def floating_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A chapter of long paragraphs with a tall plate after every fourth: some plates fall
    too near a page's foot to fit there."""
    project = SmallProject(tmp_path_factory.mktemp("floats") / "project")
    paragraphs = []
    plates = []
    for number in range(1, 25):
        paragraphs.append(_paragraph(number))
        if number % 4 == 2:
            plate_id = f"tall{number}"
            Image.new("RGB", (900, 1200), (100, 100, 100)).save(project.root / "images" / f"{plate_id}.jpg")
            paragraphs.append(f"::: plate {plate_id}")
            plates.append(
                f"- id: {plate_id}\n  file: {plate_id}.jpg\n  caption: A tall plate.\n  credit: Its credit.\n"
                f"  alt: A grey rectangle.\n  source: An archive\n"
            )
    project.write("manuscript/article.md", "# A chapter of plates\n\n" + "\n\n".join(paragraphs) + "\n")
    project.write("images/plates.yaml", "".join(plates))
    out = project.root / "dist"
    build(project.root, out, editions=["reader-a4"])
    pdf = out / "small-reader-a4.pdf"
    return pdf, destinations(pdf)


def test_text_flows_on_past_a_plate_that_does_not_fit_at_its_markers_page(
    floating_book: tuple[Path, dict[str, int]],
) -> None:
    pdf, targets = floating_book
    pages = page_contents(pdf)
    edition = READERS["pdf"]
    held_over = [
        name.removeprefix("marker-")
        for name in targets
        if name.startswith("marker-") and targets[name.removeprefix("marker-")] == targets[name] + 1
    ]
    assert held_over, "no plate of the test book was held over: the test book must make one"
    for anchor in held_over:
        marker_page = targets[f"marker-{anchor}"]
        block = text_block(edition, marker_page)
        body = [box for box, _ in pages[marker_page].lines if box.top - box.bottom >= 10]
        lowest = min(box.bottom for box in body)
        # The marker's page is filled with the text that follows the marker, to its foot.
        assert lowest - block.bottom < 3 * LINE, (
            f"page {marker_page + 1} ends {lowest - block.bottom:.0f} pt short"
        )
        image = max(pages[marker_page + 1].images, key=lambda box: box.top - box.bottom)
        assert placement(pages[marker_page + 1], image, text_block(edition, marker_page + 1)) == "head"


def test_every_page_of_the_floating_book_keeps_its_text_in_order(
    floating_book: tuple[Path, dict[str, int]],
) -> None:
    pdf, _ = floating_book
    text = squash(" ".join(pdf_pages(pdf)))
    positions = [text.find(f"Paragraph{number}says") for number in range(1, 25)]
    assert -1 not in positions and positions == sorted(positions)


@pytest.fixture(scope="module")
def own_page_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int], str]:
    """A plate whose caption makes it too tall to share a page with a few lines of text."""
    project = SmallProject(tmp_path_factory.mktemp("own-page") / "project")
    caption = " ".join(f"caption{index}" if index % 5 else "of the" for index in range(150))
    Image.new("RGB", (900, 1200), (100, 100, 100)).save(project.root / "images" / "tall.jpg")
    paragraphs = [_paragraph(number) for number in range(1, 9)]
    paragraphs.insert(3, "::: plate tall")
    project.write("manuscript/article.md", "# A chapter\n\n" + "\n\n".join(paragraphs) + "\n")
    project.write(
        "images/plates.yaml",
        f"- id: tall\n  file: tall.jpg\n  caption: {caption}\n  credit: Its credit.\n"
        "  alt: A grey rectangle.\n  source: An archive\n",
    )
    out = project.root / "dist"
    build(project.root, out, editions=["reader-a4"])
    pdf = out / "small-reader-a4.pdf"
    return pdf, destinations(pdf), caption


def test_a_plate_too_tall_to_share_a_page_has_the_next_page_to_itself(
    own_page_book: tuple[Path, dict[str, int], str],
) -> None:
    pdf, targets, caption = own_page_book
    pages = page_contents(pdf)
    edition = READERS["pdf"]
    marker, plate = targets["marker-plate-tall"], targets["plate-tall"]
    assert plate == marker + 1, f"the plate stands on page {plate + 1}, its marker on page {marker + 1}"

    def running(page: int) -> list[Box]:
        block = text_block(edition, page)
        return [
            box
            for box, _ in pages[page].lines
            if box.top - box.bottom >= 10.5 and block.bottom - 1 <= box.bottom and box.top <= block.top + 1
        ]

    block = text_block(edition, marker)
    lowest = min(box.bottom for box in running(marker))
    assert lowest - block.bottom < 3 * LINE, f"the marker's page ends {lowest - block.bottom:.0f} pt short"
    assert pages[plate].images and not running(plate), "the plate's page holds running text"
    highest = max(box.top for box in running(plate + 1))
    assert text_block(edition, plate + 1).top - highest < LINE, (
        "the text does not run on at the next page's head"
    )
    assert squash(caption) in squash(pdf_pages(pdf)[plate]), "the caption is not whole on the plate's page"


def _white_around_plates_alone(pdf: Path) -> list[tuple[int, float, float]]:
    """Each page of plates with no running text (a float page): its index, and the white above
    and below its plates (image and caption) in the text block."""
    found = []
    for index, page in enumerate(page_contents(pdf)):
        block = text_block(READERS["pdf"], index)
        inside = [box for box, _ in page.lines if block.bottom - 1 <= box.bottom and box.top <= block.top + 1]
        if not page.images or any(box.top - box.bottom >= 10.5 for box in inside):
            continue
        ink = [*page.images, *inside]
        found.append(
            (index, block.top - max(box.top for box in ink), min(box.bottom for box in ink) - block.bottom)
        )
    return found


@pytest.mark.slow
def test_a_chapters_last_plate_alone_on_its_page_is_centred_on_the_text_block(
    built_book: dict[str, Path],
) -> None:
    """The article's last plate does not fit under its last lines: it closes the article on a
    float page, as LaTeX sets one, centred rather than hung at the head of an empty page."""
    float_pages = _white_around_plates_alone(built_book["pdf"])
    assert float_pages, "the article has no float page: the test must find another plate left over"
    for index, above, below in float_pages:
        assert above > 3 * LINE and abs(above - below) < LINE, (
            f"page {index + 1}: {above:.0f} pt white above its plates, {below:.0f} pt below"
        )


@pytest.mark.slow
def test_a_chapters_last_plate_alone_on_its_page_fills_the_measure(built_book: dict[str, Path]) -> None:
    """Alone on its float page, the article's last plate (a scan 2400 px wide) is set the
    measure wide, no longer at the size that shares a page with text (68 mm)."""
    contents = page_contents(built_book["pdf"])
    measure = measure_mm(READERS["pdf"]) * 72 / 25.4
    for index, _, _ in _white_around_plates_alone(built_book["pdf"]):
        (image,) = contents[index].images
        assert image.right - image.left == pytest.approx(measure, abs=1), f"page {index + 1}"


@pytest.mark.slow
def test_a_chapters_last_plate_that_does_not_fit_beside_a_pages_floats_goes_to_the_next_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the plan's white threshold at 5 %, Plate 4 waits for folio 5, which also receives a
    pull quote: the article's last plate, closing its chapter after the text, no longer fits
    there. It was set over Plate 4's note as on an empty page, its caption sent overleaf (the
    audit's L201 and L202 failed the build); it goes to the next page whole."""
    monkeypatch.setattr(plate_plan, "_MOST_WHITE", 0.05)
    root = book_copy(tmp_path / "book")
    build(root, root / "dist", editions=["reader-a4"])
    pdf = root / "dist" / "amnesty-1941-reader-a4.pdf"
    targets, texts = destinations(pdf), pdf_pages(pdf)
    after, last = targets["plate-after-amnesty"], targets["plate-stalins-paradise"]
    assert last == after + 1, f"Plate 4 on page {after + 1}, Plate 5 on page {last + 1}"
    book = load_book(root)
    (plate,) = [plate for plate in book.plates if plate.id == "stalins-paradise"]
    assert squash(plain_text(plate.caption)) in squash(texts[last]), "Plate 5's caption is not on its page"


def test_a_plate_on_a_page_of_its_own_is_centred_on_the_text_block(
    own_page_book: tuple[Path, dict[str, int], str],
) -> None:
    pdf, targets, _ = own_page_book
    ((index, above, below),) = _white_around_plates_alone(pdf)
    assert index == targets["plate-tall"]
    assert abs(above - below) < LINE, f"{above:.0f} pt white above the plate, {below:.0f} pt below"


@pytest.mark.slow
@pytest.mark.parametrize("edition", READERS)
def test_the_text_and_its_notes_come_before_a_plate_at_a_pages_foot(
    built_book: dict[str, Path], edition: str
) -> None:
    """A line whose note does not fit beside a plate set at the page's foot keeps its place,
    and the plate waits for the next page's head: no hole above the plate (L103), as there was
    above Plate 2 when the line calling note 4 went over with its note."""
    findings = audit_pdf(built_book[edition], READERS[edition], load_book(REPO))
    assert [finding.said for finding in findings if finding.code in ("L102", "L103")] == []


def _destinations_with_tops(path: Path) -> dict[str, tuple[int, float]]:
    """Anchor -> (page index, the top of its element in PDF points), from the named destinations."""
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        found = {}
        for name, destination in pikepdf.NameTree(pdf.Root.Names.Dests).items():
            target = destination.get("/D") if isinstance(destination, pikepdf.Dictionary) else destination
            found[name] = (pages[target[0].objgen], float(target[3]))
        return found


@pytest.mark.slow
@pytest.mark.parametrize("edition", READERS)
def test_a_pull_quote_stands_off_the_spread_of_the_sentence_it_repeats(
    built_book: dict[str, Path], edition: str
) -> None:
    """Not on the spread where the reader has just read its sentence, nor low on a page with
    notes; one that no later spread of its chapter can take is left out of the pages."""
    book = load_book(REPO)
    places = _destinations_with_tops(built_book[edition])
    sources = {
        quote: source
        for chapter in book.chapters
        for quote, source in pull_quote_sources(chapter.blocks).items()
    }
    assert len(sources) == 2, "the article's two pull quotes repeat its sentences"
    shown = [quote for quote in sources if quote in places]
    assert shown, "every pull quote was left out"
    for quote in shown:
        page, top = places[quote]
        source_page = places[sources[quote]][0]
        assert (page + 1) // 2 != (source_page + 1) // 2, (
            f"{quote} on page {page + 1}, its sentence on {source_page + 1}"
        )
        block = text_block(READERS[edition], page)
        if any(name.startswith("note-") and at == page for name, (at, _) in places.items()):
            assert top > block.bottom + block.height / 3, (
                f"{quote} in the last third of page {page + 1}, over notes"
            )


def test_a_pull_quotes_sentence_is_found_in_any_case_and_with_its_paragraph_going_on() -> None:
    where = SourceLocation(Path("manuscript/a.md"), 1)
    paragraph = Prose(
        ("The pact was signed; it was, said the general, a beginning (of sorts).",), where, "b-1"
    )
    quote = PullQuote(("It was, said the general, a beginning.",), where, "b-2")
    unrelated = PullQuote(("A sentence the text never says.",), where, "b-3")
    assert pull_quote_sources([paragraph, quote, unrelated]) == {"b-2": "b-1"}
