"""Editions whose layouts have the same inputs (paper, stylesheet, printed images) share one
(layout_sharing.py): the press file and the archive take the reader's pages and set only
their back matter, whose colophon names them; editions printing other images, or another
stylesheet, are laid out on their own. A layout that no edition still to be made needs (they
take its PDF or its folios only) is dropped before the editions are read back."""

from __future__ import annotations

import gc
import io
import re
import weakref
import zipfile
from pathlib import Path

import pikepdf
import pypdfium2
import pytest

from amnesty_book.checks.readback import destination_pages, link_targets
from amnesty_book.cli import main
from amnesty_book.layout.engine import laid_out, layout_used_once, release_layouts, render_edition
from amnesty_book.layout.sharing import same_layout
from amnesty_book.layout.weasyprint import total_fit
from amnesty_book.project.config import Edition
from amnesty_book.publish import build
from amnesty_book.publish.production import _takes_pages_only
from amnesty_book.readers.loading import load_book
from conftest import REPO, SmallProject, sample_project


def _texts(path: Path) -> list[str]:
    """Each page's text within its trim: the press file's slug line stands outside it."""
    document = pypdfium2.PdfDocument(path)
    try:
        return [page.get_textpage().get_text_bounded(*page.get_trimbox()) for page in document]
    finally:
        document.close()


def _squashed(text: str) -> str:
    """The text without its spaces and line breaks, which fall where the lines break."""
    return "".join(text.split())


def _edition(editions: tuple[Edition, ...], name: str) -> Edition:
    return next(edition for edition in editions if edition.name == name)


@pytest.mark.slow
def test_the_press_file_and_the_archive_have_the_readers_pages_and_their_own_colophon(tmp_path: Path) -> None:
    root = sample_project("diary", tmp_path)
    book = load_book(root)
    editions = book.config.editions
    for name in ("press", "archive"):
        assert same_layout(book, _edition(editions, name)) == _edition(editions, "reader-a4")
    build(root, tmp_path / "out", editions=["reader-a4", "press", "archive"])
    slug = book.config.slug
    reader = _texts(tmp_path / "out" / f"{slug}-reader-a4.pdf")
    press = _texts(tmp_path / "out" / f"{slug}-press.pdf")
    archive = _texts(tmp_path / "out" / f"{slug}-archive.pdf")
    colophon = next(index for index, text in enumerate(reader) if "Reader edition for A4 and Letter" in text)
    assert press[:colophon] == reader[:colophon]
    assert archive[:colophon] == reader[:colophon]
    assert "Press edition for A4 paper, " in press[colophon]
    assert "Archival edition (PDF/A-3a) for A4 paper, " in archive[colophon]
    # Else the same colophon, on a page with the same folio.
    reader_colophon = _squashed(reader[colophon]).replace("ReadereditionforA4andLetterpaper", "EDITION")
    assert _squashed(press[colophon]).replace("PresseditionforA4paper", "EDITION") == reader_colophon
    with pikepdf.open(tmp_path / "out" / f"{slug}-archive.pdf") as pdf:
        targets = destination_pages(pdf)
        assert targets, "the archive has named destinations"
        assert {name for _, name in link_targets(pdf)} <= set(targets), "every link leads within the file"
        uris = [
            str(annotation.A.URI)
            for page in pdf.pages
            for annotation in page.obj.get("/Annots") or []
            if "/A" in annotation and "/URI" in annotation.A
        ]
        assert not [uri for uri in uris if uri.startswith("./")], "no link is left for a join"


def test_editions_printing_other_images_are_laid_out_on_their_own() -> None:
    """The article's scan of a document is a PNG: the reader prints a JPEG made from it, the
    press file and the archive the scan itself. They share a layout with each other."""
    book = load_book(REPO)
    editions = book.config.editions
    press, archive = _edition(editions, "press"), _edition(editions, "archive")
    assert same_layout(book, press) == press
    assert same_layout(book, archive) == press
    assert same_layout(book, _edition(editions, "reader-a4")) == _edition(editions, "reader-a4")
    assert same_layout(book, _edition(editions, "handout-a4")) == _edition(editions, "handout-a4")


def test_a_groups_layout_is_released_where_the_others_take_only_its_pages() -> None:
    """The EPUB marks the reader's pages and the Letter editions are cut from the A4 ones: they
    need the reader's PDF and folios, not its layout. The archive sets its back matter on the
    press file's layout."""
    book = load_book(REPO)
    editions = {edition.name: edition for edition in book.config.editions}
    reader, handout, press = editions["reader-a4"], editions["handout-a4"], editions["press"]
    assert _takes_pages_only(book, editions["epub"], reader)
    assert _takes_pages_only(book, editions["reader-letter"], reader)
    assert _takes_pages_only(book, editions["handout-letter"], handout)
    assert not _takes_pages_only(book, editions["archive"], press)


