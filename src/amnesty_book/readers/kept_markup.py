"""Markdown's HTML of each block of a manuscript file, kept from the file's last reading.

Python-Markdown's conversion is most of the time it takes to read a manuscript (a book of 1,300
paragraphs: 0.9 s of every build, warm or not), and a block's HTML depends only on its text,
the language and phrases it is read with, Python-Markdown's version and the builder's code.
While a file is read (`kept_for`), each block's HTML is taken from what its last reading kept,
by the digest of what it is made from, or converted and kept; the file's entries are written
back (JSON in .cache/amnesty-book/markup, one file for each manuscript file) when they changed,
so a block edited away leaves nothing behind. The HTML taken back goes through the same
sanitising as a conversion's (markup.py): nothing kept there is trusted. A file that cannot be
read as kept is ignored; a cache that cannot be written is left unwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from importlib.metadata import version
from pathlib import Path

from amnesty_book.support.cache import CACHE_FOLDER, code_digest


class KeptMarkup:
    """The HTML of one manuscript file's blocks, as kept and as converted while it is read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kept = _read(path)
        self.used: dict[str, str] = {}

    def html(self, source: str, convert: Callable[[], str]) -> str:
        """The HTML of `source` (a block's text and its setting), as kept, or `convert`ed."""
        key = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
        html = self.kept.get(key)
        if html is None:
            html = convert()
        self.used[key] = html
        return html

    def save(self) -> None:
        """Writes the entries this reading used, if they are not those kept."""
        if self.used == self.kept:
            return
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(self.used, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            temporary.unlink(missing_ok=True)


# The file being read, while it is.
_KEPT: ContextVar[KeptMarkup | None] = ContextVar("kept_markup", default=None)


def being_kept() -> KeptMarkup | None:
    return _KEPT.get()


@contextmanager
def kept_for(project: Path, file: str) -> Iterator[KeptMarkup]:
    """While the manuscript file `file` (as the project names it) is read, its blocks' HTML
    is kept; written back when the reading ends without an error."""
    name = hashlib.sha256(f"{code_digest()}\0{version('markdown')}\0{file}".encode()).hexdigest()[:32]
    kept = KeptMarkup(project / CACHE_FOLDER / "markup" / f"{name}.json")
    token = _KEPT.set(kept)
    try:
        yield kept
    finally:
        _KEPT.reset(token)
    kept.save()


def _read(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not all(isinstance(html, str) for html in data.values()):
        return {}
    return data
