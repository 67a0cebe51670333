"""Lays the book out with WeasyPrint for every paged edition: a tagged PDF/UA-1 with
page-bottom notes, floated plates, an outline and its fonts embedded, laid out whole or in
parts, again until every note stands under its call and the plates are where they belong.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from pathlib import Path

from markupsafe import Markup
from weasyprint import CSS, HTML, Attachment
from weasyprint.document import Document
from weasyprint.formatting_structure.boxes import BlockBox, Box, LineBox, ReplacedBox
from weasyprint.text.fonts import FontConfiguration

from amnesty_book.images.plates import print_images, print_ppi
from amnesty_book.layout import book_parts
from amnesty_book.layout import weasyprint as patches
from amnesty_book.layout.book_parts import (
    PartLayout,
    PartShape,
    Placement,
    laid_out_in_parts,
    opens_after_blank,
    placement_at,
    split,
)
from amnesty_book.layout.book_slices import laid_out_in_slices, needs_slices
from amnesty_book.layout.fetcher import ProjectFetcher, plate_url
from amnesty_book.layout.hyphenation_patterns import load_patterns
from amnesty_book.layout.memory import LayoutMemory
from amnesty_book.layout.page_cut import cut, cut_source
from amnesty_book.layout.pagination import (
    PageFacts,
    anchor_folios,
    anchor_pages,
    page_facts,
    page_labels,
    with_page_labels,
)
from amnesty_book.layout.plate_plan import PlateHeight, anticipated_plan, first_plan, revised_plan
from amnesty_book.layout.sharing import same_layout
from amnesty_book.layout.weasyprint import margin_boxes, short_pages, total_fit
from amnesty_book.layout.weasyprint.image_resolution import images_at_most
from amnesty_book.layout.weasyprint.page_floats import is_page_float
from amnesty_book.layout.weasyprint.painted_pages import pages_let_go
from amnesty_book.model import Book, Heading, Note, NoteCall, PlatePlacement, Prose, PullQuote
from amnesty_book.prepress.pdf_join import join_parts
from amnesty_book.project.config import POINTS_PER_MM, Edition
from amnesty_book.project.edition_kinds import KINDS
from amnesty_book.project.source_files import STYLES
from amnesty_book.support import cores
from amnesty_book.support.collector import give_back
from amnesty_book.support.cores import worker_pool
from amnesty_book.support.diagnostics import Diagnostic
from amnesty_book.support.errors import WARNINGS, BookError, collected, tell, warn
from amnesty_book.theme.page_geometry import text_block
from amnesty_book.theme.page_plan import BookPart, PlatePlan
from amnesty_book.theme.rendering import built_at, render
from amnesty_book.theme.styles import paged_stylesheet

_PT_PER_PX = 72 / 96  # CSS pixels, in which WeasyPrint lays out, to points
# Each layout may push more blocks to a new page; a note that still does not fit after
# this many layouts cannot be helped by moving its call.
_MAX_LAYOUTS = 6


@dataclass(frozen=True)
class Paged:
    """A tagged edition's pages, laid out whole or in parts, and its PDF, written when first
    asked for: an EPUB built alone takes the reader's pages and no PDF of them."""

    pages: list[PageFacts]
    write: Callable[[], bytes] = field(repr=False)
    # Laid out in parts or slices: the width each plate is printed at (placed_plate_widths).
    plate_widths: dict[str, float] = field(default_factory=dict)

    @cached_property
    def pdf(self) -> bytes:
        return self.write()


