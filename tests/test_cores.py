"""The processes and threads of a build (support/cores.py): work done meanwhile yields to the build's own."""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from amnesty_book.support.cores import at_low_priority


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
