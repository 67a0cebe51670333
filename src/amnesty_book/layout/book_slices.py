"""A book with a chapter too long for one process laid out in slices, one after another, each
in a process of its own that opens at a page the slice before it laid out.

WeasyPrint holds every box of a document until its last page is made: a chapter of 1,000
pages would take more than a gigabyte in one process, and parts (book_parts.py) split a book
only where a chapter opens a page. A slice is a run of the book's blocks about SLICE_LENGTH
long (the front matter is laid out on its own, the back matter with the last slice). It is
laid out in a process forked for it, at the place its first page stands in the whole; then
the last of its pages at least _OVERLAP before its end that opens a block with nothing of the
blocks before it carried over (no paragraph, note tail or plate) is where the next slice
opens. The pages before it are written and read back in the slice's process while the next
slice is laid out from that block, in another. They are the pages the whole would have made:
what follows a page changes it only through the patches that make a page again to fill a
short one (short_pages.py, page_lookback.py), which reach three pages back at most. A slice
with no such page (a paragraph longer than itself) is laid out again twice as long.

The folios a slice prints of later pages (a cross-reference, the contents) are those of the
last build, as LaTeX's .aux gives them; the front matter is laid out again once the slices
have shown them, and a build whose slices printed a folio that moved says to build again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from multiprocessing import Process
from multiprocessing.connection import Connection
from typing import Any

from amnesty_book.layout.book_parts import (
    Memory,
    PartLayout,
    PartShape,
    Placement,
    StartPart,
    block_length,
    opens_after_blank,
)
from amnesty_book.layout.pagination import PageFacts, anchor_folios, folios
from amnesty_book.model import Book, PlatePlacement
from amnesty_book.project.config import Edition
from amnesty_book.support import cores
from amnesty_book.support.errors import warn
from amnesty_book.theme.page_plan import BookPart

# A slice's length, in the characters of its blocks' model (block_length): about 300
# pages of prose with notes (bench/cost.py's 10,000 notes: slices of 325 pages, each process
# at most 650 MB, laid out and written).
SLICE_LENGTH = 2_400_000
# Pages laid out past the page where the next slice opens: more than page_lookback.py remakes
# before a short page (_MOST_BACK), and the short page itself.
_OVERLAP = 6


@dataclass(frozen=True)
class Position:
    """Where a slice opens: a chapter's block."""

    chapter: int
    block: int


def needs_slices(book: Book) -> bool:
    """Whether a chapter of the book is longer than one process should lay out."""
    return any(chapter_length(book, index) > SLICE_LENGTH for index in range(len(book.chapters)))


def chapter_length(book: Book, index: int) -> int:
    """What the chapter weighs in the layout (block_length)."""
    return sum(block_length(block) for block in book.chapters[index].blocks)


def slice_from(book: Book, position: Position, length: int) -> BookPart:
    """The slice that opens at `position` and runs `length` on: to the block that would take it
    past that, or to the book's end, with the back matter."""
    chapters, weight = [], 0
    for index in range(position.chapter, len(book.chapters)):
        chapters.append(index)
        blocks = book.chapters[index].blocks
        first = position.block if index == position.chapter else 0
        for number in range(first, len(blocks)):
            weight += block_length(blocks[number])
            if weight > length and number + 1 < len(blocks):
                return BookPart(False, tuple(chapters), False, position.block, number + 1)
    return BookPart(False, tuple(chapters), True, position.block, None)


def next_opening(book: Book, part: BookPart, pages: Sequence[PageFacts]) -> tuple[int, Position] | None:
    """The slice's last page at least _OVERLAP pages before its end that the next slice may open
    with (its index in the slice, and the block it opens with): a page that opens a block or a
    chapter, with no note tail at its foot, no anchor of an earlier block on it or after it, no
    anchor of a later one before it, and every plate of the blocks before it placed before it
    (a plate deferred, or set at its chapter's end), after a page that gave up no room to a
    later one (page_lookback.py). None where no page is such."""
    order: dict[str, tuple[int, int]] = {}  # anchor -> (chapter, block); a chapter's title: -1
    plates: list[str] = []
    for chapter in part.chapters:
        first, end = part.blocks(chapter)
        order[book.chapters[chapter].title.anchor] = (chapter, -1)
        for number, block in enumerate(book.chapters[chapter].blocks[first:end], start=first):
            order[block.anchor] = (chapter, number)
            if isinstance(block, PlatePlacement):
                plates.append(block.anchor)
    keys = [[order[anchor] for anchor in page.anchors if anchor in order] for page in pages]
    latest_before, latest = [], (-1, -1)  # the latest block on the pages before each page
    for on_page in keys:
        latest_before.append(latest)
        latest = max([latest, *on_page])
    earliest_after = (len(book.chapters), 0)  # the earliest block on the page or after it
    for index in range(len(pages) - 1, 0, -1):
        earliest_after = min([earliest_after, *keys[index]])
        if index > len(pages) - 1 - _OVERLAP or not keys[index] or pages[index].note_tail:
            continue
        if pages[index - 1].gave_room:  # to fill this page or a later one: not made so alone
            continue
        opening = keys[index][0]
        if opening != earliest_after or latest_before[index] >= opening:
            continue
        before = {anchor for page in pages[:index] for anchor in page.anchors}
        if all(plate in before for plate in plates if order[plate] < opening):
            return index, Position(opening[0], max(opening[1], 0))
    return None


