"""The sample books under tests/books, each built into every edition with the checks on and
read back: books of other shapes than the article's."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from amnesty_book.checks.readback import NS, PrintedText, epub_documents, norm, pdf_pages, squash, text_of
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from conftest import sample_project
from readback import pdf_layout

pytestmark = pytest.mark.slow


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
        (3, "town", "manuscript/2-december.md"),
        (4, "1", "manuscript/2-december.md"),
        (5, "2", "manuscript/2-december.md"),
        (6, "thaw", "manuscript/10-january.md"),
        (7, "flour", "manuscript/10-january.md"),
    ]
    pages = squash(" ".join(pdf_pages(editions["reader-a4"])))
    assert squash("4.The well was thirty feet deep") in pages
    assert squash("1.The mill stood two miles to the east") in pages


# Note 5 of the diary: three paragraphs, a quotation and a list.
LONG_NOTE = (
    "The post came by sledge when the road was closed, twice a week at best.",
    "The carrier kept a book of what he brought. Its entry for the ninth reads:",
    "One letter, for the house by the mill. Road bad past the ford.",
    "He was paid for each journey, not for each letter:",
    "a shilling in the dry months;",
    "two in the snow.",
)


def test_a_note_of_several_paragraphs_a_quotation_and_a_list(diary: tuple[Path, dict[str, Path]]) -> None:
    _, editions = diary
    web = etree.HTML((editions["web"] / "index.html").read_bytes())
    (note,) = web.xpath("//*[@id='note-5']")
    assert [norm("".join(p.itertext())) for p in note.xpath("./p")] == [
        f"5. {LONG_NOTE[0]}",
        LONG_NOTE[1],
        LONG_NOTE[3],
    ]
    assert norm("".join(note.xpath("./blockquote")[0].itertext())) == LONG_NOTE[2]
    assert [norm(item.text) for item in note.xpath("./ul/li")] == list(LONG_NOTE[4:])
    documents = epub_documents(editions["epub"])
    (aside,) = [
        a for tree in documents.values() for a in tree.xpath("//x:aside[@id='note-5']", namespaces=NS)
    ]
    assert [local.split("}")[1] for local in (child.tag for child in aside)] == [
        "p",
        "p",
        "blockquote",
        "p",
        "ul",
    ]
    for name in ("reader-a4", "reader-letter", "press", "archive"):
        pages = squash(" ".join(pdf_pages(editions[name])))
        assert squash("5. " + " ".join(LONG_NOTE)) in pages, name


def test_a_note_called_from_a_heading(diary: tuple[Path, dict[str, Path]]) -> None:
    """The heading calls note 3; the contents, the outline, the EPUB's nav and the running
    heads show the heading without the call."""
    _, editions = diary
    heading = "The letter from the town"
    assert heading in outline_titles(editions["reader-a4"])
    pages = pdf_pages(editions["reader-a4"])
    assert squash("3.The town lies eleven miles to the south") in squash(" ".join(pages))
    contents = [norm(line) for line in pages[1].split("\n") if heading in norm(line)]
    assert contents and all(f"{heading}3" not in line for line in contents), contents
    web = etree.HTML((editions["web"] / "index.html").read_bytes())
    (title,) = web.xpath(f"//h2[@data-title='{heading}']")
    assert title.xpath(".//a[@role='doc-noteref']/text()") == ["3"]
    assert [norm("".join(a.itertext())) for a in web.xpath("//nav[@id='contents']//a")].count(heading) == 1


def test_a_book_without_plates_or_timeline_has_no_such_parts(diary: tuple[Path, dict[str, Path]]) -> None:
    _, editions = diary
    expected = [
        "Contents",
        "November",
        "The first snow",
        "Lamps",
        "December",
        "The letter from the town",
        "January",
        "Thaw",
        "Stores",
        "Colophon",
    ]
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


def test_a_book_of_chapters_names_its_author_on_its_title_page_only(
    diary: tuple[Path, dict[str, Path]], built_book: dict[str, Path]
) -> None:
    """No byline under each chapter's title in a book of several (the article, one chapter,
    keeps the byline under its title), in every edition."""
    root, editions = diary
    author = load_book(root).config.author
    web = etree.HTML((editions["web"] / "index.html").read_bytes())
    assert not web.xpath("//*[@class='byline']")
    assert norm("".join(web.xpath("//*[@class='book-author']")[0].itertext())) == author
    assert not [
        tree for tree in epub_documents(editions["epub"]).values() if tree.xpath("//*[@class='byline']")
    ]
    assert " ".join(pdf_pages(editions["reader-a4"])).count(author) == 2  # the title page and the colophon
    article = etree.HTML((built_book["web"] / "index.html").read_bytes())
    assert len(article.xpath("//*[@class='byline']")) == 1


def _structure(reader: PdfReader) -> list[dict]:  # type: ignore[type-arg]
    """Every structure element of the tagged PDF, depth first."""
    found = []

    def walk(node: object) -> None:
        node = node.get_object()  # type: ignore[attr-defined]
        if not isinstance(node, dict):
            return
        if "/S" in node:
            found.append(node)
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_a_table_in_every_edition_with_its_head_cells(diary: tuple[Path, dict[str, Path]]) -> None:
    """The diary's GFM table: a table in the web edition and the EPUB, with its column heads
    (scope="col") and its alignment; in the tagged PDF a Table whose data cells name their
    column's head cell, and the note called from a cell at the page's foot."""
    _, editions = diary
    web = etree.HTML((editions["web"] / "index.html").read_bytes())
    (table,) = web.xpath("//section[contains(@class, 'chapter')]//table")
    assert [(th.text, th.get("scope"), th.get("class")) for th in table.xpath(".//thead//th")] == [
        ("Store", "col", "align-left"),
        ("Left", "col", "align-right"),
        ("Lasts until", "col", "align-left"),
    ]
    assert [norm("".join(td.itertext())) for td in table.xpath(".//tbody/tr[2]/td")] == [
        "Flour",
        "40 pounds",
        "the thaw7",
    ]
    documents = epub_documents(editions["epub"])
    assert any(tree.xpath("//x:table//x:th[@scope='col']", namespaces=NS) for tree in documents.values())
    elements = _structure(PdfReader(editions["reader-a4"]))
    heads = [element for element in elements if element["/S"] == "/TH"]
    cells = [element for element in elements if element["/S"] == "/TD"]
    assert len(heads) == 3 and len(cells) == 9
    for index, cell in enumerate(cells):
        assert list(cell["/A"]["/Headers"]) == [heads[index % 3]["/ID"]]
    assert squash("7.Counting a loaf every second day") in squash(" ".join(pdf_pages(editions["reader-a4"])))


def test_a_definition_list_and_a_section_break(diary: tuple[Path, dict[str, Path]]) -> None:
    _, editions = diary
    web = etree.HTML((editions["web"] / "index.html").read_bytes())
    assert [dt.text for dt in web.xpath("//section[contains(@class, 'chapter')]//dl/dt")] == [
        "Ford",
        "Store-room",
    ]
    assert web.xpath("//section[contains(@class, 'chapter')]//hr")
    text = " ".join(pdf_pages(editions["reader-a4"]))
    assert "Ford" in text and "|" not in text and ":   " not in text


@pytest.fixture(scope="module")
def polish(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Polish book, built into every edition with the full checks."""
    root = sample_project("polish", tmp_path_factory.mktemp("samples"))
    out = root / "dist"
    build(root, out, check="all")
    book = load_book(root)
    return {edition.name: out / edition.output_name(book.config.slug) for edition in book.config.editions}


