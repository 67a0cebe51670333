"""Kinds of appendix are declared once (appendix_kinds.py): a wrong declaration fails when it is
registered, and a new kind is one module (its reader, its entries' model, its declaration) with
its template beside it: tests/extensions/glossary.py."""

from __future__ import annotations

import importlib
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import replace

import pytest
from lxml import html
from pdfminer.high_level import extract_text

from amnesty_book.checks.lint import lint_project
from amnesty_book.project.appendix_kinds import APPENDICES, register
from amnesty_book.project.registration import RegistrationError
from amnesty_book.publish import build
from amnesty_book.support.errors import BookError
from conftest import SmallProject

TIMELINE = APPENDICES["timeline"]
GLOSSARY = """\
- id: nkvd
  term: NKVD
  definition: The Soviet People's Commissariat for Internal Affairs.
- id: gulag
  term: Gulag
  definition: The Soviet system of *forced-labour* camps.
"""


@pytest.fixture
def glossary() -> Iterator[None]:
    """The glossary registered, as a user's module registers it on import; then forgotten."""
    kinds = dict(APPENDICES)
    sys.modules.pop("extensions.glossary", None)
    importlib.import_module("extensions.glossary")
    yield
    APPENDICES.clear()
    APPENDICES.update(kinds)


@pytest.mark.parametrize(
    ("changes", "wrong"),
    [
        (
            {"reader": "amnesty_book.readers.nowhere:read"},
            "its reader's module 'amnesty_book.readers.nowhere' does not exist",
        ),
        ({"reader": "read_copy"}, "its reader 'read_copy' is not 'module:function'"),
        ({"template": "copy.html"}, "its template 'copy.html' is not a .j2 file"),
        ({"words": {"en": {"copy": "Copy"}}}, "it has no title (words['copy']) in pl"),
        ({"reference": "plate"}, "cross-references by '@plate:' name something else already"),
        ({"reference": "item", "what": ""}, "it says not how messages name an entry (what)"),
    ],
)
def test_a_wrong_declaration_fails_at_registration(changes: dict[str, object], wrong: str) -> None:
    words = {language: {"copy": "Copy"} for language in TIMELINE.words}
    kind = replace(TIMELINE, **{"name": "copy", "reference": "", "words": words, **changes})
    with pytest.raises(RegistrationError) as error:
        register(kind)
    assert str(error.value) == f"appendix kind 'copy': {wrong}"
    assert "copy" not in APPENDICES


def test_a_kind_of_one_module_is_built_in_every_format(glossary: None, small_project: SmallProject) -> None:
    """The glossary's file is read by its reader, its section set by its template in the web
    edition, the EPUB and the PDF, after the timeline, and a cross-reference to a term prints
    the term and leads to it; each edition is read back by the build's checks."""
    small_project.write("manuscript/glossary.yaml", GLOSSARY)
    small_project.replace("manuscript/article.md", "More text.", "More text on the @term:nkvd.")
    small_project.write(
        "book.toml",
        (small_project.root / "book.toml").read_text()
        + '\n[editions.web]\nkind = "web"\n\n[editions.epub]\nkind = "epub"\n'
        + '\n[editions.reader]\nkind = "reader"\npaper = "A4"\n',
    )
    out = small_project.root / "dist"
    build(small_project.root, out)
    page = html.fromstring((out / "small-web" / "index.html").read_bytes())
    (section,) = page.xpath("//section[@id='glossary']")
    assert section.xpath("string(h1)") == "Glossary"
    assert [" ".join(dt.text_content().split()) for dt in section.xpath(".//dt")] == ["NKVD", "Gulag"]
    assert section.xpath("string(.//div[2]/dd/em)") == "forced-labour"
    (link,) = page.xpath("//a[contains(@href, 'term-1')]")
    assert link.text_content() == "“NKVD”"
    assert page.xpath("//section[@id='timeline']/following-sibling::section[1]/@id") == ["glossary"]
    with zipfile.ZipFile(out / "small.epub") as epub:
        document = epub.read("EPUB/glossary.xhtml").decode()
        navigation = epub.read("EPUB/nav.xhtml").decode()
    assert "The Soviet People’s Commissariat for Internal Affairs." in document
    assert '<a href="glossary.xhtml#glossary">Glossary</a>' in navigation
    text = " ".join(extract_text(out / "small-reader.pdf").split())
    glossary_page = text[text.rindex("Glossary") :]
    assert "The Soviet People’s Commissariat for Internal Affairs." in glossary_page
    assert "The Soviet system of forced-labour camps." in glossary_page
    assert "More text on the “NKVD” (p. " in text


def test_a_broken_entry_is_the_readers_problem_in_the_build_and_in_lint(
    glossary: None, small_project: SmallProject
) -> None:
    """The reader's own rules make the build's error and the linter's findings alike."""
    broken = GLOSSARY.replace("  definition: The Soviet system", "  meaning: The Soviet system")
    small_project.write("manuscript/glossary.yaml", broken)
    with pytest.raises(BookError) as error:
        build(small_project.root)
    assert str(error.value).split("\n") == [
        "manuscript/glossary.yaml:6: unknown key 'meaning'; a glossary entry has id, term, definition",
        "manuscript/glossary.yaml:4: this glossary entry has no 'definition'; add it",
    ]
    assert [str(finding) for finding in lint_project(small_project.root)] == [
        "manuscript/glossary.yaml:4: S002 this glossary entry has no 'definition'; add it",
        "manuscript/glossary.yaml:6: S002 unknown key 'meaning'; a glossary entry has id, term, definition",
    ]


def test_a_cross_reference_to_a_kind_the_book_lacks_names_none(
    glossary: None, small_project: SmallProject
) -> None:
    small_project.replace("manuscript/article.md", "More text.", "More text on the @term:nkvd.")
    with pytest.raises(BookError) as error:
        build(small_project.root)
    assert str(error.value) == (
        "manuscript/article.md:9: @term:nkvd names no glossary term of the book; the book has: none"
    )
