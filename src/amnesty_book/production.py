"""Produces the editions a build found stale: reads the book, writes the editions into a
staging folder and reads them back to check them (in parallel processes, the EPUB together
with the reader edition whose layout gives its page numbers), then publishes them.
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
from dataclasses import dataclass, field
from pathlib import Path

from .build import ALL_CHECKS, NO_CHECKS, Built, Progress
from .check import Finding, check_editions, errors
from .config import BookConfig, Edition, page_source
from .errors import WARNINGS, BookError, Problem, tell, warn
from .findings import INFO
from .images import prepare_images
from .layout_audit import audit_pdf
from .loading import load_book
from .model import Book
from .writers import writer

# The order in which groups are started, longest first, so that two cores finish together:
# a handout is laid out on narrow pages, often more than once; the web edition lays out nothing.
_LONGEST_FIRST = ("handout", "press", "reader", "archive", "epub", "web")


@dataclass
class GroupResult:
    """What the process writing a group of editions sends back."""

    built: list[Built] = field(default_factory=list)
    messages: list[tuple[int, str]] = field(default_factory=list)  # (level, text), printed in order
    findings: list[Finding] = field(default_factory=list)


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
        findings = _write_all(book, editions, staging, check, progress)
        if errors(findings):
            raise BookError(Problem(None, f"check failed: {finding}") for finding in errors(findings))
        for finding in findings:
            line = f"{finding.edition}: {finding.where}: {finding.message}"
            if finding.severity == INFO:
                tell(line)  # a measurement, not a problem: shown with --verbose
            else:
                warn(None, line)
        return _publish(staging, out, Path(scratch) / "replaced")


def _write_all(
    book: Book, editions: Sequence[Edition], staging: Path, check: str, progress: Progress | None
) -> list[Finding]:
    """Writes and checks the editions, in parallel processes where there are cores and groups
    to share; returns the checks' findings."""
    groups = _groups(book.config, editions)
    workers = min(len(groups), os.cpu_count() or 1)
    if workers < 2:
        return [
            finding
            for group in groups
            for finding in _report(_write_group(book, group, staging, check), progress)
        ]
    context = multiprocessing.get_context("fork")  # the book is read once, in this process
    findings = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_write_group, book, group, staging, check) for group in groups]
        try:
            for future in as_completed(futures):
                findings += _report(future.result(), progress)
        except BaseException:
            pool.shutdown(cancel_futures=True)  # the build has failed: start no other edition
            raise
    return findings


def _report(result: GroupResult, progress: Progress | None) -> list[Finding]:
    for built in result.built:
        if progress:
            progress(built)
    for level_and_text in result.messages:
        WARNINGS.log(*level_and_text)
    return result.findings


def _groups(config: BookConfig, editions: Sequence[Edition]) -> list[list[Edition]]:
    """The editions in independent groups, the longest to make first; the EPUB goes with its
    page source when both are written, so that the book is laid out once for both."""
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
    return sorted(groups, key=lambda group: _LONGEST_FIRST.index(group[0].kind))


def _write_group(book: Book, group: Sequence[Edition], staging: Path, check: str) -> GroupResult:
    """Writes a group of editions and reads them back (`check`); its warnings and notes are
    collected, to be printed in order by the process that started the build."""
    result = GroupResult()

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            result.messages.append((record.levelno, record.getMessage()))

    saved = WARNINGS.handlers[:], WARNINGS.propagate
    WARNINGS.handlers[:] = [Collect()]
    WARNINGS.propagate = False
    # The group's prepared images are made meanwhile: Pillow works outside the interpreter
    # lock, so importing the writers and laying out pure-Python are not slowed by it; a
    # writer asking for an image not yet made waits for it (DerivedFiles).
    with ThreadPoolExecutor(max_workers=1) as background:
        preparing = background.submit(prepare_images, book, group)
        try:
            for edition in group:
                start = time.perf_counter()
                writer(edition.kind)(book, edition, staging)
                seconds = time.perf_counter() - start
                result.built.append(Built(edition, edition.output_name(book.config.slug), seconds))
            preparing.result()
        finally:
            WARNINGS.handlers[:], WARNINGS.propagate = saved
    if check != NO_CHECKS:
        result.findings = check_editions(book, staging, group, full=check == ALL_CHECKS)
        for edition in group:
            if edition.kind == "handout":
                result.findings += _audit_handout_pages(book, edition)
    return result


def _audit_handout_pages(book: Book, edition: Edition) -> list[Finding]:
    """The layout audit of a handout's pages, which its imposed sheets no longer show as
    pages (check_editions audits the sheets): the pages its writer made before imposing them."""
    from .writers.handout import handout_pages  # imported by the handout's writer already

    return audit_pdf(handout_pages(book, edition), edition, book)


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
