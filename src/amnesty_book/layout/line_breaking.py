"""Total-fit line breaking (Knuth & Plass, 1981): a paragraph's boxes, glue and penalties in, its breaks out.

The paragraph is a list of items. A box is a piece that is never split (a word or a part of
one); glue is a space that stretches and shrinks and is a legal break when a box stands
before it; a penalty is a legal break of a given cost (a hyphenation point, flagged, with the
width of the hyphen it adds). The breaks chosen are those of least total demerits over the
whole paragraph, as TeX computes them: each line's badness from how far its glue stretches
or shrinks, plus the penalty of its break, squared, plus extra demerits for two hyphens in a
row, for a hyphenated line before the last, for a hyphen or a name parted at a page's end, and
for a line whose tightness is more than one class away from the line before it. A line may
not shrink its glue beyond the shrink given, nor stretch it so far that its badness passes the
tolerance; a paragraph that cannot be set so is set again with an emergency stretch added to
every line, as TeX's \\emergencystretch, and told as such in the result. A paragraph may be
asked for a line more or fewer than its best breaks make (TeX's \\looseness), as a page asks
it to fill its last line rather than leave a widow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from math import inf

INFINITE_PENALTY = 10_000  # a penalty this high forbids the break; its negation forces one
AWFUL_BADNESS = 10_000  # TeX's badness of a line that stretches without bound
FILL = 1e9  # the stretch of the glue that fills a paragraph's last line (finite, so sums subtract)


@dataclass(frozen=True, slots=True)
class Box:
    width: float


@dataclass(frozen=True, slots=True)
class Glue:
    width: float
    stretch: float
    shrink: float


@dataclass(frozen=True, slots=True)
class Penalty:
    width: float  # set only when the line breaks here (a hyphen)
    cost: float
    flagged: bool = False  # a hyphen: two in a row cost `double_hyphen_demerits`
    in_a_name: bool = False  # between the words of a name, which a page should not part


Item = Box | Glue | Penalty


@dataclass(frozen=True)
class Settings:
    """TeX's parameters of the same names, plain TeX's values unless a book sets better."""

    tolerance: float = 200
    line_penalty: float = 10
    adjacent_demerits: float = 10_000  # \adjdemerits: a very loose line next to a decent one
    double_hyphen_demerits: float = 10_000
    final_hyphen_demerits: float = 5_000
    emergency_stretch: float = 0.0  # added to each line's stretch on the second pass, in width units
    # Demerits for a last line narrower than `short_last_line`: a stub of a word or two.
    short_last_line: float = 0.0
    short_last_line_demerits: float = 0.0
    # Hyphenated lines in a row a book allows (TeX has no such limit: None).
    most_hyphens_in_a_row: int | None = None
    # Lines (numbered from 0) that may end a page, and the demerits of a hyphen ending one: a
    # word broken over a page turn, which TeX's \\brokenpenalty weighs when it breaks the page.
    page_end_lines: frozenset[int] = frozenset()
    page_end_hyphen_demerits: float = 0.0  # ... and of a name parted there (`Penalty.in_a_name`)
    # Lines more (or fewer, below 0) than the breaks of least demerits make: TeX's \\looseness.
    looseness: int = 0


@dataclass(frozen=True)
class Line:
    """One line of the result: its items are `items[start:end]`, broken at `end`."""

    start: int
    end: int
    ratio: float  # how far its glue stretches (> 0) or shrinks (< 0), as a share of what it may
    hyphenated: bool


@dataclass(frozen=True)
class Breaking:
    lines: tuple[Line, ...]
    demerits: float
    emergency: bool  # set only with the emergency stretch
    # The worst badness of its lines as their own glue sets them (without the emergency
    # stretch): above TeX's \\hbadness (1000), TeX reports an underfull box.
    worst_badness: float


@dataclass(slots=True)
class _Node:
    position: int  # the break's item index (-1 before the paragraph)
    line: int  # lines before this break
    fitness: int
    hyphens: int  # hyphenated lines in a row, ending at this break
    demerits: float
    ratio: float
    previous: _Node | None
    # Sums of the items from the paragraph start to after the break (its glue and penalties dropped).
    width: float = 0.0
    stretch: float = 0.0
    shrink: float = 0.0
    target: float = 0.0  # the width of the line after the break


@dataclass(slots=True)
class _Sums:
    width: list[float] = field(default_factory=list)
    stretch: list[float] = field(default_factory=list)
    shrink: list[float] = field(default_factory=list)


def break_lines(
    items: Sequence[Item], widths: Sequence[float], settings: Settings = Settings()
) -> Breaking | None:
    """The breaks of least demerits, the last item being the forced break that ends the paragraph;
    `widths` the lines' widths from the first, the last for every line after (TeX's \\parshape).

    Three passes, as TeX makes them: within the tolerance; then with the emergency stretch; then,
    so that no paragraph is left to a first-fit, with any stretch at all. A paragraph whose
    breaks end a page's line on a hyphen is given the next pass too: the emergency stretch if
    that spares the page its hyphen, then any stretch if that spares it for fewer demerits than
    the hyphen's. None only when some box is wider than its line (no break makes the paragraph
    fit). With a `looseness`, see `_loose`."""
    if settings.looseness:
        return _loose(items, widths, settings)
    passes = [
        (0.0, settings.tolerance),
        (settings.emergency_stretch, settings.tolerance),
        (settings.emergency_stretch, inf),
    ]
    sums = _sums(items)  # once for every pass
    breaks = [index for index in range(len(items)) if is_legal_break(items, index)]
    found: Breaking | None = None
    for extra_stretch, tolerance in dict.fromkeys(passes):  # the emergency pass once, if there is one
        finals = _final_nodes(items, breaks, sums, widths, settings, extra_stretch, tolerance)
        if not finals:
            continue
        best = min(finals, key=lambda node: node.demerits)
        emergency = extra_stretch > 0 or tolerance == inf
        lines = _lines(items, best)
        breaking = Breaking(lines, best.demerits, emergency, _worst_badness(items, sums, lines, widths))
        # The first pass that succeeds, as TeX's; a later one to spare the page, past the
        # tolerance only where its demerits are fewer than those of the page's hyphen.
        spares_the_page = not _ends_a_page_badly(items, lines, settings)
        if found is None or (spares_the_page and (tolerance < inf or best.demerits < found.demerits)):
            found = breaking
        if not _ends_a_page_badly(items, found.lines, settings):
            return found
    return found


def _loose(items: Sequence[Item], widths: Sequence[float], settings: Settings) -> Breaking | None:
    """The breaks as TeX makes them under \\looseness: of the ways to the paragraph's end within
    the tolerance, one whose count of lines is as near as can be to the least demerits' count
    plus the looseness (never beyond it), and of those the one of least demerits; where no way
    within the tolerance reaches that count, the pass with the emergency stretch is tried too.
    TeX's passes alone: no pass past the tolerance, nor one to spare a page's hyphen."""
    passes = dict.fromkeys([(0.0, settings.tolerance), (settings.emergency_stretch, settings.tolerance)])
    sums = _sums(items)
    breaks = [index for index in range(len(items)) if is_legal_break(items, index)]
    found: Breaking | None = None
    for extra_stretch, tolerance in passes:
        finals = _final_nodes(
            items, breaks, sums, widths, settings, extra_stretch, tolerance, by_line=True
        )
        if not finals:
            continue
        best = min(finals, key=lambda node: node.demerits)
        fewest, difference = best.line, 0
        for node in sorted(finals, key=lambda node: node.demerits):  # TeX's order of preference
            to_go = node.line - fewest
            if (difference < to_go <= settings.looseness) or (settings.looseness <= to_go < difference):
                best, difference = node, to_go
            elif to_go == difference and node.demerits < best.demerits:
                best = node
        lines = _lines(items, best)
        found = Breaking(
            lines, best.demerits, extra_stretch > 0, _worst_badness(items, sums, lines, widths)
        )
        if difference == settings.looseness:
            break
    return found


def _ends_a_page_badly(items: Sequence[Item], lines: Sequence[Line], settings: Settings) -> bool:
    """A line that may end a page ends on a hyphen or between the words of a name."""
    for number in settings.page_end_lines:
        if 0 <= number < len(lines) - 1:
            ending = items[lines[number].end]
            if isinstance(ending, Penalty) and (ending.flagged or ending.in_a_name):
                return True
    return False


def _worst_badness(
    items: Sequence[Item], sums: _Sums, lines: Sequence[Line], widths: Sequence[float]
) -> float:
    worst = 0.0
    for number, line in enumerate(lines):
        ending = items[line.end]
        natural = sums.width[line.end] - sums.width[line.start]
        natural += ending.width if isinstance(ending, Penalty) else 0.0
        stretch = sums.stretch[line.end] - sums.stretch[line.start]
        shrink = sums.shrink[line.end] - sums.shrink[line.start]
        worst = max(worst, _badness(_ratio(natural, widths[min(number, len(widths) - 1)], stretch, shrink)))
    return worst


def _sums(items: Sequence[Item]) -> _Sums:
    """Running totals before each item, so a line's width is a difference of two."""
    sums = _Sums([0.0], [0.0], [0.0])
    for item in items:
        width, stretch, shrink = sums.width[-1], sums.stretch[-1], sums.shrink[-1]
        if isinstance(item, Box):
            width += item.width
        elif isinstance(item, Glue):
            width, stretch, shrink = width + item.width, stretch + item.stretch, shrink + item.shrink
        sums.width.append(width)
        sums.stretch.append(stretch)
        sums.shrink.append(shrink)
    return sums


