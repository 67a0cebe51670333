"""The timeline table as a book sets it, read back from every paged edition: inside the text
block, columns at least 1 em apart, one size and one first baseline per row, titles of works
in italics, and on the handout's narrow pages no cell squeezed into one-word lines."""

from __future__ import annotations

import re
import statistics
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path

import lxml.html
import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTItem
from pypdf import PdfReader

from amnesty_book.model import Book
from amnesty_book.model.text import plain_text
from amnesty_book.prepress.imposition import saddle_stitch_order
from amnesty_book.project.config import PACKAGED_FACES, POINTS_PER_MM, Edition
from amnesty_book.project.edition_kinds import PAPERS
from amnesty_book.readers.loading import load_book
from amnesty_book.theme.page_geometry import TextBlock, text_block
from amnesty_book.theme.table_columns import column_widths
from conftest import REPO, SmallProject
from test_bad_input import failed_build

# Ink may cross the text block by this much: a glyph's overhang, half a rule's width.
TOLERANCE_PT = 0.5
# Characters on one line whose baselines differ by less than this are one line.
SAME_LINE_PT = 0.2
TITLE = "Documents on Polish–Soviet Relations 1939–1945"


@dataclass(frozen=True)
class Char:
    """A character in points from the trim box's lower left corner of its page."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float
    font: str


@dataclass(frozen=True)
class Run:
    """Characters on one baseline with no gap wider than half an em: one cell's line."""

    chars: tuple[Char, ...]

    @property
    def text(self) -> str:
        return "".join(char.text for char in self.chars)

    @property
    def x0(self) -> float:
        return self.chars[0].x0

    @property
    def x1(self) -> float:
        return self.chars[-1].x1

    @property
    def baseline(self) -> float:
        return self.chars[0].baseline

    @property
    def bold(self) -> bool:
        return all("Bold" in char.font for char in self.chars if char.text.strip())


@dataclass(frozen=True)
class Rule:
    """A painted path (a row's rule, a crop mark), its extent in points."""

    x0: float
    x1: float
    y0: float
    y1: float


@dataclass
class Ink:
    """What a page carries, in that page's own coordinates."""

    chars: list[Char] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)


@dataclass(frozen=True)
class TimelinePage:
    index: int  # in the edition's own page order, before any imposition
    block: TextBlock
    runs: tuple[Run, ...]  # the table's cell lines, top to bottom, left to right
    rules: tuple[Rule, ...]  # the rules within the text block's height


def paged_editions() -> list[str]:
    return [edition.name for edition in load_book(REPO).config.editions if edition.paged]


def edition_named(book: Book, name: str) -> Edition:
    return next(edition for edition in book.config.editions if edition.name == name)


def _drawn(item: LTItem) -> Iterator[LTChar | LTCurve]:
    if isinstance(item, LTChar | LTCurve):
        yield item
    elif isinstance(item, LTContainer):  # pages, and the forms an imposed sheet is made of
        for child in item:
            yield from _drawn(child)


def read_pages(path: Path, edition: Edition) -> dict[int, Ink]:
    """The characters and rules of each page, by page index, in that page's own coordinates:
    for an imposed booklet, each sheet side is cut back into its two pages."""
    sheets = list(extract_pages(path, laparams=None))
    reader = PdfReader(path)
    imposed = edition.kind == "handout"
    order = saddle_stitch_order(2 * len(sheets)) if imposed else []
    page_width = PAPERS[edition.page_size][1][0] * POINTS_PER_MM
    pages: dict[int, Ink] = {}
    for number, sheet in enumerate(sheets):
        # pdfminer measures from the media box's corner; the text block from the trim box's.
        media, trim = reader.pages[number].mediabox, reader.pages[number].trimbox
        left = float(trim.left) - float(media.left)
        bottom = float(trim.bottom) - float(media.bottom)
        middle = left + float(trim.width) / 2
        for item in _drawn(sheet):
            if imposed:
                right = (item.x0 + item.x1) / 2 >= middle
                index = order[number][right]
                dx = middle if right else middle - page_width
            else:
                index, dx = number, left
            ink = pages.setdefault(index, Ink())
            if isinstance(item, LTChar):
                ink.chars.append(
                    Char(
                        item.get_text(),
                        item.x0 - dx,
                        item.x1 - dx,
                        item.matrix[5] - bottom,
                        item.size,
                        item.fontname,
                    )
                )
            else:
                ink.rules.append(Rule(item.x0 - dx, item.x1 - dx, item.y0 - bottom, item.y1 - bottom))
    return pages


