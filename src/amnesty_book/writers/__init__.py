"""Writers: each kind of edition has one, turning the numbered Book into that edition's files."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from amnesty_book.project.edition_kinds import KINDS

if TYPE_CHECKING:  # the registry imports this package to find its writers: it stays light
    from amnesty_book.model import Book
    from amnesty_book.project.config import Edition

Writer = Callable[["Book", "Edition", Path], list[Path]]
ImposedPages = Callable[["Book", "Edition"], bytes]


def writer(kind: str) -> Writer:
    """The writer of a kind of edition (edition_kinds.py), imported only when such an edition
    is built (WeasyPrint alone takes half a second to import)."""
    found: Writer = _imported(KINDS[kind].writer)
    return found


def imposed_pages(kind: str) -> ImposedPages:
    """The pages an imposed kind of edition placed on its sheets, as its declaration names them."""
    found: ImposedPages = _imported(KINDS[kind].imposed_pages)
    return found


def _imported(reference: str) -> Any:
    module, function = reference.split(":")
    return getattr(import_module(module), function)
