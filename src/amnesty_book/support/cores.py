"""The processes a build runs: how many one group of editions may run at once (for the parts
of a layout, the pages of a read-back, the files of a manuscript: all the cores when a build
makes one group, one when its groups share the cores), the pools that run them, whose
workers end with their build, and the lower priority of work a thread does meanwhile."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
from typing import TypeVar

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# The niceness of a thread whose work may wait for the build's own (nice(1)'s default).
_LOW_PRIORITY = 10

_processes = 1
T = TypeVar("T")


def share(processes: int) -> None:
    global _processes
    _processes = processes


def spare() -> int:
    return _processes


def at_low_priority(function: Callable[..., T], *arguments: object) -> T:
    """The function run in this thread at a lower priority (on Linux each thread has a niceness
    of its own): work that fills what the build's own leaves of the cores, as the images a
    later edition needs are made while the book is laid out, yields to the layout."""
    if sys.platform.startswith("linux"):  # elsewhere a thread's id is no process's: left as it is
        with suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _LOW_PRIORITY)
    return function(*arguments)


def available() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def worker_pool(processes: int, fresh_from: str | None = None) -> Iterator[ProcessPoolExecutor]:
    """Worker processes forked from this one (what it has read, they have), which ignore
    Ctrl-C and end with it. If the work fails, no more of it starts; on Ctrl-C the workers
    are stopped at once.

    With `fresh_from`, a module's name, the workers are forked instead from a fresh interpreter
    that imported that module (Python's fork server, started at the first such pool): they
    hold nothing of this process. A process that laid out a long book keeps its heap's size
    after the layout is dropped, and a worker forked from it would count all of it as its own
    and copy what its collector touches."""
    if fresh_from is None:
        context, parent = multiprocessing.get_context("fork"), os.getpid()
    else:
        context, parent = multiprocessing.get_context("forkserver"), None
        context.set_forkserver_preload([fresh_from])
    pool = ProcessPoolExecutor(
        max_workers=processes, mp_context=context, initializer=_start_worker, initargs=(parent,)
    )
    try:
        yield pool
    except BaseException as failure:
        interrupted = isinstance(failure, KeyboardInterrupt)
        if interrupted:
            for worker in multiprocessing.active_children():
                worker.terminate()
        try:
            pool.shutdown(cancel_futures=True)
        except RuntimeError:
            # Ctrl-C came while the pool was starting its manager thread, which then cannot
            # be joined ("cannot join thread before it is started"): the interrupt is the news.
            if not interrupted:
                raise
        raise
    pool.shutdown()


def _start_worker(parent: int | None) -> None:
    """Starts a worker: it ignores Ctrl-C, which the terminal sends it too (its build stops it,
    and a worker waiting for work would print a traceback), and it ends when its build process
    does, even one killed by kill -9, whose workers would otherwise wait for work forever. A
    worker of the fork server (`parent` None) ends with the server, which ends with the build."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is None:
        parent = os.getppid()
    if not _killed_with_parent():
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the build died before the worker asked to follow it
        os._exit(1)


def _killed_with_parent() -> bool:
    """Has Linux kill this process when the thread that forked it ends (the one that made
    the pool, which outlives it). False where there is no prctl."""
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


def stop(pool: ProcessPoolExecutor) -> None:
    """Ends the pool's workers at once: their work is no longer wanted, and one may be waiting
    for its build to answer."""
    for worker in list(pool._processes.values()):  # the executor exposes no public list of them
        worker.terminate()


def forked(work: Callable[[Connection], None]) -> tuple[multiprocessing.Process, Connection]:
    """A process forked from this one, fresh for one piece of work (its heap is its own from
    there on), that runs `work` with its end of a channel to this one, ignores Ctrl-C and ends
    with this one, as a pool's worker does; and this one's end of the channel."""
    context = multiprocessing.get_context("fork")
    here, there = context.Pipe()
    process = context.Process(target=_run_forked, args=(work, there, os.getpid()), daemon=True)
    process.start()
    there.close()
    return process, here


def _run_forked(work: Callable[[Connection], None], channel: Connection, parent: int) -> None:
    _start_worker(parent)
    work(channel)
