"""Shared fixtures: the real book built once, and small throw-away projects for bad input."""

from __future__ import annotations

import fcntl
import importlib.util
import multiprocessing.util
import os
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from amnesty_book.publish import build
from amnesty_book.readers.loading import load_book

REPO = Path(__file__).resolve().parent.parent
FONT_FILES = sorted((REPO / "src" / "amnesty_book" / "theme" / "fonts").glob("*.ttf"))


SAMPLE_BOOKS = Path(__file__).resolve().parent / "books"

# bench/long_book.py, which makes the long sample book and copies a book's project.
_LONG_BOOK = importlib.util.spec_from_file_location("long_book", REPO / "bench" / "long_book.py")
assert _LONG_BOOK and _LONG_BOOK.loader
long_book = importlib.util.module_from_spec(_LONG_BOOK)
_LONG_BOOK.loader.exec_module(long_book)


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


# Whether the tests may install what they need with apt-get: as root, as CI runs.
MAY_INSTALL = os.geteuid() == 0 and shutil.which("apt-get") is not None
# The lock of the suite's workers' apt-get, in the system's temporary folder, which they share.
APT_LOCK = Path(tempfile.gettempdir()) / "amnesty-book-tests-apt.lock"


@pytest.fixture(autouse=True, scope="session")
def temporary_files(tmp_path_factory: pytest.TempPathFactory) -> None:
    """What the tests make through tempfile goes under pytest's own folder, cleared with it:
    layouts made outside a build leave WeasyPrint's copies of the fonts (3 MB each) behind.
    Not multiprocessing's own folder (its fork server's socket), made first in the system's:
    it outlives the session's folder, which pytest removes before that folder's finalizer runs."""
    multiprocessing.util.get_temp_dir()
    tempfile.tempdir = str(tmp_path_factory.mktemp("temporary"))


def apt_install(package: str) -> str | None:
    """Installs Debian's `package` with apt-get: None once done, else what failed. The package
    lists are updated only when an install without that fails. One install at a time: the
    suite's workers (pytest-xdist) would otherwise meet on dpkg's lock."""
    with open(APT_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _apt_install(package)


def _apt_install(package: str) -> str | None:
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, capture_output=True, text=True, env=environment, check=False, timeout=900
        )

    install = ("apt-get", "install", "-y", "-qq", "--no-install-recommends", package)
    done = run(*install)
    if done.returncode != 0:
        updated = run("apt-get", "update")
        done = run(*install) if updated.returncode == 0 else updated
    return None if done.returncode == 0 else f"{' '.join(done.args)} failed: {done.stderr[-2000:]}"


def debian_command(command: str, package: str, needed_by: str) -> str:
    """The path of `command`, from Debian's `package`, installed with apt-get if it is missing
    and we may; otherwise the test is skipped, saying what is missing."""
    if shutil.which(command) is None and MAY_INSTALL:
        apt_install(package)
    found = shutil.which(command)
    if found is None:
        pytest.skip(f"{needed_by}: '{command}' is missing; run 'apt-get install {package}'")
    return found


CHROMIUM = Path("/usr/bin/chromium")


def debian_chromium() -> Path:
    """Debian's Chromium for the browser tests, installed with apt-get if it is missing and we
    may; otherwise the test is skipped, saying what is missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    if not MAY_INSTALL:
        pytest.skip(
            f"this test needs Debian's Chromium: {CHROMIUM} is missing; run 'apt-get install chromium'"
        )
    failed = apt_install("chromium")
    if failed:
        pytest.fail(failed)
    return CHROMIUM


def plain_tex() -> str:
    """Knuth's TeX with its plain format, from Debian's texlive-base."""
    return debian_command("tex", "texlive-base", "this test compares with TeX")


def ghostscript() -> str:
    """Ghostscript, from Debian's ghostscript: a print shop's preflight and separations."""
    return debian_command("gs", "ghostscript", "this test runs a print shop's preflight with Ghostscript")


CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")


@pytest.fixture(scope="session")
def cmyk_profile() -> Path:
    """A freely usable CMYK output profile: Artifex's SWOP, from Debian's libgs-common, installed
    with apt-get if it is missing and we may; otherwise the test is skipped."""
    if not CMYK_PROFILE.exists() and MAY_INSTALL:
        apt_install("libgs-common")
    if not CMYK_PROFILE.exists():
        pytest.skip(
            f"{CMYK_PROFILE} is missing: converting to CMYK needs Debian's libgs-common "
            "(apt-get install libgs-common) for a CMYK profile"
        )
    return CMYK_PROFILE


def book_copy(root: Path) -> Path:
    """A copy of this book's project (its config and sources, not the builder's code or
    environment) in the new folder `root`."""
    return long_book.copy_book(REPO, root)


def press_project(folder: Path, press: str) -> Path:
    """A copy of this book's project with `press` as its book.toml's [press] section."""
    root = book_copy(folder / "book")
    config = root / "book.toml"
    config.write_text(config.read_text(encoding="utf-8") + f"\n[press]\n{press}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def pdf_x(tmp_path_factory: pytest.TempPathFactory, cmyk_profile: Path) -> Path:
    """The press file of a book whose print shop gave its CMYK profile, built once for the session."""
    root = press_project(
        tmp_path_factory.mktemp("press"), 'profile = "styles/press.icc"\noutput_condition = "CGATS TR 001"'
    )
    shutil.copyfile(cmyk_profile, root / "styles" / "press.icc")
    build(root, editions=["press"])
    return root / "dist" / "amnesty-1941-press.pdf"
