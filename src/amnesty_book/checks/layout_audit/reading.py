"""Reading a paged edition's PDF back with PDFium into pages of runs, lines and marks.

The PDF is read once: WeasyPrint draws each run of one font on one line as a text object, and
those runs are grouped into lines by their baselines; images and painted paths are ink too.
Positions are taken from the trim box's lower left corner, as page_geometry's text block is,
so that the press file's marks outside the trim are ignored.
"""

from __future__ import annotations

import bisect
import ctypes
import hashlib
import io
import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from itertools import repeat
from pathlib import Path

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c

from amnesty_book.checks.layout_audit.kept_readings import KeptReadings
from amnesty_book.checks.layout_audit.pages import Box, Layout, Line, Mark, Page, Run
from amnesty_book.checks.readback import page_text
from amnesty_book.layout import book_parts
from amnesty_book.project.config import Edition
from amnesty_book.support import cores
from amnesty_book.theme.page_geometry import text_block

PdfSource = bytes | Path | pypdfium2.PdfDocument

# PDFium reads a hyphen ending a line as U+0002 (or U+FFFE): it is read back as one.
_READ_HYPHEN = str.maketrans({"\x02": "-", "\ufffe": "-"})


# Characters of a text object read in one call into PDFium (a run is one font on one line).
_RUN_CHARACTERS = 256
# Fewer pages than this are read in one process: forking would cost more than it saves.
_PAGES_TO_SHARE = 64
# A space (or a run of them) between two glyphs of one line.
_WORD_SPACE = re.compile(r"[^\s\x02\ufffe] +[^\s\x02\ufffe]")


def read_layout(pdf: PdfSource, edition: Edition) -> Layout:
    """The PDF's pages read back: those read already in the workers that wrote them
    (reading_parts_ahead) taken where the PDF holds the same, the others shared among the
    processes the build may run (cores.py)."""
    with opened(pdf) as document:
        count = len(document)
        contents = _contents(pdf) if _read_ahead.pages or _kept[0] is not None else {}
        pages = _read_ahead.taken(contents, edition)
        pages |= {
            index: page
            for index, content in contents.items()
            if index not in pages and (page := _kept_page(content, index, edition)) is not None
        }
        todo = [index for index in range(count) if index not in pages]
        processes = min(cores.spare(), len(todo) // _PAGES_TO_SHARE)
        if processes < 2 or isinstance(pdf, pypdfium2.PdfDocument):
            pages |= {
                index: _read_and_keep(document, index, index, edition, contents.get(index)) for index in todo
            }
        else:
            shares = [todo[start::processes] for start in range(processes)]
            with cores.worker_pool(processes, fresh_from=__name__) as pool:
                for share in pool.map(
                    _read_share, repeat(pdf), repeat(edition), shares, repeat(contents), repeat(_kept[0])
                ):
                    pages |= {page.index: page for page in share}
        labels = [document.get_page_label(index) for index in range(count)]
        return Layout(
            [pages[index] for index in range(count)], _part_starts(document), _destinations(document), labels
        )


def _read_share(
    pdf: bytes | Path,
    edition: Edition,
    indices: Sequence[int],
    contents: dict[int, bytes],
    kept: KeptReadings | None,
) -> list[Page]:
    """Some of the pages, read in a worker process, which keeps them where the build does."""
    _kept[0] = kept
    with opened(pdf) as document:
        return [_read_and_keep(document, index, index, edition, contents.get(index)) for index in indices]


def _contents(pdf: PdfSource) -> dict[int, bytes]:
    """The digest of what reading each page depends on (`_content`), by index; none for a PDF
    open in PDFium (a page cut from another's layout, read as it is)."""
    if isinstance(pdf, pypdfium2.PdfDocument):
        return {}
    with pikepdf.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf) as whole:
        return {index: _content(page) for index, page in enumerate(whole.pages)}


def _kept_page(content: bytes, index: int, edition: Edition) -> Page | None:
    """The page as an earlier build read it, where the build keeps its readings."""
    kept = _kept[0]
    return None if kept is None else kept.get(content, index, text_block(edition, index))


