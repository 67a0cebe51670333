"""The layout audit: reads each paged edition's PDF back and checks its pages as a book designer would.

Like TeX's overfull and underfull box warnings, it reports what the layout let through: ink
outside the text block, pages left part-empty, lines too long or too short to read well,
ladders of hyphens, notes and plates away from their calls, and headings, orphans and widows
at a page's foot or head. Every finding starts with a stable code (see CODES), names its
edition and page (physical and printed) and ends with a hint.

Only a certain defect is an error, which fails the build; whatever is guessed from the
geometry of lines (empty pages, headings, orphans, widows) is a warning, and those guesses
are made only where the signs are unambiguous, so that a well-set book never cries wolf.

The PDF is read once, with PDFium: WeasyPrint draws each run of one font on one line as a
text object, and those runs are grouped into lines by their baselines; images and painted
paths are ink too. Positions are taken from the trim box's lower left corner, as
page_geometry's text block is, so that the press file's marks outside the trim are ignored.
"""

from __future__ import annotations

import ctypes
import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c

from .config import POINTS_PER_MM, Edition
from .findings import ERROR, INFO, WARNING, Finding
from .model import Book, PlatePlacement
from .page_geometry import TextBlock, text_block

PdfSource = bytes | Path | pypdfium2.PdfDocument

# code -> (severity, what the code finds). The codes are stable: never renumber or reuse one.
CODES: dict[str, tuple[str, str]] = {
    "L101": (WARNING, "a page's text block is more than 15 % empty, and the page does not end a part"),
    "L201": (ERROR, "ink outside the text block (other than a running head or a folio in its margin)"),
    "L301": (INFO, "characters per line of the body text, the notes and the captions"),
    "L302": (WARNING, "the body text's median line is outside 45–75 characters (60–75 in a reader edition)"),
    "L401": (WARNING, "more than two hyphenated line ends in a row"),
    "L501": (ERROR, "a note does not stand on the page of its call"),
    "L502": (ERROR, "a plate stands before the page of its marker"),
    "L503": (WARNING, "a plate stands more than one page after its marker, behind the plates before it"),
    "L601": (WARNING, "a heading in the last two lines of a page, its text following on the next page"),
    "L602": (WARNING, "orphan: a paragraph's first line alone at the foot of a page"),
    "L603": (WARNING, "widow: a paragraph's last line alone at the head of a page"),
    "L701": (ERROR, "ink within 10 mm of an imposed sheet's edge, where office printers cannot print"),
}

# Ink may cross the text block by this much: a glyph's overhang, half a rule's width.
TOLERANCE_PT = 0.5
MAX_EMPTY = 0.15
# White between ink counts as empty only past this many lines: space around a plate or a
# heading is part of the design.
WHITE_GAP_LINES = 3
MEASURE = (45, 75)  # characters a line (Bringhurst)
READER_MEASURE = (60, 75)
_MEASURED_LINES = 30
HYPHEN_LADDER = 3
SHEET_MARGIN_MM = 10
# A running head and a folio are single short lines; anything longer in a margin is a stray.
HEAD_CHARS, FOLIO_CHARS = 90, 12
# WeasyPrint hyphenates with U+2010; a hyphen of the text itself may end a line too.
HYPHENS = frozenset("-\u2010\u00ad")
# PDFium reads a hyphen ending a line as U+0002 (or U+FFFE): it is read back as one.
_READ_HYPHEN = str.maketrans({"\x02": "-", "\ufffe": "-"})
_NOTE_MARKER = re.compile(r"(\d+)\.\s")
_LEADER = re.compile(r"(?:\.\s?){4}")  # dots leading to a page number in the contents


