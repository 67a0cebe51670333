"""The colophon in a reader's words: the edition, the papers it is made for and its month; the
identifier only where a reader can look it up (an ISBN or a DOI), never a urn:uuid:."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from amnesty_book.project.config import BookConfig
from amnesty_book.publish import build
from conftest import sample_project


@pytest.mark.parametrize(
    ("identifier", "printed"),
    [
        ("urn:uuid:5f0c3f55-2a51-4d7e-9a55-6a1f1b2c1941", ""),
        ("urn:isbn:978-83-8229-123-4", "ISBN 978-83-8229-123-4"),
        ("ISBN 0-306-40615-2", "ISBN 0-306-40615-2"),
        ("9788382291234", "ISBN 9788382291234"),
        ("12345678", ""),
        ("doi:10.1000/xyz123", "https://doi.org/10.1000/xyz123"),
        ("https://dx.doi.org/10.48550/arXiv.1706.03762", "https://doi.org/10.48550/arXiv.1706.03762"),
    ],
)
def test_only_an_isbn_or_a_doi_is_printed(identifier: str, printed: str) -> None:
    config = BookConfig(
        title="T", author="A", language="en", identifier=identifier, slug="t", edition_date=date(2026, 1, 1)
    )
    assert config.identifier_for_readers == printed


@pytest.mark.slow
def test_the_article_colophon_names_the_edition_and_its_papers(built_book: dict[str, Path]) -> None:
    colophon = PdfReader(built_book["pdf"]).pages[-1].extract_text()
    assert "Reader edition for A4 and Letter paper, November 2026." in colophon
    assert "urn:uuid" not in colophon and "built" not in colophon


@pytest.mark.slow
def test_a_polish_book_with_an_isbn_prints_it_in_every_colophon(tmp_path: Path) -> None:
    root = sample_project("polish", tmp_path)
    config = root / "book.toml"
    text = re.sub(
        r'identifier = ".*"', 'identifier = "urn:isbn:978-83-8229-123-4"', config.read_text("utf-8")
    )
    config.write_text(text, encoding="utf-8")
    pdf, epub = build(root, root / "dist", editions=["reader-a4", "epub"])
    colophon = " ".join(PdfReader(pdf).pages[-1].extract_text().split())
    assert "Wydanie do czytania na papier A4 i Letter, luty 2026. ISBN 978-83-8229-123-4" in colophon
    with zipfile.ZipFile(epub) as archive:
        pages = [archive.read(name).decode() for name in archive.namelist() if name.endswith(".xhtml")]
    (section,) = [page for page in pages if 'id="colophon"' in page]
    assert "Wydanie EPUB, luty 2026. ISBN 978-83-8229-123-4" in " ".join(
        re.sub(r"<[^>]+>", " ", section).split()
    )
