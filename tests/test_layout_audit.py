"""The layout audit: each defect is found, with its code and page, in a PDF made to have it; the
real book's editions have no error.

The test PDFs are laid out by WeasyPrint from small HTML pages, on page_geometry's pages with
a design of the tests' own (A4 reader pages: 46 lines of 15 pt fill the text block), in the
book face.
"""

from __future__ import annotations

import base64
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pydyf
import pytest
from PIL import Image
from weasyprint import HTML
from weasyprint.document import Document

from amnesty_book.checks.layout_audit import audit_pdf, audit_sheets
from amnesty_book.cli import main
from amnesty_book.layout import weasyprint as patches
from amnesty_book.model import Book
from amnesty_book.prepress.imposition import impose_booklet
from amnesty_book.project.config import POINTS_PER_MM, Edition
from amnesty_book.project.edition_kinds import PAPERS
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from amnesty_book.support.diagnostics import CODES, ERROR, INFO, WARNING, Diagnostic
from amnesty_book.theme.page_geometry import DESIGNS, page_css
from conftest import FONT_FILES, SmallProject

READER = Edition("reader-a4", "reader", "A4")
PRESS = Edition("press", "press", "A4")
HANDOUT = Edition("handout-a4", "handout", "A4")

_FACES = {"Regular": ("normal", "normal"), "Bold": ("bold", "normal"), "Italic": ("normal", "italic")}
FACES = "".join(
    f"@font-face {{ font-family: Book; font-weight: {weight}; font-style: {style}; "
    f'src: url("{font.as_uri()}"); }}\n'
    for font in FONT_FILES
    for name, (weight, style) in _FACES.items()
    if font.stem.endswith(f"-{name}")
)
# Lines of 15 pt: 46 fill the A4 text block. Heads and folios stand in the margins.
STYLE = """
html { font-family: Book; }
body { margin: 0; text-align: justify; line-height: 15pt; hyphens: manual; }
p { margin: 0; text-indent: 1.2em; orphans: 1; widows: 1; }
h1 { font-size: 1.6em; line-height: 30pt; margin: 0; }
h2 { font-size: 1.2em; line-height: 15pt; margin: 0; break-after: auto; }
@page { @bottom-center { content: counter(page, lower-roman); font-size: 9pt; } }
@page :left { @top-left { content: "A Small Book"; font-size: 8.5pt; font-style: italic; } }
"""
# Set justified on the measure, this sentence makes two full lines and a short one.
SENTENCE = (
    "The negotiations began on the fifth of July, when the general met the ambassador in London "
    "and asked for the release of every prisoner held in the camps. "
)


def fill(lines: int) -> str:
    """Short lines of text, one a line."""
    return "".join(f"<div>Line {number} of the filling text.</div>" for number in range(lines))


def png(width_mm: int, height_mm: int) -> str:
    """A grey PNG as a data URL."""
    data = io.BytesIO()
    Image.new("L", (width_mm * 4, height_mm * 4), 128).save(data, "PNG")
    return "data:image/png;base64," + base64.b64encode(data.getvalue()).decode()


def page_full() -> str:
    """A part's title (two lines) and a page of running text after it."""
    return "<h1>A part</h1>" + fill(44)


def pdf(body: str, css: str = "", edition: Edition = READER, labelled: bool = True) -> bytes:
    """The body set as the builder sets pages, WeasyPrint's patches applied (whatever test ran
    before); `labelled`, its pages labelled as STYLE numbers them, as the builder labels its own."""
    patches.apply()
    patches.start_layout({})
    html = f"<html lang='en'><style>{FACES}{page_css(edition)}{STYLE}{css}</style><body>{body}</body></html>"
    document = HTML(string=html).render()
    pdf = document.write_pdf(finisher=_roman_labels if labelled else None)
    assert pdf is not None
    return pdf


def _roman_labels(_: Document, pdf: pydyf.PDF) -> None:
    pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array([0, pydyf.Dictionary({"S": "/r"})])})


