"""The command line: parses arguments, runs one command, turns problems into messages and exit codes."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from amnesty_book import __version__
from amnesty_book.layout.weasyprint.versions import require_pinned_versions
from amnesty_book.support.errors import WARNINGS, BookError
from amnesty_book.support.exit_codes import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    from amnesty_book.project.config import Edition


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amnesty-book",
        description="Build the web, PDF and EPUB editions of a book from its manuscript.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = commands.add_parser(
        "build",
        help="build the editions of the book into dist/",
        description="Read the manuscript, plates and timeline of a book project and build its "
        "editions (all of them, or those named with --edition). Nothing in the output folder "
        "changes unless every edition is built.",
    )
    _project_option(build)
    build.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="where the editions go (default: DIR/dist)"
    )
    build.add_argument(
        "--edition",
        action="append",
        default=[],
        metavar="NAME",
        help="build only this edition (repeatable); 'amnesty-book editions' lists them",
    )
    build.add_argument(
        "--force", action="store_true", help="build every edition named, even those already up to date"
    )
    talk = build.add_mutually_exclusive_group()
    talk.add_argument("--quiet", "-q", action="store_true", help="print nothing but problems")
    talk.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="also say what is up to date, and each edition's layouts and times",
    )
    checks = build.add_mutually_exclusive_group()
    checks.add_argument(
        "--no-check",
        dest="checks",
        action="store_const",
        const="none",
        default="fast",
        help="do not read the editions back to check them (they are checked by default)",
    )
    checks.add_argument(
        "--check",
        dest="checks",
        action="store_const",
        const="all",
        help="also run EPUBCheck on the EPUB (a Java process: several seconds)",
    )
    check = commands.add_parser(
        "check",
        help="read the built editions back and check them, EPUBCheck included",
        description="Read the editions in dist/ back and check each against the book: the same "
        "headings, notes, plates and timeline in every edition, fonts embedded, tags, language, "
        "title and outline of each PDF, internal links, glyphs, plates under 300 ppi in print "
        "editions, the layout of each PDF's pages (margins, empty pages, line length, hyphens, "
        "notes and plates on their pages, headings, orphans and widows; a handout's sheets), and "
        "EPUBCheck's verdict on the EPUB. Exit code 1 if anything is wrong.",
    )
    _project_option(check)
    check.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="where the editions are (default: DIR/dist)"
    )
    check.add_argument(
        "--edition", action="append", default=[], metavar="NAME", help="check only this edition"
    )
    check.add_argument("--format", choices=("text", "json"), default="text", help="json: a report for CI")
    check.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="also report measurements that are not problems (characters a line of each paged edition)",
    )
    serve = commands.add_parser(
        "serve",
        help="preview the web edition in a browser, rebuilt on every save",
        description="Build the web edition, serve it on 127.0.0.1 and rebuild it whenever a source "
        "changes; the open page reloads itself, and shows any build error with its file and line.",
    )
    _project_option(serve)
    serve.add_argument("--port", type=int, default=8000, help="the port to serve on (default 8000)")
    lint = commands.add_parser(
        "lint",
        help="check the manuscript, plates and timeline for mistakes and house style",
        description="Check the sources themselves (not the built editions): notes, plates, "
        "timeline, typography and links. Each finding has a code, its file and line, and a hint. "
        "Exit code 1 if any finding is an error (or any at all with --strict).",
    )
    _project_option(lint)
    lint.add_argument("--strict", action="store_true", help="fail on warnings too")
    new = commands.add_parser(
        "new",
        help="start a new book: a project that builds at once, with a README of what to edit",
        description="Write a minimal book project into DIR (new or empty): book.toml, a chapter "
        "with a note, a stand-in plate, and a README saying what to edit. Then 'cd DIR' and "
        "'amnesty-book build'.",
    )
    new.add_argument("folder", type=Path, metavar="DIR", help="the new project's folder")
    new.add_argument("--title", default="A New Book", help="the book's title")
    new.add_argument("--author", default="The Author", help="the author's name")
    new.add_argument("--language", default="en", help="the book's language: en or pl (default en)")
    imported = commands.add_parser(
        "import",
        help="start a book from a Word (.docx) or OpenDocument (.odt) manuscript",
        description="Make a new book project in DIR (new or empty) from SOURCE: book.toml from the "
        "document's properties, the manuscript (one file per top-level heading) with its notes, "
        "its pictures as plates, its Zotero or Mendeley citations with their bibliography. What "
        "could not be mapped is listed in DIR/import-report.md. Then the web edition is built "
        "and lint run, and what to do next is printed.",
    )
    imported.add_argument("source", type=Path, metavar="SOURCE", help="the .docx or .odt to import")
    imported.add_argument("folder", type=Path, metavar="DIR", help="the new project's folder")
    deciding = imported.add_mutually_exclusive_group()
    deciding.add_argument(
        "--accept-changes",
        dest="changes",
        action="store_const",
        const="accept",
        default="stop",
        help="accept the document's tracked changes (by default, a document with some is refused)",
    )
    deciding.add_argument(
        "--reject-changes", dest="changes", action="store_const", const="reject", help="reject them"
    )
    editions = commands.add_parser(
        "editions",
        help="list the editions of the book",
        description="List the editions the book config declares: kind, paper and output file.",
    )
    _project_option(editions)
    return parser


class _StderrHandler(logging.Handler):
    """Writes each warning to the current sys.stderr (looked up at each message, not once);
    notes (--verbose) go to stdout, indented under the edition they belong to."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            print(self.format(record), file=sys.stderr)
        else:
            print(f"    {self.format(record)}")


