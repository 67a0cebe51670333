"""Produces the editions a build found stale: reads the book, writes the editions into a
staging folder (in parallel processes, the EPUB together with the reader edition whose
layout gives its page numbers), reads them back and checks them, then publishes them.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from pathlib import Path

from .build import ALL_CHECKS, NO_CHECKS, Built, Progress
from .check import check_editions, errors
from .config import BookConfig, Edition, page_source
from .errors import WARNINGS, BookError, Problem, warn
from .images import prepare_images
from .loading import load_book
from .model import Book
from .writers import writer


def produce(
    root: Path, editions: Sequence[Edition], out: Path, check: str, progress: Progress | None
) -> list[Path]:
    """Writes, checks and publishes the editions into `out`; returns what was published.
    Nothing in `out` changes unless every edition was written and passed."""
    book = load_book(root)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".amnesty-book-", dir=out.parent) as scratch:
        staging = Path(scratch) / "staging"
        staging.mkdir()
        _write_all(book, editions, staging, progress)
        if check != NO_CHECKS:
            findings = check_editions(book, staging, editions, full=check == ALL_CHECKS)
            if errors(findings):
                raise BookError(Problem(None, f"check failed: {finding}") for finding in errors(findings))
            for finding in findings:
                warn(None, f"{finding.edition}: {finding.where}: {finding.message}")
        return _publish(staging, out, Path(scratch) / "replaced")


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