@dataclass(frozen=True)
class Box:
    """A rectangle in points, origin at the trim box's lower left corner."""

    left: float
    bottom: float
    right: float
    top: float

    def union(self, other: Box) -> Box:
        return Box(
            min(self.left, other.left),
            min(self.bottom, other.bottom),
            max(self.right, other.right),
            max(self.top, other.top),
        )

    def clipped(self, left: float, bottom: float, right: float, top: float) -> Box | None:
        """The part of the box inside the rectangle, None if nothing is."""
        box = Box(max(self.left, left), max(self.bottom, bottom), min(self.right, right), min(self.top, top))
        return box if box.left < box.right and box.bottom < box.top else None

    def meets(self, block: TextBlock) -> bool:
        return self.clipped(block.left, block.bottom, block.right, block.top) is not None


@dataclass(frozen=True)
class Run:
    """One text object: glyphs of one font and size on one line."""

    box: Box  # the ink
    # Where the glyphs are set: from the pen's first position to the last glyph's advance,
    # cap height over the baseline to a little below. An italic f's overhang, an accent or a
    # descender may stand in the margin, as in any printed book; this box may not.
    body: Box
    baseline: float
    size: float  # points, to 0.1
    bold: bool
    text: str


@dataclass(frozen=True)
class Mark:
    """Ink that is not text."""

    what: str  # "image", "rule" (any painted path) or "shading"
    box: Box


@dataclass
class Line:
    """The runs standing on one baseline, superscripts included."""

    runs: list[Run]

    @cached_property
    def size(self) -> float:
        """The size most of the line's characters are set in."""
        weights: Counter[float] = Counter()
        for run in self.runs:
            weights[run.size] += len(run.text.strip()) or 1
        return weights.most_common(1)[0][0]

    @cached_property
    def baseline(self) -> float:
        return next(run.baseline for run in self.runs if run.size == self.size)

    @cached_property
    def bold(self) -> bool:
        bold = sum(len(run.text.strip()) for run in self.runs if run.bold)
        return 2 * bold > sum(len(run.text.strip()) for run in self.runs)

    @cached_property
    def box(self) -> Box:
        box = self.runs[0].box
        for run in self.runs[1:]:
            box = box.union(run.box)
        return box

    @cached_property
    def body(self) -> Box:
        body = self.runs[0].body
        for run in self.runs[1:]:
            body = body.union(run.body)
        return body

    @cached_property
    def text(self) -> str:
        return _joined(self.runs).strip()

    @cached_property
    def chars(self) -> int:
        """Characters of the line as a reader counts them: note calls and other superscripts
        left out."""
        return len(_joined([run for run in self.runs if run.size >= 0.8 * self.size]).strip())

    def shown(self) -> str:
        """The line's first 30 characters, to name it in a message."""
        return f"“{self.text[:30].rstrip()}…”" if len(self.text) > 30 else f"“{self.text}”"


@dataclass
class Page:
    index: int  # from 0
    block: TextBlock
    lines: list[Line]  # top to bottom
    marks: list[Mark]

    @cached_property
    def head(self) -> Line | None:
        """The running head: the one short line standing wholly in the top margin."""
        return self._margin_line(lambda box: box.bottom >= self.block.top - TOLERANCE_PT, HEAD_CHARS)

    @cached_property
    def folio_line(self) -> Line | None:
        return self._margin_line(lambda box: box.top <= self.block.bottom + TOLERANCE_PT, FOLIO_CHARS)

    @property
    def folio(self) -> str | None:
        return self.folio_line.text if self.folio_line else None

    @property
    def where(self) -> str:
        return f"page {self.index + 1}" + (f" (folio {self.folio})" if self.folio else "")

    @cached_property
    def inside(self) -> list[Line]:
        """The lines of the text block, top to bottom (those crossing its edge among them)."""
        return [line for line in self.lines if line.box.meets(self.block)]

    @cached_property
    def images(self) -> list[Box]:
        return [mark.box for mark in self.marks if mark.what == "image" and mark.box.meets(self.block)]

    @property
    def right_hand(self) -> bool:
        return self.index % 2 == 0

    def _margin_line(self, in_margin: Callable[[Box], bool], limit: int) -> Line | None:
        found = [line for line in self.lines if in_margin(line.box)]
        if len(found) != 1:
            return None
        line = found[0]
        within = (
            line.box.left >= self.block.left - TOLERANCE_PT
            and line.box.right <= self.block.right + TOLERANCE_PT
        )
        return line if within and len(line.text) <= limit else None


