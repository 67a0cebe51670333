"""Hyphenation as a book allows it: no name split, and no third hyphenated line in a row.

Replaces `weasyprint.text.line_break.pyphen`, the module WeasyPrint asks for its dictionaries,
with one whose `Pyphen` offers no break in a word that begins with a capital (but the names of
the months and days, which English capitalises: "Novem-ber" is no name split), nor in any word
once the last two lines set ended with a hyphen. WeasyPrint hyphenates every word its dictionary
knows, on every line: it splits proper names (Bri-tain, Sikor-ski) and sets ladders of four or
five hyphens in a narrow column, where a book sets none and no more than two. CSS has the rule
for the ladder, `hyphenate-limit-lines`, which WeasyPrint does not support; for names it has
none (w3c/csswg-drafts#3927 left the choice to the browser).

The count of hyphenated lines in a row (LADDER) is told of each line as it is set by
linebox.py, restarted in each note by note_layouts.py, and at the start of each layout.

Upstream: none filed in WeasyPrint (names: https://github.com/w3c/csswg-drafts/issues/3927).
Written for WeasyPrint 70.0 (text/line_break.py: `pyphen.Pyphen(lang, left, right).iterate`
and `pyphen.language_fallback`) and Pyphen 0.18.1.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from types import SimpleNamespace
from typing import Any

import pyphen
from babel import Locale, UnknownLocaleError
from babel.dates import get_day_names, get_month_names
from weasyprint.formatting_structure import boxes
from weasyprint.text import line_break

# The hyphens of a text itself that a line may end on (a compound's: "bursting-point").
TEXT_HYPHENS = "-\u2010"


class Ladder:
    """The hyphenated line ends in a row, up to the line last set, and what they allow."""

    LONGEST = 2  # hyphenated lines in a row; the line after them is not hyphenated

    def __init__(self) -> None:
        self.run = 0
        self.planned = False  # a line planned whole (total_fit.py): its hyphen is the plan's to choose

    def line_set(self, line: boxes.LineBox) -> None:
        """A line is set: it adds to the run where it ends on a hyphen, the hyphenation's or the
        text's own after a letter ("bursting-|point"), as TeX counts an explicit hyphen's break
        with a discretionary's (\\doublehyphendemerits)."""
        texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox)]
        text = texts[-1].text if texts else ""
        ends = bool(texts) and (
            text.endswith(texts[-1].style["hyphenate_character"])
            or (len(text) > 1 and text[-1] in TEXT_HYPHENS and text[-2].isalpha())
        )
        self.run = self.run + 1 if ends else 0

    def allows(self, word: str, language: str) -> bool:
        return may_split(word, language) and (self.planned or self.run < self.LONGEST)


# The project's exceptions (styles/hyphenation.txt), as TeX's \\hyphenation{}: a word in lower
# case, and the places where it may break; they take the place of the dictionary's.
EXCEPTIONS: dict[str, tuple[int, ...]] = {}


def may_split(word: str, language: str) -> bool:
    """A book splits no name (no word that begins with a capital), but one the project lists
    and the language's names of the months and days."""
    return word.lower() in EXCEPTIONS or not word[:1].isupper() or word in _calendar_names(language)


@cache
def _calendar_names(language: str) -> frozenset[str]:
    """The names of the months and days in the language (CLDR, through Babel), as they stand in
    a date and alone."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return frozenset()
    names: set[str] = set()
    for context in ("format", "stand-alone"):
        names.update(get_month_names("wide", context, locale).values())
        names.update(get_day_names("wide", context, locale).values())
    return frozenset(names)


def book_positions(dictionary: pyphen.Pyphen, word: str) -> list[int]:
    """Where the word may break: as the project's exceptions list it, else as the dictionary
    has it (within its left and right limits)."""
    listed = EXCEPTIONS.get(word.lower())
    if listed is None:
        return pyphen.Pyphen.positions(dictionary, word)
    return [pyphen.DataInt(point) for point in listed]


LADDER = Ladder()


class _PyphenAsABookDoes(pyphen.Pyphen):
    def __init__(self, *arguments: Any, **options: Any) -> None:
        super().__init__(*arguments, **options)
        self.language = options.get("lang") or ""

    def positions(self, word: str) -> list[int]:
        return book_positions(self, word)

    def iterate(self, word: str) -> Iterator[tuple[str, str]]:
        return super().iterate(word) if LADDER.allows(word, self.language) else iter(())


def start_layout(exceptions: dict[str, tuple[int, ...]]) -> None:
    """A layout starts with no hyphenated line before it, whatever the last one in this
    process ended with (the same book is laid out alike in any process), and with its
    project's exceptions."""
    LADDER.run = 0
    EXCEPTIONS.clear()
    EXCEPTIONS.update(exceptions)


def apply() -> None:
    line_break.pyphen = SimpleNamespace(Pyphen=_PyphenAsABookDoes, language_fallback=pyphen.language_fallback)
