"""Builds editions: finds those whose inputs changed since they were last built, reads the book,
and has them written, checked and published (production.py, which imports nothing from here but
the progress it reports: progress.py).

Only what decides that is imported here: a build with nothing to do answers at once. A build
with something to do imports the writers in another thread while it reads the book.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from amnesty_book.project.config import BookConfig, Edition, load_config
from amnesty_book.project.inputs import edition_keys
from amnesty_book.project.sources import Project
from amnesty_book.publish.progress import FAST_CHECKS, Built, Progress
from amnesty_book.publish.publishing import folder_name, unfinished
from amnesty_book.publish.scratch import remove_abandoned_scratch
from amnesty_book.support.cache import BuildState
from amnesty_book.support.errors import BookError, warn


def build(
    project: Path,
    out: Path | None = None,
    editions: Sequence[str] = (),
    check: str = FAST_CHECKS,
    force: bool = False,
    progress: Progress | None = None,
) -> list[Path]:
    """Builds the named editions (all the config declares if none are named) into `out`
    (default: the project's dist/) and returns what was written: nothing if every edition
    is already built from the same inputs (unless `force`).

    The editions are read back and checked (`check`: NO_CHECKS, FAST_CHECKS, or ALL_CHECKS
    with EPUBCheck) before they are published. Nothing in `out` changes unless every edition
    was written and passed: a bad manuscript, a failing writer or a failed check leaves the
    previous build exactly as it was. The editions that a build stopped while publishing left
    not from one build (publishing.py) are built again, named or not.
    """
    root = project.resolve()
    # Not resolved: a symlinked output folder is named as the user knows it.
    out = Path(os.path.abspath(out or root / "dist"))
    config = load_config(Project(root))
    repair = _unfinished_editions(out, root)
    chosen = select_editions(config, editions)
    chosen += [edition for edition in config.editions if edition.name in repair and edition not in chosen]
    state = BuildState(root, out)
    keys = edition_keys(root, config, chosen)
    stale = [
        edition
        for edition in chosen
        if force
        or keys is None
        or edition.name in repair
        or not state.is_current(edition.name, keys[edition.name], out / edition.output_name(config.slug))
    ]
    if progress:
        for edition in chosen:
            if edition not in stale:
                progress(Built(edition, edition.output_name(config.slug), None))
    remove_abandoned_scratch(out)
    if not stale:
        return []
    from amnesty_book.readers.loading import load_book
    from amnesty_book.support.cores import available, share

    share(available())  # nothing else runs while the book is read
    with _threads_switched_often():
        with _made_ready_meanwhile(config, root):
            book = load_book(root)
            # The print images of the first paged edition (a layout waits for its images), made
            # while the writers are still imported.
            first_laid_out = next((edition for edition in stale if edition.paged), None)
            if first_laid_out:
                from amnesty_book.images.plates import print_images

                print_images(book, first_laid_out)
        from amnesty_book.publish.production import produce

        published = produce(book, stale, out, folder_name(out, root), check, progress)
    if keys is not None:
        state.record({edition.name: keys[edition.name] for edition in stale})
    return published


def _unfinished_editions(out: Path, root: Path) -> list[str]:
    """The editions a build stopped while publishing left not from one build, said as they are
    built again."""
    left = unfinished(out)
    if left is None:
        return []
    warn(
        None,
        f"{folder_name(out, root)}: a build was stopped while publishing; building "
        f"{', '.join(left.editions())} again",
    )
    return left.editions()


@contextmanager
def _made_ready_meanwhile(config: BookConfig, root: Path) -> Iterator[None]:
    """While the block runs, another thread imports WeasyPrint and the writers and reads the
    book's hyphenation patterns: reading the book waits on pandoc and on Pillow's decoding for
    much of its time (a first build of the article 0.2 s sooner)."""
    thread = threading.Thread(target=_make_ready, args=(config.language, root), name="making ready")
    thread.start()
    try:
        yield
    finally:
        thread.join()


@contextmanager
def _threads_switched_often() -> Iterator[None]:
    """The interpreter switches threads every 0.5 ms, not 5, while the block runs: Pillow
    decodes an image in chunks (a PNG's of 64 KB), letting the interpreter go for each, and
    took it back only once a thread running Python (the writers' import, a layout) let it go:
    the article's document scan took 0.23 s to decode for its print image instead of 0.12."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def _make_ready(language: str, root: Path) -> None:
    # What fails here is done again after the block, where its failure is said.
    with suppress(Exception):
        importlib.import_module("amnesty_book.publish.production")
        from amnesty_book.layout.hyphenation_patterns import load_patterns

        load_patterns(language, root)


def select_editions(config: BookConfig, names: Sequence[str]) -> list[Edition]:
    """The declared editions of these names, in the order given; all of them if none is named."""
    declared = {edition.name: edition for edition in config.editions}
    unknown = [name for name in names if name not in declared]
    if unknown:
        raise BookError.at(None, f"no edition named {', '.join(unknown)}; the book has {', '.join(declared)}")
    return [declared[name] for name in dict.fromkeys(names)] or list(declared.values())
