"""Subsets the book's faces to the characters an edition uses, keeping their licence and names."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from fontTools import subset

# Drawn by the reading system rather than written in the text: the hyphen of automatic
# hyphenation, and the figures and full stop of list numbers.
_GENERATED = "-\u2010\u00ad0123456789."


def subset_font(path: Path, characters: Iterable[str]) -> bytes:
    """The face at `path` cut down to `characters` (plus what reading systems draw themselves).

    The name table is kept whole: it carries the copyright, the Reserved Font Names and the
    licence (nameIDs 0, 13, 14) that the SIL OFL asks to travel with the font. The OFL's
    authors count a subset made only for one document as embedding, not a Modified Version,
    so the names stay. All layout features stay, for the kerning, ligatures and old-style
    figures the stylesheet asks for.
    """
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.drop_tables += ["Silt"]  # SIL's own table: no subsetter, and no reading system reads it
    options.recalc_timestamp = False  # keep head.modified: equal input, equal bytes
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted({*characters, *_GENERATED})))
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return buffer.getvalue()
