"""PDF readers only the tests need: running text by type size, the text the tags expose, the
laid-out lines and images of each page, the texture of the justified text, and where each named
destination stands.

Everything else is read back with amnesty_book.checks.readback, which `amnesty-book check` uses too.
"""

from __future__ import annotations

import multiprocessing
import statistics
from collections.abc import Collection, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTComponent, LTContainer, LTFigure, LTImage, LTTextContainer, LTTextLine
from pypdf import PageObject, PdfReader


def pypdf_pages(path: Path) -> list[str]:
    """Each page's text as pypdf reads it: a second reader, beside the PDFium one `check` uses."""
    return [page.extract_text() for page in PdfReader(path).pages]


@dataclass
class LaidOutPage:
    """A page as pdfminer lays it out: its images, and its text lines with their type size."""

    images: list[LTImage]
    lines: list[tuple[LTTextLine, float]]


def pdf_layout(path: Path | bytes, page_numbers: Collection[int] | None = None) -> list[LaidOutPage]:
    """Each page's images and text lines (of the pages of these 0-based numbers, or all),
    positions in points from its lower left corner."""
    pages = []
    for page in extract_pages(BytesIO(path) if isinstance(path, bytes) else path, page_numbers=page_numbers):
        laid_out = LaidOutPage([], [])
        for item in page:
            _collect(item, laid_out)
        pages.append(laid_out)
    return pages


def _collect(item: object, page: LaidOutPage) -> None:
    if isinstance(item, LTImage):
        page.images.append(item)
    elif isinstance(item, LTTextLine):
        sizes = [char.size for char in item if isinstance(char, LTChar)]
        if sizes:
            page.lines.append((item, statistics.median(sizes)))
    elif isinstance(item, LTTextContainer | LTFigure):
        for child in item:
            _collect(child, page)


@dataclass(frozen=True)
class Texture:
    """A PDF's justified body lines as a reader sees them: each line's mean word space in ems of
    its type (from the glyph before each space to the glyph after), and the pages whose last
    body line ends on a hyphen (0-based: even pages are right-hand ones)."""

    spaces: list[tuple[int, float, str]]  # page, mean word space in em, the line's text
    hyphen_pages: list[int]
    pages: int

    def share_wider_than(self, em: float) -> float:
        return sum(space > em for _, space, _ in self.spaces) / len(self.spaces)

    @property
    def widest(self) -> float:
        return max(space for _, space, _ in self.spaces)

    @property
    def words_over_the_leaf(self) -> list[int]:
        """Right-hand pages but the last whose last line ends on a hyphen."""
        return [page for page in self.hyphen_pages if page % 2 == 0 and page < self.pages - 1]


HYPHENS = "-\u2010"


