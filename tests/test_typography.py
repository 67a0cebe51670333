"""The reader PDFs' typography read back: the measure, hyphenation, headings, captions."""

from __future__ import annotations

import itertools
import re
import statistics
import zipfile
from pathlib import Path

import lxml.html
import pypdfium2
import pytest
from lxml import etree
from pdfminer.layout import LTChar, LTTextLine
from weasyprint import HTML

from amnesty_book.layout import weasyprint as patches
from amnesty_book.layout.plate_plan import first_plan
from amnesty_book.project.config import Edition
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from amnesty_book.theme.page_geometry import measure_mm, text_block
from conftest import REPO, SmallProject, sample_project
from readback import pdf_layout

READERS = {
    "pdf": Edition("reader-a4", "reader", "A4"),
    "pdf-letter": Edition("reader-letter", "reader", "Letter"),
}
MM = 72 / 25.4
BODY_SIZE = 10.5


def lines_of(path: Path) -> list[tuple[int, LTTextLine, float]]:
    """(page index, line, font size) of every text line."""
    return [(index, line, size) for index, page in enumerate(pdf_layout(path)) for line, size in page.lines]


@pytest.mark.slow
@pytest.mark.parametrize("edition", READERS)
def test_the_body_text_sets_60_to_75_characters_a_line(built_book: dict[str, Path], edition: str) -> None:
    measure = measure_mm(READERS[edition]) * MM
    full = [
        len(line.get_text().strip())
        for _, line, size in lines_of(built_book[edition])
        if abs(size - BODY_SIZE) < 0.2 and line.width > 0.9 * measure
    ]
    assert len(full) > 50
    assert 60 <= statistics.median(full) <= 75


@pytest.mark.slow
@pytest.mark.parametrize("edition", READERS)
def test_names_are_not_hyphenated(built_book: dict[str, Path], edition: str) -> None:
    """No line ends inside a word that begins with a capital ("Bri-" / "tain"); a word may
    break after a hyphen of its own ("Government-" / "in-Exile")."""
    sources = " ".join(
        (REPO / name).read_text(encoding="utf-8")
        for name in ("manuscript/article.md", "images/plates.yaml", "manuscript/timeline.yaml")
    )
    lines = lines_of(built_book[edition])
    for (page, line, _), (_, following, _) in itertools.pairwise(lines):
        broken = re.search(r"(\S+[-\u2010])$", line.get_text().rstrip())
        if broken and broken.group(1)[:1].isupper():
            rest = following.get_text().split()[0] if following.get_text().split() else ""
            assert f"{broken.group(1)}{rest}"[: len(broken.group(1)) + 2] in sources, (
                f"page {page + 1}: '{broken.group(1)}' splits a name"
            )


@pytest.mark.slow
@pytest.mark.parametrize("edition", READERS)
def test_the_chapter_title_keeps_its_date_and_its_last_word(
    built_book: dict[str, Path], edition: str
) -> None:
    title = load_book(REPO).chapters[0].title.text.replace("\u00a0", " ")
    big = [line.get_text().strip() for _, line, size in lines_of(built_book[edition]) if size > 14]
    title_lines = [text for text in big if text and text in title]
    assert title_lines, "the chapter title is set in large type"
    assert not any(text.endswith("August,") or text == "occur?" for text in title_lines)
    assert any("August, 1941 occur?" in text for text in title_lines)


@pytest.mark.slow
@pytest.mark.parametrize("edition", READERS)
def test_a_caption_is_no_wider_than_its_image(built_book: dict[str, Path], edition: str) -> None:
    book = load_book(REPO)
    widths = first_plan(book, READERS[edition]).widths_mm
    narrowest = min(widths.values()) * MM
    assert narrowest < measure_mm(READERS[edition]) * MM - 10, (
        "the book has a plate narrower than the measure"
    )
    for index, page in enumerate(pdf_layout(built_book[edition])):
        block = text_block(READERS[edition], index)
        images = [item for item in page.images if item.width > 40]
        captions = [
            line
            for line, size in page.lines
            if size < BODY_SIZE - 1 and line.get_text().lstrip().startswith("Plate ")
        ]
        for caption in captions:
            above = [image for image in images if image.y0 >= caption.y1 - 2]
            if not above:
                continue
            image = min(above, key=lambda image: image.y0 - caption.y1)
            assert caption.x0 >= image.x0 - 1 and caption.x1 <= image.x1 + 1, (
                f"page {index + 1}: '{caption.get_text().strip()[:30]}' runs past its image"
            )
            assert block.left - 1 <= image.x0 and image.x1 <= block.right + 1


def test_no_more_than_two_hyphenated_lines_in_a_row(tmp_path: Path) -> None:
    """A narrow justified column of long words, where WeasyPrint alone sets ladders of five
    hyphens, keeps to two in a row and still hyphenates."""
    patches.apply()
    words = (
        "the negotiations concerning the government representatives continued throughout september "
        "although considerable disagreements persisted regarding compensation arrangements and "
        "administrative responsibilities "
    )
    body = (
        "<body style='width: 44mm; text-align: justify; hyphens: auto; font-size: 10pt; "
        f"hyphenate-limit-chars: 7 3 3'><p>{words * 8}</p></body>"
    )
    pdf = tmp_path / "column.pdf"
    HTML(string=f"<html lang='en'>{body}</html>").write_pdf(pdf)
    ends = [line.get_text().rstrip().endswith(("-", "\u2010")) for _, line, _ in lines_of(pdf)]
    runs = [len(list(group)) for hyphenated, group in itertools.groupby(ends) if hyphenated]
    assert runs, "the column is hyphenated"
    assert max(runs) <= 2


