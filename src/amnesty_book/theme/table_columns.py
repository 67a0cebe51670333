"""The widths of a fixed-layout table's columns, taken from their content, as a typesetter sets them.

WeasyPrint's automatic table layout measures every possible line break of every cell (up to a
second a build), and shares the width out by each column's longest line, not by what makes
the table shortest. Here each cell's lines are estimated from its words, measured in the
book's regular face; the widths are those that set the table in the fewest lines, a cell
whose last line holds a single word ("vol. | 1.", "September 17, | 1939") counting half a line
more, so the longest column comes out widest and no column is squeezed into one-word lines.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import cache
from itertools import product
from pathlib import Path

from fontTools.ttLib import TTFont

# The widths tried for each column are this far apart, in ems of the table's type ...
_STEP_EM = 0.25
# ... or further, so that no more than this many sets of widths are tried.
_MOST_TRIALS = 20_000
# What a cell ending on a one-word line costs, in lines.
_STUB_COST = 0.5
# No column narrower than this, in ems, whatever its words.
_NARROWEST_EM = 3.0
# A set of widths whose table is at most this much taller than the shortest may be chosen
# for a shallower deepest cell, or for sharing the width more fairly.
_NEAR_ENOUGH = 1.05
# A column whose longest cell takes at most this share of the table is never wrapped.
_SHORT_COLUMN = 0.3
# Where a cell's line may break: a space, not a no-break one.
_SPACES = re.compile(r"[ \t\n]+")
# Each row's cells, each cell its words' widths in ems.
Cells = list[list[list[float]]]


def column_widths(
    rows: Sequence[Sequence[str]], width_em: float, gutter_em: float, face: Path
) -> tuple[float, ...]:
    """Each column's width in ems (without its gutter) for a table `width_em` wide, a gutter
    of `gutter_em` before each column but the first, its cells' text set in `face`. Of the
    widths that set the table in the fewest lines, or near enough (_NEAR_ENOUGH), those whose
    deepest cell is shallowest, then those nearest to sharing the width by the text each
    column holds."""
    return _column_widths(tuple(map(tuple, rows)), width_em, gutter_em, face)


@cache  # the same table is set again at each layout of an edition, and in each edition alike
def _column_widths(
    rows: tuple[tuple[str, ...], ...], width_em: float, gutter_em: float, face: Path
) -> tuple[float, ...]:
    columns = max(len(row) for row in rows)
    room = width_em - gutter_em * (columns - 1)
    space = _advances(face).get(" ", 0.25)
    cells = [[_words(cell, face) for cell in row] + [[]] * (columns - len(row)) for row in rows]
    least = [
        max(max(max(row[column], default=0.0) for row in cells), _NARROWEST_EM) for column in range(columns)
    ]
    if sum(least) >= room:
        return tuple(room * width / sum(least) for width in least)
    longest = [max(_natural(row[column], space) for row in cells) + space for column in range(columns)]
    # A column of short cells (dates, numbers) is as wide as its longest: none of them wraps.
    short = [width <= room * _SHORT_COLUMN for width in longest]
    least = [width if is_short else low for width, low, is_short in zip(longest, least, short, strict=True)]
    fair = _fair_shares(cells, least, short, room, space)
    step = _STEP_EM
    while (
        math.prod(len(_widths_between(least[c], longest[c], step)) for c in range(columns - 1)) > _MOST_TRIALS
    ):
        step *= 2
    trials = []
    for widths in product(*(_widths_between(least[c], longest[c], step) for c in range(columns - 1))):
        trial = [*widths, room - sum(widths)]
        if trial[-1] >= least[-1]:
            unfair = sum(abs(width - share) for width, share in zip(trial, fair, strict=True))
            trials.append((*_set(cells, trial, space), unfair, trial))
    if not trials:
        return tuple(room * width / sum(least) for width in least)
    shortest = min(trial[0] for trial in trials)
    return tuple(min(trial[1:] for trial in trials if trial[0] <= shortest * _NEAR_ENOUGH)[-1])


def _fair_shares(
    cells: Cells, least: list[float], short: list[bool], room: float, space: float
) -> list[float]:
    """The short columns at their width, the others sharing the rest by the text they hold."""
    rest = room - sum(width for width, is_short in zip(least, short, strict=True) if is_short)
    text = [sum(_natural(row[column], space) for row in cells) for column in range(len(least))]
    held = sum(amount for amount, is_short in zip(text, short, strict=True) if not is_short) or 1.0
    return [
        width if is_short else rest * amount / held
        for width, amount, is_short in zip(least, text, short, strict=True)
    ]


def _widths_between(least: float, most: float, step: float) -> list[float]:
    """Widths from `least` up to `most` (past which a column gains nothing), `step` apart."""
    return [least + step * count for count in range(int(max(most - least, 0) / step) + 1)]


def _set(cells: Cells, widths: Sequence[float], space: float) -> tuple[float, int]:
    """The table set at these widths: its height in lines, each row as deep as its deepest cell,
    with the cost of every cell's one-word last line, in whichever row (a shallow cell's stub
    shows as much); and the most lines of any cell (a column squeezed into a tall stack of short
    lines shows)."""
    height, deepest = 0.0, 0
    for row in cells:
        set_cells = [_cell_lines(words, width, space) for words, width in zip(row, widths, strict=False)]
        depth = max(lines for lines, _ in set_cells)
        height += depth + _STUB_COST * sum(stub for _, stub in set_cells)
        deepest = max(deepest, depth)
    return height, deepest


def _cell_lines(words: list[float], width: float, space: float) -> tuple[int, bool]:
    """A cell's lines, filled word by word, and whether its last of several holds one word."""
    lines, filled, on_last = 1, 0.0, 0
    for word in words:
        wanted = word if on_last == 0 else filled + space + word
        if on_last and wanted + space > width:  # WeasyPrint fits a line with its trailing space
            lines, filled, on_last = lines + 1, word, 1
        else:
            filled, on_last = wanted, on_last + 1
    return lines, lines > 1 and on_last == 1


def _natural(words: list[float], space: float) -> float:
    """The cell's width set on one line."""
    return sum(words) + space * max(len(words) - 1, 0)


def _words(text: str, face: Path) -> list[float]:
    """Each word's width in ems (a no-break space binds the words either side into one)."""
    advance = _advances(face)
    return [sum(advance.get(character, 0.5) for character in word) for word in _SPACES.split(text) if word]


@cache
def _advances(face: Path) -> dict[str, float]:
    """Each character's advance width in the face, in ems."""
    font = TTFont(face, lazy=True)
    per_em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    return {chr(code): metrics[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}
