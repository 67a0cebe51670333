"""A book's hyphenation patterns are parsed once, kept in the project's cache, and read from there."""

from __future__ import annotations

from pathlib import Path

import pyphen
import pytest

from amnesty_book.layout.hyphenation_patterns import load_patterns
from amnesty_book.publish import build
from amnesty_book.support.cache import CACHE_FOLDER
from conftest import SmallProject

WORDS = ("hyphenation", "selectively", "international", "government", "deportation")


@pytest.fixture
def no_dictionary_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pyphen's cache of dictionaries, empty for the test and as it was after it."""
    monkeypatch.setattr(pyphen, "hdcache", {})


def _kept(project: Path) -> list[Path]:
    return sorted((project / CACHE_FOLDER).rglob("hyphenation-patterns/*.json"))


@pytest.mark.usefixtures("no_dictionary_loaded")
def test_the_patterns_are_kept_and_read_back_as_pyphen_parses_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_patterns("en-US", tmp_path)
    parsed = pyphen.hdcache[pyphen.LANGUAGES["en_US"]]
    (kept,) = _kept(tmp_path)
    assert kept.stat().st_size > 100_000

    # A later build: the patterns come from the project's cache, Pyphen parses nothing.
    pyphen.hdcache.clear()

    def parsing(dictionary: pyphen.HyphDict, path: Path) -> None:
        raise AssertionError(f"parsed {path}")

    monkeypatch.setattr(pyphen.HyphDict, "__init__", parsing)
    load_patterns("en-US", tmp_path)
    read = pyphen.hdcache[pyphen.LANGUAGES["en_US"]]
    assert read is not parsed
    assert read.patterns == parsed.patterns and read.maxlen == parsed.maxlen
    for word in WORDS:
        assert read.positions(word) == parsed.positions(word) != []


@pytest.mark.usefixtures("no_dictionary_loaded")
def test_a_language_with_no_dictionary_keeps_nothing(tmp_path: Path) -> None:
    load_patterns("la", tmp_path)
    assert pyphen.hdcache == {} and _kept(tmp_path) == []


@pytest.mark.usefixtures("no_dictionary_loaded")
def test_a_build_keeps_its_books_patterns(small_project: SmallProject) -> None:
    build(small_project.root, small_project.root / "dist", editions=("reader-a4",))
    assert len(_kept(small_project.root)) == 1
    assert pyphen.LANGUAGES["en"] in pyphen.hdcache