@pytest.mark.slow
def test_the_plates_list_keeps_a_captions_italics_but_not_its_note_calls(built_book: dict[str, Path]) -> None:
    """Plate 5's caption quotes an inscription in italics; Plate 2's calls a note, which the list,
    repeating the caption, does not call again."""
    with zipfile.ZipFile(built_book["epub"]) as epub:
        name = next(member for member in epub.namelist() if member.endswith("plates.xhtml"))
        listed = etree.fromstring(epub.read(name))
    web = lxml.html.parse(str(built_book["web"] / "index.html")).getroot().xpath('//section[@id="plates"]')[0]
    for plates in (listed, web):
        captions = plates.xpath(".//*[local-name()='span'][@class='caption']")
        assert "Stalin’s paradise" in "".join(plates.xpath(".//*[local-name()='em']/text()"))
        assert not plates.xpath(".//*[local-name()='a'][@role='doc-noteref']")
        assert len(captions) == 4


def test_calls_of_notes_side_by_side_are_parted_in_every_edition(tmp_path: Path) -> None:
    """Notes 2 and 3 called at one place read “disputed.²,³”, not “disputed.²³” (twenty-three);
    a book words the separator its own way ([labels] note_call_separator)."""
    project = SmallProject(tmp_path / "book")
    project.replace(
        "manuscript/article.md",
        "More text.",
        "More text, disputed.[^a][^b] Then.\n\n[^a]: First.\n\n[^b]: Second.",
    )
    out = project.root / "dist"
    build(project.root, out, editions=["web", "epub", "reader-a4"])
    assert "disputed.2,3 Then." in _web_paragraph(out, "disputed")
    with zipfile.ZipFile(out / "small.epub") as epub:
        chapter = next(name for name in epub.namelist() if name.endswith("chapter-1.xhtml"))
        assert "disputed.2,3 Then." in " ".join(
            etree.fromstring(epub.read(chapter)).xpath("string()").split()
        )
    pdf = pypdfium2.PdfDocument(out / "small-reader-a4.pdf")
    assert any("disputed.2,3" in pdf[index].get_textpage().get_text_range() for index in range(len(pdf)))
    config = project.root / "book.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[labels]\nnote_call_separator = "\u2009"\n', "utf-8"
    )
    build(project.root, out, editions=["web"])
    assert "disputed.2\u20093 Then." in _web_paragraph(out, "disputed")


def test_a_note_that_opens_with_a_quotation_has_its_number_on_the_quotations_first_line(
    tmp_path: Path,
) -> None:
    """The mill book's note on the miller's account, made to open with the line it quotes: its
    number stands on that line, the quotation indented after it, not alone on a line above it
    (the Pepys diary's notes quoting Rugge's Diurnal), in the reader and in the web edition (laid
    out here by WeasyPrint, as a browser lays it out); the build's checks read the note whole
    after its number in every edition built."""
    root = sample_project("mill", tmp_path)
    manuscript = root / "manuscript" / "1-mill.md"
    quotation = "Ground no corn from the flood to Michaelmas."
    manuscript.write_text(
        manuscript.read_text(encoding="utf-8").replace(
            "[^account]: The account survives", f"[^account]:\n    > {quotation}\n\n    The account survives"
        ),
        encoding="utf-8",
    )
    build(root, root / "dist", editions=["reader-a4", "web", "epub"])  # read back and checked, or it fails
    note = next(note for note in load_book(root).notes if note.label == "account")
    web = HTML(root / "dist" / "mill-road-web" / "index.html").write_pdf()
    for pdf in (root / "dist" / "mill-road-reader-a4.pdf", web):
        lines = [
            (number, " ".join(line.get_text().split()), line)
            for number, page in enumerate(pdf_layout(pdf))
            for line, _ in page.lines
        ]
        numbered = [entry for entry in lines if entry[1].startswith(f"{note.number}.")]
        ((quoted_page, _, quoted),) = [entry for entry in lines if entry[1].endswith(quotation)]
        ((_, _, number),) = [entry for entry in numbered if entry[0] == quoted_page]
        # On one line (a line of notes is 11 pt or more; the web's quotation is in a type a
        # little smaller than its number's, their boxes aligned at the top).
        assert abs(quoted.y0 - number.y0) < 1.5, "on one line"


def _web_paragraph(out: Path, words: str) -> str:
    web = lxml.html.parse(str(out / "small-web" / "index.html")).getroot()
    return next(p.text_content() for p in web.iter("p") if words in p.text_content())


def test_a_notes_number_of_two_figures_stands_a_space_from_its_text(tmp_path: Path) -> None:
    """The citations book's notes run past nine (its citations become notes): each number of two
    figures, hanging in the margin of the note area, ends a space before its note's first word,
    as "9." does (it touched it: "10.Nowak")."""
    root = sample_project("citations", tmp_path)
    build(root, root / "dist", editions=["reader-a4"])
    pdf = root / "dist" / f"{load_book(root).config.slug}-reader-a4.pdf"
    gaps = {}  # by note number, in ems of the note's type (a later line may open with "40.")
    for page in pdf_layout(pdf):
        for line, size in page.lines:
            chars = [char for char in line if isinstance(char, LTChar)]
            number = re.match(r"(\d+)\. ?\S", line.get_text())
            if number and size < BODY_SIZE - 1 and int(number.group(1)) == len(gaps) + 1:
                figures = len(number.group(1))
                gaps[len(gaps) + 1] = (chars[figures + 1].x0 - chars[figures].x1) / size
    assert len(gaps) >= 10
    assert min(gaps.values()) >= 0.15, gaps