def body_texture(path: Path | bytes, body: float, processes: int = 1) -> Texture:
    """The texture of the PDF's body text: its lines set at `body` points; read in `processes`
    processes side by side, each a run of the pages (pdfminer takes a tenth of a second a page)."""
    count = len(PdfReader(BytesIO(path) if isinstance(path, bytes) else path).pages)
    if processes < 2 or count < 2 * processes:
        return _texture_of_pages(path, body, range(count))
    step = -(-count // processes)
    runs = [range(start, min(start + step, count)) for start in range(0, count, step)]
    with ProcessPoolExecutor(len(runs), mp_context=multiprocessing.get_context("fork")) as pool:
        textures = list(pool.map(_texture_of_pages, [path] * len(runs), [body] * len(runs), runs))
    return Texture(
        [space for texture in textures for space in texture.spaces],
        [page for texture in textures for page in texture.hyphen_pages],
        count,
    )


def _texture_of_pages(path: Path | bytes, body: float, numbers: range) -> Texture:
    spaces, hyphen_pages = [], []
    for number, page in zip(numbers, pdf_layout(path, numbers), strict=True):
        lines = [line for line, size in page.lines if abs(size - body) < 0.2 and line.get_text().strip()]
        if not lines:
            continue
        right = max(line.x1 for line in lines)
        for line in lines:
            gaps = _word_gaps(line)
            if line.x1 >= right - 0.5 and len(gaps) >= 2:
                spaces.append((number, statistics.mean(gaps) / body, line.get_text().strip()))
        last = min(lines, key=lambda line: line.y0).get_text().strip()
        if len(last) > 1 and last[-1] in HYPHENS and last[-2].isalpha():
            hyphen_pages.append(number)
    return Texture(spaces, hyphen_pages, len(numbers))


LOOSE_EM, RIVER_EM = 0.5, 0.75
# Fewer justified lines than this are no sample of a book's texture: a three-line paragraph
# whose words leave no even breaking (the mill's) is one line in ten.
MEASURED_LINES = 30


def assert_even(texture: Texture, name: str) -> None:
    """Bringhurst's texture, as issue 23 measures it: few loose lines, no river, at most one page
    in 20 ending on a hyphen, and no word broken over the leaf."""
    assert texture.spaces, f"{name}: no justified line read"
    assert texture.widest <= RIVER_EM, (name, max(texture.spaces, key=lambda line: line[1]))
    if len(texture.spaces) >= MEASURED_LINES:
        assert texture.share_wider_than(LOOSE_EM) <= 0.03, (name, texture.share_wider_than(LOOSE_EM))
    assert len(texture.hyphen_pages) <= max(1, texture.pages // 20), (name, texture.hyphen_pages)
    assert texture.words_over_the_leaf == [], (name, texture.words_over_the_leaf)


def _word_gaps(line: LTTextLine) -> list[float]:
    """The white between words: from the glyph before each run of spaces to the glyph after."""
    gaps, before, spaced = [], None, False
    for char in line:
        if not isinstance(char, LTChar):
            continue
        if char.get_text() in " \u00a0":
            spaced = True
            continue
        if spaced and before is not None:
            gaps.append(char.x0 - before.x1)
        before, spaced = char, False
    return gaps


def pdf_running_text(path: Path, smallest: float = 10.0) -> str:
    """The PDF's text set at `smallest` points or more: the running text without running heads,
    folios, note calls, footnotes or captions, so that a sentence reads on across a page break."""
    pieces: list[str] = []

    def keep(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if size * tm[3] * cm[3] >= smallest:
            pieces.append(text)

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=keep)
    return "".join(pieces)


def pdf_tagged_text(path: Path) -> str:
    """The text an assistive technology reads: only content the structure tree refers to."""
    reader = PdfReader(path)
    page_of = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    tagged: set[tuple[int, int]] = set()

    def walk(node: object, page: int | None) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, int):
            if page is not None:
                tagged.add((page, node))
            return
        if isinstance(node, list):
            for child in node:
                walk(child, page)
            return
        if not hasattr(node, "get"):
            return
        if "/Pg" in node:
            page = page_of[node.raw_get("/Pg").idnum]
        if "/MCID" in node:
            tagged.add((page, int(node["/MCID"])))  # type: ignore[arg-type]
        if "/K" in node:
            walk(node["/K"], page)

    walk(reader.trailer["/Root"]["/StructTreeRoot"], None)
    return "".join(_tagged_page_text(page, index, tagged) for index, page in enumerate(reader.pages))


def _tagged_page_text(page: PageObject, index: int, tagged: set[tuple[int, int]]) -> str:
    """The page's text inside marked content whose MCID the structure tree refers to."""
    pieces: list[str] = []
    stack: list[int | None] = []

    def operator(op: bytes, args: list, cm: object, tm: object) -> None:  # type: ignore[type-arg]
        if op == b"BDC":
            properties = args[1] if len(args) > 1 and hasattr(args[1], "get") else {}
            stack.append(properties.get("/MCID"))
        elif op == b"BMC":
            stack.append(None)
        elif op == b"EMC" and stack:
            stack.pop()

    def text(content: str, cm: object, tm: object, font: object, size: float) -> None:
        mcid = next((m for m in reversed(stack) if m is not None), None)
        if mcid is not None and (index, int(mcid)) in tagged:
            pieces.append(content)

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return "".join(pieces)


def walk(container: LTContainer) -> Iterator[LTComponent]:
    """Every element pdfminer found in `container`, those inside figures (form XObjects) too."""
    for element in container:
        yield element
        if isinstance(element, LTContainer):
            yield from walk(element)


def outline_items(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth from 0, title, page) of every outline item, in order."""

    def walk(items: list[Any], level: int) -> list[tuple[int, str, int]]:
        found = []
        for item in items:
            if isinstance(item, list):
                found += walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item)))
        return found

    return walk(reader.outline, 0)


def destinations(reader: PdfReader) -> dict[str, int]:
    """The page of each named destination."""
    named = reader.named_destinations
    return {name: reader.get_destination_page_number(destination) for name, destination in named.items()}


def internal_links(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(page, destination name, its page) of every internal link, in page order."""
    pages = destinations(reader)
    links = []
    for number, page in enumerate(reader.pages):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
                name = str(annotation["/Dest"])
                links.append((number, name, pages[name]))
    return links