def _read_and_keep(
    document: pypdfium2.PdfDocument, at: int, index: int, edition: Edition, content: bytes | None
) -> Page:
    """The document's page `at`, page `index` of its book, read with PDFium; kept where the
    build keeps its readings."""
    page = _read_page(document[at], index, edition)
    if content is not None and _kept[0] is not None:
        _kept[0].keep(content, page)
    return page


class _ReadAhead:
    """The pages of a book's parts, read back in the workers that wrote them (book_parts.py's
    PartReading), kept by edition, side and content until read_layout takes them: what a
    page of the joined PDF shows is what the same page showed in its part, as long as its
    content, boxes and fonts are the same, which the join copies as they are."""

    def __init__(self) -> None:
        self.pages: dict[tuple[str, int, bytes], Page] = {}

    def read(self, pdf: bytes, edition: Edition, first_page: int) -> list[tuple[bytes, Page]]:
        contents = _contents(pdf)
        with opened(pdf) as document:
            return [
                (
                    content,
                    _kept_page(content, first_page + index, edition)
                    or _read_and_keep(document, index, first_page + index, edition, content),
                )
                for index, content in contents.items()
            ]

    def keep(self, edition: Edition, read: object) -> None:
        assert isinstance(read, list)
        for content, page in read:
            self.pages[edition.name, page.index % 2, content] = page

    def taken(self, contents: dict[int, bytes], edition: Edition) -> dict[int, Page]:
        """The pages read ahead, by index, of a PDF whose pages hold `contents`."""
        found = {}
        for index, content in contents.items():
            read = self.pages.get((edition.name, index % 2, content))
            if read is not None:
                found[index] = replace(read, index=index)
        return found


_read_ahead = _ReadAhead()


# The readings a build keeps (kept_readings.py), while it lasts; its workers are given it.
_kept: list[KeptReadings | None] = [None]


@contextmanager
def reading_parts_ahead(project: Path) -> Iterator[None]:
    """While it lasts, each part of a book laid out in parts is read back in the worker that
    wrote it, in parallel with the others, and read_layout takes those pages; and a page read
    back by an earlier build of the project, and unchanged, is taken as it was read."""
    book_parts.part_reading = _read_ahead
    _kept[0] = KeptReadings(project)
    try:
        yield
    finally:
        book_parts.part_reading = None
        _kept[0] = None
        _read_ahead.pages.clear()


def _content(page: pikepdf.Page) -> bytes:
    """A digest of what reading a page depends on: its content streams and forms as written,
    its boxes, and its fonts' maps to Unicode and glyph widths."""
    digest = hashlib.blake2b(digest_size=16)
    for key in ("/MediaBox", "/TrimBox"):
        digest.update(page.obj.get(key, pikepdf.Array()).unparse())
    digest.update(_streams(page.obj.get("/Contents")))
    resources = page.obj.get("/Resources", pikepdf.Dictionary())
    for name, xobject in sorted(resources.get("/XObject", pikepdf.Dictionary()).items()):
        if xobject.get("/Subtype") == pikepdf.Name.Form:
            digest.update(name.encode() + xobject.read_raw_bytes())
    for name, font in sorted(resources.get("/Font", pikepdf.Dictionary()).items()):
        digest.update(name.encode() + _streams(font.get("/ToUnicode")))
        for descendant in [font, *font.get("/DescendantFonts", ())]:
            for widths in ("/W", "/Widths", "/FirstChar"):
                digest.update(descendant.get(widths, pikepdf.Array()).unparse())
    return digest.digest()


def _streams(contents: pikepdf.Object | None) -> bytes:
    if contents is None:
        return b""
    if isinstance(contents, pikepdf.Array):
        return b"".join(stream.read_raw_bytes() for stream in contents)
    return contents.read_raw_bytes()