@pytest.fixture(autouse=True)
def fixed_design(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test pages keep a design of their own, whatever the book's becomes (the real book,
    built by `built_book`, keeps the book's)."""
    if "built_book" in request.fixturenames:
        return
    designs = {
        "A4": {"font_size_pt": 10.5, "top_mm": 24, "bottom_mm": 27, "inner_mm": 36, "outer_mm": 54},
        "A5": {"font_size_pt": 9, "top_mm": 19, "bottom_mm": 22, "inner_mm": 18, "outer_mm": 28},
    }
    for paper, values in designs.items():
        monkeypatch.setitem(DESIGNS, paper, replace(DESIGNS[paper], head_mm=12, folio_mm=13, **values))


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    """A book of one note (anchors note-1, noteref-1) and one plate (plate-one, 'Plate 1')."""
    project = SmallProject(tmp_path_factory.mktemp("small") / "project")
    return load_book(project.root)


def code(finding: Diagnostic) -> str:
    return finding.code


# The measure's and the texture's summaries, tested on their own.
SUMMARIES = ("L301", "L302", "L411")


def problems(findings: list[Diagnostic]) -> list[tuple[str, str]]:
    """(code, page) of each finding but the summaries."""
    return [(code(f), f.where) for f in findings if code(f) not in SUMMARIES]


def only(findings: list[Diagnostic], wanted: str) -> Diagnostic:
    (found,) = [f for f in findings if code(f) == wanted]
    return found


def test_a_well_set_part_has_nothing_but_its_measure(book: Book) -> None:
    findings = audit_pdf(pdf(page_full() + f"<p>{SENTENCE * 6}</p>"), READER, book)
    assert problems(findings) == []
    measure, texture = findings
    assert measure.severity == INFO and measure.where == "body text"
    assert measure.said.startswith("L301 characters a line: body text ")
    assert texture.severity == INFO and texture.said.startswith("L411 word spaces: 0.0 % of ")


def test_the_grid_is_the_leading_to_a_hundredth_of_a_point(book: Book) -> None:
    """Lines 15.225 pt apart, the readers' leading: rounded to 15.2 pt, a page's last lines would
    stand a point off the grid its first lines make (a book of one long paragraph: 1 of its 322
    pages on the grid)."""
    heading = f"<h1 id='{book.chapters[0].title.anchor}'>A part</h1>"
    css = "body { line-height: 15.225pt; } h1 { line-height: 30.45pt; }"
    findings = audit_pdf(pdf(heading + fill(45 * 4), css), READER, book)
    said = only(findings, "L104").said
    assert said.startswith("L104 baseline grid: 4 of 4 pages of the chapters have every body line")


def test_every_finding_has_its_code_its_edition_and_a_hint(book: Book) -> None:
    body = (
        "<h1>A part</h1>"
        + fill(20)
        + f"<p style='break-before: page; margin-right: -20mm'>{SENTENCE * 25}</p>"
    )
    findings = audit_pdf(pdf(body, "body { font-size: 7pt; }"), READER, book)
    assert sorted(code(f) for f in findings) == ["L101", "L201", "L301", "L302", "L411"]
    for finding in findings:
        assert finding.edition == "reader-a4" and finding.severity == CODES[code(finding)].severity
        assert finding.hint, "a hint follows the message"


def test_a_line_standing_into_the_margin_is_an_error(book: Book) -> None:
    body = "<h1>A part</h1>" + fill(10) + f"<p style='margin-right: -20mm'>{SENTENCE}</p>"
    (finding,) = [f for f in audit_pdf(pdf(body), READER, book) if f.severity == ERROR]
    assert finding.where == "page 1 (folio i)"
    assert finding.said.startswith(
        "L201 text “The negotiations began on the…” stands 20.0 mm into the outer margin; only the running"
    )


def test_the_margins_mirror(book: Book) -> None:
    """A page's inner margin is on the left of a right-hand page, on the right of a left-hand one."""
    body = page_full() + "<p style='margin-left: -5mm; text-indent: 0'>Into the margin.</p>"
    (finding,) = [f for f in audit_pdf(pdf(body), READER, book) if f.severity == ERROR]
    assert finding.where == "page 2 (folio ii)"
    assert finding.said.startswith("L201 text “Into the margin.” stands 5.0 mm into the outer margin;")


def test_an_image_and_a_rule_out_of_the_text_block(book: Book) -> None:
    image = f"<img src='{png(100, 20)}' style='width: 100mm; margin-left: -10mm'/>"
    rule = "<hr style='margin: 5mm -8mm 0 0; border: 0; border-top: 1pt solid black'/>"
    findings = audit_pdf(pdf(f"<h1>A part</h1><div>{image}</div>{rule}"), READER, book)
    assert [f.said.split(";")[0] for f in findings if f.severity == ERROR] == [
        "L201 image stands 10.0 mm into the inner margin (and 1 more on this page)"
    ]
    findings = audit_pdf(pdf(f"<h1>A part</h1>{rule}"), READER, book)
    assert [f.said.split(";")[0] for f in findings if f.severity == ERROR] == [
        "L201 rule stands 8.0 mm into the outer margin"
    ]


def test_a_plate_drawn_over_text_or_over_another_plate(book: Book) -> None:
    """As a float page with more plates than room drew its last over the notes."""
    over_text = f"<img src='{png(60, 20)}' style='display: block; width: 60mm; margin-top: -4mm'/>"
    findings = audit_pdf(pdf(f"<h1>A part</h1>{fill(3)}{over_text}"), READER, book)
    assert [f.said.split(";")[0] for f in findings if f.severity == ERROR] == [
        "L202 a plate over the text “Line 2 of the filling text.”"
    ]
    over_plate = f"<img src='{png(60, 20)}' style='display: block; width: 60mm; margin-top: -5mm'/>"
    plates = f"<img src='{png(60, 20)}' style='display: block; width: 60mm'/>{over_plate}"
    findings = audit_pdf(pdf(f"<h1>A part</h1>{plates}{fill(3)}"), READER, book)
    assert [f.said.split(";")[0] for f in findings if f.severity == ERROR] == [
        "L202 two plates over each other"
    ]
    beside = f"<img src='{png(60, 20)}' style='display: block; width: 60mm'/>"
    assert [
        f
        for f in audit_pdf(pdf(f"<h1>A part</h1>{fill(3)}{beside}{beside}{fill(3)}"), READER, book)
        if code(f) == "L202"
    ] == []


def test_running_heads_and_folios_may_stand_in_the_margins_but_not_two_lines(book: Book) -> None:
    body = page_full() + f"<p>{SENTENCE * 3}</p>"
    assert problems(audit_pdf(pdf(body), READER, book)) == []
    two_lines = "@page :left { @top-left { content: 'A Small Book\\A on two lines'; white-space: pre; } }"
    findings = audit_pdf(pdf(body, two_lines), READER, book)
    assert problems(findings) == [("L201", "page 2 (folio ii)")]
    message = only(findings, "L201").said
    assert "“A Small Book” stands" in message and "into the top margin (and 1 more" in message


def test_the_press_file_marks_outside_the_trim_are_not_ink(book: Book) -> None:
    marked = "@page { bleed: 12mm; marks: crop; }"
    assert problems(audit_pdf(pdf(page_full() + f"<p>{SENTENCE}</p>", marked, PRESS), PRESS, book)) == []
    stray = page_full() + f"<p style='margin-right: -3mm'>{SENTENCE * 3}</p>"
    findings = audit_pdf(pdf(stray, marked, PRESS), PRESS, book)
    assert problems(findings) == [("L201", "page 2 (folio ii)")]
    assert "stands 3.0 mm into the inner margin" in only(findings, "L201").said


def test_a_half_empty_page_within_a_part_is_underfull(book: Book) -> None:
    body = "<h1>A part</h1>" + fill(20) + f"<p style='break-before: page'>{SENTENCE}</p>"
    findings = audit_pdf(pdf(body), READER, book)
    assert problems(findings) == [("L101", "page 1 (folio i)")]
    assert only(findings, "L101").said.startswith(
        "L101 the text block is 53% empty (25 lines' white at its foot) and the page does not end a part;"
    )


def test_a_parts_last_page_may_be_short(book: Book) -> None:
    body = "<h1>A part</h1>" + fill(20) + "<h1 style='break-before: page'>Another part</h1>" + fill(3)
    assert problems(audit_pdf(pdf(body), READER, book)) == []


def test_the_last_page_of_a_parts_text_may_be_short_when_plates_alone_follow(book: Book) -> None:
    """A chapter's last plates may close it on a page of their own: the text's last page
    before them is the part's end, as far as its white goes; text after them is not."""
    body = "<h1>A part</h1>" + fill(20) + plate_page(centred=True)
    assert problems(audit_pdf(pdf(body), READER, book)) == []
    text_after = body + f"<p>{SENTENCE * 3}</p>"
    assert problems(audit_pdf(pdf(text_after), READER, book)) == [("L101", "page 1 (folio i)")]


def plate_page(centred: bool) -> str:
    """A page holding a plate alone, 120 mm tall with its caption's line under it: centred on
    the text block of 690 pt (59 mm of white above it), or hung at its head."""
    image = f"<img src='{png(100, 120)}' style='display: block'/>"
    return (
        f"<div style='break-before: page; padding-top: {59 if centred else 0}mm'>{image}"
        "<p style='font-size: 8pt'>Plate 5.</p></div>"
    )


def test_a_plate_alone_on_its_page_stands_on_the_text_blocks_centre(book: Book) -> None:
    """LaTeX's float page: a plate hung at the head of a page with no text under it is found."""
    findings = audit_pdf(pdf("<h1>A part</h1>" + fill(20) + plate_page(centred=False)), READER, book)
    assert problems(findings) == [("L102", "page 2 (folio ii)")]
    assert only(findings, "L102").said.startswith(
        "L102 a page of plates alone has 0 lines' white above them and 22 below; a float page's"
    )


def test_white_above_a_plate_at_a_pages_foot(book: Book) -> None:
    """A plate under the text's last line with a hole between (a note's call moved on, say)."""
    image = f"<img src='{png(100, 40)}' style='display: block'/>"
    hole = "<h1>A part</h1>" + fill(25) + f"<div style='height: 120pt'></div>{image}"
    findings = audit_pdf(pdf(hole), READER, book)
    assert "L103" in [code(f) for f in findings]
    assert only(findings, "L103").said.startswith(
        "L103 a plate at the page's foot has 8.2 lines' white above it, from the last line's baseline;"
    )
    close = "<h1>A part</h1>" + fill(25) + f"<div style='height: 20pt'></div>{image}"
    assert "L103" not in [code(f) for f in audit_pdf(pdf(close), READER, book)]


def test_a_note_split_though_its_page_had_room_for_it(book: Book) -> None:
    """A note begun at a page's foot and run on at the next page's, under a page whose text
    stops half-way: it need not have been split. Each page's notes stand under a rule."""
    note = "<div style='font-size: 8pt; line-height: 10pt'>{}</div>"
    rule = "<div style='border-top: 0.5pt solid black; width: 30%; margin-top: 5pt'></div>"
    run_on = f"<div style='break-before: page'>{fill(40)}</div>{rule}" + note.format(
        "runs on to the next page."
    )
    run_on += note.format("2. Another note.")
    short = (
        "<h1>A part</h1>"
        + fill(10)
        + "<div style='height: 470pt'></div>"
        + rule
        + note.format("1. The note begins")
    )
    findings = audit_pdf(pdf(short + run_on), READER, book)
    assert "L504" in [code(f) for f in findings]
    assert only(findings, "L504").where == "page 2 (folio ii)"
    assert only(findings, "L504").said.startswith(
        "L504 a note runs on here from page 1 (folio i), which had "
    )
    full = "<h1>A part</h1>" + fill(42) + rule + note.format("1. The note begins")
    assert "L504" not in [code(f) for f in audit_pdf(pdf(full + run_on), READER, book)]


def test_a_gap_of_white_between_text_counts_as_empty(book: Book) -> None:
    body = "<h1>A part</h1>" + fill(10) + "<div style='height: 300pt'></div>" + fill(14) + fill(44)
    findings = audit_pdf(pdf(body), READER, book)
    assert problems(findings) == [("L101", "page 1 (folio i)")]
    assert "(a gap of 20 lines)" in only(findings, "L101").said


def test_three_hyphenated_line_ends_in_a_row(book: Book) -> None:
    ladder = (
        "A line whose last word is hy-<br/>phenated, and the next line ends in an-<br/>"
        "other broken word, as does"
    )
    three = (
        f"<p style='text-align: left'>{ladder} this one again, bro-<br/>ken too, and then a whole word.</p>"
    )
    findings = audit_pdf(pdf("<h1>A part</h1>" + three), READER, book)
    assert problems(findings) == [("L401", "page 1 (folio i)")]
    assert only(findings, "L401").said.startswith(
        "L401 3 hyphenated line ends in a row, from “A line whose last word is hy-”"
    )
    two = f"<p style='text-align: left'>{ladder} this one again, and the next line is whole.</p>"
    assert problems(audit_pdf(pdf("<h1>A part</h1>" + two), READER, book)) == []


def test_word_spaces_are_measured_and_loose_ones_warned(book: Book) -> None:
    """Set whole (total_fit.py), the lines keep their spaces near 0.3 em; widened by the
    stylesheet, nearly every line is loose (L412), and wider still, each is a hole (L413)."""
    text = f"<h1>A part</h1><p>{SENTENCE * 24}</p>"
    texture = only(audit_pdf(pdf(text), READER, book), "L411")
    found = re.match(
        r"L411 word spaces: ([\d.]+) % of (\d+) justified lines wider than 0.5 em; widest ([\d.]+) em",
        texture.said,
    )
    assert (
        found is not None and float(found[1]) == 0 and int(found[2]) >= 30 and 0.25 < float(found[3]) <= 0.5
    )
    loose = audit_pdf(pdf(text, "p { word-spacing: 0.3em }"), READER, book)
    share = re.match(
        r"L412 ([\d.]+) % of the justified lines have word spaces wider than 0.5 em", only(loose, "L412").said
    )
    assert share is not None and float(share[1]) > 90
    holes = audit_pdf(pdf(text, "p { word-spacing: 0.6em }"), READER, book)
    assert len([f for f in holes if code(f) == "L413"]) >= 30
    assert only(holes, "L412").severity == WARNING


def test_a_word_broken_over_the_leaf_and_a_hyphenated_stub(book: Book) -> None:
    """The last line of a right-hand page ends on a hyphen, its word finished overleaf (L421);
    a paragraph ends on two letters of a hyphenated word (L422). Set with forced breaks, as
    another program might have set them: the audit reads whatever PDF it is given."""
    over = (
        "<p>The first line of the paragraph,<br/>and the second ends on a well-<br/>known word overleaf.</p>"
    )
    findings = audit_pdf(pdf("<h1>A part</h1>" + fill(42) + over + f"<p>{SENTENCE * 3}</p>"), READER, book)
    assert problems(findings) == [("L421", "page 1 (folio i)")]
    assert "; 1 of 2 pages end on a hyphen; for information" in only(findings, "L411").said
    assert only(findings, "L421").said.startswith(
        "L421 the page's last line “and the second ends on a well-”"
    )
    stub = "<p style='text-align: left'>A paragraph that ends on the stub of a hyphenat-<br/>ed.</p>"
    findings = audit_pdf(pdf("<h1>A part</h1>" + stub), READER, book)
    assert problems(findings) == [("L422", "page 1 (folio i)")]
    assert only(findings, "L422").said.startswith(
        "L422 a paragraph ends on the stub “ed.” of a hyphenated word"
    )


def test_a_line_ending_between_bound_words(book: Book) -> None:
    """Lines broken between a note and its number, a month and its day (L423), as another
    program might break them; between the day and the year, at a plain space, or where a
    paragraph ends, they may."""
    split = (  # each line but the last set full, as a line that breaks for want of room
        "<p style='text-align: justify; text-align-last: justify'>As the text says in note<br/>3, the "
        "talks began on June<br/>23, 1941 and ended on July 30,<br/>1941 in London, as the<br/>general "
        "said.</p><p style='text-align: left'>A paragraph that ends on May</p><p>12 of that year.</p>"
    )
    findings = [
        finding
        for finding in audit_pdf(pdf("<h1>A part</h1>" + split), READER, book)
        if code(finding) != "L413"
    ]
    assert problems(findings) == [("L423", "page 1 (folio i)"), ("L423", "page 1 (folio i)")]
    assert [finding.said.split(";")[0] for finding in findings if code(finding) == "L423"] == [
        "L423 a line ends between “note” and “3,”, which the book binds together",
        "L423 a line ends between “June” and “23,”, which the book binds together",
    ]


def test_a_page_a_viewer_names_otherwise_than_its_folio(book: Book) -> None:
    """Unlabelled, a viewer names the pages 1 and 2 where they print i and ii (L801)."""
    unlabelled = pdf("<h1>A part</h1>" + fill(42) + f"<p>{SENTENCE * 3}</p>", labelled=False)
    findings = [found for found in audit_pdf(unlabelled, READER, book) if code(found) == "L801"]
    assert problems(findings) == [("L801", "page 1 (folio i)"), ("L801", "page 2 (folio ii)")]
    assert findings[0].said.startswith("L801 the PDF has no page labels; label the pages as their folios run")


def test_an_even_folio_on_a_right_hand_page_or_an_odd_one_on_a_left(book: Book) -> None:
    """Folios counted from 2 on the first page, a right-hand one: every page stands on the wrong
    side of the leaf (L802); counted from 1, none does."""
    body = "<h1>A part</h1>" + fill(42) + f"<p>{SENTENCE * 3}</p>"
    arabic = "@page { @bottom-center { content: counter(page); } }"
    wrong = pdf(body, arabic + "@page :first { counter-reset: page 2; }", labelled=False)
    findings = [found for found in audit_pdf(wrong, READER, book) if code(found) == "L802"]
    assert problems(findings) == [("L802", "page 1 (folio 2)"), ("L802", "page 2 (folio 3)")]
    assert findings[0].said.startswith("L802 folio 2 stands on a right-hand page; open the text on a")
    right = pdf(body, arabic, labelled=False)
    assert [found for found in audit_pdf(right, READER, book) if code(found) == "L802"] == []


def test_a_hyphen_before_a_number_or_a_line_ending_in_a_dash_is_no_hyphenation(book: Book) -> None:
    lines = "The years 1939-<br/>1945, and so on -<br/>as the text says, and once more-<br/>3 times."
    assert (
        problems(audit_pdf(pdf(f"<h1>A part</h1><p style='text-align: left'>{lines}</p>"), READER, book))
        == []
    )


def test_a_note_away_from_its_call_is_an_error(book: Book) -> None:
    body = (
        "<h1>A part</h1><p>A call<a id='noteref-1' href='#note-1'>1</a> in the text.</p>"
        "<p id='note-1' style='break-before: page'>1. The note text.</p>"
    )
    findings = audit_pdf(pdf(body), READER, book)
    assert ("L501", "page 1 (folio i)") in problems(findings)
    note = only(findings, "L501")
    assert note.severity == ERROR
    assert note.said == (
        "L501 note 1 is called on this page but stands on page 2 (folio ii); shorten the note, "
        "or the paragraph calling it (manuscript/article.md:11)"
    )
    same_page = body.replace(" style='break-before: page'", "")
    assert [f for f in audit_pdf(pdf(same_page), READER, book) if f.said.startswith("L501")] == []


@pytest.mark.parametrize(
    ("plate_page", "expected"),
    [(2, []), (3, [("L503", "page 4 (folio iv)")]), (0, [("L502", "page 1 (folio i)")])],
    ids=["next page", "two pages later", "before its marker"],
)
def test_a_plate_far_from_its_marker_is_reported(
    book: Book, plate_page: int, expected: list[tuple[str, str]]
) -> None:
    pages = [f"<h1 style='break-before: page'>Part {n}</h1>" for n in range(5)]
    pages[1] += "<span id='marker-plate-one'></span>"
    pages[plate_page] += "<figure id='plate-one'>Plate 1. A caption.</figure>"
    findings = audit_pdf(pdf("".join(pages)), READER, book)
    assert [p for p in problems(findings) if p[0] in ("L502", "L503")] == expected
    for finding in findings:
        if code(finding) in ("L502", "L503"):  # before its marker is certainly wrong; later, a warning
            assert finding.severity == (ERROR if code(finding) == "L502" else WARNING)


def test_a_plate_without_a_marker_is_not_checked(book: Book) -> None:
    body = "<h1>A part</h1><h1 style='break-before: page'>B</h1><figure id='plate-one'>Plate 1.</figure>"
    assert [f for f in audit_pdf(pdf(body), READER, book) if f.said.startswith("L502")] == []


def test_a_heading_at_the_foot_of_a_page(book: Book) -> None:
    body = (
        "<h1>A part</h1>" + fill(43) + "<h2>A section</h2>" + f"<p style='break-before: page'>{SENTENCE}</p>"
    )
    findings = audit_pdf(pdf(body), READER, book)
    assert problems(findings) == [("L601", "page 1 (folio i)")]
    assert only(findings, "L601").said.startswith(
        "L601 the heading “A section” stands at the foot of the page"
    )


def test_a_heading_with_its_text_is_not_stranded(book: Book) -> None:
    body = "<h1>A part</h1>" + fill(40) + "<h2>A section</h2>" + f"<p>{SENTENCE * 3}</p>"
    assert problems(audit_pdf(pdf(body), READER, book)) == []


def test_an_orphan(book: Book) -> None:
    """The paragraph's indented first line alone in the last line of the page."""
    findings = audit_pdf(pdf("<h1>A part</h1>" + fill(43) + f"<p>{SENTENCE * 2}</p>"), READER, book)
    assert problems(findings) == [("L602", "page 1 (folio i)")]
    assert only(findings, "L602").said.startswith(
        "L602 orphan: the paragraph from “The negotiations began on the…” leaves its first line alone"
    )


def test_the_contents_entries_are_no_orphans(book: Book) -> None:
    """The same lines as the orphan's, but in the contents, which runs on to a second page."""
    body = f'<nav id="contents"><h1>Contents</h1>{fill(43)}<p>{SENTENCE * 2}</p></nav>'
    body += '<h1 style="break-before: page">A part</h1>'
    assert problems(audit_pdf(pdf(body), READER, book)) == []


def test_a_widow(book: Book) -> None:
    """A paragraph of three lines, two at the foot of a page and its last at the next one's head."""
    body = "<h1>A part</h1>" + fill(42) + f"<p>{SENTENCE}</p><p>{SENTENCE}</p>"
    findings = audit_pdf(pdf(body), READER, book)
    assert problems(findings) == [("L603", "page 2 (folio ii)")]
    assert only(findings, "L603").said.startswith("L603 widow: the line “the camps.” ends its paragraph")


def test_two_lines_either_side_of_the_page_break_are_neither(book: Book) -> None:
    body = "<h1>A part</h1>" + fill(42) + f"<p>{SENTENCE * 2}</p>"
    assert problems(audit_pdf(pdf(body), READER, book)) == []


def test_the_measure_is_reported_and_a_long_one_warned(book: Book) -> None:
    text = f"<h1>A part</h1><p>{SENTENCE * 30}</p>"
    small = audit_pdf(pdf(text, "body { font-size: 7pt; }"), READER, book)
    measure = only(small, "L302")
    assert measure.severity == WARNING and measure.where == "body text"
    assert measure.said.startswith("L302 the body text sets ")
    assert ", outside 60–75; narrow the measure" in measure.said
    short = audit_pdf(pdf(f"<h1>A part</h1><p>{SENTENCE * 6}</p>", "body { font-size: 7pt; }"), READER, book)
    assert [code(f) for f in short] == ["L301", "L411"], "a few lines are no sample of a measure"


def test_the_body_text_is_told_from_notes_that_outnumber_it(book: Book) -> None:
    """A note-heavy page: more characters in the small type than in the body's; the body's
    measure is still the body's (no L302 for the notes' longer lines)."""
    body = f"<h1>A part</h1><p>{SENTENCE * 12}</p><div style='font-size: 7pt'>{SENTENCE * 30}</div>"
    findings = audit_pdf(pdf(body), READER, book)
    assert [code(f) for f in findings] == ["L301", "L411"], findings
    said = re.match(r"L301 characters a line: body text (\d+) ", only(findings, "L301").said)
    assert said is not None and 60 <= int(said.group(1)) <= 75, findings


def test_a_ligature_overhanging_the_measure_is_no_overflow(book: Book) -> None:
    """Justified lines ending in "off" (an ff ligature, whose ink overhangs its advance) stay
    inside the text block; a word wider than the measure does not."""
    justified = "text-align: justify; text-align-last: justify"
    lines = "".join(f"<div style='{justified}'>the ship was seen off</div>" for _ in range(40))
    stretched = audit_pdf(pdf(f"<h1>A part</h1>{lines}"), READER, book)
    assert not [f for f in stretched if code(f) == "L201"]  # only its word spaces are wrong (L412, L413)
    wide = audit_pdf(pdf(f"<h1>A part</h1><p>{'x' * 120}</p>"), READER, book)
    assert only(wide, "L201").severity == ERROR


def test_imposed_sheets_keep_ink_clear_of_the_edge() -> None:
    width, height = (mm * POINTS_PER_MM for mm in PAPERS["A4"][1])
    sheet = (width, height)
    bare = "@page { @bottom-center { content: none; } } @page :left { @top-left { content: none; } }"
    pages = pdf(page_full() + f"<p>{SENTENCE * 20}</p>", bare, HANDOUT)
    assert audit_sheets(impose_booklet(pages, sheet), HANDOUT) == []
    stray = page_full() + f"<p style='margin-right: -22mm'>{SENTENCE * 20}</p>"
    (finding,) = audit_sheets(impose_booklet(pdf(stray, bare, HANDOUT), sheet), HANDOUT)
    assert finding.severity == ERROR and finding.where == "page 2 (sheet 1, back)"
    assert finding.said.startswith("L701 text “")
    assert re.search(r"stands 6\.\d mm from the sheet's right edge, within 10 mm of it;", finding.said)


@pytest.mark.slow
def test_the_real_books_editions_have_no_layout_error(built_book: dict[str, Path]) -> None:
    book = load_book(Path(__file__).resolve().parent.parent)
    for edition in book.config.editions:
        if not edition.paged:
            continue
        path = built_book[edition.name]
        if edition.kind == "handout":
            findings = audit_sheets(path, edition)
        else:
            findings = audit_pdf(path, edition, book)
            assert any(f.said.startswith("L301 ") for f in findings), "the measure is reported"
        assert [str(f) for f in findings if f.severity == ERROR] == [], edition.name


def test_check_reports_the_audit(small_project: SmallProject, capsys: pytest.CaptureFixture[str]) -> None:
    """Errors and warnings in the report of `check`; the measure (an info) with --verbose only."""
    build(small_project.root, editions=["reader-a4"])
    capsys.readouterr()  # what the build told, with the verbosity an earlier test may have left
    arguments = ["check", "--project", str(small_project.root), "--edition", "reader-a4", "--format", "json"]
    assert main(arguments) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "findings": []}
    assert main([*arguments, "--verbose"]) == 0
    measure, texture = json.loads(capsys.readouterr().out)["findings"]
    assert measure["severity"] == "info" and measure["code"] == "L301"
    assert measure["message"].startswith("characters a line: body text ")
    assert texture["severity"] == "info" and texture["code"] == "L411"
    stray = page_full() + f"<p style='margin-right: -20mm'>{SENTENCE * 3}</p>"
    (small_project.root / "dist" / "small-reader-a4.pdf").write_bytes(pdf(stray))
    assert main(arguments) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert {"edition": "reader-a4", "where": "page 2 (folio ii)", "severity": "error"}.items() <= next(
        f for f in findings if f["code"] == "L201"
    ).items()


