"""Where each plate stands in a paged edition, and how wide it is printed.

Every plate floats to the head or foot of a page (weasyprint/page_floats.py), but a plate that opens its
chapter, which stands under the chapter's title; plates placed one after the other are sized
to share a page. After a layout, the plan is mended where the floats went wrong, as a
typesetter would: plates held more than a page behind their markers are set smaller
together; a plate held over onto the page where the next part opens closes its own chapter
instead (as LaTeX's \\clearpage sets the floats still waiting); a plate or pull quote at a
page's foot under white the text could not fill waits for the next page's head; a plate too
tall to share a page with a few lines of text takes a page of its own; a plate that stands
alone on a page (a float page) is set as large as the page and its scan allow. What the
revision after a mend will likely mend is guessed too, for a layout made ahead to confirm
(layout/engine.py).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from amnesty_book.model import Block, Book, Inline, NoteCall, Plate, PlatePlacement, Prose, PullQuote
from amnesty_book.model.text import plain_text
from amnesty_book.project.config import MINIMUM_PPI, POINTS_PER_MM, Edition
from amnesty_book.theme.page_geometry import (
    TEXT_BESIDE_PLATES_EM,
    design,
    measure_mm,
    plate_width_mm,
    text_block,
)
from amnesty_book.theme.page_plan import CHAPTER_END, FLOAT, LEFT_OUT, PlatePlan

# A page's text block may be left this white above a plate at its foot (as the audit's L101).
_MOST_WHITE = 0.15
# A plate alone on a page is set larger when it can be by this much at least (its height in steps of this).
_LARGER, _LARGER_STEP = 1.1, 0.05
# Each revision sets a late plate this much smaller, down to the smallest scale.
_SHRINK, _SMALLEST = 0.85, 0.5
# The rule over a page's notes, with its space, in ems.
_NOTES_RULE_EM = 2
# For estimating a caption's lines: its type and its notes' (print.css), an average
# character's width and the leading, in ems, and the space around a floated figure.
_CAPTION_EM, _NOTE_EM, _AVERAGE_CHARACTER_EM, _LEADING, _FIGURE_SPACE_EM = 0.85, 0.81, 0.45, 1.35, 1.8
# A little less than the estimate, which lines broken otherwise may exceed.
_MARGIN = 0.97


def first_plan(book: Book, edition: Edition) -> PlatePlan:
    """Every plate floats but those that open their chapter; plates placed one after the
    other, with no text between, are sized at once to share a page, from an estimate of
    their captions' height (a layout would otherwise be spent finding it out)."""
    positions = {}
    scales: dict[str, float] = {}
    own_page = set()
    for chapter in book.chapters:
        opening = True
        run: list[PlatePlacement] = []
        for block in (*chapter.blocks, None):
            if isinstance(block, PlatePlacement) and not opening:
                positions[block.anchor] = FLOAT
                if _estimated_height(edition, block).whole > room_beside_text(edition):
                    own_page.add(block.anchor)
                else:
                    run.append(block)
                continue
            if len(run) > 1:
                fit = _fitting_scale(edition, [_estimated_height(edition, placed) for placed in run])
                if _SMALLEST <= fit < 1:
                    scales.update(dict.fromkeys((placed.anchor for placed in run), fit))
            run = []
            opening = opening and isinstance(block, PlatePlacement)
    return PlatePlan(positions, _widths(book, edition, scales), scales, own_page=frozenset(own_page))


