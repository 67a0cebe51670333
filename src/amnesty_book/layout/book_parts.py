"""A book of several chapters laid out in parts, in parallel processes, joined into one PDF.

Each part opens a page in the whole book too: the front matter, then runs of chapters
(each chapter opens a page), the last run with the back matter. A part laid out alone
therefore gives the pages the whole would, once it knows what the whole would tell it: the
side and the folio of its first page, and the folios of the pages in other parts it refers
to (the contents, cross-references). These are taken from the edition's last build, as LaTeX
takes them from its .aux file; a part whose guess proves wrong is laid out again with what
the parts' layouts showed, until nothing changes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from amnesty_book.layout.pagination import PageFacts, anchor_folios, folios, in_front_matter
from amnesty_book.model import Book
from amnesty_book.project.config import Edition
from amnesty_book.support import cores
from amnesty_book.support.cache import CACHE_FOLDER
from amnesty_book.support.errors import warn
from amnesty_book.theme.page_plan import BookPart

# Layouts of a part, at most, before its guess is taken as it stands (LaTeX's "rerun").
_MOST_ROUNDS = 4


@dataclass(frozen=True)
class Placement:
    """What a part must know of the whole to be laid out as in it."""

    first_page: int  # the index, in the whole, of the part's first page
    first_folio: int  # the arabic folio of its first page that prints one, if in the body matter
    folios: Mapping[str, str] = field(default_factory=dict)  # anchor -> folio, for every anchor


@dataclass
class PartLayout:
    """A part laid out and written, as a worker process sends it back."""

    pdf: bytes
    pages: list[PageFacts]
    said: list[tuple[int, str]]  # what it logged (level, text), to be logged by the build
    read: object = None  # its pages as the build's PartReading read them back, if any
    bookmark_levels: list[int] = field(default_factory=list)  # of its outline's items, in order
    plate_widths: dict[str, float] = field(default_factory=dict)  # engine.placed_plate_widths


@dataclass(frozen=True)
class PartShape:
    """What a part's layout tells the whole, before it is written."""

    pages: list[PageFacts]
    referred: frozenset[str]  # the anchors in other parts whose folios it prints
    own_folios: bool  # whether it prints the folio of one of its own pages (a page reference)


class PartWork(Protocol):
    """A part of the book, laid out in one process and kept there until the whole has told it
    where it stands; then written."""

    def lay_out(self, placement: Placement) -> PartShape: ...

    def finish(self, placement: Placement, kept: int | None = None) -> PartLayout:
        """Written as it stands at `placement`: as laid out, or with its folios moved and the
        blank page it opened with dropped, where `refits` allows that; its first `kept` pages
        only, if given (book_slices.py)."""
        ...


StartPart = Callable[[BookPart], PartWork]


class PartReading(Protocol):
    """How a build that reads its editions back reads each part's pages in the worker that
    wrote it, in parallel with the other parts, rather than the joined book's in one process
    afterwards (checks/layout_audit/reading.py, which compares what it keeps with the joined
    PDF's pages by their content)."""

    def read(self, pdf: bytes, edition: Edition, first_page: int) -> object:
        """The part's pages read back; `first_page` is the index of its first in the whole."""
        ...

    def keep(self, edition: Edition, read: object) -> None:
        """What `read` gave, kept in the build's process for the check of the joined PDF."""
        ...


# Set while a build reads its editions back (publish/production.py).
part_reading: PartReading | None = None


def split(book: Book, count: int) -> list[BookPart]:
    """The front matter, then the chapters in `count` runs of about equal length, the back
    matter with the last."""
    weights = [_length(book, index) for index in range(len(book.chapters))]
    runs: list[list[int]] = [[]]
    share = sum(weights) / count
    done = 0.0
    for index, weight in enumerate(weights):
        if runs[-1] and done + weight / 2 > share * len(runs) and len(runs) < count:
            runs.append([])
        runs[-1].append(index)
        done += weight
    return [
        BookPart(True, (), False),
        *(BookPart(False, tuple(run), last) for last, run in ((run is runs[-1], run) for run in runs)),
    ]


