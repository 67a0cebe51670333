"""The test book of every citation form (tests/books/citations) in five styles, its bibliography
in BibLaTeX and in CSL-JSON: the notes, the running text with its in-text citations and the
Sources of the web edition, the EPUB and the A4 reader are pandoc's citeproc's on the same text,
bibliography and style, up to markup and spaces (issue 26)."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from amnesty_book.checks.readback import (
    PrintedText,
    digest,
    epub_documents,
    pdf_pages,
    text_of,
    web_documents,
)
from amnesty_book.citing.pandoc_program import pandoc
from amnesty_book.citing.style import find_style
from amnesty_book.project.sources import Project
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from conftest import sample_project
from test_citations import _notes, _stringify

# A note style without and with "ibid.", an author-date style, APA, a numeric one (superscripts).
STYLES = [
    "chicago-notes-bibliography",
    "chicago-notes-bibliography-subsequent-ibid",
    "chicago-author-date",
    "apa",
    "american-medical-association",
]
FORMATS = ["works.bib", "works.json"]
EDITIONS = ["web", "epub", "reader-a4"]


@dataclass(frozen=True)
class Words:
    """What a reader reads of the book's citations: the running text's paragraphs (note calls
    aside), the notes and the Sources, each without spaces."""

    paragraphs: list[str]
    notes: list[str]
    sources: list[str]
    headings: list[str]
    uncalled: list[str] = dataclasses.field(default_factory=list)  # the paragraphs that call no note


@dataclass(frozen=True)
class Built:
    root: Path
    editions: dict[str, Path]
    pandocs: Words


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pandocs(root: Path, style: str, bibliography: str) -> Words:
    """pandoc's citeproc on the book's chapters one after the other, with its bibliography and style."""
    book = load_book(root)
    text = "\n\n".join(
        path.read_text(encoding="utf-8") for path in sorted((root / "manuscript").glob("*.md"))
    )
    csl = find_style(Project(root), style, None).path
    done = subprocess.run(
        [
            pandoc(),
            "--citeproc",
            f"--csl={csl}",
            f"--bibliography={root / 'sources' / bibliography}",
            f"--metadata=lang:{book.config.language}-US",
            "--from=markdown",
            "--to=json",
        ],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    )
    blocks = json.loads(done.stdout)["blocks"]
    (refs,) = [block for block in blocks if block["t"] == "Div" and block["c"][0][0] == "refs"]
    body = [block for block in blocks if block is not refs]
    return Words(
        [_documented(_bare(_stringify(block["c"]))) for block in body if block["t"] == "Para"],
        [_capitalized(_bare(note)) for note in _notes(body)],
        [_bare(_stringify(entry)) for entry in refs["c"][1]],
        [_bare(_stringify(block["c"][2])) for block in body if block["t"] == "Header"],
        [_bare(_stringify(block["c"])) for block in body if block["t"] == "Para" and not _notes(block["c"])],
    )


# Where pandoc is wrong by Chicago, what it prints and what the book prints: a citation before
# a note's call, `[@key, 61][^n].`, keeps the sentence's full stop once (pandoc sets it twice).
DIFFERENCES = [("starving..", "starving.")]


def _documented(words: str) -> str:
    for theirs, ours in DIFFERENCES:
        words = words.replace(theirs, ours)
    return words


def _capitalized(note: str) -> str:
    """The other difference: a note that begins with a citation begins with a capital, “Ibid.”
    (CMOS 14.34), as pandoc capitalizes the notes a style makes but not one written so."""
    return note[:1].upper() + note[1:]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, str], Built]:
    """The book built once per style and bibliography, into the editions compared."""
    done: dict[tuple[str, str], Built] = {}

    def get(style: str, bibliography: str) -> Built:
        if (style, bibliography) not in done:
            root = sample_project("citations", tmp_path_factory.mktemp(style))
            config = root / "book.toml"
            text = config.read_text(encoding="utf-8").replace("works.bib", bibliography)
            config.write_text(text + f'\n[citations]\nstyle = "{style}"\n', encoding="utf-8")
            build(root, root / "dist", editions=EDITIONS)
            book = load_book(root)
            editions = {
                edition.name: root / "dist" / edition.output_name(book.config.slug)
                for edition in book.config.editions
                if edition.name in EDITIONS
            }
            done[style, bibliography] = Built(root, editions, _pandocs(root, style, bibliography))
        return done[style, bibliography]

    return get


def _ours(documents: dict[str, Any]) -> Words:
    """The words of an HTML or EPUB edition: its chapters' paragraphs without their note calls."""
    paragraphs = []
    for tree in documents.values():
        for paragraph in tree.xpath(
            "//*[local-name()='section'][contains(@class, 'chapter')]/*[local-name()='p']"
        ):
            read = copy.deepcopy(paragraph)
            for call in read.xpath(".//*[contains(@class, 'noteref')]"):
                call.getparent().remove(call) if call.tail is None else _drop_keeping_tail(call)
            paragraphs.append(_bare(text_of(read)))
    found = digest(documents)
    notes = [_bare(found.notes[number]) for number in sorted(found.notes)]
    return Words(paragraphs, notes, found.bibliography, [_bare(heading) for heading in found.headings])


def _drop_keeping_tail(element: etree._Element) -> None:
    parent, previous = element.getparent(), element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + element.tail
    else:
        parent.text = (parent.text or "") + element.tail
    parent.remove(element)


@pytest.mark.slow
@pytest.mark.parametrize("bibliography", FORMATS)
@pytest.mark.parametrize("style", STYLES)
def test_every_edition_sets_the_citations_as_pandoc_does(
    built: Callable[[str, str], Built], style: str, bibliography: str
) -> None:
    made = built(style, bibliography)
    theirs = made.pandocs
    web = _ours(web_documents(made.editions["web"]))
    assert web.paragraphs == theirs.paragraphs
    assert web.notes == theirs.notes
    assert [_bare(entry) for entry in web.sources] == theirs.sources
    assert len(theirs.sources) == 11
    assert set(theirs.headings) <= set(web.headings)  # a citation in a heading printed with it
    epub = _ours(epub_documents(made.editions["epub"]))
    assert epub == web
    printed = PrintedText(pdf_pages(made.editions["reader-a4"]))
    assert all(printed.holds(note, continued=True) for note in theirs.notes), "a note is not printed"
    assert all(entry in printed for entry in theirs.sources), "a Sources entry is not printed"
    # The in-text citations as pandoc sets them, in the paragraphs that call no note.
    assert all(paragraph in printed for paragraph in theirs.uncalled), "a paragraph is not printed"
    assert theirs.uncalled or "notes" in style