def revised_plan(
    plan: PlatePlan,
    book: Book,
    edition: Edition,
    pages: Mapping[str, int],
    heights: Mapping[str, PlateHeight],
    white_above: Mapping[str, float],
    first_page: int = 0,
) -> PlatePlan:
    """The plan mended where the plates of a layout went wrong (`pages`: anchor -> page;
    `heights`: how tall each plate came out; `white_above`: the share of its page's
    text block left white above a plate or pull quote at the page's foot; `first_page`: the
    index of the layout's first page in the whole book, whose parity tells the spreads); the
    same plan when nothing can be mended.

    Plates that are held too late, with those called on their page before them, are set
    smaller together, by as much as lets them share one page with three lines of text,
    unless that would take them under half their size: then they keep it, and the last
    stands two pages on. A plate held into the next part closes its chapter instead,
    unless it is being set smaller, which may bring it back into its chapter. A plate or
    pull quote at a page's foot under white that the text could not fill (a heading kept
    with its paragraph, a note kept with its call) waits for the next page's head. A
    floating plate that came out too tall to share a page with three lines of text takes
    a page of its own, its caption at the full measure; one taller than its page is set
    smaller, down to half its size. A pull quote on the spread of the sentence it repeats
    follows the first paragraph of its chapter that starts on a later spread, or is left out
    of the edition's pages where none does; one at the foot of a page with notes, in its last
    third, waits for the next page's head. A plate alone on a page is set as large as the page
    and its scan allow."""
    scales = dict(plan.scales)
    for run in _late_runs(plan, book, pages):
        run = [anchor for anchor in run if anchor not in plan.own_page]
        fit = _fitting_scale(edition, [heights[anchor] for anchor in run if anchor in heights])
        smaller = {anchor: scales.get(anchor, 1.0) * min(_SHRINK, fit) for anchor in run}
        if min(smaller.values()) >= _SMALLEST:  # else no size that still reads lets them share
            scales.update(smaller)
    for anchor in plan.own_page & heights.keys():
        smaller = scales.get(anchor, 1.0) * min(_SHRINK, _alone_scale(edition, heights[anchor]))
        if heights[anchor].whole > text_block(edition, 0).height and smaller >= _SMALLEST:
            scales[anchor] = smaller
    shrunk = {anchor for anchor in scales if scales[anchor] != plan.scales.get(anchor)}
    alone = _alone_on_a_page(plan, book, pages)
    # A plate set larger when it stood alone, and no longer does, takes its own size again.
    scales = {anchor: scale for anchor, scale in scales.items() if scale <= 1 or anchor in alone}
    positions = dict(plan.positions)
    positions.update(dict.fromkeys(set(_stranded(plan, book, pages)) - shrunk, CHAPTER_END))
    pull_quotes = {
        block.anchor for chapter in book.chapters for block in chapter.blocks if isinstance(block, PullQuote)
    }
    waiting = plan.to_next_page | {
        anchor
        for anchor, white in white_above.items()
        if white > _MOST_WHITE
        and (positions.get(anchor) == FLOAT or anchor in pull_quotes)
        and anchor not in shrunk
    }
    pages_with_notes = _pages_with_notes(book, pages)
    waiting |= {
        anchor for anchor in pull_quotes & white_above.keys() if pages.get(anchor) in pages_with_notes
    }
    quotes_after = _pull_quotes_moved(plan, book, pages, first_page)
    own_page = plan.own_page | {
        anchor
        for anchor, height in heights.items()
        if positions.get(anchor) == FLOAT and height.whole > room_beside_text(edition)
    }
    # A plate alone on a page is set larger, with whatever else is mended (and takes its own
    # size again when it no longer stands alone).
    scales |= _larger(book, edition, alone, heights, scales)
    if (scales, positions, waiting, own_page, quotes_after) == (
        plan.scales,
        plan.positions,
        plan.to_next_page,
        plan.own_page,
        plan.pull_quotes_after,
    ):
        return plan
    return PlatePlan(
        positions,
        _widths(book, edition, scales),
        scales,
        frozenset(waiting),
        frozenset(own_page),
        quotes_after,
    )


def _pull_quotes_moved(
    plan: PlatePlan, book: Book, pages: Mapping[str, int], first_page: int
) -> dict[str, str]:
    """Pull quotes standing on the spread of the sentence they repeat, each moved after the
    first paragraph of its chapter that starts on a later spread (or left out), with those
    moved before."""
    moved = dict(plan.pull_quotes_after)

    def spread(anchor: str) -> int:  # the first page, a recto, is a spread alone
        return (first_page + pages[anchor]) // 2  # pages count from 1

    for chapter in book.chapters:
        paragraphs = [block.anchor for block in chapter.blocks if isinstance(block, Prose)]
        for quote, source in pull_quote_sources(chapter.blocks).items():
            if {quote, source} <= pages.keys() and spread(quote) == spread(source):
                later = [
                    anchor for anchor in paragraphs if anchor in pages and spread(anchor) > spread(source)
                ]
                moved[quote] = later[0] if later else LEFT_OUT
    return moved


def pull_quote_sources(blocks: Sequence[Block]) -> dict[str, str]:
    """Each pull quote's anchor -> the paragraph holding the passage it repeats, its letters and
    digits alone compared, in any case (a quote may begin a sentence the paragraph has
    mid-sentence, and end on a full stop where the paragraph goes on); a pull quote that
    repeats no paragraph word for word has none."""
    if not any(isinstance(block, PullQuote) for block in blocks):
        return {}
    paragraphs = [(block.anchor, _squashed(block.content)) for block in blocks if isinstance(block, Prose)]
    sources = {}
    for block in blocks:
        if isinstance(block, PullQuote):
            quoted = _squashed(block.content)
            found = [anchor for anchor, text in paragraphs if quoted in text]
            if found:
                sources[block.anchor] = found[0]
    return sources


