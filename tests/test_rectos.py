"""Odd folios on right-hand pages, read back from the PDFs: folio 1 opens the text on a recto
(a blank verso before it where the front matter ends on a recto), each chapter opens on a
recto where book.toml's [layout] chapters_open asks it (the default), blank pages print
nothing, and a viewer's page labels run as the folios do: laid out whole or in parts."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from amnesty_book.layout import engine
from amnesty_book.publish import build, production
from conftest import sample_project
from readback import pypdf_pages

pytestmark = pytest.mark.slow


def sides(path: Path) -> list[tuple[str, bool, str]]:
    """Each page's label, whether it is a right-hand page (the first page is), and its text
    (without the press file's slug line, printed outside the trim on every sheet)."""
    labels = PdfReader(path).page_labels
    texts = [_SLUG_LINE.sub("", text).strip() for text in pypdf_pages(path)]
    return [
        (label, index % 2 == 0, text) for index, (label, text) in enumerate(zip(labels, texts, strict=True))
    ]


_SLUG_LINE = re.compile(r"(?m)^.* — page \d+ of \d+\)?$")


def assert_odd_folios_on_rectos(path: Path) -> None:
    pages = sides(path)
    arabic = [(int(label), right) for label, right, _ in pages if label.isdigit()]
    assert arabic and arabic[0][0] == 1 and arabic[0][1], "folio 1 on a right-hand page"
    assert [folio for folio, right in arabic if (folio % 2 == 1) != right] == []
    assert [label for label, _, _ in pages if label.isdigit()] == [str(n) for n in range(1, len(arabic) + 1)]


@pytest.mark.parametrize("name", ["pdf", "pdf-letter", "press", "archive"])
def test_the_articles_folio_1_opens_a_recto_after_a_blank_verso(
    built_book: dict[str, Path], name: str
) -> None:
    """The front matter (title page, its verso, contents) ends on a recto: a blank page, iv,
    stands before folio 1, and prints nothing."""
    assert_odd_folios_on_rectos(built_book[name])
    pages = sides(built_book[name])
    first = next(index for index, (label, _, _) in enumerate(pages) if label == "1")
    assert pages[first - 1][0] == "iv" and pages[first - 1][2] == "", "a blank verso, counted iv"
    assert pages[first][2].startswith("How did the “amnesty” of Polish")


def _diary_pages(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    processes: int,
    chapters_open: str,
) -> list[tuple[str, bool, str]]:
    """The diary's A4 reader, laid out whole (one process) or in parts (two: book_parts.py)."""
    caplog.set_level(logging.INFO)
    root = sample_project("diary", tmp_path / f"{processes}-{chapters_open}")
    config = root / "book.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'\n[layout]\nchapters_open = "{chapters_open}"\n')
    monkeypatch.setattr(production, "available", lambda: processes)
    engine.paged.cache_clear()
    try:
        (pdf,) = build(root, root / "dist", editions=["reader-a4"])
    finally:
        engine.paged.cache_clear()
    laid_out_in_parts = any("reader-a4, front matter: laid out" in line for line in caplog.messages)
    assert laid_out_in_parts == (processes > 1)
    assert_odd_folios_on_rectos(pdf)
    return sides(pdf)


@pytest.mark.parametrize("processes", [1, 2])
def test_each_chapter_of_the_diary_opens_a_recto(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, processes: int
) -> None:
    pages = _diary_pages(tmp_path, monkeypatch, caplog, processes, "right")
    openings = [
        (label, right) for label, right, text in pages if text.startswith(("November", "December", "January"))
    ]
    assert openings == [("1", True), ("3", True), ("5", True)]
    blanks = [label for label, _, text in pages if text == ""]
    assert blanks == ["2", "4"], "the blank versos before December and January, counted, print nothing"


@pytest.mark.parametrize("processes", [1, 2])
def test_chapters_that_open_on_any_page_leave_no_blank_between_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, processes: int
) -> None:
    pages = _diary_pages(tmp_path, monkeypatch, caplog, processes, "any")
    openings = [label for label, _, text in pages if text.startswith(("November", "December", "January"))]
    assert openings == ["1", "2", "3"]
    assert [label for label, _, text in pages if text == ""] == []