@dataclass(frozen=True)
class Sizes:
    """The sizes the book is set in, as read from its pages (points)."""

    body: float
    notes: float | None
    captions: float | None
    pitch: float  # baseline to baseline in the body text

    def is_body(self, line: Line) -> bool:
        return line.size == self.body and not line.bold

    def is_heading(self, line: Line) -> bool:
        return line.bold and line.size > self.body * 1.02


@dataclass
class Layout:
    """A PDF's pages as the audit sees them."""

    pages: list[Page]
    part_starts: frozenset[int]
    destinations: dict[str, int]  # named destination -> page index

    def ends_part(self, index: int) -> bool:
        return index + 1 >= len(self.pages) or index + 1 in self.part_starts

    def where(self, index: int) -> str:
        return self.pages[index].where if 0 <= index < len(self.pages) else f"page {index + 1}"


# --- the audits -------------------------------------------------------------------------------


def audit_pdf(pdf: PdfSource, edition: Edition, book: Book) -> list[Finding]:
    """Every layout defect of a paged edition's pages (not imposed), errors and warnings."""
    layout = read_layout(pdf, edition)
    if not layout.pages:
        return []
    sizes = sizes_of(layout, book)
    return [
        *_ink_outside(layout, edition),
        *_underfull(layout, edition, sizes),
        *_measure(layout, edition, sizes),
        *_hyphen_ladders(layout, edition),
        *_notes_away(layout, edition, book),
        *_plates_away(layout, edition, book),
        *_stranded_headings(layout, edition, sizes),
        *_orphans_and_widows(layout, edition, sizes),
    ]


def audit_sheets(pdf: PdfSource, edition: Edition) -> list[Finding]:
    """An imposed booklet's sheets: no ink within SHEET_MARGIN_MM of a sheet's edge."""
    with _opened(pdf) as document:
        return [
            finding
            for index in range(len(document))
            if (finding := _sheet_edge(document[index], index, edition)) is not None
        ]


def _sheet_edge(page: pypdfium2.PdfPage, index: int, edition: Edition) -> Finding | None:
    """The ink nearest the sheet side's edge, if it is too near."""
    left, bottom, right, top = page.get_mediabox()
    sheet = Box(0, 0, right - left, top - bottom)
    near = [(_edge_distance(box, sheet), what) for what, box in _ink(page, left, bottom, sheet)]
    if not near:
        return None
    (distance, edge), what = min(near)
    if distance >= SHEET_MARGIN_MM * POINTS_PER_MM - 0.01:
        return None
    return _finding(
        edition,
        f"page {index + 1} (sheet {index // 2 + 1}, {'front' if index % 2 == 0 else 'back'})",
        "L701",
        f"{what} stands {_mm(distance)} from the sheet's {edge} edge, within {SHEET_MARGIN_MM} mm of it",
        "an office printer cannot print so near the edge: keep the handout's page margins "
        "(page_geometry.py) clear of the sheet's edge",
    )


def _finding(edition: Edition, where: str, code: str, message: str, hint: str) -> Finding:
    return Finding(edition.name, where, f"{code} {message}; {hint}", CODES[code][0])


def _mm(points: float) -> str:
    return f"{points / POINTS_PER_MM:.1f} mm"


