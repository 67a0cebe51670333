"""Citations in captions, credits, plates' sources, the timeline and notes, in a note style: each
text set as pandoc's citeproc sets a note of the same words (a citation that begins it in the
note's own form, one inside it in parentheses, one written `@key` with a comma after the author),
the full stop never doubled, and the same in every edition."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest

from amnesty_book.checks.readback import epub_documents, norm, web_documents
from amnesty_book.citing.pandoc_program import pandoc
from amnesty_book.citing.style import find_style
from amnesty_book.model import Book
from amnesty_book.model.text import plain_text
from amnesty_book.project.sources import Project
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from conftest import SmallProject
from test_citations import _notes, _with_bibliography

WORKS = [
    {
        "id": "sword1994",
        "type": "book",
        "author": [{"family": "Sword", "given": "Keith"}],
        "title": "Deportation and Exile",
        "publisher": "Macmillan",
        "issued": {"date-parts": [[1994]]},
    },
    {
        "id": "amn",
        "type": "article-newspaper",
        "author": [{"family": "Kowalski", "given": "Jan"}],
        "title": "Amnestia 1941",
        "container-title": "Dziennik Polski",
        "issued": {"date-parts": [[1941, 8, 20]]},
    },
]
# Each text as written, where it stands.
CAPTION = "Drawn in 1941 [@sword1994, 44]."  # inside the text: in parentheses
CREDIT = "Photo: @amn."  # narrative: the comma after the author, the style's full stop dropped
SOURCE = "[@amn]"  # wholly a citation: the note's own form, unparenthesized
TIMELINE_SOURCE = "@sword1994 [12]"  # narrative, alone: its comma and its full stop
EVENT = "Told by @amn [3]. Then in [@sword1994, 44]: more."
NOTE = "[@sword1994, 14]. More [@amn]."  # a note that begins with a citation


def _project(small_project: SmallProject) -> SmallProject:
    _with_bibliography(small_project, json.dumps(WORKS))
    small_project.replace("images/plates.yaml", "caption: A caption.", f"caption: '{CAPTION}'")
    small_project.replace("images/plates.yaml", "credit: A credit.", f"credit: '{CREDIT}'")
    small_project.replace("images/plates.yaml", "source: An archive", f"source: '{SOURCE}'")
    small_project.replace("manuscript/timeline.yaml", "event: Something happens.", f"event: '{EVENT}'")
    small_project.replace("manuscript/timeline.yaml", "source: text", f"source: '{TIMELINE_SOURCE}'")
    small_project.replace("manuscript/article.md", "[^n]: The note text.", f"[^n]: {NOTE}")
    return small_project


def _pandocs_notes(project: SmallProject, book: Book, texts: list[str], later: bool = True) -> list[str]:
    """pandoc's citeproc on notes of these words, each after a citation of another work (so
    that none is "ibid."); `later`: every work cited once before them (so that all are later
    citations, as texts that stand apart are)."""
    style = find_style(Project(project.root), book.config.citations.style, None)
    separator = {"id": "separator", "type": "book", "title": "-", "author": [{"literal": "-"}]}
    front = json.dumps({"references": [*WORKS, separator]})
    calls = " ".join(f"x [@separator] y[^t{number}]" for number in range(len(texts)))
    notes = "\n\n".join(f"[^t{number}]: {text}" for number, text in enumerate(texts))
    before = "[@sword1994] [@amn]" if later else ""
    document = f"---\n{front}\n...\n\nx {before} {calls}\n\n{notes}\n"
    done = subprocess.run(
        [pandoc(), "--citeproc", f"--csl={style.path}", "--metadata=lang:en-US", "--to=json"],
        input=document,
        capture_output=True,
        text=True,
        check=True,
    )
    found: list[Any] = _notes(json.loads(done.stdout)["blocks"])
    return found[3::2] if later else found[1::2]  # after the works' notes and each separator's


def test_texts_that_stand_apart_are_set_as_pandoc_sets_a_note_of_their_words(
    small_project: SmallProject,
) -> None:
    project = _project(small_project)
    book = load_book(project.root)
    (plate,) = book.plates
    ((event,),) = [appendix.entries for appendix in book.appendices]
    ours = [
        plain_text(plate.caption),
        plain_text(plate.credit),
        plain_text(event.event),
        plain_text(event.source),
    ]
    theirs = _pandocs_notes(project, book, [CAPTION, CREDIT, EVENT, TIMELINE_SOURCE])
    assert (
        ours
        == theirs
        == [
            "Drawn in 1941 (Sword, Deportation and Exile, 44).",
            "Photo: Kowalski, “Amnestia 1941”.",
            "Told by Kowalski, “Amnestia 1941,” 3. Then in (Sword, Deportation and Exile, 44): more.",
            "Sword, Deportation and Exile, 12.",
        ]
    )
    # A note that begins with a citation: the citation unparenthesized, its full stop the sentence's.
    (theirs_note,) = _pandocs_notes(project, book, [NOTE], later=False)
    assert (
        norm(book.notes[0].text)
        == theirs_note
        == (
            "Keith Sword, Deportation and Exile (Macmillan, 1994), 14. More (Jan Kowalski, “Amnestia 1941,” "
            "Dziennik Polski, August 20, 1941)."
        )
    )


def test_the_full_stop_after_a_quoted_title_is_not_doubled(small_project: SmallProject) -> None:
    """A documented difference: pandoc prints the sentence's full stop after a citation that ends
    inside closing quotation marks (“Amnestia 1941.”.); Chicago (6.9) ends the sentence there."""
    project = _project(small_project)
    project.replace("images/plates.yaml", f"source: '{SOURCE}'", "source: '[@amn].'")
    book = load_book(project.root)
    (theirs,) = _pandocs_notes(project, book, ["[@amn]."])
    assert theirs == "Kowalski, “Amnestia 1941.”."
    assert plain_text(book.plates[0].source) == "Kowalski, “Amnestia 1941.”"


def _words(element: Any) -> str:
    return norm("".join(element.itertext()))


@pytest.mark.slow
def test_the_plates_list_and_timeline_print_them_so_in_every_edition(small_project: SmallProject) -> None:
    """The plates list ends the source with one full stop (not “Amnestia 1941.”.) and keeps the
    title's italics; the timeline keeps the narrative citation's comma."""
    project = _project(small_project)
    out = project.root / "dist"
    build(project.root, out, editions=["web", "epub"])
    web = web_documents(out / "small-web")["index.html"]
    epub = epub_documents(out / "small.epub")
    for name, documents in (("web", [web]), ("epub", list(epub.values()))):
        (entry,) = [dd for tree in documents for dd in tree.iter("{*}dd")]
        source = norm(entry.xpath("string(.//*[@class='source'])"))
        assert source == "Source: Kowalski, “Amnestia 1941.”", name
        caption = entry.xpath(".//*[@class='caption']")[0]
        assert [_words(em) for em in caption.iter("{*}em")] == ["Deportation and Exile"], name
        (cell,) = [td for tree in documents for td in tree.iter("{*}td") if td.get("class") == "source"]
        assert _words(cell) == "Sword, Deportation and Exile, 12.", name
        assert [_words(em) for em in cell.iter("{*}em")] == ["Deportation and Exile"], name
    assert re.search(r"Drawn in 1941 \(Sword, Deportation and Exile, 44\)\.", norm(web.text_content()))
