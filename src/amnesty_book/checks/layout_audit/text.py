"""Checks of the lines of text: their measure in characters, and ladders of hyphens at their ends."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator

from amnesty_book.checks.layout_audit.pages import Layout, Line
from amnesty_book.checks.layout_audit.sizes import Sizes
from amnesty_book.project.config import Edition
from amnesty_book.project.edition_kinds import KINDS
from amnesty_book.support.diagnostics import Diagnostic

_MEASURED_LINES = 30
HYPHEN_LADDER = 3
# WeasyPrint hyphenates with U+2010; a hyphen of the text itself may end a line too.
HYPHENS = frozenset("-\u2010\u00ad")
_LEADER = re.compile(r"(?:\.\s?){4}")  # dots leading to a page number in the contents


def measure(layout: Layout, edition: Edition, sizes: Sizes) -> Iterator[Diagnostic]:
    """Characters a line of the body text, the notes and the captions (full lines only:
    a line shorter than half the measure ends a paragraph)."""
    counts: dict[str, list[int]] = {"body text": [], "notes": [], "captions": []}
    for page in layout.pages:
        for line in page.inside:
            if line.body.right - line.body.left < page.block.width / 2 or _LEADER.search(line.text):
                continue
            if sizes.is_body(line):
                counts["body text"].append(line.chars)
            elif sizes.notes is not None and line.size == sizes.notes:
                counts["notes"].append(line.chars)
            elif sizes.captions is not None and line.size == sizes.captions:
                counts["captions"].append(line.chars)
    body = counts["body text"]
    if not body:
        return
    low, high = KINDS[edition.kind].measure
    summary = "; ".join(
        f"{what} {statistics.median(found):.0f} (median of {len(found)} lines, {min(found)}–{max(found)})"
        for what, found in counts.items()
        if found
    )
    yield Diagnostic.in_edition(
        edition.name,
        "body text",
        "L301",
        f"characters a line: {summary}",
        f"for information: {low}–{high} read best in this edition",
    )
    median = statistics.median(body)
    # A few lines tell nothing of a book's measure: a short book is not warned of it.
    if len(body) >= _MEASURED_LINES and not low <= median <= high:
        yield Diagnostic.in_edition(
            edition.name,
            "body text",
            "L302",
            f"the body text sets {median:.0f} characters a line (median), outside {low}–{high}",
            "narrow the measure (wider margins in page_geometry.py) or set the type larger"
            if median > high
            else "widen the measure (narrower margins in page_geometry.py) or set the type smaller",
        )


def hyphen_ladders(layout: Layout, edition: Edition) -> Iterator[Diagnostic]:
    for page in layout.pages:
        ladder: list[Line] = []
        if not page.inside:
            continue  # a blank page (the press file's, making a multiple of four)
        for line, following in zip(page.inside, [*page.inside[1:], None], strict=True):
            if following is not None and _hyphenated(line, following):
                ladder.append(line)
                continue
            if len(ladder) >= HYPHEN_LADDER:
                yield Diagnostic.in_edition(
                    edition.name,
                    page.where,
                    "L401",
                    f"{len(ladder)} hyphenated line ends in a row, from {ladder[0].shown()}",
                    "reword a line of the paragraph (or tie two words with a no-break space) so "
                    "that it breaks differently",
                )
            ladder = []


def _hyphenated(line: Line, following: Line) -> bool:
    """The line ends in a hyphen after a letter, and its word runs on at the next line's start."""
    text, next_text = line.text, following.text
    return (
        len(text) > 1
        and text[-1] in HYPHENS
        and text[-2].isalpha()
        and next_text[:1].isalpha()
        and following.size == line.size
        and 0 < line.baseline - following.baseline <= 2 * line.size
        and following.box.left < line.box.right
        and line.box.left < following.box.right
    )
