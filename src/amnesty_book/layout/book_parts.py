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
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from amnesty_book.layout.pagination import PageFacts, folios, in_front_matter
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
    referred: frozenset[str]  # the anchors in other parts whose folios it prints
    said: list[tuple[int, str]]  # what it logged (level, text), to be logged by the build
    read: object = None  # its pages as the build's PartReading read them back, if any


LayOutPart = Callable[[Book, Edition, BookPart, Placement], PartLayout]


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
    return sum(len(repr(block)) for block in chapter.blocks) + sum(len(repr(note)) for note in chapter.notes)


def laid_out_in_parts(
    book: Book, edition: Edition, parts: Sequence[BookPart], processes: int, lay_out: LayOutPart
) -> list[PartLayout]:
    """Each part laid out as in the whole book, in `processes` parallel processes (and the
    first, the front matter, in this one)."""
    memory = _Memory(book.root, edition.name)
    guess = memory.recall(len(parts))
    layouts: list[PartLayout] = []
    given: list[Placement] = []
    with cores.worker_pool(processes) as pool:  # the book is read once, in this process
        for _ in range(_MOST_ROUNDS):
            todo = _stale(layouts, given, guess) if layouts else list(range(len(parts)))
            if not todo:
                break
            futures = {
                index: pool.submit(lay_out, book, edition, parts[index], guess[index])
                for index in todo
                if index
            }
            # The front matter, a few pages, is laid out here meanwhile.
            done = {0: lay_out(book, edition, parts[0], guess[0])} if 0 in todo else {}
            done |= {index: future.result() for index, future in futures.items()}
            layouts = [done.get(index) or layouts[index] for index in range(len(parts))]
            given = [guess[index] if index in done else given[index] for index in range(len(parts))]
            guess = _placements(layouts)
    if _stale(layouts, given, guess):
        warn(
            None,
            f"{edition.name}: the parts of the book still moved after {_MOST_ROUNDS} layouts; "
            "a page number printed across parts may be wrong: build again",
        )
    memory.record(guess)
    return layouts


def _stale(layouts: Sequence[PartLayout], given: Sequence[Placement], now: Sequence[Placement]) -> list[int]:
    """The parts to lay out again."""
    return [index for index, layout in enumerate(layouts) if _moved(given[index], now[index], layout)]


def _moved(given: Placement, now: Placement, layout: PartLayout) -> bool:
    """Whether what a part was given is not what the whole now shows."""
    if (given.first_page % 2, given.first_folio) != (now.first_page % 2, now.first_folio):
        return True
    return any(given.folios.get(anchor) != now.folios.get(anchor) for anchor in layout.referred)


def _placements(layouts: Sequence[PartLayout]) -> list[Placement]:
    """Where each part stands in the whole made of these layouts."""
    pages = [page for layout in layouts for page in layout.pages]
    starts = [sum(len(layout.pages) for layout in layouts[:index]) for index in range(len(layouts))]
    return [placement_at(pages, first) for first in starts]


def placement_at(pages: Sequence[PageFacts], first: int) -> Placement:
    """Where a part beginning at page index `first` of the whole made of `pages` stands."""
    numbers = folios(pages)
    every: dict[str, str] = {}
    for page, folio in zip(pages, numbers, strict=True):
        for anchor in page.anchors:
            every.setdefault(anchor, folio)
    body = [
        number
        for page, number, front in zip(
            pages[first:], numbers[first:], in_front_matter(pages)[first:], strict=True
        )
        if not front and not page.blank
    ]
    return Placement(first, int(body[0]) if body else 1, every)


class _Memory:
    """Where the parts of an edition stood at its last build."""

    def __init__(self, project: Path, edition: str) -> None:
        self.path = project / CACHE_FOLDER / "parts" / f"{edition}.json"

    def recall(self, count: int) -> list[Placement]:
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
            folios = dict(kept["folios"])
            placements = [
                Placement(first_page, first_folio, folios) for first_page, first_folio in kept["starts"]
            ]
        except (OSError, ValueError, TypeError, KeyError):
            placements = []
        return placements if len(placements) == count else [Placement(0, 1)] * count

    def record(self, placements: Sequence[Placement]) -> None:
        kept = {
            "starts": [(placement.first_page, placement.first_folio) for placement in placements],
            "folios": dict(placements[0].folios) if placements else {},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f"{self.path.name}.{os.getpid()}.partial")
        partial.write_text(json.dumps(kept), encoding="utf-8")
        os.replace(partial, self.path)
