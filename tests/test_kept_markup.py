"""Markdown's HTML of a manuscript's blocks kept from its last reading (readers/kept_markup.py):
read again, the sample books are the same books, with no block converted by Markdown again."""

from __future__ import annotations

import json
from pathlib import Path

import markdown
import pytest

from amnesty_book.readers.loading import load_book
from amnesty_book.support.errors import BookError
from conftest import sample_project

KEPT = Path(".cache") / "amnesty-book" / "markup"


@pytest.fixture
def conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each text Python-Markdown converts while the test runs."""
    converted: list[str] = []
    convert = markdown.Markdown.convert

    def counted(self: markdown.Markdown, source: str) -> str:
        converted.append(source)
        return str(convert(self, source))

    monkeypatch.setattr(markdown.Markdown, "convert", counted)
    return converted


def blocks_of(root: Path, converted: list[str]) -> list[str]:
    """The texts converted that are the manuscript's (the plates' captions, the timeline and the
    sources are read from other files, each time)."""
    manuscript = "\n".join(path.read_text(encoding="utf-8") for path in (root / "manuscript").glob("*.md"))
    return [source for source in converted if len(source) > 20 and source[:20] in manuscript]


@pytest.mark.parametrize("name", ["diary", "letters", "polish"])
def test_a_manuscript_read_again_is_the_same_book_converted_from_what_was_kept(
    tmp_path: Path, conversions: list[str], name: str
) -> None:
    root = sample_project(name, tmp_path)
    first = load_book(root)
    assert len(blocks_of(root, conversions)) > 5
    assert len(list((root / KEPT).glob("*.json"))) == len(list((root / "manuscript").glob("*.md")))
    conversions.clear()
    again = load_book(root)
    assert again == first
    assert blocks_of(root, conversions) == []


def test_a_block_edited_is_converted_again_and_the_old_one_forgotten(
    tmp_path: Path, conversions: list[str]
) -> None:
    root = sample_project("diary", tmp_path)
    load_book(root)
    manuscript = sorted((root / "manuscript").glob("*.md"))[0]
    text = manuscript.read_text(encoding="utf-8")
    paragraph = next(block for block in text.split("\n\n") if block[:1].isalpha() and len(block) > 80)
    manuscript.write_text(text.replace(paragraph, paragraph + " An added sentence."), encoding="utf-8")
    kept_before = {
        path.name: json.loads(path.read_text(encoding="utf-8")) for path in (root / KEPT).glob("*.json")
    }
    conversions.clear()
    book = load_book(root)
    assert [source for source in conversions if "An added sentence." in source] != []
    assert not [
        source for source in conversions if paragraph[:40] in source and "An added sentence." not in source
    ]
    assert "An added sentence." in " ".join(
        str(block) for chapter in book.chapters for block in chapter.blocks
    )
    kept_after = {
        path.name: json.loads(path.read_text(encoding="utf-8")) for path in (root / KEPT).glob("*.json")
    }
    changed = [name for name in kept_after if kept_after[name] != kept_before.get(name)]
    assert len(changed) == 1 and len(kept_after[changed[0]]) == len(kept_before[changed[0]])


def kept(root: Path) -> dict[str, dict[str, str]]:
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in (root / KEPT).glob("*.json")}


def test_a_kept_file_that_cannot_be_read_is_ignored(tmp_path: Path, conversions: list[str]) -> None:
    root = sample_project("letters", tmp_path)
    first = load_book(root)
    for path in (root / KEPT).glob("*.json"):
        path.write_text('{"not": ["html"]', encoding="utf-8")
    conversions.clear()
    assert load_book(root) == first
    assert conversions


def test_html_taken_from_the_cache_is_sanitised_as_a_conversions_is(tmp_path: Path) -> None:
    """Nothing kept is trusted: HTML no Markdown of the book makes stops the reading, located."""
    root = sample_project("letters", tmp_path)
    load_book(root)
    for path in (root / KEPT).glob("*.json"):
        kept = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(dict.fromkeys(kept, "<p><script>alert(1)</script></p>")), encoding="utf-8")
    with pytest.raises(BookError) as raised:
        load_book(root)
    messages = [str(problem) for problem in raised.value.problems]
    assert messages and all(
        "makes <script>, which the book does not support" in message for message in messages
    )
    assert all(message.startswith("manuscript/") for message in messages)