def _squeezed(text: str) -> str:
    return "".join(text.split())


def lines(chars: list[Char]) -> list[list[Char]]:
    """The characters grouped by baseline, top line first, each line left to right."""
    ordered = sorted(chars, key=lambda char: -char.baseline)
    grouped: list[list[Char]] = []
    for char in ordered:
        if grouped and grouped[-1][0].baseline - char.baseline < SAME_LINE_PT:
            grouped[-1].append(char)
        else:
            grouped.append([char])
    return [sorted(line, key=lambda char: char.x0) for line in grouped]


def runs(line: list[Char]) -> list[Run]:
    """A line cut where two characters stand more than half an em apart: between cells
    (a word space is about a quarter of an em)."""
    cut: list[list[Char]] = [[line[0]]]
    for before, char in pairwise(line):
        if char.x0 - before.x1 > 0.5 * before.size:
            cut.append([char])
        else:
            cut[-1].append(char)
    return [Run(tuple(chars)) for chars in cut]


@cache
def timeline_pages(path: Path, name: str) -> tuple[TimelinePage, ...]:
    """The pages of the timeline, from its legend to its last row, with the table's runs:
    below the column heads, and inside the text block's height (not the running head or
    the folio)."""
    book = load_book(REPO)
    edition = edition_named(book, name)
    labels = book.config.labels
    pages = read_pages(path, edition)
    legend = _squeezed(labels["editorial_entries_note"])
    last_event = _squeezed(" ".join(plain_text(book.appendix("timeline")[-1].event).split()[:4]))
    texts = {index: _squeezed("".join(char.text for char in ink.chars)) for index, ink in pages.items()}
    first = min(index for index, text in texts.items() if legend in text)
    last = min(index for index, text in texts.items() if index >= first and last_event in text)
    found = []
    for index in range(first, last + 1):
        block = text_block(edition, index)
        ink = pages.get(index, Ink())
        inside = [char for char in ink.chars if block.bottom <= char.baseline <= block.top]
        table_lines = lines(inside)
        if index == first:
            heads = [n for n, line in enumerate(table_lines) if runs(line)[0].text == labels["date"]]
            assert heads, f"{name}: no column heads on the timeline's first page {index + 1}"
            table_lines = table_lines[heads[0] :]
        table_runs = tuple(run for line in table_lines for run in runs(line))
        # Rules reaching into the text block: the press file's registration crosses, beside
        # the trim, are none of the table's.
        rules = tuple(
            rule
            for rule in ink.rules
            if block.bottom <= rule.y0
            and rule.y1 <= block.top
            and rule.x1 > block.left
            and rule.x0 < block.right
        )
        found.append(TimelinePage(index, block, table_runs, rules))
    return tuple(found)


def columns(pages: tuple[TimelinePage, ...]) -> list[float]:
    """Where the table's columns start, from the text block's left edge."""
    starts: list[float] = []
    for page in pages:
        for run in page.runs:
            offset = run.x0 - page.block.left
            if not any(abs(offset - start) < 1 for start in starts):
                starts.append(offset)
    return sorted(starts)


def column_of(run: Run, page: TimelinePage, starts: list[float]) -> int:
    return min(range(len(starts)), key=lambda n: abs(run.x0 - page.block.left - starts[n]))


def table_size(pages: tuple[TimelinePage, ...]) -> float:
    return pages[0].runs[0].chars[0].size


