"""Format characters, no-break spaces and words broken at a line's end: a book full of them is
built in every edition with its checks on, and read back whole; a changed note is still caught."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from amnesty_book.checks.editions import check_editions, errors
from amnesty_book.checks.readback import PrintedText, norm, pdf_pages, squash
from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book
from amnesty_book.support.errors import BookError
from conftest import FONT_FILES, SmallProject

WORD_JOINER, SOFT_HYPHEN, ZWSP, ZWNJ, ZWJ = "\u2060", "\u00ad", "\u200b", "\u200c", "\u200d"
NO_BREAK_SPACES = "\u00a0\u202f\u2007"
# Format characters Charis SIL has no glyph for: the glyph check must not ask for them.
ALM, MVS, LANGUAGE_TAG = NOT_IN_THE_FONTS = ("\u061c", "\u180e", "\U000e0001")
YEARS = f"1941{WORD_JOINER}–{WORD_JOINER}1942"
COMPOUNDS = ("Solicitor-General", "Polish-Soviet", "Government-in-Exile", "Attorney-General", "Anglo-Polish")
_FILLERS = ("the", "of", "a", "memorandum", "negotiations", "and", "was", "in", "signed", "diplomatic")
_FILLERS += ("correspondence", "he", "London", "reported", "that", "we", "it", "on", "instructions", "to")
SPECIAL = (
    f"In {YEARS} the Auf{ZWNJ}lage of the pa{SOFT_HYPHEN}per{SOFT_HYPHEN}back was{ZWSP} sent; "
    f"10{NO_BREAK_SPACES[0]}km, 5{NO_BREAK_SPACES[1]}000 men and{NO_BREAK_SPACES[2]}7 boats; "
    f"zwj{ZWJ}joined; mark{ALM}ed, vowel{MVS}sep and tag{LANGUAGE_TAG}ged."
)
# Broken only where the manuscript allows, and by the layout's hyphen.
SOFT_HYPHENATED = f"sub{SOFT_HYPHEN}com{SOFT_HYPHEN}mit{SOFT_HYPHEN}tee{SOFT_HYPHEN}ship"


def words(seed: int, count: int) -> str:
    """Long lines of compounds at varied places, so that some break at their own hyphen."""
    return " ".join(
        COMPOUNDS[(index + seed) % len(COMPOUNDS)]
        if index % 7 == seed % 7
        else _FILLERS[(index * 3 + seed) % len(_FILLERS)] + "x" * ((index + seed) % 5 // 2)
        for index in range(count)
    )


NOTE = f"{SPECIAL} Sikorski wrote: {words(11, 130)}"
MANUSCRIPT = f"""\
# A diary

::: plate one

{SPECIAL} {words(0, 260)}[^n]

## A section

{words(1, 260)}

{" ".join([SOFT_HYPHENATED, "over-committed", "the", "a"] * 40)}

{words(2, 260)}

[^n]: {NOTE}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> SmallProject:
    """The book built once, every edition, its checks on: a failed check fails the build."""
    project = SmallProject(tmp_path_factory.mktemp("unicode") / "project")
    project.write("manuscript/article.md", MANUSCRIPT)
    project.replace("images/plates.yaml", "caption: A caption.", f"caption: The Solicitor-General, {YEARS}.")
    project.replace(
        "manuscript/timeline.yaml",
        "event: Something happens.",
        f"event: The Polish-Soviet{NO_BREAK_SPACES[0]}pact, {YEARS}{ZWSP}.",
    )
    build(project.root)
    return project


def outputs(project: SmallProject) -> dict[str, Path]:
    config = load_book(project.root).config
    return {
        edition.name: project.root / "dist" / edition.output_name(config.slug) for edition in config.editions
    }


def pdfs(project: SmallProject) -> dict[str, Path]:
    return {name: path for name, path in outputs(project).items() if path.suffix == ".pdf"}


@pytest.mark.slow
def test_every_edition_reads_back_as_the_book(project: SmallProject) -> None:
    book = load_book(project.root)
    assert {edition.name for edition in book.config.editions} == {
        "reader-a4",
        "reader-letter",
        "press",
        "archive",
        "handout-a4",
        "handout-letter",
        "epub",
        "web",
    }
    findings = check_editions(book, project.root / "dist", book.config.editions, full=False)
    assert errors(findings) == []
    # The note's lines end at a compound's own hyphen somewhere: the case that was declared missing.
    note_breaks = 0
    for pdf in pdfs(project).values():
        text = "\n".join(pdf_pages(pdf))
        start = text.index("Sikorski")
        note_breaks += len(re.findall(r"\w-\n\w", text[start : start + len(NOTE) - len(SPECIAL)]))
    assert note_breaks