@contextmanager
def opened(pdf: PdfSource) -> Iterator[pypdfium2.PdfDocument]:
    if isinstance(pdf, pypdfium2.PdfDocument):
        yield pdf
        return
    document = pypdfium2.PdfDocument(pdf)
    try:
        yield document
    finally:
        document.close()


def _read_page(page: pypdfium2.PdfPage, index: int, edition: Edition) -> Page:
    left, bottom, right, top = page.get_trimbox()
    trim = Box(0, 0, right - left, top - bottom)
    textpage = page.get_textpage()
    block = text_block(edition, index)
    runs, marks = [], []
    for obj, matrix in _drawn(page):
        box = _placed(obj, matrix, left, bottom, trim)
        if box is None:
            continue  # outside the trim: the press file's marks
        if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
            run = _run(obj, textpage, matrix, box, (left, bottom), block.right)
            if run is not None:
                runs.append(run)
        elif (what := _mark(obj)) is not None:
            marks.append(Mark(what, box))
    lines = _lines(runs)
    text = textpage.get_text_range()
    _measure_word_spaces(textpage, text, lines, (left, bottom))
    return Page(index, block, lines, marks, page_text(text))


def _measure_word_spaces(
    textpage: pypdfium2.PdfTextPage, text: str, lines: list[Line], origin: tuple[float, float]
) -> None:
    """Each line's word spaces: from the end of the glyph before a space to the start of the one
    after, as the reader sees them (advance boxes, not ink). Only the glyphs either side of a
    space are asked for: a page costs a few hundred calls into PDFium, not thousands."""
    rectangle = pdfium_c.FS_RECTF()  # one, filled by each call
    into = ctypes.byref(rectangle)

    def loose(index: int) -> tuple[float, float, float]:
        pdfium_c.FPDFText_GetLooseCharBox(textpage, index, into)
        middle = (rectangle.bottom + rectangle.top) / 2 - origin[1]
        return rectangle.left - origin[0], rectangle.right - origin[0], middle

    line: Line | None = None
    for match in _WORD_SPACE.finditer(text):
        before, after = match.start(), match.end() - 1
        _, right, middle = loose(before)
        left, _, _ = loose(after)
        if line is None or not line.box.bottom <= middle <= line.box.top:  # spaces come line by line
            line = next((line for line in lines if line.box.bottom <= middle <= line.box.top), None)
        if line is not None and line.box.left <= right and left <= line.box.right:
            line.spaces.append(left - right)


def ink(page: pypdfium2.PdfPage, left: float, bottom: float, area: Box) -> Iterator[tuple[str, Box]]:
    """What is drawn on the page within `area`, named, as boxes from (left, bottom)."""
    textpage = page.get_textpage()
    for obj, matrix in _drawn(page):
        box = _placed(obj, matrix, left, bottom, area)
        if box is None:
            continue
        if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
            text = _text(obj, textpage).strip()
            if text:
                yield f"text “{text[:30]}”", box
        elif (what := _mark(obj)) is not None:
            yield what, box


def _drawn(
    page: pypdfium2.PdfPage,
    form: pypdfium2.PdfObject | None = None,
    matrix: pypdfium2.PdfMatrix | None = None,
) -> Iterator[tuple[pypdfium2.PdfObject, pypdfium2.PdfMatrix]]:
    """Every object drawn on the page, with the matrix of the forms holding it (the press
    file's marks are drawn in a form)."""
    matrix = matrix or pypdfium2.PdfMatrix()
    for obj in page.get_objects(max_depth=1, form=form):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            yield from _drawn(page, obj, obj.get_matrix().multiply(matrix))
        else:
            yield obj, matrix


def _placed(
    obj: pypdfium2.PdfObject, matrix: pypdfium2.PdfMatrix, left: float, bottom: float, area: Box
) -> Box | None:
    x0, y0, x1, y1 = matrix.on_rect(*obj.get_bounds())
    box = Box(x0 - left, y0 - bottom, x1 - left, y1 - bottom)
    return box.clipped(area.left, area.bottom, area.right, area.top)