@pytest.mark.slow
@pytest.mark.parametrize("name", paged_editions())
def test_table_inside_the_text_block(built_book: dict[str, Path], name: str) -> None:
    pages = timeline_pages(built_book[name], name)
    outside = [
        f"page {page.index + 1}: {run.text!r} at x {run.x0:.1f}–{run.x1:.1f} pt, "
        f"text block {page.block.left:.1f}–{page.block.right:.1f} pt"
        for page in pages
        for run in page.runs
        if run.x0 < page.block.left - TOLERANCE_PT or run.x1 > page.block.right + TOLERANCE_PT
    ]
    assert outside == []
    # The table fills the measure: its rules run from one edge of the text block to the
    # other, its first column starts at the left edge, and some line reaches to within
    # 2 em of the right edge.
    for page in pages:
        assert page.rules, f"{name}: no rules on page {page.index + 1}"
        assert min(rule.x0 for rule in page.rules) == pytest.approx(page.block.left, abs=TOLERANCE_PT)
        assert max(rule.x1 for rule in page.rules) == pytest.approx(page.block.right, abs=TOLERANCE_PT)
    em = table_size(pages)
    assert min(run.x0 - page.block.left for page in pages for run in page.runs) == pytest.approx(0, abs=0.1)
    assert min(page.block.right - run.x1 for page in pages for run in page.runs) < 2 * em


@pytest.mark.slow
@pytest.mark.parametrize("name", paged_editions())
def test_columns_at_least_one_em_apart(built_book: dict[str, Path], name: str) -> None:
    pages = timeline_pages(built_book[name], name)
    starts = columns(pages)
    assert len(starts) in (2, 3), f"{name}: columns at {starts}"
    rights = [0.0] * len(starts)
    for page in pages:
        for run in page.runs:
            column = column_of(run, page, starts)
            rights[column] = max(rights[column], run.x1 - page.block.left)
    em = table_size(pages)
    gutters = [start - right for right, start in zip(rights, starts[1:], strict=False)]
    assert all(gutter >= em - 0.01 for gutter in gutters), f"{name}: gutters {gutters} pt, 1 em = {em} pt"


@pytest.mark.slow
@pytest.mark.parametrize("name", paged_editions())
def test_one_size_and_first_baseline_per_row(built_book: dict[str, Path], name: str) -> None:
    pages = timeline_pages(built_book[name], name)
    sizes = {round(char.size, 2) for page in pages for run in page.runs for char in run.chars}
    assert len(sizes) == 1, f"{name}: the table is set in {sorted(sizes)} pt"
    starts = columns(pages)
    dates = []
    for page in pages:
        by_column: list[list[Run]] = [[] for _ in starts]
        for run in page.runs:
            by_column[column_of(run, page, starts)].append(run)
        # Each row's date (or the head "Date") opens its first line; every other column has
        # its first line there too.
        for date in by_column[0]:
            dates += [] if date.bold else [date.text]
            for column in by_column[1:]:
                assert any(abs(run.baseline - date.baseline) < 0.01 for run in column), (
                    f"{name}, page {page.index + 1}: nothing beside {date.text!r} on its baseline"
                )
    assert len(dates) == len(load_book(REPO).appendix("timeline")), f"{name}: rows {dates}"


@pytest.mark.slow
@pytest.mark.parametrize("name", paged_editions())
def test_titles_of_works_in_italics(built_book: dict[str, Path], name: str) -> None:
    chars = [
        char for page in timeline_pages(built_book[name], name) for run in page.runs for char in run.chars
    ]
    text = "".join(char.text for char in chars)
    start = text.find("Documents")
    assert start >= 0, f"{name}: no '{TITLE}' in the timeline"
    title = chars[start : start + len("Documents")]
    assert all("Italic" in char.font for char in title), {char.font for char in title}
    publisher = text.find("Heinemann", start)
    assert not any("Italic" in char.font for char in chars[publisher : publisher + len("Heinemann")])


@pytest.mark.slow
@pytest.mark.parametrize("name", ["handout-a4", "handout-letter"])
def test_handout_cells_hold_several_words_a_line(built_book: dict[str, Path], name: str) -> None:
    pages = timeline_pages(built_book[name], name)
    cell_lines = [run for page in pages for run in page.runs if not run.bold]
    words = [len(run.text.split()) for run in cell_lines]
    assert statistics.mean(words) >= 3, f"{name}: {statistics.mean(words):.2f} words a cell line"
    # The source stands under the event, in one column beside the date's (timeline.css's
    # narrow form, which css/handout.css turns on).
    assert len(columns(pages)) == 2, f"{name}: the timeline is not in two columns"


