"""The builder's house style, mended in a Word document's text as it is imported: typographic
quotes, one space between words, en dashes in ranges and for spaced hyphens, the ellipsis
character. What lint would flag (Y001-Y006, by lint's own patterns) is mended, and counted
for the report."""

from __future__ import annotations

from collections import Counter

from amnesty_book.checks.lint import HOUSE_STYLE
from amnesty_book.model.text import quotation_marks

# A quote opens after a space, an opening bracket or dash, or at the start.
_OPENS_AFTER = set(" \u00a0([{–—-/\n") | {""}


def mend(text: str, before: str, language: str, counts: Counter[str]) -> str:
    """The text mended; `before` is the character that precedes it in its paragraph."""
    for code, replacement, what in (
        ("Y003", " ", "double spaces"),
        ("Y004", r"\1–\2", "hyphens in ranges"),
        ("Y005", " – ", "spaced hyphens"),
        ("Y006", "…", "three dots"),
    ):
        text, found = HOUSE_STYLE[code].subn(replacement, text)
        counts[what] += found
    opening, closing, single_opening, single_closing = quotation_marks(language)
    if opening != "“" and "“" in text:  # English quotes, typed in a Polish text by Word: „…”
        counts["quotation marks made the language's"] += text.count("“")
        text = text.replace("“", opening)
    if '"' not in text and "'" not in text:
        return text
    out = []
    for index, character in enumerate(text):
        previous = text[index - 1] if index else before[-1:]
        following = text[index + 1 : index + 2]
        if character == '"':
            counts["straight quotes"] += 1
            out.append(opening if previous in _OPENS_AFTER and following not in ("", " ") else closing)
        elif character == "'":
            counts["straight quotes"] += 1
            if previous.isalnum() or previous in ".,!?;:)" or previous in (closing, single_closing):
                out.append(single_closing)  # an apostrophe, or a closing quote
            else:
                out.append(single_opening if following and following != " " else single_closing)
        else:
            out.append(character)
    return "".join(out)
