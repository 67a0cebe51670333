"""Where the temporary files of the build running in this thread go: a folder of its own."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

# The running build's folder; None outside a build (the system's temporary folder). A context
# variable: the preview server builds in a thread of its own, and a worker forked by a build
# starts with the build's value.
_FOLDER: ContextVar[Path | None] = ContextVar("temporary_folder", default=None)


@contextmanager
def temporary_files_in(folder: Path) -> Iterator[None]:
    """While the block runs, temporary folders are made in `folder`, a new folder (in the
    build's scratch folder, which goes with everything in it)."""
    folder.mkdir()
    token = _FOLDER.set(folder)
    try:
        yield
    finally:
        _FOLDER.reset(token)


def temporary_folder(prefix: str) -> str:
    """A new folder for temporary files, in the running build's folder where there is one."""
    return tempfile.mkdtemp(prefix=prefix, dir=_FOLDER.get())