PAGED = ("reader-a4", "reader-letter", "press", "archive")
QUOTED = "„taka zima zdarza się raz na dziesięć lat”"
ONE_LETTER_WORDS = set("aiouwzAIOUWZ")


def test_the_polish_book_speaks_polish(polish: dict[str, Path]) -> None:
    """Its labels, its dates and its quotation marks, in every edition."""
    web = etree.HTML((polish["web"] / "index.html").read_bytes())
    text = norm("".join(web.itertext()))
    for words in ("Spis treści", "Przypisy", "Kalendarium", "Metryka wydania", "1 grudnia 1940", QUOTED):
        assert words in text, words
    epub = " ".join(norm("".join(tree.itertext())) for tree in epub_documents(polish["epub"]).values())
    assert QUOTED in epub and "7 stycznia 1941" in epub
    for name in PAGED:
        pages = squash(" ".join(pdf_pages(polish[name])))
        for words in ("Spis treści", "Kalendarium", "9 grudnia 1940", QUOTED):
            assert squash(words) in pages, (name, words)


def test_no_line_of_the_polish_book_ends_with_a_one_letter_word(polish: dict[str, Path]) -> None:
    """Polish typesetting keeps a, i, o, u, w, z with the word after them; and the book is
    hyphenated by Polish patterns."""
    hyphenated = []
    for name in PAGED:
        for page in pdf_layout(polish[name]):
            for line, _ in page.lines:
                words = line.get_text().split()
                assert not words or words[-1] not in ONE_LETTER_WORDS, (name, line.get_text())
                if words and words[-1].endswith(("-", "\u2010")) and words[-1][:-1].isalpha():
                    hyphenated.append(words[-1])
    assert hyphenated, "no word of the Polish book was hyphenated"
    printed = PrintedText(pdf_pages(polish["reader-a4"]))
    assert "zamarzła w brodzie" in printed and "i usłyszała w odpowiedzi" in printed
