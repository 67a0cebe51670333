"""Builds editions: read and check everything first, write into a staging folder, then move into dist/."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .check import check_editions, errors
from .config import Edition
from .errors import BookError, Problem, warn
from .loading import load_book
from .model import Book
from .writers import writer

NO_CHECKS, FAST_CHECKS, ALL_CHECKS = "none", "fast", "all"


def build(
    project: Path, out: Path | None = None, editions: Sequence[str] = (), check: str = FAST_CHECKS
) -> list[Path]:
    """Builds the named editions (all the config declares if none are named) into `out`
    (default: the project's dist/) and returns what was written.

    The editions are read back and checked (`check`: NO_CHECKS, FAST_CHECKS, or ALL_CHECKS
    with EPUBCheck) before they are published. Nothing in `out` changes unless every edition
    was written and passed: a bad manuscript, a failing writer or a failed check leaves the
    previous build exactly as it was.
    """
    book = load_book(project)
    chosen = select_editions(book, editions)
    out = (out or project / "dist").resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".amnesty-book-", dir=out.parent) as scratch:
        staging = Path(scratch) / "staging"
        staging.mkdir()
        for edition in chosen:
            writer(edition.kind)(book, edition, staging)
        if check != NO_CHECKS:
            findings = check_editions(book, staging, chosen, full=check == ALL_CHECKS)
            if errors(findings):
                raise BookError(Problem(None, f"check failed: {finding}") for finding in errors(findings))
            for finding in findings:
                warn(None, f"{finding.edition}: {finding.where}: {finding.message}")
        return _publish(staging, out, Path(scratch) / "replaced")


def select_editions(book: Book, names: Sequence[str]) -> list[Edition]:
    """The declared editions of these names, in the order given; all of them if none is named."""
    declared = {edition.name: edition for edition in book.config.editions}
    unknown = [name for name in names if name not in declared]
    if unknown:
        raise BookError.at(None, f"no edition named {', '.join(unknown)}; the book has {', '.join(declared)}")
    return [declared[name] for name in dict.fromkeys(names)] or list(declared.values())


def _publish(staging: Path, out: Path, replaced: Path) -> list[Path]:
    """Moves every staged output into `out`, replacing the previous one of the same name."""
    out.mkdir(exist_ok=True)
    replaced.mkdir()
    published = []
    for staged in sorted(staging.iterdir()):
        target = out / staged.name
        if target.is_dir() and not target.is_symlink():
            os.replace(target, replaced / staged.name)
        os.replace(staged, target)
        published.append(target)
    shutil.rmtree(replaced)
    return published
