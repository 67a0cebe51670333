"""The command line: parses arguments, runs one command, turns problems into messages and exit codes."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import BookError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_EDITIONS = ("web", "pdf", "epub")  # kept here so that --help imports no writer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amnesty-book",
        description="Build the web, PDF and EPUB editions of a book from its manuscript.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = commands.add_parser(
        "build",
        help="build every edition into dist/",
        description="Read the manuscript, plates and timeline of a book project and build "
        f"its editions ({', '.join(_EDITIONS)}). Nothing in the output folder changes "
        "unless every edition is built.",
    )
    build.add_argument(
        "--project",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the book project folder, holding book.toml (default: the current folder)",
    )
    build.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="where the editions go (default: DIR/dist)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    try:
        if arguments.command == "build":
            return _build(arguments.project, arguments.out)
    except BookError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(
            f"amnesty-book: build failed ({len(error.problems)} problem(s)); "
            "the output folder was not changed",
            file=sys.stderr,
        )
        return EXIT_FAILED
    except OSError as error:
        print(
            f"amnesty-book: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr
        )
        return EXIT_FAILED
    except Exception as error:  # a bug, not bad input: one line, the traceback on request
        if os.environ.get("AMNESTY_BOOK_TRACEBACK"):
            raise
        print(
            f"amnesty-book: internal error ({type(error).__name__}: {error}); the output folder was not "
            "changed. Please report it with the output of AMNESTY_BOOK_TRACEBACK=1 amnesty-book ...",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_USAGE


def _build(project: Path, out: Path | None) -> int:
    from .build import build  # imported here: `--help` must not load the writers

    if not project.is_dir():
        print(f"amnesty-book: project folder '{project}' does not exist", file=sys.stderr)
        return EXIT_USAGE
    for path in build(project, out):
        print(f"wrote {_shown(path)}")
    return EXIT_OK


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
