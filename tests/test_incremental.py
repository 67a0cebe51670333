"""Rebuilds: only what changed is rendered again, prepared images are kept, progress is reported."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from amnesty_book.cli import main
from amnesty_book.publish import build
from amnesty_book.support.cache import DerivedFiles
from conftest import SmallProject

TWO_READERS = """
[editions.a4]
kind = "reader"
paper = "A4"

[editions.letter]
kind = "reader"
paper = "Letter"

[editions.web]
kind = "web"
"""


@pytest.fixture
def project(small_project: SmallProject) -> SmallProject:
    small_project.write("book.toml", (small_project.root / "book.toml").read_text() + TWO_READERS)
    return small_project


def names(paths: list[Path]) -> list[str]:
    return sorted(path.name for path in paths)


def test_nothing_changed_renders_nothing(project: SmallProject) -> None:
    assert names(build(project.root)) == ["small-a4.pdf", "small-letter.pdf", "small-web"]
    before = {p: p.stat().st_mtime_ns for p in (project.root / "dist").rglob("*")}
    assert build(project.root) == []
    assert {p: p.stat().st_mtime_ns for p in (project.root / "dist").rglob("*")} == before
    assert names(build(project.root, force=True)) == ["small-a4.pdf", "small-letter.pdf", "small-web"]


def test_a_change_renders_only_what_depends_on_it(project: SmallProject) -> None:
    build(project.root)
    project.replace("book.toml", 'paper = "Letter"', 'paper = "A5"')
    assert names(build(project.root)) == ["small-letter.pdf"], "only the edition whose paper changed"
    project.replace("manuscript/article.md", "More text.", "Other text.")
    assert names(build(project.root)) == ["small-a4.pdf", "small-letter.pdf", "small-web"]


def test_a_deleted_output_is_built_again(project: SmallProject) -> None:
    build(project.root)
    (project.root / "dist" / "small-a4.pdf").unlink()
    assert names(build(project.root)) == ["small-a4.pdf"]


def test_prepared_images_are_kept(project: SmallProject) -> None:
    build(project.root, editions=["web"])
    (screen,) = (project.root / ".cache" / "amnesty-book" / "derived" / "screen").glob("*.jpg")
    made = screen.stat().st_mtime_ns
    build(project.root, editions=["web"], force=True)
    assert screen.stat().st_mtime_ns == made, "the same scan is not reduced twice"


def test_progress_quiet_and_verbose(
    project: SmallProject, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    root = str(project.root)
    assert main(["build", "--project", root, "--edition", "web"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  ✓ web +small-web +\d+\.\d s$", out, re.MULTILINE)
    assert "\x1b[" not in out, "no colour under NO_COLOR"
    assert main(["build", "--project", root, "--edition", "web", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  = web +small-web +up to date$", out, re.MULTILINE)
    assert "is up to date" in out
    assert main(["build", "--project", root, "--edition", "web", "--quiet", "--force"]) == 0
    assert capsys.readouterr().out == ""


def test_verbose_reports_the_size_saved_on_epub_images(
    project: SmallProject, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    project.write(
        "book.toml", (project.root / "book.toml").read_text() + '\n[editions.epub]\nkind = "epub"\n'
    )
    assert main(["build", "--project", str(project.root), "--edition", "epub", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"^    epub: 1 plate images prepared for screens, [\d.]+ MB of scans in [\d.]+ MB \(-?\d+% saved\)$",
        out,
        re.MULTILINE,
    )


def test_a_derived_file_asked_for_by_two_threads_is_made_once(tmp_path: Path) -> None:
    source = tmp_path / "scan.txt"
    source.write_text("scan")
    made = []
    started = threading.Event()

    def make(target: Path) -> None:
        made.append(target)
        started.set()
        time.sleep(0.2)  # long enough for the second thread to ask while this one is making it
        target.write_text("prepared")

    derived = DerivedFiles(tmp_path)
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(derived.get, "test", [source], "", ".txt", make)
        started.wait()
        second = pool.submit(derived.get, "test", [source], "", ".txt", make)
        paths = {first.result(), second.result()}
    assert len(made) == 1
    assert [path.read_text() for path in paths] == ["prepared"]