def _squashed(content: Inline) -> str:
    return "".join(character for character in plain_text(content).casefold() if character.isalnum())


def _floating(plan: PlatePlan, book: Book) -> list[PlatePlacement]:
    return [
        block
        for chapter in book.chapters
        for block in chapter.blocks
        if isinstance(block, PlatePlacement) and plan.positions.get(block.anchor) == FLOAT
    ]


def _stranded(plan: PlatePlan, book: Book, pages: Mapping[str, int]) -> list[str]:
    """Floating plates held over onto the page where a later part opens."""
    openings = [chapter.title.anchor for chapter in book.chapters[1:]] + list(book.back_matter)
    stranded = []
    for index, chapter in enumerate(book.chapters):
        later = [pages[anchor] for anchor in openings[index:] if anchor in pages]
        next_opening = min(later, default=max(pages.values(), default=0) + 1)
        stranded += [
            block.anchor
            for block in chapter.blocks
            if isinstance(block, PlatePlacement)
            and plan.positions.get(block.anchor) == FLOAT
            and pages.get(block.anchor, 0) >= next_opening
        ]
    return stranded


def _alone_on_a_page(plan: PlatePlan, book: Book, pages: Mapping[str, int]) -> set[str]:
    """Plates standing alone on a page: each taking a page to itself, and each closing its
    chapter on a page after its last text with no other plate."""
    alone = set(plan.own_page)
    plate_pages = [pages[plate.anchor] for plate in book.plates if plate.anchor in pages]
    for chapter in book.chapters:
        text = [
            pages[anchor]
            for block in chapter.blocks
            if not isinstance(block, PlatePlacement) and (anchor := getattr(block, "anchor", "")) in pages
        ]
        alone |= {
            block.anchor
            for block in chapter.blocks
            if isinstance(block, PlatePlacement)
            and plan.positions.get(block.anchor) == CHAPTER_END
            and block.anchor in pages
            and pages[block.anchor] > max(text, default=-1)
            and plate_pages.count(pages[block.anchor]) == 1
        }
    return alone


def anticipated_plan(
    plan: PlatePlan,
    revised: PlatePlan,
    book: Book,
    edition: Edition,
    pages: Mapping[str, int],
    heights: Mapping[str, PlateHeight],
) -> PlatePlan:
    """What the revision after `revised` (revised_plan of `plan` after a layout: `pages`,
    `heights`) will likely mend, guessed from that layout: a plate sent alone to close its
    chapter, which the chapter's last page had no room for as it floated, will stand alone and
    be set larger; a pull quote moved after a paragraph on a page with notes will stand at that
    page's foot and wait for the next page's head. A guess, which a layout confirms or not."""
    closing = {
        anchor
        for anchor, position in revised.positions.items()
        if position == CHAPTER_END and plan.positions.get(anchor) != CHAPTER_END
    }
    alone = set()
    for chapter in book.chapters:
        ours = [
            block.anchor for block in chapter.blocks if revised.positions.get(block.anchor) == CHAPTER_END
        ]
        if len(ours) == 1 and ours[0] in closing:
            alone.add(ours[0])
    larger = _larger(book, edition, alone, heights, revised.scales)
    pages_with_notes = _pages_with_notes(book, pages)
    waiting = {
        quote
        for quote, after in revised.pull_quotes_after.items()
        if quote not in plan.pull_quotes_after and pages.get(after) in pages_with_notes
    }
    if not larger and waiting <= revised.to_next_page:
        return revised
    scales = {**revised.scales, **larger}
    return replace(
        revised,
        widths_mm=_widths(book, edition, scales),
        scales=scales,
        to_next_page=revised.to_next_page | waiting,
    )


def _pages_with_notes(book: Book, pages: Mapping[str, int]) -> set[int]:
    return {pages[note.anchor] for chapter in book.chapters for note in chapter.notes if note.anchor in pages}


def _larger(
    book: Book,
    edition: Edition,
    alone: set[str],
    heights: Mapping[str, PlateHeight],
    scales: Mapping[str, float],
) -> dict[str, float]:
    """The scale of each plate standing alone on a page, not set at another, that can be set
    larger."""
    plates = {plate.anchor: plate for plate in book.plates}
    return {
        anchor: scale
        for anchor in (alone & heights.keys()) - scales.keys()
        if (scale := _largest_scale(edition, plates[anchor], heights[anchor])) >= _LARGER
    }


