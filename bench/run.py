"""Benchmark: builds the book with amnesty-book and, side by side, the same manuscript with pandoc.

Run with `make bench` (or `python bench/run.py [--runs N]` in the project's environment).
Pandoc (from PyPI's pypandoc-binary) makes an EPUB and a PDF through WeasyPrint from a plain
Markdown copy of the manuscript, plates as images. Each tool runs as a fresh process, as a
user would run it, several times; the medians and their ratio are printed. Not a test.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pypandoc
import yaml

PROJECT = Path(__file__).resolve().parent.parent


def pandoc_markdown(project: Path) -> str:
    """The manuscript in plain pandoc Markdown: each plate an image with its caption."""
    plates = {plate["id"]: plate for plate in yaml.safe_load((project / "images/plates.yaml").read_text())}
    text = (project / "manuscript/article.md").read_text(encoding="utf-8")

    def figure(match: re.Match[str]) -> str:
        plate = plates[match.group(1)]
        caption = f"{plate['caption']} {plate['credit']}".strip()
        return f"![{caption}](images/{plate['file']})"

    text = re.sub(r"(?m)^::: plate (\S+)$", figure, text)
    return re.sub(r"(?ms)^::: pullquote\n(.*?)\n:::$", lambda m: "> " + m.group(1), text)


def timed(runs: int, command: Callable[[], None]) -> list[float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        command()
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each tool (default 5)")
    runs = parser.parse_args().runs
    pandoc = pypandoc.get_pandoc_path()
    weasyprint = shutil.which("weasyprint", path=str(Path(sys.executable).parent))
    if weasyprint is None:
        raise SystemExit("weasyprint's command is not in this environment; run from the project's .venv")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        shutil.copytree(PROJECT / "images", work / "images")
        source = work / "article.md"
        source.write_text(pandoc_markdown(PROJECT), encoding="utf-8")
        title = ["--metadata", "title=How did the “amnesty” of Polish citizens from August, 1941 occur?"]

        def ours() -> None:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "amnesty_book",
                    "build",
                    "--project",
                    str(PROJECT),
                    "--out",
                    str(work / "ours"),
                ],
                check=True,
                capture_output=True,
            )

        def theirs() -> None:
            for target, extra in (("book.epub", []), ("book.pdf", ["--pdf-engine", weasyprint])):
                subprocess.run(
                    [pandoc, str(source), "-o", str(work / target), *title, *extra],
                    check=True,
                    capture_output=True,
                    cwd=work,
                )

        ours_seconds = timed(runs, ours)
        theirs_seconds = timed(runs, theirs)
    ours_median, theirs_median = statistics.median(ours_seconds), statistics.median(theirs_seconds)
    print(f"runs each: {runs}")
    print(
        f"amnesty-book build (web + PDF + EPUB): median {ours_median:.2f} s  "
        f"(all: {', '.join(f'{s:.2f}' for s in ours_seconds)})"
    )
    print(
        f"pandoc (EPUB + WeasyPrint PDF):        median {theirs_median:.2f} s  "
        f"(all: {', '.join(f'{s:.2f}' for s in theirs_seconds)})"
    )
    print(f"ratio of medians (amnesty-book / pandoc): {ours_median / theirs_median:.2f}")


if __name__ == "__main__":
    main()