def _length(book: Book, index: int) -> int:
    chapter = book.chapters[index]
    notes = sum(len(repr(note)) for note in chapter.notes)
    return sum(block_length(block) for block in chapter.blocks) + notes


def block_length(block: object) -> int:
    """What a block weighs in the layout: the characters of its model, its notes' included."""
    return len(repr(block))


def laid_out_in_parts(
    book: Book, edition: Edition, parts: Sequence[BookPart], start: StartPart
) -> list[PartLayout]:
    """Each part laid out as in the whole book, each in a worker process of its own (the
    first, the front matter, in this one), and kept there until no part moves; then written
    there."""
    memory = Memory(book.root, edition.name)
    channels = [multiprocessing.Pipe() for _ in parts]
    global _worker_ends
    _worker_ends = [worker for _, worker in channels]  # the pool's workers are forked with them
    try:
        with cores.worker_pool(max(1, len(parts) - 1)) as pool:
            try:
                layouts, placements = _parts_settled(
                    book, edition, parts, memory.recall(parts), start, pool, [end for end, _ in channels]
                )
            except BaseException:
                cores.stop(pool)  # a worker may wait for a placement, or to send its part's shape
                raise
    finally:
        for ends in channels:
            for end in ends:
                end.close()
    memory.record(placements)
    return layouts


def _parts_settled(
    book: Book,
    edition: Edition,
    parts: Sequence[BookPart],
    given: list[Placement],
    start: StartPart,
    pool: ProcessPoolExecutor,
    channels: Sequence[Connection],
) -> tuple[list[PartLayout], list[Placement]]:
    """The parts laid out at `given`, laid out again where they moved, then written where they
    stand; with their placements."""
    workers = {
        index: (channels[index], pool.submit(_work_on, start, index, parts[index], given[index]))
        for index in range(1, len(parts))
    }
    front = start(parts[0])  # a few pages, laid out here meanwhile
    shapes = [front.lay_out(given[0]), *(_shape_from(*workers[index]) for index in workers)]
    for layouts in range(1, _MOST_ROUNDS + 1):  # of the part laid out most often
        now = _placements(book, parts, shapes)
        moved = [
            index
            for index, part in enumerate(parts)
            if not refits(book, part, given[index], now[index], shapes[index])
        ]
        if not moved:
            break
        if layouts == _MOST_ROUNDS:
            warn(
                None,
                f"{edition.name}: the parts of the book still moved after {_MOST_ROUNDS} layouts; "
                "a page number printed across parts may be wrong: build again",
            )
            now = [given[index] if index in moved else now[index] for index in range(len(parts))]
            break
        for index in moved:
            if index:
                channels[index].send(now[index])
            else:
                shapes[0] = front.lay_out(now[0])
            given[index] = now[index]
        for index in moved:  # once every worker has been sent its placement: they lay out side by side
            if index:
                shapes[index] = _shape_from(*workers[index])
    for index, (channel, _) in workers.items():
        channel.send(_WRITE)
        channel.send(now[index])
    return [front.finish(now[0]), *(future.result() for _, future in workers.values())], now


# The workers' ends of the channels of a build's parts (laid_out_in_parts), which the pool's
# workers inherit; and what the build sends on them before the placement to write a part at.
_worker_ends: list[Connection] = []
_WRITE = "write"


def _work_on(start: StartPart, index: int, part: BookPart, placement: Placement) -> PartLayout:
    """A worker's part: laid out, its shape sent, laid out again at each placement sent back,
    until it is told to be written, at a last placement."""
    channel = _worker_ends[index]
    work = start(part)
    channel.send(work.lay_out(placement))
    while (order := channel.recv()) != _WRITE:
        channel.send(work.lay_out(order))
    return work.finish(channel.recv())


def _shape_from(channel: Connection, future: Future[PartLayout]) -> PartShape:
    """The shape a worker sends, or the error that ended it."""
    while not channel.poll(0.05):
        if future.done():
            future.result()  # raises what ended the worker
            raise RuntimeError("a part's worker ended without laying it out")
    shape: PartShape = channel.recv()
    return shape


