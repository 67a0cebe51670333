"""Builds editions: read and check everything first, write into a staging folder, then move into dist/.

Editions whose inputs have not changed since they were last built are skipped; the others
are written in parallel processes, the EPUB together with the reader edition whose layout
gives its page numbers.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .cache import BuildState, code_digest, digest_of
from .check import check_editions, errors
from .config import BookConfig, Edition, load_config, page_source
from .errors import WARNINGS, BookError, Problem, warn
from .images import prepare_images
from .loading import load_book
from .model import Book
from .sources import Project
from .writers import writer

NO_CHECKS, FAST_CHECKS, ALL_CHECKS = "none", "fast", "all"


@dataclass(frozen=True)
class Built:
    """One edition written by this build, and how long it took."""

    edition: Edition
    output: str  # its file (or folder) name in the output folder
    seconds: float | None  # None: up to date, left as it was


Progress = Callable[[Built], None]


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
    previous build exactly as it was.
    """
    root = project.resolve()
    out = (out or root / "dist").resolve()
    config = load_config(Project(root))
    chosen = select_editions(config, editions)
    state = BuildState(root, out)
    keys = _edition_keys(root, config, chosen)
    stale = [
        edition
        for edition in chosen
        if force
        or keys is None
        or not state.is_current(edition.name, keys[edition.name], out / edition.output_name(config.slug))
    ]
    if progress:
        for edition in chosen:
            if edition not in stale:
                progress(Built(edition, edition.output_name(config.slug), None))
    if not stale:
        return []
    book = load_book(root)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".amnesty-book-", dir=out.parent) as scratch:
        staging = Path(scratch) / "staging"
        staging.mkdir()
        _write_all(book, stale, staging, progress)
        if check != NO_CHECKS:
            findings = check_editions(book, staging, stale, full=check == ALL_CHECKS)
            if errors(findings):
                raise BookError(Problem(None, f"check failed: {finding}") for finding in errors(findings))
            for finding in findings:
                warn(None, f"{finding.edition}: {finding.where}: {finding.message}")
        published = _publish(staging, out, Path(scratch) / "replaced")
    if keys is not None:
        state.record({edition.name: keys[edition.name] for edition in stale})
    return published


def select_editions(config: BookConfig, names: Sequence[str]) -> list[Edition]:
    """The declared editions of these names, in the order given; all of them if none is named."""
    declared = {edition.name: edition for edition in config.editions}
    unknown = [name for name in names if name not in declared]
    if unknown:
        raise BookError.at(None, f"no edition named {', '.join(unknown)}; the book has {', '.join(declared)}")
    return [declared[name] for name in dict.fromkeys(names)] or list(declared.values())


def _edition_keys(root: Path, config: BookConfig, editions: Sequence[Edition]) -> dict[str, str] | None:
    """A digest per edition of everything it is made from; None when the inputs cannot even be
    listed (the full build then says what is wrong)."""
    inputs = _input_files(root, config)
    if inputs is None:
        return None
    # The config counts by its meaning, less its editions: each edition by its own entry.
    everything = digest_of(inputs, code_digest(), repr(replace(config, editions=())))
    source = page_source(config)
    return {
        edition.name: digest_of((), everything, repr(edition), repr(source) if edition.kind == "epub" else "")
        for edition in editions
    }


def _input_files(root: Path, config: BookConfig) -> list[Path] | None:
    """The files every edition is made from: the sources, the fonts and the plates' images.
    None if any is missing or outside the project: the full build then says what is wrong."""
    project = Project(root)
    try:
        sources = [
            project.resolve(getattr(config, key), None, key) for key in ("manuscript", "plates", "timeline")
        ]
        fonts = [project.resolve(relative, None, "font") for relative, _, _ in config.fonts.faces]
        manifest = yaml.safe_load(sources[1].read_text(encoding="utf-8"))
        images = [project.resolve(entry["file"], None, "image", base=sources[1].parent) for entry in manifest]
    except (BookError, OSError, ValueError, yaml.YAMLError, TypeError, KeyError, RecursionError):
        return None
    return [*sources, *fonts, *images]


def _write_all(book: Book, editions: Sequence[Edition], staging: Path, progress: Progress | None) -> None:
    """Writes the editions, in parallel processes where there are cores and groups to share."""
    groups = _groups(book.config, editions)
    workers = min(len(groups), os.cpu_count() or 1)
    if workers < 2:
        for group in groups:
            _report(_write_group(book, group, staging), progress)
        return
    context = multiprocessing.get_context("fork")  # the book is read once, in this process
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_write_group, book, group, staging) for group in groups]
        try:
            for future in as_completed(futures):
                _report(future.result(), progress)
        except BaseException:
            pool.shutdown(cancel_futures=True)  # the build has failed: start no other edition
            raise


def _report(result: tuple[list[Built], list[tuple[int, str]]], progress: Progress | None) -> None:
    done, messages = result
    for built in done:
        if progress:
            progress(built)
    for level_and_text in messages:
        WARNINGS.log(*level_and_text)


def _groups(config: BookConfig, editions: Sequence[Edition]) -> list[list[Edition]]:
    """The editions in independent groups; the EPUB goes with its page source when both are
    written, so that the book is laid out once for both."""
    source = page_source(config)
    epub = [edition for edition in editions if edition.kind == "epub"]
    groups: list[list[Edition]] = []
    for edition in editions:
        if edition.kind == "epub":
            continue
        together = epub if edition == source else []
        groups.append([edition, *together])
    if epub and source not in editions:
        groups.append(epub)
    return groups


def _write_group(
    book: Book, group: Sequence[Edition], staging: Path
) -> tuple[list[Built], list[tuple[int, str]]]:
    """Writes a group of editions; its warnings and notes come back as (level, text), to be
    printed in order by the process that started the build."""
    collected: list[tuple[int, str]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            collected.append((record.levelno, record.getMessage()))

    handler = Collect()
    saved = WARNINGS.handlers[:], WARNINGS.propagate
    WARNINGS.handlers[:] = [handler]
    WARNINGS.propagate = False
    # The group's prepared images are made meanwhile: Pillow works outside the interpreter
    # lock, so importing the writers and laying out pure-Python are not slowed by it; a
    # writer asking for an image not yet made waits for it (DerivedFiles).
    with ThreadPoolExecutor(max_workers=1) as background:
        preparing = background.submit(prepare_images, book, group)
        try:
            done = []
            for edition in group:
                start = time.perf_counter()
                writer(edition.kind)(book, edition, staging)
                done.append(
                    Built(edition, edition.output_name(book.config.slug), time.perf_counter() - start)
                )
            preparing.result()
        finally:
            WARNINGS.handlers[:], WARNINGS.propagate = saved
    return done, collected


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
