"""The pandoc the builder runs: the one installed with it, or another an environment variable names.

pypandoc would take the newest pandoc it finds on PATH over its own, so a machine with another
pandoc would set the same book's citations with another citeproc; what pandoc made is kept in
the build's cache under the program it came from, so that a build with another pandoc sets
them again.
"""

from __future__ import annotations

import os
import shutil
from functools import cache
from pathlib import Path

import pypandoc

from amnesty_book.support.errors import BookError

# Names another pandoc than the builder's own (a path, or a name looked for on PATH).
ENVIRONMENT = "AMNESTY_BOOK_PANDOC"


@cache
def pandoc() -> str:
    """The path of the pandoc program to run."""
    named = os.environ.get(ENVIRONMENT)
    if named:
        found = shutil.which(named)
        if found is None:
            raise BookError.at(
                None, f"{ENVIRONMENT} names '{named}', which is no program; name pandoc's path, or unset it"
            )
        return found
    bundled = Path(pypandoc.__file__).parent / "files" / "pandoc"
    return str(bundled) if bundled.is_file() else pypandoc.get_pandoc_path()


def pandoc_identity() -> str:
    """What tells this pandoc from another, for the cache: its path, size and time of change."""
    path = Path(pandoc())
    stat = path.stat()
    return f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}"