def refits(book: Book, part: BookPart, given: Placement, now: Placement, shape: PartShape) -> bool:
    """Whether a part laid out at `given` is the part at `now` once its folios are moved (and
    the blank page it opened with dropped): its pages stand on the same sides and print the
    same folios of other parts' pages, and none of its own, or its folios stay."""
    blank_given, blank_now = opens_after_blank(book, part, given), opens_after_blank(book, part, now)
    return (
        (given.first_page + blank_given) % 2 == (now.first_page + blank_now) % 2
        and blank_given >= blank_now
        and (given.first_folio == now.first_folio or not shape.own_folios)
        and all(given.folios.get(anchor) == now.folios.get(anchor) for anchor in shape.referred)
    )


def opens_after_blank(book: Book, part: BookPart, placement: Placement | None) -> bool:
    """A part laid out alone opens with a blank page: its first chapter opens a right-hand
    page (the book's first always; the others where [layout] chapters_open asks), and the part
    would start on a left-hand one. (A book laid out whole has WeasyPrint leave the blank page
    where the stylesheet asks it: print.css, styles.py.) A slice that continues a chapter
    (book_slices.py) never does."""
    if placement is None or not part.chapters or part.continues_chapter or placement.first_page % 2 == 0:
        return False
    return part.chapters[0] == 0 or book.config.layout.chapters_open == "right"


def _placements(book: Book, parts: Sequence[BookPart], shapes: Sequence[PartShape]) -> list[Placement]:
    """Where each part stands in the whole made of these layouts, each part opening with the
    blank page its place asks for, or without."""
    pages: list[PageFacts] = []
    starts = []
    for part, shape in zip(parts, shapes, strict=True):
        starts.append(len(pages))
        own = shape.pages
        blank = opens_after_blank(book, part, Placement(len(pages), 1))
        if own and own[0].blank and not blank:
            own = own[1:]
        elif blank and not (own and own[0].blank):
            own = [PageFacts((), front=False, blank=True), *own]
        pages += own
    return [placement_at(pages, first) for first in starts]


def placement_at(pages: Sequence[PageFacts], first: int) -> Placement:
    """Where a part beginning at page index `first` of the whole made of `pages` stands."""
    numbers = folios(pages)
    every = anchor_folios(pages)
    body = [
        number
        for page, number, front in zip(
            pages[first:], numbers[first:], in_front_matter(pages)[first:], strict=True
        )
        if not front and not page.blank
    ]
    return Placement(first, int(body[0]) if body else 1, every)


class Memory:
    """Where the parts of an edition stood at its last build, and the folio of every anchor."""

    def __init__(self, project: Path, edition: str) -> None:
        self.path = project / CACHE_FOLDER / "parts" / f"{edition}.json"

    def recall(self, parts: Sequence[BookPart]) -> list[Placement]:
        """The parts' places at the last build; else each part after the front matter on a
        left-hand page, so that a part whose chapter opens on the right opens with a blank page,
        which is dropped where it proves needless (refits)."""
        kept = self._kept()
        try:
            folios = dict(kept["folios"])
            placements = [
                Placement(first_page, first_folio, folios) for first_page, first_folio in kept["starts"]
            ]
        except (ValueError, TypeError, KeyError):
            placements = []
        if len(placements) == len(parts):
            return placements
        return [Placement(0, 1), *(Placement(1, 1) for _ in parts[1:])]

    def folios(self) -> dict[str, str]:
        """The folio of every anchor at the last build; none where there was none."""
        try:
            return dict(self._kept()["folios"])
        except (ValueError, TypeError, KeyError):
            return {}

    def _kept(self) -> dict[str, Any]:
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return kept if isinstance(kept, dict) else {}

    def record(self, placements: Sequence[Placement]) -> None:
        kept = {
            "starts": [(placement.first_page, placement.first_folio) for placement in placements],
            "folios": dict(placements[0].folios) if placements else {},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.partial")
        partial.write_text(json.dumps(kept), encoding="utf-8")
        os.replace(partial, self.path)