def _timeline_sources(tree: etree._Element) -> list[str]:
    cells = tree.xpath("//*[@id='timeline']//*[local-name()='td'][contains(@class, 'source')]")
    return ["".join(em.itertext()) for cell in cells for em in cell.xpath(".//*[local-name()='em']")]


@pytest.mark.slow
def test_titles_are_em_in_web_and_epub(built_book: dict[str, Path]) -> None:
    web = lxml.html.parse(str(built_book["web"] / "index.html")).getroot()
    with zipfile.ZipFile(built_book["epub"]) as epub:
        name = next(member for member in epub.namelist() if member.endswith("timeline.xhtml"))
        page = etree.fromstring(epub.read(name))
    for titles in (_timeline_sources(web), _timeline_sources(page)):
        assert TITLE in titles
        assert "Katyn" in titles  # the short form: the Sources give the whole title


def test_raw_html_in_a_timeline_source_is_refused(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace("manuscript/timeline.yaml", "source: text", "source: 'A <b>bold</b> claim'")
    err = failed_build(small_project, capsys)
    assert (
        "manuscript/timeline.yaml:3: raw HTML <b> is not allowed in the manuscript; "
        "write it in Markdown, or put it in `backticks` to show it as text\n" in err
    )


def test_markdown_title_in_a_timeline_source(small_project: SmallProject) -> None:
    small_project.replace(
        "manuscript/timeline.yaml", "source: text", "source: 'Ann Author, *A Title* (1990)'"
    )
    book = load_book(small_project.root)
    (event,) = book.appendix("timeline")
    assert event.editorial
    assert (
        "".join(part for part in event.source if isinstance(part, str))
        == "Ann Author, <em>A Title</em> (1990)"
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", ["reader-a4", "press", "archive"])
def test_columns_as_wide_as_their_content_asks(built_book: dict[str, Path], name: str) -> None:
    """The widths set the table in the fewest lines (theme/table_columns.py): each date on one
    line, the event, the longest column, the widest, and the source as wide as its longest line
    needs, not the 63 % of the measure a fixed share once left it."""
    pages = timeline_pages(built_book[name], name)
    starts = columns(pages)
    widths = [later - start for start, later in pairwise([*starts, pages[0].block.width])]
    assert len(widths) == 3 and widths[1] == max(widths), f"{name}: columns {widths} pt wide"
    dates = [
        run.text for page in pages for run in page.runs if column_of(run, page, starts) == 0 and not run.bold
    ]
    assert dates and all(re.fullmatch(r"\w+ \d{1,2}, \d{4}", date.replace("\xa0", " ")) for date in dates), (
        dates
    )


def test_a_column_of_short_cells_is_not_wrapped_and_the_longest_column_is_widest() -> None:
    rows = [
        [
            "May 3, 1791",
            "The Constitution of 3 May is adopted by the Great Sejm of the Commonwealth.",
            "Davies",
        ],
        ["July 22, 1807", "The Duchy of Warsaw is given its constitution by Napoleon at Dresden.", "Davies"],
    ]
    date, event, source = column_widths(rows, 36, 1, PACKAGED_FACES[0])
    assert date >= _width_em("July 22, 1807 "), (
        "a date wraps (WeasyPrint fits a line with its trailing space)"
    )
    assert event > source and event > date
    assert date + event + source == pytest.approx(34)


def test_columns_too_narrow_for_their_longest_words_share_the_width_by_them() -> None:
    widths = column_widths(
        [["Unbreakable-compound-word", "Another-unbreakable-compound"]], 10, 1, PACKAGED_FACES[0]
    )
    assert sum(widths) == pytest.approx(9) and widths[1] > widths[0]


def _width_em(text: str) -> float:
    """The text set on one line in the builder's face, in ems, as fontTools reads its advances."""
    font = TTFont(PACKAGED_FACES[0])
    advances, glyphs = font["hmtx"].metrics, font.getBestCmap()
    return sum(advances[glyphs[ord(character)]][0] for character in text) / font["head"].unitsPerEm
