"""Where the plates stand in the paged editions, and how the plan is mended after a layout."""

from __future__ import annotations

from dataclasses import replace

import pytest

from amnesty_book.layout.plate_plan import (
    PlateHeight,
    anticipated_plan,
    first_plan,
    marker_anchor,
    revised_plan,
    room_beside_text,
)
from amnesty_book.model import Book, Prose, PullQuote
from amnesty_book.project.config import Edition
from amnesty_book.readers.loading import load_book
from amnesty_book.theme.page_geometry import DESIGNS, measure_mm, plate_width_mm, text_block
from amnesty_book.theme.page_plan import CHAPTER_END, FLOAT, PlatePlan
from conftest import REPO

A4 = Edition("reader-a4", "reader", "A4")


@pytest.fixture(scope="module")
def book() -> Book:
    return load_book(REPO)


def pages_where(book: Book, **plate_pages: int) -> dict[str, int]:
    """A layout in which each plate stands by its marker, plate n's on page 2n, but those
    named, which stand on the page given (the last two plates are called on one page)."""
    pages = {"plates": 20, "timeline": 22, "colophon": 24}
    for number, plate in enumerate(book.plates, start=1):
        marker = 2 * min(number, len(book.plates) - 1)
        pages[marker_anchor(plate.anchor)] = marker
        pages[plate.anchor] = plate_pages.get(plate.id, marker)
    return pages


def test_every_plate_floats_but_the_one_opening_its_chapter(book: Book) -> None:
    plan = first_plan(book, A4)
    assert plan.positions == {plate.anchor: FLOAT for plate in book.plates if plate.id != "lead"}
    assert set(plan.widths_mm) == {plate.anchor for plate in book.plates}