def _next_line_start(items: Sequence[Item], position: int) -> int:
    """The first box after a break: the glue and penalties after it are dropped, as TeX drops them."""
    index = position + 1
    while index < len(items) and not isinstance(items[index], Box):
        index += 1
    return index


def _fitness(ratio: float) -> int:
    """TeX's four classes: 0 tight, 1 decent, 2 loose, 3 very loose."""
    if ratio < -0.5:
        return 0
    if ratio <= 0.5:
        return 1
    if ratio <= 1:
        return 2
    return 3


def is_legal_break(items: Sequence[Item], index: int) -> bool:
    item = items[index]
    if isinstance(item, Penalty):
        return item.cost < INFINITE_PENALTY
    return isinstance(item, Glue) and index > 0 and isinstance(items[index - 1], Box)


def _final_nodes(
    items: Sequence[Item],
    breaks: Sequence[int],
    sums: _Sums,
    line_widths: Sequence[float],
    settings: Settings,
    extra_stretch: float,
    tolerance: float,
    by_line: bool = False,
) -> list[_Node]:
    """The nodes at the paragraph's end, over the legal `breaks`: the best way there in each
    class of fitness (and, `by_line`, for each count of lines: TeX keeps them apart under a
    looseness).

    Written for speed (a paragraph of a million characters is planned a window at a time, but
    every break of it is tried against every line that may end there): a line's ratio is worked
    out here rather than by `_ratio`, and a node too short yet to end a line is passed over
    before anything else is reckoned; the same sums in the same order as `_ratio`, `_badness`
    and `_demerits` make them. The active nodes stand in the order of their breaks, so the lines
    from the later ones are shorter: past the first too short yet, the rest are too, where their
    lines are as wide (those after `mixed_until`), and are not looked at."""
    active: list[_Node] = [_Node(-1, 0, 1, 0, 0.0, 0.0, None, target=line_widths[0])]
    # The lines from this one on have the last width: ways to a break after as many lines or more
    # go on alike, and the best of them is kept (TeX's easy_line); before it, the best of each count.
    easy_line = len(line_widths) - 1
    # The lines after every node whose break comes after `mixed_until` have one width, `tail_target`.
    tail_target, mixed_until = active[0].target, -2
    most_hyphens = settings.most_hyphens_in_a_row
    # A line that would stretch further than this has a badness past the tolerance.
    widest_ratio = inf if tolerance >= AWFUL_BADNESS else (tolerance / 100) ** (1 / 3)
    last = len(items) - 1
    widths, stretches, shrinks = sums.width, sums.stretch, sums.shrink
    for index in breaks:
        item = items[index]
        is_penalty = isinstance(item, Penalty)
        penalty = item.cost if is_penalty else 0.0
        flagged = is_penalty and item.flagged
        forced = penalty <= -INFINITE_PENALTY
        width_here = widths[index] + (item.width if is_penalty else 0.0)
        stretch_here = stretches[index] + extra_stretch
        shrink_here = shrinks[index]
        # The best way to this break in each fitness class, after each count of hyphens in a row.
        candidates: dict[tuple[int, int, int], _Node] = {}
        gone: set[int] = set()  # nodes whose line is too long already: no later break can end it
        for node in active:
            natural = width_here - node.width
            target = node.target
            if natural < target:
                stretch = stretch_here - node.stretch
                ratio = (target - natural) / stretch if stretch > 0 else inf
                if ratio > widest_ratio:
                    if node.position > mixed_until:
                        break  # ... and so are the lines from the nodes after it
                    continue  # too short yet
            elif natural > target:
                shrink = shrink_here - node.shrink
                ratio = (target - natural) / shrink if shrink > 0 else -inf
                if ratio < -1:
                    gone.add(id(node))
                    continue
                if -ratio > widest_ratio:
                    continue  # too tight for the tolerance
            else:
                ratio = 0.0
            badness = _badness(ratio)
            hyphens = node.hyphens + 1 if flagged else 0
            if most_hyphens is not None and hyphens > most_hyphens:
                continue
            fitness = _fitness(ratio)
            demerits = node.demerits + _demerits(badness, penalty, settings)
            if flagged and node.hyphens:
                demerits += settings.double_hyphen_demerits
            if (flagged or (is_penalty and item.in_a_name)) and node.line in settings.page_end_lines:
                demerits += settings.page_end_hyphen_demerits
            if index == last and node.hyphens:
                demerits += settings.final_hyphen_demerits
            if index == last and node.position >= 0 and natural < settings.short_last_line:
                demerits += settings.short_last_line_demerits
            if abs(fitness - node.fitness) > 1:
                demerits += settings.adjacent_demerits
            line = node.line + 1
            key = (fitness, hyphens, line if by_line else min(line, easy_line))
            best = candidates.get(key)
            if best is None or demerits < best.demerits:
                start = _next_line_start(items, index)
                target = line_widths[min(line, easy_line)]
                if target != tail_target:
                    tail_target, mixed_until = target, index
                candidates[key] = _Node(
                    index,
                    line,
                    fitness,
                    hyphens,
                    demerits,
                    ratio,
                    node,
                    widths[start],
                    stretches[start],
                    shrinks[start],
                    target,
                )
        if forced:
            active = []
        elif gone:
            active = [node for node in active if id(node) not in gone]
        if candidates:
            active += [candidates[key] for key in sorted(candidates)]
        if not active:
            return []
    return [node for node in active if node.position == last]


def _ratio(natural: float, target: float, stretch: float, shrink: float) -> float:
    if natural < target:
        return (target - natural) / stretch if stretch > 0 else inf
    if natural > target:
        return (target - natural) / shrink if shrink > 0 else -inf
    return 0.0


def _badness(ratio: float) -> float:
    """TeX's badness, 100 r³, capped where TeX caps it (a line with no glue to stretch too)."""
    return min(100 * abs(ratio) ** 3, AWFUL_BADNESS)


def _demerits(badness: float, penalty: float, settings: Settings) -> float:
    base = (settings.line_penalty + badness) ** 2
    if penalty >= 0:
        return base + penalty**2
    if penalty > -INFINITE_PENALTY:
        return base - penalty**2
    return base


def _lines(items: Sequence[Item], node: _Node) -> tuple[Line, ...]:
    chain: list[_Node] = []
    walker: _Node | None = node
    while walker is not None and walker.position >= 0:
        chain.append(walker)
        walker = walker.previous
    lines = []
    start = 0
    for break_node in reversed(chain):
        lines.append(Line(start, break_node.position, break_node.ratio, break_node.hyphens > 0))
        start = _next_line_start(items, break_node.position)
    return tuple(lines)