@lru_cache(maxsize=4)
def paged(book: Book, edition: Edition) -> Paged:
    """The edition's pages and tagged PDF, laid out once per build: the EPUB takes its print
    page numbers from the same pages. A book of several chapters is laid out in parts where
    there are cores to share them (book_parts.py), a book with a chapter too long for one
    process in slices (book_slices.py). An edition whose pages are the same as on
    another paper is cut from that paper's layout (page_cut.py)."""
    source = cut_source(book.config, edition)
    if source != edition:
        laid = paged(book, source)
        return Paged(laid.pages, lambda: cut(laid.pdf, edition))
    load_patterns(book.config.language, book.root)  # before any worker is forked: each has them
    processes = cores.spare()
    sliced = needs_slices(book)
    if not sliced and (processes < 2 or len(book.chapters) < 2):
        return Paged(page_facts(laid_out(book, edition)), lambda: render_edition(book, edition)[1])
    # The images are made before the processes part from this one: none waits for a file
    # another thread of it was making when it parted.
    start = partial(_PartInWorker, print_images(book, edition), book, edition)
    if sliced:
        layouts = laid_out_in_slices(book, edition, start)
    else:
        layouts = laid_out_in_parts(book, edition, split(book, processes), start)
    # Once each: a slice lays out again the pages after the next one's opening (book_slices.py).
    for level, line in dict.fromkeys(said for layout in layouts for said in layout.said):
        WARNINGS.log(level, line)
    for layout in layouts:
        if book_parts.part_reading is not None and layout.read is not None:
            book_parts.part_reading.keep(edition, layout.read)
    start_join = time.perf_counter()
    pages = [page for layout in layouts for page in layout.pages]
    levels = [layout.bookmark_levels for layout in layouts]
    joined = join_parts([layout.pdf for layout in layouts], page_labels(pages), levels)
    tell(f"{edition.name}: {len(layouts)} parts joined in {time.perf_counter() - start_join:.1f} s")
    widths = {url: width for layout in layouts for url, width in layout.plate_widths.items()}
    return Paged(pages, lambda: joined, widths)


class _PartInWorker:
    """One part of the book, laid out in a worker process and kept there until the whole tells
    it where it stands, then written as a tagged PDF; what it says is logged by the build, in
    the order of the parts (paged)."""

    def __init__(self, image_files: Mapping[str, Path], book: Book, edition: Edition, part: BookPart) -> None:
        self.image_files, self.book, self.edition, self.part = image_files, book, edition, part

    def lay_out(self, placement: Placement) -> PartShape:
        self.placement, self.references = placement, PageReferences()
        self.memory = LayoutMemory(self.book, self.edition, _memory_key(self.part, placement))
        with collected() as self.said, _failing_on_weasyprint_errors() as problems:
            self.document = layout_pdf(
                self.book,
                self.edition,
                problems,
                self.image_files,
                part=self.part,
                placement=placement,
                references=self.references,
                memory=self.memory,
            )
        return PartShape(page_facts(self.document), frozenset(self.references.referred), self.references.own)

    def finish(self, placement: Placement, kept: int | None = None) -> PartLayout:
        name = f"{self.edition.name}, {self.part.name}"
        document = self.document
        if kept is not None:  # a slice's pages before the next slice's (book_slices.py)
            document = document.copy(document.pages[:kept])
            _links_to_later_parts(document)
        with collected() as said, _failing_on_weasyprint_errors():
            if placement != self.placement:  # where it refits (book_parts.py)
                self.memory.record_as(_memory_key(self.part, placement))
                moved = placement.first_folio - self.placement.first_folio
                if moved:
                    margin_boxes.move_folios(document, moved)
                    tell(f"{name}: its folios moved by {moved}, without a new layout")
                if opens_after_blank(self.book, self.part, self.placement) > opens_after_blank(
                    self.book, self.part, placement
                ):
                    document = document.copy(document.pages[1:])
                    tell(f"{name}: the blank page it opened with dropped, without a new layout")
            # What the build takes of its pages, before each page gives up its boxes once written
            # (the read-back reads the PDF). A slice's first bookmarks are its chapter's
            # sections, though they stand first in its own outline (pdf_join.py nests them).
            facts, widths = page_facts(document), placed_plate_widths(document)
            levels = [bookmark[0] for page in document.pages for bookmark in page.bookmarks]
            patches.forget_layout()
            start = time.perf_counter()
            pdf = _written(
                self.book, self.edition, document, front=self.part.front, labelled=False, let_go=True
            )
            tell(f"{name}: written in {time.perf_counter() - start:.1f} s")
            reading, read = book_parts.part_reading, None
            if reading is not None:
                start = time.perf_counter()
                read = reading.read(pdf, self.edition, placement.first_page)
                tell(f"{name}: read back in {time.perf_counter() - start:.1f} s")
        return PartLayout(pdf, facts, self.said + said, read, levels, widths)


