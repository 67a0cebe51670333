"""Writers: each kind of edition has one, turning the numbered Book into that edition's files."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from amnesty_book.project.edition_kinds import KINDS

if TYPE_CHECKING:  # the registry imports this package to find its writers: it stays light
    from amnesty_book.model import Book
    from amnesty_book.project.config import Edition

Writer = Callable[["Book", "Edition", Path], list[Path]]


def writer(kind: str) -> Writer:
    """The writer of a kind of edition (edition_kinds.py), imported only when such an edition
    is built (WeasyPrint alone takes half a second to import)."""
    module, function = KINDS[kind].writer.split(":")
    found: Writer = getattr(import_module(module), function)
    return found
