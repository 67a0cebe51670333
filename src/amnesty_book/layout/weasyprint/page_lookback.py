"""A page that would be left more than a tenth white, filled from the pages before it.

A page is left short where what follows cannot start on it: a heading that calls a note, with
its first lines and the note, or a line whose notes cannot be split. short_pages.py makes the
page again with what it holds set otherwise; where the white is more than can be taken up so,
no page alone can help. TeX's page builder would leave it so (\\raggedbottom); a typesetter
takes lines from the pages before: each ends a little earlier (its text, or the note it
continues overleaf), and what they give up opens this one. Here, where a page made in the first
pass of a layout leaves more than MOST_WHITE of its height white down to its notes' rule, and
what follows is not broken before by force, the page before is made again with its notes' room
grown (footnote_area.holding_back: it gives up that much, or the next line or note line it can
give), then the page itself. What a page can give comes in lumps (a line of a note; a line that
calls a note, with the note), so where the page before alone cannot fill it without being left
too white itself, the one before that gives up room too, then the one before that. The pages
are kept where none of them is left more than MOST_WHITE white. Where giving up room alone
cannot do that, a page before also sets a paragraph a line longer (TeX's \\looseness=1, the one
that costs least, short_pages.cheapest_longer): it gives up a line and is left no whiter; such
a trial is kept only where it fills the page. Where the lumps leave this one
whiter than that whatever is tried, the trial that leaves it least white is kept, if it takes a
fifth of a line from it and leaves the pages before within MOST_WHITE: TeX's page builder
weighs a page's badness so, a page a little short far better than one much shorter. Else the
pages are made again as they were. Nothing is tried where the pages before have not together
the room this one lacks (the end of a part, a page before a float page). A trial whose pages
before end as an earlier trial's did is not followed by the page itself.

The pages are made by WeasyPrint's `remake_page`, from the states it keeps for each page and the
context's own (the notes to place and reported, the floats broken over the page, the
hyphenation's ladder: short_pages.ContextState); the states the other patches
keep between pages are kept by page number, as for WeasyPrint's own remaking. Each page is
given out once the next three are made.

Upstream: none filed. Written for WeasyPrint 70.0 (layout/page.py: `make_all_pages`,
`remake_page`; layout/__init__.py: `layout_document`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import weasyprint.layout
from weasyprint.formatting_structure import boxes
from weasyprint.layout import LayoutContext
from weasyprint.layout import page as page_layout

from amnesty_book.layout.weasyprint import footnote_area, short_pages, total_fit
from amnesty_book.layout.weasyprint.short_pages import ContextState

# The share of a page's height it may leave white down to its notes' rule: the audit's L101
# counts more than a tenth as a defect, measured from the last line's ink, a little above the
# bottom of its line box.
MOST_WHITE = 0.095
# Of the white the page before may take, the shares tried in turn: the least that fills this
# page first; then the shares of it the page before that gives up.
_TRIED = (0.0, 0.25, 0.5, 1.0)
_SHARED = (1 / 3, 2 / 3, 1.0)
# The pages before a page left white that may give up room to it.
_MOST_BACK = 3
# The least white (in CSS pixels, a fifth of a body line) a trial that leaves the page too
# white must take from it to be kept: not worth the pages before made looser for less.
_LEAST_GAIN = 3.0

_make_all_pages = weasyprint.layout.make_all_pages


def make_all_pages(
    context: LayoutContext, root_box: boxes.BlockBox, html: Any, pages: list[boxes.PageBox]
) -> Iterator[boxes.PageBox]:
    """The pages as the patches before this one make them, a page left more than MOST_WHITE
    white filled from the pages before where that leaves none so. Each page is given out once
    the next _MOST_BACK are made: the first pass of a layout only (a later pass keeps most pages)."""
    if pages:
        yield from _make_all_pages(context, root_box, html, pages)
        return
    held: list[boxes.PageBox] = []  # the last pages made, not yet given out
    starts = [ContextState.of(context)]  # the context at each page's start
    for page in _make_all_pages(context, root_box, html, pages):
        index = len(starts) - 1
        starts.append(ContextState.of(context))
        if held and _left_too_white(context, root_box, index, page):
            *held, page = _filled_from_before(context, root_box, html, starts, [*held, page])
        held.append(page)
        if len(held) > _MOST_BACK:
            yield held.pop(0)
    yield from held


def _left_too_white(
    context: LayoutContext, root_box: boxes.BlockBox, index: int, page: boxes.PageBox
) -> bool:
    resume_at = context.page_maker[index + 1][0]
    return _over(page) > 0 and short_pages.left_short(page, resume_at, root_box)


def _white(page: boxes.PageBox) -> float:
    """The white between the page's last line of running text and its notes' rule."""
    areas = [child for child in page.children if isinstance(child, boxes.FootnoteAreaBox) and child.children]
    return short_pages.white(page) + sum(area.margin_top for area in areas)


def _filled_from_before(
    context: LayoutContext,
    root_box: boxes.BlockBox,
    html: Any,
    starts: list[ContextState],
    made: list[boxes.PageBox],
) -> list[boxes.PageBox]:
    """The last of the `made` pages (the ones before it held) filled from those before it: they
    are made again giving up room, where that leaves none of them more than MOST_WHITE white;
    else, the same with a page before set with a paragraph a line longer; else, where
    the room comes in lumps that leave the last page still too white, the trial giving up room
    alone that leaves it least white, the pages before it within MOST_WHITE (a page a little
    short is better than one much shorter, as TeX weighs them; a paragraph is set looser only
    to fill it); else the pages are made as they were. The last page
    is not made again after pages before it that end as in a trial already made (their room
    given up ends on the same line)."""
    first = len(starts) - 1 - len(made)  # the index of made[0]
    last = first + len(made) - 1
    ends = _ends(context, made[:-1], first)
    seen = {(start, ends[start - first :]) for start in range(first, last)}
    least_white = _over(made[-1]) - _LEAST_GAIN  # what a trial must leave the last page under
    best: _Trial | None = None  # the trial that leaves it so
    deepest = last
    for trial in _trials(made):
        if last - len(trial.holds) > deepest:  # the pages an earlier trial made again: as they were
            trial = replace(trial, holds=(0.0,) * (last - len(trial.holds) - deepest) + trial.holds)
        start = last - len(trial.holds)
        deepest = start
        with total_fit.plans_kept_on_trial() as take_back:
            try:
                before = _remade(context, root_box, html, starts, start, trial.holds, trial)
            except _NotLonger:
                take_back()
                continue
            end = (start, _ends(context, before, start))
            if end in seen:
                take_back()
                continue
            seen.add(end)
            remade = [*before, *_remade(context, root_box, html, starts, last, (0.0,))]
            if all(_over(page) <= 0 for page in before):
                if _over(remade[-1]) <= 0:
                    return _kept(made, first, start, remade, len(trial.holds))
                if _over(remade[-1]) < least_white and not trial.longer:
                    least_white, best = _over(remade[-1]), trial
            take_back()
    if best is not None:  # made again from the deepest page tried: later trials moved its start
        holds = (0.0,) * (last - len(best.holds) - deepest) + best.holds
        remade = _remade(context, root_box, html, starts, deepest, (*holds, 0.0), replace(best, holds=holds))
        return _kept(made, first, deepest, remade, len(best.holds))
    if deepest < last:
        _remade(context, root_box, html, starts, deepest, (0.0,) * (last - deepest + 1))  # as they were
    return made


def _over(page: boxes.PageBox) -> float:
    """How much whiter the page is than MOST_WHITE of its height."""
    return _white(page) - MOST_WHITE * page.height


def _kept(
    made: list[boxes.PageBox], first: int, start: int, remade: list[boxes.PageBox], gave: int
) -> list[boxes.PageBox]:
    """The `made` pages from `first`, those from `start` on `remade`, the `gave` before the last
    of which gave up room to it: a layout cut before the last would not make them so
    (book_slices.py)."""
    for page in remade[-1 - gave : -1]:
        page.gave_room = True
    return [*made[: start - first], *remade]


def _ends(context: LayoutContext, pages: list[boxes.PageBox], first: int) -> tuple[Any, ...]:
    """Where each of the pages from `first` ends (the next page's start) and how white it is."""
    return tuple(
        (round(_white(page), 1), repr(context.page_maker[index + 1][0]))
        for index, page in enumerate(pages, start=first)
    )


@dataclass(frozen=True)
class _Trial:
    """The room given up by each page before the last (the nearest last), and which of them, if
    any, is also set with a paragraph a line longer (TeX's \\looseness=1): the `longer`-th
    from the last."""

    holds: tuple[float, ...]
    longer: int = 0

    def sets_longer(self, index: int) -> bool:
        """Whether the page at `index` in the holds is set with a paragraph a line longer."""
        return self.longer > 0 and index == len(self.holds) - self.longer


def _trials(made: list[boxes.PageBox]) -> Iterator[_Trial]:
    """The ways the pages before the last may fill it, in turn: giving up room; then also a
    paragraph a line longer on the page just before, then on the one before it, which gives up
    a line and leaves the page no whiter. None where the pages before have not together the room
    the last lacks (_holds)."""
    holds = [tuple(held) for held in _holds(made)]
    yield from (_Trial(held) for held in holds)
    if not holds:  # the pages before have not the room together
        return
    for back in range(1, min(_MOST_BACK, len(made) - 1) + 1):
        padded = [(0.0,) * max(0, back - len(held)) + held for held in [(), *holds]]
        yield from (_Trial(held, longer=back) for held in dict.fromkeys(padded))


def _holds(made: list[boxes.PageBox]) -> Iterator[list[float]]:
    """The room to give up tried by each page before the last (the nearest last): first the page
    just before alone, the least that fills the last first; then with the one before it giving
    up a share of its own room; then with the one before that too. None where the pages before
    have not together the room the last lacks (the end of a part, a page before a float page)."""
    lacking = _over(made[-1])
    spares = [-_over(page) for page in made[:-1]]
    if spares[-1] >= lacking:
        for share in _TRIED:
            yield [lacking + share * (spares[-1] - lacking)]
    if len(spares) > 1 and spares[-2] > 0 and spares[-2] + spares[-1] >= lacking:
        for share in _SHARED:
            given = share * spares[-2]
            for held in dict.fromkeys((max(lacking - given, 0.0), lacking)):
                yield [given, held]
    if len(spares) > 2 and min(spares[-3:-1]) > 0 and sum(spares[-3:]) >= lacking:
        for given_first in (spares[-3] / 2, spares[-3]):
            for given in (spares[-2] / 2, spares[-2]):
                yield [given_first, given, lacking]


def _remade(
    context: LayoutContext,
    root_box: boxes.BlockBox,
    html: Any,
    starts: list[ContextState],
    first: int,
    holds: tuple[float, ...],
    trial: _Trial | None = None,
) -> list[boxes.PageBox]:
    """The pages from `first` made again, each giving up its room in `holds`, from the context
    at the first's start; the one the `trial` says with the paragraph on it that takes a line
    more for the fewest demerits set so (_NotLonger where none can)."""
    starts[first].restore(context)
    remade = []
    for index, held_back in enumerate(holds, start=first):
        if trial is not None and trial.sets_longer(index - first):
            page = _set_longer(context, root_box, html, starts, index, held_back)
        else:
            page = _remake(context, root_box, html, index, held_back)
        remade.append(page)
        starts[index + 1] = ContextState.of(context)
    return remade


def _remake(
    context: LayoutContext, root_box: boxes.BlockBox, html: Any, index: int, held_back: float
) -> boxes.PageBox:
    # As make_all_pages does before it makes a page: else the next pass makes it again.
    context.page_maker[index][-1].update(
        content_changed=False, pages_wanted=False, anchors=[], content_lookups=[]
    )
    with footnote_area.holding_back(held_back):
        return page_layout.remake_page(index, context, root_box, html)[0]


def _set_longer(
    context: LayoutContext,
    root_box: boxes.BlockBox,
    html: Any,
    starts: list[ContextState],
    index: int,
    held_back: float,
) -> boxes.PageBox:
    """The page made again giving up `held_back`, with the paragraph on it that takes a line more
    for the fewest demerits set so; _NotLonger where none can, or it leaves a widow."""
    with short_pages.recording() as paragraphs:
        page = _remake(context, root_box, html, index, held_back)
    longer = short_pages.cheapest_longer(paragraphs, page)
    if longer is None:
        raise _NotLonger
    starts[index].restore(context)
    with short_pages.recording(longer) as paragraphs:
        page = _remake(context, root_box, html, index, held_back)
    if not short_pages.set_longer(paragraphs):
        raise _NotLonger
    return page


class _NotLonger(Exception):
    """No paragraph on the page a trial asks to set one a line longer can be, without a widow."""


def apply() -> None:
    global _make_all_pages
    _make_all_pages = weasyprint.layout.make_all_pages
    weasyprint.layout.make_all_pages = make_all_pages