def _ink_outside(layout: Layout, edition: Edition) -> Iterator[Finding]:
    for page in layout.pages:
        text = [line for line in page.lines if line is not page.head and line is not page.folio_line]
        strays = [(*_overshoot(line.body, page), f"text {line.shown()}") for line in text]
        strays += [(*_overshoot(mark.box, page), mark.what) for mark in page.marks]
        strays = [stray for stray in strays if stray[0] > TOLERANCE_PT]
        if not strays:
            continue
        distance, margin, what = max(strays)
        more = f" (and {len(strays) - 1} more on this page)" if len(strays) > 1 else ""
        yield _finding(
            edition,
            page.where,
            "L201",
            f"{what} stands {_mm(distance)} into the {margin} margin{more}",
            "only the running head and the folio may stand in the margins: the stylesheet's @page "
            "margins must be those of page_geometry.py, and nothing may be wider than the measure "
            "(a table, a fixed-width image, an unbreakable word)",
        )


def _overshoot(box: Box, page: Page) -> tuple[float, str]:
    """How far the box reaches past the text block, and into which margin."""
    block = page.block
    inner, outer = ("inner", "outer") if page.right_hand else ("outer", "inner")
    reach = {
        "top": box.top - block.top,
        "bottom": block.bottom - box.bottom,
        inner: block.left - box.left,
        outer: box.right - block.right,
    }
    margin = max(reach, key=lambda side: reach[side])
    return reach[margin], margin


def _underfull(layout: Layout, edition: Edition, sizes: Sizes) -> Iterator[Finding]:
    for page in layout.pages:
        if layout.ends_part(page.index):
            continue
        foot, gaps = _white(page, sizes.pitch)
        share = (foot + sum(gaps)) / page.block.height
        if share <= MAX_EMPTY:
            continue
        lines = foot / sizes.pitch
        where_white = [f"{lines:.0f} lines' white at its foot"] if lines > 1.5 else []
        where_white += [f"a gap of {gap / sizes.pitch:.0f} lines" for gap in gaps]
        yield _finding(
            edition,
            page.where,
            "L101",
            f"the text block is {share:.0%} empty ({', '.join(where_white)}) and the page does not "
            "end a part",
            "let what follows run on: a plate that does not fit may float to a later page, a forced "
            "break may go, or the paragraphs before may gain or lose a line",
        )


def _white(page: Page, pitch: float) -> tuple[float, list[float]]:
    """White in the text block: below the lowest ink, and gaps of more than WHITE_GAP_LINES
    lines between ink (or above the highest)."""
    block = page.block
    boxes = [line.box for line in page.inside] + [mark.box for mark in page.marks if mark.box.meets(block)]
    cursor, gaps = block.top, []
    for box in sorted(boxes, key=lambda box: -box.top):
        gap = cursor - min(box.top, block.top)
        if gap > WHITE_GAP_LINES * pitch:
            gaps.append(gap)
        cursor = min(cursor, max(box.bottom, block.bottom))
    return cursor - block.bottom, gaps


def _measure(layout: Layout, edition: Edition, sizes: Sizes) -> Iterator[Finding]:
    """Characters a line of the body text, the notes and the captions (full lines only:
    a line shorter than half the measure ends a paragraph)."""
    counts: dict[str, list[int]] = {"body text": [], "notes": [], "captions": []}
    for page in layout.pages:
        for line in page.inside:
            if line.body.right - line.body.left < page.block.width / 2 or _LEADER.search(line.text):
                continue
            if sizes.is_body(line):
                counts["body text"].append(line.chars)
            elif sizes.notes is not None and line.size == sizes.notes:
                counts["notes"].append(line.chars)
            elif sizes.captions is not None and line.size == sizes.captions:
                counts["captions"].append(line.chars)
    body = counts["body text"]
    if not body:
        return
    low, high = READER_MEASURE if edition.kind == "reader" else MEASURE
    summary = "; ".join(
        f"{what} {statistics.median(found):.0f} (median of {len(found)} lines, {min(found)}–{max(found)})"
        for what, found in counts.items()
        if found
    )
    yield _finding(
        edition,
        "body text",
        "L301",
        f"characters a line: {summary}",
        f"for information: {low}–{high} read best in this edition",
    )
    median = statistics.median(body)
    # A few lines tell nothing of a book's measure: a short book is not warned of it.
    if len(body) >= _MEASURED_LINES and not low <= median <= high:
        yield _finding(
            edition,
            "body text",
            "L302",
            f"the body text sets {median:.0f} characters a line (median), outside {low}–{high}",
            "narrow the measure (wider margins in page_geometry.py) or set the type larger"
            if median > high
            else "widen the measure (narrower margins in page_geometry.py) or set the type smaller",
        )