def test_a_handouts_pages_are_audited_before_imposition(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its sheets show no measure: the one reported is its pages'."""
    arguments = ["build", "--project", str(small_project.root), "--edition", "handout-a4", "--verbose"]
    assert main(arguments) == 0
    measured = [line.strip() for line in capsys.readouterr().out.splitlines() if "L301" in line]
    assert len(measured) == 1 and measured[0].startswith("handout-a4: body text: L301 characters a line")


def test_a_page_left_short_by_the_notes_the_next_line_calls_says_so(book: Book) -> None:
    """Pepys's handout, folio 14: the next page's first line calls four notes of 24 lines, which
    must begin under their call; the audit names them, not a plate or a forced break. Here 25
    lines are white, and the notes 40 lines of 10 pt; where they would have fitted, it does not."""
    note = "<div style='font-size: 8pt; line-height: 10pt'>{}</div>"
    rule = "<div style='border-top: 0.5pt solid black; width: 30%; margin-top: 5pt'></div>"
    call = "<sup style='font-size: 6pt'>{}</sup>"

    def page_after(lines_of_notes: tuple[int, int]) -> str:
        notes = "".join(
            note.format(f"{number}. A note of {count} lines.")
            + "".join(note.format(f"Its line {line}.") for line in range(count - 1))
            for number, count in zip((1, 2), lines_of_notes, strict=True)
        )
        text = f"<div>Mr. Harrington,{call.format(1)} Poultny,{call.format(2)} and others came.</div>"
        spacer = "<div style='height: 40pt'></div>"
        return f"<div style='break-before: page'>{text}{fill(3)}</div>{spacer}{rule}{notes}"

    short = "<h1>A part</h1>" + fill(20)
    findings = audit_pdf(pdf(short + page_after((24, 16))), READER, book)
    assert only(findings, "L101").said.endswith(
        "; the next page's first lines call notes 1 and 2, 40 lines, which must begin under their "
        "call and do not fit here with it: call some of them from a later line, or shorten them"
    )
    findings = audit_pdf(pdf(short + page_after((2, 2))), READER, book)
    assert only(findings, "L101").said.endswith("or the paragraphs before may gain or lose a line")


def test_a_page_left_short_before_a_heading_that_calls_a_note_says_so(book: Book) -> None:
    """A heading that calls a note must stand on a page with its first lines and the note: where
    they do not fit under a page's text, the page is left short, and the audit says what the
    author may do (the long book's handout had two such pages before page_lookback.py filled
    them). A heading with no call gets the advice as before."""
    note = "<div style='font-size: 8pt; line-height: 10pt'>1. The heading's note.</div>"
    rule = "<div style='border-top: 0.5pt solid black; width: 30%; margin-top: 5pt'></div>"

    def page_after(heading: str) -> str:
        return f"<div style='break-before: page'><h2>{heading}</h2>{fill(3)}</div>{rule}{note}"

    short = "<h1>A part</h1>" + fill(20)
    called = "A section<sup style='font-size: 6pt'>1</sup>"
    findings = audit_pdf(pdf(short + page_after(called)), READER, book)
    assert only(findings, "L101").said.endswith(
        "; the heading that follows calls a note, which does not fit here with the heading and its "
        "first lines: call the note from the section's text instead, as the Chicago Manual of Style "
        "advises"
    )
    findings = audit_pdf(pdf(short + page_after("A section")), READER, book)
    assert only(findings, "L101").said.endswith("or the paragraphs before may gain or lose a line")
