"""The texture of the justified text: how wide its word spaces are, and hyphens where a reader trips on them.

A justified line's word spaces are measured as a reader sees them, from the glyph before each
space to the glyph after (reading.py); a space wider than half an em opens a hole in the page,
three quarters of an em a river. A hyphen at the foot of a right-hand page sends the reader
overleaf in mid-word, a paragraph that ends on the stub of a hyphenated word wastes a line
on a syllable, and a line that ends between words the book binds ("note | 3", "November | 14")
parts what is read as one.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from amnesty_book.checks.layout_audit.pages import TOLERANCE_PT, Layout, Line, Page
from amnesty_book.checks.layout_audit.sizes import Sizes
from amnesty_book.checks.layout_audit.text import HYPHENS
from amnesty_book.model.text import STUB_LETTERS, bound
from amnesty_book.project.config import Edition
from amnesty_book.support.diagnostics import Diagnostic

LOOSE_EM = 0.5  # a word space wider than this is loose
RIVER_EM = 0.75  # ... and wider than this, a hole no reader misses
LOOSE_SHARE = 0.03  # of the justified lines, at most, a well-set book lets be loose
_MEASURED_LINES = 30  # fewer justified lines than this are no sample of a book's texture
_LEADER = ". . ."  # a contents entry's dots to its page number
_ROOM_EM = 0.5  # the width of a space, and of any letter, at most, in ems


def word_spaces(layout: Layout, edition: Edition, sizes: Sizes) -> Iterator[Diagnostic]:
    """The share of justified body lines with loose word spaces, for information, a warning when
    it passes LOOSE_SHARE; and a warning for each line with spaces wider than RIVER_EM."""
    measured: list[tuple[float, Page, Line]] = []
    for page in layout.pages:
        for line in page.inside:
            if sizes.is_body(line) and len(line.spaces) >= 2 and _justified(line, page):
                measured.append((sum(line.spaces) / len(line.spaces) / line.size, page, line))
    if not measured:
        return
    loose = sum(space > LOOSE_EM for space, _, _ in measured)
    widest, page, line = max(measured, key=lambda found: found[0])
    share = loose / len(measured)
    ending = sum(bool(body) and _ends_hyphenated(body[-1]) for body in _body_lines(layout, sizes))
    summary = (
        f"word spaces: {100 * share:.1f} % of {len(measured)} justified lines wider than {LOOSE_EM} em; "
        f"widest {widest:.2f} em, {page.where}, {line.shown()}; "
        f"{ending} of {len(layout.pages)} pages end on a hyphen"
    )
    yield Diagnostic.in_edition(
        edition.name,
        "body text",
        "L411",
        summary,
        f"for information: a well-set book keeps the share under {LOOSE_SHARE:.0%}, and ends no more "
        "than one page in 20 on a hyphen",
    )
    if len(measured) >= _MEASURED_LINES and share > LOOSE_SHARE:
        yield Diagnostic.in_edition(
            edition.name,
            "body text",
            "L412",
            f"{100 * share:.1f} % of the justified lines have word spaces wider than {LOOSE_EM} em",
            "let more words be hyphenated (the book's language, hyphenation exceptions), or set the "
            "text ragged right",
        )
    for space, page, line in measured:
        if space > RIVER_EM:
            yield Diagnostic.in_edition(
                edition.name,
                page.where,
                "L413",
                f"the line {line.shown()} is set with word spaces of {space:.2f} em",
                "reword the paragraph a little, or untie the words bound with no-break spaces around it",
            )


def _justified(line: Line, page: Page) -> bool:
    """The line reaches the measure's right edge: justified, whatever paragraph it ends."""
    return (
        line.body.right >= page.block.right - 2 * TOLERANCE_PT
        and line.body.left <= page.block.left + 3 * line.size
    )


def page_final_hyphens(layout: Layout, edition: Edition, sizes: Sizes) -> Iterator[Diagnostic]:
    """A word hyphenated from a right-hand page to the back of the leaf (TeX's \\brokenpenalty)."""
    for page, body in zip(layout.pages, _body_lines(layout, sizes), strict=True):
        if body and page.right_hand and _ends_hyphenated(body[-1]) and page.index + 1 < len(layout.pages):
            yield Diagnostic.in_edition(
                edition.name,
                page.where,
                "L421",
                f"the page's last line {body[-1].shown()} is hyphenated: its word runs on overleaf",
                "reword a line of the paragraph so that it breaks differently",
            )


def hyphenated_stubs(layout: Layout, edition: Edition, sizes: Sizes) -> Iterator[Diagnostic]:
    """A paragraph whose last line is the end of a hyphenated word, of fewer than STUB_LETTERS letters."""
    for page, body in zip(layout.pages, _body_lines(layout, sizes), strict=True):
        for line, following in pairwise(body):
            if not _ends_hyphenated(line) or not 0 < line.baseline - following.baseline <= 2 * sizes.pitch:
                continue
            if _justified(following, page) or len(following.text.split()) != 1:
                continue
            letters = sum(char.isalpha() for char in following.text)
            if letters < STUB_LETTERS:
                yield Diagnostic.in_edition(
                    edition.name,
                    page.where,
                    "L422",
                    f"a paragraph ends on the stub “{following.text}” of a hyphenated word",
                    "reword the paragraph's last lines a little",
                )


def split_bindings(layout: Layout, edition: Edition, language: str) -> Iterator[Diagnostic]:
    """A line that ends between two words the book's binding rules keep together (model/text.py),
    in any running text of the page: what no rule bound before it was set (a generated text)."""
    for page in layout.pages:
        for line, following in pairwise(page.inside):
            if following.size != line.size or not 0 < line.baseline - following.baseline <= 2 * line.size:
                continue
            ending, starting = line.text.split(), following.text.split()
            if not ending or not starting or _ends_hyphenated(line) or _LEADER in line.text:
                continue
            if line.body.right + _ROOM_EM * line.size * (1 + len(starting[0])) < page.block.right:
                continue  # the next word would have fitted: the paragraph (or entry) ended here
            joined = f"{ending[-1]} {starting[0]}"
            if bound(joined, language)[len(ending[-1])] != " ":
                yield Diagnostic.in_edition(
                    edition.name,
                    page.where,
                    "L423",
                    f"a line ends between “{ending[-1]}” and “{starting[0]}”, which the book binds together",
                    "put a no-break space between them in the manuscript; where the builder wrote "
                    "the words (a cross-reference, a label), report it",
                )


def _body_lines(layout: Layout, sizes: Sizes) -> Iterator[list[Line]]:
    """Each page's lines of body text, top to bottom."""
    for page in layout.pages:
        yield [line for line in page.inside if sizes.is_body(line)]


def _ends_hyphenated(line: Line) -> bool:
    text = line.text
    return len(text) > 1 and text[-1] in HYPHENS and text[-2].isalpha()
