"""Problems that stop the build (BookError), collected to be reported at once (Problems), and
what the builder tells and warns of as it goes."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from amnesty_book.support.diagnostics import Diagnostic, SourceLocation


class BookError(Exception):
    """The build cannot go on: the input (or a writer) has one or more problems."""

    def __init__(self, problems: Iterable[Diagnostic]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __reduce__(self) -> tuple[type[BookError], tuple[tuple[Diagnostic, ...]]]:
        # Raised in a worker process of a parallel build, it crosses back whole.
        return (BookError, (self.problems,))

    @classmethod
    def at(cls, location: SourceLocation | None, message: str) -> BookError:
        return cls([Diagnostic(location, message)])


class Problems:
    """Collects problems so that a reader reports all of them at once, then fails."""

    def __init__(self) -> None:
        self._found: list[Diagnostic] = []

    def add(self, location: SourceLocation | None, message: str) -> None:
        self._found.append(Diagnostic(location, message))

    def extend(self, error: BookError) -> None:
        self._found.extend(error.problems)

    def __bool__(self) -> bool:
        return bool(self._found)

    @property
    def problems(self) -> tuple[Diagnostic, ...]:
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