def test_plates_placed_one_after_the_other_are_sized_at_once_to_share_a_page(
    book: Book, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last two plates stand together in the manuscript: on A4 pages with a text block
    14 mm taller (as before A4 had Letter's pages) they are set smaller to share a page; on
    Letter even half their size would not let them, so they keep theirs."""
    monkeypatch.setitem(DESIGNS, "A4", replace(DESIGNS["A4"], top_mm=24, bottom_mm=27))
    together = {plate.anchor for plate in book.plates[-2:]}
    a4 = first_plan(book, A4)
    assert set(a4.scales) == together and len(set(a4.scales.values())) == 1
    assert 0.5 <= next(iter(a4.scales.values())) < 1
    for plate in book.plates:
        full = plate_width_mm(A4, plate.width, plate.height)
        assert a4.widths_mm[plate.anchor] == pytest.approx(full * a4.scales.get(plate.anchor, 1), abs=0.1)
    assert first_plan(book, Edition("reader-letter", "reader", "Letter")).scales == {}


def unscaled(book: Book) -> PlatePlan:
    return PlatePlan(first_plan(book, A4).positions)


def test_a_layout_with_every_plate_by_its_marker_needs_no_mending(book: Book) -> None:
    plan = unscaled(book)
    assert revised_plan(plan, book, A4, pages_where(book), {}, {}) is plan


def test_plates_called_together_are_set_smaller_to_share_a_page(book: Book) -> None:
    heights = {plate.anchor: PlateHeight(whole=330, image=250) for plate in book.plates}
    revised = revised_plan(
        unscaled(book), book, A4, pages_where(book, **{"stalins-paradise": 10}), heights, {}
    )
    # The last plate, two pages after its marker, and the one called on its page before it.
    late = {plate.anchor for plate in book.plates[-2:]}
    assert set(revised.scales) == late
    (scale,) = set(revised.scales.values())
    assert 0.5 <= scale <= 0.85
    for plate in book.plates:
        full = plate_width_mm(A4, plate.width, plate.height)
        assert revised.widths_mm[plate.anchor] == pytest.approx(
            full * revised.scales.get(plate.anchor, 1), abs=0.1
        )


def test_plates_that_could_share_a_page_at_no_readable_size_keep_theirs(book: Book) -> None:
    heights = {plate.anchor: PlateHeight(whole=900, image=250) for plate in book.plates}  # long captions
    revised = revised_plan(
        unscaled(book), book, A4, pages_where(book, **{"stalins-paradise": 10}), heights, {}
    )
    assert revised.scales == {}


def test_a_plate_held_into_the_next_part_closes_its_chapter(book: Book) -> None:
    stalins = next(plate.anchor for plate in book.plates if plate.id == "stalins-paradise")
    pages = pages_where(book, **{"stalins-paradise": 9}) | {"plates": 9}
    revised = revised_plan(unscaled(book), book, A4, pages, {}, {})
    assert {anchor for anchor, at in revised.positions.items() if at == CHAPTER_END} == {stalins}


def test_a_plate_under_white_at_a_pages_foot_waits_for_the_next_page(book: Book) -> None:
    katyn, document = (plate.anchor for plate in book.plates if plate.id in ("katyn", "document"))
    revised = revised_plan(unscaled(book), book, A4, pages_where(book), {}, {katyn: 0.10, document: 0.18})
    assert revised.to_next_page == {document}, "only a page more than 15 % white is mended"
    assert revised_plan(revised, book, A4, pages_where(book), {}, {}) is revised, "and it stays mended"


def test_a_plate_too_tall_to_share_a_page_takes_one_of_its_own(book: Book) -> None:
    katyn = next(plate.anchor for plate in book.plates if plate.id == "katyn")
    heights = {plate.anchor: PlateHeight(whole=330, image=250) for plate in book.plates}
    heights[katyn] = PlateHeight(whole=room_beside_text(A4) + 10, image=400)
    revised = revised_plan(unscaled(book), book, A4, pages_where(book), heights, {})
    assert revised.own_page == {katyn}
    assert revised.scales == {}, "it fits its own page at its size"
    alone = revised_plan(revised, book, A4, pages_where(book), heights, {})
    assert alone.scales == {katyn: pytest.approx(1.1)}, (
        "alone on its page, it is set as large as the page allows"
    )
    assert revised_plan(alone, book, A4, pages_where(book), heights, {}) is alone, "and it keeps that size"


def test_a_plate_taller_than_its_own_page_is_set_smaller(book: Book) -> None:
    """Its caption runs the full measure on its own page, as tall at any size: the image
    alone is made smaller, enough to fit the text block."""
    katyn = next(plate.anchor for plate in book.plates if plate.id == "katyn")
    block = text_block(A4, 0).height
    plan = PlatePlan(unscaled(book).positions, own_page=frozenset({katyn}))
    revised = revised_plan(
        plan, book, A4, pages_where(book), {katyn: PlateHeight(whole=block + 100, image=500)}, {}
    )
    (scale,) = revised.scales.values()
    assert set(revised.scales) == {katyn}
    assert 0.5 <= scale <= 0.85 and 500 * scale + 100 + block - 500 <= block
    hopeless = revised_plan(
        plan, book, A4, pages_where(book), {katyn: PlateHeight(whole=2 * block, image=100)}, {}
    )
    assert hopeless.scales == {}, "a caption taller than the page is an error, not a smaller plate"


def _closing_alone(book: Book, heights: dict[str, PlateHeight]) -> PlatePlan:
    """The plan revised after a layout in which the last plate closes the chapter alone on
    the page after its last paragraph."""
    stalins = next(plate.anchor for plate in book.plates if plate.id == "stalins-paradise")
    last_paragraph = [block.anchor for block in book.chapters[-1].blocks if isinstance(block, Prose)][-1]
    plan = PlatePlan(unscaled(book).positions | {stalins: CHAPTER_END})
    pages = pages_where(book, **{"stalins-paradise": 11}) | {last_paragraph: 10}
    return revised_plan(plan, book, A4, pages, heights, {})


def test_a_plate_alone_on_a_page_is_set_as_large_as_the_measure_and_its_scan_allow(book: Book) -> None:
    """The article's last plate closes it on a float page: 2400 px wide, it may fill the measure
    (120 mm at 508 ppi); from a scan 900 px wide, only as far as 300 ppi lets it (76.2 mm)."""
    stalins = next(plate for plate in book.plates if plate.id == "stalins-paradise")
    heights = {plate.anchor: PlateHeight(whole=330, image=250) for plate in book.plates}
    width = _closing_alone(book, heights).widths_mm[stalins.anchor]
    assert width == pytest.approx(measure_mm(A4), abs=0.1)
    small_scan = replace(stalins, width=900, height=1125)
    coarse = replace(book, plates=tuple(small_scan if plate is stalins else plate for plate in book.plates))
    width = _closing_alone(coarse, heights).widths_mm[stalins.anchor]
    assert width == pytest.approx(900 / 300 * 25.4, abs=0.1)
    tall_caption = heights | {stalins.anchor: PlateHeight(whole=text_block(A4, 0).height - 10, image=250)}
    assert _closing_alone(book, tall_caption).scales == {}, "no larger where its caption leaves no room"


def test_a_plate_alone_is_set_larger_in_the_revision_that_mends_the_rest(book: Book) -> None:
    """Not a layout later, once all else has settled: a first build of the article lays it out
    three times, not four."""
    heights = {plate.anchor: PlateHeight(whole=330, image=250) for plate in book.plates}
    quote = next(block.anchor for block in book.chapters[-1].blocks if isinstance(block, PullQuote))
    stalins = next(plate.anchor for plate in book.plates if plate.id == "stalins-paradise")
    last_paragraph = [block.anchor for block in book.chapters[-1].blocks if isinstance(block, Prose)][-1]
    plan = PlatePlan(unscaled(book).positions | {stalins: CHAPTER_END})
    pages = pages_where(book, **{"stalins-paradise": 11}) | {last_paragraph: 10, quote: 3}
    revised = revised_plan(plan, book, A4, pages, heights, {quote: 0.3})
    assert revised.to_next_page == {quote}, "the pull quote under white waits for the next page"
    assert revised.scales[stalins] > 1, "and the plate alone is set larger at once"


def test_plates_sharing_a_page_are_not_set_larger(book: Book) -> None:
    heights = {plate.anchor: PlateHeight(whole=330, image=250) for plate in book.plates}
    stalins, after = (plate for plate in book.plates if plate.id in ("stalins-paradise", "after-amnesty"))
    plan = PlatePlan(unscaled(book).positions | {stalins.anchor: CHAPTER_END, after.anchor: CHAPTER_END})
    pages = pages_where(book, **{"stalins-paradise": 11, "after-amnesty": 11})
    assert revised_plan(plan, book, A4, pages, heights, {}).scales == {}


def test_a_plate_set_larger_takes_its_own_size_again_when_no_longer_alone(book: Book) -> None:
    """A layout that moves the text (a plate before it waiting for the next page) may bring
    the chapter's last plate back beside the text: set larger, it would not fit there."""
    heights = {plate.anchor: PlateHeight(whole=330, image=250) for plate in book.plates}
    larger = _closing_alone(book, heights)
    stalins = next(plate.anchor for plate in book.plates if plate.id == "stalins-paradise")
    assert larger.scales[stalins] > 1
    last_paragraph = [block.anchor for block in book.chapters[-1].blocks if isinstance(block, Prose)][-1]
    beside_text = pages_where(book, **{"stalins-paradise": 11}) | {last_paragraph: 11}
    assert revised_plan(larger, book, A4, beside_text, heights, {}).scales == {}


def test_a_plate_sent_alone_to_close_its_chapter_is_guessed_larger(book: Book) -> None:
    """The revision that sends a plate to close its chapter (it was held over into the back
    matter) cannot yet know it will stand alone there: the guess sets it larger at once."""
    heights = {plate.anchor: PlateHeight(whole=330, image=250) for plate in book.plates}
    stalins = next(plate.anchor for plate in book.plates if plate.id == "stalins-paradise")
    plan = unscaled(book)
    revised = PlatePlan(plan.positions | {stalins: CHAPTER_END})
    guess = anticipated_plan(plan, revised, book, A4, pages_where(book), heights)
    assert set(guess.scales) == {stalins} and guess.scales[stalins] > 1
    assert guess.widths_mm[stalins] == pytest.approx(measure_mm(A4), abs=0.1)
    after = next(plate.anchor for plate in book.plates if plate.id == "after-amnesty")
    both = PlatePlan(plan.positions | {stalins: CHAPTER_END, after: CHAPTER_END})
    assert anticipated_plan(plan, both, book, A4, pages_where(book), heights) is both, (
        "two plates closing the chapter share its last page: neither is guessed larger"
    )


def test_a_pull_quote_moved_onto_a_page_with_notes_is_guessed_to_wait(book: Book) -> None:
    """Moved after a paragraph whose page has notes, a pull quote would stand at that page's
    foot, which the next revision sends to the next page's head: the guess sends it at once."""
    chapter = book.chapters[-1]
    quote = next(block.anchor for block in chapter.blocks if isinstance(block, PullQuote))
    paragraph = [block.anchor for block in chapter.blocks if isinstance(block, Prose)][-1]
    plan = unscaled(book)
    revised = PlatePlan(plan.positions, pull_quotes_after={quote: paragraph})
    with_notes = pages_where(book) | {paragraph: 7, book.notes[0].anchor: 7}
    assert anticipated_plan(plan, revised, book, A4, with_notes, {}).to_next_page == {quote}
    without_notes = pages_where(book) | {paragraph: 7, book.notes[0].anchor: 6}
    assert anticipated_plan(plan, revised, book, A4, without_notes, {}) is revised
