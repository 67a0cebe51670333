"""Produces the editions a build found stale: reads the book, writes the editions into a
staging folder and reads them back to check them (in parallel processes, the EPUB together
with the reader edition whose layout gives its page numbers), then publishes them. A build
killed half-way leaves neither its staging folder nor its processes behind for long.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from amnesty_book.build.cores import share
from amnesty_book.build.progress import ALL_CHECKS, NO_CHECKS, Built, Progress
from amnesty_book.build.scratch import scratch_folder
from amnesty_book.checks.editions import Finding, check_editions, errors
from amnesty_book.checks.findings import INFO
from amnesty_book.checks.layout_audit import audit_pdf
from amnesty_book.errors import WARNINGS, BookError, Problem, tell, warn
from amnesty_book.model import Book
from amnesty_book.model.loading import load_book
from amnesty_book.project.config import BookConfig, Edition, page_source
from amnesty_book.project.edition_kinds import KINDS
from amnesty_book.writers import writer
from amnesty_book.writers.images import prepare_images

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


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
    share(_cores())  # nothing else runs while the book is read
    book = load_book(root)
    out.parent.mkdir(parents=True, exist_ok=True)
    with scratch_folder(out.parent) as scratch:
        staging = scratch / "staging"
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
        with _uninterrupted():
            return _publish(staging, out, scratch / "replaced")


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
) -> list[Finding]:
    """Writes and checks the editions, in parallel processes where there are cores and groups
    to share; returns the checks' findings."""
    groups = _groups(book.config, editions)
    cores = _cores()
    workers = min(len(groups), cores)
    # One group alone has the cores for its own work (cores.py); groups side by side share them.
    share(cores if workers < 2 else 1)
    if workers < 2:
        return [
            finding
            for group in groups
            for finding in _report(_write_group(book, group, staging, check), progress)
        ]
    context = multiprocessing.get_context("fork")  # the book is read once, in this process
    findings = []
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
    ) as pool:
        try:
            futures = [pool.submit(_write_group, book, group, staging, check) for group in groups]
            for future in as_completed(futures):
                findings += _report(future.result(), progress)
        except BaseException as failure:
            if isinstance(failure, KeyboardInterrupt):  # Ctrl-C: stop the editions being written too
                for worker in multiprocessing.active_children():
                    worker.terminate()
            pool.shutdown(cancel_futures=True)  # the build has failed: start no other edition
            raise
    return findings


def _cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _start_worker(parent: int) -> None:
    """Starts a worker: it ignores Ctrl-C, which the terminal sends it too (its build stops it,
    and a worker waiting for work would print a traceback), and it ends when its build process
    does, even one killed by kill -9, whose workers would otherwise wait for work forever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not _killed_with_parent():
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the build died before the worker asked to follow it
        os._exit(1)


def _killed_with_parent() -> bool:
    """Has Linux kill this process when the thread that forked it ends: the one running
    _write_all, which outlives its pool. False where there is no prctl."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL)) == 0
    except (OSError, AttributeError):
        return False


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:  # an orphan's parent becomes init (or a subreaper)
        time.sleep(1)
    os._exit(1)


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
    return sorted(groups, key=lambda group: -KINDS[group[0].kind].cost)  # the longest first


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
        start = time.perf_counter()
        result.findings = check_editions(book, staging, group, full=check == ALL_CHECKS)
        for edition in group:
            if edition.kind == "handout":
                result.findings += _audit_handout_pages(book, edition)
        names = ", ".join(edition.name for edition in group)
        result.messages.append(
            (logging.INFO, f"{names}: read back and checked in {time.perf_counter() - start:.1f} s")
        )
    return result


def _audit_handout_pages(book: Book, edition: Edition) -> list[Finding]:
    """The layout audit of a handout's pages, which its imposed sheets no longer show as
    pages (check_editions audits the sheets): the pages its writer made before imposing them."""
    from amnesty_book.writers.handout import handout_pages  # imported by the handout's writer already

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
