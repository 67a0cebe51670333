"""Makes a new book project that builds at once: a chapter with a note, a stand-in plate, no timeline."""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw

from amnesty_book.project.labels import SUPPORTED_LANGUAGES
from amnesty_book.support.diagnostics import SourceLocation
from amnesty_book.support.errors import BookError

# What `amnesty-book import` writes in a plate's entry where the document says nothing: text
# that builds, and that lint reports as missing (P003, P001) until the editor writes it.
CREDIT_TO_COME = "[credit to come]"
ALT_TO_COME = "[description to come]"

_CONFIG = """\
# The book's metadata: the title page, the colophon, the EPUB's package and the PDFs'
# properties are made from it. Every key is checked; `amnesty-book build` names any mistake
# with its line.

[book]
title = "{title}"
author = "{author}"
language = "{language}"  # {languages}
identifier = "urn:uuid:{identifier}"
slug = "{slug}"  # names the files in dist/
edition_date = {today}

[sources]
manuscript = "manuscript"  # its .md files, in name order: one chapter (or more) each
plates = "images/plates.yaml"
"""

_CHAPTER = """\
# The first chapter

## A section

Write the text here, in Markdown: *emphasis*, **strong**, [links](https://example.org) and
lists as anywhere else. A note is called like this,[^first] and defined below the text.

::: plate stand-in

A plate stands where its line stands in the EPUB and the web edition, and floats to the foot
or the head of a page in the PDFs. Replace `images/stand-in.jpg` with a scan, and its
caption, credit and description in `images/plates.yaml`.

[^first]: A note of one paragraph. A note may have more:

    indent them by four spaces under its first line.
"""

_PLATES = """\
# Each plate: its id (placed in the manuscript with '::: plate ID'), its image file, the
# caption and credit printed under it, a description of what it shows for readers who cannot
# see it, and where the scan comes from.
- id: stand-in
  file: stand-in.jpg
  caption: A stand-in for the first plate.
  credit: Drawn by amnesty-book.
  alt: A grey rectangle with the words “stand-in plate”.
  source: Made by amnesty-book new.
"""

README = """\
# {title}

A book project for amnesty-book. Build every edition into `dist/` with

    amnesty-book build

and preview the web edition, rebuilt on every save, with `amnesty-book serve`.

| to change | edit |
| --- | --- |
| title, author, language, dates | `book.toml` |
| the text, its headings and notes | `manuscript/*.md` (one chapter or more a file, read in name order) |
| the plates | `images/plates.yaml` and the image files beside it |
| a timeline appendix (optional) | add `manuscript/timeline.yaml`: a list of `date`, `event`, `source` |

A mistake stops the build with its file and line, and `dist/` stays as it was.
"""


def new_project(folder: Path, title: str, author: str, language: str) -> list[Path]:
    """Writes the project into `folder` (new or empty) and returns the files written."""
    if language not in SUPPORTED_LANGUAGES:
        raise BookError.at(
            None, f"language '{language}' is not supported; use one of {', '.join(SUPPORTED_LANGUAGES)}"
        )
    check_new_folder(folder)
    slug = slug_of(folder)
    texts = {
        "book.toml": _CONFIG.format(
            title=toml_text(title),
            author=toml_text(author),
            language=language,
            languages=" or ".join(SUPPORTED_LANGUAGES),
            identifier=uuid.uuid4(),
            slug=slug,
            today=date.today().isoformat(),
        ),
        "manuscript/01-first-chapter.md": _CHAPTER,
        "images/plates.yaml": _PLATES,
        "README.md": README.format(title=title),
    }
    written = []
    for relative, text in texts.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    written.append(stand_in(folder / "images" / "stand-in.jpg"))
    return written


def check_new_folder(folder: Path) -> None:
    """A book is made in a new or empty folder, never over another's files."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BookError.at(SourceLocation(folder), "this folder is not empty; name a new folder for the book")


def slug_of(folder: Path) -> str:
    """The book's slug (the name of its files in dist/), from its folder's name."""
    return re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-") or "book"


def toml_text(text: str) -> str:
    """The text inside a TOML basic string."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def stand_in(path: Path, words: str = "stand-in plate") -> Path:
    """A grey plate, large enough to print sharp at any plate size, with `words` on it."""
    image = Image.new("RGB", (1800, 1200), (150, 150, 150))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 1760, 1160), outline=(90, 90, 90), width=8)
    draw.text((900, 600), words, fill=(40, 40, 40), anchor="mm", font_size=120)
    image.save(path, "JPEG", quality=85)
    return path