def placed_plate_widths(document: Document) -> dict[str, float]:
    """The width each image is printed at, in CSS pixels, by its URL (a plate's: plate_url)."""
    return {
        box.element.get("src", ""): box.width
        for page in document.pages
        for box in page._page_box.descendants()  # Page exposes no public list of images
        if isinstance(box, ReplacedBox) and box.element is not None and box.width
    }


def _links_to_later_parts(document: Document) -> None:
    """The document's links to anchors it does not hold (a slice's, on the pages it leaves to
    the next slice) made links to another part's, as the template writes those (`_href`), which
    the join leads to their place."""
    held = {anchor for page in document.pages for anchor in page.anchors}
    for page in document.pages:
        page.links = [
            ("external", f"./#{target}", *rest) if kind == "internal" and target not in held else link
            for link in page.links
            for kind, target, *rest in [link]
        ]


def render_edition(book: Book, edition: Edition) -> tuple[Document, bytes]:
    """The laid-out document and its PDF, written to the edition's standard (its kind's
    pdf_variant); whatever WeasyPrint could not do fails the build. Within
    `layout_used_once()`, the document's pages have given up their boxes once written."""
    document = laid_out(book, edition)
    let_go = bool(_used_once)
    if let_go:
        patches.forget_layout()  # what the patches kept of it, which writing does not read
    start = time.perf_counter()
    with _failing_on_weasyprint_errors():
        pdf = _written(book, edition, document, let_go=let_go)
    tell(f"{edition.name}: written in {time.perf_counter() - start:.1f} s")
    return document, pdf


def edition_pdf(book: Book, edition: Edition) -> bytes:
    """The PDF of an edition whose writer takes it whole (the handout imposes it, the press file
    marks it, the archive is it): made of its slices where a chapter is too long for one
    process (book_slices.py), else written from its one layout, which it may share with the
    build's other editions (sharing.py)."""
    if needs_slices(book):
        return paged(book, edition).pdf
    return render_edition(book, edition)[1]


def plate_widths(book: Book, edition: Edition) -> dict[str, float]:
    """The width each image of `edition_pdf` is printed at (placed_plate_widths): asked before
    it, whose writing may give up the layout's boxes."""
    if needs_slices(book):
        return paged(book, edition).plate_widths
    return placed_plate_widths(laid_out(book, edition))


def _written(
    book: Book,
    edition: Edition,
    document: Document,
    front: bool = True,
    labelled: bool = True,
    let_go: bool = False,
) -> bytes:
    """The document's PDF, to the standard of the edition's kind, its images no finer than the
    edition prints them; `front`, the document holds the book's opening pages, whose PDF is the
    catalogue of a book joined from parts (pdf_join.py): it carries the sources where the kind
    attaches them. `labelled`, with /PageLabels, so that a viewer shows the folios; `let_go`,
    each page's boxes given up once it is written (painted_pages.py), where nothing reads the
    document again."""
    kind = KINDS[edition.kind]
    attached = _source_attachments(book) if front and kind.attaches_sources else []
    with images_at_most(print_ppi(book, edition)), pages_let_go() if let_go else nullcontext():
        pdf = document.write_pdf(
            finisher=with_page_labels(document) if labelled else None,
            pdf_variant=kind.pdf_variant,
            pdf_identifier=book.config.identifier.encode(),
            custom_metadata=True,
            attachments=attached,
        )
    assert pdf is not None
    return pdf


def _source_attachments(book: Book) -> list[Attachment]:
    """The book's sources as files attached to its PDF, by their paths in the project."""
    built = built_at(book)
    return [
        Attachment(
            filename=str(source),
            name=source.relative_to(book.root).as_posix(),
            description="Source of this book",
            created=built,
            modified=built,
            relationship="Source",
        )
        for source in book.sources
    ]


@lru_cache(maxsize=4)
def laid_out(book: Book, edition: Edition) -> Document:
    """The book laid out for the edition, once per build: the EPUB takes its print page
    numbers from the same layout as the reader PDF. An edition whose layout has the same
    inputs as another's takes that layout's pages (sharing.py)."""
    source = same_layout(book, edition)
    if source != edition:
        return _with_own_back_matter(book, edition, laid_out(book, source))
    with _failing_on_weasyprint_errors() as problems:
        return layout_pdf(book, edition, problems, print_images(book, edition))


