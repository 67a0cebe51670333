"""A layout starts where the edition's last layout from the same inputs ended
(layout_memory.py): the same files in fewer layouts, and afresh when an input changes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from amnesty_book.cli import main
from amnesty_book.support.cache import CACHE_FOLDER
from conftest import book_copy

pytestmark = pytest.mark.slow

EDITIONS = ["--edition", "reader-a4", "--edition", "handout-a4", "--edition", "handout-letter"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return book_copy(tmp_path / "book")


def _built(
    root: Path, out: str, capsys: pytest.CaptureFixture[str]
) -> tuple[dict[str, bytes], dict[str, int]]:
    """The files a forced build writes, and how many times it laid out each edition."""
    assert (
        main(["build", "--project", str(root), "--out", str(root / out), "--force", "--verbose", *EDITIONS])
        == 0
    )
    captured = capsys.readouterr()
    said = captured.out + captured.err  # --verbose says on standard output how it laid out
    layouts = {name: int(count) for name, count in re.findall(r"\s([\w-]+): laid out (\d+) time", said)}
    return {path.name: path.read_bytes() for path in sorted((root / out).iterdir())}, layouts


def test_a_build_from_the_same_inputs_makes_the_same_files_in_one_layout(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, first_layouts = _built(project, "first", capsys)
    again, again_layouts = _built(project, "again", capsys)
    assert first_layouts["reader-a4"] == 3, (
        "the article's plates and pull quotes are mended twice, its float page's plate set larger the "
        "second time, and the layouts revised print their own folios"
    )
    assert again_layouts == dict.fromkeys(first_layouts, 1)
    assert again == first, "byte for byte, the booklets' sheets too"
    shutil.rmtree(project / CACHE_FOLDER / "layouts")
    afresh, _ = _built(project, "afresh", capsys)
    assert afresh == first


def test_a_changed_input_starts_afresh(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _built(project, "first", capsys)
    manuscript = project / "manuscript" / "article.md"
    manuscript.write_text(manuscript.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    changed, layouts = _built(project, "changed", capsys)
    assert layouts["reader-a4"] == 3, "laid out afresh, as on a first build"
    assert len(list((project / CACHE_FOLDER / "layouts" / "reader-a4").iterdir())) == 1, (
        "the old end forgotten"
    )
    shutil.rmtree(project / CACHE_FOLDER / "layouts")
    assert _built(project, "afresh", capsys)[0] == changed


def test_folios_remembered_wrongly_are_laid_out_again_and_printed_right(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A book laid out whole prints the folios of the pages it refers to (its contents, its
    cross-references) as its last layout from the same inputs found them, rather than make again
    each page that refers to a later one; folios remembered wrongly (here each moved on by one)
    are found in the layout that printed them, which is laid out again: the same files as a first
    build's."""
    first, _ = _built(project, "first", capsys)
    for kept in (project / CACHE_FOLDER / "layouts" / "reader-a4").glob("*/*.json"):
        ended = json.loads(kept.read_text(encoding="utf-8"))
        assert ended["folios"]
        ended["folios"] = {
            anchor: str(int(folio) + 1) if folio.isdigit() else folio
            for anchor, folio in ended["folios"].items()
        }
        kept.write_text(json.dumps(ended), encoding="utf-8")
    again, layouts = _built(project, "again", capsys)
    assert layouts["reader-a4"] == 2
    assert again == first


@pytest.mark.parametrize("cores", [1, 2])
def test_a_first_build_that_guesses_ahead_makes_the_same_files(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cores: int
) -> None:
    """With a core to spare, a first build guesses the layout after the next and makes it while
    a forked process makes the next, to confirm the guess (layout/engine.py): the article's reader
    in two layouts of its own, not three, and the very files a build with one core makes."""
    monkeypatch.setattr("amnesty_book.support.cores.available", lambda: cores)
    monkeypatch.setattr("amnesty_book.publish.production.available", lambda: cores)
    editions = ["--edition", "reader-a4", "--edition", "epub"]
    out = project / f"cores-{cores}"
    command = ["build", "--project", str(project), "--force", *editions]
    assert main([*command, "--out", str(out), "--verbose"]) == 0
    said = capsys.readouterr()
    (laid_out,) = re.findall(r"reader-a4: laid out .*", said.out + said.err)
    if cores == 1:
        assert laid_out.startswith("reader-a4: laid out 3 time(s)") and "guessed" not in laid_out
        return
    assert laid_out.startswith("reader-a4: laid out 2 time(s)")
    assert "1 of them guessed while another process made the one before" in laid_out
    shutil.rmtree(project / CACHE_FOLDER / "layouts")
    monkeypatch.setattr("amnesty_book.support.cores.available", lambda: 1)
    monkeypatch.setattr("amnesty_book.publish.production.available", lambda: 1)
    alone = project / "one-core"
    assert main([*command, "--out", str(alone)]) == 0
    for name in ("amnesty-1941-reader-a4.pdf", "amnesty-1941.epub"):
        assert (out / name).read_bytes() == (alone / name).read_bytes(), name
