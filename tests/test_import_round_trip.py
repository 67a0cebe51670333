"""The round trip: this article exported to Word (by pandoc, its notes as Word's footnotes, its
plates as pictures with their captions and descriptions, its citations set as text) and
imported again reads as the original: every paragraph, note and caption the same."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree, html

from amnesty_book.citing.pandoc_program import pandoc
from amnesty_book.citing.style import packaged
from amnesty_book.importing.project import import_document
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from conftest import REPO, sample_project

_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def article_as_word(target: Path) -> Path:
    """The article as a .docx: pull quotes (repeated text) left out, each '::: plate' a picture
    with its caption, the citations set by pandoc's citeproc in the book's style."""
    book = load_book(REPO)
    plates = {plate["id"]: plate for plate in yaml.safe_load((REPO / "images" / "plates.yaml").read_text())}
    text = (REPO / "manuscript" / "article.md").read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^::: pullquote\n.*?^:::\n", "", text)
    placed: list[str] = []

    def picture(match: re.Match[str]) -> str:
        plate = plates[match.group(1)]
        placed.append(plate["alt"])
        return f"![{plate['caption']}]({REPO / 'images' / plate['file']})"

    text = re.sub(r"(?m)^::: plate (\S+)$", picture, text)
    style = packaged(book.config.citations.style)
    assert style is not None
    subprocess.run(
        [
            pandoc(),
            "-f",
            "markdown",
            "-t",
            "docx",
            "--citeproc",
            f"--bibliography={REPO / 'manuscript' / 'sources.json'}",
            f"--csl={style}",
            "-M",
            "suppress-bibliography=true",
            "-M",
            f"title={book.config.title}",
            "-M",
            f"author={book.config.author}",
            "-M",
            "lang=en-US",
            "-o",
            str(target),
        ],
        input=text.encode("utf-8"),
        check=True,
    )
    _describe(target, placed)
    return target


def _describe(docx: Path, descriptions: list[str]) -> None:
    """Each picture's description (Word's alt text), which pandoc sets to its caption."""
    with zipfile.ZipFile(docx) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    root = etree.fromstring(parts["word/document.xml"])
    pictures = list(root.iter(f"{{{_DRAWING}}}docPr"))
    assert len(pictures) == len(descriptions)
    for picture, description in zip(pictures, descriptions, strict=True):
        picture.set("descr", description)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _words(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().replace("\u00a0", " ").split())


def read_back(index: Path) -> dict[str, list[str]]:
    """What the web edition shows of the chapters (each paragraph, heading, quotation, list
    item and table cell), the notes and the captions, without note numbers."""
    page = html.parse(str(index)).getroot()
    for call in page.xpath(
        f"//a[{_class('noteref')} or {_class('backlink')}] | //*[{_class('plate-label')} "
        f"or {_class('credit')} or {_class('byline')}]"
    ):
        call.drop_tree()
    chapters = page.xpath(f"//section[{_class('chapter')}]")
    text = [
        _words(element)
        for chapter in chapters
        for element in chapter.xpath(
            f".//*[self::h1 or self::h2 or self::h3 or self::p or self::td or self::th or self::li]"
            f"[not(ancestor::section[{_class('notes')}] or ancestor::figure "
            f"or ancestor::*[{_class('pullquote')}])]"
        )
    ]
    notes = [
        _words(note) for chapter in chapters for note in chapter.xpath(f".//section[{_class('notes')}]/ol/li")
    ]
    captions = [_words(caption) for caption in page.xpath(f"//figcaption//*[{_class('caption')}]")]
    return {"text": [t for t in text if t], "notes": notes, "captions": captions}


@pytest.mark.slow
def test_the_article_exported_to_word_and_imported_reads_as_the_original(tmp_path: Path) -> None:
    source = article_as_word(tmp_path / "article.docx")
    imported = import_document(source, tmp_path / "imported")
    original = load_book(REPO)
    assert (imported.chapters, imported.notes, imported.plates) == (
        len(original.chapters),
        len(original.notes),
        len(original.plates),
    )
    build(REPO, tmp_path / "original", ["web"])
    built = build(tmp_path / "imported", None, ["web", "reader-a4"])  # read back and checked
    assert [path.name for path in built] == ["imported-web", "imported-reader-a4.pdf"]
    slug = original.config.slug
    before = read_back(tmp_path / "original" / f"{slug}-web" / "index.html")
    after = read_back(tmp_path / "imported" / "dist" / "imported-web" / "index.html")
    assert after["text"] == before["text"]
    assert after["notes"] == before["notes"]
    assert after["captions"] == before["captions"]
    assert (len(before["text"]), len(before["notes"]), len(before["captions"])) == (17, 8, 4)
    plates = yaml.safe_load((tmp_path / "imported" / "images" / "plates.yaml").read_text(encoding="utf-8"))
    assert [plate["alt"] for plate in plates] == [plate.alt for plate in original.plates]


def sample_book_as_word(root: Path, target: Path) -> Path:
    """A sample book's chapter files as one .docx: each file's note labels made its own."""
    book = load_book(root)
    files = sorted(
        (root / "manuscript").glob("*.md"), key=lambda path: int(re.match(r"\d*", path.name).group() or 0)
    )
    text = "\n\n".join(
        re.sub(
            r"\[\^([^\]\s]+)\]", lambda match, n=number: f"[^f{n}-{match.group(1)}]", path.read_text("utf-8")
        )
        for number, path in enumerate(files)
    )
    config = book.config
    subprocess.run(
        [
            *(pandoc(), "-f", "markdown", "-t", "docx", "-o", str(target)),
            *(
                "-M",
                f"title={config.title}",
                "-M",
                f"author={config.author}",
                "-M",
                f"lang={config.language}",
            ),
        ],
        input=text.encode("utf-8"),
        check=True,
    )
    return target


@pytest.mark.slow
@pytest.mark.parametrize("name", ["diary", "letters", "polish"])
def test_a_sample_book_exported_to_word_and_imported_reads_as_the_original(tmp_path: Path, name: str) -> None:
    """Chapters in several files, notes in a heading and a table cell, notes of several
    paragraphs, a table with its columns' alignment, a definition list, a section break, and
    Polish: the same words in each paragraph, note and heading (pandoc's reader gives a note's
    quotation and list as paragraphs)."""
    root = sample_project(name, tmp_path)
    source = sample_book_as_word(root, tmp_path / f"{name}.docx")
    import_document(source, tmp_path / "imported")
    original = load_book(root)
    build(root, None, ["web"])
    build(tmp_path / "imported", None, ["web"])  # read back and checked
    before = read_back(root / "dist" / f"{original.config.slug}-web" / "index.html")
    after = read_back(tmp_path / "imported" / "dist" / "imported-web" / "index.html")
    assert after == before
    assert len(before["text"]) >= 10 and len(before["notes"]) >= 3