_used_once: list[bool] = []  # within layout_used_once()


@contextmanager
def layout_used_once() -> Iterator[None]:
    """While it lasts, a layout written by `render_edition` is read no more: no other edition
    takes more than its PDF or its page facts, which are kept apart from it (Paged)."""
    _used_once.append(True)
    try:
        yield
    finally:
        _used_once.pop()


def release_layouts() -> None:
    """The layouts kept for the build's other editions dropped, with what the patches kept of
    the last, and their memory given back: for a process that from here on only reads its
    editions back, or forks processes that need no layout."""
    laid_out.cache_clear()
    patches.forget_layout()
    give_back()


def _with_own_back_matter(book: Book, edition: Edition, whole: Document) -> Document:
    """The pages of `whole`, laid out for another edition, up to its back matter, and the
    back matter laid out for `edition` (its colophon names the edition) as a part standing
    where the whole's does (book_parts.py): one document, whose links are its own."""
    pages = page_facts(whole)
    first = anchor_pages(pages)[book.back_matter[0]] - 1
    back = BookPart(front=False, chapters=(), back=True)
    with _failing_on_weasyprint_errors() as problems:
        document = layout_pdf(
            book,
            edition,
            problems,
            print_images(book, edition),
            part=back,
            placement=placement_at(pages, first),
            one_document=True,
        )
    return whole.copy([*whole.pages[:first], *document.pages])


