"""Reads a book's appendices, each with the reader its kind declares (project/appendix_kinds.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path

from amnesty_book.model import Appendix, AppendixEntry
from amnesty_book.project.appendix_kinds import APPENDICES
from amnesty_book.project.config import BookConfig
from amnesty_book.project.sources import Project

Reader = Callable[[Project, Path, BookConfig], Sequence[AppendixEntry]]


def read_appendix(project: Project, kind: str, path: Path, config: BookConfig) -> Appendix:
    """The appendix of a kind, read from its file; its reader raises BookError on a problem."""
    module, function = APPENDICES[kind].reader.split(":")
    reader: Reader = getattr(import_module(module), function)
    return Appendix(kind, tuple(reader(project, path, config)))
