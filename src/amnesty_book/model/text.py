"""The book's text as text: rich content without markup, the language's quotation marks, and
where a line may not break; used wherever text is read or set (readers, citations, checks)."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from amnesty_book.model import CrossLink, Inline

SAFE_LINK = re.compile(r"(https?://|mailto:|#)", re.IGNORECASE)

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|grudnia"
)
# Where a line must not break: (pattern, replacement). Applied to text, never to markup.
# A date keeps its month and day together, but its year may go to the next line: bound whole,
# "September 17, 1939," is a word of 18 letters that leaves the line before it loose.
_NO_BREAK = (
    (
        re.compile(
            r"\b(Gen|Prof|Dr|St|Mr|Mrs|Ms|gen|prof|dr|vol|vols|Vol|Vols|no|No|nos|p|pp|ch|fig|Fig)\. (?=\w)"
        ),
        "\\1.\u00a0",
    ),
    (re.compile(rf"\b({_MONTHS}) (?=\d{{1,2}}\b)"), "\\1\u00a0"),
    (re.compile(rf"(\d) (?=({_MONTHS})\b)"), "\\1\u00a0"),
    (re.compile(r" – "), "\u00a0– "),
    # A note, plate, chapter or page and its number: "note 1", "Plate 5", "page 12".
    (
        re.compile(r"\b(note|notes|Note|plate|plates|Plate|chapter|Chapter|page|pages|Page) (?=\d)"),
        "\\1\u00a0",
    ),
    # An initial and the name after it: "J. R. Smith".
    (re.compile(r"\b([A-ZŁŚŻŹĆŃÓ])\. (?=[A-ZŁŚŻŹĆŃÓ])"), "\\1.\u00a0"),
    # An editor's signature stays with the note it signs: "… 1943. — Ed."
    (re.compile(r" — (?=Ed\.)"), "\u00a0—\u00a0"),
    # A number and its unit.
    (re.compile(r"(\d) (?=(km|kg|cm|mm|m|ha|t|%|per cent)(?!\w))"), "\\1\u00a0"),
)
# A paragraph's last line after a hyphen holds at least this many letters of the broken word.
STUB_LETTERS = 4
_RANGE = re.compile(r"\b\d+–\d+\b")
# ... and where a language's own rules forbid it: Polish typesetting leaves no one-letter
# word (a, i, o, u, w, z) at a line's end.
_NO_BREAK_IN = {"pl": ((re.compile(r"(?<!\w)([aiouwzAIOUWZ]) (?=\S)"), "\\1\u00a0"),)}

# Quotation marks as each language prints them: double opening and closing, then single
# (nested). A language not named takes English ones.
_QUOTATION_MARKS = {"en": ("“", "”", "‘", "’"), "pl": ("„", "”", "‚", "’")}


def quotation_marks(language: str) -> tuple[str, str, str, str]:
    return _QUOTATION_MARKS.get(language, _QUOTATION_MARKS["en"])


def quoted(text: str, language: str) -> str:
    """Text in the language's double quotation marks, as XHTML."""
    opening, closing, _, _ = quotation_marks(language)
    return f"{opening}{escape(text, quote=False)}{closing}"


def plain_text(content: Inline) -> str:
    """The text of rich content without markup or note calls (outlines, metadata, alt checks);
    a cross-reference as the words that name its target."""
    markup = "".join(
        part if isinstance(part, str) else escape(part.text, quote=False)
        for part in content
        if isinstance(part, str | CrossLink)
    )
    return _TextOnly.extract(markup)


def bound(text: str, language: str) -> str:
    """The text with the language's no-break spaces where a line must not break."""
    for pattern, replacement in (*_NO_BREAK, *_NO_BREAK_IN.get(language, ())):
        text = pattern.sub(replacement, text)
    return text


def typeset(text: str, language: str) -> str:
    """Escaped text with the language's no-break spaces, and number ranges kept whole. The
    source's line breaks are spaces: WeasyPrint breaks a footnote's line at them."""
    text = bound(text.replace("\n", " "), language)
    return _RANGE.sub(lambda match: f'<span class="nowrap">{match.group()}</span>', text)


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []

    @classmethod
    def extract(cls, markup: str) -> str:
        parser = cls()
        parser.feed(markup)
        parser.close()
        return "".join(parser.text)

    def handle_data(self, data: str) -> None:
        self.text.append(data)