def layout_pdf(
    book: Book,
    edition: Edition,
    problems: list[Diagnostic],
    image_files: Mapping[str, Path],
    part: BookPart | None = None,
    placement: Placement | None = None,
    references: PageReferences | None = None,
    one_document: bool = False,
    memory: LayoutMemory | None = None,
) -> Document:
    """Lays the book out on the edition's paper, every note at the foot of its call's page
    and every plate floated by the plate plan.

    Where a note does not fit under its call, the block holding the call starts a new page,
    and where the plates went wrong the plan is mended (plate_plan.py); then the book is laid
    out again. A book laid out whole with a core to spare guesses what the revision after the
    next will mend (plate_plan.anticipated_plan) and lays the guess out while a forked process
    lays out the next, to confirm it: where the next calls for the guess, the guess's layout is
    the one after it, made at the same time; else it is dropped, and what the next called for
    is laid out. Either way the layouts are those one core would make, one after the other.
    A note that fits nowhere is reported in `problems`. `image_files` gives the
    image each plate is printed from, by plate id. A `part` of the book is laid out as it
    stands in the whole (`placement`); the folios of pages it prints are told to
    `references`. Its links lead to other parts' PDFs, joined later (pdf_join.py), unless its
    pages make `one_document` with theirs. The layout starts where the last from the same
    inputs ended, and its end is kept (`memory`, by default that of the part at its placement).
    """
    patches.apply()
    styles = book.root / STYLES  # the fonts and images the project's stylesheets use
    fetcher = ProjectFetcher(styles, *{face.path.parent for face in book.fonts}, plates=image_files)
    fonts = FontConfiguration()
    decoded_images: dict[str, object] = {}  # WeasyPrint's own cache: each image read once, not once per pass
    sheet = paged_stylesheet(book, edition)
    css = CSS(
        string=sheet.css + (part_css(book, part, placement) if part and placement else ""),
        font_config=fonts,
        url_fetcher=fetcher,
    )
    part = part or BookPart.whole(book)

    def html(
        breaks: frozenset[str], plan: PlatePlan, own: set[str] | None, printed: PrintedFolios | None = None
    ) -> str:
        return render(
            "book.html.j2",
            book,
            edition,
            "pdf",
            href=partial(_href, None if one_document else own),
            image_src=lambda plate: plate_url(plate.id),
            stylesheets=[],
            break_before=breaks,
            plate_plan=plan,
            part=part,
            opens_after_blank=opens_after_blank(book, part, placement),
            known_page=(
                partial(_known_page, own, placement.folios, references)
                if placement is not None
                else (printed or PrintedFolios(None)).known_page
            ),
        )

    blocks = _block_anchors(book)
    memory = memory or LayoutMemory(book, edition, _memory_key(part, placement, one_document))
    breaks, plan, last_folios, pages_made = memory.recall() or (
        frozenset(),
        first_plan(book, edition),
        None,
        {},
    )
    # A part links to, and prints the folios of, the anchors it does not hold (book_parts.py).
    own = set(_ID.findall(html(breaks, plan, None))) if placement is not None else None
    layouts: list[float] = []  # the seconds of each layout, for --verbose
    templating = 0.0  # the seconds of the templates' rendering, for --verbose

    def lay_out(step: _Step, recalled: bool) -> _Laid:
        """The layout of the step's breaks and plan, and the step it calls for next: the same
        step where it is settled. A layout `recalled` prints the folios its inputs gave last
        time, and makes the pages that would run short as they were made; one revised moves
        pages, and prints its own folios."""
        nonlocal templating
        start = time.perf_counter()
        printed = PrintedFolios(last_folios if recalled else None)
        source = html(step.breaks, step.plan, own, printed)
        templated = time.perf_counter()
        templating += templated - start
        patches.start_layout(dict(book.hyphenation), pages_made if recalled else {})
        document = HTML(string=source, url_fetcher=fetcher).render(
            stylesheets=[css], font_config=fonts, cache=decoded_images
        )
        layouts.append(time.perf_counter() - templated)
        facts = page_facts(document)
        pages, folios = anchor_pages(facts), anchor_folios(facts)
        misplaced = _misplaced_notes(book, document, pages)
        more_breaks = step.breaks | {_block_to_move(note, blocks, pages, step.breaks) for note in misplaced}
        heights = plate_heights(document)
        first_page = placement.first_page if placement else 0
        revised = revised_plan(
            step.plan, book, edition, pages, heights, white_above_floats(document), first_page
        )
        if not misplaced or more_breaks == step.breaks:
            more_breaks = step.breaks  # a note that no moved block helps
        after = _Step(frozenset(more_breaks), revised)
        return _Laid(step, document, pages, folios, misplaced, heights, after, printed.agree_with(folios))

    def guessed(laid: _Laid) -> _Step:
        """The step after the one the layout calls for, as plate_plan guesses it."""
        plan = anticipated_plan(laid.made_from.plan, laid.next.plan, book, edition, laid.pages, laid.heights)
        return _Step(laid.next.breaks, plan)

    laid = lay_out(_Step(breaks, plan), recalled=True)
    count, guesses = 1, 0
    while not (laid.settled and laid.printed_right) and count < _MAX_LAYOUTS:
        step = laid.next
        # With a core to spare, the layout after the next is guessed and made meanwhile; the
        # next, made in another process, confirms the guess, or says what to lay out instead.
        ahead = placement is None and cores.spare() > 1 and count + 2 <= _MAX_LAYOUTS
        guess = guessed(laid) if ahead else step
        if guess != step:
            after, laid_ahead = _confirmed(
                partial(_step_after, lay_out, step), partial(lay_out, guess, False)
            )
            count += 1
            if after == guess:
                laid, count, guesses = laid_ahead, count + 1, guesses + 1
                continue
            step = after
        laid = lay_out(step, recalled=False)
        count += 1
    document, misplaced, heights = laid.document, laid.misplaced, laid.heights
    if laid.settled and laid.printed_right:
        memory.record(laid.next.breaks, laid.next.plan, laid.folios, short_pages.pages_made())
    times = ", ".join(f"{seconds:.1f} s" for seconds in layouts)
    name = f"{edition.name}, {part.name}" if placement else edition.name
    tell(f"{name}: templated in {templating:.1f} s")
    guessed = f", {guesses} of them guessed while another process made the one before" if guesses else ""
    tell(f"{name}: laid out {len(layouts)} time(s) ({times}){guessed}, {len(document.pages)} pages")
    problems += [
        Diagnostic(
            note.location,
            f"note {note.number} [^{note.label}] does not fit at the foot of the page where it is "
            f"called ({edition.name}); shorten the note or split it in two",
        )
        for note in misplaced
    ]
    problems += _plates_too_tall(book, edition, heights)
    for words in total_fit.underfull():
        found = underfull_paragraph(edition, words)
        warn(None, f"{found.edition}: {found.where}: {found.said}")
    return document