def _largest_scale(edition: Edition, plate: Plate, height: PlateHeight) -> float:
    """The scale at which a plate alone on a page is as large as the measure and its scan at
    MINIMUM_PPI allow, and the text block's height with its caption (in steps of _LARGER_STEP:
    the caption, measured at the last size, is shorter at a larger one)."""
    widest = min(measure_mm(edition), plate.width / MINIMUM_PPI * 25.4)
    tallest = math.floor(_alone_scale(edition, height) / _LARGER_STEP) * _LARGER_STEP
    return min(widest / plate_width_mm(edition, plate.width, plate.height), tallest)


def _late_runs(plan: PlatePlan, book: Book, pages: Mapping[str, int]) -> list[list[str]]:
    """Each floating plate more than a page after its marker, with the plates called on
    the same page before it, whose room it waits for."""
    floating = _floating(plan, book)
    called_on = {block.anchor: pages.get(marker_anchor(block.anchor), 0) for block in floating}
    return [
        [
            earlier.anchor
            for earlier in floating[: index + 1]
            if called_on[earlier.anchor] == called_on[block.anchor]
        ]
        for index, block in enumerate(floating)
        if pages.get(block.anchor, 0) > called_on[block.anchor] + 1
    ]


@dataclass(frozen=True)
class PlateHeight:
    """How tall a plate came out in a layout, in points: all of it, and its image."""

    whole: float
    image: float


def _fitting_scale(edition: Edition, run: list[PlateHeight]) -> float:
    """The scale at which the images of `run`, with their captions and the notes these call,
    fit on one page beside three lines of text.

    At scale s the images take s·I and the captions, as narrow as their images, about C/s:
    the largest s with s·I + C/s within the room R is the larger root of I·s² − R·s + C."""
    room = room_beside_text(edition)
    images = sum(plate.image for plate in run)
    captions = sum(plate.whole - plate.image for plate in run)
    discriminant = room * room - 4 * images * captions
    if not images or discriminant < 0:
        return 0.0  # at no scale: the images shrink by as much as their captions grow
    return _MARGIN * (room + math.sqrt(discriminant)) / (2 * images)


def _alone_scale(edition: Edition, plate: PlateHeight) -> float:
    """The scale at which a plate on a page of its own, its caption at the full measure (and
    so as tall at any scale), fits the text block."""
    caption = plate.whole - plate.image
    return _MARGIN * (text_block(edition, 0).height - caption) / plate.image


def room_beside_text(edition: Edition) -> float:
    """The height, in points, that plates may take on a page beside three lines of text (and
    a note's rule)."""
    beside = (TEXT_BESIDE_PLATES_EM + _NOTES_RULE_EM) * design(edition).font_size_pt
    return text_block(edition, 0).height - beside


def _estimated_height(edition: Edition, placed: PlatePlacement) -> PlateHeight:
    """A plate's height, in points, before any layout: its image at its width, and its
    caption's and credit's lines (and those of the notes they call) at an average
    character's width."""
    plate = placed.plate
    assert plate is not None, "plates are numbered before they are placed"
    width = plate_width_mm(edition, plate.width, plate.height) * POINTS_PER_MM
    size = design(edition).font_size_pt
    caption_size = _CAPTION_EM * size

    def lines(text: str, measure: float, type_size: float) -> int:
        return math.ceil(len(text) * _AVERAGE_CHARACTER_EM * type_size / measure) if text else 0

    caption = lines(f"{plate.label}. {plain_text(plate.caption)}", width, caption_size)
    caption += lines(plain_text(plate.credit), width, caption_size)
    note_size = _NOTE_EM * size
    notes = sum(
        lines(part.note.text, measure_mm(edition) * POINTS_PER_MM, note_size)
        for part in plate.caption
        if isinstance(part, NoteCall)
    )
    image = width * plate.height / plate.width
    text = (caption * caption_size + notes * note_size) * _LEADING + _FIGURE_SPACE_EM * size
    return PlateHeight(whole=image + text, image=image)


def marker_anchor(plate_anchor: str) -> str:
    """The id of the empty element that marks where a floating plate is called."""
    return f"marker-{plate_anchor}"


def _widths(book: Book, edition: Edition, scales: Mapping[str, float]) -> dict[str, float]:
    return {
        plate.anchor: round(
            plate_width_mm(edition, plate.width, plate.height) * scales.get(plate.anchor, 1.0), 1
        )
        for plate in book.plates
    }