@pytest.mark.slow
def test_the_web_and_epub_editions_keep_the_format_characters(project: SmallProject) -> None:
    page = (outputs(project)["web"] / "index.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(outputs(project)["epub"]) as epub:
        chapter = epub.read("EPUB/chapter-1.xhtml").decode()
    for kept in (YEARS, f"Auf{ZWNJ}lage", f"pa{SOFT_HYPHEN}per{SOFT_HYPHEN}back", f"zwj{ZWJ}joined"):
        assert kept in page and kept in chapter


@pytest.mark.slow
def test_words_broken_at_a_line_end_read_back_whole(project: SmallProject) -> None:
    own_breaks = layout_breaks = 0
    for name, pdf in pdfs(project).items():
        pages = pdf_pages(pdf)
        text = PrintedText(pages).text
        own = re.findall(r"(\w+)-\n(\w+)", "\n".join(pages))
        layout = re.findall(r"(\w+)\u2010\n(\w+)", "\n".join(pages))
        own_breaks += len(own)
        layout_breaks += len(layout)
        for first, rest in own:
            assert f"{first}-{rest}" in text, name
        for first, rest in layout:
            assert re.search(rf"\b{first}{rest}\b", text), name
        for compound in COMPOUNDS:
            assert compound.replace("-", "") not in text, f"{name}: {compound}"
        assert "1941–1942" in text and "10 km, 5 000 men and 7 boats" in text, name
        assert SOFT_HYPHENATED.replace(SOFT_HYPHEN, "") in text, name
    assert own_breaks and layout_breaks, "the test book's lines break at no hyphen"


@pytest.mark.slow
def test_a_changed_note_is_still_caught(project: SmallProject, tmp_path: Path) -> None:
    changed = tmp_path / "changed"
    shutil.copytree(project.root, changed, ignore=shutil.ignore_patterns("dist"))
    manuscript = changed / "manuscript" / "article.md"
    text = manuscript.read_text(encoding="utf-8")
    manuscript.write_text(text.replace("Sikorski wrote", "Sikorski said"), encoding="utf-8")
    book = load_book(changed)
    findings = check_editions(book, project.root / "dist", book.config.editions, full=False)
    caught = {finding.edition for finding in errors(findings) if finding.where == "note 1"}
    assert caught == {edition.name for edition in book.config.editions}
    assert all(finding.where == "note 1" for finding in errors(findings))


def test_a_hyphen_at_a_line_end_is_the_layouts_or_the_words_own() -> None:
    printed = PrintedText(["the nego\u2010\ntiations of the Solicitor-\nGeneral and the Solicitor-General"])
    assert printed.text == "the negotiations of the Solicitor-General and the Solicitor-General"
    assert "negotiations of the Solicitor-General" in printed
    assert "and the SolicitorGeneral" not in printed, "a hyphen of the text inside a line is no line break"
    assert "the Solicitor General" not in PrintedText(["the Solicitor-General"])
    # A face that draws both hyphens with one glyph reads back one for the other.
    shared = PrintedText(["the nego-\ntiations of the Solicitor\u2010\nGeneral"])
    assert "the negotiations of the Solicitor-General" in shared
    assert "the negotiations of the Solicitor-Generals" not in shared


def test_the_normalisation_drops_format_characters_and_keeps_spaces() -> None:
    assert norm(f"a{WORD_JOINER}b{SOFT_HYPHEN}c{ZWSP}d{ZWJ}e{ZWNJ}f\ufeffg") == "abcdefg"
    assert norm(f"10{NO_BREAK_SPACES[0]}km{NO_BREAK_SPACES[1]}a{NO_BREAK_SPACES[2]} b") == "10 km a b"
    assert squash("Solicitor-\nGeneral, 1941\u2060–\u20601942") == squash("SolicitorGeneral,1941–1942")


def test_the_glyph_check_skips_format_characters_only(small_project: SmallProject) -> None:
    cmap = TTFont(FONT_FILES[0], lazy=True).getBestCmap()
    assert not any(ord(character) in cmap for character in NOT_IN_THE_FONTS)
    small_project.replace("manuscript/article.md", "More text.", f"More {''.join(NOT_IN_THE_FONTS)} text.")
    load_book(small_project.root)
    small_project.replace("manuscript/article.md", "More ", "More ☭")
    with pytest.raises(BookError) as error:
        load_book(small_project.root)
    assert [str(problem) for problem in error.value.problems] == [
        "manuscript/article.md:9: the character '☭' (U+262D HAMMER AND SICKLE) has no glyph in "
        "CharisSIL-Regular.ttf, CharisSIL-Italic.ttf, CharisSIL-Bold.ttf, CharisSIL-BoldItalic.ttf; "
        "replace the character or choose a font that has it"
    ]
