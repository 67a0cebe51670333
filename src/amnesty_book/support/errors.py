"""Problems found in the sources: where they are, what is wrong, and how to report them."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceLocation:
    """A place in a source file, its path relative to the project folder."""

    path: Path
    line: int | None = None

    def __str__(self) -> str:
        where = self.path.as_posix()
        return f"{where}:{self.line}" if self.line is not None else where

    def offset(self, lines: int) -> SourceLocation:
        """The location `lines` lines further down the same file."""
        return SourceLocation(self.path, None if self.line is None else self.line + lines)


# Every character str.splitlines() breaks at, written as an escape instead.
_LINE_BREAKS = {ord(c): repr(c)[1:-1] for c in "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, printed as `path:line: message`."""

    location: SourceLocation | None
    message: str

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        # One line, whatever a source put in it (a file name or a key with a line break).
        return text.translate(_LINE_BREAKS)


class BookError(Exception):
    """The build cannot go on: the input (or a writer) has one or more problems."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __reduce__(self) -> tuple[type[BookError], tuple[tuple[Problem, ...]]]:
        # Raised in a worker process of a parallel build, it crosses back whole.
        return (BookError, (self.problems,))

    @classmethod
    def at(cls, location: SourceLocation | None, message: str) -> BookError:
        return cls([Problem(location, message)])


class Problems:
    """Collects problems so that a reader reports all of them at once, then fails."""

    def __init__(self) -> None:
        self._found: list[Problem] = []

    def add(self, location: SourceLocation | None, message: str) -> None:
        self._found.append(Problem(location, message))

    def extend(self, error: BookError) -> None:
        self._found.extend(error.problems)

    def __bool__(self) -> bool:
        return bool(self._found)

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(self._found)

    def raise_if_any(self) -> None:
        if self._found:
            raise BookError(self._found)


WARNINGS = logging.getLogger("amnesty_book")


def tell(message: str) -> None:
    """Something the builder did that a reader of --verbose wants to know (not a problem)."""
    WARNINGS.info(message)


def warn(location: SourceLocation | None, message: str) -> None:
    """A problem that does not stop the build, printed as `path:line: warning: message`."""
    WARNINGS.warning(f"{location}: warning: {message}" if location else f"warning: {message}")


@contextmanager
def collected() -> Iterator[list[tuple[int, str]]]:
    """What the builder tells and warns of inside, collected as (level, text) rather than
    printed: a worker process's words, for the build to print in order (WARNINGS.log)."""
    said: list[tuple[int, str]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append((record.levelno, record.getMessage()))

    saved = WARNINGS.handlers[:], WARNINGS.propagate
    WARNINGS.handlers[:], WARNINGS.propagate = [Collect()], False
    try:
        yield said
    finally:
        WARNINGS.handlers[:], WARNINGS.propagate = saved
