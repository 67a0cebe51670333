"""The sizes the book is set in, as read from its pages: body text, notes, captions, and the pitch."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from amnesty_book.checks.layout_audit.pages import Layout, Line
from amnesty_book.model import Book

# A note's first line opens with its number.
NOTE_MARKER = re.compile(r"(\d+)\.\s")
# The body text sets at least this share of a book's characters.
_BODY_SHARE = 0.2


@dataclass(frozen=True)
class Sizes:
    """The sizes the book is set in, as read from its pages (points)."""

    body: float
    notes: float | None
    captions: float | None
    pitch: float  # baseline to baseline in the body text

    def is_body(self, line: Line) -> bool:
        return line.size == self.body and not line.bold

    def is_heading(self, line: Line) -> bool:
        return line.bold and line.size > self.body * 1.02


def sizes_of(layout: Layout, book: Book) -> Sizes:
    """Body, note and caption sizes: the body's is the largest size that sets a good share of
    the characters (in a note-heavy book the notes' smaller size may set most of them), or of
    those the notes leave (a note running on over pages may set nearly all); the notes' that of
    lines opening with a note's number, the captions' that of lines opening with a plate's label."""
    lines = [line for page in layout.pages for line in page.inside]
    numbers = {note.number for note in book.notes}
    marked = [
        line for line in lines if (marker := NOTE_MARKER.match(line.text)) and int(marker[1]) in numbers
    ]
    weights: Counter[float] = Counter()
    for line in lines:
        weights[line.size] += line.chars
    body = _largest_with_a_share(weights)
    notes = _commonest(line.size for line in marked if line.size < body)
    if notes is None:  # the notes may have taken the body's share: look past them
        notes = _commonest(line.size for line in marked)
        body = _largest_with_a_share(Counter({size: n for size, n in weights.items() if size != notes}))
        notes = notes if notes is not None and notes < body else None
    labels = tuple(f"{plate.label}." for plate in book.plates)
    captions = _commonest(line.size for line in lines if labels and line.text.startswith(labels))
    return Sizes(body, notes, captions if captions not in (body, notes) else None, _pitch(layout, body))


def _largest_with_a_share(weights: Counter[float]) -> float:
    """The largest size that sets _BODY_SHARE of the characters counted."""
    total = sum(weights.values())
    return max((size for size, chars in weights.items() if chars >= _BODY_SHARE * total), default=10.0)


def _commonest(sizes: Iterator[float]) -> float | None:
    found = Counter(sizes).most_common(1)
    return found[0][0] if found else None


def _pitch(layout: Layout, body: float) -> float:
    """Baseline to baseline of consecutive body lines."""
    steps = [
        upper.baseline - lower.baseline
        for page in layout.pages
        for upper, lower in zip(page.inside, page.inside[1:], strict=False)
        if upper.size == lower.size == body
    ]
    steps = [step for step in steps if body < step < 2.5 * body]
    return statistics.median(steps) if steps else 1.2 * body
