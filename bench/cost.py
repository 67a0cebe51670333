"""Benchmark: does a build's cost grow with the book and no faster (issue 25)?

Run in the project's environment, e.g.

    .venv/bin/python bench/cost.py paragraph 50000 100000 200000 500000 1000000
    .venv/bin/python bench/cost.py notes 1000 10000
    .venv/bin/python bench/cost.py paragraph 1000000 --edition reader-a4 --runs 3

1. `paragraph N…`: a small book whose one chapter holds a paragraph of N characters of prose
   (the article's own sentences, in a fixed order, so every run sets the same text).
2. `notes N…`: a small book of N notes, each called from a sentence of its own, in paragraphs
   of ten sentences.

Each book is built (`--force`, checks on) for each edition asked (reader-a4 and epub unless
`--edition` says otherwise), each build a fresh process as a user runs it; the figures are
the wall time and the peak resident memory of every process of the build (the builder and its
worker processes, read from /proc while it runs and, for the largest, from the kernel's own
count when it ends). Not a test: it prints figures for docs/performance.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CONFIG = """\
[book]
title = "A Book Built to Measure"
author = "Ada Author"
language = "en"
identifier = "urn:uuid:00000000-0000-4000-8000-000000000025"
slug = "cost"
edition_date = 2024-01-01

[editions.reader-a4]
kind = "reader"
paper = "A4"

[editions.epub]
kind = "epub"

[editions.web]
kind = "web"

[editions.handout-a4]
kind = "handout"
paper = "A4"

[editions.press]
kind = "press"

[editions.archive]
kind = "archive"
"""


def sentences() -> Iterator[str]:
    """The article's sentences, over and over, in their order: prose of varied words."""
    article = (PROJECT / "manuscript" / "article.md").read_text(encoding="utf-8")
    prose = re.sub(r"\[\^[^\]]+\]|^(#|:::|\[\^).*$", "", article, flags=re.MULTILINE)
    return itertools.cycle(re.findall(r"[A-Z][^.?!\n>“”*_\[\]`]{30,}[.?!]", prose))


def prose(length: int) -> str:
    """A paragraph of about `length` characters (never more), ending with a sentence."""
    words: list[str] = []
    total = 0
    for sentence in sentences():
        if total + len(sentence) + 1 > length:
            break
        words.append(sentence)
        total += len(sentence) + 1
    return " ".join(words)


def _project(root: Path, manuscript: str) -> Path:
    """The tests' small project (its fonts, a grey plate, its plates.yaml and timeline), with
    this benchmark's config and `manuscript`."""
    spec = importlib.util.spec_from_file_location("conftest", PROJECT / "tests" / "conftest.py")
    assert spec and spec.loader
    tests = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tests)
    tests.SmallProject(root)
    (root / "book.toml").write_text(CONFIG, encoding="utf-8")
    (root / "manuscript" / "article.md").write_text(manuscript, encoding="utf-8")
    return root


def paragraph_book(root: Path, length: int) -> Path:
    """A book of one chapter: a plate, then one paragraph of `length` characters at most."""
    text = f"# A chapter\n\n::: plate one\n\nA short paragraph first.\n\n{prose(length)}\n"
    return _project(root, text)


def notes_book(root: Path, count: int) -> Path:
    """A book of `count` notes, ten calls a paragraph, each note a sentence or two."""
    said = sentences()
    paragraphs, notes = [], []
    for first in range(1, count + 1, 10):
        calls = range(first, min(first + 10, count + 1))
        paragraphs.append(" ".join(f"{next(said)}[^n{n}]" for n in calls))
        notes += [f"[^n{n}]: {next(said)}" + (f" {next(said)}" if n % 3 == 0 else "") for n in calls]
    parts = ["# A chapter", "::: plate one"]
    for number, start in enumerate(range(0, len(paragraphs), 50)):
        parts.append(f"## Section {number + 1}")  # a heading every 500 notes
        parts += paragraphs[start : start + 50]
    return _project(root, "\n\n".join(parts + notes) + "\n")


def _descendants(pid: int) -> list[int]:
    """The process's children (those of any of its threads), theirs, and so on."""
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in children.read_text().split()]
        except OSError:
            continue
    return found + [grandchild for child in found for grandchild in _descendants(child)]


def _peak(pid: int) -> int | None:
    """The process's peak resident memory so far, in bytes (VmHWM)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else None


def _processor_time() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def build(root: Path, edition: str) -> tuple[float, float, dict[int, int], str]:
    """One build of `edition`: its wall time, the processor time of all its processes, each
    process's peak memory as polled, and what the build printed."""
    command = [sys.executable, "-m", "amnesty_book", "build", "--project", str(root), "--force", "--verbose"]
    command += ["--edition", edition]
    start, used = time.perf_counter(), _processor_time()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peaks: dict[int, int] = {}
    while process.poll() is None:
        for pid in [process.pid, *_descendants(process.pid)]:
            peak = _peak(pid)
            if peak is not None:
                peaks[pid] = max(peaks.get(pid, 0), peak)
        time.sleep(0.05)
    wall = time.perf_counter() - start
    output = process.stdout.read() if process.stdout else ""
    if process.returncode != 0:
        raise SystemExit(f"build of {root} ({edition}) failed:\n{output}")
    return wall, _processor_time() - used, peaks, output


def measure(kind: str, sizes: list[int], editions: list[str], runs: int) -> None:
    make = paragraph_book if kind == "paragraph" else notes_book
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="amnesty-cost-") as folder:
            root = make(Path(folder) / "book", size)
            for edition in editions:
                walls, processor, peaks = [], [], []
                for _ in range(runs):
                    wall, used, polled, output = build(root, edition)
                    walls.append(wall)
                    processor.append(used)
                    peaks.append(sorted(polled.values(), reverse=True))
                times = ", ".join(f"{wall:.1f}" for wall in walls)
                laid_out = re.findall(r"laid out \d+ time\(s\) \(([\d.]+) s\), (\d+) pages", output)
                wall = statistics.median(walls)
                print(
                    f"{kind} {size:>9,} {edition:<10} wall median {wall:6.2f} s ({times}); "
                    f"processor {statistics.median(processor):6.2f} s; "
                    f"layout {'+'.join(seconds for seconds, _ in laid_out)} s, "
                    f"{'+'.join(pages for _, pages in laid_out)} pages; "
                    f"processes' peaks {', '.join(f'{peak / 2**20:.0f}' for peak in max(peaks))} MB",
                    flush=True,
                )
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"largest process of all the builds (the kernel's count): {largest:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=textwrap.dedent(__doc__ or "").splitlines()[0])
    parser.add_argument("kind", choices=("paragraph", "notes"))
    parser.add_argument("sizes", type=int, nargs="+", help="characters of the paragraph, or notes")
    editions = "reader-a4, epub, web, handout-a4, press, archive"
    parser.add_argument("--edition", action="append", default=[], help=editions)
    parser.add_argument("--runs", type=int, default=1)
    arguments = parser.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    measure(arguments.kind, arguments.sizes, arguments.edition or ["reader-a4", "epub"], arguments.runs)


if __name__ == "__main__":
    main()
