"""bench/real_books.py turns a Standard Ebooks edition into a project that reads as the source
does: every note called where it was, a call in a heading kept, a note opening with a
quotation, verse lines, words in another language, and characters Markdown would take for
markup (`*`, `[`, `@`, a line opening `1660.`) printed as they stand."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from amnesty_book.model.text import plain_text
from amnesty_book.readers.loading import load_book
from conftest import REPO

_SPEC = importlib.util.spec_from_file_location("real_books", REPO / "bench" / "real_books.py")
assert _SPEC and _SPEC.loader
real_books = importlib.util.module_from_spec(_SPEC)
sys.modules["real_books"] = real_books  # its dataclasses look their module up
_SPEC.loader.exec_module(real_books)

_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml" '
    'xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="en-GB"><head><title>t</title></head>'
)
CHAPTER = (
    _HEAD + '<body epub:type="bodymatter"><section id="chapter-1" epub:type="chapter">'
    '<h2 epub:type="title">January 1660<a href="endnotes.xhtml#note-7" id="noteref-7" '
    'epub:type="noteref">7</a></h2>'
    "<article><p><time>1st</time>. To the office, where a *star* and [brackets] and "
    'pepys@navy.gov stood.<a href="endnotes.xhtml#note-8" id="noteref-8" epub:type="noteref">8</a> '
    'The word <i xml:lang="la">viz.</i> was said.</p>'
    "<p>1660. A line that opens with a year.</p></article>"
    '<blockquote epub:type="z3998:poem"><p><span>First line,</span><br/><span>second line.</span></p>'
    "</blockquote></section></body></html>"
)
ENDNOTES = (
    _HEAD + '<body><section id="endnotes" epub:type="endnotes"><ol>'
    '<li id="note-7"><p>The month of the heading. <a href="chapter-1.xhtml#noteref-7" '
    'epub:type="backlink">↩</a></p></li>'
    '<li id="note-8"><blockquote><p>“A quotation first.”</p><cite>Rugge’s <i>Diurnal</i></cite>'
    "</blockquote><p>And a paragraph after it.</p></li>"
    "</ol></section></body></html>"
)


def test_a_standard_ebooks_chapter_becomes_a_project_that_reads_as_its_source(tmp_path: Path) -> None:
    text = tmp_path / "source" / "src" / "epub" / "text"
    text.mkdir(parents=True)
    (text / "chapter-1.xhtml").write_text(CHAPTER, encoding="utf-8")
    (text / "endnotes.xhtml").write_text(ENDNOTES, encoding="utf-8")
    book = real_books.RealBook(
        "sample", "someone/sample", "0" * 40, "A Sample", "An Author", ("chapter-1.xhtml",), "x"
    )
    said = real_books.make_real_book(book, tmp_path / "source", tmp_path / "project")
    assert said == "1 chapters, 7 paragraphs, 2 notes"
    loaded = load_book(tmp_path / "project")
    assert [note.label for note in loaded.notes] == ["7", "8"]
    assert plain_text(loaded.notes[0].content) == "The month of the heading."
    quotation = " ".join(plain_text(loaded.notes[1].content).split())
    assert quotation == "“A quotation first.” Rugge’s Diurnal And a paragraph after it."
    manuscript = (tmp_path / "project" / "manuscript" / "01.md").read_text(encoding="utf-8")
    assert manuscript.startswith("# January 1660[^7]\n")
    assert r"a \*star\* and \[brackets\] and pepys\@navy.gov stood.[^8]" in manuscript
    assert "*[viz.]{lang=la}*" in manuscript
    assert "\n1660\\. A line" in manuscript
    assert "> First line,  \n> second line." in manuscript
