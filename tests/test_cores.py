"""The processes and threads of a build (support/cores.py): work done meanwhile yields to the build's own."""

from __future__ import annotations

import os
import resource
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from amnesty_book.support.cores import at_low_priority, worker_pool


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="a thread has a niceness of its own on Linux only"
)
def test_work_done_meanwhile_runs_at_a_lower_priority_and_the_build_at_its_own() -> None:
    """The images a later edition needs are made while the book is laid out (production.py), at
    a niceness 10 higher, or as high as it goes; the thread that asked keeps its own."""
    before = _niceness()
    with ThreadPoolExecutor(max_workers=1) as background:
        meanwhile = background.submit(at_low_priority, _niceness).result()
    assert meanwhile == min(before + 10, 19)
    assert _niceness() == before


def test_a_fresh_pools_workers_hold_nothing_of_the_process_that_starts_it() -> None:
    """Workers forked from this process carry its memory (here 256 MB it holds); workers of a
    pool started `fresh_from` a module are the fork server's children and hold only what that
    module needs."""
    ballast = b"x" * (256 << 20)
    with worker_pool(1) as pool:
        forked = pool.submit(resource.getrusage, resource.RUSAGE_SELF).result().ru_maxrss << 10
    with worker_pool(1, fresh_from="amnesty_book.checks.layout_audit.reading") as pool:
        fresh = pool.submit(resource.getrusage, resource.RUSAGE_SELF).result().ru_maxrss << 10
        parent = pool.submit(os.getppid).result()
    assert forked > len(ballast) > 2 * fresh
    assert parent != os.getpid()
