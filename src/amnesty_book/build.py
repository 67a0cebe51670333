"""Builds editions: read and check everything first, write into a staging folder, then move into dist/."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import BookError
from .loading import load_book
from .writers import writer


def build(project: Path, out: Path | None = None, editions: Sequence[str] = ()) -> list[Path]:
    """Builds the named editions (all the config declares if none are named) into `out`
    (default: the project's dist/) and returns what was written.

    Nothing in `out` changes unless every edition was written: a bad manuscript or a failing
    writer leaves the previous build exactly as it was.
    """
    book = load_book(project)
    declared = {edition.name: edition for edition in book.config.editions}
    unknown = [name for name in editions if name not in declared]
    if unknown:
        raise BookError.at(None, f"no edition named {', '.join(unknown)}; the book has {', '.join(declared)}")
    chosen = [declared[name] for name in dict.fromkeys(editions)] or list(declared.values())
    out = (out or project / "dist").resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".amnesty-book-", dir=out.parent) as scratch:
        staging = Path(scratch) / "staging"
        staging.mkdir()
        for edition in chosen:
            writer(edition.kind)(book, edition, staging)
        return _publish(staging, out, Path(scratch) / "replaced")


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
