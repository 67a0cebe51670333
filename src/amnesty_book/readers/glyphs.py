"""Checks that the book's faces have a glyph for every character of its text.

A renderer would otherwise substitute another font, or a blank box, without a word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont

from amnesty_book.model import Book, Heading, Prose, PullQuote
from amnesty_book.model.text import plain_text
from amnesty_book.project.config import CONFIG_NAME
from amnesty_book.support.diagnostics import Diagnostic, SourceLocation
from amnesty_book.support.errors import BookError

# Line breaks and tabs are never drawn.
_NOT_DRAWN = frozenset("\n\r\t")
# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt): format characters a
# renderer shows as nothing when no font has them (joiners, soft hyphens, bidi controls,
# variation selectors). No face is asked for them, and the read-back drops them: a PDF keeps
# no trace of most.
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x180B, 0x180F),  # Mongolian variation selectors and vowel separator
    (0x200B, 0x200F),  # zero width space, non-joiner and joiner; left-to-right and right-to-left marks
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, bidi isolates
    (0x3164, 0x3164),  # Hangul filler
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # zero width no-break space
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFFF0, 0xFFF8),  # unassigned, reserved as ignorable
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol format controls
    (0xE0000, 0xE0FFF),  # tags and variation selectors supplement
)
IGNORABLE = re.compile("[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in _DEFAULT_IGNORABLE) + "]")
# The kinds of font file every edition can embed.
FONT_SUFFIXES = (".ttf", ".otf")  # the EPUB cuts its faces down: no WOFF


def check_font(path: Path, where: SourceLocation, shown: str) -> None:
    """Fails unless the file is a face the editions can use: a TrueType or OpenType font
    (or its WOFF packing) with a character map."""
    if path.suffix.lower() not in FONT_SUFFIXES:
        raise BookError.at(where, f"font '{shown}' must be a {', '.join(FONT_SUFFIXES)} file")
    try:
        _font_characters(path)
    except Exception as error:  # fontTools fails on a damaged file in many ways
        reason = str(error) or type(error).__name__
        raise BookError.at(
            where, f"font '{shown}' cannot be read as a font ({reason}); replace the file"
        ) from None


def check_glyphs(book: Book) -> None:
    cmaps = {face.path.name: _font_characters(face.path) for face in book.fonts}
    seen: set[str] = set()
    problems = []
    for text, location in _texts(book):
        for character in text:
            if character in seen or character in _NOT_DRAWN or IGNORABLE.match(character):
                continue
            seen.add(character)
            lacking = [name for name, cmap in cmaps.items() if ord(character) not in cmap]
            if lacking:
                name = unicodedata.name(character, "unnamed")
                problems.append(
                    Diagnostic(
                        location,
                        f"the character {character!r} (U+{ord(character):04X} {name}) has no glyph in "
                        f"{', '.join(lacking)}; replace the character or choose a font that has it",
                    )
                )
    if problems:
        raise BookError(problems)


def _font_characters(font: Path) -> frozenset[int]:
    status = font.stat()
    return _characters(font, status.st_mtime_ns, status.st_size)


@cache
def _characters(font: Path, modified: int, size: int) -> frozenset[int]:
    """The code points a face has glyphs for, read again only when the file changes (serve)."""
    cmap = TTFont(font, lazy=True).getBestCmap()
    if not cmap:
        raise ValueError("it has no Unicode character map")
    return frozenset(cmap)


def _texts(book: Book) -> Iterator[tuple[str, SourceLocation | None]]:
    """Every text the editions print, with where it comes from."""
    config = book.config
    at_config = SourceLocation(Path(CONFIG_NAME))
    publisher = config.first_publication.publisher if config.first_publication else ""
    for text in (config.title, config.author, config.description, config.rights, publisher, *config.subjects):
        yield text, at_config
    for chapter in book.chapters:
        yield chapter.title.text, chapter.title.location
        for block in chapter.blocks:
            if isinstance(block, Heading):
                yield block.text, block.location
            elif isinstance(block, Prose | PullQuote):
                yield plain_text(block.content), block.location
    for note in book.notes:
        yield note.text, note.location
    for plate in book.plates:
        for text in (*(plain_text(part) for part in (plate.caption, plate.credit, plate.source)), plate.alt):
            yield text, plate.location
    for appendix in book.appendices:
        for entry in appendix.entries:
            yield " ".join(plain_text(text) for text in entry.texts().values()), entry.location
    for label in config.labels.values():
        yield label, None
