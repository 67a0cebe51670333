"""Produces the editions a build found stale, from the book it read: writes them into a
staging folder and reads them back to check them (in parallel processes, the EPUB together
with the reader edition whose layout gives its page numbers), then publishes them
(publishing.py). A build killed half-way leaves neither its staging folder nor its processes
behind for long.
"""

from __future__ import annotations

import errno
import logging
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from amnesty_book.checks.editions import check_editions, errors
from amnesty_book.checks.layout_audit import audit_pdf, reading_parts_ahead
from amnesty_book.images.plates import prepare_images
from amnesty_book.layout.engine import layout_used_once, release_layouts
from amnesty_book.layout.page_cut import cut_source
from amnesty_book.layout.sharing import layout_root
from amnesty_book.model import Book
from amnesty_book.project.config import Edition, page_source
from amnesty_book.project.edition_kinds import KINDS
from amnesty_book.publish.progress import ALL_CHECKS, NO_CHECKS, Built, Progress
from amnesty_book.publish.publishing import publish
from amnesty_book.publish.scratch import scratch_folder
from amnesty_book.support.collector import long_lived
from amnesty_book.support.cores import at_low_priority, available, share, worker_pool
from amnesty_book.support.diagnostics import INFO, Diagnostic
from amnesty_book.support.errors import WARNINGS, BookError, collected, tell, warn
from amnesty_book.support.temporary import temporary_files_in
from amnesty_book.writers import imposed_pages, writer


@dataclass
class GroupResult:
    """What the process writing a group of editions sends back."""

    built: list[Built] = field(default_factory=list)
    messages: list[tuple[int, str]] = field(default_factory=list)  # (level, text), printed in order
    findings: list[Diagnostic] = field(default_factory=list)


# What a full disk (or quota) and a folder that cannot be written say, of the output folder.
_FULL = {errno.ENOSPC, errno.EDQUOT}
_REFUSED = {errno.EROFS, errno.EACCES, errno.EPERM}


def produce(
    book: Book, editions: Sequence[Edition], out: Path, shown: str, check: str, progress: Progress | None
) -> list[Path]:
    """Writes, checks and publishes the book's editions into `out` (`shown`: its name in
    messages); returns what was published. Nothing in `out` changes unless every edition was
    written and passed."""
    try:
        return _produce(book, editions, out, check, progress)
    except OSError as error:
        raise _disk_problem(error, out, shown) or error from None


def _disk_problem(error: OSError, out: Path, shown: str) -> BookError | None:
    """A full or read-only output folder, said of the folder rather than of the staged file
    being written (a write that fails names no file: it is one of the staged editions')."""
    if error.filename is not None and not Path(str(error.filename)).is_relative_to(out):
        return None
    if error.errno in _FULL:
        return BookError.at(None, f"{shown}: no space left on device; free some space and build again")
    if error.errno in _REFUSED:
        return BookError.at(
            None,
            f"{shown}: cannot be written ({(error.strerror or 'refused').lower()}); make it writable, "
            "or build into another folder with --out DIR",
        )
    return None


def _produce(
    book: Book, editions: Sequence[Edition], out: Path, check: str, progress: Progress | None
) -> list[Path]:
    with long_lived(), scratch_folder(out) as scratch, temporary_files_in(scratch / "temporary"):
        staging = scratch / "staging"
        staging.mkdir()
        findings = _write_all(book, editions, staging, check, progress)
        if errors(findings):
            raise BookError(Diagnostic(None, f"check failed: {finding}") for finding in errors(findings))
        for finding in findings:
            line = f"{finding.edition}: {finding.where}: {finding.said}"
            if finding.severity == INFO:
                tell(line)  # a measurement, not a problem: shown with --verbose
            else:
                warn(None, line)
        outputs = {edition.name: edition.output_name(book.config.slug) for edition in editions}
        with _uninterrupted():
            return publish(staging, out, outputs, scratch)


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl-C is ignored while the editions are published: the renames that replace them in the
    output folder are never stopped half-way, and a build that has come so far is done."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread has signal handlers (the preview server builds in another)
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _write_all(
    book: Book, editions: Sequence[Edition], staging: Path, check: str, progress: Progress | None
) -> list[Diagnostic]:
    """Writes and checks the editions, in parallel processes where there are cores and groups
    to share; returns the checks' findings."""
    groups = _groups(book, editions)
    cores = available()
    workers = min(len(groups), cores)
    # One group alone has the cores for its own work (cores.py); groups side by side share them.
    share(cores if workers < 2 else 1)
    if workers < 2:
        return [
            finding
            for group in groups
            for finding in _report(_write_group(book, group, staging, check), progress)
        ]
    findings = []
    with worker_pool(workers) as pool:  # the book is read once, in this process
        futures = [pool.submit(_write_group, book, group, staging, check) for group in groups]
        for future in as_completed(futures):
            findings += _report(future.result(), progress)
    return findings


def _report(result: GroupResult, progress: Progress | None) -> list[Diagnostic]:
    for built in result.built:
        if progress:
            progress(built)
    for level_and_text in result.messages:
        WARNINGS.log(*level_and_text)
    return result.findings


