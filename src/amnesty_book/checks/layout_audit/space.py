"""Checks of space: ink outside the text block, ink over ink, underfull pages, float pages, white
above a plate, ink near an imposed sheet's edge."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pypdfium2

from amnesty_book.checks.layout_audit.pages import TOLERANCE_PT, Box, Layout, Line, Page
from amnesty_book.checks.layout_audit.reading import ink
from amnesty_book.checks.layout_audit.sizes import NOTE_MARKER, Sizes
from amnesty_book.project.config import POINTS_PER_MM, Edition
from amnesty_book.support.diagnostics import Diagnostic

MAX_EMPTY = 0.15
# White between ink counts as empty only past this many lines: space around a plate or a
# heading is part of the design.
WHITE_GAP_LINES = 3
# A float page's plates may stand this many lines off its text block's centre.
FLOAT_PAGE_OFF_CENTRE_LINES = 2
# From the last line's baseline to a plate at the page's foot: the float's own space (about a
# line and a quarter), the rest of a line, and a line spared for a widow or a hyphen.
MOST_WHITE_ABOVE_PLATE_LINES = 3.5
# The rule over a page's notes and the space around it, at least, in the body's lines.
NOTES_RULE_LINES = 1
SHEET_MARGIN_MM = 10
OVERHANG_EM = 0.1


def ink_outside(layout: Layout, edition: Edition) -> Iterator[Diagnostic]:
    for page in layout.pages:
        text = [line for line in page.lines if line is not page.head and line is not page.folio_line]
        # A line's end is read from its last glyph's advance; where that glyph is a ligature
        # ("ff", "fi") it is read from the ink, which may overhang by a fraction of an em.
        strays = [
            (*_overshoot(line.body, page), f"text {line.shown()}")
            for line in text
            if _overshoot(line.body, page)[0] > max(TOLERANCE_PT, OVERHANG_EM * line.size)
        ]
        strays += [(*_overshoot(mark.box, page), mark.what) for mark in page.marks]
        strays = [stray for stray in strays if stray[0] > TOLERANCE_PT]
        if not strays:
            continue
        distance, margin, what = max(strays)
        yield Diagnostic.in_edition(
            edition.name,
            page.where,
            "L201",
            f"{what} stands {_mm(distance)} into the {margin} margin{_and_more(strays)}",
            "only the running head and the folio may stand in the margins: the stylesheet's @page "
            "margins must be those of page_geometry.py, nothing may be wider than the measure "
            "(a table, a fixed-width image, an unbreakable word), and no plate with its caption "
            "taller than the page (shorten the caption)",
        )


def ink_over_ink(layout: Layout, edition: Edition) -> Iterator[Diagnostic]:
    """No plate stands over a line of text or over another plate: a float pushed past the room
    its page had is drawn over the notes."""
    for page in layout.pages:
        images = page.images
        over = [
            f"a plate over the text {line.shown()}"
            for line in page.inside
            for image in images
            if _overlap(line.body, image)
        ]
        over += [
            "two plates over each other"
            for number, image in enumerate(images)
            for other in images[number + 1 :]
            if _overlap(image, other)
        ]
        if not over:
            continue
        yield Diagnostic.in_edition(
            edition.name,
            page.where,
            "L202",
            f"{over[0]}{_and_more(over)}",
            "a page's plates and pull quotes must fit beside its text and notes "
            "(weasyprint/page_floats.py): set the plate smaller, or shorten its caption",
        )


def _overlap(box: Box, other: Box) -> bool:
    """The boxes share more than the tolerance's width each way."""
    shared = box.clipped(other.left, other.bottom, other.right, other.top)
    return (
        shared is not None
        and shared.right - shared.left > TOLERANCE_PT
        and shared.top - shared.bottom > TOLERANCE_PT
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


def _and_more(found: Sequence[object]) -> str:
    """What a finding names beside the first of a page's `found`."""
    return f" (and {len(found) - 1} more on this page)" if len(found) > 1 else ""


def _mm(points: float) -> str:
    return f"{points / POINTS_PER_MM:.1f} mm"


def underfull(layout: Layout, edition: Edition, sizes: Sizes) -> Iterator[Diagnostic]:
    for page in layout.pages:
        if _ends_running_text(layout, page.index, sizes) or _plates_alone(page, sizes):
            continue
        foot, gaps = _white(page, sizes.pitch, sunk=page.index in layout.part_starts)
        share = (foot + sum(gaps)) / page.block.height
        if share <= MAX_EMPTY:
            continue
        lines = foot / sizes.pitch
        where_white = [f"{lines:.0f} lines' white at its foot"] if lines > 1.5 else []
        where_white += [f"a gap of {gap / sizes.pitch:.0f} lines" for gap in gaps]
        following = layout.pages[page.index + 1] if page.index + 1 < len(layout.pages) else None
        yield Diagnostic.in_edition(
            edition.name,
            page.where,
            "L101",
            f"the text block is {share:.0%} empty ({', '.join(where_white)}) and the page does not "
            "end a part",
            _why_short(following, sizes, foot + sum(gaps)),
        )


def _why_short(following: Page | None, sizes: Sizes, white: float) -> str:
    """What kept the page short, as far as the page after it shows, and what the author may do."""
    if following is not None and following.inside:
        first = following.inside[0]
        if sizes.is_heading(first) and _calls(first):
            return (
                "the heading that follows calls a note, which does not fit here with the heading and "
                "its first lines: call the note from the section's text instead, as the Chicago Manual "
                "of Style advises"
            )
        too_tall = _notes_too_tall(following, sizes, white)
        if too_tall:
            numbers, lines = too_tall
            if len(numbers) == 1:
                return (
                    f"the next page's first lines call note {numbers[0]}, {lines} lines, which must "
                    "begin under its call and does not fit here with it: call it from a later line, "
                    "or shorten it"
                )
            return (
                f"the next page's first lines call notes {', '.join(numbers[:-1])} and {numbers[-1]}, "
                f"{lines} lines, which must begin under their call and do not fit here with it: call "
                "some of them from a later line, or shorten them"
            )
    return (
        "let what follows run on: a plate that does not fit may float to a later page, a forced "
        "break may go, or the paragraphs before may gain or lose a line"
    )


def _calls(line: Line) -> list[str]:
    """The numbers of the notes the line calls: figures set smaller than the line, as superscripts."""
    return [
        run.text.strip() for run in line.runs if run.size < 0.8 * line.size and run.text.strip().isdigit()
    ]


def _notes_too_tall(following: Page, sizes: Sizes, white: float) -> tuple[list[str], int] | None:
    """The notes called by the first line of `following` that calls any (of its first two: a
    paragraph's first line stands on a page with its second), with the count of their lines,
    where the lines down to it and the notes are taller than `white`; None where they are not,
    or where a note called is not wholly at that page's foot."""
    if sizes.notes is None:
        return None
    lines = [line for line in following.inside if sizes.is_body(line)][:2]
    calling = next((index for index, line in enumerate(lines) if _calls(line)), None)
    if calling is None:
        return None
    lines, numbers = lines[: calling + 1], _calls(lines[calling])
    notes = [line for line in following.inside if line.size == sizes.notes]
    markers = [(NOTE_MARKER.match(line.text), index) for index, line in enumerate(notes)]
    starts = {marker[1]: index for marker, index in markers if marker}
    if any(number not in starts for number in numbers):
        return None
    ends = sorted(starts.values())
    height, count = 0.0, 0
    for number in numbers:
        start = starts[number]
        end = next((index for index in ends if index > start), len(notes))
        height += notes[start].box.top - notes[end - 1].box.bottom
        count += end - start
    needed = len(lines) * sizes.pitch + height + NOTES_RULE_LINES * sizes.pitch
    return (numbers, count) if needed > white else None


def float_pages(layout: Layout, edition: Edition, sizes: Sizes) -> Iterator[Diagnostic]:
    """A page of plates alone has them centred on its text block, above its notes (LaTeX's
    float page), not hung at its head over an empty page."""
    for page in layout.pages:
        if not page.images or not _plates_alone(page, sizes):
            continue
        lowest_image = min(image.bottom for image in page.images)
        rules = [mark.box for mark in page.marks if mark.what == "rule" and mark.box.top < lowest_image]
        floor = max((rule.top for rule in rules), default=page.block.bottom)  # the notes' rule
        plates = [*page.images, *(line.box for line in page.inside if line.box.bottom > floor)]
        above = max(page.block.top - max(box.top for box in plates), 0)
        below = max(min(box.bottom for box in plates) - floor, 0)
        if abs(above - below) <= FLOAT_PAGE_OFF_CENTRE_LINES * sizes.pitch:
            continue
        yield Diagnostic.in_edition(
            edition.name,
            page.where,
            "L102",
            f"a page of plates alone has {above / sizes.pitch:.0f} lines' white above them and "
            f"{below / sizes.pitch:.0f} below",
            "a float page's plates are centred on its text block (weasyprint/page_floats.py)",
        )


def white_above_plates(layout: Layout, edition: Edition, sizes: Sizes) -> Iterator[Diagnostic]:
    """A plate at a page's foot stands under the text's last line with the space a float keeps
    and at most about a line more: no hole the text could have filled."""
    for page in layout.pages:
        body = [line for line in page.inside if sizes.is_body(line)]
        at_foot = [image for image in page.images if not any(line.box.top <= image.bottom for line in body)]
        if not at_foot:
            continue
        plate = max(at_foot, key=lambda image: image.top)
        above = [line.baseline for line in body if line.box.bottom >= plate.top]
        if not above:
            continue
        white = min(above) - plate.top
        if white <= MOST_WHITE_ABOVE_PLATE_LINES * sizes.pitch:
            continue
        yield Diagnostic.in_edition(
            edition.name,
            page.where,
            "L103",
            f"a plate at the page's foot has {white / sizes.pitch:.1f} lines' white above it, from the "
            "last line's baseline",
            "text and notes come before floats (weasyprint/note_splits.py): the plate should wait "
            "for the next page rather than leave the text short",
        )


def _ends_running_text(layout: Layout, index: int, sizes: Sizes) -> bool:
    """Whether the page holds its part's last lines of running text: it ends the part, or the
    pages after it to the part's end hold plates alone (a chapter's last plates, closing it)."""
    for later in layout.pages[index + 1 :]:
        if later.index in layout.part_starts:
            return True
        if not _plates_alone(later, sizes):
            return False
    return True


def _plates_alone(page: Page, sizes: Sizes) -> bool:
    """A page of plates with no running text (a plate too tall to share a page has one), or a
    blank page (the press file's last pages, making a multiple of four)."""
    blank = not page.images and not page.inside
    return blank or (bool(page.images) and not any(sizes.is_body(line) for line in page.inside))


def _white(page: Page, pitch: float, sunk: bool) -> tuple[float, list[float]]:
    """White in the text block: below the lowest ink, and gaps of more than WHITE_GAP_LINES
    lines between ink (or above the highest, but on a page that opens a part, which may be
    sunk: a chapter of a book of several opens a quarter of the way down)."""
    block = page.block
    boxes = [line.box for line in page.inside] + [mark.box for mark in page.marks if mark.box.meets(block)]
    cursor, gaps = block.top, []
    for number, box in enumerate(sorted(boxes, key=lambda box: -box.top)):
        gap = cursor - min(box.top, block.top)
        if gap > WHITE_GAP_LINES * pitch and not (sunk and number == 0):
            gaps.append(gap)
        cursor = min(cursor, max(box.bottom, block.bottom))
    return cursor - block.bottom, gaps


def sheet_edge(page: pypdfium2.PdfPage, index: int, edition: Edition) -> Diagnostic | None:
    """The ink nearest the sheet side's edge, if it is too near."""
    left, bottom, right, top = page.get_mediabox()
    sheet = Box(0, 0, right - left, top - bottom)
    near = [(_edge_distance(box, sheet), what) for what, box in ink(page, left, bottom, sheet)]
    if not near:
        return None
    (distance, edge), what = min(near)
    if distance >= SHEET_MARGIN_MM * POINTS_PER_MM - 0.01:
        return None
    return Diagnostic.in_edition(
        edition.name,
        f"page {index + 1} (sheet {index // 2 + 1}, {'front' if index % 2 == 0 else 'back'})",
        "L701",
        f"{what} stands {_mm(distance)} from the sheet's {edge} edge, within {SHEET_MARGIN_MM} mm of it",
        "an office printer cannot print so near the edge: keep the handout's page margins "
        "(page_geometry.py) clear of the sheet's edge",
    )


def _edge_distance(box: Box, sheet: Box) -> tuple[float, str]:
    distances = {
        "left": box.left - sheet.left,
        "bottom": box.bottom - sheet.bottom,
        "right": sheet.right - box.right,
        "top": sheet.top - box.top,
    }
    edge = min(distances, key=lambda side: distances[side])
    return distances[edge], edge
