"""The builder's limits on its sources, each far above any real book, and the checks that apply
them: the build and `amnesty-book lint` call the same ones.

Past a limit a source would crash the layout (WeasyPrint recurses once for each element inside
another) or hold the build for minutes; within it, it is read at the speed of any other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError

# Elements inside one another in a block of the manuscript (emphasis in emphasis, a link in a
# list in a quotation, counting the paragraph itself). WeasyPrint sets 239 nested <em> in a
# paragraph and no more (measured): the book's own wrappers and a note set inside its call's
# paragraph take the rest.
MAX_NESTING = 50
# Lists or quotations inside one another: Python-Markdown recurses on them.
MAX_LIST_NESTING = 12
# Characters of one paragraph: the article's longest has 785, the long sample book's 1,650
# (bench/long_book.py). A paragraph costs what as many characters of shorter ones cost, its
# lines set a window at a time (layout/weasyprint/long_texts.py, total_fit.py): one of
# 1,000,000 is about 330 pages of the A4 reader, some 45 s of processor time (bench/cost.py,
# docs/performance.md); past it a build takes minutes.
MAX_PARAGRAPH = 1_000_000
# Notes of the whole book: the long sample book has 816; a book of 10,000 builds.
MAX_NOTES = 10_000
# Characters of any text of book.toml (a title, a label, a path): a long title has 200.
MAX_CONFIG_TEXT = 1_000


class LimitError(BookError):
    """A source beyond one of the builder's limits (lint's S005)."""


TOO_DEEP = f"this text nests emphasis, links or other markup more than {MAX_NESTING} deep; flatten it"
TOO_DEEP_LISTS = f"this text nests lists or quotations more than {MAX_LIST_NESTING} deep; flatten it"


def check_nesting(depth: int, lists: int, where: SourceLocation) -> None:
    """Refuses an element `depth` deep in its block, `lists` of them lists or quotations."""
    if lists > MAX_LIST_NESTING:
        raise LimitError.at(where, TOO_DEEP_LISTS)
    if depth > MAX_NESTING:
        raise LimitError.at(where, TOO_DEEP)


def check_paragraphs(lines: Sequence[str], where: SourceLocation) -> None:
    """Refuses the first paragraph of `lines` (a block of the manuscript, its first line at
    `where`; its paragraphs parted by blank lines) longer than MAX_PARAGRAPH, at its first line."""
    first, length = 0, 0
    for offset, line in enumerate([*lines, ""]):
        if line.strip():
            first = offset if not length else first
            length += len(line) + 1  # and its line break
            continue
        if length - 1 > MAX_PARAGRAPH:
            raise LimitError.at(
                where.offset(first),
                f"this paragraph is {length - 1:,} characters long, more than the {MAX_PARAGRAPH:,} "
                "a paragraph may hold; split it with blank lines",
            )
        length = 0


def check_notes(definitions: Sequence[SourceLocation]) -> None:
    """Refuses a book of more than MAX_NOTES notes, at the first definition past the limit."""
    if len(definitions) > MAX_NOTES:
        raise LimitError.at(
            definitions[MAX_NOTES],
            f"this is note {MAX_NOTES + 1:,}, more than the {MAX_NOTES:,} a book may hold; "
            "merge some notes, or split the book in two",
        )


def long_text(texts: Iterable[object]) -> str | None:
    """What is wrong with a key of book.toml and its value (`texts`: a list's items, too) if
    one is a text longer than MAX_CONFIG_TEXT."""
    longest = max((len(text) for text in texts if isinstance(text, str)), default=0)
    if longest <= MAX_CONFIG_TEXT:
        return None
    return (
        f"this text is {longest:,} characters long, more than the {MAX_CONFIG_TEXT:,} a text of "
        "book.toml may hold; shorten it"
    )
