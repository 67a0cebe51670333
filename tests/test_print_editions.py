"""The print editions read back: press boxes, handout imposition and grey images, archive attachments."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTCurve, LTTextContainer
from pypdf import PageObject, PdfReader
from weasyprint import HTML

from amnesty_book.checks.readback import PrintedText, pdf_pages
from amnesty_book.cli import main
from amnesty_book.prepress.imposition import impose_booklet, pages_of_booklet, saddle_stitch_order
from amnesty_book.project.config import Edition
from amnesty_book.readers.loading import load_book
from amnesty_book.theme.page_geometry import plate_width_mm
from amnesty_book.writers import imposed_pages
from conftest import REPO, SmallProject
from readback import pdf_layout, walk

MM = 72 / 25.4
FOLIO = re.compile(r"[ivxlc]+|\d+")
A4 = (210 * MM, 297 * MM)
LETTER = (215.9 * MM, 279.4 * MM)


def box(page: PageObject, name: str) -> tuple[float, ...]:
    return tuple(round(float(value), 1) for value in page[name])


@pytest.mark.slow
def test_press_file_has_trim_and_bleed_boxes(built_book: dict[str, Path]) -> None:
    reader = PdfReader(built_book["press"])
    bleed = 3 * MM
    for page in reader.pages:
        assert box(page, "/TrimBox") == (0, 0, round(A4[0], 1), round(A4[1], 1))
        assert box(page, "/BleedBox") == (
            round(-bleed, 1),
            round(-bleed, 1),
            round(A4[0] + bleed, 1),
            round(A4[1] + bleed, 1),
        )
        media = box(page, "/MediaBox")
        assert media[0] <= -11 * MM and media[2] >= A4[0] + 11 * MM, "room for crop marks past the bleed"


@pytest.mark.slow
def test_press_crop_marks_stand_outside_the_bleed(built_book: dict[str, Path]) -> None:
    """Each corner has marks on the lines of the trim, drawn wholly beyond the 3 mm bleed."""
    layout = next(extract_pages(built_book["press"], maxpages=1))
    page = PdfReader(built_book["press"]).pages[0]
    x0, y0 = float(page.mediabox.left), float(page.mediabox.bottom)  # pdfminer moves this corner to 0, 0
    trim = tuple(float(v) - offset for v, offset in zip(page.trimbox, (x0, y0, x0, y0), strict=True))
    bleed = 3 * MM
    marks = [e.bbox for e in walk(layout) if isinstance(e, LTCurve) and e.width * e.height == 0]
    outside = [
        m
        for m in marks
        if m[2] <= trim[0] - bleed
        or m[0] >= trim[2] + bleed
        or m[3] <= trim[1] - bleed
        or m[1] >= trim[3] + bleed
    ]
    lines = {round(v, 1) for v in trim}
    crop = [
        m
        for m in outside
        if round(m[0], 1) == round(m[2], 1) in lines or round(m[1], 1) == round(m[3], 1) in lines
    ]
    assert len(crop) == 8, "two marks at each of the four corners, on the trim's lines, clear of the bleed"
    assert {round(v, 1) for m in crop for v in m} & lines == lines
    # Registration crosses: a circle at the middle of each edge, beyond the bleed.
    circles = [e.bbox for e in walk(layout) if isinstance(e, LTCurve) and e.width * e.height > 0]
    centres = {(round((c[0] + c[2]) / 2, 1), round((c[1] + c[3]) / 2, 1)) for c in circles}
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert len(centres) == 4
    for x, y in centres:
        above_or_below = abs(x - width / 2) < 1 and (y < trim[1] - bleed or y > trim[3] + bleed)
        left_or_right = abs(y - height / 2) < 1 and (x < trim[0] - bleed or x > trim[2] + bleed)
        assert above_or_below or left_or_right, (x, y)


@pytest.mark.slow
def test_no_plate_of_the_book_prints_under_300_ppi(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real book's scans are large enough; a 60 px image in a small book is reported."""
    assert main(["build", "--project", str(small_project.root), "--edition", "press"]) == 0
    err = capsys.readouterr().err
    ppi = round(60 / (plate_width_mm(Edition("press", "press", "A4"), 60, 40) / 25.4))
    assert err == (
        f"images/plates.yaml:1: warning: Plate 1 ('one') prints at {ppi} ppi in the press edition, "
        f"under 300; supply a scan at least {60 * 300 // ppi + 1} pixels wide\n"
    )
    assert (
        main(["build", "--project", str(REPO), "--edition", "press", "--out", str(small_project.root / "o")])
        == 0
    )
    assert "warning" not in capsys.readouterr().err


def sheet_folios(path: Path) -> list[tuple[str, str]]:
    """For each sheet side, the folio printed at the foot of its left and of its right half."""
    sides = []
    # Each page stands on its sheet as a form XObject, whose text pdfminer groups in lines
    # only when asked (all_texts).
    for layout in extract_pages(path, laparams=LAParams(all_texts=True)):
        lowest: dict[int, tuple[float, str]] = {}
        for element in walk(layout):
            if isinstance(element, LTTextContainer) and FOLIO.fullmatch(element.get_text().strip()):
                half = int(element.x0 >= layout.width / 2)
                if half not in lowest or element.y0 < lowest[half][0]:
                    lowest[half] = (element.y0, element.get_text().strip())
        sides.append(tuple(lowest.get(half, (0.0, ""))[1] for half in (0, 1)))
    return sides  # type: ignore[return-value]


