"""Text is never lost: every word of the document's paragraphs, as pandoc is given them, is
looked for in what the import wrote, and a paragraph with a word missing is reported."""

from __future__ import annotations

import re
from collections.abc import Iterable

from amnesty_book.importing.markers import MARK

# Words: letters and digits (Markdown's own marks and escapes around them set aside).
_WORD = re.compile(r"[^\W_]+")
_SYNTAX = re.compile(r"[\\^~*\[\]{}`]")
_NOTE_CALL = re.compile(r"\[\^[^\]\s]+\]")
# Word's caption label and number, which the plate's own label replaces.
CAPTION_LABEL = re.compile(
    r"^\s*(?:Figure|Fig\.|Plate|Illustration|Image|Picture|Photo|Photograph|Rysunek|Rys\.|Ilustracja|Fot\.|"
    r"Fotografia|Zdjęcie|Zdj\.)\s*\d+\s*[.:]?\s*(?:[–—-]\s*)?",
    re.IGNORECASE,
)


def words(text: str) -> set[str]:
    return set(_WORD.findall(_SYNTAX.sub("", _NOTE_CALL.sub(" ", text.replace("\u00ad", "")))))


def lost(paragraphs: Iterable[str], written: Iterable[str]) -> list[tuple[str, list[str]]]:
    """Each paragraph of the document with words the written texts lack: (its text, those words)."""
    found: set[str] = set()
    for text in written:
        found |= words(text)
    missing = []
    for paragraph in paragraphs:
        text = " ".join(CAPTION_LABEL.sub("", MARK.sub(" ", paragraph).strip(), count=1).split())
        absent = sorted(words(text) - found)
        if absent:
            missing.append((text, absent))
    return missing