def _hyphen_ladders(layout: Layout, edition: Edition) -> Iterator[Finding]:
    for page in layout.pages:
        ladder: list[Line] = []
        for line, following in zip(page.inside, [*page.inside[1:], None], strict=True):
            if following is not None and _hyphenated(line, following):
                ladder.append(line)
                continue
            if len(ladder) >= HYPHEN_LADDER:
                yield _finding(
                    edition,
                    page.where,
                    "L401",
                    f"{len(ladder)} hyphenated line ends in a row, from {ladder[0].shown()}",
                    "reword a line of the paragraph (or tie two words with a no-break space) so "
                    "that it breaks differently",
                )
            ladder = []


def _hyphenated(line: Line, following: Line) -> bool:
    """The line ends in a hyphen after a letter, and its word runs on at the next line's start."""
    text, next_text = line.text, following.text
    return (
        len(text) > 1
        and text[-1] in HYPHENS
        and text[-2].isalpha()
        and next_text[:1].isalpha()
        and following.size == line.size
        and 0 < line.baseline - following.baseline <= 2 * line.size
        and following.box.left < line.box.right
        and line.box.left < following.box.right
    )


def _notes_away(layout: Layout, edition: Edition, book: Book) -> Iterator[Finding]:
    """Named destinations are where WeasyPrint placed each element: a note's and its call's."""
    for note in book.notes:
        call, placed = layout.destinations.get(note.call_anchor), layout.destinations.get(note.anchor)
        if call is None or placed is None or call == placed:
            continue
        yield _finding(
            edition,
            layout.where(call),
            "L501",
            f"note {note.number} is called on this page but stands on {layout.where(placed)}",
            f"shorten the note, or the paragraph calling it ({note.location})",
        )


def _plates_away(layout: Layout, edition: Edition, book: Book) -> Iterator[Finding]:
    """A plate may stand on its marker's page or the next; an element `marker-<anchor>` marks
    where the manuscript places it (a layout without markers is not checked)."""
    placed_at = {
        block.plate_id: block.location
        for chapter in book.chapters
        for block in chapter.blocks
        if isinstance(block, PlatePlacement)
    }
    for plate in book.plates:
        marker = layout.destinations.get(f"marker-{plate.anchor}")
        placed = layout.destinations.get(plate.anchor)
        if marker is None or placed is None or marker <= placed <= marker + 1:
            continue
        # Before its marker is wrong; later, the plates called before it took the pages
        # between, which the builder could not set small enough to share.
        yield _finding(
            edition,
            layout.where(placed),
            "L502" if placed < marker else "L503",
            f"{plate.label} stands here, but the text places it on {layout.where(marker)}",
            f"move '::: plate {plate.id}' ({placed_at.get(plate.id, plate.location)}) or make the "
            "plate smaller",
        )


def _stranded_headings(layout: Layout, edition: Edition, sizes: Sizes) -> Iterator[Finding]:
    for page in layout.pages:
        if layout.ends_part(page.index):
            continue
        flow = _flow(page, sizes)
        headings = [line for line in flow if sizes.is_heading(line)]
        if not headings:
            continue
        heading = headings[-1]
        after = [line for line in flow if line.baseline < heading.baseline]
        below = [box for box in page.images if box.top <= heading.box.bottom]
        following = _flow(layout.pages[page.index + 1], sizes)
        # A heading with lines under it is kept with its text; a single line under it is
        # an orphan's business (L602), and may well be a whole one-line paragraph.
        if not after and not below and any(sizes.is_body(line) for line in following):
            yield _finding(
                edition,
                page.where,
                "L601",
                f"the heading {heading.shown()} stands at the foot of the page, its text on the next",
                "keep a heading with its text: let the page before run a line short or long, or move a plate",
            )


