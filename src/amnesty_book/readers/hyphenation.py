"""The project's hyphenation exceptions (styles/hyphenation.txt), as TeX's \\hyphenation{}."""

from __future__ import annotations

import re
from pathlib import Path

from amnesty_book.project.source_files import STYLES
from amnesty_book.project.sources import Project
from amnesty_book.support.errors import Problems

EXCEPTIONS_FILE = "hyphenation.txt"
# A word as the editor breaks it: letters (an apostrophe within), a hyphen at each place it may break.
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def exceptions_file(project: Project) -> Path | None:
    path = project.root / STYLES / EXCEPTIONS_FILE
    return path if path.is_file() else None


def read_exceptions(project: Project, path: Path) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """Each word (in lower case) and the places, counted in letters from its start, where a line
    may break it; a word written with no hyphen is never broken. '#' starts a comment."""
    problems = Problems()
    found: dict[str, tuple[int, ...]] = {}
    for number, line in enumerate(project.read_text(path).splitlines(), start=1):
        for written in line.split("#", 1)[0].split():
            where = project.location(path, number)
            if not _WORD.fullmatch(written):
                problems.add(
                    where,
                    f"'{written}' is not a word with hyphens where it may break; write it as "
                    "'selec-tive-ly' (letters, and a hyphen at each break)",
                )
                continue
            parts = written.split("-")
            word = "".join(parts).lower()
            points = tuple(sum(len(part) for part in parts[:index]) for index in range(1, len(parts)))
            if found.get(word, points) != points:
                problems.add(where, f"'{word}' is listed twice with different breaks; keep one")
            found[word] = points
    problems.raise_if_any()
    return tuple(sorted(found.items()))