def _print_warnings() -> None:
    """Warnings go to stderr as they come, one line each, in the same form as errors."""
    if not any(isinstance(handler, _StderrHandler) for handler in WARNINGS.handlers):
        WARNINGS.addHandler(_StderrHandler())
        WARNINGS.propagate = False


def _project_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--project",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the book project folder, holding book.toml (default: the current folder)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    _print_warnings()
    # --verbose adds the notes of this command only: a caller of main (a test, the preview
    # server) gets the level back as it was. A JSON report is all its output holds.
    level = WARNINGS.level
    telling = getattr(arguments, "verbose", False) and getattr(arguments, "format", "text") != "json"
    WARNINGS.setLevel(logging.INFO if telling else logging.WARNING)
    try:
        return _run(arguments)
    except KeyboardInterrupt:
        return _interrupted(arguments)
    finally:
        WARNINGS.setLevel(level)


def _interrupted(arguments: argparse.Namespace) -> int:
    """Ctrl-C: one line instead of a traceback, and the exit code a shell gives a command it
    stopped (128 + SIGINT). A build publishes nothing until its editions are all written."""
    if arguments.command == "build":
        out = arguments.out or arguments.project / "dist"
        print(f"amnesty-book: interrupted, {out}/ unchanged", file=sys.stderr)
    else:
        print("amnesty-book: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


def _run(arguments: argparse.Namespace) -> int:
    try:
        if arguments.command == "new":
            return _new(arguments.folder, arguments.title, arguments.author, arguments.language)
        if arguments.command == "import":
            return _import(arguments.source, arguments.folder, arguments.changes)
        if not arguments.project.is_dir():
            print(f"amnesty-book: project folder '{arguments.project}' does not exist", file=sys.stderr)
            return EXIT_USAGE
        if arguments.command in {"build", "check", "serve"}:
            require_pinned_versions()
        if arguments.command == "build":
            return _build(arguments)
        if arguments.command == "check":
            return _check(
                arguments.project, arguments.out, arguments.edition, arguments.format, arguments.verbose
            )
        if arguments.command == "serve":
            return _serve(arguments.project, arguments.port)
        if arguments.command == "lint":
            return _lint(arguments.project, arguments.strict)
        if arguments.command == "editions":
            return _editions(arguments.project)
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


def _build(arguments: argparse.Namespace) -> int:
    from rich.console import Console  # imported here, as the build: `--help` stays fast

    from amnesty_book.publish import build
    from amnesty_book.publish.progress import Built

    console = Console(highlight=False, soft_wrap=True)
    # colour only on a terminal, and never under NO_COLOR
    start = time.perf_counter()

    def progress(built: Built) -> None:
        name, output = f"{built.edition.name:<16}", f"{built.output:<38}"
        if built.seconds is None:
            if arguments.verbose:
                console.print(f"  [dim]= {name} {output} up to date[/dim]")
        elif not arguments.quiet:
            console.print(f"  [green]✓[/green] {name} {output} [dim]{built.seconds:5.1f} s[/dim]")

    out = arguments.out or arguments.project / "dist"
    written = build(
        arguments.project, arguments.out, arguments.edition, arguments.checks, arguments.force, progress
    )
    if arguments.quiet:
        return EXIT_OK
    took = time.perf_counter() - start
    if written:
        console.print(f"wrote {len(written)} edition(s) into {_shown(out)} in {took:.1f} s")
    else:
        console.print(
            f"every edition in {_shown(out)} is up to date ({took:.2f} s); --force builds them again"
        )
    return EXIT_OK


def _check(project: Path, out: Path | None, editions: list[str], format: str, verbose: bool) -> int:
    from amnesty_book.checks.editions import as_json, check_editions, errors
    from amnesty_book.publish import select_editions
    from amnesty_book.publish.publishing import folder_name, unfinished
    from amnesty_book.readers.loading import load_book
    from amnesty_book.support.collector import long_lived
    from amnesty_book.support.diagnostics import INFO, WARNING, Diagnostic

    book = load_book(project)
    folder = out or project / "dist"
    left = unfinished(folder)
    findings = [Diagnostic(None, left.problem(folder_name(folder, project)))] if left else []
    with long_lived():
        findings += check_editions(book, folder, select_editions(book.config, editions), full=True)
    findings = [finding for finding in findings if verbose or finding.severity != INFO]
    failed = errors(findings)
    if format == "json":
        print(as_json(findings))
    else:
        for finding in findings:
            print(finding)
        warnings = sum(finding.severity == WARNING for finding in findings)
        print(
            f"{len(failed)} problem(s), {warnings} warning(s)"
            if failed or warnings
            else "every edition checked: no problem found"
        )
    return EXIT_FAILED if failed else EXIT_OK


def _serve(project: Path, port: int) -> int:
    from amnesty_book.publish.serve import serve

    server, stop = serve(project, port)
    host, bound = server.server_address[:2]
    print(f"previewing the web edition at http://{host}:{bound}/ (Ctrl-C stops)")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stop.set()
        server.shutdown()
    return EXIT_OK


def _lint(project: Path, strict: bool) -> int:
    from amnesty_book.checks.lint import lint_project
    from amnesty_book.support.diagnostics import ERROR

    findings = lint_project(project.resolve())
    for finding in findings:
        print(finding)
    errors = sum(finding.severity == ERROR for finding in findings)
    print(f"{len(findings)} finding(s), {errors} error(s)", file=sys.stderr)
    return EXIT_FAILED if errors or (strict and findings) else EXIT_OK


def _new(folder: Path, title: str, author: str, language: str) -> int:
    from amnesty_book.project.scaffold import new_project

    try:
        new_project(folder, title, author, language)
    except BookError as error:
        for problem in error.problems:
            print(f"amnesty-book: {problem}", file=sys.stderr)
        return EXIT_USAGE
    shown = _shown(folder)
    print(f"a new book in {shown}: 'cd {shown}' then 'amnesty-book build'; its README says what to edit")
    return EXIT_OK


def _import(source: Path, folder: Path, changes: str) -> int:
    """The project made, then its web edition built and lint run: what to do next is printed."""
    from amnesty_book.importing.project import REPORT, import_document
    from amnesty_book.project.scaffold import check_new_folder

    try:
        check_new_folder(folder)
    except BookError as error:
        print(f"amnesty-book: {error.problems[0]}", file=sys.stderr)
        return EXIT_USAGE
    try:
        imported = import_document(source, folder, changes)
    except BookError as error:  # the document: damaged, protected, with changes to decide
        for problem in error.problems:
            print(f"amnesty-book: {problem}", file=sys.stderr)
        return EXIT_FAILED
    shown = _shown(folder)
    print(
        f"imported {source.name} into {shown}: {imported.chapters} chapter(s), {imported.notes} note(s), "
        f"{imported.plates} plate(s), {imported.citations} citation(s) of {imported.works} work(s)"
    )
    require_pinned_versions()
    from amnesty_book.checks.lint import lint_project
    from amnesty_book.publish import build

    built = True
    try:
        build(folder, None, ["web"], "fast", False)
        print(f"built the web edition: {shown}/dist/")
    except BookError as error:
        built = False
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print("amnesty-book: the imported book does not build yet; fix the problems above", file=sys.stderr)
    findings = lint_project(folder.resolve())
    print(f"lint: {len(findings)} finding(s)")
    for finding in findings[:20]:
        print(f"  {finding}")
    if len(findings) > 20:
        print(f"  ... and {len(findings) - 20} more: run 'amnesty-book lint --project {shown}'")
    print("next:")
    for line in imported.to_do:
        print(f"  - {line}")
    if imported.findings:
        print(f"  - read {shown}/{REPORT}: {imported.findings} thing(s) imported otherwise or not at all")
    print(f"  - then 'amnesty-book build --project {shown}' builds every edition")
    return EXIT_OK if built else EXIT_FAILED


def _editions(project: Path) -> int:
    from amnesty_book.project.config import load_config
    from amnesty_book.project.sources import Project

    config = load_config(Project(project.resolve()))
    rows = [("edition", "kind", "paper", "colour", "output")] + [
        (e.name, e.kind, _paper(e), e.colour, f"dist/{e.output_name(config.slug)}") for e in config.editions
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return EXIT_OK


def _paper(edition: Edition) -> str:
    if edition.paper is None:
        return "-"
    if edition.page_size != edition.paper:
        return f"{edition.page_size} pages on {edition.paper} sheets"
    return edition.paper


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
