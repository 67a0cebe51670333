"""Writers: each turns the numbered Book into one edition in an output folder."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from ..model import Book

Writer = Callable[[Book, Path], list[Path]]

# edition name -> "module:function"; imported only when that edition is built
# (WeasyPrint alone takes half a second to import).
WRITERS = {
    "web": "amnesty_book.writers.web:write_web",
    "pdf": "amnesty_book.writers.pdf:write_pdf",
    "epub": "amnesty_book.writers.epub:write_epub",
}


def writer(name: str) -> Writer:
    module, function = WRITERS[name].split(":")
    found: Writer = getattr(import_module(module), function)
    return found