def expected_folio(index: int, pages: int) -> str:
    """Folio of page `index` of the booklet: none on the title page and on blanks (the verso
    iv before folio 1, which stands on a recto, and the pages that fill the last sheet), roman
    ii and iii for the imprint on its verso and the contents, arabic from the article on."""
    if index in (0, 3) or index >= pages:
        return ""
    return {1: "ii", 2: "iii"}.get(index, str(index - 3))


@pytest.mark.slow
@pytest.mark.parametrize(("edition", "sheet"), [("handout-a4", A4), ("handout-letter", LETTER)])
def test_handout_is_imposed_for_saddle_stitching(
    built_book: dict[str, Path], edition: str, sheet: tuple[float, float]
) -> None:
    reader = PdfReader(built_book[edition])
    sides = reader.pages
    assert len(sides) % 2 == 0, "each sheet has a front and a back"
    for side in sides:  # landscape sheets: two half-sheet pages side by side
        assert (round(float(side.mediabox.width)), round(float(side.mediabox.height))) == (
            round(sheet[1]),
            round(sheet[0]),
        )
    folios = sheet_folios(built_book[edition])
    printed = {folio for pair in folios for folio in pair if folio}
    pages = max(int(folio) for folio in printed if folio.isdigit()) + 4
    order = saddle_stitch_order(pages)
    assert len(order) == len(sides)
    assert folios == [(expected_folio(left, pages), expected_folio(right, pages)) for left, right in order]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["handout-a4", "handout-letter"])
def test_handout_notes_and_captions_a_point_below_the_text(name: str) -> None:
    """Text at 9 pt; notes and plate captions at 8 pt, a point below it and no smaller (the
    pages as the handout's writer makes them, before they go on sheets)."""
    book = load_book(REPO)
    (edition,) = [edition for edition in book.config.editions if edition.name == name]
    pages = pdf_layout(imposed_pages(edition.kind)(book, edition))
    lines = [(line.get_text().strip(), round(size, 1)) for page in pages for line, size in page.lines]
    assert Counter(size for _, size in lines).most_common(1)[0][0] == 9.0
    notes = {size for text, size in lines if re.match(r"\d{1,2}\. \S", text)}  # not "1941. On"
    captions = {size for text, size in lines if re.match(r"Plate \d+\. \S", text)}
    assert notes == {8.0} and captions == {8.0}, (notes, captions)


def test_saddle_stitch_order_of_eight_pages() -> None:
    # sheet 1 front: 8|1, back: 2|7; sheet 2 front: 6|3, back: 4|5 (pages counted from 1)
    assert [(left + 1, right + 1) for left, right in saddle_stitch_order(7)] == [
        (8, 1),
        (2, 7),
        (6, 3),
        (4, 5),
    ]


def test_a_booklet_is_read_back_in_the_order_of_its_pages(tmp_path: Path) -> None:
    """The check reads a booklet's sheets half by half in reading order: a note continued from
    page 6 to page 7 of eight runs on, where reading whole sheets (6|3, then 2|7) put page 3
    between them and 33 notes of a long book's handout were "not found"."""
    words = {number: f"Page {number}." for number in range(1, 9)}
    words[6], words[7] = "Page 6, a note begun", "and continued."
    pages = "".join(f'<p style="break-before: page">{text}</p>' for text in words.values())
    booklet = tmp_path / "booklet.pdf"
    booklet.write_bytes(impose_booklet(HTML(string=pages).write_pdf(), A4))
    read = pdf_pages(pages_of_booklet(booklet))
    assert [text.strip() for text in read] == list(words.values())
    assert PrintedText(read).holds("Page 6, a note begun and continued.", continued=True)
    assert not PrintedText(read).holds("Page 3. and continued.", continued=True)


@pytest.mark.slow
def test_handout_images_are_grey(built_book: dict[str, Path]) -> None:
    spaces = set()
    for side in PdfReader(built_book["handout-a4"]).pages:
        xobjects = side["/Resources"].get("/XObject", {})
        for form in xobjects.values():  # each half page is a form holding its images
            form = form.get_object()
            inner = form.get("/Resources", {}).get("/XObject", {}) if form["/Subtype"] == "/Form" else {}
            for image in [form, *(x.get_object() for x in inner.values())]:
                if image["/Subtype"] == "/Image":
                    spaces.add(str(image["/ColorSpace"]))
    assert spaces == {"/DeviceGray"}


@pytest.mark.slow
def test_archive_is_pdf_a_3a_with_its_sources_attached(built_book: dict[str, Path]) -> None:
    reader = PdfReader(built_book["archive"])
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part="3"', xmp) and re.search(r'pdfaid:conformance="A"', xmp)
    attachments = reader.attachments
    names = {
        "book.toml",
        "manuscript/article.md",
        "images/plates.yaml",
        "manuscript/timeline.yaml",
        "manuscript/sources.json",
    }
    assert set(attachments) == names
    for name in names:
        assert attachments[name] == [(REPO / name).read_bytes()]
    assert "/StructTreeRoot" in reader.trailer["/Root"]


def test_editions_command_lists_paper_colour_and_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["editions", "--project", str(REPO)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["edition", "kind", "paper", "colour", "output"]
    assert "handout-a4  handout  A5 pages on A4 sheets" in re.sub(r"\s{2,}", "  ", lines[6])
    assert lines[6].split()[-2:] == ["grayscale", "dist/amnesty-1941-handout-a4.pdf"]