def _groups(book: Book, editions: Sequence[Edition]) -> list[list[Edition]]:
    """The editions in independent groups, the longest to make first. An edition goes with
    the one whose layout it takes, when both are written, so that the book is laid out once
    for both: the EPUB with its page source, the others as layout/sharing.py says."""
    takes_from = {
        edition: (
            page_source(book.config, edition)
            if KINDS[edition.kind].marks_pages_of
            else layout_root(book, edition)
        )
        for edition in editions
    }
    groups: dict[Edition, list[Edition]] = {}
    for edition in editions:
        if takes_from[edition] == edition or takes_from[edition] not in editions:
            groups[edition] = [edition]
    for edition in editions:
        if edition not in groups:
            groups[takes_from[edition]].append(edition)
    return sorted(groups.values(), key=lambda group: -KINDS[group[0].kind].cost)  # the longest first


def _write_group(book: Book, group: Sequence[Edition], staging: Path, check: str) -> GroupResult:
    """Writes a group of editions and reads them back (`check`); its warnings and notes are
    collected, to be printed in order by the process that started the build.

    The first edition lays the book out for the group. The others, which take its layout
    (layout/sharing.py), are then written in processes forked from this one, which inherit
    the layout, while this one checks the first: when the group's own core is the only one
    it has, they run as soon as another group's core is free."""
    result = GroupResult()
    # The parts of a book laid out in parts are read back as they are written, when they are.
    with reading_parts_ahead(book.root) if check != NO_CHECKS else nullcontext():
        # The group's prepared images are made meanwhile: Pillow works outside the interpreter
        # lock, so laying out pure-Python is not slowed by it, and at a lower priority, so that
        # a layout made ahead in a forked process (layout/engine.py) has the other core; a
        # writer asking for an image not yet made waits for it (DerivedFiles).
        pages_only = all(_takes_pages_only(book, edition, group[0]) for edition in group[1:])
        with collected() as result.messages, ThreadPoolExecutor(max_workers=1) as background:
            preparing = background.submit(at_low_priority, prepare_images, book, group)
            with layout_used_once() if pages_only else nullcontext():
                _write(book, group[0], staging, result)
            preparing.result()
        if pages_only:
            release_layouts()  # nor the read-back, nor the processes forked for it or the others, carry it
        if len(group) == 1:
            _check(book, group, staging, check, result)
            return result
        with worker_pool(min(len(group) - 1, available())) as pool:
            root, rest = group[0], group[1:]
            others = [
                pool.submit(_written_and_checked, book, edition, staging, check, root) for edition in rest
            ]
            _check(book, group[:1], staging, check, result)
            for other in others:
                done = other.result()
                result.built += done.built
                result.messages += done.messages
                result.findings += done.findings
    return result


def _takes_pages_only(book: Book, edition: Edition, source: Edition) -> bool:
    """Whether `edition` takes from `source` no more than its PDF or its pages' folios, which are
    kept apart from its layout (engine.paged): it marks the source's pages, or is cut from them."""
    return bool(KINDS[edition.kind].marks_pages_of) or cut_source(book.config, edition) == source


def _written_and_checked(
    book: Book, edition: Edition, staging: Path, check: str, source: Edition
) -> GroupResult:
    """An edition written and checked in a process forked from its group's, once `source`,
    whose layout it takes, was written and laid out there."""
    result = GroupResult()
    with collected() as result.messages:
        _write(book, edition, staging, result)
    # Cut from the pages of `source`, which its group checks: the pages are read there once.
    _check(book, [edition], staging, check, result, read_as_cut=cut_source(book.config, edition) == source)
    return result


def _write(book: Book, edition: Edition, staging: Path, result: GroupResult) -> None:
    start = time.perf_counter()
    writer(edition.kind)(book, edition, staging)
    seconds = time.perf_counter() - start
    tell(f"{edition.name}: made in {seconds:.1f} s")
    result.built.append(Built(edition, edition.output_name(book.config.slug), seconds))


def _check(
    book: Book,
    editions: Sequence[Edition],
    staging: Path,
    check: str,
    result: GroupResult,
    read_as_cut: bool = False,
) -> None:
    """Reads the editions back (check_editions), adding what it finds to `result`."""
    if check == NO_CHECKS:
        return
    start = time.perf_counter()
    full = check == ALL_CHECKS
    result.findings += check_editions(book, staging, editions, full=full, read_as_cut=read_as_cut)
    for edition in editions:
        if KINDS[edition.kind].imposed_pages and not read_as_cut:
            result.findings += _audit_imposed_pages(book, edition)
    names = ", ".join(edition.name for edition in editions)
    seconds = time.perf_counter() - start
    result.messages.append((logging.INFO, f"{names}: read back and checked in {seconds:.1f} s"))


def _audit_imposed_pages(book: Book, edition: Edition) -> list[Diagnostic]:
    """The layout audit of an imposed edition's pages, which its sheets no longer show as
    pages (check_editions audits the sheets): the pages its writer made before imposing them."""
    return audit_pdf(imposed_pages(edition.kind)(book, edition), edition, book)