@dataclass(frozen=True)
class _Step:
    """What a layout is made from: the blocks that start a new page, and the plate plan."""

    breaks: frozenset[str]
    plan: PlatePlan


@dataclass(frozen=True)
class _Laid:
    """A layout, and what it calls for next (`next`, the same step where it is `settled`)."""

    made_from: _Step
    document: Document
    pages: Mapping[str, int]  # anchor -> its page
    folios: Mapping[str, str]
    misplaced: list[Note]
    heights: dict[str, PlateHeight]
    next: _Step
    printed_right: bool  # every folio it printed is its anchor's

    @property
    def settled(self) -> bool:
        return self.next == self.made_from


# What a worker forked by _confirmed lays out: set before the fork, which copies it.
_in_worker: Callable[[], _Step] | None = None


def _step_after(lay_out: Callable[[_Step, bool], _Laid], step: _Step) -> _Step:
    return lay_out(step, False).next


def _next_in_worker() -> _Step:
    assert _in_worker is not None, "set before the worker was forked"
    return _in_worker()


def _confirmed(next_step: Callable[[], _Step], guessed: Callable[[], _Laid]) -> tuple[_Step, _Laid]:
    """`next_step` run in a process forked from this one, `guessed` here, side by side: the
    step the next layout calls for, and the layout of the guess. Nothing but the step comes
    back from the worker (a laid-out document does not cross processes)."""
    global _in_worker
    _in_worker = next_step
    try:
        with worker_pool(1) as pool:
            confirming = pool.submit(_next_in_worker)  # forks the worker
            _in_worker = None
            laid = guessed()
            return confirming.result(), laid
    finally:
        _in_worker = None


def underfull_paragraph(edition: Edition, words: str) -> Diagnostic:
    """A paragraph no breaking sets within the tolerance, named by its first words."""
    return Diagnostic.in_edition(
        edition.name,
        f"the paragraph “{words}…”",
        "L414",
        "a line is set looser than TeX's \\hbadness lets it be: no breaking of the paragraph keeps "
        "its word spaces within the tolerance",
        "reword it a little, or let more of its words be hyphenated (styles/hyphenation.txt)",
    )


_ID = re.compile(r'\sid="([^"]+)"')


def _href(own: set[str] | None, anchor: str) -> str:
    """A link within the document, or to another part's (joined by pdf_join.py)."""
    return f"#{anchor}" if own is None or anchor in own else f"./#{anchor}"


@dataclass
class PageReferences:
    """The folios of pages a part of the book prints (cross-references, the contents)."""

    referred: set[str] = field(default_factory=set)  # the anchors in other parts it prints the folios of
    own: bool = False  # whether it prints the folio of one of its own pages


@dataclass
class PrintedFolios:
    """The folios a book laid out whole prints of its pages (a contents entry, a cross-reference):
    where each anchor stood in the last layout of the same inputs, as a part prints another part's
    folio (print.css); WeasyPrint's target-counter() where none is known yet. target-counter()
    makes every page that refers to a later one again once its folio is known: a fifth of the
    pages of the article, each layout. A layout whose anchors stand elsewhere than it printed is
    laid out again; a layout revised (a block moved, a plate mended) prints with target-counter(),
    since it moves pages: printing the folios of the layout before, it would take another."""

    folios: Mapping[str, str] | None
    asked: set[str] = field(default_factory=set)

    def known_page(self, anchor: str) -> Markup:
        if self.folios is None:
            return Markup("")
        self.asked.add(anchor)
        return Markup(' data-page="{}"').format(self.folios.get(anchor, "?"))

    def agree_with(self, laid_out: Mapping[str, str]) -> bool:
        """Every folio printed is that of its anchor's page in the layout."""
        return self.folios is None or all(
            self.folios.get(anchor) == laid_out.get(anchor) for anchor in self.asked
        )


