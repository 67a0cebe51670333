"""Shared fixtures: the real book built once, and small throw-away projects for bad input."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book

REPO = Path(__file__).resolve().parent.parent
FONT_FILES = sorted((REPO / "src" / "amnesty_book" / "theme" / "fonts").glob("*.ttf"))


SAMPLE_BOOKS = Path(__file__).resolve().parent / "books"


def sample_project(name: str, folder: Path) -> Path:
    """A copy of the sample book tests/books/NAME in `folder`, to build (set in the builder's
    own face)."""
    root = folder / name
    shutil.copytree(SAMPLE_BOOKS / name, root)
    return root


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    book = load_book(REPO)
    """The real manuscript built once into a temporary dist/, by edition name ('web' is its
    folder), and 'pdf' for the A4 reader edition."""
    out = tmp_path_factory.mktemp("dist")
    build(REPO, out)
    editions = {edition.name: out / edition.output_name(book.config.slug) for edition in book.config.editions}
    return {**editions, "pdf": editions["reader-a4"], "pdf-letter": editions["reader-letter"]}


SMALL_CONFIG = """\
[book]
title = "A Small Book"
author = "Ada Author"
language = "en"
identifier = "urn:uuid:00000000-0000-4000-8000-000000000001"
slug = "small"
edition_date = 2024-01-01
"""

SMALL_MANUSCRIPT = """\
# A small chapter

::: plate one

Some text with a note.[^n]

## A section

More text.

[^n]: The note text.
"""

SMALL_PLATES = """\
- id: one
  file: one.jpg
  caption: A caption.
  credit: A credit.
  alt: A grey rectangle.
  source: An archive
"""

SMALL_TIMELINE = """\
- date: 1941-07-30
  event: Something happens.
  source: text
"""


class SmallProject:
    """A minimal valid project in a temporary folder; tests break one file at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "manuscript").mkdir(parents=True)
        (root / "images").mkdir()
        fonts = root / "styles" / "fonts"
        fonts.mkdir(parents=True)
        for font in FONT_FILES:
            shutil.copyfile(font, fonts / font.name)
        Image.new("RGB", (60, 40), (128, 128, 128)).save(root / "images" / "one.jpg")
        self.write("book.toml", SMALL_CONFIG)
        self.write("manuscript/article.md", SMALL_MANUSCRIPT)
        self.write("images/plates.yaml", SMALL_PLATES)
        self.write("manuscript/timeline.yaml", SMALL_TIMELINE)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def replace(self, relative: str, old: str, new: str) -> None:
        path = self.root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def small_project(tmp_path: Path) -> SmallProject:
    return SmallProject(tmp_path / "project")


CHROMIUM = Path("/usr/bin/chromium")


def debian_chromium() -> Path:
    """Debian's Chromium for the browser tests, installed with apt-get if it is missing and we
    may (CI runs as root); otherwise the test is skipped, saying what is missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip(
            f"this test needs Debian's Chromium: {CHROMIUM} is missing; run 'apt-get install chromium'"
        )
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "--no-install-recommends", "chromium"],
    ):
        done = subprocess.run(
            command, capture_output=True, text=True, env=environment, check=False, timeout=900
        )
        if done.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed: {done.stderr[-2000:]}")
    return CHROMIUM


def plain_tex() -> str:
    """Knuth's TeX with its plain format, from Debian's texlive-base, installed with apt-get if it
    is missing and we may (CI runs as root); otherwise the test is skipped, saying what is missing."""
    if shutil.which("tex") is None and os.geteuid() == 0 and shutil.which("apt-get"):
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (
            ["apt-get", "update"],
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "texlive-base"],
        ):
            subprocess.run(command, capture_output=True, env=environment, check=False, timeout=900)
    tex = shutil.which("tex")
    if tex is None:
        pytest.skip("this test compares with TeX: 'tex' is missing; run 'apt-get install texlive-base'")
    return tex


CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


@pytest.fixture(scope="session")
def cmyk_profile() -> Path:
    """A freely usable CMYK output profile: Artifex's SWOP, from Debian's libgs-common, installed
    with apt-get if it is missing and we may (CI runs as root); otherwise the test is skipped."""
    if not CMYK_PROFILE.exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        command = ["apt-get", "install", "-y", "-qq", "libgs-common"]
        subprocess.run(command, capture_output=True, env=environment, check=False, timeout=900)
    if not CMYK_PROFILE.exists():
        pytest.skip(
            f"{CMYK_PROFILE} is missing: converting to CMYK needs Debian's libgs-common "
            "(apt-get install libgs-common) for a CMYK profile"
        )
    return CMYK_PROFILE
