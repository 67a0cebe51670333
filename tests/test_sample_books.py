"""The sample books under tests/books, each built into every edition with the checks on and
read back: books of other shapes than the article's."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from amnesty_book.build import build
from amnesty_book.loading import load_book
from amnesty_book.readback import NS, epub_documents, norm, pdf_pages, squash, text_of
from conftest import sample_project


def outline_titles(path: Path) -> list[str]:
    def titles(outline: list) -> list[str]:  # type: ignore[type-arg]
        return [t for item in outline for t in (titles(item) if isinstance(item, list) else [item.title])]

    return [norm(title) for title in titles(PdfReader(path).outline)]


@pytest.fixture(scope="module")
def diary(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """The diary: a folder of chapter files, each with notes labelled as its own, no plates and
    no timeline; built into every edition with the full checks."""
    root = sample_project("diary", tmp_path_factory.mktemp("samples"))
    out = root / "dist"
    build(root, out, check="all")
    book = load_book(root)
    return root, {
        edition.name: out / edition.output_name(book.config.slug) for edition in book.config.editions
    }


def test_the_diarys_chapters_are_its_files_in_the_order_of_their_numbers(
    diary: tuple[Path, dict[str, Path]],
) -> None:
    root, _ = diary
    book = load_book(root)
    assert [chapter.title.text for chapter in book.chapters] == ["November", "December", "January"]
    assert [str(source.relative_to(root)) for source in book.sources[1:]] == [
        "manuscript/1-november.md",
        "manuscript/2-december.md",
        "manuscript/10-january.md",
    ]


def test_each_file_keeps_its_own_note_labels(diary: tuple[Path, dict[str, Path]]) -> None:
    """[^1] and [^2] are defined in two files: each call takes its own file's note, numbered
    in reading order across the book."""
    root, editions = diary
    book = load_book(root)
    assert [(note.number, note.label, str(note.location.path)) for note in book.notes] == [
        (1, "1", "manuscript/1-november.md"),
        (2, "2", "manuscript/1-november.md"),
        (3, "1", "manuscript/2-december.md"),
        (4, "2", "manuscript/2-december.md"),
        (5, "thaw", "manuscript/10-january.md"),
    ]
    pages = squash(" ".join(pdf_pages(editions["reader-a4"])))
    assert squash("3.The well was thirty feet deep") in pages
    assert squash("1.The mill stood two miles to the east") in pages


def test_a_book_without_plates_or_timeline_has_no_such_parts(diary: tuple[Path, dict[str, Path]]) -> None:
    _, editions = diary
    expected = ["Contents", "November", "The first snow", "Lamps", "December", "January", "Thaw", "Colophon"]
    for name in ("reader-a4", "reader-letter", "press", "archive"):
        assert outline_titles(editions[name]) == expected, name
    with zipfile.ZipFile(editions["epub"]) as archive:
        names = set(archive.namelist())
    assert not {"EPUB/plates.xhtml", "EPUB/timeline.xhtml"} & names
    documents = epub_documents(editions["epub"])
    nav = next(document for name, document in documents.items() if name.endswith("nav.xhtml"))
    contents = [text_of(a) for a in nav.xpath("//x:nav[@id='contents']//x:a", namespaces=NS)]
    assert contents == expected[1:]
    landmarks = [a.get("href") for a in nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)]
    assert not any("plates" in href or "timeline" in href for href in landmarks)
    web = etree.HTML((editions["web"] / "index.html").read_bytes())
    assert not web.xpath("//*[@id='plates' or @id='timeline']")
    colophon = norm("".join(web.xpath("//*[@id='colophon']")[0].itertext()))
    assert "editor" not in colophon, "no statement on the notes unless the book makes one"