def _known_page(
    own: set[str] | None, folios: Mapping[str, str], references: PageReferences | None, anchor: str
) -> Markup:
    """The attribute that prints the folio of a page in another part (print.css); the folio of
    a page of the part's own is printed by WeasyPrint's target-counter()."""
    if own is None:  # not known yet
        return Markup("")
    if anchor in own:
        if references is not None:
            references.own = True
        return Markup("")
    if references is not None:
        references.referred.add(anchor)
    return Markup(' data-page="{}"').format(folios.get(anchor, "?"))


def _memory_key(part: BookPart, placement: Placement | None, one_document: bool = False) -> str:
    """What the end of a layout is remembered by, besides the edition's inputs (memory.py)."""
    return repr((part, placement, one_document))


def part_css(book: Book, part: BookPart, placement: Placement) -> str:
    """What a part's pages take from the pages before it in the whole book: their side, the
    count of folios, the running heads."""
    rules = []
    if placement.first_page % 2:  # the first page of a book is a right-hand page
        rules.append(":root { break-before: left; }")
    if not part.front:
        rules.append(f':root {{ string-set: book-title "{_css_string(book.config.running_title)}"; }}')
    if part.continues_chapter:
        # The running head its chapter's last heading before it set, from its first block: the
        # root's box stands on every page, and would set it on each.
        heading = running_heading(book, part.chapters[0], part.first_block)
        heading_set = f'string-set: section-title "{_css_string(heading)}";'
        rules.append(f"main > .chapter.continued > :first-child {{ {heading_set} }}")
    if part.chapters and part.chapters[0] > 0 and not part.continues_chapter:
        rules.append("main > .chapter:first-child { page: chapter; }")
    if not part.front:  # counted from its first page that prints a folio
        first = ":nth(2)" if opens_after_blank(book, part, placement) else ":first"
        rules.append(f"@page {first} {{ counter-reset: page {placement.first_folio}; }}")
    return "\n".join(rules)


def _css_string(text: str) -> str:
    """The text as the inside of a CSS string."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")


def running_heading(book: Book, chapter: int, block: int) -> str:
    """The right-hand running head over the chapter's block: its last section heading up to
    it, else the chapter's title (print.css: the headings that set section-title)."""
    before = book.chapters[chapter].blocks[: block + 1]
    return next(
        (heading.text for heading in reversed(before) if isinstance(heading, Heading) and heading.level == 2),
        book.chapters[chapter].title.text,
    )


def _plates_too_tall(book: Book, edition: Edition, heights: Mapping[str, PlateHeight]) -> list[Diagnostic]:
    """Plates that with their captions (and the notes these call) stand taller than the text
    block, even on a page of their own: their caption would run off the page."""
    room = text_block(edition, 0).height
    return [
        Diagnostic(
            plate.location,
            f"{plate.label} ('{plate.id}') with its caption stands "
            f"{heights[plate.anchor].whole / POINTS_PER_MM:.0f} mm tall in the {edition.name} edition, "
            f"more than a page's text block holds ({room / POINTS_PER_MM:.0f} mm); shorten its caption",
        )
        for plate in book.plates
        if plate.anchor in heights and heights[plate.anchor].whole > room
    ]


def plate_heights(document: Document) -> dict[str, PlateHeight]:
    """How tall each plate came out, in points, by anchor: with the notes of its caption,
    which stand on its page."""
    boxes_by_id: dict[str, object] = {}
    for page in document.pages:
        for box in page._page_box.descendants():  # Page exposes no public box tree
            anchor = (
                box.element.get("id")
                if box.element is not None and box.element_tag in ("figure", "span")
                else None
            )
            if anchor and anchor not in boxes_by_id:
                boxes_by_id[anchor] = box
    heights = {}
    for anchor, box in boxes_by_id.items():
        if box.element_tag != "figure":
            continue
        image = next(child for child in box.descendants() if child.element_tag == "img")
        notes = [
            boxes_by_id.get(element.get("id")) for element in box.element.iter() if element.get("data-n")
        ]
        whole = box.margin_height() + sum(note.margin_height() for note in notes if note is not None)
        heights[anchor] = PlateHeight(whole * _PT_PER_PX, image.height * _PT_PER_PX)
    return heights


