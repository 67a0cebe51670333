"""Zotero's and Mendeley's citation fields in a Word manuscript (their field codes as the
plug-ins write them, split across runs as Word does) imported as `[@key, locator]` citations,
their works' CSL-JSON as the bibliography and Zotero's style as the book's; the bibliography
field left out for the book's Sources."""

from __future__ import annotations

import json
import subprocess
import tomllib
import zipfile
from html import escape
from pathlib import Path

import pytest
from lxml import html

from amnesty_book.citing.pandoc_program import pandoc
from amnesty_book.importing.project import import_document
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from word_documents import (
    WordDocument,
    cited,
    mendeley_citation,
    text,
    zotero_bibliography,
    zotero_citation,
)

DAVIES = {
    "type": "book",
    "title": "God’s Playground: A History of Poland",
    "author": [{"family": "Davies", "given": "Norman"}],
    "issued": {"date-parts": [["2005"]]},
    "publisher": "Oxford University Press",
    "publisher-place": "Oxford",
}
SWORD = {
    "type": "article-journal",
    "title": "Soviet Take-Over of the Polish Eastern Provinces",
    "container-title": "The Slavonic and East European Review",
    "author": [{"family": "Sword", "given": "Keith"}],
    "issued": {"date-parts": [[1994, 5]]},
    "volume": "72",
    "issue": "2",
    "page": "245-267",
}
ANDERS = {
    "type": "book",
    "title": "An Army in Exile",
    "author": [{"family": "Anders", "given": "Władysław"}],
    "issued": {"date-parts": [[1949]]},
    "publisher": "Macmillan",
    "publisher-place": "London",
}
# Zotero's preferences as it stores them in the document's custom properties.
ZOTERO_PREFERENCES = (
    '<data data-version="3" zotero-version="6.0.30"><session id="abc"/>'
    '<style id="http://www.zotero.org/styles/apa" locale="en-US" hasBibliography="1" '
    'bibliographyStyleHasBeenSet="1"/><prefs><pref name="fieldType" value="Field"/></prefs></data>'
)


def cited_article() -> WordDocument:
    document = WordDocument(title="Exile", author="Ada Author", language="en-US")
    document.custom = {"ZOTERO_PREF_1": ZOTERO_PREFERENCES[:120], "ZOTERO_PREF_2": ZOTERO_PREFERENCES[120:]}
    document.heading(1, "Exile")
    document.paragraph(
        text("The partitions are told at length "),
        zotero_citation([cited(11, DAVIES, locator="45", label="page")], "(Davies, 2005, p. 45)"),
        text(", the deportations in less detail "),
        zotero_citation(
            [cited(11, DAVIES, locator="12", label="page", prefix="see"), cited(12, SWORD)],
            "(see Davies, 2005, p. 12; Sword, 1994)",
        ),
        text("."),
        document.footnote(  # one paragraph of runs
            text("On the army, ")
            + zotero_citation([cited(12, SWORD, locator="3", label="chapter")], "(Sword, 1994, chap. 3)")
            + text(" and Anders himself ")
            + mendeley_citation([ANDERS], "(Anders, 1949)")
            + text(".")
        ),
    )
    document.paragraph(
        text("Davies "),
        zotero_citation([cited(11, DAVIES, suppress_author=True)], "(2005)"),
        text(" says so."),
    )
    document.heading(1, "References")
    document.body += zotero_bibliography(
        "Anders, W. (1949). An army in exile. Macmillan.",
        "Davies, N. (2005). God’s playground: A history of Poland. Oxford University Press.",
    )
    return document


