"""A page read back by an earlier build, and unchanged, is taken as it was read, not read again."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from amnesty_book.checks.layout_audit import reading
from amnesty_book.checks.layout_audit.kept_readings import KeptReadings
from amnesty_book.checks.layout_audit.reading import read_layout, reading_parts_ahead
from amnesty_book.project.config import Edition
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from conftest import SmallProject


def _reader(project: Path) -> tuple[Path, Edition]:
    """The project's A4 reader, built, and its edition."""
    book = load_book(project)
    (edition,) = [edition for edition in book.config.editions if edition.name == "reader-a4"]
    build(project, project / "dist", editions=("reader-a4",))
    return project / "dist" / edition.output_name(book.config.slug), edition


def _reading_no_page(page: object, index: int, *rest: object) -> None:
    raise AssertionError(f"page {index} read with PDFium")


def test_a_page_is_kept_as_it_was_read(small_project: SmallProject) -> None:
    pdf, edition = _reader(small_project.root)
    read = read_layout(pdf, edition)  # no build under way: every page read with PDFium
    kept = KeptReadings(small_project.root / "elsewhere")
    contents = reading._contents(pdf)
    for page in read.pages:
        assert kept.get(contents[page.index], page.index, page.block) is None
        kept.keep(contents[page.index], page)
    for page in read.pages:
        again = kept.get(contents[page.index], page.index, page.block)
        assert again == page and again is not page
        assert [line.spaces for line in again.lines] == [line.spaces for line in page.lines]
    # Another text block (another edition's margins), or another page's content: not that page.
    first = read.pages[0]
    assert kept.get(contents[0], 0, replace(first.block, right=first.block.right - 1)) is None
    assert kept.get(b"another page", 0, first.block) is None


def test_a_builds_unchanged_pages_are_not_read_again(
    small_project: SmallProject, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The second build reads no page with PDFium and warns of what the first warned of."""
    _reader(small_project.root)
    first = capsys.readouterr().err
    kept = sorted((small_project.root / ".cache" / "amnesty-book" / "readings").glob("*.json"))
    assert kept
    monkeypatch.setattr(reading, "_read_page", _reading_no_page)
    build(small_project.root, small_project.root / "dist", editions=("reader-a4",), force=True)
    assert capsys.readouterr().err == first

    # A kept page that cannot be read as kept is read again.
    kept[0].write_text("{", encoding="utf-8")
    with pytest.raises(AssertionError, match="read with PDFium"):
        build(small_project.root, small_project.root / "dist", editions=("reader-a4",), force=True)


def test_a_page_read_back_outside_a_build_is_not_kept(small_project: SmallProject) -> None:
    pdf, edition = _reader(small_project.root)
    readings = small_project.root / ".cache" / "amnesty-book" / "readings"
    before = sorted(readings.iterdir())
    with reading_parts_ahead(small_project.root):
        assert read_layout(pdf, edition).pages
    assert sorted(readings.iterdir()) == before  # the build kept them all
    for path in before:
        path.unlink()
    read_layout(pdf, edition)
    assert not any(readings.iterdir())
