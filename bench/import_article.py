"""Benchmark: `amnesty-book import` on a 30-page article with 100 notes and 10 pictures.

The article is made as a .docx by pandoc (the builder's own) from the article's sentences, in
a fixed order: 4 sections, 100 paragraphs (about 12,000 words, 30 pages of a manuscript), 100
footnotes, 10 pictures of 2400 × 1600 pixels with captions. The import is timed up to its
first build (reading, mending, writing the project, saving the plates), the median of a few
runs in fresh processes; the goal is under 10 s. Not a test: run it in the project's
environment, `python bench/import_article.py [--runs N]`.
"""

from __future__ import annotations

import argparse
import itertools
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

PROJECT = Path(__file__).resolve().parent.parent
SECTIONS, PARAGRAPHS, NOTES, PICTURES = 4, 100, 100, 10
_TIMED = """
import sys, time
from pathlib import Path
from amnesty_book.importing.project import import_document
start = time.perf_counter()
import_document(Path(sys.argv[1]), Path(sys.argv[2]))
print(time.perf_counter() - start)
"""


def make_article(folder: Path) -> Path:
    """The article as a .docx in `folder`."""
    from amnesty_book.citing.pandoc_program import pandoc

    article = (PROJECT / "manuscript" / "article.md").read_text(encoding="utf-8")
    prose = re.sub(r"\[\^[^\]]+\]|^(#|:::|\[\^|>).*$", "", article, flags=re.MULTILINE)
    sentences = itertools.cycle(re.findall(r"[A-Z][^.?!\n>“”]{30,}[.?!]", prose))
    for number in range(PICTURES):  # noise, as large as a photograph's JPEG
        grain = Image.effect_noise((2400, 1600), 40 + 5 * number)
        Image.merge("RGB", (grain, grain.rotate(180), grain)).save(
            folder / f"picture{number}.jpg", quality=90
        )
    lines, notes = ["# An article of thirty pages\n"], []
    for paragraph in range(PARAGRAPHS):
        if paragraph % (PARAGRAPHS // SECTIONS) == 0:
            lines.append(f"## Section {paragraph // (PARAGRAPHS // SECTIONS) + 1}\n")
        words = " ".join(next(sentences) for _ in range(5))
        number = len(notes) + 1
        notes.append(f"[^{number}]: {next(sentences)} {next(sentences)}")
        lines.append(f"{words}[^{number}] {' '.join(next(sentences) for _ in range(2))}\n")
        if paragraph % (PARAGRAPHS // PICTURES) == 5:
            picture = paragraph // (PARAGRAPHS // PICTURES)
            lines.append(f"![Picture {picture + 1}: {next(sentences)}](picture{picture}.jpg)\n")
    source = folder / "article.docx"
    subprocess.run(
        [pandoc(), "-f", "markdown", "-t", "docx", "-o", str(source)],
        input="\n".join(lines + notes).encode("utf-8"),
        cwd=folder,
        check=True,
    )
    return source


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        source = make_article(folder)
        seconds, wall = [], []
        for run in range(runs):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", _TIMED, str(source), str(folder / f"book{run}")],
                capture_output=True,
                text=True,
                check=True,
            )
            wall.append(time.perf_counter() - start)
            seconds.append(float(done.stdout))
        book = folder / "book0"
        notes = sum(
            text.count("\n[^")
            for text in (p.read_text(encoding="utf-8") for p in book.glob("manuscript/*.md"))
        )
        plates = len(list((book / "images").glob("*.jpg")))
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in book.glob("manuscript/*.md"))
        size = source.stat().st_size / 1e6
        print(f"article: {size:.1f} MB .docx, {words} words, {notes} notes, {plates} plates")
        print(
            f"import (before the first build): median {statistics.median(seconds):.2f} s "
            f"(process, imports included: {statistics.median(wall):.2f} s) over {runs} runs; goal < 10 s"
        )


if __name__ == "__main__":
    main()