def _mark(obj: pypdfium2.PdfObject) -> str | None:
    if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
        return "image"
    if obj.type == pdfium_c.FPDF_PAGEOBJ_SHADING:
        return "shading"
    if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH and _painted(obj):
        return "rule"
    return None


def _painted(path: pypdfium2.PdfObject) -> bool:
    """A path that leaves ink: filled or stroked, not transparent, not white."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(path, ctypes.byref(fill), ctypes.byref(stroke)):
        return True
    colours = []
    if fill.value:
        colours.append(pdfium_c.FPDFPageObj_GetFillColor)
    if stroke.value:
        colours.append(pdfium_c.FPDFPageObj_GetStrokeColor)
    return any(_inked(path, colour) for colour in colours)


def _inked(path: pypdfium2.PdfObject, colour: Callable[..., int]) -> bool:
    rgba = [ctypes.c_uint() for _ in range(4)]
    if not colour(path, *(ctypes.byref(value) for value in rgba)):
        return True  # a pattern or a colour space PDFium does not report: count it as ink
    red, green, blue, alpha = (value.value for value in rgba)
    return alpha > 0 and (red, green, blue) != (255, 255, 255)


def _run(
    obj: pypdfium2.PdfObject,
    textpage: pypdfium2.PdfTextPage,
    matrix: pypdfium2.PdfMatrix,
    box: Box,
    origin: tuple[float, float],
    measure_right: float,
) -> Run | None:
    text = _text(obj, textpage)
    if (
        not text.strip()
        or pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE
    ):
        return None
    font_size = ctypes.c_float()
    pdfium_c.FPDFTextObj_GetFontSize(obj, ctypes.byref(font_size))
    placed = obj.get_matrix().multiply(matrix)
    size = font_size.value * math.sqrt(abs(placed.a * placed.d - placed.b * placed.c))
    baseline = placed.f - origin[1]
    right = box.right
    if right > measure_right - 2:  # only a run ending at the measure needs its exact end
        right = _set_right(
            obj, textpage, font_size.value * math.hypot(placed.a, placed.b), box, origin, right
        )
    body = Box(placed.e - origin[0], baseline - 0.2 * size, right, baseline + 0.7 * size)
    return Run(box, body, baseline, round(size, 1), _bold(obj), text)


def _set_right(
    obj: pypdfium2.PdfObject,
    textpage: pypdfium2.PdfTextPage,
    width_scale: float,
    ink: Box,
    origin: tuple[float, float],
    default: float,
) -> float:
    """Where the advance of the glyph whose ink ends the run ends: its origin plus its width.
    (PDFium's "loose" glyph box takes the ink's edge where a glyph overhangs.)"""
    middle = (ink.bottom + ink.top) / 2 + origin[1]
    index = pdfium_c.FPDFText_GetCharIndexAtPos(textpage, ink.right - 0.3 + origin[0], middle, 1.0, 1.0)
    x, y, width = ctypes.c_double(), ctypes.c_double(), ctypes.c_float()
    if index < 0 or not pdfium_c.FPDFText_GetCharOrigin(textpage, index, ctypes.byref(x), ctypes.byref(y)):
        return default
    unicode = pdfium_c.FPDFText_GetUnicode(textpage, index)
    unicode = ord("-") if unicode in (2, 0xFFFE) else unicode  # PDFium's mark of a line-end hyphen
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    if not font or not pdfium_c.FPDFFont_GetGlyphWidth(font, unicode, 1.0, ctypes.byref(width)):
        return default
    right = x.value - origin[0] + width.value * width_scale
    # A glyph's overhang or side bearing is a fraction of an em: anything else is a misreading
    # (the last letter of a ligature, "ff", is placed and measured as no glyph of its own).
    return right if -0.3 * width_scale < right - ink.right < 0.1 * width_scale else default


def _text(obj: pypdfium2.PdfObject, textpage: pypdfium2.PdfTextPage) -> str:
    # One call where the run fits a line's worth of characters (most do), two where it does not.
    buffer = (ctypes.c_ushort * _RUN_CHARACTERS)()
    length = pdfium_c.FPDFTextObj_GetText(obj, textpage, buffer, ctypes.sizeof(buffer))  # bytes, NUL included
    if length <= 2:
        return ""
    if length > ctypes.sizeof(buffer):
        buffer = (ctypes.c_ushort * (length // 2))()
        pdfium_c.FPDFTextObj_GetText(obj, textpage, buffer, length)
    return bytes(buffer)[: length - 2].decode("utf-16-le", errors="replace").translate(_READ_HYPHEN)


def _bold(obj: pypdfium2.PdfObject) -> bool:
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    if not font:
        return False
    get_name = getattr(pdfium_c, "FPDFFont_GetBaseFontName", None) or pdfium_c.FPDFFont_GetFamilyName
    length = get_name(font, None, 0)
    name = ctypes.create_string_buffer(max(length, 1))
    get_name(font, name, length)
    weight = pdfium_c.FPDFFont_GetWeight(font)
    return b"bold" in name.value.lower() or b"black" in name.value.lower() or weight >= 600


def _lines(runs: Sequence[Run]) -> list[Line]:
    """Runs grouped into lines, top to bottom. The largest runs are placed first, so that a
    superscript joins the line it stands on rather than starting one."""
    lines: list[Line] = []
    by_baseline: list[tuple[float, int]] = []  # each line's first run's baseline, and the line's index
    ordered = sorted(runs, key=lambda run: -run.size)
    reach = 0.7 * ordered[0].size if ordered else 0.0  # no run joins a line further off (_on_line)
    for run in ordered:
        # Only the lines whose baseline is within reach are asked, the first made first.
        low = bisect.bisect_left(by_baseline, (run.baseline - reach, -1))
        high = bisect.bisect_right(by_baseline, (run.baseline + reach, len(lines)))
        near = sorted(index for _, index in by_baseline[low:high])
        index = next((index for index in near if _on_line(run, lines[index].runs[0])), None)
        if index is None:
            bisect.insort(by_baseline, (run.baseline, len(lines)))
            lines.append(Line([run]))
        else:
            lines[index].runs.append(run)
    return sorted(lines, key=lambda line: -line.baseline)


def _on_line(run: Run, main: Run) -> bool:
    shift = run.baseline - main.baseline
    if run.size >= 0.8 * main.size:
        return abs(shift) <= 0.25 * main.size
    return -0.35 * main.size <= shift <= 0.7 * main.size  # a superscript or a subscript


def _part_starts(document: pypdfium2.PdfDocument) -> frozenset[int]:
    """The page of each top-level outline entry starts a part; so does each page before the
    first (the title page and its verso are parts of their own: the book's title matter)."""
    starts = set()
    bookmark = pdfium_c.FPDFBookmark_GetFirstChild(document, None)
    for _ in range(10_000):  # a malformed outline may loop
        if not bookmark:
            break
        destination = pdfium_c.FPDFBookmark_GetDest(document, bookmark)
        if destination:
            starts.add(pdfium_c.FPDFDest_GetDestPageIndex(document, destination))
        bookmark = pdfium_c.FPDFBookmark_GetNextSibling(document, bookmark)
    starts = {start for start in starts if start >= 0}
    return frozenset(starts | set(range(min(starts, default=1))))


def _destinations(document: pypdfium2.PdfDocument) -> dict[str, int]:
    """Named destination -> page index; WeasyPrint names one after every element id."""
    found = {}
    for index in range(pdfium_c.FPDF_CountNamedDests(document)):
        length = ctypes.c_long(0)
        pdfium_c.FPDF_GetNamedDest(document, index, None, ctypes.byref(length))
        if length.value <= 2:
            continue
        name = ctypes.create_string_buffer(length.value)
        destination = pdfium_c.FPDF_GetNamedDest(document, index, name, ctypes.byref(length))
        page = pdfium_c.FPDFDest_GetDestPageIndex(document, destination) if destination else -1
        if page >= 0:
            found[name.raw[: length.value - 2].decode("utf-16-le")] = page
    return found
