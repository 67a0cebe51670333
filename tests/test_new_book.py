"""`amnesty-book new DIR`: a minimal book that builds at once, in every edition, with its checks."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from amnesty_book.checks.readback import PrintedText, pdf_pages
from amnesty_book.readers.loading import load_book


def amnesty_book(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "amnesty_book", *arguments], capture_output=True, text=True, cwd=cwd
    )


@pytest.mark.slow
def test_a_new_book_builds_at_once(tmp_path: Path) -> None:
    made = amnesty_book("new", "my-book", "--title", 'A "First" Book', "--author", "Ada Author", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == (
        "a new book in my-book: 'cd my-book' then 'amnesty-book build'; its README says what to edit"
    )
    root = tmp_path / "my-book"
    assert sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) == [
        "README.md",
        "book.toml",
        "images/plates.yaml",
        "images/stand-in.jpg",
        "manuscript/01-first-chapter.md",
    ]
    config = tomllib.loads((root / "book.toml").read_text(encoding="utf-8"))
    assert config["book"]["title"] == 'A "First" Book' and config["book"]["slug"] == "my-book"
    built = amnesty_book("build", "--check", cwd=root)  # EPUBCheck too, where Java is
    assert built.returncode == 0, built.stderr
    assert "warning" not in built.stderr, built.stderr
    assert len(list((root / "dist").iterdir())) == 8
    book = load_book(root)
    assert (len(book.chapters), len(book.notes), len(book.plates), book.appendix("timeline")) == (1, 1, 1, ())
    printed = PrintedText(pdf_pages(root / "dist" / "my-book-reader-a4.pdf"))
    assert "1. A note of one paragraph." in printed and "Plate 1. A stand-in for the first plate." in printed
    linted = amnesty_book("lint", cwd=root)
    assert linted.returncode == 0 and linted.stdout == "", linted.stdout


def test_a_new_book_needs_a_new_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", encoding="utf-8")
    refused = amnesty_book("new", "taken", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr == "amnesty-book: taken: this folder is not empty; name a new folder for the book\n"
    assert [path.name for path in (tmp_path / "taken").iterdir()] == ["notes.txt"]