def _orphans_and_widows(layout: Layout, edition: Edition, sizes: Sizes) -> Iterator[Finding]:
    for page, following in zip(layout.pages, layout.pages[1:], strict=False):
        if following.index in layout.part_starts:
            continue
        last, first = _foot_line(page, sizes), _head_line(following, sizes)
        # Only a full line, justified to the measure, surely runs on to the next page; and a
        # line flush left at the next page's head surely continues its paragraph.
        if last is None or first is None or not _full(last, page) or _indent(first, following, sizes) > 0:
            continue
        if _starts_paragraph(page, last, sizes):
            yield _finding(
                edition,
                page.where,
                "L602",
                f"orphan: the paragraph from {last.shown()} leaves its first line alone at the foot",
                "let the page run a line short, or reword the paragraph before",
            )
        if _ends_paragraph(following, first, sizes):
            yield _finding(
                edition,
                following.where,
                "L603",
                f"widow: the line {first.shown()} ends its paragraph alone at the head of the page",
                "let the page before run a line long, or shorten the paragraph by a few words",
            )


def _flow(page: Page, sizes: Sizes) -> list[Line]:
    """The lines of the running text: the text block's lines above the notes."""
    notes_top = _notes_top(page, sizes)
    return [line for line in page.inside if notes_top is None or line.box.bottom > notes_top]


def _notes_top(page: Page, sizes: Sizes) -> float | None:
    if sizes.notes is None:
        return None
    markers = [line for line in page.inside if line.size == sizes.notes and _NOTE_MARKER.match(line.text)]
    return max((line.box.top for line in markers), default=None)


def _foot_line(page: Page, sizes: Sizes) -> Line | None:
    """The running text's last line, if it is body text and nothing but notes stands below it."""
    flow = _flow(page, sizes)
    if not flow or not sizes.is_body(flow[-1]):
        return None
    last = flow[-1]
    return None if any(box.top <= last.box.bottom for box in page.images) else last


def _head_line(page: Page, sizes: Sizes) -> Line | None:
    """The text block's first line, if it is body text and no ink stands above it."""
    if not page.inside or not sizes.is_body(page.inside[0]):
        return None
    first = page.inside[0]
    return None if any(box.bottom >= first.box.top for box in page.images) else first


def _indent(line: Line, page: Page, sizes: Sizes) -> int:
    """1 if the line is indented (a paragraph's first line), 0 if flush left, -1 otherwise."""
    indent = line.body.left - page.block.left
    if indent < 0.3 * sizes.body:
        return 0
    return 1 if indent <= 3 * sizes.body else -1


def _full(line: Line, page: Page) -> bool:
    return page.block.right - line.body.right <= 1.0


def _short(line: Line, page: Page, sizes: Sizes) -> bool:
    return page.block.right - line.body.right > sizes.body


def _starts_paragraph(page: Page, line: Line, sizes: Sizes) -> bool:
    """Indented, or right after a heading, or after a body line ending short of the measure."""
    indent = _indent(line, page, sizes)
    before = [other for other in page.inside if other.baseline > line.baseline]
    if indent != 0 or not before:
        return indent == 1
    previous = before[-1]
    close = previous.baseline - line.baseline <= 2.5 * sizes.pitch
    return close and (
        sizes.is_heading(previous) or (sizes.is_body(previous) and _short(previous, page, sizes))
    )


def _ends_paragraph(page: Page, line: Line, sizes: Sizes) -> bool:
    """A short line, followed by nothing, or by an indented line or a heading."""
    if not _short(line, page, sizes):
        return False
    after = [other for other in _flow(page, sizes) if other.baseline < line.baseline]
    if not after:
        return True
    following = after[0]
    return sizes.is_heading(following) or (sizes.is_body(following) and _indent(following, page, sizes) == 1)


