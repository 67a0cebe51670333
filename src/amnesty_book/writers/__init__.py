"""Writers: each kind of edition has one, turning the numbered Book into that edition's files."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from ..config import Edition
from ..model import Book

Writer = Callable[[Book, Edition, Path], list[Path]]

# kind of edition -> "module:function"; imported only when such an edition is built
# (WeasyPrint alone takes half a second to import).
WRITERS = {
    "web": "amnesty_book.writers.web:write_web",
    "epub": "amnesty_book.writers.epub:write_epub",
    "reader": "amnesty_book.writers.pdf:write_pdf",
    "press": "amnesty_book.writers.press:write_press",
    "handout": "amnesty_book.writers.handout:write_handout",
    "archive": "amnesty_book.writers.archive:write_archive",
}


def writer(kind: str) -> Writer:
    module, function = WRITERS[kind].split(":")
    found: Writer = getattr(import_module(module), function)
    return found
