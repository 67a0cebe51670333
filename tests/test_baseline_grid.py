"""The body text on the baseline grid (layout/weasyprint/baseline_grid.py), read back by the
layout audit (L104) from the article's paged editions and from the sample books: after headings,
section breaks, glossaries, tables and plates carried to a page's head, every body line of the
chapters' pages stands within 0.3 mm of the grid, so that the lines of a leaf's two sides back up."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest

from amnesty_book.checks.layout_audit import audit_pdf
from amnesty_book.project.config import Edition
from amnesty_book.project.scaffold import new_project
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from amnesty_book.writers import imposed_pages
from conftest import REPO, sample_project
from readback import pdf_layout

pytestmark = pytest.mark.slow

READER = Edition("reader-a4", "reader", "A4")


def _on_the_grid(pdf: Path, edition: Edition, project: Path) -> tuple[int, int]:
    """(pages with every body line on the grid, pages of the chapters), as the audit counts them."""
    findings = audit_pdf(pdf, edition, load_book(project))
    (finding,) = [finding for finding in findings if finding.code == "L104"]
    found = re.search(r"baseline grid: (\d+) of (\d+) pages", finding.said)
    assert found, finding.said
    return int(found[1]), int(found[2])


@pytest.mark.parametrize("name", ["reader-a4", "reader-letter", "press"])
def test_the_articles_body_lines_stand_on_the_grid(built_book: dict[str, Path], name: str) -> None:
    edition = next(edition for edition in load_book(REPO).config.editions if edition.name == name)
    on, pages = _on_the_grid(built_book[name], edition, REPO)
    assert pages >= 4 and on == pages, f"{on} of {pages} pages on the grid"


@pytest.mark.parametrize("name", ["diary", "mill", "polish", "letters"])
def test_the_sample_books_body_lines_stand_on_the_grid(tmp_path: Path, name: str) -> None:
    """The diary has a section break and a table; the mill a heading right under its chapters'
    titles; the Polish book its own language; the letters a note run on over pages."""
    root = sample_project(name, tmp_path)
    (pdf,) = build(root, root / "dist", editions=[READER.name])
    on, pages = _on_the_grid(pdf, READER, root)
    assert pages >= 2 and on >= 0.95 * pages, f"{name}: {on} of {pages} pages on the grid"


@pytest.mark.parametrize(("name", "size"), [("reader-a4", 10.5), ("handout-a4", 9.0)])
def test_no_line_grows_past_the_leading(tmp_path: Path, name: str, size: float) -> None:
    """A new book's first page has a note's call and code spans on its lines: neither makes its
    line taller than the leading, which would leave the next paragraph most of a line below."""
    root = tmp_path / "book"
    new_project(root, "A Book", "Ada Author", "en")
    edition = next(edition for edition in load_book(root).config.editions if edition.name == name)
    (pdf,) = build(root, root / "dist", editions=[name])
    pages = imposed_pages(edition.kind)(load_book(root), edition) if edition.kind == "handout" else pdf
    chapter = next(
        page
        for page in pdf_layout(pages)
        if "Write the text here" in " ".join(line.get_text() for line, _ in page.lines)
    )
    body = [
        line.y0
        for line, line_size in chapter.lines
        if line_size == pytest.approx(size, abs=0.05) and not line.get_text().strip().isdigit()  # the folio
    ]
    baselines = body[1:]  # the byline, under the chapter's title, aside
    steps = [upper - lower for upper, lower in pairwise(baselines)]
    assert len(steps) >= 4 and all(step == pytest.approx(1.45 * size, abs=0.05) for step in steps), steps