# --- reading the PDF --------------------------------------------------------------------------


def read_layout(pdf: PdfSource, edition: Edition) -> Layout:
    with _opened(pdf) as document:
        pages = [_read_page(document[index], index, edition) for index in range(len(document))]
        return Layout(pages, _part_starts(document), _destinations(document))


def sizes_of(layout: Layout, book: Book) -> Sizes:
    """Body, note and caption sizes: the body's is the size most characters are set in, the
    notes' that of lines opening with a note's number, the captions' that of lines opening
    with a plate's label."""
    lines = [line for page in layout.pages for line in page.inside]
    weights: Counter[float] = Counter()
    for line in lines:
        weights[line.size] += line.chars
    body = weights.most_common(1)[0][0] if weights else 10.0
    numbers = {note.number for note in book.notes}
    notes = _commonest(
        line.size
        for line in lines
        if (marker := _NOTE_MARKER.match(line.text)) and int(marker[1]) in numbers and line.size < body
    )
    labels = tuple(f"{plate.label}." for plate in book.plates)
    captions = _commonest(line.size for line in lines if labels and line.text.startswith(labels))
    return Sizes(body, notes, captions if captions not in (body, notes) else None, _pitch(layout, body))


def _commonest(sizes: Iterator[float]) -> float | None:
    found = Counter(sizes).most_common(1)
    return found[0][0] if found else None


def _pitch(layout: Layout, body: float) -> float:
    """Baseline to baseline of consecutive body lines."""
    steps = [
        upper.baseline - lower.baseline
        for page in layout.pages
        for upper, lower in zip(page.inside, page.inside[1:], strict=False)
        if upper.size == lower.size == body
    ]
    steps = [step for step in steps if body < step < 2.5 * body]
    return statistics.median(steps) if steps else 1.2 * body


@contextmanager
def _opened(pdf: PdfSource) -> Iterator[pypdfium2.PdfDocument]:
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
    return Page(index, block, _lines(runs), marks)


def _ink(page: pypdfium2.PdfPage, left: float, bottom: float, area: Box) -> Iterator[tuple[str, Box]]:
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


def _edge_distance(box: Box, sheet: Box) -> tuple[float, str]:
    distances = {
        "left": box.left - sheet.left,
        "bottom": box.bottom - sheet.bottom,
        "right": sheet.right - box.right,
        "top": sheet.top - box.top,
    }
    edge = min(distances, key=lambda side: distances[side])
    return distances[edge], edge


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
    # A glyph's overhang or side bearing is a fraction of an em: anything else is a misreading.
    return right if abs(right - ink.right) < 0.3 * width_scale else default


def _text(obj: pypdfium2.PdfObject, textpage: pypdfium2.PdfTextPage) -> str:
    length = pdfium_c.FPDFTextObj_GetText(obj, textpage, None, 0)  # bytes, with the final NUL
    if length <= 2:
        return ""
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
    for run in sorted(runs, key=lambda run: -run.size):
        line = next((line for line in lines if _on_line(run, line.runs[0])), None)
        if line is None:
            lines.append(Line([run]))
        else:
            line.runs.append(run)
    return sorted(lines, key=lambda line: -line.baseline)


def _on_line(run: Run, main: Run) -> bool:
    shift = run.baseline - main.baseline
    if run.size >= 0.8 * main.size:
        return abs(shift) <= 0.25 * main.size
    return -0.35 * main.size <= shift <= 0.7 * main.size  # a superscript or a subscript


def _joined(runs: Sequence[Run]) -> str:
    """The runs' text left to right, a space where the PDF leaves a gap but no space."""
    text, previous = "", None
    for run in sorted(runs, key=lambda run: run.box.left):
        gap = run.box.left - previous.box.right if previous else 0.0
        if text and not text[-1].isspace() and not run.text[:1].isspace() and gap > 0.2 * run.size:
            text += " "
        text += run.text
        previous = run
    return text


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