def test_citation_fields_become_citations_and_their_works_the_bibliography(tmp_path: Path) -> None:
    source = cited_article().save(tmp_path / "cited.docx")
    imported = import_document(source, tmp_path / "book")
    root = tmp_path / "book"
    assert (imported.citations, imported.works) == (5, 3)
    assert [path.name for path in sorted((root / "manuscript").iterdir())] == ["01-exile.md", "sources.json"]
    assert (root / "manuscript" / "01-exile.md").read_text(encoding="utf-8") == (
        "# Exile\n\n"
        "The partitions are told at length [@davies2005, 45], the deportations in less detail "
        "[see @davies2005, 12; @sword1994].[^1]\n\n"
        "Davies [-@davies2005] says so.\n\n"
        "[^1]: On the army, [@sword1994, chap. 3] and Anders himself [@anders1949].\n"
    )
    works = json.loads((root / "manuscript" / "sources.json").read_text(encoding="utf-8"))
    assert works == [
        {**DAVIES, "id": "davies2005"},
        {**SWORD, "id": "sword1994"},
        {**ANDERS, "id": "anders1949"},
    ]
    config = tomllib.loads((root / "book.toml").read_text(encoding="utf-8"))
    assert config["sources"]["bibliography"] == "manuscript/sources.json"
    assert config["citations"]["style"] == "apa"
    report = (root / "import-report.md").read_text(encoding="utf-8")
    assert (
        "left out: a bibliography (the book's Sources list the works cited); its heading “References” too\n"
    ) in report
    book = load_book(root)
    assert [entry.key for entry in book.bibliography] == ["anders1949", "davies2005", "sword1994"]


def test_a_work_two_fields_cite_with_the_same_key_text_keeps_one_key_and_others_a_letter(
    tmp_path: Path,
) -> None:
    document = WordDocument(title="Two", author="Ada Author")
    other = {**DAVIES, "title": "Heart of Europe"}
    document.heading(1, "Two")
    document.paragraph(
        zotero_citation([cited(1, DAVIES)], "(Davies, 2005a)"),
        text(" "),
        zotero_citation([cited(2, other)], "(Davies, 2005b)"),
        text(" "),
        zotero_citation([cited(1, DAVIES)], "(Davies, 2005a)"),
    )
    import_document(document.save(tmp_path / "two.docx"), tmp_path / "book")
    text_written = (tmp_path / "book" / "manuscript" / "01-two.md").read_text(encoding="utf-8")
    assert text_written == "# Two\n\n[@davies2005] [@davies2005a] [@davies2005]\n"


@pytest.mark.slow
def test_the_cited_book_builds_with_its_sources(tmp_path: Path) -> None:
    source = cited_article().save(tmp_path / "cited.docx")
    import_document(source, tmp_path / "book")
    build(tmp_path / "book", None, ["web"])  # read back and checked
    page = html.parse(str(tmp_path / "book" / "dist" / "book-web" / "index.html")).getroot()
    body = " ".join(page.text_content().split())
    assert "The partitions are told at length (Davies, 2005, p. 45)" in body
    assert "Davies (2005) says so. Notes 1. On the army, (Sword, 1994, Chapter 3) and Anders himself" in body
    assert "Sources Anders, W. (1949). An Army in Exile. Macmillan. Davies, N. (2005)." in body
    assert "References" not in body


def test_zoteros_citations_in_an_odt_are_its_reference_marks(tmp_path: Path) -> None:
    """Zotero's LibreOffice plug-in keeps a citation as a reference mark named by its JSON."""
    subprocess.run(
        [pandoc(), "-f", "markdown", "-o", "cited.odt", "-M", "title=Exile", "-M", "author=Ada Author"],
        input=b"# Exile\n\nTold at length CITATION here.\n",
        cwd=tmp_path,
        check=True,
    )
    code = {"citationItems": [cited(11, DAVIES, locator="45", label="page")], "properties": {}}
    name = f"ZOTERO_ITEM CSL_CITATION {json.dumps(code)} RNDa1b2c3"
    with zipfile.ZipFile(tmp_path / "cited.odt") as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    mark = (
        f'<text:reference-mark-start text:name="{escape(name)}"/>(Davies, 2005, p. 45)'
        f'<text:reference-mark-end text:name="{escape(name)}"/>'
    )
    parts["content.xml"] = parts["content.xml"].replace(b"CITATION", mark.encode())
    with zipfile.ZipFile(tmp_path / "cited.odt", "w") as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
    imported = import_document(tmp_path / "cited.odt", tmp_path / "book")
    assert (imported.citations, imported.works) == (1, 1)
    assert (tmp_path / "book" / "manuscript" / "01-exile.md").read_text(encoding="utf-8") == (
        "# Exile\n\nTold at length [@davies2005, 45] here.\n"
    )
    works = json.loads((tmp_path / "book" / "manuscript" / "sources.json").read_text(encoding="utf-8"))
    assert works == [{**DAVIES, "id": "davies2005"}]