@dataclass
class _Slice:
    """A slice laid out in its process, being written there."""

    part: BookPart
    placement: Placement
    referred: frozenset[str]
    process: Process
    channel: Connection
    written: PartLayout | None = None


@dataclass(frozen=True)
class _Failed:
    """What ended a slice's process, sent to the build to raise."""

    failure: BaseException


def laid_out_in_slices(book: Book, edition: Edition, start: StartPart) -> list[PartLayout]:
    """The front matter, laid out here, then each slice of the book in a process of its own,
    each written there while the next is laid out where there is a core for it; every part
    written where it stands in the whole."""
    memory = Memory(book.root, edition.name)
    recalled = memory.folios()
    front = start(BookPart(True, (), False))
    front_placement = Placement(0, 1, recalled)
    front_shape = front.lay_out(front_placement)
    pages = list(front_shape.pages)
    slices: list[_Slice] = []
    laying_out: list[Process] = []  # the process of the slice being laid out
    try:
        position: Position | None = Position(0, 0)
        length = SLICE_LENGTH
        while position is not None:
            for each in slices[:-1]:  # at most the slice before this one written meanwhile
                _written(each)
            part = slice_from(book, position, length)
            placement = _placement(book, part, pages, recalled)
            process, channel = cores.forked(partial(_lay_out_and_write, start, part, placement))
            laying_out.append(process)
            shape: PartShape = _received(process, channel, slices)
            opening = None if part.back else next_opening(book, part, shape.pages)
            if opening is None and not part.back:  # no page to open the next with: a longer slice
                channel.send(None)
                process.join()
                laying_out.remove(process)
                length *= 2
                continue
            kept = len(shape.pages) if opening is None else opening[0]
            channel.send(kept)
            pages += shape.pages[:kept]
            slices.append(_Slice(part, placement, shape.referred, process, channel))
            laying_out.remove(process)
            if cores.spare() < 2:  # no core to lay out the next meanwhile
                _written(slices[-1])
            position, length = (None if opening is None else opening[1]), SLICE_LENGTH
        written = [_written(each) for each in slices]
    except BaseException:  # Ctrl-C, or a slice's failure: the others' work is not wanted
        for process in [*laying_out, *(each.process for each in slices)]:
            process.terminate()
            process.join()
        raise
    final = anchor_folios(pages)
    if any(front_placement.folios.get(anchor) != final.get(anchor) for anchor in front_shape.referred):
        front_placement = Placement(0, 1, final)
        if len(front.lay_out(front_placement).pages) != len(front_shape.pages):
            _moved(edition, "the front matter")
    for each in slices:
        if any(each.placement.folios.get(anchor) != final.get(anchor) for anchor in each.referred):
            _moved(edition, each.part.name)
    memory.record([Placement(0, 1, final)])
    return [front.finish(front_placement), *written]


def _placement(book: Book, part: BookPart, pages: Sequence[PageFacts], recalled: dict[str, str]) -> Placement:
    """Where a part opening after `pages` stands: its first page, the folio of its first page
    that prints one (after the blank page it opens with, if it must), and the folios of the
    pages before it, of the later ones as the last build had them."""
    opening = [PageFacts((), front=False)]
    if opens_after_blank(book, part, Placement(len(pages), 1)):
        opening.insert(0, PageFacts((), front=False, blank=True))
    return Placement(len(pages), int(folios([*pages, *opening])[-1]), {**recalled, **anchor_folios(pages)})


def _lay_out_and_write(start: StartPart, part: BookPart, placement: Placement, channel: Connection) -> None:
    """A slice's process: the slice laid out, its pages' facts sent; the count of its pages to
    keep received, and those written and sent (none: the slice is given up)."""
    try:
        work = start(part)
        channel.send(work.lay_out(placement))
        kept = channel.recv()
        if kept is not None:
            channel.send(work.finish(placement, kept))
    except BaseException as failure:  # raised in the build, as a pool's worker's would be
        channel.send(_Failed(failure))


def _received(process: Process, channel: Connection, writing: Sequence[_Slice] = ()) -> Any:
    """What the slice's process sends next; what ended it, raised. Meanwhile, the slices
    `writing` that are written are taken, so that their processes end."""
    while not channel.poll(0.05):
        for each in writing:
            if each.written is None and each.channel.poll():
                _written(each)
        if not process.is_alive() and not channel.poll():
            raise RuntimeError(f"a slice's process ended with code {process.exitcode}")
    message = channel.recv()
    if isinstance(message, _Failed):
        raise message.failure
    return message


def _written(each: _Slice) -> PartLayout:
    if each.written is None:
        each.written = _received(each.process, each.channel)
        each.process.join()
    return each.written


def _moved(edition: Edition, part: str) -> None:
    warn(
        None,
        f"{edition.name}: a page number printed in the {part} moved once the book's later slices "
        "were laid out: build again",
    )