def test_a_released_layout_is_freed(small_project: SmallProject) -> None:
    book = load_book(small_project.root)
    edition = _edition(book.config.editions, "reader-a4")
    document = laid_out(book, edition)
    assert total_fit._models  # its paragraphs' models, kept for the pages made again
    layout = weakref.ref(document)
    del document
    release_layouts()
    assert layout() is None
    assert not total_fit._models


def _structure(pdf: bytes) -> list[tuple[object, ...]]:
    """The tagged PDF's structure tree in reading order: each element's depth, type, page and
    language, each marked content's number and page, each header cell its data cells name
    (by its place among the header cells, not by its object's number)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = {page.objgen: index for index, page in enumerate(document.pages)}
        cells: dict[str, int] = {}
        found: list[tuple[object, ...]] = []

        def walk(item: pikepdf.Object, depth: int) -> None:
            if isinstance(item, pikepdf.Array):
                for each in item:
                    walk(each, depth)
            elif not isinstance(item, pikepdf.Dictionary):
                found.append((depth, "MCID", int(item)))
            elif item.get("/Type") == "/OBJR":
                found.append((depth, "OBJR", str(item.Obj.get("/Subtype"))))
            else:
                page = pages.get(item.Pg.objgen) if "/Pg" in item else None
                attributes = item.get("/A", pikepdf.Dictionary())
                named = [cells.get(str(header)) for header in attributes.get("/Headers", [])]
                if "/ID" in item:
                    cells.setdefault(str(item.ID), len(cells))
                scope = str(attributes.get("/Scope", ""))
                found.append((depth, str(item.S), page, str(item.get("/Lang", "")), scope, named))
                walk(item.get("/K", pikepdf.Array()), depth + 1)

        walk(document.Root.StructTreeRoot.K, 0)
        mapped = document.Root.StructTreeRoot.ParentTree.Nums
        found += [(int(mapped[index]), len(mapped[index + 1])) for index in range(0, len(mapped), 2)]
        return found


def test_a_layout_used_once_gives_up_each_pages_boxes_as_it_is_written(small_project: SmallProject) -> None:
    """Written within layout_used_once(), each page's boxes are freed as soon as it is painted and
    tagged (by their count of references: the collector is off), what the patches kept of the
    layout is dropped, and the PDF's text and structure tree are those of the same layout written
    with its boxes kept."""
    book = load_book(small_project.root)
    edition = _edition(book.config.editions, "reader-a4")
    document = laid_out(book, edition)
    page_boxes = [weakref.ref(page._page_box) for page in document.pages]
    _, kept = render_edition(book, edition)
    assert all(box() is not None for box in page_boxes)
    gc.disable()
    try:
        assert total_fit._models  # kept for pages made again, until the layout is written once
        with layout_used_once():
            _, let_go = render_edition(book, edition)
        assert [box() for box in page_boxes] == [None] * len(page_boxes)
        assert not total_fit._models
    finally:
        gc.enable()
        release_layouts()
    assert _structure(let_go) == _structure(kept)
    assert any(element[1] == "/TH" for element in _structure(kept))  # the timeline's header cells
    texts = [pypdfium2.PdfDocument(pdf) for pdf in (kept, let_go)]
    assert [page.get_textpage().get_text_range() for page in texts[0]] == [
        page.get_textpage().get_text_range() for page in texts[1]
    ]


def test_an_epub_built_alone_writes_no_pdf_of_the_readers_pages(
    small_project: SmallProject, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    root = small_project.root
    editions = '\n[editions.reader-a4]\nkind = "reader"\n\n[editions.epub]\nkind = "epub"\n'
    small_project.write("book.toml", (root / "book.toml").read_text() + editions)
    build = ["build", "--project", str(root), "--verbose", "--no-check"]
    assert main([*build, "--edition", "epub"]) == 0
    alone = capsys.readouterr().out
    assert re.search(r"^    reader-a4: laid out ", alone, re.MULTILINE)
    assert "reader-a4: written" not in alone
    with zipfile.ZipFile(root / "dist" / "small.epub") as epub:
        navigation = epub.read("EPUB/nav.xhtml").decode()
    assert 'epub:type="page-list"' in navigation
    assert main([*build, "--edition", "reader-a4", "--edition", "epub", "--force"]) == 0
    assert re.search(r"^    reader-a4: written in ", capsys.readouterr().out, re.MULTILINE)
