"""A build's scratch folder inside its output folder: locked while its build lives, removed by
the next build when a build killed half-way (kill -9, a crash, a power cut) left it.

Inside, not beside: what is staged there reaches the output folder by renames, which work
only within one file system, and the output folder may be a mount point or a symlink to
another disk (publishing.py)."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

# A build's scratch folder, hidden in its output folder: a name as tempfile.mkdtemp makes it,
# and a lock file its build holds (with its workers) while it lives.
_SCRATCH_PREFIX = ".amnesty-book-"
_SCRATCH_NAME = re.compile(re.escape(_SCRATCH_PREFIX) + r"[a-z0-9_]{8}")
_LOCK = "lock"
# A scratch folder without a lock file is one a build is just making, or one left by a version
# that took no lock: abandoned once it is older than this (seconds).
_UNLOCKED_GRACE = 60


@contextmanager
def scratch_folder(out: Path) -> Iterator[Path]:
    """A new scratch folder in the output folder `out`, locked until it is removed; the workers
    forked meanwhile share the lock, so a folder stays in use while any of them runs. An output
    folder made for it is removed again if nothing was published into it."""
    made = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    try:
        folder = Path(tempfile.mkdtemp(prefix=_SCRATCH_PREFIX, dir=out))
        with open(folder / f"{_LOCK}.new", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            os.replace(lock.name, folder / _LOCK)  # named once locked: no other build sees it free
            try:
                yield folder
            finally:
                shutil.rmtree(folder, ignore_errors=True)  # still locked: no other build removes it too
    finally:
        if made:
            with suppress(OSError):  # not empty: the build published into it
                out.rmdir()


def remove_abandoned_scratch(out: Path) -> None:
    """Removes the scratch folders that builds killed half-way (kill -9, a crash, a power cut)
    left in the output folder `out`, keeping those of builds still running."""
    for folder in out.iterdir() if out.is_dir() else ():
        if _SCRATCH_NAME.fullmatch(folder.name) and _abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)


def _abandoned(folder: Path) -> bool:
    """Whether no running build, nor any of its workers, uses the scratch folder."""
    try:
        with open(folder / _LOCK) as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True  # its build and workers are gone: the kernel released their lock
    except FileNotFoundError:
        try:
            return time.time() - folder.stat().st_mtime > _UNLOCKED_GRACE
        except OSError:
            return False
    except OSError:  # locked by a live build, or not a folder of ours
        return False