def white_above_floats(document: Document) -> dict[str, float]:
    """Anchor of each plate or pull quote standing at a page's foot -> the share of the
    page's text block left white above it, under the last line of running text or the float
    set over it."""
    white = {}
    for page in document.pages:
        page_box = page._page_box  # Page exposes no public box tree
        root = page_box.children[0]
        floats: dict[str, Box] = {}
        all_lines = []
        for box in root.descendants():
            if isinstance(box, LineBox):
                all_lines.append(box)
            # A float's outer box, not its call or the boxes inside it.
            anchor = box.element.get("id") if isinstance(box, BlockBox) and is_page_float(box) else None
            if anchor and (anchor not in floats or box.margin_height() > floats[anchor].margin_height()):
                floats[anchor] = box
        lines = [line for line in all_lines if not any(_inside(line, float_) for float_ in floats.values())]
        for anchor, float_ in floats.items():
            top = float_.position_y
            text_above = [
                line.position_y + line.height for line in lines if line.position_y + line.height <= top
            ]
            if not text_above:  # it stands at the head, under the floats stacked there
                continue
            floats_above = [
                other.position_y + other.margin_height()
                for other in floats.values()
                if other.position_y < top
            ]
            white[anchor] = max(0.0, top - max(text_above + floats_above)) / page_box.height
    return white


def _inside(box: Box, float_: Box) -> bool:
    return float_.position_y <= box.position_y < float_.position_y + float_.margin_height()


def _block_anchors(book: Book) -> dict[str, tuple[int, ...]]:
    """Anchor of every block that may start a page, in reading order, with the notes it calls."""
    blocks: dict[str, tuple[int, ...]] = {}
    for chapter in book.chapters:
        for block in chapter.blocks:
            if isinstance(block, Prose | PullQuote):
                content, anchor = block.content, block.anchor
            elif isinstance(block, PlatePlacement) and block.plate is not None:
                content, anchor = block.plate.caption, block.anchor
            else:
                continue
            blocks[anchor] = tuple(part.note.number for part in content if isinstance(part, NoteCall))
    return blocks


def _block_to_move(
    note: Note, blocks: dict[str, tuple[int, ...]], pages: dict[str, int], breaks: frozenset[str]
) -> str:
    """The block to start on a new page so that the note can land under its call.

    First the block that calls it. If that already starts a page, WeasyPrint moved the note
    to keep the page's last paragraph from leaving a widow: that paragraph goes over instead.
    """
    calling = next(anchor for anchor, notes in blocks.items() if note.number in notes)
    if calling not in breaks:
        return calling
    on_call_page = [anchor for anchor in blocks if pages.get(anchor) == pages.get(note.call_anchor)]
    return on_call_page[-1] if on_call_page and on_call_page[-1] != calling else calling


def _misplaced_notes(book: Book, document: Document, pages: dict[str, int]) -> list[Note]:
    """Notes that did not begin at the foot of the page of their call.

    A note that can be neither placed nor split under its call (note_splits.py) is moved to a
    later page, or grows upwards over the margin and off the page, and its text is lost to the
    reader.
    """
    misplaced = []
    for note in book.notes:
        call_page, note_page = pages.get(note.call_anchor), pages.get(note.anchor)
        if call_page is None and note_page is None:  # in another part of the book
            continue
        if note_page is None or note_page != call_page:
            misplaced.append(note)
            continue
        page = document.pages[note_page - 1]
        content_top = page._page_box.content_box_y()  # Page exposes no public content box
        if page.anchors[note.anchor][1] < content_top:
            misplaced.append(note)
    return misplaced


@contextmanager
def _failing_on_weasyprint_errors() -> Iterator[list[Diagnostic]]:
    """WeasyPrint only logs what it could not do (a refused file, a PDF/UA fault): it is
    collected with the problems the block adds to the list, and fails the build at its end."""
    problems: list[Diagnostic] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            if record.levelno >= logging.WARNING and "HarfBuzz" not in message:
                problems.append(Diagnostic(None, f"PDF: {message}"))

    logger = logging.getLogger("weasyprint")
    handler = Collect(logging.WARNING)
    saved = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield problems
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]
    if problems:
        raise BookError(dict.fromkeys(problems))
